"""Wall time of `evaluate` for one cohort, and of its parts.

Usage: .venv/bin/python benchmarks/bench_evaluate.py [--cohort 2] [--repeat 3]

Works in a temporary folder (synthetic data generated there), never in the repository's data/
or reports/. Prints one JSON object: the minimum over the repeats of each part, in seconds.
Parts: kernel start (IPC kernel until ready), imports inside the kernel, computation of the
outcome tables and findings (in-process, warm), figures, HTML rendering, and the whole command
`python -m evaluation evaluate` as a commissioner runs it (processed data already up to date).

The floor (issue 13): for each report notebook, a kernel's start, that notebook's own imports in
it (the import statements of its code cells, run in a fresh kernel) and the rendering of its
executed copy to HTML; the floor is the slowest notebook's sum, and the ratio is the whole
command over it.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(func, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return round(best, 3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cohort", type=int, default=2)
    parser.add_argument("--programme", default="leading-to-deliver")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    from jupyter_client.manager import KernelManager

    from evaluation.data.cohort import load_cohort_data
    from evaluation.data.ingest import ingest
    from evaluation.data.synthetic import synthesise
    from evaluation.publish.pipeline import render_html
    from evaluation.reports import outcome_report as report
    from evaluation.viz import outcome_plots as plots

    tmp = Path(tempfile.mkdtemp(prefix="bench-evaluate-"))
    data, params, reports = tmp / "data", ROOT / "params", tmp / "reports"
    synthesise(data, params)
    results: dict[str, float | str] = {}
    results["ingest"] = timed(lambda: ingest(args.programme, data_dir=data, params_dir=params), 1)

    def start_kernel():
        km = KernelManager(kernel_name="python3", transport="ipc", ip=str(tmp / "kernel"))
        km.start_kernel()
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=120)
        return km, kc

    def kernel_start():
        km, kc = start_kernel()
        kc.stop_channels()
        km.shutdown_kernel(now=True)

    results["kernel_start"] = timed(kernel_start, args.repeat)

    def kernel_imports():
        km, kc = start_kernel()
        try:
            start = time.perf_counter()
            kc.execute_interactive("import evaluation.reports.outcome_report, evaluation.viz.outcome_plots", timeout=120)
            return time.perf_counter() - start
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)

    results["imports_in_kernel"] = round(min(kernel_imports() for _ in range(args.repeat)), 3)

    def compute():
        d = load_cohort_data(args.programme, args.cohort, data_dir=data, params_dir=params)
        t = report.outcome_tables(d)
        report.outcome_findings(t, d)
        return d, t

    results["computation_outcomes"] = timed(compute, args.repeat)
    d, t = compute()
    from evaluation.reports import cost_report, equity_report

    results["computation_costs"] = timed(lambda: cost_report.cost_findings_for(d) and cost_report.cost_tables(
        d, data_dir=data, params_dir=params), args.repeat)
    results["computation_equity"] = timed(lambda: equity_report.equity_tables(d), args.repeat)

    def figures():
        import io

        first = d.cohort.comparisons[0]
        for plot in (plots.forest_plot(t["outcomes"], comparison=first), plots.reliable_change_chart(t["outcomes"])):
            plot.figure.savefig(io.BytesIO(), format="png")

    results["figures"] = timed(figures, args.repeat)

    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    command = [sys.executable, "-m", "evaluation", "evaluate", "--programme", args.programme, "--cohort",
               str(args.cohort), "--data-dir", str(data), "--params-dir", str(params), "--reports-dir", str(reports)]

    def evaluate_command() -> None:
        done = subprocess.run(command, capture_output=True, text=True, env=env)
        if done.returncode:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr}")

    results["evaluate_command"] = timed(evaluate_command, args.repeat)
    folder = reports / args.programme / f"cohort-{args.cohort}"
    notebooks = sorted(folder.glob("*.ipynb"))
    results["render_html"] = timed(lambda: [render_html(nb, tmp / f"{nb.stem}.html") for nb in notebooks],
                                   args.repeat)

    def own_imports(notebook: Path) -> str:
        """The import statements of a notebook's code cells, in order."""
        import nbformat

        cells = nbformat.read(notebook, as_version=4).cells
        return "\n".join(ast.unparse(node) for cell in cells if cell.cell_type == "code"
                         for node in ast.parse(cell.source).body if isinstance(node, (ast.Import, ast.ImportFrom)))

    def notebook_imports(code: str) -> float:
        km, kc = start_kernel()
        try:
            start = time.perf_counter()
            reply = kc.execute_interactive(code, timeout=120)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"imports failed: {reply['content']}")
            return time.perf_counter() - start
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)

    floors = {}
    for nb in notebooks:
        imports = round(min(notebook_imports(own_imports(nb)) for _ in range(args.repeat)), 3)
        render = timed(lambda nb=nb: render_html(nb, tmp / f"{nb.stem}.html"), args.repeat)
        floors[nb.stem] = {"kernel_start": results["kernel_start"], "imports": imports, "render_html": render,
                           "sum": round(results["kernel_start"] + imports + render, 3)}
    results["floor_by_notebook"] = floors
    results["floor"] = max(f["sum"] for f in floors.values())
    results["ratio"] = round(results["evaluate_command"] / results["floor"], 2)
    results["notebooks"] = ", ".join(nb.name for nb in notebooks)
    results["machine"] = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
