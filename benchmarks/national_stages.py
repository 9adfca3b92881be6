"""One stage of `make bench`, run in a process of its own by ``bench_national.py``.

Usage: python benchmarks/national_stages.py STAGE --data-dir D --params-dir P --out result.json

Writes ``{"status": "ok", "seconds": ..., "setup_seconds": ...}`` (or ``"out of memory"`` /
``"failed"`` with a message) to ``--out``. ``seconds`` is the stage's own work: imports and, for
the report stages, loading the cohort are ``setup_seconds``. The ``pingouin`` stage writes the
comparison of a plain pingouin loop with the workbench's per-scale statistics.
"""

from __future__ import annotations

import argparse
import inspect
import json
import time
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROGRAMME, COHORT = "leading-to-deliver", 2
STAGES = ("ingest", "load", "outcome_tables", "cost_tables", "equity_tables", "outcome_figures", "pingouin")


def _load(args: argparse.Namespace):
    from evaluation.data.cohort import load_cohort_data

    return load_cohort_data(args.programme, args.cohort, data_dir=args.data_dir, params_dir=args.params_dir)


def _figures(data) -> Callable[[], int]:
    """The six figure calls of ``notebooks/cohort_evaluation.py``, rendered to PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from evaluation.core.vocabulary import COMPARISONS
    from evaluation.data.cohort import scale_info
    from evaluation.reports import outcome_report
    from evaluation.viz import outcome_plots as plots

    tables = outcome_report.outcome_tables(data)
    titles, first, level = data.titles, data.cohort.comparisons[0], data.cohort.confidence_level
    level2 = [s for s, row in scale_info(data).iterrows() if row["kirkpatrick_level"] == 2]
    earlier, later = COMPARISONS[first]
    out = tables["outcomes"]
    # the notebook passes the cohort's seed where the plot samples pairs (after issue 13's figures work)
    sample = ({"seed": data.cohort.bootstrap.seed}
              if "seed" in inspect.signature(plots.paired_change_plot).parameters else {})

    def draw() -> int:
        made = [plots.forest_plot(out, comparison=first, rater="self", titles=titles, confidence_level=level)]
        if ((out["comparison"] == first) & (out["rater"] == "line_manager")).any():
            made.append(plots.forest_plot(out, comparison=first, rater="line_manager", titles=titles,
                                          confidence_level=level))
        made.append(plots.paired_change_plot(data.scale_scores, scales=level2, earlier=earlier, later=later,
                                             titles=titles, **sample))
        made.append(plots.reliable_change_chart(out, comparison=first, titles=titles))
        if "mixed_model" in tables:
            made.append(plots.wave_means_plot(data.scale_scores, waves=[w for w in data.cohort.waves if w != "then"],
                                              titles=titles))
        flow = tables["attrition"][tables["attrition"]["section"] == "flow"]
        made.append(plots.attrition_flow(flow))
        size = sum(len(p.png) for p in made)
        plt.close("all")
        return size

    return draw


def prepare(stage: str, args: argparse.Namespace) -> Callable[[], Any]:
    """Everything before the timed part (imports, loading); returns the timed call."""
    if stage == "ingest":
        from evaluation.data.ingest import ingest

        return lambda: ingest(args.programme, data_dir=args.data_dir, params_dir=args.params_dir)
    if stage == "load":
        import evaluation.data.cohort  # noqa: F401  (the import is setup, not the stage)

        return lambda: _load(args)
    if stage == "pingouin":
        from benchmarks.pingouin_compare import compare

        data = _load(args)
        return lambda: compare(data)
    data = _load(args)
    if stage == "outcome_tables":
        from evaluation.reports import outcome_report

        return lambda: outcome_report.build(data)
    if stage == "cost_tables":
        from evaluation.reports import cost_report

        return lambda: cost_report.build(data, data_dir=args.data_dir, params_dir=args.params_dir)
    if stage == "equity_tables":
        from evaluation.reports import equity_report

        return lambda: equity_report.build(data)
    if stage == "outcome_figures":
        return _figures(data)
    raise ValueError(f"stage must be one of {STAGES}; got {stage!r}")


def run(stage: str, args: argparse.Namespace) -> dict[str, Any]:
    """Run one stage; the result as written to ``--out``."""
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            call = prepare(stage, args)
            setup = time.perf_counter() - start
            began = time.perf_counter()
            value = call()
            seconds = time.perf_counter() - began
    except MemoryError:
        return {"status": "out of memory", "seconds": time.perf_counter() - start, "message": "MemoryError"}
    except Exception as exc:  # noqa: BLE001  (a failure is a result of the benchmark)
        first = (str(exc).splitlines() or [""])[0][:200]
        return {"status": "failed", "seconds": time.perf_counter() - start,
                "message": f"{type(exc).__name__}: {first}", "traceback": traceback.format_exc()[-2000:]}
    out = {"status": "ok", "seconds": seconds, "setup_seconds": setup}
    if stage == "pingouin":
        out.update(value)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage", choices=STAGES)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--params-dir", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--programme", default=PROGRAMME)
    parser.add_argument("--cohort", type=int, default=COHORT)
    args = parser.parse_args(argv)
    result = run(args.stage, args)
    args.out.write_text(json.dumps(result, indent=1, default=str))
    return {"ok": 0, "out of memory": 3}.get(result["status"], 1)


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    raise SystemExit(main())
