"""The comparison of programmes: programmes side by side, with every difference that limits it.

Built from two or more :class:`~evaluation.data.programme.ProgrammeData` (Leading to Deliver
and the Collaborative Leadership pilot by default), for ``reports/comparison/``:

* :func:`comparison_tables` (:mod:`~evaluation.reports.comparison_report.tables`): the tables
  ``programme_profiles``, ``programme_comparison`` and ``comparison_limits``;
* :func:`comparison_findings` and :func:`comparison_findings_for` (ids ``comparison.…``), and
  :func:`comparison_summary_markdown`, the plain-language summary
  (:mod:`~evaluation.reports.comparison_report.text`);
* :func:`build`: all of it at once.

The differences between programmes (:mod:`evaluation.reports.comparison_limits`) are stated
beside every number: the summary never puts two programmes' figures side by side without them.
Everything here is about whole programmes: nothing is broken down by participant
characteristics, so nothing is suppressed (CONTRACT section 5.3).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from evaluation.data.programme import ProgrammeData
from evaluation.reports.comparison_report.tables import (
    COMPARED_CHANGE,
    COMPARISON_COLUMNS,
    ProgrammeFigures,
    comparison_tables,
    programme_figures,
    programme_rows,
)
from evaluation.reports.comparison_report.text import (
    DEFAULT_PROGRAMMES,
    VERDICT_WORDS,
    change_verdict,
    comparison_findings,
    comparison_findings_for,
    comparison_summary_markdown,
    scale_titles,
)
from evaluation.reports.findings import Finding, TablesResult

__all__ = [
    "COMPARED_CHANGE",
    "COMPARISON_COLUMNS",
    "DEFAULT_PROGRAMMES",
    "PUBLISHED",
    "ComparisonResult",
    "ProgrammeFigures",
    "VERDICT_WORDS",
    "build",
    "change_verdict",
    "comparison_findings",
    "comparison_findings_for",
    "comparison_summary_markdown",
    "comparison_tables",
    "programme_figures",
    "programme_rows",
    "scale_titles",
]

#: The tables the report publishes (``tables/<name>.csv``).
PUBLISHED = ("programme_profiles", "programme_comparison", "comparison_limits", "comparison_notes")


@dataclass(frozen=True, repr=False)
class ComparisonResult(TablesResult):
    """Everything the comparison of programmes says: its tables, findings and summary."""

    label = "the comparison"

    programmes: tuple[str, ...]
    tables: Mapping[str, pd.DataFrame]
    findings: tuple[Finding, ...]
    summary: str
    details: Mapping[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return (f"<ComparisonResult {' vs '.join(self.programmes)}: {len(self.tables)} tables, "
                f"{len(self.findings)} findings>")


def build(programmes: Sequence[ProgrammeData]) -> ComparisonResult:
    """The comparison of programmes: its tables (by file name), findings and summary.

    ``details`` holds the :class:`ProgrammeFigures` of each programme (``figures``).

    Examples
    --------
    >>> from evaluation.data.programme import load_programme_data
    >>> result = build([load_programme_data(p) for p in DEFAULT_PROGRAMMES])
    >>> result.table("comparison_limits")["label"].tolist()
    ['eligible population', "costing of participants' time", 'reliability used and how many people it rests on',
     'follow-up', 'cohort sizes', 'number of cohorts']
    """
    tables = comparison_tables(programmes)
    published = {"programme_profiles": tables["programme_profiles"],
                 "programme_comparison": tables["programme_comparison"],
                 "comparison_limits": tables["comparison_limits"], "comparison_notes": tables["notes"]}
    return ComparisonResult(
        programmes=tuple(p.name for p in programmes), tables=published,
        findings=tuple(comparison_findings(programmes, tables)), summary=comparison_summary_markdown(tables),
        details={"figures": tables["figures"]})
