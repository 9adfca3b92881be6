"""The interval of g_av: a seeded percentile bootstrap over pairs.

:func:`g_av_interval` gives the confidence interval of g_av (Lakens 2013; the effect size behind
any "small / medium / large" wording and the forest plot, ``METHODS.md``) by resampling whole
pairs with replacement and taking percentiles of the resampled g_av. :func:`size_word` names a
g_av by Cohen's benchmarks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from evaluation.core.checks import check_confidence_level as _check_confidence_level
from evaluation.stats.outcomes._common import _NAN, _pairs, _sorted_factor, _warn

__all__ = ["DEFAULT_RESAMPLES", "DEFAULT_SEED", "GAvInterval", "g_av_interval", "interval_note", "size_word"]

#: Defaults of the cohort parameters' ``bootstrap`` block.
DEFAULT_RESAMPLES, DEFAULT_SEED = 2000, 2005
#: Resamples × categories (or × pairs) held in memory at once: about 32 MB of float64 counts.
_CELLS = 1 << 22
#: The counts of a resample are drawn as a multinomial over the distinct pairs when there are
#: at most n / _MULTINOMIAL_RATIO of them, else by drawing n indexes (a binomial draw costs
#: about as much as this many index draws); both give the same distribution.
_MULTINOMIAL_RATIO = 4


@dataclass(frozen=True)
class GAvInterval:
    """g_av and its percentile-bootstrap interval; ``resamples_used`` excludes resamples without variance."""

    g_av: float
    ci_low: float
    ci_high: float
    resamples: int
    resamples_used: int
    seed: int
    confidence_level: float


def _g_av(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """g_av of each row of ``x`` (earlier) and ``y`` (later), NaN where neither wave varies."""
    n = x.shape[-1]
    sd = (x.std(axis=-1, ddof=1) + y.std(axis=-1, ddof=1)) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        d_av = np.where(sd > 0, (y - x).mean(axis=-1) / sd, np.nan)
    return d_av * (1 - 3 / (4 * 2 * n - 9))


def _g_av_interval(
    x: np.ndarray, y: np.ndarray, confidence_level: float, resamples: int, seed: int
) -> GAvInterval:
    """:func:`g_av_interval` on complete pairs (no checks)."""
    n = int(x.size)
    point = float(_g_av(x, y)) if n >= 2 else _NAN
    if not np.isfinite(point):
        return GAvInterval(point, _NAN, _NAN, resamples, 0, seed, confidence_level)
    boot = _bootstrap_g_av(x, y, resamples, seed)
    boot = boot[np.isfinite(boot)]
    alpha = 1 - confidence_level
    if boot.size < 2 or boot.min() == boot.max():  # one value: no spread to take percentiles of
        return GAvInterval(point, _NAN, _NAN, resamples, int(boot.size), seed, confidence_level)
    low, high = np.quantile(boot, [alpha / 2, 1 - alpha / 2])
    return GAvInterval(
        point, float(low), float(high), resamples, int(boot.size), seed, confidence_level
    )


def _distinct_pairs(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct (x, y) pairs sorted by x then y, and how often each occurs.

    Scores take few distinct values: each side is hashed to its sorted distinct values and the
    pairs counted over the grid of both (linear); many distinct values: one lexicographic sort.
    """
    (rx, ux), (ry, uy) = _sorted_factor(x), _sorted_factor(y)
    if ux.size * uy.size <= 4 * x.size + 1024:
        counts = np.bincount(rx * uy.size + ry, minlength=ux.size * uy.size)
        cells = np.flatnonzero(counts)  # ascending: by x, then y
        return ux[cells // uy.size], uy[cells % uy.size], counts[cells]
    order = np.lexsort((y, x))
    xs, ys = x[order], y[order]
    new = np.empty(xs.size, dtype=bool)
    new[:1] = True
    new[1:] = (xs[1:] != xs[:-1]) | (ys[1:] != ys[:-1])
    starts = np.flatnonzero(new)
    counts = np.diff(np.append(starts, xs.size))
    return xs[starts], ys[starts], counts


def _resample_counts(
    rng: np.random.Generator, counts: np.ndarray, size: int, multinomial: bool
) -> np.ndarray:
    """``size`` × k bootstrap counts of the k distinct pairs: n draws with replacement each."""
    n, k = int(counts.sum()), counts.size
    if multinomial:
        return rng.multinomial(n, counts / n, size=size)
    category = np.repeat(np.arange(k), counts)  # the distinct pair of each sorted position
    drawn = category[rng.integers(0, n, size=(size, n))]
    drawn += np.arange(size)[:, None] * k
    return np.bincount(drawn.ravel(), minlength=size * k).reshape(size, k)


def _bootstrap_g_av(
    x: np.ndarray, y: np.ndarray, resamples: int, seed: int, multinomial: bool | None = None
) -> np.ndarray:
    """g_av of ``resamples`` bootstrap resamples of the pairs (NaN where neither wave varies)."""
    n = x.size
    xs, ys, counts = _distinct_pairs(x, y)
    k = counts.size
    if multinomial is None:
        multinomial = k * _MULTINOMIAL_RATIO <= n
    mx, my = float(np.mean(x)), float(np.mean(y))
    u, v = xs - mx, ys - my  # centred: the resampled sums of squares do not cancel
    moments = np.column_stack([u, u * u, v, v * v])
    x_of = np.unique(xs, return_inverse=True)[1]  # which distinct x value each pair has
    y_of = np.unique(ys, return_inverse=True)[1]
    rng = np.random.default_rng(seed)
    chunk = max(1, _CELLS // (k if multinomial else n))
    values = []
    for start in range(0, resamples, chunk):
        c = _resample_counts(rng, counts, min(chunk, resamples - start), multinomial).astype(float)
        su, suu, sv, svv = (c @ moments).T
        # a wave without variation (all n draws share one value) has variance exactly 0
        var_x = np.where(_varies(c, x_of, n), np.maximum(suu - su * su / n, 0.0), 0.0)
        var_y = np.where(_varies(c, y_of, n), np.maximum(svv - sv * sv / n, 0.0), 0.0)
        sd = (np.sqrt(var_x / (n - 1)) + np.sqrt(var_y / (n - 1))) / 2
        mean_d = (sv - su) / n + (my - mx)
        with np.errstate(divide="ignore", invalid="ignore"):
            values.append(np.where(sd > 0, mean_d / sd, np.nan))
    return np.concatenate(values) * (1 - 3 / (4 * 2 * n - 9))


def _varies(c: np.ndarray, value_of: np.ndarray, n: int) -> np.ndarray:
    """Per row of counts ``c``: whether the n draws take more than one value (``value_of`` pair)."""
    values = int(value_of.max()) + 1
    if values <= 256:  # counts per value by a small matrix product
        return (c @ np.eye(values)[value_of]).max(axis=1) < n
    present = c > 0
    low = np.where(present, value_of, values).min(axis=1)
    return low != np.where(present, value_of, -1).max(axis=1)


def g_av_interval(
    earlier,
    later,
    *,
    confidence_level: float = 0.95,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> GAvInterval:
    """g_av of later − earlier with a seeded percentile-bootstrap interval over pairs.

    Parameters
    ----------
    earlier, later : array-like of float
        Scores of the same participants at two waves, paired by position; pairs with a NaN on
        either side are dropped.
    confidence_level : float, default 0.95
    resamples : int, default 2000
        Bootstrap resamples (the cohort parameters' ``bootstrap.resamples``); at least 100.
    seed : int, default 2005
        Seed of numpy's ``default_rng`` (``bootstrap.seed``): the same data, resamples and seed
        give the same interval to the last digit.

    Returns
    -------
    GAvInterval
        ``ci_low``/``ci_high`` are NaN when g_av is (fewer than two pairs, no variance at either
        wave).

    Warns
    -----
    DegenerateDataWarning
        g_av is NaN (fewer than two complete pairs, or neither wave varies), or the interval is
        NaN because fewer than two resamples vary or every resample that varies gives the same g_av
        (two pairs: each such resample is the sample itself); the message says which.

    Notes
    -----
    g_av = mean(d)/((sd_pre + sd_post)/2) × (1 − 3/(4·2n − 9)) (Lakens 2013, eq. 10 and the
    small-sample correction). Each resample draws n pairs with replacement (the pair is the
    unit: a participant's two scores stay together), and g_av is recomputed with the same n;
    resamples in which neither wave varies are dropped, and when the others all give one value
    (always so with two pairs) there is no interval. The interval is the α/2 and 1 − α/2
    quantiles of the resampled g_av (numpy's default linear interpolation), the percentile
    bootstrap of Efron & Tibshirani (1993, ch. 13). Algina, Keselman & Penfield (2005) found
    percentile-bootstrap intervals for this standardised mean difference in a repeated-measures
    design to have coverage close to nominal where the noncentral-t approximations did not hold.
    Checked against R ``boot::boot`` + ``boot.ci(type = "perc")`` (``tests/reference/outcomes.R``)
    within Monte Carlo error.

    The resamples are drawn as counts of the k distinct observed (earlier, later) pairs: n
    draws with replacement are exactly c ~ multinomial(n, p), p the pairs' observed frequencies
    (the empirical distribution F̂ of Efron & Tibshirani 1993, §6.2), and g_av of a resample
    needs only Σc·u, Σc·u², Σc·v, Σc·v² with u, v the scores centred at their observed means
    (so the sums of squares do not cancel): var = (Σc·u² − (Σc·u)²/n)/(n − 1). Scale scores
    take few values, so the cost is O(resamples × k), not O(resamples × n). When k > n/4 the
    counts are tallied from n index draws instead (cheaper then; the same distribution). The
    distinct pairs are taken in sorted order: the interval does not depend on the order of
    the pairs. Tested against a plain index bootstrap and an exact enumeration
    (``tests/test_outcomes_bootstrap.py``).

    Examples
    --------
    >>> res = g_av_interval([3.0, 2.5, 4.0, 3.5, 3.0, 2.0], [3.5, 3.0, 4.0, 4.5, 3.25, 2.5], seed=1)
    >>> round(res.g_av, 3), res.ci_low < res.g_av < res.ci_high, res.resamples_used <= 2000
    (0.595, True, True)
    """
    level = _check_confidence_level(confidence_level)
    resamples, seed = _check_bootstrap(resamples, seed)
    x, y = _pairs(earlier, later)
    res = _g_av_interval(x, y, level, resamples, seed)
    if not np.isfinite(res.g_av):
        why = f"{x.size} complete pair(s), at least 2 are needed" if x.size < 2 else (
            "neither wave varies (every SD is 0)")
        _warn(f"g_av: {why}; g_av and its interval are NaN (no resample used)")
    elif not np.isfinite(res.ci_low):
        _warn(interval_note(res, x.size))
    return res


def interval_note(res: GAvInterval, n_pairs: int) -> str:
    """Why the interval of a finite g_av is NaN, in words (for :class:`~evaluation.core.errors.DegenerateDataWarning`).

    Examples
    --------
    >>> interval_note(GAvInterval(-0.48, math.nan, math.nan, 2000, 1012, 2005, 0.95), 2)
    'g_av interval: the 1012 of 2000 resamples that vary at either wave all give the same g_av (with 2 pairs, every one is the sample itself); the interval is NaN'
    """
    if res.resamples_used < 2:
        return (f"g_av interval: only {res.resamples_used} of {res.resamples} resamples vary at either wave; "
                "the interval is NaN")
    return (f"g_av interval: the {res.resamples_used} of {res.resamples} resamples that vary at either wave all "
            "give the same g_av" + (" (with 2 pairs, every one is the sample itself)" if n_pairs == 2 else "")
            + "; the interval is NaN")


def _check_bootstrap(resamples: int, seed: int) -> tuple[int, int]:
    """``resamples`` (an integer ≥ 100) and ``seed`` (an integer ≥ 0), or a ValueError naming them."""
    if (
        isinstance(resamples, bool)
        or not isinstance(resamples, int | np.integer)
        or resamples < 100
    ):
        raise ValueError(f"`resamples` must be an integer of at least 100, got {resamples!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"`seed` must be a non-negative integer, got {seed!r}")
    return int(resamples), int(seed)


def size_word(g: float) -> str:
    """Cohen's (1988) name for the size of a standardised difference |g|.

    Below 0.2 "negligible", then "small" (0.2), "medium" (0.5), "large" (0.8).

    Examples
    --------
    >>> size_word(0.1), size_word(-0.35), size_word(0.5), size_word(1.2), size_word(float("nan"))
    ('negligible', 'small', 'medium', 'large', '')
    """
    if g is None or not math.isfinite(g):
        return ""
    size = abs(g)
    return (
        "large"
        if size >= 0.8
        else "medium"
        if size >= 0.5
        else "small"
        if size >= 0.2
        else "negligible"
    )
