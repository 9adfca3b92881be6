"""`evaluate` against its floor, on the shipped data (issue 13: within 1.3 times the floor).

    .venv/bin/python benchmarks/bench_floor.py --repeat 3

The **floor** is what one report notebook cannot avoid: a kernel's start, the notebook's own
imports and the rendering of its page. For each of the three report notebooks a trivial notebook
is made of its parameters cell and its import statements (nothing computed, nothing drawn) and
executed with papermill as ``evaluate`` executes notebooks (kernel ``python3``, IPC sockets); its
page is the notebook's own executed page, as the command publishes it, rendered to HTML with the
report template (``render_page``); the floor is the slowest notebook's sum. Also printed: the
floor with the trivial notebook's near-empty page instead (``floor_empty_page``, the measure of
stop 23 and before, and ``ratio_empty_page``). The **whole command** is ``python -m evaluation
evaluate --programme leading-to-deliver --cohort 2`` in a fresh interpreter, processed data up to
date. Each number is the minimum of ``--repeat`` runs (a page's rendering: with the exporter's
templates compiled, as for every page after a process's first). With ``--skip-command`` there
are no executed pages: the floor is then the empty-page floor.

Also measured: each notebook's **own work** (``own_work_cpu``: the CPU seconds of the whole
notebook, executed as above, less those of its trivial notebook: its tables and figures). That
work needs the notebook's imports and comes before its page's rendering, and two cores share it
at best, so the command cannot take much less than the floor plus the three notebooks' own work over
the cores (``least_command``, ``least_ratio``).

Works on a copy of the shipped raw data in a temporary folder (ingested once there, before the
timings), never in the repository's data/ or reports/. Also printed: CPU seconds (user + system,
kernels included) of the floor's notebooks and of the command, and their ratio, which a loaded
machine disturbs less than wall time (on two idle cores the command's wall time cannot be less
than half its CPU time: ``ratio_if_every_core_busy`` is the ratio it would have then).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ("cohort_evaluation", "cost_per_participant", "equity_of_access")


def trivial_notebook(source: Path, *, imports: bool = True):
    """The notebook's parameters cell and its import statements (in order), in two code cells
    (``imports=False``: the parameters cell alone, for the kernel's start)."""
    import nbformat

    nb = nbformat.read(source, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code"]
    parameters = next(c for c in cells if "parameters" in c.metadata.get("tags", []))
    statements = "\n".join(ast.unparse(node) for c in cells for node in ast.parse(c.source).body
                            if isinstance(node, (ast.Import, ast.ImportFrom)))
    out = nbformat.v4.new_notebook(metadata=nb.metadata)
    out.cells = [nbformat.v4.new_code_cell(parameters.source, metadata=parameters.metadata),
                 nbformat.v4.new_code_cell(statements if imports else "pass")]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programme", default="leading-to-deliver")
    parser.add_argument("--cohort", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-command", action="store_true", help="time the floor only")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):  # as `python -m evaluation`
        os.environ.setdefault(name, "1")

    import nbformat
    import papermill

    from evaluation.data.ingest import ingest
    from evaluation.publish.kernels import kernel_config, kernel_manager_class
    from evaluation.publish.rendering import render_html

    tmp = Path(tempfile.mkdtemp(prefix="bench-floor-"))
    data, params, reports = tmp / "data", ROOT / "params", tmp / "reports"
    shutil.copytree(ROOT / "data" / "raw", data / "raw")
    for folder in sorted(p for p in (data / "raw").iterdir() if (params / p.name / "programme.yaml").is_file()):
        ingest(folder.name, data_dir=data, params_dir=params)
    parameters = {"programme": args.programme, "cohort": args.cohort, "data_dir": str(data),
                  "params_dir": str(params), "output_dir": ""}
    results: dict = {"floor_by_notebook": {}}
    spent: dict[str, float] = {}  # least CPU seconds of each trivial notebook's run (kernel included)

    def cpu() -> float:
        """CPU seconds of this process and its finished children (the kernels, once shut down)."""
        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    def execute(nb, name: str, output_dir: str = "") -> float:
        source, executed = tmp / f"{name}.ipynb", tmp / f"{name}.out.ipynb"
        nbformat.write(nb, source)
        cpu_start, start = cpu(), time.perf_counter()
        papermill.execute_notebook(str(source), str(executed), kernel_name="python3", progress_bar=False,
                                   log_output=False, config=kernel_config(tmp / "sockets" / name),
                                   kernel_manager_class=kernel_manager_class(),
                                   parameters={**parameters, "output_dir": output_dir},
                                   request_save_on_cell_execute=False, cwd=str(tmp))
        spent[name] = min(spent.get(name, float("inf")), cpu() - cpu_start)
        return time.perf_counter() - start

    def rendered(nb, html: Path) -> tuple[float, float]:
        """The least wall and CPU seconds of rendering ``nb`` to ``html`` in ``--repeat`` runs."""
        walls, cpus = [], []
        for _ in range(args.repeat):
            cpu_start, start = cpu(), time.perf_counter()
            render_html(nb, html)
            walls.append(time.perf_counter() - start)
            cpus.append(cpu() - cpu_start)
        return min(walls), min(cpus)

    empty = trivial_notebook(ROOT / "notebooks" / f"{NOTEBOOKS[0]}.ipynb", imports=False)
    results["kernel_start"] = round(min(execute(empty, "empty") for _ in range(args.repeat)), 3)
    for stem in NOTEBOOKS:
        nb = trivial_notebook(ROOT / "notebooks" / f"{stem}.ipynb")
        run = min(execute(nb, stem) for _ in range(args.repeat))
        render, render_cpu = rendered(nbformat.read(tmp / f"{stem}.out.ipynb", as_version=4), tmp / f"{stem}.html")
        results["floor_by_notebook"][stem] = {
            "kernel_start_and_imports": round(run, 3), "imports": round(run - results["kernel_start"], 3),
            "render_empty_page": round(render, 3), "sum_empty_page": round(run + render, 3),
            "cpu_empty_page": round(spent[stem] + render_cpu, 3)}
    # each notebook's own work: the whole notebook's CPU time less its trivial notebook's
    for stem in NOTEBOOKS:
        nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
        for _ in range(args.repeat):
            execute(nb, f"{stem}.whole", output_dir=str(tmp / "published" / stem))  # as `evaluate`: files written
        results["floor_by_notebook"][stem]["own_work_cpu"] = round(spent[f"{stem}.whole"] - spent[stem], 3)
    results["own_work_cpu"] = round(sum(f["own_work_cpu"] for f in results["floor_by_notebook"].values()), 3)
    results["floor_empty_page"] = results["floor"] = max(
        f["sum_empty_page"] for f in results["floor_by_notebook"].values())
    results["floor_cpu"] = max(f["cpu_empty_page"] for f in results["floor_by_notebook"].values())

    if not args.skip_command:
        command = [sys.executable, "-m", "evaluation", "evaluate", "--programme", args.programme, "--cohort",
                   str(args.cohort), "--data-dir", str(data), "--params-dir", str(params), "--reports-dir",
                   str(reports)]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        walls, cpus = [], []
        for _ in range(args.repeat):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, env=env)
            walls.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if done.returncode:
                raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr}")
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        results["evaluate_command"] = round(min(walls), 3)
        results["evaluate_command_cpu"] = round(min(cpus), 3)
        # each notebook's own page, as the command published it
        published = reports / args.programme / f"cohort-{args.cohort}"
        for stem, floor in results["floor_by_notebook"].items():
            render, render_cpu = rendered(nbformat.read(published / f"{stem}.ipynb", as_version=4),
                                          tmp / f"{stem}.page.html")
            floor.update(render_page=round(render, 3), sum=round(floor["kernel_start_and_imports"] + render, 3),
                         cpu=round(spent[stem] + render_cpu, 3))
        results["floor"] = max(f["sum"] for f in results["floor_by_notebook"].values())
        results["floor_cpu"] = max(f["cpu"] for f in results["floor_by_notebook"].values())
        results["ratio"] = round(results["evaluate_command"] / results["floor"], 2)
        results["ratio_empty_page"] = round(results["evaluate_command"] / results["floor_empty_page"], 2)
        results["cpu_ratio"] = round(results["evaluate_command_cpu"] / results["floor_cpu"], 2)
        # the least ratio the command's CPU time allows: all of it spread over every core, no core idle
        results["ratio_if_every_core_busy"] = round(results["evaluate_command_cpu"] / os.cpu_count() / results["floor"], 2)
        # the least ratio the notebooks' own work allows: it needs their imports, and is spread over
        # every core; the floor's kernel start, imports and rendering come before and after it
        results["cores"] = os.cpu_count()
        results["least_command"] = round(results["floor"] + results["own_work_cpu"] / results["cores"], 3)
        results["least_ratio"] = round(results["least_command"] / results["floor"], 2)
    results["load_average"] = [round(x, 1) for x in os.getloadavg()]
    results["machine"] = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
