"""The comparison of programmes (issue 12 item 2) on the synthetic data: Leading to Deliver (five
cohorts) beside the Collaborative Leadership pilot (one cohort).

Its numbers must equal the cohort reports' own (the outcomes and cost reports), its pooled change
must equal R metafor's, and every figure set beside another programme's must carry the
differences that limit the comparison.
"""

from __future__ import annotations

import math
import re
import warnings

import pandas as pd
import pytest

from evaluation.core.errors import DemoKeyWarning
from evaluation.core.paths import PARAMS_DIR
from evaluation.data.programme import load_programme_data
from evaluation.reports import comparison_report as comp
from evaluation.reports import cost_report
from evaluation.reports.comparison_limits import MEASURES, comparison_limits, limits_text
from evaluation.reports.outcome_report import outcomes
from evaluation.viz import comparison_plots

LTD, PILOT = "leading-to-deliver", "collaborative-leadership"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    from evaluation.data.ingest import ingest
    from evaluation.data.synthetic import synthesise

    root = tmp_path_factory.mktemp("compare")
    synthesise(root / "data", PARAMS_DIR)
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("EVALUATION_ID_KEY", raising=False)
        mp.delenv("EVALUATION_ID_KEY_FILE", raising=False)
        for programme in (LTD, PILOT):
            with pytest.warns(DemoKeyWarning):
                ingest(programme, data_dir=root / "data", params_dir=PARAMS_DIR)
    data = [load_programme_data(p, data_dir=root / "data", params_dir=PARAMS_DIR) for p in (LTD, PILOT)]
    return root, data, comp.build(data)


def _row(table: pd.DataFrame, programme: str, measure: str, rater: str | None = None) -> pd.Series:
    rows = table[(table["programme"] == programme) & (table["measure"] == measure)]
    if rater is not None:
        rows = rows[rows["rater"] == rater]
    assert len(rows) == 1, (programme, measure, rater)
    return rows.iloc[0]


def test_the_published_tables_and_their_columns(synthetic):
    _, _, result = synthetic
    assert set(result.tables) == set(comp.PUBLISHED)
    table = result.table("programme_comparison")
    assert list(table.columns) == comp.COMPARISON_COLUMNS
    assert set(table["programme"]) == {LTD, PILOT}
    for programme in (LTD, PILOT):
        measures = set(table.loc[table["programme"] == programme, "measure"])
        assert measures == set(MEASURES), programme
    profiles = result.table("programme_profiles").set_index("programme")
    assert profiles.loc[LTD, "cohorts"] == 5 and profiles.loc[PILOT, "cohorts"] == 1
    assert profiles.loc[PILOT, "eligible_population"] == "public_service_senior_managers"
    assert profiles.loc[LTD, "eligible_population"] == "first_and_middle_managers"
    assert profiles.loc[PILOT, "follow_up"] == "no follow-up"
    assert profiles.loc[PILOT, "participant_time"] == "cost_rows"
    assert profiles.loc[LTD, "participant_time"] == "derived"
    # nothing by group: no dimension or category columns anywhere
    for name, frame in result.tables.items():
        assert not {"dimension", "category"} & set(frame.columns), name


def test_the_pilot_figures_equal_its_cohort_reports(synthetic):
    """One cohort: the comparison shows that cohort's own outcomes and cost figures, not a pool."""
    _, data, result = synthetic
    table = result.table("programme_comparison")
    cohort = data[1][1]
    out, _ = outcomes(cohort)
    out = out[out["comparison"] == "pre_post"]
    for scale, rater in (("leading_change", "self"), ("observed_leading_change", "line_manager")):
        mine = _row(table, PILOT, "mean_change", rater)
        theirs = out[(out["scale"] == scale) & (out["rater"] == rater)].iloc[0]
        assert mine["scale"] == scale
        assert (mine["value"], mine["ci_low"], mine["ci_high"]) == (
            theirs["mean_change"], theirs["change_ci_low"], theirs["change_ci_high"])
        assert mine["basis"].startswith("one cohort") and "no pooled estimate" in mine["basis"]
        assert mine["k_cohorts"] == 1 and mine["n"] == theirs["n_pairs"]
    summary = cost_report.build(cohort, comparison=False).table("cost_summary").set_index("measure")
    for measure in ("cash_cost_per_enrolled", "cost_per_enrolled", "cash_cost_per_reliable_improver",
                    "cost_per_reliable_improver"):
        mine = _row(table, PILOT, measure)
        assert mine["value"] == pytest.approx(summary.loc[measure, "value"], rel=1e-12), measure
        for limit in ("ci_low", "ci_high"):
            expected = summary.loc[measure, limit]
            assert (math.isnan(expected) and pd.isna(mine[limit])) or mine[limit] == pytest.approx(expected), measure
    share = _row(table, PILOT, "reliable_improvement_share")
    theirs = out[(out["scale"] == cohort.primary_scale) & (out["rater"] == "self")].iloc[0]
    assert share["value"] == pytest.approx(theirs["rci_improved"], rel=1e-12)


def test_the_programme_figures_equal_the_cost_reports_programme_rows(synthetic):
    """Leading to Deliver over its five cohorts equals the cost report's own programme row."""
    root, data, result = synthetic
    table = result.table("programme_comparison")
    tables = cost_report.cost_tables(data[0][2], data_dir=root / "data", params_dir=PARAMS_DIR)
    rows = tables["programme_comparison"]
    for programme in (LTD, PILOT):
        theirs = rows[(rows["programme"] == programme) & (rows["level"] == "programme")].iloc[0]
        for measure in ("cash_cost_per_enrolled", "cost_per_enrolled", "cost_per_reliable_improver"):
            assert _row(table, programme, measure)["value"] == pytest.approx(theirs[measure], rel=1e-12)
        assert _row(table, programme, "completion_share")["value"] == pytest.approx(
            theirs["completed"] / theirs["enrolled"], rel=1e-12)
        share = _row(table, programme, "reliable_improvement_share")
        # improvers over pairs: the same people the cost report counts as reliable improvers
        assert round(share["value"] * share["n"]) == theirs["reliable_improvers"]
    interval = _row(table, LTD, "cost_per_reliable_improver")
    assert interval["ci_low"] < interval["value"] < interval["ci_high"]
    assert "5 cohorts" in interval["basis"]


def test_pooled_change_equals_metafor(synthetic):
    """Leading to Deliver's line-manager-rated change over five cohorts, pooled as METHODS says.

    R 4.2.2, metafor 3.8.1, on the five cohorts' mean changes and standard errors (from their t
    intervals; script and data in tests/reference/comparison.R):
    rma(yi = yi, sei = sei, method = "REML", test = "adhoc", control = list(threshold = 1e-12))
    → b = 0.1425581130, ci.lb = 0.0593987970, ci.ub = 0.2257174291, tau2 = 0.0005643891,
    QE = 4.5530664249; and for the self-rated change b = 0.3393696326, ci.lb = 0.2727378682,
    ci.ub = 0.4060013971, tau2 = 0.
    The issue's hand pooling gives +0.14 (0.09 to 0.20, fixed effect; Q = 4.6 on 4 df):
    rma(yi = yi, sei = sei, method = "FE") → 0.1428063246 (0.0879937240 to 0.1976189252).
    """
    _, _, result = synthetic
    table = result.table("programme_comparison")
    lm = _row(table, LTD, "mean_change", "line_manager")
    assert (lm["value"], lm["ci_low"], lm["ci_high"]) == pytest.approx((0.1425581130, 0.0593987970, 0.2257174291),
                                                                         abs=1e-7)
    assert "by random effects" in lm["basis"] and "5 cohorts" in lm["basis"] and lm["k_cohorts"] == 5
    self_ = _row(table, LTD, "mean_change", "self")
    assert (self_["value"], self_["ci_low"], self_["ci_high"]) == pytest.approx(
        (0.3393696326, 0.2727378682, 0.4060013971), abs=1e-7)


def test_every_figure_carries_the_limits_of_the_comparison(synthetic):
    _, _, result = synthetic
    table = result.table("programme_comparison")
    limits = result.table("comparison_limits")
    assert set(limits["difference"]) == {"population", "participant_time", "reliability", "waves", "cohort_sizes",
                                         "cohorts"}
    values = limits.set_index("difference")["values"]
    assert "26 people" in values["reliability"]  # the pilot's alpha rests on 26 people
    assert "no follow-up" in values["waves"]
    assert "entered as cost lines in the programme's cost ledger" in values["participant_time"] and "by role level" in values["participant_time"]
    assert (table["limits"].str.len() > 0).all()
    improver = _row(table, PILOT, "cost_per_reliable_improver")["limits"]
    for label in ("eligible population", "costing of participants' time",
                  "reliability used and how many people it rests on", "follow-up",
                  "cohort sizes", "number of cohorts"):
        assert label in improver
    # participants' time is not in the cash cost; reliability does not enter completion
    assert "participants' time" not in _row(table, PILOT, "cash_cost_per_enrolled")["limits"]
    assert "reliability" not in _row(table, PILOT, "completion_share")["limits"]


def test_no_differences_no_limits(synthetic):
    _, _, result = synthetic
    profile = result.details["figures"][0].profile
    same = comparison_limits([profile, profile])
    assert same.empty and limits_text(same, "cost_per_enrolled") == ""
    assert comparison_limits([profile]).empty
    with pytest.raises(ValueError, match="measure"):
        limits_text(same, "cost_per_banana")


def test_the_summary_never_sets_figures_side_by_side_without_the_limits(synthetic):
    _, _, result = synthetic
    summary = result.summary
    assert "does not recommend" in summary
    for paragraph in summary.split("\n\n"):
        if "£" in paragraph or "points" in paragraph:
            assert "not like for like" in paragraph.lower(), paragraph
    cost = [p for p in summary.split("\n\n") if p.startswith("**Cost per reliable improver")][0]
    for programme in (LTD, PILOT):
        assert f"£{_row(result.table('programme_comparison'), programme, 'cost_per_reliable_improver')['value']:,.0f}" \
            in cost
    assert not re.search(r"\b(better|worse|recommend(ed)? (that|continuing))\b", summary.replace(
        "does not recommend", ""), re.I)
    # the differences are pointed to by the heading a reader sees, not by a table's code
    limits = result.table("comparison_limits")
    assert f"**What differs between them ({len(limits)} differences; the table \"What differs between the " \
           "programmes\" below sets them out again).**" in summary
    assert "`comparison_limits`" not in summary


def test_the_summary_escapes_text_from_data(synthetic):
    _, data, _ = synthetic
    tables = comp.comparison_tables(data)
    tables["programme_profiles"] = tables["programme_profiles"].assign(title=["<img src=x onerror=alert(1)>", "*B*"])
    tables["programme_comparison"] = tables["programme_comparison"].assign(
        title=lambda t: t["programme"].map({LTD: "<script>x</script>", PILOT: "[a](javascript:x)"}))
    text = comp.comparison_summary_markdown(tables)
    assert "<img" not in text and "<script>" not in text
    assert not re.search(r"(?<!\\)\]\(javascript", text)  # the link's brackets are escaped
    assert "&lt;img" in text and "&lt;script&gt;" in text and r"\[a\](javascript:x)" in text


def test_findings_point_at_published_tables_and_can_be_rederived(synthetic):
    root, data, result = synthetic
    ids = [f.id for f in result.findings]
    assert len(ids) == len(set(ids)) and all(i.startswith("comparison.") for i in ids)
    assert {f.table for f in result.findings} <= set(result.tables)
    assert "comparison.collaborative-leadership.cost_per_reliable_improver" in ids
    assert "comparison.leading-to-deliver.mean_change.line_manager.observed_leading_change" in ids
    again = comp.comparison_findings_for((LTD, PILOT), data_dir=root / "data", params_dir=PARAMS_DIR)
    assert [f.as_dict() for f in again] == [f.as_dict() for f in result.findings]
    table = result.table("programme_comparison")
    assert len(result.findings) == len(table)
    for f in result.findings:
        assert "not like for like" in f.statement and f.value in set(table["value"])


def test_two_different_programmes_are_needed(synthetic):
    _, data, _ = synthetic
    with pytest.raises(ValueError, match="two or more different programmes"):
        comp.comparison_tables([data[0]])
    with pytest.raises(ValueError, match="two or more different programmes"):
        comp.comparison_tables([data[1], data[1]])


def test_the_cost_reports_programme_comparison_states_the_limits(synthetic):
    """The pilot's cost per reliable improver no longer faces Leading to Deliver's without a caveat."""
    root, data, _ = synthetic
    result = cost_report.build(data[0][2], data_dir=root / "data", params_dir=PARAMS_DIR)
    rows = result.table("cost_programme_comparison")
    assert (rows["limits"].str.len() > 0).all()
    assert "reliability used and how many people it rests on" in rows["limits"].iloc[0]
    across = [p for p in result.summary.split("\n\n") if p.startswith("**Across cohorts and programmes")][0]
    assert "not like for like" in across and "costing of participants' time" in across
    # the populations are named as every other page names them, and the column that lists the
    # differences, not shown on the page, is named with the file it is in
    assert "first-line and middle managers" in across and "first and middle managers" not in across
    assert ". They are set out in `tables/cost_programme_comparison.csv`, column `limits`." in across


def test_figures_carry_the_limits_in_their_alt_text(synthetic, png_with_matplotlibs_titles):
    _, _, result = synthetic
    table, limits = result.table("programme_comparison"), result.table("comparison_limits")
    cost = comparison_plots.improver_cost_chart(table, limits)
    change = comparison_plots.change_chart(table, limits)
    # their titles are where matplotlib would place them (evaluation.viz.figure.PLACEMENT_RC)
    assert cost.png == png_with_matplotlibs_titles(lambda: comparison_plots.improver_cost_chart(table, limits))
    assert change.png == png_with_matplotlibs_titles(lambda: comparison_plots.change_chart(table, limits))
    assert "Not like for like" in cost.alt and "costing of participants' time" in cost.alt
    assert "Not like for like" in change.alt and "costing of participants' time" not in change.alt
    assert cost.png.startswith(b"\x89PNG") and change.png.startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="mean_change"):
        comparison_plots.change_chart(table[table["measure"] != "mean_change"])
    # given the instruments' titles, the scales are named as the summary and the tables name them
    titles = comp.scale_titles(comp.comparison_tables(synthetic[1]))
    assert titles["observed_leading_change"] == "Leads change (observed)"
    titled = comparison_plots.change_chart(table, limits, titles=titles)
    assert "Leading to Deliver, Leads change (observed), line managers: " in titled.alt
    assert "observed leading change" in change.alt and "observed leading change" not in titled.alt


def test_pooled_change_equals_the_programme_reports(synthetic):
    """The comparison and the programme report pool the same cohorts to the same numbers."""
    from evaluation.reports.programme_report import outcomes as po
    from evaluation.stats.pooling import PoolingWarning

    _, data, result = synthetic
    table = result.table("programme_comparison")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PoolingWarning)  # groups with few cohorts (follow-up), not compared here
        pooled = po.pooled_outcomes(po.cohort_changes(data[0]), data[0].confidence_level)
    pooled = pooled[(pooled["comparison"] == "pre_post") & (pooled["measure"] == "mean_change")]
    for rater in ("self", "line_manager"):
        mine = _row(table, LTD, "mean_change", rater)
        theirs = pooled[(pooled["scale"] == mine["scale"]) & (pooled["rater"] == rater)].iloc[0]
        assert (mine["value"], mine["ci_low"], mine["ci_high"]) == pytest.approx(
            (theirs["estimate"], theirs["ci_low"], theirs["ci_high"]), rel=1e-12)
        assert mine["k_cohorts"] == theirs["k"]


def test_the_side_by_side_names_each_scale_as_its_instrument_titles_it(synthetic):
    # "change on leading change, self-rated": the title was lower-cased; the programme and cohort
    # reports write "Leading change", as the instrument does (and a title with a name or an
    # acronym in it would have lost its capitals)
    _, _, result = synthetic
    text = result.summary
    assert "change on Leading change, self-rated" in text
    assert "change on Leads change (observed), rated by line managers" in text
    assert "change on leading change" not in text


def test_an_interval_open_above_is_said_so_and_reaches_every_higher_cost(synthetic):
    # The pilot cut to 6 participants had a cost per reliable improver of £161,475 whose bootstrap
    # interval was open above (£80,737 with no upper limit: some resamples had no improver). The
    # summary read "(no interval; ...)" and "The intervals of the lowest and the highest do not
    # overlap", though the open interval reaches Leading to Deliver's; the table read "none" and
    # the figure's alt text "£80,737 to not available".
    _, data, result = synthetic
    tables = dict(comp.comparison_tables(data))
    table = tables["programme_comparison"].copy()
    pilot = (table["programme"] == PILOT) & table["measure"].str.endswith("reliable_improver")
    ltd = (table["programme"] == LTD) & table["measure"].str.endswith("reliable_improver")
    # the pilot lowest, its interval open above; LTD's wholly above the pilot's lower end
    table.loc[pilot, "value"] = table.loc[ltd, "ci_low"].min() / 4
    table.loc[pilot, "ci_low"] = table.loc[ltd, "ci_low"].min() / 8
    table.loc[pilot, "ci_high"] = float("nan")
    tables["programme_comparison"] = table
    summary = comp.comparison_summary_markdown(tables)
    cost = [p for p in summary.split("\n\n") if p.startswith("**Cost per reliable improver")][0]
    low = table.loc[pilot & (table["measure"] == "cost_per_reliable_improver"), "ci_low"].iloc[0]
    assert f"95% interval from £{low:,.0f}, with no upper limit" in cost
    assert "no interval" not in cost and "do not overlap" not in cost
    assert "The intervals of the lowest and the highest overlap." in cost
    assert f"| 95% interval from £{low:,.0f}, with no upper limit |" in summary
    alt = comparison_plots.improver_cost_chart(table, tables["comparison_limits"]).alt
    assert "not available" not in alt and f"from £{low:,.0f}, with no upper limit" in alt
    # an interval missing altogether: whether they overlap cannot be judged (it read "do not overlap")
    table.loc[pilot, "ci_low"] = float("nan")
    cost = [p for p in comp.comparison_summary_markdown(tables).split("\n\n")
            if p.startswith("**Cost per reliable improver")][0]
    assert "do not overlap" not in cost
    assert "cannot be compared, as Collaborative Leadership pilot has no interval" in cost


def test_each_change_carries_its_verdict_as_its_report_judges_it(synthetic):
    # The summary table gave the pilot's line managers' +0.17 (−0.05 to +0.40) beside Leading to
    # Deliver's clear +0.14 with no verdict, so the two read alike. Each change now has the verdict of
    # the report it comes from: the one cohort's (its p adjusted for the scales tested), or the pooled
    # interval's, in the table, the summary and the dot plot's alternative text.
    from evaluation.reports.verdicts import verdict

    _, data, result = synthetic
    table = result.table("programme_comparison")
    cohort = data[1][1]
    out, _ = outcomes(cohort)
    out = out[out["comparison"] == "pre_post"]
    for rater in ("self", "line_manager"):
        mine = _row(table, PILOT, "mean_change", rater)
        theirs = out[(out["scale"] == mine["scale"]) & (out["rater"] == rater)].iloc[0]
        assert mine["verdict"] == verdict(theirs["mean_change"], theirs["change_ci_low"], theirs["change_ci_high"],
                                          theirs["p_adjusted"], alpha=0.05)
        pooled = _row(table, LTD, "mean_change", rater)
        clear = pooled["ci_low"] > 0 or pooled["ci_high"] < 0
        assert pooled["verdict"] == ("no_clear_change" if not clear else
                                     "clear_increase" if pooled["value"] > 0 else "clear_decrease")
    assert table.loc[table["measure"] != "mean_change", "verdict"].isna().all()
    alt = comparison_plots.change_chart(table, result.table("comparison_limits")).alt
    for r in table[table["measure"] == "mean_change"].itertuples():
        words = comp.VERDICT_WORDS[r.verdict]
        row = next(line for line in result.summary.splitlines()
                   if line.startswith(f"| {r.title} | change on ") and f"rated{' by line managers' if r.rater != 'self' else ''} |" in line)
        assert f"| {words} |" in row
        assert f"{r.basis}), {words}" in alt


def test_the_verdict_column_is_defined_on_the_page(synthetic):
    # The summary's new Verdict column ("clear increase", "no clear change") was not defined on the page, and
    # its rule differs: the pooled interval for Leading to Deliver, the cohort's adjusted p for the pilot.
    from pathlib import Path

    from evaluation.reports.glossary import REPORT_TERMS

    _, _, result = synthetic
    summary = result.summary
    assert ("How each verdict is judged: for Leading to Deliver, pooled over cohorts, a change is clear when its 95% "
            "interval lies wholly on one side of zero; for Collaborative Leadership pilot, with one cohort, the verdict "
            "is its cohort report's: a change is clear when its p-value, adjusted for the number of scales tested, is "
            "below 0.05.") in summary
    assert "the fewer the people the wider the interval" in summary
    assert "clear_change" in REPORT_TERMS["programme_comparison"]
    # "the staff the programme is for, as its parameters name them": jargon
    source = (Path(__file__).parents[1] / "notebooks" / "programme_comparison.py").read_text(encoding="utf-8")
    assert "as its parameters name them" not in source


def test_the_time_costings_year_is_said_to_be_its_inputs_not_the_figures(synthetic):
    # "worked out as hours attended × an hourly staff cost by role level (2005 prices)" beside a page
    # whose money is all in 2024 prices read as if the figures were in 2005 prices
    _, _, result = synthetic
    profile = next(f.profile for f in result.details["figures"] if f.profile.name == LTD)
    assert profile.participant_time == ("derived",) and profile.price_base_year == 2024
    years = ", ".join(map(str, profile.participant_time_price_year))
    assert profile.time_words() == ("worked out as hours attended × an hourly staff cost by role level "
                                    f"(inputs priced in {years}, shown in 2024 prices)")
