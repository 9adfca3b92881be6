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
from evaluation.stats.outcomes._common import _NAN, _pairs

__all__ = ["DEFAULT_RESAMPLES", "DEFAULT_SEED", "GAvInterval", "g_av_interval", "size_word"]

#: Defaults of the cohort parameters' ``bootstrap`` block.
DEFAULT_RESAMPLES, DEFAULT_SEED = 2000, 2005
#: Resamples computed at once (bounds memory: CHUNK × n pairs × 8 bytes per array).
_CHUNK = 5000


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
    rng = np.random.default_rng(seed)
    values = []
    for start in range(0, resamples, _CHUNK):
        idx = rng.integers(0, n, size=(min(_CHUNK, resamples - start), n))
        values.append(_g_av(x[idx], y[idx]))
    boot = np.concatenate(values)
    boot = boot[np.isfinite(boot)]
    alpha = 1 - confidence_level
    if boot.size < 2:
        return GAvInterval(point, _NAN, _NAN, resamples, int(boot.size), seed, confidence_level)
    low, high = np.quantile(boot, [alpha / 2, 1 - alpha / 2])
    return GAvInterval(
        point, float(low), float(high), resamples, int(boot.size), seed, confidence_level
    )


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

    Notes
    -----
    g_av = mean(d)/((sd_pre + sd_post)/2) × (1 − 3/(4·2n − 9)) (Lakens 2013, eq. 10 and the
    small-sample correction). Each resample draws n pairs with replacement (the pair is the
    unit: a participant's two scores stay together), and g_av is recomputed with the same n;
    resamples in which neither wave varies are dropped. The interval is the α/2 and 1 − α/2
    quantiles of the resampled g_av (numpy's default linear interpolation), the percentile
    bootstrap of Efron & Tibshirani (1993, ch. 13). Algina, Keselman & Penfield (2005) found
    percentile-bootstrap intervals for this standardised mean difference in a repeated-measures
    design to have coverage close to nominal where the noncentral-t approximations did not hold.
    Checked against R ``boot::boot`` + ``boot.ci(type = "perc")`` (``tests/reference/outcomes.R``)
    within Monte Carlo error.

    Examples
    --------
    >>> res = g_av_interval([3.0, 2.5, 4.0, 3.5, 3.0, 2.0], [3.5, 3.0, 4.0, 4.5, 3.25, 2.5], seed=1)
    >>> round(res.g_av, 3), res.ci_low < res.g_av < res.ci_high, res.resamples_used <= 2000
    (0.595, True, True)
    """
    level = _check_confidence_level(confidence_level)
    resamples, seed = _check_bootstrap(resamples, seed)
    x, y = _pairs(earlier, later)
    return _g_av_interval(x, y, level, resamples, seed)


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
