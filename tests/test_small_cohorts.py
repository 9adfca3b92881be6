"""The equity page of a very small cohort (the first 1 or 3 of cohort 2's participants): every
sentence true of its tables, in plain English ("1 people", "0 groups show a disparity, 0 are within
the band and 0 are inconclusive", "some of them larger groups" with no group of 5 in the cohort)."""

from __future__ import annotations

import dataclasses
import re
import warnings

import pandas as pd
import pytest

from evaluation.data.cohort import load_cohort_data
from evaluation.reports import equity_report as er


@pytest.fixture(scope="module")
def cohort2():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_cohort_data("leading-to-deliver", 2)


def _first(data, k: int):
    people = data.participants.head(k)
    small = dataclasses.replace(data, participants=people, scale_scores=data.scale_scores[
        data.scale_scores["participant_id"].isin(people["participant_id"])])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = er.equity_tables(small)
    return small, result, er.equity_summary(result, small)


@pytest.mark.parametrize("k", [1, 3])
def test_a_tiny_cohorts_equity_summary_is_true_of_its_tables(cohort2, k):
    data, result, text = _first(cohort2, k)
    table = result.tables["equity"]
    assert not table["band"].isin(["disparity", "within", "inconclusive"]).any()  # nothing to judge
    people = "1 person who had a place is compared" if k == 1 else f"{k} people who had a place are compared"
    assert f"**Who is compared.** The {people}" in text
    assert not re.search(r"\b1 (people|places)\b", text)
    assert "0 groups show a disparity" not in text and "most small groups cannot be judged" not in text
    assert (f"With {k} place{'' if k == 1 else 's'} in the cohort, no group can be judged either way: no group has a "
            "relative likelihood that can be shown.") in text
    assert "No group shown is clearly less likely" not in text
    assert "**Under-represented.** No group can be judged: no group has a relative likelihood" in text
    # no withheld group has 5 people in a cohort of 1 or 3: "some of them larger groups" was false; and
    # the paragraph says nothing of the withheld groups' sizes ("some of them groups with nobody in
    # them", beside two withheld groups of one total, would say which is empty and so the other's count)
    line = next(x for x in text.splitlines() if x.startswith("**Confidentiality.**"))
    assert "larger groups" not in line and "nobody in them" not in line
    assert ("are withheld, the small ones and, where needed, others, so that no small group can be worked out "
            "from the totals") in line


def test_a_goodness_of_fit_test_with_every_category_withheld_says_so(cohort2):
    # "only 1 can be tested (the others are outside the eligible population, undeclared or without a
    # workforce figure)" of council areas all 32 of which have a workforce figure: they are withheld
    _, result, text = _first(cohort2, 3)
    gof = result.tables["goodness_of_fit"].set_index("dimension")
    row = gof.loc["local_authority"]
    assert row["method"] == "none" and row["pooled_suppressed_categories"] > 1
    assert row["description"] == ("not computed: it needs at least two categories to compare, and every category "
                                  "it would test is withheld, so they would be pooled into one")
    assert "council area" in next(p for p in text.split("\n\n") if "every category it would test is withheld" in p)
    assert "the others are outside the eligible population" not in row["description"]


def test_council_areas_without_places_is_withheld_not_miscounted_when_a_withheld_area_has_none(cohort2):
    # A cohort of 3: every council area withheld, and the spread table said "Council areas without
    # places: 0" beside 29 areas with nobody in them.
    data, result, _ = _first(cohort2, 3)
    spread = result.tables["spread"].set_index("measure")["value"]
    areas = result.tables["council_areas"]
    have = set(data.participants["local_authority"])
    assert (~areas["category"].isin(have) & (areas["suppressed"] != "")).any()  # a withheld area with nobody
    assert pd.isna(spread["council_areas_without_places"])
    # the shipped cohort: no withheld area is empty, so the count stands, and is true
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = er.equity_tables(cohort2).tables
    shown = full["council_areas"]
    counted = full["spread"].set_index("measure")["value"]["council_areas_without_places"]
    assert counted == (shown["participants"] == 0).sum() == (~shown["category"].isin(
        set(cohort2.participants["local_authority"]))).sum()


def test_the_published_note_on_a_wholly_withheld_dimension_names_no_group(cohort2):
    # A cohort of 3's data notes read "dimension 'local authority': no choice of groups to suppress keeps
    # every small group from being worked out (e.g. enrolled falkirk), so every group of it is withheld":
    # it named the council area with a small group (and "e.g. declared *" for sector)
    data, result, _ = _first(cohort2, 3)
    notes = result.tables["notes"]
    said = notes.loc[notes["message"].str.contains("no choice of groups to suppress"), "message"].tolist()
    assert said, "a cohort of 3 cannot protect every small group of its council areas"
    assert not [m for m in said if "e.g." in m]
    names = {str(c) for c in data.participants["local_authority"]} | {"*"}
    assert not [m for m in said for name in names if re.search(rf"\b{re.escape(name)}\b", m.replace("local_authority", ""))]


def test_one_group_shown_is_not_described_as_a_range_or_every_group(cohort2):
    # A cohort of 12 showed one group's change and read "the mean change ranged from +0.12 to +0.12
    # points ... across those groups. Differences between small groups are imprecise."; and one group's
    # completion, "Every group shown completed in full."
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = er.equity_tables(cohort2)
    change = result.tables["outcome_change"].copy()
    shown = change["mean_change"].notna()
    assert shown.sum() > 1
    change.loc[shown[shown].index[1:], "mean_change"] = float("nan")
    completion = result.tables["completion"].copy()
    full = completion.index[completion["completion_rate"] == 1]
    assert len(full)
    completion.loc[completion.index != full[0], "completion_rate"] = float("nan")
    one = dataclasses.replace(result, tables={**result.tables, "outcome_change": change, "completion": completion})
    text = er.equity_summary(one, cohort2)
    benefit = next(p for p in text.split("\n\n") if p.startswith("**From completion to benefit.**"))
    value = change["mean_change"].dropna().iloc[0]
    assert "ranged from" not in benefit and "Differences between small groups" not in benefit
    assert f"in the one group shown, the mean change was {value:+.2f} points" in benefit
    place = next(p for p in text.split("\n\n") if p.startswith("**From a place to completion.**"))
    assert place.endswith("The group shown completed in full.") and "Every group shown" not in place
    both = er.equity_summary(result, cohort2)  # the shipped cohort: a range, as before
    assert "the mean change ranged from" in both


def test_a_dimension_withheld_whole_has_no_rows_in_the_tables_by_group(cohort2):
    # The completion and outcome-change tables (and the outcome report's breakdowns) list the groups
    # that have people. A cohort of 3 whose role levels were withheld whole listed "first_line_manager"
    # alone: with 3 enrolled published, all 3 were first-line managers (and its one White Scottish row,
    # its three council areas of 1 each). A dimension withheld whole is now left out of them.
    from evaluation.reports import outcome_report
    from evaluation.reports.disclosure_plan import disclosure_plan

    data, result, _ = _first(cohort2, 6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = disclosure_plan(data)
        breakdowns = outcome_report.outcome_tables(data)["breakdowns"]
    assert {"role_level", "ethnicity", "local_authority", "sector"} <= set(plan.withheld)
    for name, table in (("completion", result.tables["completion"]), ("outcome_change", result.tables["outcome_change"]),
                        ("breakdowns", breakdowns)):
        assert not set(table["dimension"]) & set(plan.withheld), name
    listed = set(result.tables["completion"]["dimension"])
    assert listed and listed == set(data.cohort.equity.dimensions) - set(plan.withheld)


@pytest.fixture(scope="module")
def nobody_after(cohort2):
    """6 people of cohort 2 with no end-of-programme scores (as if all withdrew), and their outcome tables."""
    from evaluation.reports import outcome_report

    data, _, _ = _first(cohort2, 6)
    scores = data.scale_scores
    data = dataclasses.replace(data, scale_scores=scores[scores["wave"] != "post"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return data, outcome_report.outcome_tables(data)


def test_a_cohort_with_no_pair_of_scores_has_an_empty_breakdowns_table_with_its_columns(nobody_after):
    # A cohort of 6 who all withdrew before the end questionnaire stopped the cohort report at its
    # breakdowns cell (KeyError: 'suppressed'): the table was a DataFrame without columns.
    table = nobody_after[1]["breakdowns"]
    assert table.empty and {"dimension", "category", "n_pairs", "suppressed"} <= set(table.columns)


def test_a_cohort_with_no_pair_of_scores_has_a_summary_without_empty_claims(nobody_after):
    # A cohort of 6 who all withdrew read "0 have a score on Leading change (self-rated) both before
    # the programme and at the end of the programme, and the results below are about them." and a
    # bare heading "What changed: participants' own ratings." with nothing after it.
    from evaluation.reports import outcome_report

    data, tables = nobody_after
    text = outcome_report.outcome_summary(tables, data)
    assert ("nobody has a score on Leading change (self-rated) both before the programme and at the end of the "
            "programme.") in text
    assert "results below are about them" not in text and "0 have a score" not in text
    assert "What changed: participants' own ratings" not in text
    assert "**What could not be measured.** No participant rated themselves on" in text


def test_a_cohort_of_one_has_findings_in_words_not_n_a(cohort2):
    # A cohort of 1's findings (and its index page, which shows them) read "changed by −0.25 points
    # ... (95% CI n/a to n/a; n = 1)", "d_z ...: n/a (95% CI n/a to n/a)" and "g_av n/a, not estimable".
    from evaluation.reports import outcome_report

    scores = cohort2.scale_scores
    rated = [set(scores.loc[(scores["wave"] == w) & scores["score"].notna(), "participant_id"]) for w in ("pre", "post")]
    one = sorted(str(p) for p in rated[0] & rated[1])[0]  # someone with a pair of scores
    people = cohort2.participants[cohort2.participants["participant_id"].astype(str) == one]
    data = dataclasses.replace(cohort2, participants=people,
                               scale_scores=scores[scores["participant_id"].astype(str) == one])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tables = outcome_report.outcome_tables(data)
    findings = {f.id: f.statement for f in outcome_report.outcome_findings(tables, data)}
    assert findings and not [s for s in findings.values() if "n/a" in s]
    def ending(kind: str) -> set[str]:
        return {s.rsplit(": ", 1)[-1] if kind != "mean_change" else s.rsplit(" (", 1)[-1]
                for i, s in findings.items() if i.endswith(f".{kind}")}
    assert ending("mean_change") == {"no interval could be computed; n = 1)."}
    assert ending("d_z") == {"not computed (too few people or no variation)."}
    assert ending("g_av") == {"g_av not computed (too few people or no variation)."}


def test_the_confidentiality_paragraph_says_how_tests_treat_withheld_groups_only_of_tests_run(cohort2):
    # A cohort of 3, with no goodness-of-fit test and no Gini coefficient, read "Tests and the Gini
    # coefficient treat the withheld groups as one."
    _, result, text = _first(cohort2, 3)
    assert result.tables["goodness_of_fit"]["p_value"].isna().all()
    assert result.tables["spread"].set_index("measure")["value"].isna()["gini"]
    line = next(x for x in text.splitlines() if x.startswith("**Confidentiality.**"))
    assert "treat the withheld groups as one" not in line and line.endswith("as a reader could.")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = er.equity_summary(er.equity_tables(cohort2), cohort2)
    assert "Tests and the Gini coefficient treat the withheld groups as one." in full


def test_a_goodness_of_fit_test_not_run_has_no_degrees_of_freedom(cohort2):
    # Tests not computed (a cohort of 3; shipped cohorts 1, 3 and 5's disability) showed df 0.
    _, result, _ = _first(cohort2, 3)
    gof = result.tables["goodness_of_fit"]
    assert (gof["method"] == "none").all() and gof["df"].isna().all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = er.equity_tables(cohort2).tables["goodness_of_fit"]
    run = full["method"] != "none"
    assert run.any() and full.loc[run, "df"].notna().all()
