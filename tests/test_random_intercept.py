"""The random-intercept REML fit against lme4 / lmerTest (tests/reference/random_intercept.R).

The numbers were printed by ``Rscript tests/reference/random_intercept.R`` (R 4.2.2, lme4 1.1-31,
lmerTest 3.1-3); R is not needed to run these tests. Estimates agree to 1e-6, standard errors and
Satterthwaite df to a relative 1e-4 (issue 13, item 2).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.stats.outcomes.random_intercept import RandomInterceptFit, fit_random_intercept

HERE = Path(__file__).parent
WAVES = ["pre", "post", "follow_up", "late"]


def design(frame: pd.DataFrame, column: str, levels: list) -> np.ndarray:
    """Treatment coding of a factor, reference the first level (R's default contrasts)."""
    return np.column_stack([np.ones(len(frame))] + [(frame[column] == v).to_numpy(float) for v in levels[1:]])


def check(fit: RandomInterceptFit, est, se, df, p, lower, upper) -> None:
    table = fit.coefficients(0.95)
    np.testing.assert_allclose(table["estimate"], est, rtol=0, atol=1e-6)
    np.testing.assert_allclose(table["se"], se, rtol=1e-4)
    np.testing.assert_allclose(table["df"], df, rtol=1e-4)
    np.testing.assert_allclose(table["p_value"], p, rtol=1e-3)
    np.testing.assert_allclose(table["ci_low"], lower, rtol=1e-6, atol=1e-5)
    np.testing.assert_allclose(table["ci_high"], upper, rtol=1e-6, atol=1e-5)


@pytest.fixture(scope="module")
def sleepstudy() -> pd.DataFrame:
    # R: write.csv(lme4::sleepstudy, "tests/data/sleepstudy.csv", row.names = FALSE)
    return pd.read_csv(HERE / "data" / "sleepstudy.csv")


@pytest.fixture(scope="module")
def unbalanced() -> pd.DataFrame:
    return pd.read_csv(HERE / "reference" / "random_intercept_unbalanced.csv")


def test_sleepstudy_days_numeric(sleepstudy):
    x = np.column_stack([np.ones(len(sleepstudy)), sleepstudy["Days"]])
    fit = fit_random_intercept(sleepstudy["Reaction"], x, sleepstudy["Subject"], terms=["(Intercept)", "Days"])
    # R: fit <- lmerTest::lmer(Reaction ~ Days + (1 | Subject), sleepstudy, REML = TRUE)
    #    summary(fit)$coefficients[, c("Estimate", "Std. Error", "df", "Pr(>|t|)")];
    #    as.data.frame(contest(fit, diag(2), joint = FALSE, confint = TRUE))[, c("lower", "upper")]
    check(fit, est=[251.405104848484, 10.467285959596], se=[9.74671626920939, 0.80422142894524],
          df=[22.8101989552553, 161.0000000545923], p=[2.24135095934467e-18, 6.41260123102367e-27],
          lower=[231.2331986029895, 8.8791029741588], upper=[271.5770110939794, 12.0554689450331])
    assert fit.terms == ("(Intercept)", "Days")
    # R: as.data.frame(VarCorr(fit))$vcov; getME(fit, "theta"); REMLcrit(fit); isSingular(fit)
    assert fit.participant_variance == pytest.approx(1378.178513809047, rel=1e-5)
    assert fit.residual_variance == pytest.approx(960.456578560467, rel=1e-5)
    assert fit.theta == pytest.approx(1.19788153282896, rel=1e-5)
    assert fit.reml_criterion == pytest.approx(1786.46508539492, rel=1e-10)
    assert not fit.singular and fit.converged and fit.notes == ()
    assert (fit.n_observations, fit.n_groups) == (180, 18)


def test_sleepstudy_unbalanced_days_as_factor(sleepstudy):
    kept = sleepstudy[(np.arange(len(sleepstudy)) + 1) % 7 != 0]
    fit = fit_random_intercept(kept["Reaction"], design(kept, "Days", list(range(10))), kept["Subject"])
    # R: ss_u <- sleepstudy[seq_len(nrow(sleepstudy)) %% 7 != 0, ]   (155 rows)
    #    fit_u <- lmerTest::lmer(Reaction ~ factor(Days) + (1 | Subject), ss_u, REML = TRUE)
    #    summary(fit_u)$coefficients; contest(fit_u, diag(10), joint = FALSE, confint = TRUE)
    check(fit,
          est=[256.01959684587388, 10.26068008223645, 7.88860244120176, 27.25472432931996, 35.84641539680335,
               52.65870033090143, 55.74234793894045, 61.46699333333464, 81.42491133223652, 94.88054619120170],
          se=[12.2272829646823, 11.8815058285782, 11.8815058285782, 12.0909282671926, 12.0909282671926,
              11.8758991124994, 12.0909282671926, 11.9580745141438, 11.8815058285782, 11.8815058285782],
          df=[49.9921476772074, 128.4464746808430, 128.4464746851561, 128.4968613764150, 128.4968613797934,
              128.4012942396589, 128.4968613784340, 127.9663535103457, 128.4464746878798, 128.4464746857358],
          p=[2.13636171999283e-26, 3.89426089591761e-01, 5.07918975020247e-01, 2.58803378321045e-02,
             3.61201179313018e-03, 1.96441828220994e-05, 9.57767170496872e-06, 1.00039778541690e-06,
             2.70732993665521e-10, 6.86278457859963e-13],
          lower=[231.4602806527205, -13.2481293754885, -15.6202070165157, 3.3316397443447, 11.9233308118341,
                 29.1609057283077, 31.8192633539688, 37.8058405050375, 57.9161018745238, 71.3717367334853],
          upper=[280.5789130390273, 33.7694895399614, 31.3974118989192, 51.1778089142952, 59.7694999817726,
                 76.1564949334952, 79.6654325239121, 85.1281461616318, 104.9337207899492, 118.3893556489181])  # fmt: skip
    # R: REMLcrit(fit_u); as.data.frame(VarCorr(fit_u))$vcov
    assert fit.reml_criterion == pytest.approx(1492.83516692246, rel=1e-10)
    assert fit.participant_variance == pytest.approx(1379.00602569693, rel=1e-5)
    assert fit.residual_variance == pytest.approx(1072.46659564361, rel=1e-5)


def test_generated_unbalanced_missing_waves(unbalanced):
    # 40 participants, 4 waves, 120 of 160 scores (1 to 4 waves each)
    assert len(unbalanced) == 120 and unbalanced.groupby("participant").size().nunique() == 4
    fit = fit_random_intercept(unbalanced["score"], design(unbalanced, "wave", WAVES), unbalanced["participant"])
    # R: ub$wave <- factor(ub$wave, levels = c("pre", "post", "follow_up", "late"))
    #    fit_ub <- lmerTest::lmer(score ~ wave + (1 | participant), ub, REML = TRUE)
    #    summary(fit_ub)$coefficients; contest(fit_ub, diag(4), joint = FALSE, confint = TRUE)
    check(fit, est=[3.135305629852908, 0.215713915593694, 0.084464014199275, 0.122658976228785],
          se=[0.113977045889612, 0.120480885965161, 0.124855555598031, 0.154306396236455],
          df=[83.9966263077317, 82.3740696827786, 82.4928085184714, 85.2482624688350],
          p=[8.84306433419621e-44, 7.70570683131321e-02, 5.00619597282749e-01, 4.28876145816425e-01],
          lower=[2.9086496415768179, -0.0239446525409634, -0.1638912463171426, -0.1841305814292382],
          upper=[3.361961618128999, 0.455372483728352, 0.332819274715693, 0.429448533886809])  # fmt: skip
    # R: as.data.frame(VarCorr(fit_ub))$vcov; REMLcrit(fit_ub)
    assert fit.participant_variance == pytest.approx(0.240039832367414, rel=1e-5)
    assert fit.residual_variance == pytest.approx(0.251412420046529, rel=1e-5)
    assert fit.reml_criterion == pytest.approx(234.200835804735, rel=1e-10)


def test_boundary_fit_is_singular_with_least_squares_df():
    data = pd.read_csv(HERE / "reference" / "random_intercept_boundary.csv")
    fit = fit_random_intercept(data["score"], design(data, "wave", WAVES[:3]), data["participant"])
    # R: fit_b <- lmerTest::lmer(score ~ wave + (1 | participant), bd, REML = TRUE)
    #    → "boundary (singular) fit"; isSingular(fit_b) TRUE; getME(fit_b, "theta") 0
    #    summary(fit_b)$coefficients; contest(fit_b, diag(3), joint = FALSE, confint = TRUE)
    check(fit, est=[3.0, 0.5, 0.4], se=[0.117851130197758, 0.166666666666667, 0.166666666666667],
          df=[23.9999999992238] * 3, p=[7.05823238902649e-19, 6.20573661666099e-03, 2.45098904537157e-02],
          lower=[2.7567672218981931, 0.1560169063947416, 0.0560169063947414],
          upper=[3.243232778101805, 0.843983093605261, 0.743983093605260])  # fmt: skip
    assert fit.singular and fit.theta == 0.0 and fit.participant_variance == 0.0
    # R: as.data.frame(VarCorr(fit_b))$vcov → 0 0.125; REMLcrit(fit_b)
    assert fit.residual_variance == pytest.approx(0.125, rel=1e-9)
    assert fit.reml_criterion == pytest.approx(24.7941263255169, rel=1e-10)
    assert any("singular" in note for note in fit.notes)


def test_statsmodels_mixedlm_agrees(unbalanced):
    # the previous report path, kept as an oracle: same REML estimator, SEs from its joint Hessian
    from statsmodels.regression.mixed_linear_model import MixedLM

    x = design(unbalanced, "wave", WAVES)
    ours = fit_random_intercept(unbalanced["score"], x, unbalanced["participant"])
    theirs = MixedLM(unbalanced["score"].to_numpy(), x, groups=unbalanced["participant"].to_numpy()).fit(reml=True)
    np.testing.assert_allclose(ours.estimate, theirs.fe_params, rtol=0, atol=1e-5)
    np.testing.assert_allclose(ours.participant_variance, np.asarray(theirs.cov_re)[0, 0], rtol=1e-4)
    np.testing.assert_allclose(ours.residual_variance, theirs.scale, rtol=1e-4)
    np.testing.assert_allclose(ours.se, theirs.bse_fe, rtol=5e-3)


def test_analytic_derivatives_match_finite_differences(unbalanced):
    # lmerTest differentiates numerically (numDeriv); the analytic Hessian of its devfun_vp and
    # the Jacobian of vcov(beta) must agree with central differences.
    from evaluation.stats.outcomes import random_intercept as ri

    x = design(unbalanced, "wave", WAVES)
    y = unbalanced["score"].to_numpy()
    codes = pd.factorize(unbalanced["participant"])[0]
    sums = ri._Sums(y, x, codes, codes.max() + 1)
    fit = fit_random_intercept(y, x, codes)
    sigma = float(np.sqrt(fit.residual_variance))

    def deviance(theta: float, sig: float) -> float:  # lmerTest:::devfun_vp with REML = TRUE
        f = sums.solve(theta)
        return f["logdet_l"] + f["logdet_m"] + f["r2"] / sig**2 + (sums.n - sums.p) * np.log(2 * np.pi * sig**2)

    def vcov(theta: float, sig: float) -> np.ndarray:
        return sig**2 * np.linalg.inv(sums.solve(theta)["m"])

    hessian, jacobian = ri._derivatives(sums, sums.solve(fit.theta), sigma)
    h = 1e-4
    point = np.array([fit.theta, sigma])
    numeric = np.empty((2, 2))
    for a in range(2):
        for b in range(2):
            ea, eb = np.eye(2)[a] * h, np.eye(2)[b] * h
            numeric[a, b] = (deviance(*(point + ea + eb)) - deviance(*(point + ea - eb))
                             - deviance(*(point - ea + eb)) + deviance(*(point - ea - eb))) / (4 * h * h)
    np.testing.assert_allclose(hessian, numeric, rtol=1e-5)
    for a in range(2):
        e = np.eye(2)[a] * h
        np.testing.assert_allclose(jacobian[a], (vcov(*(point + e)) - vcov(*(point - e))) / (2 * h), rtol=1e-6)


def test_row_order_and_group_labels_do_not_matter(unbalanced):
    x = design(unbalanced, "wave", WAVES)
    fit = fit_random_intercept(unbalanced["score"], x, unbalanced["participant"])
    order = np.random.default_rng(3).permutation(len(unbalanced))
    relabelled = ("id-" + unbalanced["participant"].str[::-1]).to_numpy()[order]
    other = fit_random_intercept(unbalanced["score"].to_numpy()[order], x[order], relabelled)
    np.testing.assert_allclose(other.estimate, fit.estimate, rtol=0, atol=1e-8)  # optimiser tolerance
    np.testing.assert_allclose(other.df, fit.df, rtol=1e-5)


def test_confidence_level_changes_only_the_interval(unbalanced):
    fit = fit_random_intercept(unbalanced["score"], design(unbalanced, "wave", WAVES), unbalanced["participant"])
    wide, narrow = fit.coefficients(0.99), fit.coefficients(0.90)
    assert (wide["ci_high"] - wide["ci_low"] > narrow["ci_high"] - narrow["ci_low"]).all()
    assert wide["p_value"].tolist() == narrow["p_value"].tolist()


@pytest.mark.parametrize(
    ("y", "x", "groups", "match"),
    [
        ([1.0, 2.0, 3.0], np.ones((2, 1)), "abc", "`x` must have shape"),
        ([1.0, np.nan, 3.0, 4.0], np.ones((4, 1)), "aabb", "finite"),
        ([1.0, 2.0, 3.0, 4.0], np.ones((4, 1)), "aaaa", "at least 2 groups"),
        ([1.0, 2.0, 3.0, 4.0], np.ones((4, 2)), "aabb", "rank deficient"),
        ([1.0, 2.0, 3.0, 4.0], np.ones((4, 1)), ["a", "a", None, "b"], "`groups`"),
    ],
)
def test_bad_input_names_the_argument(y, x, groups, match):
    with pytest.raises(ValueError, match=match):
        fit_random_intercept(y, x, list(groups))
