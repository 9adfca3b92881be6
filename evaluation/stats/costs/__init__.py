"""Cost per participant: fully loaded costs in real prices, C(n) = F + v·n, and their uncertainty.

The conventions are those of ``METHODS.md`` ("Costs"): HM Treasury Green Book real prices and
discounting, Phillips & Phillips fully loaded costs, the PSSRU unit-cost schema for staff time.
Pure functions on DataFrames: inputs are never modified; frozen dataclasses and tidy frames
come out; bad input raises :class:`ValueError` naming the parameter and column and what is
allowed; figures that cannot be computed (nobody completed, nobody reliably improved) are NaN
with a :class:`~evaluation.core.errors.DegenerateDataWarning`, never ``inf`` and never a silent zero.

* :mod:`~evaluation.stats.costs.prices` — :func:`deflate` (nominal pounds to real base-year
  prices with the GDP deflator), :func:`money_unit`, :func:`present_value` (Green Book
  discounting, only for streams spanning several years);
* :mod:`~evaluation.stats.costs.apportion` — :func:`apportion` (programme-level cost lines
  shared out to cohorts by enrolled participants);
* :mod:`~evaluation.stats.costs.participant_time` — :func:`participant_time` (hours × hourly
  cost by role level, :class:`StaffTime`);
* :mod:`~evaluation.stats.costs.ledger` — :func:`cost_ledger` (one cohort's fully loaded cost
  lines in real prices, split into the fixed part F and the per-participant part v: a
  :class:`Ledger`);
* :mod:`~evaluation.stats.costs.measures` — :func:`cost_measures`, :func:`cost_summary` (total,
  fixed and variable cost, cost per enrolled participant, per completer and per reliable
  improver, the cost of another cohort, each in the economic view and in cash:
  ``tables/cost_summary.csv``), :func:`costs_by_category`
  (``tables/costs_by_category.csv``);
* :mod:`~evaluation.stats.costs.curve` — :func:`cost_curve` (C(n) and the average cost as a
  programme grows, with cohort step costs);
* :mod:`~evaluation.stats.costs.uncertainty` — :func:`bootstrap_costs` (seeded percentile
  intervals, resampling participants with their cost and outcome together — as multinomial
  counts over their distinct values — for the cost per reliable improver only), :func:`tornado` (one-way sensitivity over uncertain inputs);
* :mod:`~evaluation.stats.costs.proportion` — :func:`wilson_interval`;
* :mod:`~evaluation.stats.costs.benefits` — :func:`real_benefits`, :func:`benefit_cost`
  (Phillips benefit–cost ratio and ROI %).

Amounts are money in pounds sterling; every money figure comes out in the prices of
``base_year``, which is stored beside it (``price_base_year``) and named in its unit
(:func:`money_unit`).
"""

from __future__ import annotations

from evaluation.stats.costs.apportion import COST_COLUMNS, apportion
from evaluation.stats.costs.benefits import (
    BenefitCost,
    benefit_cost,
    real_benefits,
)
from evaluation.stats.costs.curve import CURVE_ROWS, cost_curve
from evaluation.stats.costs.ledger import (
    LINE_ORDER,
    PARTICIPANT_TIME_SOURCES,
    TIME_CATEGORIES,
    Ledger,
    cost_ledger,
)
from evaluation.stats.costs.measures import (
    BOOTSTRAP_MEASURES,
    COUNT_UNITS,
    MEASURE_DESCRIPTIONS,
    MEASURE_VIEWS,
    SUMMARY_COLUMNS,
    SUMMARY_ORDER,
    BootstrapResult,
    cost_measures,
    cost_summary,
    costs_by_category,
)
from evaluation.stats.costs.participant_time import StaffTime, participant_time
from evaluation.stats.costs.prices import GREEN_BOOK_RATE, deflate, money_unit, present_value
from evaluation.stats.costs.proportion import WilsonInterval, wilson_interval
from evaluation.stats.costs.uncertainty import (
    DEFAULT_RANGES,
    TORNADO_INPUTS,
    TORNADO_MEASURES,
    bootstrap_costs,
    resampled_totals,
    tornado,
)

__all__ = [
    "BOOTSTRAP_MEASURES",
    "COST_COLUMNS",
    "COUNT_UNITS",
    "DEFAULT_RANGES",
    "GREEN_BOOK_RATE",
    "LINE_ORDER",
    "MEASURE_DESCRIPTIONS",
    "MEASURE_VIEWS",
    "PARTICIPANT_TIME_SOURCES",
    "SUMMARY_COLUMNS",
    "SUMMARY_ORDER",
    "TIME_CATEGORIES",
    "TORNADO_INPUTS",
    "TORNADO_MEASURES",
    "BenefitCost",
    "BootstrapResult",
    "Ledger",
    "StaffTime",
    "apportion",
    "benefit_cost",
    "bootstrap_costs",
    "resampled_totals",
    "CURVE_ROWS",
    "cost_curve",
    "cost_ledger",
    "cost_measures",
    "cost_summary",
    "costs_by_category",
    "deflate",
    "money_unit",
    "participant_time",
    "present_value",
    "real_benefits",
    "tornado",
    "WilsonInterval",
    "wilson_interval",
]
