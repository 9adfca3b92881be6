"""`make bench`'s arithmetic and writer (benchmarks/national_results.py); nothing here is timed."""

from __future__ import annotations

import math

import numpy as np
import pytest

from benchmarks.national_results import (
    GIB,
    Run,
    StageResult,
    fit_exponent,
    merge_runs,
    parse_sizes,
    results_markdown,
    thresholds,
)

SIZES = [1_000, 10_000, 100_000]


@pytest.mark.parametrize("exponent", [0.5, 1.0, 1.37, 2.0])
def test_fit_exponent_recovers_a_power_law(exponent):
    # value = 0.003 · n^b exactly: the slope of log value on log n is b
    values = [0.003 * n**exponent for n in SIZES]
    assert fit_exponent(SIZES, values) == pytest.approx(exponent, abs=1e-12)


def test_fit_exponent_is_the_least_squares_slope():
    # noisy values: the slope agrees with numpy.polyfit(log n, log t, 1)[0]
    sizes = [1_000, 10_000, 100_000, 1_000_000]
    values = [0.8, 11.0, 95.0, 1300.0]
    reference = np.polyfit(np.log(sizes), np.log(values), 1)[0]
    assert fit_exponent(sizes, values) == pytest.approx(reference, rel=1e-12)


def test_fit_exponent_leaves_out_missing_values_and_needs_two_sizes():
    # a failed size (None, NaN) is left out; the rest is still the exact power law
    assert fit_exponent([1_000, 10_000, 100_000], [2.0, None, 200.0]) == pytest.approx(1.0)
    assert fit_exponent([1_000, 10_000], [2.0, math.nan]) is None
    assert fit_exponent([1_000], [2.0]) is None
    assert fit_exponent([1_000, 1_000], [2.0, 3.0]) is None


@pytest.mark.parametrize(("text", "sizes"), [
    ("1000 10000", [1_000, 10_000]),
    ("10000,1000", [1_000, 10_000]),
    ("1e5 100k 1M 1_000_000", [100_000, 1_000_000]),
    (["1000", "10000 100000"], [1_000, 10_000, 100_000]),
])
def test_parse_sizes(text, sizes):
    assert parse_sizes(text) == sizes


@pytest.mark.parametrize(("text", "named"), [("1000 lots", "'lots'"), ("0", "'0'"), ("1.5", "'1.5'"),
                                             ("-10", "'-10'"), ("", "no size")])
def test_parse_sizes_names_the_bad_value(text, named):
    with pytest.raises(ValueError, match=named):
        parse_sizes(text)


def _fake_run() -> Run:
    # the whole command: 10 s at 1,000 and 100 s at 10,000 (exponent 1); memory 1 → 2 GiB
    results = [
        StageResult(1_000, "ingest", "ok", 2.0, int(0.5 * GIB)),
        StageResult(10_000, "ingest", "ok", 20.0, int(1.0 * GIB)),
        StageResult(1_000, "outcome_tables", "ok", 1.0, int(0.4 * GIB)),
        StageResult(10_000, "outcome_tables", "out of memory", 64.0, int(20 * GIB), "MemoryError"),
        StageResult(1_000, "cost_tables", "timeout", 1800.0, int(0.3 * GIB)),
        StageResult(10_000, "cost_tables", "skipped", None, None, "timeout at 1,000"),
        StageResult(1_000, "evaluate", "ok", 10.0, 1 * GIB),
        StageResult(10_000, "evaluate", "ok", 100.0, 2 * GIB),
    ]
    pingouin = {1_000: {"status": "ok", "rows": 21,
                        "seconds": {"pingouin": 2.0, "per_scale": 0.02, "table": 0.5},
                        "max_abs_diff": {"mean_change": 1e-16, "change_ci_low": 2e-16, "change_ci_high": 2e-16,
                                         "t": 3e-15, "p_value": 1e-17, "wilcoxon_p": 0.01, "wilcoxon_w": 5.0,
                                         "hedges": 1e-4},
                        "wilcoxon_p_scipy_on_rounded": 0.0}}
    return Run(started="2026-11-27 12:00 UTC", command='make bench SIZES="1000 10000"',
               machine={"cpu": "Test CPU", "cores": 2, "memory_gib": 23.5, "system": "Linux"},
               versions={"python": "3.11.7", "numpy": "2.4.6"}, results=results, pingouin=pingouin,
               sizes=[1_000, 10_000])


def test_results_markdown_tables_results_failures_and_exponents():
    text = results_markdown(_fake_run())
    lines = text.splitlines()
    ingest = next(line for line in lines if line.startswith("| ingest"))
    assert ingest.endswith("| 2 / 0.50 | 20 / 1.00 | 1.00 |")
    outcome = next(line for line in lines if line.startswith("| outcome tables"))
    assert "| 1 / 0.40 | out of memory after 64 s (MemoryError) / 20.00 | — |" in outcome
    cost = next(line for line in lines if line.startswith("| cost tables"))
    assert "timeout after 1800 s" in cost and "skipped (timeout at 1,000)" in cost
    whole = next(line for line in lines if line.startswith("| **the whole command**"))
    assert whole.endswith("| 10 / 1.00 | 100 / 2.00 | 1.00 |")
    assert "**Partial run**: sizes 1,000, 10,000 only (not measured: 100,000, 1,000,000)." in text
    assert 'Regenerate with `make bench SIZES="1000 10000"`' in text
    assert "Test CPU, 2 cores, 23.5 GiB memory" in text and "numpy 2.4.6" in text
    assert "fitted exponent of the whole command 1.00 (met)" in text
    # pingouin: 2.0 / 0.02 = 100×, 2.0 / 0.5 = 4.0×
    assert "| 1,000 | 21 | 2 s | 0.02 s | 0.5 s | 100× | 4× |" in text
    assert "largest difference from the workbench's p 0 at 1,000." in text


def test_thresholds_extrapolate_along_the_fitted_growth():
    # time 10 s at 1,000 and 100 s at 10,000: exponent 1 and 0.01 s per extra participant, so
    # both the power law and the line give 300 s at 30,000 and 3600 s at 360,000.
    # memory 1 GiB at 1,000 and 2 GiB at 10,000: exponent log10(2), so the power law reaches
    # 8 GiB at 10,000 · 4^(1/log10 2) = 1,000,000; the line (1 GiB per 9,000 participants) at
    # 10,000 + 6 · 9,000 = 64,000 and 24 GiB at 10,000 + 22 · 9,000 = 208,000: the more cautious wins.
    t = thresholds(_fake_run().results)
    assert t["largest"] == 10_000 and t["time_exponent"] == pytest.approx(1.0)
    assert t["size_at_5_min"] == pytest.approx(30_000)
    assert t["size_at_1_hour"] == pytest.approx(360_000)
    assert t["memory_exponent"] == pytest.approx(math.log10(2))
    assert t["size_at_8_gib"] == pytest.approx(64_000, rel=1e-6)
    assert t["size_at_24_gib"] == pytest.approx(208_000, rel=1e-6)
    text = results_markdown(_fake_run())
    assert "5 minutes (the issue's interactive target) at about 30,000 participants" in text
    assert "24 GiB (the machine's memory) at about 208,000 participants" in text


def test_thresholds_use_the_power_law_when_it_is_the_more_cautious():
    # 1 s at 1,000 and 100 s at 10,000 (exponent 2): the power law gives 300 s at
    # 10,000 · 3^(1/2) = 17,320.5, the line (0.011 s per participant) 28,181.8
    results = [StageResult(1_000, "evaluate", "ok", 1.0, GIB), StageResult(10_000, "evaluate", "ok", 100.0, GIB)]
    t = thresholds(results)
    assert t["time_exponent"] == pytest.approx(2.0)
    assert t["size_at_5_min"] == pytest.approx(10_000 * math.sqrt(3))
    assert t["size_at_8_gib"] is None  # no growth of memory: not extrapolable


def test_a_nearly_flat_stage_reaches_the_limits_at_no_size():
    # the whole command: 1 s at 1,000 and 1.5 s at 10,000 (exponent log10(1.5) = 0.176): the power
    # law reaches 1 hour at 10,000 · 2400^(1/0.176) = 1.6e23, the line (0.5 s per 9,000
    # participants) at 10,000 + 3598.5 · 18,000 = 64.78 million participants, the more cautious.
    # The figures: 1 s at both sizes but for 1e-12 s (exponent 4e-13): the power law passes any
    # float, the line (1.1e-16 s per participant) reaches 1 hour at 3.2e19 participants
    results = [StageResult(1_000, "evaluate", "ok", 1.0, GIB), StageResult(10_000, "evaluate", "ok", 1.5, GIB),
               StageResult(1_000, "outcome_figures", "ok", 1.0, GIB),
               StageResult(10_000, "outcome_figures", "ok", 1.0 + 1e-12, GIB)]
    t = thresholds(results)
    assert t["size_at_1_hour"] == pytest.approx(10_000 + 3598.5 * 18_000)
    flat = thresholds(results, "outcome_figures")
    assert flat["size_at_1_hour"] == pytest.approx(10_000 + 3599 * 9e15, rel=1e-3)
    text = results_markdown(Run(started="2026-01-01T00:00:00", command="make bench", machine=_fake_run().machine,
                                versions=_fake_run().versions, results=results, sizes=[1_000, 10_000]))
    assert "1 hour (an overnight batch is still one machine) at about 64.8 million participants" in text
    assert "| no size of any workforce (its growth is nearly flat) |" in text


def test_a_run_without_the_whole_command_says_so():
    run = _fake_run()
    partial = Run(started=run.started, command=run.command, machine=run.machine, versions=run.versions,
                  results=[r for r in run.results if r.stage != "evaluate"], sizes=run.sizes)
    text = results_markdown(partial)
    assert "The whole command completed at no size in this run" in text
    assert "Not run in this run" in text


def test_merge_runs_keeps_the_later_result_and_refuses_other_versions():
    run = _fake_run()
    later = Run(started="2026-11-27 13:00 UTC", command="make bench SIZES=1000000", machine=run.machine,
                versions=run.versions, sizes=[1_000_000, 10_000],
                results=[StageResult(1_000_000, "evaluate", "ok", 250.0, 6 * GIB),
                         StageResult(10_000, "evaluate", "ok", 90.0, 2 * GIB)])
    merged = merge_runs([run, later])
    assert merged.sizes == [1_000, 10_000, 1_000_000]
    assert merged.command == 'make bench SIZES="1000 10000 1000000"'
    whole = {r.size: r.seconds for r in merged.results if r.stage == "evaluate"}
    assert whole == {1_000: 10.0, 10_000: 90.0, 1_000_000: 250.0}
    assert merged.started == "2026-11-27 12:00 UTC and 2026-11-27 13:00 UTC"
    # a larger size that did not complete: linear growth is not claimed from the smaller ones
    stopped = Run(started="x", command="", machine=run.machine, versions=run.versions, sizes=[100_000],
                  results=[StageResult(100_000, "evaluate", "out of memory", 790.0, 16 * GIB)])
    text = results_markdown(merge_runs([run, stopped]))
    assert ("fitted exponent of the whole command 1.00 (**missed**), over the sizes it completed only: "
            "it did not complete at 100,000.") in text
    other = Run(started="x", command="", machine={}, versions={**run.versions, "numpy": "2.5.0"}, results=[])
    with pytest.raises(ValueError, match="differ in numpy"):
        merge_runs([run, other])


def _floor(command: float, floor: float, cpu: float) -> dict:
    """bench_floor.py's JSON, as it prints it (the fields RESULTS.md uses)."""
    by = {stem: {"kernel_start_and_imports": floor - 0.3 - k / 10, "imports": floor - 0.6 - k / 10,
                 "render_page": 0.3, "sum": floor - k / 10}
          for k, stem in enumerate(("cohort_evaluation", "cost_per_participant", "equity_of_access"))}
    return {"kernel_start": 0.3, "floor_by_notebook": by, "floor": floor, "floor_cpu": floor,
            "evaluate_command": command, "evaluate_command_cpu": cpu, "ratio": round(command / floor, 2),
            "ratio_if_every_core_busy": round(cpu / 2 / floor, 2), "load_average": [0.5, 0.7, 0.9]}


@pytest.mark.parametrize(("command", "verdict"), [(4.33, "**missed** (4.33 s against a floor of 1.55 s: 2.8×"),
                                                  (1.9, "met (1.90 s against a floor of 1.55 s: 1.2×")])
def test_results_markdown_states_the_floor_target_from_the_run(command, verdict):
    run = _fake_run()
    run = Run(**{**run.__dict__, "floor": _floor(command, 1.55, 7.7)})
    text = results_markdown(run)
    assert f"- `make evaluate` within 1.3× its floor: {verdict}" in text
    # beside the other targets, and in its own section with every notebook's parts
    targets = text.split("## The issue's targets")[1].split("##")[0]
    assert "within 1.3× its floor" in targets
    assert "| outcomes (slowest) | 1.25 s | 0.95 s | 0.30 s | 1.55 s |" in text
    assert "| equity | 1.05 s | 0.75 s | 0.30 s | 1.35 s |" in text
    assert "A kernel's start alone: 0.30 s. Floor 1.55 s" in text and "load average 0.5, 0.7, 0.9" in text


def test_a_run_without_the_floor_says_so_and_a_merge_keeps_the_measured_one():
    run = _fake_run()
    assert "Not measured in this run (`bench_national.py --skip-floor`)." in results_markdown(run)
    failed = Run(**{**run.__dict__, "floor": {"status": "failed", "message": "RuntimeError: evaluate failed"}})
    assert "Not measured: failed RuntimeError: evaluate failed." in results_markdown(failed)
    measured = Run(**{**run.__dict__, "floor": _floor(4.0, 2.0, 7.0)})
    later = Run(**{**run.__dict__, "started": "later", "sizes": [1_000_000], "results": []})
    assert merge_runs([measured, later]).floor["ratio"] == 2.0  # the later run did not measure it


def test_the_floor_writer_s_example_runs():
    # benchmarks/ is outside pytest's doctest paths (its scripts import benchmark-only extras)
    import doctest

    import benchmarks.floor_results as floor_results

    result = doctest.testmod(floor_results, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 2 and result.failed == 0
