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
OUTCOME_STATS = ["mean_pre", "mean_post", "mean_change", "change_ci_low", "change_ci_high", "d_z",
                 "d_z_ci_low", "d_z_ci_high"]


@dataclass(frozen=True, repr=False)
class EquityResult(ResultDisplay):
    """The equity report's tables (all after disclosure control) and its suppression log.

    ``tables``: ``equity`` (CONTRACT columns, then ``reference_category``,
    ``workforce_year``), ``goodness_of_fit``, ``council_areas``, ``lorenz``, ``spread``,
    ``completion``, ``outcome_change``, ``declaration``, ``notes`` — safe to publish.
    ``log``: what was suppressed, with the original values — the evaluator's, never published.
    """

    tables: dict[str, pd.DataFrame]
    log: pd.DataFrame
    references: dict[str, str] = field(default_factory=dict)
    workforce_years: dict[str, int] = field(default_factory=dict)


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
    bench = rows["eligible"].gt(0).to_numpy()
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
    The benchmark year of each dimension is the latest ``workforce.csv`` year at or before
    the cohort's ``year`` (else the earliest after it; the latest when the cohort has no year);
    it is in the ``workforce_year`` column. The Monte Carlo goodness-of-fit test uses
    :data:`MONTE_CARLO_DRAWS` draws seeded with ``[bootstrap.seed, crc32(dimension)]``.
    """
    coh = data.cohort
    level = coh.confidence_level
    dims = list(coh.equity.dimensions)
    notes: list[dict] = []
    people, absent = people_with_dimensions(data, dims)
    notes += absent
    workforce = eq.select_workforce(data.workforce, year=coh.year, dimensions=dims)
    counts = eq.category_counts(people, workforce, dims)

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

    rep = collect_warnings(notes, "equity", lambda: eq.representation(
        counts, reference=references, band=coh.equity.band, confidence_level=level))
    without_reference = ~rep["dimension"].isin(list(references)).to_numpy()
    for column in ("relative_likelihood", "rl_ci_low", "rl_ci_high"):
        rep.loc[without_reference, column] = np.nan
    rep.loc[without_reference, ["band", "reference_category"]] = ""
    for column in EQUITY_DEPENDENT:
        rep[column] = rep[column].where(~hide)
    rep["participants"] = rep["participants"].astype("Int64").where(~hide)
    rep.loc[hide, "band"] = ""
    rep["suppressed"] = flags.to_numpy()
    years = {d: int(y) for d, y in workforce.groupby("dimension")["workforce_year"].first().items()}
    rep["workforce_year"] = rep["dimension"].map(years).astype("Int64")
    table = rep[[*EQUITY_COLUMNS, "reference_category", "workforce_year"]].reset_index(drop=True)

    tables: dict[str, pd.DataFrame] = {"equity": table}
    tables["goodness_of_fit"] = collect_warnings(notes, "goodness_of_fit", lambda: _goodness_of_fit(
        counts, hide, dims, coh.bootstrap.seed))
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
    return EquityResult(tables, plan.log(), references, years)


def _goodness_of_fit(counts: pd.DataFrame, hide: np.ndarray, dims: list[str], seed: int) -> pd.DataFrame:
    """Goodness of fit per dimension, with the suppressed categories pooled into one."""
    rows = []
    for dim in dims:
        mask = (counts["dimension"] == dim).to_numpy()
        sub = counts[mask]
        sup = hide[mask]
        e = sub["eligible"].to_numpy(dtype="float64")
        a = sub["participants"].to_numpy(dtype="float64")
        bench = np.isfinite(e) & (e > 0)
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
    if sup.any() and e[sup & bench].sum() > 0:
        places.append(a[sup].sum())
        workforce.append(e[sup & bench].sum())
        names.append("suppressed areas (pooled)")
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
        {"measure": "suppressed_areas_pooled", "value": float(sup.sum()),
         "description": "Areas (and national bodies) whose counts are suppressed, pooled into one unit for the "
                        "Lorenz curve and the Gini coefficient"},
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
