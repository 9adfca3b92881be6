"""The outcomes report: a cohort's pre/post tables, its findings and its summary.

The report notebook calls this module and displays what it returns; it computes nothing
itself. Everything here is deterministic: the same processed data and parameters give the
same tables and findings to the last digit.

* :func:`outcome_tables` computes every table of the outcomes report.
* :func:`outcome_findings` derives the headline findings from those tables (also used by
  reviewers to re-derive them).
* :func:`outcome_summary` writes the plain-language summary for commissioners.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.core.text import md
from evaluation.core.vocabulary import COMPARISONS
from evaluation.data.cohort import CohortData, rci_reliability, scale_info
from evaluation.reports.disclosure_plan import (
    BREAKDOWN_DIMENSIONS,
    DisclosurePlan,
    Population,
    breakdown_populations,
    disclosure_plan,
    group_labels,
    people_with_dimensions,
)
from evaluation.reports.findings import Finding, ReportResult, collect_warnings
from evaluation.reports.verdicts import verdict_sentences, verdicts
from evaluation.stats import outcomes as oc

__all__ = [
    "BREAKDOWN_DIMENSIONS",
    "DESIGN_LABEL",
    "PUBLISHED",
    "build",
    "outcome_findings",
    "outcome_summary",
    "outcome_tables",
    "outcomes",
    "reliability_table",
]

#: Participant characteristics by which outcomes are broken down (with disclosure control).
DESIGN_LABEL = (
    "Single-group before-and-after design without a comparison group: Maryland Scientific "
    "Methods Scale level 1. The results describe change in the people who took part; they do "
    "not show that the programme caused it."
)


def _breakdowns(data: CohortData, plan: DisclosurePlan, confidence_level: float) -> pd.DataFrame:
    """Change by group on each level-2 scale (self-ratings, the first comparison), after :func:`disclosure_plan`."""
    populations = breakdown_populations(data)
    if not populations:
        return pd.DataFrame()
    comparison = populations[0].comparison
    earlier, later = COMPARISONS[comparison]
    scales = [p.scale for p in populations]
    scores = data.scale_scores[(data.scale_scores["rater"] == "self") & data.scale_scores["scale"].isin(scales)]
    wide = scores.pivot_table(index=["participant_id", "scale"], columns="wave", values="score").reset_index()
    if earlier not in wide or later not in wide:
        return pd.DataFrame()
    people, _ = people_with_dimensions(data, BREAKDOWN_DIMENSIONS)
    wide = wide.dropna(subset=[earlier, later]).merge(people[["participant_id", *BREAKDOWN_DIMENSIONS]],
                                                     on="participant_id")
    rows = []
    for dimension in BREAKDOWN_DIMENSIONS:
        wide["_category"] = group_labels(wide[dimension])
        for (category, scale), grp in wide.groupby(["_category", "scale"], sort=True):
            flag = plan.row_flag([Population(scale, comparison, "self").key, "enrolled"], dimension, category)
            res = oc.paired_change(grp[earlier].to_numpy(), grp[later].to_numpy(), confidence_level=confidence_level) \
                if not flag and len(grp) >= plan.threshold else None
            rows.append({
                "dimension": dimension,
                "category": category,
                "scale": scale,
                "comparison": comparison,
                "n_pairs": pd.NA if flag else len(grp),
                "mean_change": res.mean_change if res else np.nan,
                "change_ci_low": res.change_ci_low if res else np.nan,
                "change_ci_high": res.change_ci_high if res else np.nan,
                "d_z": res.d_z if res else np.nan,
                "suppressed": flag,
            })
    table = pd.DataFrame(rows)
    table["n_pairs"] = table["n_pairs"].astype("Int64")
    return table


#: Statistics of ``attrition.csv``'s baseline comparison that describe one group (or both).
_WITH_LATER = ["mean_with_later", "sd_with_later"]
_WITHOUT_LATER = ["mean_without_later", "sd_without_later"]
_BOTH = ["mean_difference", "ci_low", "ci_high", "t", "df", "p_value", "hedges_g", "g_ci_low", "g_ci_high"]


def _small_groups_withheld(baseline: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Withhold the baseline statistics of a group of 1 to threshold − 1 people (and the comparison).

    The numbers with and without a later score are whole-cohort counts and stay; the means and
    SDs of a group that small, and every statistic comparing the two groups, become missing, and
    ``suppressed`` says ``primary``.
    """
    out = baseline.copy()
    out["suppressed"] = ""
    for n_column, columns in (("n_with_later", _WITH_LATER), ("n_without_later", _WITHOUT_LATER)):
        small = out[n_column].between(1, threshold - 1)
        out.loc[small, [*columns, *_BOTH]] = np.nan
        out.loc[small, "suppressed"] = "primary"
    return out


def reliability_table(data: CohortData) -> pd.DataFrame:
    """The published ``reliability`` table: alpha (Feldt CI) and omega total per scale × wave × rater.

    Scales in instrument order, the cohort's waves in time order; computed at ingest
    (:func:`evaluation.data.scoring.reliability`) and selected here.
    """
    info = scale_info(data)
    rel = data.reliability.copy()
    rel["wave"] = pd.Categorical(rel["wave"], categories=[w for w in data.cohort.waves], ordered=True)
    order = {s: i for i, s in enumerate(info.index)}
    rel = rel.dropna(subset=["wave"]).assign(_o=rel["scale"].map(order)).sort_values(["_o", "wave", "rater"])
    return rel[["scale", "wave", "n", "k_items", "alpha", "alpha_ci_low", "alpha_ci_high",
                "omega_total", "rater", "instrument"]].assign(wave=lambda d: d["wave"].astype(str)) \
        .reset_index(drop=True)


def outcomes(data: CohortData, scores: pd.DataFrame | None = None, **overrides) -> tuple[pd.DataFrame, list[dict]]:
    """The published ``outcomes`` table, with the cohort's parameters unless ``overrides`` say otherwise.

    Parameters
    ----------
    data : CohortData
    scores : DataFrame, optional
        Scale scores to use instead of the cohort's (a subgroup's); the reliability for reliable
        change and the scales' properties stay the cohort's.
    **overrides
        ``comparisons``, ``confidence_level``, ``multiplicity``, ``reliability`` for
        :func:`evaluation.stats.outcomes.outcomes_table`.

    Returns
    -------
    DataFrame, list of dict
        The table and the report notes (warnings about degenerate data).
    """
    coh = data.cohort
    settings = {"comparisons": coh.comparisons, "confidence_level": coh.confidence_level,
                "multiplicity": coh.multiplicity, "reliability": rci_reliability(data)}
    settings.update({k: v for k, v in overrides.items() if v is not None})
    info = scale_info(data)
    notes: list[dict] = []
    table = collect_warnings(notes, "outcomes", lambda: oc.outcomes_table(
        data.scale_scores if scores is None else scores, **settings,
        scale_info=info[["kirkpatrick_level", "higher_is_better"]]))
    return table, notes


def outcome_tables(data: CohortData) -> dict[str, pd.DataFrame]:
    """Every table of the outcomes report for one cohort.

    Returns
    -------
    dict of DataFrame
        ``outcomes`` (CONTRACT columns), ``reliability``, ``attrition`` (flow and baseline
        comparison), ``mixed_model`` (three or more waves), ``response_shift`` (with a then-test),
        ``reaction`` (scales answered once), ``breakdowns`` (by sector, role level and framework
        area, after disclosure control) and ``notes`` (warnings about degenerate data).
    """
    coh = data.cohort
    info = scale_info(data)
    notes: list[dict] = []
    scores = data.scale_scores
    level = coh.confidence_level
    tables: dict[str, pd.DataFrame] = {}
    tables["outcomes"], found = outcomes(data)
    notes += found
    tables["reliability"] = reliability_table(data)

    primary = data.primary_scale
    earlier, later = COMPARISONS[coh.comparisons[0]]
    flow = collect_warnings(notes, "attrition", lambda: oc.attrition(
        scores, data.participants, earlier=earlier, later=later, scale=primary))
    level2 = [s for s in info.index if info.loc[s, "kirkpatrick_level"] == 2]
    baseline = collect_warnings(notes, "attrition", lambda: pd.concat(
        [oc.baseline_comparison(scores, scale=s, earlier=earlier, later=later, confidence_level=level)
         for s in level2], ignore_index=True))
    baseline = _small_groups_withheld(baseline, coh.disclosure_threshold)
    tables["attrition"] = pd.concat(
        [flow.assign(section="flow"), baseline.assign(section="baseline_comparison")], ignore_index=True
    )
    cols = ["section"] + [c for c in tables["attrition"].columns if c != "section"]
    tables["attrition"] = tables["attrition"][cols]
    if len(coh.waves) >= 3:
        modelled = [w for w in coh.waves if w != "then"]
        if len(modelled) >= 3:
            tables["mixed_model"] = collect_warnings(notes, "mixed_model", lambda: oc.mixed_model(
                scores, waves=modelled, confidence_level=level))
    if "then" in coh.waves:
        tables["response_shift"] = collect_warnings(notes, "response_shift", lambda: oc.response_shift(
            scores, confidence_level=level))
    once = [s for s in info.index if len({w for w in scores.loc[scores["scale"] == s, "wave"]}) == 1]
    if once:
        rows = scores[scores["scale"].isin(once)].dropna(subset=["score"])
        tables["reaction"] = (rows.groupby(["scale", "wave", "rater"], sort=True)["score"]
                              .agg(n="count", mean="mean", sd="std").reset_index())
    plan = collect_warnings(notes, "disclosure", lambda: disclosure_plan(data))
    tables["breakdowns"] = collect_warnings(notes, "breakdowns", lambda: _breakdowns(data, plan, level))
    tables["notes"] = pd.DataFrame(notes, columns=["source", "warning", "message"]).drop_duplicates()
    return tables


def outcome_findings(tables: dict[str, pd.DataFrame], data: CohortData) -> list[Finding]:
    """The headline findings of the outcomes report, with stable ids.

    Ids: ``outcomes.<comparison>.<rater>.<scale>.mean_change`` and ``...d_z`` for every row of
    the outcomes table; ``outcomes.<comparison>.<rater>.<scale>.reliably_improved`` for the
    primary scale; ``attrition.scored_both``; ``response_shift.<scale>`` for the primary scale.
    """
    titles = data.titles
    pct = int(round(data.cohort.confidence_level * 100))
    low, high = data.instruments[next(iter(data.instruments))].response_range
    out = []
    for row in tables["outcomes"].itertuples(index=False):
        key = f"outcomes.{row.comparison}.{row.rater}.{row.scale}"
        who = "self-rated" if row.rater == "self" else f"rated by {row.rater.replace('_', ' ')}s"
        waves = " to ".join(w.replace("_", "-") for w in COMPARISONS[row.comparison])
        out.append(Finding(
            f"{key}.mean_change",
            f"{titles.get(row.scale, row.scale)} ({who}) changed by {row.mean_change:+.2f} points from {waves} "
            f"({pct}% CI {row.change_ci_low:+.2f} to {row.change_ci_high:+.2f}; n = {row.n_pairs}).",
            row.mean_change, row.change_ci_low, row.change_ci_high, f"scale points ({low:g}-{high:g})", "outcomes",
        ))
        out.append(Finding(
            f"{key}.d_z",
            f"Standardised change (d_z) in {titles.get(row.scale, row.scale)} ({who}), {waves}: {row.d_z:.2f} "
            f"({pct}% CI {row.d_z_ci_low:.2f} to {row.d_z_ci_high:.2f}).",
            row.d_z, row.d_z_ci_low, row.d_z_ci_high, "d_z (mean change / SD of change)", "outcomes",
        ))
        if row.scale == data.primary_scale and row.rater == "self" and not pd.isna(row.rci_improved):
            out.append(Finding(
                f"{key}.reliably_improved",
                f"{row.rci_improved:.0%} of participants with both scores reliably improved on "
                f"{titles.get(row.scale, row.scale)} ({waves}); {row.rci_deteriorated:.0%} reliably deteriorated.",
                row.rci_improved, None, None, "share of participants", "outcomes",
            ))
    flow = tables["attrition"]
    flow = flow[flow["section"] == "flow"].set_index("stage")
    if "scored_both" in flow.index:
        n, share = flow.loc["scored_both", "n"], flow.loc["scored_both", "share_of_enrolled"]
        out.append(Finding(
            "attrition.scored_both",
            f"{int(n)} of {int(flow.loc['enrolled', 'n'])} enrolled participants ({share:.0%}) have scores at both "
            "waves of the main comparison.",
            share, None, None, "share of enrolled", "attrition",
        ))
    shift = tables.get("response_shift")
    if shift is not None and len(shift):
        row = shift[(shift["scale"] == data.primary_scale) & (shift["rater"] == "self")]
        if len(row):
            r = row.iloc[0]
            out.append(Finding(
                f"response_shift.{data.primary_scale}",
                f"Response shift on {titles.get(data.primary_scale)}: the pre-test minus the retrospective "
                f"then-test is {r['mean_shift']:+.2f} points ({pct}% CI {r['ci_low']:+.2f} to {r['ci_high']:+.2f}).",
                r["mean_shift"], r["ci_low"], r["ci_high"], f"scale points ({low:g}-{high:g})", "response_shift",
            ))
    return out


class _MarkdownTitles(dict):
    """Scale titles (or, failing a title, the scale's name), safe in a Markdown summary."""

    def __init__(self, titles: dict[str, str]):
        super().__init__({scale: md(title) for scale, title in titles.items()})

    def get(self, scale, default=None):  # noqa: D102
        return super().get(scale, md(scale if default is None else default))


def outcome_summary(tables: dict[str, pd.DataFrame], data: CohortData) -> str:
    """The plain-language summary for commissioners (Markdown)."""
    coh = data.cohort
    titles = _MarkdownTitles(data.titles)
    pct = int(round(coh.confidence_level * 100))
    out = tables["outcomes"]
    first = coh.comparisons[0]
    earlier, later = COMPARISONS[first]
    flow = tables["attrition"]
    flow = flow[flow["section"] == "flow"].set_index("stage")["n"]
    lines = [
        f"## Summary for commissioners: {md(data.programme.title)}, cohort {coh.cohort}"
        + (f" ({coh.year})" if coh.year else ""),
        "",
        f"**Who took part.** {int(flow.get('enrolled', 0))} people enrolled and "
        f"{int(flow.get('completed_programme', 0))} completed the programme; "
        f"{int(flow.get('scored_both', 0))} have questionnaire scores both {earlier.replace('_', '-')} and "
        f"{later.replace('_', '-')}, and the results below are about them.",
        "",
    ]
    self_rows = out[(out["comparison"] == first) & (out["rater"] == "self") & (out["kirkpatrick_level"] == 2)]
    alpha = 1 - coh.confidence_level
    judged = verdicts(out, comparison=first, rater="self", alpha=alpha, levels=(2,))
    lines.append("**What changed (self-assessment).** " + verdict_sentences(
        judged, titles, confidence_level=coh.confidence_level, who="Participants rated themselves"))
    for rater in sorted(set(out.loc[out["comparison"] == first, "rater"]) - {"self"}):
        judged = verdicts(out, comparison=first, rater=rater, alpha=alpha)
        if len(judged):
            lines += ["", f"**What {rater.replace('_', ' ')}s saw.** " + verdict_sentences(
                judged, titles, confidence_level=coh.confidence_level,
                who=f"{rater.replace('_', ' ').capitalize()}s rated participants", show_n=True)
                + " Change seen by others is the stronger evidence that behaviour at work changed "
                "(Kirkpatrick level 3)."]
    primary = data.primary_scale
    prow = self_rows[self_rows["scale"] == primary]
    if len(prow) and not pd.isna(prow["rci_improved"].iloc[0]):
        r = prow.iloc[0]
        lines += ["", f"**How many changed reliably.** On {titles.get(primary, primary).lower()}, "
                  f"{r['rci_improved']:.0%} of participants improved by more than measurement error alone would "
                  f"explain, {r['rci_deteriorated']:.0%} deteriorated and {r['rci_unchanged']:.0%} showed no "
                  f"reliable change (Jacobson & Truax reliable change index, reliability {r['reliability']:.2f})."]
    shift = tables.get("response_shift")
    if shift is not None and len(shift):
        row = shift[(shift["scale"] == primary) & (shift["rater"] == "self")]
        if len(row):
            r = row.iloc[0]
            lines += ["", "**Hindsight.** Asked after the programme to rate themselves as they had been before it "
                      f"(the 'then-test'), participants scored {titles.get(primary, primary).lower()} "
                      f"{abs(r['mean_shift']):.2f} points {'lower' if r['mean_shift'] > 0 else 'higher'} than they "
                      "had at the time, so change measured against the then-test is "
                      f"{'larger' if r['mean_shift'] > 0 else 'smaller'} than change from the original pre-test."]
    base = tables["attrition"]
    base = base[(base["section"] == "baseline_comparison") & (base["scale"] == primary)]
    if len(base):
        b = base.iloc[0]
        selective = b["p_value"] < 0.05
        if b["suppressed"]:
            lines += ["", f"**Who dropped out.** {int(b['n_without_later'])} people with a "
                      f"{earlier.replace('_', '-')} score have no {later.replace('_', '-')} score: too few "
                      f"(fewer than {coh.disclosure_threshold}) to publish how they started."]
        else:
            lines += ["", f"**Who dropped out.** {int(b['n_without_later'])} people with a {earlier.replace('_', '-')} "
                      f"score have no {later.replace('_', '-')} score. They started "
                      f"{abs(b['mean_difference']):.2f} points {'lower' if b['mean_difference'] > 0 else 'higher'} on "
                      f"{titles.get(primary, primary).lower()} than those who stayed"
                      + (" (a difference unlikely to be chance): results for completers may flatter the programme."
                         if selective else ", a difference that could be chance.")]
    lines += [
        "",
        f"**How sure we are.** Ranges are {pct}% confidence intervals; p-values are adjusted for testing "
        f"several scales ({ {'holm': 'Holm', 'bh': 'Benjamini-Hochberg', 'none': 'no adjustment'}[coh.multiplicity] }).",
        "",
        f"**Limits of the design.** {DESIGN_LABEL} Self-ratings can move because people's standards change "
        "(see the then-test), and people who left the programme are not in the before-and-after comparison.",
    ]
    return "\n".join(lines)


#: The file (``tables/<name>.csv``) under which the report notebook publishes each table.
PUBLISHED = {"outcomes": "outcomes", "reliability": "reliability", "attrition": "attrition",
             "mixed_model": "mixed_model", "response_shift": "response_shift", "reaction": "reaction",
             "breakdowns": "breakdowns", "notes": "notes"}


def build(data: CohortData) -> ReportResult:
    """The outcomes report of one cohort: its tables, findings and summary.

    Examples
    --------
    >>> from evaluation.data.cohort import load_cohort_data
    >>> result = build(load_cohort_data("leading-to-deliver", 2))  # doctest: +SKIP
    >>> result.table("outcomes").columns[:4].tolist()  # doctest: +SKIP
    ['scale', 'comparison', 'rater', 'instrument']
    """
    tables = outcome_tables(data)
    return ReportResult(
        report="outcomes", programme=data.programme.name, cohort=data.cohort.cohort,
        tables={PUBLISHED[name]: frame for name, frame in tables.items()},
        findings=tuple(outcome_findings(tables, data)), summary=outcome_summary(tables, data),
    )
