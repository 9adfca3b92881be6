"""Raw → validated: parse text tables to typed columns and check every rule of the contract.

Validation is *lazy*: each function returns a list of :class:`~evaluation.core.errors.Failure`
instead of stopping at the first problem, and :func:`validate_programme` raises one
:class:`~evaluation.core.errors.DataValidationError` listing all of them (file, spreadsheet rows,
column, rule, offending values). Nothing here touches the disk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa

from evaluation.core.errors import DataValidationError, Failure
from evaluation.core.vocabulary import PROTECTED
from evaluation.data.answers import Answers, validate_answers
from evaluation.data.groups import PROGRAMME, group_failures, in_comparison, schema_view
from evaluation.data.input_checks import (
    category_spelling_failures,
    header_row_failure,
    optional_header_failures,
    spreadsheet_error_failures,
)
from evaluation.data.params import Cohort, Instrument, Programme
from evaluation.data.rules import (
    EARLIEST_DATE,
    KIND_WORDS,
    ROW_OFFSET,
    blank_row_failure,
    blank_rows,
    describe_check,
    first_failure_per_cell,
    header_failures,
    parse_column,
    skeletons,
)
from evaluation.data.schemas import COLUMN_TYPES, OPTIONAL_COLUMNS, SCHEMAS

__all__ = [
    "NOT_RECORDED",
    "ValidatedProgramme",
    "check_schema",
    "parse_table",
    "price_year_failures",
    "validate_programme",
    "validate_reference",
]

#: The category a blank protected characteristic is given: kept, never dropped (CONTRACT §2).
NOT_RECORDED = "not_recorded"
def _rows(index) -> tuple[int, ...]:
    return tuple(int(i) + ROW_OFFSET for i in index)


# ------------------------------------------------------------------------------------ parsing


def parse_table(raw: pd.DataFrame, table: str, file: str) -> tuple[pd.DataFrame, list[Failure]]:
    """Parse a table read as text into typed columns.

    Parameters
    ----------
    raw : DataFrame
        Every column as text, empty cells as missing (as :func:`evaluation.core.raw_files.read_table` gives).
    table : str
        One of ``participants, responses, costs, workforce, deflators``.
    file : str
        The file's name, for messages.

    Returns
    -------
    (DataFrame, list of Failure)
        The typed table (contract columns only, in contract order; absent optional columns
        filled with their default where they have one) and the cells that could not be parsed.

    Examples
    --------
    >>> raw = pd.DataFrame({"year": ["2005", "x"], "index": ["61.57", "66.89"],
    ...                     "source": ["HMT", "HMT"]})
    >>> typed, failures = parse_table(raw, "deflators", "gdp_deflators.csv")
    >>> print(failures[0])
    gdp_deflators.csv, row 3, column `year`: expected a whole number; found 'x'
    """
    if table not in COLUMN_TYPES:
        raise ValueError(f"`table` must be one of {sorted(COLUMN_TYPES)}, got {table!r}")
    types = COLUMN_TYPES[table]
    optional = OPTIONAL_COLUMNS[table]
    failures: list[Failure] = []
    blank = blank_rows(raw)
    if blank.any():  # one failure for the wholly blank rows, not one per required cell of each
        failures.append(blank_row_failure(file, _rows(raw.index[blank])))
        raw = raw[~blank]
    if raw.empty and len(raw.columns):
        failures.append(Failure(file, (), None, "at least one data row below the header (the file has only its header"
                                + (" and empty rows)" if blank.any() else ")")))
    header = header_failures(list(raw.columns), table, file)
    twice = {f.column for k, f in header if k < 0}
    failures += [f for k, f in header if k < 0] + optional_header_failures(list(raw.columns), table, file)
    hint = header_row_failure(raw, table, file)  # a title row above the header: one failure, not one per column
    missing = {f.column: hint or f for k, f in header if k >= 0}
    failures += spreadsheet_error_failures(raw, table, file)
    out = {}
    for column, kind in types.items():
        if column in twice:
            continue
        if column not in raw.columns:
            if column in optional:
                if optional[column] is not None:
                    out[column] = pd.Series(optional[column], index=raw.index, dtype="str")
                continue
            failures += [missing[column]] if missing[column] not in failures else []
            continue
        text = raw[column].astype("str").where(raw[column].notna())
        text = text.str.strip().replace("", np.nan)
        parsed = parse_column(text, kind)
        bad = text.notna() & parsed.isna()
        if bad.any():
            failures.append(Failure(file, _rows(raw.index[bad]), column, KIND_WORDS[kind], tuple(text[bad])))
        out[column] = parsed
    typed = pd.DataFrame(out, index=raw.index)
    if table == "responses" and "rater" in typed:
        typed["rater"] = typed["rater"].fillna("self")
    return typed, failures


def check_schema(
    typed: pd.DataFrame, table: str, file: str, *, skip: list[Failure] = (), raw: pd.DataFrame | None = None
) -> list[Failure]:
    """Check a typed table against its pandera model, lazily; return the failures.

    Cells already reported by :func:`parse_table` (``skip``) are not reported again; offending
    values are shown as written in ``raw`` when it is given.
    """
    schema = SCHEMAS[table].to_schema()
    present = {c: col for c, col in schema.columns.items() if c in typed.columns}
    schema = pa.DataFrameSchema(
        present, unique=schema.unique, strict=False, coerce=False, name=schema.name
    )
    try:
        schema.validate(typed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _failures_from_pandera(exc.failure_cases, file, skip, schema.unique, raw)
    return []


def _failures_from_pandera(cases: pd.DataFrame, file: str, skip, unique=None, raw=None) -> list[Failure]:
    skipped = {(f.column, r) for f in skip for r in f.rows}
    failures = []
    checks = cases["check"].astype(str)
    cases = cases[~checks.str.startswith("dtype(")]
    multi = cases["check"].astype(str).str.startswith("multiple_fields_uniqueness")
    if multi.any():
        rows = sorted({int(i) + ROW_OFFSET for i in cases.loc[multi, "index"].dropna()})
        key = ", ".join(unique or [])
        failures.append(Failure(file, tuple(rows), None,
                                f"each combination of ({key}) to appear only once (duplicate rows)"))
    for (column, check), group in cases[~multi].groupby(["column", "check"], sort=False, dropna=False):
        rows = [int(i) + ROW_OFFSET for i in group["index"].dropna()]
        keep = [k for k, r in enumerate(rows) if (column, r) not in skipped]
        if group["index"].notna().any() and not keep:
            continue
        values = tuple(str(v) for v in group["failure_case"].iloc[keep] if pd.notna(v)) if keep else ()
        if raw is not None and column in raw.columns and keep:
            index = group["index"].dropna().astype(int).to_numpy()[keep]
            values = tuple(str(v).strip() for v in raw.loc[index, column] if pd.notna(v))
        if str(check) == "not_nullable":
            values = ()
        failures.append(Failure(file, tuple(rows[k] for k in keep), column, describe_check(str(check)), values))
    return failures


# --------------------------------------------------------------------------- cross-table rules


@dataclass(frozen=True)
class ValidatedProgramme:
    """The validated (typed, checked, not yet pseudonymised) tables of one programme."""

    participants: pd.DataFrame
    responses: Answers
    costs: pd.DataFrame


def _future_dates(frame: pd.DataFrame, column: str, file: str) -> list[Failure]:
    """Dates after today (the day of the ingest) cannot have happened, nor dates before
    :data:`EARLIEST_DATE`: typing errors."""
    if column not in frame:
        return []
    today = pd.Timestamp.today().normalize()
    out = []
    for bad, rule in ((frame[column].notna() & (frame[column] > today), f"a date no later than today ({today.date()})"),
                      (frame[column].notna() & (frame[column] < EARLIEST_DATE),
                       f"a date no earlier than {EARLIEST_DATE.date()}")):
        if bad.any():
            out.append(Failure(file, _rows(frame.index[bad]), column, rule,
                               tuple(frame.loc[bad, column].dt.strftime("%Y-%m-%d"))))
    return out


def _isin_rule(df, column, allowed, file, rule) -> list[Failure]:
    bad = df[column].notna() & ~df[column].isin(list(allowed))
    if not bad.any():
        return []
    return [Failure(file, _rows(df.index[bad]), column, rule, tuple(df.loc[bad, column].astype(str)))]


def validate_reference(
    raw_workforce: pd.DataFrame, raw_deflators: pd.DataFrame, *, files: Mapping[str, str]
) -> tuple[pd.DataFrame, pd.DataFrame, list[Failure]]:
    """Parse and check the two reference tables; return them typed with their failures."""
    failures: list[Failure] = []
    out = []
    for table, raw in (("workforce", raw_workforce), ("deflators", raw_deflators)):
        typed, parse_failures = parse_table(raw, table, files[table])
        schema_failures = check_schema(typed, table, files[table], skip=parse_failures, raw=raw)
        failures += parse_failures + schema_failures
        if table == "workforce" and not parse_failures and not schema_failures:
            failures += workforce_totals(typed, files[table])
        out.append(typed)
    return out[0], out[1], failures


def workforce_totals(workforce: pd.DataFrame, file: str) -> list[Failure]:
    """Within each population × year, every dimension must add up to the same headcount.

    The rows of a population × year are marginal headcounts of one set of people, so each
    dimension's categories sum to that population's total; a dimension that sums to something
    else has a category missing or a figure mistyped. The failure names the rows of the
    dimensions whose total differs from the most common one.

    Examples
    --------
    >>> wf = pd.DataFrame({"year": [2004] * 4, "population": "managers",
    ...                    "dimension": ["sector", "sector", "gender", "gender"],
    ...                    "category": ["a", "b", "female", "male"], "headcount": [60, 40, 70, 20]})
    >>> print(workforce_totals(wf, "workforce.csv")[0])  # doctest: +NORMALIZE_WHITESPACE
    workforce.csv, rows 4-5, column `headcount`: expected every dimension of population 'managers', year 2004 to add up
    to the same total (sector: 100; gender: 90); found '70', '20'
    """
    failures = []
    for (population, year), grp in workforce.groupby(["population", "year"], sort=False):
        totals = grp.groupby("dimension", sort=False)["headcount"].sum()
        if totals.nunique() <= 1:
            continue
        usual = totals.mode().iloc[0] if (totals == totals.mode().iloc[0]).sum() > 1 else totals.iloc[0]
        odd = totals.index[totals != usual]
        bad = grp[grp["dimension"].isin(odd)]
        sums = "; ".join(f"{d}: {int(t):,}" for d, t in totals.items())
        failures.append(Failure(file, _rows(bad.index), "headcount",
                                f"every dimension of population {population!r}, year {int(year)} to add up to the "
                                f"same total ({sums})", tuple(bad["headcount"].astype(str))))
    return failures


def price_year_failures(programme: Programme, cohorts: Mapping[int, Cohort], deflators: pd.DataFrame,
                        files: Mapping[str, str]) -> list[Failure]:
    """Parameters whose price year has no GDP deflator: each cohort's ``price_base_year`` and the
    programme's ``staff_hourly_cost.price_year``. Found at ingest, naming the parameter file and
    key, rather than inside a report notebook."""
    if not len(deflators) or "year" not in deflators:
        return []  # the deflator table's own failures are reported
    years = set(deflators["year"].dropna().astype(int))
    span = f"{files['deflators']} ({min(years)}-{max(years)})" if years else files["deflators"]
    wanted = [(files.get(f"cohort-{n}.yaml", f"params/{programme.name}/cohort-{n}.yaml"), "price_base_year",
               coh.price_base_year) for n, coh in sorted(cohorts.items())]
    staff = getattr(programme, "staff_hourly_cost", None)
    if staff is not None:
        wanted.append((files.get("programme.yaml", f"params/{programme.name}/programme.yaml"),
                       "staff_hourly_cost.price_year", staff.price_year))
    return [Failure(file, (), None, f"key `{key}` to be a year with a GDP deflator in {span}", (str(year),))
            for file, key, year in wanted if int(year) not in years]


def _params_folder(files: Mapping[str, str], programme: str) -> str:
    """The programme's parameter folder as messages name it: beside its ``programme.yaml``."""
    shown = files.get("programme.yaml")
    return shown.rsplit("/", 1)[0] if shown and "/" in shown else f"params/{programme}"


def validate_programme(
    raw: Mapping[str, pd.DataFrame],
    *,
    programme: Programme,
    instruments: Mapping[str, Instrument],
    cohorts_with_params: list[int],
    workforce: pd.DataFrame,
    deflators: pd.DataFrame,
    files: Mapping[str, str],
    reference_failures: list[Failure] = (),
) -> ValidatedProgramme:
    """Validate one programme's three tables against the contract, lazily.

    Parameters
    ----------
    raw : mapping
        ``{"participants": ..., "responses": ..., "costs": ...}`` read as text.
    programme, instruments : parameter models
        From :mod:`evaluation.data.params`.
    cohorts_with_params : list of int
        Cohorts that have a ``cohort-<n>.yaml``.
    workforce, deflators : DataFrame
        The typed reference tables (from :func:`validate_reference`).
    files : mapping
        Table name → file name as shown in messages.
    reference_failures : list of Failure
        Failures already found in the reference tables, reported together with these.

    Raises
    ------
    DataValidationError
        Listing every failure found in any of the tables.
    """
    failures: list[Failure] = list(reference_failures)
    typed: dict[str, pd.DataFrame] = {}
    for table in ("participants", "responses", "costs"):
        if table == "responses":
            blocks = [raw[table]] if isinstance(raw[table], pd.DataFrame) else raw[table]
            answers, answer_failures, answer_rules = validate_answers(
                blocks, file=files[table], participants=typed["participants"],
                participants_file=files["participants"], programme=programme, instruments=instruments)
            failures += answer_failures
            continue
        frame, parse_failures = parse_table(raw[table], table, files[table])
        checked = schema_view(frame) if table == "participants" else frame
        failures += parse_failures + check_schema(checked, table, files[table], skip=parse_failures, raw=raw[table])
        typed[table] = frame
    p, c = typed["participants"], typed["costs"]
    pf, cf = files["participants"], files["costs"]

    # participants ------------------------------------------------------------------------
    if {"local_authority"} <= set(p.columns) and len(workforce):
        areas = set(workforce.loc[workforce["dimension"] == "local_authority", "category"]) | {"national"}
        failures += _isin_rule(
            p, "local_authority", areas, pf,
            f"one of Scotland's 32 council areas as named in {files['workforce']}, or `national`",
        )
    if "population" in workforce and len(workforce):
        populations = sorted(set(workforce["population"].dropna()))
        if programme.eligible_population not in populations:
            failures.append(Failure(
                files.get("programme.yaml", f"params/{programme.name}/programme.yaml"), (), None,
                f"key `eligible_population` to name a population of {files['workforce']} (the populations there: "
                f"{', '.join(populations)})", (programme.eligible_population,)))
    if "cohort" in p:
        failures += _isin_rule(
            p, "cohort", cohorts_with_params, pf,
            f"a cohort with a parameter file {_params_folder(files, programme.name)}/cohort-<n>.yaml "
            f"(cohorts with parameters: {cohorts_with_params or 'none'})",
        )
    if "sessions_attended" in p:
        over = p["sessions_attended"].notna() & (p["sessions_attended"] > programme.sessions)
        if over.any():
            failures.append(Failure(pf, _rows(p.index[over]), "sessions_attended",
                                    f"at most the programme's {programme.sessions} sessions (programme.yaml `sessions`)",
                                    tuple(p.loc[over, "sessions_attended"].astype(str))))

    if "participant_id" in p:
        folded = skeletons(p["participant_id"])
        clash = folded.notna() & folded.duplicated(keep=False) & ~p["participant_id"].duplicated(keep=False)
        if clash.any():
            failures.append(Failure(pf, _rows(p.index[clash]), "participant_id",
                                    "identifiers that stay unique after trimming spaces and ignoring case, with "
                                    "look-alike characters taken as the same (a Cyrillic 'Т' for a Latin 'T', '‐' for "
                                    "'-', full-width digits, a zero-width space)", tuple(p.loc[clash, "participant_id"])))

    failures += _future_dates(p, "enrolled_on", pf)
    failures += group_failures(p, pf) + category_spelling_failures(p, workforce, pf, files["workforce"])

    failures += answer_rules

    # costs -------------------------------------------------------------------------------
    if "cohort" in c and "cohort" in p:
        failures += _isin_rule(c, "cohort", set(p.loc[~in_comparison(p), "cohort"].dropna()), cf,
                               f"a cohort that has participants in {pf}, or blank for a programme-level cost")
    if "price_year" in c and len(deflators):
        years = set(deflators["year"].dropna())
        failures += _isin_rule(c, "price_year", years, cf,
                               f"a price year that has a GDP deflator in {files['deflators']} "
                               f"({min(years)}-{max(years)})")

    if failures:
        raise DataValidationError(first_failure_per_cell(failures))

    participants = p.copy()
    for column in PROTECTED:
        if column in participants:
            participants[column] = participants[column].fillna(NOT_RECORDED)
    if "group" in participants:  # kept only when someone is in a comparison group, so that a column of
        # `programme` and blanks gives the same processed data as no column at all
        participants["group"] = participants["group"].fillna(PROGRAMME)
        if not in_comparison(participants).any():
            participants = participants.drop(columns="group")
    return ValidatedProgramme(participants=participants, responses=answers, costs=c.copy())
