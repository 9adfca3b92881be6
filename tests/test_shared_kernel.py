"""Report notebooks that share a kernel (issue 13): each runs as it would in a kernel of its own,
and the cohort is read once per kernel."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest

from conftest import html_without_build_date
from evaluation.data.cohort import load_cohort_data, reuse_loaded_cohorts
from evaluation.data.ingest import ingest
from evaluation.publish.kernels import imported_modules, kernel_units
from evaluation.publish.notebook_run import NotebookFailedError, run_notebooks
from evaluation.publish.pipeline import REPORT_NOTEBOOKS, SHARED_KERNELS


def test_kernel_units_keep_the_notebooks_order_and_group_the_shared_ones():
    notebooks = [Path(f"{n}.ipynb") for n in ("a", "b", "c", "d")]
    units = kernel_units(notebooks, [("b", "d"), ("x",)])
    assert [[p.stem for p in unit] for unit in units] == [["a"], ["b", "d"], ["c"]]
    assert [[p.stem for p in unit] for unit in kernel_units(notebooks, ())] == [["a"], ["b"], ["c"], ["d"]]


def test_evaluate_shares_one_kernel_between_the_cost_and_equity_reports():
    units = kernel_units([Path(f"{n}.ipynb") for n in REPORT_NOTEBOOKS], SHARED_KERNELS)
    assert [[p.stem for p in unit] for unit in units] == [["cohort_evaluation"],
                                                           ["cost_per_participant", "equity_of_access"]]


def test_a_kernel_imports_at_its_start_what_its_notebooks_import(tmp_path):
    path = _notebook(tmp_path / "n.ipynb", "import os.path\nfrom evaluation.reports import cost_report as c, display",
                     "%matplotlib inline", "def f():\n    from json import loads\n    from . import here")
    assert imported_modules([path]) == ["os.path", "evaluation.reports", "evaluation.reports.cost_report",
                                         "evaluation.reports.display", "json", "json.loads"]


def test_the_imports_read_as_json_are_those_nbformat_reads(tmp_path):
    # imported_modules reads a notebook's JSON itself (nbformat's import would delay the fork
    # server); the reference is the same walk over the cells as nbformat reads them
    import ast

    from evaluation.publish.report_plan import report_notebooks

    def by_nbformat(path: Path) -> list[str]:
        names: dict[str, None] = {}
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code" and not cell.source.lstrip().startswith("%"):
                for node in ast.walk(ast.parse(cell.source)):
                    if isinstance(node, ast.Import):
                        names.update(dict.fromkeys(a.name for a in node.names))
                    elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                        names.update(dict.fromkeys([node.module, *(f"{node.module}.{a.name}" for a in node.names)]))
        return list(names)

    for path in report_notebooks():
        assert imported_modules([path]) == by_nbformat(path), path.name
    # a cell's source stored as one string rather than a list of lines, and a notebook of format 3
    one_string = tmp_path / "one.ipynb"
    one_string.write_text('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": '
                          '[{"cell_type": "code", "source": "import os\\nfrom json import loads", "metadata": {}, '
                          '"outputs": [], "execution_count": null}]}')
    assert imported_modules([one_string]) == ["os", "json", "json.loads"]
    old = tmp_path / "old.ipynb"
    v3 = nbformat.v3.new_notebook(worksheets=[nbformat.v3.new_worksheet(cells=[nbformat.v3.new_code_cell("import csv")])])
    old.write_text(nbformat.v3.writes_json(v3))
    assert imported_modules([old]) == ["csv"]


def test_finding_the_imports_does_not_import_nbformat():
    import subprocess
    import sys

    code = ("import sys; from evaluation.publish.kernels import imported_modules; "
            "from evaluation.publish.report_plan import report_notebooks; "
            "assert imported_modules(report_notebooks()); print('nbformat' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@pytest.fixture
def reuse():
    reuse_loaded_cohorts(True)
    yield
    reuse_loaded_cohorts(False)


def test_a_cohort_is_read_once_while_reuse_is_on(demo, id_key, reuse):
    ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    first = load_cohort_data("demo", 1, data_dir=demo["data"], params_dir=demo["params"])
    assert load_cohort_data("demo", 1, data_dir=demo["data"], params_dir=demo["params"]) is first
    # a changed parameter file (its modification time) is read again
    stat = demo["cohort"].stat()
    os.utime(demo["cohort"], ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    again = load_cohort_data("demo", 1, data_dir=demo["data"], params_dir=demo["params"])
    assert again is not first
    assert load_cohort_data("demo", 1, data_dir=demo["data"], params_dir=demo["params"]) is again
    # and so are changed processed data
    manifest = demo["data"] / "processed" / "demo" / "manifest.json"
    manifest.write_text(manifest.read_text() + " ")
    changed = load_cohort_data("demo", 1, data_dir=demo["data"], params_dir=demo["params"])
    assert changed is not again


def test_only_the_first_cohort_loaded_is_kept(demo, id_key, reuse):
    """Another cohort (e.g. the cost comparison's) is read each time and does not push it out."""
    ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    other_params = shutil.copytree(demo["params"], demo["root"] / "other-params")
    first = load_cohort_data("demo", 1, data_dir=demo["data"], params_dir=demo["params"])
    other = load_cohort_data("demo", 1, data_dir=demo["data"], params_dir=other_params)
    assert other is not first
    assert load_cohort_data("demo", 1, data_dir=demo["data"], params_dir=other_params) is not other
    assert load_cohort_data("demo", 1, data_dir=demo["data"], params_dir=demo["params"]) is first


def test_reuse_is_off_by_default(demo, id_key):
    ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    first = load_cohort_data("demo", 1, data_dir=demo["data"], params_dir=demo["params"])
    second = load_cohort_data("demo", 1, data_dir=demo["data"], params_dir=demo["params"])
    assert second is not first
    assert second.participants is not first.participants


WARNER = '''import warnings


def warn():
    warnings.warn("shown in every notebook", UserWarning)
'''


def _notebook(path: Path, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    parameters = nbformat.v4.new_code_cell("value = 0")
    parameters.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {path.stem}"), parameters,
                *(nbformat.v4.new_code_cell(c) for c in cells)]
    nbformat.write(nb, path)
    return path


def _run(notebooks: list[Path], folder: Path, share=(), preimport: bool = True) -> None:
    folder.mkdir()
    (folder / "warner.py").write_text(WARNER)  # the kernels' working folder: importable there
    run_notebooks(notebooks, folder, parameters={"value": 1}, provenance={"summary": "test", "inputs": []},
                  title=lambda heading, stem: stem, share=share, preimport=preimport)


def _code_cells(path: Path) -> list[tuple]:
    """Each code cell's execution count and outputs, the notebook's folder written as FOLDER."""
    nb = nbformat.read(path, as_version=4)
    text = nbformat.writes(nb).replace(str(path.parent), "FOLDER")
    return [(c.execution_count, c.outputs) for c in nbformat.reads(text, as_version=4).cells if c.cell_type == "code"]


@pytest.mark.slow
def test_a_notebook_in_a_shared_kernel_runs_as_it_would_alone(tmp_path):
    """The second notebook of a shared kernel sees none of the first one's names or figures,
    is numbered from 1 and shows again the warnings the first one showed: its executed cells are
    those of the same notebook run in a kernel of its own."""
    source = tmp_path / "notebooks"
    source.mkdir()
    first = _notebook(source / "first.ipynb", "import warner\nwarner.warn()\nleaked = 'from first'",
                      "import matplotlib.pyplot as plt\nfigure = plt.figure()")
    second = _notebook(source / "second.ipynb",
                       "print(sorted(name for name in ('leaked', 'figure', 'plt', 'warner') if name in globals()))",
                       "import warner\nwarner.warn()",
                       "import matplotlib.pyplot as plt\nprint(len(plt.get_fignums()), value)",
                       "import evaluation.data.cohort as cohort\nprint(cohort._reused.on)")
    _run([first, second], tmp_path / "shared", share=[("first", "second")])
    _run([second], tmp_path / "alone")
    shared, alone = _code_cells(tmp_path / "shared" / "second.ipynb"), _code_cells(tmp_path / "alone" / "second.ipynb")
    assert shared == alone
    texts = ["".join(o.get("text", "") for o in outputs) for _, outputs in shared]
    assert [count for count, _ in shared] == [1, 2, 3, 4, 5, 6]  # parameters, injected parameters, four cells
    assert texts[2] == "[]\n"
    assert "shown in every notebook" in texts[3]
    assert texts[4] == "0 1\n"
    assert texts[5] == "True\n"  # every report kernel lets its notebooks share the loaded cohort


@pytest.mark.slow
def test_a_kernel_that_dies_in_its_first_notebook_stops_its_second(tmp_path):
    source = tmp_path / "notebooks"
    source.mkdir()
    first = _notebook(source / "first.ipynb", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
    second = _notebook(source / "second.ipynb", "print('never')")
    with pytest.raises(NotebookFailedError, match=r"^notebook first\.ipynb stopped: its kernel died") as failed:
        _run([first, second], tmp_path / "shared", share=[("first", "second")])
    assert "second" not in str(failed.value)
    assert not (tmp_path / "shared" / "second.ipynb").exists()


@pytest.mark.slow
@pytest.mark.parametrize("preimport", [True, False])
def test_a_kernel_imports_its_notebooks_modules_at_its_start_only_when_asked(tmp_path, preimport):
    source = tmp_path / "notebooks"
    source.mkdir()
    notebook = _notebook(source / "n.ipynb", "import sys\nprint('warner' in sys.modules)", "import warner")
    _run([notebook], tmp_path / "out", preimport=preimport)
    texts = ["".join(o.get("text", "") for o in outputs) for _, outputs in _code_cells(tmp_path / "out" / "n.ipynb")]
    assert texts[2] == f"{preimport}\n"


@pytest.mark.parametrize(("limit", "expected"), [(10**12, True), (0, False)])
def test_evaluate_lets_kernels_import_during_ingest_only_when_the_raw_data_are_small(
        demo, tmp_path, monkeypatch, limit, expected):
    """Above PREIMPORT_RAW_BYTES of raw data the kernels import after the data are prepared, so
    that their imports do not add to ingest's peak memory."""
    assert _build_arguments(demo, tmp_path, monkeypatch, PREIMPORT_RAW_BYTES=limit)["preimport"] is expected


@pytest.mark.parametrize(("limit", "expected"), [(10**12, ()), (0, SHARED_KERNELS)])
def test_evaluate_shares_kernels_only_when_the_raw_data_are_large(demo, tmp_path, monkeypatch, limit, expected):
    """Small cohorts: a kernel per notebook (faster); large ones: SHARED_KERNELS (the cohort held once)."""
    assert _build_arguments(demo, tmp_path, monkeypatch, SHARED_KERNEL_RAW_BYTES=limit)["share"] == expected


def _build_arguments(demo, tmp_path, monkeypatch, notebooks_dir=None, **limits) -> dict:
    """The keyword arguments ``build_report`` gives ``run_notebooks`` with these limits."""
    from datetime import UTC, datetime

    import evaluation.publish.pipeline as pipeline

    seen = {}

    class Captured(Exception):
        pass

    def capture(*args, **kwargs):
        seen.update(kwargs)
        raise Captured

    for name, limit in limits.items():
        monkeypatch.setattr(pipeline, name, limit)
    monkeypatch.setattr(pipeline, "run_notebooks", capture)
    with pytest.raises(Captured):
        pipeline.build_report("demo", 1, tmp_path / "build", data_dir=demo["data"], params_dir=demo["params"],
                              started=datetime.now(UTC), prepare=lambda: None,
                              **({"notebooks_dir": notebooks_dir} if notebooks_dir else {}))
    return seen


@pytest.mark.parametrize(("limit", "expected"), [(10**12, SHARED_KERNELS), (0, (tuple(REPORT_NOTEBOOKS),))])
def test_evaluate_runs_every_report_notebook_in_one_kernel_when_the_raw_data_are_national(
        demo, tmp_path, monkeypatch, limit, expected):
    """National raw data: the three notebooks in one kernel (two kernels each holding a cohort of
    1,000,000 participants set the command's peak memory)."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for stem in REPORT_NOTEBOOKS:
        _notebook(notebooks / f"{stem}.ipynb", "1")
    arguments = _build_arguments(demo, tmp_path, monkeypatch, SHARED_KERNEL_RAW_BYTES=0, ONE_KERNEL_RAW_BYTES=limit,
                                 notebooks_dir=notebooks)
    assert arguments["share"] == expected


@pytest.mark.slow
@pytest.mark.parametrize("setting", [{"SHARED_KERNEL_RAW_BYTES": -1}, {"ONE_KERNEL_RAW_BYTES": -1},
                                     {"FORK_KERNELS": False}],
                         ids=["shared-kernel", "one-kernel", "kernels-not-forked"])
def test_the_reports_are_the_same_whether_or_not_notebooks_share_a_kernel(synthetic_report, tmp_path, monkeypatch,
                                                                          setting):
    """Cohort 2 is small, so `evaluate` gives each report notebook a kernel of its own, forked from
    one process that has imported their modules (on Linux); built again with the cost and equity
    reports in one kernel (as large cohorts are), or with kernels started from scratch, every
    published file is byte for byte the same, but the manifest (its times) and the executed
    notebooks (their cells are the same, the timings in their metadata are not)."""
    import evaluation.publish.pipeline as pipeline
    from evaluation.core.paths import PARAMS_DIR

    root, report, _ = synthetic_report
    for name, value in setting.items():
        monkeypatch.setattr(pipeline, name, value)
    shared = pipeline.evaluate("leading-to-deliver", 2, data_dir=root / "data", params_dir=PARAMS_DIR,
                               reports_dir=tmp_path / "reports")
    files = sorted(p.relative_to(report) for p in report.rglob("*") if p.is_file() and p.name != "manifest.json")
    assert files == sorted(p.relative_to(shared) for p in shared.rglob("*")
                           if p.is_file() and p.name != "manifest.json")
    assert len(files) > 20
    # the executed notebooks differ in their timings only: their cells (sources, counts, outputs) are compared
    assert [f for f in files if f.suffix == ".ipynb" and _cells(report / f) != _cells(shared / f)] == []
    # the pages: but for the build date in their footers (the two builds may straddle midnight)
    assert [f for f in files if f.suffix == ".html"
            and html_without_build_date(report / f) != html_without_build_date(shared / f)] == []
    assert [f for f in files if f.suffix not in (".ipynb", ".html")
            and (report / f).read_bytes() != (shared / f).read_bytes()] == []


def _cells(path: Path) -> list[tuple]:
    return [(c.cell_type, c.source, c.get("execution_count"), c.get("outputs"))
            for c in nbformat.read(path, as_version=4).cells]
