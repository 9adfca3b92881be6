"""CPU time of every figure of a cohort's three report notebooks: built and rendered to PNG.

Usage: .venv/bin/python benchmarks/bench_figures.py [--cohort 2] [--repeat 5] [--save DIR] [--compare DIR]

Runs the code cells of ``notebooks/cohort_evaluation.py``, ``cost_per_participant.py`` and
``equity_of_access.py`` in this process (output to a temporary folder), on the shipped data
copied and ingested into a temporary folder (or on ``--data-dir``'s processed data), recording
every call of a figure function of ``evaluation.viz`` (``outcome_plots``, ``cost_plots``,
``equity_plots``) with its arguments. Then it times each recorded call again, building the
figure and rendering its PNG (``Plot.png``, as the notebooks publish it), and prints one JSON
object: per figure and per notebook, the minimum over the repeats of the CPU seconds
(``time.process_time``, this process only).

``--save DIR`` writes each figure's PNG as the notebook names it (``DIR/<name>.png``);
``--compare DIR`` decodes each figure's PNG and the one of that name in ``DIR`` (saved by an
earlier run, e.g. on another commit) and reports the largest difference of any pixel channel
(0: pixel-identical) and how many pixels differ.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import io
import json
import os
import platform
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ("cohort_evaluation", "cost_per_participant", "equity_of_access")
KEY = "0123456789abcdef0123456789abcdef"  # the synthetic data's pseudonymisation key, as in the tests


def notebook_code(name: str, parameters: dict[str, object]) -> str:
    """The code cells of ``notebooks/<name>.py``, with ``parameters`` set after its parameters cell."""
    import jupytext

    notebook = jupytext.read(ROOT / "notebooks" / f"{name}.py")
    cells = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        cells.append(cell.source)
        if "parameters" in cell.metadata.get("tags", []):
            cells.append("\n".join(f"{key} = {value!r}" for key, value in parameters.items()))
    return "\n\n".join(cells) + "\n"


def record_figures(code: dict[str, str]) -> list[dict]:
    """Run each notebook's code; every figure function's call, its notebook and published name."""
    from evaluation.publish.publisher import Publisher
    from evaluation.viz import cost_plots, equity_plots, outcome_plots

    calls: list[dict] = []
    by_plot: dict[int, dict] = {}
    current = {"notebook": ""}
    saved: list[tuple[object, str, object]] = []

    def recorder(module, name, func):
        def record(*args, **kwargs):
            plot = func(*args, **kwargs)
            call = {"notebook": current["notebook"], "function": f"{module.__name__.rsplit('.', 1)[-1]}.{name}",
                    "func": func, "args": args, "kwargs": kwargs, "name": None}
            calls.append(call)
            by_plot[id(plot)] = call
            return plot
        return record

    for module in (outcome_plots, cost_plots, equity_plots):
        for name in module.__all__:
            func = getattr(module, name)
            if inspect.isfunction(func) and "ax" in inspect.signature(func).parameters:
                saved.append((module, name, func))
                setattr(module, name, recorder(module, name, func))
    original_figure = Publisher.figure

    def figure(self, plot, name):
        if id(plot) in by_plot:
            by_plot[id(plot)]["name"] = name
        return original_figure(self, plot, name)

    Publisher.figure = figure
    try:
        for notebook, source in code.items():
            current["notebook"] = notebook
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(source, f"notebooks/{notebook}.py", "exec"), {"__name__": "__main__"})
    finally:
        Publisher.figure = original_figure
        for module, name, func in saved:
            setattr(module, name, func)
    return [c for c in calls if c["name"] is not None]


def cpu_seconds(func, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        func()
        best = min(best, time.process_time() - start)
    return best


def pixel_difference(png: bytes, path: Path) -> dict[str, object]:
    """The largest difference of a channel of any pixel between ``png`` and the file at ``path``."""
    import numpy as np
    from PIL import Image

    if not path.exists():
        return {"max_difference": None, "pixels_differing": None, "note": "no such figure saved"}
    new = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"), dtype=np.int16)
    old = np.asarray(Image.open(path).convert("RGBA"), dtype=np.int16)
    if new.shape != old.shape:
        return {"max_difference": None, "pixels_differing": None, "note": f"size {old.shape} -> {new.shape}"}
    diff = np.abs(new - old)
    return {"max_difference": int(diff.max()), "pixels_differing": int((diff.max(axis=2) > 0).sum()),
            "bytes_identical": png == path.read_bytes()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--programme", default="leading-to-deliver")
    parser.add_argument("--cohort", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--data-dir", type=Path, help="processed data up to date (default: the shipped raw "
                        "data copied and ingested into a temporary folder)")
    parser.add_argument("--params-dir", type=Path, default=ROOT / "params")
    parser.add_argument("--save", type=Path, help="write each figure's PNG here")
    parser.add_argument("--compare", type=Path, help="compare each figure's pixels with the PNG of its name here")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    import matplotlib

    matplotlib.use("agg")
    tmp = Path(tempfile.mkdtemp(prefix="bench-figures-"))
    try:
        data = args.data_dir
        if data is None:
            from evaluation.data.ingest import ingest

            os.environ.setdefault("EVALUATION_ID_KEY", KEY)
            data = tmp / "data"
            shutil.copytree(ROOT / "data" / "raw", data / "raw")
            for programme in sorted(p.name for p in (data / "raw").iterdir() if (args.params_dir / p.name).is_dir()):
                ingest(programme, data_dir=data, params_dir=args.params_dir)  # the comparison reads every programme
        parameters = {"programme": args.programme, "cohort": args.cohort, "data_dir": str(data),
                      "params_dir": str(args.params_dir), "output_dir": str(tmp / "out")}
        code = {name: notebook_code(name, parameters) for name in NOTEBOOKS}
        calls = record_figures(code)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    figures, totals = [], dict.fromkeys(NOTEBOOKS, 0.0)
    for call in calls:
        def draw(call=call):
            return call["func"](*call["args"], **call["kwargs"]).png

        draw()  # warm: fonts, caches
        build = cpu_seconds(lambda call=call: call["func"](*call["args"], **call["kwargs"]), args.repeat)
        whole = cpu_seconds(draw, args.repeat)
        row = {"notebook": call["notebook"], "figure": call["name"], "function": call["function"],
               "build": round(build, 4), "build_and_png": round(whole, 4)}
        png = draw()
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            (args.save / f"{call['name']}.png").write_bytes(png)
        if args.compare:
            row.update(pixel_difference(png, args.compare / f"{call['name']}.png"))
        figures.append(row)
        totals[call["notebook"]] += whole
    print(json.dumps({
        "programme": args.programme, "cohort": args.cohort, "repeat": args.repeat,
        "figures": figures, "cpu_seconds_by_notebook": {k: round(v, 3) for k, v in totals.items()},
        "cpu_seconds_all_figures": round(sum(totals.values()), 3),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "matplotlib": matplotlib.__version__, "load_average": os.getloadavg(),
    }, indent=1))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
