"""The cost-per-participant report: tables, findings and summary for one cohort.

The notebook ``notebooks/cost_per_participant.ipynb`` calls this module and displays what it
returns; it computes nothing itself. The arithmetic is in :mod:`evaluation.stats.costs`; this module
gathers a cohort's inputs (processed cost lines, deflators, staff hourly costs, enrolment of
every cohort, reliable improvers on the primary scale) and assembles:

* :func:`cohort_costs` — one cohort's ledger, reliable improvers and bootstrap;
* :func:`benchmark_comparison` — the published benchmarks (source and price year stated) in
  base-year prices beside the cohort's cash and economic cost per place
  (:mod:`~evaluation.reports.cost_report.benchmarks`);
* :func:`cost_tables` — every table of the report: ``cost_summary`` and ``costs_by_category``
  (CONTRACT section 4), ``cost_ledger``, ``cost_curve``, ``tornado``, ``bootstrap``,
  ``benchmarks``, ``reliable_improvement``, ``programme_comparison``, ``non_monetised``,
  ``benefit_cost`` (when monetised benefits are supplied) and ``notes``;
* :func:`cost_findings` — the headline findings (ids ``costs.…``), and
  :func:`cost_findings_for`, which re-derives them from a :class:`~evaluation.data.cohort.CohortData`
  (used by ``python -m evaluation verify``);
* :func:`cost_summary_markdown` — the plain-language summary for commissioners.

Reliable improvers. A participant reliably improved when their reliable change index on the
cohort's primary scale (self-ratings), over the cohort's first comparison (normally
``pre_post``), is above 1.96 in the direction of improvement (Jacobson & Truax 1991, via
:func:`evaluation.stats.outcomes.reliable_change_by_person`, with the reliability rule of
:func:`evaluation.data.cohort.rci_reliability`). Participants without both scores count as **not
improved** when costs per improver are worked out: Phillips' principle 6 — no data, no
improvement — so the cost per improver is never flattered by drop-outs.

Every figure here is about a whole cohort (or a whole programme): nothing is broken down by
participant characteristics, so no disclosure control is needed (CONTRACT section 5.3).
"""

from __future__ import annotations

from pathlib import Path

from evaluation.data.cohort import CohortData
from evaluation.reports.cost_report.benchmarks import (
    BENCHMARK_CITATION,
    BENCHMARK_PRICE_YEAR,
    BENCHMARK_PRICE_YEAR_BASIS,
    BENCHMARKS,
    benchmark_comparison,
)
from evaluation.reports.cost_report.findings_text import cost_findings, cost_findings_for
from evaluation.reports.cost_report.tables import (
    CONTRACT_CATEGORY_COLUMNS,
    CONTRACT_MEASURES,
    CONTRACT_SUMMARY_COLUMNS,
    TORNADO_DISPLAY,
    CohortCosts,
    cohort_costs,
    cost_tables,
    ledger_for_reading,
    programme_comparison,
    reliable_improvement,
)
from evaluation.reports.cost_report.text import cost_summary_markdown
from evaluation.reports.findings import ReportResult

__all__ = [
    "PUBLISHED",
    "build",
    "BENCHMARK_CITATION",
    "BENCHMARK_PRICE_YEAR",
    "BENCHMARK_PRICE_YEAR_BASIS",
    "BENCHMARKS",
    "CONTRACT_CATEGORY_COLUMNS",
    "CONTRACT_MEASURES",
    "CONTRACT_SUMMARY_COLUMNS",
    "TORNADO_DISPLAY",
    "CohortCosts",
    "benchmark_comparison",
    "cohort_costs",
    "cost_findings",
    "cost_findings_for",
    "cost_summary_markdown",
    "cost_tables",
    "ledger_for_reading",
    "programme_comparison",
    "reliable_improvement",
]

#: The file (``tables/<name>.csv``) under which the report notebook publishes each table.
PUBLISHED = {"cost_summary": "cost_summary", "costs_by_category": "costs_by_category", "cost_ledger": "cost_ledger",
             "cost_curve": "cost_curve", "tornado": "cost_tornado", "bootstrap": "cost_bootstrap",
             "reliable_improvement": "cost_reliable_improvement", "benchmarks": "cost_benchmarks",
             "programme_comparison": "cost_programme_comparison", "benefit_cost": "cost_benefit",
             "non_monetised": "cost_non_monetised_outcomes", "notes": "cost_notes"}


def build(
    data: CohortData,
    *,
    data_dir: Path | str | None = None,
    params_dir: Path | str | None = None,
    comparison: bool = True,
) -> ReportResult:
    """The cost report of one cohort: its tables, findings and summary.

    ``details`` holds the :class:`CohortCosts` (``cohort_costs``: the ledger, the bootstrap)
    and the bootstrap draws (``bootstrap_draws``), which are not published as tables.
    """
    tables = cost_tables(data, data_dir=data_dir, params_dir=params_dir, comparison=comparison)
    return ReportResult(
        report="costs", programme=data.programme.name, cohort=data.cohort.cohort,
        tables={PUBLISHED[name]: frame for name, frame in tables.items() if name in PUBLISHED},
        findings=tuple(cost_findings(tables, data)), summary=cost_summary_markdown(tables, data),
        details={name: value for name, value in tables.items() if name not in PUBLISHED},
    )
