"""Valid but unusually shaped cohorts: no line-manager ratings, two waves only, no withdrawals,
a scale nobody answered at the end. Each test holds a defect found by building such a cohort."""

import dataclasses
import warnings

import pandas as pd
import pytest

from evaluation.core.text import spreadsheet_safe
from evaluation.data.cohort import load_cohort_data
from evaluation.data.programme import ProgrammeData, load_programme_data
from evaluation.reports import outcome_report as report
from evaluation.reports.programme_report import outcome_text as programme_text
from evaluation.reports.programme_report import outcome_trends as programme_tables


def test_spreadsheet_safe_takes_a_categorical_column_of_one_category():
    # a cohort with no line-manager ratings: the reaction table's rater column is a categorical
    # whose only category is "self"; it crashed the report (Categorical has no `any`)
    table = pd.DataFrame({"scale": pd.Categorical(["reaction"]), "rater": pd.Categorical(["self"]),
                          "n": [88]})
    assert spreadsheet_safe(table).to_dict("list") == {"scale": ["reaction"], "rater": ["self"], "n": [88]}


def test_spreadsheet_safe_quotes_a_formula_in_a_categorical_column():
    table = pd.DataFrame({"category": pd.Categorical(["=1+1", "fife"])})
    assert spreadsheet_safe(table)["category"].tolist() == ["'=1+1", "fife"]


def _shaped(data, drop):
    """``data`` without the scale scores ``drop`` picks (a cohort of that shape, in memory)."""
    scores = data.scale_scores
    return dataclasses.replace(data, scale_scores=scores[~drop(scores)].reset_index(drop=True))


@pytest.fixture(scope="module")
def cohort_2():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_cohort_data("leading-to-deliver", 2)


def _summary(data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return report.outcome_summary(report.outcome_tables(data), data)


def test_a_cohort_no_line_manager_rated_is_not_said_to_have_line_managers_ratings(cohort_2):
    data = _shaped(cohort_2, lambda s: s["rater"] == "line_manager")
    text = _summary(data)
    # the old summary said "how participants, and their line managers, rated" and nothing of the gap
    assert "line managers, rated" not in text
    assert "The questionnaires measure how participants rated their own leadership." in text
    assert ("No line manager rated participants on Leads change (observed), Works in partnership (observed) and "
            "Empowers staff and service users (observed) both before the programme and at the end of the "
            "programme, so there is no change to report on them.") in text
    assert "line managers, rated the participants'" in _summary(cohort_2)  # as published where they did


def test_a_scale_nobody_answered_at_the_end_is_named_not_dropped(cohort_2):
    data = _shaped(cohort_2, lambda s: (s["scale"] == "partnership_working") & (s["wave"] == "post"))
    text = _summary(data)
    assert ("**What could not be measured.** No participant rated themselves on Partnership working both before "
            "the programme and at the end of the programme, so there is no change to report on it.") in text
    assert "What could not be measured" not in _summary(cohort_2)


def test_the_programme_summary_names_the_cohort_without_line_managers_ratings():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = load_programme_data("leading-to-deliver")
        cohorts = {c: (_shaped(d, lambda s: s["rater"] == "line_manager") if c == 2 else d)
                   for c, d in data.cohorts.items()}
        shaped = ProgrammeData(data.programme, cohorts)
        summary = programme_text.outcome_summary(programme_tables.programme_outcome_tables(shaped), shaped)
    lm = next(p for p in summary.split("\n\n") if p.startswith("**Leads change (observed), by line managers"))
    # the old words, "Pooled over the 4 cohorts," beside "Cohorts 1, 2, 3, 4 and 5 are pooled", said not which
    assert lm.startswith("**Leads change (observed), by line managers' ratings.** Pooled over the 4 cohorts that have "
                         "them (cohort 2 has no line managers' ratings to compare), line managers' ratings of Leads "
                         "change (observed) were "), lm
    own = next(p for p in summary.split("\n\n") if p.startswith("**Leading change, by participants"))
    assert "Pooled over the 5 cohorts, participants' own ratings" in own  # all five: as published


def test_waves_the_parameters_list_but_nobody_answered_give_no_empty_table_and_no_two_wave_model(cohort_2):
    # cohort 2's parameters list the then-test and follow-up; here no one answered either
    data = _shaped(cohort_2, lambda s: s["wave"].isin(["then", "follow_up"]))
    assert {"then", "follow_up"} <= set(data.cohort.waves)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tables = report.outcome_tables(data)
    # the old tables held an empty response_shift (a header row under "the rows 'Then-test → after'
    # of the first table") and a mixed model of two waves under "With a follow-up"
    assert "response_shift" not in tables and "mixed_model" not in tables
    assert report.scored_waves(data) == {"pre", "post"}
    assert report.no_mixed_model_text(data.cohort.waves, report.scored_waves(data)) == (
        "Not applicable: the model needs three or more questionnaires besides the then-test; this cohort has 2 with "
        "scores (before and after): nobody has a score at follow-up.")
    shipped = report.outcome_tables(cohort_2)
    assert len(shipped["response_shift"]) and len(shipped["mixed_model"])  # as published


def test_the_report_says_line_managers_ratings_are_shown_only_when_they_are(cohort_2):
    from pathlib import Path
    data = _shaped(cohort_2, lambda s: s["rater"] == "line_manager")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = report.outcome_tables(data)["outcomes"]
    assert report.raters_text(out) == ("No one else rated the participants: the tables and charts below hold "
                                       "self-ratings only.")
    assert report.raters_text(report.outcome_tables(cohort_2)["outcomes"]) == (
        "Line-manager ratings (Kirkpatrick level 3) are shown beside the self-ratings.")
    # the notebook said so in a Markdown cell, true or not
    source = (Path(__file__).parents[1] / "notebooks" / "cohort_evaluation.py").read_text(encoding="utf-8")
    assert "# beside the self-ratings." not in source and "report.raters_text(" in source


def test_a_data_note_reads_in_words_not_codes_and_nan():
    from evaluation.reports.display import table_html
    notes = pd.DataFrame({"source": ["attrition"], "warning": ["DegenerateDataWarning"], "message": [
        "baseline comparison for scale 'partnership_working', rater 'self': 0 with and 99 without a 'post' score "
        "(at least 2 each are needed): Welch t and Hedges' g are NaN"]})
    shown = table_html(notes, titles={"partnership_working": "Partnership working"})
    # a scale nobody answered at the end: the note read "without a 'after' score ... are NaN"
    assert ("baseline comparison for scale &#x27;Partnership working&#x27;, rater &#x27;self-rating&#x27;: 0 with and 99 "
            "without an &#x27;after&#x27; score (at least 2 each are needed): Welch t and Hedges&#x27; g are not "
            "computed") in shown.replace("'", "&#x27;")


def test_the_chart_under_the_mixed_models_table_is_described_only_when_there_is_one():
    from pathlib import Path
    # a cohort with two waves (cohorts 1 and 4, or 2 without its follow-up) read "The chart under the
    # table shows ..." above "Not applicable: the model needs three or more questionnaires"
    source = (Path(__file__).parents[1] / "notebooks" / "cohort_evaluation.py").read_text(encoding="utf-8")
    assert "# The chart under the table shows" not in source
    fitted = source.index('if "mixed_model" in tables:')
    assert fitted < source.index("report.WAVE_MEANS_TEXT") < source.index("report.no_mixed_model_text")
    assert report.WAVE_MEANS_TEXT.startswith("The chart under the table shows, for each self-rated scale")


@pytest.fixture(scope="module")
def primary_unanswered_at_the_end(cohort_2):
    """Cohort 2 with no Leading change (its primary scale) score at the end of the programme."""
    return _shaped(cohort_2, lambda s: (s["scale"] == "leading_change") & (s["wave"] == "post"))


def test_who_is_missing_at_the_end_when_nobody_has_a_primary_score_at_the_end(primary_unanswered_at_the_end):
    text = _summary(primary_unanswered_at_the_end)
    paragraph = next(p for p in text.split("\n\n") if p.startswith("**Who is missing at the end.**"))
    # it read "They started nan points higher on Leading change than those with a score at the end"
    assert "nan" not in paragraph
    assert paragraph.endswith("(whether or not they completed the programme), and no one has a score at the end of "
                              "the programme to compare how they started with."), paragraph


def test_the_cost_summary_does_not_say_nobody_improved_when_nobody_was_measured(primary_unanswered_at_the_end):
    from evaluation.reports import cost_report
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = cost_report.cost_summary_markdown(cost_report.cost_tables(primary_unanswered_at_the_end),
                                                 primary_unanswered_at_the_end)
    # it read "Nobody reliably improved on Leading change", of a scale nobody answered at the end
    assert "Nobody reliably improved" not in text
    assert ("Nobody has a score on Leading change at both the before and after questionnaires, so whether anyone "
            "reliably improved, and the cost per reliable improver, cannot be worked out.") in text


def test_a_note_about_waves_nobody_answered_lists_them_in_words_without_brackets():
    # A cohort whose then-test and follow-up nobody answered published the note "no scores at
    # wave(s) ['then-test', 'follow-up']: comparison(s) ['then_post', 'pre_follow_up'] have no rows".

    from evaluation.reports.display import table_html
    from evaluation.stats.outcomes import outcomes_table

    scores = pd.DataFrame({"participant_id": list("abcab"), "wave": ["pre"] * 3 + ["post"] * 2, "rater": "self",
                           "scale": "s", "score": [3.0, 4.0, 3.5, 3.5, 4.5]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        outcomes_table(scores, comparisons=["pre_post", "then_post", "pre_follow_up"])
    message = next(str(w.message) for w in caught if "no scores at wave" in str(w.message))
    assert message == ("outcomes table: no scores at wave(s) 'then', 'follow_up': comparison(s) 'then_post', "
                       "'pre_follow_up' have no rows")
    shown = table_html(pd.DataFrame({"source": ["outcomes"], "warning": ["DegenerateDataWarning"], "message": [message]}))
    assert "[" not in shown and "'then-test', 'follow-up'" in shown


def test_the_mixed_model_fits_only_ratings_with_three_or_more_questionnaires(cohort_2):
    # line managers answer before and after only; the model of "three or more waves" was fitted to their
    # two questionnaires (cohort 3's page), while cohorts with two waves said "Not applicable" for the same
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tables = report.outcome_tables(cohort_2)
    model = tables["mixed_model"]
    waves = cohort_2.scale_scores.dropna(subset=["score"]).query("wave != 'then'").groupby(
        ["scale", "rater"], observed=True)["wave"].nunique()
    fitted = set(zip(model["scale"], model["rater"], strict=True))
    assert fitted == {key for key, n in waves.items() if n >= 3 and key[0] != "reaction"}
    assert set(model["rater"]) == {"self"} and "line_manager" in set(tables["outcomes"]["rater"])
    text = report.mixed_model_text(model, tables["outcomes"])
    assert "Line managers' ratings have scores at fewer questionnaires, so they are not in it" in text
    assert "not adjusted for testing several scales" in text
    # after "their change is in the first table.", "Its p-values ..." read as the first table's
    assert "first table. This table's p-values are not adjusted" in text and " Its p-values" not in text
    # the reference rows show no test of "is the mean zero?"; the CSV keeps it
    shown = report.mixed_model_shown(model)
    reference = shown["term"] == "intercept"
    assert reference.any() and shown.loc[reference, ["ci_low", "ci_high", "p_value"]].isna().all().all()
    assert shown.loc[~reference, "p_value"].notna().all() and model.loc[reference, "p_value"].notna().all()
    # three questionnaires but no scale rated at three of them: no table, and the words say why
    assert report.no_mixed_model_text(["pre", "post", "follow_up"]) == (
        "Not applicable: no scale has scores from the same raters at three or more questionnaires besides the "
        "then-test.")
