"""Wrong arguments to the evaluator's API are refused in one sentence naming the parameter and what
is allowed (a ParameterError), never a raw Python error or a silent reading."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import evaluation as ev
from evaluation.core.errors import ParameterError


@pytest.fixture(scope="module")
def cohort2() -> ev.Cohort:
    return ev.load_cohort("leading-to-deliver", 2)


@pytest.mark.parametrize("arguments, words", [
    ({"scales": 5}, "`scales` must name one or more of 'vision_direction'"),
    ({"raters": 5}, "`raters` must name one or more of"),
    ({"scales": []}, "`scales` must name one or more of"),
    ({"scales": {"leading_change": 1}}, "`scales` must name one or more of"),
    ({"comparisons": 5}, "`comparisons` must be a comparison's name"),
    ({"by": ["role_level"]}, "`by` must be one of 'sector'"),
    ({"by": 3}, "`by` must be one of"),
    ({"disclosure": "no"}, "`disclosure` must be True or False; got 'no' (str)"),
    ({"disclosure": 0}, "`disclosure` must be True or False"),
    ({"disclosure": None}, "`disclosure` must be True or False"),
])
def test_wrong_types_for_outcomes_name_the_parameter(cohort2, arguments, words):
    with pytest.raises(ParameterError, match=words.replace("(", r"\(").replace(")", r"\)")) as caught:
        cohort2.outcomes(**arguments)
    assert "\n" not in str(caught.value)


def test_by_a_list_says_one_characteristic_at_a_time(cohort2):
    with pytest.raises(ParameterError, match="one characteristic at a time"):
        cohort2.outcomes(by=["role_level", "sector"])


def test_names_are_refused_before_anything_is_computed(cohort2, monkeypatch):
    from evaluation.api import cohort as cohort_module

    def never(*args, **kwargs):
        raise AssertionError("computed before the arguments were checked")

    monkeypatch.setattr(cohort_module.outcome_report, "outcomes", never)
    for bad in ({"scales": "x"}, {"raters": ["self", "boss"]}, {"by": "salary"}, {"disclosure": "yes"}):
        with pytest.raises(ParameterError):
            cohort2.outcomes(**{"by": "role_level", **bad})


@pytest.mark.parametrize("name", [1, None, ["outcomes"], ("costs",)])
def test_a_report_is_named_by_one_string(cohort2, name):
    with pytest.raises(ParameterError, match="`name` must be one of 'outcomes', 'costs', 'equity' \\(one string\\)"):
        cohort2.report(name)


@pytest.mark.parametrize("call, words", [
    (lambda c: c.report("outcome"), "`name` must be one of 'outcomes', 'costs', 'equity'; got 'outcome' (str); "
                                    "did you mean 'outcomes'?"),
    (lambda c: c.report("Equity"), "got 'Equity' (str); did you mean 'equity'?"),
    (lambda c: c.outcomes(by="role-level"), "`by` must be one of 'sector', .*; got 'role-level' (str); "
                                            "did you mean 'role_level'?"),
    (lambda c: c.outcomes(by=["role_level", "sector"]), r"\(one string\); one characteristic at a time: .*"
                                                         r"; got \['role_level', 'sector'\] \(list\)$"),
])
def test_a_near_miss_is_named_and_the_nearest_choice_suggested(cohort2, call, words):
    # one check of a choice for the API and every layer (core.checks.check_choice): it names the
    # parameter and the choices, the value given with its type, and suggests a near miss
    with pytest.raises(ParameterError, match=words.replace("(str)", r"\(str\)").replace("?", r"\?")):
        call(cohort2)


def test_the_api_has_no_second_check_name():
    # api.arguments.check_name (one name from a list) shared its name with core.checks.check_name
    # (a pattern) and duplicated check_choice: the API now uses check_choice
    from evaluation.api import arguments
    from evaluation.core import checks

    assert not hasattr(arguments, "check_name")
    with pytest.raises(ParameterError) as direct:
        checks.check_choice("costz", ("outcomes", "costs", "equity"), "name")
    with pytest.raises(ParameterError) as through_api:
        ev.load_cohort("leading-to-deliver", 2).report("costz")
    assert str(through_api.value) == str(direct.value) == (
        "`name` must be one of 'outcomes', 'costs', 'equity'; got 'costz' (str); did you mean 'costs'?")


@pytest.mark.parametrize("function", [
    lambda people: people["sector"],
    lambda people: people["sessions_attended"],
    lambda people: (people["role_level"] == "middle_manager").astype(int),
    lambda people: np.where(people["role_level"] == "middle_manager", "yes", ""),
    lambda people: pd.Series([True, None] * (len(people) // 2), index=people.index, dtype="boolean"),
])
def test_a_where_function_must_return_booleans(cohort2, function):
    with pytest.raises(ParameterError, match="`where` must be a function returning one True/False \\(a boolean\\) "
                                             "per participant \\(104\\)"):
        cohort2.outcomes(where=function)


def test_a_where_function_may_return_a_list_or_nullable_booleans(cohort2):
    expected = cohort2.outcomes(where={"role_level": "middle_manager"})
    as_list = cohort2.outcomes(where=lambda people: list(people["role_level"] == "middle_manager"))
    nullable = cohort2.outcomes(where=lambda people: (people["role_level"] == "middle_manager").astype("boolean"))
    pd.testing.assert_frame_equal(as_list, expected)
    pd.testing.assert_frame_equal(nullable, expected)


def test_where_values_may_be_any_collection(cohort2):
    as_list = cohort2.outcomes(where={"role_level": ["middle_manager", "first_line_manager"]})
    as_set = cohort2.outcomes(where={"role_level": {"middle_manager", "first_line_manager"}})
    pd.testing.assert_frame_equal(as_set, as_list)


def test_compare_programmes_needs_two_or_more_programmes():
    for one in ("leading-to-deliver", ["leading-to-deliver"], ["leading-to-deliver", "leading-to-deliver"], 5):
        with pytest.raises(ParameterError, match="`programmes` must list two or more"):
            ev.compare_programmes(one)
    with pytest.raises(ParameterError, match="`programmes` must be one of 'collaborative-leadership', "
                                             "'leading-to-deliver'.*got 'leading to deliver'"):
        ev.compare_programmes(["leading-to-deliver", "leading to deliver"])


def test_a_programmes_cohort_is_taken_as_load_cohort_takes_it():
    ltd = ev.load_programme("leading-to-deliver")
    assert ltd["2"] is ltd[2] is ltd[np.int64(2)] is ltd[" 2 "]
    # `in` takes a cohort as indexing does (it was always False: iterating gives Cohort objects)
    assert 2 in ltd and "2" in ltd and ltd[2] in ltd and 7 not in ltd and "two" not in ltd and True not in ltd
    for bad in ("7", 7, "two", 2.0, True):
        with pytest.raises(KeyError, match="has no cohort"):
            ltd[bad]
