"""How a cohort's report runs, decided before anything heavy is imported: its notebooks, and
how their kernels start (forked from one process, importing at their start, sharing a kernel),
from the size of the programme's raw data.

Only the standard library, the I/O layer and the fork server's module are imported here, so that
``python -m evaluation evaluate`` can start the report kernels' fork server
(:func:`early_fork_server`) before it imports pandas, pydantic and the data layer: the fork
server's imports then run on the second core while the command checks the parameters and the
data (cohort 2: about 0.5 s sooner than when the fork server starts with the notebooks).
"""

from __future__ import annotations

import sys
from pathlib import Path

from evaluation.core.errors import EvaluationError
from evaluation.core.io import folder_stamps
from evaluation.core.paths import NOTEBOOKS_DIR, raw_dir

__all__ = ["AUDITED_NOTEBOOKS", "FORK_KERNELS", "ONE_KERNEL_RAW_BYTES", "PREIMPORT_RAW_BYTES", "REPORT_NOTEBOOKS", "SHARED_KERNEL_RAW_BYTES",
           "early_fork_server", "raw_bytes", "report_notebooks"]

#: The report notebooks, in the order they run; those not (yet) present are skipped.
REPORT_NOTEBOOKS = ("cohort_evaluation", "cost_per_participant", "equity_of_access")
#: The report notebooks that write the tables the differencing audit reads
#: (:data:`evaluation.publish.audit_files.AUDITED_TABLES`): when the kernels are forked, the audit
#: starts in a child of the fork server as soon as these have run, beside the other notebooks and
#: the pages' rendering (its result stands only if the tables it read are those published). The
#: other notebooks' forked kernels run at a lower priority (``run_notebooks``'s ``background``), so
#: that these finish first and the audit runs beside the others rather than after them all
#: (cohort 2: the command about 0.3 s sooner, median of 18 runs).
AUDITED_NOTEBOOKS = ("cohort_evaluation", "equity_of_access")
#: Raw data (bytes, all raw files of the programme) up to this size: every report notebook has a
#: kernel of its own. A small cohort's notebooks take a few seconds each, so one more kernel's start
#: and imports cost less than running two of them one after the other (cohort 2: about 1.5 s
#: less); a large cohort held by three kernels at once would cost memory (benchmarks/README.md).
SHARED_KERNEL_RAW_BYTES = 64 << 20
#: Raw data (bytes, all raw files of the programme) larger than this: the three report notebooks
#: run one after another in one kernel, which reads and holds the cohort once. Two kernels each
#: holding a national cohort (1,000,000 participants: 2.7 to 3.5 GiB each while they computed)
#: set the command's peak, 7.0 GiB; one kernel holds at most 4.4 GiB, for a few seconds more
#: (benchmarks/README.md).
ONE_KERNEL_RAW_BYTES = 1 << 30
#: Raw data larger than this (bytes, all raw files of the programme) may take gigabytes to ingest:
#: ``evaluate``'s report kernels then import their modules when their first notebook runs, after
#: the data are prepared, not while ingest runs (each kernel's imports held 0.1 to 0.2 GiB at the
#: end of a 1,000,000-participant ingest, when the command peaked just over 8 GiB: benchmarks/README.md).
PREIMPORT_RAW_BYTES = 1 << 30
#: Whether the report kernels are forked from one process that has imported their modules
#: (:mod:`evaluation.publish.kernel_fork`) whenever they import at their start (``PREIMPORT_RAW_BYTES``):
#: the imports are paid once, not once per kernel (cohort 2: about 2.5 CPU-seconds for each of two
#: kernels). Linux only (a forked kernel is watched through a pidfd; elsewhere forking a process
#: that has imported these libraries is not safe).
FORK_KERNELS = sys.platform == "linux"


def report_notebooks(notebooks_dir: Path | str = NOTEBOOKS_DIR) -> list[Path]:
    """The report notebooks present in ``notebooks_dir``, in the order they run."""
    return [Path(notebooks_dir) / f"{n}.ipynb" for n in REPORT_NOTEBOOKS
            if (Path(notebooks_dir) / f"{n}.ipynb").is_file()]


def raw_bytes(data_dir: Path | str, programme: str) -> int:
    """The size of a programme's raw files (bytes): what decides how its report kernels start."""
    return sum(size for _, size, _ in folder_stamps(raw_dir(Path(data_dir), programme)))


def early_fork_server(programme: str, data_dir: Path | str, notebooks_dir: Path | str = NOTEBOOKS_DIR):
    """The fork server of a cohort's report kernels, started now, or None where ``evaluate``
    would not fork them (:data:`FORK_KERNELS`; raw data over :data:`PREIMPORT_RAW_BYTES`) or
    cannot tell yet (a programme name or folder it will refuse itself, with its own message).

    The caller passes it to :func:`evaluation.publish.pipeline.evaluate` (``forks=``) and closes
    it when the command ends (at once, if no kernel was forked).
    """
    if not FORK_KERNELS:
        return None
    try:
        if raw_bytes(data_dir, programme) > PREIMPORT_RAW_BYTES:
            return None
    except EvaluationError:
        return None
    from evaluation.publish.kernel_fork import ForkServer
    from evaluation.publish.kernels import imported_modules

    return ForkServer(imported_modules(report_notebooks(notebooks_dir)))
