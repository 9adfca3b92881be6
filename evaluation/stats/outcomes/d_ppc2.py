"""Morris's (2008) d_ppc2 from group summaries, with its eq. 25 variance and normal interval.

:func:`d_ppc2_from_summary` takes the treated and comparison groups' pre/post means, pre-test
SDs, sizes and a pre–post correlation, as a meta-analyst would read them from a published table;
:func:`~evaluation.stats.outcomes.comparison_group.comparison_group_change` computes the same
from participants' scores.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from evaluation.core.checks import check_confidence_level as _check_confidence_level
from evaluation.stats.outcomes._common import _NAN, _warn

__all__ = ["DPpc2", "d_ppc2_from_summary"]


@dataclass(frozen=True)
class DPpc2:
    """Morris's d_ppc2, its sampling variance (eq. 25) and normal-theory interval."""

    d_ppc2: float
    variance: float
    ci_low: float
    ci_high: float
    sd_pre_pooled: float
    c_p: float
    rho: float
    n_treated: int
    n_comparison: int
    confidence_level: float


def _check_n(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise ValueError(f"`{name}` must be a non-negative integer (a group size), got {value!r}")
    return int(value)


def _check_number(value: Any, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"`{name}` must be a number, got {value!r}") from None
    if math.isinf(number):
        raise ValueError(f"`{name}` must be finite (or NaN for unknown), got {value!r}")
    return number


def d_ppc2_from_summary(
    mean_pre_treated: float,
    mean_post_treated: float,
    sd_pre_treated: float,
    n_treated: int,
    mean_pre_comparison: float,
    mean_post_comparison: float,
    sd_pre_comparison: float,
    n_comparison: int,
    rho: float,
    *,
    confidence_level: float = 0.95,
) -> DPpc2:
    """Morris's (2008) d_ppc2 with its eq. 25 variance and normal-theory interval, from summaries.

    Parameters
    ----------
    mean_pre_treated, mean_post_treated, sd_pre_treated, n_treated : float, float, float, int
        The treated group's pre-test and post-test means, pre-test SD (ddof = 1) and size.
    mean_pre_comparison, mean_post_comparison, sd_pre_comparison, n_comparison : float, float, float, int
        The same for the comparison group.
    rho : float
        The pre–post correlation (in [−1, 1]; NaN if unknown, which gives a NaN variance).
    confidence_level : float, default 0.95

    Returns
    -------
    DPpc2
        NaN (with a :class:`~evaluation.core.errors.DegenerateDataWarning`) where the data cannot
        give a value: a group smaller than 2, a pooled pre-test SD of 0, n_T + n_C ≤ 4 or an
        unknown ρ (variance and interval only).

    Notes
    -----
    Morris (2008), "Estimating effect sizes from pretest-posttest-control group designs",
    *Organizational Research Methods* 11(2), 364–386, eqs. 8 and 25:

    * SD_pre,pooled = sqrt(((n_T − 1) SD²_pre,T + (n_C − 1) SD²_pre,C) / (n_T + n_C − 2));
    * c_p = 1 − 3 / (4 (n_T + n_C − 2) − 1);
    * d_ppc2 = c_p · [(M_post,T − M_pre,T) − (M_post,C − M_pre,C)] / SD_pre,pooled;
    * σ²(d_ppc2) = 2 c_p² (1 − ρ) · (n_T + n_C)/(n_T n_C) · (n_T + n_C − 2)/(n_T + n_C − 4)
      · [1 + δ² / (2 (1 − ρ) (n_T + n_C)/(n_T n_C))] − δ², with δ estimated by d_ppc2;
    * interval: d_ppc2 ± z_(1−α/2) · σ (normal theory, as Morris's variance is meant to be used).

    The variance assumes equal population pre-test SDs in the two groups and the same ρ in both.
    metafor's worked Morris (2008) page uses the large-sample approximation
    2 (1 − ρ)(1/n_T + 1/n_C) + d²/(2 (n_T + n_C)), which is close to eq. 25 for moderate n.

    Examples
    --------
    Morris's (2008) first Carlson & Schmidt (1999) study (Table 5: d_ppc2 = 0.77):

    >>> res = d_ppc2_from_summary(30.6, 38.5, 15.0, 20, 23.1, 19.7, 13.8, 20, rho=0.47)
    >>> round(res.d_ppc2, 2), round(res.variance, 3)
    (0.77, 0.116)
    """
    level = _check_confidence_level(confidence_level)
    n_t, n_c = _check_n(n_treated, "n_treated"), _check_n(n_comparison, "n_comparison")
    values = {
        name: _check_number(value, name)
        for name, value in (
            ("mean_pre_treated", mean_pre_treated),
            ("mean_post_treated", mean_post_treated),
            ("sd_pre_treated", sd_pre_treated),
            ("mean_pre_comparison", mean_pre_comparison),
            ("mean_post_comparison", mean_post_comparison),
            ("sd_pre_comparison", sd_pre_comparison),
            ("rho", rho),
        )
    }
    for name in ("sd_pre_treated", "sd_pre_comparison"):
        if values[name] < 0:
            raise ValueError(f"`{name}` must be a standard deviation (≥ 0), got {values[name]!r}")
    r = values["rho"]
    if not math.isnan(r) and not -1 <= r <= 1:
        raise ValueError(f"`rho` must be a correlation in [-1, 1] (or NaN if unknown), got {r!r}")
    return _d_ppc2(
        values["mean_post_treated"] - values["mean_pre_treated"],
        values["mean_post_comparison"] - values["mean_pre_comparison"],
        values["sd_pre_treated"],
        values["sd_pre_comparison"],
        n_t,
        n_c,
        r,
        level,
    )


def _d_ppc2(
    change_t: float,
    change_c: float,
    sd_pre_t: float,
    sd_pre_c: float,
    n_t: int,
    n_c: int,
    rho: float,
    level: float,
) -> DPpc2:
    """:func:`d_ppc2_from_summary` on checked values."""
    nan = DPpc2(_NAN, _NAN, _NAN, _NAN, _NAN, _NAN, rho, n_t, n_c, level)
    if n_t < 2 or n_c < 2:
        _warn(f"d_ppc2: each group needs at least 2 pairs (treated {n_t}, comparison {n_c})", 4)
        return nan
    n = n_t + n_c
    sd_pool = math.sqrt(((n_t - 1) * sd_pre_t**2 + (n_c - 1) * sd_pre_c**2) / (n - 2))
    c_p = 1 - 3 / (4 * (n - 2) - 1)
    if not sd_pool > 0:
        _warn("d_ppc2: the pooled pre-test SD is 0 (no one's pre-test score differs)", 4)
        return DPpc2(_NAN, _NAN, _NAN, _NAN, sd_pool, c_p, rho, n_t, n_c, level)
    d = c_p * (change_t - change_c) / sd_pool
    variance = _NAN
    if n <= 4:
        _warn(f"d_ppc2 variance: Morris's eq. 25 needs n_T + n_C > 4, got {n}", 4)
    elif math.isnan(rho):
        _warn("d_ppc2 variance: the pre-post correlation is undefined (no variance at a wave)", 4)
    else:
        a = 2 * (1 - rho) * n / (n_t * n_c)
        if a > 0:
            variance = c_p**2 * a * (n - 2) / (n - 4) * (1 + d**2 / a) - d**2
        else:  # ρ = 1: the δ²/a term is then read as its limit, a·(1 + δ²/a) = a + δ²
            variance = c_p**2 * (n - 2) / (n - 4) * d**2 - d**2
    low = high = _NAN
    if math.isfinite(variance) and variance > 0:
        z = float(stats.norm.ppf(1 - (1 - level) / 2))
        low, high = d - z * math.sqrt(variance), d + z * math.sqrt(variance)
    return DPpc2(d, variance, low, high, sd_pool, c_p, rho, n_t, n_c, level)
