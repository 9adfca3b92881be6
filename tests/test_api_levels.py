"""Every API table with intervals says their level (a ``confidence_level`` column), and
reliability(), costs() and equity() take ``confidence_level`` as outcomes() does: a 0.90 interval
lies inside the 0.95 one, the estimates stay, and the intervals are those of the method at that
level (checked against scipy and R)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import evaluation as ev
from evaluation.core.errors import ParameterError


@pytest.fixture(scope="module")
def cohort2() -> ev.Cohort:
    return ev.load_cohort("leading-to-deliver", 2)


def _nested(inner: pd.DataFrame, outer: pd.DataFrame, low: str, high: str) -> None:
    both = inner[low].notna() & outer[low].notna()
    assert both.sum() > 0
    # inside, and narrower wherever the limit is not a bound of the parameter (a zero count's 0)
    assert (inner.loc[both, low] >= outer.loc[both, low]).all()
    assert (inner.loc[both, high] < outer.loc[both, high]).all()
    assert (inner.loc[both, low] > outer.loc[both, low]).any()
    assert inner[low].isna().equals(outer[low].isna())


def test_every_table_with_intervals_says_their_level(cohort2):
    level = cohort2.parameters.confidence_level
    tables = {"outcomes": (cohort2.outcomes(scales="leading_change"), "change_ci_high", level),
              "reliability": (cohort2.reliability(), "alpha_ci_high", 0.95),
              "costs": (cohort2.costs(), "ci_high", level),
              "equity": (cohort2.equity(), "rl_ci_high", level),
              "findings": (cohort2.findings(), "ci_high", level)}
    for name, (table, after, at) in tables.items():
        columns = table.columns.tolist()
        assert columns[columns.index(after) + 1] == "confidence_level", name
        assert table["confidence_level"].dtype == "float64"
        assert set(table["confidence_level"].dropna()) == {at}, name
    # a figure without an interval (what was counted; a finding without one) has no level
    for name in ("costs", "findings"):
        table = tables[name][0]
        without = table["ci_low"].isna() & table["ci_high"].isna()
        assert without.any() and table.loc[without, "confidence_level"].isna().all()
        assert table.loc[~without, "confidence_level"].notna().all()
    ltd = ev.load_programme("leading-to-deliver")
    assert set(ltd.compare(2, 3, scales="leading_change", confidence_level=0.9)["confidence_level"]) == {0.9}


def test_outcomes_at_another_level_match_scipys_t_interval(cohort2):
    at_90 = cohort2.outcomes(confidence_level=0.9)
    at_95 = cohort2.outcomes()
    _nested(at_90, at_95, "change_ci_low", "change_ci_high")
    _nested(at_90, at_95, "d_z_ci_low", "d_z_ci_high")
    assert set(at_90["confidence_level"]) == {0.9}
    pd.testing.assert_series_equal(at_90["mean_change"], at_95["mean_change"])
    # one row against scipy: the paired t interval of the complete pairs
    scores = cohort2.scale_scores
    mine = scores[(scores["scale"] == "leading_change") & (scores["rater"] == "self")]
    wide = mine.pivot(index="participant_id", columns="wave", values="score")[["pre", "post"]].dropna()
    ci = stats.ttest_rel(wide["post"], wide["pre"]).confidence_interval(0.9)
    row = at_90[(at_90["scale"] == "leading_change") & (at_90["rater"] == "self")
                & (at_90["comparison"] == "pre_post")].iloc[0]
    assert row["n_pairs"] == len(wide)
    assert (row["change_ci_low"], row["change_ci_high"]) == pytest.approx((ci.low, ci.high), rel=1e-12)


def test_a_subgroup_breakdown_says_its_level_too(cohort2):
    table = cohort2.outcomes(by="role_level", scales="leading_change", raters="self", comparisons="pre_post",
                             confidence_level=0.8)
    assert set(table["confidence_level"]) == {0.8}  # suppressed rows too: the level is not about a group
    assert table.columns[0] == "role_level" and table.columns[-1] == "suppressed"


def test_reliability_at_another_level_is_feldts_interval(cohort2):
    at_95, at_90 = cohort2.reliability(), cohort2.reliability(confidence_level=0.9)
    _nested(at_90, at_95, "alpha_ci_low", "alpha_ci_high")
    for column in ("alpha", "n", "k_items", "omega_total"):
        pd.testing.assert_series_equal(at_90[column], at_95[column])
    assert set(at_90["confidence_level"]) == {0.9}
    # the default is the published table's 95% interval, computed at ingest from the answers
    pd.testing.assert_frame_equal(at_95.drop(columns="confidence_level"),
                                  ev.load_cohort("leading-to-deliver", 2).report("outcomes").tables["reliability"])
    row = at_90.iloc[4]
    assert (row["scale"], row["wave"], row["rater"], row["n"], row["k_items"]) == ("leading_change", "pre", "self",
                                                                                  88, 5)
    # Feldt at 90%, df1 = n − 1 = 87, df2 = (n − 1)(k − 1) = 348; R 4.2.2, options(digits = 15):
    #   a <- 0.8084835042972; 1 - (1 - a) * qf(c(0.95, 0.05), 87, 348)   # 0.750007450185586 0.857219156484155
    assert row["alpha"] == pytest.approx(0.8084835042972, abs=1e-13)
    assert (row["alpha_ci_low"], row["alpha_ci_high"]) == pytest.approx((0.750007450185586, 0.857219156484155),
                                                                        rel=1e-12)
    low = 1 - (1 - row["alpha"]) * stats.f.ppf(0.95, 87, 348)
    high = 1 - (1 - row["alpha"]) * stats.f.ppf(0.05, 87, 348)
    assert (row["alpha_ci_low"], row["alpha_ci_high"]) == pytest.approx((low, high), rel=1e-12)


def test_costs_at_another_level_narrow_the_same_bootstrap(cohort2):
    at_95, at_90 = cohort2.costs(), cohort2.costs(confidence_level=0.9)
    _nested(at_90, at_95, "ci_low", "ci_high")
    pd.testing.assert_series_equal(at_90["value"], at_95["value"])
    # the same seeded resamples (the report's draws), their 5th and 95th percentiles
    draws = cohort2.report("costs").details["bootstrap_draws"]
    for measure in ("cost_per_reliable_improver", "cash_cost_per_reliable_improver"):
        row = at_90.set_index("measure").loc[measure]
        expected = np.quantile(draws[measure].to_numpy(), [0.05, 0.95])
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(tuple(expected), rel=1e-12)


def test_equity_at_another_level_is_the_katz_interval(cohort2):
    at_95, at_90 = cohort2.equity(), cohort2.equity(confidence_level=0.9)
    _nested(at_90, at_95, "rl_ci_low", "rl_ci_high")
    for column in ("participants", "eligible", "relative_likelihood", "suppressed", "reference_category"):
        pd.testing.assert_series_equal(at_90[column], at_95[column])
    # one category against its reference, by the Katz log interval at 90% (no zero counts here)
    rows = at_90[(at_90["dimension"] == "sector") & at_90["relative_likelihood"].notna()
                 & (at_90["category"] != at_90["reference_category"])]
    row = rows.iloc[0]
    ref = at_90[(at_90["dimension"] == "sector") & (at_90["category"] == row["reference_category"])].iloc[0]
    a, n1, b, n0 = float(row["participants"]), float(row["eligible"]), float(ref["participants"]), float(ref["eligible"])
    assert min(a, b) > 0
    rl = (a / n1) / (b / n0)
    se = math.sqrt(1 / a - 1 / n1 + 1 / b - 1 / n0)
    z = stats.norm.ppf(0.95)
    assert row["relative_likelihood"] == pytest.approx(rl, rel=1e-12)
    assert (row["rl_ci_low"], row["rl_ci_high"]) == pytest.approx((rl * math.exp(-z * se), rl * math.exp(z * se)),
                                                                  rel=1e-12)
    # the kept report is not changed by asking at another level
    pd.testing.assert_frame_equal(cohort2.equity(), at_95)


@pytest.mark.parametrize("method", ["outcomes", "reliability", "costs", "equity"])
@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.1, "0.9", True, float("nan")])
def test_a_level_outside_0_1_is_refused_by_name(cohort2, method, bad):
    with pytest.raises(ParameterError, match=r"`confidence_level` must be a number in \(0, 1\)"):
        getattr(cohort2, method)(confidence_level=bad)


def test_a_programme_passes_the_level_to_each_cohort():
    ltd = ev.load_programme("leading-to-deliver")
    table = ltd.reliability(confidence_level=0.9)
    assert table.columns[0] == "cohort" and set(table["confidence_level"]) == {0.9}
    pd.testing.assert_frame_equal(table[table["cohort"] == 2].drop(columns="cohort").reset_index(drop=True),
                                  ltd[2].reliability(confidence_level=0.9))
