"""The withheld groups of a breakdown of paired scores never add up to a small group (the disclosure
review: cohort 4's frontline and senior managers, 81 − 55 − 23 = 3 people with both scores on
governance, whose three changes followed from the published means and d_z)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from evaluation.data.cohort import load_cohort_data
from evaluation.reports.outcome_report import outcome_tables


@pytest.mark.parametrize("cohort", [1, 2, 3, 4, 5])
def test_the_withheld_groups_of_a_breakdown_are_no_small_group_together(cohort):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = load_cohort_data("leading-to-deliver", cohort)
        tables = outcome_tables(data)
    t = data.cohort.disclosure_threshold
    # the breakdowns are of self-ratings (CONTRACT: change by sector, role level and framework area)
    outcomes = tables["outcomes"]
    whole = outcomes[outcomes["rater"] == "self"].set_index(["scale", "comparison"])["n_pairs"]
    breakdowns = tables["breakdowns"]
    checked = 0
    for (dim, scale, comparison), rows in breakdowns.groupby(["dimension", "scale", "comparison"]):
        if (scale, comparison) not in whole.index or not (rows["suppressed"] != "").any():
            continue
        rest = int(whole[(scale, comparison)]) - int(pd.to_numeric(rows["n_pairs"]).fillna(0).sum())
        assert not 1 <= rest < t, f"cohort {cohort}, {dim}, {scale}: the withheld groups hold {rest} people"
        checked += 1
    assert checked > 0
