"""The evaluator's arguments checked as the API's functions take them: a programme, a cohort's
number, names from a list; and warnings recorded while a report's tables were computed, raised
again where the evaluator called.

Each check raises one sentence naming the parameter, what it got and what is allowed.
"""

from __future__ import annotations

import copy
import dataclasses
import numbers
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evaluation.core import errors
from evaluation.core.errors import EvaluationWarning, ParameterError
from evaluation.data import params as _params

__all__ = ["check_names", "cohort_number", "fresh", "programme_name", "rewarn"]


def programme_name(programme: Any, params_dir: Path) -> str:
    """A programme with parameters under ``params_dir``; anything else is refused, naming those there are."""
    known = _params.list_programmes(params_dir)
    if not isinstance(programme, str) or programme not in known:
        raise ParameterError(
            f"`programme` must be one of {', '.join(repr(p) for p in known) or '(none found)'} "
            f"(folders of {params_dir} with a programme.yaml); got {programme!r}")
    return programme


def cohort_number(cohort: Any, programme: str, params_dir: Path) -> int:
    """``2`` or ``"2"`` → 2; anything else, or a cohort without parameters, is refused in one sentence."""
    number: int | None = None
    if isinstance(cohort, numbers.Integral) and not isinstance(cohort, bool):
        number = int(cohort)
    elif isinstance(cohort, str) and cohort.strip().isdigit():
        number = int(cohort.strip())
    known = _params.list_cohorts(params_dir, programme)
    if number is None or number not in known:
        raise ParameterError(
            f"`cohort` must be the number of a cohort of {programme!r} with parameters "
            f"({', '.join(str(k) for k in known) or 'none'}: params/{programme}/cohort-<n>.yaml); got {cohort!r}")
    return number


def check_names(value: Any, parameter: str, allowed: Sequence[str]) -> list[str] | None:
    """``value`` (a name or several) as a list, each one of ``allowed``; None stays None."""
    if value is None:
        return None
    values = [value] if isinstance(value, str) else list(value)
    unknown = [v for v in values if v not in allowed]
    if unknown or not values:
        raise ValueError(f"`{parameter}` must name one or more of {', '.join(repr(a) for a in allowed)}; "
                         f"got {value!r}")
    return values


def rewarn(notes: list[dict], prefix: str = "") -> None:
    """Raise again, in the caller's caller, the warnings a report's computation recorded (its ``notes``)."""
    for note in notes:
        category = getattr(errors, note["warning"], EvaluationWarning)
        warnings.warn(prefix + note["message"], category, stacklevel=3)


def fresh(result: Any) -> Any:
    """A copy of a kept report result for the caller: its tables copied (``DataFrame.copy``, one
    copy of each column's data, no Python object per row) and its details deep-copied, so that what
    the caller changes in it never reaches the kept result or a later call."""
    tables = {name: frame.copy() for name, frame in result.tables.items()}
    changes: dict[str, Any] = {"tables": tables}
    if getattr(result, "details", None) is not None:
        changes["details"] = copy.deepcopy(dict(result.details))
    if getattr(result, "summaries", None) is not None:
        changes["summaries"] = dict(result.summaries)
    return dataclasses.replace(result, **changes)
