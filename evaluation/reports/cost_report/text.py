"""The cost report's words: its summary for commissioners (the findings are in
:mod:`~evaluation.reports.cost_report.findings_text`)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from evaluation.core.text import md
from evaluation.data.cohort import (
    CohortData,
)
from evaluation.reports.cost_report.benchmarks import BENCHMARK_CITATION, BENCHMARK_PRICE_YEAR
from evaluation.reports.cost_report.cohort import shared_cost_words
from evaluation.reports.cost_report.findings_text import _interval_words, _who
from evaluation.reports.cost_report.tables import (
    INPUT_WORDS,
    CohortCosts,
    _money,
)
from evaluation.reports.labels import WAVE_LABELS, and_list, counted
from evaluation.reports.numbers import level_percent, money_interval, number
from evaluation.stats import costs as ct

__all__ = ["cost_summary_markdown"]
# ------------------------------------------------------------------------------ summary


_CATEGORY_WORDS = {"needs_assessment": "needs assessment", "venue": "venues", "other": "other costs",
                   "evaluation": "evaluation"}


def _cash_categories(by_category: pd.DataFrame) -> str:
    """The categories of the cash cost in words, in the ledger's order ("design, delivery and venues")."""
    paid = by_category[(by_category["amount"] > 0) & ~by_category["category"].isin(ct.TIME_CATEGORIES)]
    words = [_CATEGORY_WORDS.get(c, c.replace("_", " ")) for c in dict.fromkeys(paid["category"])]
    return and_list(words)


_TIME_ASSUMPTION = {
    "derived": "the value of participants' time is their hours attended × an estimated hourly staff cost for "
               "their role",
    "cost_rows": "the value of participants' time, given as a cost line, rests on hours and an hourly cost",
    "backfill": "the cost of covering participants' posts stands in for the value of their time",
}


def _why_no_interval(ledger: ct.Ledger, top: pd.DataFrame) -> str:
    """Why the figures other than the cost per reliable improver have no confidence interval, and what
    in them is assumed rather than counted (the value of participants' time, the rule that shares the
    one-off costs, the projection of another cohort), with the input the cost per completer is most
    sensitive to (``top``: the tornado's rows for it with a swing, widest first)."""
    varied = []
    if ledger.participant_time_cost > 0 and ledger.participant_time_source in _TIME_ASSUMPTION:
        varied.append(_TIME_ASSUMPTION[ledger.participant_time_source])
    if ledger.shared_cost > 0 and ledger.cohorts_served > 1:
        varied.append("the cohort's share of the programme's one-off costs follows a rule (by enrolment) that "
                      "could have been another")
    text = ("The totals, the costs per place and per completer and the cost of another cohort have no confidence "
            "interval because they are not estimated from a sample: they are worked out for the whole cohort. "
            "That does not make them certain. ")
    if varied:
        text += ((f"Some inputs are assumptions, not counts: {', and '.join(varied)}; the sensitivity (tornado) charts "
                  "below vary them. ") if len(varied) > 1 else
                 f"One input is an assumption, not a count: {varied[0]}; the sensitivity (tornado) charts below "
                 "vary it. ")
    text += ("The cost of another cohort is a projection: it assumes another cohort would cost what this one did"
             + (", less its share of the programme's one-off costs." if ledger.shared_cost > 0 else "."))
    if len(top):
        t = top.iloc[0]
        text += (f" Of the inputs varied, the economic cost per completer is most sensitive to "
                 f"{INPUT_WORDS.get(t['input'], t['input'])}, tried from {t['low_setting']} to "
                 f"{t['high_setting']} because {t['reason']}; it would then be {_money(t['value_low'])} to "
                 f"{_money(t['value_high'])} (tornado chart below).")
    return text


def _views_table(v: pd.Series, s: pd.DataFrame, n: int, done: int, improved: int, pct: str) -> list[str]:
    """The cash and economic figures side by side, as a Markdown table."""
    def cell(measure: str) -> str:
        lo, hi = s.loc[measure, "ci_low"], s.loc[measure, "ci_high"]
        if pd.isna(v[measure]):
            return "not available"
        words = _interval_words(lo, hi, pct)
        return _money(v[measure]) if words is None else f"{_money(v[measure])} ({words})"

    rows = [("This cohort, in all", "cash_total_cost", "total_cost"),
            (f"Per place ({n} enrolled)", "cash_cost_per_enrolled", "cost_per_enrolled"),
            (f"Per completer ({done} completed)", "cash_cost_per_completer", "cost_per_completer"),
            (f"Per reliable improver ({improved} improved)", "cash_cost_per_reliable_improver",
             "cost_per_reliable_improver"),
            (f"Another cohort of the same size ({counted(n, 'place')})", "cash_marginal_cost_cohort",
             "marginal_cost_cohort"),
            ("One more participant", "cash_marginal_cost_participant", "marginal_cost_participant")]
    out = ["| | Cash cost (what the commissioner pays) | Economic cost (participants' time included) |",
           "|---|---:|---:|"]
    return out + [f"| {label} | {cell(cash)} | {cell(economic)} |" for label, cash, economic in rows]


def _improver_spread(comp: pd.DataFrame, programme: str, pct: str) -> str:
    """How uncertain a programme's cost per reliable improver is: its interval (the programme report's,
    resampling within each cohort) and, with several cohorts, the range of their figures (the pilot's
    £50,227 stood bare beside Leading to Deliver's £108,900, with an interval of £32,289 to £113,011)."""
    rows = comp[(comp["level"] == "cohort") & (comp["programme"] == programme)]
    rows = rows.dropna(subset=["cost_per_reliable_improver"])
    whole = comp[(comp["level"] == "programme") & (comp["programme"] == programme)]
    span = (None if whole.empty else
            money_interval(whole["cost_per_reliable_improver_ci_low"].iloc[0],
                           whole["cost_per_reliable_improver_ci_high"].iloc[0]))
    if len(rows) == 1:
        improved = int(rows["reliable_improvers"].iloc[0])
        return (f"one cohort, {improved} reliable improvers, no interval" if span is None else
                f"one cohort, {improved} reliable improvers: {pct} interval {span}")
    if len(rows) > 1:
        cohorts = (f"its {len(rows)} cohorts' figures range from {_money(rows['cost_per_reliable_improver'].min())} "
                   f"to {_money(rows['cost_per_reliable_improver'].max())}")
        return cohorts if span is None else f"{pct} interval {span}, resampling within each cohort; {cohorts}"
    return "no cohort's figure"


def _overlap_words(progs: pd.DataFrame, pct: str) -> str:
    """Whether the programmes' intervals of the economic cost per reliable improver overlap, from the
    table: overlapping intervals do not show a difference; intervals apart do (a conservative test,
    Schenker & Gentleman 2001). "" with fewer than two programmes.

    Examples
    --------
    >>> t = pd.DataFrame({"programme_title": ["A", "B"], "cost_per_reliable_improver_ci_low": [32_289.0, 88_454.0],
    ...                   "cost_per_reliable_improver_ci_high": [113_011.0, 141_146.0]})
    >>> _overlap_words(t, "95%")
    "The programmes' 95% intervals overlap, so the figures do not show that one programme costs less per improver than the other."
    >>> _overlap_words(t.assign(cost_per_reliable_improver_ci_high=[80_000.0, 141_146.0]), "95%")
    "The programmes' 95% intervals do not overlap: A costs less per reliable improver than B."
    """
    if len(progs) < 2:
        return ""
    lows = progs["cost_per_reliable_improver_ci_low"].astype(float)
    highs = progs["cost_per_reliable_improver_ci_high"].astype(float).fillna(math.inf)  # open above
    titles = [md(t) for t in progs["programme_title"]]
    missing = [t for t, lo in zip(titles, lows, strict=True) if math.isnan(lo)]
    if missing:
        return (f"{and_list(missing)} {'has' if len(missing) == 1 else 'have'} no {pct} interval, so whether the "
                "programmes differ in cost per improver cannot be judged.")
    apart = [(titles[i], titles[j]) if highs.iloc[i] < lows.iloc[j] else (titles[j], titles[i])
             for i in range(len(progs)) for j in range(i + 1, len(progs))
             if highs.iloc[i] < lows.iloc[j] or highs.iloc[j] < lows.iloc[i]]
    if not apart:
        return (f"The programmes' {pct} intervals overlap, so the figures do not show that one programme costs less "
                "per improver than " + ("the other." if len(progs) == 2 else "another."))
    return (("Some of the programmes'" if len(progs) > 2 else "The programmes'") + f" {pct} intervals do not "
            "overlap: " + "; ".join(f"{a} costs less per reliable improver than {b}" for a, b in apart) + ".")


def _scored_both(tables: dict) -> int | None:
    """How many have a score on the primary scale at both waves (``reliable_improvement``'s stage)."""
    flow = tables.get("reliable_improvement")
    if flow is None or "stage" not in flow:
        return None
    hit = flow.loc[flow["stage"] == "scored_both", "n"]
    return int(hit.iloc[0]) if len(hit) else None

def cost_summary_markdown(tables: Mapping[str, Any], data: CohortData) -> str:
    """The plain-language summary for commissioners (Markdown)."""
    cc: CohortCosts = tables["cohort_costs"]
    ledger = cc.ledger
    s = tables["cost_summary"].set_index("measure")
    v = s["value"]
    year = ledger.base_year
    pct = level_percent(data.cohort.confidence_level)
    info = cc.improvement_info

    def interval(measure: str) -> str:
        words = _interval_words(s.loc[measure, "ci_low"], s.loc[measure, "ci_high"], pct)
        return "no reliable interval could be worked out" if words is None else words

    n, done, improved = int(v["enrolled"]), int(v["completed"]), int(v["reliable_improvers"])
    time_source = {
        "cost_rows": "as given in the cost lines",
        "derived": "worked out from the hours each participant attended and an hourly staff cost for their role "
                   "that includes salary, on-costs and overheads",
        "backfill": "valued by the backfill bought to cover their absence",
        "none": "not costed, because neither cost lines nor hourly staff costs were given, so the economic cost "
                "is not fully loaded",
    }[ledger.participant_time_source]
    lines = [
        f"## Summary for commissioners: what {md(_who(data))} cost",
        "",
        f"All money is in **{year} prices** (HM Treasury GDP deflator), so that years can be compared.",
        "",
        f"**Cash and economic cost.** The **cash cost** is what the commissioner pays: "
        f"{_cash_categories(tables['costs_by_category'])}"
        + (f", including this cohort's share of the programme's one-off costs ({shared_cost_words(ledger)})"
           if v["apportioned_programme_cost"] > 0 else "") + ". "
        f"The **economic cost** adds the value of participants' own time away from work "
        f"({_money(v['participant_time_cost'])} in all, {time_source}).",
        "",
        *_views_table(v, s, n, done, improved, pct),
        "",
        f"**What a place costs.** A place cost **{_money(v['cash_cost_per_enrolled'])}** in cash and "
        f"**{_money(v['cost_per_enrolled'])}** with participants' time: {_money(v['cash_total_cost'])} and "
        f"{_money(v['total_cost'])} for the {counted(n, 'person', 'people')} enrolled.",
        "",
        f"**Another cohort.** Another cohort of the same size ({counted(n, 'place')}) would cost the commissioner "
        f"**{_money(v['cash_marginal_cost_cohort'])}** in cash ({_money(v['marginal_cost_cohort'])} with "
        f"participants' time): its own fixed costs ({_money(v['cohort_fixed_cost'])}) plus the per-participant "
        f"costs of {counted(n, 'place')}. " + (
            f"It costs less than this cohort because this cohort's share of the programme's one-off costs "
            f"({shared_cost_words(ledger)}: {_money(v['apportioned_programme_cost'])}) would not be spent again."
            if v["apportioned_programme_cost"] > 0 else "The programme has no one-off costs to leave out."),
        "",
        "**Per completer and per person who improved.** " + (
            f"{done} of {n} completed the programme: **{_money(v['cash_cost_per_completer'])}** per completer in "
            f"cash, {_money(v['cost_per_completer'])} with participants' time. " if done else
            "Nobody completed the programme, so there is no cost per completer. "),  # not "not available per completer"
    ]
    scale = md(info["title"] or "the primary scale")
    if improved:
        lines[-1] += (f"{counted(improved, 'participant')} reliably improved on {scale} between the "
                      f"{WAVE_LABELS.get(info['earlier'], info['earlier'])} and {WAVE_LABELS.get(info['later'], info['later'])} "
                      "questionnaires "
                      f"(a change larger than measurement error): **{_money(v['cash_cost_per_reliable_improver'])}** "
                      f"per reliable improver in cash ({interval('cash_cost_per_reliable_improver')}), "
                      f"{_money(v['cost_per_reliable_improver'])} with participants' time "
                      f"({interval('cost_per_reliable_improver')}). People without both questionnaires are counted "
                      "as not improved, so this figure does not flatter the programme.")
    elif _scored_both(tables) == 0:  # nobody measured, which is not nobody improved
        lines[-1] += (f"Nobody has a score on {scale} at both the {WAVE_LABELS.get(info['earlier'], info['earlier'])} "
                      f"and {WAVE_LABELS.get(info['later'], info['later'])} questionnaires, so whether anyone "
                      "reliably improved, and the cost per reliable improver, cannot be worked out.")
    else:
        lines[-1] += (f"Nobody reliably improved on {scale}, so there is no cost per reliable improver.")
    tornado = tables["tornado"]
    top = tornado[tornado["measure"] == "cost_per_completer"]
    top = top.dropna(subset=["swing"])
    top = top[top["swing"] > 0].sort_values("swing", ascending=False)
    lines += [
        "",
        "**How sure we are.** " + _why_no_interval(ledger, top) + " Whether someone reliably improved is measured with "
        + (f"error, so only the cost per reliable improver has a confidence interval: a {pct} bootstrap interval "
           f"({cc.bootstrap.resamples:,} resamples of the participants, drawn with a fixed random-number seed, "
           f"{cc.bootstrap.seed}, so that the interval can be reproduced), which shows how much it depends on who "
           "happened to take part." if improved else
           "error, so only a cost per reliable improver would have a confidence interval (a bootstrap interval); "
           "nobody reliably improved, so there is neither the cost nor its interval."),
    ]
    lines += [
        "",
        f"**Growing the programme.** The cohort's fixed costs were {_money(v['fixed_cost'])} "
        f"({_money(v['cohort_fixed_cost'])} its own, {_money(v['apportioned_programme_cost'])} its share of the "
        f"programme's one-off costs); each participant added {_money(v['cash_variable_cost_per_participant'])} in "
        f"cash ({_money(v['variable_cost_per_participant'])} with their time), which is what one more "
        "participant would cost.",
    ]
    bench = tables["benchmarks"]
    b = bench[bench["kind"] == "benchmark"].reset_index(drop=True)
    place = float(v["cash_cost_per_enrolled"])
    if len(b) == 2 and b["low_real"].isna().any():
        lines += ["", f"**Against published benchmarks.** The benchmarks of {BENCHMARK_CITATION} could not be "
                      f"converted to {year} prices (the deflator table has no {BENCHMARK_PRICE_YEAR} index)."]
    elif len(b) == 2:
        res_low, non_low, non_high = b.loc[0, "low_real"], b.loc[1, "low_real"], b.loc[1, "high_real"]
        res_high = b.loc[0, "high_real"]
        if place >= res_low and pd.isna(res_high):  # "£4,000 or more": a lower end only
            where = (f"{number(place / res_low, 1)} times {_money(res_low)}, the lower end of the residential range "
                     "(which has no upper end)")
        elif place >= res_low:
            where = "in the residential range"
        elif place > non_high:
            where = "between the non-residential range and the residential one"
        elif place >= non_low:
            where = "in the non-residential range"
        else:
            where = "below both ranges"
        lines += [
            "",
            "**Against published benchmarks.** The Scottish Government's 2008 evaluation of Leading to Deliver "
            "(chapter 6) found residential programmes cost £4,000 "
            f"or more per participant and non-residential or e-learning programmes £1,000 to £2,000. The report does "
            f"not state its price year; taking it to be {BENCHMARK_PRICE_YEAR} prices (its year of publication), "
            f"that is {_money(res_low)} or more and {_money(non_low)} to {_money(non_high)} in {year} prices. This "
            f"cohort's cash cost per place, {_money(place)}, is {where}. Published figures rarely include "
            "participants' time, so they compare with the cash cost, not the economic one.",
        ]
    comp = tables.get("programme_comparison")
    if comp is not None and len(comp):
        progs = comp[comp["level"] == "programme"]
        parts = [f"{md(r.programme_title)}: {_money(r.cash_cost_per_enrolled)} per place in cash "
                 f"({_money(r.cost_per_enrolled)} with participants' time) and "
                 f"{_money(r.cost_per_reliable_improver)} per reliable improver with participants' time "
                 f"({_improver_spread(comp, r.programme, pct)}), over {int(r.enrolled)} participants"
                 for r in progs.itertuples()]
        if parts:
            lines += ["", "**Across cohorts and programmes.** " + "; ".join(parts) + f" ({year} prices). Few people "
                      f"reliably improve, so the costs per reliable improver are uncertain (each cohort's and each "
                      f"programme's {pct} interval is in the table below). " + _overlap_words(progs, pct)]
            lines[-1] = lines[-1].rstrip()
            differences = next((x for x in comp["limits"] if isinstance(x, str) and x), "")
            if differences:
                lines[-1] += (" The programmes' figures are not like for like: they differ in "
                              f"{md(differences)}. They are set out in `tables/cost_programme_comparison.csv`, "
                              "column `limits`.")
    bc = tables.get("benefit_cost")
    if bc is not None and len(bc):
        values = bc.set_index("measure")["value"]
        lines += ["", f"**Return on investment.** With the monetised benefits supplied "
                      f"({_money(values['benefits_present_value'])}), the benefit-cost ratio is "
                      f"{values['benefit_cost_ratio']:.2f} and the return on investment "
                      f"{number(values['roi_percent'], 0)}%. The outcomes that were not converted to money are listed "
                      "beside it."]
    else:
        lines += ["", "**Return on investment.** No monetised benefits were supplied, so no benefit-cost ratio or "
                      "return on investment is given; the outcomes are reported in their own units (below)."]
    lines += [
        "",
        "**Why this matters.** Audit Scotland (2005) found that one public body in five did not know what it "
        "spent on leadership development and three in four could not say what impact it had. " + (
            "This report answers both for this cohort: what a place costs, and what it costs per participant who "
            "reliably improved. " if improved else
            f"This report answers the first for this cohort, what a place costs; on the second, nobody in it reliably "
            f"improved on {scale}, so it gives no cost per participant who improved.") + ("" if not improved else
            "The improvement is participants' self-rated change. This cohort had a comparison group (the cohort "
            "evaluation report gives the difference from it), but the cost per improver counts every participant "
            "who reliably improved, including any who would have improved without the programme, so it is a cost per "
            "person who changed, not a cost per change the programme caused."
            if data.has_comparison_group else
            "The improvement is self-rated change in a single group without a comparison group, so the "
            "cost per improver is a cost per person who changed, not proof that the programme caused the change."),
    ]
    return "\n".join(lines)

