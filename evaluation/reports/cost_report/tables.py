"""The cost report's tables: a cohort's inputs, its costs and the comparisons."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from evaluation.core.vocabulary import COMPARISONS
from evaluation.data.cohort import CohortData, rci_reliability, scale_info
from evaluation.data.params import MonetisedBenefits
from evaluation.reports.cost_report.benchmarks import benchmark_comparison
from evaluation.reports.cost_report.cohort import (
    CohortCosts,
    cohort_costs,
    reliable_improvement,
)
from evaluation.reports.cost_report.comparison import programme_comparison
from evaluation.reports.cost_report.outcomes import non_monetised_outcomes
from evaluation.reports.disclosure_plan import prepared_scores
from evaluation.reports.findings import collect_warnings
from evaluation.reports.labels import WAVE_LABELS
from evaluation.stats import costs as ct

__all__ = [
    "CONTRACT_CATEGORY_COLUMNS",
    "CONTRACT_MEASURES",
    "CONTRACT_SUMMARY_COLUMNS",
    "TORNADO_DISPLAY",
    "CohortCosts",
    "cohort_costs",
    "cost_tables",
    "ledger_for_reading",
    "programme_comparison",
    "reliable_improvement",
]

#: ``tables/cost_summary.csv`` (CONTRACT section 4), first columns in this order.
CONTRACT_SUMMARY_COLUMNS = ["measure", "value", "ci_low", "ci_high", "unit", "price_base_year"]
#: Measures ``tables/cost_summary.csv`` must have (CONTRACT section 4).
CONTRACT_MEASURES = [
    "total_cost", "fixed_cost", "variable_cost_per_participant", "participant_time_cost", "cost_per_enrolled",
    "cost_per_completer", "cost_per_reliable_improver",
]
#: ``tables/costs_by_category.csv`` (CONTRACT section 4).
CONTRACT_CATEGORY_COLUMNS = ["category", "basis", "amount", "share"]
#: The measures whose tornado charts the report shows: a choice among those
#: :func:`evaluation.stats.costs.tornado` can vary (``evaluation.stats.costs.TORNADO_MEASURES``).
REPORTED_TORNADOS = ("cost_per_completer", "cost_per_reliable_improver")
#: How the report shows the tornado table (options of :func:`evaluation.reports.display.show_table`;
#: display only, ``tables/cost_tornado.csv`` keeps full precision): every figure in whole pounds,
#: the swing too (not "£10.13" beside £15,019 and £15,029; rounded itself, so it can differ by £1
#: from the difference of the rounded values beside it).
TORNADO_DISPLAY: dict[str, Any] = {
    "formats": dict.fromkeys(["value_low", "value_base", "value_high", "swing"], "pounds"),
    "columns": ["measure", "input", "low_setting", "high_setting", "reason", "value_low", "value_base",
                "value_high", "swing"],
}
INPUT_WORDS = {
    "hours": "the hours participants spent on the programme",
    "hourly_cost": "the hourly cost of participants' time",
    "shared_costs": "how the programme's one-off costs are split between cohorts",
    "reliable_improvement_rate": "the share who reliably improved",
}
#: (measure of ``cost_summary``, finding id): economic figures first, then their cash twins.
FINDING_MEASURES = (
    ("total_cost", "costs.total_cost"),
    ("cost_per_enrolled", "costs.cost_per_participant"),
    ("cost_per_completer", "costs.cost_per_completer"),
    ("cost_per_reliable_improver", "costs.cost_per_reliable_improver"),
    ("variable_cost_per_participant", "costs.marginal_cost_participant"),
    ("marginal_cost_cohort", "costs.marginal_cost_cohort"),
    ("participant_time_cost", "costs.participant_time_cost"),
    ("cash_total_cost", "costs.cash_total_cost"),
    ("cash_cost_per_enrolled", "costs.cash_cost_per_participant"),
    ("cash_cost_per_completer", "costs.cash_cost_per_completer"),
    ("cash_cost_per_reliable_improver", "costs.cash_cost_per_reliable_improver"),
    ("cash_marginal_cost_cohort", "costs.cash_marginal_cost_cohort"),
)


def _money(x: float, digits: int = 0) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "not available"
    return f"£{x:,.{digits}f}"


def _non_monetised(data: CohortData, notes: list[dict]) -> pd.DataFrame:
    """The outcomes left in their own units (Phillips' intangibles): change on every scale."""
    first = data.cohort.comparisons[0]
    earlier, later = COMPARISONS[first]
    info = scale_info(data)
    return collect_warnings(notes, "non-monetised outcomes", lambda: non_monetised_outcomes(
        prepared_scores(data), comparison=first, earlier=earlier, later=later,
        confidence_level=data.cohort.confidence_level, reliability=rci_reliability(data),
        scale_info=info[["kirkpatrick_level", "higher_is_better"]], titles=data.titles))


def _benefits_parameter(data: CohortData) -> Any:
    return getattr(data.cohort, "monetised_benefits", None)


def cost_tables(
    data: CohortData,
    *,
    benefits: Any = None,
    data_dir: Path | str | None = None,
    params_dir: Path | str | None = None,
    comparison: bool = True,
) -> dict[str, Any]:
    """Every table of the cost report for one cohort.

    Parameters
    ----------
    data : CohortData
    benefits : evaluation.data.params.MonetisedBenefits or mapping, optional
        Monetised benefits (``by_year``, ``price_year``, ``source``, ``attribution``,
        ``confidence``); default: the cohort parameter ``monetised_benefits`` if the
        parameter files have one, else none (no benefit–cost ratio is given).
    data_dir, params_dir : path, optional
        Where the other cohorts and programmes are, for the programme comparison (default:
        the repository's ``data/`` and ``params/``).
    comparison : bool, default True
        Build the programme comparison (it loads every other cohort).

    Returns
    -------
    dict
        DataFrames ``cost_summary, costs_by_category, cost_ledger, cost_curve, tornado,
        bootstrap, bootstrap_draws, benchmarks, reliable_improvement, non_monetised,
        programme_comparison`` (when ``comparison``), ``benefit_cost`` (when benefits are
        supplied), ``notes``; and ``cohort_costs`` (the :class:`CohortCosts`).
    """
    notes: list[dict] = []
    coh = data.cohort
    cc = cohort_costs(data, notes=notes)
    ledger, improved = cc.ledger, cc.improved
    tables: dict[str, Any] = {"cohort_costs": cc}
    summary = cc.summary.copy()
    tables["cost_summary"] = summary
    tables["costs_by_category"] = ct.costs_by_category(ledger)
    tables["cost_ledger"] = ledger.lines.copy()
    tables["cost_curve"] = ct.cost_curve(ledger)
    tables["tornado"] = pd.concat(
        [collect_warnings(notes, "tornado", lambda m=m: ct.tornado(ledger, improved, measure=m,
                                                            confidence_level=coh.confidence_level))
         for m in REPORTED_TORNADOS], ignore_index=True)
    tables["bootstrap"] = cc.bootstrap.summary.assign(unit=ledger.unit, price_base_year=ledger.base_year)
    tables["bootstrap_draws"] = cc.bootstrap.draws
    measures = summary.set_index("measure")["value"]
    tables["benchmarks"] = collect_warnings(notes, "benchmarks", lambda: benchmark_comparison(
        data.deflators, base_year=ledger.base_year,
        cost_per_place=float(measures["cash_cost_per_enrolled"]),
        cost_per_place_with_time=float(measures["cost_per_enrolled"])))
    info = cc.improvement_info
    categories = cc.improvement["category"]
    counts = [
        ("enrolled", len(categories), "Participants enrolled in the cohort"),
        ("scored_both", int(categories.notna().sum()),
         f"With a score on {info['title'] or 'the primary scale'} (self-rated) at both questionnaires, "
         f"{WAVE_LABELS[info['earlier']]} and {WAVE_LABELS[info['later']]}"),
        ("reliably_improved", int((categories == "improved").sum()), "Reliable change index above 1.96 (improved)"),
        ("no_reliable_change", int((categories == "unchanged").sum()), "Change within measurement error"),
        ("reliably_deteriorated", int((categories == "deteriorated").sum()), "Reliable change the other way"),
        ("not_scored", int(categories.isna().sum()), "No pair of scores (or no reliability): counted as not improved"),
    ]
    tables["reliable_improvement"] = pd.DataFrame(
        [{"stage": s, "n": n, "share_of_enrolled": n / len(categories), "definition": d} for s, n, d in counts]
    ).assign(scale=info["scale"], comparison=info["comparison"], reliability=info["reliability"])
    tables["non_monetised"] = _non_monetised(data, notes)
    chosen = benefits if benefits is not None else _benefits_parameter(data)
    if chosen is not None:
        monetised = chosen if isinstance(chosen, MonetisedBenefits) else MonetisedBenefits.model_validate(chosen)
        real = ct.real_benefits(monetised.by_year, price_year=monetised.price_year, deflators=data.deflators,
                                base_year=ledger.base_year, attribution=monetised.attribution,
                                confidence=monetised.confidence)
        start = coh.year if coh.year is not None and (not len(real) or coh.year <= min(real.index)) else None
        result = collect_warnings(notes, "benefit_cost", lambda: ct.benefit_cost(
            ledger.total_cost, real, discount_rate=coh.discount_rate, start_year=start))
        tables["benefit_cost"] = pd.DataFrame([
            {"measure": "benefits_present_value", "value": result.benefits, "unit": ledger.unit},
            {"measure": "costs", "value": result.costs, "unit": ledger.unit},
            {"measure": "benefit_cost_ratio", "value": result.bcr, "unit": "ratio"},
            {"measure": "roi_percent", "value": result.roi_percent, "unit": "%"},
        ]).assign(price_base_year=ledger.base_year, discounted=result.discounted,
                  discount_rate=result.discount_rate if result.discounted else math.nan,
                  attribution=monetised.attribution, confidence=monetised.confidence, source=monetised.source)
    if comparison:
        tables["programme_comparison"] = programme_comparison(data, cc, data_dir=data_dir, params_dir=params_dir,
                                                              notes=notes)
    tables["notes"] = pd.DataFrame(notes, columns=["source", "warning", "message"]).drop_duplicates() \
        .reset_index(drop=True)
    return tables


def ledger_for_reading(ledger: ct.Ledger) -> pd.DataFrame:
    """The cost ledger as the page shows it: the deflator factor with as many decimals as reproduce
    every real amount and total to the pound, and a programme-level line's share as the cohort's
    places of the programme's (``104/514``), so that amount × factor × times counted gives the
    total shown (display only: ``tables/cost_ledger.csv`` keeps full precision).

    Examples
    --------
    >>> lines = pd.DataFrame({"level": ["programme"], "amount": [142_300.0], "deflator_factor": [1.7161],
    ...                       "real_amount": [142_300.0 * 1.7161], "share": [104 / 514], "quantity": [104 / 514],
    ...                       "real_total": [142_300.0 * 1.7161 * 104 / 514]})
    >>> out = _reading(lines, enrolled=104)
    >>> out[["amount", "deflator_factor", "quantity"]].to_dict("records")
    [{'amount': '£142,300', 'deflator_factor': '1.7161', 'quantity': '104/514'}]
    """
    return _reading(ledger.lines, enrolled=ledger.enrolled)


def _reading(lines: pd.DataFrame, *, enrolled: int) -> pd.DataFrame:
    out = lines.copy()
    exact, factor = lines["amount"].astype(float), lines["deflator_factor"].astype(float)
    quantity, total = lines["quantity"].astype(float), lines["real_total"].astype(float)
    # an amount in whole pounds where that does not move the total by a pound; else with its pence
    # (participants' time per place, £1,926.41: × 1.62 × 104 places, the pence are £70)
    pounds = (exact.round(0) * factor * quantity - total).abs() < 0.5
    amount = exact.where(~pounds, exact.round(0)).where(pounds, exact.round(2))

    def close(d: int) -> bool:
        shown = amount * factor.round(d)  # within a pound of the real amount and total shown
        return bool((((shown - lines["real_amount"].round(0)).abs() < 1)
                     & ((shown * quantity - total.round(0)).abs() < 1)).all())

    places = next((d for d in range(2, 9) if close(d)), 8)
    out["amount"] = [_money(a, 0 if whole else 2) for a, whole in zip(amount, pounds, strict=True)]
    out["deflator_factor"] = [f"{f:.{places}f}" for f in factor]

    def times(row: pd.Series) -> str:
        q = float(row["quantity"])
        if row["level"] == "programme" and 0 < q < 1 and enrolled > 0:
            whole = round(enrolled / q)
            if abs(enrolled / whole - q) < 1e-9:
                return f"{enrolled}/{whole}"
            return f"{q:.6f}"
        return f"{q:,.0f}" if q == round(q) else f"{q:.6f}"

    out["quantity"] = [times(row) for _, row in lines.iterrows()]
    return out
