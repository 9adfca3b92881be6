"""Feldt's confidence interval of Cronbach's alpha, from alpha, n and k alone (:func:`feldt_interval`)."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

from evaluation.core.checks import check_confidence_level as _check_confidence_level

__all__ = ["feldt_interval"]


def feldt_interval(alpha: Any, n: Any, k_items: Any, *, confidence_level: float = 0.95) -> tuple[Any, Any]:
    """Feldt's interval of Cronbach's alpha, for one alpha or a column of them.

    Parameters
    ----------
    alpha : float or array-like
        Cronbach's alpha.
    n : int or array-like
        Complete rows the alpha was computed from (persons answering every item).
    k_items : int or array-like
        Items of the scale.
    confidence_level : float, default 0.95
        Coverage of the interval, in (0, 1).

    Returns
    -------
    (low, high)
        Floats for scalar arguments, arrays otherwise; NaN where alpha is NaN or ``n`` < 2 or
        ``k_items`` < 2.

    Notes
    -----
    With a = 1 − confidence_level, df1 = n − 1, df2 = (n − 1)(k − 1) (Feldt 1965; Feldt,
    Woodruff & Salih 1987; METHODS.md, Reliability):

        [1 − (1 − alpha)·F(1 − a/2; df1, df2),  1 − (1 − alpha)·F(a/2; df1, df2)]

    The interval :func:`~evaluation.stats.reliability.cronbach_alpha` reports (the same
    arithmetic), so a published table's interval can be given at another level without the
    item answers.

    Examples
    --------
    >>> low, high = feldt_interval(0.9141, 5, 3)
    >>> round(low, 3), round(high, 3)
    (0.566, 0.99)
    >>> low, high = feldt_interval([0.9141, 0.8], [5, 40], [3, 6], confidence_level=0.9)
    >>> low.round(3).tolist(), high.round(3).tolist()
    ([0.67, 0.708], [0.986, 0.872])
    """
    level = _check_confidence_level(confidence_level)
    scalar = all(np.ndim(v) == 0 for v in (alpha, n, k_items))
    alpha, n, k = (np.asarray(v, dtype=float) for v in (alpha, n, k_items))
    a = 1.0 - level
    df1, df2 = n - 1, (n - 1) * (k - 1)
    usable = (df1 > 0) & (df2 > 0)
    df1, df2 = np.where(usable, df1, np.nan), np.where(usable, df2, np.nan)
    low = 1.0 - (1.0 - alpha) * stats.f.ppf(1.0 - a / 2.0, df1, df2)
    high = 1.0 - (1.0 - alpha) * stats.f.ppf(a / 2.0, df1, df2)
    return (float(low), float(high)) if scalar else (low, high)
