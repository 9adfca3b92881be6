"""`verify` passes on an untouched report and names each kind of tampering."""

from __future__ import annotations

import hashlib
import json
import shutil

import nbformat
import pytest

from conftest import html_without_build_date, run_cli
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


def rehash(folder, *names):
    """Record the edited files' new SHA-256 in the manifest, as a careful tamperer would."""
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    for item in manifest["outputs"]:
        if item["path"] in names:
            item["sha256"] = hashlib.sha256((folder / item["path"]).read_bytes()).hexdigest()
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def test_untouched_report_passes(copy):
    done = verify(copy)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "verdict: PASS" in done.stdout
    assert "OK    notebook cohort_evaluation.ipynb" in done.stdout
    assert "OK    finding outcomes.pre_post.self.leading_change.d_z" in done.stdout
    assert "OK    file tables/outcomes.csv: reproduced byte for byte by the rebuild" in done.stdout
    assert "OK    file cohort_evaluation.html: reproduced byte for byte by the rebuild" in done.stdout
    assert "OK    file index.html: reproduced byte for byte by the rebuild" in done.stdout
    assert "OK    file figures/attrition.png: reproduced byte for byte by the rebuild" in done.stdout
    assert "OK    files: all " in done.stdout
    assert "OK    manifest: all " in done.stdout
    assert "OK    notebook cohort_evaluation.ipynb: every cell (sources, outputs after sanitising, images) matches " \
           "the rebuild" in done.stdout


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
    # the manifest's SHA-256 is the rebuild's, the published file is not (it read 'OK ... reproduced byte for byte')
    assert "FAIL  file findings.json: not reproduced by the rebuild (published file SHA-256" in done.stdout
    assert "OK    file findings.json" not in done.stdout
    assert (f"FAIL  disclosure: finding outcomes.pre_post.self.leading_change.d_z: its value {target['value']!r} is "
            "not a cell of tables/outcomes.csv") in done.stdout
    assert "verdict: FAIL: 4 difference(s)" in done.stdout


def test_an_edited_output_of_an_untagged_cell_or_edited_code_fails_and_names_the_cell(copy):
    """Every code cell's output is compared (not only cells tagged `nbval-check-output`), images
    too, even when the notebook's hash in the manifest is updated with it; a notebook whose code
    was edited is named and never executed."""
    folder = report_folder(copy)
    marker = copy / "executed"
    equity = nbformat.read(folder / "equity_of_access.ipynb", as_version=4)
    edited = next(i for i, c in enumerate(equity.cells) if c.cell_type == "code" and c.outputs)
    equity.cells[edited].source = f"open({str(marker)!r}, 'w').close()"
    nbformat.write(equity, folder / "equity_of_access.ipynb")
    def untagged(nb):
        return [(i, c) for i, c in enumerate(nb.cells)
                if c.cell_type == "code" and "nbval-check-output" not in c.metadata.get("tags", [])]

    costs = nbformat.read(folder / "cost_per_participant.ipynb", as_version=4)  # an untagged table (the ledger)
    table, cell = next((i, c) for i, c in untagged(costs)
                       if any("text/html" in o.get("data", {}) and "image/png" not in o.get("data", {})
                              for o in c.outputs))
    output = next(o for o in cell.outputs if "text/html" in o.get("data", {}))
    output["data"]["text/html"] = output["data"]["text/html"].replace("<td>", "<td>edited ", 1)
    nbformat.write(costs, folder / "cost_per_participant.ipynb")
    path = folder / "cohort_evaluation.ipynb"
    nb = nbformat.read(path, as_version=4)
    pictures = [(i, c) for i, c in untagged(nb) if any("image/png" in o.get("data", {}) for o in c.outputs)]
    (image, first), (_, second) = pictures[:2]
    first.outputs[0]["data"]["image/png"] = second.outputs[0]["data"]["image/png"]  # another figure shown
    nbformat.write(nb, path)
    rehash(folder, "cohort_evaluation.ipynb", "cost_per_participant.ipynb", "equity_of_access.ipynb")
    done = verify(copy)
    assert done.returncode == 1
    assert "FAIL  file cohort_evaluation.ipynb" not in done.stdout  # the manifest's hash was updated with it
    assert "FAIL  file cost_per_participant.ipynb" not in done.stdout
    assert f"FAIL  notebook equity_of_access.ipynb: differs from the rebuild in cell {edited} " in done.stdout
    assert "FAIL  notebook equity_of_access.ipynb: not re-executed with nbval, because its code differs" in done.stdout
    assert not marker.exists()
    line = next(x for x in done.stdout.splitlines() if x.startswith("FAIL  notebook cost_per_participant.ipynb: differs"))
    assert f"cell {table} (id {cell.id}): outputs" in line, line
    line = next(x for x in done.stdout.splitlines() if x.startswith("FAIL  notebook cohort_evaluation.ipynb: differs"))
    assert f"cell {image} (id {first.id}): outputs" in line, line
    assert f"FAIL  notebook cost_per_participant.ipynb: nbval re-execution differs in cell {table} (id {cell.id})" \
        in done.stdout


def test_a_changed_value_in_the_manifest_fails_and_is_named(copy):
    """manifest.json cannot hash itself: the rebuild re-derives every field and names the one changed."""
    path = report_folder(copy) / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["parameters"]["cohort"]["disclosure_threshold"] = 3
    participants = next(i for i in manifest["inputs"] if i["name"] == "participants")
    participants["rows"] += 1
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    done = verify(copy)
    assert done.returncode == 1
    assert "FAIL  manifest parameters.cohort.disclosure_threshold: published 3, rebuilt 5" in done.stdout, done.stdout
    rows = participants["rows"]
    assert (f"FAIL  manifest inputs[data/raw/leading-to-deliver/participants.csv].rows: published {rows}, "
            f"rebuilt {rows - 1}") in done.stdout
    assert "verdict: FAIL: 2 difference(s)" in done.stdout


def test_a_file_edited_together_with_its_hash_is_not_reproduced_by_the_rebuild(copy):
    folder = report_folder(copy)
    table = folder / "tables" / "reaction.csv"
    lines = table.read_text().splitlines(keepends=True)
    lines[1] = lines[1].replace(",", ",9", 1)  # a changed number in the first row
    table.write_text("".join(lines))
    (folder / "figures" / "attrition.png").write_bytes((folder / "figures" / "wave_means.png").read_bytes())
    html = folder / "cohort_evaluation.html"
    html.write_text(html.read_text().replace("%", " percent", 1))
    rehash(folder, "tables/reaction.csv", "figures/attrition.png", "cohort_evaluation.html")
    done = verify(copy)
    assert done.returncode == 1
    assert "OK    files: all " in done.stdout  # every file matches the (edited) manifest…
    for name in ("tables/reaction.csv", "figures/attrition.png", "cohort_evaluation.html"):
        assert f"FAIL  file {name}: not reproduced by the rebuild (manifest SHA-256" in done.stdout, done.stdout


def test_an_edited_index_page_fails_even_with_its_hash_updated(copy):
    """The cohort index page is a published file: a headline changed in it, with the manifest's
    hash updated, is not reproduced by the rebuild and fails the disclosure audit."""
    folder = report_folder(copy)
    index = folder / "index.html"
    page = index.read_text()
    first = page.index('<li class="headline" data-finding="')
    finding = page[first:].split('"')[3]
    end = page.index("</li>", first)
    index.write_text(page[:end] + " Two of them were men from Orkney." + page[end:])
    rehash(folder, "index.html")
    done = verify(copy)
    assert done.returncode == 1
    assert "FAIL  file index.html: not reproduced by the rebuild (manifest SHA-256" in done.stdout, done.stdout
    assert f"FAIL  disclosure: index.html: headline {finding!r} is not the statement of finding" in done.stdout


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


@pytest.mark.parametrize("programme", ["leading-to-deliver", "collaborative-leadership"])
def test_a_changed_byte_of_a_raw_input_fails_and_names_the_file(copy, programme):
    # collaborative-leadership: the cost report compares the cohort with the other programmes, so
    # their inputs are the report's inputs too (the manifest listed only the cohort's own
    # programme's, so that change was found only as tables not reproduced, without the input)
    path = copy / "data" / "raw" / programme / "costs.csv"
    raw = bytearray(path.read_bytes())
    raw[-3] = ord("7") if raw[-3] != ord("7") else ord("8")
    path.write_bytes(bytes(raw))
    done = verify(copy)
    assert done.returncode == 1
    assert f"FAIL  input data/raw/{programme}/costs.csv: SHA-256" in done.stdout, done.stdout
    assert "FAIL  rebuild and findings: not re-derived, because the inputs differ" in done.stdout


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
    for html in sorted(first.glob("*.html")):  # byte-deterministic (the injected cell has a fixed id), but the date
        assert html_without_build_date(second / html.name) == html_without_build_date(html), html.name
