"""What every report shares: the :class:`Finding`, the :class:`ReportResult` and report notes.

Each report module (:mod:`~evaluation.reports.outcome_report`,
:mod:`~evaluation.reports.cost_report`, :mod:`~evaluation.reports.equity_report`) builds one
:class:`ReportResult` for a cohort with its ``build`` function: the tables it publishes (by the
name of their file in ``tables/``), its headline findings, its plain-language summary and the
objects behind them.
"""

from __future__ import annotations

import html
import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from evaluation.core.errors import EvaluationWarning

__all__ = ["Finding", "ReportResult", "TablesResult", "collect_warnings", "findings_frame"]

FINDING_FIELDS = ("id", "statement", "value", "ci_low", "ci_high", "unit", "table")


def _number(x: Any) -> float | None:
    if x is None or pd.isna(x):
        return None
    x = float(x)
    return None if math.isnan(x) else x


@dataclass(frozen=True)
class Finding:
    """One headline finding of a report, as published in ``findings.json``.

    Parameters
    ----------
    id : str
        Stable identifier, e.g. ``outcomes.pre_post.self.leading_change.d_z``.
    statement : str
        The finding in one plain sentence.
    value, ci_low, ci_high : float or None
        The number and its confidence interval (None where there is none).
    unit : str
        What ``value`` is measured in.
    table : str
        The published table (``tables/<table>.csv``) that holds the number.

    Examples
    --------
    >>> f = Finding("attrition.scored_both", "80 of 100 have both scores.", 0.8, None, None,
    ...             "share of enrolled", "attrition")
    >>> f.as_dict()["value"], f.as_dict()["ci_low"]
    (0.8, None)
    """

    id: str
    statement: str
    value: float | None
    ci_low: float | None
    ci_high: float | None
    unit: str
    table: str

    def __post_init__(self) -> None:
        for name in ("value", "ci_low", "ci_high"):
            object.__setattr__(self, name, _number(getattr(self, name)))

    def as_dict(self) -> dict[str, Any]:
        """The finding as the JSON object of ``findings.json``."""
        return {name: getattr(self, name) for name in FINDING_FIELDS}


def findings_frame(findings: list[Finding] | tuple[Finding, ...]) -> pd.DataFrame:
    """Findings as a tidy table with the columns of ``findings.json``, sorted by id."""
    rows = sorted((f.as_dict() for f in findings), key=lambda f: f["id"])
    return pd.DataFrame(rows, columns=list(FINDING_FIELDS)).astype(
        {"value": "float64", "ci_low": "float64", "ci_high": "float64"})


class TablesResult:
    """What every report result shares: its published ``tables`` by name and its ``findings``.

    Subclasses (frozen dataclasses) name themselves in error messages with :attr:`label`.
    """

    tables: Mapping[str, pd.DataFrame]
    findings: tuple[Finding, ...]
    label = "the report"

    def table(self, name: str) -> pd.DataFrame:
        """One published table by name (a copy); a clear error lists the names there are."""
        if name not in self.tables:
            raise KeyError(f"{self.label} has no table {name!r}; it has: {', '.join(self.tables)}")
        return self.tables[name].copy()

    def findings_frame(self) -> pd.DataFrame:
        """The findings as a table (``findings.json``; see :func:`findings_frame`)."""
        return findings_frame(self.findings)


@dataclass(frozen=True, repr=False)
class ReportResult(TablesResult):
    """Everything one report says about one cohort.

    Attributes
    ----------
    report : str
        ``"outcomes"``, ``"costs"`` or ``"equity"``.
    programme : str
    cohort : int
    tables : mapping of str to DataFrame
        The published tables, by the name of their file (``tables/<name>.csv``).
    findings : tuple of Finding
        The headline findings (``findings.json``).
    summary : str
        The plain-language summary for commissioners (Markdown).
    details : mapping
        The objects behind the tables (e.g. the cost ledger, the bootstrap draws); the equity
        report's disclosure log is here and is never published.
    """

    report: str
    programme: str
    cohort: int
    tables: Mapping[str, pd.DataFrame]
    findings: tuple[Finding, ...]
    summary: str
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:  # noqa: D102
        return f"the {self.report} report"

    def __repr__(self) -> str:
        return (f"<ReportResult {self.report}: {self.programme} cohort {self.cohort}, "
                f"{len(self.tables)} tables, {len(self.findings)} findings>")

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td><code>{html.escape(name)}</code></td><td>{len(frame):,} × {frame.shape[1]}</td></tr>"
            for name, frame in self.tables.items())
        return (f"<div><strong>{html.escape(self.report.capitalize())} report</strong>: "
                f"{html.escape(self.programme)}, cohort {self.cohort}; {len(self.findings)} findings "
                f"(<code>.findings_frame()</code>), summary in <code>.summary</code>."
                f"<table><thead><tr><th>table</th><th>rows × columns</th></tr></thead>"
                f"<tbody>{rows}</tbody></table></div>")


def collect_warnings(notes: list[dict], source: str, func: Callable[[], Any]) -> Any:
    """Run ``func`` and keep the workbench's warnings as report notes (``source, warning,
    message``) instead of stderr; other warnings pass on unchanged."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", EvaluationWarning)
        result = func()
    for w in caught:
        if issubclass(w.category, EvaluationWarning):
            notes.append({"source": source, "warning": w.category.__name__, "message": str(w.message)})
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return result
