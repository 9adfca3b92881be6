"""What the evaluator's API hands out is the caller's own: changing it never changes a later answer."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

import evaluation as ev
from evaluation.api import programme as programme_module
from evaluation.reports.programme_report import ProgrammeReport


@pytest.fixture(scope="module")
def cohort2() -> ev.Cohort:
    return ev.load_cohort("leading-to-deliver", 2)


def test_an_edited_report_table_does_not_reach_a_later_call(cohort2):
    before = cohort2.equity()
    result = cohort2.report("equity")
    result.tables["equity"].iloc[0, result.tables["equity"].columns.get_loc("participants")] = 99999
    result.tables["equity"]["participants"] = -1
    result.tables["equity_lorenz"] = pd.DataFrame()
    pd.testing.assert_frame_equal(cohort2.equity(), before)
    again = cohort2.report("equity")
    pd.testing.assert_frame_equal(again.tables["equity"], before.drop(columns="confidence_level"))
    assert len(again.tables["equity_lorenz"]) > 0


def test_report_details_and_outcome_tables_are_copies(cohort2):
    costs = cohort2.report("costs")
    draws = costs.details["bootstrap_draws"]
    kept = draws.copy()
    draws.iloc[:, 0] = 0.0
    costs.details["cohort_costs"].summary.iloc[0, 1] = -5
    pd.testing.assert_frame_equal(cohort2.report("costs").details["bootstrap_draws"], kept)
    assert (cohort2.report("costs").details["cohort_costs"].summary.iloc[0, 1]) != -5
    outcomes = cohort2.report("outcomes")
    published = outcomes.table("outcomes")
    outcomes.tables["outcomes"]["mean_change"] = 42.0
    pd.testing.assert_frame_equal(cohort2.report("outcomes").tables["outcomes"], published)


def test_edited_results_of_every_method_do_not_reach_later_calls(cohort2):
    for method in ("outcomes", "reliability", "costs", "equity", "findings"):
        first = getattr(cohort2, method)()
        kept = first.copy()
        first.iloc[:, -1] = None
        first.iloc[0, 0] = None
        pd.testing.assert_frame_equal(getattr(cohort2, method)(), kept, obj=method)


def test_edited_participants_and_scores_do_not_change_the_cohorts_results(cohort2):
    before = cohort2.outcomes(by="role_level", scales="leading_change", raters="self")
    people, scores = cohort2.participants, cohort2.scale_scores
    people["role_level"] = "senior_manager"
    scores["score"] = 0.0
    pd.testing.assert_frame_equal(cohort2.outcomes(by="role_level", scales="leading_change", raters="self"), before)


def test_the_kept_reports_are_private(cohort2):
    with pytest.raises(TypeError):
        ev.Cohort(cohort2.data, _reports={"equity": None})
    assert "_reports" not in {f.name for f in dataclasses.fields(ev.Cohort) if f.init}
    assert "_reports" not in {f.name for f in dataclasses.fields(ev.Programme) if f.init}


def test_an_edited_programme_report_does_not_reach_a_later_call(monkeypatch):
    """The programme report takes half a minute to build: a small stand-in is kept instead."""
    made = []

    def build(data):
        made.append(data.name)
        return ProgrammeReport(data.name, tuple(data.cohorts), {"pooled_outcomes": pd.DataFrame({"estimate": [0.1]})},
                               (), {"outcomes": "text"}, {"equity_log": pd.DataFrame({"n": [1]})})

    monkeypatch.setattr(programme_module.programme_report, "build", build)
    ltd = ev.load_programme("collaborative-leadership")
    first = ltd.report()
    first.tables["pooled_outcomes"].loc[0, "estimate"] = 9.0
    first.details["equity_log"].loc[0, "n"] = 7
    first.summaries["outcomes"] = "changed"
    again = ltd.report()
    assert made == ["collaborative-leadership"]  # computed once, kept
    assert again.tables["pooled_outcomes"].loc[0, "estimate"] == 0.1
    assert again.details["equity_log"].loc[0, "n"] == 1
    assert again.summaries["outcomes"] == "text"
