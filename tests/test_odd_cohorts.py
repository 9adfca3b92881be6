"""`evaluate` end to end on valid but unusual cohorts: each builds a report whose disclosure audit
passes (`evaluate` refuses to publish otherwise), with the sentences that were once wrong there.

The cohorts are cohort 2 of the shipped Leading to Deliver data cut or thinned: 3 people; 6 people
who all withdrew before the end questionnaire (a notebook once stopped on its empty breakdowns
table); no line-manager ratings (a notebook once stopped on the reaction table's single rater); no
then-test answers.
"""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from evaluation.core.paths import DATA_DIR, PARAMS_DIR
from evaluation.publish.pipeline import evaluate

pytestmark = pytest.mark.slow  # each runs `evaluate` (papermill)


def _cohort(tmp_path, keep):
    """A copy of the shipped raw data whose cohort 2 is cut by ``keep(participants, responses)``."""
    raw = tmp_path / "data" / "raw"
    shutil.copytree(DATA_DIR / "raw", raw)
    folder = raw / "leading-to-deliver"
    people = pd.read_csv(folder / "participants.csv", dtype=str, keep_default_na=False)
    answers = pd.read_csv(folder / "responses.csv", dtype=str, keep_default_na=False)
    ours = people["cohort"] == "2"
    kept_people, kept_answers = keep(people[ours], answers[answers["participant_id"].isin(people.loc[ours, "participant_id"])])
    others = ~answers["participant_id"].isin(people.loc[ours, "participant_id"])
    pd.concat([people[~ours], kept_people]).to_csv(folder / "participants.csv", index=False)
    pd.concat([answers[others], kept_answers]).to_csv(folder / "responses.csv", index=False)
    return tmp_path / "data"


def _first(n):
    def keep(people, answers):
        people = people.head(n)
        return people, answers[answers["participant_id"].isin(people["participant_id"])]
    return keep


def _all_withdrew(people, answers):
    people = people.head(6).assign(status="withdrew")
    answers = answers[answers["participant_id"].isin(people["participant_id"])]
    return people, answers[answers["wave"] == "pre"]


def _no_line_managers(people, answers):
    return people, answers[answers["rater"] != "line_manager"]


def _no_then_test(people, answers):
    return people, answers[answers["wave"] != "then"]


@pytest.mark.parametrize(("keep", "said", "unsaid"), [
    (_first(3), "**Who is missing at the end.** No one: everyone with a score before the programme has a score at "
                "the end of the programme.", None),
    (_all_withdrew, "nobody has a score on Leading change (self-rated) both before the programme and at the end "
                    "of the programme.", None),
    (_no_line_managers, "The questionnaires measure how participants rated their own leadership.", None),
    # the section's opening once pointed to the first table's "Then-test → after" rows, which were not there
    (_no_then_test, "This cohort did not answer a then-test, so no shift can be estimated.", 'The rows "Then-test'),
], ids=["three-people", "all-withdrew", "no-line-managers", "no-then-test"])
def test_an_unusual_cohort_builds_a_report(tmp_path, id_key, keep, said, unsaid):
    data = _cohort(tmp_path, keep)
    folder = evaluate("leading-to-deliver", 2, data_dir=data, params_dir=PARAMS_DIR, reports_dir=tmp_path / "reports")
    for name in ("cohort_evaluation", "cost_per_participant", "equity_of_access", "index"):
        assert (folder / f"{name}.html").is_file()
    statements = [f["statement"] for f in json.loads((folder / "findings.json").read_text())]
    assert not [s for s in statements if "n/a" in s or " nan " in s]
    page = (folder / "cohort_evaluation.html").read_text()
    assert said.replace("**", "") in _text(page)
    assert unsaid is None or unsaid not in _text(page)


def _text(html: str) -> str:
    """The page's visible text, in one line per block (tags dropped, entities as characters)."""
    import html as html_module
    import re

    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"[ \t]+", " ", html_module.unescape(text))


def test_a_cohort_whose_every_group_change_is_withheld_says_so(tmp_path, id_key):
    # The pilot (29 people): every group's change on the primary scale is withheld. Its equity page said
    # only "None of the table's 35 rows is shown here; full table: tables/equity_outcome_change.csv".
    raw = tmp_path / "data" / "raw"
    shutil.copytree(DATA_DIR / "raw", raw)
    folder = evaluate("collaborative-leadership", 1, data_dir=tmp_path / "data", params_dir=PARAMS_DIR,
                      reports_dir=tmp_path / "reports")
    change = pd.read_csv(folder / "tables" / "equity_outcome_change.csv", keep_default_na=False)
    assert len(change) and (change["suppressed"] != "").all()
    page = _text((folder / "equity_of_access.html").read_text())
    assert "No group's change can be shown: in each group too few people have both scores, or its figures are " \
           "withheld so that a small group cannot be worked out; tables/equity_outcome_change.csv lists the " \
           "groups, all withheld." in page
