"""Issue 12 item 4: the success-case frame (Brinkerhoff), for evaluators only."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluation.data.programme import load_programme_data
from evaluation.reports.programme_report import success_cases as sc


@pytest.fixture(scope="module")
def pilot():
    data = load_programme_data("collaborative-leadership")
    return data, sc.success_cases(data, per_group=2)


def test_frame_lists_extremes_per_group_by_rci(pilot):
    data, frame = pilot
    assert frame.columns.tolist() == sc.SUCCESS_CASE_COLUMNS
    assert set(frame["case"]) <= {"success", "non-success"}
    assert (frame.groupby(["scale", "rater", "dimension", "category", "case"]).size() <= 2).all()
    # Reference, by hand from the cohort's own data: RCI = change / (√2·SD_pre·√(1 − alpha_pre))
    cohort = next(iter(data))
    scale = cohort.primary_scale
    s = cohort.scale_scores[(cohort.scale_scores["scale"] == scale) & (cohort.scale_scores["rater"] == "self")]
    wide = s.pivot_table(index="participant_id", columns="wave", values="score").dropna(subset=["pre", "post"])
    rel = cohort.reliability
    alpha = float(rel[(rel["scale"] == scale) & (rel["rater"] == "self") & (rel["wave"] == "pre")]["alpha"].iloc[0])
    rci = (wide["post"] - wide["pre"]) / (np.sqrt(2) * wide["pre"].std(ddof=1) * np.sqrt(1 - alpha))
    people = cohort.participants.set_index("participant_id")
    mine = frame[(frame["scale"] == scale) & (frame["rater"] == "self")]
    for (dim, cat), grp in mine.groupby(["dimension", "category"]):
        members = rci[rci.index.isin(people.index[people[dim] == cat])]
        best = grp[grp["case"] == "success"].sort_values("rank")
        expected = members[members > 1.96].sort_values(ascending=False).head(2)
        assert best["rci"].to_numpy() == pytest.approx(expected.to_numpy(), abs=1e-12)
        worst = grp[grp["case"] == "non-success"].sort_values("rank")
        rest = members.drop(expected.index).sort_values().head(2)
        assert worst["rci"].to_numpy() == pytest.approx(rest.to_numpy(), abs=1e-12)
        assert set(best["direction"]) <= {"reliable improvement"}


def test_line_manager_cases_are_listed_where_rated(pilot):
    _, frame = pilot
    assert set(frame["rater"]) == {"self", "line_manager"}


def test_written_beside_the_disclosure_logs_only(tmp_path, pilot):
    _, frame = pilot
    path = sc.write_success_cases(frame, tmp_path, "collaborative-leadership")
    assert path == tmp_path / "disclosure_logs" / "collaborative-leadership" / "success_cases.csv"
    back = pd.read_csv(path)
    assert len(back) == len(frame) and back["participant_id"].tolist() == frame["participant_id"].tolist()
    with pytest.raises(ValueError, match="participant_id"):
        sc.write_success_cases(frame.drop(columns="participant_id"), tmp_path, "collaborative-leadership")


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "3"])
def test_per_group_is_validated(pilot, bad):
    data, _ = pilot
    with pytest.raises(ValueError, match="per_group"):
        sc.success_cases(data, per_group=bad)
