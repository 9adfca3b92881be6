"""``python -m evaluation``: the command line (see :mod:`evaluation.cli`).

Linear algebra runs on one thread (unless the environment says otherwise) in this process and in
the report kernels it starts, which inherit its environment: the workbench's matrices are small
(a scale's items), so threads only contend with the notebooks that run side by side (under load,
OpenBLAS's threads made each omega fit 30 times slower), and one thread keeps the order of
floating-point sums, hence the last digit of every table, the same on every machine.

``rfc3987_syntax`` is not imported by this process: papermill imports nbformat, which imports
jsonschema, which imports ``rfc3987_syntax`` (when it is installed, as a dependency of the
Jupyter stack) to check the ``iri`` and ``iri-reference`` formats of JSON Schema draft 7 and
later; importing it compiles 38 lark grammars, about 1.2 s of CPU before the first report kernel
can start. nbformat validates notebooks against its draft-4 schemas, which have no such format,
so nothing this command validates changes (jsonschema skips a format it has no checker for).

Once the command has returned, its objects are frozen (``gc.freeze``): the interpreter's last
garbage collections, which would walk every object of pandas, scipy, matplotlib and nbconvert
only to free memory the process is about to return, are skipped (about 0.3 s at cohort 2's size,
after the report is published). Exit functions and the modules' teardown still run.
"""

import gc
import os
import sys

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
if "jsonschema" not in sys.modules:  # too late once jsonschema has looked for it
    sys.modules.setdefault("rfc3987_syntax", None)  # None: `import rfc3987_syntax` raises ImportError

from evaluation.cli import main  # noqa: E402  (after the thread settings, before numpy loads)

if __name__ == "__main__":
    status = main()
    gc.freeze()  # the final collections would free only what the ending process returns anyway
    raise SystemExit(status)
