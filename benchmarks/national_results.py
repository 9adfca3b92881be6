"""The numbers of `make bench` and how they are written: sizes, growth exponents, RESULTS.md.

Pure functions (no timing, no subprocesses) so that ``tests/test_bench.py`` can check them:
:func:`parse_sizes` reads ``SIZES``, :func:`fit_exponent` fits the slope of log time on log
participants, :func:`thresholds` extrapolates where one machine would no longer do, and
:func:`results_markdown` writes ``benchmarks/RESULTS.md`` from a run's results only.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from benchmarks.floor_results import floor_lines

#: The sizes of a full run (participants in one cohort).
DEFAULT_SIZES = (1_000, 10_000, 100_000, 1_000_000)
#: Stages in the order they run and are tabled; ``evaluate`` is the issue's target.
STAGES = ("ingest", "load", "outcome_tables", "cost_tables", "equity_tables", "outcome_figures", "evaluate")
STAGE_WORDS = {
    "ingest": "ingest (raw CSV → processed Parquet: validate, pseudonymise, score, reliability)",
    "load": "load (`load_cohort_data`)",
    "outcome_tables": "outcome tables (`outcome_report.build`)",
    "cost_tables": "cost tables (`cost_report.build`)",
    "equity_tables": "equity tables (`equity_report.build`)",
    "outcome_figures": "outcome figures (the six figure calls of `notebooks/cohort_evaluation.py`, to PNG)",
    "evaluate": "**the whole command** `python -m evaluation evaluate` (raw CSV → three reports)",
}
GIB = 1024**3
#: The issue's targets for the whole command: participants → (seconds, bytes or None).
TARGETS = {100_000: (30.0, None), 1_000_000: (300.0, 8 * GIB)}
#: The machine size the targets are set for.
MACHINE_BYTES = 24 * GIB
_SUFFIX = {"": 1, "k": 1_000, "m": 1_000_000}


def parse_sizes(text: str | Iterable[str]) -> list[int]:
    """Cohort sizes from ``SIZES`` ("1000 10000", "1e5", "100k", "1M", commas or spaces).

    Returns the distinct sizes in increasing order; raises ``ValueError`` naming the bad value.
    """
    words = text.replace(",", " ").split() if isinstance(text, str) else [w for t in text for w in
                                                                           t.replace(",", " ").split()]
    if not words:
        raise ValueError("SIZES: no size given (e.g. SIZES=\"1000 10000\")")
    sizes = set()
    for word in words:
        match = re.fullmatch(r"(\d[\d_]*(?:\.\d+)?(?:e\d+)?)([kKmM]?)", word.strip())
        if not match:
            raise ValueError(f"SIZES: {word!r} is not a number of participants (e.g. 1000, 1e5, 100k, 1M)")
        value = float(match.group(1).replace("_", "")) * _SUFFIX[match.group(2).lower()]
        if value != int(value) or value < 1:
            raise ValueError(f"SIZES: {word!r} is not a whole number of participants of at least 1")
        sizes.add(int(value))
    return sorted(sizes)


def fit_exponent(sizes: Sequence[float], values: Sequence[float]) -> float | None:
    """Least-squares slope of log(value) on log(size): the growth exponent b of value ≈ a·size^b.

    Pairs with a missing, zero or negative value are left out; ``None`` when fewer than two
    distinct sizes remain (one size has no slope).
    """
    pairs = [(math.log(s), math.log(v)) for s, v in zip(sizes, values, strict=True)
             if s and s > 0 and v is not None and math.isfinite(v) and v > 0]
    if len({x for x, _ in pairs}) < 2:
        return None
    mx = sum(x for x, _ in pairs) / len(pairs)
    my = sum(y for _, y in pairs) / len(pairs)
    sxx = sum((x - mx) ** 2 for x, _ in pairs)
    return sum((x - mx) * (y - my) for x, y in pairs) / sxx


@dataclass(frozen=True)
class StageResult:
    """One stage at one size: ``status`` is ``ok``, ``timeout``, ``out of memory``, ``killed`` (from
    outside the benchmark), ``failed`` or ``skipped``."""

    size: int
    stage: str
    status: str
    seconds: float | None = None  # the stage's own time (ok), or when it stopped
    peak_bytes: int | None = None  # peak resident memory of the stage's process tree
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def cell(self) -> str:
        """The time cell of the results table: seconds, or what happened and when."""
        if self.ok:
            return _seconds(self.seconds)
        after = f" after {self.seconds:.0f} s" if self.seconds is not None else ""
        return f"{self.status}{after}" + (f" ({self.message})" if self.message else "")


@dataclass(frozen=True)
class Run:
    """Everything RESULTS.md says: when, on what, the stage results, the pingouin comparison."""

    started: str
    command: str
    machine: Mapping[str, Any]
    versions: Mapping[str, str]
    results: Sequence[StageResult]
    pingouin: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)
    sizes: Sequence[int] = DEFAULT_SIZES
    floor: Mapping[str, Any] = field(default_factory=dict)  # bench_floor.py's numbers (empty: not measured)


def bench_command(sizes: Sequence[int]) -> str:
    """The command that regenerates a run of ``sizes``."""
    sizes = sorted(sizes)
    return "make bench" + ("" if tuple(sizes) == DEFAULT_SIZES else f" SIZES=\"{' '.join(map(str, sizes))}\"")


def merge_runs(runs: Sequence[Run]) -> Run:
    """Several runs of the same versions as one (e.g. the smaller sizes, then 1,000,000 alone).

    For a size × stage measured more than once the later run's result is kept. Runs of different
    versions (a package commit, a library) are refused: their numbers do not share one table.
    """
    if not runs:
        raise ValueError("merge_runs: no run given")
    first = runs[0]
    for other in runs[1:]:
        if dict(other.versions) != dict(first.versions):
            changed = sorted(k for k in {*first.versions, *other.versions}
                             if first.versions.get(k) != other.versions.get(k))
            raise ValueError(f"runs of {first.started} and {other.started} differ in {', '.join(changed)}: "
                             "their numbers cannot share one table")
    if len(runs) == 1:
        return first
    results: dict[tuple[int, str], StageResult] = {}
    pingouin: dict[int, Mapping[str, Any]] = {}
    floor: Mapping[str, Any] = {}
    for run in runs:
        results.update({(r.size, r.stage): r for r in run.results})
        pingouin.update(run.pingouin)
        floor = run.floor or floor
    sizes = sorted({n for run in runs for n in run.sizes})
    loads = [run.machine.get("load") for run in runs if run.machine.get("load")]
    machine = {**first.machine, "load": "; ".join(loads)} if loads else first.machine
    return Run(started=" and ".join(dict.fromkeys(run.started for run in runs)), command=bench_command(sizes),
               machine=machine, versions=first.versions,
               results=sorted(results.values(), key=lambda r: (r.size, STAGES.index(r.stage))),
               pingouin=dict(sorted(pingouin.items())), sizes=sizes, floor=floor)


def _seconds(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:.3g}" if value < 100 else f"{value:.0f}"


def _gib(value: float | None) -> str:
    return "—" if value is None else f"{value / GIB:.2f}"


def exponents(results: Sequence[StageResult], what: str = "seconds") -> dict[str, float | None]:
    """The growth exponent of each stage over the sizes it completed (``seconds`` or ``peak_bytes``)."""
    out = {}
    for stage in STAGES:
        done = [r for r in results if r.stage == stage and r.ok]
        out[stage] = fit_exponent([r.size for r in done], [getattr(r, what) for r in done])
    return out


def _extrapolate(done: Sequence[StageResult], what: str, exponent: float | None, limit: float) -> float | None:
    """The size at which ``what`` (seconds or peak_bytes) reaches ``limit``: the smaller of the
    power law through the largest size (value·(n/size)^exponent) and the straight line through
    the two largest sizes (a fixed part and a marginal cost per participant). None without growth;
    infinity when the power law would pass any float (a nearly flat stage) and the line is flat.
    """
    last = done[-1]
    value = getattr(last, what)
    if not value or value <= 0:
        return None
    if value >= limit:
        return float(last.size)
    candidates = []
    if exponent is not None and exponent > 0:
        # in logarithms: a nearly flat stage (exponent 0.01) would overflow a float, and reaches
        # the limit at no size a population could have (infinity)
        log_size = math.log(last.size) + math.log(limit / value) / exponent
        candidates.append(math.exp(log_size) if log_size < math.log(sys.float_info.max) else math.inf)
    if len(done) >= 2:
        before = done[-2]
        marginal = (value - getattr(before, what)) / (last.size - before.size)
        if marginal > 0:
            candidates.append(last.size + (limit - value) / marginal)
    return min(candidates) if candidates else None


def thresholds(results: Sequence[StageResult], stage: str = "evaluate") -> dict[str, Any]:
    """Where one machine stops: sizes at which ``stage`` would pass 5 min, 1 h, 8 GiB and 24 GiB.

    Extrapolated from the completed sizes (see :func:`_extrapolate`: the more cautious of the
    fitted power law and the straight line through the two largest sizes); a value is None when
    it cannot be extrapolated (one size and no growth).
    """
    done = sorted((r for r in results if r.stage == stage and r.ok), key=lambda r: r.size)
    if not done:
        return {"stage": stage, "largest": None}
    last = done[-1]
    b_time = exponents(results)[stage]
    b_mem = exponents(results, "peak_bytes")[stage]
    return {
        "stage": stage, "largest": last.size, "seconds": last.seconds, "peak_bytes": last.peak_bytes,
        "time_exponent": b_time, "memory_exponent": b_mem,
        "seconds_per_participant": last.seconds / last.size,
        "bytes_per_participant": (last.peak_bytes or 0) / last.size,
        "size_at_5_min": _extrapolate(done, "seconds", b_time, 300.0),
        "size_at_1_hour": _extrapolate(done, "seconds", b_time, 3600.0),
        "size_at_8_gib": _extrapolate(done, "peak_bytes", b_mem, 8 * GIB),
        "size_at_24_gib": _extrapolate(done, "peak_bytes", b_mem, MACHINE_BYTES),
    }


def _people(n: float | None) -> str:
    if n is None:
        return "not extrapolable from this run"
    if n > 1e10:  # more participants than people on Earth: the stage's growth is nearly flat
        return "no size of any workforce (its growth is nearly flat)"
    if n >= 1e6:
        return f"about {n / 1e6:.3g} million participants"
    return f"about {n:,.0f} participants"


def _exp(b: float | None) -> str:
    return "—" if b is None else f"{b:.2f}"


def results_table(results: Sequence[StageResult], sizes: Sequence[int]) -> list[str]:
    """Markdown rows: one per stage, seconds and peak GiB for each size, and the exponent."""
    by_key = {(r.size, r.stage): r for r in results}
    head = "| stage | " + " | ".join(f"{n:,}: s / GiB" for n in sizes) + " | exponent (time) |"
    lines = [head, "|---|" + "---|" * len(sizes) + "---|"]
    fitted = exponents(results)
    for stage in STAGES:
        if not any(r.stage == stage for r in results):
            continue
        cells = []
        for n in sizes:
            r = by_key.get((n, stage))
            cells.append("not run" if r is None else f"{r.cell()} / {_gib(r.peak_bytes)}")
        lines.append(f"| {STAGE_WORDS[stage]} | " + " | ".join(cells) + f" | {_exp(fitted[stage])} |")
    return lines


def target_lines(results: Sequence[StageResult]) -> list[str]:
    """The issue's targets against the whole command's numbers of this run."""
    lines = []
    for n, (limit, memory) in TARGETS.items():
        r = next((r for r in results if r.stage == "evaluate" and r.size == n), None)
        want = f"under {limit:.0f} s" + (f" and {memory / GIB:.0f} GiB" if memory else "")
        if r is None:
            lines.append(f"- {n:,} participants, {want}: not measured in this run.")
            continue
        if not r.ok:
            lines.append(f"- {n:,} participants, {want}: **missed** ({r.cell()}).")
            continue
        met = r.seconds < limit and (memory is None or (r.peak_bytes or 0) < memory)
        lines.append(f"- {n:,} participants, {want}: {'met' if met else '**missed**'} "
                     f"({_seconds(r.seconds)} s, {_gib(r.peak_bytes)} GiB).")
    b = exponents(results)["evaluate"]
    done = [r.size for r in results if r.stage == "evaluate" and r.ok]
    stopped = sorted(r.size for r in results if r.stage == "evaluate" and not r.ok and done and r.size > max(done))
    verdict = "" if b is None else (" (**missed**)" if b > 1.05 or stopped else " (met)")
    lines.append(f"- growth no faster than linear: fitted exponent of the whole command {_exp(b)}{verdict}"
                 + (f", over the sizes it completed only: it did not complete at "
                    f"{', '.join(f'{n:,}' for n in stopped)}" if stopped and b is not None else "") + ".")
    return lines


def scale_out_lines(results: Sequence[StageResult]) -> list[str]:
    """Item 6 of the issue: where one machine would no longer do, from this run's growth."""
    t = thresholds(results)
    if t["largest"] is None:
        return ["The whole command completed at no size in this run: nothing to extrapolate."]
    per_stage = {stage: thresholds(results, stage) for stage in STAGES if stage != "evaluate"}
    per_stage = {k: v for k, v in per_stage.items() if v["largest"] is not None}

    def first(key: str) -> str:
        reached = {k: v[key] for k, v in per_stage.items() if v[key] is not None}
        if not reached:
            return "no stage (none can be extrapolated)"
        stage = min(reached, key=reached.get)
        return f"{STAGE_WORDS[stage].split(' (')[0]} ({_people(reached[stage])})"

    lines = [
        f"From the largest size the whole command completed ({t['largest']:,} participants: "
        f"{_seconds(t['seconds'])} s, {_gib(t['peak_bytes'])} GiB, i.e. {t['seconds_per_participant'] * 1e3:.3g} ms "
        f"and {t['bytes_per_participant'] / 1024:.3g} KiB per participant) and the fitted exponents "
        f"(time {_exp(t['time_exponent'])}, memory {_exp(t['memory_exponent'])}), this machine "
        "would reach (each size the more cautious of the fitted power law and the straight line "
        "through the two largest sizes, which allows for a fixed part such as the imports):",
        "",
        f"- 5 minutes (the issue's interactive target) at {_people(t['size_at_5_min'])};",
        f"- 1 hour (an overnight batch is still one machine) at {_people(t['size_at_1_hour'])};",
        f"- 8 GiB (the issue's memory target) at {_people(t['size_at_8_gib'])};",
        f"- 24 GiB (the machine's memory) at {_people(t['size_at_24_gib'])}.",
        "",
        "Whichever of the 24 GiB and 1 hour sizes comes first is where one machine no longer does "
        "for one cohort (for scale: the UK public sector employs several million people). Stage by "
        "stage, each extrapolated from its own largest completed size along its own exponents:",
        "",
        "| stage | largest size done | time exponent | memory exponent | 1 hour at | 24 GiB at |",
        "|---|---|---|---|---|---|",
        *(f"| {STAGE_WORDS[k].split(' (')[0]} | {v['largest']:,} | {_exp(v['time_exponent'])} | "
          f"{_exp(v['memory_exponent'])} | {_people(v['size_at_1_hour'])} | {_people(v['size_at_24_gib'])} |"
          for k, v in per_stage.items()),
        "",
        f"The first stage to need more than the machine's 24 GiB would be {first('size_at_24_gib')}; "
        f"the first to take more than an hour, {first('size_at_1_hour')}. "
        "(The report stages' memory includes the loaded cohort.)",
        "",
        "What would move, and to which existing engine:",
        "",
        "- **Ingest** (reading the raw CSV, the contract's checks, pseudonymisation, scoring) is "
        "row-wise over the answers (117 per participant with the shipped instrument) and holds them in "
        "memory: it would move to DuckDB (embedded, no server) over Parquet partitioned by programme, cohort "
        "and wave, each rule a SQL query that returns the failing rows with file, row and column, and "
        "scoring a group-by over participant × scale × wave × rater; beyond one disk, the same "
        "queries on Dask or Spark over the partitions.",
        "- **Group-bys feeding the tables** (attrition flow, breakdowns, equity counts, the "
        "disclosure audit's cell counts, reliability's item covariances) are sums over participants: "
        "the same DuckDB queries, returning small tables.",
        "- **The per-scale statistics stay on one machine**: paired t, its CI, d_z, d_av, g_av, d_rm "
        "and reliable change need only n, Σd, Σd², Σx, Σx², Σy², Σxy per scale × comparison × rater; "
        "Wilcoxon's W+ and tie correction need the counts of each distinct |d| (averaged Likert "
        "scores take few values); the random-intercept REML fit needs per-participant sums; the "
        "g_av bootstrap would become a Poisson bootstrap over partitions (or the Algina interval).",
        "- **Figures and reports** draw from those small tables and samples of at most a few "
        "thousand pairs: unchanged.",
    ]
    return lines


def pingouin_lines(pingouin: Mapping[int, Mapping[str, Any]]) -> list[str]:
    """The pingouin comparison: times, speed ratios, agreement of the numbers."""
    if not pingouin:
        return ["Not run in this run (the comparison runs at 1,000 and 10,000 participants)."]
    lines = ["| participants | rows (scale × comparison × rater) | pingouin loop | workbench per-scale "
             "(`paired_change`) | workbench table route (`outcomes_table`) | pingouin / per-scale | "
             "pingouin / table route |", "|---|---|---|---|---|---|---|"]
    notes = []
    for n, p in sorted(pingouin.items()):
        if p.get("status", "ok") != "ok":
            lines.append(f"| {n:,} | — | {p.get('status')} {p.get('message', '')} | — | — | — | — |")
            continue
        t = p["seconds"]
        lines.append(f"| {n:,} | {p['rows']} | {_seconds(t['pingouin'])} s | {_seconds(t['per_scale'])} s | "
                     f"{_seconds(t['table'])} s | {t['pingouin'] / t['per_scale']:.3g}× | "
                     f"{t['pingouin'] / t['table']:.3g}× |")
        notes.append(p["max_abs_diff"])
    lines += ["", "Largest absolute difference over every row (pingouin − workbench):", "",
              "| statistic | " + " | ".join(f"{n:,}" for n, p in sorted(pingouin.items())
                                               if p.get("status", "ok") == "ok") + " | convention |",
              "|---|" + "---|" * len(notes) + "---|"]
    for name, words in PINGOUIN_STATISTICS.items():
        lines.append(f"| {name} | " + " | ".join(f"{d[name]:.2g}" for d in notes) + f" | {words} |")
    done = {n: p for n, p in sorted(pingouin.items()) if p.get("status", "ok") == "ok"}
    rounded = ", ".join(f"{p['wilcoxon_p_scipy_on_rounded']:.2g} at {n:,}" for n, p in done.items()
                        if "wilcoxon_p_scipy_on_rounded" in p)
    if rounded:
        lines += ["", "scipy's Wilcoxon as pingouin calls it, on the differences rounded to 9 decimals as the "
                  f"workbench rounds them: largest difference from the workbench's p {rounded}."]
    return lines


#: What each compared statistic is, and whether the conventions agree.
PINGOUIN_STATISTICS = {
    "mean_change": "same (pingouin reports no mean change: the midpoint of its CI)",
    "change_ci_low": "same (t(n − 1) interval, `ttest(...)['CI95']`; pingouin rounds it to 2 decimals "
                     "unless `pingouin.options['round.column.CI95'] = None`, as set here)",
    "change_ci_high": "same",
    "t": "same (paired t, df = n − 1)",
    "p_value": "same (two-sided t)",
    "wilcoxon_p": "close, not identical: pingouin (scipy's normal approximation, tie-corrected, with "
                  "continuity correction) ranks the raw doubles, where floating-point noise splits ties "
                  "and keeps zeros of averaged Likert scores; the workbench ranks differences rounded to "
                  "9 decimals (as R's `wilcox.test` on them); see the line below the table",
    "wilcoxon_w": "differs by convention: pingouin reports min(W+, W−) (scipy's two-sided statistic), "
                  "the workbench W+ (R's V)",
    "hedges": "differs by convention: pingouin's paired `hedges` divides by the root mean square of "
              "the two SDs, √((sd_pre² + sd_post²)/2); the workbench's g_av by their mean (Lakens 2013 "
              "eq. 10); both apply 1 − 3/(8n − 9)",
}


def results_markdown(run: Run) -> str:
    """RESULTS.md: written from ``run`` only (never edited by hand)."""
    sizes = list(run.sizes)
    partial = sorted(set(DEFAULT_SIZES) - set(sizes))
    m, v = run.machine, run.versions
    lines = [
        "# Benchmark results: one cohort from 1,000 to 1,000,000 participants",
        "",
        f"Written by `benchmarks/bench_national.py` from the numbers of the run of {run.started} "
        f"only; do not edit by hand. Regenerate with `{run.command}` (`make bench` runs every size; "
        "`make bench SIZES=\"1000 10000\"` a subset).",
        "",
    ]
    if partial:
        lines += [f"**Partial run**: sizes {', '.join(f'{n:,}' for n in sizes)} only (not measured: "
                  f"{', '.join(f'{n:,}' for n in partial)}). The exponents and thresholds below are fitted "
                  "over the sizes measured.", ""]
    lines += [
        f"Machine: {m.get('cpu', '?')}, {m.get('cores', '?')} cores, {m.get('memory_gib', '?')} GiB memory, "
        f"{m.get('system', '?')}"
        + (f"; load average (1 min) {m['load']}: other work on the machine inflates the times, which are "
           "upper bounds" if m.get("load") else "")
        + ". Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()) + ".",
        "",
        "## Time and peak memory per stage",
        "",
        "Seconds (wall clock) / peak resident memory in GiB. Each stage runs in its own process "
        "with a time limit and a memory guard (a stage stopped by either is tabled as `timeout` or "
        "`out of memory` with the time and memory it had reached); the time is the stage's own work (imports, and for "
        "the report stages loading the cohort, excluded), the memory the peak of the whole process "
        "tree (for the report stages it includes the loaded cohort). The whole command is timed "
        "from outside: imports, ingest from the raw CSV (the processed data are deleted first), "
        "the three report notebooks and their HTML. The exponent is the least-squares slope of "
        "log time on log participants over the sizes that completed.",
        "",
        *results_table(run.results, sizes),
        "",
        "![time and memory against participants, log–log](results.png)",
        "",
        "## The issue's targets (2 cores, 24 GiB)",
        "",
        *target_lines(run.results),
        *([floor_lines(run.floor)[-1]] if run.floor.get("ratio") is not None else []),
        "",
        "## `make evaluate` against its floor (cohort 2's size)",
        "",
        *floor_lines(run.floor),
        "",
        "## pingouin beside the workbench",
        "",
        "The same per-scale statistics for every scale × comparison × rater of the cohort's "
        "outcomes table, from the same complete pairs: a plain pingouin loop (`ttest(paired=True)`, "
        "`wilcoxon`, `compute_effsize(paired=True, eftype='hedges')`) against (a) the workbench's "
        "per-scale function `paired_change` on the same arrays and (b) its table route from long "
        "format, `outcomes_table` with the cohort's settings (it also validates the long table, "
        "pairs the waves, bootstraps g_av's interval with 2,000 resamples, computes reliable change "
        "and Holm's adjustment, which the pingouin loop does not). Seconds, minimum of 2 repeats.",
        "",
        *pingouin_lines(run.pingouin),
        "",
        "## Where one machine would no longer do",
        "",
        *scale_out_lines(run.results),
        "",
    ]
    return "\n".join(lines)
