"""``python -m evaluation``: the command line (see :mod:`evaluation.cli`).

Linear algebra runs on one thread (unless the environment says otherwise) in this process and in
the report kernels it starts, which inherit its environment: the workbench's matrices are small
(a scale's items), so threads only contend with the notebooks that run side by side (under load,
OpenBLAS's threads made each omega fit 30 times slower), and one thread keeps the order of
floating-point sums, hence the last digit of every table, the same on every machine.
"""

import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

from evaluation.cli import main  # noqa: E402  (after the thread settings, before numpy loads)

if __name__ == "__main__":
    raise SystemExit(main())
