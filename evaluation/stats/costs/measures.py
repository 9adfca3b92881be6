"""The cost measures of a ledger: totals, costs per head, marginal costs.

:func:`cost_measures` computes every measure; :func:`cost_summary` lays them out as
``tables/cost_summary.csv`` (with the intervals of a :class:`BootstrapResult`, from
:func:`~evaluation.stats.costs.uncertainty.bootstrap_costs`); :func:`costs_by_category` gives
``tables/costs_by_category.csv`` (the cost curve as a programme grows:
:mod:`~evaluation.stats.costs.curve`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from evaluation.core.results import ResultDisplay
from evaluation.core.vocabulary import COST_CATEGORIES
from evaluation.stats.costs._common import _NAN, _warn
from evaluation.stats.costs.ledger import TIME_CATEGORIES, Ledger

__all__ = [
    "BOOTSTRAP_MEASURES",
    "COUNT_UNITS",
    "MEASURE_DESCRIPTIONS",
    "MEASURE_VIEWS",
    "SUMMARY_COLUMNS",
    "SUMMARY_ORDER",
    "BootstrapResult",
    "cost_measures",
    "cost_summary",
    "costs_by_category",
]

#: Columns of ``tables/cost_summary.csv`` (CONTRACT section 4), then ``view`` and ``description``.
SUMMARY_COLUMNS: tuple[str, ...] = (
    "measure", "value", "ci_low", "ci_high", "unit", "price_base_year", "view", "description",
)
#: The only measures with an interval: those into which an outcome measured with error enters
#: (who reliably improved). Counted money (totals, fixed and per-place costs, per completer) has
#: none. The bootstrap gives these intervals.
BOOTSTRAP_MEASURES: tuple[str, ...] = ("cost_per_reliable_improver", "cash_cost_per_reliable_improver")

def _improved_flags(ledger: Ledger, improved: Any) -> np.ndarray:
    """Reliable improvers as booleans aligned to ``ledger.participants``; unknown → not improved."""
    ids = ledger.participants["participant_id"]
    if improved is None:
        return np.zeros(len(ids), dtype=bool)
    if isinstance(improved, pd.Series) and pd.api.types.is_bool_dtype(improved):
        if len(improved) == len(ids) and np.array_equal(improved.index.to_numpy(dtype=object),
                                                        ids.to_numpy(dtype=object)):
            return improved.fillna(False).to_numpy(dtype=bool)  # already aligned (ids are unique)
        index = improved.index.astype(str)
        if index.duplicated().any():
            raise ValueError("`improved` is indexed by a repeated participant_id")
        strangers = sorted(set(index) - set(ids))
        if strangers:
            raise ValueError(f"`improved` names {len(strangers)} participant(s) who are not in the cohort's ledger")
        flags = pd.Series(improved.fillna(False).to_numpy(dtype=bool), index=index)
        return ids.map(flags).fillna(False).to_numpy(dtype=bool)
    chosen = {str(i) for i in improved}
    strangers = chosen - set(ids)
    if strangers:
        raise ValueError(f"`improved` names {len(strangers)} participant(s) who are not in the cohort's ledger")
    return ids.isin(chosen).to_numpy(dtype=bool)


def _ratio(total: float, count: float) -> float:
    return total / count if count > 0 else _NAN


def cost_measures(ledger: Ledger, improved: Any = None) -> dict[str, float]:
    """Every measure of the cost summary as a ``dict`` (no intervals, no warnings).

    ``improved``: the participants who reliably improved on the primary scale, as a boolean
    Series indexed by ``participant_id`` or an iterable of ids; anyone not listed (no scores,
    or not improved) counts as not improved. Ratios with a zero denominator are NaN.

    Examples
    --------
    >>> import warnings
    >>> from evaluation.stats.costs import cost_ledger
    >>> d = pd.DataFrame({"year": [2024], "index": [100.0]})
    >>> c = pd.DataFrame({"cohort": [1, 1], "category": ["delivery", "materials"], "description": ["", ""],
    ...                   "amount": [3000.0, 100.0], "price_year": [2024, 2024], "basis": ["fixed", "per_participant"]})
    >>> p = pd.DataFrame({"participant_id": ["a", "b", "c"], "status": ["completed", "completed", "withdrew"]})
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     ledger = cost_ledger(c, p, cohort=1, enrolled={1: 3}, deflators=d, base_year=2024)
    >>> m = cost_measures(ledger, improved=["a"])
    >>> m["total_cost"], m["cost_per_enrolled"], m["cost_per_completer"], m["cost_per_reliable_improver"]
    (3300.0, 1100.0, 1650.0, 3300.0)
    """
    flags = _improved_flags(ledger, improved)
    n = ledger.enrolled
    fixed, v = ledger.fixed_cost, ledger.variable_cost_per_participant
    total = fixed + v * n
    time = ledger.participant_time_cost
    cash_v = ledger.cash_variable_cost_per_participant
    cash = fixed + cash_v * n
    improvers = float(flags.sum())
    return {
        "enrolled": float(n),
        "completed": float(ledger.completed),
        "reliable_improvers": improvers,
        "completion_rate": ledger.completed / n,
        "total_cost": total,
        "cash_total_cost": cash,
        "fixed_cost": fixed,
        "variable_cost_per_participant": v,
        "cash_variable_cost_per_participant": cash_v,
        "participant_time_cost": time,
        "cost_per_enrolled": _ratio(total, n),
        "cash_cost_per_enrolled": _ratio(cash, n),
        "cost_per_completer": _ratio(total, ledger.completed),
        "cash_cost_per_completer": _ratio(cash, ledger.completed),
        "cost_per_reliable_improver": _ratio(total, improvers),
        "cash_cost_per_reliable_improver": _ratio(cash, improvers),
        "marginal_cost_cohort": ledger.cohort_fixed_cost + v * n,
        "cash_marginal_cost_cohort": ledger.cohort_fixed_cost + cash_v * n,
        "marginal_cost_participant": v,
        "cash_marginal_cost_participant": cash_v,
        "cohort_fixed_cost": ledger.cohort_fixed_cost,
        "apportioned_programme_cost": ledger.shared_cost,
    }


_ANOTHER = ("Cost of another cohort of the same size (the marginal cost of one more cohort): the cohort's own "
            "fixed costs + per-participant costs × places (enrolled); the programme-level fixed costs, spent once for "
            "the whole programme, are left out")
MEASURE_DESCRIPTIONS = {
    "total_cost": "Economic cost of the cohort, participants' time included: C(n) = F + v × n",
    "cash_total_cost": "Cash cost of the cohort (what the commissioner pays): the total without participants' "
                       "time (and backfill)",
    "fixed_cost": "F: fixed costs, including the cohort's share of programme-level costs (no participants' time, "
                  "so the same in both views)",
    "variable_cost_per_participant": "v: per-participant costs, participants' time included, per enrolled "
                                     "participant",
    "cash_variable_cost_per_participant": "Per-participant costs without participants' time, per enrolled "
                                          "participant",
    "participant_time_cost": "Participants' time for the whole cohort (economic cost − cash cost)",
    "cost_per_enrolled": "Economic cost per place: total cost / enrolled participants",
    "cash_cost_per_enrolled": "Cash cost per place: cash cost / enrolled participants (the basis of published "
                              "programme costs)",
    "cost_per_completer": "Economic cost per completer: total cost / participants who completed",
    "cash_cost_per_completer": "Cash cost per completer: cash cost / participants who completed",
    "cost_per_reliable_improver": "Economic cost per reliable improver: total cost / participants who reliably "
                                  "improved on the primary scale (bootstrap interval)",
    "cash_cost_per_reliable_improver": "Cash cost per reliable improver: cash cost / participants who reliably "
                                       "improved on the primary scale (bootstrap interval)",
    "marginal_cost_cohort": _ANOTHER + "; economic (participants' time included)",
    "cash_marginal_cost_cohort": _ANOTHER + "; cash (participants' time excluded)",
    "marginal_cost_participant": "Cost of one more participant in the cohort (= v), participants' time included",
    "cash_marginal_cost_participant": "Cash cost of one more participant in the cohort (v without participants' "
                                      "time)",
    "cohort_fixed_cost": "Fixed costs of the cohort itself (spent again by another cohort), without shared costs",
    "apportioned_programme_cost": "The cohort's share of programme-level fixed costs (apportioned by enrolment)",
    "enrolled": "Participants enrolled (places filled)",
    "completed": "Participants who completed the programme",
    "reliable_improvers": "Participants who reliably improved on the primary scale (no scores = not improved)",
    "completion_rate": "Completed / enrolled",
}
COUNT_UNITS = {"enrolled": "participants", "completed": "participants", "reliable_improvers": "participants",
               "completion_rate": "share of enrolled"}
#: ``economic`` (participants' time included), ``cash`` (what the commissioner pays) or ``both``
#: (a figure with no participants' time in it, the same in both views); blank for counts.
MEASURE_VIEWS = {name: ("cash" if name.startswith("cash_") else "economic") for name in MEASURE_DESCRIPTIONS
                 if name not in COUNT_UNITS} | {
    "fixed_cost": "both", "cohort_fixed_cost": "both", "apportioned_programme_cost": "both"}
SUMMARY_ORDER = (
    "total_cost", "cash_total_cost", "fixed_cost", "variable_cost_per_participant",
    "cash_variable_cost_per_participant", "participant_time_cost", "cost_per_enrolled", "cash_cost_per_enrolled",
    "cost_per_completer", "cash_cost_per_completer", "cost_per_reliable_improver", "cash_cost_per_reliable_improver",
    "marginal_cost_cohort", "cash_marginal_cost_cohort", "marginal_cost_participant",
    "cash_marginal_cost_participant", "cohort_fixed_cost", "apportioned_programme_cost",
    "enrolled", "completed", "reliable_improvers", "completion_rate",
)


@dataclass(frozen=True, repr=False)
class BootstrapResult(ResultDisplay):
    """Percentile bootstrap of the cost measures.

    ``draws``: one row per resample with a column per measure of
    :data:`BOOTSTRAP_MEASURES` (NaN where a resample had no completer or no improver);
    ``summary``: ``measure, value, ci_low, ci_high, se, undefined_draws, resamples, seed,
    confidence_level``. Made by :func:`~evaluation.stats.costs.uncertainty.bootstrap_costs`;
    defined here, beside :func:`cost_summary`, which reads its intervals.
    """

    draws: pd.DataFrame
    summary: pd.DataFrame
    resamples: int
    seed: int
    confidence_level: float


def cost_summary(ledger: Ledger, improved: Any = None, *, bootstrap: BootstrapResult | None = None) -> pd.DataFrame:
    """The cost summary of ``tables/cost_summary.csv``.

    Parameters
    ----------
    ledger : Ledger
    improved : Series of bool or iterable of participant ids, optional
        Reliable improvers on the primary scale; everyone else counts as not improved.
    bootstrap : BootstrapResult, optional
        Intervals (:func:`bootstrap_costs`) for the measures of :data:`BOOTSTRAP_MEASURES` only
        (cost per reliable improver, cash and economic); counted money never has one.

    Returns
    -------
    DataFrame
        Columns :data:`SUMMARY_COLUMNS`, one row per measure of :data:`SUMMARY_ORDER`: each
        economic measure (participants' time included; the contract's ``total_cost, fixed_cost,
        variable_cost_per_participant, participant_time_cost, cost_per_enrolled,
        cost_per_completer, cost_per_reliable_improver``) beside its cash twin (``cash_…``:
        what the commissioner pays), the cost of another cohort (``marginal_cost_cohort``,
        ``cash_marginal_cost_cohort``) and of another participant, the cohort's own fixed cost
        and its share of programme costs, then the counts behind the ratios. ``view`` says
        ``economic``, ``cash`` or ``both`` (no participants' time in it); blank for counts.
        Money rows carry ``unit`` "GBP (<base year> prices)" and ``price_base_year``; count
        rows have no price base. ``total_cost = fixed_cost + variable_cost_per_participant ×
        enrolled``; ``cash_total_cost = total_cost − participant_time_cost``.

    Warns
    -----
    DegenerateDataWarning
        Nobody completed or nobody reliably improved: that cost per head is NaN.

    Notes
    -----
    Denominators (domain anchors 3.2): cost per enrolled = C/N_enrolled, per completer =
    C/N_completed, per reliable improver = C/N_improved — cost per unit of outcome (Magenta
    Book cost-effectiveness: Σcost/Σeffect). Cash cost C_cash = C − T, T the participants'
    time (and backfill, which replaces it; both are borne by employers, not the commissioner);
    each cash ratio divides C_cash by the same denominator. Marginal cost of a participant = v
    (cash: v − T/n); of another cohort of the same size = the cohort's own fixed lines + v·n
    (cash: + (v − T/n)·n): every programme-level fixed line (needs assessment, design,
    programme-wide evaluation) is taken to be spent once and is not spent again.

    Examples
    --------
    >>> import warnings
    >>> from evaluation.stats.costs import cost_ledger
    >>> d = pd.DataFrame({"year": [2024], "index": [100.0]})
    >>> c = pd.DataFrame({"cohort": [1, 1], "category": ["delivery", "materials"], "description": ["", ""],
    ...                   "amount": [3000.0, 100.0], "price_year": [2024, 2024], "basis": ["fixed", "per_participant"]})
    >>> p = pd.DataFrame({"participant_id": ["a", "b", "c"], "status": ["completed", "completed", "withdrew"]})
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     ledger = cost_ledger(c, p, cohort=1, enrolled={1: 3}, deflators=d, base_year=2024)
    ...     table = cost_summary(ledger, improved=[])
    >>> table.set_index("measure").loc[["total_cost", "cost_per_completer", "cost_per_reliable_improver"],
    ...                                ["value", "unit"]]
                                 value               unit
    measure
    total_cost                  3300.0  GBP (2024 prices)
    cost_per_completer          1650.0  GBP (2024 prices)
    cost_per_reliable_improver     NaN  GBP (2024 prices)
    """
    measures = cost_measures(ledger, improved)
    if measures["completed"] == 0:
        # the cost report's data notes publish these words: no "(NaN)"
        _warn(f"cohort {ledger.cohort}: nobody completed the programme, so there is no cost per completer")
    if measures["reliable_improvers"] == 0:
        _warn(f"cohort {ledger.cohort}: nobody reliably improved on the primary scale, so there is no cost per "
              "reliable improver")
    intervals = bootstrap.summary.set_index("measure") if bootstrap is not None else None
    rows = []
    for name in SUMMARY_ORDER:
        money = name not in COUNT_UNITS
        lo = hi = _NAN
        if intervals is not None and name in BOOTSTRAP_MEASURES and name in intervals.index:
            lo, hi = float(intervals.loc[name, "ci_low"]), float(intervals.loc[name, "ci_high"])
        rows.append({
            "measure": name, "value": float(measures[name]), "ci_low": lo, "ci_high": hi,
            "unit": ledger.unit if money else COUNT_UNITS[name],
            "price_base_year": ledger.base_year if money else None,
            "view": MEASURE_VIEWS.get(name, ""), "description": MEASURE_DESCRIPTIONS[name],
        })
    out = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    out["price_base_year"] = out["price_base_year"].astype("Int64")
    return out


def costs_by_category(ledger: Ledger) -> pd.DataFrame:
    """Costs by category and basis (``tables/costs_by_category.csv``), in base-year prices.

    Returns
    -------
    DataFrame
        ``category, basis, amount, share, view, share_of_cash, price_base_year, unit``:
        ``amount`` is the category's cost to the cohort (programme-level lines apportioned),
        ``share`` its share of the (economic) total; ``view`` is ``economic`` for participants'
        time and backfill (in the economic cost only) and ``both`` for what the commissioner
        pays (in the cash and the economic cost), and ``share_of_cash`` the share of the cash
        cost (blank for participants' time). Categories in the contract's order; categories
        whose amount is zero are left out (they stay in the ledger), so a zero-cost line
        changes nothing.

    Examples
    --------
    >>> import warnings
    >>> from evaluation.stats.costs import cost_ledger
    >>> d = pd.DataFrame({"year": [2024], "index": [100.0]})
    >>> c = pd.DataFrame({"cohort": [1, 1], "category": ["delivery", "materials"], "description": ["", ""],
    ...                   "amount": [3000.0, 100.0], "price_year": [2024, 2024], "basis": ["fixed", "per_participant"]})
    >>> p = pd.DataFrame({"participant_id": ["a", "b", "c"], "status": ["completed"] * 3})
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     ledger = cost_ledger(c, p, cohort=1, enrolled={1: 3}, deflators=d, base_year=2024)
    >>> costs_by_category(ledger)[["category", "basis", "amount", "share", "view"]]
        category            basis  amount     share  view
    0   delivery            fixed  3000.0  0.909091  both
    1  materials  per_participant   300.0  0.090909  both
    """
    lines = ledger.lines
    grouped = lines.groupby(["category", "basis"], sort=False)["real_total"].sum().reset_index()
    grouped = grouped[grouped["real_total"] != 0]
    rank = {c: i for i, c in enumerate(COST_CATEGORIES)}
    grouped = grouped.assign(_r=grouped["category"].map(rank)).sort_values(["_r", "basis"]).drop(columns="_r")
    total = ledger.total_cost
    out = pd.DataFrame({
        "category": grouped["category"].to_numpy(),
        "basis": grouped["basis"].to_numpy(),
        "amount": grouped["real_total"].to_numpy(dtype="float64"),
    })
    out["share"] = out["amount"] / total if total > 0 else _NAN
    time = out["category"].isin(TIME_CATEGORIES)
    out["view"] = np.where(time, "economic", "both")
    cash = total - ledger.participant_time_cost
    out["share_of_cash"] = np.where(time, _NAN, out["amount"] / cash if cash > 0 else _NAN)
    out["price_base_year"] = ledger.base_year
    out["unit"] = ledger.unit
    return out.reset_index(drop=True)
