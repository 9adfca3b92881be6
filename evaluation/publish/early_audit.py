"""The differencing audit of a cohort's tables, run beside the rest of the report.

``evaluate`` audits the published tables before it publishes anything
(:mod:`evaluation.publish.disclosure_audit`). When the report kernels are forked
(:mod:`evaluation.publish.kernel_fork`), the tables' audit (about half a CPU-second at cohort
2's size, and scipy's import) runs in a child of the fork server, which has scipy and pandas
imported already, as soon as the notebooks that write the audited tables have run
(:data:`evaluation.publish.report_plan.AUDITED_NOTEBOOKS`): beside the notebooks still running,
the pages' rendering and the index page, instead of after them in the command's own process.

Its result stands only for the tables it read: the child returns their SHA-256, and the
command compares them with the tables about to be published; if any differs (a notebook wrote
an audited table after the audit read it), if a table changed while it was read, or if the
child failed, the audit runs again in the command's process, as it does when the kernels are
not forked. Either way the tables published are the tables audited.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from evaluation.publish.audit_files import AUDITED_TABLES, table_hashes
from evaluation.publish.report_plan import AUDITED_NOTEBOOKS

__all__ = ["AUDIT_CALL", "EarlyAudit"]

#: The function a child of the fork server runs (:func:`evaluation.publish.disclosure_audit.audit_table_files`).
AUDIT_CALL = "evaluation.publish.disclosure_audit:audit_table_files"


class EarlyAudit:
    """The tables' differencing audit of a report folder, started once the notebooks that write
    the audited tables have run (:meth:`finished`), and its problems (:meth:`problems`).

    Parameters
    ----------
    forks : ForkServer or None
        The report kernels' fork server; None: the audit runs in this process, at the end.
    notebooks : sequence of Path
        The report's notebooks.
    folder : Path
        The report folder being built.
    scratch : Path
        A private folder for the child's reply.
    threshold : callable
        Returns the disclosure threshold (known once the parameters are read).
    """

    def __init__(self, forks, notebooks: Sequence[Path], folder: Path, scratch: Path,
                 threshold: Callable[[], int]):
        self._forks, self._folder, self._scratch, self._threshold = forks, Path(folder), Path(scratch), threshold
        self._waiting = {n.stem for n in notebooks if n.stem in AUDITED_NOTEBOOKS}
        self._lock = threading.Lock()
        self._started = False
        self._call = None

    def finished(self, stem: str) -> None:
        """A notebook has run (:func:`evaluation.publish.notebook_run.run_notebooks`'s ``finished``):
        once every notebook that writes audited tables has, start the audit in a forked child."""
        with self._lock:
            self._waiting.discard(stem)
            if self._forks is None or self._started or self._waiting:
                return
            self._started = True
            try:
                self._call = self._forks.call(AUDIT_CALL, self._scratch / "audit.json", folder=str(self._folder),
                                              threshold=self._threshold())
            except RuntimeError:  # the fork server has stopped: audited in this process at the end
                self._call = None

    @property
    def started(self) -> bool:
        """Whether the audit was started in a forked child."""
        return self._call is not None

    def problems(self, tables: dict) -> list[str]:
        """The tables' differencing problems (:func:`evaluation.publish.disclosure_audit.audit_tables`):
        the forked child's when it read the audited tables as they are now, else audited here
        from ``tables`` (read from the folder by :func:`evaluation.publish.audit_files.read_tables`)."""
        reply = None
        if self._call is not None:
            try:
                reply = self._call.result()
            except RuntimeError:  # it failed or was stopped: audited here, where an error is raised as itself
                reply = None
        if reply is not None and reply["read"] is not None and reply["read"] == table_hashes(self._folder):
            return list(reply["problems"])
        from evaluation.publish.disclosure_audit import audit_tables

        audited = {stem: frame for stem, frame in tables.items() if stem in AUDITED_TABLES}
        return list(audit_tables(audited, threshold=self._threshold()).problems)
