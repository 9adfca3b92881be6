"""What every report shares: findings and the report notes collected from warnings."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from evaluation.core.errors import EvaluationWarning

__all__ = ["collect_warnings"]


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
