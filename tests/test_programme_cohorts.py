"""Two cohorts side by side (`compare_cohorts`), against R's Welch t-test on the same change scores."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy import stats

from evaluation.data.programme import load_programme_data
from evaluation.reports.programme_report.cohorts import COHORT_COMPARISON_COLUMNS, compare_cohorts


@pytest.fixture(scope="module")
def data():
    return load_programme_data("leading-to-deliver")


def _changes(data, cohort: int, scale: str, rater: str) -> pd.Series:
    s = data[cohort].scale_scores
    wide = s[(s["scale"] == scale) & (s["rater"] == rater)].pivot_table(
        index="participant_id", columns="wave", values="score")[["pre", "post"]].dropna()
    return wide["post"] - wide["pre"]


def test_difference_matches_r_welch_t_test(data):
    row = compare_cohorts(data, 2, 3, scales="leading_change", raters="self", comparisons="pre_post").iloc[0]
    # R 4.x, on the self-rated leading_change pre→post change scores of cohorts 2 and 3 of the
    # shipped synthetic data (written to CSV from this package's processed data):
    #   r <- t.test(a, b)
    #   sprintf("%.10f", c(r$estimate[1] - r$estimate[2], r$conf.int, r$parameter, r$p.value))
    #   "0.0164488017" "-0.1323916906" "0.1652892940" "158.9882234479" "0.8275042744"
    assert row["difference"] == pytest.approx(0.0164488017, abs=1e-9)
    assert row["ci_low"] == pytest.approx(-0.1323916906, abs=1e-9)
    assert row["ci_high"] == pytest.approx(0.1652892940, abs=1e-9)
    assert row["df"] == pytest.approx(158.9882234479, abs=1e-6)
    assert row["p_value"] == pytest.approx(0.8275042744, abs=1e-9)
    assert (row["n_pairs_a"], row["n_pairs_b"]) == (85, 81)


def test_every_row_matches_scipy_welch_on_the_change_scores(data):
    table = compare_cohorts(data, 4, 1, comparisons="pre_post")
    assert list(table.columns) == list(COHORT_COMPARISON_COLUMNS)
    assert {"self", "line_manager"} == set(table["rater"])
    for row in table.itertuples():
        a, b = _changes(data, 4, row.scale, row.rater), _changes(data, 1, row.scale, row.rater)
        ref = stats.ttest_ind(a, b, equal_var=False)
        assert row.difference == pytest.approx(a.mean() - b.mean(), abs=1e-12)
        assert row.p_value == pytest.approx(ref.pvalue, rel=1e-9)
        assert (row.n_pairs_a, row.n_pairs_b) == (len(a), len(b))


def test_the_programme_data_are_not_changed(data):
    before = data[2].scale_scores.copy()
    compare_cohorts(data, 2, 3)
    pd.testing.assert_frame_equal(data[2].scale_scores, before)


@pytest.mark.parametrize(("args", "kwargs", "message"), [
    ((2, 9), {}, "`cohort_b` must be a cohort of leading-to-deliver"),
    ((2, 2), {}, "must differ"),
    ((2, 3), {"scales": "no_such_scale"}, "`scales` must name one or more of 'vision_direction'"),
    ((2, 3), {"raters": "peer"}, "`raters` must name one or more of 'line_manager', 'self'"),
])
def test_wrong_arguments_name_the_parameter_and_the_allowed_values(data, args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        compare_cohorts(data, *args, **kwargs)
