"""Running report notebooks into a report folder: what every kind of report shares.

A cohort's reports (:mod:`evaluation.publish.pipeline`), a programme's report and the comparison
of programmes (:mod:`evaluation.publish.programme_pipeline`) are each a set of parameterised
notebooks executed with papermill (kernel ``python3``) into a folder, stamped with their
provenance, rendered to HTML without code and their findings merged into ``findings.json``
(:mod:`evaluation.publish.report_folder`: what the folder records and how it is published).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from evaluation.core.errors import EvaluationError
from evaluation.core.io import (
    copy_file,
    make_dir,
    scratch_dir,
    write_text,
)
from evaluation.publish.cohort_index import first_heading
from evaluation.publish.kernel_session import BEGIN
from evaluation.publish.kernels import (
    between_notebooks,
    imported_modules,
    kernel_config,
    kernel_manager_class,
    kernel_units,
    shut_down,
)
from evaluation.publish.rendering import prepare_rendering, render_html, stderr_texts

__all__ = ["BACKGROUND_NICE", "INJECTED_CELL_ID", "NotebookFailedError", "run_notebooks"]

#: The id given to the cell papermill injects with the parameters (papermill makes a random one,
#: which would make the HTML differ from run to run).
INJECTED_CELL_ID = "injected-parameters"
#: How many levels below the usual priority the forked kernels of ``run_notebooks``'s
#: ``background`` notebooks run: under Linux's scheduler a kernel at two levels down gets about two
#: thirds of the CPU time of one at the usual level when they share a core (weights 655 and 1024).
BACKGROUND_NICE = 2


class NotebookFailedError(EvaluationError):
    """A report notebook raised an error while it ran."""


class _Stopped(Exception):
    """The notebooks were stopped before their first cell: the preparation failed."""


class _Gate:
    """Runs ``prepare`` in a thread of its own; :meth:`wait` returns once it has returned, or
    raises :class:`_Stopped` if it raised (its exception is kept in :attr:`error`)."""

    def __init__(self, prepare: Callable[[], None] | None):
        self.error: BaseException | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(prepare,), name="evaluation-prepare", daemon=True)
        self._thread.start()

    def _run(self, prepare: Callable[[], None] | None) -> None:
        try:
            if prepare is not None:
                prepare()
        except BaseException as exc:  # re-raised by the caller of run_notebooks, in its own thread
            self.error = exc
        finally:
            self._done.set()

    def wait(self) -> None:
        self._done.wait()
        if self.error is not None:
            raise _Stopped

    def join(self) -> None:
        self._thread.join()


def _finish_notebook(nb, notebook: Path, provenance: dict) -> str | None:
    """Stamp the provenance into an executed notebook ``nb`` (as papermill returned it), give
    papermill's injected cell a fixed id and write it to ``notebook``; return the notebook's first
    heading (None if it has none)."""
    import nbformat

    nb.metadata.setdefault("evaluation", {})["provenance"] = provenance
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = INJECTED_CELL_ID
    text = nbformat.writes(nb)
    write_text(text if text.endswith("\n") else text + "\n", notebook)
    return first_heading(nb.cells)


def run_notebooks(
    notebooks: Sequence[Path],
    folder: Path,
    *,
    parameters: Mapping[str, object],
    provenance: dict | Callable[[], dict],
    title: Callable[[str | None, str], str],
    failed_dir: Path | None = None,
    progress: Callable[[str], None] = lambda message: None,
    prepare: Callable[[], None] | None = None,
    share: Sequence[Sequence[str]] = (),
    preimport: bool = True,
    fork: bool = False,
    forks=None,
    finished: Callable[[str], None] | None = None,
    background: Sequence[str] = (),
) -> dict[str, str]:
    """Execute each notebook into ``folder`` (its working folder), stamp and render it to HTML.

    Every kernel starts at once; with ``prepare``, the kernels start while it runs (in a thread
    of its own) and no cell runs before it has returned, so that the kernels' start overlaps the
    parent process's own checks. Each notebook has a kernel of its own, except the groups named
    in ``share``, whose notebooks run one after another in one kernel, reset between them
    (:mod:`evaluation.publish.kernel_session`): the cohort is then read and held once per kernel.
    Every kernel runs :data:`evaluation.publish.kernel_session.BEGIN` at its start.

    Parameters
    ----------
    notebooks : sequence of Path
        The source notebooks.
    folder : Path
        The report folder being built (the notebooks' ``output_dir`` is ``"."``, this folder).
    parameters : mapping
        Passed to every notebook by papermill.
    provenance : dict or callable
        Stamped into each executed notebook's metadata (shown in the HTML footer); a callable
        returning it is called once the notebook has run.
    title : callable
        ``title(first_heading, notebook_stem)`` → the HTML page's title (called once the
        notebook has run).
    failed_dir : Path or None
        Where a failing notebook is kept for inspection; None: not kept.
    progress : callable
        Called with one line per step.
    prepare : callable, optional
        Called with no argument while the kernels start (e.g. checking parameters and bringing
        the data up to date); what it raises stops every notebook before its first cell (their
        kernels are shut down) and is raised here.
    share : sequence of sequences of str
        Groups of notebook stems that run in one kernel, in the order of ``notebooks``; a
        notebook in no group runs alone.
    preimport : bool, default True
        Every kernel imports its notebooks' modules at its start, while ``prepare`` runs. False:
        the notebooks import them when they run (``evaluate`` when ingest of large raw data may
        run in this process meanwhile: the kernels' imports would add to its peak memory).
    fork : bool, default False
        Fork every kernel from one process that imports ipykernel and the notebooks' modules
        once (:mod:`evaluation.publish.kernel_fork`; those modules only with ``preimport``),
        instead of starting each kernel and its imports from scratch.
    forks : ForkServer, optional
        With ``fork``: a fork server started earlier for these notebooks' modules, used instead
        of one started here (its caller closes it).
    finished : callable, optional
        Called with a notebook's stem once it has run and its executed notebook is written (in
        the thread that ran it, before its page is rendered); what it raises is raised here.
    background : sequence of str
        Stems of notebooks whose forked kernels run :data:`BACKGROUND_NICE` levels below the usual
        priority (a kernel whose notebooks are all named here), so that the others finish first
        when the cores are busy. Nothing a notebook computes depends on it.

    Returns
    -------
    dict
        Notebook stem → the title of its HTML page.

    Raises
    ------
    NotebookFailedError
        A notebook failed: names the notebook and cell.
    Exception
        Whatever ``prepare`` raised.
    """
    from evaluation.publish.kernel_fork import ForkServer

    # first: the fork server's imports run while this process imports papermill and prepares
    if not fork:
        server = contextlib.nullcontext()
    elif forks is not None:
        server = contextlib.nullcontext(forks)
    else:
        server = ForkServer(imported_modules(notebooks) if preimport else ())
    with server as forks:
        return _run_notebooks(notebooks, folder, parameters=parameters, provenance=provenance, title=title,
                              failed_dir=failed_dir, progress=progress, prepare=prepare, share=share,
                              preimport=preimport, forks=forks, finished=finished, background=background)


def _run_notebooks(notebooks, folder, *, parameters, provenance, title, failed_dir, progress, prepare, share,
                   preimport, forks, finished, background) -> dict[str, str]:
    """:func:`run_notebooks`, its kernels forked by ``forks`` (a fork server) unless it is None."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    titles: dict[str, str] = {}

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

    gate = _Gate(prepare)

    def run(source: Path, km, begin: str) -> str | None:
        """Execute and render one notebook in the kernel of ``km`` (started with ``begin``, if it is
        not yet); return an error message, or None."""
        first_cell = threading.Event()

        def wait_for_preparation(**_) -> None:
            """nbclient's hook before each cell: the first waits for the preparation."""
            if not first_cell.is_set():
                gate.wait()
                first_cell.set()
                progress(f"notebook: running {source.name}")
        # output_dir "." is the kernel's working folder (the report folder being built), so an
        # executed notebook re-run elsewhere (reviewers' verify) writes beside itself.
        executed = folder / source.name
        try:
            nb = papermill.execute_notebook(
                str(source), str(executed), kernel_name="python3", progress_bar=False, log_output=False,
                # the kernel's working folder, given to nbclient: papermill's own `cwd` changes the
                # working folder of this whole process, which notebooks run at once would race on
                resources={"metadata": {"path": str(folder)}},
                km=km, extra_arguments=[f"--IPKernelApp.exec_lines={begin}"], request_save_on_cell_execute=False,
                on_cell_execute=wait_for_preparation, parameters=dict(parameters),
            )
        except _Stopped:
            return None  # the preparation failed: its error is raised below
        except PapermillExecutionError as exc:
            return (f"notebook {source.name} failed in cell {exc.cell_index} (execution count "
                    f"{exc.exec_count}): {exc.ename}: {exc.evalue}. No report was written{keep(executed)}")
        except (RuntimeError, TimeoutError) as exc:  # nbclient's DeadKernelError, CellTimeoutError; jupyter_client
            what = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            return (f"notebook {source.name} stopped: its kernel died or stopped answering ({what[:200]}). "
                    f"No report was written{keep(executed)}")
        stamp = provenance() if callable(provenance) else provenance
        titles[source.stem] = title(_finish_notebook(nb, executed, stamp), source.stem)
        if finished is not None:
            finished(source.stem)

        def render() -> None:
            for text in stderr_texts(nb):  # left out of the page; said here, and kept in the notebook
                first = text.strip().splitlines()[0] if text.strip() else ""
                progress(f"note: {source.name} wrote to stderr (kept in the notebook, not on the page): {first[:300]}")
            progress(f"render: {source.stem}.html")
            render_html(nb, folder / f"{source.stem}.html", title=titles[source.stem])

        # rendered from the executed notebook in memory, as soon as it is finished (not read back),
        # by a thread of its own: the kernel's next notebook does not wait for it
        rendered.append(renderer.submit(render))
        return None

    def run_kernel(sources: Sequence[Path], begin: str, sockets: Path) -> list[str | None]:
        """Run ``sources`` one after another in one kernel (reset between them, each notebook
        preceded by ``begin``), then shut it down."""
        nice = BACKGROUND_NICE if all(s.stem in background for s in sources) else 0
        km = kernel_manager_class(forks, nice=nice)(kernel_name="python3", config=kernel_config(sockets / sources[0].stem))
        errors: list[str | None] = []
        try:
            for source in sources:
                if errors:
                    between_notebooks(km)
                errors.append(run(source, km, begin))
                if errors[-1] or gate.error is not None:
                    break
        except (RuntimeError, TimeoutError) as exc:  # the reset between two notebooks failed
            errors.append(f"the report kernel could not be reset before notebook {source.name}: {exc}. "
                          "No report was written")
        finally:
            shut_down(km)
        return errors

    def warm_up() -> None:
        """Once the data are prepared, while the kernels start: the HTML exporter made and its
        templates compiled (an optimisation only: what fails here fails again on the first page)."""
        with contextlib.suppress(Exception):
            gate.wait()
            prepare_rendering()

    rendered: list[Future] = []
    with scratch_dir("evaluation-kernel-") as sockets, ThreadPoolExecutor(max_workers=1) as renderer:
        renderer.submit(warm_up)  # the pages' renderer: first this, then each page as its notebook finishes
        # The kernels are independent: start them all at once (each is its own process, waiting
        # on its imports' files at first), each notebook rendered to HTML as soon as it finishes.
        units = kernel_units(notebooks, share)
        # each kernel's modules are found here, before the kernels' threads start: CPython 3.11's
        # ast.parse is not safe in two threads at once ("SystemError: AST constructor recursion
        # depth mismatch", seen once in some twenty runs of tests/test_shared_kernel.py)
        begins = [BEGIN.format(modules=",".join(imported_modules(unit)) if preimport else "") for unit in units]
        with ThreadPoolExecutor(max_workers=max(1, len(units))) as pool:
            errors = [e for unit in pool.map(lambda unit, begin: run_kernel(unit, begin, sockets), units, begins)
                      for e in unit]
        for future in rendered:
            future.result()  # what rendering raised is raised here
    gate.join()
    if gate.error is not None:
        raise gate.error
    failures = [e for e in errors if e]
    if failures:
        raise NotebookFailedError("\n".join(failures))
    return titles
