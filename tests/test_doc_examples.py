"""The user documentation is true of the code: its examples run, the targets it names are make's,
and the modules, files and tests it names exist.

README.md, docs/*.md and benchmarks/README.md are read as a user reads them: each ```python
block is run as its own script in a fresh interpreter (the README's API tour is ``slow``: it
builds every report's tables), every ``make <target>`` they mention must be listed by ``make
help``, and every dotted name ``evaluation.…``, repository path and ``tests/…::test_…`` they
cite must resolve. Nothing here writes into the repository.
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "benchmarks" / "README.md"]


def python_blocks(page: Path) -> list[str]:
    """The ```python blocks of a Markdown page, in order."""
    return re.findall(r"^```python\n(.*?)^```", page.read_text(encoding="utf-8"), flags=re.S | re.M)


#: Runs the code in ``sys.argv[1]`` statement by statement, showing each expression's repr as a
#: notebook cell would (so that a result that cannot show itself fails too).
SHOWING = """
import ast, sys
code = sys.argv[1]
names = {"__name__": "__main__"}
for node in ast.parse(code).body:
    if isinstance(node, ast.Expr):
        shown = repr(eval(compile(ast.Expression(node.value), "<doc>", "eval"), names))
        print(shown[:200])
    else:
        exec(compile(ast.Module([node], []), "<doc>", "exec"), names)
"""


def run_script(code: str, cwd: Path) -> subprocess.CompletedProcess:
    """``code`` in a fresh interpreter that imports this checkout's package, in ``cwd``."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-c", SHOWING, code], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=900)


def _mentions(pattern: str) -> dict[str, list[str]]:
    """Each match of ``pattern`` (its first group) in backticks of the docs → where it is."""
    found: dict[str, list[str]] = {}
    for page in DOCS:
        text = page.read_text(encoding="utf-8")
        for quoted in re.finditer(r"`([^`\n]+)`", text):
            for match in re.finditer(pattern, quoted.group(1)):
                line = text.count("\n", 0, quoted.start()) + 1
                found.setdefault(match.group(1), []).append(f"{page.relative_to(ROOT)}:{line}")
    return found


# ------------------------------------------------------------------------------- the examples


@pytest.mark.slow
def test_the_readmes_api_tour_runs_in_a_fresh_interpreter(tmp_path):
    blocks = python_blocks(ROOT / "README.md")
    assert len(blocks) == 1 and "ev.load_cohort" in blocks[0], "the README's API example moved"
    code = blocks[0] + "\nprint('the tour ran to its end')\n"
    done = run_script(code, tmp_path)
    assert done.returncode == 0, done.stderr[-4000:]
    assert "the tour ran to its end" in done.stdout
    assert not list(tmp_path.iterdir()), "the API tour wrote files"


def test_the_wide_export_example_of_data_md_runs(tmp_path):
    (block,) = python_blocks(ROOT / "docs" / "data.md")
    pd.DataFrame({"participant_id": ["LTD-1", "LTD-2"], "submitted": ["2004-02-01", "2004-02-03"],
                  "lc1": ["4", ""], "lc2": ["3", "5"]}).to_csv(tmp_path / "export-pre.csv", index=False)
    done = run_script(block, tmp_path)
    assert done.returncode == 0, done.stderr[-4000:]
    long = pd.read_csv(tmp_path / "responses-pre.csv", dtype=str)
    assert list(long.columns) == ["participant_id", "wave", "rater", "instrument", "item", "value", "responded_on"]
    assert len(long) == 4 and set(long["wave"]) == {"pre"} and set(long["instrument"]) == {"leadership-practice"}


# ------------------------------------------------------------------------------- make targets


def test_make_help_lists_every_target_the_docs_name():
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    listed = subprocess.run(["make", "--no-print-directory", "-s", "help"], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout
    targets = set(re.findall(r"^\s+make (\S+)", listed, flags=re.M))
    named = _mentions(r"^make ([a-z][a-z-]*)")
    missing = {target: where for target, where in named.items() if target not in targets}
    assert not missing, f"targets the docs name that `make help` does not list: {missing}"
    # and the README's table of targets has a row for every target make lists
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `make ([a-z-]+)", readme, flags=re.M))
    assert rows == targets, f"README's table lacks {targets - rows}; make lacks {rows - targets}"


# ------------------------------------------------------------------ names, paths and tests cited


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(obj, attribute):
                return False
            obj = getattr(obj, attribute)
        return True
    return False


def test_every_dotted_name_the_docs_cite_exists():
    named = _mentions(r"^(evaluation(?:\.\w+)+)(?:\(.*\))?$")
    assert len(named) > 20
    missing = {name: where for name, where in named.items() if not _resolves(name)}
    assert not missing, f"names the docs cite that the package does not have: {missing}"


def test_every_repository_path_the_docs_cite_exists():
    # paths from the repository's root (generated folders such as docs/_build/ aside)
    named = _mentions(r"^((?:evaluation|tests|notebooks|benchmarks|docs|params)/[\w./-]*[\w/])$")
    assert len(named) > 20
    missing = {path: where for path, where in named.items()
               if not (ROOT / path).exists() and "/demo/" not in path  # an example programme
               and not path.startswith(("docs/_build", "benchmarks/.data"))}
    assert not missing, f"paths the docs cite that do not exist: {missing}"


def test_every_test_the_docs_cite_exists():
    sources = {path.name: path.read_text(encoding="utf-8") for path in (ROOT / "tests").glob("test_*.py")}
    missing = []
    for page in DOCS:
        text = page.read_text(encoding="utf-8")
        for match in re.finditer(r"(?:tests/(test_\w+\.py))?::(test_\w+)", text):
            file, name = match.groups()
            where = [sources[file]] if file else list(sources.values())
            if file and file not in sources or not any(re.search(rf"def {name}\w*\(", s) for s in where):
                missing.append(f"{page.relative_to(ROOT)}: {match.group(0)}")
    assert not missing, f"tests the docs cite that do not exist: {missing}"
