"""The programme report makes each cohort's disclosure plan once and shares it between its sections."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from evaluation.data.programme import load_programme_data
from evaluation.reports import disclosure_plan as dp
from evaluation.reports.equity_report import equity_tables
from evaluation.reports.equity_report.tables import equity_core
from evaluation.reports.programme_report import build
from evaluation.reports.programme_report import plans as pp
from evaluation.stats.disclosure import DisclosureRiskWarning


@pytest.fixture(scope="module")
def ltd():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_programme_data("leading-to-deliver")


def test_build_makes_each_cohorts_plan_once(ltd, monkeypatch):
    made: list[str] = []
    real = dp._protect_dimension

    def counted(dim, *args, **kwargs):
        made.append(dim)
        return real(dim, *args, **kwargs)

    monkeypatch.setattr(dp, "_protect_dimension", counted)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for cohort in ltd:
            dp.disclosure_plan(cohort)
        once = sorted(made)
        made.clear()
        build(ltd)
    # the pooled equity table and the table of where the programme works read the same plans
    assert sorted(made) == once


def test_plans_are_kept_per_cohort_and_repeat_their_warnings(ltd, monkeypatch):
    cohorts = list(ltd)
    calls = []

    def plan(data):
        calls.append(data.cohort.cohort)
        warnings.warn(f"cohort {data.cohort.cohort}: a small group", DisclosureRiskWarning, stacklevel=2)
        return object()

    monkeypatch.setattr(pp, "disclosure_plan", plan)
    plans = pp.CohortPlans()
    for _ in range(2):
        with pytest.warns(DisclosureRiskWarning, match=f"cohort {cohorts[0].cohort.cohort}: a small group"):
            first = plans(cohorts[0])
    with pytest.warns(DisclosureRiskWarning, match=f"cohort {cohorts[1].cohort.cohort}: a small group"):
        second = plans(cohorts[1])
    assert calls == [cohorts[0].cohort.cohort, cohorts[1].cohort.cohort]
    with pytest.warns(DisclosureRiskWarning):
        again = plans(cohorts[0])
    assert again is first and second is not first and len(plans) == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a caller that ignores nothing sees the warning as an error
        with pytest.raises(DisclosureRiskWarning):
            plans(cohorts[1])


def test_equity_core_is_the_equity_reports_own_tables(ltd):
    cohort = list(ltd)[1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = equity_tables(cohort)
        plan = dp.disclosure_plan(cohort)
        for core in (equity_core(cohort), equity_core(cohort, plan=plan)):
            pd.testing.assert_frame_equal(core.equity, full.tables["equity"])
            pd.testing.assert_frame_equal(core.declaration, full.tables["declaration"])
        assert equity_core(cohort, plan=plan).plan is plan
