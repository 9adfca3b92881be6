"""``paired_change(alternative=...)``: one-sided paired t and Wilcoxon tests and one-sided intervals,
checked against scipy.stats (same alternative) and against R 4.2.2 (values written above each
assertion; R is not needed to run these tests)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from evaluation.core.errors import ParameterError
from evaluation.stats.outcomes import ALTERNATIVES, paired_change

# no ties and no zero differences among the 12 pairs: the Wilcoxon p is exact (R and here)
PRE_EXACT = np.array([3.1, 2.4, 4.0, 3.3, 2.9, 3.8, 2.2, 3.5, 4.1, 2.7, 3.0, 3.6])
POST_EXACT = np.array([3.6, 2.3, 4.7, 3.5, 3.8, 4.1, 2.6, 3.35, 4.9, 3.35, 3.35, 4.2])
# ties and two zero differences among 20 pairs: the normal approximation, tie- and continuity-corrected
PRE_TIES = np.array([3, 2.5, 4, 3.5, 3, 2, 4.5, 3, 3.5, 2.5, 4, 3, 2.5, 3.5, 3, 4, 2, 3, 3.5, 4])
POST_TIES = np.array([3.5, 3, 4, 4.5, 3.25, 3, 4, 3.5, 4, 3, 4.5, 3.5, 2, 4, 3.5, 4.5, 2.5, 3, 4, 5])

# R 4.2.2 (apt r-base-core), options(digits = 15), for alt in "greater", "less", "two.sided":
#   t.test(POST_EXACT, PRE_EXACT, paired = TRUE, alternative = alt, conf.level = 0.90)
#   wilcox.test(POST_EXACT, PRE_EXACT, paired = TRUE, alternative = alt)               # exact, V = 75
#   t.test(POST_TIES, PRE_TIES, paired = TRUE, alternative = alt)                       # conf.level 0.95
#   wilcox.test(POST_TIES, PRE_TIES, paired = TRUE, alternative = alt)                  # approximate, V = 154
R_EXACT = {  # alternative: (t p, CI low, CI high, Wilcoxon p)
    "greater": (0.000459959698142795, 0.298774325563441, math.inf, 0.001220703125),
    "less": (0.999540040301857, -math.inf, 0.559559007769893, 0.999267578125),
    "two-sided": (0.000919919396285591, 0.257416322870194, 0.60091701046314, 0.00244140625),
}
R_TIES = {
    "greater": (0.000116116520165925, 0.254834329432037, math.inf, 0.000853362838707039),
    "less": (0.999883883479834, -math.inf, 0.570165670567963, 0.999271604454468),
    "two-sided": (0.00023223304033185, 0.221654022840608, 0.603345977159392, 0.00170672567741408),
}


@pytest.mark.parametrize("alternative", ["greater", "less", "two-sided"])
@pytest.mark.parametrize("pre, post, level, expected, method", [
    (PRE_EXACT, POST_EXACT, 0.90, R_EXACT, "exact"),
    (PRE_TIES, POST_TIES, 0.95, R_TIES, "normal approximation"),
])
def test_one_sided_tests_and_intervals_match_r(pre, post, level, expected, method, alternative):
    res = paired_change(pre, post, confidence_level=level, alternative=alternative)
    p, low, high, w_p = expected[alternative]
    assert res.alternative == alternative and res.wilcoxon_method.startswith(method)
    assert res.p_value == pytest.approx(p, rel=1e-9)
    assert res.change_ci_low == pytest.approx(low, rel=1e-9)
    assert res.change_ci_high == pytest.approx(high, rel=1e-9)
    assert res.wilcoxon_p == pytest.approx(w_p, rel=1e-9)


@pytest.mark.parametrize("alternative", ["greater", "less", "two-sided"])
@pytest.mark.parametrize("pre, post", [(PRE_EXACT, POST_EXACT), (PRE_TIES, POST_TIES), (POST_TIES, PRE_TIES)])
def test_one_sided_tests_and_intervals_match_scipy(pre, post, alternative):
    res = paired_change(pre, post, confidence_level=0.9, alternative=alternative)
    t = stats.ttest_rel(post, pre, alternative=alternative)
    ci = t.confidence_interval(0.9)
    assert (res.t, res.p_value) == pytest.approx((t.statistic, t.pvalue), rel=1e-12)
    assert (res.change_ci_low, res.change_ci_high) == pytest.approx((ci.low, ci.high), rel=1e-12)
    # scipy's defaults differ from R's (METHODS): ask it for R's conventions, on the rounded differences
    d = np.round(post - pre, 9)
    exact = res.wilcoxon_method == "exact"
    w = stats.wilcoxon(d, alternative=alternative, zero_method="wilcox", correction=True,
                       method="exact" if exact else "approx")
    assert res.wilcoxon_p == pytest.approx(w.pvalue, rel=1e-12)


def test_one_sided_d_z_interval_matches_r_and_the_two_sided_one_at_twice_alpha():
    # R 4.2.2: d <- POST_EXACT - PRE_EXACT; n <- 12; t <- mean(d) / (sd(d) / sqrt(n))
    #   uniroot(function(ncp) pt(t, n - 1, ncp) - 0.90, c(-20, 20), tol = 1e-12)$root / sqrt(n)  # 0.760353064151335
    #   uniroot(function(ncp) pt(t, n - 1, ncp) - 0.10, c(-20, 20), tol = 1e-12)$root / sqrt(n)  # 1.77870661143165
    up = paired_change(PRE_EXACT, POST_EXACT, confidence_level=0.9, alternative="greater")
    down = paired_change(PRE_EXACT, POST_EXACT, confidence_level=0.9, alternative="less")
    both = paired_change(PRE_EXACT, POST_EXACT, confidence_level=0.8)
    assert (up.d_z_ci_low, up.d_z_ci_high) == (pytest.approx(0.760353064151335, rel=1e-8), math.inf)
    assert (down.d_z_ci_low, down.d_z_ci_high) == (-math.inf, pytest.approx(1.77870661143165, rel=1e-8))
    assert up.d_z_ci_low == pytest.approx(both.d_z_ci_low, rel=1e-12)
    assert down.d_z_ci_high == pytest.approx(both.d_z_ci_high, rel=1e-12)
    assert (both.change_ci_low, both.change_ci_high) == pytest.approx((up.change_ci_low, down.change_ci_high))


def test_point_estimates_do_not_depend_on_the_alternative():
    two = paired_change(PRE_TIES, POST_TIES).to_dict()
    for alternative in ("greater", "less"):
        one = paired_change(PRE_TIES, POST_TIES, alternative=alternative).to_dict()
        for name in ("n_pairs", "mean_change", "t", "df", "wilcoxon_w_plus", "d_z", "d_av", "g_av", "d_rm",
                     "r_pre_post", "mean_pre", "sd_post"):
            assert one[name] == two[name], name
    assert two["alternative"] == "two-sided"


def test_the_default_is_two_sided_and_unchanged():
    assert ALTERNATIVES == ("two-sided", "greater", "less")
    default = paired_change(PRE_TIES, POST_TIES)
    assert default == paired_change(PRE_TIES, POST_TIES, alternative="two-sided")
    assert default.p_value == pytest.approx(R_TIES["two-sided"][0], rel=1e-9)


@pytest.mark.parametrize("bad, words", [
    ("two_sided", r"`alternative` must be one of 'two-sided', 'greater', 'less'; got 'two_sided' \(str\); "
                  r"did you mean 'two-sided'\?"),
    ("Greater", r"did you mean 'greater'\?"),
    (None, r"`alternative` must be one of 'two-sided', 'greater', 'less' \(one string\); got None"),
    (["less"], r"\(one string\); got \['less'\] \(list\)"),
])
def test_an_unknown_alternative_is_refused_by_name(bad, words):
    with pytest.raises(ParameterError, match=words):
        paired_change(PRE_TIES, POST_TIES, alternative=bad)


def test_the_reports_tables_stay_two_sided_without_an_alternative_column():
    import pandas as pd

    from evaluation.stats.outcomes import OUTCOME_COLUMNS, outcomes_table

    scores = pd.DataFrame({
        "participant_id": np.tile([f"p{i}" for i in range(len(PRE_TIES))], 2), "scale": "s", "rater": "self",
        "wave": np.repeat(["pre", "post"], len(PRE_TIES)), "score": np.concatenate([PRE_TIES, POST_TIES])})
    table = outcomes_table(scores, comparisons="pre_post", reliability=None, resamples=100, seed=1)
    assert "alternative" not in table.columns and set(OUTCOME_COLUMNS) <= set(table.columns)
    assert table["p_value"].iloc[0] == pytest.approx(R_TIES["two-sided"][0], rel=1e-9)
