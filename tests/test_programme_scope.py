"""Which folder, notebooks and parameters a programme report or comparison has, and the command
line's answers to a wrong request (no report is built here: see tests/test_programme_pipeline.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cli
from evaluation import cli
from evaluation.core.errors import ParameterError
from evaluation.publish import programme_pipeline as pp


def test_programme_scope_folder_notebooks_and_parameters():
    scope = pp.ReportScope.programme("leading-to-deliver")
    assert scope.folder(Path("/r")) == Path("/r/leading-to-deliver/programme")
    assert scope.failed_folder(Path("/r")) == Path("/r/leading-to-deliver/failed/programme")
    assert scope.notebooks == ("programme_evaluation",)
    assert scope.parameters(Path("/d"), Path("/p")) == {"programme": "leading-to-deliver", "data_dir": "/d",
                                                       "params_dir": "/p", "output_dir": "."}
    assert scope.make_command == "make programme PROGRAMME=leading-to-deliver"


def test_comparison_scope_folder_notebooks_and_parameters():
    scope = pp.ReportScope.comparison()
    assert scope.programmes == ("leading-to-deliver", "collaborative-leadership")
    assert scope.folder(Path("/r")) == Path("/r/comparison")
    assert scope.notebooks == ("programme_comparison",)
    assert scope.parameters(Path("/d"), Path("/p"))["programmes"] == ["leading-to-deliver", "collaborative-leadership"]
    assert pp.ReportScope.comparison(["a-b", "c"]).make_command == "make compare COMPARE='a-b c'"


@pytest.mark.parametrize("programmes", [["leading-to-deliver"], ["a", "a"], []])
def test_a_comparison_needs_two_different_programmes(programmes):
    with pytest.raises(ParameterError, match="two or more different programmes"):
        pp.ReportScope.comparison(programmes)


def test_a_programme_name_that_would_leave_the_reports_folder_is_refused():
    with pytest.raises(ParameterError):
        pp.ReportScope.programme("../elsewhere")


def test_the_command_line_default_comparison_is_the_pipeline_s():
    assert cli.DEFAULT_COMPARISON == pp.DEFAULT_COMPARISON


def test_verify_needs_a_cohort_or_a_report(tmp_path):
    done = run_cli("verify", "--programme", "leading-to-deliver", "--reports-dir", str(tmp_path))
    assert done.returncode == 1
    assert "give --cohort <n>" in done.stderr


def test_verify_refuses_a_cohort_with_the_programme_report(tmp_path):
    done = run_cli("verify", "--programme", "leading-to-deliver", "--cohort", "2", "--report", "programme",
                   "--reports-dir", str(tmp_path))
    assert done.returncode == 1
    assert "--cohort is for a cohort's report" in done.stderr


def test_verify_of_a_programme_report_that_was_never_built_says_how_to_build_it(tmp_path):
    done = run_cli("verify", "--programme", "leading-to-deliver", "--report", "programme",
                   "--reports-dir", str(tmp_path))
    assert done.returncode == 1
    assert "no report to verify (run `make programme PROGRAMME=leading-to-deliver` first)" in done.stderr


def test_compare_with_an_unknown_programme_names_the_programmes_there_are(tmp_path):
    done = run_cli("compare", "--programmes", "leading-to-deliver", "no-such-programme",
                   "--reports-dir", str(tmp_path))
    assert done.returncode == 1
    assert "no-such-programme" in done.stderr and "collaborative-leadership" in done.stderr
    assert not (tmp_path / "comparison").exists()
