"""`verify` passes on an untouched report and names each kind of tampering."""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest

from conftest import run_cli
from evaluation.core.paths import PARAMS_DIR

pytestmark = pytest.mark.slow  # every test runs `verify` (nbval) or `evaluate`: not in `make test-quick`


@pytest.fixture
def copy(synthetic_report, tmp_path):
    """A private copy of the synthetic data and report, safe to tamper with."""
    root, _, _ = synthetic_report
    shutil.copytree(root / "data", tmp_path / "data")
    shutil.copytree(root / "reports", tmp_path / "reports")
    return tmp_path


def verify(root):
    return run_cli("verify", "--programme", "leading-to-deliver", "--cohort", "2", "--data-dir", str(root / "data"),
                   "--params-dir", str(PARAMS_DIR), "--reports-dir", str(root / "reports"))


def report_folder(root):
    return root / "reports" / "leading-to-deliver" / "cohort-2"


def test_untouched_report_passes(copy):
    done = verify(copy)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "verdict: PASS" in done.stdout
    assert "OK    notebook cohort_evaluation.ipynb" in done.stdout
    assert "OK    finding outcomes.pre_post.self.leading_change.d_z" in done.stdout
    assert "OK    table outcomes.csv: identical after re-execution" in done.stdout
    assert "OK    files: all " in done.stdout


def test_a_changed_finding_fails_and_is_named(copy):
    path = report_folder(copy) / "findings.json"
    findings = json.loads(path.read_text())
    target = next(f for f in findings if f["id"] == "outcomes.pre_post.self.leading_change.d_z")
    target["value"] = round(target["value"] + 0.01, 6)
    path.write_text(json.dumps(findings, indent=2))
    done = verify(copy)
    assert done.returncode == 1
    assert "FAIL  finding outcomes.pre_post.self.leading_change.d_z: value: published" in done.stdout
    assert "FAIL  file findings.json: SHA-256 differs from the manifest" in done.stdout
    assert "verdict: FAIL: 2 difference(s)" in done.stdout


def test_a_changed_cell_output_fails_and_names_the_cell(copy):
    path = report_folder(copy) / "cohort_evaluation.ipynb"
    nb = nbformat.read(path, as_version=4)
    index, cell = next((i, c) for i, c in enumerate(nb.cells)
                       if "nbval-check-output" in c.metadata.get("tags", []) and c.get("outputs"))
    data = cell.outputs[0]["data"]
    key = "text/markdown" if "text/markdown" in data else "text/html"
    data[key] = data[key].replace("enrolled", "enroled", 1)
    nbformat.write(nb, path)
    done = verify(copy)
    assert done.returncode == 1
    assert "FAIL  notebook cohort_evaluation.ipynb: re-execution differs in Cell" in done.stdout


def test_every_published_file_is_checked_against_the_manifest(copy):
    folder = report_folder(copy)
    html = folder / "cohort_evaluation.html"
    html.write_text(html.read_text().replace("%", " percent", 1))  # an edited percentage in the summary
    (folder / "figures" / "attrition.png").write_bytes((folder / "figures" / "wave_means.png").read_bytes())
    (folder / "tables" / "reaction.csv").unlink()
    (folder / "tables" / "extra.csv").write_text("a,b\n1,2\n")
    done = verify(copy)
    assert done.returncode == 1
    for line in ("FAIL  file cohort_evaluation.html: SHA-256 differs from the manifest",
                 "FAIL  file figures/attrition.png: SHA-256 differs from the manifest",
                 "FAIL  file tables/reaction.csv: missing (the manifest lists it)",
                 "FAIL  file tables/extra.csv: not in the manifest (added after the report was built)"):
        assert line in done.stdout, done.stdout


def test_a_changed_byte_of_a_raw_input_fails_and_names_the_file(copy):
    path = copy / "data" / "raw" / "leading-to-deliver" / "costs.csv"
    raw = bytearray(path.read_bytes())
    raw[-3] = ord("7") if raw[-3] != ord("7") else ord("8")
    path.write_bytes(bytes(raw))
    done = verify(copy)
    assert done.returncode == 1
    assert "FAIL  input data/raw/leading-to-deliver/costs.csv: SHA-256" in done.stdout
    assert "findings: not re-derived, because the inputs differ" in done.stdout


def test_verify_without_a_report_is_a_clear_error(tmp_path):
    done = run_cli("verify", "--programme", "leading-to-deliver", "--cohort", "2", "--reports-dir", str(tmp_path))
    assert done.returncode == 1
    assert "no report to verify (run `make evaluate COHORT=2` first)" in done.stderr


def test_evaluate_twice_gives_identical_tables_findings_and_outputs(synthetic_report, tmp_path):
    root, first, _ = synthetic_report
    done = run_cli("evaluate", "--programme", "leading-to-deliver", "--cohort", "2", "--data-dir",
                   str(root / "data"), "--params-dir", str(PARAMS_DIR), "--reports-dir", str(tmp_path))
    assert done.returncode == 0, done.stderr
    second = tmp_path / "leading-to-deliver" / "cohort-2"
    for table in sorted((first / "tables").glob("*.csv")):
        assert (second / "tables" / table.name).read_bytes() == table.read_bytes(), table.name
    assert (second / "findings.json").read_bytes() == (first / "findings.json").read_bytes()
    for nb_path in sorted(first.glob("*.ipynb")):
        a = nbformat.read(nb_path, as_version=4)
        b = nbformat.read(second / nb_path.name, as_version=4)
        assert [c.get("outputs") for c in a.cells] == [c.get("outputs") for c in b.cells], nb_path.name
    for figure in sorted((first / "figures").glob("*.png")):
        assert (second / "figures" / figure.name).read_bytes() == figure.read_bytes(), figure.name
    for html in sorted(first.glob("*.html")):  # byte-deterministic: the injected cell has a fixed id
        assert (second / html.name).read_bytes() == html.read_bytes(), html.name
