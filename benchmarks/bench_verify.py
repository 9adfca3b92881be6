"""`verify` of one cohort's report, and its nbval step run three ways.

    .venv/bin/python benchmarks/bench_verify.py --repeat 2

Generates the synthetic data in a temporary folder, ingests them and builds cohort 2's report
there (never in the repository's data/ or reports/), then times, each the minimum of ``--repeat``
runs:

- ``verify_command``: ``python -m evaluation verify --cohort 2`` in a fresh interpreter;
- its nbval step alone (``notebook_check._run_nbval`` on the report's three notebooks):
  ``nbval_concurrent`` (as ``verify`` runs a small cohort's: one pytest run and kernel per
  notebook, all at once, pytest loading no plugin but nbval), ``nbval_one_run`` (the three in
  one pytest run, one kernel after another, as for a large cohort) and
  ``nbval_one_run_all_plugins`` (as before stop 37: one run, every installed pytest plugin loaded).

Prints one JSON object; also the machine's cores and load average, which disturb these times.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

from bench_evaluate import timed  # the minimum of the repeats, in seconds

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programme", default="leading-to-deliver")
    parser.add_argument("--cohort", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    os.environ.setdefault("EVALUATION_ID_KEY", secrets.token_hex(32))  # a throwaway key for throwaway data

    from evaluation.data.synthetic import synthesise
    from evaluation.publish import notebook_check
    from evaluation.publish.notebook_check import VerifyResult

    tmp = Path(tempfile.mkdtemp(prefix="bench-verify-"))
    try:
        data, params, reports = tmp / "data", ROOT / "params", tmp / "reports"
        synthesise(data, params)
        where = ["--programme", args.programme, "--cohort", str(args.cohort), "--data-dir", str(data),
                 "--params-dir", str(params), "--reports-dir", str(reports)]
        env = {**os.environ, "PYTHONWARNINGS": "ignore"}
        subprocess.run([sys.executable, "-m", "evaluation", "evaluate", *where], check=True, capture_output=True,
                       env=env)

        def verify() -> None:
            done = subprocess.run([sys.executable, "-m", "evaluation", "verify", *where], capture_output=True,
                                  text=True, env=env)
            if done.returncode:
                raise RuntimeError(f"verify failed:\n{done.stdout[-2000:]}")

        folder = reports / args.programme / f"cohort-{args.cohort}"
        scratch = tmp / "nbval"

        def nbval(concurrent: bool, plugins: bool) -> None:
            shutil.rmtree(scratch, ignore_errors=True)
            scratch.mkdir()
            notebooks = [Path(shutil.copy(n, scratch)) for n in sorted(folder.glob("*.ipynb"))]
            saved = dict(notebook_check.NBVAL_ENV)
            if plugins:
                notebook_check.NBVAL_ENV.clear()
            try:
                result = VerifyResult()
                notebook_check._run_nbval(result, notebooks, scratch, concurrent=concurrent)
            finally:
                notebook_check.NBVAL_ENV.update(saved)
            if not result.ok:
                raise RuntimeError(f"nbval failed: {result.differences}")

        results: dict[str, object] = {
            "verify_command": timed(verify, args.repeat),
            "nbval_concurrent": timed(lambda: nbval(True, False), args.repeat),
            "nbval_one_run": timed(lambda: nbval(False, False), args.repeat),
            "nbval_one_run_all_plugins": timed(lambda: nbval(False, True), args.repeat),
            "cores": os.cpu_count(),
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(),
        }
        print(json.dumps(results, indent=1))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
