"""The cost report's words: its headline findings and its summary for commissioners."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from evaluation.core.text import md
from evaluation.data.cohort import (
    CohortData,
)
from evaluation.reports.cost_report.tables import (
    BENCHMARK_PRICE_YEAR,
    FINDING_MEASURES,
    INPUT_WORDS,
    CohortCosts,
    _money,
    _pct,
    cost_tables,
)
from evaluation.reports.findings import Finding
from evaluation.stats import costs as ct

__all__ = [
    "cost_findings",
    "cost_findings_for",
    "cost_summary_markdown",
    "summary_for_display",
]
# ------------------------------------------------------------------------------ findings


def _who(data: CohortData) -> str:
    return f"{data.programme.title}, cohort {data.cohort.cohort}" + (f" ({data.cohort.year})" if data.cohort.year else "")


def cost_findings(tables: Mapping[str, Any], data: CohortData) -> list[Finding]:
    """The headline findings of the cost report, with stable ids.

    Ids: ``costs.total_cost``, ``costs.cost_per_participant`` (per enrolled participant),
    ``costs.cost_per_completer``, ``costs.cost_per_reliable_improver``,
    ``costs.marginal_cost_participant``, ``costs.marginal_cost_cohort``,
    ``costs.participant_time_cost``; with monetised benefits also ``costs.benefit_cost_ratio``
    and ``costs.roi_percent``. Money findings have unit "GBP (<base year> prices)".
    """
    summary = tables["cost_summary"].set_index("measure")
    cc: CohortCosts = tables["cohort_costs"]
    unit = cc.ledger.unit
    pct = _pct(data.cohort.confidence_level)
    who = _who(data)
    year = cc.ledger.base_year
    info = cc.improvement_info

    def ci_text(measure: str) -> str:
        lo, hi = summary.loc[measure, "ci_low"], summary.loc[measure, "ci_high"]
        if pd.isna(lo) or pd.isna(hi):
            return f"{pct}% bootstrap interval not available"
        return f"{pct}% bootstrap interval {_money(lo)} to {_money(hi)}"

    n = int(summary.loc["enrolled", "value"])
    done = int(summary.loc["completed", "value"])
    improved = int(summary.loc["reliable_improvers", "value"])
    scale_words = (info["title"] or "the primary scale").lower()
    statements = {
        "total_cost": f"The fully loaded cost of {who} was {_money(summary.loc['total_cost', 'value'])} in {year} "
                      f"prices ({ci_text('total_cost')}).",
        "cost_per_enrolled": f"A place on {who} cost {_money(summary.loc['cost_per_enrolled', 'value'])} per "
                             f"enrolled participant in {year} prices, participants' time included "
                             f"({ci_text('cost_per_enrolled')}; {n} enrolled).",
        "cost_per_completer": f"Cost per participant who completed {who}: "
                              f"{_money(summary.loc['cost_per_completer', 'value'])} in {year} prices "
                              f"({ci_text('cost_per_completer')}; {done} of {n} completed).",
        "cost_per_reliable_improver": (
            f"Cost per participant who reliably improved on {scale_words} "
            f"({info['comparison'].replace('_', ' to ').replace('follow up', 'follow-up')}): "
            f"{_money(summary.loc['cost_per_reliable_improver', 'value'])} in {year} prices "
            f"({ci_text('cost_per_reliable_improver')}; {improved} of {n} enrolled reliably improved; "
            "those without both scores count as not improved)."
            if improved else
            f"Nobody in {who} reliably improved on {scale_words}, so the cost per reliable improver is undefined."),
        "variable_cost_per_participant": f"One more participant in {who} would cost "
                                         f"{_money(summary.loc['variable_cost_per_participant', 'value'])} in "
                                         f"{year} prices (the per-participant cost v, participants' time included).",
        "marginal_cost_cohort": f"One more cohort of the same size would cost "
                                f"{_money(summary.loc['marginal_cost_cohort', 'value'])} in {year} prices (its own "
                                "fixed costs plus v per participant; design and other programme-level costs are "
                                "not spent again).",
        "participant_time_cost": f"Participants' time on {who} was worth "
                                 f"{_money(summary.loc['participant_time_cost', 'value'])} in {year} prices "
                                 f"({ci_text('participant_time_cost')}); source: "
                                 f"{ct.PARTICIPANT_TIME_SOURCES[cc.ledger.participant_time_source]}.",
    }
    out = []
    for measure, id_ in FINDING_MEASURES:
        out.append(Finding(id_, statements[measure], summary.loc[measure, "value"], summary.loc[measure, "ci_low"],
                            summary.loc[measure, "ci_high"], unit, "cost_summary"))
    bc = tables.get("benefit_cost")
    if bc is not None and len(bc):
        values = bc.set_index("measure")["value"]
        out.append(Finding(
            "costs.benefit_cost_ratio",
            f"Benefit-cost ratio of {who}: {values['benefit_cost_ratio']:.2f} (monetised benefits "
            f"{_money(values['benefits_present_value'])} against fully loaded costs {_money(values['costs'])}, "
            f"{year} prices).",
            values["benefit_cost_ratio"], None, None, "ratio (benefits / costs)", "cost_benefit"))
        out.append(Finding(
            "costs.roi_percent",
            f"Return on investment of {who}: {values['roi_percent']:.0f}% ((benefits - costs) / costs x 100).",
            values["roi_percent"], None, None, "%", "cost_benefit"))
    return out


def cost_findings_for(data: CohortData) -> list[Finding]:
    """Re-derive the cost report's findings from a cohort's data (for ``verify``)."""
    return cost_findings(cost_tables(data, comparison=False), data)


# ------------------------------------------------------------------------------ summary


def cost_summary_markdown(tables: Mapping[str, Any], data: CohortData) -> str:
    """The plain-language summary for commissioners (Markdown)."""
    cc: CohortCosts = tables["cohort_costs"]
    ledger = cc.ledger
    s = tables["cost_summary"].set_index("measure")
    v = s["value"]
    year = ledger.base_year
    pct = _pct(data.cohort.confidence_level)
    info = cc.improvement_info

    def interval(measure: str) -> str:
        lo, hi = s.loc[measure, "ci_low"], s.loc[measure, "ci_high"]
        if pd.isna(lo) or pd.isna(hi):
            return "no reliable interval could be worked out"
        if math.isclose(lo, hi, rel_tol=1e-9):
            return "the same in every resample, because every participant's cost is the same"
        return f"{pct}% interval {_money(lo)} to {_money(hi)}"

    n, done, improved = int(v["enrolled"]), int(v["completed"]), int(v["reliable_improvers"])
    time_source = {
        "cost_rows": "as given in the cost lines",
        "derived": "worked out from the hours each participant attended and an hourly staff cost for their role "
                   "(salary, on-costs and overheads)",
        "backfill": "valued by the backfill bought to cover their absence",
        "none": "not costed, because neither cost lines nor hourly staff costs were given, so these costs are "
                "not fully loaded",
    }[ledger.participant_time_source]
    lines = [
        f"## Summary for commissioners: what {md(_who(data))} cost",
        "",
        f"All money is in **{year} prices** (HM Treasury GDP deflator), so that years can be compared.",
        "",
        f"**What a place costs.** A place cost **{_money(v['cost_per_enrolled'])}** per enrolled participant "
        f"({interval('cost_per_enrolled')}), {_money(v['total_cost'])} for the {n} people enrolled. This is the "
        f"fully loaded cost: design, delivery, venues, materials, travel, accreditation, management, evaluation, "
        f"a share of the programme's set-up costs, and participants' own time "
        f"({_money(v['participant_time_cost'])} in all, {time_source}). Without participants' time a place cost "
        f"{_money(v['cost_per_enrolled_excluding_participant_time'])}.",
        "",
        f"**Per completer and per person who improved.** {done} of {n} completed the programme: "
        f"**{_money(v['cost_per_completer'])}** per completer ({interval('cost_per_completer')}). ",
    ]
    scale = md(info["title"] or "the primary scale").lower()
    if improved:
        lines[-1] += (f"{improved} participants reliably improved on {scale} between the "
                      f"{info['earlier'].replace('_', '-')} and {info['later'].replace('_', '-')} questionnaires "
                      f"(a change larger than measurement error): **{_money(v['cost_per_reliable_improver'])}** per "
                      f"reliable improver ({interval('cost_per_reliable_improver')}). People without both "
                      "questionnaires are counted as not improved, so this figure does not flatter the programme.")
    else:
        lines[-1] += (f"Nobody reliably improved on {scale}, so there is no cost per reliable improver.")
    tornado = tables["tornado"]
    top = tornado[(tornado["measure"] == "cost_per_completer") & (tornado["input"] != "price_base_year")]
    top = top.dropna(subset=["swing"]).sort_values("swing", ascending=False)
    lines += [
        "",
        f"**How sure we are.** The ranges are {pct}% bootstrap intervals ({cc.bootstrap.resamples:,} resamples of "
        f"the participants, seed {cc.bootstrap.seed}): they show how much the figures depend on who happened to "
        "take part, not whether the unit costs are right.",
    ]
    if len(top):
        t = top.iloc[0]
        lines[-1] += (f" Of the uncertain inputs, the cost per completer is most sensitive to "
                      f"{INPUT_WORDS.get(t['input'], t['input'])} ({t['low_setting']} to {t['high_setting']}): "
                      f"it would be {_money(t['value_low'])} to {_money(t['value_high'])} (tornado chart below).")
    lines += [
        "",
        f"**Growing the programme.** The cohort's fixed costs were {_money(v['fixed_cost'])} and each participant "
        f"added {_money(v['variable_cost_per_participant'])}. One more participant would cost about "
        f"{_money(v['marginal_cost_participant'])}; another cohort of the same size about "
        f"{_money(v['marginal_cost_cohort'])}, because the design and other set-up costs are not spent again.",
    ]
    bench = tables["benchmarks"]
    b = bench[bench["kind"] == "benchmark"].reset_index(drop=True)
    place = float(v["cost_per_enrolled_excluding_participant_time"])
    if len(b) == 2 and b["low_real"].isna().any():
        lines += ["", f"**Against published benchmarks.** The 2008 evaluation's benchmarks could not be converted "
                      f"to {year} prices (the deflator table has no {BENCHMARK_PRICE_YEAR} index)."]
    elif len(b) == 2:
        res_low, non_low, non_high = b.loc[0, "low_real"], b.loc[1, "low_real"], b.loc[1, "high_real"]
        if place >= res_low:
            where = "in the residential range"
        elif place > non_high:
            where = "between the non-residential range and the residential one"
        elif place >= non_low:
            where = "in the non-residential range"
        else:
            where = "below both ranges"
        lines += [
            "",
            f"**Against published benchmarks.** The 2008 evaluation of Leading to Deliver found residential "
            f"programmes cost £4,000 or more per participant and non-residential or e-learning programmes "
            f"£1,000-£2,000. Taking those as {BENCHMARK_PRICE_YEAR} prices (the report does not say), that is "
            f"{_money(res_low)} or more and {_money(non_low)}-{_money(non_high)} in {year} prices. This cohort's "
            f"programme cost per place without participants' time, {_money(place)}, is {where}. Published figures "
            "rarely include participants' time, so they compare with this figure, not the fully loaded one.",
        ]
    comp = tables.get("programme_comparison")
    if comp is not None and len(comp):
        progs = comp[comp["level"] == "programme"]
        parts = [f"{md(r.programme_title)}: {_money(r.cost_per_enrolled)} per place and "
                 f"{_money(r.cost_per_reliable_improver)} per reliable improver over {int(r.enrolled)} participants"
                 for r in progs.itertuples()]
        if parts:
            lines += ["", "**Across cohorts and programmes.** " + "; ".join(parts) + f" ({year} prices)."]
    bc = tables.get("benefit_cost")
    if bc is not None and len(bc):
        values = bc.set_index("measure")["value"]
        lines += ["", f"**Return on investment.** With the monetised benefits supplied "
                      f"({_money(values['benefits_present_value'])}), the benefit-cost ratio is "
                      f"{values['benefit_cost_ratio']:.2f} and the return on investment "
                      f"{values['roi_percent']:.0f}%. The outcomes that were not converted to money are listed "
                      "beside it."]
    else:
        lines += ["", "**Return on investment.** No monetised benefits were supplied, so no benefit-cost ratio or "
                      "return on investment is given; the outcomes are reported in their own units (below)."]
    lines += [
        "",
        "**Why this matters.** Audit Scotland (2005) found that one public body in five did not know what it "
        "spent on leadership development and three in four could not say what impact it had. This report "
        "answers both for this cohort: what a place costs, and what it costs per participant who reliably "
        "improved. The improvement is self-rated change in a single group without a comparison group, so the "
        "cost per improver is a cost per person who changed, not proof that the programme caused the change.",
    ]
    return "\n".join(lines)


def summary_for_display(summary: pd.DataFrame) -> pd.DataFrame:
    """The cost summary with each figure formatted by its unit (£ with thousands separators,
    shares as percentages, counts as whole numbers), for reading; the CSV keeps the numbers.

    Examples
    --------
    >>> t = pd.DataFrame({"measure": ["cost_per_enrolled", "completion_rate", "enrolled"],
    ...                   "value": [13729.4, 0.9134, 104.0], "ci_low": [13577.0, None, None],
    ...                   "ci_high": [13867.2, None, None],
    ...                   "unit": ["GBP (2024 prices)", "share of enrolled", "participants"]})
    >>> summary_for_display(t)[["measure", "value", "ci_low"]]
                 measure    value   ci_low
    0  cost_per_enrolled  £13,729  £13,577
    1    completion_rate    91.3%        –
    2           enrolled      104        –
    """
    def fmt(x: float, unit: str) -> str:
        if pd.isna(x):
            return "–"
        if str(unit).startswith("GBP"):
            return f"£{x:,.0f}"
        if str(unit).startswith("share"):
            return f"{x:.1%}"
        return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"

    out = summary.copy()
    for column in ("value", "ci_low", "ci_high"):
        out[column] = [fmt(x, u) for x, u in zip(summary[column], summary["unit"], strict=True)]
    return out
