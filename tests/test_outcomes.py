"""Tests of evaluation.stats.outcomes against independent references.

Every reference number was computed once in R 4.2.2 (effectsize 0.8.3, lme4 1.1-31) by
``tests/reference/outcomes.R`` or is a published value; the R call is written above each
assertion. The tests never call R.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests

from evaluation.core.errors import DegenerateDataWarning
from evaluation.stats.outcomes import (
    OUTCOME_COLUMNS,
    PairedChange,
    ReliableChange,
    adjust_p,
    attrition,
    baseline_comparison,
    g_av_interval,
    mixed_model,
    outcomes_table,
    paired_change,
    reliable_change,
    reliable_change_by_person,
    response_shift,
    size_word,
)

DATA = __import__("pathlib").Path(__file__).parent / "data"

# R: datasets::sleep — extra for group 1 and group 2 (the same 10 patients).
SLEEP_1 = np.array([0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0])
SLEEP_2 = np.array([1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4])
# tests/reference/outcomes.R: 12 pairs without ties or zero differences (pre_x, post_x).
PRE_X = [3.2, 2.8, 4.1, 3.5, 2.9, 3.7, 3.0, 4.4, 2.5, 3.9, 3.3, 2.2]
POST_X = [3.65, 2.65, 4.9, 3.8, 4.0, 3.35, 3.6, 4.45, 3.45, 4.15, 2.6, 3.55]
# Lakens (2013) Table 1: two movie ratings by the same 10 people.
MOVIE_1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
MOVIE_2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]
# Benjamini & Hochberg (1995), section 4: fifteen p-values.
BH_15 = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459,
         0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000]  # fmt: skip


def long_scores(pre, post, *, scale="s", rater="self", later="post", ids=None):
    """Long-format scores of paired vectors (NaN = no row)."""
    ids = ids or [f"p{i:03d}" for i in range(len(pre))]
    rows = [
        {"participant_id": pid, "scale": scale, "rater": rater, "wave": wave, "score": value}
        for wave, values in (("pre", pre), (later, post))
        for pid, value in zip(ids, values, strict=True)
        if not (value is None or (isinstance(value, float) and math.isnan(value)))
    ]
    return pd.DataFrame(rows)


# ============================================================== paired t, Wilcoxon, d_z: sleep


@pytest.fixture(scope="module")
def res() -> PairedChange:
    """Student's sleep data, change = group 2 − group 1."""
    return paired_change(SLEEP_1, SLEEP_2)


class TestSleepData:
    """Student's sleep data, change = group 2 − group 1 (10 pairs)."""

    def test_paired_t(self, res):
        assert res.n_pairs == 10
        # R: t.test(extra ~ group, data = sleep, paired = TRUE) → t = -4.0621, df = 9, p = 0.002833
        #    (group 1 − group 2; ours is group 2 − group 1, hence the sign)
        assert res.t == pytest.approx(4.06212768338203656, rel=1e-12)
        assert res.df == 9
        assert res.p_value == pytest.approx(0.00283289019738427, rel=1e-10)
        # R: t.test(extra ~ group, sleep, paired = TRUE)$conf.int → -2.459885763276982 -0.700114236723018
        # R: t.test(g2, g1, paired = TRUE): estimate 1.58, conf.int 0.700114236723018 2.459885763276982
        assert res.mean_change == pytest.approx(1.58, rel=1e-12)
        assert res.change_ci_low == pytest.approx(0.700114236723018, rel=1e-10)
        assert res.change_ci_high == pytest.approx(2.459885763276982, rel=1e-10)

    def test_descriptives(self, res):
        # R: c(mean(g1), sd(g1), mean(g2), sd(g2), cor(g1, g2))
        #    → 0.75 1.789009657759163 2.33 2.002248735796829 0.795170205833578
        assert res.mean_pre == pytest.approx(0.75)
        assert res.sd_pre == pytest.approx(1.789009657759163, rel=1e-12)
        assert res.mean_post == pytest.approx(2.33)
        assert res.sd_post == pytest.approx(2.002248735796829, rel=1e-12)
        assert res.r_pre_post == pytest.approx(0.795170205833578, rel=1e-12)

    def test_swapped_sign_matches_r_formula_call(self):
        res = paired_change(SLEEP_2, SLEEP_1)  # change = group 1 − group 2
        # R: t.test(extra ~ group, data = sleep, paired = TRUE) → t = -4.0621, df = 9, p = 0.002833
        assert res.t == pytest.approx(-4.06212768338203656, rel=1e-12)
        assert res.p_value == pytest.approx(0.00283289019738427, rel=1e-10)
        # R: ...$conf.int → -2.459885763276982 -0.700114236723018
        assert res.change_ci_low == pytest.approx(-2.459885763276982, rel=1e-10)
        assert res.change_ci_high == pytest.approx(-0.700114236723018, rel=1e-10)

    def test_wilcoxon_r_convention(self, res):
        # One zero difference and a tie (1.3, 1.3): R uses the normal approximation with the tie
        # correction and continuity correction (scipy's default gives a permutation p ≈ 0.0039).
        # R: wilcox.test(g2, g1, paired = TRUE) → V = 45, p-value = 0.00909069801592506
        assert res.wilcoxon_w_plus == 45
        assert res.wilcoxon_p == pytest.approx(0.00909069801592506, rel=1e-10)
        assert res.wilcoxon_method.startswith("normal approximation")
        swapped = paired_change(SLEEP_2, SLEEP_1)
        # R: wilcox.test(g1, g2, paired = TRUE) → V = 0, p-value = 0.00909069801592506
        assert swapped.wilcoxon_w_plus == 0
        assert swapped.wilcoxon_p == pytest.approx(0.00909069801592506, rel=1e-10)

    def test_d_z_and_noncentral_ci(self, res):
        # R: effectsize::cohens_d(g2, g1, paired = TRUE)
        #    → Cohens_d 1.284557562591055, CI_low 0.414627667667354, CI_high 2.118016508772501
        # (effectsize's root finder stops at ~1e-7; ours at 1e-12)
        assert res.d_z == pytest.approx(1.284557562591055, rel=1e-12)
        assert res.d_z_ci_low == pytest.approx(0.414627667667354, abs=1e-6)
        assert res.d_z_ci_high == pytest.approx(2.118016508772501, abs=1e-6)
        # d_z = t/√n
        assert res.d_z == pytest.approx(res.t / math.sqrt(10), rel=1e-12)

    def test_d_z_ci_other_level(self):
        res = paired_change(SLEEP_1, SLEEP_2, confidence_level=0.90)
        # R: effectsize::cohens_d(g2, g1, paired = TRUE, ci = 0.90)
        #    → CI_low 0.544639757891404, CI_high 1.974615360226526
        assert res.d_z_ci_low == pytest.approx(0.544639757891404, abs=1e-6)
        assert res.d_z_ci_high == pytest.approx(1.974615360226526, abs=1e-6)
        assert res.confidence_level == 0.90

    def test_d_av_g_av_d_rm(self, res):
        # R: d <- g2 - g1; mean(d) / ((sd(g1) + sd(g2)) / 2) → 0.833496341312704
        assert res.d_av == pytest.approx(0.833496341312704, rel=1e-12)
        # g_av = d_av × (1 − 3/(4·2·10 − 9)) = 0.833496341312704 × 68/71
        assert res.g_av == pytest.approx(0.833496341312704 * (1 - 3 / 71), rel=1e-12)
        # R: mean(d) / sd(d) * sqrt(2 * (1 - cor(g1, g2))) → 0.822176638386309
        assert res.d_rm == pytest.approx(0.822176638386309, rel=1e-12)

    def test_to_dict_and_frozen(self, res):
        row = res.to_dict()
        assert list(row)[:20] == [
            "n_pairs", "mean_pre", "sd_pre", "mean_post", "sd_post", "mean_change",
            "change_ci_low", "change_ci_high", "t", "df", "p_value", "wilcoxon_w_plus",
            "wilcoxon_p", "d_z", "d_z_ci_low", "d_z_ci_high", "d_av", "g_av", "d_rm",
            "r_pre_post",
        ]  # fmt: skip
        with pytest.raises(AttributeError):
            res.t = 0.0  # type: ignore[misc]


# ============================================================== Lakens (2013) movie data


def test_lakens_2013_movie_effect_sizes():
    res = paired_change(MOVIE_2, MOVIE_1)  # change = movie 1 − movie 2 (Lakens' difference)
    # Lakens (2013) Table 1 / text: d_z = 1.50, d_av = 1.13, g_av = 1.08 (published, 2 dp)
    assert round(res.d_z, 2) == 1.50
    assert round(res.d_av, 2) == 1.13
    assert round(res.g_av, 2) == 1.08
    # R: effectsize::cohens_d(movie1, movie2, paired = TRUE)
    #    → 1.5, CI 0.560514144905937 2.403436312263699
    assert res.d_z == pytest.approx(1.5, rel=1e-12)
    assert res.d_z_ci_low == pytest.approx(0.560514144905937, abs=1e-6)
    assert res.d_z_ci_high == pytest.approx(2.403436312263699, abs=1e-6)
    # R: mean(dm) / ((sd(movie1) + sd(movie2)) / 2) → 1.12869626131754
    assert res.d_av == pytest.approx(1.12869626131754, rel=1e-12)
    # R: dav * (1 - 3 / (4 * 2 * 10 - 9)) → 1.08100486999427
    assert res.g_av == pytest.approx(1.08100486999427, rel=1e-12)
    # R: mean(dm) / sd(dm) * sqrt(2 * (1 - cor(movie1, movie2))) → 1.11133233630231
    assert res.d_rm == pytest.approx(1.11133233630231, rel=1e-12)
    # R: t.test(movie1, movie2, paired = TRUE) → t = 4.74341649025256906, p = 0.00105387125701655
    assert res.t == pytest.approx(4.74341649025256906, rel=1e-12)
    assert res.p_value == pytest.approx(0.00105387125701655, rel=1e-10)


# ============================================================== g_av and its bootstrap interval
#
# R 4.2.2, boot 1.3-28.1 (tests/reference/outcomes.R, last section):
#   g_av_boot(pre, post, conf): set.seed(2005); b <- boot(data.frame(pre, post),
#     function(d, i) g_av(d$pre[i], d$post[i]), R = 200000); boot.ci(b, conf, type = "perc")
# Both are Monte Carlo estimates of the same percentiles. With 200 000 resamples each, the SD of
# one limit over seeds is at most 0.003 here (5 seeds in Python; R's boot SD of g_av 0.25-0.30),
# so the difference of the two has an SD below 0.005: the tolerance 0.015 is 3 of those SDs,
# while a wrong resampling unit (scores instead of pairs) or a d_z-based interval is off by
# more than 0.1.
G_AV_TOL = 0.015


@pytest.mark.parametrize(
    ("pre", "post", "level", "r_g_av", "r_low", "r_high"),
    [
        # R: g_av_boot(sleep1, sleep2, 0.95) → 0.798278186045970  0.502583123712505  1.479122690933007
        (SLEEP_1, SLEEP_2, 0.95, 0.798278186045970, 0.502583123712505, 1.479122690933007),
        # R: g_av_boot(sleep1, sleep2, 0.90) → 0.798278186045970  0.543498516603040  1.351557976259531
        (SLEEP_1, SLEEP_2, 0.90, 0.798278186045970, 0.543498516603040, 1.351557976259531),
        # R: g_av_boot(pre_x, post_x, 0.95) → 0.5663394653170258  0.0811530530283168  1.2708376859967727
        (PRE_X, POST_X, 0.95, 0.5663394653170258, 0.0811530530283168, 1.2708376859967727),
    ],
)
def test_g_av_interval_against_r_boot(pre, post, level, r_g_av, r_low, r_high):
    res = g_av_interval(pre, post, confidence_level=level, resamples=200_000, seed=2005)
    assert res.g_av == pytest.approx(r_g_av, rel=1e-12)
    assert res.ci_low == pytest.approx(r_low, abs=G_AV_TOL)
    assert res.ci_high == pytest.approx(r_high, abs=G_AV_TOL)
    assert res.resamples_used == 200_000
    # the point estimate is paired_change's g_av (Lakens 2013), not a bootstrap mean
    assert res.g_av == pytest.approx(paired_change(pre, post).g_av, rel=1e-12)


def test_g_av_interval_with_the_default_resamples_is_near_r():
    # 2000 resamples (the cohort default): MC SD of a limit about 0.03 on these data
    res = g_av_interval(SLEEP_1, SLEEP_2)
    # R: g_av_boot(sleep1, sleep2, 0.95) → 0.502583123712505  1.479122690933007
    assert res.ci_low == pytest.approx(0.502583123712505, abs=0.08)
    assert res.ci_high == pytest.approx(1.479122690933007, abs=0.12)


def test_g_av_interval_is_seeded():
    a = g_av_interval(PRE_X, POST_X, seed=7)
    b = g_av_interval(PRE_X, POST_X, seed=7)
    c = g_av_interval(PRE_X, POST_X, seed=8)
    assert (a.ci_low, a.ci_high) == (b.ci_low, b.ci_high)
    assert (a.ci_low, a.ci_high) != (c.ci_low, c.ci_high)


def test_g_av_interval_degenerate_and_arguments():
    with pytest.warns(DegenerateDataWarning, match="neither wave varies"):
        res = g_av_interval([3.0, 3.0, 3.0], [3.0, 3.0, 3.0])
    assert math.isnan(res.g_av) and math.isnan(res.ci_low) and math.isnan(res.ci_high)
    with pytest.warns(DegenerateDataWarning, match="1 complete pair"):
        assert math.isnan(g_av_interval([3.0], [4.0]).ci_low)
    with pytest.raises(ValueError, match="`resamples` must be an integer of at least 100"):
        g_av_interval(PRE_X, POST_X, resamples=10)
    with pytest.raises(ValueError, match="`seed` must be a non-negative integer"):
        g_av_interval(PRE_X, POST_X, seed=-1)
    with pytest.raises(ValueError, match="`resamples`"):
        outcomes_table(long_scores(PRE_X, POST_X), comparisons=["pre_post"], resamples=True)


def test_size_word_cohen_benchmarks():
    # Cohen (1988): 0.2 small, 0.5 medium, 0.8 large
    assert [size_word(g) for g in (0.19, 0.2, -0.49, 0.5, 0.79, -0.8)] == [
        "negligible", "small", "small", "medium", "medium", "large"]  # fmt: skip


# ============================================================== Wilcoxon: exact and large n



def test_wilcoxon_exact_without_ties():
    res = paired_change(PRE_X, POST_X)
    # R: wilcox.test(post_x, pre_x, paired = TRUE) → V = 63, p-value = 0.06396484375 (exact)
    assert res.wilcoxon_w_plus == 63
    assert res.wilcoxon_p == pytest.approx(0.06396484375, rel=1e-12)
    assert res.wilcoxon_method == "exact"
    swapped = paired_change(POST_X, PRE_X)
    # R: wilcox.test(pre_x, post_x, paired = TRUE) → V = 15, p-value = 0.06396484375
    assert swapped.wilcoxon_w_plus == 15
    assert swapped.wilcoxon_p == pytest.approx(0.06396484375, rel=1e-12)


def test_wilcoxon_exact_agrees_with_scipy_exact_distribution():
    from scipy.stats import wilcoxon

    # scipy's exact null distribution (two-sided p is the same as R's; its statistic differs)
    ref = wilcoxon(np.subtract(POST_X, PRE_X), method="exact")
    assert paired_change(PRE_X, POST_X).wilcoxon_p == pytest.approx(ref.pvalue, rel=1e-12)


def test_wilcoxon_normal_approximation_for_50_or_more():
    i = np.arange(1, 61)
    pre = 3 + (i % 7) / 10
    post = pre + i / 20 * np.where(i % 4 == 0, -1, 1)
    res = paired_change(pre, post)
    # R: i <- 1:60; pre_l <- 3 + (i %% 7) / 10
    #    post_l <- pre_l + i / 20 * ifelse(i %% 4 == 0, -1, 1)
    #    wilcox.test(post_l, pre_l, paired = TRUE) → V = 1350, p-value = 1.3808872498144e-03
    assert res.wilcoxon_w_plus == 1350
    assert res.wilcoxon_p == pytest.approx(1.3808872498144e-03, rel=1e-10)
    assert res.wilcoxon_method.startswith("normal approximation")


def _boundary_pairs(n):
    """R: i <- 1:n; pre <- 3 + (i %% 7) / 10; post <- pre + i / 50 * ifelse(i %% 3 == 0, -1, 1)."""
    i = np.arange(1, n + 1)
    pre = 3 + (i % 7) / 10
    return pre, pre + i / 50 * np.where(i % 3 == 0, -1, 1)


def test_wilcoxon_exact_below_50_non_zero_differences_and_not_with_a_zero():
    # METHODS: exact p when fewer than 50 non-zero differences and no ties (nor zeros), else the
    # normal approximation. R 4.2.2 (tests/reference/outcomes.R, "Wilcoxon at the exact/normal boundary"):
    # 49 pairs, no ties: wilcox.test(post49, pre49, paired = TRUE) → V = 817, p = 0.0417038542324235 (exact;
    #   with exact = FALSE it would be 0.0424330262419392)
    pre, post = _boundary_pairs(49)
    res = paired_change(pre, post)
    assert (res.wilcoxon_w_plus, res.wilcoxon_method) == (817, "exact")
    assert res.wilcoxon_p == pytest.approx(0.0417038542324235, rel=1e-12)
    # 50 pairs, no ties: wilcox.test(post50, pre50, paired = TRUE) → V = 867, p = 0.0270634921760479 (normal)
    pre, post = _boundary_pairs(50)
    res = paired_change(pre, post)
    assert res.wilcoxon_w_plus == 867 and res.wilcoxon_method.startswith("normal approximation")
    assert res.wilcoxon_p == pytest.approx(0.0270634921760479, rel=1e-10)
    # the same 50 with pair 50 unchanged: 49 non-zero differences, but a zero sends R to the normal
    # approximation ("cannot compute exact p-value with zeroes"): post50z <- post50; post50z[50] <- pre50[50]
    # wilcox.test(post50z, pre50, paired = TRUE) → V = 817, p = 0.0424330262419392
    post[49] = pre[49]
    res = paired_change(pre, post)
    assert res.wilcoxon_w_plus == 817 and res.wilcoxon_method.startswith("normal approximation")
    assert res.wilcoxon_p == pytest.approx(0.0424330262419392, rel=1e-10)


def test_wilcoxon_ties_of_averaged_likert_scores_survive_floating_point():
    pre_3 = np.array([10, 7, 8, 11, 9, 12, 6, 10], dtype=float)
    post_3 = np.array([11, 8, 10, 11, 10, 14, 8, 13], dtype=float)
    # Scale means of three items: differences 1/3, 2/3 ... that tie on paper but not in binary.
    res = paired_change(pre_3 / 3, post_3 / 3)
    # R: wilcox.test(post_3, pre_3, paired = TRUE) → V = 28, p-value = 0.0206002990862824
    #    (ranks are the same for the scores times 3, where the ties are exact)
    # R without rounding on the thirds, wilcox.test(post_3 / 3, pre_3 / 3, paired = TRUE), sees
    #    fewer ties: p = 0.0220149344436729 — the floating-point artefact rounding removes.
    assert res.wilcoxon_w_plus == 28
    assert res.wilcoxon_p == pytest.approx(0.0206002990862824, rel=1e-10)
    assert paired_change(pre_3, post_3).wilcoxon_p == res.wilcoxon_p


# ============================================================== degenerate data


class TestDegenerate:
    def test_single_pair(self):
        with pytest.warns(DegenerateDataWarning, match="1 complete pair"):
            res = paired_change([3.0, np.nan], [4.0, 5.0])
        assert res.n_pairs == 1
        assert res.mean_change == 1.0
        for field in ("sd_pre", "t", "p_value", "change_ci_low", "d_z", "d_z_ci_low", "d_av",
                      "g_av", "d_rm", "r_pre_post"):  # fmt: skip
            assert math.isnan(getattr(res, field)), field

    def test_zero_variance_of_changes(self):
        with pytest.warns(DegenerateDataWarning, match="zero variance of the changes"):
            res = paired_change([1.0, 2.0, 3.0], [2.0, 3.0, 4.0])
        assert res.mean_change == pytest.approx(1.0)
        assert math.isnan(res.t) and math.isnan(res.p_value) and math.isnan(res.d_z)
        assert math.isnan(res.change_ci_low) and math.isnan(res.d_rm)
        assert res.d_av == pytest.approx(1.0)  # the SDs at each wave are fine
        # Wilcoxon still defined: three tied positive changes
        assert res.wilcoxon_w_plus == 6

    def test_zero_variance_survives_floating_point_noise(self):
        # 2/3 − 1/3 and 5/3 − 4/3 differ in the last bit; still "no variance"
        with pytest.warns(DegenerateDataWarning, match="zero variance"):
            res = paired_change([1 / 3, 4 / 3, 7 / 3], [2 / 3, 5 / 3, 8 / 3])
        assert math.isnan(res.t)

    def test_no_change_at_all(self):
        with pytest.warns(DegenerateDataWarning):
            res = paired_change([3.0, 3.0, 3.0], [3.0, 3.0, 3.0])
        assert res.mean_change == 0.0
        assert math.isnan(res.wilcoxon_p) and math.isnan(res.d_av) and math.isnan(res.t)

    def test_empty(self):
        with pytest.warns(DegenerateDataWarning, match="0 complete pairs"):
            res = paired_change([], [])
        assert res.n_pairs == 0
        assert all(math.isnan(v) for k, v in res.to_dict().items() if isinstance(v, float)
                   and k != "confidence_level")  # fmt: skip

    def test_all_missing(self):
        with pytest.warns(DegenerateDataWarning, match="0 complete pairs"):
            res = paired_change([np.nan, 2.0], [3.0, np.nan])
        assert res.n_pairs == 0 and math.isnan(res.mean_change)

    def test_pandas_missing_values(self):
        x = pd.Series([1.0, None, 3.0, 4.0], dtype="Float64")
        y = pd.Series([2.0, 2.0, None, 6.0], dtype="Float64")
        res = paired_change(x, y)  # pairs (1, 2) and (4, 6)
        assert res.n_pairs == 2 and res.mean_change == 1.5


class TestArguments:
    def test_lengths(self):
        with pytest.raises(ValueError, match="same length"):
            paired_change([1, 2, 3], [1, 2])

    def test_misaligned_series(self):
        with pytest.raises(ValueError, match="different indexes"):
            paired_change(pd.Series([1.0, 2.0], index=["a", "b"]),
                          pd.Series([1.0, 2.0], index=["b", "a"]))  # fmt: skip

    @pytest.mark.parametrize("level", [0, 1, 95, -0.5, "high"])
    def test_confidence_level(self, level):
        with pytest.raises(ValueError, match="confidence_level"):
            paired_change([1, 2, 3], [2, 3, 5], confidence_level=level)

    def test_non_numeric(self):
        with pytest.raises(ValueError, match="earlier"):
            paired_change(["a", "b"], [1, 2])

    def test_inputs_not_mutated(self):
        x = np.array([1.0, np.nan, 3.0, 4.0])
        y = pd.Series([2.0, 2.5, 3.5, np.nan])
        x0, y0 = x.copy(), y.copy()
        paired_change(x, y)
        np.testing.assert_array_equal(x, x0)
        pd.testing.assert_series_equal(y, y0)


# ============================================================== reliable change


class TestReliableChange:
    # Hand-worked: pre = 10, 12, 14, 16, 18 → mean 14, SD = √((16 + 4 + 0 + 4 + 16)/4) = √10.
    # r_xx = 0.9 → SE = √10·√(1 − 0.9) = √1 = 1; S_diff = √2·SE = 1.41421.
    # post = 14, 12, 11, 19, 18.5 → changes 4, 0, −3, 3, 0.5
    # → RCI = change/1.41421 = 2.828, 0, −2.121, 2.121, 0.354
    # → |RCI| > 1.96: improved 2 (4 and 3), deteriorated 1 (−3), unchanged 2 (0 and 0.5).
    PRE = [10.0, 12.0, 14.0, 16.0, 18.0]
    POST = [14.0, 12.0, 11.0, 19.0, 18.5]

    def test_hand_worked(self):
        rc = reliable_change(self.PRE, self.POST, reliability=0.9)
        assert isinstance(rc, ReliableChange)
        assert rc.n == 5
        assert rc.sd_pre == pytest.approx(math.sqrt(10))  # √10 = 3.16228
        assert rc.s_diff == pytest.approx(math.sqrt(2))  # √2·√10·√(1 − 0.9) = √2
        assert (rc.n_improved, rc.n_unchanged, rc.n_deteriorated) == (2, 2, 1)
        assert (rc.rci_improved, rc.rci_unchanged, rc.rci_deteriorated) == (0.4, 0.4, 0.2)

    def test_lower_is_better_swaps_direction(self):
        rc = reliable_change(self.PRE, self.POST, reliability=0.9, higher_is_better=False)
        assert (rc.n_improved, rc.n_unchanged, rc.n_deteriorated) == (1, 2, 2)

    def test_given_sd_pre(self):
        # SD_pre = 4 (e.g. a normative SD): S_diff = √2·4·√0.1 = 1.78885; RCI = 4/1.78885 = 2.236
        # (improved), ±3/1.78885 = ±1.677 and 0, 0.5 (unchanged) → 1 improved, 4 unchanged.
        rc = reliable_change(self.PRE, self.POST, reliability=0.9, sd_pre=4.0)
        assert rc.s_diff == pytest.approx(math.sqrt(2) * 4 * math.sqrt(0.1))
        assert rc.sd_pre == 4.0
        assert (rc.n_improved, rc.n_unchanged, rc.n_deteriorated) == (1, 4, 0)

    def test_incomplete_pairs_excluded_and_by_person(self):
        pre = [*self.PRE, np.nan, 15.0]
        post = [*self.POST, 20.0, np.nan]
        rc = reliable_change(pre, post, reliability=0.9)
        assert rc.n == 5 and rc.rci_improved == 0.4
        people = reliable_change_by_person(pre, post, reliability=0.9)
        assert people["category"].tolist()[:5] == [
            "improved", "unchanged", "deteriorated", "improved", "unchanged"]  # fmt: skip
        assert people["category"].iloc[5:].isna().all()
        assert people["rci"].iloc[0] == pytest.approx(4 / math.sqrt(2))

    @pytest.mark.parametrize("r_xx", [float("nan"), 0.0, 1.0, -0.2])
    def test_unusable_reliability_warns(self, r_xx):
        with pytest.warns(DegenerateDataWarning, match="reliable change is NaN"):
            rc = reliable_change(self.PRE, self.POST, reliability=r_xx)
        assert math.isnan(rc.rci_improved) and math.isnan(rc.s_diff)

    def test_bad_reliability_argument(self):
        with pytest.raises(ValueError, match="reliability"):
            reliable_change(self.PRE, self.POST, reliability=1.5)
        with pytest.raises(ValueError, match="reliability"):
            reliable_change(self.PRE, self.POST, reliability="alpha")

    def test_no_pre_variance(self):
        with pytest.warns(DegenerateDataWarning, match="SD of the earlier wave"):
            rc = reliable_change([3.0, 3.0, 3.0], [3.0, 4.0, 5.0], reliability=0.8)
        assert math.isnan(rc.rci_improved)


# ============================================================== multiplicity


class TestAdjustP:
    def test_benjamini_hochberg_1995(self):
        # R: p.adjust(p15, "BH")
        r_bh = [0.0015, 0.0030, 0.0095, 0.035625, 0.0603, 0.0638571428571429,
                0.0638571428571429, 0.0645, 0.0765, 0.4860, 0.5811818181818181,
                0.7148749999999999, 0.7532307692307693, 0.8132142857142857, 1.0]  # fmt: skip
        np.testing.assert_allclose(adjust_p(BH_15, "bh"), r_bh, rtol=1e-12)
        # Benjamini & Hochberg (1995): at q = 0.05 the first four hypotheses are rejected.
        # R: which(p.adjust(p15, "BH") <= 0.05) → 1 2 3 4
        assert np.flatnonzero(adjust_p(BH_15, "bh") <= 0.05).tolist() == [0, 1, 2, 3]

    def test_holm(self):
        # R: p.adjust(p15, "holm")
        r_holm = [0.0015, 0.0056, 0.0247, 0.1140, 0.2211, 0.2780, 0.2780, 0.2780, 0.3213,
                  1, 1, 1, 1, 1, 1]  # fmt: skip
        np.testing.assert_allclose(adjust_p(BH_15, "holm"), r_holm, rtol=1e-12)

    @pytest.mark.parametrize(("ours", "theirs"), [("holm", "holm"), ("bh", "fdr_bh")])
    def test_against_statsmodels(self, ours, theirs):
        rng = np.random.default_rng(7)
        p = rng.uniform(size=40) ** 3
        # statsmodels.stats.multitest.multipletests(p, method=...)[1]
        np.testing.assert_allclose(adjust_p(p, ours), multipletests(p, method=theirs)[1],
                                   rtol=1e-12)  # fmt: skip
        shuffled = rng.permutation(40)
        np.testing.assert_allclose(adjust_p(p[shuffled], ours), adjust_p(p, ours)[shuffled])

    def test_nan_ignored_and_order_kept(self):
        p = [0.04, np.nan, 0.01, 0.03, 0.20]
        # R: p.adjust(c(.04, NA, .01, .03, .2), "BH") → 0.0533333 NA 0.04 0.0533333 0.2
        np.testing.assert_allclose(adjust_p(p, "bh"), [0.16 / 3, np.nan, 0.04, 0.16 / 3, 0.2])
        # R: p.adjust(c(.04, NA, .01, .03, .2), "holm") → 0.09 NA 0.04 0.09 0.20
        np.testing.assert_allclose(adjust_p(p, "holm"), [0.09, np.nan, 0.04, 0.09, 0.20])
        np.testing.assert_array_equal(adjust_p(p, "none"), p)

    def test_series_kept_and_edge_cases(self):
        s = pd.Series([0.5, 0.01], index=["x", "y"], name="p")
        out = adjust_p(s, "holm")
        pd.testing.assert_series_equal(out, pd.Series([0.5, 0.02], index=["x", "y"], name="p"))
        assert adjust_p([], "bh").size == 0
        assert np.isnan(adjust_p([np.nan], "holm")).all()
        assert adjust_p([0.9, 0.8], "holm").max() == 1.0  # capped

    def test_bad_method_names_allowed_values(self):
        with pytest.raises(ValueError, match=r"`method`.*'holm'.*'bh'.*'none'"):
            adjust_p([0.1], "bonferroni")
        with pytest.raises(ValueError, match="p_values"):
            adjust_p([0.1, 1.2], "holm")


# ============================================================== outcomes table


def three_scale_scores() -> pd.DataFrame:
    rng = np.random.default_rng(2005)
    rows = []
    for scale, shift in (("vision", 0.4), ("coaching", 0.1), ("resilience", -0.2)):
        for i in range(24):
            base = 3 + rng.normal(0, 0.6)
            values = {
                "pre": base,
                "then": base - 0.2 + rng.normal(0, 0.2),
                "post": base + shift + rng.normal(0, 0.4),
                "follow_up": base + shift / 2 + rng.normal(0, 0.4),
            }
            for wave, v in values.items():
                if (i + len(wave)) % 11 == 0:
                    continue  # some missing waves
                rows.append({"participant_id": f"id{i:02d}", "scale": scale, "rater": "self",
                             "wave": wave, "score": round(v * 4) / 4, "cohort": 2})  # fmt: skip
            if i < 10:
                for wave in ("pre", "post"):
                    rows.append({"participant_id": f"id{i:02d}", "scale": scale,
                                 "rater": "line_manager", "wave": wave,
                                 "score": round((base + (shift if wave == "post" else 0)
                                                 + rng.normal(0, 0.3)) * 3) / 3})  # fmt: skip
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def scores():
    return three_scale_scores()


@pytest.fixture(scope="module")
def table(scores):
    info = pd.DataFrame(
        {"kirkpatrick_level": [2, 3, 2], "higher_is_better": [True, True, False]},
        index=pd.Index(["vision", "coaching", "resilience"], name="scale"),
    )
    return outcomes_table(
        scores,
        comparisons=["pre_post", "pre_follow_up", "then_post"],
        reliability={"vision": 0.8, "coaching": 0.75, "resilience": 0.85},
        scale_info=info,
    )


class TestOutcomesTable:
    def test_columns_in_contract_order(self, table):
        assert tuple(table.columns[: len(OUTCOME_COLUMNS)]) == OUTCOME_COLUMNS

    def test_rows_and_order(self, table):
        # line managers rated pre and post only → no pre_follow_up / then_post rows for them
        assert len(table) == 3 * (3 + 1)
        assert table["scale"].tolist()[:4] == ["vision"] * 4  # scale_info order
        assert table[["comparison", "rater"]].iloc[:4].values.tolist() == [
            ["pre_post", "self"], ["pre_post", "line_manager"],
            ["pre_follow_up", "self"], ["then_post", "self"]]  # fmt: skip
        assert table["kirkpatrick_level"].tolist() == [2] * 4 + [3] * 4 + [2] * 4

    def test_every_row_is_paired_change(self, table, scores):
        for row in table.itertuples():
            earlier, later = row.earlier_wave, row.later_wave
            wide = scores[(scores.scale == row.scale) & (scores.rater == row.rater)].pivot(
                index="participant_id", columns="wave", values="score")  # fmt: skip
            ref = paired_change(wide[earlier], wide[later])
            assert row.n_pairs == ref.n_pairs
            for field in ("mean_pre", "sd_pre", "mean_post", "sd_post", "mean_change", "t",
                          "p_value", "wilcoxon_w_plus", "wilcoxon_p", "d_z", "d_z_ci_low",
                          "d_av", "g_av", "d_rm"):  # fmt: skip
                assert getattr(row, field) == pytest.approx(getattr(ref, field), rel=1e-12)
            # the interval of g_av: the same bootstrap, from the same default seed, on the same pairs
            boot = g_av_interval(wide[earlier], wide[later])
            assert (row.g_av_ci_low, row.g_av_ci_high) == (boot.ci_low, boot.ci_high)
            assert row.g_av_ci_low < row.g_av < row.g_av_ci_high

    def test_p_adjusted_family_is_comparison_by_rater(self, table):
        for (_, _), fam in table.groupby(["comparison", "rater"]):
            np.testing.assert_allclose(fam["p_adjusted"], adjust_p(fam["p_value"], "holm"))
        assert (table["p_adjusted"] >= table["p_value"]).all()

    def test_reliable_change_columns(self, table, scores):
        row = table[(table.scale == "resilience") & (table.comparison == "pre_post")
                    & (table.rater == "self")].iloc[0]  # fmt: skip
        wide = scores[(scores.scale == "resilience") & (scores.rater == "self")].pivot(
            index="participant_id", columns="wave", values="score")  # fmt: skip
        ref = reliable_change(wide["pre"], wide["post"], reliability=0.85, higher_is_better=False)
        assert row["reliability"] == 0.85
        assert row["rci_improved"] == ref.rci_improved
        assert row["rci_deteriorated"] == ref.rci_deteriorated
        assert row["rci_improved"] + row["rci_unchanged"] + row["rci_deteriorated"] == (
            pytest.approx(1.0))  # fmt: skip

    def test_reliability_as_dataframe_per_rater(self, scores):
        rel = pd.DataFrame({"scale": ["vision", "vision"], "rater": ["self", "line_manager"],
                            "reliability": [0.8, 0.6]})  # fmt: skip
        with pytest.warns(DegenerateDataWarning, match="no usable reliability given for coaching"):
            table = outcomes_table(scores, comparisons=["pre_post"], reliability=rel)
        got = table.set_index(["scale", "rater"])["reliability"]
        assert got[("vision", "self")] == 0.8 and got[("vision", "line_manager")] == 0.6
        assert got[["coaching", "resilience"]].isna().all()
        assert table.loc[table.scale == "coaching", "rci_improved"].isna().all()

    def test_no_reliability_asked_for_gives_nan_rci_without_a_warning(self, scores):
        with warnings.catch_warnings():
            warnings.simplefilter("error", DegenerateDataWarning)
            table = outcomes_table(scores, comparisons=["pre_post"])
        assert table["reliability"].isna().all() and table["rci_improved"].isna().all()
        assert table["kirkpatrick_level"].isna().all()

    def test_bh_option_and_mapping_of_comparisons(self, scores):
        table = outcomes_table(scores, comparisons={"baseline_to_end": ("pre", "post")},
                               multiplicity="bh", reliability=0.8)  # fmt: skip
        assert set(table["comparison"]) == {"baseline_to_end"}
        fam = table[table.rater == "self"]
        np.testing.assert_allclose(fam["p_adjusted"], adjust_p(fam["p_value"], "bh"))

    def test_bad_arguments(self, scores):
        with pytest.raises(ValueError, match="comparisons"):
            outcomes_table(scores, comparisons=["pre_then"])
        with pytest.raises(ValueError, match="multiplicity"):
            outcomes_table(scores, comparisons=["pre_post"], multiplicity="bonferroni")
        with pytest.raises(ValueError, match="score"):
            outcomes_table(scores.drop(columns="score"), comparisons=["pre_post"])
        with pytest.raises(ValueError, match=r"`scores` has more than one row for the same"):
            outcomes_table(pd.concat([scores, scores.iloc[:1]]), comparisons=["pre_post"])

    def test_input_not_mutated(self, scores):
        before = scores.copy()
        outcomes_table(scores, comparisons=["pre_post"], reliability=0.8)
        pd.testing.assert_frame_equal(scores, before)

    def test_default_order_and_rater_column_optional(self, scores):
        self_only = scores[scores.rater == "self"]
        table = outcomes_table(self_only, comparisons=["pre_post"], reliability=0.8)
        assert table["scale"].tolist() == ["coaching", "resilience", "vision"]  # alphabetical
        no_rater = outcomes_table(self_only.drop(columns="rater"), comparisons=["pre_post"],
                                  reliability=0.8)  # fmt: skip
        pd.testing.assert_frame_equal(table, no_rater)
        categorical = outcomes_table(self_only.astype({"rater": "category", "scale": "category"}),
                                     comparisons=["pre_post"], reliability=0.8)  # fmt: skip
        pd.testing.assert_frame_equal(table, categorical)

    def test_degenerate_group_is_a_nan_row_with_warning(self):
        scores = long_scores([3.0, 3.5, np.nan], [np.nan, 4.0, 4.5])
        with pytest.warns(DegenerateDataWarning, match="scale 's', comparison 'pre_post'"):
            table = outcomes_table(scores, comparisons=["pre_post"], reliability=0.8)
        assert table["n_pairs"].tolist() == [1]
        assert math.isnan(table["t"].iloc[0]) and math.isnan(table["p_adjusted"].iloc[0])

    def test_no_data_gives_empty_table_with_columns(self):
        scores = long_scores([3.0, 3.5], [4.0, 4.5])
        table = outcomes_table(scores, comparisons=["then_post"], reliability=0.8)
        assert table.empty and tuple(table.columns[: len(OUTCOME_COLUMNS)]) == OUTCOME_COLUMNS


# ============================================================== response shift


def test_response_shift_against_r():
    pre = [3.8, 4.0, 3.5, 4.2, 3.9, 3.6, 4.1, 3.7]
    then = [3.2, 3.9, 3.0, 3.6, 3.5, 3.4, 3.3, 3.6]
    scores = long_scores(pre, then, later="then")
    shift = response_shift(scores)
    assert shift.columns.tolist() == ["scale", "rater", "n_pairs", "mean_pre", "mean_then",
                                      "mean_shift", "ci_low", "ci_high", "t", "df", "p_value",
                                      "d_z"]  # fmt: skip
    row = shift.iloc[0]
    # R: t.test(pre_rs, then_rs, paired = TRUE) → t = 4.50865833702222485, df = 7,
    #    p = 0.00276946578016776; estimate 0.4125, CI 0.196159033160131 0.628840966839869
    assert row["n_pairs"] == 8
    assert row["mean_shift"] == pytest.approx(0.4125, rel=1e-12)
    assert row["mean_pre"] == pytest.approx(np.mean(pre)) and row["mean_then"] == pytest.approx(
        np.mean(then))  # fmt: skip
    assert row["t"] == pytest.approx(4.50865833702222485, rel=1e-12)
    assert row["df"] == 7
    assert row["p_value"] == pytest.approx(0.00276946578016776, rel=1e-10)
    assert row["ci_low"] == pytest.approx(0.196159033160131, rel=1e-10)
    assert row["ci_high"] == pytest.approx(0.628840966839869, rel=1e-10)


def test_response_shift_without_then_wave_is_empty():
    assert response_shift(long_scores([3.0, 4.0], [3.5, 4.5])).empty


# ============================================================== mixed model


def sleepstudy_scores(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"participant_id": frame["Subject"].astype(str), "scale": "reaction",
                         "rater": "self", "wave": "day" + frame["Days"].astype(str),
                         "score": frame["Reaction"]})  # fmt: skip


SLEEP_WAVES = [f"day{d}" for d in range(10)]


@pytest.fixture(scope="module")
def sleepstudy():
    # R: write.csv(lme4::sleepstudy, "tests/data/sleepstudy.csv", row.names = FALSE)
    return pd.read_csv(DATA / "sleepstudy.csv")


class TestMixedModel:
    def test_sleepstudy_balanced(self, sleepstudy):
        fit = mixed_model(sleepstudy_scores(sleepstudy), waves=SLEEP_WAVES)
        assert fit.columns.tolist()[:12] == ["scale", "rater", "term", "estimate", "se", "df",
                                             "ci_low", "ci_high", "p_value", "n_participants",
                                             "n_observations", "method"]  # fmt: skip
        assert fit["term"].tolist() == ["intercept"] + [f"wave[day{d}]" for d in range(1, 10)]
        # R: fit <- lmerTest::lmer(Reaction ~ factor(Days) + (1 | Subject), sleepstudy, REML = TRUE)
        #    summary(fit)$coefficients[, 1]   (tests/reference/random_intercept.R)
        r_est = [256.65180555555554, 7.84394999999942, 8.71009444444388, 26.34020555555493,
                 31.99761666666606, 51.86664999999935, 55.52644999999941, 62.09877777777722,
                 79.97769999999944, 94.19941666666605]  # fmt: skip
        np.testing.assert_allclose(fit["estimate"], r_est, rtol=0, atol=1e-6)
        # R: summary(fit)$coefficients[, "Std. Error"] — lme4's SEs, not statsmodels'
        r_se = [11.4577819704068] + [10.4753068724152] * 9
        np.testing.assert_allclose(fit["se"], r_se, rtol=1e-4)
        # R: summary(fit)$coefficients[, "df"] (Satterthwaite)
        np.testing.assert_allclose(fit["df"], [41.9829700170004] + [153.0000000733862] * 9, rtol=1e-4)
        # R: as.data.frame(contest(fit, diag(10), joint = FALSE, confint = TRUE))$lower[1:2];
        #    summary(fit)$coefficients[1:2, "Pr(>|t|)"]
        np.testing.assert_allclose(fit["ci_low"].iloc[:2], [233.5287875225268, -12.8509648037772], rtol=1e-6)
        np.testing.assert_allclose(fit["p_value"].iloc[:2], [5.69311272796862e-25, 4.55125063682946e-01],
                                   rtol=1e-3)  # fmt: skip
        # R: as.data.frame(VarCorr(fit))$vcov → 1375.465331623413 987.588486641418
        assert fit["participant_variance"].iloc[0] == pytest.approx(1375.465331623413, rel=1e-5)
        assert fit["residual_variance"].iloc[0] == pytest.approx(987.588486641418, rel=1e-5)
        assert (fit["n_participants"] == 18).all() and (fit["n_observations"] == 180).all()
        assert (fit["method"] == "REML random-intercept model; lme4 standard errors; "
                                 "t intervals with Satterthwaite df (lmerTest)").all()  # fmt: skip
        # t interval, estimate ± qt(0.975, df)·SE: R: ...$upper[1:2] (contest as above)
        np.testing.assert_allclose(fit["ci_high"].iloc[:2], [279.7748235885842, 28.5388648037760], rtol=1e-6)

    def test_sleepstudy_unbalanced(self, sleepstudy):
        kept = sleepstudy[(np.arange(len(sleepstudy)) + 1) % 7 != 0]
        fit = mixed_model(sleepstudy_scores(kept), waves=SLEEP_WAVES)
        # R: ss_u <- sleepstudy[seq_len(nrow(sleepstudy)) %% 7 != 0, ]   (155 rows)
        #    fit_u <- lmer(Reaction ~ factor(Days) + (1 | Subject), ss_u, REML = TRUE)
        #    summary(fit_u)$coefficients[, 1]
        r_est = [256.01959684587388, 10.26068008223645, 7.88860244120176, 27.25472432931996,
                 35.84641539680335, 52.65870033090143, 55.74234793894045, 61.46699333333464,
                 81.42491133223652, 94.88054619120170]  # fmt: skip
        np.testing.assert_allclose(fit["estimate"], r_est, rtol=0, atol=1e-6)
        # R: summary(fit_u)$coefficients[, 2] — lme4's SEs (statsmodels' differ by ~3e-4 here)
        r_se = [12.2272829646823, 11.8815058285782, 11.8815058285782, 12.0909282671926,
                12.0909282671926, 11.8758991124994, 12.0909282671926, 11.9580745141438,
                11.8815058285782, 11.8815058285782]  # fmt: skip
        np.testing.assert_allclose(fit["se"], r_se, rtol=1e-4)
        # R: summary(fit_u)$coefficients[1:2, "df"] (lmerTest, Satterthwaite)
        np.testing.assert_allclose(fit["df"].iloc[:2], [49.9921476772074, 128.4464746808430], rtol=1e-4)
        assert (fit["n_observations"] == 155).all()
        # R: as.data.frame(VarCorr(fit_u))$vcov → 1379.00602569693 1072.46659564361
        assert fit["participant_variance"].iloc[0] == pytest.approx(1379.00602569693, rel=1e-5)
        assert fit["residual_variance"].iloc[0] == pytest.approx(1072.46659564361, rel=1e-5)

    def test_three_waves_missing_waves_kept(self):
        pre = [3.0, 2.6, 3.4, 2.9, 3.8, 3.1, 2.7, 3.3, 3.6, 2.8]
        post = [3.5, 3.0, 3.6, None, 4.1, 3.7, 3.1, 3.5, None, 3.3]
        follow = [3.4, None, 3.9, 3.1, 4.0, 3.5, None, 3.6, 3.9, 3.2]
        rows = [{"participant_id": f"p{i + 1:02d}", "scale": "s", "rater": "self", "wave": w,
                 "score": v}
                for w, values in (("pre", pre), ("post", post), ("follow_up", follow))
                for i, v in enumerate(values)]  # fmt: skip
        scores = pd.DataFrame(rows)  # missing scores are NaN rows: they must be ignored
        fit = mixed_model(scores, waves=["pre", "post", "follow_up"])
        assert fit["term"].tolist() == ["intercept", "wave[post]", "wave[follow_up]"]
        # R: fit3 <- lmer(score ~ wave + (1 | pid), mm, REML = TRUE); nobs(fit3) → 26
        assert (fit["n_observations"] == 26).all() and (fit["n_participants"] == 10).all()
        # R: summary(fit3)$coefficients → estimates 3.12 0.374942884194185 0.344649174889013
        np.testing.assert_allclose(fit["estimate"], [3.12, 0.374942884194185, 0.344649174889013],
                                   rtol=0, atol=1e-6)  # fmt: skip
        # R: SEs 0.1200919541832927 0.0482241012290434 0.0482241012290434
        np.testing.assert_allclose(fit["se"], [0.1200919541832927, 0.0482241012290434,
                                               0.0482241012290434], rtol=1e-4)  # fmt: skip
        # R: summary(lmerTest::lmer(score ~ wave + (1 | pid), mm))$coefficients[, "df"]
        np.testing.assert_allclose(fit["df"], [9.70794644156686, 14.00878797775336, 14.00878797793023],
                                   rtol=1e-4)  # fmt: skip
        # listwise deletion would keep 6 participants (18 observations): not what we do
        complete = [i for i in range(10) if post[i] is not None and follow[i] is not None]
        assert len(complete) == 6

    def test_boundary_fit_is_reported_as_degenerate(self):
        # Latin square: every participant has the same mean → between-person variance 0
        rows = [{"participant_id": pid, "scale": "flat", "rater": "self", "wave": w, "score": v}
                for pid, values in {"a": (3, 4, 5), "b": (4, 5, 3), "c": (5, 3, 4),
                                    "d": (3, 4, 5), "e": (4, 5, 3), "f": (5, 3, 4)}.items()
                for w, v in zip(("pre", "post", "follow_up"), values, strict=True)]  # fmt: skip
        with pytest.warns(DegenerateDataWarning, match="scale 'flat'"):
            fit = mixed_model(pd.DataFrame(rows), waves=["pre", "post", "follow_up"])
        assert fit["estimate"].tolist() == pytest.approx([4.0, 0.0, 0.0], abs=1e-6)

    def test_convergence_warning_is_reemitted(self, monkeypatch):
        import dataclasses
        import importlib

        module = importlib.import_module("evaluation.stats.outcomes.mixed_model")

        original = module.fit_random_intercept

        def noisy_fit(*args, **kwargs):
            fit = original(*args, **kwargs)
            return dataclasses.replace(fit, converged=False, notes=("pretend non-convergence",))

        monkeypatch.setattr(module, "fit_random_intercept", noisy_fit)
        scores = long_scores([3.0, 2.5, 4.0, 3.5], [3.5, 3.0, 4.0, 4.5], scale="vision")
        with pytest.warns(DegenerateDataWarning, match="scale 'vision'.*pretend non-convergence"):
            fit = mixed_model(scores, waves=["pre", "post"])
        assert not fit["converged"].any()

    def test_scales_chooses_what_is_modelled(self, sleepstudy):
        # the same fit for the chosen scale as without `scales`, and the scale left out is not
        # modelled (nor warned about: a reaction questionnaire asked once is not a degenerate one)
        once = pd.DataFrame({"participant_id": [f"r{i}" for i in range(5)], "scale": "satisfaction",
                                 "rater": "self", "wave": "day9", "score": [4.0, 3.5, 4.5, 5.0, 3.0]})
        both = pd.concat([sleepstudy_scores(sleepstudy), once], ignore_index=True)
        alone = mixed_model(sleepstudy_scores(sleepstudy), waves=SLEEP_WAVES)
        with warnings.catch_warnings():
            warnings.simplefilter("error", DegenerateDataWarning)
            chosen = mixed_model(both, waves=SLEEP_WAVES, scales=[alone["scale"].iloc[0]])
        pd.testing.assert_frame_equal(chosen, alone)
        with pytest.warns(DegenerateDataWarning, match="scale 'satisfaction'.*not fitted"):
            mixed_model(both, waves=SLEEP_WAVES)

    def test_too_little_data_warns_and_skips(self):
        scores = long_scores([3.0], [3.5])
        with pytest.warns(DegenerateDataWarning, match="not fitted"):
            fit = mixed_model(scores, waves=["pre", "post"])
        assert fit.empty and "term" in fit.columns

    def test_bad_waves(self):
        with pytest.raises(ValueError, match="waves"):
            mixed_model(long_scores([3.0], [3.5]), waves="pre")
        with pytest.raises(ValueError, match="waves"):
            mixed_model(long_scores([3.0], [3.5]), waves=["pre"])


# ============================================================== attrition


WITH_LATER = [3.1, 3.6, 2.9, 4.0, 3.3, 3.8, 3.5, 2.7, 3.9, 3.4]
WITHOUT_LATER = [2.8, 3.0, 3.7, 2.5, 3.2, 2.6]


def attrition_data():
    ids_with = [f"w{i}" for i in range(10)]
    ids_without = [f"o{i}" for i in range(6)]
    scores = pd.concat([
        long_scores(WITH_LATER, [3.5] * 10, ids=ids_with, scale="vision"),
        long_scores(WITHOUT_LATER, [np.nan] * 6, ids=ids_without, scale="vision"),
        # an unscorable post questionnaire (answered, score missing)
        pd.DataFrame([{"participant_id": "o0", "scale": "vision", "rater": "self",
                       "wave": "post", "score": np.nan}]),
        # another scale and a line manager do not count
        long_scores([3.0], [3.0], ids=["x1"], scale="other"),
        long_scores([3.0], [3.0], ids=["o1"], scale="vision", rater="line_manager"),
    ], ignore_index=True)  # fmt: skip
    participants = pd.DataFrame({
        "participant_id": ids_with + ids_without + ["x1", "n1"],
        "status": ["completed"] * 9 + ["in_progress"] + ["withdrew"] * 6 + ["completed"] * 2,
    })  # fmt: skip
    return scores, participants


def test_attrition_flow():
    scores, participants = attrition_data()
    flow = attrition(scores, participants, scale="vision")
    assert flow.columns.tolist() == ["stage", "n", "share_of_enrolled", "definition"]
    assert flow["stage"].tolist() == ["enrolled", "completed_programme", "answered_pre",
                                      "answered_post", "scored_both"]  # fmt: skip
    # 18 enrolled; 11 completed; 16 answered pre; 10 + 1 unscorable answered post; 10 pairs
    assert flow["n"].tolist() == [18, 11, 16, 11, 10]
    assert flow["share_of_enrolled"].tolist() == pytest.approx([1, 11 / 18, 16 / 18, 11 / 18,
                                                                10 / 18])  # fmt: skip


def test_attrition_bad_participants():
    scores, participants = attrition_data()
    bad = participants.assign(status=["done"] + participants["status"].tolist()[1:])
    with pytest.raises(ValueError, match="status"):
        attrition(scores, bad, scale="vision")
    with pytest.raises(ValueError, match=r"`participants` has more than one row for the same"):
        attrition(scores, pd.concat([participants, participants.iloc[:1]]), scale="vision")


def test_baseline_comparison_welch_and_hedges_g():
    scores, _ = attrition_data()
    row = baseline_comparison(scores, scale="vision").iloc[0]
    assert (row["n_with_later"], row["n_without_later"]) == (10, 6)
    assert row["mean_with_later"] == pytest.approx(np.mean(WITH_LATER))
    assert row["sd_without_later"] == pytest.approx(np.std(WITHOUT_LATER, ddof=1))
    # R: t.test(with_later, without_later, var.equal = FALSE)
    #    → t = 2.01046214636288, df = 10.4178819333885, p = 0.0709827494445472,
    #      conf.int -0.046364946291737 0.953031612958403
    assert row["t"] == pytest.approx(2.0104621463628800, rel=1e-10)
    assert row["df"] == pytest.approx(10.4178819333885251, rel=1e-10)
    assert row["p_value"] == pytest.approx(0.0709827494445472, rel=1e-9)
    assert row["ci_low"] == pytest.approx(-0.046364946291737, rel=1e-9)
    assert row["ci_high"] == pytest.approx(0.953031612958403, rel=1e-9)
    # R: effectsize::hedges_g(with_later, without_later)   (pooled SD, exact J)
    #    → 0.9888328103872022, CI -0.0497175145654409 1.9967685304824212
    assert row["hedges_g"] == pytest.approx(0.9888328103872022, rel=1e-10)
    assert row["g_ci_low"] == pytest.approx(-0.0497175145654409, abs=1e-6)
    assert row["g_ci_high"] == pytest.approx(1.9967685304824212, abs=1e-6)


def test_baseline_comparison_degenerate():
    scores = long_scores([3.0, 3.5, 4.0], [3.0, 3.0, np.nan])
    with pytest.warns(DegenerateDataWarning, match="1 without"):
        row = baseline_comparison(scores, scale="s").iloc[0]
    assert row["n_without_later"] == 1 and math.isnan(row["t"]) and math.isnan(row["hedges_g"])


# ============================================================== properties

likert = st.integers(min_value=3, max_value=15).map(lambda k: k / 3)  # averaged 3-item scores


@st.composite
def paired_samples(draw):
    n = draw(st.integers(min_value=3, max_value=25))
    pre = draw(st.lists(likert, min_size=n, max_size=n))
    post = draw(st.lists(likert, min_size=n, max_size=n))
    return pre, post


@settings(max_examples=50, deadline=None)
@given(paired_samples())
def test_swapping_waves_negates_change(sample):
    pre, post = sample
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        a = paired_change(pre, post)
        b = paired_change(post, pre)
    assert b.mean_change == pytest.approx(-a.mean_change, abs=1e-12)
    assert b.t == pytest.approx(-a.t, rel=1e-9, nan_ok=True)
    assert b.d_z == pytest.approx(-a.d_z, rel=1e-9, nan_ok=True)
    assert b.d_z_ci_low == pytest.approx(-a.d_z_ci_high, rel=1e-6, abs=1e-9, nan_ok=True)
    assert b.p_value == pytest.approx(a.p_value, rel=1e-9, nan_ok=True)
    assert b.wilcoxon_p == pytest.approx(a.wilcoxon_p, rel=1e-9, nan_ok=True)
    if not math.isnan(a.wilcoxon_w_plus):
        non_zero = int((np.round(np.subtract(post, pre), 9) != 0).sum())
        assert a.wilcoxon_w_plus + b.wilcoxon_w_plus == non_zero * (non_zero + 1) / 2


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 9),
            st.sampled_from(["a", "b"]),
            st.sampled_from(["pre", "post", "then"]),
            st.sampled_from(["self", "peer"]),
            likert,
        ),  # fmt: skip
        min_size=1,
        max_size=60,
        unique_by=lambda r: r[:4],
    ),
    st.randoms(use_true_random=False),
)
def test_outcomes_table_does_not_depend_on_row_order(rows, rnd):
    scores = pd.DataFrame(rows, columns=["participant_id", "scale", "wave", "rater", "score"])
    scores["participant_id"] = "id" + scores["participant_id"].astype(str)
    order = list(range(len(scores)))
    rnd.shuffle(order)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        a = outcomes_table(scores, comparisons=["pre_post", "then_post"], reliability=0.8)
        b = outcomes_table(scores.iloc[order], comparisons=["pre_post", "then_post"],
                           reliability=0.8)  # fmt: skip
    pd.testing.assert_frame_equal(a, b)


def test_adjusting_leaves_the_garbage_collector_as_it_was():
    import gc

    assert gc.get_freeze_count() == 0
    adjust_p([0.01, 0.04, 0.03], "holm")
    assert gc.get_freeze_count() == 0
    gc.freeze()  # a caller's own frozen objects stay frozen
    try:
        assert list(adjust_p([0.01, 0.04, 0.03], "holm")) == pytest.approx([0.03, 0.06, 0.06])
        assert gc.get_freeze_count() > 0  # not unfrozen by adjust_p
    finally:
        gc.unfreeze()
