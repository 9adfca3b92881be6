"""The evidence against the policy's questions: what is successful, where blockages occur, what
it costs, who gets access.

:func:`evidence_summary` reads the programme report's published tables (never the participants'
data; of the reference tables, only the workforce figures' ``source``, to say whether they are
illustrative) and writes one row per question: the finding in plain words, its strength — the design's level on
the Maryland Scientific Methods Scale, the consistency across cohorts, the level-3 (behaviour at
work, rated by line managers) evidence — and what would strengthen it. The workbench states
evidence; it never recommends continuing or stopping a programme.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from evaluation.core.text import md
from evaluation.data.programme import ProgrammeData
from evaluation.reports.equity_report.words import illustrative_words
from evaluation.reports.labels import aside, counted, ratings_words
from evaluation.reports.numbers import level_percent, money_interval, signed
from evaluation.reports.programme_report.equity_text import no_comparison_words
from evaluation.reports.programme_report.outcomes import primary_scales
from evaluation.reports.programme_report.where import group_words, headline_populations
from evaluation.reports.programme_report.where_blocked import blocked_parts

__all__ = ["EVIDENCE_COLUMNS", "QUESTIONS", "design_level", "evidence_markdown", "evidence_summary"]

#: The policy's questions (21st Century Social Work Review, Leadership and Management sub-group):
#: evaluate "to understand what is successful and where blockages occur"; "costs and equity of
#: access are properly considered".
QUESTIONS = {
    "successful": "What is successful?",
    "blockages": "Where do blockages occur?",
    "costs": "What does it cost?",
    "access": "Who gets access?",
}
EVIDENCE_COLUMNS = ["question", "asks", "finding", "design", "consistency", "level_3_evidence", "strength",
                    "would_strengthen"]


def design_level(data: ProgrammeData) -> tuple[int, list[int]]:
    """The Maryland Scientific Methods Scale level of the programme's evidence, and the cohorts
    with a comparison group: level 3 when every cohort has one, else level 1 (a single-group
    before-and-after design), the cohorts with one named."""
    with_group = [c.cohort.cohort for c in data if _has_comparison_group(c)]
    return (3 if with_group and len(with_group) == len(data) else 1), with_group


def _has_comparison_group(cohort) -> bool:
    group = getattr(cohort, "comparison_scores", None)
    return group is not None and len(group) > 0


#: Dimensions whose categories need the dimension named ("ethnicity: prefer not to say").
_NAMED = {"gender": "gender", "age_band": "age", "ethnicity": "ethnicity", "disability": "disability",
          "local_authority": "council area"}


def _group(dimension: str, category: str) -> str:
    """A group for the access finding: its own words, with the characteristic after it where the
    words alone do not say it ("prefer not to say (ethnicity)", "Aberdeen City (council area)";
    "health sector" and "middle manager" need none)."""
    words = group_words(dimension, category)
    return f"{words} ({_NAMED[dimension]})" if dimension in _NAMED else words


def _over(k: int) -> str:
    return f"pooled over {k} cohorts" if k > 1 else "one cohort, nothing pooled"


def _pooled(pooled: pd.DataFrame, scale: str, rater: str) -> pd.Series | None:
    rows = pooled[(pooled["scale"] == scale) & (pooled["rater"] == rater) & (pooled["comparison"] == "pre_post")
                  & (pooled["measure"] == "mean_change")]
    return rows.iloc[0] if len(rows) else None


def _clear(row: pd.Series | None) -> bool | None:
    if row is None or pd.isna(row["ci_low"]):
        return None
    return bool(row["ci_low"] > 0 or row["ci_high"] < 0)


def _own_row(changes: pd.DataFrame, scale: str, rater: str) -> pd.Series | None:
    """The one cohort's row of ``programme_outcomes`` for a scale and rater (before → after), if it
    is the only cohort with an estimate."""
    own = changes[(changes["scale"] == scale) & (changes["rater"] == rater) & (changes["comparison"] == "pre_post")
                  & changes["mean_change"].notna()]
    return own.iloc[0] if len(own) == 1 else None


#: A change's verdict as the sentence's verb: the cohort report's verdict (adjusted for the number of
#: scales tested) for one cohort, the pooled interval's for several.
_VERB = {"clear_increase": "rose clearly", "clear_decrease": "fell clearly", "no_clear_change": "showed no clear change",
         "clear_unadjusted_only": "showed no clear change once the number of scales tested is allowed for"}


def _verdict(row: pd.Series | None, changes: pd.DataFrame, scale: str, rater: str) -> tuple[str, pd.Series | None]:
    """The verdict of a headline change: the pooled interval's when two or more cohorts are pooled,
    else the one cohort's own verdict (as its report gives it); and that cohort's row (None if pooled)."""
    if row is not None and not pd.isna(row["estimate"]) and int(row["k"]) >= 2:
        clear = _clear(row)
        return ("clear_increase" if clear and row["estimate"] > 0 else "clear_decrease" if clear
                else "no_clear_change"), None
    own = _own_row(changes, scale, rater)
    return ("not_estimable" if own is None else str(own["verdict"])), own


def _change_words(row: pd.Series, title: str, rater: str, level: float, changes: pd.DataFrame) -> str:
    """A headline change with its verdict as the verb: "rose clearly, by +0.34 points pooled over 5
    cohorts (…)", "showed no clear change (+0.17 points in the one cohort, cohort 1; …)"."""
    (verdict_code, one), pct = _verdict(row, changes, row["scale"], rater), level_percent(level)
    who = f"{ratings_words(rater)} of {md(title)}"
    if verdict_code not in _VERB:
        return f"{who}: no change could be estimated"
    verb = _VERB[verdict_code]
    if one is None:
        numbers = f"{signed(row['estimate'])} points pooled over {int(row['k'])} cohorts"
        ci = f"{pct} CI {signed(row['ci_low'])} to {signed(row['ci_high'])}"
        if verdict_code == "no_clear_change":
            return f"{who} {verb} ({numbers}; {ci})"
        return f"{who} {verb}, by {numbers} ({ci})"
    where = "in the one cohort" if changes["cohort"].nunique() == 1 else "in the only cohort with an estimate"
    ci = f"{pct} CI {signed(one['change_ci_low'])} to {signed(one['change_ci_high'])}"
    if verdict_code == "clear_unadjusted_only":
        ci += ", before that allowance"
    numbers = f"{signed(one['mean_change'])} points {where}, cohort {int(one['cohort'])}"
    if verdict_code in ("clear_increase", "clear_decrease"):
        return f"{who} {verb}, by {numbers} ({ci}; nothing pooled)"
    return f"{who} {verb} ({numbers}; {ci}; nothing pooled)"


def _level_3_words(verdict_code: str, one: pd.Series | None) -> str:
    """What line managers saw, by the verdict of their headline change (pooled, or the one cohort's)."""
    where = ", pooled" if one is None else f" in cohort {int(one['cohort'])} (nothing pooled)"
    return {"clear_increase": f"line managers saw a clear improvement{where}",
            "clear_decrease": f"line managers saw a clear decline{where}",
            "no_clear_change": f"line managers saw no clear change{where}",
            "clear_unadjusted_only": f"line managers saw no clear change once the number of scales tested is "
                                     f"allowed for{where}"}.get(verdict_code, "no line-manager change could be "
                                                                                "estimated")


def _consistency(row: pd.Series | None) -> str:
    if row is None or pd.isna(row["estimate"]) or int(row["k"]) < 2:
        return "not judged: one cohort"
    k, i2 = int(row["k"]), float(row["i2"])
    same = bool(row["pi_low"] > 0 or row["pi_high"] < 0)
    spread = "little spread between cohorts" if i2 < 0.25 else ("moderate spread" if i2 < 0.5 else "large spread")
    return (f"{k} cohorts; {spread} (I² {i2:.0%}); a new cohort's change would be expected to lie "
            f"{'on the same side of no change' if same else 'on either side of no change'} "
            f"(prediction interval {signed(row['pi_low'])} to {signed(row['pi_high'])})")


def _successful(tables: Mapping[str, pd.DataFrame], data: ProgrammeData, level_3: int) -> dict:
    first = next(iter(data))
    titles, primary = first.titles, primary_scales(first)
    pooled = tables["pooled_outcomes"]
    self_row = _pooled(pooled, primary.get("self", ""), "self")
    lm_scale = primary.get("line_manager")
    lm_row = _pooled(pooled, lm_scale, "line_manager") if lm_scale else None
    parts = [_change_words(r, titles[s], rater, data.confidence_level, tables["programme_outcomes"])
             for r, s, rater in ((self_row, primary.get("self"), "self"), (lm_row, lm_scale, "line_manager"))
             if r is not None]
    finding = "; ".join(parts) + "." if parts else "No pooled outcome."
    lm_clear = _clear(lm_row)
    level_3_words = "no line-manager ratings" if lm_row is None else _level_3_words(
        *_verdict(lm_row, tables["programme_outcomes"], lm_scale, "line_manager"))
    consistent = self_row is not None and _consistency(self_row).find("same side") >= 0
    if level_3 >= 3 and consistent and lm_clear:
        strength = "stronger: a comparison group, consistent cohorts and change seen by line managers"
    elif consistent and lm_clear:
        strength = ("moderate: consistent across cohorts and seen by line managers, but without a comparison group "
                    "the change cannot be attributed to the programme")
    else:
        strength = "limited: " + ("one cohort" if len(data) < 2 else
                                  "not consistent across cohorts or not seen by line managers")
    follow = tables["outcome_trends"]
    with_follow = sorted(follow.loc[follow["n_pairs_follow_up"].fillna(0) > 0, "cohort"].unique().tolist())
    more = []
    if level_3 < 3:
        more.append("a comparison group of similar managers who did not take part, measured at the same times "
                    "(Maryland level 3)")
    if len(with_follow) < len(data):
        more.append(f"a follow-up questionnaire in every cohort (it ran in {len(with_follow)} of {len(data)})"
                    if with_follow else "a follow-up questionnaire, to see whether the change lasts")
    if len(data) < 3:
        more.append("more cohorts, so that consistency can be judged")
    finding = finding[0].upper() + finding[1:]
    return {"finding": finding, "consistency": _consistency(self_row), "level_3_evidence": level_3_words,
            "strength": strength, "would_strengthen": "; ".join(more) or "nothing named"}


def _blockages(tables: Mapping[str, pd.DataFrame], data: ProgrammeData) -> dict:
    pooled = tables["pooled_outcomes"]
    first = next(iter(data))
    titles = first.titles
    if len(data) >= 2:
        rows = pooled[(pooled["comparison"] == "pre_post") & (pooled["measure"] == "mean_change")
                      & pooled["kirkpatrick_level"].isin([2, 3]) & pooled["k"].ge(2)]
        flat_rows = [r for r in rows.itertuples() if not (r.ci_low > 0 or r.ci_high < 0)]
        flat = [aside(md(titles.get(r.scale, r.scale)), ratings_words(r.rater)) for r in flat_rows]
        where_said = "no clear change when the cohorts are pooled (allowing for cohorts to differ) on "
        unadjusted = []
    else:  # one cohort: its own verdicts (adjusted for the number of scales, as its report says)
        own = tables["programme_outcomes"]
        own = own[(own["comparison"] == "pre_post") & own["kirkpatrick_level"].isin([2, 3])]
        said = {r.Index: aside(md(titles.get(r.scale, r.scale)), ratings_words(r.rater)) for r in own.itertuples()}
        flat = [said[r.Index] for r in own.itertuples() if r.verdict not in ("clear_increase", "clear_unadjusted_only")]
        # clear before the adjustment for the number of scales, not after: said so, as the cohort's report says it
        unadjusted = [said[r.Index] for r in own.itertuples() if r.verdict == "clear_unadjusted_only"]
        where_said = "no clear change in the one cohort on "
    where = tables["where_it_works"]
    # the group table's whole-programme row pools people, cohort as a stratum (no spread between cohorts
    # allowed for): where it calls a scale clear that the random-effects pool does not, say so
    whole = where[(where["dimension"] == "all") & (where["comparison"] == "pre_post")].set_index(["scale", "rater"])
    unlike = [(name, whole.loc[(r.scale, r.rater), "verdict"]) for name, r in zip(flat, flat_rows, strict=True)
              if (r.scale, r.rater) in whole.index and str(whole.loc[(r.scale, r.rater), "verdict"]).startswith("clear")
              ] if len(data) >= 2 else []
    withheld = int(where["suppressed"].fillna("").astype(str).str.len().gt(0).sum())
    parts = []
    if flat:
        parts.append(where_said + ", ".join(flat))
    if unadjusted:
        parts.append(f"{'a change' if len(unadjusted) == 1 else 'changes'} on {', '.join(unadjusted)} "
                     f"{'is' if len(unadjusted) == 1 else 'are'} clear before allowing for the number of scales "
                     "compared, but not after")
    for name, verdict in unlike:
        parts.append(f"on {name} the group table below, which pools people rather than cohorts and so does not "
                     f"allow for cohorts differing, shows a {verdict} over all the programme's people")
    # the groups' clauses each a sentence of their own (one long sentence was hard to read)
    sentences = (["; ".join(parts)] if parts else []) + blocked_parts(where, headline_populations(data))
    finding = (" ".join(f"{s[0].upper()}{s[1:]}." for s in sentences) if sentences
               else "No outcome or group without a clear improvement is shown.")
    return {"finding": finding,
            "consistency": f"{_over(len(data))}; the group verdicts are not adjusted for "
                           f"the number of groups; {counted(withheld, 'row')} of the group table "
                           f"{'is' if withheld == 1 else 'are'} withheld in part or whole for disclosure control",
            "level_3_evidence": "the group table includes line managers' ratings",
            "strength": ("limited: many groups are compared; a small group's unclear change may mean too few people "
                         "rather than a blockage, and with so many compared a clear one may be chance"),
            "would_strengthen": "subgroups named before the data are seen; interviews with the strongest and weakest "
                                "changers (the evaluator's success-case frame) to explain the blockages"}


def _costs(tables: Mapping[str, pd.DataFrame]) -> dict:
    costs = tables["cost_trends"]
    total = costs[costs["level"] == "programme"]
    row = (total if len(total) else costs).iloc[-1]
    year = int(row["price_base_year"])
    pct = level_percent(float(row.get("confidence_level", 0.95)))
    span = money_interval(row["cost_per_reliable_improver_ci_low"], row["cost_per_reliable_improver_ci_high"])
    cash = row.get("cash_cost_per_reliable_improver", np.nan)
    cash_span = money_interval(row.get("cash_cost_per_reliable_improver_ci_low", np.nan),
                               row.get("cash_cost_per_reliable_improver_ci_high", np.nan))
    finding = (f"£{row['cash_cost_per_enrolled']:,.0f} per place in cash and £{row['cost_per_enrolled']:,.0f} "
               f"with participants' time (economic cost), {year} prices; £{row['cost_per_reliable_improver']:,.0f} per "
               f"reliable improver including participants' time ({f'{pct} interval {span}' if span else 'no interval'})"
               + (f", £{cash:,.0f} in cash ({f'{pct} interval {cash_span}' if cash_span else 'no interval'})."
                  if not pd.isna(cash) else "."))
    source = {"derived": "costed from session hours and hourly staff costs by role level",
              "rows": "costed from the cost ledger's rows"}.get(str(row.get("participant_time_source", "") or ""), "")
    n = int((costs["level"] == "cohort").sum())
    return {"finding": finding, "consistency": f"{n} cohorts costed alike" if n > 1 else "one cohort",
            "level_3_evidence": "not applicable: the cost per reliable improver uses participants' own ratings",
            "strength": "the costs are each cohort's whole costs, not estimated from a sample, but some inputs are "
                        "assumptions (the value of participants' time, the sharing of one-off costs), varied in the "
                        "cohort reports' sensitivity charts; the cost per reliable improver is as uncertain as its "
                        "interval" + (f"; participants' time: {md(source)}" if source else ""),
            "would_strengthen": "benefits valued in money (a benefit-cost ratio) and the costs of a comparison group"}


def _access(tables: Mapping[str, pd.DataFrame], level: float, data: ProgrammeData) -> dict:
    equity = tables["equity_pooled"]
    eligible = equity[(equity["benchmark"] == "eligible_population") & equity["relative_likelihood"].notna()]
    gaps = eligible[eligible["band"] == "disparity"]
    # a relative likelihood is against the dimension's reference group, named (it is not always the usual one)
    words = [f"{md(_group(r.dimension, r.category))} {r.relative_likelihood:.2f} times as likely as "
             f"{md(group_words(r.dimension, r.reference_category))} ({r.rl_ci_low:.2f} to {r.rl_ci_high:.2f})"
             for r in gaps.itertuples()]
    finding = (("Some groups were clearly more or less likely than the reference group of their characteristic to "
                f"have had a place (relative likelihood, {level_percent(level)} CI): " + "; ".join(words) + ".")
               if words else "No group was clearly more or less likely than its reference group to have had a place.")
    none = no_comparison_words(equity)
    finding += f" {none}" if none else ""
    # said of the figures supplied, never assumed (the shipped ones are illustrative; a user's may not be)
    first = next(iter(data))
    marked = illustrative_words(first.workforce, first.programme.eligible_population)
    cohorts = int(equity["n_cohorts"].max()) if "n_cohorts" in equity and len(equity) else 1
    withheld = int(equity["suppressed"].fillna("").astype(str).str.len().gt(0).sum())
    return {"finding": finding,
            "consistency": f"{_over(cohorts)}, each against its own year's eligible population; "
                           f"{counted(withheld, 'group')} withheld for disclosure control",
            "level_3_evidence": "not applicable",
            "strength": (f"{marked}; " if marked else "") + "a disparity shows who is under- or over-represented, "
                        "not why",
            "would_strengthen": "published workforce figures for the eligible population; fewer undeclared "
                                "characteristics; the reasons people are nominated or not"}


def evidence_summary(tables: Mapping[str, pd.DataFrame], data: ProgrammeData) -> pd.DataFrame:
    """One row per policy question: the finding, its strength and what would strengthen it.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The programme report's published tables: ``pooled_outcomes``, ``outcome_trends``,
        ``cost_trends``, ``equity_pooled`` and ``where_it_works``.
    data : ProgrammeData
        The programme (for its scales' titles, confidence level and design).

    Returns
    -------
    DataFrame
        :data:`EVIDENCE_COLUMNS`; text only, every number read from the tables named.

    Notes
    -----
    Strength of the outcome evidence (a documented rule, not a judgement): *stronger* needs a
    comparison group in every cohort (Maryland level 3), a pooled self-rated change whose
    prediction interval is on one side of no change, and a clear pooled change in line managers'
    ratings; *moderate* the last two without a comparison group (Maryland level 1: change is
    described, not attributed); otherwise *limited*. The workbench states the evidence and what
    would strengthen it; it makes no recommendation.
    """
    level_3, with_group = design_level(data)
    design = (f"Maryland level {level_3}: " + ("a comparison group in every cohort" if level_3 == 3 else
              "before and after, without a comparison group" + (
                  f" in the pooled estimates (cohort{'s' if len(with_group) > 1 else ''} "
                  f"{', '.join(map(str, with_group))} {'have' if len(with_group) > 1 else 'has'} one: see "
                  f"{'their reports' if len(with_group) > 1 else 'its report'} for the difference from it)"
                  if with_group else "")))
    rows = [
        {"question": "successful", "design": design, **_successful(tables, data, level_3)},
        {"question": "blockages", "design": design, **_blockages(tables, data)},
        {"question": "costs", "design": "each cohort's cost ledger, in real prices (no design level applies)",
         **_costs(tables)},
        {"question": "access", "design": "places counted against the eligible population of each cohort's year "
                                         "(no design level applies)", **_access(tables, data.confidence_level, data)},
    ]
    table = pd.DataFrame(rows).assign(asks=lambda t: t["question"].map(QUESTIONS))
    return table[EVIDENCE_COLUMNS].replace({np.nan: ""})


def evidence_markdown(table: pd.DataFrame) -> str:
    """The evidence summary as Markdown for commissioners: one short section per question."""
    blocks = []
    for row in table.itertuples():
        blocks.append(f"**{row.asks}** {row.finding}\n\n"
                      f"*Strength:* {row.strength}. *Design:* {row.design}. *Consistency:* {row.consistency}. "
                      f"*Behaviour at work (level 3):* {row.level_3_evidence}.\n\n"
                      f"*What would strengthen it:* {row.would_strengthen}.")
    return "\n\n".join(blocks) + ("\n\nThe workbench states the evidence and what would strengthen it; whether to "
                                  "continue the programme is for the commissioners to decide.")
