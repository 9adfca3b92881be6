"""The bootstrap of g_av's interval over distinct pairs against the plain bootstrap of pair indexes.

:func:`evaluation.stats.outcomes.g_av_interval` draws each resample's counts of the distinct
observed (earlier, later) pairs (a multinomial, or n index draws tallied) instead of n pair
indexes. The reference here is the textbook bootstrap (Efron & Tibshirani 1993, ch. 6 and 13):
draw n indexes with replacement, recompute g_av on the resampled pairs, take percentiles. The
two are the same distribution with different random streams, so the intervals agree within
Monte Carlo error; the tests also enumerate a bootstrap distribution exactly. The R ``boot``
reference is in ``tests/test_outcomes.py``.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from evaluation.core.errors import DegenerateDataWarning
from evaluation.stats.outcomes import g_av_interval, paired_change
from evaluation.stats.outcomes.effect_size import _bootstrap_g_av

RNG = np.random.default_rng(13)


def reference_g_av(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """g_av of each row (Lakens 2013 eq. 10 and J = 1 − 3/(8n − 9)), NaN without variance."""
    n = x.shape[-1]
    sd = (x.std(axis=-1, ddof=1) + y.std(axis=-1, ddof=1)) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(sd > 0, (y - x).mean(axis=-1) / sd, np.nan) * (1 - 3 / (8 * n - 9))


def reference_interval(x, y, level, resamples, seed):
    """The plain percentile bootstrap: n pair indexes drawn with replacement per resample."""
    rng = np.random.default_rng(seed)
    values = []
    for start in range(0, resamples, 2000):
        idx = rng.integers(0, x.size, size=(min(2000, resamples - start), x.size))
        values.append(reference_g_av(x[idx], y[idx]))
    boot = np.concatenate(values)
    boot = boot[np.isfinite(boot)]
    alpha = 1 - level
    q = np.quantile(boot, [alpha / 2, 1 - alpha / 2])
    return q, boot


def percentile_se(boot: np.ndarray, q: float) -> float:
    """Monte Carlo SE of the q-quantile of ``boot``: √(q(1 − q)/R)/f, f from quantile spacing."""
    delta = 0.01
    spread = np.quantile(boot, min(q + delta, 1)) - np.quantile(boot, max(q - delta, 0))
    return math.sqrt(q * (1 - q) / boot.size) * spread / (2 * delta)


def likert_pairs(n, items, shift):
    """Scale scores as means of ``items`` 1-5 answers: few distinct values, many repeats."""
    pre = RNG.integers(1, 6, size=(n, items)).mean(axis=1)
    post = np.clip(np.round((pre + RNG.normal(shift, 0.6, n)) * items) / items, 1, 5)
    return pre, post


DATA_SETS = {
    # 400 scale scores (means of 4 items): 17 values per wave, a few hundred distinct pairs
    "likert_4_items": likert_pairs(400, 4, 0.3),
    # 60 continuous pairs: every pair distinct (k = n)
    "all_distinct": (RNG.normal(3, 0.8, 60), RNG.normal(3.3, 0.9, 60)),
    # 25 pairs on a 3-point scale, most pairs repeated
    "three_points": (RNG.integers(1, 4, 25).astype(float), RNG.integers(1, 4, 25).astype(float)),
}


@pytest.mark.parametrize("name", sorted(DATA_SETS))
@pytest.mark.parametrize("multinomial", [True, False])
def test_interval_agrees_with_the_plain_index_bootstrap(name, multinomial):
    x, y = DATA_SETS[name]
    resamples = 60_000
    # reference: n indexes drawn with replacement, 60 000 resamples, seed 1
    (ref_low, ref_high), boot = reference_interval(x, y, 0.95, resamples, seed=1)
    # implementation: counts of the distinct pairs (both ways of drawing them), seed 2005
    values = _bootstrap_g_av(x, y, resamples, 2005, multinomial=multinomial)
    values = values[np.isfinite(values)]
    low, high = np.quantile(values, [0.025, 0.975])
    # independent Monte Carlo estimates of the same percentile: the SD of their difference is
    # √2 × the SE of one; 4 of those SDs (the wrong unit, scores instead of pairs, moves the
    # limits by far more on these correlated data)
    for ours, ref, q in ((low, ref_low, 0.025), (high, ref_high, 0.975)):
        assert ours == pytest.approx(ref, abs=4 * math.sqrt(2) * percentile_se(boot, q))
    # the mean and SD of the bootstrap distribution agree as well
    assert np.mean(values) == pytest.approx(
        np.mean(boot), abs=4 * np.std(boot) / math.sqrt(resamples / 2)
    )
    assert np.std(values) == pytest.approx(np.std(boot), rel=0.02)


@pytest.mark.parametrize("multinomial", [True, False])
def test_bootstrap_distribution_matches_exact_enumeration(multinomial):
    # 4 pairs, two of them equal: every one of the 4^4 index tuples enumerated with its g_av
    x = np.array([1.0, 2.0, 2.0, 4.0])
    y = np.array([2.0, 2.5, 2.5, 5.0])
    idx = np.array(list(itertools.product(range(4), repeat=4)))
    exact = np.round(reference_g_av(x[idx], y[idx]), 9)  # each tuple has probability 4^-4
    values, counts = np.unique(exact[np.isfinite(exact)], return_counts=True)
    p_nan = np.isnan(exact).mean()
    resamples = 200_000
    drawn = np.round(_bootstrap_g_av(x, y, resamples, 7, multinomial=multinomial), 9)
    # every drawn value is one of the enumerated ones (same formula, to 9 decimals)
    assert set(drawn[np.isfinite(drawn)]) <= set(values)
    # each value's frequency within 5 binomial SDs of its exact probability
    for value, count in zip(values, counts, strict=True):
        p = count / idx.shape[0]
        freq = np.mean(drawn == value)
        assert freq == pytest.approx(p, abs=5 * math.sqrt(p * (1 - p) / resamples))
    # resamples where neither wave varies (one pair drawn 4 times) are NaN: exactly
    assert np.isnan(drawn).mean() == pytest.approx(p_nan, abs=5 * math.sqrt(p_nan / resamples))


def test_weighted_sums_do_not_cancel_far_from_zero():
    # g_av is unchanged by adding a constant to both waves; uncentred sums of squares at 1e7
    # would lose about 7 of the 16 digits of the variance (scores 1-5, variance about 0.5)
    x, y = DATA_SETS["likert_4_items"]
    near = g_av_interval(x, y, seed=3)
    far = g_av_interval(x + 1e7, y + 1e7, seed=3)
    assert (far.ci_low, far.ci_high) == pytest.approx((near.ci_low, near.ci_high), rel=1e-7)


def test_interval_does_not_depend_on_the_order_of_the_pairs():
    x, y = DATA_SETS["likert_4_items"]
    order = RNG.permutation(x.size)
    a = g_av_interval(x, y, seed=11)
    b = g_av_interval(x[order], y[order], seed=11)
    assert (a.g_av, a.ci_low, a.ci_high) == pytest.approx((b.g_av, b.ci_low, b.ci_high), rel=1e-14)
    assert (a.ci_low, a.ci_high) == (b.ci_low, b.ci_high)
    # the point estimate is paired_change's g_av (Lakens 2013)
    assert a.g_av == pytest.approx(paired_change(x, y).g_av, rel=1e-12)


def test_large_cohort_of_repeated_pairs_agrees_with_the_index_bootstrap():
    # 10 000 pairs with about 300 distinct ones (the multinomial is drawn, k ≪ n)
    x, y = likert_pairs(10_000, 4, 0.2)
    (ref_low, ref_high), boot = reference_interval(x, y, 0.9, 3000, seed=5)
    res = g_av_interval(x, y, confidence_level=0.9, resamples=3000, seed=5)
    assert res.resamples_used == 3000
    for ours, ref, q in ((res.ci_low, ref_low, 0.05), (res.ci_high, ref_high, 0.95)):
        assert ours == pytest.approx(ref, abs=4 * math.sqrt(2) * percentile_se(boot, q))


def test_two_pairs_give_no_interval_and_say_why():
    # With 2 pairs every resample that varies is the sample itself (both pairs once), so all give
    # the sample's g_av: a cohort where 2 people had Governance and accountability scores at both
    # waves published "g_av −0.48 (95% bootstrap interval −0.48 to −0.48): ... the whole interval
    # is small". The exact enumeration says the same: of the 4 equally likely draws of 2 indexes,
    # (0, 0) and (1, 1) do not vary and (0, 1), (1, 0) are the sample.
    x, y = np.array([4.75, 4.0]), np.array([4.25, 3.75])
    draws = np.array(list(itertools.product(range(2), repeat=2)))
    exact = reference_g_av(x[draws], y[draws])
    assert np.isnan(exact[[0, 3]]).all() and exact[1] == exact[2] == reference_g_av(x, y)
    with pytest.warns(DegenerateDataWarning, match="all give the same g_av .with 2 pairs, every one is the sample"):
        res = g_av_interval(x, y, seed=3)
    assert res.g_av == pytest.approx(float(reference_g_av(x, y)), abs=1e-12)
    assert math.isnan(res.ci_low) and math.isnan(res.ci_high) and 0 < res.resamples_used < res.resamples


def test_the_outcomes_table_notes_an_interval_it_cannot_give():
    from evaluation.stats.outcomes import outcomes_table

    scores = pd.DataFrame({"participant_id": ["a", "b", "a", "b"], "wave": ["pre", "pre", "post", "post"],
                           "rater": "self", "scale": "s", "score": [4.75, 4.0, 4.25, 3.75]})
    with pytest.warns(DegenerateDataWarning, match="scale 's', comparison 'pre_post', rater 'self': g_av interval"):
        table = outcomes_table(scores, comparisons=["pre_post"])
    row = table.iloc[0]
    assert np.isfinite(row["g_av"]) and np.isnan(row["g_av_ci_low"]) and np.isnan(row["g_av_ci_high"])
