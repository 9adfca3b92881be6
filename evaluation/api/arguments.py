"""The evaluator's arguments checked as the API's functions take them: a programme, a cohort's
number, names from a list; and warnings recorded while a report's tables were computed, raised
again where the evaluator called.

Each check raises one sentence naming the parameter, what it got and what is allowed. One name
chosen from a list (a report, ``by=``) is checked by
:func:`evaluation.core.checks.check_choice`, as in every other layer.
"""

from __future__ import annotations

import copy
import dataclasses
import numbers
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from evaluation.core import errors
from evaluation.core.checks import shown as _shown
from evaluation.core.errors import EvaluationWarning, ParameterError
from evaluation.core.paths import shown_path
from evaluation.data import params as _params

__all__ = ["check_bool", "check_names", "cohort_key", "cohort_number", "fresh", "programme_name", "rewarn"]


def programme_name(programme: Any, params_dir: Path, parameter: str = "programme") -> str:
    """A programme with parameters under ``params_dir``; anything else is refused, naming ``parameter``
    and the programmes there are."""
    known = _params.list_programmes(params_dir)
    if not isinstance(programme, str) or programme not in known:
        raise ParameterError(
            f"`{parameter}` must be one of {', '.join(repr(p) for p in known) or '(none found)'} "
            f"(folders of {params_dir} with a programme.yaml); got {programme!r}")
    return programme


def cohort_number(cohort: Any, programme: str, params_dir: Path) -> int:
    """``2`` or ``"2"`` → 2; anything else, or a cohort without parameters, is refused in one sentence."""
    number = cohort_key(cohort)
    known = _params.list_cohorts(params_dir, programme)
    if number is None or number not in known:
        raise ParameterError(
            f"`cohort` must be the number of a cohort of {programme!r} with parameters "
            f"({', '.join(str(k) for k in known) or 'none'}: {shown_path(Path(params_dir) / programme)}/cohort-<n>.yaml); "
            f"got {cohort!r}")
    return number


def check_names(value: Any, parameter: str, allowed: Sequence[str]) -> list[str] | None:
    """``value`` (a name or several) as a list, each one of ``allowed``; None stays None.

    Anything else (a number, a mapping, an empty list, a name not allowed) is refused with a
    :class:`ParameterError` naming ``parameter`` and the names allowed.

    Examples
    --------
    >>> check_names("self", "raters", ["self", "line_manager"])
    ['self']
    >>> check_names(5, "raters", ["self", "line_manager"])
    Traceback (most recent call last):
    ...
    evaluation.core.errors.ParameterError: `raters` must name one or more of 'self', 'line_manager' (a string or a list of strings); got 5 (int)
    """
    if value is None:
        return None
    if isinstance(value, str):
        values = [value]
    elif isinstance(value, Iterable) and not isinstance(value, (Mapping, bytes)):
        values = list(value)
    else:
        values = []
    if not values or any(not isinstance(v, str) or v not in allowed for v in values):
        raise ParameterError(f"`{parameter}` must name one or more of {', '.join(repr(a) for a in allowed)} "
                             f"(a string or a list of strings); got {_shown(value)}")
    return values


def check_bool(value: Any, parameter: str) -> bool:
    """``True`` or ``False`` (numpy's too); a string such as ``"no"`` or a number is refused.

    Examples
    --------
    >>> check_bool("no", "disclosure")
    Traceback (most recent call last):
    ...
    evaluation.core.errors.ParameterError: `disclosure` must be True or False; got 'no' (str)
    """
    if not isinstance(value, (bool, np.bool_)):
        raise ParameterError(f"`{parameter}` must be True or False; got {_shown(value)}")
    return bool(value)


def cohort_key(value: Any) -> int | None:
    """A cohort's number as :func:`cohort_number` reads it (``2``, ``"2"``), without checking it exists."""
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def rewarn(notes: list[dict], prefix: str = "", *, stacklevel: int = 3) -> None:
    """Raise again, in the caller's caller (``stacklevel``), the warnings a report's computation
    recorded (its ``notes``)."""
    for note in notes:
        category = getattr(errors, note["warning"], EvaluationWarning)
        warnings.warn(prefix + note["message"], category, stacklevel=stacklevel)


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
