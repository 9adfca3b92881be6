"""Statistical disclosure control of published tables (CONTRACT section 5.3; METHODS).

Rules, for groups defined by participant characteristics (sector, council area, role level,
framework area, protected characteristics, or combinations):

* **primary suppression**: a count of people from 1 to ``threshold − 1`` is not published, nor
  is any statistic computed from fewer than ``threshold`` people; zero counts are published;
* **secondary suppression**: further cells are suppressed until no suppressed cell can be
  worked out, exactly, from the published cells and the totals they add up to (see
  :func:`protect` for the algorithm and its guarantee);
* shares, rates and ratios of a suppressed cell are suppressed with it.

Whole-cohort results are not suppressed (the totals of a family are published). Suppressed
values become missing (shown as blank in CSV and as "–" in reports), and a ``suppressed``
column says which rows were touched and why (``primary`` / ``secondary``).

Every suppression is also written to a **suppression log** (:data:`LOG_COLUMNS`: table,
dimension, category, column, value, reason). The log holds the original values, so it is for
the evaluator only: it is never published in a report. :mod:`evaluation.reports.equity_report` writes
it beside the evaluator's data (``<data_dir>/disclosure_logs/<programme>/cohort-<n>.csv``).

The modules:

* :mod:`~evaluation.stats.disclosure.audit` — :func:`audit`, the attacker's feasible interval
  of every suppressed cell (a linear programme);
* :mod:`~evaluation.stats.disclosure.attack` and :mod:`~evaluation.stats.disclosure.exact` —
  what a reader can work out from published cells and the lines between them (linear bounds,
  sums, and counts in whole numbers across reports);
* :mod:`~evaluation.stats.disclosure.protect` — :func:`protect`, the engine, on a vector of
  counts and the additive relations ("lines") between them;
* :mod:`~evaluation.stats.disclosure.log` — the suppression log (:func:`protection_log`,
  :func:`empty_log`);
* :mod:`~evaluation.stats.disclosure.tables` — :func:`protect_table` / :func:`suppress`
  (one-dimensional families of a tidy table, each family's cells adding up to a published
  total), :func:`suppress_two_way` (a table crossing two characteristics, with its row and
  column totals), :func:`protect_dimension` (one dimension's categories and declaration
  figures).
"""

from __future__ import annotations

from evaluation.stats.disclosure.audit import Line, audit
from evaluation.stats.disclosure.log import LOG_COLUMNS, SUPPRESSED_LABEL, empty_log, protection_log
from evaluation.stats.disclosure.protect import FLAGS, DisclosureRiskWarning, Protection, protect
from evaluation.stats.disclosure.tables import (
    Suppressed,
    TwoWay,
    protect_dimension,
    protect_table,
    suppress,
    suppress_two_way,
)

__all__ = [
    "FLAGS",
    "LOG_COLUMNS",
    "SUPPRESSED_LABEL",
    "DisclosureRiskWarning",
    "Line",
    "Protection",
    "Suppressed",
    "TwoWay",
    "audit",
    "empty_log",
    "protect",
    "protect_dimension",
    "protect_table",
    "protection_log",
    "suppress",
    "suppress_two_way",
]
