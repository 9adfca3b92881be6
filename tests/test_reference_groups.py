"""A cohort's `equity.reference` is checked against the workforce table before the report
notebooks run, and the refusal names the parameter file (before: the equity notebook failed in
its third cell, after the other two notebooks had run, naming no file)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from evaluation.core.errors import ParameterError
from evaluation.core.paths import DATA_DIR, PARAMS_DIR
from evaluation.data.reference_groups import reference_categories
from evaluation.publish.pipeline import prepare_data


@pytest.fixture
def folders(tmp_path, id_key):
    shutil.copytree(DATA_DIR / "raw", tmp_path / "data" / "raw")
    shutil.copytree(PARAMS_DIR, tmp_path / "params")
    return tmp_path / "data", tmp_path / "params"


def with_reference(params, reference: str):
    path = params / "leading-to-deliver" / "cohort-2.yaml"
    path.write_text(path.read_text() + f"equity:\n  reference: {reference}\n")


def test_a_misspelt_reference_group_is_refused_naming_the_file_key_and_the_groups(folders):
    data, params = folders
    with_reference(params, "{sector: privat}")
    with pytest.raises(ParameterError) as caught:
        prepare_data("leading-to-deliver", 2, data_dir=data, params_dir=params)
    message = str(caught.value)
    assert message.startswith(str(params / "leading-to-deliver" / "cohort-2.yaml") + ": key `equity.reference.sector` "
                              "is 'privat', but workforce.csv has no staff in that category in the eligible population "
                              "'first_and_middle_managers', in any year; the reference group must be one of: ")
    assert "local_authority, health, other_public, private, voluntary" in message
    assert message.endswith("did you mean `private`?")


def test_a_category_of_another_dimension_is_refused(folders):
    data, params = folders
    with_reference(params, "{gender: council}")
    with pytest.raises(ParameterError, match=r"`equity.reference.gender` is 'council'"):
        prepare_data("leading-to-deliver", 2, data_dir=data, params_dir=params)


def test_a_reference_group_with_eligible_staff_is_accepted(folders):
    data, params = folders
    with_reference(params, "{sector: private, local_authority: fife}")
    prepare_data("leading-to-deliver", 2, data_dir=data, params_dir=params)  # raises nothing


def test_reference_categories_keep_staffed_categories_of_the_population_and_never_national_bodies():
    workforce = pd.DataFrame({
        "year": [2004] * 5 + [2005],
        "population": ["managers"] * 4 + ["all_staff", "managers"],
        "dimension": "local_authority",
        "category": ["fife", "national", "angus", "moray", "highland", "angus"],
        "headcount": [10, 50, 0, pd.NA, 30, 4],
    }).astype({"headcount": "Int64"})
    # angus: no staff in 2004 but 4 in 2005 (some year counts); moray: headcount unknown; highland:
    # another population; national bodies are not a council area
    assert reference_categories(workforce, "local_authority", "managers") == ["fife", "angus"]
    assert reference_categories(workforce.drop(columns="population"), "local_authority", "all_staff") == \
        ["fife", "highland", "angus"]
    assert reference_categories(workforce.drop(columns="population"), "local_authority", "managers") == []


def test_the_programme_report_refuses_a_cohorts_misspelt_reference_group_before_its_notebook(folders):
    # the programme report reads every cohort's equity table: before, its notebook failed in its
    # third cell, naming no file
    from evaluation.publish.programme_pipeline import ReportScope, prepare_scope

    data, params = folders
    with_reference(params, "{sector: privat}")
    with pytest.raises(ParameterError, match=r"cohort-2\.yaml: key `equity.reference.sector` is 'privat'"):
        prepare_scope(ReportScope.programme("leading-to-deliver"), data_dir=data, params_dir=params)


def test_the_comparison_does_not_read_equity_tables_and_does_not_refuse_for_a_reference_group(folders):
    from evaluation.publish.programme_pipeline import ReportScope, prepare_scope

    data, params = folders
    with_reference(params, "{sector: privat}")
    prepare_scope(ReportScope.comparison(), data_dir=data, params_dir=params)  # raises nothing
