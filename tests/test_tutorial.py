"""The "Exploring a cohort" tutorial executes headless, start to end, and shows what it says."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from evaluation.core.paths import NOTEBOOKS_DIR

pytestmark = pytest.mark.slow


def test_the_tutorial_runs_headless(tmp_path):
    nb = nbformat.read(NOTEBOOKS_DIR / "explore_cohort.ipynb", as_version=4)
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
    assert not list(tmp_path.iterdir()), "the tutorial wrote files"
