"""Words and parsers shared by the validation of every raw table: how a rule is said, how a cell
is parsed, which header problems are reported, and how a cell that broke several rules is reported
once. Used by :mod:`evaluation.data.validate` (tables read whole) and
:mod:`evaluation.data.answers` (the answers, block by block).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping

import numpy as np
import pandas as pd

from evaluation.core.errors import Failure
from evaluation.data.schemas import COLUMN_TYPES, OPTIONAL_COLUMNS

__all__ = ["EARLIEST_DATE", "KIND_WORDS", "ROW_OFFSET", "blank_row_failure", "blank_rows", "describe_check",
           "first_failure_per_cell", "header_failures", "parse_column", "skeleton", "skeletons"]

#: The header is spreadsheet row 1, so data row i (0-based) is spreadsheet row i + 2.
ROW_OFFSET = 2

RULES = {
    "not_nullable": "a value (this column is required; the cell is empty)",
    "field_uniqueness": "unique values (each value may appear only once)",
    "column_in_dataframe": "the column to be present (required by CONTRACT section 2)",
}


def describe_check(check: str) -> str:
    """Turn a pandera check name into words: ``isin(['a', 'b'])`` → ``one of: a, b``."""
    if check in RULES:
        return RULES[check]
    name, _, arg = check.partition("(")
    arg = arg.rstrip(")")
    if name == "isin":
        values = [v.strip().strip("'\"") for v in arg.strip("[]()").split(",") if v.strip()]
        return "one of: " + ", ".join(values)
    words = {
        "greater_than_or_equal_to": "a value ≥ ",
        "greater_than": "a value > ",
        "less_than_or_equal_to": "a value ≤ ",
        "less_than": "a value < ",
    }
    if name in words:
        return words[name] + arg
    if name == "str_matches":
        return "a lower-case snake_case name (letters, digits and _, starting with a letter)"
    if name == "multiple_fields_uniqueness" or "unique" in name:
        return "unique combinations"
    return check


def parse_column(text: pd.Series, kind: str) -> pd.Series:
    if kind == "text":
        return text
    if kind == "money":
        text = text.str.replace("£", "", regex=False).str.strip()
        # a comma, or a space, only between groups of three digits ("1,234.50", "38 450"): "12,50",
        # "1.234,50" (a decimal comma) or "12 50" would otherwise be read as 1250, 1.2345 and 1250,
        # so such a cell is not a number
        for pattern in (",", r"\s"):  # a comma, then any space (a non-breaking one too)
            inside = text.str.contains(pattern, regex=True, na=False)
            grouped = text.str.fullmatch(rf"[-+]?\d{{1,3}}(?:{pattern}\d{{3}})+(?:\.\d*)?", na=False)
            text = text.where(~inside | grouped, "not a number").str.replace(pattern, "", regex=True)
    if kind == "date":
        return pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    numbers = pd.to_numeric(text, errors="coerce")
    if kind == "int":
        whole = numbers.where(np.isfinite(numbers) & (numbers == np.round(numbers)))
        return whole.astype("Float64").astype("Int64")
    return numbers.where(np.isfinite(numbers)).astype("Float64")


def columns_named_twice(columns: list[str], types: Mapping[str, str]) -> dict[str, list[str]]:
    """Contract columns whose name appears more than once in the header, compared ignoring case and
    spaces (pandas renames a repeated ``cohort`` to ``cohort.1``: that counts as ``cohort``)."""
    contract = {c.casefold(): c for c in types}
    found: dict[str, list[str]] = {}
    for name in columns:
        base = re.sub(r"\.\d+$", "", name)
        base = base if base != name and base in columns else name
        key = base.strip().casefold()
        if key in contract:
            found.setdefault(contract[key], []).append(base)
    return {column: names for column, names in found.items() if len(names) > 1}


KIND_WORDS = {
    "int": "a whole number",
    "number": "a number",
    "money": ("an amount in pounds (a number such as 1234.50; '£' and commas or spaces between groups of three "
              "digits, as in £1,234.50 or 1 234.50, are allowed; a decimal comma is not)"),
    "date": "an ISO date (YYYY-MM-DD)",
}




def blank_rows(frame: pd.DataFrame) -> np.ndarray:
    """Which rows are wholly blank: every cell, of every column of the file (contract or not),
    empty or only spaces. A spreadsheet exports an empty row as a line of commas (``,,,,,,``);
    a text editor leaves an empty line. The readers keep both as rows
    (:func:`evaluation.core.raw_files.trailing_empty_lines`: except empty lines that end the file).

    Columns may be text or categorical (the answers' blocks); a row with any value is not blank.

    Examples
    --------
    >>> blank_rows(pd.DataFrame({"a": ["x", None, " ", None], "b": [None, None, None, "2"]})).tolist()
    [False, True, True, False]
    >>> blank_rows(pd.DataFrame({"a": ["x", "", ""], "b": ["", "", "y"]}).astype("category")).tolist()
    [False, True, False]
    """
    blank = np.ones(len(frame), dtype=bool)
    for column in frame.columns:
        if not blank.any():
            break
        cells = frame[column]
        if isinstance(cells.dtype, pd.CategoricalDtype):  # each distinct text looked at once
            empty = np.asarray(pd.Index(cells.cat.categories).astype(str).str.strip() == "", dtype=bool)
            codes = cells.cat.codes.to_numpy()
            cell_blank = codes < 0
            if len(empty):
                cell_blank |= empty[np.maximum(codes, 0)] & (codes >= 0)
        else:
            cell_blank = cells.isna().to_numpy() | (cells.astype(str).str.strip() == "").to_numpy()
        blank &= cell_blank
    return blank


def blank_row_failure(file: str, rows: tuple[int, ...]) -> Failure:
    """The one failure of a table's wholly blank rows (spreadsheet ``rows``), instead of one per
    required cell of each: the rows carry no data, so the user is asked to delete them.

    Examples
    --------
    >>> print(blank_row_failure("costs.csv", (7,)))  # doctest: +NORMALIZE_WHITESPACE
    costs.csv, row 7: expected at least one value in a row; the row is empty: every cell is blank (an
    empty line, or a line of commas as a spreadsheet exports an empty row): delete it
    """
    one = len(rows) == 1
    return Failure(file, tuple(rows), None,
                   f"at least one value in a row; {'the row is' if one else 'these rows are'} empty: every cell is "
                   "blank (an empty line, or a line of commas as a spreadsheet exports an empty row): "
                   f"delete {'it' if one else 'them'}")


def header_failures(columns: list[str], table: str, file: str) -> list[tuple[int, Failure]]:
    """The header's problems, each with its place: contract columns named twice (place -1) and
    required columns that are absent (place = the column's place in the contract).

    Examples
    --------
    >>> [(k, f.column) for k, f in header_failures(["wave", "Wave ", "item"], "responses", "r.csv")][:2]
    [(-1, 'wave'), (0, 'participant_id')]
    >>> print(header_failures(["participant_ID", "wave", "item"], "responses", "r.csv")[0][1])
    r.csv, column `participant_id`: expected the column to be present (required by CONTRACT section 2); the \
header has 'participant_ID': a misspelling?
    """
    types, optional = COLUMN_TYPES[table], OPTIONAL_COLUMNS[table]
    twice = columns_named_twice(columns, types)
    out = [(-1, Failure(file, (), column, "the column once in the header; it is there more than once (names "
                                          "compared ignoring case and spaces), so which one holds the data is "
                                          "ambiguous", tuple(names))) for column, names in twice.items()]
    missing = [(k, column) for k, column in enumerate(types)
               if column not in twice and column not in columns and column not in optional]
    # a header column that is no contract column but close to a missing one is named beside it
    # ("local_authorty", "Participant_ID"): the user sees the typing error, not only the absence
    spare = [c for c in columns if c not in types]
    out += [(k, Failure(file, (), column, "the column to be present (required by CONTRACT section 2)"
                        + (f"; the header has {near[0]!r}: a misspelling?" if (near := difflib.get_close_matches(
                            column, spare, n=1, cutoff=0.75)) else "")))
            for k, column in missing]
    return out


def first_failure_per_cell(failures: list[Failure]) -> list[Failure]:
    """Report each cell once: a cell that broke an earlier rule is not listed under later ones
    (a cohort of 0 is not also "a cohort without parameters")."""
    seen: set[tuple[str, str | None, int]] = set()
    out = []
    for f in failures:
        if not f.rows or f.column is None:
            out.append(f)
            continue
        keep = [k for k, r in enumerate(f.rows) if (f.file, f.column, r) not in seen]
        seen.update((f.file, f.column, r) for r in f.rows)
        if not keep:
            continue
        if len(keep) < len(f.rows):
            values = tuple(f.values[k] for k in keep) if len(f.values) == len(f.rows) else f.values
            f = Failure(f.file, tuple(f.rows[k] for k in keep), f.column, f.rule, values)
        out.append(f)
    return out


#: The earliest date taken as true: a programme of the 1800s, or year 0001, is a typing error.
EARLIEST_DATE = pd.Timestamp("1900-01-01")


#: Characters that look like others in an identifier: dashes and minus signs, and the Cyrillic and
#: Greek capitals and small letters drawn like Latin ones (after NFKC, which already folds full-width
#: forms and compatibility characters).
_LOOK_ALIKES = str.maketrans({
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63", "-"),
    **dict(zip("АВЕКМНОРСТХУаеорсхуіјѕІЈЅԁһ", "ABEKMHOPCTXYaeopcxyijsIJSdh", strict=True)),
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοικνρτυχ", "ABEZHIKMNOPTYXoikvptux", strict=True)),
})


def skeleton(identifier: str) -> str:
    """What an identifier looks like: NFKC, invisible characters (zero-width space, byte-order mark,
    controls) dropped, look-alike characters (:data:`_LOOK_ALIKES`) replaced, spaces trimmed, case
    ignored. Two identifiers with one skeleton are one person written two ways."""
    text = unicodedata.normalize("NFKC", identifier)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cc"))
    return text.translate(_LOOK_ALIKES).strip().casefold()


def skeletons(identifiers: pd.Series) -> pd.Series:
    """:func:`skeleton` of each identifier (missing stays missing), vectorised for plain ones.

    An identifier of printable ASCII only (letters, digits, punctuation, spaces) has no
    compatibility form, invisible character or look-alike, so its skeleton is the identifier
    trimmed and lower-cased; only the others are passed to :func:`skeleton` one by one.

    Examples
    --------
    >>> skeletons(pd.Series([" Ab-1", "\u0410b\u20101", None])).tolist()
    ['ab-1', 'ab-1', nan]
    """
    text = identifiers.astype(object)
    present = text.notna()
    plain = present & text.where(present, "").map(lambda t: t.isascii() and t.isprintable())
    out = pd.Series(None, index=text.index, dtype=object)
    if plain.any():
        out[plain] = text[plain].str.strip(" ").str.lower()
    other = present & ~plain
    if other.any():
        out[other] = text[other].map(skeleton)
    return out.astype(identifiers.dtype)
