"""`make bench`: one cohort from 1,000 to 1,000,000 participants, stage by stage, into RESULTS.md.

Usage: .venv/bin/python benchmarks/bench_national.py [--sizes "1000 10000 100000 1000000"]
       [--timeout 1800] [--memory-limit-gib 20] [--reuse-raw /work/scale]

For each size: seeded synthetic raw data (``synthesise_scaled``) cached under
``benchmarks/.data/<n>/`` (git-ignored; generated when missing, or linked from ``--reuse-raw
ROOT/<n>/data/raw`` when that holds the same cohort), then each stage of
``national_stages.py`` in a process of its own (wall time of the stage's own work; peak
resident memory of the process tree, sampled from /proc and from ``wait4``), then the whole
``python -m evaluation evaluate`` command from the raw CSV. Every process gets a time limit and a
memory guard (``RLIMIT_AS`` and the sampled tree); a stage that passes either is recorded as
``timeout`` or ``out of memory`` after so many seconds, never a crash. At 1,000 and 10,000
participants the pingouin comparison runs too. Writes ``benchmarks/RESULTS.md`` and
``benchmarks/results.png`` from this run's numbers only. First of all (on a machine not yet warmed
by the large sizes), ``bench_floor.py`` times the command at cohort 2's size against its floor
(issue 13's 1.3×), unless ``--skip-floor``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks.national_results import (  # noqa: E402
    DEFAULT_SIZES,
    GIB,
    STAGES,
    TARGETS,
    Run,
    StageResult,
    bench_command,
    merge_runs,
    parse_sizes,
    results_markdown,
)

PROGRAMME, COHORT = "leading-to-deliver", 2
#: The package's code as measured: the last commit that touched evaluation/, notebooks/ or params/.
PACKAGE_COMMIT = "evaluation (git commit of evaluation/, notebooks/, params/)"
PINGOUIN_SIZES = (1_000, 10_000)
PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            with open(f"/proc/{entry}/statm") as f:
                rss[int(entry)] = int(f.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total


def run_process(cmd: list[str], *, timeout: float, limit: int, log: Path, cwd: Path = ROOT) -> dict:
    """Run ``cmd`` in its own session under a time limit and a memory guard.

    Returns ``status`` (``ok``, ``timeout``, ``out of memory``, ``failed``), ``wall`` seconds,
    ``peak_bytes`` (the larger of the sampled tree and the children's ``ru_maxrss``) and
    ``returncode``.
    """
    def guard() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env,
                                preexec_fn=guard, start_new_session=True)
        peak, killed = 0, None
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, _tree_rss(proc.pid))
            if time.perf_counter() - start > timeout:
                killed = "timeout"
            elif peak > limit:
                killed = "out of memory"
            if killed:
                os.killpg(proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.2)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    peak = max(peak, usage.ru_maxrss * 1024)
    text = log.read_text(errors="replace")
    if killed:
        result = killed
    elif proc.returncode == 0:
        result = "ok"
    elif proc.returncode == -signal.SIGKILL:
        result = "killed"  # from outside: on a shared machine, the system's out-of-memory killer
    elif proc.returncode == 3 or "MemoryError" in text or "Cannot allocate memory" in text:
        result = "out of memory"
    else:
        result = "failed"
    why = {"timeout": f"time limit {timeout:g} s", "out of memory": f"process tree above the {limit / GIB:g} GiB guard",
           None: "SIGKILL from outside the benchmark, e.g. the system's out-of-memory killer" if result == "killed" else ""}
    return {"status": result, "wall": wall, "peak_bytes": peak, "returncode": proc.returncode,
            "last_line": (text.strip().splitlines() or [""])[-1][:200], "guard": why.get(killed, "")}


def bench_params(data_root: Path) -> Path:
    """The repository's parameters with ``max_raw_file_bytes`` raised (national files are large)."""
    params = data_root / "params"
    shutil.rmtree(params, ignore_errors=True)
    shutil.copytree(ROOT / "params", params)
    programme = params / PROGRAMME / "programme.yaml"
    text = programme.read_text()
    if "max_raw_file_bytes" not in text:
        programme.write_text(text.rstrip("\n") + "\nmax_raw_file_bytes: 100000000000\n")
    return params


def _marker(raw: Path) -> dict:
    path = raw / PROGRAMME / "SYNTHETIC.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def ensure_data(n: int, data_root: Path, params: Path, *, reuse: Path | None, timeout: float, limit: int) -> Path:
    """``data_root/<n>/data`` with the cohort's raw CSV: cached, linked from ``reuse``, or generated."""
    data = data_root / str(n) / "data"
    raw = data / "raw"
    if _marker(raw).get("participants") == n:
        return data
    if raw.is_symlink():
        raw.unlink()
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    if reuse is not None and _marker(reuse / str(n) / "data" / "raw").get("participants") == n:
        raw.symlink_to((reuse / str(n) / "data" / "raw").resolve(), target_is_directory=True)
        print(f"{n:>9,}: raw data linked from {raw.resolve()}", flush=True)
        return data
    code = ("import sys; from evaluation.data.synthetic.scaled import synthesise_scaled; "
            f"synthesise_scaled({str(data)!r}, {str(params)!r}, {n})")
    done = run_process([sys.executable, "-c", code], timeout=timeout, limit=limit, log=data_root / f"{n}.generate.log")
    if done["status"] != "ok":
        raise RuntimeError(f"generating {n:,} participants: {done['status']} ({done['last_line']}); "
                           f"see {data_root / f'{n}.generate.log'}")
    print(f"{n:>9,}: generated raw data in {done['wall']:.0f} s", flush=True)
    return data


def _stage_command(stage: str, n: int, data: Path, params: Path, out: Path, python: str) -> list[str]:
    if stage == "evaluate":
        return [python, "-m", "evaluation", "evaluate", "--programme", PROGRAMME, "--cohort", str(COHORT),
                "--data-dir", str(data), "--params-dir", str(params), "--reports-dir", str(data.parent / "reports")]
    return [python, str(HERE / "national_stages.py"), stage, "--data-dir", str(data), "--params-dir", str(params),
            "--out", str(out)]


def run_stage(stage: str, n: int, data: Path, params: Path, args: argparse.Namespace) -> tuple[StageResult, dict]:
    """One stage at one size, in its own process; the result and the child's own JSON."""
    work = data.parent
    out = work / f"{stage}.json"
    out.unlink(missing_ok=True)
    if stage in ("ingest", "evaluate"):
        shutil.rmtree(data / "processed", ignore_errors=True)
        shutil.rmtree(work / "reports", ignore_errors=True)
    python = args.pingouin_python if stage == "pingouin" else sys.executable
    done = run_process(_stage_command(stage, n, data, params, out, python), timeout=args.timeout,
                       limit=int(args.memory_limit_gib * GIB), log=work / f"{stage}.log")
    child = json.loads(out.read_text()) if out.is_file() else {}
    status = child.get("status", done["status"]) if done["status"] not in ("timeout", "out of memory", "killed") \
        else done["status"]
    seconds = child.get("seconds", done["wall"]) if stage not in ("evaluate", "pingouin") else done["wall"]
    message = "" if status == "ok" else (done["guard"] or child.get("message")
                                         or (done["last_line"] if status == "failed" else ""))
    return StageResult(n, stage, status, seconds, done["peak_bytes"], message), child


def machine(load_at_start: float | None = None) -> dict:
    info = {"cores": os.cpu_count(), "system": platform.platform(),
            "load": f"{load_at_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
            if load_at_start is not None else ""}
    try:
        meminfo = Path("/proc/meminfo").read_text()
        info["memory_gib"] = round(int(meminfo.split("MemTotal:")[1].split()[0]) * 1024 / GIB, 1)
        cpuinfo = Path("/proc/cpuinfo").read_text()
        info["cpu"] = next(line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name"))
    except (OSError, StopIteration, IndexError):
        info.setdefault("cpu", platform.processor() or platform.machine())
    return info


def versions() -> dict:
    out = {"python": platform.python_version()}
    for name in ("numpy", "pandas", "pyarrow", "scipy", "statsmodels", "matplotlib", "pingouin"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    git = ["git", "-C", str(ROOT)]
    try:
        commit = subprocess.run([*git, "log", "-1", "--format=%h", "--", "evaluation", "notebooks", "params"],
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run([*git, "status", "--porcelain", "--", "evaluation", "notebooks", "params"],
                               capture_output=True, text=True, check=True).stdout.strip()
        out[PACKAGE_COMMIT] = commit + (" with uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        out[PACKAGE_COMMIT] = "unknown"
    return out


def plot(results: list[StageResult], path: Path) -> None:
    """Time and peak memory against participants, log–log, one line per stage, the targets marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FormatStrFormatter, NullFormatter

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5))
    for stage in STAGES:
        done = sorted((r for r in results if r.stage == stage and r.ok), key=lambda r: r.size)
        if not done:
            continue
        style = {"linewidth": 3, "color": "black"} if stage == "evaluate" else {"linewidth": 1.2}
        sizes = [r.size for r in done]
        left.plot(sizes, [r.seconds for r in done], marker="o", label=stage, **style)
        right.plot(sizes, [r.peak_bytes / GIB for r in done], marker="o", label=stage, **style)
    stopped = [r for r in results if r.status in ("timeout", "out of memory", "killed") and r.seconds and r.peak_bytes]
    for ax, values in ((left, [r.seconds for r in stopped]), (right, [r.peak_bytes / GIB for r in stopped])):
        if stopped:  # where a stage was stopped: at least this long / this large
            ax.plot([r.size for r in stopped], values, marker="x", markersize=10, color="black", linestyle="none",
                    label="stopped (time limit or memory): at least")
    for n, (seconds, memory) in TARGETS.items():
        left.plot([n], [seconds], marker="*", markersize=14, color="red", linestyle="none")
        if memory:
            right.plot([n], [memory / GIB], marker="*", markersize=14, color="red", linestyle="none")
    whole = sorted((r for r in results if r.stage == "evaluate" and r.ok), key=lambda r: r.size)
    if whole:  # linear growth through the whole command's smallest size, for comparison
        span = [whole[0].size, 1_000_000]
        left.plot(span, [whole[0].seconds * n / whole[0].size for n in span], linestyle="--", color="grey",
                  label="linear growth")
    for ax, label in ((left, "seconds (wall clock)"), (right, "peak memory (GiB)")):
        ax.set(xscale="log", yscale="log", xlabel="participants in the cohort", ylabel=label)
        ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
        ax.yaxis.set_minor_formatter(NullFormatter() if ax is left else FormatStrFormatter("%g"))
        ax.grid(True, which="both", alpha=0.3)
    left.set_title("time per stage (red stars: the issue's targets)")
    right.set_title("peak resident memory per stage")
    if left.get_legend_handles_labels()[0]:
        left.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _skip(stage: str, n: int, results: list[StageResult]) -> str:
    """Why ``stage`` is not run at ``n`` (ingest failed; or it already failed at a smaller size)."""
    if stage not in ("ingest", "evaluate", "pingouin"):
        ingest = next((r for r in results if r.size == n and r.stage == "ingest"), None)
        if ingest is not None and not ingest.ok:
            return "ingest did not complete"
    stopped = next((r for r in results if r.stage == stage and r.size < n and r.status in ("timeout", "out of memory")), None)
    return f"{stopped.status} at {stopped.size:,}" if stopped else ""


def measure_floor(args: argparse.Namespace) -> dict:
    """``bench_floor.py``'s numbers (its JSON), or what stopped it."""
    if args.skip_floor:
        return {}
    cmd = [sys.executable, str(HERE / "bench_floor.py"), "--repeat", str(args.floor_repeat)]
    print(" ".join(cmd), flush=True)
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "message": f"after {args.timeout:.0f} s"}
    if done.returncode:
        return {"status": "failed", "message": (done.stderr.strip().splitlines() or ["no message"])[-1]}
    floor = json.loads(done.stdout[done.stdout.index("{"):])
    print(f"floor {floor['floor']} s, command {floor['evaluate_command']} s: ratio {floor['ratio']}", flush=True)
    return floor


def measure(args: argparse.Namespace) -> Run:
    """Run every stage at every size; after each stage, write RESULTS.md, the plot and
    ``<data-root>/run.json`` (for ``--from-json``)."""
    sizes = parse_sizes(args.sizes)
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_at_start = os.getloadavg()[0]
    args.data_root.mkdir(parents=True, exist_ok=True)
    params = bench_params(args.data_root)
    limit = int(args.memory_limit_gib * GIB)
    results: list[StageResult] = []
    pingouin: dict[int, dict] = {}
    floor = measure_floor(args)
    for n in sizes:
        data = ensure_data(n, args.data_root, params, reuse=args.reuse_raw, timeout=args.timeout, limit=limit)
        stages = [s for s in STAGES if s in args.stages and s != "evaluate"]
        stages += ["pingouin"] if n in PINGOUIN_SIZES and "ingest" in args.stages else []  # it reads ingest's output
        stages += ["evaluate"] if "evaluate" in args.stages else []
        for stage in stages:
            why = _skip(stage, n, results)
            if why:
                result, child = StageResult(n, stage, "skipped", None, None, why), {}
            else:
                result, child = run_stage(stage, n, data, params, args)
            if stage == "pingouin":
                pingouin[n] = child if result.ok else {"status": result.status, "message": result.message}
            else:
                results.append(result)
            print(f"{n:>9,} {stage:<16} {result.cell():>12}  {(result.peak_bytes or 0) / GIB:6.2f} GiB", flush=True)
            # after every stage, so that a run stopped later still leaves its numbers
            run = Run(started=started, command=bench_command(sizes[:sizes.index(n) + 1]),
                      machine=machine(load_at_start), versions=versions(), results=results, pingouin=pingouin,
                      sizes=sizes[:sizes.index(n) + 1], floor=floor)
            write(run, args)
            saved = {**asdict(run), "results": [asdict(r) for r in results]}
            (args.data_root / "run.json").write_text(json.dumps(saved, indent=1, default=str))
    return run


def write(run: Run, args: argparse.Namespace) -> None:
    """RESULTS.md and the plot from ``run``."""
    args.results.write_text(results_markdown(run))
    plot(list(run.results), args.plot)
    print(f"wrote {args.results} and {args.plot}", flush=True)


def load_run(path: Path) -> Run:
    """A run saved by :func:`measure` (to rewrite RESULTS.md from its numbers)."""
    saved = json.loads(Path(path).read_text())
    return Run(started=saved["started"], command=saved["command"], machine=saved["machine"],
               versions=saved["versions"], results=[StageResult(**r) for r in saved["results"]],
               pingouin={int(n): p for n, p in saved["pingouin"].items()}, sizes=saved["sizes"],
               floor=saved.get("floor", {}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=[" ".join(map(str, DEFAULT_SIZES))],
                        help="cohort sizes, e.g. \"1000 10000\" (default: 1,000 to 1,000,000)")
    parser.add_argument("--stages", nargs="+", choices=STAGES, default=list(STAGES))
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per stage (default 1800)")
    parser.add_argument("--memory-limit-gib", type=float, default=20.0, help="memory guard per stage (default 20)")
    parser.add_argument("--data-root", type=Path, default=HERE / ".data")
    parser.add_argument("--reuse-raw", type=Path, default=None,
                        help="a folder with <n>/data/raw from synthesise_scaled, linked instead of generating")
    parser.add_argument("--pingouin-python", default=sys.executable, help="python with pingouin installed")
    parser.add_argument("--skip-floor", action="store_true", help="do not time the command against its floor")
    parser.add_argument("--floor-repeat", type=int, default=3, help="bench_floor.py's --repeat (default 3)")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--plot", type=Path, default=HERE / "results.png")
    parser.add_argument("--from-json", type=Path, nargs="+", default=None,
                        help="rewrite RESULTS.md and the plot from runs' saved numbers (their run.json; "
                             "several runs of the same versions are merged, the later winning)")
    args = parser.parse_args(argv)
    if args.from_json:
        write(merge_runs([load_run(p) for p in args.from_json]), args)
    else:
        measure(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
