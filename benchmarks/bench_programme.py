"""Wall time of the programme report and the comparison of programmes, beside a cohort's report.

Usage: .venv/bin/python benchmarks/bench_programme.py [--programme leading-to-deliver] [--repeat 3]

Works in a temporary folder (synthetic data generated there), never in the repository's data/
or reports/. Prints one JSON object: the minimum over the repeats of each command, in seconds,
as a commissioner runs it (processed data already up to date), and the in-process computation
of the programme report's tables.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

from bench_evaluate import ROOT, timed  # this folder is on sys.path when run as a script


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programme", default="leading-to-deliver")
    parser.add_argument("--cohort", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    from evaluation.data.ingest import ingest
    from evaluation.data.programme import load_programme_data
    from evaluation.data.synthetic import synthesise
    from evaluation.reports import programme_report

    tmp = Path(tempfile.mkdtemp(prefix="bench-programme-"))
    data, params, reports = tmp / "data", ROOT / "params", tmp / "reports"
    synthesise(data, params)
    for programme in ("leading-to-deliver", "collaborative-leadership"):
        ingest(programme, data_dir=data, params_dir=params)
    folders = ["--data-dir", str(data), "--params-dir", str(params), "--reports-dir", str(reports)]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}

    def command(*words: str):
        return lambda: subprocess.run([sys.executable, "-m", "evaluation", *words, *folders], check=True,
                                      capture_output=True, env=env)

    results: dict[str, float | str] = {}
    pdata = load_programme_data(args.programme, data_dir=data, params_dir=params)
    results["load_programme_data"] = timed(lambda: load_programme_data(args.programme, data_dir=data,
                                                                       params_dir=params), args.repeat)
    results["computation_programme_report"] = timed(lambda: programme_report.build(pdata), args.repeat)
    results["evaluate_command (one cohort)"] = timed(
        command("evaluate", "--programme", args.programme, "--cohort", str(args.cohort)), args.repeat)
    results["programme_command"] = timed(command("programme", "--programme", args.programme), args.repeat)
    results["compare_command"] = timed(command("compare"), args.repeat)
    results["cohorts"] = len(pdata)
    results["participants"] = sum(len(c.participants) for c in pdata)
    results["machine"] = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
