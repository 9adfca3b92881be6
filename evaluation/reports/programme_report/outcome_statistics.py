"""The two statistics the programme's outcomes need beyond :mod:`evaluation.stats`.

* :func:`g_av_variance` — the large-sample variance of g_av (Bonett 2008), so that each
  cohort's g_av can be pooled;
* :func:`trend_in_proportions` — the Cochran–Armitage test for trend, as R's
  ``prop.trend.test``.

Both are pure functions of numbers (no data, no parameters); they could move to
``evaluation/stats/`` (e.g. ``stats/outcomes/effect_size.py`` and a proportions module).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

__all__ = ["g_av_variance", "trend_in_proportions"]


def g_av_variance(g_av, n, sd_pre, sd_post, r):
    """Large-sample sampling variance of g_av, the paired change over the average SD (Bonett 2008).

    Parameters
    ----------
    g_av : float or array
        g_av = J · d_av, d_av = mean change / ((sd_pre + sd_post)/2), J = 1 − 3/(8n − 9).
    n : int or array
        Number of pairs.
    sd_pre, sd_post : float or array
        Sample SDs of the two waves over the pairs.
    r : float or array
        Pearson correlation of the two waves over the pairs.

    Returns
    -------
    float or ndarray
        J² · var(d_av); NaN where n < 3 or an input is missing.

    Notes
    -----
    Bonett (2008, *Psychological Methods* 13(2), 99–109) gives the large-sample variance of a
    paired standardised mean change δ = (μ₂ − μ₁)/σ̄ whose standardiser averages the two waves:

        var(δ̂) = δ²·(σ₁⁴ + σ₂⁴ + 2ρ²σ₁²σ₂²)/(8(n − 1)σ̄⁴) + (σ₁² + σ₂² − 2ρσ₁σ₂)/((n − 1)σ̄²),

    with σ̄² = (σ₁² + σ₂²)/2. The second term is the variance of the mean change over σ̄²; the first
    is δ² times the relative variance of the standardiser (by the delta method, with
    var(s_j) ≈ σ_j²/(2(n − 1)) and cov(s₁, s₂) ≈ ρ²σ₁σ₂/(2(n − 1)) under normality). The workbench's
    d_av divides by the arithmetic mean of the two SDs, s̄ = (s₁ + s₂)/2 (Lakens 2013), so the
    same delta-method derivation gives var(s̄) = (σ₁² + σ₂² + 2ρ²σ₁σ₂)/(8(n − 1)) and

        var(d̂_av) = d_av²·(s₁² + s₂² + 2r²s₁s₂)/(8(n − 1)s̄²) + (s₁² + s₂² − 2rs₁s₂)/((n − 1)s̄²),

    which is Bonett's formula exactly when s₁ = s₂. g_av = J·d_av, so var(g_av) = J²·var(d̂_av)
    with d_av = g_av/J. Checked against Bonett's formula computed in R and against a seeded
    Monte Carlo simulation in ``tests/test_programme_outcomes.py`` (R: ``tests/reference/programme_outcomes.R``).

    Examples
    --------
    Equal SDs of 1, r = 0.5, n = 50, g_av = 0.5:

    >>> round(float(g_av_variance(0.5, 50, 1.0, 1.0, 0.5)), 6)
    0.021691
    """
    g, n, s1, s2, r = (np.asarray(x, dtype=float) for x in (g_av, n, sd_pre, sd_post, r))
    with np.errstate(invalid="ignore", divide="ignore"):
        j = 1 - 3 / (8 * n - 9)
        d = g / j
        sbar = (s1 + s2) / 2
        spread = (s1**2 + s2**2 + 2 * r**2 * s1 * s2) / (8 * (n - 1) * sbar**2)
        change = (s1**2 + s2**2 - 2 * r * s1 * s2) / ((n - 1) * sbar**2)
        out = j**2 * (d**2 * spread + change)
    out = np.where(n >= 3, out, np.nan)
    return float(out) if out.ndim == 0 else out


def trend_in_proportions(successes, totals, scores) -> tuple[float, float]:
    """Cochran–Armitage test for a linear trend in proportions, as R's ``prop.trend.test``.

    Parameters
    ----------
    successes, totals : sequence of int
        Counts x_i of n_i in each group (all n_i > 0).
    scores : sequence of float
        The groups' scores t_i (e.g. years).

    Returns
    -------
    (float, float)
        The chi-square statistic (1 df) and its p-value; NaN when fewer than 3 groups, when
        every score is equal, or when the pooled proportion is 0 or 1.

    Notes
    -----
    With p̄ = Σx_i/Σn_i and t̄ = Σn_i t_i/Σn_i (Cochran 1954; Armitage 1955):
    X² = (Σ x_i (t_i − t̄))² / (p̄(1 − p̄) Σ n_i (t_i − t̄)²), on 1 df. This is the statistic
    of R's ``prop.trend.test(x, n, score)`` (the slope test of a weighted regression).

    Examples
    --------
    >>> x2, p = trend_in_proportions([15, 10, 5], [50, 50, 50], [1, 2, 3])
    >>> round(x2, 3), round(p, 4)
    (6.25, 0.0124)
    """
    x, n, t = (np.asarray(v, dtype=float) for v in (successes, totals, scores))
    if not x.size == n.size == t.size:
        raise ValueError(f"`successes`, `totals` and `scores` must have equal lengths; got {x.size}, {n.size}, {t.size}")
    if np.any(~(n > 0)) or np.any(x < 0) or np.any(x > n):
        raise ValueError("`totals` must be > 0 and `successes` between 0 and the total on every row")
    if x.size < 3:
        return math.nan, math.nan
    pbar = x.sum() / n.sum()
    tbar = np.sum(n * t) / n.sum()
    denom = pbar * (1 - pbar) * np.sum(n * (t - tbar) ** 2)
    if denom <= 0:
        return math.nan, math.nan
    x2 = float(np.sum(x * (t - tbar)) ** 2 / denom)
    return x2, float(stats.chi2.sf(x2, 1))
