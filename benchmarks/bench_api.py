"""Time the evaluator's front door on the shipped synthetic data (processed data up to date).

    .venv/bin/python benchmarks/bench_api.py --repeat 3

Prints the minimum wall-clock seconds of each step: importing the package (in a fresh
interpreter, to show that ``import evaluation`` is light), loading a cohort, its outcomes table,
a subgroup breakdown, and a whole programme's stacked outcomes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import warnings

from bench_evaluate import timed  # the same timer (this folder is on sys.path when run as a script)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programme", default="leading-to-deliver")
    parser.add_argument("--cohort", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    results = {
        "import evaluation (fresh interpreter)": timed(
            lambda: subprocess.run([sys.executable, "-c", "import evaluation"], check=True), args.repeat),
        "import evaluation and its API modules (fresh interpreter)": timed(
            lambda: subprocess.run([sys.executable, "-c", "import evaluation as ev; ev.load_cohort"], check=True),
            args.repeat),
    }
    import evaluation as ev

    cohort = ev.load_cohort(args.programme, args.cohort)
    results["load_cohort"] = timed(lambda: ev.load_cohort(args.programme, args.cohort), args.repeat)
    results["cohort.outcomes()"] = timed(cohort.outcomes, args.repeat)
    results["cohort.outcomes(by='role_level')"] = timed(lambda: cohort.outcomes(by="role_level"), args.repeat)
    results["cohort.costs()"] = timed(cohort.costs, args.repeat)
    results["load_programme + outcomes() of every cohort"] = timed(
        lambda: ev.load_programme(args.programme).outcomes(), args.repeat)
    width = max(len(k) for k in results)
    for name, seconds in results.items():
        print(f"{name:<{width}}  {seconds:7.3f} s")


if __name__ == "__main__":
    main()
