"""Difference-in-differences and Morris's (2008) d_ppc2 (evaluation.stats.outcomes.comparison_group).

References: hand-worked arithmetic (written out above each assertion), Morris's (2008) Table 5
value for the first Carlson & Schmidt (1999) study, and R (``t.test``; metafor's worked Morris
page) printed by ``tests/reference/comparison_group.R``. The tests never call R.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from evaluation.core.errors import DegenerateDataWarning
from evaluation.stats.outcomes import (
    COMPARISON_GROUP_COLUMNS,
    comparison_group_change,
    d_ppc2_from_summary,
)

# The data of tests/reference/comparison_group.R (12 treated, 9 comparison participants).
PRE_T = [2.8, 3.1, 3.6, 2.5, 3.9, 3.0, 3.3, 2.7, 3.4, 3.8, 2.9, 3.2]
POST_T = [3.4, 3.3, 4.1, 3.2, 4.0, 3.6, 3.9, 2.9, 3.8, 4.4, 3.5, 3.3]
PRE_C = [3.0, 3.5, 2.6, 3.3, 3.9, 2.8, 3.1, 3.6, 3.2]
POST_C = [3.1, 3.4, 2.9, 3.3, 4.1, 2.7, 3.3, 3.6, 3.2]

# A hand-worked case: treated pre [1, 2, 3] post [2, 4, 6] (changes 1, 2, 3);
# comparison pre [1, 2, 3, 4] post [1, 2, 4, 5] (changes 0, 0, 1, 1).
HAND = ([1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 4.0, 5.0])


def test_did_hand_worked_welch_and_pooled():
    # mean change T = (1+2+3)/3 = 2, s²_T = ((−1)² + 0 + 1²)/2 = 1
    # mean change C = (0+0+1+1)/4 = 0.5, s²_C = (4 × 0.25)/3 = 1/3
    # DiD = 2 − 0.5 = 1.5
    # Welch: v_T = 1/3, v_C = (1/3)/4 = 1/12, SE = sqrt(1/3 + 1/12) = sqrt(5/12) = 0.6454972
    #   df = (5/12)² / ((1/3)²/2 + (1/12)²/3) = 0.1736111 / (0.0555556 + 0.0023148) = 3.0
    #   t(0.975, 3) = 3.1824463; half-width = 3.1824463 × 0.6454972 = 2.0542603
    #   CI = (1.5 − 2.0542603, 1.5 + 2.0542603) = (−0.5542603, 3.5542603)
    # Pooled: s²_p = (2 × 1 + 3 × 1/3)/5 = 0.6; SE = sqrt(0.6 × (1/3 + 1/4)) = sqrt(0.35) = 0.5916080
    #   df = 5; t(0.975, 5) = 2.5705818; half-width = 2.5705818 × 0.5916080 = 1.5207767;
    #   CI = (−0.0207767, 3.0207767)
    res = comparison_group_change(*HAND)
    assert (res.n_treated, res.n_comparison) == (3, 4)
    assert res.did == pytest.approx(1.5)
    assert res.did_se == pytest.approx(math.sqrt(5 / 12))
    assert res.did_df == pytest.approx(3.0)
    assert res.did_ci_low == pytest.approx(-0.5542603, abs=1e-6)
    assert res.did_ci_high == pytest.approx(3.5542603, abs=1e-6)
    assert res.did_pooled_se == pytest.approx(math.sqrt(0.35))
    assert res.did_pooled_df == 5
    assert res.did_pooled_ci_low == pytest.approx(-0.0207767, abs=1e-6)
    assert res.did_pooled_ci_high == pytest.approx(3.0207767, abs=1e-6)


def test_d_ppc2_hand_worked_with_pooled_within_group_rho():
    # Pre-test SDs: treated sd([1,2,3]) = 1; comparison var([1,2,3,4]) = 5/3.
    # SD_pre,pooled = sqrt((2 × 1 + 3 × 5/3)/5) = sqrt(7/5) = 1.1832160
    # c_p = 1 − 3/(4 × 5 − 1) = 1 − 3/19 = 0.8421053
    # d_ppc2 = 0.8421053 × (2 − 0.5)/1.1832160 = 1.0675633
    # ρ (pooled within group): centred pre T [−1, 0, 1], post T [−2, 0, 2];
    #   centred pre C [−1.5, −0.5, 0.5, 1.5], post C [−2, −1, 1, 2]
    #   Sxy = 4 + 7 = 11, Sxx = 2 + 5 = 7, Syy = 8 + 10 = 18; ρ = 11/sqrt(126) = 0.9799579
    # Eq. 25: a = 2(1 − ρ)(7/12) = 0.0233825; c_p² = 0.7091413; (n−2)/(n−4) = 5/3
    #   c_p² a (5/3) = 0.0276358; 1 + d²/a = 1 + 1.1396913/0.0233825 = 49.7412823
    #   σ² = 0.0276358 × 49.7412823 − 1.1396913 = 0.2349481
    res = comparison_group_change(*HAND)
    assert res.sd_pre_pooled == pytest.approx(math.sqrt(1.4))
    assert res.rho == pytest.approx(11 / math.sqrt(126))
    assert res.d_ppc2 == pytest.approx(1.0675633, abs=1e-7)
    assert res.d_ppc2_variance == pytest.approx(0.2349481, abs=1e-7)
    # normal interval: 1.0675633 ± 1.9599640 × sqrt(0.2349481) = 1.9599640 × 0.4847145 = ± 0.9500229
    assert res.d_ppc2_ci_low == pytest.approx(1.0675633 - 0.9500229, abs=1e-6)
    assert res.d_ppc2_ci_high == pytest.approx(1.0675633 + 0.9500229, abs=1e-6)


def test_morris_2008_table5_study1():
    # Morris (2008) Table 5, study 1 (Carlson & Schmidt 1999): treated pre 30.6 (SD 15.0),
    # post 38.5, n 20; control pre 23.1 (SD 13.8), post 19.7, n 20; r = .47. Published d_ppc2 = .77.
    # SD_pre,pooled = sqrt((19 × 225 + 19 × 190.44)/38) = sqrt(207.72) = 14.4124946
    # c_p = 1 − 3/(4 × 38 − 1) = 1 − 3/151 = 0.9801325
    # d_ppc2 = 0.9801325 × (7.9 − (−3.4))/14.4124946 = 0.9801325 × 0.7840419 = 0.7684649
    # Eq. 25: a = 2 × 0.53 × 40/400 = 0.106; c_p² = 0.9606596; 38/36 = 1.0555556
    #   c_p² a (38/36) = 0.1074871; 1 + d²/a = 1 + 0.5905384/0.106 = 6.5711165
    #   σ² = 0.1074871 × 6.5711165 − 0.5905384 = 0.1157722
    # R (tests/reference/comparison_group.R, "Morris study 1"): 0.768464933517131, 0.115772153859221
    res = d_ppc2_from_summary(30.6, 38.5, 15.0, 20, 23.1, 19.7, 13.8, 20, rho=0.47)
    assert round(res.d_ppc2, 2) == 0.77
    assert res.d_ppc2 == pytest.approx(0.768464933517131, rel=1e-12)
    assert res.c_p == pytest.approx(1 - 3 / 151)
    assert res.sd_pre_pooled == pytest.approx(math.sqrt(207.72))
    assert res.variance == pytest.approx(0.115772153859221, rel=1e-12)
    # metafor's worked Morris page (vi = 2(1−ρ)(1/nT + 1/nC) + yi²/(2(nT+nC)), exact c_p):
    # yi = 0.768447646803813, vi = 0.113381397323479. Eq. 25 is the finite-sample version of
    # that approximation, so the two agree to within a few percent at n = 40.
    assert res.d_ppc2 == pytest.approx(0.768447646803813, abs=1e-4)
    assert res.variance == pytest.approx(0.113381397323479, rel=0.05)


def test_morris_2008_table5_study5():
    # Study 5: treated pre 35.6 (SD 4.7), post 36.0, n 14; control pre 34.8 (SD 3.1), post 33.4,
    # n 14. SD_pre,pooled = sqrt((13 × 22.09 + 13 × 9.61)/26) = sqrt(15.85) = 3.9812058;
    # c_p = 1 − 3/103 = 0.9708738; (0.4 + 1.4)/3.9812058 = 0.4521243;
    # d = 0.9708738 × 0.4521243 = 0.4389556.
    # Published (Table 5, via metafor's page): 0.44. metafor yi with exact c_p: 0.438934192529750.
    res = d_ppc2_from_summary(35.6, 36.0, 4.7, 14, 34.8, 33.4, 3.1, 14, rho=0.44)
    assert round(res.d_ppc2, 2) == 0.44
    assert res.d_ppc2 == pytest.approx(0.4389556, abs=1e-7)
    assert res.d_ppc2 == pytest.approx(0.438934192529750, abs=1e-4)


def test_against_r_t_test_and_metafor_page():
    res = comparison_group_change(PRE_T, POST_T, PRE_C, POST_C)
    # t.test(chg_t, chg_c): est, se, df, p; conf.int
    assert res.did == pytest.approx(0.366666666666667, rel=1e-12)
    assert res.did_se == pytest.approx(0.0797724035217466, rel=1e-10)
    assert res.did_df == pytest.approx(18.6060089494992, rel=1e-10)
    assert res.did_p_value == pytest.approx(2.07050697240004e-04, rel=1e-8)
    assert (res.did_ci_low, res.did_ci_high) == pytest.approx(
        (0.199461486918315, 0.533871846415018), rel=1e-9
    )
    # t.test(chg_t, chg_c, var.equal = TRUE): se, df, p; conf.int
    assert res.did_pooled_se == pytest.approx(0.0850409831252919, rel=1e-10)
    assert res.did_pooled_df == 19
    assert res.did_pooled_p_value == pytest.approx(3.76261523002317e-04, rel=1e-8)
    assert (res.did_pooled_ci_low, res.did_pooled_ci_high) == pytest.approx(
        (0.188673843374900, 0.544659489958434), rel=1e-9
    )
    # cor(resid(lm(pre ~ group)), resid(lm(post ~ group)))
    assert res.rho == pytest.approx(0.895758937617487, rel=1e-12)
    # R, Morris c_p and eq. 25: d_ppc2, variance, 95% normal CI
    assert res.d_ppc2 == pytest.approx(0.8306169904509487, rel=1e-12)
    assert res.d_ppc2_variance == pytest.approx(0.0624692615585318, rel=1e-10)
    assert (res.d_ppc2_ci_low, res.d_ppc2_ci_high) == pytest.approx(
        (0.3407465016110203, 1.3204874792908772), rel=1e-9
    )
    # metafor page (exact c_p) yi = 0.830539425467345, vi = 0.0569618989564285
    assert res.d_ppc2 == pytest.approx(0.830539425467345, abs=2e-4)
    assert res.d_ppc2_variance == pytest.approx(0.0569618989564285, rel=0.15)
    # t.test(chg_t, chg_c, conf.level = 0.90)$conf.int
    res90 = comparison_group_change(PRE_T, POST_T, PRE_C, POST_C, confidence_level=0.9)
    assert (res90.did_ci_low, res90.did_ci_high) == pytest.approx(
        (0.228579916220625, 0.504753417112709), rel=1e-9
    )
    assert res90.d_ppc2_ci_high - res90.d_ppc2_ci_low < res.d_ppc2_ci_high - res.d_ppc2_ci_low


def test_swapping_groups_flips_signs_and_missing_pairs_are_dropped():
    res = comparison_group_change(PRE_T, POST_T, PRE_C, POST_C)
    swapped = comparison_group_change(PRE_C, POST_C, PRE_T, POST_T)
    assert swapped.did == pytest.approx(-res.did)
    assert swapped.d_ppc2 == pytest.approx(-res.d_ppc2)
    assert swapped.did_ci_low == pytest.approx(-res.did_ci_high)
    with_gaps = comparison_group_change(
        [*PRE_T, np.nan, 3.0], [*POST_T, 3.0, np.nan], PRE_C, POST_C
    )
    assert with_gaps == res


def test_to_frame_is_tidy():
    frame = comparison_group_change(*HAND).to_frame()
    assert tuple(frame.columns) == COMPARISON_GROUP_COLUMNS
    assert frame["statistic"].tolist() == ["did", "did", "d_ppc2"]
    assert frame["method"].tolist() == ["welch", "pooled", "morris_eq25_normal"]
    assert frame.loc[2, "se"] == pytest.approx(math.sqrt(0.2349481), abs=1e-6)
    assert frame["n_treated"].tolist() == [3, 3, 3]


def test_degenerate_data_warn_and_give_nan():
    with pytest.warns(DegenerateDataWarning, match="at least 2 pairs"):
        res = comparison_group_change([1.0], [2.0], [1.0, 2.0], [2.0, 3.0])
    assert math.isnan(res.did_ci_low) and math.isnan(res.d_ppc2)
    with pytest.warns(DegenerateDataWarning, match="pooled pre-test SD is 0"):
        res = comparison_group_change([2.0, 2.0], [3.0, 4.0], [2.0, 2.0], [2.0, 3.0])
    assert math.isnan(res.d_ppc2) and math.isfinite(res.did_ci_low)
    with pytest.warns(DegenerateDataWarning, match="nobody's change differs"):
        res = comparison_group_change(
            [1.0, 2.0, 3.0], [2.0, 3.0, 4.0], [1.0, 2.0, 3.0], [1.0, 2.0, 3.0]
        )
    assert res.did == 1.0 and math.isnan(res.did_se)
    with pytest.warns(DegenerateDataWarning, match="n_T \\+ n_C > 4"):
        res = d_ppc2_from_summary(1.0, 2.0, 1.0, 2, 1.0, 1.0, 1.0, 2, rho=0.5)
    assert math.isfinite(res.d_ppc2) and math.isnan(res.variance)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        comparison_group_change(*HAND)  # no warning on ordinary data


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: comparison_group_change([1, 2], [1], [1, 2], [1, 2]),
            "`pre_treated` and `post_treated`",
        ),
        (lambda: comparison_group_change([1, 2], [1, 2], ["a", 2], [1, 2]), "`pre_comparison`"),
        (
            lambda: comparison_group_change([1, 2], [1, 2], [1, 2], [1, 2], confidence_level=95),
            "confidence_level",
        ),
        (lambda: d_ppc2_from_summary(1, 2, 1, 10, 1, 2, 1, 10, rho=1.5), "`rho`"),
        (lambda: d_ppc2_from_summary(1, 2, -1, 10, 1, 2, 1, 10, rho=0.5), "`sd_pre_treated`"),
        (lambda: d_ppc2_from_summary(1, 2, 1, 2.5, 1, 2, 1, 10, rho=0.5), "`n_treated`"),
    ],
)
def test_validation_names_the_parameter(call, message):
    with pytest.raises(ValueError, match=message):
        call()
