"""``python -m evaluation evaluate``: one cohort's reports, from raw data to HTML.

Steps (a progress line each): check the parameters; ingest when the processed data are
missing or were built from other inputs; run every report notebook with papermill (kernel
``python3``, paths passed as parameters); render HTML without code, each page titled with the
report's title (:mod:`evaluation.publish.rendering`); merge the findings; write the cohort index
page ``index.html`` (:mod:`evaluation.publish.cohort_index`); write the manifest. Before anything is published, the differencing audit
(:mod:`evaluation.publish.disclosure_audit`) reads the tables as a reader would and fails the
run if a count or statistic of fewer than threshold people could be worked out. Everything is assembled in a temporary folder and moved to
``reports/<programme>/cohort-<n>/`` only when every step succeeded; a failing notebook is kept
in ``reports/<programme>/failed/cohort-<n>/`` for inspection, outside the report folder.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from evaluation.core.errors import EvaluationError
from evaluation.core.io import (
    atomic_directory,
    copy_file,
    make_dir,
    read_json,
    read_text,
    remove_tree,
    scratch_dir,
    sha256_file,
    table_file,
    write_json,
    write_text,
)
from evaluation.core.paths import NOTEBOOKS_DIR, REPO_ROOT, processed_dir, raw_dir, report_dir
from evaluation.data.cohort import load_cohort_data
from evaluation.data.ingest import ingest, is_up_to_date
from evaluation.data.params import load_cohort, load_instruments, load_programme
from evaluation.publish.cohort_index import (
    INDEX_FILE,
    cohort_title,
    first_heading,
    report_title,
    write_index,
)
from evaluation.publish.disclosure_audit import DisclosureAuditError, audit_folder
from evaluation.publish.rendering import render_html

__all__ = ["COMPARISON_NOTEBOOKS", "PROGRAMME_NOTEBOOKS", "REPORT_NOTEBOOKS", "NotebookFailedError", "NoDataError", "build_report", "evaluate", "prepare_data",
           "render_html", "report_notebooks"]

#: The report notebooks, in the order they run; those not (yet) present are skipped.
REPORT_NOTEBOOKS = ("cohort_evaluation", "cost_per_participant", "equity_of_access")
#: The programme report's notebooks (``reports/<programme>/programme/``).
PROGRAMME_NOTEBOOKS = ("programme_evaluation",)
#: The comparison of programmes' notebooks (``reports/comparison/``).
COMPARISON_NOTEBOOKS = ("programme_comparison",)
PACKAGES = ("evaluation", "pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn",
            "pandera", "pydantic", "papermill", "nbconvert", "nbval", "ipykernel", "pyarrow")


class NoDataError(EvaluationError):
    """The programme has no raw data."""


class NotebookFailedError(EvaluationError):
    """A report notebook raised an error while it ran."""


def _git() -> dict:
    def run(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = run("rev-parse", "HEAD")
    status = run("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def _versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = None
    return out


def _ingest_others(programme: str, *, data_dir: Path, params_dir: Path, progress: Callable[[str], None]) -> None:
    """Bring the other programmes' processed data up to date, for the cost report's comparison
    across programmes. A programme that cannot be ingested is left out of that comparison (the
    report says so); it never stops this cohort's report."""
    for folder in sorted(p for p in (data_dir / "raw").iterdir() if p.is_dir()):
        other = folder.name
        if not table_file(folder, "participants").is_file():
            continue
        if other == programme or not (params_dir / other / "programme.yaml").is_file():
            continue
        if is_up_to_date(other, data_dir=data_dir, params_dir=params_dir):
            continue
        progress(f"ingest: validating and scoring {other} (for the comparison across programmes)")
        try:
            ingest(other, data_dir=data_dir, params_dir=params_dir)
        except EvaluationError as exc:
            first_line = str(exc).splitlines()[0]
            progress(f"ingest: {other} left out of the comparison across programmes: {first_line}")


def _kernel_manager_class():
    """jupyter_client's kernel manager, except that shutting a kernel down does not interrupt it first.

    ``shutdown_kernel`` sends SIGINT before its shutdown request, to stop code still running. A
    report notebook is shut down only after its last cell has replied, so the interrupt can only
    race the kernel's last message handler, whose ``KeyboardInterrupt`` ipykernel then logs as
    ``[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel.`` on a run that succeeded. A kernel
    that does not stop on the shutdown request is still terminated by ``finish_shutdown``.
    """
    from jupyter_client.manager import AsyncKernelManager

    class ReportKernelManager(AsyncKernelManager):
        async def _async_interrupt_kernel(self) -> None:
            if self.shutting_down:
                return
            await super()._async_interrupt_kernel()

    return ReportKernelManager


def _kernel_config(sockets: Path):
    """Kernels talk over IPC sockets in a private folder per notebook: no TCP ports to collide
    when notebooks or reports run at once, and no unencrypted-TCP warning (papermill issue 511)."""
    from traitlets.config import Config

    make_dir(sockets)
    config = Config()
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = str(sockets / "kernel")
    return config


#: The id given to the cell papermill injects with the parameters (papermill makes a random one,
#: which would make the HTML differ from run to run).
INJECTED_CELL_ID = "injected-parameters"


def _finish_notebook(notebook: Path, provenance: dict) -> str | None:
    """Stamp the provenance into an executed notebook and give papermill's injected cell a fixed
    id; return the notebook's first heading (None if it has none)."""
    import nbformat

    nb = nbformat.reads(read_text(notebook), as_version=4)
    nb.metadata.setdefault("evaluation", {})["provenance"] = provenance
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = INJECTED_CELL_ID
    text = nbformat.writes(nb)
    write_text(text if text.endswith("\n") else text + "\n", notebook)
    return first_heading(nb.cells)


def prepare_data(programme: str, cohort: int, *, data_dir: Path, params_dir: Path,
                 progress: Callable[[str], None] = lambda message: None) -> None:
    """Check the parameters and bring the processed data up to date for one cohort's report.

    Raises
    ------
    ParameterError
        Missing or invalid parameters (checked first).
    NoDataError, DataValidationError, NoCohortDataError
        No raw data, data that break the contract, or no participant in the cohort.
    """
    progress(f"parameters: checking params/{programme}/cohort-{cohort}.yaml")
    prog = load_programme(params_dir, programme)
    load_instruments(params_dir, prog)
    load_cohort(params_dir, programme, cohort)

    if not table_file(raw_dir(data_dir, programme), "participants").is_file():
        raise NoDataError(f"{raw_dir(data_dir, programme)}: no raw data for programme {programme!r} "
                          "(participants.csv, responses.csv and costs.csv are expected there)")
    if is_up_to_date(programme, data_dir=data_dir, params_dir=params_dir):
        progress(f"ingest: processed data for {programme} are up to date")
    else:
        progress(f"ingest: validating and scoring {programme}")
        ingest(programme, data_dir=data_dir, params_dir=params_dir)
    load_cohort_data(programme, cohort, data_dir=data_dir, params_dir=params_dir)  # the cohort has data
    _ingest_others(programme, data_dir=data_dir, params_dir=params_dir, progress=progress)


def report_notebooks(notebooks_dir: Path | str = NOTEBOOKS_DIR) -> list[Path]:
    """The report notebooks present in ``notebooks_dir``, in the order they run."""
    return [Path(notebooks_dir) / f"{n}.ipynb" for n in REPORT_NOTEBOOKS
            if (Path(notebooks_dir) / f"{n}.ipynb").is_file()]


def build_report(
    programme: str,
    cohort: int,
    folder: Path,
    *,
    data_dir: Path,
    params_dir: Path,
    started: datetime,
    notebooks_dir: Path | str = NOTEBOOKS_DIR,
    failed_dir: Path | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> dict:
    """Run the report notebooks into the empty ``folder``, render HTML, merge the findings;
    return the manifest (not written). The data must be prepared (:func:`prepare_data`).

    `evaluate` builds into a temporary folder that becomes the report; `verify` rebuilds into a
    scratch folder, with the published ``started_at`` as ``started`` (the date in the HTML
    footer), and compares.

    Parameters
    ----------
    programme, cohort : str, int
        The cohort.
    folder : Path
        Where the notebooks run and write (their ``output_dir`` is ``"."``, this folder).
    data_dir, params_dir : Path
        Resolved data and parameter folders.
    started : datetime
        When the report was started: the manifest's ``started_at`` and the HTML footer's date.
    notebooks_dir : path
        Where the report notebooks are.
    failed_dir : Path or None
        Where a failing notebook is kept for inspection; None: not kept.
    progress : callable
        Called with one line per step.

    Returns
    -------
    dict
        The manifest: ``programme``, ``cohort``, ``inputs``, ``parameters``, ``seeds``,
        ``versions``, ``git``, ``notebooks``, ``outputs`` (path and SHA-256 of every file of
        ``folder``), ``started_at``, ``finished_at``.

    Raises
    ------
    NotebookFailedError
        A notebook failed: names the notebook and cell.
    DisclosureAuditError
        The tables would let a reader work out a small count or statistic (the differencing
        audit, :mod:`evaluation.publish.disclosure_audit`): names each.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    prog = load_programme(params_dir, programme)
    coh = load_cohort(params_dir, programme, cohort)
    notebooks = report_notebooks(notebooks_dir)
    processed = read_json(processed_dir(data_dir, programme) / "manifest.json")
    inputs = [{k: v for k, v in i.items() if k in ("name", "path", "sha256", "rows")} for i in processed["inputs"]]
    git = _git()
    cohort_name = cohort_title(prog.title, cohort, coh.year)
    titles: dict[str, str] = {}
    provenance = {
        "summary": f"{prog.title}, cohort {cohort}. Code commit {(git['commit'] or 'unknown')[:12]}; "
                   f"report built {started.date().isoformat()}. Input files and their SHA-256 hashes:",
        "inputs": inputs,
    }
    parameters = {"programme": programme, "cohort": cohort, "data_dir": str(data_dir),
                  "params_dir": str(params_dir), "output_dir": "."}

    def keep(executed: Path) -> str:
        """Keep a failed notebook for inspection, outside the report folder; say where (or why not)."""
        if failed_dir is None:
            return ""
        if not executed.is_file():
            return "; the notebook had not been saved"
        kept = failed_dir / executed.name
        try:
            make_dir(failed_dir)
            copy_file(executed, kept)
        except EvaluationError as exc:
            return f"; the failed notebook could not be kept ({exc})"
        return f"; the failed notebook is kept for inspection at {kept}"

    def run(source: Path, sockets: Path) -> str | None:
        """Execute and render one notebook; return an error message, or None."""
        progress(f"notebook: running {source.name}")
        # output_dir "." is the kernel's working folder (the report folder being built), so an
        # executed notebook re-run elsewhere (reviewers' verify) writes beside itself.
        executed = folder / source.name
        try:
            papermill.execute_notebook(
                str(source), str(executed), kernel_name="python3", progress_bar=False, log_output=False,
                cwd=str(folder), config=_kernel_config(sockets / source.stem), request_save_on_cell_execute=False,
                kernel_manager_class=_kernel_manager_class(),
                parameters=parameters,
            )
        except PapermillExecutionError as exc:
            return (f"notebook {source.name} failed in cell {exc.cell_index} (execution count "
                    f"{exc.exec_count}): {exc.ename}: {exc.evalue}. No report was written{keep(executed)}")
        except (RuntimeError, TimeoutError) as exc:  # nbclient's DeadKernelError, CellTimeoutError; jupyter_client
            what = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            return (f"notebook {source.name} stopped: its kernel died or stopped answering ({what[:200]}). "
                    f"No report was written{keep(executed)}")
        titles[source.stem] = report_title(cohort_name, _finish_notebook(executed, provenance), source.stem)
        progress(f"render: {source.stem}.html")
        render_html(executed, folder / f"{source.stem}.html", title=titles[source.stem])
        return None

    with scratch_dir("evaluation-kernel-") as sockets:
        # The notebooks are independent: run them two at a time (each kernel is its own process).
        with ThreadPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1))) as pool:
            errors = list(pool.map(lambda source: run(source, sockets), notebooks))
    failures = [e for e in errors if e]
    if failures:
        raise NotebookFailedError("\n".join(failures))

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
    progress(f"render: {INDEX_FILE} (the cohort's reports, headlines and files)")
    write_index(folder, title=cohort_name, titles={n.stem: titles[n.stem] for n in notebooks}, findings=by_notebook,
                cohort=coh, built=started.date())

    progress("disclosure: auditing every published table against differencing")
    audit = audit_folder(folder, threshold=coh.disclosure_threshold)
    if not audit.ok:
        raise DisclosureAuditError(
            f"the disclosure audit found {len(audit.problems)} way(s) to work out a count or statistic of fewer "
            f"than {coh.disclosure_threshold} people from the tables about to be published, so nothing was "
            "published (this is a fault in the workbench's disclosure control: please report it):\n  - "
            + "\n  - ".join(audit.problems))

    outputs = sorted(p for p in folder.rglob("*") if p.is_file())
    return {
        "programme": programme,
        "cohort": cohort,
        "inputs": inputs,
        "parameters": {"programme": prog.model_dump(mode="json"), "cohort": coh.model_dump(mode="json")},
        "seeds": {"bootstrap": coh.bootstrap.seed},
        "versions": _versions(),
        "git": git,
        "notebooks": [n.name for n in notebooks],
        "outputs": [{"path": p.relative_to(folder).as_posix(), "sha256": sha256_file(p)} for p in outputs],
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def evaluate(
    programme: str,
    cohort: int,
    *,
    data_dir: Path | str,
    params_dir: Path | str,
    reports_dir: Path | str,
    notebooks_dir: Path | str = NOTEBOOKS_DIR,
    progress: Callable[[str], None] = lambda message: None,
) -> Path:
    """Build one cohort's report folder; return its path.

    Raises
    ------
    ParameterError, NoDataError, DataValidationError, NoCohortDataError
        From :func:`prepare_data`: parameters (checked first), then the data.
    NotebookFailedError
        A notebook failed: names the notebook and cell; no report is written.
    DisclosureAuditError
        The tables would let a reader work out a small count or statistic: names each; no
        report is written.
    """
    data_dir, params_dir, reports_dir = Path(data_dir).resolve(), Path(params_dir).resolve(), Path(reports_dir).resolve()
    started = datetime.now(UTC)
    clock = time.perf_counter()

    destination = report_dir(reports_dir, programme, cohort)
    raw_root = (Path(data_dir) / "raw").resolve()
    if Path(reports_dir).resolve().is_relative_to(raw_root):
        raise EvaluationError(f"--reports-dir {reports_dir} is inside the raw data {raw_root}; reports are never "
                              "written there: choose another folder")
    prepare_data(programme, cohort, data_dir=data_dir, params_dir=params_dir, progress=progress)
    failed_dir = reports_dir / programme / "failed" / f"cohort-{cohort}"

    with atomic_directory(destination, description="the report folder") as tmp:
        manifest = build_report(programme, cohort, tmp, data_dir=data_dir, params_dir=params_dir, started=started,
                                notebooks_dir=notebooks_dir, failed_dir=failed_dir, progress=progress)
        write_json(manifest, tmp / "manifest.json")
    if failed_dir.is_dir():
        remove_tree(failed_dir)
    progress(f"done: {destination} in {time.perf_counter() - clock:.1f} s")
    return destination
