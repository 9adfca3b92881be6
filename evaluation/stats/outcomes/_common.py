"""Helpers shared by the modules of :mod:`evaluation.stats.outcomes` (private).

Input checks and conversions (numbers, complete pairs, long-format score tables), the sample
mean and SD used throughout, and the warning that marks a statistic the data cannot give.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from evaluation.core.checks import check_columns, check_unique
from evaluation.core.errors import DegenerateDataWarning
from evaluation.core.vocabulary import RATERS

#: Columns of long-format scores: one row per participant × scale × wave × rater.
SCORE_COLUMNS = ("participant_id", "scale", "wave", "rater", "score")
_NAN = math.nan


def _warn(message: str, stacklevel: int = 3) -> None:
    warnings.warn(message, DegenerateDataWarning, stacklevel=stacklevel)


def _to_float(values: Any, name: str) -> np.ndarray:
    """A 1-D float array (NaN for missing) from an array-like or pandas object."""
    try:
        if isinstance(values, pd.Series | pd.Index):
            arr = values.to_numpy(dtype=float, na_value=np.nan)
        else:
            arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"`{name}` must hold numbers (NaN for missing): {exc}") from None
    if arr.ndim != 1:
        raise ValueError(f"`{name}` must be one-dimensional, got shape {arr.shape}")
    if np.isinf(arr).any():
        raise ValueError(f"`{name}` holds infinite values; scores must be finite or NaN")
    return arr


def _pairs(earlier: Any, later: Any) -> tuple[np.ndarray, np.ndarray]:
    """Complete pairs (both sides non-missing), paired by position."""
    if (
        isinstance(earlier, pd.Series)
        and isinstance(later, pd.Series)
        and not earlier.index.equals(later.index)
    ):
        raise ValueError(
            "`earlier` and `later` are pandas Series with different indexes; pairs are taken by "
            "position, so align them first (e.g. both indexed by participant_id, same order)"
        )
    x = _to_float(earlier, "earlier")
    y = _to_float(later, "later")
    if x.size != y.size:
        raise ValueError(
            f"`earlier` and `later` must have the same length (one entry per participant), "
            f"got {x.size} and {y.size}"
        )
    keep = ~(np.isnan(x) | np.isnan(y))
    return x[keep], y[keep]


def _sd(values: np.ndarray) -> float:
    return float(np.std(values, ddof=1)) if values.size >= 2 else _NAN


def _mean(values: np.ndarray) -> float:
    return float(np.mean(values)) if values.size else _NAN


def _prepare_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """Validated copy of the score columns; rows with a missing score dropped.

    ``scores`` must have the columns :data:`SCORE_COLUMNS` (``rater`` may be missing: every
    score is then a self-rating) and at most one row per participant × scale × wave × rater.
    """
    check_columns(scores, [c for c in SCORE_COLUMNS if c != "rater"], "scores")
    data = pd.DataFrame(
        {
            "participant_id": scores["participant_id"].astype(str).to_numpy(),
            "scale": scores["scale"].astype(str).to_numpy(),
            "wave": scores["wave"].astype(str).to_numpy(),
            "rater": _raters(scores),
        }
    )
    try:
        data["score"] = pd.to_numeric(scores["score"], errors="raise").to_numpy(
            dtype=float, na_value=np.nan
        )
    except (TypeError, ValueError) as exc:
        raise ValueError(f"`scores` column `score` must be numeric: {exc}") from None
    check_unique(data, ["participant_id", "scale", "wave", "rater"], "scores")
    return data.loc[data["score"].notna()].reset_index(drop=True)


def _raters(scores: pd.DataFrame) -> np.ndarray:
    """The rater of each row as text; a missing rater (or column) is ``self``."""
    if "rater" not in scores.columns:
        return np.full(len(scores), "self", dtype=object)
    rater = scores["rater"].astype(object)
    return rater.where(rater.notna(), "self").astype(str).to_numpy(dtype=object)


def _rater_key(rater: str) -> tuple[int, str]:
    return (RATERS.index(rater), "") if rater in RATERS else (len(RATERS), rater)
