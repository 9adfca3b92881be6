"""The programme report's outcomes part (issue 12): cohort changes, pooling, trends, words, figures.

References: R 4.2.2 (stats::prop.trend.test; Bonett's 2008 variance typed into R from the
paper; both printed by tests/reference/programme_outcomes.R), a seeded Monte Carlo simulation of g_av, and evaluation.stats.pooling.pool (itself
checked against metafor in tests/test_pooling.py) applied to the cohorts' rows.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from evaluation.data.programme import ProgrammeData, load_programme_data
from evaluation.reports.outcome_report import outcomes as cohort_outcomes
from evaluation.reports.programme_report import outcome_text as pt
from evaluation.reports.programme_report import outcome_trends as pt_tables
from evaluation.reports.programme_report import outcomes as po
from evaluation.reports.programme_report.outcome_statistics import trend_in_proportions
from evaluation.stats.pooling import PoolingWarning, pool
from evaluation.viz import programme_plots as pp


@pytest.fixture(scope="module")
def ltd():
    data = load_programme_data("leading-to-deliver")
    return data, pt_tables.programme_outcome_tables(data)


@pytest.fixture(scope="module")
def pilot():
    data = load_programme_data("collaborative-leadership")
    return data, pt_tables.programme_outcome_tables(data)


# --- g_av variance ---------------------------------------------------------------------------

def test_g_av_variance_equals_bonetts_formula_computed_in_r_when_the_sds_are_equal():
    # R 4.2.2 (Bonett 2008, average standardiser sqrt((s1^2 + s2^2)/2), times J^2):
    # d <- 0.5; n <- 50; s1 <- 1.2; s2 <- 1.2; r <- 0.6; s <- sqrt((s1^2 + s2^2)/2)
    # v <- d^2*(s1^4 + s2^4 + 2*r^2*s1^2*s2^2)/(8*(n-1)*s^4) + (s1^2 + s2^2 - 2*r*s1*s2)/((n-1)*s^2)
    # J <- 1 - 3/(8*n - 9); sprintf("%.12f", J^2 * v)  ->  "0.017785133402"
    j = 1 - 3 / (8 * 50 - 9)
    assert po.g_av_variance(j * 0.5, 50, 1.2, 1.2, 0.6) == pytest.approx(0.017785133402, abs=1e-12)


def test_g_av_variance_matches_the_spread_of_g_av_in_a_monte_carlo_simulation():
    # Independent check of the approximation itself, with unequal SDs: 20,000 seeded samples of
    # n = 60 pairs from a bivariate normal (sd 1.0 and 1.4, r = 0.6, true change 0.5), g_av
    # computed as the cohort reports compute it (evaluation.stats.outcomes.effect_size._g_av).
    from evaluation.stats.outcomes.effect_size import _g_av

    rng = np.random.default_rng(20260427)
    n, s1, s2, r, mu = 60, 1.0, 1.4, 0.6, 0.5
    cov = [[s1**2, r * s1 * s2], [r * s1 * s2, s2**2]]
    xy = rng.multivariate_normal([0.0, mu], cov, size=(20_000, n))
    g = _g_av(xy[..., 0], xy[..., 1])
    j = 1 - 3 / (8 * n - 9)
    expected = po.g_av_variance(j * mu / ((s1 + s2) / 2), n, s1, s2, r)
    assert g.var(ddof=1) == pytest.approx(expected, rel=0.05)
    # and not the naive variance of d_z's sampling (1/n + d^2/(2n)), which is far off here
    assert abs(g.var(ddof=1) - (1 / n + 0.5**2 / (2 * n))) > 0.05 * g.var(ddof=1)


def test_g_av_variance_is_missing_below_three_pairs():
    assert np.isnan(po.g_av_variance(0.5, 2, 1.0, 1.0, 0.5))


# --- cohort changes --------------------------------------------------------------------------

def test_cohort_changes_are_the_cohort_reports_numbers(ltd):
    data, tables = ltd
    changes = tables["programme_outcomes"]
    assert changes.columns.tolist() == po.CHANGE_COLUMNS
    assert changes["cohort"].unique().tolist() == [1, 2, 3, 4, 5]
    for cohort in data:
        own, _ = cohort_outcomes(cohort)
        own = own.dropna(subset=["mean_change"]).reset_index(drop=True)
        mine = changes[changes["cohort"] == cohort.cohort.cohort].reset_index(drop=True)
        assert len(mine) == len(own)
        for column in ("scale", "comparison", "rater", "n_pairs", "mean_change", "change_ci_low", "g_av",
                       "g_av_ci_high", "rci_improved"):
            pd.testing.assert_series_equal(mine[column], own[column], check_dtype=False, check_names=False)
        # the SE behind the paired t interval is mean change / t
        np.testing.assert_allclose(mine["change_se"], own["mean_change"] / own["t"], rtol=1e-9)


def test_each_cohort_verdict_is_the_cohort_reports(ltd):
    _, tables = ltd
    lm = tables["programme_outcomes"].query("scale == 'observed_leading_change' and comparison == 'pre_post'")
    assert lm.set_index("cohort")["verdict"].to_dict() == {
        1: "clear_increase", 2: "no_clear_change", 3: "no_clear_change", 4: "no_clear_change", 5: "clear_increase"}


# --- pooling ---------------------------------------------------------------------------------

def test_pooled_values_equal_pool_on_the_cohort_rows(ltd):
    _, tables = ltd
    changes, pooled = tables["programme_outcomes"], tables["pooled_outcomes"]
    assert pooled.columns.tolist() == po.POOLED_COLUMNS
    for row in pooled.itertuples():
        rows = changes[(changes["scale"] == row.scale) & (changes["comparison"] == row.comparison)
                       & (changes["rater"] == row.rater)]
        estimate, se = po.MEASURES[row.measure]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PoolingWarning)
            expected = pool(rows[estimate], se=rows[se], confidence_level=0.95)
        assert row.k == expected.k == len(rows)
        for name in ("estimate", "se", "ci_low", "ci_high", "tau2", "i2", "h2", "q", "q_p", "pi_low", "pi_high"):
            assert getattr(row, name) == pytest.approx(getattr(expected, name), rel=1e-12, abs=1e-15), name


def test_line_managers_pooled_leading_change_is_the_issues_motivating_case(ltd):
    # issue 12: about +0.14 with Q = 4.6 on 4 df for line-manager-rated leading change
    _, tables = ltd
    row = tables["pooled_outcomes"].query(
        "scale == 'observed_leading_change' and comparison == 'pre_post' and measure == 'mean_change'").iloc[0]
    assert round(row["estimate"], 2) == 0.14 and round(row["q"], 1) == 4.6 and row["q_df"] == 4
    assert row["ci_low"] > 0 and row["tau2"] >= 0
    assert row["method"].startswith("random effects, REML")


def test_a_single_cohort_is_not_pooled_and_says_why():
    changes = pd.DataFrame({"cohort": [1], "scale": "s", "kirkpatrick_level": 2, "comparison": "pre_post",
                            "rater": "self", "mean_change": [0.3], "change_se": [0.1], "g_av": [0.4],
                            "g_av_se": [0.12]})
    with pytest.warns(PoolingWarning, match=r"^Nothing is pooled: only cohort 1 has estimates \(pooling needs at least 2 cohorts\)$"):
        pooled = po.pooled_outcomes(changes)
    assert len(pooled) == 2 and pooled["k"].tolist() == [1, 1]
    assert pooled["estimate"].isna().all() and pooled["tau2"].isna().all()
    assert pooled["method"].str.contains("not pooled: only 1 cohort").all()


def test_pooling_two_cohorts_is_cautioned_once_per_comparison_naming_it_and_the_cohorts():
    # The programme report's notes read "pooling 2 estimates: tau2, I2 and the t interval on 1 df rest
    # on very little": codes, and no word of which pooled rows (the follow-up, over cohorts 2 and 3)
    changes = pd.DataFrame({"cohort": [2, 3] * 2, "scale": ["s", "s", "t", "t"], "kirkpatrick_level": 2,
                            "comparison": "pre_follow_up", "rater": "self", "mean_change": [0.3, 0.2, 0.1, 0.2],
                            "change_se": [0.1] * 4, "g_av": [0.4, 0.3, 0.1, 0.2], "g_av_se": [0.12] * 4})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pooled = po.pooled_outcomes(changes)
    messages = [str(w.message) for w in caught if w.category is PoolingWarning]
    assert messages == ["Before → follow-up: pooled over cohorts 2 and 3 only, so the spread between cohorts "
                        "(τ², I²) and the interval, on 1 degree of freedom, rest on very little; read the interval, "
                        "not the point estimate"]
    assert pooled["k"].tolist() == [2] * 4 and pooled["estimate"].notna().all()  # pooled, with the caution


def test_the_one_cohort_pilot_runs_with_notes_and_no_pooled_number(pilot):
    data, tables = pilot
    assert tables["pooled_outcomes"]["estimate"].isna().all()
    assert (tables["outcome_notes"]["warning"] == "PoolingWarning").all() and len(tables["outcome_notes"])
    summary = pt.outcome_summary(tables, data)
    assert "nothing is pooled" in summary
    assert "with one cohort there is no trend to judge" in pt.trend_summary(tables, data)
    assert tables["outcome_trend_tests"]["p_value"].isna().all()
    assert not any(f.id.endswith(("pooled_change", "pooled_g_av")) for f in pt.outcome_findings(data, tables))


def test_the_outcomes_table_shows_the_cohorts_own_changes_when_nothing_is_pooled(ltd, pilot):
    # The pilot's page showed the pooled table with every estimate blank, drawn "—", the mark of a
    # withheld number. With nothing pooled it shows the cohort's own changes and says so.
    said, rows, columns = po.table_shown(pilot[1])
    assert said.startswith("Nothing is pooled") and "cohort 1's own changes" in said
    assert rows["mean_change"].notna().all() and set(rows["comparison"]) == {"pre_post"}
    assert rows[columns].equals(pilot[1]["programme_outcomes"].query("comparison == 'pre_post'")[columns])
    said, rows, columns = po.table_shown(ltd[1])  # five cohorts: the pooled changes, nothing to say
    assert said == "" and "estimate" in columns and rows["estimate"].notna().any()


def test_pooled_outcomes_names_a_missing_column():
    with pytest.raises(ValueError, match="g_av_se"):
        po.pooled_outcomes(pd.DataFrame({"cohort": [1], "scale": "s", "kirkpatrick_level": 2, "comparison": "pre_post",
                                         "rater": "self", "mean_change": [0.3], "change_se": [0.1], "g_av": [0.4]}))


def test_pooled_outcomes_does_not_modify_its_input(ltd):
    _, tables = ltd
    before = tables["programme_outcomes"].copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PoolingWarning)
        po.pooled_outcomes(tables["programme_outcomes"])
    pd.testing.assert_frame_equal(tables["programme_outcomes"], before)


# --- trends ----------------------------------------------------------------------------------

def test_trend_test_matches_r_prop_trend_test():
    # R 4.2.2: prop.trend.test(c(17, 16, 11, 10, 11), c(84, 85, 81, 81, 84),
    #                          score = c(2003, 2004, 2005, 2006, 2007))
    # X-squared = 2.726874125432 (sprintf %.12f), df = 1, p-value = 0.09867
    x2, p = trend_in_proportions([17, 16, 11, 10, 11], [84, 85, 81, 81, 84], [2003, 2004, 2005, 2006, 2007])
    assert x2 == pytest.approx(2.726874125432, abs=1e-10)
    assert p == pytest.approx(0.09867, abs=5e-6)
    # R: prop.trend.test(c(15, 10, 5), c(50, 50, 50), score = 1:3) -> X-squared = 6.25, p-value = 0.01242
    x2, p = trend_in_proportions([15, 10, 5], [50, 50, 50], [1, 2, 3])
    assert x2 == pytest.approx(6.25) and p == pytest.approx(0.01242, abs=5e-6)


def test_trend_test_refuses_impossible_counts():
    with pytest.raises(ValueError, match="successes"):
        trend_in_proportions([5, 60, 3], [50, 50, 50], [1, 2, 3])


def test_outcome_trends_are_whole_cohort_numbers_from_the_cohort_tables(ltd):
    data, tables = ltd
    trends, changes = tables["outcome_trends"], tables["programme_outcomes"]
    assert len(trends) == 2 * len(data)  # self and line manager per cohort
    assert set(trends["rater"]) == {"self", "line_manager"}
    for cohort in data:
        number = cohort.cohort.cohort
        row = trends[(trends["cohort"] == number) & (trends["rater"] == "self")].iloc[0]
        assert row["enrolled"] == len(cohort.participants)
        assert row["completed"] == int((cohort.participants["status"] == "completed").sum())
        post = changes.query(f"cohort == {number} and scale == 'leading_change' and rater == 'self' "
                             "and comparison == 'pre_post'").iloc[0]
        assert row["reliably_improved_post"] == post["rci_improved"]
        has_follow_up = "pre_follow_up" in cohort.cohort.comparisons
        assert pd.isna(row["change_follow_up"]) != has_follow_up


def test_trend_tests_use_the_trend_table_and_state_a_trend_only_when_supported(ltd):
    _, tables = ltd
    tests, trends = tables["outcome_trend_tests"], tables["outcome_trends"]
    row = tests[(tests["measure"] == "reliably_improved_post") & (tests["rater"] == "self")].iloc[0]
    self_rows = trends[trends["rater"] == "self"]
    x2, p = trend_in_proportions(self_rows["rci_n_improved_post"].astype(int), self_rows["n_pairs_post"].astype(int),
                                    self_rows["year"].astype(int))
    assert row["p_value"] == pytest.approx(p) and row["stated"] == (p < 0.05)
    follow = tests[tests["measure"] == "reliably_improved_follow_up"].iloc[0]
    assert follow["k"] == 2 and np.isnan(follow["p_value"]) and not follow["stated"]
    # a test not run has no degrees of freedom (the page showed "1" beside "not tested")
    assert pd.isna(follow["df"]) and row["df"] == 1
    # nor a direction (the page showed "Falling" beside "not tested: fewer than 3 cohorts")
    assert follow["direction"] == "" and row["direction"] in ("rising", "falling")
    assert (tests["direction"] == "").eq(tests["p_value"].isna()).all()


# --- words -----------------------------------------------------------------------------------

def _number(text: str) -> float:
    return float(text.replace("+", "").replace("\u2212", "-"))


def test_summary_sentences_are_true_of_the_tables(ltd):
    data, tables = ltd
    summary = pt.outcome_summary(tables, data)
    pooled = tables["pooled_outcomes"].set_index(["scale", "comparison", "rater", "measure"])
    lm = pooled.loc[("observed_leading_change", "pre_post", "line_manager", "mean_change")]
    paragraph = next(p for p in summary.split("\n\n") if p.startswith("**Leads change (observed), by line managers"))
    found = re.search(r"were (\d\.\d\d) points higher .*?\(95% CI ([+−]\d\.\d\d) to ([+−]\d\.\d\d) points\): a clear "
                      "change", paragraph)
    assert found, paragraph
    assert [_number(x) for x in found.groups()] == [round(lm["estimate"], 2), round(lm["ci_low"], 2),
                                                    round(lm["ci_high"], 2)]
    verdicts = tables["programme_outcomes"].query(
        "scale == 'observed_leading_change' and comparison == 'pre_post'").set_index("cohort")["verdict"]
    unclear = [str(c) for c, v in verdicts.items() if v == "no_clear_change"]
    assert f"no clear change in cohorts {', '.join(unclear[:-1])} and {unclear[-1]}" in paragraph
    assert f"I² = {lm['i2']:.0%}; Q = {lm['q']:.2f} on 4 df" in paragraph
    # a negative number with the minus sign (U+2212), as the tables write it
    assert f"between {lm['pi_low']:+.2f} and {lm['pi_high']:+.2f} points".replace("-", "\u2212") in paragraph
    test = tables["outcome_trend_tests"].query("measure == 'reliably_improved_post' and rater == 'self'").iloc[0]
    assert not test["stated"]
    trend = next(s for s in pt.trend_summary(tables, data).split(". The share") if "reliably improved by the end of the programme on "
                 "Leading change" in s)
    assert f"does not show one clearly (p = {test['p_value']:.3f})" in trend
    self_rows = tables["outcome_trends"].query("rater == 'self'")
    assert f"ranged from {self_rows['reliably_improved_post'].min():.0%}" in trend


def test_summary_states_a_trend_when_the_test_supports_it(ltd):
    data, tables = ltd
    tests = tables["outcome_trend_tests"].copy()
    pick = (tests["measure"] == "completion")
    tests.loc[pick, ["stated", "p_value", "direction"]] = [True, 0.001, "falling"]
    summary = pt.trend_summary({**tables, "outcome_trend_tests": tests}, data)
    trends = tables["outcome_trends"].drop_duplicates("cohort")
    assert (f"it fell over the years, from {trends['completion_share'].iloc[0]:.0%} in cohort 1 to "
            f"{trends['completion_share'].iloc[-1]:.0%} in cohort 5, a trend a test supports") in summary


def test_summary_escapes_text_from_parameters(ltd):
    data, tables = ltd
    programme = data.programme.model_copy(update={"title": "<script>x</script> *P*"})
    hostile = ProgrammeData(programme, data.cohorts)
    summary = pt.outcome_summary(tables, hostile)
    assert "<script>" not in summary and "&lt;script&gt;" in summary and r"\*P\*" in summary


def test_findings_point_at_published_tables_and_hold_their_cells(ltd):
    data, tables = ltd
    findings = pt.outcome_findings(data, tables)
    assert findings == pt.outcome_findings(data)  # a pure function of the data
    ids = [f.id for f in findings]
    assert len(ids) == len(set(ids)) and all(i.startswith("programme.outcomes.") for i in ids)
    assert {f.table for f in findings} <= {"programme_outcomes", "pooled_outcomes", "outcome_trends",
                                          "outcome_trend_tests"}
    by_id = {f.id: f for f in findings}
    lm = tables["pooled_outcomes"].query("scale == 'observed_leading_change' and comparison == 'pre_post' "
                                         "and measure == 'mean_change'").iloc[0]
    f = by_id["programme.outcomes.pre_post.line_manager.observed_leading_change.pooled_change"]
    assert (f.value, f.ci_low, f.ci_high) == (lm["estimate"], lm["ci_low"], lm["ci_high"])
    assert by_id["programme.outcomes.pre_post.line_manager.observed_leading_change.cohorts_clear"].value == 2
    # the waves in words, as the cohort reports' findings write them (they read "..., pre to post)")
    coded = [f.statement for f in findings if re.search(r"\b(pre|then)\b(?!-test)|\b(post|follow_up)\b", f.statement)]
    assert coded == []
    assert "(participants' own ratings, from before the programme to follow-up), pooled over 2 cohorts" in \
        by_id["programme.outcomes.pre_follow_up.self.leading_change.pooled_change"].statement


# --- figures ---------------------------------------------------------------------------------

def test_forest_plot_draws_self_and_line_manager_side_by_side(ltd):
    data, tables = ltd
    panels = po.forest_panels(tables["programme_outcomes"], paired_only=True)
    assert panels[:2] == [("leading_change", "self"), ("observed_leading_change", "line_manager")]
    plot = pp.cohort_forest_plot(tables["programme_outcomes"], tables["pooled_outcomes"], panels=panels,
                                 titles=next(iter(data)).titles)
    visible = [a for a in plot.figure.axes if a.get_visible()]
    assert len(visible) == len(panels)
    lm = tables["pooled_outcomes"].query("scale == 'observed_leading_change' and comparison == 'pre_post' "
                                         "and measure == 'mean_change'").iloc[0]
    assert f"pooled {lm['estimate']:+.2f} ({lm['ci_low']:+.2f} to {lm['ci_high']:+.2f})" in plot.alt
    with pytest.raises(ValueError, match="measure"):
        pp.cohort_forest_plot(tables["programme_outcomes"], tables["pooled_outcomes"], panels=panels, measure="d_z")


def test_forest_plot_with_one_cohort_says_not_pooled(pilot):
    _, tables = pilot
    plot = pp.cohort_forest_plot(tables["programme_outcomes"], tables["pooled_outcomes"],
                                 panels=[("leading_change", "self")])
    assert "not pooled" in plot.alt


def test_the_programme_figures_titles_sit_where_matplotlib_would_place_them(ltd, png_with_matplotlibs_titles):
    from evaluation.viz import programme_trend_plots as pt_plots

    data, tables = ltd
    panels = po.forest_panels(tables["programme_outcomes"], paired_only=True)
    trends = pd.DataFrame({
        "level": ["cohort", "cohort"], "cohort": [1, 2], "price_base_year": 2024, "confidence_level": 0.95,
        "cost_per_enrolled": [14000.0, 14100.0], "cash_cost_per_enrolled": [10500.0, 10600.0],
        "cost_per_reliable_improver": [84000.0, 128000.0], "cost_per_reliable_improver_ci_low": [57000.0, 83000.0],
        "cost_per_reliable_improver_ci_high": [142000.0, 280000.0],
        "cash_cost_per_reliable_improver": [63000.0, 97000.0],
        "cash_cost_per_reliable_improver_ci_low": [43000.0, 63000.0],
        "cash_cost_per_reliable_improver_ci_high": [108000.0, 214000.0]})
    pooled = pd.DataFrame({"dimension": "sector", "category": ["council", "health"], "n_cohorts": 5,
                           "relative_likelihood": [1.0, 1.6], "rl_ci_low": [None, 1.08], "rl_ci_high": [None, 2.37],
                           "band": ["", "disparity"], "suppressed": "", "reference_category": "council"})
    for draw in (lambda: pp.cohort_forest_plot(tables["programme_outcomes"], tables["pooled_outcomes"], panels=panels,
                                               titles=next(iter(data)).titles),
                 lambda: pp.outcome_trend_plot(tables["outcome_trends"]),
                 lambda: pt_plots.cost_trend_chart(trends),
                 lambda: pt_plots.pooled_equity_chart(pooled, dimension="sector")):
        assert draw().png == png_with_matplotlibs_titles(draw)


def test_trend_plot_alt_text_holds_the_shares(ltd):
    _, tables = ltd
    plot = pp.outcome_trend_plot(tables["outcome_trends"])
    first = tables["outcome_trends"].iloc[0]
    assert f"cohort 1 {first['completion_share']:.0%}" in plot.alt



def test_the_follow_up_sentence_quotes_the_pooled_row_with_its_caution_inside_the_brackets(ltd):
    # "(95% CI −0.29 to +0.80) (with so few cohorts the interval is wide)": two brackets in a row;
    # the caution now sits inside the interval's, and the numbers are the pooled row's.
    data, tables = ltd
    pooled = tables["pooled_outcomes"].set_index(["scale", "comparison", "rater", "measure"])
    row = pooled.loc[("leading_change", "pre_follow_up", "self", "mean_change")]
    assert row["k"] == 2
    def shown(x):  # with its sign, a negative one with the minus sign (U+2212)
        return f"{x:+.2f}".replace("-", "\u2212")

    expected = (f"the change at follow-up was {shown(row['estimate'])} points (95% CI {shown(row['ci_low'])} to "
                f"{shown(row['ci_high'])}; with so few cohorts the interval is wide).")
    assert expected in pt.outcome_summary(tables, data)


def test_a_share_with_too_few_cohorts_for_a_trend_test_says_so_in_the_sentence(ltd):
    # "ranged from 18% (cohort 3) to 19% (cohort 2) (too few cohorts to test for a trend)": two
    # brackets in a row; the caution is now a clause of the sentence
    data, tables = ltd
    tests = tables["outcome_trend_tests"]
    untested = tests[tests["p_value"].isna()]
    assert len(untested) == 1  # reliable improvement at follow-up: cohorts 2 and 3 only
    text = pt.trend_summary(tables, data)
    assert text.count("; there are too few cohorts to test for a trend.") == 1
    assert "(too few cohorts" not in text


def test_a_lowest_or_highest_share_names_every_cohort_shown_at_it(ltd):
    # "The share who completed the programme ranged from 88% (cohort 4) to 92% (cohort 1)", beside a
    # chart and table where cohort 5 is 92% too (92.2% and 92.0%): the sentence names both.
    data, tables = ltd
    shares = tables["outcome_trends"].drop_duplicates("cohort").set_index("cohort")["completion_share"]
    assert f"{shares[1]:.0%}" == f"{shares[5]:.0%}" == f"{shares.max():.0%}"
    text = pt.trend_summary(tables, data)
    assert f"The share who completed the programme ranged from {shares.min():.0%} (cohort 4) to " \
           f"{shares.max():.0%} (cohorts 1 and 5)" in text
