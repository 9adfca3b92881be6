"""Random-effects pooling of cohorts' estimates (METHODS.md, "Across cohorts and programmes").

* :func:`pool` — REML τ² (never negative), the Hartung–Knapp–Sidik–Jonkman interval with the
  ad hoc correction, τ², I², H², Cochran's Q with its df and p, and a prediction interval, as R
  metafor's ``rma(yi, vi, method = "REML", test = "adhoc")`` and ``predict()`` give them;
* :func:`se_from_t_interval` — the standard error behind a t interval (a cohort's mean change);
* :func:`pool_table` — :func:`pool` per group of a long table with one row per cohort.

Written by hand on purpose: statsmodels' ``combine_effects`` (0.15) does not floor τ² at 0, so
when Q < df it returns a negative τ², negative-variance weights and too small a standard error.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from evaluation.core.checks import check_columns as _check_columns
from evaluation.core.checks import check_confidence_level as _check_confidence_level
from evaluation.core.checks import check_unique as _check_unique
from evaluation.core.errors import EvaluationWarning
from evaluation.core.results import ResultDisplay

__all__ = [
    "POOLING_METHOD",
    "PooledEstimate",
    "FewEstimatesWarning",
    "PoolingWarning",
    "pool",
    "pool_table",
    "se_from_t_interval",
]

POOLING_METHOD = "random effects, REML tau2 (floored at 0), HKSJ interval with ad hoc correction"
#: Below this many estimates :func:`pool` warns: τ² and I² rest on almost nothing.
FEW_ESTIMATES = 3
#: Convergence tolerance on τ² (metafor's default threshold is 1e-5; this is tighter).
TAU2_TOLERANCE = 1e-12


class PoolingWarning(EvaluationWarning):
    """Pooling ran but rests on little: very few estimates, or REML τ² did not converge."""


class FewEstimatesWarning(PoolingWarning):
    """The :class:`PoolingWarning` of a pooling over fewer than :data:`FEW_ESTIMATES` estimates
    (a caller that pools many rows can say it once, in its own words)."""


@dataclass(frozen=True, repr=False)
class PooledEstimate(ResultDisplay):
    """A random-effects pooled estimate with its heterogeneity (see :func:`pool`).

    ``weights`` are the random-effects weights as proportions (summing to 1), in input order,
    and ``labels`` name the estimates they belong to. ``i2`` is a proportion (metafor prints
    ``100 * i2``).
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    statistic: float
    p_value: float
    df: int
    tau2: float
    tau: float
    i2: float
    h2: float
    q: float
    q_df: int
    q_p: float
    pi_low: float
    pi_high: float
    k: int
    weights: tuple[float, ...]
    labels: tuple[str, ...]
    hksj_scale: float
    confidence_level: float
    method: str = POOLING_METHOD
    tau2_method: str = "REML"
    interval_method: str = "HKSJ, ad hoc (no narrower than Wald), t on k - 1 df"

    def to_frame(self) -> pd.DataFrame:
        """One tidy row: the pooled estimate and its heterogeneity (weights left out)."""
        skip = {"weights", "labels"}
        row = {name: getattr(self, name) for name in self.__dataclass_fields__ if name not in skip}
        return pd.DataFrame([row])

    def weights_frame(self) -> pd.DataFrame:
        """The random-effects weight of each estimate: columns ``label`` and ``weight``."""
        return pd.DataFrame({"label": list(self.labels), "weight": list(self.weights)})


def _as_vector(values: Any, parameter: str) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"`{parameter}` must be a sequence of numbers; got {values!r}") from error
    if array.ndim != 1:
        raise ValueError(f"`{parameter}` must be one-dimensional; got shape {array.shape}")
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise ValueError(f"`{parameter}` must be finite numbers; positions {bad.tolist()} are not "
                         f"({array[bad].tolist()})")
    return array


def _reml_score(tau2: float, y: np.ndarray, v: np.ndarray) -> float:
    """Derivative of the restricted log-likelihood in τ² (times 2): yᵀP²y − tr(P)."""
    w = 1.0 / (v + tau2)
    mu = np.sum(w * y) / np.sum(w)
    resid = y - mu
    # P = W - W 1 1' W / sum(w); P y = w * resid; tr(P) = sum(w) - sum(w^2)/sum(w)
    return float(np.sum((w * resid) ** 2) - (np.sum(w) - np.sum(w**2) / np.sum(w)))


def _reml_tau2(y: np.ndarray, v: np.ndarray) -> tuple[float, bool]:
    """REML τ² on [0, ∞): the root of the score, or 0 when the score is negative at 0."""
    if _reml_score(0.0, y, v) <= 0:
        return 0.0, True
    upper = max(float(np.var(y, ddof=1)), float(np.max(v)), 1e-8)
    for _ in range(60):
        if _reml_score(upper, y, v) < 0:
            break
        upper *= 2
    else:
        return math.nan, False
    try:
        root = optimize.brentq(_reml_score, 0.0, upper, args=(y, v), xtol=TAU2_TOLERANCE, rtol=1e-14,
                               maxiter=500)
    except (RuntimeError, ValueError):
        return math.nan, False
    return float(root), True


def pool(
    estimates: Sequence[float] | np.ndarray | pd.Series,
    variances: Sequence[float] | np.ndarray | pd.Series | None = None,
    *,
    se: Sequence[float] | np.ndarray | pd.Series | None = None,
    confidence_level: float = 0.95,
    labels: Sequence[Any] | None = None,
) -> PooledEstimate:
    """Pool k estimates by random effects as metafor's ``rma(method = "REML", test = "adhoc")``.

    Parameters
    ----------
    estimates : sequence of float
        One estimate per cohort (e.g. mean change in scale points, or g_av).
    variances : sequence of float, optional
        Their sampling variances (all > 0). Give either ``variances`` or ``se``.
    se : sequence of float, optional
        Their standard errors (all > 0); ``variances = se**2``.
    confidence_level : float, default 0.95
        For the confidence and prediction intervals.
    labels : sequence, optional
        Names of the estimates (e.g. cohorts), kept with the weights; default ``"1"``, ``"2"``…

    Returns
    -------
    PooledEstimate
        Estimate, se, interval, t statistic and p (df = k − 1), τ², τ, I², H², Q (df, p),
        prediction interval, weights.

    Raises
    ------
    ValueError
        Fewer than 2 estimates, lengths that differ, values that are not finite, variances or
        standard errors that are not > 0, both or neither of ``variances`` and ``se``.

    Warns
    -----
    PoolingWarning
        With fewer than :data:`FEW_ESTIMATES` estimates (:class:`FewEstimatesWarning`), or when REML τ² does not converge
        (τ² is then NaN and so is everything that depends on it).

    Notes
    -----
    With yᵢ, vᵢ (i = 1…k):

    * Q = Σ wᵢ(yᵢ − ȳ_FE)², wᵢ = 1/vᵢ, on k − 1 df, p from χ²(k − 1) (Cochran's Q).
    * τ² maximises the restricted (REML) log-likelihood on [0, ∞) (Viechtbauer 2005): the root
      of yᵀP²y − tr(P) = 0 with P = W − W11ᵀW/ΣW, W = diag(1/(vᵢ + τ²)); τ² = 0 when that score
      is negative at 0. It is never negative.
    * μ̂ = Σ wᵢ*yᵢ / Σ wᵢ*, wᵢ* = 1/(vᵢ + τ²).
    * HKSJ (Hartung & Knapp 2001; Sidik & Jonkman 2002; Knapp & Hartung 2003):
      s² = Σ wᵢ*(yᵢ − μ̂)²/(k − 1); the ad hoc correction (Knapp & Hartung 2003; IntHout,
      Ioannidis & Borm 2014) uses max(1, s²), so the interval is never narrower than the Wald
      one: SE = √(max(1, s²)/Σ wᵢ*), interval μ̂ ± t(k − 1, 1 − α/2)·SE, t = μ̂/SE.
    * I² = τ²/(τ² + ṽ), H² = (τ² + ṽ)/ṽ with the typical within-study variance
      ṽ = (k − 1)ΣWᵢ/((ΣWᵢ)² − ΣWᵢ²) (Higgins & Thompson 2002, as metafor computes them from
      τ²; with DerSimonian–Laird's τ² this is (Q − df)/Q).
    * Prediction interval, as metafor's ``predict()`` under ``test = "adhoc"``:
      μ̂ ± t(k − 1, 1 − α/2)·√(SE² + τ²) (Higgins, Thompson & Spiegelhalter 2009).

    Checked against metafor 3.8.1 (Viechtbauer 2010) in ``tests/reference/pooling.R``.

    Examples
    --------
    Five cohorts close together: Q < df, so τ² = 0 and the pooled estimate is the fixed-effect
    one, with a t interval on 4 df.

    >>> r = pool([0.12, 0.16, 0.10, 0.18, 0.14], se=[0.06, 0.05, 0.07, 0.06, 0.05],
    ...          labels=[1, 2, 3, 4, 5])
    >>> round(r.estimate, 4), round(r.se, 4), round(r.ci_low, 3), round(r.ci_high, 3)
    (0.1435, 0.0253, 0.073, 0.214)
    >>> r.tau2, r.i2, round(r.q, 2), r.q_df
    (0.0, 0.0, 1.02, 4)
    >>> r.to_frame()[["estimate", "tau2", "q_p"]].round(3)
       estimate  tau2    q_p
    0     0.143   0.0  0.906
    """
    level = _check_confidence_level(confidence_level)
    y = _as_vector(estimates, "estimates")
    if (variances is None) == (se is None):
        raise ValueError("give exactly one of `variances` and `se` (standard errors)")
    name = "variances" if se is None else "se"
    spread = _as_vector(variances if se is None else se, name)
    if spread.shape != y.shape:
        raise ValueError(f"`{name}` must have one value per estimate: {y.size} estimates, "
                         f"{spread.size} {name}")
    if np.any(spread <= 0):
        bad = np.flatnonzero(spread <= 0).tolist()
        raise ValueError(f"`{name}` must all be > 0; positions {bad} are not ({spread[bad].tolist()})")
    k = int(y.size)
    if k < 2:
        raise ValueError(f"`estimates` must hold at least 2 estimates to pool; got {k}")
    if labels is None:
        names = tuple(str(i + 1) for i in range(k))
    else:
        names = tuple(str(label) for label in labels)
        if len(names) != k:
            raise ValueError(f"`labels` must have one label per estimate: {k} estimates, {len(names)} labels")
    v = spread if se is None else spread**2
    if k < FEW_ESTIMATES:
        warnings.warn(f"pooling {k} estimates: tau2, I2 and the t interval on {k - 1} df rest on "
                      "very little; read the interval, not the point", FewEstimatesWarning, stacklevel=2)

    w_fe = 1.0 / v
    mu_fe = np.sum(w_fe * y) / np.sum(w_fe)
    q = float(np.sum(w_fe * (y - mu_fe) ** 2))
    q_df = k - 1
    q_p = float(stats.chi2.sf(q, q_df))

    tau2, converged = _reml_tau2(y, v)
    if not converged:
        warnings.warn("REML tau2 did not converge; the pooled estimate is NaN", PoolingWarning, stacklevel=2)
    w = 1.0 / (v + tau2)
    mu = float(np.sum(w * y) / np.sum(w))
    hksj_scale = float(np.sum(w * (y - mu) ** 2) / q_df)
    se_mu = math.sqrt(max(1.0, hksj_scale) / np.sum(w)) if converged else math.nan
    crit = float(stats.t.ppf(1 - (1 - level) / 2, q_df))
    statistic = mu / se_mu
    p_value = float(2 * stats.t.sf(abs(statistic), q_df)) if converged else math.nan
    typical = q_df * np.sum(w_fe) / (np.sum(w_fe) ** 2 - np.sum(w_fe**2))
    pi_half = crit * math.sqrt(se_mu**2 + tau2)
    return PooledEstimate(
        estimate=mu, se=se_mu, ci_low=mu - crit * se_mu, ci_high=mu + crit * se_mu,
        statistic=float(statistic), p_value=p_value, df=q_df,
        tau2=tau2, tau=math.sqrt(tau2), i2=float(tau2 / (tau2 + typical)), h2=float((tau2 + typical) / typical),
        q=q, q_df=q_df, q_p=q_p, pi_low=mu - pi_half, pi_high=mu + pi_half, k=k,
        weights=tuple(float(x) for x in w / np.sum(w)), labels=names, hksj_scale=hksj_scale,
        confidence_level=level,
    )


def se_from_t_interval(ci_low: Any, ci_high: Any, df: Any, *, confidence_level: float = 0.95) -> np.ndarray:
    """The standard error behind a t interval: (ci_high − ci_low) / (2·t(df, 1 − α/2)).

    This is how a cohort's mean change (a paired t interval with df = n − 1 in the outcomes
    table) becomes the ``se`` that :func:`pool` needs.

    Examples
    --------
    >>> from scipy import stats
    >>> half = stats.t.ppf(0.975, 24) * 0.05
    >>> se_from_t_interval([0.2 - half], [0.2 + half], [24]).round(6)
    array([0.05])
    """
    level = _check_confidence_level(confidence_level)
    low, high, dof = (np.asarray(x, dtype=float) for x in (ci_low, ci_high, df))
    if np.any(~(dof > 0)):
        raise ValueError(f"`df` must all be > 0; got {dof.tolist()}")
    if np.any(~(high >= low)):
        raise ValueError("`ci_high` must be at least `ci_low` on every row")
    return (high - low) / (2 * stats.t.ppf(1 - (1 - level) / 2, dof))


def pool_table(
    frame: pd.DataFrame,
    *,
    by: Sequence[str] = (),
    label: str = "cohort",
    estimate: str = "estimate",
    se: str = "se",
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """:func:`pool` per group of a long table with one row per cohort (and group).

    Parameters
    ----------
    frame : DataFrame
        Columns ``label`` (default ``cohort``), ``estimate``, ``se`` and those in ``by``
        (e.g. ``scale``, ``rater``). Not modified.
    by : sequence of str
        Columns that split the table into separate poolings.
    label, estimate, se : str
        Column names.
    confidence_level : float, default 0.95

    Returns
    -------
    DataFrame
        One row per group: the ``by`` columns, then :meth:`PooledEstimate.to_frame`'s columns.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"scale": ["leading"] * 3, "cohort": [1, 2, 3],
    ...                   "estimate": [0.10, 0.20, 0.15], "se": [0.05, 0.05, 0.05]})
    >>> pool_table(t, by=["scale"])[["scale", "k", "estimate", "tau2"]].round(3)
         scale  k  estimate  tau2
    0  leading  3      0.15   0.0
    """
    by = list(by)
    _check_columns(frame, [*by, label, estimate, se], "frame")
    _check_unique(frame, [*by, label], "frame")
    rows = []
    groups = frame.groupby(by, sort=False, dropna=False) if by else [((), frame)]
    for key, group in groups:
        result = pool(group[estimate].to_numpy(), se=group[se].to_numpy(), labels=group[label].tolist(),
                      confidence_level=confidence_level)
        row = result.to_frame()
        keys = key if isinstance(key, tuple) else (key,)
        for column, value in zip(by, keys, strict=True):
            row.insert(by.index(column), column, value)
        rows.append(row)
    return pd.concat(rows, ignore_index=True)
