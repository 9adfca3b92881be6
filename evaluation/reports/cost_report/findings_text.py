"""The cost report's headline findings (ids ``costs.…``), with stable ids."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from evaluation.data.cohort import CohortData
from evaluation.reports.cost_report.cohort import shared_cost_words
from evaluation.reports.cost_report.tables import (
    FINDING_MEASURES,
    CohortCosts,
    _money,
    cost_tables,
)
from evaluation.reports.findings import Finding
from evaluation.reports.labels import aside, counted, span_words
from evaluation.reports.numbers import level_percent, money_interval, number
from evaluation.stats import costs as ct

__all__ = ["cost_findings", "cost_findings_for"]

# ------------------------------------------------------------------------------ findings


def _interval_words(low: Any, high: Any, pct: str) -> str | None:
    """A cost per reliable improver's bootstrap interval in words, or None when it has no lower limit.

    The upper limit is missing when so many resamples had nobody who reliably improved that it
    falls among them (no finite cost per head): the interval is then open above, and says so,
    rather than "no reliable interval could be worked out" beside a lower limit in the table.

    Examples
    --------
    >>> _interval_words(99_313.0, 159_062.0, "95%")
    '95% interval £99,313 to £159,062'
    >>> _interval_words(99_313.0, float("nan"), "95%")
    '95% interval from £99,313, with no upper limit: in some resamples nobody reliably improved'
    >>> _interval_words(float("nan"), float("nan"), "95%") is None
    True
    """
    span = money_interval(low, high)
    if span is None:
        return None
    return f"{pct} interval {span}" + (": in some resamples nobody reliably improved" if pd.isna(high) else "")


def _who(data: CohortData) -> str:
    return f"{data.programme.title}, cohort {data.cohort.cohort}" + (f" ({data.cohort.year})" if data.cohort.year else "")


def cost_findings(tables: Mapping[str, Any], data: CohortData) -> list[Finding]:
    """The headline findings of the cost report, with stable ids.

    Ids: ``costs.total_cost``, ``costs.cost_per_participant`` (per enrolled participant),
    ``costs.cost_per_completer``, ``costs.cost_per_reliable_improver``,
    ``costs.marginal_cost_participant``, ``costs.marginal_cost_cohort`` (another cohort),
    ``costs.participant_time_cost`` (economic: participants' time included), their cash twins
    ``costs.cash_total_cost``, ``costs.cash_cost_per_participant``, ``costs.cash_cost_per_completer``,
    ``costs.cash_cost_per_reliable_improver``, ``costs.cash_marginal_cost_cohort``; with monetised
    benefits also ``costs.benefit_cost_ratio`` and ``costs.roi_percent``. Money findings have unit
    "GBP (<base year> prices)"; only the costs per reliable improver have an interval.
    """
    summary = tables["cost_summary"].set_index("measure")
    cc: CohortCosts = tables["cohort_costs"]
    unit = cc.ledger.unit
    pct = level_percent(data.cohort.confidence_level)
    who = _who(data)
    year = cc.ledger.base_year
    info = cc.improvement_info

    def ci_text(measure: str) -> str:
        words = _interval_words(summary.loc[measure, "ci_low"], summary.loc[measure, "ci_high"], pct)
        return f"{pct} bootstrap interval not available" if words is None else words.replace(
            f"{pct} interval", f"{pct} bootstrap interval", 1)

    def money(measure: str) -> str:
        return _money(summary.loc[measure, "value"])

    n = int(summary.loc["enrolled", "value"])
    places = counted(n, "place")  # "1 place", not "1 places"
    done = int(summary.loc["completed", "value"])
    improved = int(summary.loc["reliable_improvers", "value"])
    scale_words = info["title"] or "the primary scale"
    comparison = span_words(info["comparison"])
    shared = shared_cost_words(cc.ledger)
    once = (f"the {shared}, spent once for the whole programme, would not be spent again" if shared else
            "there are no programme-level costs to leave out")

    def per_improver(measure: str, view: str) -> str:
        if not improved:
            return f"Nobody in {who} reliably improved on {scale_words}, so the {view} per reliable improver is undefined."
        return (f"{view.capitalize()} per participant who reliably improved on {aside(scale_words, comparison)}: "
                f"{money(measure)} in {year} prices ({ci_text(measure)}; {improved} of {n} enrolled reliably "
                "improved; those without both scores count as not improved).")

    statements = {
        "total_cost": f"The economic cost of {who}, participants' time included, was {money('total_cost')} in "
                      f"{year} prices.",
        "cash_total_cost": f"In cash (what the commissioner paid, participants' time excluded), {who} cost "
                           f"{money('cash_total_cost')} in {year} prices.",
        "cost_per_enrolled": f"A place on {who} cost {money('cost_per_enrolled')} per enrolled participant in "
                             f"{year} prices, participants' time included ({n} enrolled).",
        "cash_cost_per_enrolled": f"In cash, a place on {who} cost {money('cash_cost_per_enrolled')} per enrolled "
                                  f"participant in {year} prices ({n} enrolled).",
        "cost_per_completer": f"Economic cost per participant who completed {who}: {money('cost_per_completer')} "
                              f"in {year} prices ({done} of {n} completed)." if done else
                              f"Nobody completed {who}, so there is no economic cost per completer.",
        "cash_cost_per_completer": f"Cash cost per participant who completed {who}: "
                                   f"{money('cash_cost_per_completer')} in {year} prices ({done} of {n} completed)."
                                   if done else f"Nobody completed {who}, so there is no cash cost per completer.",
        "cost_per_reliable_improver": per_improver("cost_per_reliable_improver", "economic cost"),
        "cash_cost_per_reliable_improver": per_improver("cash_cost_per_reliable_improver", "cash cost"),
        "variable_cost_per_participant": f"One more participant in {who} would cost "
                                         f"{money('variable_cost_per_participant')} in {year} prices (the "
                                         "per-participant costs, participants' time included).",
        "marginal_cost_cohort": f"Another cohort of the same size ({places}) would cost "
                                f"{money('marginal_cost_cohort')} in {year} prices, participants' time included "
                                f"(its own fixed costs plus the per-participant costs of {places}; {once}).",
        "cash_marginal_cost_cohort": f"In cash, another cohort of the same size ({places}) would cost the "
                                     f"commissioner {money('cash_marginal_cost_cohort')} in {year} prices (its own "
                                     f"fixed costs plus the per-participant costs of {places}, participants' time "
                                     f"excluded; {once}).",
        "participant_time_cost": f"Participants' time on {who} was worth {money('participant_time_cost')} in {year} "
                                 "prices (the difference between the economic and the cash cost); source: "
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
            f"Return on investment of {who}: {number(values['roi_percent'], 0)}%, that is (benefits − costs) / costs × 100.",
            values["roi_percent"], None, None, "%", "cost_benefit"))
    return out


def cost_findings_for(data: CohortData) -> list[Finding]:
    """Re-derive the cost report's findings from a cohort's data (for ``verify``)."""
    return cost_findings(cost_tables(data, comparison=False), data)
