"""The plain-language summary of the outcomes report, for commissioners.

:func:`outcome_summary` writes it in Markdown: points on the scale, the share who reliably
improved, reaction, durability at follow-up, hindsight, who is missing at the end and what the
data cannot show, with no unexplained statistical names. Every number in it is a cell of a
published table, formatted; nothing is computed here that the tables do not hold.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from evaluation.core.text import md
from evaluation.core.vocabulary import COMPARISONS
from evaluation.data.cohort import CohortData, scale_info
from evaluation.reports.comparison_group import (
    DESIGN_PLAIN_COMPARISON,
    comparison_group_paragraph,
    design_level,
)
from evaluation.reports.labels import WAVE_TO, and_list, aside, counted, label
from evaluation.reports.numbers import level_percent
from evaluation.reports.outcome_text import (
    WAVE_WORDS,
    MarkdownTitles,
    low_reliability_text,
    scale_ranges,
    unmeasured_text,
)
from evaluation.reports.verdicts import verdict_sentences, verdicts

__all__ = ["DESIGN_PLAIN", "LEVEL_4", "outcome_summary"]

#: The design in plain words (the methods section names it by the Maryland Scientific Methods Scale).
DESIGN_PLAIN = (
    "The same people were asked before and after the programme, and there was no comparison group "
    "of similar staff who did not take part. So the results describe how the people who took part "
    "changed; they do not show that the programme caused the change."
)
#: What these data cannot show (Kirkpatrick level 4); ``{others}``: ", and their line managers," (the
#: raters other than the participants with a change), or "" and "rated the participants'" -> "rated their own".
LEVEL_4 = (
    "The questionnaires measure how participants{others} rated the participants' "
    "leadership. They do not measure results for services or for the people who use them (level 4, "
    "'results', of Kirkpatrick's four levels of training evaluation), so this report cannot say "
    "whether services or the lives of the people they serve improved."
)


def _hindsight(shift: pd.DataFrame, primary: str, titles: Mapping[str, str], pct: str) -> str:
    """The then-test paragraph: the primary scale's shift, a direction only where its interval excludes
    0, each verdict said of that scale; then any other self-rated scale whose interval excludes no shift
    (the primary scale's "no shift" must not read as the whole then-test's).

    Examples
    --------
    >>> shift = pd.DataFrame({"scale": ["lc", "pw"], "mean_shift": [0.17, 0.19], "ci_low": [-0.06, 0.03],
    ...                       "ci_high": [0.41, 0.36]})
    >>> print(_hindsight(shift, "lc", {"lc": "Leading change", "pw": "Partnership working"}, "95%"))
    ... # doctest: +NORMALIZE_WHITESPACE
    **Hindsight.** Asked after the programme to rate themselves as they had been before it (the 'then-test'),
    participants scored Leading change 0.17 points lower than they had at the time on average, but the range
    (95% confidence interval from 0.06 points higher to 0.41 points lower) includes no difference, so these data
    do not show that their standards moved on Leading change. On another scale the range lies wholly on one side of no shift (an
    interval not adjusted for testing several scales; the then-test table gives every scale): Partnership working
    0.19 points lower (95% confidence interval 0.03 to 0.36 points lower).
    """
    def way(x: float) -> str:  # a shift (before − then-test) in words
        return f"{abs(x):.2f} points {'lower' if x > 0 else 'higher'}"

    def ends(low: float, high: float) -> str:
        return f"{low:.2f} to {high:.2f} points lower" if low > 0 else f"{-high:.2f} to {-low:.2f} points higher"

    r = shift[shift["scale"] == primary].iloc[0]
    title = titles.get(primary, primary)
    low, high = r["ci_low"], r["ci_high"]
    text = ("**Hindsight.** Asked after the programme to rate themselves as they had been before it (the "
            f"'then-test'), participants scored {title} {way(r['mean_shift'])} than they had at the time")
    if low > 0 or high < 0:
        text = (f"{text} ({pct} confidence interval {ends(low, high)}), so change on {title} measured against the "
                f"then-test is {'larger' if low > 0 else 'smaller'} than change from the original questionnaire.")
    else:
        text = (f"{text} on average, but the range ({pct} confidence interval from {way(low)} to {way(high)}) "
                f"includes no difference, so these data do not show that their standards moved on {title}.")
    others = shift[(shift["scale"] != primary) & ((shift["ci_low"] > 0) | (shift["ci_high"] < 0))]
    if len(others):
        items = [f"{titles.get(o.scale, o.scale)} {way(o.mean_shift)} ({pct} confidence interval {ends(o.ci_low, o.ci_high)})"
                 for o in others.itertuples()]
        text += (f" On {'another scale' if len(items) == 1 else 'other scales'} the range lies wholly on one side "
                 "of no shift (an "
                 "interval not adjusted for testing several scales; the then-test table gives every scale): "
                 + "; ".join(items) + ".")
    return text


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
        # a whole-cohort result, published in the reaction table whatever its count (CONTRACT 5.3)
        who = counted(int(r.n), "participant" if r.rater == "self" else r.rater.replace("_", " "))
        parts.append(f"{who} answered the questions on {titles.get(r.scale)} "
                     f"{WAVE_WORDS.get(r.wave, r.wave)}: {'on average they gave' if r.n > 1 else 'their answers averaged'} "
                     f"{r.mean:.2f} points{unit} "
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
    who = (counted(n_low, "participant") if n_low == n_high
           else f"{n_low} to {n_high} participants (depending on the scale)")
    return ["", "**Did it last? (follow-up).** " + verdict_sentences(
        judged, titles, confidence_level=data.cohort.confidence_level, who="Participants rated themselves",
        when="at follow-up than before the programme", ranges=ranges)
        + f" These results are about the {who} with scores both before "
        "the programme and at follow-up."]


def _analysed_words(out: pd.DataFrame, comparison: str, scored_both: int, primary: str, when: str) -> str:
    """Who the results are about: the people with a score on the primary scale at both waves, and
    how many that is on each self-rated scale (scales differ: a person may skip a scale's items)."""
    if scored_both == 0:
        return f"nobody has a score on {aside(primary, 'self-rated')} {when}."
    text = f"{scored_both} {'has' if scored_both == 1 else 'have'} a score on {aside(primary, 'self-rated')} {when}."
    rows = out[(out["comparison"] == comparison) & (out["rater"] == "self") & out["n_pairs"].notna()]
    pairs = sorted({int(n) for n in rows["n_pairs"]})
    if len(rows) < 2 or pairs == [scored_both]:
        return text[:-1] + ", and the results below are about them."
    people = counted(pairs[0], "person", "people") if len(pairs) == 1 else f"from {pairs[0]} to {pairs[-1]} people"
    return (text + " The results on each scale are about the people with scores on it at both times: "
            f"{people} on the self-rated scales (the table gives each scale's number).")


def _missing_at_end(b: pd.Series, title: str, before: str, after: str, threshold: int, alpha: float) -> str:
    """Who has a score before but none at the end (not "dropped out": people who completed but did
    not answer are among them), and how they started when there are enough of them to say.

    Examples
    --------
    >>> row = pd.Series({"n_without_later": 1, "suppressed": "primary"})
    >>> _missing_at_end(row, "Leading change", "before", "after", 5, 0.05)
    '**Who is missing at the end.** 1 person with a score before has no score after: too few (fewer than 5) to publish how they started.'
    >>> _missing_at_end(pd.Series({"n_without_later": 0, "suppressed": ""}), "Leading change", "before", "after", 5, 0.05)
    '**Who is missing at the end.** No one: everyone with a score before has a score after.'
    """
    n = int(b["n_without_later"])
    lead = "**Who is missing at the end.** "
    if n == 0:
        return f"{lead}No one: everyone with a score {before} has a score {after}."
    text = f"{lead}{counted(n, 'person', 'people')} with a score {before} {'has' if n == 1 else 'have'} no score {after}"
    if b["suppressed"]:
        return text + f": too few (fewer than {threshold}) to publish how they started."
    if pd.isna(b["mean_difference"]):  # nobody (or 1 person) with a later score: no comparison, not "nan points"
        k = int(b.get("n_with_later", 0) or 0)
        return (text + " (whether or not they completed the programme), and "
                + ("no one has" if k == 0 else f"only {counted(k, 'person', 'people')} {'has' if k == 1 else 'have'}")
                + f" a score {after} to compare how they started with.")
    return (text + f" (whether or not they completed the programme). They started {abs(b['mean_difference']):.2f} "
            f"points {'lower' if b['mean_difference'] > 0 else 'higher'} on {title} than those with a score {after}"
            + (" (a difference unlikely to be chance), so the results, which are about those with both scores, "
               "may not hold for everyone who started." if b["p_value"] < alpha else ", a difference that could be chance."))


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
    titles = MarkdownTitles(data.titles)
    ranges = scale_ranges(data)
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
        f"**Who took part.** {counted(int(flow.get('enrolled', 0)), 'person', 'people')} enrolled and "
        f"{int(flow.get('completed_programme', 0))} completed the programme; "
        + _analysed_words(out, first, int(flow.get("scored_both", 0)), titles.get(data.primary_scale),
                          f"both {before} and {after}"),
    ]
    lines += _reaction(tables, data, ranges, titles)
    alpha = 1 - coh.confidence_level
    judged = verdicts(out, comparison=first, rater="self", alpha=alpha, levels=(2,))
    if len(judged):  # none: the scales are named under "What could not be measured"
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
    if unmeasured := unmeasured_text(out, data, first):
        lines += ["", f"**What could not be measured.** {unmeasured}"]
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
        low = low_reliability_text(out, first, titles)
        lines += ["", "**How many people reliably improved.** A reliable improvement is a change larger than "
                  "measurement error alone would explain. The share of participants who reliably improved from "
                  f"{before} to {WAVE_TO.get(later, later)}, scale by scale. " + " ".join(reliable)
                  + (f" {low}" if low else "")]
    follow_up = _follow_up(out, data, titles, ranges, alpha)
    lines += follow_up
    lines += comparison_group_paragraph(tables, data, titles)
    primary = data.primary_scale
    shift = tables.get("response_shift")
    if shift is not None and len(shift):
        own = shift[shift["rater"] == "self"]
        if (own["scale"] == primary).any():
            lines += ["", _hindsight(own, primary, titles, pct)]
    base = tables["attrition"]
    base = base[(base["section"] == "baseline_comparison") & (base["scale"] == primary)]
    if len(base):
        lines += ["", _missing_at_end(base.iloc[0], titles.get(primary, primary), before, after, coh.disclosure_threshold,
                                      alpha)]
    adjusted = ("A change counts as clear only if it is still clear after adjusting for testing several "
                "scales at once." if coh.multiplicity != "none" else
                "No adjustment was made for testing several scales at once (the cohort's parameters say so).")
    lines += [
        "",
        f"**How sure we are.** Each range is a {pct} confidence interval: the changes that are consistent "
        f"with the data. {adjusted}",
        "",
        "**What the data cannot show.** " + (LEVEL_4.format(others=", and their " + and_list(
            f"{label(r)}s" for r in others) + ",") if others else LEVEL_4.format(others="").replace(
            "rated the participants'", "rated their own")) + ("" if follow_up else
            " No questionnaire some months after the programme (follow-up) has scores to compare, so whether "
            "the change lasted cannot be judged."),
        "",
        f"**Limits of the design.** {DESIGN_PLAIN_COMPARISON if design_level(tables) == 3 else DESIGN_PLAIN} "
        "Self-ratings can move because people's standards change"
        + (" (see Hindsight)" if shift is not None and len(shift) else "")
        + ", and people without a score at both times are not in the before-and-after comparison.",
    ]
    return "\n".join(lines)
