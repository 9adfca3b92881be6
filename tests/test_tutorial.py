"""The "Exploring a cohort" tutorial executes headless, start to end, and shows what it says."""

from __future__ import annotations

import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from evaluation.core.paths import NOTEBOOKS_DIR, PARAMS_DIR

pytestmark = pytest.mark.slow


def _with_parameters(nb: nbformat.NotebookNode, **values: str) -> None:
    """Set the tutorial's parameters as papermill would: a line of the ``parameters`` cell each."""
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    lines = cell.source.splitlines()
    for name, value in values.items():
        at = next(i for i, line in enumerate(lines) if line.startswith(f"{name} = "))
        lines[at] = f"{name} = {value!r}"
    cell.source = "\n".join(lines)


def _dropdown_options(nb: nbformat.NotebookNode) -> dict[str, list[str]]:
    """The options of each stored Dropdown control, by its description."""
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    return {model["state"]["description"]: list(model["state"]["_options_labels"])
            for model in state.get("state", {}).values()
            if model.get("model_name") == "DropdownModel"}


def test_the_tutorial_runs_headless(tmp_path, tmp_path_factory):
    # An evaluator's own parameter folder (params_dir): the repository's, with one more programme,
    # which only the controls list (they offer the programmes of the folder the notebook reads).
    params = tmp_path_factory.mktemp("tutorial") / "params"
    shutil.copytree(PARAMS_DIR, params)
    (params / "pilot-programme").mkdir()
    (params / "pilot-programme" / "programme.yaml").write_text("name: pilot-programme\n")
    nb = nbformat.read(NOTEBOOKS_DIR / "explore_cohort.ipynb", as_version=4)
    _with_parameters(nb, params_dir=str(params))
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    stderr = "\n".join(o.get("text", "") for o in outputs if o.output_type == "stream" and o.get("name") == "stderr")
    assert "PoolingWarning" not in stderr, stderr  # pool(comparisons="pre_post") warned about before → follow-up
    html = "\n".join(o.get("data", {}).get("text/html", "") for o in outputs if "data" in o)
    assert "Leading to Deliver, cohort 2" in html  # the cohort's rich display
    assert "suppressed" in html and "role_level" in html  # the subgroup table with disclosure control
    images = [o for o in outputs if "data" in o and "image/png" in o["data"]]
    assert images, "the forest plot did not display"
    widgets = [o for o in outputs if "data" in o and "application/vnd.jupyter.widget-view+json" in o["data"]]
    assert widgets, "the controls did not display"
    options = _dropdown_options(nb)
    assert options["programme"] == ["collaborative-leadership", "leading-to-deliver", "pilot-programme"], options
    assert options["cohort"] == ["1", "2", "3", "4", "5"], options
    assert not list(tmp_path.iterdir()), "the tutorial wrote files"
