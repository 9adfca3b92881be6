"""Change beside a comparison group: difference-in-differences and Morris's (2008) d_ppc2.

:func:`comparison_group_change` takes the pre and post scores of a treated group and of a
comparison group (two sets of pairs) and gives

* the **difference-in-differences** of mean change, mean(post − pre | treated) −
  mean(post − pre | comparison), with a Welch two-sample t interval on the change scores (the
  default) and the pooled-variance (Student) interval beside it;
* **d_ppc2** (Morris 2008, eq. 8): the difference in mean change divided by the pooled pre-test
  SD, bias-corrected, with a normal-theory interval from Morris's sampling variance (eq. 25).

:func:`~evaluation.stats.outcomes.d_ppc2.d_ppc2_from_summary` (module ``d_ppc2``) computes d_ppc2
and its interval from group summaries (means, pre-test SDs, sizes and the pre–post correlation),
as a meta-analyst would from a published table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.core.checks import check_confidence_level as _check_confidence_level
from evaluation.stats.outcomes._common import _NAN, _mean, _pairs, _sd, _warn
from evaluation.stats.outcomes.d_ppc2 import _d_ppc2

__all__ = ["COMPARISON_GROUP_COLUMNS", "ComparisonGroupChange", "comparison_group_change"]

#: Columns of :meth:`ComparisonGroupChange.to_frame`, one row per statistic.
COMPARISON_GROUP_COLUMNS = (
    "statistic",
    "method",
    "estimate",
    "se",
    "df",
    "ci_low",
    "ci_high",
    "p_value",
    "confidence_level",
    "n_treated",
    "n_comparison",
)


@dataclass(frozen=True)
class ComparisonGroupChange:
    """Difference-in-differences of mean change (Welch and pooled) and d_ppc2.

    ``did_*`` fields are the Welch two-sample t on the change scores (the default);
    ``did_pooled_*`` the Student (pooled-variance) t. ``rho`` is the pooled within-group
    pre–post correlation used in d_ppc2's variance.
    """

    n_treated: int
    n_comparison: int
    mean_change_treated: float
    mean_change_comparison: float
    sd_change_treated: float
    sd_change_comparison: float
    did: float
    did_se: float
    did_df: float
    did_ci_low: float
    did_ci_high: float
    did_p_value: float
    did_pooled_se: float
    did_pooled_df: float
    did_pooled_ci_low: float
    did_pooled_ci_high: float
    did_pooled_p_value: float
    d_ppc2: float
    d_ppc2_variance: float
    d_ppc2_ci_low: float
    d_ppc2_ci_high: float
    sd_pre_pooled: float
    rho: float
    confidence_level: float

    def to_frame(self) -> pd.DataFrame:
        """One tidy row per statistic, columns :data:`COMPARISON_GROUP_COLUMNS`.

        Examples
        --------
        >>> res = comparison_group_change([3, 4, 2, 5], [4, 5, 4, 6], [3, 4, 3, 4], [3, 5, 3, 4])
        >>> res.to_frame()[["statistic", "method"]].values.tolist()
        [['did', 'welch'], ['did', 'pooled'], ['d_ppc2', 'morris_eq25_normal']]
        """
        common = {
            "confidence_level": self.confidence_level,
            "n_treated": self.n_treated,
            "n_comparison": self.n_comparison,
        }
        rows = [
            {
                "statistic": "did",
                "method": "welch",
                "estimate": self.did,
                "se": self.did_se,
                "df": self.did_df,
                "ci_low": self.did_ci_low,
                "ci_high": self.did_ci_high,
                "p_value": self.did_p_value,
            },
            {
                "statistic": "did",
                "method": "pooled",
                "estimate": self.did,
                "se": self.did_pooled_se,
                "df": self.did_pooled_df,
                "ci_low": self.did_pooled_ci_low,
                "ci_high": self.did_pooled_ci_high,
                "p_value": self.did_pooled_p_value,
            },
            {
                "statistic": "d_ppc2",
                "method": "morris_eq25_normal",
                "estimate": self.d_ppc2,
                "se": math.sqrt(self.d_ppc2_variance) if self.d_ppc2_variance >= 0 else _NAN,
                "df": _NAN,
                "ci_low": self.d_ppc2_ci_low,
                "ci_high": self.d_ppc2_ci_high,
                "p_value": _NAN,
            },
        ]
        return pd.DataFrame([{**row, **common} for row in rows], columns=COMPARISON_GROUP_COLUMNS)


def _t_interval(estimate: float, se: float, df: float, level: float) -> tuple[float, float, float]:
    """(ci_low, ci_high, two-sided p) of a t statistic; NaN when se is 0 or not finite."""
    if not (math.isfinite(se) and se > 0 and math.isfinite(df) and df > 0):
        return _NAN, _NAN, _NAN
    q = float(stats.t.ppf(1 - (1 - level) / 2, df))
    p = float(2 * stats.t.sf(abs(estimate / se), df))
    return estimate - q * se, estimate + q * se, p


def _pooled_rho(
    pre_t: np.ndarray, post_t: np.ndarray, pre_c: np.ndarray, post_c: np.ndarray
) -> float:
    """Pooled within-group pre–post correlation (group means removed), NaN if a wave has no variance."""
    n = pre_t.size + pre_c.size
    if pre_t.size < 2 or pre_c.size < 2:
        return _NAN
    x = np.concatenate([pre_t - pre_t.mean(), pre_c - pre_c.mean()])
    y = np.concatenate([post_t - post_t.mean(), post_c - post_c.mean()])
    sxx, syy, sxy = (x @ x) / (n - 2), (y @ y) / (n - 2), (x @ y) / (n - 2)
    if not (sxx > 0 and syy > 0):
        return _NAN
    return float(np.clip(sxy / math.sqrt(sxx * syy), -1.0, 1.0))


def comparison_group_change(
    pre_treated,
    post_treated,
    pre_comparison,
    post_comparison,
    *,
    confidence_level: float = 0.95,
) -> ComparisonGroupChange:
    """Difference-in-differences of mean change and Morris's d_ppc2, each with its interval.

    Parameters
    ----------
    pre_treated, post_treated : array-like of float
        The treated group's (the programme's participants') scores at the earlier and the later
        wave, paired by position; pairs with a NaN on either side are dropped.
    pre_comparison, post_comparison : array-like of float
        The same for the comparison group.
    confidence_level : float, default 0.95

    Returns
    -------
    ComparisonGroupChange
        Use :meth:`ComparisonGroupChange.to_frame` for a tidy table. Statistics the data cannot
        give are NaN with a :class:`~evaluation.core.errors.DegenerateDataWarning` (fewer than 2
        pairs in a group, no variance in the changes or at pre-test).

    Notes
    -----
    Change = post − pre (positive = higher later). DiD = mean change (treated) − mean change
    (comparison), an unstandardised effect in scale points.

    * **Welch (default)**: SE = sqrt(s²_T/n_T + s²_C/n_C) of the change scores, df by
      Welch–Satterthwaite, t interval and two-sided p; R's ``t.test(chg_T, chg_C)``. It is the
      default because a comparison group is rarely the same size as the programme group and
      need not change as variably, and Student's t is miscalibrated exactly when unequal sizes
      meet unequal variances; when variances are equal Welch loses little (Delacre, Lakens &
      Leys 2017, *International Review of Social Psychology* 30(1)).
    * **Pooled**: s²_p = ((n_T − 1)s²_T + (n_C − 1)s²_C)/(n_T + n_C − 2), SE = s_p sqrt(1/n_T +
      1/n_C), df = n_T + n_C − 2; R's ``t.test(chg_T, chg_C, var.equal = TRUE)``.

    d_ppc2 is :func:`d_ppc2_from_summary` (Morris 2008, eqs. 8 and 25) on the groups' pre/post
    means, pre-test SDs (ddof = 1) and sizes. ρ is the **pooled within-group pre–post
    correlation**: each group's scores are centred on that group's own pre and post means, and
    ρ = Σ(x − x̄_g)(y − ȳ_g) / sqrt(Σ(x − x̄_g)² · Σ(y − ȳ_g)²) over both groups together, i.e.
    the pooled covariance over the square root of the pooled pre and post variances (each with
    n_T + n_C − 2 df). Centring within group keeps a difference between the groups' means from
    posing as correlation. The interval is normal-theory: d_ppc2 ± z_(1−α/2) sqrt(σ²(d_ppc2)).

    Examples
    --------
    >>> res = comparison_group_change(
    ...     [3.0, 3.5, 2.5, 4.0, 3.0], [3.5, 4.5, 3.0, 4.5, 4.0],
    ...     [3.0, 3.5, 3.0, 4.0, 2.5, 3.5], [3.0, 3.5, 3.5, 4.0, 2.5, 3.5])
    >>> round(res.did, 3), round(res.did_ci_low, 3) < res.did < round(res.did_ci_high, 3)
    (0.617, True)
    >>> round(res.d_ppc2, 3), round(res.rho, 3)
    (1.034, 0.913)
    """
    level = _check_confidence_level(confidence_level)
    pre_t, post_t = _named_pairs(pre_treated, post_treated, "pre_treated", "post_treated")
    pre_c, post_c = _named_pairs(
        pre_comparison, post_comparison, "pre_comparison", "post_comparison"
    )
    n_t, n_c = int(pre_t.size), int(pre_c.size)
    chg_t, chg_c = post_t - pre_t, post_c - pre_c
    m_t, m_c = _mean(chg_t), _mean(chg_c)
    s_t, s_c = _sd(chg_t), _sd(chg_c)
    did = m_t - m_c
    welch = pooled = (_NAN, _NAN, _NAN, _NAN, _NAN)
    if n_t < 2 or n_c < 2:
        _warn(
            f"difference-in-differences: each group needs at least 2 pairs "
            f"(treated {n_t}, comparison {n_c})"
        )
    elif s_t == 0 and s_c == 0:
        _warn("difference-in-differences: nobody's change differs from their group's mean change")
    else:
        v_t, v_c = s_t**2 / n_t, s_c**2 / n_c
        se = math.sqrt(v_t + v_c)
        df = (v_t + v_c) ** 2 / (v_t**2 / (n_t - 1) + v_c**2 / (n_c - 1))
        welch = (se, df, *_t_interval(did, se, df, level))
        df_p = n_t + n_c - 2
        sp = math.sqrt(((n_t - 1) * s_t**2 + (n_c - 1) * s_c**2) / df_p)
        se_p = sp * math.sqrt(1 / n_t + 1 / n_c)
        pooled = (se_p, float(df_p), *_t_interval(did, se_p, df_p, level))
    rho = _pooled_rho(pre_t, post_t, pre_c, post_c)
    dp = _d_ppc2(
        _mean(post_t) - _mean(pre_t),
        _mean(post_c) - _mean(pre_c),
        _sd(pre_t),
        _sd(pre_c),
        n_t,
        n_c,
        rho,
        level,
    )
    return ComparisonGroupChange(
        n_t, n_c, m_t, m_c, s_t, s_c, did, *welch, *pooled,
        dp.d_ppc2, dp.variance, dp.ci_low, dp.ci_high, dp.sd_pre_pooled, rho, level,
    )  # fmt: skip


def _named_pairs(
    earlier: Any, later: Any, e_name: str, l_name: str
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_pairs` with errors naming this function's parameters."""
    try:
        return _pairs(earlier, later)
    except ValueError as exc:
        message = str(exc).replace("`earlier`", f"`{e_name}`").replace("`later`", f"`{l_name}`")
        raise ValueError(message) from None
