"""The comparison-group outcome of a cohort report: its table, findings, summary paragraph and design label.

When participants.csv marks a comparison group for the cohort (``group`` = ``comparison``;
:mod:`evaluation.data.groups`), the outcomes report adds ``comparison_group.csv``: per scale ×
comparison × rater, the programme's and the comparison group's pairs, the difference between
their mean changes (difference-in-differences, Welch interval) and Morris's (2008) d_ppc2 with
its interval (:func:`evaluation.stats.outcomes.comparison_group_change`). The design then rises
to Maryland Scientific Methods Scale level 3 (a comparison group that was not randomised);
without one it stays level 1. Comparison members enter nothing else.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from evaluation.core.vocabulary import COMPARISONS
from evaluation.data.cohort import CohortData, scale_info
from evaluation.reports.findings import Finding
from evaluation.reports.labels import aside, ratings_words, span_words
from evaluation.reports.numbers import interval, level_percent, number, signed
from evaluation.reports.verdicts import verdict
from evaluation.stats import outcomes as oc

__all__ = [
    "COMPARISON_GROUP_INTRO",
    "COMPARISON_GROUP_TABLE_COLUMNS",
    "COMPARISON_GROUP_TERMS",
    "DESIGN_LABEL_COMPARISON",
    "DESIGN_LABEL_SINGLE_GROUP",
    "DESIGN_PLAIN_COMPARISON",
    "comparison_group_findings",
    "comparison_group_paragraph",
    "comparison_group_table",
    "design_label",
    "design_level",
    "page_terms",
]

#: The single-group design, in the words of the report's methods section.
DESIGN_LABEL_SINGLE_GROUP = (
    "Single-group before-and-after design without a comparison group: Maryland Scientific "
    "Methods Scale level 1. The results describe change in the people who took part; they do "
    "not show that the programme caused it."
)
#: The design with a comparison group, in the words of the report's methods section.
DESIGN_LABEL_COMPARISON = (
    "Before-and-after design with a comparison group that was not randomised: Maryland Scientific "
    "Methods Scale level 3. The programme's effect is estimated as the difference between the two "
    "groups' mean changes (difference-in-differences, with a Welch interval) and as Morris's (2008) "
    "d_ppc2. Because the groups were not formed at random, the estimate can still be biased by "
    "selection: the people who took part may differ from those who did not in ways that also "
    "affect how they change."
)
#: The design with a comparison group, in plain words (the commissioners' summary).
DESIGN_PLAIN_COMPARISON = (
    "Participants were compared with a group of staff who did not take part and answered the "
    "same questionnaires at the same times, but the two groups were not formed at random. The difference "
    "between the groups' changes is a better guide to what the programme did than the participants' "
    "change alone, but it can still reflect how the groups differed from the start (for example, who "
    "chose, or was chosen, to take part), so it does not prove that the programme caused the change."
)

#: The words above the comparison-group table (Markdown), shown only when the cohort has that table.
COMPARISON_GROUP_INTRO = (
    "This cohort's data include a comparison group (staff who did not take the programme but answered the same "
    "questionnaires at the same times, marked as the comparison group in the cohort's list of participants), so "
    "the participants' change is set beside the comparison group's. The difference between the two groups' mean "
    "changes (difference-in-differences, in points on the scale, with a Welch interval) and Morris's (2008) "
    "`d_ppc2` (that difference over the pooled before-programme standard deviation, corrected for small samples) "
    "estimate what the programme added. The p-value of the difference is adjusted for testing several scales at "
    "once as the first table's are (the scales of one comparison and one rater together), and a difference counts "
    "as clear only when that adjusted p-value is below one minus the confidence level (0.05 at 95% confidence). "
    "The groups were not formed at random, so the estimate can still reflect how they differed from the start. "
    "Comparison-group members appear in this table only: every other table is about participants."
)
#: The glossary entries that only a cohort with a comparison-group table uses.
COMPARISON_GROUP_TERMS = ("difference_in_differences", "d_ppc2")


def page_terms(terms: tuple[str, ...], tables: Mapping[str, pd.DataFrame]) -> tuple[str, ...]:
    """A cohort page's glossary entries: without a comparison-group table, none of :data:`COMPARISON_GROUP_TERMS`.

    Examples
    --------
    >>> page_terms(("kirkpatrick", "d_ppc2"), {})
    ('kirkpatrick',)
    >>> page_terms(("kirkpatrick", "d_ppc2"), {"comparison_group": pd.DataFrame()})
    ('kirkpatrick', 'd_ppc2')
    """
    return tuple(t for t in terms if "comparison_group" in tables or t not in COMPARISON_GROUP_TERMS)


#: Columns of ``comparison_group.csv``.
COMPARISON_GROUP_TABLE_COLUMNS = (
    "scale", "kirkpatrick_level", "comparison", "rater", "n_programme", "n_comparison",
    "mean_change_programme", "mean_change_comparison", "did", "did_ci_low", "did_ci_high", "did_se",
    "did_df", "did_p_value", "did_p_adjusted", "did_method", "d_ppc2", "d_ppc2_ci_low", "d_ppc2_ci_high",
    "confidence_level", "suppressed",
)  # fmt: skip
_STATISTICS = ("mean_change_programme", "mean_change_comparison", "did", "did_ci_low", "did_ci_high", "did_se",
               "did_df", "did_p_value", "d_ppc2", "d_ppc2_ci_low", "d_ppc2_ci_high")


def _pairs(scores: pd.DataFrame, scale: str, rater: str, earlier: str, later: str) -> pd.DataFrame:
    """Scores at both waves, one row per participant (columns ``earlier``, ``later``)."""
    rows = scores[(scores["scale"] == scale) & (scores["rater"] == rater) & scores["wave"].isin([earlier, later])]
    wide = rows.pivot_table(index="participant_id", columns="wave", values="score", aggfunc="first")
    if earlier not in wide or later not in wide:
        return pd.DataFrame(columns=[earlier, later])
    return wide[[earlier, later]].dropna().sort_index()


def comparison_group_table(data: CohortData) -> pd.DataFrame:
    """The published ``comparison_group`` table: programme against comparison group, per scale × comparison × rater.

    Rows: every scale of Kirkpatrick level 2 or above, every comparison of the cohort's
    parameters except ``then_post`` (the then-test is about the programme, which the comparison
    group did not take), every rater with pairs in both groups. A side with 1 to
    threshold − 1 pairs withholds that side's count and every statistic of the row
    (``suppressed`` = ``primary``); zero pairs on a side leave no row.

    ``did_p_adjusted`` is ``did_p_value`` adjusted for testing several scales by the cohort's
    ``multiplicity`` method over the same family as the outcomes table's ``p_adjusted``: the
    scales of one comparison and one rater (withheld rows, whose p is missing, do not count).

    Returns
    -------
    DataFrame
        Columns :data:`COMPARISON_GROUP_TABLE_COLUMNS`; empty when the cohort has no comparison group.
        A statistic the pairs cannot give is NaN with a
        :class:`~evaluation.core.errors.DegenerateDataWarning` naming the scale, comparison and rater.

    Notes
    -----
    Each row is :func:`evaluation.stats.outcomes.comparison_group_change` on the programme's
    and the comparison group's complete pairs: DiD = mean change (programme) − mean change
    (comparison), Welch's two-sample t interval on the change scores; d_ppc2 (Morris 2008,
    eqs. 8 and 25) with its normal-theory interval, at the cohort's confidence level.

    Examples
    --------
    >>> from evaluation.data.cohort import load_cohort_data
    >>> table = comparison_group_table(load_cohort_data("leading-to-deliver", 3))  # doctest: +SKIP
    >>> table.columns[:6].tolist()  # doctest: +SKIP
    ['scale', 'kirkpatrick_level', 'comparison', 'rater', 'n_programme', 'n_comparison']
    """
    if not data.has_comparison_group:
        return pd.DataFrame(columns=list(COMPARISON_GROUP_TABLE_COLUMNS))
    coh = data.cohort
    threshold = coh.disclosure_threshold
    info = scale_info(data)
    raters = sorted(set(data.comparison_scores["rater"].dropna()), key=lambda r: (r != "self", r))
    rows = []
    for comparison in (c for c in coh.comparisons if c != "then_post"):
        earlier, later = COMPARISONS[comparison]
        for scale in (s for s in info.index if info.loc[s, "kirkpatrick_level"] >= 2):
            for rater in raters:
                treated = _pairs(data.scale_scores, scale, rater, earlier, later)
                control = _pairs(data.comparison_scores, scale, rater, earlier, later)
                n_t, n_c = len(treated), len(control)
                if n_t == 0 or n_c == 0:
                    continue
                small_t, small_c = n_t < threshold, n_c < threshold
                row = {"scale": scale, "kirkpatrick_level": int(info.loc[scale, "kirkpatrick_level"]),
                       "comparison": comparison, "rater": rater,
                       "n_programme": pd.NA if small_t else n_t, "n_comparison": pd.NA if small_c else n_c,
                       "did_method": "welch", "confidence_level": coh.confidence_level,
                       "suppressed": "primary" if small_t or small_c else ""}
                if small_t or small_c:
                    row.update(dict.fromkeys(_STATISTICS, np.nan))
                else:
                    with warnings.catch_warnings(record=True) as caught:
                        warnings.simplefilter("always")
                        res = oc.comparison_group_change(
                            treated[earlier].to_numpy(), treated[later].to_numpy(),
                            control[earlier].to_numpy(), control[later].to_numpy(),
                            confidence_level=coh.confidence_level)
                    for w in caught:  # said again with the row it is about (the report lists them as notes)
                        warnings.warn(f"comparison group, scale {scale!r}, {comparison}, rater {rater!r}: {w.message}",
                                      w.category, stacklevel=2)
                    row.update({"mean_change_programme": res.mean_change_treated,
                                "mean_change_comparison": res.mean_change_comparison, "did": res.did,
                                "did_ci_low": res.did_ci_low, "did_ci_high": res.did_ci_high, "did_se": res.did_se,
                                "did_df": res.did_df, "did_p_value": res.did_p_value, "d_ppc2": res.d_ppc2,
                                "d_ppc2_ci_low": res.d_ppc2_ci_low, "d_ppc2_ci_high": res.d_ppc2_ci_high})
                rows.append(row)
    table = pd.DataFrame(rows, columns=list(COMPARISON_GROUP_TABLE_COLUMNS))
    table["did_p_adjusted"] = np.nan
    for _, idx in table.groupby(["comparison", "rater"], sort=False).groups.items():  # the outcomes' families
        table.loc[idx, "did_p_adjusted"] = oc.adjust_p(table.loc[idx, "did_p_value"].astype(float).to_numpy(),
                                                       coh.multiplicity)
    for column in ("n_programme", "n_comparison"):
        table[column] = table[column].astype("Int64")
    return table


def _published(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    table = tables.get("comparison_group")
    if table is None or not len(table):
        return pd.DataFrame(columns=list(COMPARISON_GROUP_TABLE_COLUMNS))
    return table[(table["suppressed"] == "") & table["did"].notna()]


def design_level(tables: Mapping[str, pd.DataFrame]) -> int:
    """The Maryland Scientific Methods Scale level of the design: 3 with a published comparison, else 1.

    Level 3 needs a comparison group whose difference-in-differences is published (at least one
    row of ``comparison_group`` not withheld); a comparison group too small to report leaves
    the design at level 1.

    Examples
    --------
    >>> design_level({})
    1
    >>> design_level({"comparison_group": pd.DataFrame({"did": [0.2], "suppressed": [""]})})
    3
    """
    return 3 if len(_published(tables)) else 1


def design_label(tables: Mapping[str, pd.DataFrame]) -> str:
    """The design label of the methods section: :data:`DESIGN_LABEL_COMPARISON` at level 3, else the single group's."""
    return DESIGN_LABEL_COMPARISON if design_level(tables) == 3 else DESIGN_LABEL_SINGLE_GROUP


def comparison_group_findings(tables: Mapping[str, pd.DataFrame], data: CohortData) -> list[Finding]:
    """Findings of the comparison-group table for the primary scale, with stable ids.

    Ids: ``comparison_group.<comparison>.<rater>.<scale>.did`` and ``...d_ppc2`` for every
    published row of the primary scale (none without a comparison group). The ``did`` statement
    ends with the difference's verdict, by the rule of :func:`comparison_group_paragraph`.
    """
    rows = _published(tables)
    rows = rows[rows["scale"] == data.primary_scale]
    pct = level_percent(data.cohort.confidence_level)
    title = data.titles.get(data.primary_scale, data.primary_scale)
    inst = next((i for i in data.instruments.values() if data.primary_scale in i.scales), None)
    low, high = inst.response_range if inst else (1, 5)
    alpha = 1 - data.cohort.confidence_level
    out = []
    for r in rows.itertuples(index=False):
        key = f"comparison_group.{r.comparison}.{r.rater}.{r.scale}"
        kind = verdict(r.did, r.did_ci_low, r.did_ci_high, r.did_p_adjusted, alpha=alpha)
        said = _FINDING_VERDICT.get(kind, "").format(size=_family_size(tables["comparison_group"], r))
        who = "self-rated" if r.rater == "self" else f"rated by {r.rater.replace('_', ' ')}s"
        waves = span_words(r.comparison)  # in words, as the outcome findings say it (not "pre to post")
        out.append(Finding(
            f"{key}.did",
            f"{aside(title, who)}, {waves}: participants changed by {signed(r.mean_change_programme)} points and the "
            f"comparison group by {signed(r.mean_change_comparison)}; difference in change {signed(r.did)} ({pct} "
            f"CI {signed(r.did_ci_low)} to {signed(r.did_ci_high)}; n = {int(r.n_programme)} and {int(r.n_comparison)}; "
            f"comparison group not randomised).{said}",
            r.did, r.did_ci_low, r.did_ci_high, f"scale points ({low:g}–{high:g})", "comparison_group",
        ))
        out.append(Finding(
            f"{key}.d_ppc2",
            f"Standardised difference in change in {aside(title, who)}, {waves}, against the comparison group: "
            f"d_ppc2 {number(r.d_ppc2)} ({pct} CI {interval(r.d_ppc2_ci_low, r.d_ppc2_ci_high)}).",
            r.d_ppc2, r.d_ppc2_ci_low, r.d_ppc2_ci_high,
            "d_ppc2 (difference in mean change / pooled pre-test SD, bias-corrected; Morris 2008)",
            "comparison_group",
        ))
    return out


#: The verdict of a difference in change, said after its finding's statement (``size``: the family's scales).
_FINDING_VERDICT = {
    "clear_increase": " The difference is clear after adjusting for testing {size} scales at once: participants' "
                      "change was clearly greater than the comparison group's.",
    "clear_decrease": " The difference is clear after adjusting for testing {size} scales at once: participants' "
                      "change was clearly smaller than the comparison group's.",
    "clear_unadjusted_only": " The difference would count as clear if it were the only scale tested, but not after "
                             "adjusting for testing {size} scales at once, so it is not counted as a clear difference.",
    "no_clear_change": " The range includes no difference, so the data cannot tell the two groups' changes apart.",
}


def _family_size(table: pd.DataFrame, row) -> int:
    """How many scales the row's adjusted p-value was adjusted over: its comparison × rater, withheld rows not counted."""
    family = table[(table["rater"] == row.rater) & (table["comparison"] == row.comparison)]
    return int(family["did_p_value"].notna().sum())


def _other_clear(table: pd.DataFrame, shown, titles: Mapping[str, str], alpha: float, pct: str) -> str:
    """The sentence naming every other published row whose difference is clear after adjusting ("" if none).

    ``shown`` is the row the paragraph already reports (the primary scale's self-ratings).
    """
    parts = {1: [], -1: []}
    for r in _published({"comparison_group": table}).itertuples(index=False):
        if (r.scale, r.rater, r.comparison) == (shown["scale"], shown["rater"], shown["comparison"]):
            continue
        kind = verdict(r.did, r.did_ci_low, r.did_ci_high, r.did_p_adjusted, alpha=alpha)
        if kind not in ("clear_increase", "clear_decrease"):
            continue
        who = ratings_words(r.rater)
        parts[1 if kind == "clear_increase" else -1].append(
            f"{titles.get(r.scale, r.scale)} ({who}, {span_words(r.comparison)}: a difference of {signed(r.did)} "
            f"points, {pct} confidence interval {signed(r.did_ci_low)} to {signed(r.did_ci_high)})")
    # "greater"/"smaller", not "rose more": both groups' scores may have fallen
    said = [f"participants' change was clearly {word} than the comparison group's on " + "; ".join(parts[sign])
            for sign, word in ((1, "greater"), (-1, "smaller")) if parts[sign]]
    if not said:
        return ""
    return (" Elsewhere in the comparison-group table, after adjusting for testing several scales at once, "
            + "; and ".join(said) + ".")


def _rose(change: float) -> str:
    """"rose by 0.31 points", "fell by 0.02 points", or "did not change" (as shown, two decimals)."""
    shown = round(change, 2)
    return f"rose by {shown:.2f} points" if shown > 0 else (
        f"fell by {abs(shown):.2f} points" if shown < 0 else "did not change")


def comparison_group_paragraph(tables: Mapping[str, pd.DataFrame], data: CohortData,
                               titles: Mapping[str, str]) -> list[str]:
    """The summary's paragraph on the comparison group (Markdown lines; empty without one).

    ``titles`` are the scales' titles, already safe in Markdown.

    Says, for the primary scale's self-ratings over the first comparison, how many of the
    comparison group have scores on that scale (and the range over the table's other published
    rows), how much participants' and the comparison group's scores changed, the difference and
    its interval, and the verdict in plain words; or that the comparison group is too small to
    report. The verdict is :func:`~evaluation.reports.verdicts.verdict` on ``did_p_adjusted``, the
    rule of the outcomes' verdicts: a difference is clear only when it is still clear after
    adjusting for testing the family's scales, and one clear only before adjusting is said to be so.
    Every other published row (any scale, rater or comparison) whose difference is clear by that
    rule is then named with its difference and interval; none, and nothing is added.
    """
    table = tables.get("comparison_group")
    if table is None or not len(table):
        return []
    coh = data.cohort
    first = next((c for c in coh.comparisons if c != "then_post"), None)
    primary = data.primary_scale
    family = table[(table["rater"] == "self") & (table["comparison"] == first)]
    rows = family[family["scale"] == primary]
    lead = "**Beside a comparison group.** "
    if not len(rows):
        return []
    r = rows.iloc[0]
    if r["suppressed"]:
        return ["", lead + "A group of staff who did not take part answered the same questionnaires, but too few of "
                f"them (fewer than {coh.disclosure_threshold}) have scores at both times to report a comparison."]
    pct = level_percent(coh.confidence_level)
    earlier, later = COMPARISONS[first]
    name = str(titles.get(primary, primary))
    when = {"pre": "before the programme"}.get(earlier, earlier)
    until = {"post": "the end of the programme", "follow_up": "follow-up"}.get(later, later)
    shown = table[(table["comparison"] == first) & (table["suppressed"] == "")]["n_comparison"].dropna()
    low, high = (int(shown.min()), int(shown.max())) if len(shown) else (0, 0)
    spread = (f" (from {low} to {high} across the scales and raters of the comparison-group table)"
              if low != high else "")
    text = (lead + "Staff who did not take the programme answered the same questionnaires at the same times: "
            f"{int(r['n_comparison'])} of them have scores on {name} both {when} and at {until}{spread}.")
    if pd.isna(r["did"]):
        return ["", text + f" The difference between the groups' changes on {name} could not be estimated (no "
                "variation in the changes). The comparison group was not chosen at random (see Limits of the design)."]
    size = int(family["did_p_value"].notna().sum())
    kind = verdict(r["did"], r["did_ci_low"], r["did_ci_high"], r["did_p_adjusted"], alpha=1 - coh.confidence_level)
    said = {
        "clear_increase": ", so participants' change was clearly greater than the comparison group's.",
        "clear_decrease": ", so participants' change was clearly smaller than the comparison group's.",
        "clear_unadjusted_only": "; it would count as clear if it were the only scale tested, but not after adjusting "
                                 f"for testing {size} scales at once, so it is not counted as a clear difference.",
    }.get(kind, ", the range includes no difference, so the data cannot tell the two groups' changes apart.")
    return ["", text + f" On {name}, participants' own ratings {_rose(r['mean_change_programme'])} on average and the "
            f"comparison group's {_rose(r['mean_change_comparison'])}: a difference of {signed(r['did'])} points "
            f"({pct} confidence interval {signed(r['did_ci_low'])} to {signed(r['did_ci_high'])}){said}"
            f"{_other_clear(table, r, titles, 1 - coh.confidence_level, pct)} The comparison group was not chosen at random (see Limits of the design)."]
