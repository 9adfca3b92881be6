"""Equity of access (evaluation.stats.equity): reference values, band rules, edge cases.

Each reference test puts the independent computation (statsmodels, scipy, or arithmetic by
hand) beside the assertion.
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from evaluation.core.errors import DegenerateDataWarning
from evaluation.stats import equity as eq

# ------------------------------------------------------------------------------ Katz log CI

CASES = [(10, 83170, 47, 62380), (29, 37170, 71, 172200), (5, 3440, 10, 23600), (1, 50, 30, 60), (65, 15600, 6, 171400)]


@pytest.mark.parametrize(("a", "n1", "c", "n2"), CASES)
@pytest.mark.parametrize("level", [0.95, 0.90])
def test_katz_ci_equals_statsmodels_log_method(a, n1, c, n2, level):
    rr, lo, hi = eq.katz_ci(a, n1, c, n2, confidence_level=level)
    # statsmodels: var = 1/count1 − 1/nobs1 + 1/count2 − 1/nobs2 on the log scale, i.e. Katz (1978)
    sm_lo, sm_hi = confint_proportions_2indep(a, n1, c, n2, compare="ratio", method="log", alpha=1 - level)
    assert float(lo) == pytest.approx(sm_lo, rel=1e-12)
    assert float(hi) == pytest.approx(sm_hi, rel=1e-12)
    assert float(rr) == pytest.approx((a / n1) / (c / n2), rel=1e-12)


def test_katz_ci_by_hand():
    # private 10 of 83,170 vs local authority 47 of 62,380:
    # RR = (10/83170)/(47/62380) = 0.159581; SE = sqrt(0.1 − 0.0000120 + 0.0212766 − 0.0000160) = 0.348208
    # CI = exp(−1.835205 ± 1.959964 × 0.348208) = exp(−1.835205 ± 0.682474) = (0.080647, 0.315773)
    rr, lo, hi = eq.katz_ci(10, 83170, 47, 62380)
    se = math.sqrt(1 / 10 - 1 / 83170 + 1 / 47 - 1 / 62380)
    assert se == pytest.approx(0.348208, abs=1e-6)
    assert float(rr) == pytest.approx(0.159581, abs=1e-6)
    assert (float(lo), float(hi)) == pytest.approx((0.080647, 0.315773), abs=1e-6)


def test_katz_ci_zero_cells():
    # a = 0: estimate 0, interval [0, upper limit of the adjusted log interval (0.5 added to every cell)]
    rr, lo, hi = eq.katz_ci(0, 12800, 65, 15600)
    _, sm_hi = confint_proportions_2indep(0, 12800, 65, 15600, compare="ratio", method="log-adjusted")
    assert (float(rr), float(lo)) == (0.0, 0.0)
    assert float(hi) == pytest.approx(sm_hi, rel=1e-12)
    # the documented alternative: no interval at all
    rr, lo, hi = eq.katz_ci(0, 12800, 65, 15600, zero="nan")
    assert float(rr) == 0.0 and np.isnan(lo) and np.isnan(hi)
    # c = 0: the reference has no participants, nothing can be computed
    rr, lo, hi = eq.katz_ci(5, 100, 0, 200)
    assert np.isnan(rr) and np.isnan(lo) and np.isnan(hi)


def test_katz_ci_rejects_bad_parameters():
    with pytest.raises(ValueError, match=r"`confidence_level` must be a number in \(0, 1\)"):
        eq.katz_ci(1, 10, 1, 10, confidence_level=95)
    with pytest.raises(ValueError, match=r"`zero` must be one of 'adjusted', 'nan'; got"):
        eq.katz_ci(1, 10, 1, 10, zero="continuity")


# ------------------------------------------------------------------------------------ bands


def test_band_rules():
    # METHODS, "Equity of access" (changed by issue 11 from banding the point estimate): `within` only
    # when the WHOLE CI lies inside [0.80, 1.25]; `disparity` when the CI excludes 1 and the estimate
    # lies outside the band; otherwise `inconclusive`. Each case is decided by hand below.
    est = [1.0, 1.0, 0.80, 1.18, 1.89, 0.79, 0.5, 2.0, 0.7, 3.0, 1.1, 0.0, 0.0, 0.0, np.nan]
    low = [0.85, 0.80, 0.60, 0.45, 1.23, 0.60, 0.3, 1.3, 0.5, 0.7, 1.02, np.nan, 0.0, 0.0, np.nan]
    high = [1.20, 1.25, 1.00, 3.10, 2.91, 0.99, 0.79, 3.0, 1.00, 9.0, 1.30, np.nan, 0.15, 1.4, np.nan]
    got = eq.classify_band(est, low, high, (0.80, 1.25)).tolist()
    assert got == [
        "within",        # 0.85-1.20 lies inside 0.80-1.25
        "within",        # the band's ends count as inside
        "inconclusive",  # the estimate is on the band's edge, but 0.60 is outside it: equal access not shown
        "inconclusive",  # issue 11's Fife: 1.18 in the band, CI 0.45-3.10 far outside it (was `within`)
        "disparity",     # issue 11's men: 1.89 outside the band, CI 1.23-2.91 excludes 1 (was `inconclusive`)
        "disparity",     # 0.79 outside the band, CI 0.60-0.99 excludes 1, though it reaches into the band
        "disparity",     # whole CI below the band
        "disparity",     # whole CI above the band
        "inconclusive",  # CI 0.5-1.00 reaches 1: no difference shown
        "inconclusive",  # CI straddles 1
        "inconclusive",  # 1.1 in the band, CI 1.02-1.30 excludes 1 but is not wholly inside: neither rule holds
        "inconclusive",  # no CI
        "disparity",     # no places, one-sided CI 0-0.15 excludes 1
        "inconclusive",  # no places, but the CI 0-1.4 includes 1
        "",              # no estimate
    ]


def test_band_is_configurable_and_checked():
    # 0.85 is outside [0.9, 1.1] and 0.7-0.95 excludes 1: a disparity under the narrower band;
    # under the default band 0.85 lies inside, the CI does not: inconclusive
    assert eq.classify_band([0.85], [0.7], [0.95], (0.9, 1.1)).tolist() == ["disparity"]
    assert eq.classify_band([0.85], [0.7], [0.95]).tolist() == ["inconclusive"]
    assert eq.classify_band([1.0], [0.92], [1.08], (0.9, 1.1)).tolist() == ["within"]
    assert eq.classify_band([0.5], [0.4], [0.6], (0.7, 1.4)).tolist() == ["disparity"]
    for bad in [(1.2, 0.8), (0.0, 1.2), (0.8, 1.0), (0.8,)]:
        with pytest.raises(ValueError, match=r"`band` must be \[low, high\] with 0 < low < 1 < high"):
            eq.classify_band([1.0], [0.9], [1.1], bad)


# ----------------------------------------------------------------------------- representation


def _counts():
    return pd.DataFrame({
        "dimension": ["sector"] * 4 + ["gender"] * 3,
        "category": ["local_authority", "private", "voluntary", "health", "female", "male", "not_recorded"],
        "participants": [47, 10, 40, 0, 70, 30, 4],
        "eligible": [62380.0, 83170.0, 58220.0, 3740.0, 172200.0, 37170.0, np.nan],
    })


def test_representation_by_hand():
    counts = _counts()
    before = counts.copy()
    with pytest.warns(DegenerateDataWarning, match="not_recorded"):
        out = eq.representation(counts, reference={"sector": "local_authority"})
    pd.testing.assert_frame_equal(counts, before)  # inputs are never modified
    assert list(out.columns[:12]) == ["dimension", "category", "participants", "eligible", "rate_per_1000",
                                      "share_participants", "share_eligible", "representation_index",
                                      "relative_likelihood", "rl_ci_low", "rl_ci_high", "band"]
    private = out[(out["dimension"] == "sector") & (out["category"] == "private")].iloc[0]
    # rate = 1000 × 10/83170 = 0.120236; share of places 10/97 = 0.103093;
    # share of workforce 83170/207510 = 0.400800; index = 100 × 0.103093/0.400800 = 25.722
    assert private["rate_per_1000"] == pytest.approx(1000 * 10 / 83170)
    assert private["share_participants"] == pytest.approx(10 / 97)
    assert private["share_eligible"] == pytest.approx(83170 / 207510)
    assert private["representation_index"] == pytest.approx(100 * (10 / 97) / (83170 / 207510))
    assert private["relative_likelihood"] == pytest.approx((10 / 83170) / (47 / 62380))
    assert private["band"] == "disparity"
    la = out[out["category"] == "local_authority"].iloc[0]
    assert la["relative_likelihood"] == 1.0 and np.isnan(la["rl_ci_low"]) and la["band"] == ""
    health = out[out["category"] == "health"].iloc[0]
    assert health["participants"] == 0 and health["relative_likelihood"] == 0 and health["rl_ci_low"] == 0
    # gender: default reference = the largest eligible category (female); not_recorded has no benchmark
    gender = out[out["dimension"] == "gender"].set_index("category")
    assert set(gender["reference_category"]) == {"female"}
    assert np.isnan(gender.loc["not_recorded", "rate_per_1000"]) and gender.loc["not_recorded", "band"] == ""
    # the undeclared are part of the participants' total (a category of their own, never dropped)
    assert gender.loc["male", "share_participants"] == pytest.approx(30 / 104)


def test_representation_reference_errors_and_degenerate_reference():
    counts = _counts()
    with pytest.raises(ValueError, match=r"`reference` for 'sector' must be one of .*'voluntary'.*got 'nhs'"):
        eq.representation(counts[counts["dimension"] == "sector"], reference={"sector": "nhs"})
    with pytest.warns(DegenerateDataWarning, match="reference category 'health' has no participants"):
        out = eq.representation(counts[counts["dimension"] == "sector"], reference={"sector": "health"})
    assert out["relative_likelihood"].isna().all()
    assert set(out["band"]) == {""}


def test_representation_relabelling_permutes_not_changes():
    counts = _counts()
    counts = counts[counts["dimension"] == "sector"]
    names = {"local_authority": "zz", "private": "aa", "voluntary": "mm", "health": "bb"}
    plain = eq.representation(counts)
    renamed = eq.representation(counts.assign(category=counts["category"].map(names)))
    numeric = ["participants", "eligible", "rate_per_1000", "share_participants", "share_eligible",
               "representation_index", "relative_likelihood", "rl_ci_low", "rl_ci_high"]
    pd.testing.assert_frame_equal(plain[numeric], renamed[numeric])
    assert plain["band"].tolist() == renamed["band"].tolist()
    shuffled = eq.representation(counts.iloc[[2, 0, 3, 1]])
    pd.testing.assert_frame_equal(plain.set_index("category")[numeric].sort_index(),
                                  shuffled.set_index("category")[numeric].sort_index())


def test_category_counts_keeps_undeclared_and_zero_categories():
    people = pd.DataFrame({"gender": ["female", "female", "not_declared", None, ""]})
    wf = pd.DataFrame({"dimension": ["gender"] * 3, "category": ["female", "male", "not_declared"],
                       "eligible": [10.0, 5.0, 1.0]})
    out = eq.category_counts(people, wf, ["gender"])
    assert out.set_index("category")["participants"].to_dict() == {
        "female": 2, "male": 0, "not_declared": 1, "not_recorded": 2}
    with pytest.raises(ValueError, match=r"`participants` lacks required column\(s\) \['sector'\]"):
        eq.category_counts(people, wf, ["sector"])


def test_select_workforce_year_rules():
    # METHODS: the cohort's year, or the NEAREST year in the table (issue 11; was "latest at or
    # before, else earliest after"); on a tie the earlier year.
    wf = pd.DataFrame({"year": [2003, 2006, 2018, 2018], "dimension": ["sector", "sector", "sector", "gender"],
                       "category": ["a", "a", "a", "f"], "headcount": [1, 2, 3, 4]})
    pick = lambda y: eq.select_workforce(wf, year=y).set_index("dimension")["workforce_year"].to_dict()  # noqa: E731
    assert pick(2005) == {"sector": 2006, "gender": 2018}   # 2006 is 1 year away, 2003 is 2
    assert pick(2004) == {"sector": 2003, "gender": 2018}   # 2003 is 1 year away, 2006 is 2
    assert pick(2006) == {"sector": 2006, "gender": 2018}
    assert pick(2001) == {"sector": 2003, "gender": 2018}
    assert pick(2012) == {"sector": 2006, "gender": 2018}   # 2006 and 2018 are both 6 years away: the earlier
    assert pick(None) == {"sector": 2018, "gender": 2018}   # no cohort year: the latest


def test_select_workforce_population():
    wf = pd.DataFrame({"year": [2018, 2018, 2004, 2004], "population": ["all_staff", "all_staff", "managers", "managers"],
                       "dimension": "sector", "category": ["a", "b", "a", "b"], "headcount": [900, 100, 60, 40]})
    got = eq.select_workforce(wf, year=2005, population="managers")
    assert got["eligible"].tolist() == [60.0, 40.0] and set(got["workforce_year"]) == {2004}
    assert set(got["population"]) == {"managers"}
    assert eq.select_workforce(wf, year=2005)["eligible"].tolist() == [900.0, 100.0]   # default all_staff
    with pytest.raises(ValueError, match=r"`population` 'seniors' .* populations are: all_staff, managers"):
        eq.select_workforce(wf, population="seniors")
    # a table without the column describes all_staff
    assert eq.workforce_populations(wf.drop(columns="population")) == ["all_staff"]


def test_eligible_population_denominator_by_hand():
    # A managers' programme: 30 places, 20 first-line and 8 middle managers, 2 frontline staff (outside the
    # eligible population). Eligible managers 2004: first-line 12,000, middle 6,000 (total 18,000).
    # By hand: rate first-line = 1000 x 20/12000 = 1.6667; middle = 1000 x 8/6000 = 1.3333;
    # RL middle vs first-line = 1.3333/1.6667 = 0.8; SE[ln RL] = sqrt(1/8 - 1/6000 + 1/20 - 1/12000) = 0.41803;
    # CI = 0.8 x exp(-/+ 1.959964 x 0.41803) = 0.3526 to 1.8152 -> inconclusive (CI includes 1);
    # the same as statsmodels: confint_proportions_2indep(8, 6000, 20, 12000, compare="ratio", method="log")
    # -> (0.35257, 1.81526).
    # Shares are of all 30 places: first-line 20/30 = 0.6667 against 12000/18000 = 0.6667 -> index 100.0;
    # the frontline row keeps its 2 places, eligible 0, and no rate, index or relative likelihood.
    counts = pd.DataFrame({"dimension": "role_level", "category": ["first_line_manager", "middle_manager", "frontline"],
                           "participants": [20, 8, 2], "eligible": [12000.0, 6000.0, 0.0]})
    with pytest.warns(DegenerateDataWarning, match="frontline"):
        out = eq.representation(counts, reference={"role_level": "first_line_manager"}).set_index("category")
    assert out.loc["first_line_manager", "rate_per_1000"] == pytest.approx(1.666667, abs=1e-6)
    assert out.loc["middle_manager", "relative_likelihood"] == pytest.approx(0.8)
    assert out.loc["middle_manager", "rl_ci_low"] == pytest.approx(0.3526, abs=1e-4)
    assert out.loc["middle_manager", "rl_ci_high"] == pytest.approx(1.8152, abs=1e-4)
    sm = confint_proportions_2indep(8, 6000, 20, 12000, compare="ratio", method="log")
    assert (out.loc["middle_manager", "rl_ci_low"], out.loc["middle_manager", "rl_ci_high"]) == pytest.approx(sm)
    assert out.loc["middle_manager", "band"] == "inconclusive"
    assert out.loc["first_line_manager", "representation_index"] == pytest.approx(100.0)
    assert out.loc["frontline", "participants"] == 2
    assert out.loc["frontline", ["rate_per_1000", "representation_index", "relative_likelihood"]].isna().all()
    assert out.loc["frontline", "band"] == ""


def test_enrolment_year():
    dates = pd.Series(pd.to_datetime(["2004-09-01", "2004-11-01", "2005-01-10"]))
    assert eq.enrolment_year(dates) == 2004
    assert eq.enrolment_year(pd.Series(pd.to_datetime(["2005-01-01", "2004-12-01"]))) == 2004  # a tie: the earlier


# ---------------------------------------------------------------------------- goodness of fit


def test_chi_square_matches_scipy():
    observed, weights = [47, 10, 40, 12], [62380, 83170, 58220, 16230]  # expected 30.9, 41.2, 28.8, 8.0
    res = eq.goodness_of_fit(observed, weights)
    expected = np.array(weights) / sum(weights) * sum(observed)
    ref = stats.chisquare(observed, expected)  # scipy: Σ(O − E)²/E, df = k − 1
    assert res["method"] == "chi_square"
    assert res["statistic"] == pytest.approx(ref.statistic, rel=1e-12)
    assert res["p_value"] == pytest.approx(ref.pvalue, rel=1e-12)
    assert res["df"] == 3 and res["draws"] == 0


def _exact_multinomial_p(observed, p):
    """P(X² ≥ X²_obs) under multinomial(N, p), by enumerating every table."""
    n, k = sum(observed), len(observed)
    exp = n * np.asarray(p)
    x2 = lambda x: float(((np.asarray(x) - exp) ** 2 / exp).sum())  # noqa: E731
    obs = x2(observed)
    total = 0.0
    for cut in itertools.combinations(range(n + k - 1), k - 1):
        x = np.diff([-1, *cut, n + k - 1]) - 1
        if x2(x) >= obs - 1e-9:
            total += stats.multinomial.pmf(x, n, p)
    return total


def test_monte_carlo_agrees_with_exact_multinomial_and_is_reproducible():
    observed, p = [1, 3, 4], [0.5, 0.3, 0.2]
    res = eq.goodness_of_fit(observed, p, seed=2002, draws=20_000)
    assert res["method"] == "monte_carlo"  # expected counts 4, 2.4, 1.6 < 5
    exact = _exact_multinomial_p(observed, p)
    # Monte Carlo standard error ≤ sqrt(0.25/20000) = 0.0035: allow 4 SE
    assert res["p_value"] == pytest.approx(exact, abs=0.015)
    again = eq.goodness_of_fit(observed, p, seed=2002, draws=20_000)
    assert again == res
    other = eq.goodness_of_fit(observed, p, seed=7, draws=20_000)
    assert other["statistic"] == res["statistic"]
    assert 1 / 20_001 <= other["p_value"] <= 1


def test_goodness_of_fit_checks_and_degenerate_cases():
    with pytest.raises(ValueError, match="same length"):
        eq.goodness_of_fit([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match=r"`draws` must be a whole number ≥ 1"):
        eq.goodness_of_fit([1, 2], [1, 2], draws=0)
    with pytest.raises(ValueError, match="`expected` is 0 for a category with participants"):
        eq.goodness_of_fit([1, 2], [0, 2])
    with pytest.warns(DegenerateDataWarning, match="at least two categories"):
        res = eq.goodness_of_fit([5], [1])
    assert np.isnan(res["p_value"])


# ------------------------------------------------------------------------------ Lorenz, Gini


def test_gini_hand_worked_example():
    # Areas A, B, C with workforce 100, 200, 700 and places 1, 4, 20 (rates 10, 20, 28.57 per 1,000).
    # Sorted by rate: X = 0.1, 0.3, 1.0 (cumulative workforce share); Y = 1/25, 5/25, 25/25 = 0.04, 0.2, 1.0.
    # G = 1 − [(0.1 − 0)(0.04 + 0) + (0.3 − 0.1)(0.2 + 0.04) + (1.0 − 0.3)(1.0 + 0.2)]
    #   = 1 − [0.004 + 0.048 + 0.84] = 1 − 0.892 = 0.108
    assert eq.gini([20, 1, 4], [700, 100, 200]) == pytest.approx(0.108, abs=1e-12)
    curve = eq.lorenz_curve([20, 1, 4], [700, 100, 200], ["C", "A", "B"])
    assert curve["unit"].tolist() == ["", "A", "B", "C"]
    assert curve["cum_workforce_share"].tolist() == pytest.approx([0, 0.1, 0.3, 1.0])
    assert curve["cum_places_share"].tolist() == pytest.approx([0, 0.04, 0.2, 1.0])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 9000)), min_size=2, max_size=34),
       st.lists(st.booleans(), min_size=34, max_size=34))
def test_gini_is_ginis_mean_difference_and_pooling_areas_never_raises_it(areas, pooled):
    places = np.array([a for a, _ in areas], dtype=float)
    workforce = np.array([w for _, w in areas], dtype=float)
    assume(places.sum() > 0)
    # Independent reference: Gini's mean difference of the areas' rates r_i = places_i / workforce_i, each
    # weighted by its workforce (Gini 1912; Lerman & Yitzhaki 1984, for weighted point masses):
    # G = Σ_i Σ_j w_i w_j |r_i − r_j| / (2 W² r̄), W = Σ w, r̄ = Σ places / W. For a distribution of point
    # masses this is exactly the trapezoid area of Brown's formula that eq.gini uses.
    rate, total = places / workforce, workforce.sum()
    mean_difference = (np.outer(workforce, workforce) * np.abs(rate[:, None] - rate[None, :])).sum() / (
        2 * total**2 * (places.sum() / total))
    assert eq.gini(places, workforce) == pytest.approx(mean_difference, abs=1e-12)
    # METHODS: "When suppressed areas are pooled, the Gini is a lower bound" (the reports say "at least"):
    # merging any areas into one unit never raises it (|x − r_k| is convex, and the pair's own term goes)
    merge = np.array(pooled[: len(areas)])
    if merge.sum() >= 2:
        kept_places = np.append(places[~merge], places[merge].sum())
        kept_workforce = np.append(workforce[~merge], workforce[merge].sum())
        assert eq.gini(kept_places, kept_workforce) <= eq.gini(places, workforce) + 1e-12


def test_gini_extremes_and_weighting():
    assert eq.gini([1, 2, 3], [10, 20, 30]) == 0.0            # places in proportion to the workforce
    # all places in one of three equal areas: X = 1/3, 2/3, 1; Y = 0, 0, 1; G = 1 − (1/3)(1 + 0) = 2/3
    assert eq.gini([0, 0, 10], [100, 100, 100]) == pytest.approx(2 / 3)
    # workforce weighting: a large area with no places weighs more than a small one
    assert eq.gini([0, 10], [900, 100]) > eq.gini([0, 10], [100, 900])
    with pytest.warns(DegenerateDataWarning, match="no places at all"):
        assert np.isnan(eq.gini([0, 0], [10, 10]))


# ---------------------------------------------------------------------- completion, declaration


def test_completion_by_group_wilson_interval_matches_statsmodels():
    people = pd.DataFrame({"sector": ["a"] * 10 + ["b"] * 6,
                           "status": ["completed"] * 8 + ["withdrew", "in_progress"] + ["completed"] * 6})
    out = eq.completion_by_group(people, ["sector"]).set_index("category")
    lo, hi = proportion_confint(8, 10, alpha=0.05, method="wilson")
    assert out.loc["a", "completion_rate"] == 0.8  # in_progress counts as not (yet) completed
    assert (out.loc["a", "ci_low"], out.loc["a", "ci_high"]) == pytest.approx((lo, hi), rel=1e-12)
    lo, hi = proportion_confint(6, 6, alpha=0.05, method="wilson")
    assert (out.loc["b", "ci_low"], out.loc["b", "ci_high"]) == pytest.approx((lo, hi), rel=1e-12)


def test_declaration_rates_keep_every_undeclared_kind():
    people = pd.DataFrame({"disability": ["no", "yes", "not_declared", "prefer_not_to_say", None, "no"]})
    row = eq.declaration_rates(people, ["disability"]).iloc[0]
    assert (row["participants"], row["declared"]) == (6, 3)
    assert row["declaration_rate"] == 0.5
    assert (row["not_declared"], row["prefer_not_to_say"], row["not_recorded"]) == (1, 1, 1)


def test_no_warnings_on_clean_data():
    counts = _counts()
    counts = counts[counts["dimension"] == "sector"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        eq.representation(counts)
        eq.goodness_of_fit([47, 10, 40, 12], [62380, 83170, 58220, 16230])
