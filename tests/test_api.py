"""The evaluator's front door, driven as the tutorial drives it, against the published report."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

import evaluation as ev
from evaluation.core.errors import DataValidationError, DisclosureControlOffWarning, ParameterError
from evaluation.core.paths import PARAMS_DIR


def as_published(frame: pd.DataFrame) -> str:
    """A table as the report notebooks write it (evaluation.core.io.write_csv), every withheld row
    marked alike (the API keeps "primary" and "secondary"; the published files say "withheld")."""
    from evaluation.publish.publisher import published_flags

    return published_flags(frame).to_csv(index=False, lineterminator="\n")


@pytest.fixture(scope="module")
def cohort2() -> ev.Cohort:
    return ev.load_cohort("leading-to-deliver", 2)


# --------------------------------------------------------------- equal to the published report


@pytest.mark.slow
def test_the_front_door_gives_the_published_tables(synthetic_report):
    """Generated data, `evaluate` run on them; the API on the same data gives the same bytes."""
    root, report, _ = synthetic_report
    cohort = ev.load_cohort("leading-to-deliver", 2, data_dir=root / "data", params_dir=PARAMS_DIR)
    tables = report / "tables"
    # the API's tables add the level of their intervals (the published ones say it in words)
    level = cohort.parameters.confidence_level
    for frame, name, at in ((cohort.outcomes(), "outcomes", level), (cohort.reliability(), "reliability", 0.95),
                            (cohort.costs(), "cost_summary", level), (cohort.equity(), "equity", level)):
        assert set(frame["confidence_level"].dropna()) == {at}, name
        assert as_published(frame.drop(columns="confidence_level")) == (tables / f"{name}.csv").read_text(), name
    compared = 0
    for name in ("outcomes", "costs", "equity"):
        for table, frame in cohort.report(name).tables.items():
            if (tables / f"{table}.csv").is_file():
                assert as_published(frame) == (tables / f"{table}.csv").read_text(), table
                compared += 1
    assert compared == len(list(tables.glob("*.csv")))
    published = pd.DataFrame(json.loads((report / "findings.json").read_text()))
    derived = cohort.findings()
    assert derived["id"].tolist() == published["id"].tolist()
    assert derived["statement"].tolist() == published["statement"].tolist()
    np.testing.assert_array_equal(derived["value"].to_numpy(dtype=float), published["value"].to_numpy(dtype=float))


def test_parameters_are_the_defaults(cohort2):
    p = cohort2.parameters
    explicit = cohort2.outcomes(comparisons=p.comparisons, confidence_level=p.confidence_level,
                                multiplicity=p.multiplicity)
    pd.testing.assert_frame_equal(explicit, cohort2.outcomes())
    assert set(cohort2.outcomes()["comparison"]) == set(p.comparisons)
    wider = cohort2.outcomes(confidence_level=0.99)
    row, base = wider.iloc[0], cohort2.outcomes().iloc[0]
    assert row["change_ci_low"] < base["change_ci_low"] and row["mean_change"] == base["mean_change"]


def test_a_bad_cohort_names_the_parameter_folder_it_looked_in(tmp_path):
    shutil.copytree(PARAMS_DIR, tmp_path / "params")
    with pytest.raises(ParameterError) as caught:
        ev.load_cohort("leading-to-deliver", 9, params_dir=tmp_path / "params")
    assert f"{tmp_path / 'params' / 'leading-to-deliver'}/cohort-<n>.yaml" in str(caught.value)


def test_a_cohort_given_as_text_works_and_a_bad_one_is_refused_in_one_sentence():
    assert ev.load_cohort("leading-to-deliver", "3").number == 3
    for bad in ("three", 2.5, True, 9, None):
        with pytest.raises(ParameterError) as caught:
            ev.load_cohort("leading-to-deliver", bad)
        message = str(caught.value)
        assert message.startswith("`cohort` must be the number of a cohort of 'leading-to-deliver'")
        assert "1, 2, 3, 4, 5" in message and "\n" not in message
        assert "params/leading-to-deliver/cohort-<n>.yaml" in message  # the shipped folder, from the repository
    with pytest.raises(ParameterError, match="`programme` must be one of 'collaborative-leadership', "
                                             "'leading-to-deliver'"):
        ev.load_cohort("leading to deliver", 2)


def test_missing_processed_data_say_how_to_build_them(tmp_path):
    with pytest.raises(DataValidationError) as caught:
        ev.load_cohort("leading-to-deliver", 2, data_dir=tmp_path)
    message = str(caught.value)
    assert "make data" in message
    assert "python -m evaluation ingest --programme leading-to-deliver" in message


# ----------------------------------------------------------------------------------- subgroups


def test_a_subgroup_is_adjusted_over_the_report_family(cohort2):
    """p_adjusted of a subgroup: Holm over every scale of its comparison × rater, whatever rows are asked for."""
    with pytest.warns(DisclosureControlOffWarning):
        by = cohort2.outcomes(by="role_level", disclosure=False)
    group = by[(by["role_level"] == "first_line_manager") & (by["comparison"] == "pre_post") & (by["rater"] == "self")]
    # Independent reference: statsmodels' Holm over the group's unadjusted p-values of the family.
    expected = multipletests(group["p_value"].to_numpy(), method="holm")[1]
    np.testing.assert_allclose(group["p_adjusted"].to_numpy(), expected, rtol=1e-12)
    one = cohort2.outcomes(by="role_level", scales="leading_change", raters="self", comparisons=["pre_post"])
    flm = one[one["role_level"] == "first_line_manager"].iloc[0]
    assert flm["p_adjusted"] == group.loc[group["scale"] == "leading_change", "p_adjusted"].iloc[0]


def test_where_selects_the_same_people_as_by(cohort2):
    by = cohort2.outcomes(by="role_level")
    middle = by[by["role_level"] == "middle_manager"].drop(columns="role_level").reset_index(drop=True)
    where = cohort2.outcomes(where={"role_level": "middle_manager"})
    pd.testing.assert_frame_equal(where, middle)
    as_function = cohort2.outcomes(where=lambda people: people["role_level"] == "middle_manager")
    pd.testing.assert_frame_equal(as_function, where)
    ids = cohort2.participants.loc[cohort2.participants["role_level"] == "middle_manager", "participant_id"]
    scores = cohort2.scale_scores
    pre_post = scores[scores["participant_id"].isin(ids) & (scores["scale"] == "leading_change")
                      & (scores["rater"] == "self")].pivot_table(index="participant_id", columns="wave", values="score")
    change = (pre_post["post"] - pre_post["pre"]).dropna()
    row = where[(where["scale"] == "leading_change") & (where["comparison"] == "pre_post") & (where["rater"] == "self")]
    assert row["n_pairs"].iloc[0] == len(change)
    assert row["mean_change"].iloc[0] == pytest.approx(change.mean(), abs=1e-12)


def test_disclosure_control_is_on_by_default(cohort2):
    threshold = cohort2.parameters.disclosure_threshold
    by = cohort2.outcomes(by="role_level", scales="leading_change", raters="self")
    senior = by[by["role_level"] == "senior_manager"]  # 3 people in cohort 2
    assert (senior["suppressed"] == "primary").all() and senior["n_pairs"].isna().all()
    assert senior["mean_change"].isna().all() and senior["p_value"].isna().all()
    for _, family in by.groupby(["comparison", "scale", "rater"]):
        assert (family["suppressed"] != "").sum() != 1  # never one suppressed cell in a family with a total
    # Leaving out fewer than `threshold` people would reveal them by difference with the cohort's table.
    most = cohort2.outcomes(where={"role_level": ["first_line_manager", "middle_manager", "frontline"]})
    assert (most["suppressed"] == "secondary").all() and most["mean_change"].isna().all()
    assert threshold == 5


def test_switching_disclosure_control_off_warns(cohort2):
    with pytest.warns(DisclosureControlOffWarning, match="Keep these results private"):
        open_ = cohort2.outcomes(by="role_level", scales="leading_change", raters="self", disclosure=False)
    assert (open_.loc[open_["role_level"] == "senior_manager", "n_pairs"] > 0).all()


def test_bad_subgroup_arguments_name_the_parameter(cohort2):
    with pytest.raises(ParameterError, match="`by` must be one of 'sector'"):
        cohort2.outcomes(by="participant_id")
    with pytest.raises(ValueError, match="`where` must name one or more of"):
        cohort2.outcomes(where={"salary": 3})
    with pytest.raises(ValueError, match="`scales` must name"):
        cohort2.outcomes(scales="leadership")
    with pytest.raises(ValueError, match="`where` must return one True/False per participant"):
        cohort2.outcomes(where=lambda people: [True])
    with pytest.raises(ValueError, match="`where` keeps none of the 104 participants of cohort 2"):
        cohort2.outcomes(where={"sector": "no_such_sector"})
    with pytest.raises(ValueError, match="`confidence_level` must be a number in"):
        cohort2.outcomes(confidence_level="0.9")


def test_returned_frames_are_copies(cohort2):
    people = cohort2.participants
    people.loc[:, "role_level"] = "changed"
    assert (cohort2.participants["role_level"] != "changed").all()


# ----------------------------------------------------------------------------------- programme


def test_a_programme_stacks_its_cohorts():
    programme = ev.load_programme("leading-to-deliver")
    assert [c.number for c in programme] == [1, 2, 3, 4, 5]
    stacked = programme.reliability()
    assert stacked.columns[0] == "cohort"
    pd.testing.assert_frame_equal(
        stacked[stacked["cohort"] == 2].drop(columns="cohort").reset_index(drop=True), programme[2].reliability())
    with pytest.raises(KeyError, match="has no cohort 7"):
        programme[7]


# --------------------------------------------------------------------------- display, imports


def test_reprs_are_short_and_rich(cohort2):
    assert repr(cohort2) == "<Cohort leading-to-deliver 2 (2004): 104 participants, 10 scales>"
    assert len(repr(cohort2.data)) < 200
    page = cohort2._repr_html_()
    assert "Leading to Deliver" in page and "104 enrolled" in page and len(page) < 3000
    result = cohort2.report("outcomes")
    assert repr(result).startswith("<ReportResult outcomes: leading-to-deliver cohort 2")
    assert "<code>outcomes</code>" in result._repr_html_()
    assert len(repr(ev.load_programme("collaborative-leadership"))) < 200


def test_importing_the_package_has_no_side_effects():
    code = (
        "import sys, warnings\n"
        "warnings.simplefilter('error')\n"
        "import evaluation as ev\n"
        "heavy = [m for m in ('pandas', 'matplotlib', 'seaborn', 'statsmodels', 'scipy') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "import matplotlib\n"
        "before = dict(matplotlib.rcParams)\n"
        "ev.load_cohort\n"
        "assert dict(matplotlib.rcParams) == before\n"
        "assert callable(ev.load_programme) and ev.__version__\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert "load_cohort" in dir(ev)
    with pytest.raises(AttributeError, match="has no attribute 'load_cohorts'"):
        ev.load_cohorts  # noqa: B018


def test_warnings_about_small_groups_name_no_group_while_disclosure_control_is_on(cohort2):
    from evaluation.core.errors import DegenerateDataWarning

    with pytest.warns(DegenerateDataWarning) as caught:
        cohort2.outcomes(by="sector")
    messages = [str(w.message) for w in caught if issubclass(w.category, DegenerateDataWarning)]
    assert messages and all("other_public" not in m and "pair" not in m.split("(")[0] for m in messages)
    assert any("disclosure=False names them" in m for m in messages)
    with pytest.warns(DegenerateDataWarning, match="sector 'other_public'"):
        with pytest.warns(DisclosureControlOffWarning):
            cohort2.outcomes(by="sector", disclosure=False)


def test_result_objects_have_short_reprs(cohort2):
    from evaluation.stats.outcomes import paired_change

    res = paired_change([1, 2, 3, 4, 5], [2, 2, 4, 5, 6])
    assert repr(res).startswith("PairedChange(n_pairs=5, mean_pre=3, sd_pre=1.581,")
    assert "<th style='text-align:left'>d_z</th><td>1.789</td>" in res._repr_html_()
    costs = cohort2.report("costs").details["cohort_costs"]
    assert len(repr(costs)) < 400 and "ledger=<Ledger>" in repr(costs)
    assert "lines=<DataFrame" in repr(costs.ledger) and len(repr(costs.ledger)) < 600
