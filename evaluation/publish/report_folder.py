"""A report folder's record and its publication: what every kind of report shares once its
notebooks have run (:mod:`evaluation.publish.notebook_run`).

The findings merged into ``findings.json``, the code's commit and the packages' versions and the
SHA-256 of every file for the manifest, and the folder built aside and moved into place only when
everything succeeded.
"""

from __future__ import annotations

import importlib.metadata
import platform
import subprocess
from collections.abc import Callable
from pathlib import Path

from evaluation.core.errors import EvaluationError
from evaluation.core.io import atomic_directory, read_json, remove_tree, sha256_file, write_json
from evaluation.core.paths import REPO_ROOT

__all__ = ["PACKAGES", "git_state", "merge_findings", "outputs", "publish_folder", "refuse_reports_in_raw", "versions"]

PACKAGES = ("evaluation", "pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn",
            "pandera", "pydantic", "papermill", "nbconvert", "nbval", "ipykernel", "pyarrow")


def git_state() -> dict:
    """The code's git commit and whether the working tree differs from it."""
    def run(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = run("rev-parse", "HEAD")
    status = run("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def versions() -> dict[str, str | None]:
    """Python's version and those of the packages a report depends on."""
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = None
    return out


def merge_findings(folder: Path) -> dict[str, list[dict]]:
    """Merge the notebooks' ``findings/<notebook>.json`` into ``findings.json`` (sorted by id)
    and remove the fragments; return the findings by notebook.

    Raises
    ------
    EvaluationError
        Two notebooks gave findings the same id.
    """
    findings: list[dict] = []
    by_notebook: dict[str, list[dict]] = {}
    fragments = folder / "findings"
    if fragments.is_dir():
        for path in sorted(fragments.glob("*.json")):
            by_notebook[path.stem] = read_json(path)
            findings += by_notebook[path.stem]
        remove_tree(fragments)
    ids = [f["id"] for f in findings]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise EvaluationError(f"findings with the same id from different notebooks: {duplicates}")
    write_json(sorted(findings, key=lambda f: f["id"]), folder / "findings.json")
    return by_notebook


def outputs(folder: Path) -> list[dict]:
    """Path (relative, POSIX) and SHA-256 of every file of ``folder``, sorted by path."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return [{"path": p.relative_to(folder).as_posix(), "sha256": sha256_file(p)} for p in files]


def refuse_reports_in_raw(data_dir: Path, reports_dir: Path) -> None:
    """Reports are never written inside the raw data (CONTRACT section 5.1).

    Raises
    ------
    EvaluationError
        ``reports_dir`` is inside ``<data_dir>/raw``.
    """
    raw_root = (Path(data_dir) / "raw").resolve()
    if Path(reports_dir).resolve().is_relative_to(raw_root):
        raise EvaluationError(f"--reports-dir {reports_dir} is inside the raw data {raw_root}; reports are never "
                              "written there: choose another folder")


def publish_folder(destination: Path, failed_dir: Path, build: Callable[[Path], dict], *, clock: float,
                   progress: Callable[[str], None]) -> Path:
    """Build a report into a temporary folder with ``build(folder)`` (which returns the manifest),
    write ``manifest.json`` and move the folder to ``destination`` only when everything
    succeeded; then drop an earlier failure's kept notebooks (``failed_dir``)."""
    import time

    with atomic_directory(destination, description="the report folder") as tmp:
        write_json(build(tmp), tmp / "manifest.json")
    if failed_dir.is_dir():
        remove_tree(failed_dir)
    progress(f"done: {destination} in {time.perf_counter() - clock:.1f} s")
    return destination
