"""Random-effects pooling (evaluation/stats/pooling.py) against R metafor.

Reference values come from R 4.2.2 with metafor 3.8.1, printed once by
tests/reference/pooling.R (which holds the same data). The tests never call R. Convention:
METHODS.md "Across cohorts and programmes": rma(yi, vi, method = "REML", test = "adhoc") and
predict() on it. metafor's REML is run with control = list(threshold = 1e-12) so that its
values are the converged optimum; its default (1e-5) differs by < 1e-7 in tau2.
"""

from __future__ import annotations

import warnings
from dataclasses import FrozenInstanceError

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects

from evaluation.core.errors import EvaluationWarning
from evaluation.stats.pooling import (
    PooledEstimate,
    PoolingWarning,
    pool,
    pool_table,
    se_from_t_interval,
)

TOL = 1e-6

# dat <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
# dat$yi, dat$vi (metafor 3.8.1)
BCG_YI = np.array([
    -0.8893113339202054, -1.5853886572014306, -1.3480731482996933, -1.4415511900213054,
    -0.2175473222112956, -0.7861155858188640, -1.6208982235983918, 0.0119523335238405,
    -0.4694176487381494, -1.3713448034727844, -0.3393588283383906, 0.4459134005713787,
    -0.0173139482168798])
BCG_VI = np.array([
    0.32558476500396133, 0.19458112139814385, 0.41536796536796539, 0.02001003190224757,
    0.05121017216963086, 0.00690561845590876, 0.22301724757231517, 0.00396157929781773,
    0.05643421046324897, 0.07302479361302891, 0.01241221397155972, 0.53250584520015276,
    0.07140465968398629])

# Five cohorts close together (line-manager-rated change): Q < df, tau2 = 0
CLOSE_YI = np.array([0.12, 0.16, 0.10, 0.18, 0.14])
CLOSE_SE = np.array([0.06, 0.05, 0.07, 0.06, 0.05])


def test_bcg_matches_metafor_reml_adhoc():
    r = pool(BCG_YI, BCG_VI)
    # res <- rma(yi, vi, data = dat, method = "REML", test = "adhoc"); res$beta, res$se
    assert r.estimate == pytest.approx(-0.714532342158140, abs=TOL)
    assert r.se == pytest.approx(0.180791744092848, abs=TOL)
    # res$ci.lb, res$ci.ub
    assert (r.ci_low, r.ci_high) == pytest.approx((-1.108443713685551, -0.320620970630728), abs=TOL)
    # res$zval, res$pval, res$ddf
    assert r.statistic == pytest.approx(-3.9522398865248083, abs=TOL)
    assert r.p_value == pytest.approx(0.0019200150960573, abs=1e-9)
    assert r.df == 12
    # res$tau2, sqrt(res$tau2), res$I2, res$H2
    assert r.tau2 == pytest.approx(0.313243258136486, abs=TOL)
    assert r.tau == pytest.approx(0.559681389842905, abs=TOL)
    assert 100 * r.i2 == pytest.approx(92.221384521269073, abs=1e-4)
    assert r.h2 == pytest.approx(12.855758235309356, abs=1e-4)
    # res$QE, res$k - 1, res$QEp
    assert r.q == pytest.approx(152.233008082373, abs=TOL)
    assert r.q_df == 12
    assert r.q_p == pytest.approx(1.99676459084597e-26, rel=1e-6)
    # res$s2w (HKSJ scale; > 1 here, so adhoc equals knha)
    assert r.hksj_scale == pytest.approx(1.01126997196684, abs=TOL)
    # predict(res)$pi.lb, $pi.ub
    assert (r.pi_low, r.pi_high) == pytest.approx((-1.996016834196212, 0.566952149879933), abs=TOL)
    # weights(res) (percent)
    assert 100 * np.array(r.weights) == pytest.approx(
        [5.05948273436666, 6.36467937256303, 4.43602740260140, 9.69874701892068, 8.86845639124289,
         10.09573854423907, 6.02718141444447, 10.18943903709566, 8.74313321163819, 8.36760725788587,
         9.92502699981139, 3.82162906298958, 8.40285155220110], abs=1e-5)
    assert r.k == 13 and r.confidence_level == 0.95


def test_q_below_df_matches_metafor_and_tau2_is_zero():
    r = pool(CLOSE_YI, se=CLOSE_SE, labels=[1, 2, 3, 4, 5])
    # res <- rma(yi, sei = sei, method = "REML", test = "adhoc"); res$beta, res$se
    assert r.estimate == pytest.approx(0.1434574004070950, abs=TOL)
    assert r.se == pytest.approx(0.0253214288717023, abs=TOL)
    # res$ci.lb, res$ci.ub (t on 4 df with the Wald SE: the ad hoc correction binds)
    assert (r.ci_low, r.ci_high) == pytest.approx((0.0731538431596429, 0.2137609576545471), abs=TOL)
    # res$zval, res$pval
    assert r.statistic == pytest.approx(5.66545439177068122, abs=TOL)
    assert r.p_value == pytest.approx(0.00478622412077099, abs=1e-9)
    # res$tau2, res$I2, res$H2
    assert r.tau2 == 0.0 and r.tau == 0.0 and r.i2 == 0.0 and r.h2 == pytest.approx(1.0)
    # res$QE, res$QEp
    assert r.q == pytest.approx(1.023442861296888, abs=TOL)
    assert r.q_p == pytest.approx(0.906220695936579, abs=TOL)
    # predict(res)$pi.lb, $pi.ub (equal to the CI when tau2 = 0)
    assert (r.pi_low, r.pi_high) == pytest.approx((0.0731538431596429, 0.2137609576545471), abs=TOL)
    # weights(res)
    assert 100 * np.array(r.weights) == pytest.approx(
        [17.8104100029078, 25.6469904041873, 13.0851991858098, 17.8104100029078, 25.6469904041873], abs=1e-6)
    assert r.labels == ("1", "2", "3", "4", "5")


def test_adhoc_interval_is_no_narrower_than_wald_or_plain_hksj():
    r = pool(CLOSE_YI, se=CLOSE_SE)
    # rma(..., test = "knha") CI: 0.107895979536816 0.179018821277375 (narrower than Wald)
    # rma(..., method = "FE") CI: 0.0938283117814657 0.1930864890327243 (Wald, z)
    assert r.ci_low < 0.0938283117814657 < 0.107895979536816
    assert r.ci_high > 0.1930864890327243 > 0.179018821277375


def test_two_cohorts_90_percent_matches_metafor():
    with pytest.warns(PoolingWarning, match="2 estimates"):
        r = pool([0.05, 0.40], [0.004, 0.006], confidence_level=0.90)
    # res <- rma(yi, vi, method = "REML", test = "adhoc", level = 90)
    assert (r.estimate, r.se) == pytest.approx((0.222142857142857, 0.174976674830372), abs=TOL)
    assert (r.ci_low, r.ci_high) == pytest.approx((-0.882616388600209, 1.326902102885924), abs=TOL)
    assert r.tau2 == pytest.approx(0.05625, abs=TOL)
    assert 100 * r.i2 == pytest.approx(91.836734693877546, abs=1e-4)
    assert (r.q, r.q_p) == pytest.approx((12.25, 4.6525815807105e-04), abs=TOL)
    # predict(res)
    assert (r.pi_low, r.pi_high) == pytest.approx((-1.63872052155787, 2.08300623584359), abs=TOL)


def test_statsmodels_combine_effects_goes_negative_where_pool_floors_at_zero():
    """Why pooling is hand-written: statsmodels 0.15 does not floor DL tau2 when Q < df."""
    sm = combine_effects(CLOSE_YI, CLOSE_SE**2, method_re="dl")
    assert sm.tau2 < 0
    ours = pool(CLOSE_YI, se=CLOSE_SE)
    assert ours.tau2 == 0.0
    # rma(yi, sei = sei, method = "DL")$se: 0.0253214288717023 (metafor floors DL at 0 too)
    assert ours.se == pytest.approx(0.0253214288717023, abs=TOL)
    assert sm.sd_eff_w_re < 0.5 * ours.se


def test_statsmodels_dl_agrees_where_tau2_is_positive():
    """An independent second implementation: DL on BCG agrees with metafor's DL (tau2 > 0)."""
    sm = combine_effects(BCG_YI, BCG_VI, method_re="dl")
    # rma(yi, vi, data = dat, method = "DL"): beta, tau2
    assert sm.mean_effect_re == pytest.approx(-0.714117222073227, abs=TOL)
    assert sm.tau2 == pytest.approx(0.308760262862376, abs=TOL)
    # our REML lies close to, but not at, DL
    assert pool(BCG_YI, BCG_VI).tau2 == pytest.approx(sm.tau2, abs=0.01)


def test_result_is_frozen_and_tidy():
    r = pool(CLOSE_YI, se=CLOSE_SE, labels=["c1", "c2", "c3", "c4", "c5"])
    assert isinstance(r, PooledEstimate)
    with pytest.raises(FrozenInstanceError):
        r.tau2 = 1.0  # type: ignore[misc]
    frame = r.to_frame()
    assert len(frame) == 1 and "weights" not in frame.columns
    assert frame.loc[0, "estimate"] == r.estimate and frame.loc[0, "method"].startswith("random effects")
    weights = r.weights_frame()
    assert weights["label"].tolist() == ["c1", "c2", "c3", "c4", "c5"]
    assert weights["weight"].sum() == pytest.approx(1.0)
    assert "tau2=0" in repr(r)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"estimates": [0.1], "se": [0.1]}, "at least 2"),
    ({"estimates": [0.1, 0.2], "se": [0.1]}, "one value per estimate"),
    ({"estimates": [0.1, 0.2], "se": [0.1, 0.0]}, r"`se` must all be > 0; positions \[1\]"),
    ({"estimates": [0.1, 0.2], "variances": [0.1, -1.0]}, "`variances` must all be > 0"),
    ({"estimates": [0.1, float("nan")], "se": [0.1, 0.1]}, "`estimates` must be finite"),
    ({"estimates": [0.1, 0.2], "se": [0.1, float("inf")]}, "`se` must be finite"),
    ({"estimates": [0.1, 0.2]}, "exactly one of `variances` and `se`"),
    ({"estimates": [0.1, 0.2], "variances": [0.1, 0.1], "se": [0.1, 0.1]}, "exactly one"),
    ({"estimates": [0.1, 0.2], "se": [0.1, 0.1], "labels": ["a"]}, "one label per estimate"),
    ({"estimates": [0.1, 0.2], "se": [0.1, 0.1], "confidence_level": 95}, "confidence_level"),
    ({"estimates": ["a", "b"], "se": [0.1, 0.1]}, "`estimates` must be a sequence of numbers"),
])
def test_invalid_input_names_the_parameter(kwargs, match):
    with pytest.raises(ValueError, match=match):
        pool(**kwargs)


def test_input_not_modified():
    y, v = BCG_YI.copy(), pd.Series(BCG_VI.copy())
    pool(y, v)
    assert np.array_equal(y, BCG_YI) and np.array_equal(v.to_numpy(), BCG_VI)


def test_warning_class_is_a_workbench_warning():
    assert issubclass(PoolingWarning, EvaluationWarning)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pool(CLOSE_YI, se=CLOSE_SE)  # five estimates: no warning


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(-2, 2), st.floats(0.01, 1.0)), min_size=3, max_size=12))
def test_properties_tau2_nonnegative_and_interval_no_narrower_than_wald(rows):
    y = np.array([a for a, _ in rows])
    s = np.array([b for _, b in rows])
    r = pool(y, se=s)
    assert r.tau2 >= 0 and 0 <= r.i2 < 1
    # the ad hoc SE is never below the Wald SE at the same tau2
    wald_se = np.sqrt(1 / np.sum(1 / (s**2 + r.tau2)))
    assert r.se >= wald_se * (1 - 1e-12)
    assert r.pi_low <= r.ci_low and r.pi_high >= r.ci_high
    # the REML score is zero at an interior tau2 (or non-positive at tau2 = 0)
    w = 1 / (s**2 + r.tau2)
    score = np.sum((w * (y - r.estimate)) ** 2) - (w.sum() - (w**2).sum() / w.sum())
    if r.tau2 > 0:
        assert score == pytest.approx(0, abs=1e-6 * w.sum())
    else:
        assert score <= 1e-9


def test_se_from_t_interval_inverts_a_t_interval():
    # t.test-style interval: mean ± qt(0.975, df) * se, with se = 0.07, df = 19
    half = stats.t.ppf(0.975, 19) * 0.07
    assert se_from_t_interval([0.3 - half], [0.3 + half], [19])[0] == pytest.approx(0.07)
    half90 = stats.t.ppf(0.95, 9) * 0.2
    assert se_from_t_interval([-half90], [half90], [9], confidence_level=0.9)[0] == pytest.approx(0.2)
    with pytest.raises(ValueError, match="`df` must all be > 0"):
        se_from_t_interval([0.0], [1.0], [0])
    with pytest.raises(ValueError, match="`ci_high` must be at least `ci_low`"):
        se_from_t_interval([1.0], [0.0], [5])


def test_pool_table_pools_each_group_and_matches_pool():
    table = pd.DataFrame({
        "scale": ["leading"] * 5 + ["self"] * 13,
        "cohort": list(range(1, 6)) + list(range(1, 14)),
        "estimate": np.concatenate([CLOSE_YI, BCG_YI]),
        "se": np.concatenate([CLOSE_SE, np.sqrt(BCG_VI)]),
    })
    before = table.copy()
    out = pool_table(table, by=["scale"])
    pd.testing.assert_frame_equal(table, before)
    assert out["scale"].tolist() == ["leading", "self"]
    assert out.loc[1, "tau2"] == pytest.approx(0.313243258136486, abs=TOL)
    assert out.loc[0, "estimate"] == pytest.approx(pool(CLOSE_YI, se=CLOSE_SE).estimate)
    with pytest.raises(ValueError, match="lacks required column"):
        pool_table(table.drop(columns="se"), by=["scale"])
    with pytest.raises(ValueError, match="more than one row"):
        pool_table(pd.concat([table, table.iloc[:1]]), by=["scale"])
