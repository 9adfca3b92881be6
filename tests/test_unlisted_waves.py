"""Scores at a wave the cohort's parameters do not list are named in the report's notes, never
dropped without a word (the bad-input review: a follow-up answer for a cohort whose `waves` stop at
`post` was ignored and `evaluate` said nothing)."""

from __future__ import annotations

import dataclasses
import warnings

from evaluation.data.cohort import load_cohort_data
from evaluation.reports.outcome_report import unlisted_waves_note


def test_scores_at_a_wave_the_parameters_do_not_list_are_noted():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = load_cohort_data("leading-to-deliver", 2)
    assert "follow_up" in set(data.scale_scores["wave"].astype(str)) and "follow_up" in data.cohort.waves
    assert unlisted_waves_note(data) == []  # every wave with scores is listed: nothing to say
    fewer = dataclasses.replace(data, cohort=data.cohort.model_copy(
        update={"waves": [w for w in data.cohort.waves if w != "follow_up"],
                "comparisons": [c for c in data.cohort.comparisons if "follow_up" not in c]}))
    note, = unlisted_waves_note(fewer)
    assert note["warning"] == "Note"
    assert note["message"] == ("Scores at the follow-up questionnaire are in the data, but the cohort's "
                               "parameters (leading-to-deliver/cohort-2.yaml in the parameters folder) do not list "
                               "that wave under `waves`, so it is not analysed in this report")
