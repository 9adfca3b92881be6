"""Sentences of the cohort outcome page that a reader found untrue or unexplained (review of the
published reports): each is written from the cohort's own tables and checked against them here."""

from __future__ import annotations

import functools
import re
import warnings

import pytest

from evaluation.data.cohort import load_cohort_data
from evaluation.reports import outcome_report
from evaluation.reports.labels import aside


@functools.cache
def _built(programme: str, cohort: int):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = load_cohort_data(programme, cohort)
        return data, outcome_report.outcome_tables(data)


@pytest.mark.parametrize(("programme", "cohort"), [("leading-to-deliver", 3), ("collaborative-leadership", 1)])
def test_reliable_change_names_the_scales_whose_reliability_is_below_0_7(programme, cohort):
    # cohort 3's Empowering staff (self, 0.64) and the pilot's Governance and accountability (0.66) gave
    # reliable-change shares with no word that their measure is below the glossary's "usually acceptable"
    data, tables = _built(programme, cohort)
    out = tables["outcomes"]
    first = data.cohort.comparisons[0]
    rows = out[(out["comparison"] == first) & out["reliability"].notna()].drop_duplicates(["scale", "rater"])
    low = rows[rows["reliability"] < 0.7]
    assert len(low)  # the shipped cohorts each have one
    summary = outcome_report.outcome_summary(tables, data)
    paragraph = next(p for p in summary.split("\n\n") if p.startswith("**How many people reliably improved.**"))
    detail = outcome_report.reliability_text(out, first, data.titles)
    for r in rows.itertuples():
        who = "self-rated" if r.rater == "self" else "line managers' ratings"
        named = aside(data.titles[r.scale], f"{who}, {r.reliability:.2f}")
        assert (named in paragraph) is (r.reliability < 0.7), named
        assert (named in detail) is (r.reliability < 0.7), named
        assert f"{aside(data.titles[r.scale], who)} {r.reliability:.2f}" in detail  # every value, in words
    assert "rest on a less reliable measure" in paragraph
    assert "column reliability" not in detail and "the reliability column" in detail


@pytest.mark.parametrize(("programme", "cohort"), [("leading-to-deliver", 3), ("collaborative-leadership", 1)])
def test_for_whom_says_which_characteristics_have_a_group_shown_and_what_the_csv_lists(programme, cohort):
    # the pilot's page said "Mean change ... by sector, role level and framework area" above framework area's
    # Strategic rows only, and that the CSV leaves out "a characteristic withheld as a whole" while it listed
    # every (withheld) group of sector and role level
    from evaluation.reports.breakdowns_text import breakdowns_text
    from evaluation.reports.disclosure_plan import BREAKDOWN_DIMENSIONS
    from evaluation.reports.labels import and_list

    _, tables = _built(programme, cohort)
    table = tables["breakdowns"]
    text = outcome_report.for_whom_text(tables)
    shown = [d for d in BREAKDOWN_DIMENSIONS if ((table["dimension"] == d) & (table["suppressed"] == "")).any()]
    hidden = [d.replace("_", " ") for d in BREAKDOWN_DIMENSIONS if d not in shown]
    listed = [d for d in BREAKDOWN_DIMENSIONS if (table["dimension"] == d).any()]
    assert shown
    groups = table.loc[table["suppressed"] == "", ["dimension", "category"]].drop_duplicates()
    if len(groups) <= 3:
        # the pilot's page read "here only those of framework area." above one group: a few groups are named
        count = ["one group", "two groups", "three groups"][len(groups) - 1]
        names = and_list(f"{c.replace('_', ' ')} ({d.replace('_', ' ')})" for d, c in groups.itertuples(index=False))
        assert f"The table shows the groups that are published: here only {count}, {names}." in text
    elif hidden:
        assert f"here only those of {and_list(d.replace('_', ' ') for d in shown)}." in text
    if hidden:
        assert f"No group of {' or '.join(hidden)} is shown" in text
    else:
        assert "No group of" not in text and "here only" not in text
    if listed == list(BREAKDOWN_DIMENSIONS):
        assert "lists every group with people in it, withheld or not." in text and "left out" not in text
    if programme == "collaborative-leadership":
        assert hidden == ["sector", "role level"] and listed == list(BREAKDOWN_DIMENSIONS)
        assert "here only one group, strategic (framework area)." in text
    # a characteristic withheld as a whole (no rows) is said to be left out of the CSV
    dropped = table[table["dimension"] != "role_level"]
    words = breakdowns_text(dropped, BREAKDOWN_DIMENSIONS)
    assert "role level is left out of it altogether" in words and re.search(r"No group of [a-z ]*role level is", words)


def test_the_comparison_groups_terms_are_in_the_cohort_glossary_and_the_intro_has_no_codes():
    # cohort 3's page headed a column "d_ppc2" and spoke of "difference-in-differences" with neither in its
    # glossary, and told readers "`group` = `comparison` in `participants.csv`"
    from pathlib import Path

    from evaluation.reports.glossary import GLOSSARY, glossary_markdown, report_terms

    keys = report_terms("cohort_evaluation")
    glossary = glossary_markdown(keys)
    for term in ("d_ppc2", "difference-in-differences"):
        assert any(GLOSSARY[k].regex.search(term) for k in keys), term
    assert "**Difference-in-differences.**" in glossary and "**d_ppc2 (standardised difference in change).**" in glossary
    source = (Path(__file__).parents[1] / "notebooks" / "cohort_evaluation.py").read_text(encoding="utf-8")
    assert "`group` = `comparison`" not in source and "marked as the comparison group" not in source
    assert "is in the column `reliability`" not in source
    from evaluation.reports import comparison_group as cg

    assert "marked as the comparison group" in cg.COMPARISON_GROUP_INTRO and "`group`" not in cg.COMPARISON_GROUP_INTRO


def test_a_cohort_without_a_comparison_group_has_neither_its_intro_nor_its_terms():
    # CL cohort 1 and L2D cohort 2 explained difference-in-differences, d_ppc2 and the adjusted p in a long
    # intro before "This cohort has no comparison group.", and listed both terms in their glossaries
    from pathlib import Path

    from evaluation.reports import comparison_group as cg
    from evaluation.reports.glossary import report_terms

    source = (Path(__file__).parents[1] / "notebooks" / "cohort_evaluation.py").read_text(encoding="utf-8")
    section = source.split("# ## Beside a comparison group")[1].split("# ## Data notes")[0]
    assert "difference-in-differences" not in section and "d_ppc2`" not in section.split("columns=")[0]
    body = section.split('if "comparison_group" in tables:')[1]
    assert body.index("COMPARISON_GROUP_INTRO") < body.index("else:")  # shown only with the table
    assert "difference-in-differences" in cg.COMPARISON_GROUP_INTRO
    assert "comparison.page_terms(report_terms(" in source
    for programme, cohort, has in (("collaborative-leadership", 1, False), ("leading-to-deliver", 3, True)):
        data, tables = _built(programme, cohort)
        assert ("comparison_group" in tables) == has == data.has_comparison_group
        terms = cg.page_terms(report_terms("cohort_evaluation", multiplicity=data.cohort.multiplicity), tables)
        assert all((t in terms) == has for t in ("difference_in_differences", "d_ppc2")), (programme, terms)


def test_for_whom_states_only_the_withholding_rule_the_plan_applies():
    # The words said "groups in which some, but fewer than the threshold, lack scores at both waves"
    # are withheld. Cohort 3's citizen leadership group (9 people, framework area: in no equity table,
    # so its size is not published) shows 8, 7 and 6 pairs: 1 to 3 of its people lack scores on a scale
    # and the group is published, rightly, as no table lets those numbers be worked out.
    data, tables = _built("leading-to-deliver", 3)
    shown = tables["breakdowns"]
    citizen = shown[(shown["category"] == "citizen") & (shown["suppressed"] == "")]
    size = int((data.participants["framework_area"] == "citizen").sum())
    lacking = size - citizen["n_pairs"].astype(int)
    assert ((lacking >= 1) & (lacking < 5)).any()  # what the old words denied
    words = outcome_report.for_whom_text(tables)
    assert "lack scores at both waves" not in words
    assert "no small number (of a group, or of the people in it without scores at both waves) can be worked " \
           "out" in words
