"""The words of the outcomes report: its findings and its sizes of change.

* :func:`outcome_findings` derives the headline findings from the tables (also used by
  reviewers to re-derive them).
* :func:`effect_size_text` says how large each change is, by g_av with its interval (the detail).

The plain-language summary for commissioners is :mod:`~evaluation.reports.outcome_summary`.
Every number in these texts is a cell of a published table, formatted; nothing is computed here
that the tables do not hold.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import pandas as pd

from evaluation.core.text import md
from evaluation.core.vocabulary import COMPARISONS
from evaluation.data.cohort import CohortData, scale_info
from evaluation.reports.comparison_group import comparison_group_findings
from evaluation.reports.findings import Finding
from evaluation.reports.labels import WAVE_LABELS, WAVE_TO, and_list, aside, label, span_words
from evaluation.reports.numbers import bracketed, level_percent, number, signed
from evaluation.stats.outcomes import size_word

__all__ = ["WAVE_WORDS", "MarkdownTitles", "effect_size_text", "low_reliability_text", "mixed_model_text",
           "no_mixed_model_text", "reliability_text", "outcome_findings", "scale_ranges",
           "raters_text", "size_text", "unmeasured_text", "WAVE_MEANS_TEXT"]

#: A statistic a finding cannot give (NaN in its table, shown as — there), in words.
NOT_COMPUTED = "not computed (too few people or no variation)"
#: Waves in words: what a commissioner reads instead of the wave's code.
WAVE_WORDS = {"pre": "before the programme", "then": "looking back, after the programme",
              "post": "at the end of the programme", "follow_up": "at follow-up"}

#: What the chart under the mixed model's table shows (said only when the model is fitted).
WAVE_MEANS_TEXT = (
    "The chart under the table shows, for each self-rated scale, the plain mean of all the scores\n"
    "given at each questionnaire, by whoever answered it. Its points therefore differ from\n"
    "the model's estimates, which allow for who missed a questionnaire, and from the means before\n"
    "and after of the people with both scores (the first table).")


def scale_ranges(data: CohortData) -> dict[str, tuple[float, float]]:
    """Each scale's response range (from its instrument)."""
    info = scale_info(data)
    return {str(s): tuple(data.instruments[row["instrument"]].response_range) for s, row in info.iterrows()
            if row["instrument"] in data.instruments}


def _size(g: float) -> str:
    """Cohen's word for g as shown (two decimals), so that a g_av shown as 0.20 is "small"."""
    return size_word(round(g, 2)) if not pd.isna(g) else ""


def size_text(g: float, low: float, high: float, *, benchmarks: bool = True) -> str:
    """The size of a change in words, by g_av and its interval (Cohen's benchmarks).

    The words follow the numbers as shown (two decimals): 0.197 is shown as 0.20 and called small.

    Examples
    --------
    >>> size_text(0.52, 0.30, 0.75)
    'medium by the usual benchmarks (0.2 small, 0.5 medium, 0.8 large); the interval runs from small to medium'
    >>> size_text(0.15, -0.05, 0.36)
    'negligible by the usual benchmarks (0.2 small, 0.5 medium, 0.8 large); the interval includes no change'
    """
    word = _size(g)
    if not word:
        return "not estimable"
    text = f"{word} by the usual benchmarks (0.2 small, 0.5 medium, 0.8 large)" if benchmarks else word
    if pd.isna(low) or pd.isna(high):
        return text + "; no interval could be computed"
    if low <= 0 <= high:
        return text + "; the interval includes no change"
    near, far = sorted((low, high), key=abs)
    if _size(near) != _size(far):
        return text + f"; the interval runs from {_size(near)} to {_size(far)}"
    return text + f"; the whole interval is {word}"


def outcome_findings(tables: dict[str, pd.DataFrame], data: CohortData) -> list[Finding]:
    """The headline findings of the outcomes report, with stable ids.

    Ids: ``outcomes.<comparison>.<rater>.<scale>.mean_change``, ``...d_z`` and ``...g_av`` for
    every row of the outcomes table; ``outcomes.<comparison>.<rater>.<scale>.reliably_improved``
    for the primary scale; ``attrition.scored_both``; ``response_shift.<scale>`` for the primary
    scale; with a comparison group, ``comparison_group.<comparison>.<rater>.<scale>.did`` and
    ``...d_ppc2`` for the primary scale
    (:func:`~evaluation.reports.comparison_group.comparison_group_findings`).
    """
    titles = data.titles
    pct = level_percent(data.cohort.confidence_level)
    ranges = scale_ranges(data)
    out = []
    for row in tables["outcomes"].itertuples(index=False):
        key = f"outcomes.{row.comparison}.{row.rater}.{row.scale}"
        title = titles.get(row.scale, row.scale)
        who = "self-rated" if row.rater == "self" else f"rated by {row.rater.replace('_', ' ')}s"
        waves = span_words(row.comparison)
        low, high = ranges.get(row.scale, (1, 5))
        out.append(Finding(
            f"{key}.mean_change",
            f"{aside(title, who)} changed by {signed(row.mean_change)} points {waves} ("
            + (f"{pct} CI {signed(row.change_ci_low)} to {signed(row.change_ci_high)}; "
               if not (pd.isna(row.change_ci_low) or pd.isna(row.change_ci_high)) else
               "no interval could be computed; ") + f"n = {row.n_pairs}).",
            row.mean_change, row.change_ci_low, row.change_ci_high, f"scale points ({low:g}–{high:g})", "outcomes",
        ))
        out.append(Finding(
            f"{key}.d_z",
            f"Standardised change (d_z) in {aside(title, who)}, {waves}: " + (
                f"{number(row.d_z)}{bracketed(f'{pct} CI', row.d_z_ci_low, row.d_z_ci_high)}."
                if not pd.isna(row.d_z) else f"{NOT_COMPUTED}."),
            row.d_z, row.d_z_ci_low, row.d_z_ci_high, "d_z (mean change / SD of change)", "outcomes",
        ))
        out.append(Finding(
            f"{key}.g_av",
            f"Size of the change in {aside(title, who)}, {waves}: " + (
                f"g_av {number(row.g_av)}{bracketed(f'{pct} bootstrap CI', row.g_av_ci_low, row.g_av_ci_high)}, "
                f"{size_text(row.g_av, row.g_av_ci_low, row.g_av_ci_high)}." if not pd.isna(row.g_av)
                else f"g_av {NOT_COMPUTED}."),
            row.g_av, row.g_av_ci_low, row.g_av_ci_high,
            "g_av (mean change / average SD of the two waves, small-sample corrected)", "outcomes",
        ))
        if row.scale == data.primary_scale and row.rater == "self" and not pd.isna(row.rci_improved):
            out.append(Finding(
                f"{key}.reliably_improved",
                f"{row.rci_improved:.0%} of participants with both scores reliably improved on "
                f"{aside(title, waves)}; {row.rci_deteriorated:.0%} reliably deteriorated.",
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
                f"then-test is {signed(r['mean_shift'])} points"
                f"{bracketed(f'{pct} CI', r['ci_low'], r['ci_high'], sign=True, missing=' (no interval could be computed)')}.",
                r["mean_shift"], r["ci_low"], r["ci_high"], f"scale points ({low:g}–{high:g})", "response_shift",
            ))
    return out + comparison_group_findings(tables, data)


class MarkdownTitles(dict):
    """Scale titles (or, failing a title, the scale's name), safe in Markdown."""

    def __init__(self, titles: Mapping[str, str]):
        super().__init__({scale: md(title) for scale, title in titles.items()})

    def get(self, scale, default=None):  # noqa: D102
        return super().get(scale, md(scale if default is None else default))


def effect_size_text(tables: dict[str, pd.DataFrame], data: CohortData) -> str:
    """How large each change of the first comparison is, by g_av and its interval (Markdown list).

    One line per scale and rater: g_av with its percentile-bootstrap interval and Cohen's word
    for its size (:func:`size_text`); this, not d_z, is what "small", "medium" and "large" refer
    to in the report.
    """
    titles = MarkdownTitles(data.titles)
    pct = level_percent(data.cohort.confidence_level)
    out = tables["outcomes"]
    first = data.cohort.comparisons[0]
    rows = out[(out["comparison"] == first) & out["kirkpatrick_level"].isin([2, 3])].dropna(subset=["g_av"])
    lines = []
    for r in rows.itertuples():
        who = "own rating" if r.rater == "self" else f"{r.rater.replace('_', ' ')}s' rating"
        lines.append(f"- {aside(titles.get(r.scale), who)}: g_av {number(r.g_av)}"
                     f"{bracketed(f'{pct} bootstrap interval', r.g_av_ci_low, r.g_av_ci_high)}: "
                     f"{size_text(r.g_av, r.g_av_ci_low, r.g_av_ci_high, benchmarks=False)}.")
    if not lines:
        return "*No change could be estimated.*"
    earlier, later = COMPARISONS[first]
    return (f"Size of each change from {WAVE_WORDS.get(earlier, earlier)} to {WAVE_TO.get(later, later)}, "
            "by the usual benchmarks for g_av (Cohen 1988: 0.2 small, 0.5 medium, 0.8 large; below 0.2 "
            "negligible):\n\n" + "\n".join(lines))


def no_mixed_model_text(waves: Sequence[str], scored: Collection[str] | None = None) -> str:
    """Why a cohort asked at ``waves`` has no mixed model, in words true of those waves.

    The model is fitted over the waves other than the then-test (a retrospective rating of the
    pre-programme self, not a later measurement) at which someone has a score (``scored``; all of
    ``waves`` when None) when there are three or more of them.

    Examples
    --------
    >>> no_mixed_model_text(["pre", "then", "post"]).split("; ")
    ['Not applicable: the model needs three or more questionnaires besides the then-test', \
'this cohort has 2 (before and after).']
    >>> no_mixed_model_text(["pre"]).split("; ")[1]
    'this cohort has 1 (before).'
    >>> no_mixed_model_text(["pre", "post", "follow_up"], {"pre", "post"}).split("; ")[1]
    'this cohort has 2 with scores (before and after): nobody has a score at follow-up.'
    """
    asked = [w for w in waves if w != "then"]
    unscored = [] if scored is None else [w for w in asked if w not in scored]
    have = [w for w in asked if w not in unscored]
    if len(have) >= 3:  # three questionnaires, but no scale asked (or answered) at three of them by one rater
        return ("Not applicable: no scale has scores from the same raters at three or more questionnaires besides "
                "the then-test.")
    return ("Not applicable: the model needs three or more questionnaires besides the then-test; this cohort has "
            f"{len(have)}{' with scores' if unscored else ''} ({' and '.join(WAVE_LABELS.get(w, w) for w in have)})"
            + (f": nobody has a score at {' or '.join(WAVE_LABELS.get(w, w) for w in unscored)}." if unscored else "."))


def mixed_model_text(model: pd.DataFrame, outcomes: pd.DataFrame) -> str:
    """What the mixed model's table holds, in words true of it: which raters' ratings are not in it
    (scores at fewer than three questionnaires besides the then-test), that its p-values are not
    adjusted for testing several scales, and why its reference rows show no interval or p-value.

    Examples
    --------
    >>> model = pd.DataFrame({"rater": ["self"]})
    >>> print(mixed_model_text(model, pd.DataFrame({"rater": ["self", "line_manager"]})))  # doctest: +NORMALIZE_WHITESPACE
    The table holds each scale and rater with scores at three or more questionnaires besides the then-test.
    Line managers' ratings have scores at fewer questionnaires, so they are not in it: their change is in the first table.
    This table's p-values are not adjusted for testing several scales at once, unlike the adjusted p-values
    of the first table. On the rows "Mean before (reference)" (the model's mean score at the first questionnaire)
    no interval or p-value is shown (—): they would only test whether that mean is zero.
    """
    modelled = set(model["rater"].astype(str))
    others = [r for r in dict.fromkeys(outcomes["rater"].astype(str)) if r not in modelled]
    text = "The table holds each scale and rater with scores at three or more questionnaires besides the then-test."
    if others:
        words = and_list(("participants' own" if r == "self" else f"{label(r)}s'") for r in others)
        text += (f" {words[:1].upper()}{words[1:]} ratings have scores at fewer questionnaires, so they are not in it: their change "
                 "is in the first table.")
    reference = str(label("intercept"))
    return (text + " This table's p-values are not adjusted for testing several scales at once, unlike the adjusted "
            f'p-values of the first table. On the rows "{reference[:1].upper()}{reference[1:]}" (the model\'s mean '
            "score at the first questionnaire) no interval or p-value is shown (—): they would only test whether "
            "that mean is zero.")


#: The reliability usually taken as acceptable (the glossary's Cronbach's alpha entry).
ACCEPTABLE_RELIABILITY = 0.7


def _rater_words(rater: str) -> str:
    return "self-rated" if rater == "self" else f"{label(rater)}s' ratings"


def _reliabilities(out: pd.DataFrame, comparison: str) -> pd.DataFrame:
    rows = out[(out["comparison"] == comparison) & out["kirkpatrick_level"].isin([2, 3])]
    return rows.dropna(subset=["reliability"]).drop_duplicates(["scale", "rater"])


def low_reliability_text(out: pd.DataFrame, comparison: str, titles: Mapping[str, str]) -> str:
    """A sentence naming the scales whose reliability used for reliable change (``out``'s
    ``reliability`` over ``comparison``) is below 0.7 as shown (two decimals), or "" when none is.

    Examples
    --------
    >>> out = pd.DataFrame({"scale": ["a", "b"], "comparison": "pre_post", "rater": ["self", "line_manager"],
    ...                     "kirkpatrick_level": [2, 3], "reliability": [0.643, 0.81]})
    >>> low_reliability_text(out, "pre_post", {"a": "Empowering staff"})
    'The reliability of Empowering staff (self-rated, 0.64) is below 0.7, the level usually taken as acceptable, \
so its reliable-change figures rest on a less reliable measure.'
    >>> low_reliability_text(out.assign(reliability=0.8), "pre_post", {})
    ''
    """
    rows = _reliabilities(out, comparison)
    low = rows[rows["reliability"].round(2) < ACCEPTABLE_RELIABILITY]
    if not len(low):
        return ""
    names = and_list(aside(titles.get(r.scale, r.scale), f"{_rater_words(r.rater)}, {r.reliability:.2f}")
                     for r in low.itertuples())
    one = len(low) == 1
    return (f"The reliability of {names} {'is' if one else 'are'} below {ACCEPTABLE_RELIABILITY:g}, the level usually "
            f"taken as acceptable, so {'its' if one else 'their'} reliable-change figures rest on a less reliable "
            "measure.")


def reliability_text(out: pd.DataFrame, comparison: str, titles: Mapping[str, str]) -> str:
    """The reliability used for each scale's reliable change, in words with its value, then
    :func:`low_reliability_text` (Markdown; ``titles`` as the instruments give them).

    Examples
    --------
    >>> out = pd.DataFrame({"scale": ["a", "b"], "comparison": "pre_post", "rater": ["self", "line_manager"],
    ...                     "kirkpatrick_level": [2, 3], "reliability": [0.823, 0.667]})
    >>> print(reliability_text(out, "pre_post", {"a": "Leading change", "b": "Leads change (observed)"}))
    ... # doctest: +NORMALIZE_WHITESPACE
    The reliability used for each scale (the cohort's before-programme Cronbach's alpha unless the parameters
    give a number; the reliability column of `tables/outcomes.csv`): Leading change (self-rated) 0.82; Leads
    change (observed; line managers' ratings) 0.67. The reliability of Leads change (observed; line managers'
    ratings, 0.67) is below 0.7, the level usually taken as acceptable, so its reliable-change figures rest on
    a less reliable measure.
    """
    titles = MarkdownTitles(titles)
    rows = _reliabilities(out, comparison)
    if not len(rows):
        return "No scale has a reliability, so no reliable change is computed."
    items = "; ".join(f"{aside(titles.get(r.scale, r.scale), _rater_words(r.rater))} {r.reliability:.2f}"
                      for r in rows.itertuples())
    low = low_reliability_text(out, comparison, titles)
    return ("The reliability used for each scale (the cohort's before-programme Cronbach's alpha unless the "
            f"parameters give a number; the reliability column of `tables/outcomes.csv`): {items}."
            + (f" {low}" if low else ""))


def unmeasured_text(out: pd.DataFrame, data: CohortData, comparison: str) -> str:
    """The scales asked at both waves of ``comparison`` that have no row in the outcomes table
    ``out`` for it (nobody has both scores), in words: a summary that listed only the scales with
    a change would drop them without a word. Empty when every such scale has a row.

    A scale is asked at a wave when its instrument lists the wave (its own ``waves`` or the
    instrument's) and the cohort's ``waves`` list it too; by a rater its instrument lists.
    """
    earlier, later = COMPARISONS[comparison]
    have = set(zip(out.loc[out["comparison"] == comparison, "scale"].astype(str),
                   out.loc[out["comparison"] == comparison, "rater"].astype(str), strict=True))
    missing: dict[str, list[str]] = {}
    titles = MarkdownTitles(data.titles)
    for inst in data.instruments.values():
        for scale in inst.scales:
            waves = set(inst.scale_waves(scale)) & set(data.cohort.waves)
            if not {earlier, later} <= waves:
                continue
            for rater in inst.scale_raters(scale):
                if (scale, rater) not in have:
                    missing.setdefault(rater, []).append(titles.get(scale, scale))
    when = f"both {WAVE_WORDS.get(earlier, earlier)} and {WAVE_WORDS.get(later, later)}"
    parts = [(f"No participant rated themselves on {and_list(names)} {when}" if rater == "self" else
              f"No {label(rater)} rated participants on {and_list(names)} {when}")
             + f", so there is no change to report on {'it' if len(names) == 1 else 'them'}."
             for rater, names in missing.items()]
    return " ".join(parts)


def raters_text(out: pd.DataFrame) -> str:
    """Whose ratings the outcomes table ``out`` holds besides the participants' own, in a sentence.

    Examples
    --------
    >>> raters_text(pd.DataFrame({"rater": ["self", "line_manager"]}))
    'Line-manager ratings (Kirkpatrick level 3) are shown beside the self-ratings.'
    >>> raters_text(pd.DataFrame({"rater": ["self"]}))
    'No one else rated the participants: the tables and charts below hold self-ratings only.'
    >>> raters_text(pd.DataFrame({"rater": ["self", "peer", "line_manager"]}))
    'Line-manager and peer ratings are shown beside the self-ratings.'
    """
    present = set(out["rater"].astype(str))
    others = [r for r in ("line_manager", "peer", "direct_report") if r in present]
    others += sorted(present - {"self", *others})
    if not others:
        return "No one else rated the participants: the tables and charts below hold self-ratings only."
    if others == ["line_manager"]:
        return "Line-manager ratings (Kirkpatrick level 3) are shown beside the self-ratings."
    words = and_list(str(label(r)).replace(" ", "-") for r in others)
    return f"{words[:1].upper()}{words[1:]} ratings are shown beside the self-ratings."
