"""The cost and equity reports (and the differencing audit's inputs) on one large cohort.

Usage: .venv/bin/python benchmarks/bench_cost_equity.py --data-dir DIR --params-dir DIR [--repeat 2]

``DIR`` holds processed data of ``leading-to-deliver`` cohort 2 (e.g. made by
:func:`evaluation.data.synthetic.scaled.synthesise_scaled` and ``python -m evaluation ingest``
into a folder of your own). Times, in-process, loading the cohort, ``cost_report.build`` and
``equity_report.build`` (minimum of the repeats) and prints JSON.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--params-dir", required=True)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    from evaluation.data.cohort import load_cohort_data
    from evaluation.reports import cost_report, equity_report

    warnings.simplefilter("ignore")
    start = time.perf_counter()
    data = load_cohort_data("leading-to-deliver", 2, data_dir=args.data_dir, params_dir=args.params_dir)
    out = {"participants": len(data.participants), "load": round(time.perf_counter() - start, 2)}
    builds = {"cost_report.build": lambda: cost_report.build(data, data_dir=args.data_dir,
                                                             params_dir=args.params_dir),
              "equity_report.build": lambda: equity_report.build(data)}
    for name, build in builds.items():
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            build()
            times.append(time.perf_counter() - start)
        out[name] = round(min(times), 2)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
