"""The words of the programme's outcomes part: its findings and its summary for commissioners.

* :func:`outcome_findings` — headline findings with stable ids
  (``programme.outcomes.<comparison>.<rater>.<scale>.pooled_change`` …), each pointing at the
  published table that holds its number;
* :func:`outcome_summary` — the plain-language summary: the pooled change per rater on the
  primary scale, how consistent the cohorts are, what each cohort's own report said beside the
  pooled result, and durability at follow-up;
* :func:`trend_summary` — the trends across cohorts, said only where a test supports them.

Every number here is a cell of :func:`~evaluation.reports.programme_report.outcome_trends.programme_outcome_tables`,
formatted; nothing is computed here that the tables do not hold.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from evaluation.core.text import md
from evaluation.core.vocabulary import COMPARISONS
from evaluation.data.programme import ProgrammeData
from evaluation.reports.findings import Finding
from evaluation.reports.labels import and_list, aside, ratings_words, span_words
from evaluation.reports.numbers import interval, level_percent, number, signed
from evaluation.reports.outcome_text import size_text
from evaluation.reports.programme_report.outcome_trends import programme_outcome_tables
from evaluation.reports.programme_report.outcomes import primary_scales

__all__ = ["consistency_text", "outcome_findings", "outcome_summary", "trend_summary"]

_MEASURE_TRENDS = {"completion": "completed the programme",
                   "reliably_improved_post": "reliably improved by the end of the programme",
                   "reliably_improved_follow_up": "reliably improved by follow-up"}


def _cohorts(numbers: list) -> str:
    """``[2, 3]`` → "cohorts 2 and 3"; ``[1]`` → "cohort 1"."""
    return f"cohort{'s' if len(numbers) > 1 else ''} {and_list(numbers)}"


def _comparison_words(comparison: str) -> str:
    """``pre_follow_up`` → "from before the programme to follow-up" (words, as the cohort findings say it)."""
    return span_words(comparison) if comparison in COMPARISONS else comparison


def _clear(low: float, high: float) -> bool:
    return bool(low > 0 or high < 0)


def consistency_text(row: pd.Series | Mapping) -> str:
    """How consistent the cohorts are, in words, from a ``pooled_outcomes`` row (I², Q, τ²).

    Bands for I² follow Higgins et al. (2003): below 25% low, 25–50% moderate, 50–75%
    substantial, 75% and above considerable.

    Examples
    --------
    >>> consistency_text({"i2": 0.0, "tau2": 0.0, "q": 2.79, "q_df": 4, "q_p": 0.594, "k": 5})
    'the cohorts differ no more than chance alone would make them (I² = 0%; Q = 2.79 on 4 df, p = 0.594)'
    >>> consistency_text({"i2": 0.13, "tau2": 0.001, "q": 4.55, "q_df": 4, "q_p": 0.336, "k": 5})
    'the cohorts differ a little more than chance alone would make them: low inconsistency (I² = 13%; Q = 4.55 on 4 df, p = 0.336)'
    """
    i2, q, q_df, q_p = row["i2"], row["q"], row["q_df"], row["q_p"]
    stats_text = f"(I² = {i2:.0%}; Q = {q:.2f} on {int(q_df)} df, p = {q_p:.3f})"
    if row["tau2"] == 0:
        return f"the cohorts differ no more than chance alone would make them {stats_text}"
    band = ("low" if i2 < 0.25 else "moderate" if i2 < 0.5 else "substantial" if i2 < 0.75 else "considerable")
    lead = "a little more" if i2 < 0.25 else "more"
    return f"the cohorts differ {lead} than chance alone would make them: {band} inconsistency {stats_text}"


def _pooled_row(pooled: pd.DataFrame, scale: str, rater: str, comparison: str, measure: str) -> pd.Series | None:
    hit = pooled[(pooled["scale"] == scale) & (pooled["rater"] == rater) & (pooled["comparison"] == comparison)
                 & (pooled["measure"] == measure)]
    return hit.iloc[0] if len(hit) else None


def _rater_paragraph(changes: pd.DataFrame, pooled: pd.DataFrame, rater: str, scale: str, title: str,
                     level: float, cohorts: list) -> str | None:
    """The pooled pre → post change for one rater on its primary scale, beside the cohorts' own verdicts;
    the programme's ``cohorts`` without these ratings are named (else "the 4 cohorts" of 5 says not which)."""
    mine = changes[(changes["scale"] == scale) & (changes["rater"] == rater) & (changes["comparison"] == "pre_post")]
    if not len(mine):
        return None
    row = _pooled_row(pooled, scale, rater, "pre_post", "mean_change")
    pct = level_percent(level)
    clear = mine[mine["verdict"].isin(["clear_increase", "clear_decrease"])]["cohort"].tolist()
    unclear = mine[mine["verdict"] == "no_clear_change"]["cohort"].tolist()
    adjusted_only = mine[mine["verdict"] == "clear_unadjusted_only"]["cohort"].tolist()
    head = f"**{md(title)}, by {ratings_words(rater)}.** "
    if row is None or pd.isna(row["estimate"]):
        r = mine.iloc[0]
        return (head + f"Only cohort {r['cohort']} has these ratings, so nothing is pooled: its change was "
                f"{signed(r['mean_change'])} points ({pct} CI {signed(r['change_ci_low'])} to "
                f"{signed(r['change_ci_high'])}), as its cohort report says.")
    g = _pooled_row(pooled, scale, rater, "pre_post", "g_av")
    k = int(row["k"])
    direction = "higher" if row["estimate"] > 0 else "lower"
    without = [c for c in cohorts if c not in set(mine["cohort"])]
    text = (f"Pooled over the {k} cohorts" + (f" that have them ({_cohorts(without)} {'has' if len(without) == 1 else 'have'}"
                                               f" no {ratings_words(rater)} to compare)" if without else "")
            + f", {ratings_words(rater)} of {md(title)} were "
            f"{abs(row['estimate']):.2f} points {direction} at the end of the programme than before "
            f"({pct} CI {signed(row['ci_low'])} to {signed(row['ci_high'])} points)")
    text += (": a clear change." if _clear(row["ci_low"], row["ci_high"]) else
             ": the interval includes no change, so the pooled result is not clear.")
    if g is not None and not pd.isna(g["estimate"]):
        text += (f" In standardised terms (g_av) that is {number(g['estimate'])}, "
                 f"{size_text(g['estimate'], g['ci_low'], g['ci_high'])}.")
    said = []
    if clear:
        said.append(f"a clear change in {_cohorts(clear)}")
    if adjusted_only:
        said.append(f"a change that is clear only before adjusting for testing several scales at once in "
                    f"{_cohorts(adjusted_only)}")
    if unclear:
        said.append(f"no clear change in {_cohorts(unclear)}")
    text += " On their own, the cohorts' reports found " + and_list(said) + "."
    if unclear and _clear(row["ci_low"], row["ci_high"]):
        inside = mine[mine["cohort"].isin(unclear)]
        covers = bool(((inside["change_ci_low"] <= row["estimate"])
                       & (row["estimate"] <= inside["change_ci_high"])).all())
        if covers:
            text += (" These do not contradict each other: the interval of each of those cohorts includes both no "
                     "change and the pooled change, and pooling the cohorts narrows the interval enough to exclude "
                     "no change.")
    pi = "" if k < 3 else (f" A new cohort like these would be expected to show a change between "
                           f"{signed(row['pi_low'])} and {signed(row['pi_high'])} points ({pct} prediction interval).")
    return head + text + f" Consistency: {consistency_text(row)}." + pi


def _trend_sentence(test: pd.Series, trends: pd.DataFrame, title: str | None) -> str:
    what = _MEASURE_TRENDS.get(test["measure"], test["measure"].replace("_", " "))
    col = {"completion": "completion_share", "reliably_improved_post": "reliably_improved_post",
           "reliably_improved_follow_up": "reliably_improved_follow_up"}[test["measure"]]
    rows = trends if not test["rater"] else trends[trends["rater"] == test["rater"]]
    rows = rows.drop_duplicates("cohort").dropna(subset=[col])
    low, high = rows.loc[rows[col].idxmin()], rows.loc[rows[col].idxmax()]
    on = f" on {aside(md(title), ratings_words(test['rater']))}" if test["rater"] else ""
    if len(rows) == 1:
        return f"The share who {what}{on} was {low[col]:.0%} (cohort {low['cohort']}); with one cohort there is no trend to judge."
    def at(share: float) -> str:  # every cohort shown at that share: 92% is cohorts 1 and 5, not cohort 1 alone
        return _cohorts([c for c, v in zip(rows["cohort"], rows[col], strict=True) if f"{v:.0%}" == f"{share:.0%}"])

    text = (f"The share who {what}{on} ranged from {low[col]:.0%} ({at(low[col])}) to {high[col]:.0%} "
            f"({at(high[col])})") if f"{low[col]:.0%}" != f"{high[col]:.0%}" else (
            f"The share who {what}{on} was {low[col]:.0%} in every cohort, to the nearest percent")
    if test["stated"]:
        first, last = rows.iloc[0], rows.iloc[-1]
        return (text + f"; it {'rose' if test['direction'] == 'rising' else 'fell'} over the years, from "
                f"{first[col]:.0%} in cohort {first['cohort']} to {last[col]:.0%} in cohort {last['cohort']}, "
                f"a trend a test supports (Cochran–Armitage test for trend, p = {test['p_value']:.3f}).")
    if pd.isna(test["p_value"]):
        return text + "; there are too few cohorts to test for a trend."
    return (text + f"; a test for a trend over the years (Cochran–Armitage) does not show one clearly "
            f"(p = {test['p_value']:.3f}), so the differences may be chance.")


def _durability(trends: pd.DataFrame, pooled: pd.DataFrame, scale: str, title: str, level: float) -> str | None:
    rows = trends[(trends["rater"] == "self")].dropna(subset=["change_follow_up"])
    if not len(rows):
        return None
    parts = [f"cohort {r['cohort']}: {signed(r['change_follow_up'])} points at follow-up against "
             f"{signed(r['change_post'])} at the end of the programme" for _, r in rows.iterrows()]
    return (f"**Did it last?** Where a follow-up questionnaire was run, participants' own ratings of "
            f"{md(title)} compared with before the programme were: " + "; ".join(parts)
            + ". Fewer people answered at follow-up, so these are not the same people throughout."
            + _pooled_follow_up(pooled, scale, level))


def _pooled_follow_up(pooled: pd.DataFrame, scale: str, level: float) -> str:
    row = _pooled_row(pooled, scale, "self", "pre_follow_up", "mean_change")
    if row is None or pd.isna(row["estimate"]):
        return ""
    wide = "; with so few cohorts the interval is wide" if row["k"] < 3 else ""
    return (f" Pooled over the {int(row['k'])} cohorts with a follow-up, the change at follow-up was "
            f"{signed(row['estimate'])} points ({level_percent(level)} CI {signed(row['ci_low'])} to "
            f"{signed(row['ci_high'])}{wide}).")


def outcome_summary(tables: Mapping[str, pd.DataFrame], data: ProgrammeData) -> str:
    """The plain-language summary of outcomes across cohorts, for commissioners (Markdown).

    Paragraphs: the pooled pre → post change on each rater's primary scale with its interval,
    g_av and its size, each cohort's own verdict beside the pooled one and consistency (I², Q,
    prediction interval) in words; durability at follow-up (the trends are in
    :func:`trend_summary`). With one cohort, says that nothing is pooled. Text from parameters
    is escaped (:func:`md`).
    """
    changes, pooled = tables["programme_outcomes"], tables["pooled_outcomes"]
    trends = tables["outcome_trends"]
    level = data.confidence_level
    first = next(iter(data))
    titles = first.titles
    primary = primary_scales(first)
    cohorts = list(data.cohorts)
    lines = [f"### Summary for commissioners: outcomes across the cohorts of {md(data.programme.title)}", ""]
    if len(cohorts) == 1:
        lines += [f"Only one cohort (cohort {cohorts[0]}) has data, so nothing is pooled across cohorts: the "
                  "changes below are that cohort's own, and whether they hold across cohorts cannot be judged.", ""]
    else:
        lines += [f"Cohorts {and_list(cohorts)} are pooled by a random-effects meta-analysis: each cohort's change "
                  "counts by its precision, and the interval allows for cohorts differing more than chance.", ""]
    for rater, scale in primary.items():
        text = _rater_paragraph(changes, pooled, rater, scale, titles.get(scale, scale), level, cohorts)
        if text:
            lines += [text, ""]
    self_scale = primary.get("self")
    durable = (_durability(trends, pooled, self_scale, titles.get(self_scale, self_scale), level)
               if self_scale else None)
    if durable:
        lines += [durable, ""]
    lines += ["These describe change in the people who took part, before and after; without a comparison "
              "group they do not show that the programme caused it."]
    return "\n".join(lines)


def trend_summary(tables: Mapping[str, pd.DataFrame], data: ProgrammeData) -> str:
    """The trends across cohorts in plain words (Markdown): completion and reliable improvement.

    For each share of ``outcome_trend_tests``: its range across cohorts, and a rise or fall only
    when the Cochran–Armitage test supports it (p < 1 − confidence level); otherwise the
    differences are described as possibly chance. One cohort: its share, with no trend.
    """
    trends, tests = tables["outcome_trends"], tables["outcome_trend_tests"]
    first = next(iter(data))
    titles = first.titles
    primary = primary_scales(first)
    sentences = []
    for _, test in tests.iterrows():
        scale = primary.get(test["rater"]) if test["rater"] else None
        sentences.append(_trend_sentence(test, trends, titles.get(scale, scale) if scale else None))
    if not sentences:
        return "*No cohort has the counts a trend needs.*"
    return "**Across the cohorts.** " + " ".join(sentences)


def outcome_findings(data: ProgrammeData, tables: Mapping[str, pd.DataFrame] | None = None) -> list[Finding]:
    """The headline findings of the outcomes part, with stable ids.

    Ids: ``programme.outcomes.<comparison>.<rater>.<scale>.pooled_change`` and ``….pooled_g_av``
    for every pooled row (table ``pooled_outcomes``); ``….cohorts_clear`` (the number of cohorts
    whose own report found a clear change, table ``programme_outcomes``) for each rater's primary
    scale; ``programme.outcomes.trend.<measure>[.<rater>]`` (the trend test's p, table
    ``outcome_trend_tests``) and ``programme.outcomes.completion.cohort<n>`` (table
    ``outcome_trends``).
    """
    tables = programme_outcome_tables(data) if tables is None else tables
    level = data.confidence_level
    pct = level_percent(level)
    first = next(iter(data))
    titles = first.titles
    out: list[Finding] = []
    pooled = tables["pooled_outcomes"]
    for _, row in pooled.dropna(subset=["estimate"]).iterrows():
        key = f"programme.outcomes.{row['comparison']}.{row['rater']}.{row['scale']}"
        title = titles.get(row["scale"], row["scale"])
        base = f"{aside(title, ratings_words(row['rater']) + ', ' + _comparison_words(row['comparison']))}, pooled over {int(row['k'])} cohorts"
        if row["measure"] == "mean_change":
            out.append(Finding(
                f"{key}.pooled_change",
                f"{base}: {signed(row['estimate'])} points ({pct} CI {signed(row['ci_low'])} to "
                f"{signed(row['ci_high'])}; I² = {row['i2']:.0%}, prediction interval {signed(row['pi_low'])} to "
                f"{signed(row['pi_high'])}).",
                row["estimate"], row["ci_low"], row["ci_high"], "scale points", "pooled_outcomes"))
        else:
            out.append(Finding(
                f"{key}.pooled_g_av",
                f"{base}: g_av {number(row['estimate'])} ({pct} CI {interval(row['ci_low'], row['ci_high'])}).",
                row["estimate"], row["ci_low"], row["ci_high"], "g_av", "pooled_outcomes"))
    changes = tables["programme_outcomes"]
    for rater, scale in primary_scales(first).items():
        mine = changes[(changes["scale"] == scale) & (changes["rater"] == rater) & (changes["comparison"] == "pre_post")]
        if not len(mine):
            continue
        n_clear = int(mine["verdict"].isin(["clear_increase", "clear_decrease"]).sum())
        out.append(Finding(
            f"programme.outcomes.pre_post.{rater}.{scale}.cohorts_clear",
            f"{aside(titles.get(scale, scale), ratings_words(rater))}: {n_clear} of {len(mine)} cohorts' own reports found a clear "
            f"change {span_words('pre_post')}.",
            n_clear, None, None, "cohorts", "programme_outcomes"))
    for _, test in tables["outcome_trend_tests"].dropna(subset=["p_value"]).iterrows():
        suffix = f".{test['rater']}" if test["rater"] else ""
        out.append(Finding(
            f"programme.outcomes.trend.{test['measure']}{suffix}",
            f"Trend over cohorts in the share who {_MEASURE_TRENDS.get(test['measure'], test['measure'])}"
            + (f" ({ratings_words(test['rater'])})" if test["rater"] else "")
            + f": {test['share_min']:.0%} to {test['share_max']:.0%} across cohorts; Cochran–Armitage p = "
            f"{test['p_value']:.3f}" + (f" ({test['direction']})." if test["stated"] else " (no clear trend)."),
            test["p_value"], None, None, "p-value (Cochran-Armitage test for trend)", "outcome_trend_tests"))
    for _, row in tables["outcome_trends"].drop_duplicates("cohort").iterrows():
        out.append(Finding(
            f"programme.outcomes.completion.cohort{row['cohort']}",
            f"Cohort {row['cohort']}: {row['completed']} of {row['enrolled']} enrolled completed the programme "
            f"({row['completion_share']:.0%}).",
            row["completion_share"], None, None, "share of enrolled", "outcome_trends"))
    return out
