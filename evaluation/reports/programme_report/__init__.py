"""The programme report: is a programme working across its cohorts, for whom, at what cost?

Built from :class:`~evaluation.data.programme.ProgrammeData` (every cohort of one programme).
Its modules each compute one part of the report's tables and findings:

* :mod:`~evaluation.reports.programme_report.outcomes`: each cohort's change per scale × rater,
  pooled by random effects (:func:`evaluation.stats.pooling.pool`); the outcome trends and every
  outcome table together in :mod:`~evaluation.reports.programme_report.outcome_trends` (words and
  findings in :mod:`~evaluation.reports.programme_report.outcome_text`);
* :mod:`~evaluation.reports.programme_report.costs`: cost per place and per reliable improver
  across cohorts, in real prices;
* :mod:`~evaluation.reports.programme_report.equity`: equity of access pooled over cohorts
  (words and findings in :mod:`~evaluation.reports.programme_report.equity_text`);
* :mod:`~evaluation.reports.programme_report.where`: where the programme works and where it is
  blocked (change by framework area, role level and sector, pooled over cohorts), and
  :mod:`~evaluation.reports.programme_report.success_cases`, the evaluator-only success-case frame;
* :mod:`~evaluation.reports.programme_report.evidence`: the evidence against the policy's questions;
* :mod:`~evaluation.reports.programme_report.cohorts`: two cohorts side by side.

:func:`build` computes the whole report (what the notebook ``programme_evaluation`` publishes) and
:func:`programme_findings` its findings, which ``verify`` re-derives.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from evaluation.data.programme import ProgrammeData
from evaluation.reports.findings import Finding, TablesResult, collect_warnings
from evaluation.reports.programme_report.costs import (
    cost_findings,
    cost_summary_markdown,
    cost_trends,
)
from evaluation.reports.programme_report.equity import pooled_equity
from evaluation.reports.programme_report.equity_text import equity_findings, equity_summary_markdown
from evaluation.reports.programme_report.evidence import evidence_markdown, evidence_summary
from evaluation.reports.programme_report.outcome_text import (
    outcome_findings,
    outcome_summary,
    trend_summary,
)
from evaluation.reports.programme_report.outcome_trends import programme_outcome_tables
from evaluation.reports.programme_report.plans import CohortPlans
from evaluation.reports.programme_report.where import where_findings, where_it_works, where_summary

__all__ = ["ProgrammeReport", "build", "programme_findings"]


@dataclass(frozen=True, repr=False)
class ProgrammeReport(TablesResult):
    """Everything the programme report says: its published tables (by file name; ``notes``: the
    workbench's warnings while building it, ``source, warning, message``, as a cohort report's
    notes), findings and the summary of each section (Markdown). ``details`` holds what is never
    published (the pooled equity's disclosure log)."""

    label = "the programme report"

    programme: str
    cohorts: tuple[int, ...]
    tables: Mapping[str, pd.DataFrame]
    findings: tuple[Finding, ...]
    summaries: Mapping[str, str]
    details: Mapping[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return (f"<ProgrammeReport {self.programme}: cohorts {', '.join(map(str, self.cohorts))}; "
                f"{len(self.tables)} tables, {len(self.findings)} findings>")

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td><code>{html.escape(n)}</code></td><td>{len(t):,} × {t.shape[1]}</td></tr>"
                       for n, t in self.tables.items())
        return (f"<div><strong>Programme report</strong>: {html.escape(self.programme)}, cohorts "
                f"{html.escape(', '.join(map(str, self.cohorts)))}; {len(self.findings)} findings "
                "(<code>.findings_frame()</code>), summaries in <code>.summaries</code>.<table><thead><tr><th>table"
                f"</th><th>rows × columns</th></tr></thead><tbody>{rows}</tbody></table></div>")


def build(data: ProgrammeData) -> ProgrammeReport:
    """The whole programme report: the tables and findings the notebook publishes, and its summaries."""
    tables = dict(programme_outcome_tables(data))
    notes = tables.pop("outcome_notes")
    # the workbench's warnings become the report's data notes, as a cohort report's do, never
    # stderr on the page (the outcome notes are the outcome section's own)
    said: list[dict] = []
    tables["cost_trends"] = collect_warnings(said, "cost_trends", lambda: cost_trends(data))
    plans = CohortPlans()  # each cohort's disclosure plan, made once for both sections that read it
    pooled = collect_warnings(said, "equity_pooled", lambda: pooled_equity(data, plans=plans))
    tables["equity_pooled"] = pooled.tables["equity_pooled"]
    tables["where_it_works"] = collect_warnings(said, "where_it_works", lambda: where_it_works(
        data, equity_pooled=tables["equity_pooled"], plans=plans))
    tables["evidence_summary"] = evidence_summary(tables, data)
    found = (outcome_findings(data, {**tables, "outcome_notes": notes})
             + cost_findings(data, tables["cost_trends"])
             + equity_findings(data, pooled)
             + where_findings(data, tables["where_it_works"]))
    summaries = {
        "outcomes": outcome_summary({**tables, "outcome_notes": notes}, data),
        "trends": trend_summary({**tables, "outcome_notes": notes}, data),
        "costs": cost_summary_markdown(tables["cost_trends"]),
        "equity": equity_summary_markdown(pooled, data),
        "where": where_summary(data, tables["where_it_works"]),
        "evidence": evidence_markdown(tables["evidence_summary"]),
    }
    tables["notes"] = pd.DataFrame(said, columns=["source", "warning", "message"]).drop_duplicates(ignore_index=True)
    return ProgrammeReport(data.name, tuple(data.cohorts), tables, tuple(sorted(found, key=lambda f: f.id)),
                           summaries, {"outcome_notes": notes, "equity_log": pooled.log, "equity_notes": pooled.notes,
                           "equity_band": pooled.band})


def programme_findings(data: ProgrammeData) -> list[Finding]:
    """The programme report's findings (``findings.json``), as the notebook publishes them."""
    return list(build(data).findings)
