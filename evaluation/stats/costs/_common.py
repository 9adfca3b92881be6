"""Helpers shared by the modules of :mod:`evaluation.stats.costs` (private)."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from typing import Any

from evaluation.core.checks import listed
from evaluation.core.errors import DegenerateDataWarning

_NAN = math.nan


def _warn(message: str, stacklevel: int = 3) -> None:
    warnings.warn(message, DegenerateDataWarning, stacklevel=stacklevel)


def _listed(values: Iterable[Any]) -> str:
    """The distinct values as text, sorted and quoted (:func:`~evaluation.core.checks.listed`)."""
    return listed(sorted({str(v) for v in values}))
