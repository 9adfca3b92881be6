"""Uncertainty of the cost measures: a seeded bootstrap and one-way sensitivity (tornado).

:func:`bootstrap_costs` resamples participants with their cost and outcome kept together and
gives percentile intervals for the measures into which an outcome measured with error enters
(cost per reliable improver); :func:`tornado` varies one uncertain input at a time (hourly cost
and hours of participants' time, the apportioning of shared costs, the reliable-improvement rate
within its Wilson interval), never a choice of units such as the price base year.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from evaluation.core.checks import check_choice, check_confidence_level
from evaluation.stats.costs._common import _NAN, _warn
from evaluation.stats.costs.ledger import Ledger
from evaluation.stats.costs.measures import (
    BOOTSTRAP_MEASURES,
    BootstrapResult,
    _improved_flags,
    _ratio,
    cost_measures,
)
from evaluation.stats.costs.proportion import wilson_interval  # re-exported: it lived here

__all__ = ["DEFAULT_RANGES", "TORNADO_INPUTS", "TORNADO_MEASURES", "bootstrap_costs", "resampled_totals", "tornado",
           "wilson_interval"]

#: Default one-way sensitivity ranges, as multipliers of the base value (see :func:`tornado`).
DEFAULT_RANGES: dict[str, tuple[float, float]] = {"hourly_cost": (0.8, 1.2), "hours": (0.75, 1.5)}


def resampled_totals(ledger: Ledger, improved: Any, *, resamples: int, seed: int
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The bootstrap resamples of one cohort's participants: each resample's total cost, cash cost
    and number of reliable improvers, as :func:`bootstrap_costs` draws them. ``improved`` is as
    :func:`bootstrap_costs` takes it, or booleans aligned to ``ledger.participants``.

    A resample of the n participants is a multinomial draw of how many times each is picked
    (Multinomial(n; 1/n, …, 1/n)); the totals depend on a participant only through the triple
    (variable cost, time cost, improved), so the counts are drawn over the K distinct triples
    (sorted) with probabilities (participants with it)/n: O(resamples × K) memory and time,
    whatever n. Drawn in chunks with ``numpy.random.default_rng(seed)``, so the first r of R
    resamples are the r resamples asked for alone (the programme's stratified interval relies on
    it: :func:`evaluation.reports.cost_report.cohort.programme_interval`).

    Examples
    --------
    Eight people, a fixed £1,000 and nothing per person: every resample costs £1,000; two improved.

    >>> import warnings
    >>> from evaluation.stats.costs import cost_ledger
    >>> with warnings.catch_warnings():  # no participants' time is costed here: said by a warning
    ...     warnings.simplefilter("ignore")
    ...     ledger = cost_ledger(
    ...         pd.DataFrame({"cohort": [1], "category": ["delivery"], "description": [""], "amount": [1000.0],
    ...                       "price_year": [2024], "basis": ["fixed"]}),
    ...         pd.DataFrame({"participant_id": list("abcdefgh"), "status": "completed"}),
    ...         cohort=1, enrolled={1: 8}, deflators=pd.DataFrame({"year": [2024], "index": [100.0]}), base_year=2024)
    >>> total, cash, improved = resampled_totals(ledger, ["a", "b"], resamples=300, seed=3)
    >>> first, _, few = resampled_totals(ledger, ["a", "b"], resamples=100, seed=3)
    >>> bool((total == 1000.0).all()), bool((few == improved[:100]).all()), float(improved.mean()) > 1.5
    (True, True, True)
    """
    people = ledger.participants
    aligned = isinstance(improved, np.ndarray) and improved.dtype == bool and len(improved) == len(people)
    flags = improved if aligned else _improved_flags(ledger, improved)  # aligned: the caller's own flags
    n = len(people)
    cost = people["variable_cost"].to_numpy(dtype="float64")
    time = people["time_cost"].to_numpy(dtype="float64")
    levels, counts = np.unique(np.column_stack([cost, time, flags.astype("float64")]), axis=0, return_counts=True)
    rng = np.random.default_rng(int(seed))
    chunk = max(1, min(int(resamples), 2_000_000 // max(len(levels), 1)))
    total, cash, improved_n = (np.empty(int(resamples)) for _ in range(3))
    done = 0
    while done < resamples:
        size = min(chunk, int(resamples) - done)
        drawn = rng.multinomial(n, counts / n, size=size).astype("float64")
        total[done:done + size] = ledger.fixed_cost + drawn @ levels[:, 0]
        cash[done:done + size] = total[done:done + size] - drawn @ levels[:, 1]
        improved_n[done:done + size] = drawn @ levels[:, 2]
        done += size
    return total, cash, improved_n


def bootstrap_costs(
    ledger: Ledger,
    improved: Any = None,
    *,
    resamples: int = 2000,
    seed: int = 2005,
    confidence_level: float = 0.95,
) -> BootstrapResult:
    """Seeded non-parametric bootstrap of the cost measures, resampling participants.

    Parameters
    ----------
    ledger : Ledger
    improved : Series of bool or iterable of ids, optional
        Reliable improvers on the primary scale (everyone else: not improved).
    resamples : int, default 2000
        Number of bootstrap resamples (≥ 100).
    seed : int, default 2005
        Seed of :func:`numpy.random.default_rng`; the same seed gives identical results.
    confidence_level : float, default 0.95

    Returns
    -------
    BootstrapResult

    Warns
    -----
    DegenerateDataWarning
        A limit cannot be computed because too many resamples had no completer or no
        reliable improver (the ratio is unbounded there): that limit is NaN.

    Notes
    -----
    Only the measures into which an outcome measured with error enters get an interval
    (:data:`~evaluation.stats.costs.measures.BOOTSTRAP_MEASURES`: the economic and cash cost
    per reliable improver); money that was counted (totals, per place, per completer) has none.
    Campbell & Torgerson (1999), QJM 92:177: resample individuals with their cost and effect
    kept together. Each resample draws ``n`` of the ``n`` enrolled participants with
    replacement, keeping each one's variable cost (per-participant lines + their own time ``t_i``)
    and reliable-improvement flag together; the fixed cost F is not resampled. Then
    ``C* = F + Σ c_i*``, ``C_cash* = C* − Σ t_i*``, and the cost per reliable improver
    ``C*/Σ improved*`` (cash: ``C_cash*/Σ improved*``). The interval is the percentile interval
    (``numpy.quantile``, linear interpolation) at ``(1 − level)/2`` and ``(1 + level)/2``.
    A resample with no completer (improver) has an unbounded ratio: it counts as +∞ when the
    percentiles are taken, and a limit that falls among those resamples is NaN (with a
    warning), never infinite. Point estimates are the observed values, not the bootstrap means.

    A resample of the n participants is a multinomial draw of how many times each is picked
    (Multinomial(n; 1/n, …, 1/n)); the measures depend on a participant only through the
    triple (variable cost, time cost, improved), so the counts are drawn directly over the K
    distinct triples with probabilities (participants with it)/n — the same bootstrap
    distribution in O(resamples × K) rather than O(resamples × n) (K is a few dozen: role levels
    × sessions attended × improved, whatever the cohort's size). The triples are in sorted
    order, so the input's row order does not change the draws. (Before issue 13 each resample
    drew n participant indices: same distribution, another random stream.)

    Examples
    --------
    >>> import warnings
    >>> from evaluation.stats.costs import cost_ledger
    >>> d = pd.DataFrame({"year": [2024], "index": [100.0]})
    >>> c = pd.DataFrame({"cohort": [1], "category": ["delivery"], "description": [""],
    ...                   "amount": [1000.0], "price_year": [2024], "basis": ["fixed"]})
    >>> p = pd.DataFrame({"participant_id": list("abcdefgh"), "status": ["completed"] * 6 + ["withdrew"] * 2})
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     ledger = cost_ledger(c, p, cohort=1, enrolled={1: 8}, deflators=d, base_year=2024)
    ...     a = bootstrap_costs(ledger, ["a", "b", "c"], resamples=500, seed=1)
    ...     b = bootstrap_costs(ledger, ["a", "b", "c"], resamples=500, seed=1)
    >>> a.summary.equals(b.summary)
    True
    >>> row = a.summary.set_index("measure").loc["cost_per_reliable_improver"]
    >>> float(row["value"]), bool(row["ci_low"] < row["value"] < row["ci_high"])
    (333.3333333333333, True)
    """
    if isinstance(resamples, bool) or not isinstance(resamples, int | np.integer) or resamples < 100:
        raise ValueError(f"`resamples` must be a whole number ≥ 100, got {resamples!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"`seed` must be a whole number ≥ 0, got {seed!r}")
    level = check_confidence_level(confidence_level)
    flags = _improved_flags(ledger, improved)
    people = ledger.participants
    total, cash, n_improved = resampled_totals(ledger, flags, resamples=int(resamples), seed=int(seed))
    with np.errstate(divide="ignore", invalid="ignore"):
        columns = {"cost_per_reliable_improver": np.where(n_improved > 0, total / n_improved, np.inf),
                   "cash_cost_per_reliable_improver": np.where(n_improved > 0, cash / n_improved, np.inf)}
    draws = pd.DataFrame({m: columns[m] for m in BOOTSTRAP_MEASURES})
    observed = cost_measures(ledger, pd.Series(flags, index=people["participant_id"].to_numpy()))
    q = [(1 - level) / 2, (1 + level) / 2]
    rows = []
    for measure in BOOTSTRAP_MEASURES:
        values = draws[measure].to_numpy()
        undefined = int(np.isinf(values).sum())
        with np.errstate(invalid="ignore"):
            lo, hi = np.quantile(values, q)
        limits = []
        for limit in (lo, hi):
            limits.append(float(limit) if np.isfinite(limit) else _NAN)
        if undefined and any(math.isnan(x) for x in limits) and not math.isnan(observed[measure]):
            _warn(f"cohort {ledger.cohort}: {measure}: {undefined} of {resamples} resamples had nobody in the "
                  "denominator, so the interval is unbounded: the limit is NaN")
        finite = values[np.isfinite(values)]
        rows.append({
            "measure": measure, "value": observed[measure], "ci_low": limits[0], "ci_high": limits[1],
            "se": float(np.std(finite, ddof=1)) if finite.size > 1 else _NAN,
            "undefined_draws": undefined, "resamples": int(resamples), "seed": int(seed),
            "confidence_level": level,
        })
    draws = draws.replace([np.inf], np.nan)
    return BootstrapResult(draws=draws, summary=pd.DataFrame(rows), resamples=int(resamples), seed=int(seed),
                           confidence_level=level)


TORNADO_MEASURES = ("cost_per_enrolled", "cost_per_completer", "cost_per_reliable_improver", "total_cost",
                    "cash_cost_per_enrolled", "cash_cost_per_completer", "cash_cost_per_reliable_improver",
                    "cash_total_cost")
#: The inputs the tornado varies: each is uncertain (a choice of units, such as the price base
#: year, is not an input: it changes every figure in proportion and says nothing about resources).
TORNADO_INPUTS = ("hourly_cost", "hours", "shared_costs", "reliable_improvement_rate")


def _scenario(ledger: Ledger, flags: np.ndarray, *, time_factor: float = 1.0, shared_factor: float = 1.0,
              improvement: float | None = None) -> dict[str, float]:
    n = ledger.enrolled
    time = ledger.participant_time_cost * time_factor
    cash = ledger.total_cost - ledger.participant_time_cost + (shared_factor - 1.0) * ledger.shared_cost
    total = cash + time
    improvers = float(flags.sum()) if improvement is None else improvement * n
    out = {}
    for prefix, money in (("", total), ("cash_", cash)):
        out |= {f"{prefix}total_cost": money, f"{prefix}cost_per_enrolled": money / n,
                f"{prefix}cost_per_completer": _ratio(money, ledger.completed),
                f"{prefix}cost_per_reliable_improver": _ratio(money, improvers)}
    return out


def _shared_range(ledger: Ledger, override: tuple[float, float] | None) -> tuple[float, float, str, str, str]:
    """Multipliers of the cohort's share of programme-level costs, their labels and the reason."""
    if override is not None:
        low, high = override
        return low, high, f"×{low:g}", f"×{high:g}", "range given in `ranges`"
    lines = ledger.lines[(ledger.lines["level"] == "programme") & (ledger.lines["component"] == "fixed")]
    if ledger.shared_cost <= 0 or not len(lines):
        return 1.0, 1.0, "none", "none", "the cohort bears no programme-level fixed costs"
    share = float(lines["share"].iloc[0])
    equal = 1.0 / ledger.cohorts_served
    if ledger.cohorts_served == 1:
        return 1.0, 1.0, f"{share:.1%}", f"{share:.1%}", \
            "one cohort: it bears all the programme-level costs whatever the rule"
    low, high = sorted((share, equal))
    # as many decimals as tell the two apart: 103 of 514 places and one cohort in five were both "20.0%"
    places = next((d for d in range(1, 5) if f"{low:.{d}%}" != f"{high:.{d}%}"), 4)
    return low / share, high / share, f"{low:.{places}%}", f"{high:.{places}%}", (
        f"the programme's one-off costs, shared between cohorts, may be apportioned by enrolment, the base, at {share:.{places}%}, or in equal shares "
        f"over the {ledger.cohorts_served} cohorts, at {equal:.{places}%}: the rule is a convention")


def _time_reasons(source: str) -> tuple[str, str]:
    """Why the hourly cost and the hours of participants' time are varied, by where the cost of
    that time came from (:data:`evaluation.stats.costs.ledger.PARTICIPANT_TIME_SOURCES`): worked
    out from attendance, the reasons are the attendance record's and the staff costs'; given as
    lines of the cost records, the lines rest on hours and an hourly cost that the report cannot see
    (and on no stated schema, so none is claimed).

    Examples
    --------
    >>> _time_reasons("derived")[1]
    'recorded hours may overstate the time away from work, if attendance is over-recorded, or understate it, \
if travel and work between sessions are not counted'
    >>> _time_reasons("cost_rows")[0]
    "the cost of participants' time in the programme's cost records rests on an hourly cost, and on-costs and \
overheads vary between employers"

    A reason has no bracket of its own: the pages put it in brackets beside its bar.
    """
    hourly = "on-costs and overheads vary between employers"  # no schema claimed: a cost line does not give one
    gaps = "travel and work between sessions are not counted"
    if source == "derived":
        return f"the hourly staff cost of each role level is an estimate, and {hourly}", f"recorded hours may overstate the time away from work, if attendance is over-recorded, " \
                       f"or understate it, if {gaps}"
    given = {"backfill": "the cost of backfill in the programme's cost records"}.get(
        source, "the cost of participants' time in the programme's cost records")
    return (f"{given} rests on an hourly cost, and {hourly}",
            f"{given} rests on hours that may overstate the time away from work, or understate it if {gaps}")


def tornado(
    ledger: Ledger,
    improved: Any = None,
    *,
    measure: str = "cost_per_completer",
    ranges: Mapping[str, tuple[float, float]] | None = None,
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """One-way sensitivity analysis of a cost measure over its uncertain inputs (a tornado chart).

    Parameters
    ----------
    ledger : Ledger
    improved : Series of bool or iterable of ids, optional
        Reliable improvers on the primary scale.
    measure : str, default ``"cost_per_completer"``
        One of :data:`TORNADO_MEASURES` (economic, or ``cash_…``).
    ranges : mapping, optional
        Low and high multipliers for ``hourly_cost`` and ``hours`` (default
        :data:`DEFAULT_RANGES`: hourly cost ×0.8 to ×1.2, hours ×0.75 to ×1.5) and, to
        override the apportioning rules, ``shared_costs``.
    confidence_level : float, default 0.95
        For the Wilson interval of the reliable-improvement rate.

    Returns
    -------
    DataFrame
        ``input, description, low_setting, high_setting, reason, value_low, value_high,
        value_base, swing, measure, unit, price_base_year``, one row per input of
        :data:`TORNADO_INPUTS` that can move the measure, sorted by ``swing``
        (|value_high − value_low|), largest first. ``reason`` says why the range was tried.

    Notes
    -----
    One input varies at a time, the others stay at their base values (domain anchors 3.3).
    Only uncertain inputs are varied: what was paid (the cash cost lines), enrolment and
    completion are not, while the value of participants' time is, whether derived or given as
    cost lines (it rests on hours and an hourly cost either way); nor is a choice of units such
    as the price base year (it moves every figure in proportion and says nothing about resources).

    * ``hourly_cost`` — the hourly cost of participants' time (salary, on-costs and
      overheads), ×0.8 to ×1.2: on-costs and overheads vary between employers;
    * ``hours`` — hours of participants' time, ×0.75 to ×1.5: recorded hours may overstate the
      time away from work (attendance over-recorded) or understate it (travel and work between
      sessions, such as assignments or a workplace project, are not counted)
      (both scale the participants'-time component, whether from rows or derived, and so
      leave cash measures unchanged; when that time is given as rows of costs.csv, ``reason``
      says the rows rest on hours and an hourly cost, not on an attendance record);
    * ``shared_costs`` — the cohort's share ``s`` of programme-level fixed costs S (needs
      assessment, design, programme evaluation): apportioned by enrolment (``n_c / Σn``, the
      base) or in equal shares over the K cohorts (``1/K``); the measure moves by
      ``S × (1/K ÷ s − 1)``;
    * ``reliable_improvement_rate`` — the Wilson interval of the share who reliably improved
      (an outcome measured with error); improvers = rate × enrolled.

    Inputs that cannot move the measure are left out (the improvement rate for anything but a
    cost per reliable improver, participants' time for cash measures); an input that could but
    does not (one cohort bears all shared costs whatever the rule) has a zero swing and says why.

    Examples
    --------
    >>> from evaluation.stats.costs import cost_ledger
    >>> d = pd.DataFrame({"year": [2023, 2024], "index": [96.25, 100.0]})
    >>> c = pd.DataFrame({"cohort": [1, 1], "category": ["delivery", "participant_time"],
    ...                   "description": ["", ""], "amount": [3000.0, 100.0], "price_year": [2024, 2024],
    ...                   "basis": ["fixed", "per_participant"]})
    >>> p = pd.DataFrame({"participant_id": list("abcd"), "status": ["completed"] * 3 + ["withdrew"]})
    >>> ledger = cost_ledger(c, p, cohort=1, enrolled={1: 4}, deflators=d, base_year=2024)
    >>> t = tornado(ledger, measure="cost_per_enrolled").set_index("input")
    >>> t.loc["hours", ["value_low", "value_base", "value_high"]].tolist()
    [825.0, 850.0, 900.0]
    >>> "price_base_year" in t.index
    False
    """
    check_choice(measure, TORNADO_MEASURES, "measure")
    level = check_confidence_level(confidence_level)
    given = dict(ranges) if ranges else {}
    unknown = sorted(set(given) - {*DEFAULT_RANGES, "shared_costs"})
    if unknown:
        raise ValueError(f"`ranges` has unknown input(s) {unknown}; allowed: {sorted({*DEFAULT_RANGES, 'shared_costs'})}")
    for name, (low, high) in given.items():
        if not (0 <= low <= high):
            raise ValueError(f"`ranges[{name!r}]` must be (low, high) multipliers with 0 ≤ low ≤ high")
    settings = {**DEFAULT_RANGES, **{k: v for k, v in given.items() if k in DEFAULT_RANGES}}
    flags = _improved_flags(ledger, improved)
    n = ledger.enrolled
    base = _scenario(ledger, flags)[measure]
    s_lo, s_hi, s_lo_text, s_hi_text, s_reason = _shared_range(ledger, given.get("shared_costs"))
    i_lo, i_hi = wilson_interval(float(flags.sum()), n, level)
    pct = f"{level * 100:.10g}%"  # 0.975 → 97.5%, as the reports write a level (reports.numbers.level_percent)
    (h_lo, h_hi), (t_lo, t_hi) = settings["hourly_cost"], settings["hours"]
    hourly_reason, hours_reason = _time_reasons(ledger.participant_time_source)
    rows = [
        ("hourly_cost", "Hourly cost of participants' time (salary, on-costs, overheads)",
         f"×{h_lo:g}", f"×{h_hi:g}", hourly_reason,
         _scenario(ledger, flags, time_factor=h_lo), _scenario(ledger, flags, time_factor=h_hi)),
        ("hours", "Hours of participants' time on the programme",
         f"×{t_lo:g}", f"×{t_hi:g}", hours_reason,
         _scenario(ledger, flags, time_factor=t_lo), _scenario(ledger, flags, time_factor=t_hi)),
        ("shared_costs", "Share of the programme's one-off costs borne by the cohort", s_lo_text, s_hi_text,
         s_reason, _scenario(ledger, flags, shared_factor=s_lo), _scenario(ledger, flags, shared_factor=s_hi)),
        ("reliable_improvement_rate",
         f"Share of those enrolled who reliably improved (observed {flags.sum() / n:.1%})", f"{i_lo:.1%}",
         f"{i_hi:.1%}",
         f"who reliably improved is measured with error: the ends of its {pct} Wilson interval",
         _scenario(ledger, flags, improvement=i_lo), _scenario(ledger, flags, improvement=i_hi)),
    ]
    # an input that cannot move the measure is left out: participants' time for a cash measure,
    # the improvement rate for anything but a cost per reliable improver
    cash = measure.startswith("cash_")
    rows = [r for r in rows if not (cash and r[0] in DEFAULT_RANGES)
            and not (r[0] == "reliable_improvement_rate" and not measure.endswith("per_reliable_improver"))]
    out = []
    for name, description, lo_set, hi_set, reason, lo, hi in rows:
        v_lo, v_hi = lo[measure], hi[measure]
        swing = abs(v_hi - v_lo) if not (math.isnan(v_lo) or math.isnan(v_hi)) else _NAN
        out.append({"input": name, "description": description, "low_setting": lo_set, "high_setting": hi_set,
                    "reason": reason, "value_low": v_lo, "value_high": v_hi, "value_base": base, "swing": swing,
                    "measure": measure, "unit": ledger.unit, "price_base_year": ledger.base_year})
    table = pd.DataFrame(out)
    table["_key"] = table["swing"].fillna(-1.0)
    return table.sort_values(["_key", "input"], ascending=[False, True], kind="mergesort") \
        .drop(columns="_key").reset_index(drop=True)
