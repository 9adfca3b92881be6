"""What `evaluate`'s processes import: the floor of the command is a kernel's start, its imports
and the rendering (issue 13), so nothing heavy that a report does not use is imported."""

from __future__ import annotations

import ast
import subprocess
import sys

import nbformat
import pytest

from evaluation.core.paths import NOTEBOOKS_DIR
from evaluation.publish.pipeline import REPORT_NOTEBOOKS


def _imports(stem: str) -> str:
    """The import statements of a report notebook's code cells, in order."""
    cells = nbformat.read(NOTEBOOKS_DIR / f"{stem}.ipynb", as_version=4).cells
    return "\n".join(ast.unparse(node) for cell in cells if cell.cell_type == "code"
                     for node in ast.parse(cell.source).body if isinstance(node, (ast.Import, ast.ImportFrom)))


@pytest.mark.parametrize("stem", REPORT_NOTEBOOKS)
def test_a_report_kernel_does_not_import_ingest_or_pandera(stem):
    """The reports read processed data: validation and scoring (pandera, typeguard) stay out of
    every report kernel (evaluation.data.cohort asks evaluation.data.freshness, which imports neither)."""
    code = _imports(stem)
    assert "evaluation.data.cohort" in code  # the notebook loads its data through the cohort module
    probe = (f"{code}\nimport sys\n"
             "print(sorted(m for m in ('pandera', 'typeguard', 'evaluation.data.ingest') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.slow  # builds the synthetic report (session fixture)
def test_evaluate_does_not_import_ingest_when_the_data_are_up_to_date(synthetic_report):
    """`evaluate`'s own process asks evaluation.data.freshness whether to ingest; validation and
    scoring (pandera, typeguard) are imported only to ingest (about 0.9 s of CPU while the
    report kernels start)."""
    root, _, _ = synthetic_report
    probe = ("import sys\nfrom pathlib import Path\n"
             "from evaluation.core.paths import PARAMS_DIR\n"
             "from evaluation.publish.pipeline import prepare_data\n"
             f"prepare_data('leading-to-deliver', 2, data_dir=Path({str(root / 'data')!r}), params_dir=PARAMS_DIR)\n"
             "print(sorted(m for m in ('pandera', 'typeguard', 'evaluation.data.ingest') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_processed_state_still_checks_freshness(tmp_path):
    from evaluation.data.cohort import processed_state

    assert processed_state("leading-to-deliver", data_dir=tmp_path) == "missing"
    (tmp_path / "processed" / "leading-to-deliver").mkdir(parents=True)
    (tmp_path / "processed" / "leading-to-deliver" / "manifest.json").write_text("{}")
    assert processed_state("leading-to-deliver", data_dir=tmp_path) == "stale"


def test_the_command_does_not_import_rfc3987_syntax_and_still_validates_notebooks():
    """`python -m evaluation` keeps jsonschema from importing rfc3987_syntax (1.2 s of CPU: it
    compiles lark grammars for the draft-7 `iri` format); nbformat's validation is unchanged."""
    probe = (
        "import evaluation.__main__, sys\n"
        "import papermill, nbformat\n"
        "assert 'rfc3987_syntax' in sys.modules and sys.modules['rfc3987_syntax'] is None\n"
        "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')])\n"
        "nbformat.validate(nb)\n"
        "nb.cells[0]['cell_type'] = 'no such type'\n"
        "try:\n"
        "    nbformat.validate(nb)\n"
        "except nbformat.ValidationError:\n"
        "    print('invalid notebook refused')\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "invalid notebook refused"


def test_a_process_that_imported_jsonschema_first_is_left_alone():
    probe = ("import jsonschema, sys\nimport evaluation.__main__\n"
             "print(sys.modules.get('rfc3987_syntax', 'absent') is not None)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
