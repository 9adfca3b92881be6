"""Spread of places across council areas: the Lorenz curve and the workforce-weighted Gini."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from evaluation.core.vocabulary import NON_COUNCIL_AREAS
from evaluation.stats.equity._common import _warn

__all__ = ["NON_COUNCIL_AREAS", "gini", "lorenz_curve"]



def lorenz_curve(
    places: Sequence[float],
    workforce: Sequence[float],
    labels: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The Lorenz curve of places against the workforce, units sorted by places per 1,000.

    Parameters
    ----------
    places, workforce : sequence of float
        Places (participants) and eligible workforce per unit (council area).
    labels : sequence of str, optional
        Unit names.

    Returns
    -------
    DataFrame
        ``unit, rate_per_1000, cum_workforce_share, cum_places_share``: a first row at the
        origin, then one row per unit in ascending order of rate (stable on ties).

    Warns
    -----
    DegenerateDataWarning
        Units without workforce are left out; no places at all gives NaN shares.

    Examples
    --------
    >>> lorenz_curve([20, 1, 4], [700, 100, 200], ["c", "a", "b"]).round(3)
      unit  rate_per_1000  cum_workforce_share  cum_places_share
    0                 NaN                  0.0              0.00
    1    a         10.000                  0.1              0.04
    2    b         20.000                  0.3              0.20
    3    c         28.571                  1.0              1.00
    """
    x = np.asarray(places, dtype="float64")
    w = np.asarray(workforce, dtype="float64")
    names = [str(s) for s in labels] if labels is not None else [str(i) for i in range(len(x))]
    if x.shape != w.shape or len(names) != len(x):
        raise ValueError("`places`, `workforce` and `labels` must have the same length")
    if (~np.isfinite(x)).any() or (x < 0).any():
        raise ValueError("`places` must be finite and ≥ 0")
    keep = np.isfinite(w) & (w > 0)
    if (~keep).any():
        _warn(f"{int((~keep).sum())} unit(s) without eligible workforce left out of the Lorenz curve")
    x, w = x[keep], w[keep]
    names = [s for s, k in zip(names, keep, strict=True) if k]
    rate = 1000 * x / w
    order = np.argsort(rate, kind="stable")
    total = x.sum()
    if total == 0:
        _warn("no places at all: the Lorenz curve and the Gini coefficient are undefined")
    cum_w = np.concatenate([[0.0], np.cumsum(w[order]) / w.sum()])
    cum_x = np.concatenate([[0.0], np.cumsum(x[order]) / total]) if total > 0 else np.full(len(x) + 1, np.nan)
    return pd.DataFrame({
        "unit": [""] + [names[i] for i in order],
        "rate_per_1000": np.concatenate([[np.nan], rate[order]]),
        "cum_workforce_share": cum_w,
        "cum_places_share": cum_x,
    })


def gini(places: Sequence[float], workforce: Sequence[float]) -> float:
    """Workforce-weighted Gini coefficient of places per head (Brown's formula).

    Parameters
    ----------
    places, workforce : sequence of float
        Places and eligible workforce per unit (council area).

    Returns
    -------
    float
        0 = places exactly proportional to the workforce; towards 1 = concentrated in few
        areas. NaN (with a warning) when there are no places.

    Notes
    -----
    Units are sorted by places per 1,000 (ascending); ``X_k`` is the cumulative share of the
    workforce and ``Y_k`` the cumulative share of places (:func:`lorenz_curve`), and
    ``G = 1 − Σ_k (X_k − X_{k−1})(Y_k + Y_{k−1})`` (Brown 1994; Schneider et al., *Epidemiological
    Bulletin* 22(1), PAHO 2001). Weighting by the workforce is what makes a small island area
    count for its size.

    Examples
    --------
    >>> round(gini([20, 1, 4], [700, 100, 200]), 4)
    0.108
    >>> gini([1, 2, 3], [10, 20, 30])
    0.0
    """
    curve = lorenz_curve(places, workforce)
    x = curve["cum_workforce_share"].to_numpy()
    y = curve["cum_places_share"].to_numpy()
    if np.isnan(y).any():
        return math.nan
    value = 1.0 - float(np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1])))
    return 0.0 if abs(value) < 1e-12 else value
