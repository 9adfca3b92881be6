"""``python -m evaluation evaluate``: one cohort's reports, from raw data to HTML.

Steps (a progress line each): check the parameters; start the report kernels at once (papermill,
kernel ``python3``, paths passed as parameters; for large raw data the notebooks of
:data:`SHARED_KERNELS` one after another in one kernel, :mod:`evaluation.publish.kernel_session`) and, while they start, ingest
when the processed data are missing or were built from other inputs and check that the cohort
has participants (from the processed participants' cohort column only: this process never
loads the answers); then run the notebooks, each rendered to HTML without code as soon as it
finishes, each page titled with the report's title (:mod:`evaluation.publish.rendering`);
merge the findings; write the cohort index
page ``index.html`` (:mod:`evaluation.publish.cohort_index`); write the manifest. Before anything is published, the differencing audit
(:mod:`evaluation.publish.disclosure_audit`) reads the tables as a reader would and fails the
run if a count of 1 to threshold − 1 people, or a statistic of fewer than threshold, could be worked out (with forked
kernels, the tables' audit runs in a child of their fork server as soon as the notebooks that
write them are done: :mod:`evaluation.publish.early_audit`). Everything is assembled in a temporary folder and moved to
``reports/<programme>/cohort-<n>/`` only when every step succeeded; a failing notebook is kept
in ``reports/<programme>/failed/cohort-<n>/`` for inspection, outside the report folder.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from evaluation.core.errors import EvaluationError
from evaluation.core.io import remove_tree, scratch_dir, table_file
from evaluation.core.memory import give_back_freed_memory
from evaluation.core.paths import NOTEBOOKS_DIR, processed_dir, raw_dir, report_dir, shown_path
from evaluation.core.processed_files import read_parquet_columns
from evaluation.data.groups import in_comparison
from evaluation.data.params import load_cohort, load_instruments, load_programme
from evaluation.data.reference_groups import check_reference_groups
from evaluation.publish.audit_files import (
    DisclosureAuditError,
    read_tables,
    statements_outside_tables,
)
from evaluation.publish.cohort_index import INDEX_FILE, cohort_title, report_title, write_index
from evaluation.publish.early_audit import EarlyAudit
from evaluation.publish.kernels import imported_modules
from evaluation.publish.notebook_run import NotebookFailedError, run_notebooks
from evaluation.publish.rendering import render_html
from evaluation.publish.report_folder import (
    git_state,
    merge_findings,
    outputs,
    publish_folder,
    refuse_reports_in_raw,
    versions,
)
from evaluation.publish.report_plan import (
    AUDITED_NOTEBOOKS,
    FORK_KERNELS,
    ONE_KERNEL_RAW_BYTES,
    PREIMPORT_RAW_BYTES,
    REPORT_NOTEBOOKS,
    SHARED_KERNEL_RAW_BYTES,
    raw_bytes,
    report_notebooks,
)

__all__ = ["COMPARISON_NOTEBOOKS", "FORK_KERNELS", "PREIMPORT_RAW_BYTES", "PROGRAMME_NOTEBOOKS", "REPORT_NOTEBOOKS", "SHARED_KERNELS",
           "SHARED_KERNEL_RAW_BYTES", "NoDataError",
           "NotebookFailedError",
           "build_report", "check_cohort_has_data", "check_parameters", "evaluate", "prepare_data",
           "prepare_processed", "render_html", "report_notebooks"]

#: Report notebooks that run one after another in one kernel, which reads and holds the cohort
#: once (:func:`evaluation.publish.notebook_run.run_notebooks`), when the raw data are larger than
#: :data:`SHARED_KERNEL_RAW_BYTES`; every other notebook has a kernel of its own. The outcome
#: notebook, the longest, runs beside them on the second core, unless the raw data are larger than
#: :data:`~evaluation.publish.report_plan.ONE_KERNEL_RAW_BYTES` (then all three share one kernel).
SHARED_KERNELS = (("cost_per_participant", "equity_of_access"),)
#: The programme report's notebooks (``reports/<programme>/programme/``).
PROGRAMME_NOTEBOOKS = ("programme_evaluation",)
#: The comparison of programmes' notebooks (``reports/comparison/``).
COMPARISON_NOTEBOOKS = ("programme_comparison",)


class NoDataError(EvaluationError):
    """The programme has no raw data."""


def _missing(folder: Path) -> bool:
    """True when ``folder`` does not exist (False when that cannot be told, e.g. a name too long)."""
    try:
        return not folder.exists()
    except OSError:
        return False


def _ingest_others(programme: str, *, data_dir: Path, params_dir: Path, progress: Callable[[str], None]) -> None:
    """Bring the other programmes' processed data up to date, for the cost report's comparison
    across programmes. A programme that cannot be ingested is left out of that comparison (the
    report says so); it never stops this cohort's report."""
    from evaluation.data.freshness import is_up_to_date

    for folder in sorted(p for p in (data_dir / "raw").iterdir() if p.is_dir()):
        other = folder.name
        if not table_file(folder, "participants").is_file():
            continue
        if other == programme or not (params_dir / other / "programme.yaml").is_file():
            continue
        if is_up_to_date(other, data_dir=data_dir, params_dir=params_dir):
            continue
        progress(f"ingest: validating and scoring {other} (for the comparison across programmes)")
        from evaluation.data.ingest import ingest  # validation and scoring: imported only to ingest

        try:
            ingest(other, data_dir=data_dir, params_dir=params_dir)
        except EvaluationError as exc:
            # every problem, as ingest gives it (the first line alone was only "1 problem(s) in the input
            # data; nothing was written:"); on the console only, never in the report
            progress(f"ingest: {other} left out of the comparison across programmes: {exc}")


def check_cohort_has_data(programme: str, cohort: int, *, data_dir: Path) -> None:
    """Check that a participant of the programme's processed data is in ``cohort``.

    Reads only the ``cohort`` and ``group`` columns of the processed participants, never the
    answers or scores: the parent process of ``evaluate`` holds no table of the size of the data
    (the report notebooks load them).

    Raises
    ------
    NoCohortDataError
        No participant (comparison-group members aside) is in the cohort, as
        :func:`evaluation.data.cohort.load_cohort_data` says it.
    """
    path = processed_dir(data_dir, programme) / "participants.parquet"
    people = read_parquet_columns(path, ["cohort", "group"])
    if not (people.loc[~in_comparison(people), "cohort"] == cohort).any():
        from evaluation.data.cohort import NoCohortDataError

        raise NoCohortDataError(f"{path}: no participant of programme {programme!r} is in cohort {cohort} "
                                f"(cohorts with data: {sorted(people['cohort'].unique().tolist())})")


def check_parameters(programme: str, cohort: int, *, data_dir: Path, params_dir: Path,
                     progress: Callable[[str], None] = lambda message: None) -> None:
    """Check the cohort's parameters and that the programme has raw data (nothing is read from
    the data).

    Raises
    ------
    ParameterError
        Missing or invalid parameters (checked first).
    NoDataError
        No raw data.
    """
    progress(f"parameters: checking {shown_path(Path(params_dir) / programme / f'cohort-{cohort}.yaml')}")
    prog = load_programme(params_dir, programme)
    load_instruments(params_dir, prog)
    load_cohort(params_dir, programme, cohort)
    if not table_file(raw_dir(data_dir, programme), "participants").is_file():
        raise NoDataError(f"{raw_dir(data_dir, programme)}: no raw data for programme {programme!r} "
                          "(participants.csv, responses.csv and costs.csv are expected there)")


def prepare_processed(programme: str, cohort: int, *, data_dir: Path, params_dir: Path,
                      progress: Callable[[str], None] = lambda message: None) -> None:
    """Bring the processed data up to date for one cohort's report (the parameters checked by
    :func:`check_parameters`): ingest when they are missing or were built from other inputs,
    check that the cohort has participants, bring the other programmes' data up to date.

    Raises
    ------
    DataValidationError, NoCohortDataError
        Data that break the contract, or no participant in the cohort.
    ParameterError
        A reference group of ``equity.reference`` that the workforce table has no eligible
        staff in (:func:`evaluation.data.reference_groups.check_reference_groups`).
    """
    from evaluation.data.freshness import is_up_to_date

    if is_up_to_date(programme, data_dir=data_dir, params_dir=params_dir):
        progress(f"ingest: processed data for {programme} are up to date")
    else:
        progress(f"ingest: validating and scoring {programme}")
        from evaluation.data.ingest import ingest  # validation and scoring: imported only to ingest

        ingest(programme, data_dir=data_dir, params_dir=params_dir)
        # this process stays alive while the report kernels run: hand ingest's freed memory back
        give_back_freed_memory()
    check_cohort_has_data(programme, cohort, data_dir=data_dir)
    check_reference_groups(programme, cohort, data_dir=data_dir, params_dir=params_dir)
    _ingest_others(programme, data_dir=data_dir, params_dir=params_dir, progress=progress)


def prepare_data(programme: str, cohort: int, *, data_dir: Path, params_dir: Path,
                 progress: Callable[[str], None] = lambda message: None) -> None:
    """Check the parameters and bring the processed data up to date for one cohort's report
    (:func:`check_parameters`, then :func:`prepare_processed`).

    Raises
    ------
    ParameterError
        Missing or invalid parameters (checked first).
    NoDataError, DataValidationError, NoCohortDataError
        No raw data, data that break the contract, or no participant in the cohort.
    """
    check_parameters(programme, cohort, data_dir=data_dir, params_dir=params_dir, progress=progress)
    prepare_processed(programme, cohort, data_dir=data_dir, params_dir=params_dir, progress=progress)


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
    prepare: Callable[[], None] | None = None,
    forks=None,
) -> dict:
    """Run the report notebooks into the empty ``folder``, render HTML, merge the findings;
    return the manifest (not written). The data must be prepared (:func:`prepare_data`), or
    be prepared by ``prepare`` while the notebooks' kernels start.

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
    prepare : callable, optional
        Brings the data up to date (``evaluate`` passes :func:`prepare_processed`); it runs in a
        thread of its own while the kernels start, and no notebook cell runs before it has
        returned. What it raises is raised here. None: the data are prepared already.
    forks : ForkServer, optional
        A fork server started earlier (:func:`evaluation.publish.report_plan.early_fork_server`)
        for the kernels, when they are forked; the caller closes it. None: one is started here
        when the kernels are forked.

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
    notebooks = report_notebooks(notebooks_dir)
    parameters = {"programme": programme, "cohort": cohort, "data_dir": str(data_dir),
                  "params_dir": str(params_dir), "output_dir": "."}
    known: dict = {}
    size = raw_bytes(data_dir, programme)
    preimport = prepare is None or size <= PREIMPORT_RAW_BYTES
    fork = preimport and FORK_KERNELS

    def prepared() -> None:
        """Prepare the data, then read what the manifest and the pages' footers need."""
        if prepare is not None:
            prepare()
        if not fork:  # forked kernels: the tables are audited in a child of their fork server
            import evaluation.publish.disclosure_audit  # noqa: F401  (loaded while the kernels start; used at the end)

        known["prog"], known["coh"] = load_programme(params_dir, programme), load_cohort(params_dir, programme, cohort)
        from evaluation.data.freshness import report_inputs

        # the other programmes' too: the cost report compares the cohort with them
        known["inputs"] = report_inputs(programme, data_dir=data_dir, params_dir=params_dir)
        known["git"] = git = git_state()
        known["name"] = cohort_title(known["prog"].title, cohort, known["coh"].year)
        known["provenance"] = {
            "summary": f"{known['prog'].title}, cohort {cohort}. Code commit {(git['commit'] or 'unknown')[:12]}; "
                       f"report built {started.date().isoformat()}. Input files and their SHA-256 hashes:",
            "inputs": known["inputs"],
        }

    with contextlib.ExitStack() as stack:
        if fork and forks is None:  # one fork server for the kernels and the tables' audit, open to the end
            from evaluation.publish.kernel_fork import ForkServer

            forks = stack.enter_context(ForkServer(imported_modules(notebooks)))
        audit = EarlyAudit(forks if fork else None, notebooks, folder,
                           stack.enter_context(scratch_dir("evaluation-audit-")),
                           threshold=lambda: known["coh"].disclosure_threshold)
        titles = run_notebooks(notebooks, folder, parameters=parameters, provenance=lambda: known["provenance"],
                               title=lambda heading, stem: report_title(known["name"], heading, stem),
                               failed_dir=failed_dir, progress=progress, prepare=prepared,
                               share=(tuple(n.stem for n in notebooks),) if size > ONE_KERNEL_RAW_BYTES
                               else SHARED_KERNELS if size > SHARED_KERNEL_RAW_BYTES else (),
                               # large raw data may be ingested while the kernels start: then they
                               # import their modules only once it is done
                               preimport=preimport, fork=fork, forks=forks, finished=audit.finished,
                               # the audit waits for the audited notebooks: the others give way to them
                               background=[n.stem for n in notebooks if n.stem not in AUDITED_NOTEBOOKS] if fork else ())
        prog, coh, inputs, git, cohort_name = (known[k] for k in ("prog", "coh", "inputs", "git", "name"))
        by_notebook = merge_findings(folder)
        progress(f"render: {INDEX_FILE} (the cohort's reports, headlines and files)")
        write_index(folder, title=cohort_name, titles={n.stem: titles[n.stem] for n in notebooks},
                    findings=by_notebook, cohort=coh, built=started.date())

        progress("disclosure: auditing every published table against differencing")
        tables = read_tables(folder)
        problems = [*audit.problems(tables), *statements_outside_tables(folder, tables)]
    if problems:
        raise DisclosureAuditError(
            f"the disclosure audit found {len(problems)} way(s) to work out a count or statistic of fewer "
            f"than {coh.disclosure_threshold} people from the tables about to be published, so nothing was "
            "published (this is a fault in the workbench's disclosure control: please report it):\n  - "
            + "\n  - ".join(problems))

    return {
        "programme": programme,
        "cohort": cohort,
        "inputs": inputs,
        "parameters": {"programme": prog.model_dump(mode="json"), "cohort": coh.model_dump(mode="json")},
        "seeds": {"bootstrap": coh.bootstrap.seed},
        "versions": versions(),
        "git": git,
        "notebooks": [n.name for n in notebooks],
        "outputs": outputs(folder),
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
    forks=None,
) -> Path:
    """Build one cohort's report folder; return its path.

    ``forks``: a fork server for the report kernels started earlier by the caller, who closes it
    (:func:`evaluation.publish.report_plan.early_fork_server`); see :func:`build_report`.

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

    refuse_reports_in_raw(data_dir, reports_dir)
    check_parameters(programme, cohort, data_dir=data_dir, params_dir=params_dir, progress=progress)
    failed_dir = reports_dir / programme / "failed" / f"cohort-{cohort}"
    destination = report_dir(reports_dir, programme, cohort)
    made = [folder for folder in (destination.parent, reports_dir) if _missing(folder)]
    try:
        # the kernels start while the data are brought up to date (prepare_processed, in a thread)
        return publish_folder(
            destination, failed_dir,
            lambda tmp: build_report(
                programme, cohort, tmp, data_dir=data_dir, params_dir=params_dir, started=started,
                notebooks_dir=notebooks_dir, failed_dir=failed_dir, progress=progress,
                prepare=lambda: prepare_processed(programme, cohort, data_dir=data_dir, params_dir=params_dir,
                                                  progress=progress),
                forks=forks),
            clock=clock, progress=progress)
    except BaseException:
        for folder in made:  # the report folder's parents, made for a report that was not written
            with contextlib.suppress(OSError, EvaluationError):
                if folder.is_dir() and not any(folder.iterdir()):
                    remove_tree(folder)
        raise
