"""What runs inside a report kernel besides the notebooks: at its start, and between two notebooks.

``evaluate`` runs some report notebooks one after another in one kernel
(:data:`evaluation.publish.pipeline.SHARED_KERNELS`), so that the cohort is read and held once,
not once per notebook. Each notebook must still run as it would in a kernel of its own: that is
how reviewers re-execute it (``verify``, nbval), and ``verify`` compares every output. So

* :func:`begin` runs when the kernel starts (``IPKernelApp.exec_lines``, before any notebook):
  it notes the warning filters, turns on :func:`evaluation.data.cohort.reuse_loaded_cohorts` and
  imports the modules the kernel's notebooks import (binding no name), so that the imports are
  paid while the parent process still prepares the data, not after;
* :func:`between` runs after each notebook but the last (:data:`BETWEEN_NOTEBOOKS`, executed
  silently, outside the notebooks' history): it empties the IPython namespace and restarts the
  execution count (``InteractiveShell.reset(new_session=True)``: the next notebook's cells are
  numbered from 1 and see none of the last one's names), closes any open figure, puts back the
  warning filters and forgets which warnings were shown (Python shows a warning once per place
  in the code; a fresh kernel would show it again), and collects garbage.

What is deliberately kept: imported modules (imported once) and the loaded cohort (read once).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import sys
import warnings

__all__ = ["BEGIN", "BETWEEN_NOTEBOOKS", "begin", "between"]

#: The kernel's start-up line (``--IPKernelApp.exec_lines``; ``{modules}``: the modules to import,
#: comma-separated): binds no name in the namespace.
BEGIN = "__import__('evaluation.publish.kernel_session', fromlist=['begin']).begin('{modules}')"
#: Run silently after a notebook, before the next in the same kernel: binds no name.
BETWEEN_NOTEBOOKS = "__import__('evaluation.publish.kernel_session', fromlist=['between']).between()"

_filters: list | None = None


def begin(modules: str = "") -> None:
    """At the kernel's start: note the warning filters, let the notebooks share the loaded cohort
    and import ``modules`` (comma-separated names; one that cannot be imported is left for the
    notebook's own import to report)."""
    global _filters
    _filters = list(warnings.filters)
    from evaluation.data.cohort import reuse_loaded_cohorts

    reuse_loaded_cohorts(True)
    for name in filter(None, modules.split(",")):
        with contextlib.suppress(Exception):  # an optimisation only: the notebook imports it again
            importlib.import_module(name)


def between() -> None:
    """Between two notebooks in one kernel: leave the kernel as a fresh one would be, but for the
    imported modules and the loaded cohort (see the module's docstring)."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.reset(new_session=True)
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
    if _filters is not None:
        warnings.filters[:] = _filters
    warnings.onceregistry.clear()
    for module in list(sys.modules.values()):
        registry = getattr(module, "__warningregistry__", None)
        if isinstance(registry, dict):
            registry.clear()
    gc.collect()
