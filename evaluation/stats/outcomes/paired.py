"""Paired change of one scale: paired t, Wilcoxon signed-rank and repeated-measures effect sizes.

:func:`paired_change` gives, for the complete pairs of an earlier and a later wave (change =
later − earlier), the paired t test with the CI of the mean change, the Wilcoxon signed-rank
test as R's ``wilcox.test(paired = TRUE)`` (exact null distribution of W+, or the normal
approximation with tie and continuity corrections), d_z with an exact noncentral-t CI, d_av,
g_av (Lakens 2013) and d_rm. The Wilcoxon test and the noncentral-t CI are written by hand
because no library gives R's conventions (``docs/methods.md``, "Written by hand, and why").
``alternative="greater"`` or ``"less"`` makes the two tests and the two intervals one-sided
(the reports keep two-sided tests, as METHODS says).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import optimize, special, stats

from evaluation.core.checks import check_choice
from evaluation.core.checks import check_confidence_level as _check_confidence_level
from evaluation.core.results import ResultDisplay
from evaluation.stats.outcomes._common import _NAN, _mean, _pairs, _sd, _sorted_factor, _warn

__all__ = ["ALTERNATIVES", "TIE_DECIMALS", "WILCOXON_EXACT_MAX_N", "PairedChange", "paired_change"]

#: The values of ``alternative`` (as scipy.stats and pingouin spell them): the hypothesis against
#: "no change"; "greater" = the later wave is higher (mean change > 0).
ALTERNATIVES = ("two-sided", "greater", "less")

#: Differences are rounded to this many decimals before zeros and ties are looked for, so that
#: averaged Likert scores (e.g. 11/3 − 10/3 and 8/3 − 7/3) tie as they do on paper.
TIE_DECIMALS = 9
#: R's ``wilcox.test`` uses the exact distribution below this many non-zero differences.
WILCOXON_EXACT_MAX_N = 50


def _noncentral_t_ci(t_obs: float, df: float, confidence_level: float,
                     alternative: str = "two-sided") -> tuple[float, float]:
    """Noncentrality parameters whose t(df, ncp) puts ``t_obs`` at the CI's tail quantiles.

    The lower limit solves ``P(T ≤ t_obs | ncp) = 1 − α/2``, the upper ``… = α/2`` (the
    cumulative probability falls as ncp grows), by Brent's method after bracketing. One-sided
    (``alternative`` "greater" / "less"): the lower limit at ``1 − α`` and an upper limit of +∞,
    or a lower limit of −∞ and the upper at ``α``. The CDF is
    ``scipy.special.nctdtr``, the function ``scipy.stats.nct.cdf`` evaluates for finite
    arguments, called directly (the distribution object's checks cost more than the CDF itself).
    """
    if not (np.isfinite(t_obs) and df > 0):
        return _NAN, _NAN
    alpha = 1 - confidence_level

    def solve(target: float) -> float:
        def f(ncp: float) -> float:
            return float(special.nctdtr(df, ncp, t_obs)) - target

        step = 1.0 + abs(t_obs) / 4
        lo, hi = t_obs - step, t_obs + step
        for _ in range(60):
            if f(lo) > 0:
                break
            lo -= step
            step *= 2
        step = 1.0 + abs(t_obs) / 4
        for _ in range(60):
            if f(hi) < 0:
                break
            hi += step
            step *= 2
        return float(optimize.brentq(f, lo, hi, xtol=1e-12, rtol=1e-12, maxiter=500))

    try:
        if alternative == "greater":
            return solve(1 - alpha), math.inf
        if alternative == "less":
            return -math.inf, solve(alpha)
        return solve(1 - alpha / 2), solve(alpha / 2)
    except (ValueError, RuntimeError):
        return _NAN, _NAN


def _signrank_null_counts(n: int) -> np.ndarray:
    """Number of sign patterns of ranks 1..n giving each W+ = 0 … n(n+1)/2 (exact null)."""
    counts = np.zeros(n * (n + 1) // 2 + 1)
    counts[0] = 1.0
    for k in range(1, n + 1):
        counts[k:] = counts[k:] + counts[:-k]  # the right-hand side uses the previous counts
    return counts


def _tie_groups(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """As ``np.unique(values, return_inverse=True, return_counts=True)[1:]`` for finite floats.

    By hashing (linear) and sorting only the distinct values: averaged Likert scores take a few
    hundred distinct values among millions.
    """
    rank, uniques = _sorted_factor(values)
    return rank, np.bincount(rank, minlength=uniques.size)


def _wilcoxon(d: np.ndarray, alternative: str = "two-sided") -> tuple[float, float, str]:
    """W+, p and the method, as R's ``wilcox.test(x, y, paired = TRUE, alternative = ...)``."""
    d = np.round(d, TIE_DECIMALS)
    zeros = bool((d == 0).any())
    d = d[d != 0]
    n = d.size
    if n == 0:
        return _NAN, _NAN, "not computed (no non-zero differences)"
    absd = np.abs(d)
    # mid-ranks of the distinct |d| (one sort): a value tied t times after c smaller ones has
    # rank c + (t + 1)/2; W+ sums them over the positive d (half-integers: exact in float)
    value_of, tie_sizes = _tie_groups(absd)
    mid_ranks = np.cumsum(tie_sizes) - (tie_sizes - 1) / 2
    positives = np.bincount(value_of[d > 0], minlength=tie_sizes.size)
    w_plus = float(mid_ranks @ positives)
    ties = bool((tie_sizes > 1).any())
    if n < WILCOXON_EXACT_MAX_N and not ties and not zeros:
        counts = _signrank_null_counts(n)
        total = 2.0**n
        w = int(round(w_plus))
        p_low = counts[: w + 1].sum() / total  # P(W+ ≤ w)
        p_high = counts[w:].sum() / total  # P(W+ ≥ w)
        p = {"greater": p_high, "less": p_low}.get(alternative, 2 * min(p_low, p_high))
        return w_plus, float(min(1.0, p)), "exact"
    z = w_plus - n * (n + 1) / 4
    sigma = math.sqrt(n * (n + 1) * (2 * n + 1) / 24 - float((tie_sizes**3 - tie_sizes).sum()) / 48)
    correction = {"greater": 0.5, "less": -0.5}.get(alternative, np.sign(z) * 0.5)  # R's CORRECTION
    z = (z - correction) / sigma
    p = {"greater": stats.norm.sf(z), "less": stats.norm.cdf(z)}.get(
        alternative, 2 * min(stats.norm.cdf(z), stats.norm.sf(z)))
    return w_plus, float(min(1.0, p)), "normal approximation, tie-corrected, continuity correction"


@dataclass(frozen=True, repr=False)
class PairedChange(ResultDisplay):
    """Paired pre/post statistics of one scale (change = later − earlier).

    ``mean_pre``/``sd_pre`` describe the earlier wave and ``mean_post``/``sd_post`` the later
    one, over the complete pairs only. ``d_z`` = mean/SD of the changes; ``d_av`` = mean change
    over the average of the two SDs (Lakens 2013 eq. 10); ``g_av`` = d_av × (1 − 3/(8n − 9));
    ``d_rm`` = d_z·√(2(1 − r_pre_post)). ``wilcoxon_method`` says whether ``wilcoxon_p`` is
    exact or a normal approximation. ``alternative`` says which hypothesis ``p_value`` and
    ``wilcoxon_p`` test and which intervals are one-sided (an infinite end).
    """

    n_pairs: int
    mean_pre: float
    sd_pre: float
    mean_post: float
    sd_post: float
    mean_change: float
    change_ci_low: float
    change_ci_high: float
    t: float
    df: float
    p_value: float
    wilcoxon_w_plus: float
    wilcoxon_p: float
    d_z: float
    d_z_ci_low: float
    d_z_ci_high: float
    d_av: float
    g_av: float
    d_rm: float
    r_pre_post: float
    wilcoxon_method: str = ""
    confidence_level: float = 0.95
    alternative: str = "two-sided"

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain ``dict`` (e.g. one row of a table)."""
        return asdict(self)


def _paired_change(
    x: np.ndarray, y: np.ndarray, confidence_level: float, context: str, stacklevel: int = 4, *,
    alternative: str = "two-sided",
) -> PairedChange:
    """:func:`paired_change` on complete pairs ``x`` (earlier), ``y`` (later)."""
    n = int(x.size)
    d = y - x
    mean_pre, mean_post, mean_change = _mean(x), _mean(y), _mean(d)
    sd_pre, sd_post = _sd(x), _sd(y)
    problems: list[str] = []
    t = df = p = ci_low = ci_high = d_z = dz_low = dz_high = d_av = g_av = d_rm = r = _NAN
    w_plus, w_p, w_method = _wilcoxon(d, alternative) if n else (_NAN, _NAN, "not computed (no pairs)")
    if n < 2:
        problems.append(
            f"{n} complete pair{'s' if n != 1 else ''} (at least 2 are needed): t, p, CIs, SDs "
            "and effect sizes are NaN"
        )
    else:
        df = float(n - 1)
        sd_d = _sd(d)
        if _sd(np.round(d, TIE_DECIMALS)) == 0:
            problems.append(
                "every pair changed by the same amount (zero variance of the changes): "
                "t, p, the CI of the change, d_z and d_rm are NaN"
            )
        else:
            se = sd_d / math.sqrt(n)
            t = mean_change / se
            if alternative == "two-sided":
                p = float(2 * stats.t.sf(abs(t), df))
                half = float(stats.t.ppf(0.5 + confidence_level / 2, df)) * se
                ci_low, ci_high = mean_change - half, mean_change + half
            else:  # one-sided: p in the direction asked, the interval open on the other side
                greater = alternative == "greater"
                p = float(stats.t.sf(t, df) if greater else stats.t.cdf(t, df))
                half = float(stats.t.ppf(confidence_level, df)) * se
                ci_low, ci_high = (mean_change - half, math.inf) if greater else (-math.inf, mean_change + half)
            d_z = mean_change / sd_d
            ncp_low, ncp_high = _noncentral_t_ci(t, df, confidence_level, alternative)
            dz_low, dz_high = ncp_low / math.sqrt(n), ncp_high / math.sqrt(n)
            if np.isnan(dz_low) or np.isnan(dz_high):
                problems.append("the noncentral-t CI of d_z could not be found: it is NaN")
        if sd_pre > 0 and sd_post > 0:
            r = float(np.corrcoef(x, y)[0, 1])
            r = min(1.0, max(-1.0, r))
            if np.isfinite(d_z):
                d_rm = d_z * math.sqrt(2 * (1 - r))
        else:
            problems.append(
                "no variance at the earlier or the later wave: r_pre_post and d_rm are NaN"
            )
        if sd_pre + sd_post > 0:
            d_av = mean_change / ((sd_pre + sd_post) / 2)
            g_av = d_av * (1 - 3 / (4 * 2 * n - 9))
        else:
            problems.append("no variance at either wave: d_av and g_av are NaN")
    if problems:
        _warn(f"{context}: " + "; ".join(problems), stacklevel=stacklevel)
    return PairedChange(
        n_pairs=n,
        mean_pre=mean_pre,
        sd_pre=sd_pre,
        mean_post=mean_post,
        sd_post=sd_post,
        mean_change=mean_change,
        change_ci_low=float(ci_low),
        change_ci_high=float(ci_high),
        t=float(t),
        df=float(df),
        p_value=float(p),
        wilcoxon_w_plus=w_plus,
        wilcoxon_p=w_p,
        d_z=float(d_z),
        d_z_ci_low=float(dz_low),
        d_z_ci_high=float(dz_high),
        d_av=float(d_av),
        g_av=float(g_av),
        d_rm=float(d_rm),
        r_pre_post=float(r),
        wilcoxon_method=w_method,
        confidence_level=confidence_level,
        alternative=alternative,
    )


def paired_change(earlier: Any, later: Any, *, confidence_level: float = 0.95,
                  alternative: str = "two-sided") -> PairedChange:
    """Paired t, Wilcoxon signed-rank and repeated-measures effect sizes of later − earlier.

    Parameters
    ----------
    earlier, later : array-like of float
        Scores of the same participants at the earlier and the later wave, paired by position
        (two pandas Series must share their index). NaN marks a missing score; pairs with a
        NaN on either side are dropped and ``n_pairs`` counts what is kept.
    confidence_level : float, default 0.95
        Of the CI of the mean change and of d_z.
    alternative : {"two-sided", "greater", "less"}, default "two-sided"
        The hypothesis the paired t test and the Wilcoxon test hold against "no change", as
        scipy.stats and R name it: ``"greater"``, the later wave is higher (mean change > 0 for
        the t test; changes shifted above 0 for the Wilcoxon test); ``"less"``, lower. It makes
        ``p_value`` and ``wilcoxon_p`` one-sided, and the CIs of the mean change and of d_z
        one-sided with an infinite end: ``[low, inf]`` for "greater", ``[-inf, high]`` for
        "less", each end being that of the two-sided interval at level 1 − 2α. The point
        estimates (means, SDs, t, W+, d_z, d_av, g_av, d_rm, r) do not depend on it; d_av, g_av,
        d_rm and r have no interval or test here, so there is nothing one-sided about them.
        The published reports are two-sided (``METHODS.md``); decide the direction before seeing
        the data.

    Returns
    -------
    PairedChange
        Frozen dataclass; ``.to_dict()`` gives a table row.

    Warns
    -----
    DegenerateDataWarning
        Fewer than two complete pairs, zero variance of the changes, or no variance at a wave:
        the statistics that cannot be computed are NaN and the message says which.

    Notes
    -----
    With d = later − earlier over the n complete pairs (``METHODS.md``, "Pre/post change"):

    * paired t = mean(d)/(sd(d)/√n), df = n − 1, two-sided p; CI of the mean change
      mean(d) ± t(1 − α/2; n − 1)·sd(d)/√n (as R's ``t.test(later, earlier, paired = TRUE)``).
      One-sided: p = P(T ≥ t) ("greater") or P(T ≤ t) ("less"), interval
      [mean(d) − t(1 − α; n − 1)·sd(d)/√n, ∞) or (−∞, mean(d) + t(1 − α; n − 1)·sd(d)/√n] (R's
      ``alternative = "greater"``/``"less"``; ``scipy.stats.ttest_rel(later, earlier,
      alternative=...)`` and its ``confidence_interval``).
    * Wilcoxon signed-rank as R's ``wilcox.test(later, earlier, paired = TRUE)``: zero
      differences dropped, mid-ranks of |d|, W+ = sum of the ranks of positive changes (R's
      ``V``). Exact two-sided p from the null distribution of W+ when fewer than 50 non-zero
      differences remain and there are no ties and no zeros (zeros, like ties, send R to the
      normal approximation); otherwise z = (W+ − n(n + 1)/4 − 0.5·sign)/σ with
      σ² = n(n + 1)(2n + 1)/24 − Σ(t³ − t)/48 over tie groups of size t. Differences are
      rounded to 9 decimals (:data:`TIE_DECIMALS`) before zeros and ties are looked for, so
      floating-point noise of averaged Likert scores does not break ties (R without
      ``digits.rank`` would). scipy's and pingouin's defaults differ from R here. One-sided
      as R: exact p = P(W+ ≥ w) ("greater") or P(W+ ≤ w) ("less"); normal approximation with
      the continuity correction 0.5 ("greater") or −0.5 ("less") and the upper or lower tail.
    * d_z = mean(d)/sd(d) (Cohen 1988; Lakens 2013 eq. 6), CI by inverting the noncentral t with
      df = n − 1 at the observed t and dividing the ncp limits by √n (as effectsize 0.8.3
      ``cohens_d(later, earlier, paired = TRUE)``). One-sided: the lower limit solves
      P(T ≤ t | ncp) = 1 − α and the upper is +∞ ("greater"), or −∞ and α ("less"), as
      effectsize's ``alternative`` does.
    * d_av = mean(d)/((sd_pre + sd_post)/2) (Lakens 2013 eq. 10, not Cumming's root-mean-square
      denominator); g_av = d_av × (1 − 3/(4·2n − 9)) (reproduces Lakens' g_av = 1.08).
    * d_rm = d_z·√(2(1 − r)), r = Pearson r(earlier, later) (Lakens 2013 eq. 9).

    References: Lakens D. (2013) Front Psychol 4:863; R ``stats::wilcox.test`` source.

    Examples
    --------
    >>> res = paired_change([3.0, 2.5, 4.0, 3.5, 3.0], [3.5, 3.0, 4.0, 4.5, 3.25])
    >>> res.n_pairs, res.mean_change, res.df
    (5, 0.45, 4.0)
    >>> round(res.t, 4), round(res.p_value, 4), round(res.d_z, 4)
    (2.7136, 0.0533, 1.2136)
    >>> res.wilcoxon_w_plus, res.wilcoxon_method
    (10.0, 'normal approximation, tie-corrected, continuity correction')

    One-sided, for a change decided in advance to be an increase (half the two-sided p here,
    and a lower bound only):

    >>> up = paired_change([3.0, 2.5, 4.0, 3.5, 3.0], [3.5, 3.0, 4.0, 4.5, 3.25], alternative="greater")
    >>> round(up.p_value, 4), round(up.change_ci_low, 4), up.change_ci_high
    (0.0267, 0.0965, inf)
    """
    level = _check_confidence_level(confidence_level)
    check_choice(alternative, ALTERNATIVES, "alternative")
    x, y = _pairs(earlier, later)
    return _paired_change(x, y, level, "paired_change", alternative=alternative)
