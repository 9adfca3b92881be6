"""The published files the differencing audit reads, and the checks that need no linear
programme: the tables (read back, and hashed), the findings and the index page's headlines.

:mod:`evaluation.publish.disclosure_audit` asks which cells a reader can work out from the
tables (scipy's linear programmes); this module holds what the command's own process needs to
check a report whose tables were audited elsewhere (a child of the report kernels' fork server,
:mod:`evaluation.publish.pipeline`), so that it does not import scipy: which tables are audited,
their hashes (the audit's reply names the bytes it read), and the findings and headlines that
must add nothing to the tables.
"""

from __future__ import annotations

from pathlib import Path

from evaluation.core.errors import EvaluationError
from evaluation.core.io import read_csv_if_exists, read_json, read_text, sha256_file
from evaluation.publish.cohort_index import INDEX_FILE, index_outside_findings
from evaluation.publish.findings_audit import findings_outside_tables

__all__ = ["AUDITED_TABLES", "DisclosureAuditError", "read_tables", "statements_outside_tables", "table_hashes"]

#: The published tables the audit reads (file stems under ``tables/``).
AUDITED_TABLES = ("attrition", "outcomes", "breakdowns", "equity", "equity_council_areas", "equity_completion",
                  "equity_declaration", "equity_outcome_change")


class DisclosureAuditError(EvaluationError):
    """The published tables would let a reader work out a suppressed or small count or statistic."""


def read_tables(folder: Path | str, stems=None) -> dict:
    """The CSV tables under ``<folder>/tables/`` read back as a reader would, by file stem
    (only ``stems``, if given), in the order of their names."""
    tables = {}
    for path in sorted((Path(folder) / "tables").glob("*.csv")):
        if stems is None or path.stem in stems:
            frame = read_csv_if_exists(path)
            if frame is not None:
                tables[path.stem] = frame
    return tables


def table_hashes(folder: Path | str) -> dict[str, str]:
    """SHA-256 of each audited table under ``<folder>/tables/`` (:data:`AUDITED_TABLES`), by
    file stem: what an audit's result is valid for."""
    tables = Path(folder) / "tables"
    return {stem: sha256_file(tables / f"{stem}.csv") for stem in AUDITED_TABLES if (tables / f"{stem}.csv").is_file()}


def statements_outside_tables(folder: Path | str, tables: dict) -> list[str]:
    """What ``findings.json`` and the index page say beyond the ``tables`` (read by
    :func:`read_tables`): a finding's value or interval that is not a cell of the table it cites
    (:func:`evaluation.publish.findings_audit.findings_outside_tables`), and a headline of
    ``index.html`` that is not a finding's statement, word for word
    (:func:`evaluation.publish.cohort_index.index_outside_findings`)."""
    folder = Path(folder)
    findings = read_json(folder / "findings.json") if (folder / "findings.json").is_file() else None
    problems = findings_outside_tables(findings, tables) if findings is not None else []
    if (folder / INDEX_FILE).is_file():  # the index page's headlines are findings, word for word
        problems += index_outside_findings(read_text(folder / INDEX_FILE), findings or [])
    return problems
