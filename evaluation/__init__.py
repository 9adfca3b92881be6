"""Leadership programme evaluation workbench: the evaluator's API.

Questionnaire, attendance and cost data from public-sector leadership programmes in, evidence
out: validated and pseudonymised data, scored scales and their reliability, pre/post outcomes,
cost per participant and equity of access.

>>> import evaluation as ev
>>> cohort = ev.load_cohort("leading-to-deliver", 2)     # doctest: +SKIP
>>> cohort.outcomes(by="role_level")                      # doctest: +SKIP

The front door (:mod:`evaluation.api`):

* :func:`load_cohort`, :func:`load_programme`, :func:`list_programmes`, :func:`list_cohorts`;
* :class:`Cohort` (``.outcomes()``, ``.reliability()``, ``.costs()``, ``.equity()``,
  ``.report(name)``, ``.findings()``) and :class:`Programme`;
* :class:`Finding` and :class:`ReportResult`, the shape every report returns;
* the errors and warnings: :class:`EvaluationError`, :class:`ParameterError`,
  :class:`DataValidationError`, :class:`DegenerateDataWarning`,
  :class:`DisclosureControlOffWarning`.

The layers beneath, lowest first (each imports only those below it): :mod:`evaluation.core`,
:mod:`evaluation.stats`, :mod:`evaluation.data`, :mod:`evaluation.reports`,
:mod:`evaluation.viz`, :mod:`evaluation.publish`; the command line is :mod:`evaluation.cli`.

Importing the package has no side effects: it reads no file, changes no setting (matplotlib's
included) and imports nothing heavy; each name loads its module on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

from evaluation.core.version import __version__

#: Public name → the module that defines it (imported on first use).
_EXPORTS = {
    "load_cohort": "evaluation.api",
    "load_programme": "evaluation.api",
    "list_programmes": "evaluation.api",
    "list_cohorts": "evaluation.api",
    "Cohort": "evaluation.api",
    "Programme": "evaluation.api",
    "compare_programmes": "evaluation.api",
    "Finding": "evaluation.reports.findings",
    "ReportResult": "evaluation.reports.findings",
    "EvaluationError": "evaluation.core.errors",
    "ParameterError": "evaluation.core.errors",
    "DataValidationError": "evaluation.core.errors",
    "EvaluationWarning": "evaluation.core.errors",
    "DegenerateDataWarning": "evaluation.core.errors",
    "DisclosureControlOffWarning": "evaluation.core.errors",
    "wide_to_long": "evaluation.data.convert",
}
_LAYERS = ("core", "stats", "data", "reports", "viz", "publish", "api", "cli")

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    if name in _LAYERS:
        return importlib.import_module(f"evaluation.{name}")
    raise AttributeError(f"module 'evaluation' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS, *_LAYERS])
