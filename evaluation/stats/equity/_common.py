"""Helpers shared by the modules of :mod:`evaluation.stats.equity` (private)."""

from __future__ import annotations

import warnings

from evaluation.core.errors import DegenerateDataWarning


def _warn(message: str) -> None:
    warnings.warn(message, DegenerateDataWarning, stacklevel=3)
