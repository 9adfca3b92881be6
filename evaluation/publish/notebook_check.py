"""Verify's notebook checks: each published notebook against the rebuilt one, and nbval.

Split from :mod:`evaluation.publish.verify` (which runs every check); see its docstring, checks
4 and 5. :class:`VerifyResult` collects the verdicts of both modules.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaluation.core.io import make_dir, read_text, start_logged, write_text

__all__ = [
    "HOST_PARAMETERS",
    "IMAGES",
    "SANITIZE",
    "VOLATILE_CELL_METADATA",
    "VOLATILE_NOTEBOOK_METADATA",
    "VerifyResult",
    "check_notebooks",
    "sanitize_patterns",
]

SANITIZE = Path(__file__).parent / "nbval-sanitize.cfg"
#: A notebook's top-level metadata not compared with the rebuild: papermill's record of the run
#: (start and end times, duration, the temporary output path, this machine's folders).
VOLATILE_NOTEBOOK_METADATA = ("papermill",)
#: A cell's metadata not compared with the rebuild: papermill's and the kernel's timings.
VOLATILE_CELL_METADATA = ("papermill", "execution")
#: Parameters whose values in papermill's injected cell are this machine's folders, not compared.
HOST_PARAMETERS = ("data_dir", "params_dir")
#: Outputs compared byte for byte, never sanitised (nbval leaves them out of its comparison).
IMAGES = ("image/png", "image/jpeg")


@dataclass
class VerifyResult:
    """Every check's verdict; ``ok`` is True only when nothing differs."""

    lines: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences

    def passed(self, text: str) -> None:
        self.lines.append(f"OK    {text}")

    def failed(self, text: str) -> None:
        self.lines.append(f"FAIL  {text}")
        self.differences.append(text)

    def extend(self, other: VerifyResult) -> None:
        """Add ``other``'s verdicts after these."""
        self.lines += other.lines
        self.differences += other.differences


# -------------------------------------------------------------------------- the notebooks


def sanitize_patterns(path: Path = SANITIZE) -> list[tuple[re.Pattern, str]]:
    """The ``regex:``/``replace:`` pairs of an nbval sanitising file, in order (as nbval reads them)."""
    pairs: list[tuple[re.Pattern, str]] = []
    regex = None
    for line in read_text(path).splitlines():
        if line.startswith("regex:"):
            regex = re.compile(line.removeprefix("regex:").strip())
        elif line.startswith("replace:") and regex is not None:
            pairs.append((regex, line.removeprefix("replace:").strip()))
            regex = None
    return pairs


def _sanitised(value: Any, patterns: list[tuple[re.Pattern, str]], key: str = "") -> Any:
    """An output with every text sanitised, images left byte for byte."""
    if isinstance(value, dict):
        return {k: _sanitised(v, patterns, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_sanitised(v, patterns, key) for v in value]
    if isinstance(value, str) and key not in IMAGES:
        for regex, replace in patterns:
            value = regex.sub(replace, value)
    return value


def _is_injected(cell) -> bool:
    return "injected-parameters" in cell.metadata.get("tags", [])


def _source(cell) -> str:
    """A cell's source, the host folders of papermill's injected cell blanked out."""
    if not _is_injected(cell):
        return cell.source
    names = "|".join(HOST_PARAMETERS)
    return re.sub(rf"(?m)^({names}) = .*$", r"\1 = <this machine's folder>", cell.source)


def _read_notebook(path: Path):
    import nbformat

    return nbformat.reads(read_text(path), as_version=4)


def _compare_notebook(result: VerifyResult, name: str, published, rebuilt,
                      patterns: list[tuple[re.Pattern, str]]) -> bool:
    """Compare a published notebook with the rebuilt one; return True when its code is the rebuild's."""
    differences: list[str] = []
    meta = {k for k in set(published.metadata) | set(rebuilt.metadata) if k not in VOLATILE_NOTEBOOK_METADATA}
    differences += [f"metadata {k}" for k in sorted(meta) if published.metadata.get(k) != rebuilt.metadata.get(k)]
    same_code = len(published.cells) == len(rebuilt.cells)
    if not same_code:
        differences.append(f"{len(published.cells)} cells, the rebuild {len(rebuilt.cells)}")
    for index, (a, b) in enumerate(zip(published.cells, rebuilt.cells, strict=False)):
        fields = [f for f, x, y in (("type", a.cell_type, b.cell_type), ("id", a.get("id"), b.get("id")),
                                    ("source", _source(a), _source(b))) if x != y]
        same_code = same_code and not fields
        strip = [{k: v for k, v in c.metadata.items() if k not in VOLATILE_CELL_METADATA} for c in (a, b)]
        if strip[0] != strip[1]:
            fields.append("metadata")
        if a.cell_type == "code" == b.cell_type:
            if a.get("execution_count") != b.get("execution_count"):
                fields.append("execution count")
            if _sanitised(a.get("outputs", []), patterns) != _sanitised(b.get("outputs", []), patterns):
                fields.append("outputs")
        if fields:
            differences.append(f"cell {index} (id {a.get('id')}): {', '.join(fields)}")
    if differences:
        result.failed(f"notebook {name}: differs from the rebuild in " + "; ".join(differences))
    else:
        result.passed(f"notebook {name}: every cell (sources, outputs after sanitising, images) matches the rebuild")
    return same_code


def _nbval_copy(published, rebuilt, path: Path) -> None:
    """Write the published notebook, with the rebuild's code (this machine's folders), for nbval."""
    import nbformat

    for a, b in zip(published.cells, rebuilt.cells, strict=True):
        a.source = b.source
    write_text(nbformat.writes(published), path)


def _cell_name(notebook: Path, nbval_name: str) -> str:
    """nbval's ``Cell 15`` (the 16th code cell) as the notebook's ``cell 26 (id c17dcfba)``."""
    number = nbval_name.removeprefix("Cell ").strip()
    cells = [(i, c) for i, c in enumerate(_read_notebook(notebook).cells) if c.cell_type == "code"] \
        if notebook.is_file() and number.isdigit() else []
    if not number.isdigit() or int(number) >= len(cells):
        return nbval_name
    index, cell = cells[int(number)]
    return f"cell {index} (id {cell.get('id')})"


def nbval_command(notebooks: list[Path], scratch: Path) -> list[str]:
    """The pytest command that re-executes ``notebooks`` with nbval in ``scratch`` (run it with
    :data:`NBVAL_ENV`): every code cell's output compared, this environment's kernel, the
    sanitising rules of :data:`SANITIZE`."""
    return [sys.executable, "-m", "pytest", "-c", str(scratch / "pytest.ini"), "--rootdir", str(scratch),
            "-p", "nbval", "-p", "no:cacheprovider", "--noconftest", "--nbval", "--nbval-current-env",
            "--nbval-sanitize-with", str(SANITIZE), "-q", "-rf", "-W", "ignore", *[str(n) for n in notebooks]]


#: What nbval's pytest runs are given beyond this process's environment: no plugin is loaded but
#: nbval (named with ``-p nbval``): the other plugins installed beside pytest (hypothesis,
#: pytest-benchmark and the like) have nothing to do in a notebook's re-execution, and each pytest
#: run loaded them at its start (about a second on two cores).
NBVAL_ENV = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}


def _run_nbval(result: VerifyResult, notebooks: list[Path], scratch: Path, *, concurrent: bool,
               meanwhile: Callable[[], None] | None = None) -> None:
    """Re-execute every notebook with nbval, comparing the output of every code cell: each notebook
    in a pytest run and kernel of its own, all at once, when ``concurrent`` (as ``evaluate`` runs a
    small cohort's notebooks, each in a kernel of its own); otherwise in one pytest run, one kernel
    after another (a large cohort held by several kernels at once would cost memory). ``meanwhile``
    runs once the pytest runs have started (if it fails, they are stopped)."""
    if not notebooks:
        if meanwhile is not None:
            meanwhile()
        return
    write_text("[pytest]\naddopts =\n", scratch / "pytest.ini")
    groups = [[n] for n in notebooks] if concurrent else [list(notebooks)]
    env = {**os.environ, **NBVAL_ENV}
    runs = []
    for number, group in enumerate(groups):
        log = scratch / f"nbval-{number}.log"
        runs.append((group, log, start_logged(nbval_command(group, scratch), log, cwd=scratch, env=env)))
    if meanwhile is not None:
        try:
            meanwhile()
        except BaseException:
            for _, _, run in runs:
                run.kill()
                run.wait()
            raise
    for group, log, run in runs:
        returncode = run.wait()
        _nbval_verdicts(result, group, scratch, read_text(log), returncode)


def _nbval_verdicts(result: VerifyResult, notebooks: list[Path], scratch: Path, output: str, returncode: int) -> None:
    """One verdict per notebook of one pytest run, from its output (``-q -rf``) and exit status."""
    failed: dict[str, list[str]] = {}
    for line in output.splitlines():
        if line.startswith("FAILED") and "::" in line:
            path, _, cell = line.removeprefix("FAILED").strip().partition("::")
            failed.setdefault(Path(path).name, []).append(_cell_name(scratch / Path(path).name, cell.split(" - ")[0]))
    for notebook in notebooks:
        if notebook.name in failed:
            result.failed(f"notebook {notebook.name}: nbval re-execution differs in {', '.join(failed[notebook.name])}")
        elif returncode not in (0, 1):
            tail = (output.strip().splitlines() or ["no output"])[-1]
            result.failed(f"notebook {notebook.name}: nbval could not run ({tail})")
        else:
            result.passed(f"notebook {notebook.name}: re-executed with nbval; every code cell gives the same output")
    if returncode == 1 and not failed:
        result.failed(f"nbval failed without naming a cell: {(output.strip().splitlines() or [''])[-1]}")


def check_notebooks(result: VerifyResult, manifest: dict, folder: Path, rebuilt: Path, scratch: Path,
                     progress: Callable[[str], None], *, concurrent: bool = False,
                     meanwhile: Callable[[], None] | None = None) -> None:
    """Every published notebook against the rebuild, cell by cell; then nbval on those whose code
    is the repository's (``concurrent``: each in a kernel of its own, all at once; ``meanwhile``
    runs while they do)."""
    patterns = sanitize_patterns()
    to_run: list[Path] = []
    nbval_dir = make_dir(scratch / "nbval")
    for name in manifest.get("notebooks", []):
        if not (folder / name).is_file() or not (rebuilt / name).is_file():
            result.failed(f"notebook {name}: not compared (missing from the report or not rebuilt)")
            continue
        published, again = _read_notebook(folder / name), _read_notebook(rebuilt / name)
        if _compare_notebook(result, name, published, again, patterns):
            _nbval_copy(published, again, nbval_dir / name)
            to_run.append(nbval_dir / name)
        else:
            result.failed(f"notebook {name}: not re-executed with nbval, because its code differs from the repository's")
    progress(f"nbval: re-executing {', '.join(n.name for n in to_run) or 'no notebook'}")
    _run_nbval(result, to_run, nbval_dir, concurrent=concurrent, meanwhile=meanwhile)


