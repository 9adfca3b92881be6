"""The equity-of-access report: tables, findings and summary for one cohort, after disclosure control.

The notebook ``notebooks/equity_of_access.ipynb`` calls this module and displays what it
returns; it computes nothing itself.

* :func:`equity_tables` computes every table of the report from a :class:`CohortData`,
  after disclosure control (:mod:`evaluation.stats.disclosure`), and returns them with the
  suppression log;
* :func:`equity_findings` derives the headline findings (ids ``equity.…``);
* :func:`equity_summary` writes the plain-language summary for commissioners;
* :func:`write_disclosure_log` keeps the suppression log with the evaluator's data.

Disclosure control (CONTRACT section 5.3), dimension by dimension:

* the counts of participants per category form one family whose total (the cohort) is
  published; the number who declared the characteristic and the number who did not (behind
  the declaration rate, a whole-cohort figure) are linked to it. :func:`disclosure.protect`
  suppresses counts from 1 to ``threshold − 1`` and then further cells until no suppressed
  count can be worked out from the published cells and totals;
* every figure of a suppressed row — rate, shares, representation index, relative
  likelihood and its CI, the band — is suppressed with it, in every table (completion and
  outcome tables suppress the same groups);
* if the reference category of a dimension is suppressed (its count could be recovered from
  any relative likelihood), the largest published category is used instead and a note says so;
* the goodness-of-fit test and the Lorenz curve and Gini coefficient are computed after
  pooling the suppressed categories into one, so that neither can be solved for them;
* the **suppression log** (what was suppressed, its value and why) is for the evaluator
  only: it is returned beside the tables (:attr:`EquityResult.log`), never published, and
  :func:`write_disclosure_log` writes it to ``<data_dir>/disclosure_logs/<programme>/
  cohort-<n>.csv`` — outside ``reports/``, next to the (personal) data it was derived from.
"""

from __future__ import annotations

import re
import warnings
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.core.errors import DegenerateDataWarning, ParameterError
from evaluation.core.io import write_csv
from evaluation.core.paths import DATA_DIR
from evaluation.core.results import ResultDisplay
from evaluation.core.vocabulary import COMPARISONS, UNDECLARED
from evaluation.data.cohort import CohortData
from evaluation.reports.findings import Finding, ReportResult, collect_warnings
from evaluation.stats import disclosure
from evaluation.stats import equity as eq
from evaluation.stats import outcomes as oc

__all__ = [
    "PUBLISHED",
    "build",
    "EQUITY_COLUMNS",
    "MONTE_CARLO_DRAWS",
    "EquityResult",
    "disclosure_log_path",
    "equity_findings",
    "equity_findings_for",
    "equity_summary",
    "equity_tables",
    "for_display",
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


def _participants(data: CohortData, dimensions: list[str], notes: list[dict]) -> pd.DataFrame:
    people = data.participants.copy()
    for dim in dimensions:
        if dim not in people:
            people[dim] = "not_recorded"
            notes.append({"source": "equity", "warning": "ColumnAbsent", "message":
                          f"participants.csv has no `{dim}` column: every participant counts as not_recorded"})
    return people


def equity_tables(data: CohortData) -> EquityResult:
    """Every table of the equity-of-access report for one cohort, after disclosure control.

    Parameters
    ----------
    data : CohortData
        From :func:`evaluation.reports.outcome_report.load_cohort_data`.

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
    threshold = coh.disclosure_threshold
    level = coh.confidence_level
    dims = list(coh.equity.dimensions)
    notes: list[dict] = []
    people = _participants(data, dims, notes)
    workforce = eq.select_workforce(data.workforce, year=coh.year, dimensions=dims)
    counts = eq.category_counts(people, workforce, dims)

    flags = pd.Series("", index=counts.index, dtype="object")
    logs, declaration_rows, references = [], [], {}
    for dim in dims:
        rows = counts[counts["dimension"] == dim]
        f, _, decl, log = collect_warnings(notes, "disclosure", lambda rows=rows, dim=dim: disclosure.protect_dimension(
            rows, threshold, dim))
        flags.loc[rows.index] = f
        logs.append(log)
        declaration_rows.append({"dimension": dim, **decl})
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

    key = dict(zip(zip(counts["dimension"], counts["category"], strict=True), flags, strict=True))
    completion = eq.completion_by_group(people, dims, confidence_level=level).drop(columns="completed")
    comp_flags = [key.get((d, c), "") for d, c in zip(completion["dimension"], completion["category"], strict=True)]
    comp_hide = np.array([f != "" for f in comp_flags], dtype=bool)
    for column in ("completion_rate", "ci_low", "ci_high"):
        completion[column] = completion[column].where(~comp_hide)
    completion["participants"] = completion["participants"].astype("Int64").where(~comp_hide)
    completion["suppressed"] = comp_flags
    tables["completion"] = completion

    outcome, outcome_log = _outcome_change(data, people, dims, key, threshold, level, notes)
    tables["outcome_change"] = outcome
    logs.append(outcome_log)

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
    log = pd.concat([x for x in logs if len(x)], ignore_index=True) if any(len(x) for x in logs) \
        else disclosure.empty_log()
    return EquityResult(tables, log, references, years)


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


def _outcome_change(data: CohortData, people: pd.DataFrame, dims: list[str], key: dict, threshold: int,
                    level: float, notes: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
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
        return pd.DataFrame(columns=columns), disclosure.empty_log()
    paired = wide.dropna(subset=[earlier, later]).reset_index()
    paired = paired.merge(people[["participant_id", *dims]], on="participant_id", how="inner")
    rows = []
    for dim in dims:
        cats = people[dim].astype("object").where(people[dim].notna(), "not_recorded").astype(str) \
            .replace("", "not_recorded")
        cat_of = paired[dim].astype("object").where(paired[dim].notna(), "not_recorded").astype(str) \
            .replace("", "not_recorded")
        for category in sorted(cats.unique()):
            grp = paired[cat_of == category]
            row = {"dimension": dim, "category": category, "scale": scale, "comparison": comparison,
                   "n_pairs": len(grp), **dict.fromkeys(OUTCOME_STATS, np.nan)}
            if len(grp) >= threshold:
                res = collect_warnings(notes, "outcome_change", lambda grp=grp: oc.paired_change(
                    grp[earlier].to_numpy(), grp[later].to_numpy(), confidence_level=level))
                row.update({s: getattr(res, s) for s in OUTCOME_STATS})
            rows.append(row)
    table = pd.DataFrame(rows)
    forced = {i: key[(d, c)] for i, d, c in zip(table.index, table["dimension"], table["category"], strict=True)
              if key.get((d, c), "")}
    res = collect_warnings(notes, "disclosure", lambda: disclosure.protect_table(
        table, count="n_pairs", threshold=threshold, by=["dimension"], dependent=OUTCOME_STATS,
        name="equity_outcome_change", forced=forced,
        forced_reason="suppressed because the group's number of participants is suppressed in tables/equity.csv"))
    out = res.table
    out["n_pairs"] = out["n_pairs"].astype("Int64")
    return out[columns].reset_index(drop=True), res.log


# ------------------------------------------------------------------------------ findings


def _band_words(band: str, low: float, high: float) -> str:
    return {
        "within": f"within the equitable band {low:.2f}-{high:.2f}",
        "disparity": f"a disparity: the whole confidence interval lies outside {low:.2f}-{high:.2f}",
        "inconclusive": f"inconclusive: the confidence interval reaches into the band {low:.2f}-{high:.2f}",
    }.get(band, "")


def equity_findings(result: EquityResult, data: CohortData) -> list[Finding]:
    """The headline findings of the equity report, with stable ids.

    Ids: ``equity.<dimension>.<category>.relative_likelihood`` for every published,
    benchmarked category other than the reference; ``equity.<dimension>.goodness_of_fit``
    (value: the p-value); ``equity.local_authority.gini``;
    ``equity.<dimension>.declaration_rate`` when published. Built from the published tables
    only, so no finding reveals a suppressed cell.
    """
    tables = result.tables
    pct = int(round(data.cohort.confidence_level * 100))
    lo_band, hi_band = data.cohort.equity.band
    out = []
    for r in tables["equity"].itertuples(index=False):
        if r.suppressed or not r.reference_category or r.category == r.reference_category \
                or pd.isna(r.relative_likelihood):
            continue
        dim = DIMENSION_TITLES.get(r.dimension, r.dimension)
        who, ref = label(r.category, r.dimension), label(r.reference_category, r.dimension)
        band = _band_words(r.band, lo_band, hi_band)
        if r.participants == 0:
            text = (f"By {dim}: no one from {who} had a place (relative likelihood 0 against {ref}; {pct}% CI 0 to "
                    f"{r.rl_ci_high:.2f}); {band}.")
        elif pd.isna(r.rl_ci_low):
            text = (f"By {dim}: {who} staff were {r.relative_likelihood:.2f} times as likely as {ref} staff to have "
                    f"a place; no confidence interval can be computed ({band}).")
        else:
            text = (f"By {dim}: {who} staff were {r.relative_likelihood:.2f} times as likely as {ref} staff to have "
                    f"a place ({pct}% CI {r.rl_ci_low:.2f} to {r.rl_ci_high:.2f}); {band}.")
        out.append(Finding(f"equity.{r.dimension}.{r.category}.relative_likelihood", text, r.relative_likelihood,
                            r.rl_ci_low, r.rl_ci_high, f"relative likelihood (rate / rate of {r.reference_category})",
                            "equity"))
    for r in tables["goodness_of_fit"].itertuples(index=False):
        if pd.isna(r.p_value):
            continue
        dim = DIMENSION_TITLES.get(r.dimension, r.dimension)
        test = "chi-square test" if r.method == "chi_square" else "Monte Carlo multinomial test"
        verdict = "differ from" if r.p_value < 0.05 else "are not clearly different from"
        out.append(Finding(
            f"equity.{r.dimension}.goodness_of_fit",
            f"Places by {dim} {verdict} the eligible workforce's distribution ({test}, X² = {r.statistic:.1f}, "
            f"df = {int(r.df)}, p = {'<0.001' if r.p_value < 0.001 else f'{r.p_value:.3f}'}).",
            r.p_value, None, None, f"p-value ({r.method})", "equity_goodness_of_fit"))
    spread = tables["spread"]
    if len(spread) and not pd.isna(spread.set_index("measure").loc["gini", "value"]):
        g = float(spread.set_index("measure").loc["gini", "value"])
        out.append(Finding(
            "equity.local_authority.gini",
            f"Places per 1,000 eligible staff across council areas have a workforce-weighted Gini coefficient of "
            f"{g:.2f} (0 = in proportion to the workforce).",
            g, None, None, "Gini coefficient (0 = equal)", "equity_spread"))
    for r in tables["declaration"].itertuples(index=False):
        if r.suppressed or pd.isna(r.declaration_rate) or r.dimension not in eq_protected(data):
            continue
        out.append(Finding(
            f"equity.{r.dimension}.declaration_rate",
            f"{r.declaration_rate:.0%} of participants declared their {DIMENSION_TITLES.get(r.dimension, r.dimension)}.",
            r.declaration_rate, None, None, "share of participants", "equity_declaration"))
    return out


def equity_findings_for(data: CohortData) -> list[Finding]:
    """Re-derive the equity report's findings from a cohort's data (for ``verify``)."""
    return equity_findings(equity_tables(data), data)


def eq_protected(data: CohortData) -> list[str]:
    """Dimensions whose declaration rates are reported (the protected characteristics)."""
    return [d for d in data.cohort.equity.dimensions if d in ("gender", "age_band", "ethnicity", "disability")]


# ------------------------------------------------------------------------------- summary


def equity_summary(result: EquityResult, data: CohortData) -> str:
    """The plain-language summary for commissioners (Markdown), from the published tables."""
    coh = data.cohort
    tables = result.tables
    t = coh.disclosure_threshold
    pct = int(round(coh.confidence_level * 100))
    lo_band, hi_band = coh.equity.band
    table = tables["equity"]
    n = len(data.participants)
    years = sorted(set(result.workforce_years.values()))
    lines = [
        f"## Summary for commissioners: equity of access, {data.programme.title}, cohort {coh.cohort}"
        + (f" ({coh.year})" if coh.year else ""),
        "",
        f"**What is compared.** The {n} people who had a place are compared with the eligible workforce "
        f"(workforce figures for {', '.join(str(y) for y in years) or 'no year'}: of the years in workforce.csv, "
        "the nearest to the cohort's) by "
        + ", ".join(DIMENSION_TITLES.get(d, d) for d in coh.equity.dimensions) + ". "
        "For each group, the *relative likelihood* is its rate of places per 1,000 staff divided by the rate of a "
        "reference group (1 = the same chance).",
        "",
    ]
    clear = table[(table["band"] == "disparity")]
    under = clear[clear["relative_likelihood"] < 1].sort_values("relative_likelihood")
    over = clear[clear["relative_likelihood"] > 1].sort_values("relative_likelihood", ascending=False)

    def item(r) -> str:
        ci = f"{pct}% CI {r.rl_ci_low:.2f} to {r.rl_ci_high:.2f}"
        dim = DIMENSION_TITLES.get(r.dimension, r.dimension)
        ref = label(r.reference_category, r.dimension)
        if r.participants == 0:
            return f"{label(r.category, r.dimension)} ({dim}: no places; {ci} against {ref})"
        return f"{label(r.category, r.dimension)} ({dim}: {r.relative_likelihood:.2f} times the chance of {ref}, {ci})"

    if len(under):
        lines.append("**Under-represented, and the data are clear about it.** " + "; ".join(
            item(r) for r in under.itertuples()) + ".")
    else:
        lines.append("**Under-represented.** No group is clearly under-represented: for every group either the "
                     "estimate is within the band or the confidence interval is too wide to tell.")
    if len(over):
        lines += ["", "**Over-represented, clearly.** " + "; ".join(item(r) for r in over.itertuples()) + "."]
    inconclusive = table[table["band"] == "inconclusive"]
    within = table[table["band"] == "within"]
    lines += ["", f"**How sure we are.** A group is *within the band* when its relative likelihood lies between "
              f"{lo_band:.2f} and {hi_band:.2f} (the four-fifths rule applied both ways), shows a *disparity* when "
              f"the whole {pct}% confidence interval lies outside that band, and is *inconclusive* otherwise. "
              f"{len(clear)} groups show a disparity, {len(within)} are within the band and {len(inconclusive)} are "
              f"inconclusive — with {n} places in the cohort, most small groups cannot be judged either way."]
    gof = tables["goodness_of_fit"].dropna(subset=["p_value"])
    differs = gof[gof["p_value"] < 0.05]
    if len(gof):
        lines += ["", "**Is the overall pattern more than chance?** The spread of places differs from the workforce "
                  "by more than chance would explain for: "
                  + (", ".join(DIMENSION_TITLES.get(d, d) for d in differs["dimension"]) or "no dimension")
                  + " (goodness-of-fit tests; see the table for which test was used)."]
    spread = tables["spread"].set_index("measure")["value"] if len(tables["spread"]) else pd.Series(dtype=float)
    if "gini" in spread and not pd.isna(spread["gini"]):
        council = tables["council_areas"].dropna(subset=["rate_per_1000"])
        top = council[council["rate_per_1000"] > 0].sort_values("rate_per_1000", kind="stable").tail(3)[::-1]
        lines += ["", f"**Across Scotland's council areas.** The workforce-weighted Gini coefficient of places per "
                  f"1,000 staff is {spread['gini']:.2f} (0 would mean places in proportion to each area's workforce). "
                  f"{int(spread['council_areas_without_places'])} of {int(spread['council_areas'])} council areas had "
                  "no places"
                  + (("; the highest rates were in " + ", ".join(
                      f"{label(r.category, r.dimension if 'dimension' in council else 'local_authority')} "
                      f"({r.rate_per_1000:.2f} per 1,000)" for r in top.itertuples()))
                     if len(top) else "") + "."]
    comp = tables["completion"].dropna(subset=["completion_rate"])
    overall = float((data.participants["status"] == "completed").mean()) if n else float("nan")
    if len(comp):
        low = comp.sort_values("completion_rate").head(3)
        lines += ["", f"**From a place to completion.** {overall:.0%} of the cohort completed the programme. The "
                  "lowest completion rates among the groups shown were: " + "; ".join(
                      f"{label(r.category, r.dimension)} ({DIMENSION_TITLES.get(r.dimension, r.dimension)}, "
                      f"{r.completion_rate:.0%},"
                      f" {pct}% CI {r.ci_low:.0%} to {r.ci_high:.0%})" for r in low.itertuples()) + "."]
    change = tables["outcome_change"].dropna(subset=["mean_change"])
    if len(change):
        title = data.titles.get(data.primary_scale, data.primary_scale)
        lines += ["", f"**From completion to benefit.** Change on {str(title).lower()} by group is shown below for "
                  f"groups of at least {t} people with scores at both waves; the mean change ranged from "
                  f"{change['mean_change'].min():+.2f} to {change['mean_change'].max():+.2f} points across those "
                  "groups. Differences between small groups are imprecise."]
    decl = tables["declaration"]
    decl = decl[decl["dimension"].isin(eq_protected(data))]
    shown = decl.dropna(subset=["declaration_rate"])
    if len(decl):
        lines += ["", "**Declaration.** "
                  + ("; ".join(f"{r.declaration_rate:.0%} declared their {DIMENSION_TITLES.get(r.dimension, r.dimension)}"
                               for r in shown.itertuples()) or "Declaration rates cannot be shown")
                  + ". " + "".join(f"The declaration rate for {DIMENSION_TITLES.get(d, d)} is withheld, because it "
                                   "would reveal a small group. " for d in decl.loc[decl["declaration_rate"].isna(),
                                                                                   "dimension"])
                  + "'Not declared', 'prefer not to say' and 'not recorded' are kept as categories of their own."]
    n_sup = int((table["suppressed"] != "").sum())
    lines += ["", f"**Confidentiality.** Groups of fewer than {t} people are not shown (–), and {n_sup} cells in all "
              "are withheld — some of them larger groups, so that a small group cannot be worked out from the "
              "totals. Tests and the Gini coefficient treat the withheld groups as one."]
    return "\n".join(lines)


def for_display(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy for :func:`evaluation.reports.outcome_report.show_table`: whole-number columns with missing values
    (pandas ``Int64``) as text, suppressed values as "–" (``show_table`` formats floats only).

    Examples
    --------
    >>> for_display(pd.DataFrame({"n": pd.array([12, None], dtype="Int64")}))["n"].tolist()
    ['12', '–']
    """
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.Int64Dtype):
            out[column] = [("–" if pd.isna(v) else str(int(v))) for v in out[column]]
    return out


# ------------------------------------------------------------------------- the private log


def disclosure_log_path(data_dir: Path | str | None, programme: str, cohort: int) -> Path:
    """``<data_dir>/disclosure_logs/<programme>/cohort-<n>.csv`` (``data_dir`` default: the repository's).

    Examples
    --------
    >>> disclosure_log_path("/secure/data", "leading-to-deliver", 2).as_posix()
    '/secure/data/disclosure_logs/leading-to-deliver/cohort-2.csv'
    """
    return Path(data_dir or DATA_DIR) / "disclosure_logs" / programme / f"cohort-{cohort}.csv"


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


#: The file (``tables/<name>.csv``) under which the report notebook publishes each table.
PUBLISHED = {"equity": "equity", "goodness_of_fit": "equity_goodness_of_fit",
             "council_areas": "equity_council_areas", "lorenz": "equity_lorenz", "spread": "equity_spread",
             "completion": "equity_completion", "outcome_change": "equity_outcome_change",
             "declaration": "equity_declaration", "notes": "equity_notes"}


def build(data: CohortData) -> ReportResult:
    """The equity-of-access report of one cohort: its tables, findings and summary.

    ``details`` holds the disclosure log (``disclosure_log``: what was suppressed and why,
    never published), the reference categories and the workforce year of each dimension.
    """
    result = equity_tables(data)
    return ReportResult(
        report="equity", programme=data.programme.name, cohort=data.cohort.cohort,
        tables={PUBLISHED[name]: frame for name, frame in result.tables.items()},
        findings=tuple(equity_findings(result, data)), summary=equity_summary(result, data),
        details={"disclosure_log": result.log, "references": result.references,
                 "workforce_years": result.workforce_years},
    )
