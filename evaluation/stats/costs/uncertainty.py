"""Uncertainty of the cost measures: a seeded bootstrap and one-way sensitivity (tornado).

:func:`bootstrap_costs` resamples participants with their cost and outcome kept together and
gives percentile intervals; :func:`tornado` varies one input at a time (hourly cost, hours,
completion and improvement rates within their Wilson intervals, the price base year).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

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
from evaluation.stats.costs.prices import _deflator_index, _factors

__all__ = ["DEFAULT_RANGES", "TORNADO_MEASURES", "bootstrap_costs", "tornado", "wilson_interval"]

#: Default one-way sensitivity ranges, as multipliers of the base value (see :func:`tornado`).
DEFAULT_RANGES: dict[str, tuple[float, float]] = {"hourly_cost": (0.8, 1.2), "hours": (0.75, 1.5)}


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
    Campbell & Torgerson (1999), QJM 92:177: resample individuals with their cost and effect
    kept together. Each resample draws ``n`` of the ``n`` enrolled participants with
    replacement, keeping each one's variable cost (per-participant lines + their own time),
    completion and reliable-improvement flags together; the fixed cost F is not resampled.
    Then ``C* = F + Σ c_i*``, cost per enrolled ``C*/n``, per completer ``C*/Σ completed*``,
    per reliable improver ``C*/Σ improved*``. The interval is the percentile interval
    (``numpy.quantile``, linear interpolation) at ``(1 − level)/2`` and ``(1 + level)/2``.
    A resample with no completer (improver) has an unbounded ratio: it counts as +∞ when the
    percentiles are taken, and a limit that falls among those resamples is NaN (with a
    warning), never infinite. Participants are sorted by ``participant_id`` before resampling,
    so the input's row order does not change the draws. Point estimates are the observed
    values, not the bootstrap means.

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
    >>> row = a.summary.set_index("measure").loc["cost_per_completer"]
    >>> float(row["value"]), bool(row["ci_low"] < row["value"] < row["ci_high"])
    (166.66666666666666, True)
    """
    if isinstance(resamples, bool) or not isinstance(resamples, int | np.integer) or resamples < 100:
        raise ValueError(f"`resamples` must be a whole number ≥ 100, got {resamples!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"`seed` must be a whole number ≥ 0, got {seed!r}")
    level = check_confidence_level(confidence_level)
    flags = _improved_flags(ledger, improved)
    people = ledger.participants
    n = len(people)
    cost = people["variable_cost"].to_numpy(dtype="float64")
    time = people["time_cost"].to_numpy(dtype="float64")
    completed = people["completed"].to_numpy(dtype="float64")
    improved_f = flags.astype("float64")
    fixed = ledger.fixed_cost
    rng = np.random.default_rng(int(seed))
    columns: dict[str, list[np.ndarray]] = {m: [] for m in BOOTSTRAP_MEASURES}
    chunk = max(1, min(int(resamples), 2_000_000 // max(n, 1)))
    done = 0
    while done < resamples:
        size = min(chunk, int(resamples) - done)
        index = rng.integers(0, n, size=(size, n))
        total = fixed + cost[index].sum(axis=1)
        n_completed = completed[index].sum(axis=1)
        n_improved = improved_f[index].sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            columns["total_cost"].append(total)
            columns["variable_cost_per_participant"].append(cost[index].mean(axis=1))
            columns["participant_time_cost"].append(time[index].sum(axis=1))
            columns["cost_per_enrolled"].append(total / n)
            columns["cost_per_completer"].append(np.where(n_completed > 0, total / n_completed, np.inf))
            columns["cost_per_reliable_improver"].append(np.where(n_improved > 0, total / n_improved, np.inf))
        done += size
    draws = pd.DataFrame({m: np.concatenate(v) for m, v in columns.items()})
    observed = cost_measures(ledger, _ids(ledger, flags))
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


def _ids(ledger: Ledger, flags: np.ndarray) -> list[str]:
    """The participant ids whose flag is set (aligned with ``ledger.participants``)."""
    return ledger.participants.loc[flags, "participant_id"].tolist()


def wilson_interval(successes: float, n: float, confidence_level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion (NaN, NaN when ``n`` is 0).

    Parameters
    ----------
    successes : float
        Number of successes (e.g. completers), 0 ≤ successes ≤ n.
    n : float
        Number of trials (e.g. enrolled participants); 0 or less gives NaN limits.
    confidence_level : float, default 0.95

    Returns
    -------
    (float, float)
        The lower and upper limit.

    Notes
    -----
    Wilson (1927): ``(p + z²/2n ± z·√(p(1 − p)/n + z²/4n²)) / (1 + z²/n)`` with ``p =
    successes/n`` and ``z`` the normal quantile at ``(1 + level)/2`` (R: ``prop.test(x, n,
    correct = FALSE)$conf.int``), computed by statsmodels'
    ``proportion_confint(successes, n, alpha=1 - level, method="wilson")``.

    Examples
    --------
    >>> [round(x, 4) for x in wilson_interval(90, 100)]
    [0.8256, 0.9448]
    """
    level = check_confidence_level(confidence_level)
    if n <= 0:
        return _NAN, _NAN
    low, high = proportion_confint(successes, n, alpha=1 - level, method="wilson")
    return float(low), float(high)


TORNADO_MEASURES = ("cost_per_enrolled", "cost_per_completer", "cost_per_reliable_improver", "total_cost")


def _scenario(ledger: Ledger, flags: np.ndarray, *, time_factor: float = 1.0, completion: float | None = None,
              improvement: float | None = None, price_factor: float = 1.0) -> dict[str, float]:
    n = ledger.enrolled
    total = (ledger.total_cost + (time_factor - 1.0) * ledger.participant_time_cost) * price_factor
    completers = ledger.completed if completion is None else completion * n
    improvers = float(flags.sum()) if improvement is None else improvement * n
    return {"total_cost": total, "cost_per_enrolled": total / n, "cost_per_completer": _ratio(total, completers),
            "cost_per_reliable_improver": _ratio(total, improvers)}


def tornado(
    ledger: Ledger,
    improved: Any = None,
    *,
    measure: str = "cost_per_completer",
    ranges: Mapping[str, tuple[float, float]] | None = None,
    base_years: tuple[int, int] | None = None,
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """One-way sensitivity analysis of a cost measure (the data of a tornado chart).

    Parameters
    ----------
    ledger : Ledger
    improved : Series of bool or iterable of ids, optional
        Reliable improvers on the primary scale.
    measure : str, default ``"cost_per_completer"``
        One of ``cost_per_enrolled, cost_per_completer, cost_per_reliable_improver, total_cost``.
    ranges : mapping, optional
        Low and high multipliers for ``hourly_cost`` and ``hours`` (default
        :data:`DEFAULT_RANGES`: hourly cost ×0.8 to ×1.2, hours ×0.75 to ×1.5).
    base_years : (int, int), optional
        Alternative price bases (default: the year the cohort's money was spent, and the
        latest year of the deflator series).
    confidence_level : float, default 0.95
        For the Wilson intervals of the completion and reliable-improvement rates.

    Returns
    -------
    DataFrame
        ``input, description, low_setting, high_setting, value_low, value_high, value_base,
        swing, measure, unit, price_base_year``, one row per input, sorted by ``swing``
        (|value_high − value_low|), largest first.

    Notes
    -----
    One input varies at a time, the others stay at their base values (domain anchors 3.3):

    * ``hourly_cost`` — the hourly cost of participants' time (salary, on-costs and
      overheads, PSSRU), ×0.8 to ×1.2: on-costs and overheads vary between employers;
    * ``hours`` — hours of participants' time, ×0.75 to ×1.5: attendance may be over-recorded,
      and travel, reflective assignments and the workplace project are not session hours;
      (both scale the participants'-time component, whether from rows or derived);
    * ``completion_rate`` — the Wilson interval of the observed completion rate (the number
      of completers is rate × enrolled; costs unchanged);
    * ``reliable_improvement_rate`` — the Wilson interval of the share who reliably improved;
    * ``price_base_year`` — the same resources priced in another year's money
      (× D_alt / D_base). This is a change of price basis, not uncertainty about resources; it
      shows how much the choice of base year matters when comparing figures.

    Inputs that do not move the measure get a zero swing (e.g. completion for cost per
    reliable improver).

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
    """
    check_choice(measure, TORNADO_MEASURES, "measure")
    level = check_confidence_level(confidence_level)
    settings = {**DEFAULT_RANGES, **(dict(ranges) if ranges else {})}
    unknown = sorted(set(settings) - set(DEFAULT_RANGES))
    if unknown:
        raise ValueError(f"`ranges` has unknown input(s) {unknown}; allowed: {sorted(DEFAULT_RANGES)}")
    for name, (low, high) in settings.items():
        if not (0 <= low <= high):
            raise ValueError(f"`ranges[{name!r}]` must be (low, high) multipliers with 0 ≤ low ≤ high")
    flags = _improved_flags(ledger, improved)
    lookup = _deflator_index(ledger.deflators)
    if base_years is None:
        base_years = (ledger.spending_year, max(lookup))
    low_year, high_year = (int(y) for y in base_years)
    # the same resources in another year's prices: × D_alt / D_base
    factor_low, factor_high = 1.0 / _factors([low_year, high_year], lookup, ledger.base_year, "`base_years`")
    n = ledger.enrolled
    base = _scenario(ledger, flags)[measure]
    c_lo, c_hi = wilson_interval(ledger.completed, n, level)
    i_lo, i_hi = wilson_interval(float(flags.sum()), n, level)
    pct = f"{level:.0%}"
    rows = [
        ("hourly_cost", "Hourly cost of participants' time (salary, on-costs, overheads)",
         f"×{settings['hourly_cost'][0]:g}", f"×{settings['hourly_cost'][1]:g}",
         _scenario(ledger, flags, time_factor=settings["hourly_cost"][0]),
         _scenario(ledger, flags, time_factor=settings["hourly_cost"][1])),
        ("hours", "Hours of participants' time on the programme",
         f"×{settings['hours'][0]:g}", f"×{settings['hours'][1]:g}",
         _scenario(ledger, flags, time_factor=settings["hours"][0]),
         _scenario(ledger, flags, time_factor=settings["hours"][1])),
        ("completion_rate", f"Completion rate ({pct} Wilson interval; observed {ledger.completed / n:.1%})",
         f"{c_lo:.1%}", f"{c_hi:.1%}",
         _scenario(ledger, flags, completion=c_lo), _scenario(ledger, flags, completion=c_hi)),
        ("reliable_improvement_rate",
         f"Share reliably improved ({pct} Wilson interval; observed {flags.sum() / n:.1%})",
         f"{i_lo:.1%}", f"{i_hi:.1%}",
         _scenario(ledger, flags, improvement=i_lo), _scenario(ledger, flags, improvement=i_hi)),
        ("price_base_year", f"Price base year (report: {ledger.base_year})", str(low_year), str(high_year),
         _scenario(ledger, flags, price_factor=factor_low), _scenario(ledger, flags, price_factor=factor_high)),
    ]
    out = []
    for name, description, lo_set, hi_set, lo, hi in rows:
        v_lo, v_hi = lo[measure], hi[measure]
        swing = abs(v_hi - v_lo) if not (math.isnan(v_lo) or math.isnan(v_hi)) else _NAN
        out.append({"input": name, "description": description, "low_setting": lo_set, "high_setting": hi_set,
                    "value_low": v_lo, "value_high": v_hi, "value_base": base, "swing": swing,
                    "measure": measure, "unit": ledger.unit, "price_base_year": ledger.base_year})
    table = pd.DataFrame(out)
    table["_key"] = table["swing"].fillna(-1.0)
    return table.sort_values(["_key", "input"], ascending=[False, True], kind="mergesort") \
        .drop(columns="_key").reset_index(drop=True)
