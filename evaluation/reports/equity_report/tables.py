"""The equity report's tables, after disclosure control (its private suppression log:
:mod:`~evaluation.reports.equity_report.private_log`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evaluation.core.errors import ParameterError
from evaluation.core.results import ResultDisplay
from evaluation.core.vocabulary import UNDECLARED
from evaluation.data.cohort import CohortData
from evaluation.reports.disclosure_plan import (
    DisclosurePlan,
    disclosure_plan,
    eligible_workforce,
    people_with_dimensions,
)
from evaluation.reports.equity_report.outcome_change import outcome_change
from evaluation.reports.equity_report.pooled import (
    MONTE_CARLO_DRAWS,
    council_areas,
    goodness_of_fit,
)
from evaluation.reports.equity_report.private_log import disclosure_log_path, write_disclosure_log
from evaluation.reports.findings import collect_warnings
from evaluation.reports.labels import and_list, population_words
from evaluation.stats import equity as eq

__all__ = [
    "EQUITY_COLUMNS",
    "EquityCore",
    "EquityResult",
    "MONTE_CARLO_DRAWS",
    "disclosure_log_path",
    "equity_core",
    "equity_tables",
    "label",
    "write_disclosure_log",
]

#: ``tables/equity.csv``, CONTRACT section 4 (further columns follow these).
EQUITY_COLUMNS = [
    "dimension", "category", "participants", "eligible", "rate_per_1000", "share_participants",
    "share_eligible", "representation_index", "relative_likelihood", "rl_ci_low", "rl_ci_high", "band",
    "suppressed",
]
#: Columns of the equity table that describe the row's participants (suppressed with the count).
EQUITY_DEPENDENT = [
    "rate_per_1000", "share_participants", "representation_index", "relative_likelihood", "rl_ci_low",
    "rl_ci_high",
]
DIMENSION_TITLES = {
    "sector": "sector", "local_authority": "council area", "role_level": "role level",
    "framework_area": "framework area", "gender": "gender", "age_band": "age band",
    "ethnicity": "ethnicity", "disability": "disability",
}
#: ``benchmark`` of an equity row: the category is part of the eligible population; it is
#: outside it (e.g. frontline staff on a managers' programme: counted, no rate or index); the
#: workforce table has no figure for it (e.g. ``not_recorded``); national bodies (not a council
#: area: a rate of their own, outside the council-area spread and relative likelihoods).
BENCHMARKS = ("eligible_population", "outside_eligible_population", "no_workforce_figure", "national_bodies")


@dataclass(frozen=True, repr=False)
class EquityResult(ResultDisplay):
    """The equity report's tables (all after disclosure control) and its suppression log.

    ``tables``: ``equity`` (CONTRACT columns, then ``reference_category``,
    ``workforce_year``, ``population``, ``benchmark``), ``goodness_of_fit``, ``council_areas``, ``lorenz``, ``spread``,
    ``completion``, ``outcome_change``, ``declaration``, ``notes`` — safe to publish.
    ``log``: what was suppressed, with the original values — the evaluator's, never published.
    """

    tables: dict[str, pd.DataFrame]
    log: pd.DataFrame
    references: dict[str, str] = field(default_factory=dict)
    workforce_years: dict[str, int] = field(default_factory=dict)
    #: The eligible population (``programme.yaml`` ``eligible_population``) and the cohort's
    #: year of enrolment the workforce years were chosen for.
    population: str = eq.ALL_STAFF
    cohort_year: int | None = None


#: Words of an ethnicity's name that are capitalised (the census's "White Scottish", "Caribbean or Black").
_PROPER = {"white", "scottish", "british", "irish", "english", "welsh", "african", "asian", "caribbean", "black",
           "polish", "gypsy", "traveller", "roma", "pakistani", "indian", "bangladeshi", "chinese", "arab"}

#: Categories whose words need their dimension to read well on their own.
_WORDS = {
    ("sector", "private"): "private sector", ("sector", "voluntary"): "voluntary sector",
    ("sector", "local_authority"): "local authority", ("sector", "other_public"): "other public body",
    ("sector", "health"): "health sector",
    ("disability", "yes"): "disabled", ("disability", "no"): "not disabled",
    ("role_level", "first_line_manager"): "first-line manager",
}


def label(category: str, dimension: str = "") -> str:
    """A category as words: ``first_line_manager`` → ``first line manager``, ``35_44`` → ``35-44``,
    council areas in title case (``na_h_eileanan_siar`` → ``Na h-Eileanan Siar``), the names of
    nations and peoples in an ethnicity capitalised (``white_scottish`` → ``White Scottish``).

    Examples
    --------
    >>> label("first_line_manager"), label("35_44"), label("65_plus")
    ('first line manager', '35-44', '65+')
    >>> label("na_h_eileanan_siar", "local_authority"), label("argyll_and_bute", "local_authority")
    ('Na h-Eileanan Siar', 'Argyll and Bute')
    >>> label("private", "sector"), label("yes", "disability"), label("first_line_manager", "role_level")
    ('private sector', 'disabled', 'first-line manager')
    >>> label("white_other_british", "ethnicity"), label("caribbean_or_black", "ethnicity")
    ('White other British', 'Caribbean or Black')
    """
    text = str(category)
    if (dimension, text) in _WORDS:
        return _WORDS[dimension, text]
    if re.fullmatch(r"\d+_\d+", text):
        return text.replace("_", "-")
    text = text.replace("_plus", "+").replace("_", " ")
    if dimension == "ethnicity":
        text = " ".join(w.capitalize() if w in _PROPER else w for w in text.split())
    if dimension == "local_authority" and text != "national":
        text = " ".join(w if w in ("and", "of") else w.capitalize() for w in text.split())
        text = text.replace("Na H ", "Na h-")
    return text


# --------------------------------------------------------------------------- disclosure


def _groups_words(categories: pd.Series, dimension: str) -> tuple[str, str]:
    """Groups named in a note, quoted ("'frontline' and 'senior manager'"), and "is" or "are"."""
    names = [f"'{label(str(c), dimension)}'" for c in categories]
    return and_list(names), "is" if len(names) == 1 else "are"


def _choose_reference(rows: pd.DataFrame, flags: list[str], wanted: str | None, dimension: str,
                      notes: list[dict]) -> str | None:
    bench = rows["eligible"].gt(0).to_numpy() & ~_national(rows)
    cats = rows["category"].astype(str).tolist()
    if not bench.any():
        return None
    allowed = [c for c, b in zip(cats, bench, strict=True) if b]
    if wanted is not None and wanted not in allowed:
        raise ParameterError(
            f"cohort parameter `equity.reference.{dimension}` is {wanted!r}; it must be one of the categories "
            f"with an eligible workforce: {allowed}"
        )
    eligible = rows["eligible"].to_numpy(dtype="float64")
    default = cats[int(np.argmax(np.where(bench, eligible, -np.inf)))]
    chosen = wanted or default
    usable = [bool(b) and f == "" and p > 0
              for b, f, p in zip(bench, flags, rows["participants"], strict=True)]
    if usable[cats.index(chosen)]:
        return chosen
    if not any(usable):
        notes.append({"source": "equity", "warning": "ReferenceWithheld", "message":
                      f"By {DIMENSION_TITLES.get(dimension, dimension)}: no published group with participants can serve "
                      "as the reference group, so no relative likelihoods are shown"})
        return None
    fallback = cats[int(np.argmax(np.where(usable, eligible, -np.inf)))]
    why = "is withheld" if flags[cats.index(chosen)] else "has no participants"  # unusable, and benchmarked
    compared = [c for c, b, f in zip(cats, bench, flags, strict=True) if b and not f and c != fallback]
    by = f"By {DIMENSION_TITLES.get(dimension, dimension)}: the reference group '{label(chosen, dimension)}'"
    if not compared:  # a reference for nothing: no relative likelihood at all, not one of 1.00 for itself
        notes.append({"source": "equity", "warning": "ReferenceWithheld", "message":
                      f"{by} {'and every other group' if flags[cats.index(chosen)] else why + ', and every group'} "
                      f"but '{label(fallback, dimension)}' {'are' if flags[cats.index(chosen)] else 'is'} withheld, "
                      "so no relative likelihood can be shown"})
        return None
    notes.append({"source": "equity", "warning": "ReferenceReplaced", "message":
                  f"{by} {why}, so relative likelihoods are against '{label(fallback, dimension)}' (the largest "
                  "published group) instead"})
    return fallback


def _national(rows: pd.DataFrame) -> np.ndarray:
    """Rows of national bodies: a ``local_authority`` category that is not a council area."""
    return ((rows["dimension"] == "local_authority") & rows["category"].isin(eq.NON_COUNCIL_AREAS)).to_numpy()


def _benchmark(counts: pd.DataFrame) -> np.ndarray:
    """:data:`BENCHMARKS` value of each row of :func:`~evaluation.stats.equity.category_counts`."""
    has_figure = (counts["eligible"].gt(0)).to_numpy()
    undeclared = counts["category"].astype(str).isin(UNDECLARED).to_numpy() | counts["category"].eq("not_recorded").to_numpy()
    out = np.where(has_figure, "eligible_population",
                   np.where(undeclared, "no_workforce_figure", "outside_eligible_population")).astype(object)
    out[_national(counts)] = "national_bodies"
    return out


# ------------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class EquityCore:
    """The equity table of :func:`equity_tables` and what its other tables are built from.

    ``equity`` and ``declaration``: the published tables; ``counts``: the true places per
    dimension × category (:func:`~evaluation.stats.equity.category_counts`, ``eligible`` 0
    outside the eligible population); ``benchmark`` (:data:`BENCHMARKS`) and ``hide`` (suppressed)
    per row of ``counts``; the disclosure ``plan``; ``people`` with a column per dimension; the
    reference category and the workforce year of each dimension.
    """

    equity: pd.DataFrame
    declaration: pd.DataFrame
    counts: pd.DataFrame
    benchmark: np.ndarray
    hide: np.ndarray
    plan: DisclosurePlan
    people: pd.DataFrame
    references: dict[str, str]
    years: dict[str, int]


def equity_core(data: CohortData, *, plan: DisclosurePlan | None = None) -> EquityCore:
    """The ``equity`` and ``declaration`` tables of :func:`equity_tables` alone, and the counts behind them.

    Parameters
    ----------
    data : CohortData
    plan : DisclosurePlan, optional
        The cohort's :func:`~evaluation.reports.disclosure_plan.disclosure_plan`, when already
        made (the programme report's sections share one per cohort); made here when not given.

    Returns
    -------
    EquityCore
        The same tables as :func:`equity_tables` gives, without its goodness of fit, council
        areas, completion and outcome change (the workbench's warnings are not kept).
    """
    return _equity_core(data, plan, [])


def _equity_core(data: CohortData, plan: DisclosurePlan | None, notes: list[dict]) -> EquityCore:
    coh = data.cohort
    level = coh.confidence_level
    dims = list(coh.equity.dimensions)
    people, absent = people_with_dimensions(data, dims)
    notes += absent
    workforce = eligible_workforce(data, dims)
    counts = eq.category_counts(people, workforce, dims)
    benchmark = _benchmark(counts)
    counts.loc[benchmark == "outside_eligible_population", "eligible"] = 0.0

    if plan is None:
        plan = collect_warnings(notes, "disclosure", lambda: disclosure_plan(data))
    flags = pd.Series([plan.flag("enrolled", d, c) for d, c in zip(counts["dimension"], counts["category"], strict=True)],
                      index=counts.index, dtype="object")
    declaration_rows, references = [], {}
    for dim in dims:
        rows = counts[counts["dimension"] == dim]
        f = flags.loc[rows.index].tolist()
        undeclared = rows["category"].astype(str).isin(UNDECLARED).to_numpy()
        total = float(rows["participants"].sum())
        declaration_rows.append({"dimension": dim, "participants": total,
                                 "declared": float(rows["participants"][~undeclared].sum()),
                                 "suppressed": plan.row_flag(["undeclared", "declared"], dim, "*")})
        ref = _choose_reference(rows, f, coh.equity.reference.get(dim), dim, notes)
        if ref is not None:
            references[dim] = ref
    hide = (flags != "").to_numpy()

    rep_notes: list[dict] = []
    rep = collect_warnings(rep_notes, "equity", lambda: eq.representation(
        counts, reference=references, band=coh.equity.band, confidence_level=level))
    notes += [n for n in rep_notes if "no eligible workforce figure" not in n["message"]]
    for dim in dims:
        rows = counts[(counts["dimension"] == dim).to_numpy() & (benchmark == "outside_eligible_population")]
        if len(rows):
            groups, are = _groups_words(rows["category"], dim)
            notes.append({"source": "equity", "warning": "OutsideEligiblePopulation", "message":
                          f"By {DIMENSION_TITLES.get(dim, dim)}: {groups} {are} outside the eligible population "
                          f"({population_words(data.programme.eligible_population)}): places taken by people in "
                          f"{'it' if are == 'is' else 'them'} are counted (and in every share), with no rate, index "
                          "or relative likelihood"})
        rows = counts[(counts["dimension"] == dim).to_numpy() & (benchmark == "no_workforce_figure")
                      & counts["participants"].gt(0).to_numpy()]
        if len(rows):
            groups, _ = _groups_words(rows["category"], dim)
            notes.append({"source": "equity", "warning": "NoWorkforceFigure", "message":
                          f"By {DIMENSION_TITLES.get(dim, dim)}: the workforce table has no figure for {groups}: "
                          "counted, with no rate, index or relative likelihood"})
    without_reference = ~rep["dimension"].isin(list(references)).to_numpy()
    for column in ("relative_likelihood", "rl_ci_low", "rl_ci_high"):
        rep.loc[without_reference, column] = np.nan
    rep.loc[without_reference, ["band", "reference_category"]] = ""
    national = benchmark == "national_bodies"
    for column in ("relative_likelihood", "rl_ci_low", "rl_ci_high"):
        rep.loc[national, column] = np.nan
    rep.loc[national, "band"] = ""
    for column in EQUITY_DEPENDENT:
        rep[column] = rep[column].where(~hide)
    rep["participants"] = rep["participants"].astype("Int64").where(~hide)
    rep.loc[hide, "band"] = ""
    rep["suppressed"] = flags.to_numpy()
    years = {d: int(y) for d, y in workforce.groupby("dimension")["workforce_year"].first().items()}
    rep["workforce_year"] = rep["dimension"].map(years).astype("Int64")
    rep["population"] = data.programme.eligible_population
    rep["benchmark"] = benchmark
    table = rep[[*EQUITY_COLUMNS, "reference_category", "workforce_year", "population", "benchmark"]] \
        .reset_index(drop=True)

    decl = pd.DataFrame(declaration_rows)
    published = decl["suppressed"] == ""
    declaration = pd.DataFrame({
        "dimension": decl["dimension"],
        "participants": decl["participants"].astype("int64"),
        "declaration_rate": (decl["declared"] / decl["participants"]).where(published),
        "undeclared_categories": ", ".join(UNDECLARED),
        "suppressed": decl["suppressed"],
    })
    return EquityCore(table, declaration, counts, benchmark, hide, plan, people, references, years)


def equity_tables(data: CohortData) -> EquityResult:
    """Every table of the equity-of-access report for one cohort, after disclosure control.

    Parameters
    ----------
    data : CohortData
        From :func:`evaluation.data.cohort.load_cohort_data`.

    Returns
    -------
    EquityResult
        Tables (published) and the suppression log (evaluator only).

    Notes
    -----
    The denominator is the programme's ``eligible_population`` in ``workforce.csv``; for each
    dimension the population's year nearest the cohort's year of enrolment
    (:func:`~evaluation.reports.disclosure_plan.eligible_workforce`), in the ``workforce_year``
    column. Participants in a category the eligible population does not have (``benchmark``
    ``outside_eligible_population``: e.g. frontline staff on a managers' programme) are counted
    in their row and in every share (shares are of all places), with ``eligible`` 0 and no
    rate, index or relative likelihood. National bodies (``local_authority`` = ``national``) get
    their own rate but no relative likelihood, and are left out of the council-area goodness of
    fit, Lorenz curve and Gini — unless their count is suppressed, when they are pooled with the
    suppressed areas so that it cannot be worked out from the council-area total (the
    ``spread`` table says so). The Monte Carlo goodness-of-fit test uses
    :data:`MONTE_CARLO_DRAWS` draws seeded with ``[bootstrap.seed, crc32(dimension)]``.
    """
    coh = data.cohort
    level = coh.confidence_level
    dims = list(coh.equity.dimensions)
    notes: list[dict] = []
    core = _equity_core(data, None, notes)
    table, counts, hide, plan, people = core.equity, core.counts, core.hide, core.plan, core.people
    tables: dict[str, pd.DataFrame] = {"equity": table}
    tables["goodness_of_fit"] = collect_warnings(notes, "goodness_of_fit", lambda: goodness_of_fit(
        counts, hide, dims, coh.bootstrap.seed, core.benchmark,
        dict(zip(core.declaration["dimension"], (core.declaration["suppressed"] == "").tolist(), strict=True)),
        DIMENSION_TITLES))
    council, lorenz, spread = collect_warnings(notes, "council_areas", lambda: council_areas(table, counts, hide))
    tables["council_areas"], tables["lorenz"], tables["spread"] = council, lorenz, spread

    completion = eq.completion_by_group(people, plan.listed(dims), confidence_level=level).drop(columns="completed")
    comp_flags = [plan.row_flag(["enrolled", "completed"], d, c)
                  for d, c in zip(completion["dimension"], completion["category"], strict=True)]
    comp_hide = np.array([f != "" for f in comp_flags], dtype=bool)
    for column in ("completion_rate", "ci_low", "ci_high"):
        completion[column] = completion[column].where(~comp_hide)
    completion["participants"] = completion["participants"].astype("Int64").where(~comp_hide)
    completion["suppressed"] = comp_flags
    tables["completion"] = completion

    tables["outcome_change"] = outcome_change(data, people, plan.listed(dims), plan, level, notes)

    tables["declaration"] = core.declaration
    tables["notes"] = pd.DataFrame(notes, columns=["source", "warning", "message"]).drop_duplicates() \
        .reset_index(drop=True)
    year = eq.enrolment_year(data.participants["enrolled_on"]) if "enrolled_on" in data.participants else None
    return EquityResult(tables, plan.log(), core.references, core.years, data.programme.eligible_population,
                        year if year is not None else coh.year)
