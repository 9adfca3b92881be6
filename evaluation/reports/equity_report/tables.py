"""The equity report's tables, after disclosure control, and the private disclosure log."""

from __future__ import annotations

import re
import warnings
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.core.checks import check_name
from evaluation.core.errors import DegenerateDataWarning, ParameterError
from evaluation.core.io import write_csv
from evaluation.core.paths import DATA_DIR
from evaluation.core.results import ResultDisplay
from evaluation.core.vocabulary import COMPARISONS, UNDECLARED
from evaluation.data.cohort import CohortData
from evaluation.reports.disclosure_plan import (
    DisclosurePlan,
    Population,
    disclosure_plan,
    eligible_workforce,
    group_labels,
    people_with_dimensions,
)
from evaluation.reports.findings import collect_warnings
from evaluation.stats import disclosure
from evaluation.stats import equity as eq
from evaluation.stats import outcomes as oc

__all__ = [
    "EQUITY_COLUMNS",
    "EquityResult",
    "MONTE_CARLO_DRAWS",
    "disclosure_log_path",
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
MONTE_CARLO_DRAWS = 20_000
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
OUTCOME_STATS = ["mean_pre", "mean_post", "mean_change", "change_ci_low", "change_ci_high", "d_z",
                 "d_z_ci_low", "d_z_ci_high"]


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


def label(category: str, dimension: str = "") -> str:
    """A category as words: ``first_line_manager`` → ``first line manager``, ``35_44`` → ``35-44``,
    council areas in title case (``na_h_eileanan_siar`` → ``Na h-Eileanan Siar``).

    Examples
    --------
    >>> label("first_line_manager"), label("35_44"), label("65_plus")
    ('first line manager', '35-44', '65+')
    >>> label("na_h_eileanan_siar", "local_authority"), label("argyll_and_bute", "local_authority")
    ('Na h-Eileanan Siar', 'Argyll and Bute')
    """
    text = str(category)
    if re.fullmatch(r"\d+_\d+", text):
        return text.replace("_", "-")
    text = text.replace("_plus", "+").replace("_", " ")
    if dimension == "local_authority" and text != "national":
        text = " ".join(w if w in ("and", "of") else w.capitalize() for w in text.split())
        text = text.replace("Na H ", "Na h-")
    return text


# --------------------------------------------------------------------------- disclosure


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
                      f"dimension {dimension!r}: no published category with participants can serve as the reference, "
                      "so no relative likelihoods are shown"})
        return None
    fallback = cats[int(np.argmax(np.where(usable, eligible, -np.inf)))]
    notes.append({"source": "equity", "warning": "ReferenceReplaced", "message":
                  f"dimension {dimension!r}: the reference category {chosen!r} is suppressed or has no participants, so "
                  f"relative likelihoods are against {fallback!r} (the largest published category) instead"})
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
    people, absent = people_with_dimensions(data, dims)
    notes += absent
    workforce = eligible_workforce(data, dims)
    counts = eq.category_counts(people, workforce, dims)
    benchmark = _benchmark(counts)
    counts.loc[benchmark == "outside_eligible_population", "eligible"] = 0.0

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
            notes.append({"source": "equity", "warning": "OutsideEligiblePopulation", "message":
                          f"dimension {dim!r}: {', '.join(rows['category'].astype(str))} is outside the eligible "
                          f"population {data.programme.eligible_population!r}: places taken by people in it are "
                          "counted (and in every share), with no rate, index or relative likelihood"})
        rows = counts[(counts["dimension"] == dim).to_numpy() & (benchmark == "no_workforce_figure")
                      & counts["participants"].gt(0).to_numpy()]
        if len(rows):
            notes.append({"source": "equity", "warning": "NoWorkforceFigure", "message":
                          f"dimension {dim!r}: the workforce table has no figure for {', '.join(rows['category'])}: "
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

    tables: dict[str, pd.DataFrame] = {"equity": table}
    tables["goodness_of_fit"] = collect_warnings(notes, "goodness_of_fit", lambda: _goodness_of_fit(
        counts, hide, dims, coh.bootstrap.seed, benchmark,
        {r["dimension"]: r["suppressed"] == "" for r in declaration_rows}))
    council, lorenz, spread = collect_warnings(notes, "council_areas", lambda: _council_areas(table, counts, hide))
    tables["council_areas"], tables["lorenz"], tables["spread"] = council, lorenz, spread

    completion = eq.completion_by_group(people, dims, confidence_level=level).drop(columns="completed")
    comp_flags = [plan.row_flag(["enrolled", "completed"], d, c)
                  for d, c in zip(completion["dimension"], completion["category"], strict=True)]
    comp_hide = np.array([f != "" for f in comp_flags], dtype=bool)
    for column in ("completion_rate", "ci_low", "ci_high"):
        completion[column] = completion[column].where(~comp_hide)
    completion["participants"] = completion["participants"].astype("Int64").where(~comp_hide)
    completion["suppressed"] = comp_flags
    tables["completion"] = completion

    tables["outcome_change"] = _outcome_change(data, people, dims, plan, level, notes)

    decl = pd.DataFrame(declaration_rows)
    published = decl["suppressed"] == ""
    tables["declaration"] = pd.DataFrame({
        "dimension": decl["dimension"],
        "participants": decl["participants"].astype("int64"),
        "declaration_rate": (decl["declared"] / decl["participants"]).where(published),
        "undeclared_categories": ", ".join(UNDECLARED),
        "suppressed": decl["suppressed"],
    })
    tables["notes"] = pd.DataFrame(notes, columns=["source", "warning", "message"]).drop_duplicates() \
        .reset_index(drop=True)
    year = eq.enrolment_year(data.participants["enrolled_on"]) if "enrolled_on" in data.participants else None
    return EquityResult(tables, plan.log(), references, years, data.programme.eligible_population,
                        year if year is not None else coh.year)


def _goodness_of_fit(counts: pd.DataFrame, hide: np.ndarray, dims: list[str], seed: int,
                     benchmark: np.ndarray, declared_published: dict[str, bool]) -> pd.DataFrame:
    """Goodness of fit per dimension over the declared categories of the eligible population, the
    suppressed ones pooled into one.

    Left out of the test: places outside the eligible population, and the undeclared categories
    ("not declared", "prefer not to say", "not recorded": the test is among those who declared);
    national bodies are left out of the council areas' test unless suppressed (then pooled, as in
    the Gini). The test's ``n`` (places tested) must already be public — every left-out group
    published, or the left-out groups exactly the undeclared ones with the declaration rate
    published — or it would reveal a withheld number; otherwise the test is not computed.
    """
    rows = []
    national, outside = benchmark == "national_bodies", benchmark == "outside_eligible_population"
    undeclared = counts["category"].astype(str).isin([*UNDECLARED, "not_recorded"]).to_numpy()
    for dim in dims:
        in_dim = (counts["dimension"] == dim).to_numpy()
        left_out = in_dim & (outside | undeclared)
        mask = in_dim & ~(national & ~hide) & ~left_out
        sub = counts[mask]
        sup = hide[mask]
        e = sub["eligible"].to_numpy(dtype="float64")
        a = sub["participants"].to_numpy(dtype="float64")
        bench = np.isfinite(e) & (e > 0)
        public_n = (not (left_out & hide).any() or not sup.any()
                    or (not (left_out & outside).any() and declared_published.get(dim, False)))
        if not public_n:
            rows.append({"dimension": dim, "method": "none", "statistic": np.nan, "df": np.nan, "p_value": np.nan,
                         "n": np.nan, "categories": int(bench.sum()), "pooled_suppressed_categories": int(sup.sum()),
                         "min_expected": np.nan, "draws": 0, "description": "not computed: the number of places it "
                         "would test is not published (groups left out of the test are withheld), and the test "
                         "would reveal it"})
            continue
        obs = list(a[bench & ~sup])
        exp = list(e[bench & ~sup])
        pooled = int(sup.sum())
        pool_obs, pool_exp = a[sup].sum(), e[sup & bench].sum()
        if pooled and pool_exp > 0:
            obs.append(pool_obs)
            exp.append(pool_exp)
        elif pooled:
            warnings.warn(f"dimension {dim!r}: the suppressed categories have no eligible workforce figure and are "
                          "left out of the goodness-of-fit test", DegenerateDataWarning, stacklevel=2)
        dim_seed = [int(seed), zlib.crc32(dim.encode())]
        if not bench.any():
            res = {"method": "", "statistic": np.nan, "df": np.nan, "p_value": np.nan, "n": np.nan,
                   "categories": 0, "min_expected": np.nan, "draws": 0}
        else:
            res = eq.goodness_of_fit(obs, exp, seed=dim_seed, draws=MONTE_CARLO_DRAWS)
        method = {
            "chi_square": "Pearson chi-square test (every expected count at least 5)",
            "monte_carlo": f"Monte Carlo multinomial test ({MONTE_CARLO_DRAWS:,} draws, seed {dim_seed}): some "
                           "expected counts are below 5",
            "": "not computed",
        }[res["method"]]
        if res["method"]:
            method += "; over the eligible population's declared categories" + (
                ", places outside the eligible population left out" if (left_out & outside).any() else "")
        rows.append({
            "dimension": dim, "method": res["method"] or "none", "statistic": res["statistic"], "df": res["df"],
            "p_value": res["p_value"], "n": res["n"], "categories": res["categories"],
            "pooled_suppressed_categories": pooled, "min_expected": res["min_expected"],
            "draws": res["draws"], "description": method,
        })
    out = pd.DataFrame(rows)
    out["n"] = out["n"].astype("Int64")
    return out


def _council_areas(table: pd.DataFrame, counts: pd.DataFrame, hide: np.ndarray
                   ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Places per 1,000 by council area; Lorenz curve and Gini with suppressed areas pooled."""
    mask = (counts["dimension"] == "local_authority").to_numpy()
    columns = ["category", "participants", "eligible", "rate_per_1000", "suppressed"]
    if not mask.any():
        empty = pd.DataFrame(columns=columns)
        return empty, pd.DataFrame(columns=["unit", "rate_per_1000", "cum_workforce_share", "cum_places_share"]), \
            pd.DataFrame(columns=["measure", "value", "description"])
    pub = table[mask]
    council_mask = pub["eligible"].gt(0).to_numpy() & ~pub["category"].isin(eq.NON_COUNCIL_AREAS).to_numpy()
    council = pub[council_mask][columns].reset_index(drop=True)
    sub = counts[mask]
    sup = hide[mask]
    a = sub["participants"].to_numpy(dtype="float64")
    e = sub["eligible"].to_numpy(dtype="float64")
    bench = np.isfinite(e) & (e > 0)
    keep = council_mask & ~sup
    places, workforce = list(a[keep]), list(e[keep])
    names = sub["category"].astype(str)[keep].tolist()
    # national bodies stay out of the spread; only a suppressed national count is pooled, so that
    # it cannot be worked out from the council areas' total of places
    national = sub["category"].isin(eq.NON_COUNCIL_AREAS).to_numpy()
    national_pooled = bool((sup & national).any())
    if sup.any() and e[sup & bench].sum() > 0:
        places.append(a[sup].sum())
        workforce.append(e[sup & bench].sum())
        names.append("suppressed areas (pooled)" + (" with national bodies" if national_pooled else ""))
    if len(places) >= 2 and sum(places) > 0:
        lorenz = eq.lorenz_curve(places, workforce, names)
        g = eq.gini(places, workforce)
    else:
        warnings.warn("fewer than two council areas (or pooled groups) with places can be shown: no Lorenz curve "
                      "or Gini coefficient", DegenerateDataWarning, stacklevel=2)
        lorenz = pd.DataFrame(columns=["unit", "rate_per_1000", "cum_workforce_share", "cum_places_share"])
        g = np.nan
    zero = int((council["participants"] == 0).sum())
    spread = pd.DataFrame([
        {"measure": "gini", "value": g, "description": "Workforce-weighted Gini coefficient of places per 1,000 "
         "across council areas (Brown's formula; 0 = places in proportion to the workforce), suppressed areas pooled"},
        {"measure": "council_areas", "value": float(council_mask.sum()), "description": "Council areas compared"},
        {"measure": "council_areas_without_places", "value": float(zero),
         "description": "Council areas where no one had a place"},
        {"measure": "suppressed_areas_pooled", "value": float((sup & ~national).sum()),
         "description": "Council areas whose counts are suppressed, pooled into one unit for the Lorenz curve and "
                        "the Gini coefficient"},
        {"measure": "national_bodies_pooled", "value": float(national_pooled),
         "description": "1 when the national bodies' count is suppressed and so pooled with the suppressed areas "
                        "(it could otherwise be worked out from the council areas' total); 0 when national bodies "
                        "are left out of the spread, as they are not a council area"},
    ])
    return council, lorenz, spread


def _outcome_change(data: CohortData, people: pd.DataFrame, dims: list[str], plan: DisclosurePlan,
                    level: float, notes: list[dict]) -> pd.DataFrame:
    """Change on the primary scale (first comparison, self-ratings) by group, after disclosure control."""
    columns = ["dimension", "category", "scale", "comparison", "n_pairs", *OUTCOME_STATS, "suppressed"]
    scale = data.primary_scale
    comparison = data.cohort.comparisons[0]
    earlier, later = COMPARISONS[comparison]
    scores = data.scale_scores
    scores = scores[(scores["rater"] == "self") & (scores["scale"] == scale)]
    wide = scores.pivot_table(index="participant_id", columns="wave", values="score")
    if scale is None or earlier not in wide or later not in wide:
        notes.append({"source": "outcome_change", "warning": "NotComputed",
                      "message": f"no {earlier}/{later} self-ratings of the primary scale: outcome change by group "
                                 "is not shown"})
        return pd.DataFrame(columns=columns)
    population = Population(scale, comparison, "self").key
    paired = wide.dropna(subset=[earlier, later]).reset_index()
    paired = paired.merge(people[["participant_id", *dims]], on="participant_id", how="inner")
    rows = []
    for dim in dims:
        cat_of = group_labels(paired[dim])
        for category in sorted(group_labels(people[dim]).unique()):
            grp = paired[cat_of == category]
            flag = plan.row_flag([population, "enrolled"], dim, category)
            row = {"dimension": dim, "category": category, "scale": scale, "comparison": comparison,
                   "n_pairs": pd.NA if flag else len(grp), **dict.fromkeys(OUTCOME_STATS, np.nan), "suppressed": flag}
            if not flag and len(grp) >= plan.threshold:
                res = collect_warnings(notes, "outcome_change", lambda grp=grp: oc.paired_change(
                    grp[earlier].to_numpy(), grp[later].to_numpy(), confidence_level=level))
                row.update({s: getattr(res, s) for s in OUTCOME_STATS})
            rows.append(row)
    out = pd.DataFrame(rows, columns=columns)
    out["n_pairs"] = out["n_pairs"].astype("Int64")
    return out.reset_index(drop=True)


# ------------------------------------------------------------------------- the private log


def disclosure_log_path(data_dir: Path | str | None, programme: str, cohort: int) -> Path:
    """``<data_dir>/disclosure_logs/<programme>/cohort-<n>.csv`` (``data_dir`` default: the repository's).

    Examples
    --------
    >>> disclosure_log_path("/secure/data", "leading-to-deliver", 2).as_posix()
    '/secure/data/disclosure_logs/leading-to-deliver/cohort-2.csv'
    """
    return Path(data_dir or DATA_DIR) / "disclosure_logs" / check_name(programme, "programme") / f"cohort-{int(cohort)}.csv"


def write_disclosure_log(log: pd.DataFrame, data_dir: Path | str | None, programme: str, cohort: int) -> Path:
    """Write the suppression log beside the evaluator's data, never into a report folder.

    The log holds the suppressed values, so it is as confidential as the data: it goes to
    ``<data_dir>/disclosure_logs/<programme>/cohort-<n>.csv`` (written to a temporary file and
    moved into place). Returns the path.
    """
    missing = [c for c in disclosure.LOG_COLUMNS if c not in log.columns]
    if missing:
        raise ValueError(f"`log` lacks column(s) {missing}; expected {disclosure.LOG_COLUMNS}")
    return write_csv(log[disclosure.LOG_COLUMNS], disclosure_log_path(data_dir, programme, cohort))
