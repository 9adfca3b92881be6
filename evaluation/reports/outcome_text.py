"""The words of the outcomes report: its findings, its sizes of change and its summary.

* :func:`outcome_findings` derives the headline findings from the tables (also used by
  reviewers to re-derive them).
* :func:`effect_size_text` says how large each change is, by g_av with its interval (the detail).
* :func:`outcome_summary` writes the plain-language summary for commissioners: points on the
  scale, the share who reliably improved, reaction, durability at follow-up and what the data
  cannot show, with no unexplained statistical names.

Every number in these texts is a cell of a published table, formatted; nothing is computed here
that the tables do not hold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from evaluation.core.text import md
from evaluation.core.vocabulary import COMPARISONS
from evaluation.data.cohort import CohortData, scale_info
from evaluation.reports.comparison_group import (
    DESIGN_PLAIN_COMPARISON,
    comparison_group_findings,
    comparison_group_paragraph,
    design_level,
)
from evaluation.reports.findings import Finding
from evaluation.reports.labels import WAVE_LABELS, WAVE_TO, aside, span_words
from evaluation.reports.numbers import level_percent, number, signed
from evaluation.reports.verdicts import verdict_sentences, verdicts
from evaluation.stats.outcomes import size_word

__all__ = ["WAVE_WORDS", "effect_size_text", "no_mixed_model_text", "outcome_findings", "outcome_summary", "size_text"]

#: Waves in words: what a commissioner reads instead of the wave's code.
WAVE_WORDS = {"pre": "before the programme", "then": "looking back, after the programme",
              "post": "at the end of the programme", "follow_up": "at follow-up"}
#: The design in plain words (the methods section names it by the Maryland Scientific Methods Scale).
DESIGN_PLAIN = (
    "The same people were asked before and after the programme, and there was no comparison group "
    "of similar staff who did not take part. So the results describe how the people who took part "
    "changed; they do not show that the programme caused the change."
)
#: What these data cannot show (Kirkpatrick level 4).
LEVEL_4 = (
    "The questionnaires measure how participants, and their line managers, rated the participants' "
    "leadership. They do not measure results for services or for the people who use them (level 4, "
    "'results', of Kirkpatrick's four levels of training evaluation), so this report cannot say "
    "whether services or the lives of the people they serve improved."
)


def _ranges(data: CohortData) -> dict[str, tuple[float, float]]:
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
    ranges = _ranges(data)
    out = []
    for row in tables["outcomes"].itertuples(index=False):
        key = f"outcomes.{row.comparison}.{row.rater}.{row.scale}"
        title = titles.get(row.scale, row.scale)
        who = "self-rated" if row.rater == "self" else f"rated by {row.rater.replace('_', ' ')}s"
        waves = span_words(row.comparison)
        low, high = ranges.get(row.scale, (1, 5))
        out.append(Finding(
            f"{key}.mean_change",
            f"{aside(title, who)} changed by {signed(row.mean_change)} points {waves} "
            f"({pct} CI {signed(row.change_ci_low)} to {signed(row.change_ci_high)}; n = {row.n_pairs}).",
            row.mean_change, row.change_ci_low, row.change_ci_high, f"scale points ({low:g}–{high:g})", "outcomes",
        ))
        out.append(Finding(
            f"{key}.d_z",
            f"Standardised change (d_z) in {aside(title, who)}, {waves}: {number(row.d_z)} "
            f"({pct} CI {number(row.d_z_ci_low)} to {number(row.d_z_ci_high)}).",
            row.d_z, row.d_z_ci_low, row.d_z_ci_high, "d_z (mean change / SD of change)", "outcomes",
        ))
        out.append(Finding(
            f"{key}.g_av",
            f"Size of the change in {aside(title, who)}, {waves}: g_av {number(row.g_av)} ({pct} bootstrap CI "
            f"{number(row.g_av_ci_low)} to {number(row.g_av_ci_high)}), "
            f"{size_text(row.g_av, row.g_av_ci_low, row.g_av_ci_high)}.",
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
                f"then-test is {signed(r['mean_shift'])} points ({pct} CI {signed(r['ci_low'])} to "
                f"{signed(r['ci_high'])}).",
                r["mean_shift"], r["ci_low"], r["ci_high"], f"scale points ({low:g}–{high:g})", "response_shift",
            ))
    return out + comparison_group_findings(tables, data)


class _MarkdownTitles(dict):
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
    titles = _MarkdownTitles(data.titles)
    pct = level_percent(data.cohort.confidence_level)
    out = tables["outcomes"]
    first = data.cohort.comparisons[0]
    rows = out[(out["comparison"] == first) & out["kirkpatrick_level"].isin([2, 3])].dropna(subset=["g_av"])
    lines = []
    for r in rows.itertuples():
        who = "own rating" if r.rater == "self" else f"{r.rater.replace('_', ' ')}s' rating"
        lines.append(f"- {aside(titles.get(r.scale), who)}: g_av {number(r.g_av)} ({pct} bootstrap interval "
                     f"{number(r.g_av_ci_low)} to {number(r.g_av_ci_high)}): "
                     f"{size_text(r.g_av, r.g_av_ci_low, r.g_av_ci_high, benchmarks=False)}.")
    if not lines:
        return "*No change could be estimated.*"
    earlier, later = COMPARISONS[first]
    return (f"Size of each change from {WAVE_WORDS.get(earlier, earlier)} to {WAVE_TO.get(later, later)}, "
            "by the usual benchmarks for g_av (Cohen 1988: 0.2 small, 0.5 medium, 0.8 large; below 0.2 "
            "negligible):\n\n" + "\n".join(lines))


def no_mixed_model_text(waves: Sequence[str]) -> str:
    """Why a cohort asked at ``waves`` has no mixed model, in words true of those waves.

    The model is fitted over the waves other than the then-test (a retrospective rating of the
    pre-programme self, not a later measurement) when there are three or more of them.

    Examples
    --------
    >>> no_mixed_model_text(["pre", "then", "post"]).split("; ")
    ['Not applicable: the model needs three or more questionnaires besides the then-test', \
'this cohort has 2 (before and after).']
    >>> no_mixed_model_text(["pre"]).split("; ")[1]
    'this cohort has 1 (before).'
    """
    asked = [w for w in waves if w != "then"]
    return ("Not applicable: the model needs three or more questionnaires besides the then-test; this cohort has "
            f"{len(asked)} ({' and '.join(WAVE_LABELS.get(w, w) for w in asked)}).")


def _hindsight(r: pd.Series, title: str, pct: str) -> str:
    """The then-test paragraph: a direction only where its interval excludes 0; the interval in words."""
    def way(x: float) -> str:  # a shift (before − then-test) in words
        return f"{abs(x):.2f} points {'lower' if x > 0 else 'higher'}"
    low, high = r["ci_low"], r["ci_high"]
    text = ("**Hindsight.** Asked after the programme to rate themselves as they had been before it (the "
            f"'then-test'), participants scored {title} {way(r['mean_shift'])} than they had at the time")
    if low > 0 or high < 0:
        ends = f"{low:.2f} to {high:.2f} points lower" if low > 0 else f"{-high:.2f} to {-low:.2f} points higher"
        return (f"{text} ({pct} confidence interval {ends}), so change measured against the then-test is "
                f"{'larger' if low > 0 else 'smaller'} than change from the original questionnaire.")
    return (f"{text} on average, but the range ({pct} confidence interval from {way(low)} to {way(high)}) "
            "includes no difference, so these data do not show that their standards moved.")


def _reliable_paragraph(rows: pd.DataFrame, titles: Mapping[str, str], lead: str) -> str | None:
    """"<lead>: Title 24% (2% got worse); …" over the rows with a reliable-change share."""
    rows = rows.dropna(subset=["rci_improved", "rci_deteriorated"])
    if not len(rows):
        return None
    items = [f"{titles.get(r.scale)} {r.rci_improved:.0%} ({r.rci_deteriorated:.0%} reliably got worse)"
             for r in rows.itertuples()]
    return f"{lead}: " + "; ".join(items) + "."


def _reaction(tables: dict[str, pd.DataFrame], data: CohortData, ranges, titles) -> list[str]:
    reaction = tables.get("reaction")
    info = scale_info(data)
    if reaction is None or not len(reaction):
        return []
    parts = []
    for r in reaction.itertuples():
        level = info.loc[r.scale, "kirkpatrick_level"] if r.scale in info.index else None
        if level is None or pd.isna(level) or int(level) != 1:
            continue
        low, high = ranges.get(r.scale, (None, None))
        unit = f" on the {low:g}–{high:g} scale" if low is not None else ""
        who = "participants" if r.rater == "self" else f"{r.rater.replace('_', ' ')}s"
        if r.n < data.cohort.disclosure_threshold:
            parts.append(f"Fewer than {data.cohort.disclosure_threshold} {who} answered the questions on "
                         f"{titles.get(r.scale)}, too few to report.")
            continue
        parts.append(f"{int(r.n)} {who} answered the questions on {titles.get(r.scale)} "
                     f"{WAVE_WORDS.get(r.wave, r.wave)}: on average they gave {r.mean:.2f} points{unit} "
                     f"({'higher' if info.loc[r.scale, 'higher_is_better'] else 'lower'} is more favourable).")
    if not parts:
        return []
    return ["", "**What participants thought of the programme (Kirkpatrick level 1, reaction).** "
            + " ".join(parts) + " This says whether people valued the programme, not whether they changed."]


def _follow_up(out: pd.DataFrame, data: CohortData, titles, ranges, alpha: float) -> list[str]:
    if "pre_follow_up" not in data.cohort.comparisons:
        return []
    rows = out[(out["comparison"] == "pre_follow_up") & (out["rater"] == "self") & (out["kirkpatrick_level"] == 2)]
    if not len(rows):
        return []
    judged = verdicts(out, comparison="pre_follow_up", rater="self", alpha=alpha, levels=(2,))
    n_low, n_high = int(rows["n_pairs"].min()), int(rows["n_pairs"].max())
    n_text = f"{n_low}" if n_low == n_high else f"{n_low} to {n_high}"
    return ["", "**Did it last? (follow-up).** " + verdict_sentences(
        judged, titles, confidence_level=data.cohort.confidence_level, who="Participants rated themselves",
        when="at follow-up than before the programme", ranges=ranges)
        + f" These results are about the {n_text} participants (depending on the scale) with scores both before "
        "the programme and at follow-up."]


def _analysed_words(out: pd.DataFrame, comparison: str, scored_both: int, primary: str, when: str) -> str:
    """Who the results are about: the people with a score on the primary scale at both waves, and
    how many that is on each self-rated scale (scales differ: a person may skip a scale's items)."""
    text = f"{scored_both} have a score on {aside(primary, 'self-rated')} {when}."
    rows = out[(out["comparison"] == comparison) & (out["rater"] == "self") & out["n_pairs"].notna()]
    pairs = sorted({int(n) for n in rows["n_pairs"]})
    if len(rows) < 2 or pairs == [scored_both]:
        return text[:-1] + ", and the results below are about them."
    counted = f"{pairs[0]} people" if len(pairs) == 1 else f"from {pairs[0]} to {pairs[-1]} people"
    return (text + " The results on each scale are about the people with scores on it at both times: "
            f"{counted} on the self-rated scales (the table gives each scale's number).")


def outcome_summary(tables: dict[str, pd.DataFrame], data: CohortData) -> str:
    """The plain-language summary for commissioners (Markdown).

    Paragraphs (each opens with a bold heading): who took part; reaction (level 1); what changed
    by participants' own ratings and by line managers' (levels 2 and 3; each scale's verdict and
    the interval beside it from :mod:`~evaluation.reports.verdicts`); how many changed by more
    than measurement error; durability at follow-up; beside a comparison group (when there is
    one); hindsight (then-test, a direction only when its interval excludes no shift); who is
    missing at the end (not "dropped out": some completed but did not answer); how
    sure we are; what the data cannot show (level 4); the limits of the design. Changes are in
    points on the scale, reliable change in % of participants.
    """
    coh = data.cohort
    titles = _MarkdownTitles(data.titles)
    ranges = _ranges(data)
    pct = level_percent(coh.confidence_level)
    out = tables["outcomes"]
    first = coh.comparisons[0]
    earlier, later = COMPARISONS[first]
    before, after = WAVE_WORDS.get(earlier, earlier), WAVE_WORDS.get(later, later)
    flow = tables["attrition"]
    flow = flow[flow["section"] == "flow"].set_index("stage")["n"]
    lines = [
        f"## Summary for commissioners: {md(data.programme.title)}, cohort {coh.cohort}"
        + (f" ({coh.year})" if coh.year else ""),
        "",
        f"**Who took part.** {int(flow.get('enrolled', 0))} people enrolled and "
        f"{int(flow.get('completed_programme', 0))} completed the programme; "
        + _analysed_words(out, first, int(flow.get("scored_both", 0)), titles.get(data.primary_scale),
                          f"both {before} and {after}"),
    ]
    lines += _reaction(tables, data, ranges, titles)
    alpha = 1 - coh.confidence_level
    judged = verdicts(out, comparison=first, rater="self", alpha=alpha, levels=(2,))
    lines += ["", "**What changed: participants' own ratings.** " + verdict_sentences(
        judged, titles, confidence_level=coh.confidence_level, who="Participants rated themselves", ranges=ranges)]
    others = sorted(set(out.loc[out["comparison"] == first, "rater"]) - {"self"})
    for rater in others:
        judged = verdicts(out, comparison=first, rater=rater, alpha=alpha)
        if len(judged):
            lines += ["", f"**What {rater.replace('_', ' ')}s saw.** " + verdict_sentences(
                judged, titles, confidence_level=coh.confidence_level,
                who=f"{rater.replace('_', ' ').capitalize()}s rated participants", show_n=True, ranges=ranges)
                + " Change seen by others is the stronger evidence that behaviour at work changed "
                "(Kirkpatrick level 3, behaviour)."]
    reliable = []
    self_rows = out[(out["comparison"] == first) & (out["rater"] == "self") & (out["kirkpatrick_level"] == 2)]
    text = _reliable_paragraph(self_rows, titles, "By their own ratings")
    if text:
        reliable.append(text)
    for rater in others:
        text = _reliable_paragraph(out[(out["comparison"] == first) & (out["rater"] == rater)], titles,
                                   f"By their {rater.replace('_', ' ')}s' ratings")
        if text:
            reliable.append(text)
    if reliable:
        lines += ["", "**How many people reliably improved.** A reliable improvement is a change larger than "
                  "measurement error alone would explain. The share of participants who reliably improved from "
                  f"{before} to {WAVE_TO.get(later, later)}, scale by scale. " + " ".join(reliable)]
    follow_up = _follow_up(out, data, titles, ranges, alpha)
    lines += follow_up
    lines += comparison_group_paragraph(tables, data, titles)
    primary = data.primary_scale
    shift = tables.get("response_shift")
    if shift is not None and len(shift):
        row = shift[(shift["scale"] == primary) & (shift["rater"] == "self")]
        if len(row):
            lines += ["", _hindsight(row.iloc[0], titles.get(primary, primary), pct)]
    base = tables["attrition"]
    base = base[(base["section"] == "baseline_comparison") & (base["scale"] == primary)]
    if len(base):  # not "dropped out": people who completed but did not answer are among them
        b = base.iloc[0]
        text = f"**Who is missing at the end.** {int(b['n_without_later'])} people with a score {before} have no score {after}"
        if b["suppressed"]:
            text += f": too few (fewer than {coh.disclosure_threshold}) to publish how they started."
        else:
            text += (f" (whether or not they completed the programme). They started {abs(b['mean_difference']):.2f} "
                     f"points {'lower' if b['mean_difference'] > 0 else 'higher'} on {titles.get(primary, primary)} "
                     f"than those with a score {after}" + (
                         " (a difference unlikely to be chance), so the results, which are about those with both "
                         "scores, may not hold for everyone who started." if b["p_value"] < alpha
                         else ", a difference that could be chance."))
        lines += ["", text]
    adjusted = ("A change counts as clear only if it is still clear after adjusting for testing several "
                "scales at once." if coh.multiplicity != "none" else
                "No adjustment was made for testing several scales at once (the cohort's parameters say so).")
    lines += [
        "",
        f"**How sure we are.** Each range is a {pct} confidence interval: the changes that are consistent "
        f"with the data. {adjusted}",
        "",
        f"**What the data cannot show.** {LEVEL_4}" + ("" if follow_up else
            " No questionnaire some months after the programme (follow-up) has scores to compare, so whether "
            "the change lasted cannot be judged."),
        "",
        f"**Limits of the design.** {DESIGN_PLAIN_COMPARISON if design_level(tables) == 3 else DESIGN_PLAIN} "
        "Self-ratings can move because people's standards change"
        + (" (see Hindsight)" if shift is not None and len(shift) else "")
        + ", and people without a score at both times are not in the before-and-after comparison.",
    ]
    return "\n".join(lines)
