"""Programme.pool warns only about the rows it returns, checks its arguments before computing, and
refuses a pool of fewer than two cohorts."""

from __future__ import annotations

import warnings

import pytest

import evaluation as ev
from evaluation.api import programme as programme_module
from evaluation.core.errors import ParameterError
from evaluation.stats.pooling import PoolingWarning


@pytest.fixture(scope="module")
def ltd() -> ev.Programme:
    return ev.load_programme("leading-to-deliver")


def caught(call):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        result = call()
    return result, [str(w.message) for w in seen if issubclass(w.category, PoolingWarning)]


def test_no_warning_about_a_comparison_not_returned(ltd):
    table, said = caught(lambda: ltd.pool(comparisons="pre_post"))
    assert set(table["comparison"]) == {"pre_post"} and len(table) == 18
    assert said == []  # it said "Before → follow-up: pooled over cohorts 2 and 3 only"
    table, said = caught(lambda: ltd.pool(comparisons="pre_follow_up", measures="g_av"))
    assert set(table["measure"]) == {"g_av"}
    assert len(said) == 1 and said[0].startswith("Before → follow-up: pooled over cohorts 2 and 3 only")


def test_only_the_measures_asked_for_are_pooled_and_warned_about(ltd):
    table, said = caught(lambda: ltd.pool(cohorts=[1, 2], comparisons="then_post", measures="mean_change"))
    assert set(table["measure"]) == {"mean_change"} and (table["k"] == 1).all()
    assert len(said) == 1  # one warning for the rows not pooled, not one per row
    # only cohort 2 asked then-test questions: one sentence, not "vision_direction (then_post, self)..." per row
    assert said[0] == "Nothing is pooled: only cohort 2 has estimates (pooling needs at least 2 cohorts)"
    assert table["method"].str.startswith("not pooled").all()


def test_rows_not_pooled_beside_pooled_ones_are_named_in_words(ltd):
    table, said = caught(lambda: ltd.pool(cohorts=[1, 2], raters="self", measures="g_av"))
    alone = table[table["k"] < 2]
    assert set(alone["comparison"]) == {"then_post", "pre_follow_up"} and (table["k"] == 2).any()
    [words] = [s for s in said if s.startswith("Not pooled")]
    # one item per scale, comparison and rater, with scale titles and the cohort that has the estimate
    assert words.startswith("Not pooled, as fewer than two cohorts have an estimate: Vision and direction, "
                            "then-test → after, participants' own ratings (cohort 2 only); ")
    assert words.endswith(f"; and {len(alone) - 5} more") and "_" not in words


@pytest.mark.parametrize("arguments, words", [
    ({"scales": "x"}, "`scales` must name one or more of 'vision_direction'"),
    ({"raters": 3}, "`raters` must name one or more of 'line_manager', 'self'"),
    ({"comparisons": "pre-post"}, "`comparisons` must name one or more of 'pre_post'"),
    ({"measures": ["d_z"]}, "`measures` must name one or more of 'mean_change', 'g_av'"),
    ({"cohorts": [2]}, "`cohorts` must list two or more different cohorts of leading-to-deliver \\(1, 2, 3, 4, 5\\)"),
    ({"cohorts": [2, 2]}, "`cohorts` must list two or more different cohorts"),
    ({"cohorts": 2}, "`cohorts` must list two or more different cohorts"),
    ({"cohorts": [2, 9]}, "`cohorts` must list two or more different cohorts"),
    ({"cohorts": "23"}, "`cohorts` must list two or more different cohorts"),
])
def test_arguments_are_refused_before_anything_is_computed_or_warned(ltd, monkeypatch, arguments, words):
    def never(*args, **kwargs):
        raise AssertionError("computed before the arguments were checked")

    monkeypatch.setattr(programme_module, "cohort_changes", never)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ParameterError, match=words):
            ltd.pool(**arguments)


def test_a_name_with_no_estimate_to_pool_is_refused_before_pooling(ltd):
    with warnings.catch_warnings():
        warnings.simplefilter("error", PoolingWarning)
        with pytest.raises(ParameterError, match="`scales`: no cohort has an estimate of 'reaction' to pool; "
                                                 "those with one are 'vision_direction'"):
            ltd.pool(scales=["leading_change", "reaction"])  # reaction: asked once, no change to pool
    with pytest.raises(ParameterError, match="`comparisons` must name one or more of 'pre_post'"):
        ltd.pool(cohorts=[1, 4], comparisons="then_post")  # neither cohort has a then-test


def test_cohorts_may_be_given_as_load_cohort_takes_them(ltd):
    table, said = caught(lambda: ltd.pool(cohorts=["2", 3], comparisons="pre_post", measures="mean_change",
                                          scales="leading_change"))
    assert table["cohorts"].tolist() == ["2, 3"] and len(said) == 1  # two cohorts: the few-cohorts caution


def test_a_programme_of_one_cohort_is_refused():
    with pytest.raises(ParameterError, match="`cohorts`: a pool needs two or more cohorts, and "
                                             "collaborative-leadership has only cohort\\(s\\) 1"):
        ev.load_programme("collaborative-leadership").pool()
