"""Equity of access: who gets places, against the eligible workforce (METHODS, "Equity of access").

Pure functions on DataFrames (inputs are never modified; tidy frames with snake_case columns
come out). They compute on the data as given: disclosure control is applied afterwards by
:mod:`evaluation.reports.equity_report`, which also pools suppressed cells before any statistic that
could otherwise be solved for them (goodness of fit, Gini).

* :mod:`~evaluation.stats.equity.benchmark` — :func:`select_workforce` (the eligible
  population, and the year nearest the cohort's :func:`enrolment_year` for each dimension), :func:`category_counts` (participants and eligible workforce per
  dimension × category);
* :mod:`~evaluation.stats.equity.representation` — :func:`katz_ci`, :func:`classify_band`,
  :func:`representation` (rate per 1,000, shares, representation index, relative likelihood
  with its Katz log CI and the band);
* :mod:`~evaluation.stats.equity.goodness_of_fit` — :func:`goodness_of_fit` (chi-square, or a
  seeded Monte Carlo multinomial test);
* :mod:`~evaluation.stats.equity.spread` — :func:`lorenz_curve`, :func:`gini` (spread of places
  across council areas);
* :mod:`~evaluation.stats.equity.groups` — :func:`completion_by_group`,
  :func:`declaration_rates`.

"Not declared", "prefer not to say" and "not recorded" (a blank) are categories of their own
(:data:`~evaluation.core.vocabulary.UNDECLARED`), never dropped.
"""

from __future__ import annotations

from evaluation.stats.equity._common import category_codes, category_labels
from evaluation.stats.equity.benchmark import (
    ALL_STAFF,
    category_counts,
    enrolment_year,
    select_workforce,
    workforce_populations,
)
from evaluation.stats.equity.goodness_of_fit import GoodnessOfFit, goodness_of_fit
from evaluation.stats.equity.groups import completion_by_group, declaration_rates
from evaluation.stats.equity.representation import (
    BANDS,
    REPRESENTATION_COLUMNS,
    KatzInterval,
    classify_band,
    katz_ci,
    representation,
)
from evaluation.stats.equity.spread import NON_COUNCIL_AREAS, gini, lorenz_curve

__all__ = [
    "ALL_STAFF",
    "BANDS",
    "NON_COUNCIL_AREAS",
    "REPRESENTATION_COLUMNS",
    "category_codes",
    "category_counts",
    "category_labels",
    "classify_band",
    "completion_by_group",
    "declaration_rates",
    "enrolment_year",
    "gini",
    "GoodnessOfFit",
    "KatzInterval",
    "goodness_of_fit",
    "katz_ci",
    "lorenz_curve",
    "representation",
    "select_workforce",
    "workforce_populations",
]
