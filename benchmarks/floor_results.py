"""`make bench`'s floor section: the evaluate command at cohort 2's size against its floor.

Issue 13: "At cohort 2's size, `make evaluate` within 1.3× its floor (the slowest report
notebook's kernel start, imports and rendering: report both)". ``benchmarks/bench_floor.py``
measures both on the shipped data and prints them as JSON; :func:`floor_lines` writes them into
RESULTS.md from that run's numbers (nothing here is timed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: The issue's target: the command within this many times its floor.
FLOOR_TARGET = 1.3

#: The report notebooks, as bench_floor.py names them, and as a reader knows them.
NOTEBOOK_TITLES = {"cohort_evaluation": "outcomes", "cost_per_participant": "costs", "equity_of_access": "equity"}


def floor_lines(floor: Mapping[str, Any]) -> list[str]:
    """RESULTS.md's section on the command against its floor, from ``bench_floor.py``'s JSON.

    ``floor`` is empty when the run did not measure it, or ``{"status": ..., "message": ...}``
    when the measurement failed.

    Examples
    --------
    >>> floor = {"kernel_start": 0.33, "floor": 1.55, "floor_cpu": 1.5, "evaluate_command": 4.33,
    ...          "evaluate_command_cpu": 7.7, "ratio": 2.8, "ratio_if_every_core_busy": 2.5,
    ...          "load_average": [0.4, 0.5, 0.6], "floor_by_notebook": {"cohort_evaluation": {
    ...              "kernel_start_and_imports": 1.3, "imports": 0.97, "render_page": 0.25, "sum": 1.55}}}
    >>> print(floor_lines(floor)[-1])
    - `make evaluate` within 1.3× its floor: **missed** (4.33 s against a floor of 1.55 s: 2.8×; 2.5× if the command's 7.7 CPU-seconds kept both cores busy throughout).
    >>> floor["floor_by_notebook"]["cohort_evaluation"]["own_work_cpu"] = 5.3
    >>> floor.update(own_work_cpu=5.3, cores=2, least_command=4.2, least_ratio=2.71)
    >>> print(floor_lines(floor)[-3])
    The three notebooks' own work (their tables and figures: each whole notebook's CPU time less its trivial notebook's): 5.3 CPU-seconds (outcomes 5.30). It needs the notebooks' imports and comes before their pages' rendering, and the machine's cores share it at best, so the command cannot take much less than the floor plus that work over the cores: 4.20 s, 2.7× the floor. Within 1.3× the floor needs that work under 0.9 CPU-seconds (0.3 × the floor on each of 2 cores).
    >>> print(floor_lines(floor)[-1])
    - `make evaluate` within 1.3× its floor: **missed** (4.33 s against a floor of 1.55 s: 2.8×; 2.5× if the command's 7.7 CPU-seconds kept both cores busy throughout).
    """
    if not floor:
        return ["Not measured in this run (`bench_national.py --skip-floor`)."]
    if floor.get("status", "ok") != "ok":
        return [f"Not measured: {floor.get('status')} {floor.get('message', '')}".rstrip() + "."]
    lines = [
        "`benchmarks/bench_floor.py` on the shipped data (Leading to Deliver, cohort 2: 104 participants), "
        "least of its repeats. The **floor** of a report notebook is a kernel's start, the notebook's own "
        "imports (its parameters cell and import statements, executed as `evaluate` executes notebooks) "
        "and the rendering of its published page to HTML; the floor is the slowest notebook's. The "
        "**command** is `python -m evaluation evaluate --programme leading-to-deliver --cohort 2` with the "
        "processed data up to date: the three report notebooks, their pages and the disclosure audit.",
        "",
        "| report notebook | kernel start and imports | of which imports | rendering its page | floor (sum) |",
        "|---|---|---|---|---|",
    ]
    slowest = max(floor["floor_by_notebook"].items(), key=lambda item: item[1]["sum"])[0]
    for stem, f in floor["floor_by_notebook"].items():
        mark = " (slowest)" if stem == slowest else ""
        lines.append(f"| {NOTEBOOK_TITLES.get(stem, stem)}{mark} | {f['kernel_start_and_imports']:.2f} s | "
                     f"{f['imports']:.2f} s | {f['render_page']:.2f} s | {f['sum']:.2f} s |")
    load = floor.get("load_average")
    lines += [
        "",
        f"A kernel's start alone: {floor['kernel_start']:.2f} s. Floor {floor['floor']:.2f} s "
        f"({floor['floor_cpu']:.2f} CPU-seconds); the command {floor['evaluate_command']:.2f} s "
        f"({floor['evaluate_command_cpu']:.1f} CPU-seconds, its kernels included)"
        + (f"; load average {', '.join(f'{x:.1f}' for x in load)} at the end" if load else "") + ".",
    ]
    if "least_command" in floor:
        lines += [
            "",
            f"The three notebooks' own work (their tables and figures: each whole notebook's CPU time less its "
            f"trivial notebook's): {floor['own_work_cpu']:.1f} CPU-seconds ("
            + ", ".join(f"{NOTEBOOK_TITLES.get(stem, stem)} {f['own_work_cpu']:.2f}"
                        for stem, f in floor["floor_by_notebook"].items())
            + f"). It needs the notebooks' imports and comes before their pages' rendering, and the "
            f"machine's cores share it at best, so the command cannot take much less than the floor plus that work "
            f"over the cores: {floor['least_command']:.2f} s, {floor['least_ratio']:.2g}× the floor. Within "
            f"{FLOOR_TARGET}× the floor needs that work under "
            f"{(FLOOR_TARGET - 1) * floor['floor'] * floor['cores']:.1f} CPU-seconds "
            f"({FLOOR_TARGET - 1:.1f} × the floor on each of {floor['cores']} cores).",
        ]
    lines += ["", target_line(floor)]
    return lines


def target_line(floor: Mapping[str, Any]) -> str:
    """The issue's floor target, met or missed, with both numbers."""
    met = floor["ratio"] <= FLOOR_TARGET
    return (f"- `make evaluate` within {FLOOR_TARGET}× its floor: {'met' if met else '**missed**'} "
            f"({floor['evaluate_command']:.2f} s against a floor of {floor['floor']:.2f} s: {floor['ratio']:.2g}×; "
            f"{floor['ratio_if_every_core_busy']:.2g}× if the command's {floor['evaluate_command_cpu']:.1f} "
            "CPU-seconds kept both cores busy throughout).")
