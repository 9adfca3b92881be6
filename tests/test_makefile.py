"""The make targets of CONTRACT section 1, as dry runs (``make -n``: nothing is built or installed).

Each test runs make in a scratch folder holding the repository's ``Makefile`` and
``pyproject.toml`` and no ``.venv``, as on a fresh clone, except ``make help``, which only prints.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60, check=False)


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    """A folder with the Makefile and pyproject.toml, as a fresh clone has them (no .venv)."""
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "evaluation").mkdir()
    return tmp_path


def test_help_is_the_default_goal_and_lists_the_contract_targets():
    done = make()
    assert done.returncode == 0, done.stderr
    assert done.stdout == make("help").stdout
    listed = {line.split()[1] for line in done.stdout.splitlines() if line.startswith("  make ")}
    assert {"evaluate", "test", "verify", "lab", "help"} <= listed
    assert "PROGRAMME=leading-to-deliver" in done.stdout


def test_evaluate_creates_the_environment_with_pip_then_builds_the_report(fresh):
    done = make("-n", "evaluate", "COHORT=2", cwd=fresh)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    venv = next(i for i, line in enumerate(lines) if "-m venv .venv" in line)
    pip = next(i for i, line in enumerate(lines) if "-m pip install" in line and '-e ".[dev]"' in line)
    run = lines.index(".venv/bin/python -m evaluation evaluate --programme leading-to-deliver --cohort 2")
    assert venv < pip < run


def test_evaluate_passes_programme_and_cohort_on(fresh):
    done = make("-n", "evaluate", "COHORT=7", "PROGRAMME=collaborative-leadership", cwd=fresh)
    assert ".venv/bin/python -m evaluation evaluate --programme collaborative-leadership --cohort 7" in done.stdout


def test_verify_runs_the_cli_verify_of_the_cohort(fresh):
    done = make("-n", "verify", "COHORT=2", cwd=fresh)
    assert done.returncode == 0, done.stderr
    assert ".venv/bin/python -m evaluation verify --programme leading-to-deliver --cohort 2" in done.stdout


@pytest.mark.parametrize(("target", "said"), [
    ("evaluate", "COHORT is required, e.g. make evaluate COHORT=2"),
    ("verify", "COHORT or REPORT is required, e.g. make verify COHORT=2"),
])
def test_a_missing_cohort_is_refused_before_the_environment_is_made(fresh, target, said):
    # the refusal came only after the prerequisite .venv had been created and installed (minutes)
    done = make("-n", target, cwd=fresh)
    assert done.returncode != 0
    assert said in done.stderr
    assert "venv" not in done.stdout and "pip install" not in done.stdout, done.stdout


def test_lab_starts_jupyterlab_from_the_environment(fresh):
    done = make("-n", "lab", cwd=fresh)
    assert done.returncode == 0, done.stderr
    assert ".venv/bin/jupyter lab" in done.stdout


def test_test_runs_the_suite_then_evaluates_and_verifies_cohort_2_and_ci_calls_it(fresh):
    done = make("-n", "test", cwd=fresh)
    assert done.returncode == 0, done.stderr
    assert ".venv/bin/python -m pytest" in done.stdout
    assert "evaluation evaluate --programme leading-to-deliver --cohort 2" in done.stdout
    assert "evaluation verify --programme leading-to-deliver --cohort 2" in done.stdout
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert "make test" in [line.strip() for line in ci]
