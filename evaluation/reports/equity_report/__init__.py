"""The equity-of-access report: tables, findings and summary for one cohort, after disclosure control.

The notebook ``notebooks/equity_of_access.ipynb`` calls this module and displays what it
returns; it computes nothing itself.

* :func:`equity_tables` computes every table of the report from a :class:`CohortData`,
  after disclosure control (:mod:`evaluation.stats.disclosure`), and returns them with the
  suppression log;
* :mod:`~evaluation.reports.equity_report.pooled` computes the goodness of fit and the
  council-area spread on pooled cells (national bodies outside the spread);
* :func:`equity_findings` derives the headline findings (ids ``equity.…``);
* :func:`equity_summary` writes the plain-language summary for commissioners;
* :func:`write_disclosure_log` keeps the suppression log with the evaluator's data.

Disclosure control (CONTRACT section 5.3), dimension by dimension:

* the counts of participants per category form one family whose total (the cohort) is
  published; the number who declared the characteristic and the number who did not (behind
  the declaration rate, a whole-cohort figure) are linked to it. :func:`~evaluation.stats.disclosure.protect`
  suppresses counts from 1 to ``threshold − 1`` and then further cells until no suppressed
  count can be worked out from the published cells and totals;
* every figure of a suppressed row — rate, shares, representation index, relative
  likelihood and its CI, the band — is suppressed with it, in every table (completion and
  outcome tables suppress the same groups);
* if the reference category of a dimension is suppressed (its count could be recovered from
  any relative likelihood), the largest published category is used instead and a note says so;
* the goodness-of-fit test and the Lorenz curve and Gini coefficient are computed after
  pooling the suppressed categories into one, so that neither can be solved for them; a test
  whose number of places would reveal a withheld group is not computed;
* the **suppression log** (what was suppressed, its value and why) is for the evaluator
  only: it is returned beside the tables (:attr:`EquityResult.log`), never published, and
  :func:`write_disclosure_log` writes it to ``<data_dir>/disclosure_logs/<programme>/
  cohort-<n>.csv`` — outside ``reports/``, next to the (personal) data it was derived from.
"""

from __future__ import annotations

from evaluation.data.cohort import CohortData
from evaluation.reports.equity_report.outcome_change import NO_GROUP_CHANGE_TEXT
from evaluation.reports.equity_report.tables import (
    EQUITY_COLUMNS,
    MONTE_CARLO_DRAWS,
    EquityResult,
    disclosure_log_path,
    equity_tables,
    label,
    write_disclosure_log,
)
from evaluation.reports.equity_report.text import (
    equity_findings,
    equity_findings_for,
    equity_summary,
)
from evaluation.reports.findings import ReportResult

__all__ = [
    "NO_GROUP_CHANGE_TEXT",
    "PUBLISHED",
    "build",
    "EQUITY_COLUMNS",
    "MONTE_CARLO_DRAWS",
    "EquityResult",
    "disclosure_log_path",
    "equity_findings",
    "equity_findings_for",
    "equity_summary",
    "equity_tables",
    "label",
    "write_disclosure_log",
]

#: The file (``tables/<name>.csv``) under which the report notebook publishes each table.
PUBLISHED = {"equity": "equity", "goodness_of_fit": "equity_goodness_of_fit",
             "council_areas": "equity_council_areas", "lorenz": "equity_lorenz", "spread": "equity_spread",
             "completion": "equity_completion", "outcome_change": "equity_outcome_change",
             "declaration": "equity_declaration", "notes": "equity_notes"}


def build(data: CohortData) -> ReportResult:
    """The equity-of-access report of one cohort: its tables, findings and summary.

    ``details`` holds the disclosure log (``disclosure_log``: what was suppressed and why,
    never published), the reference categories and the workforce year of each dimension.
    """
    result = equity_tables(data)
    return ReportResult(
        report="equity", programme=data.programme.name, cohort=data.cohort.cohort,
        tables={PUBLISHED[name]: frame for name, frame in result.tables.items()},
        findings=tuple(equity_findings(result, data)), summary=equity_summary(result, data),
        details={"disclosure_log": result.log, "references": result.references,
                 "workforce_years": result.workforce_years},
    )
