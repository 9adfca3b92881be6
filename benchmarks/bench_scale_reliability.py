"""Reliability, response shift and the mixed model at national scale (issue 13).

Usage (one step per process, so that ``/usr/bin/time -v`` gives that step's peak memory)::

    /usr/bin/time -v .venv/bin/python benchmarks/bench_scale_reliability.py \\
        --participants 100000 --step reliability [--categorical] [--repeat 2]

``--step none`` and ``--step scores`` only build the answers or the scores (the baselines of
the peak memory). Inputs come from
:mod:`scale_inputs` (numpy, seeded; no ingest): recoded answers for ``reliability_table`` as
ingest calls it (``by = cohort, wave, rater``), scale scores for ``response_shift`` and
``mixed_model`` (waves pre, post, follow-up) as the outcome report calls them. Prints one JSON
line: build and step seconds, wall and CPU (minimum of the repeats), and with ``--trace`` the
step's own peak allocation beyond its input (tracemalloc, one extra run).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale_inputs  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, required=True)
    parser.add_argument(
        "--step",
        choices=["reliability", "response_shift", "mixed_model", "none", "scores"],
        required=True,
    )
    parser.add_argument("--categorical", action="store_true", help="category keys, not text")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--trace", action="store_true", help="also the step's own peak allocation (tracemalloc)"
    )
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    from evaluation.stats.outcomes import mixed_model, response_shift
    from evaluation.stats.reliability import reliability_table

    start = time.perf_counter()
    if args.step in ("reliability", "none"):
        rec = scale_inputs.recoded_answers(args.participants, categorical=args.categorical)
        items = scale_inputs.item_map()

        def step() -> object:
            if args.step == "none":
                return None
            return reliability_table(rec, items, by=("cohort", "wave", "rater"))

        rows = len(rec)
    else:
        scores = scale_inputs.scale_scores(args.participants, categorical=args.categorical)
        rows = len(scores)
        steps = {
            "response_shift": lambda: response_shift(scores),
            "mixed_model": lambda: mixed_model(scores, waves=["pre", "post", "follow_up"]),
            "scores": lambda: None,
        }
        step = steps[args.step]
    build = time.perf_counter() - start
    extra = None
    if args.trace:  # numpy and pandas report their buffers to tracemalloc
        tracemalloc.start()
        step()
        extra = round(tracemalloc.get_traced_memory()[1] / 2**30, 3)
        tracemalloc.stop()
    best = cpu = float("inf")
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        step()
        best = min(best, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    print(json.dumps({"participants": args.participants, "rows": rows, "step": args.step,
                      "categorical": args.categorical, "build_s": round(build, 2),
                      "step_s": round(best, 3), "step_cpu_s": round(cpu, 3), "step_peak_extra_gib": extra}))  # fmt: skip


if __name__ == "__main__":
    main()
