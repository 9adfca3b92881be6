"""Source notebooks: committed without outputs, one parameters cell, no shell calls, and each
`.ipynb` in step with its reviewable jupytext twin (`notebooks/*.py`)."""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
import pytest

from evaluation.core.paths import NOTEBOOKS_DIR
from evaluation.publish.pipeline import COMPARISON_NOTEBOOKS, PROGRAMME_NOTEBOOKS, REPORT_NOTEBOOKS

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
PARAMETERS = ["programme", "cohort", "data_dir", "params_dir", "output_dir"]
#: Tutorials for evaluators: not run by `evaluate`, they write nothing (no output_dir).
TUTORIALS = {"explore_cohort": ["programme", "cohort", "data_dir", "params_dir"]}
#: Parameters of the notebooks that report on a programme, or on several, rather than a cohort.
OTHER_REPORTS = {**{n: ["programme", "data_dir", "params_dir", "output_dir"] for n in PROGRAMME_NOTEBOOKS},
                 **{n: ["programmes", "data_dir", "params_dir", "output_dir"] for n in COMPARISON_NOTEBOOKS}}


def test_every_notebook_is_a_report_run_by_evaluate_or_a_tutorial():
    assert NOTEBOOKS, "no notebooks found"
    assert {p.stem for p in NOTEBOOKS} <= set(REPORT_NOTEBOOKS) | set(TUTORIALS) | set(OTHER_REPORTS)
    assert set(REPORT_NOTEBOOKS) | set(PROGRAMME_NOTEBOOKS) <= {p.stem for p in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_source_notebook_has_no_outputs(path: Path):
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {index} has outputs: clear them before committing"
            assert cell.execution_count is None, f"{path.name} cell {index} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_parameters_cell_no_shell_calls_python3_kernel(path: Path):
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    names = [line.split("=")[0].strip() for line in tagged[0].source.splitlines() if "=" in line]
    assert names == {**TUTORIALS, **OTHER_REPORTS}.get(path.stem, PARAMETERS)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not any(line.lstrip().startswith(("!", "%")) for line in cell.source.splitlines()), cell.source
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_matches_its_jupytext_twin(path: Path):
    twin = path.with_suffix(".py")
    assert twin.is_file(), f"{twin.name} is missing: pair it with `jupytext --set-formats ipynb,py:percent`"
    from_text = jupytext.read(twin)
    stored = nbformat.read(path, as_version=4)
    assert [(c.cell_type, c.source.strip()) for c in from_text.cells] == [
        (c.cell_type, c.source.strip()) for c in stored.cells
    ], f"{path.name} and {twin.name} differ: run `make notebooks`"
    assert [c.metadata.get("tags", []) for c in from_text.cells] == [c.metadata.get("tags", []) for c in stored.cells]


REPORTS = [p for p in NOTEBOOKS if p.stem not in TUTORIALS]


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
def test_report_prose_calls_a_column_or_value_what_its_table_shows(path: Path):
    # A report's prose said "`p_adjusted` allows for …", "`then_post` rows" and "(`view` = `both`)"
    # beside tables headed "p-value (adjusted)", "Then-test → after" and "cash and economic". A code
    # that the tables show in other words may be written only in a sentence that names the file or
    # parameter it is in (for the evaluator who reads the CSV).
    import re

    from evaluation.reports.labels import HEADERS, VALUE_LABELS, header

    nb = nbformat.read(path, as_version=4)
    found = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for sentence in re.split(r"(?<=[.!?])\s+", cell.source):
            if re.search(r"\.(csv|yaml)\b|parameter", sentence):
                continue
            for code in re.findall(r"`([^`]+)`", sentence):
                shown = header(code) if code in HEADERS else VALUE_LABELS.get(code, code)  # g_av heads its column
                if shown != code:
                    found.append((code, " ".join(sentence.split())[:120]))
    assert found == [], f"{path.name}: codes in the prose that its tables show in words: {found}"
