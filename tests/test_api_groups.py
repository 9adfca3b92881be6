"""A group of nobody is shown as 0 (README, "For evaluators"): a subgroup or a selection with no
complete pair keeps every row of the cohort's table, with n_pairs 0, blank statistics and a
named warning, instead of vanishing from the table."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import evaluation as ev
from evaluation.core.errors import DegenerateDataWarning, DisclosureControlOffWarning


@pytest.fixture(scope="module")
def cohort2() -> ev.Cohort:
    return ev.load_cohort("leading-to-deliver", 2)


@pytest.fixture(scope="module")
def rows(cohort2):
    return cohort2.outcomes()[["scale", "comparison", "rater"]]


def test_a_selection_with_no_pairs_shows_every_row_as_zero(cohort2, rows):
    assert (cohort2.participants["status"] == "withdrew").sum() == 9  # enrolled, but none has a later wave
    with pytest.warns(DegenerateDataWarning, match="no complete pair for the selected participants: 21 of 21 row"):
        table = cohort2.outcomes(where={"status": "withdrew"})
    assert table[["scale", "comparison", "rater"]].equals(rows)
    assert (table["n_pairs"] == 0).all() and table["suppressed"].eq("").all()
    assert table["mean_change"].isna().all() and table["p_adjusted"].isna().all()
    assert table["wilcoxon_method"].eq("").all()
    assert table["reliability"].tolist() == cohort2.outcomes()["reliability"].tolist()


@pytest.mark.parametrize("disclosure", [True, False])
def test_a_group_with_no_pairs_is_shown_not_left_out(cohort2, rows, disclosure):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = cohort2.outcomes(by="status", disclosure=disclosure)
    assert sorted(table["status"].unique()) == ["completed", "withdrew"]
    withdrew = table[table["status"] == "withdrew"]
    assert withdrew[["scale", "comparison", "rater"]].reset_index(drop=True).equals(rows)
    assert (withdrew["n_pairs"] == 0).all() and withdrew["mean_change"].isna().all()
    named = [str(w.message) for w in caught if w.category is DegenerateDataWarning]
    assert named == ["no complete pair for status 'withdrew' (21 of 21 row(s)) (scale × comparison × rater): "
                     "shown with n_pairs 0 and blank statistics"]
    assert any(w.category is DisclosureControlOffWarning for w in caught) is (not disclosure)


def test_every_group_has_every_row_of_the_cohorts_table(cohort2, rows):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        table = cohort2.outcomes(by="sector")
    for _, group in table.groupby("sector"):
        assert group[["scale", "comparison", "rater"]].reset_index(drop=True).equals(rows)
    # a selected group's 0 rows are shown too, and selecting rows afterwards keeps them
    with pytest.warns(DegenerateDataWarning, match="status 'withdrew' \\(1 of 1 row"):
        one = cohort2.outcomes(by="status", scales="leading_change", raters="self", comparisons="pre_post")
    assert one.set_index("status")["n_pairs"].to_dict() == {"completed": 85, "withdrew": 0}


def test_disclosure_off_on_the_whole_cohort_changes_nothing_and_does_not_warn(cohort2):
    """README ("For evaluators"): the off switch warns only where there is a group to show."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", DisclosureControlOffWarning)
        off = cohort2.outcomes(disclosure=False)
    pd.testing.assert_frame_equal(off, cohort2.outcomes())


def test_no_warning_when_every_group_has_pairs(cohort2):
    with warnings.catch_warnings():
        warnings.simplefilter("error", DegenerateDataWarning)
        table = cohort2.outcomes(where={"status": "completed"}, scales="leading_change", raters="self")
    assert (table["n_pairs"] > 0).all()


def test_warnings_point_at_the_callers_line(cohort2):
    with pytest.warns(DegenerateDataWarning) as caught:
        cohort2.outcomes(where={"status": "withdrew"})
    with pytest.warns(DisclosureControlOffWarning) as off:
        cohort2.outcomes(by="status", scales="leading_change", disclosure=False)
    assert {w.filename for w in [*caught, *off]} == {__file__}
