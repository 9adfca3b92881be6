"""How long the outcome report's statistics take on one (large) cohort, stage by stage.

Usage (the data folder must have been ingested; never ingest into a shared read-only folder):

    .venv/bin/python benchmarks/bench_outcome_report.py --data-dir D --params-dir P [--repeat 2]

Loads cohort 2 of leading-to-deliver from ``D/processed`` and runs
``evaluation.reports.outcome_report.build`` in-process under cProfile, ``--repeat`` times.
Prints, for the fastest run, the wall-clock seconds of the build, the cumulative seconds of its
main stages and the peak resident memory (MiB) of the process. Prints JSON.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import resource
import time
import warnings

#: (label, file suffix, function name) of the stages reported.
STAGES = [
    ("prepare_scores", "outcomes/_common.py", "prepare_scores"),
    ("outcomes_table", "outcomes/table.py", "outcomes_table"),
    ("g_av bootstrap", "outcomes/effect_size.py", "_g_av_interval"),
    ("attrition flow", "outcomes/attrition.py", "attrition"),
    ("baseline_comparison", "outcomes/attrition.py", "baseline_comparison"),
    ("mixed_model", "outcomes/mixed_model.py", "mixed_model"),
    ("disclosure_plan", "reports/disclosure_plan.py", "disclosure_plan"),
    ("breakdowns", "reports/outcome_report.py", "_breakdowns"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--params-dir", required=True)
    parser.add_argument("--programme", default="leading-to-deliver")
    parser.add_argument("--cohort", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    from evaluation.data.cohort import load_cohort_data
    from evaluation.reports import outcome_report

    data = load_cohort_data(args.programme, args.cohort, data_dir=args.data_dir,
                            params_dir=args.params_dir)  # fmt: skip
    best = None
    for _ in range(args.repeat):
        profile = cProfile.Profile()
        start = time.perf_counter()
        profile.enable()
        outcome_report.build(data)
        profile.disable()
        seconds = time.perf_counter() - start
        if best is None or seconds < best[0]:
            best = (seconds, pstats.Stats(profile).stats)
    seconds, stats = best
    stages = {}
    for label, suffix, name in STAGES:
        total = [v[3] for (file, _, func), v in stats.items() if file.endswith(suffix) and func == name]
        if total:
            stages[label] = round(max(total), 2)
    print(json.dumps({
        "participants": int(data.participants.shape[0]),
        "scale_score_rows": int(data.scale_scores.shape[0]),
        "build_seconds": round(seconds, 2),
        "stages_cumulative_seconds": stages,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }, indent=2))


if __name__ == "__main__":
    main()
