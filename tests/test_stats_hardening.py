"""Hardening of evaluation.stats (branch stats-hardening): unknown names refused, degenerate
data warned about by name, ranges checked, frozen results.

A name outside the vocabulary and the data (a misspelling) is a ParameterError listing the
allowed names; a valid name the data simply lack (a wave nobody answered) is degenerate data,
a DegenerateDataWarning. Reference values come from scipy, the call written above the assertion.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from evaluation.core.errors import DegenerateDataWarning, ParameterError
from evaluation.data.convert import wide_to_long
from evaluation.stats import costs as ct
from evaluation.stats import equity as eq
from evaluation.stats.outcomes import (
    baseline_comparison,
    g_av_interval,
    mixed_model,
    outcomes_table,
)


@pytest.fixture(scope="module")
def scores() -> pd.DataFrame:
    """Six people at pre and post, one scale, self-ratings."""
    return pd.DataFrame({
        "participant_id": list("abcdef") * 2, "scale": "s", "rater": "self",
        "wave": ["pre"] * 6 + ["post"] * 6,
        "score": [3.0, 2.5, 3.5, 4.0, 3.0, 2.0, 3.5, 3.0, 4.5, 4.0, 3.5, 2.5]})  # fmt: skip


def no_warning(func):
    """Run ``func`` and fail on any warning at all."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return func()


# ============================================================== 1. unknown names refused


def test_mixed_model_refuses_a_misspelt_wave(scores):
    with pytest.raises(ParameterError, match=r"`waves`.*'pre', 'then', 'post', 'follow_up'.*'psot'"):
        mixed_model(scores, waves=["pre", "psot"])


def test_mixed_model_warns_about_a_valid_wave_nobody_answered(scores):
    with pytest.warns(DegenerateDataWarning, match=r"no scores at wave\(s\) 'follow_up' of `waves` 'pre', 'post', 'follow_up'; they have no term"):
        table = mixed_model(scores, waves=["pre", "post", "follow_up"])
    assert table["term"].tolist() == ["intercept", "wave[post]"]


@pytest.mark.parametrize(("argument", "value", "allowed"), [
    ("scale", "nope", "'s'"),
    ("rater", "boss", "'self', 'line_manager', 'peer', 'direct_report'"),
    ("earlier", "before", "'pre', 'then', 'post', 'follow_up'"),
    ("later", "psot", "'pre', 'then', 'post', 'follow_up'"),
])  # fmt: skip
def test_baseline_comparison_refuses_unknown_names(scores, argument, value, allowed):
    kwargs = {"scale": "s", argument: value}
    with pytest.raises(ParameterError, match=f"`{argument}`.*{allowed}.*{value!r}"):
        baseline_comparison(scores, **kwargs)


def test_baseline_comparison_warns_about_a_valid_wave_without_scores(scores):
    with pytest.warns(DegenerateDataWarning, match="no scores at later 'follow_up'"):
        row = baseline_comparison(scores, scale="s", later="follow_up")
    assert np.isnan(row["t"].iloc[0])


def test_outcomes_table_refuses_a_misspelt_wave_in_a_mapping(scores):
    with pytest.raises(ParameterError, match=r"`comparisons`.*'follow_up'.*'psot'"):
        outcomes_table(scores, comparisons={"x": ("pre", "psot")})


def test_outcomes_table_warns_about_a_comparison_at_a_wave_without_scores(scores):
    with pytest.warns(DegenerateDataWarning, match=r"comparison\(s\) 'pre_follow_up' have no rows"):
        table = outcomes_table(scores, comparisons=["pre_post", "pre_follow_up"])
    assert table["comparison"].tolist() == ["pre_post"]


@pytest.mark.parametrize(("argument", "value"), [("wave", "bogus"), ("rater", "boss"), ("instrument", "../x")])
def test_wide_to_long_refuses_unknown_names(argument, value):
    wide = pd.DataFrame({"participant_id": ["A-1"], "lc1": [4]})
    kwargs = {"instrument": "leadership-practice", "wave": "pre", argument: value}
    with pytest.raises(ParameterError, match=f"`{argument}`"):
        wide_to_long(wide, **kwargs)


def test_wide_to_long_refuses_an_instrument_the_programme_does_not_define():
    wide = pd.DataFrame({"participant_id": ["A-1"], "lc1": [4]})
    with pytest.raises(ParameterError, match="`instrument` must be one of 'leadership-practice'; got 'nope'"):
        wide_to_long(wide, instrument="nope", wave="pre", instruments=["leadership-practice"])
    long = wide_to_long(wide, instrument="leadership-practice", wave="pre", instruments=["leadership-practice"])
    assert long["instrument"].tolist() == ["leadership-practice"]


# ============================================================== 2. degenerate data said


def test_outcomes_table_of_no_scores_warns(scores):
    with pytest.warns(DegenerateDataWarning, match="`scores` has no scores.*the table is empty"):
        table = outcomes_table(scores.iloc[0:0], comparisons=["pre_post"])
    assert table.empty


def test_outcomes_table_with_only_the_pre_wave_warns(scores):
    with pytest.warns(DegenerateDataWarning, match=r"no scores at wave\(s\) 'post' \(.*the table is empty"):
        table = outcomes_table(scores[scores["wave"] == "pre"], comparisons=["pre_post"])
    assert table.empty


def test_g_av_interval_of_constant_scores_warns():
    with pytest.warns(DegenerateDataWarning, match="neither wave varies.*NaN"):
        res = g_av_interval([3, 3, 3, 3], [3, 3, 3, 3])
    assert np.isnan(res.g_av) and res.resamples_used == 0


def test_g_av_interval_of_ordinary_data_does_not_warn():
    res = no_warning(lambda: g_av_interval([3.0, 2.5, 4.0, 3.5, 3.0], [3.5, 3.0, 4.0, 4.5, 3.25]))
    assert np.isfinite(res.ci_low)


# ============================================================== 3. ranges checked


@pytest.mark.parametrize("r_xx", [-0.2, 0, 0.0, 1, 1.0, 1.5, float("inf")])
def test_outcomes_table_refuses_a_reliability_outside_0_1(scores, r_xx):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # one error, not a warning per row
        with pytest.raises(ParameterError, match=r"`reliability` must be a number in \(0, 1\)"):
            outcomes_table(scores, comparisons=["pre_post"], reliability=r_xx)
        with pytest.raises(ParameterError, match="`reliability`"):
            outcomes_table(scores, comparisons=["pre_post"], reliability={"s": r_xx})


def test_an_estimated_alpha_of_0_or_below_stays_degenerate_data(scores):
    # a reliability table (alpha estimated from data, as the reports pass it) may hold alpha ≤ 0
    rel = pd.DataFrame({"scale": ["s"], "rater": ["self"], "reliability": [-0.2]})
    with pytest.warns(DegenerateDataWarning, match=r"reliability -0.2 is not in \(0, 1\)"):
        table = outcomes_table(scores, comparisons=["pre_post"], reliability=rel)
    assert np.isnan(table["rci_improved"].iloc[0])
    # an alpha worked out in floating point is written to 3 significant digits: a cohort of 3's
    # published note read "reliability -1.8750000000000004 is not in (0, 1)"
    rel["reliability"] = -1.8750000000000004
    with pytest.warns(DegenerateDataWarning, match=r"reliability -1.88 is not in \(0, 1\): reliable change is NaN"):
        outcomes_table(scores, comparisons=["pre_post"], reliability=rel)


@pytest.mark.parametrize(("args", "name"), [
    ((200, 100, 10, 1000), "`a`"), ((-1, 100, 10, 1000), "`a`"), ((1, 100, 2000, 1000), "`c`"),
    ((1, 0, 10, 1000), "`n1`"), ((1, 100, 10, -5), "`n2`"), (([1, 200], [100, 100], 10, 1000), "`a`"),
])  # fmt: skip
def test_katz_ci_refuses_impossible_counts(args, name):
    with pytest.raises(ParameterError, match=name):
        eq.katz_ci(*args)


@pytest.mark.parametrize(("successes", "n"), [(11, 10), (-1, 10), (1, -2), (float("nan"), 10), (1, float("inf"))])
def test_wilson_interval_refuses_impossible_counts(successes, n):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy RuntimeWarning on the way
        with pytest.raises(ParameterError, match="`successes`|`n`"):
            ct.wilson_interval(successes, n)


# ============================================================== 4. mixed model without variance


@pytest.mark.parametrize("post", [3.1, 3.6])  # all identical; each wave constant (y = Xβ exactly)
def test_mixed_model_of_scores_without_residual_variance(post):
    scores = pd.DataFrame({"participant_id": list("abcdef") * 3, "scale": "s", "rater": "self",
                           "wave": ["pre"] * 6 + ["post"] * 6 + ["follow_up"] * 6,
                           "score": [3.1] * 6 + [post] * 6 + [3.1] * 6})  # fmt: skip
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = mixed_model(scores, waves=["pre", "post", "follow_up"])
    kinds = {w.category for w in caught}
    assert kinds == {DegenerateDataWarning}, [str(w.message) for w in caught]  # no RuntimeWarning
    assert "no residual variance" in str(caught[0].message)
    # the estimates the data fix: the wave means' differences (np.mean of each wave), +0.0 not −0.0
    assert table["estimate"].tolist() == pytest.approx([3.1, post - 3.1, 0.0], abs=1e-12)
    assert table[["se", "df", "ci_low", "ci_high", "p_value", "participant_variance"]].isna().all().all()
    assert (table["residual_variance"] == 0).all() and not table["converged"].any()


def test_mixed_model_of_identical_scores_reports_no_change_as_plus_zero():
    scores = pd.DataFrame({"participant_id": list("abcd") * 2, "scale": "s", "rater": "self",
                           "wave": ["pre"] * 4 + ["post"] * 4, "score": 3.0})  # fmt: skip
    with pytest.warns(DegenerateDataWarning, match="no residual variance"):
        table = mixed_model(scores, waves=["pre", "post"])
    assert table["estimate"].tolist() == [3.0, 0.0] and not np.signbit(table["estimate"]).any()


# ============================================================== 5. the default reliability=None


def test_outcomes_table_without_reliability_does_not_warn(scores):
    table = no_warning(lambda: outcomes_table(scores, comparisons=["pre_post"]))
    assert table["rci_improved"].isna().all() and table["reliability"].isna().all()


def test_a_reliability_that_misses_a_scale_still_warns(scores):
    with pytest.warns(DegenerateDataWarning, match="no usable reliability given for s"):
        outcomes_table(scores, comparisons=["pre_post"], reliability={"other": 0.8})


# ============================================================== 6. frozen results


def test_goodness_of_fit_is_frozen_and_still_reads_like_a_dict():
    res = eq.goodness_of_fit([30, 20, 50], [25, 25, 50])
    # scipy.stats.chisquare([30, 20, 50], [25, 25, 50]) → statistic 2.0, p = exp(−1) = 0.3679
    ref = stats.chisquare([30, 20, 50], [25, 25, 50])
    assert res["p_value"] == res.p_value == pytest.approx(ref.pvalue, rel=1e-12)
    assert list(res) == ["method", "statistic", "df", "p_value", "n", "categories", "min_expected",
                         "draws", "seed"]  # fmt: skip
    assert dict(res)["statistic"] == pytest.approx(ref.statistic) and len(res) == 9
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.p_value = 0.01  # type: ignore[misc]
    with pytest.raises(TypeError):
        res["p_value"] = 0.01  # type: ignore[index]
    with pytest.raises(KeyError):
        res["nope"]


def test_katz_ci_and_wilson_interval_are_named_tuples_that_unpack_as_before():
    res = eq.katz_ci(10, 83170, 47, 62380)
    ratio, low, high = res
    assert (res.ratio, res.low, res.high) == (ratio, low, high) and isinstance(res, tuple)
    # statsmodels: confint_proportions_2indep(10, 83170, 47, 62380, compare="ratio", method="log")
    assert (float(low), float(high)) == pytest.approx(
        confint_proportions_2indep(10, 83170, 47, 62380, compare="ratio", method="log"), rel=1e-10)
    wilson = ct.wilson_interval(90, 100)
    lo, hi = wilson
    # statsmodels: proportion_confint(90, 100, alpha=0.05, method="wilson")
    assert (wilson.low, wilson.high) == (lo, hi) == pytest.approx(
        proportion_confint(90, 100, alpha=0.05, method="wilson"), rel=1e-12)
    with pytest.raises(AttributeError):
        wilson.low = 0.5  # type: ignore[misc]
