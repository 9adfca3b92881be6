"""Cost per participant: fully loaded costs in real prices, C(n) = F + v·n, and their uncertainty.

The conventions are those of ``METHODS.md`` ("Costs"): HM Treasury Green Book real prices and
discounting, Phillips & Phillips fully loaded costs, the PSSRU unit-cost schema for staff time.
Pure functions on DataFrames: inputs are never modified; frozen dataclasses and tidy frames
come out; bad input raises :class:`ValueError` naming the parameter and column and what is
allowed; figures that cannot be computed (nobody completed, nobody reliably improved) are NaN
with a :class:`~evaluation.core.errors.DegenerateDataWarning`, never ``inf`` and never a silent zero.

* :func:`deflate` — nominal pounds to real base-year prices with the GDP deflator;
* :func:`apportion` — programme-level cost lines (blank cohort) shared out to cohorts by
  enrolled participants;
* :func:`participant_time` — participants' time, hours × hourly cost by role level;
* :func:`cost_ledger` — one cohort's fully loaded cost lines in real prices, split into the
  fixed part F and the per-participant part v (a :class:`Ledger`);
* :func:`cost_summary` — total, fixed and variable cost, cost per enrolled participant, per
  completer and per reliable improver, marginal costs (the measures of
  ``tables/cost_summary.csv``); :func:`costs_by_category` (``tables/costs_by_category.csv``);
* :func:`bootstrap_costs` — seeded percentile intervals, resampling participants with their
  cost and outcome together;
* :func:`cost_curve` — C(n) and the average cost as a programme grows, with cohort step costs;
* :func:`tornado` — one-way sensitivity analysis;
* :func:`present_value` — Green Book discounting, only for streams spanning several years;
* :func:`real_benefits`, :func:`benefit_cost` — Phillips benefit–cost ratio and ROI %.

Amounts are money in pounds sterling; every money figure comes out in the prices of
``base_year``, which is stored beside it (``price_base_year``) and named in its unit
(:func:`money_unit`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from evaluation.core.checks import check_confidence_level
from evaluation.core.errors import DegenerateDataWarning
from evaluation.core.vocabulary import COST_BASES, COST_CATEGORIES

__all__ = [
    "COST_COLUMNS",
    "GREEN_BOOK_RATE",
    "SUMMARY_COLUMNS",
    "BenefitCost",
    "BootstrapResult",
    "Ledger",
    "MonetisedBenefits",
    "StaffTime",
    "apportion",
    "benefit_cost",
    "bootstrap_costs",
    "cost_curve",
    "cost_ledger",
    "cost_measures",
    "cost_summary",
    "costs_by_category",
    "deflate",
    "money_unit",
    "participant_time",
    "present_value",
    "real_benefits",
    "tornado",
    "wilson_interval",
]

#: Columns of a cost table (``costs.csv`` after ingest, CONTRACT section 2).
COST_COLUMNS: tuple[str, ...] = ("cohort", "category", "description", "amount", "price_year", "basis")
#: Columns of ``tables/cost_summary.csv`` (CONTRACT section 4), then ``description``.
SUMMARY_COLUMNS: tuple[str, ...] = (
    "measure", "value", "ci_low", "ci_high", "unit", "price_base_year", "description",
)
#: The HM Treasury Green Book's social time preference rate for years 0–30.
GREEN_BOOK_RATE = 0.035
#: Categories that value participants' time: per participant by nature, whatever their basis.
TIME_CATEGORIES = ("participant_time", "backfill")
#: Measures that the bootstrap gives intervals for.
BOOTSTRAP_MEASURES: tuple[str, ...] = (
    "total_cost", "variable_cost_per_participant", "participant_time_cost", "cost_per_enrolled",
    "cost_per_completer", "cost_per_reliable_improver",
)
#: Default one-way sensitivity ranges, as multipliers of the base value (see :func:`tornado`).
DEFAULT_RANGES: dict[str, tuple[float, float]] = {"hourly_cost": (0.8, 1.2), "hours": (0.75, 1.5)}
PARTICIPANT_TIME_SOURCES = {
    "cost_rows": "participant_time rows of costs.csv",
    "derived": "hours attended × hourly staff cost by role level (programme.yaml staff_hourly_cost)",
    "backfill": "backfill rows of costs.csv, which replace participants' time",
    "none": "not costed (no participant_time or backfill rows and no staff_hourly_cost)",
}
_NAN = math.nan


def _warn(message: str, stacklevel: int = 3) -> None:
    warnings.warn(message, DegenerateDataWarning, stacklevel=stacklevel)


def money_unit(base_year: int) -> str:
    """The unit of every money figure: ``"GBP (<base year> prices)"``.

    Examples
    --------
    >>> money_unit(2024)
    'GBP (2024 prices)'
    """
    return f"GBP ({int(base_year)} prices)"


# ------------------------------------------------------------------------------ checking


def _require(frame: Any, columns: Iterable[str], parameter: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"`{parameter}` must be a DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"`{parameter}` lacks column(s) {missing}; it has {list(frame.columns)}")


def _listed(values: Iterable[Any], limit: int = 10) -> str:
    shown = sorted({str(v) for v in values})
    more = len(shown) - limit
    return ", ".join(repr(v) for v in shown[:limit]) + (f" and {more} more" if more > 0 else "")


def _check_costs(costs: pd.DataFrame, parameter: str = "costs") -> pd.DataFrame:
    """A checked, typed copy of a cost table (cohort as float with NaN = programme level)."""
    _require(costs, [c for c in COST_COLUMNS if c != "description"], parameter)
    out = costs.copy()
    if "description" not in out:
        out["description"] = ""
    out["description"] = out["description"].astype(object).where(out["description"].notna(), "")
    amount = pd.to_numeric(out["amount"], errors="coerce").astype("float64")
    bad = amount.isna() | ~np.isfinite(amount) | (amount < 0)
    if bad.any():
        raise ValueError(
            f"`{parameter}` column `amount` must hold numbers ≥ 0 (pounds sterling, nominal); found "
            f"{_listed(costs.loc[bad, 'amount'].astype(str))} (index {list(costs.index[bad.to_numpy()])[:10]})"
        )
    out["amount"] = amount
    category = out["category"].astype(object)
    bad = ~category.isin(COST_CATEGORIES)
    if bad.any():
        raise ValueError(
            f"`{parameter}` column `category` has unknown value(s) {_listed(category[bad])}; "
            f"allowed: {list(COST_CATEGORIES)}"
        )
    basis = out["basis"].astype(object)
    bad = ~basis.isin(COST_BASES)
    if bad.any():
        raise ValueError(
            f"`{parameter}` column `basis` has unknown value(s) {_listed(basis[bad])}; "
            f"allowed: {list(COST_BASES)}"
        )
    out["category"], out["basis"] = category.astype(str), basis.astype(str)
    year = pd.to_numeric(out["price_year"], errors="coerce").astype("float64")
    bad = year.isna() | (year != np.round(year))
    if bad.any():
        raise ValueError(
            f"`{parameter}` column `price_year` must be a whole year for every row; found "
            f"{_listed(costs.loc[bad, 'price_year'].astype(str))}"
        )
    out["price_year"] = year.astype("int64")
    cohort = pd.to_numeric(out["cohort"], errors="coerce").astype("float64")
    bad = (out["cohort"].notna() & cohort.isna()) | (cohort.notna() & ((cohort < 1) | (cohort != np.round(cohort))))
    if bad.any():
        raise ValueError(
            f"`{parameter}` column `cohort` must be a whole number ≥ 1, or blank for a programme-level "
            f"cost; found {_listed(costs.loc[bad, 'cohort'].astype(str))}"
        )
    out["cohort"] = cohort
    return out


def _deflator_index(deflators: pd.DataFrame) -> dict[int, float]:
    """``{year: index}`` from a deflator table, checked."""
    _require(deflators, ["year", "index"], "deflators")
    years = pd.to_numeric(deflators["year"], errors="coerce")
    index = pd.to_numeric(deflators["index"], errors="coerce").astype("float64")
    if years.isna().any() or (years != np.round(years)).any():
        raise ValueError("`deflators` column `year` must hold whole years")
    if index.isna().any() or not np.isfinite(index).all() or (index <= 0).any():
        raise ValueError("`deflators` column `index` must hold positive numbers (GDP deflator index)")
    if years.duplicated().any():
        raise ValueError(f"`deflators` column `year` repeats year(s) {_listed(years[years.duplicated()].astype(int))}")
    return dict(zip(years.astype(int), index, strict=True))


def _factors(years: Any, lookup: Mapping[int, float], base_year: int, what: str) -> np.ndarray:
    """D_base / D_year for each year; ValueError naming every year without a deflator."""
    years_arr = np.atleast_1d(np.asarray(years)).astype("int64")
    span = f"{min(lookup)}-{max(lookup)}" if lookup else "none"
    if int(base_year) not in lookup:
        raise ValueError(
            f"`base_year` {int(base_year)} has no GDP deflator in `deflators` (years with a deflator: {span})"
        )
    missing = sorted({int(y) for y in years_arr if int(y) not in lookup})
    if missing:
        raise ValueError(
            f"{what} {missing} ha{'s' if len(missing) == 1 else 've'} no GDP deflator in `deflators` "
            f"(years with a deflator: {span}); add the year's HM Treasury GDP deflator"
        )
    base = lookup[int(base_year)]
    return np.array([base / lookup[int(y)] for y in years_arr], dtype="float64")


# ------------------------------------------------------------------------------ real prices


def deflate(amounts: Any, price_years: Any, deflators: pd.DataFrame, *, base_year: int) -> Any:
    """Convert nominal amounts to real prices of ``base_year``.

    Parameters
    ----------
    amounts : float or array-like
        Nominal pounds, each priced in its ``price_years`` entry (≥ 0).
    price_years : int or array-like of int
        The year each amount is priced in (broadcast against ``amounts``).
    deflators : DataFrame
        Columns ``year, index``: the HM Treasury GDP deflator at market prices.
    base_year : int
        The price base; it must have a deflator.

    Returns
    -------
    float or ndarray
        Real amounts in ``base_year`` prices (a float for scalar input).

    Raises
    ------
    ValueError
        An amount is negative or not a number; a price year or the base year has no deflator.

    Notes
    -----
    HM Treasury Green Book (2022), annex A6 and the GDP deflators at market prices:
    ``real = nominal × D_base / D_year``, with ``D`` the deflator index.

    Examples
    --------
    £1,000 spent in 2005 in 2024 prices, with the 2005 deflator 61.57 (2024 = 100):
    1000 × 100 / 61.57 = 1,624.17.

    >>> d = pd.DataFrame({"year": [2005, 2024], "index": [61.57, 100.0]})
    >>> round(deflate(1000, 2005, d, base_year=2024), 2)
    1624.17
    >>> deflate([100.0, 200.0], [2024, 2024], d, base_year=2005).round(2)
    array([ 61.57, 123.14])
    """
    lookup = _deflator_index(deflators)
    scalar = np.ndim(amounts) == 0 and np.ndim(price_years) == 0
    values = np.atleast_1d(np.asarray(amounts, dtype="float64"))
    if np.isnan(values).any() or (values < 0).any() or np.isinf(values).any():
        raise ValueError("`amounts` must be finite numbers ≥ 0 (nominal pounds)")
    years = np.atleast_1d(np.asarray(price_years))
    values, years = np.broadcast_arrays(values, years)
    real = values * _factors(years.ravel(), lookup, base_year, "price year(s)").reshape(values.shape)
    return float(real[0]) if scalar else real


# ------------------------------------------------------------------------------ apportioning


def _enrolment(enrolled: Mapping[int, int] | pd.Series) -> dict[int, int]:
    items = enrolled.items() if isinstance(enrolled, Mapping | pd.Series) else None
    if items is None:
        raise ValueError(
            "`enrolled` must map cohort → number of enrolled participants (dict or Series), "
            f"got {type(enrolled).__name__}"
        )
    out = {}
    for cohort, n in items:
        if pd.isna(n) or float(n) < 0 or float(n) != round(float(n)):
            raise ValueError(f"`enrolled` must hold whole numbers ≥ 0; cohort {cohort} has {n!r}")
        out[int(cohort)] = int(n)
    return out


def apportion(costs: pd.DataFrame, enrolled: Mapping[int, int] | pd.Series) -> pd.DataFrame:
    """Share programme-level cost lines out to cohorts by enrolled participants.

    Parameters
    ----------
    costs : DataFrame
        Cost lines (``cohort, category, description, amount, price_year, basis``); a blank
        ``cohort`` marks a programme-level line shared across cohorts.
    enrolled : mapping or Series
        Cohort → number of enrolled participants, for every cohort the programme serves.

    Returns
    -------
    DataFrame
        One row per cost line and cohort it falls on: the columns of ``costs`` with ``cohort``
        filled in, plus ``level`` (``cohort`` or ``programme``), ``share`` (the cohort's
        share of a programme-level fixed line, else 1) and ``apportioned_amount`` (``amount ×
        share``; a per-participant amount stays per participant). Nominal prices, as given.

    Raises
    ------
    ValueError
        A cost line names a cohort that has no enrolled participants, or bad cost rows.

    Notes
    -----
    Phillips & Phillips prorate needs assessment, design and other shared costs over the
    cohorts they serve. Here the share of cohort c is ``n_c / Σ n`` (enrolled participants),
    so that each place carries the same share of the shared costs. Programme-level lines of
    basis ``per_participant`` need no apportioning: they apply to each enrolled participant.

    Examples
    --------
    A £9,000 design cost shared by cohorts of 20 and 40 (9,000 × 20/60 = 3,000 and
    9,000 × 40/60 = 6,000):

    >>> c = pd.DataFrame({"cohort": [None], "category": ["design"], "description": ["d"],
    ...                   "amount": [9000.0], "price_year": [2005], "basis": ["fixed"]})
    >>> apportion(c, {1: 20, 2: 40})[["cohort", "level", "share", "apportioned_amount"]]
       cohort      level     share  apportioned_amount
    0       1  programme  0.333333              3000.0
    1       2  programme  0.666667              6000.0
    """
    checked = _check_costs(costs)
    n = _enrolment(enrolled)
    served = {c: k for c, k in n.items() if k > 0}
    named = checked["cohort"].dropna().astype(int)
    unknown = sorted(set(named) - set(served))
    if unknown:
        raise ValueError(
            f"`costs` column `cohort` has cost lines for cohort(s) {unknown}, which have no enrolled "
            f"participants (cohorts with participants: {sorted(served)})"
        )
    total = sum(served.values())
    rows = []
    for row in checked.to_dict("records"):
        if not pd.isna(row["cohort"]):
            rows.append({**row, "cohort": int(row["cohort"]), "level": "cohort", "share": 1.0,
                         "apportioned_amount": row["amount"]})
            continue
        if not served:
            raise ValueError("`enrolled` has no cohort with participants to share programme-level costs over")
        for cohort in sorted(served):
            share = served[cohort] / total if row["basis"] == "fixed" else 1.0
            rows.append({**row, "cohort": cohort, "level": "programme", "share": share,
                         "apportioned_amount": row["amount"] * share})
    columns = [*checked.columns, "level", "share", "apportioned_amount"]
    out = pd.DataFrame(rows, columns=columns)
    out["cohort"] = out["cohort"].astype("int64")
    return out


# ------------------------------------------------------------------------------ participants' time


@dataclass(frozen=True)
class StaffTime:
    """What participants' time is costed from (``programme.yaml``).

    ``hourly_costs`` maps role level → cost of an hour of staff time (salary + on-costs +
    overheads over working hours, PSSRU schema) in ``price_year`` prices.
    """

    hourly_costs: Mapping[str, float]
    price_year: int
    sessions: int
    hours_per_session: float
    source: str = ""

    @classmethod
    def from_programme(cls, programme: Any) -> StaffTime | None:
        """From a :class:`~evaluation.data.params.Programme`; None without ``staff_hourly_cost``."""
        staff = getattr(programme, "staff_hourly_cost", None)
        if staff is None:
            return None
        return cls(dict(staff.by_role_level), int(staff.price_year), int(programme.sessions),
                   float(programme.hours_per_session), str(staff.source))


def participant_time(
    participants: pd.DataFrame, staff: StaffTime, deflators: pd.DataFrame, *, base_year: int
) -> pd.DataFrame:
    """Each participant's hours on the programme and what that time cost.

    Parameters
    ----------
    participants : DataFrame
        ``participant_id, role_level`` and optionally ``sessions_attended``.
    staff : StaffTime
        Hourly cost by role level, its price year, the programme's sessions and hours.
    deflators : DataFrame
        ``year, index`` (GDP deflator).
    base_year : int
        Price base of ``time_cost``.

    Returns
    -------
    DataFrame
        ``participant_id, role_level, sessions, hours, hourly_cost, time_cost`` in the input's
        row order: ``sessions`` counted, ``hourly_cost`` nominal (``staff.price_year``),
        ``time_cost = hours × hourly_cost × D_base / D_price_year``.

    Raises
    ------
    ValueError
        A role level without an hourly cost; sessions attended negative or above the
        programme's sessions; the hourly costs' price year without a deflator.

    Notes
    -----
    Phillips' fully loaded costs include participants' salaries and benefits for the time
    spent on the programme; the PSSRU schema gives the cost of an hour of staff time as
    (salary + on-costs + overheads + capital) / working hours. Hours are
    ``sessions_attended × hours_per_session`` when attendance is recorded: the time actually
    given up (a participant who withdrew after two sessions costs two sessions). Where
    attendance is not recorded the full programme (``sessions × hours_per_session``) is
    assumed: the conservative choice for costs (Phillips' principle 4 — it never understates
    the cost).

    Examples
    --------
    A middle manager at £29 an hour (2005 prices) who attended 10 of 12 six-hour sessions, and
    one whose attendance was not recorded: 10 × 6 × 29 = £1,740 and 12 × 6 × 29 = £2,088 in
    2005 prices.

    >>> d = pd.DataFrame({"year": [2005], "index": [61.57]})
    >>> staff = StaffTime({"middle_manager": 29.0}, 2005, sessions=12, hours_per_session=6.0)
    >>> p = pd.DataFrame({"participant_id": ["a", "b"], "role_level": ["middle_manager"] * 2,
    ...                   "sessions_attended": [10, None]})
    >>> participant_time(p, staff, d, base_year=2005)[["sessions", "hours", "time_cost"]]
       sessions  hours  time_cost
    0      10.0   60.0     1740.0
    1      12.0   72.0     2088.0
    """
    _require(participants, ["participant_id", "role_level"], "participants")
    lookup = _deflator_index(deflators)
    factor = _factors([staff.price_year], lookup, base_year, "`staff_hourly_cost.price_year`")[0]
    rates = {str(k): float(v) for k, v in staff.hourly_costs.items()}
    bad = [k for k, v in rates.items() if not (np.isfinite(v) and v >= 0)]
    if bad:
        raise ValueError(f"`staff_hourly_cost.by_role_level` must hold numbers ≥ 0; {bad} do not")
    roles = participants["role_level"].astype(object)
    missing = roles[~roles.isin(list(rates))]
    if len(missing):
        counts = missing.fillna("(blank)").value_counts().sort_index()
        raise ValueError(
            "`staff_hourly_cost.by_role_level` (programme.yaml) has no hourly cost for role level(s) "
            f"{list(counts.index)} held by {int(counts.sum())} participant(s); it has {sorted(rates)}. "
            "Add their hourly cost, or give participants' time as participant_time rows of costs.csv"
        )
    if "sessions_attended" in participants:
        attended = pd.to_numeric(participants["sessions_attended"], errors="coerce").astype("float64")
    else:
        attended = pd.Series(np.nan, index=participants.index)
    bad = attended.notna() & ((attended < 0) | (attended > staff.sessions))
    if bad.any():
        raise ValueError(
            f"`participants` column `sessions_attended` must be between 0 and the programme's "
            f"{staff.sessions} sessions; found {_listed(attended[bad].astype(int))}"
        )
    sessions = attended.fillna(float(staff.sessions)).to_numpy()
    hours = sessions * float(staff.hours_per_session)
    hourly = roles.map(rates).astype("float64").to_numpy()
    return pd.DataFrame({
        "participant_id": participants["participant_id"].to_numpy(),
        "role_level": roles.to_numpy(),
        "sessions": sessions,
        "hours": hours,
        "hourly_cost": hourly,
        "time_cost": hours * hourly * factor,
    })


# ------------------------------------------------------------------------------ the ledger


@dataclass(frozen=True)
class Ledger:
    """One cohort's fully loaded costs in real prices of ``base_year``.

    Attributes
    ----------
    cohort, base_year : int
    lines : DataFrame
        One row per cost line falling on the cohort: ``cohort, level, category, description,
        basis, component, price_year, amount`` (nominal, per participant for
        per-participant lines), ``deflator_factor`` (D_base/D_year), ``real_amount`` (the
        same in base-year prices), ``share`` (apportioned share), ``quantity`` (1, the share,
        or the number enrolled), ``real_total`` (the line's cost to the cohort) and
        ``source``. ``component`` is ``fixed`` (part of F) or ``variable`` (part of v).
    participants : DataFrame
        One row per enrolled participant, sorted by ``participant_id``: ``participant_id,
        completed, hours, time_cost, variable_cost`` (``variable_cost`` = every
        per-participant line + the participant's own time cost).
    participant_time_source : str
        ``cost_rows``, ``derived``, ``backfill`` or ``none`` (see
        :data:`PARTICIPANT_TIME_SOURCES`).
    spending_year : int
        The latest price year of the cohort's own cost lines (the year the money was spent).
    """

    cohort: int
    base_year: int
    lines: pd.DataFrame
    participants: pd.DataFrame
    participant_time_source: str
    spending_year: int
    deflators: pd.DataFrame = field(repr=False)

    @property
    def enrolled(self) -> int:
        return len(self.participants)

    @property
    def completed(self) -> int:
        return int(self.participants["completed"].sum())

    @property
    def fixed_cost(self) -> float:
        """F: every fixed line, the cohort's share of programme-level ones included."""
        return float(self.lines.loc[self.lines["component"] == "fixed", "real_total"].sum())

    @property
    def variable_cost_per_participant(self) -> float:
        """v: every per-participant line plus participants' time, per enrolled participant."""
        if self.enrolled == 0:
            return _NAN
        return float(self.lines.loc[self.lines["component"] == "variable", "real_total"].sum()) / self.enrolled

    @property
    def total_cost(self) -> float:
        """C(n) = F + v·n."""
        return self.fixed_cost + self.variable_cost_per_participant * self.enrolled

    @property
    def participant_time_cost(self) -> float:
        """Participants' time (and backfill that replaces it), for the whole cohort."""
        lines = self.lines[self.lines["category"].isin(TIME_CATEGORIES)]
        return float(lines["real_total"].sum())

    @property
    def cohort_fixed_cost(self) -> float:
        """The fixed lines of the cohort itself: the step cost of running one more cohort."""
        own = self.lines[(self.lines["component"] == "fixed") & (self.lines["level"] == "cohort")]
        return float(own["real_total"].sum())

    @property
    def unit(self) -> str:
        return money_unit(self.base_year)


LINE_ORDER = ("level", "category", "basis", "price_year", "description", "amount")


def cost_ledger(
    costs: pd.DataFrame,
    participants: pd.DataFrame,
    *,
    cohort: int,
    enrolled: Mapping[int, int] | pd.Series,
    deflators: pd.DataFrame,
    base_year: int,
    staff: StaffTime | None = None,
) -> Ledger:
    """One cohort's fully loaded cost ledger in real prices.

    Parameters
    ----------
    costs : DataFrame
        The programme's cost lines (every cohort, and programme-level lines with a blank
        cohort); nominal pounds in their ``price_year``.
    participants : DataFrame
        The cohort's enrolled participants: ``participant_id, status`` and, when participants'
        time is derived, ``role_level`` and optionally ``sessions_attended``.
    cohort : int
        The cohort.
    enrolled : mapping or Series
        Cohort → enrolled participants for every cohort of the programme (for apportioning
        programme-level costs); ``enrolled[cohort]`` must equal ``len(participants)``.
    deflators : DataFrame
        ``year, index``.
    base_year : int
        The price base.
    staff : StaffTime, optional
        Hourly staff costs for deriving participants' time (used only when the cohort has no
        participant_time or backfill rows with a positive amount).

    Returns
    -------
    Ledger

    Raises
    ------
    ValueError
        Negative amounts, unknown categories or bases, a price year without a deflator, a cost
        line for a cohort without participants, participants that do not match ``enrolled``.

    Warns
    -----
    DegenerateDataWarning
        Participants' time cannot be costed (no rows and no hourly costs): costs are not
        fully loaded.

    Notes
    -----
    Phillips & Phillips' fully loaded costs: needs assessment and design (prorated over the
    cohorts served, :func:`apportion`), delivery, venue, materials, travel, accreditation,
    management, evaluation and participants' time, each deflated to ``base_year``
    (:func:`deflate`). Lines of basis ``fixed`` make up F, lines of basis
    ``per_participant`` make up v, so that ``C(n) = F + v·n``. Participants' time (and
    backfill) is per participant by nature: a fixed-basis total is spread over the enrolled
    participants and counted in v.

    Participants' time comes from, in order: participant_time rows with a positive amount
    (``cost_rows``); else backfill rows with a positive amount (``backfill``: time bought back
    replaces, rather than adds to, the value of participants' time); else hours × hourly cost
    by role level (``derived``, :func:`participant_time`); else it is not costed (``none``).

    Lines are put in a fixed order (and participants sorted by ``participant_id``) so that the
    input's row order never changes a result.

    Examples
    --------
    Cohort 1 (2 people) and cohort 2 (2 people) share a £1,000 design cost (2024 prices);
    cohort 1 has £3,000 of facilitation and £100 of materials per participant:
    F = 3,000 + 1,000 × 2/4 = 3,500; v = 100; C(2) = 3,500 + 100 × 2 = 3,700.

    >>> d = pd.DataFrame({"year": [2024], "index": [100.0]})
    >>> c = pd.DataFrame({"cohort": [None, 1, 1], "category": ["design", "delivery", "materials"],
    ...                   "description": ["", "", ""], "amount": [1000.0, 3000.0, 100.0],
    ...                   "price_year": [2024] * 3, "basis": ["fixed", "fixed", "per_participant"]})
    >>> p = pd.DataFrame({"participant_id": ["a", "b"], "status": ["completed", "withdrew"]})
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     ledger = cost_ledger(c, p, cohort=1, enrolled={1: 2, 2: 2}, deflators=d, base_year=2024)
    >>> ledger.fixed_cost, ledger.variable_cost_per_participant, ledger.total_cost
    (3500.0, 100.0, 3700.0)
    >>> ledger.participant_time_source
    'none'
    """
    _require(participants, ["participant_id", "status"], "participants")
    n_by_cohort = _enrolment(enrolled)
    cohort = int(cohort)
    n = len(participants)
    if n_by_cohort.get(cohort) != n:
        raise ValueError(
            f"`enrolled` gives cohort {cohort} {n_by_cohort.get(cohort)} participants but `participants` "
            f"has {n} rows; pass the cohort's participants and every cohort's enrolment"
        )
    if n == 0:
        raise ValueError(f"`participants` is empty: cohort {cohort} has nobody enrolled to cost")
    if participants["participant_id"].duplicated().any():
        raise ValueError("`participants` column `participant_id` repeats an identifier")
    lookup = _deflator_index(deflators)
    lines = apportion(costs, n_by_cohort)
    lines = lines[lines["cohort"] == cohort].copy()
    lines["deflator_factor"] = _factors(lines["price_year"], lookup, base_year, "`costs` column `price_year` has year(s)") \
        if len(lines) else np.array([], dtype="float64")
    lines["real_amount"] = lines["amount"] * lines["deflator_factor"]
    is_time = lines["category"].isin(TIME_CATEGORIES)
    per_participant = lines["basis"] == "per_participant"
    # a fixed-basis total of participants' time is spread over the enrolled participants
    lines["component"] = np.where(per_participant | is_time, "variable", "fixed")
    lines["quantity"] = np.where(per_participant, float(n), lines["share"])
    lines["real_total"] = lines["real_amount"] * lines["quantity"]
    lines["source"] = np.where(
        lines["level"] == "programme",
        np.where(per_participant, "programme-level cost line, per enrolled participant",
                 "programme-level cost line, apportioned by enrolment"),
        "cost line of the cohort",
    )

    positive = lines["amount"] > 0
    ids = participants["participant_id"].astype(str).to_numpy()
    people = pd.DataFrame({
        "participant_id": ids,
        "completed": (participants["status"].astype(object) == "completed").to_numpy(dtype=bool),
        "hours": np.nan,
        "time_cost": 0.0,
    })
    if (positive & (lines["category"] == "participant_time")).any():
        source = "cost_rows"
    elif (positive & (lines["category"] == "backfill")).any():
        source = "backfill"
    elif staff is not None:
        source = "derived"
        time = participant_time(participants, staff, deflators, base_year=base_year)
        people["hours"] = time["hours"].to_numpy()
        people["time_cost"] = time["time_cost"].to_numpy()
        factor = _factors([staff.price_year], lookup, base_year, "`staff_hourly_cost.price_year`")[0]
        derived = {
            "cohort": cohort, "category": "participant_time",
            "description": (f"Participants' time: {time['hours'].sum():,.1f} hours attended × hourly staff cost "
                            f"by role level ({staff.price_year} prices), per enrolled participant"),
            "amount": float(time["time_cost"].sum() / factor / n), "price_year": int(staff.price_year),
            "basis": "per_participant", "level": "cohort", "share": 1.0, "apportioned_amount": _NAN,
            "deflator_factor": factor, "real_amount": float(time["time_cost"].sum() / n),
            "component": "variable", "quantity": float(n), "real_total": float(time["time_cost"].sum()),
            "source": "derived: hours × hourly cost by role level (programme.yaml)",
        }
        lines = pd.concat([lines, pd.DataFrame([derived])], ignore_index=True)
    else:
        source = "none"
        _warn(f"cohort {cohort}: participants' time is not costed (no participant_time or backfill rows in "
              "the costs and no staff_hourly_cost in programme.yaml): costs are not fully loaded")
    order = {"cohort": 0, "programme": 1}
    lines = (lines.assign(_level=lines["level"].map(order),
                          _category=lines["category"].map({c: i for i, c in enumerate(COST_CATEGORIES)}),
                          _source=lines["source"].str.startswith("derived"))
             .sort_values(["_level", "_category", "basis", "price_year", "description", "amount", "_source"],
                          kind="mergesort")
             .drop(columns=["_level", "_category", "_source"]).reset_index(drop=True))
    lines = lines[["cohort", "level", "category", "description", "basis", "component", "price_year", "amount",
                   "deflator_factor", "real_amount", "share", "quantity", "real_total", "source"]]

    # each participant's variable cost: every per-participant line, plus their own time
    variable_lines = lines[lines["component"] == "variable"]
    shared = variable_lines[~variable_lines["source"].str.startswith("derived")]
    per_person = float(shared["real_total"].sum()) / n
    if source in ("cost_rows", "backfill"):
        time_rows = shared[shared["category"].isin(TIME_CATEGORIES)]
        people["time_cost"] = float(time_rows["real_total"].sum()) / n
    people["variable_cost"] = per_person + np.where(source == "derived", people["time_cost"], 0.0)
    people = people.sort_values("participant_id", kind="mergesort").reset_index(drop=True)
    # the year the cohort's money was spent: the latest price year of its own (non-zero) cost lines
    given = (lines["amount"] > 0) & ~lines["source"].str.startswith("derived")
    own = lines.loc[given & (lines["level"] == "cohort"), "price_year"]
    shared = lines.loc[given, "price_year"]
    spending_year = int(own.max()) if len(own) else int(shared.max()) if len(shared) else int(base_year)
    return Ledger(cohort=cohort, base_year=int(base_year), lines=lines, participants=people,
                  participant_time_source=source, spending_year=spending_year, deflators=deflators.copy())


# ------------------------------------------------------------------------------ measures


def _improved_flags(ledger: Ledger, improved: Any) -> np.ndarray:
    """Reliable improvers as booleans aligned to ``ledger.participants``; unknown → not improved."""
    ids = ledger.participants["participant_id"]
    if improved is None:
        return np.zeros(len(ids), dtype=bool)
    if isinstance(improved, pd.Series) and pd.api.types.is_bool_dtype(improved):
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
    without_time = total - ledger.participant_time_cost
    return {
        "enrolled": float(n),
        "completed": float(ledger.completed),
        "reliable_improvers": float(flags.sum()),
        "completion_rate": ledger.completed / n,
        "total_cost": total,
        "fixed_cost": fixed,
        "variable_cost_per_participant": v,
        "participant_time_cost": ledger.participant_time_cost,
        "cost_per_enrolled": _ratio(total, n),
        "cost_per_completer": _ratio(total, ledger.completed),
        "cost_per_reliable_improver": _ratio(total, float(flags.sum())),
        "cost_per_enrolled_excluding_participant_time": _ratio(without_time, n),
        "cohort_fixed_cost": ledger.cohort_fixed_cost,
        "apportioned_programme_cost": fixed - ledger.cohort_fixed_cost,
        "marginal_cost_participant": v,
        "marginal_cost_cohort": ledger.cohort_fixed_cost + v * n,
    }


MEASURE_DESCRIPTIONS = {
    "total_cost": "Fully loaded cost of the cohort, C(n) = F + v × n",
    "fixed_cost": "F: fixed costs, including the cohort's share of programme-level costs",
    "variable_cost_per_participant": "v: per-participant costs, participants' time included, per enrolled participant",
    "participant_time_cost": "Participants' time for the whole cohort (included in the total)",
    "cost_per_enrolled": "Total cost / enrolled participants (what a place costs)",
    "cost_per_completer": "Total cost / participants who completed",
    "cost_per_reliable_improver": "Total cost / participants who reliably improved on the primary scale",
    "cost_per_enrolled_excluding_participant_time": "Cost per enrolled participant without participants' time "
                                                    "(the basis of published programme costs)",
    "cohort_fixed_cost": "Fixed costs of the cohort itself (step cost of one more cohort), without shared costs",
    "apportioned_programme_cost": "The cohort's share of programme-level costs (by enrolment)",
    "marginal_cost_participant": "Cost of one more participant in the cohort (= v)",
    "marginal_cost_cohort": "Cost of one more cohort of the same size: its own fixed costs + v × enrolled",
    "enrolled": "Participants enrolled",
    "completed": "Participants who completed the programme",
    "reliable_improvers": "Participants who reliably improved on the primary scale (no scores = not improved)",
    "completion_rate": "Completed / enrolled",
}
COUNT_UNITS = {"enrolled": "participants", "completed": "participants", "reliable_improvers": "participants",
               "completion_rate": "share of enrolled"}
SUMMARY_ORDER = (
    "total_cost", "fixed_cost", "variable_cost_per_participant", "participant_time_cost", "cost_per_enrolled",
    "cost_per_completer", "cost_per_reliable_improver", "cost_per_enrolled_excluding_participant_time",
    "marginal_cost_participant", "marginal_cost_cohort", "cohort_fixed_cost", "apportioned_programme_cost",
    "enrolled", "completed", "reliable_improvers", "completion_rate",
)


def cost_summary(ledger: Ledger, improved: Any = None, *, bootstrap: BootstrapResult | None = None) -> pd.DataFrame:
    """The cost summary of ``tables/cost_summary.csv``.

    Parameters
    ----------
    ledger : Ledger
    improved : Series of bool or iterable of participant ids, optional
        Reliable improvers on the primary scale; everyone else counts as not improved.
    bootstrap : BootstrapResult, optional
        Intervals for the measures it covers (:func:`bootstrap_costs`); others have none.

    Returns
    -------
    DataFrame
        Columns :data:`SUMMARY_COLUMNS`, one row per measure: ``total_cost, fixed_cost,
        variable_cost_per_participant, participant_time_cost, cost_per_enrolled,
        cost_per_completer, cost_per_reliable_improver``, cost per enrolled without
        participants' time, ``marginal_cost_participant, marginal_cost_cohort``, the cohort's
        own fixed cost and its share of programme costs, then the counts behind the ratios.
        Money rows carry ``unit`` "GBP (<base year> prices)" and ``price_base_year``; count
        rows have no price base. ``total_cost = fixed_cost + variable_cost_per_participant ×
        enrolled``.

    Warns
    -----
    DegenerateDataWarning
        Nobody completed or nobody reliably improved: that cost per head is NaN.

    Notes
    -----
    Denominators (domain anchors 3.2): cost per enrolled = C/N_enrolled, per completer =
    C/N_completed, per reliable improver = C/N_improved — cost per unit of outcome (Magenta
    Book cost-effectiveness: Σcost/Σeffect). Marginal cost of a participant = v; of a cohort =
    the cohort's own fixed costs + v·n (the design and other programme-level costs are not
    spent again).

    Examples
    --------
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
        _warn(f"cohort {ledger.cohort}: nobody completed the programme: cost per completer is undefined (NaN)")
    if measures["reliable_improvers"] == 0:
        _warn(f"cohort {ledger.cohort}: nobody reliably improved on the primary scale: cost per reliable "
              "improver is undefined (NaN)")
    intervals = bootstrap.summary.set_index("measure") if bootstrap is not None else None
    rows = []
    for name in SUMMARY_ORDER:
        money = name not in COUNT_UNITS
        lo = hi = _NAN
        if intervals is not None and name in intervals.index:
            lo, hi = float(intervals.loc[name, "ci_low"]), float(intervals.loc[name, "ci_high"])
        rows.append({
            "measure": name, "value": float(measures[name]), "ci_low": lo, "ci_high": hi,
            "unit": ledger.unit if money else COUNT_UNITS[name],
            "price_base_year": ledger.base_year if money else None,
            "description": MEASURE_DESCRIPTIONS[name],
        })
    out = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    out["price_base_year"] = out["price_base_year"].astype("Int64")
    return out


def costs_by_category(ledger: Ledger) -> pd.DataFrame:
    """Costs by category and basis (``tables/costs_by_category.csv``), in base-year prices.

    Returns
    -------
    DataFrame
        ``category, basis, amount, share, price_base_year, unit``: ``amount`` is the
        category's cost to the cohort (programme-level lines apportioned), ``share`` its
        share of the total. Categories in the contract's order; categories whose amount is
        zero are left out (they stay in the ledger), so a zero-cost line changes nothing.

    Examples
    --------
    >>> d = pd.DataFrame({"year": [2024], "index": [100.0]})
    >>> c = pd.DataFrame({"cohort": [1, 1], "category": ["delivery", "materials"], "description": ["", ""],
    ...                   "amount": [3000.0, 100.0], "price_year": [2024, 2024], "basis": ["fixed", "per_participant"]})
    >>> p = pd.DataFrame({"participant_id": ["a", "b", "c"], "status": ["completed"] * 3})
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     ledger = cost_ledger(c, p, cohort=1, enrolled={1: 3}, deflators=d, base_year=2024)
    >>> costs_by_category(ledger)[["category", "basis", "amount", "share"]]
        category            basis  amount     share
    0   delivery            fixed  3000.0  0.909091
    1  materials  per_participant   300.0  0.090909
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
    out["price_base_year"] = ledger.base_year
    out["unit"] = ledger.unit
    return out.reset_index(drop=True)


# ------------------------------------------------------------------------------ bootstrap


@dataclass(frozen=True)
class BootstrapResult:
    """Percentile bootstrap of the cost measures.

    ``draws``: one row per resample with a column per measure of
    :data:`BOOTSTRAP_MEASURES` (NaN where a resample had no completer or no improver);
    ``summary``: ``measure, value, ci_low, ci_high, se, undefined_draws, resamples, seed,
    confidence_level``.
    """

    draws: pd.DataFrame
    summary: pd.DataFrame
    resamples: int
    seed: int
    confidence_level: float


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


# ------------------------------------------------------------------------------ cost curve


def cost_curve(ledger: Ledger, *, cohort_size: int | None = None, max_participants: int | None = None) -> pd.DataFrame:
    """Total and average cost as the programme grows, with a step cost for each new cohort.

    Parameters
    ----------
    ledger : Ledger
    cohort_size : int, optional
        Places per cohort (default: this cohort's enrolment); one more cohort is needed every
        ``cohort_size`` participants.
    max_participants : int, optional
        Largest programme size shown (default: three cohorts' worth).

    Returns
    -------
    DataFrame
        ``participants, cohorts, total_cost, average_cost, marginal_cost, price_base_year``
        for 1 … ``max_participants`` participants.

    Notes
    -----
    ``C(N) = S + k(N)·F_c + v·N`` with ``k(N) = ⌈N / cohort_size⌉`` cohorts, ``F_c`` the
    cohort's own fixed costs (the step cost of a cohort), ``S`` the cohort's share of
    programme-level costs (spent once), and ``v`` the per-participant cost; the average cost
    is ``C(N)/N`` and the marginal cost ``C(N) − C(N − 1)``: v, plus ``F_c`` when a new cohort
    starts (domain anchors 3.2). At N = n enrolled and one cohort this is the cohort's total
    cost C(n) = F + v·n.

    Examples
    --------
    F_c = 3,000, S = 0, v = 100, cohorts of 2: C(1) = 3,100, C(2) = 3,200, C(3) = 6,300.

    >>> d = pd.DataFrame({"year": [2024], "index": [100.0]})
    >>> c = pd.DataFrame({"cohort": [1, 1], "category": ["delivery", "materials"], "description": ["", ""],
    ...                   "amount": [3000.0, 100.0], "price_year": [2024, 2024], "basis": ["fixed", "per_participant"]})
    >>> p = pd.DataFrame({"participant_id": ["a", "b"], "status": ["completed"] * 2})
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     ledger = cost_ledger(c, p, cohort=1, enrolled={1: 2}, deflators=d, base_year=2024)
    >>> cost_curve(ledger, max_participants=3)[["participants", "cohorts", "total_cost", "marginal_cost"]]
       participants  cohorts  total_cost  marginal_cost
    0             1        1      3100.0         3100.0
    1             2        1      3200.0          100.0
    2             3        2      6300.0         3100.0
    """
    size = ledger.enrolled if cohort_size is None else int(cohort_size)
    if size < 1:
        raise ValueError(f"`cohort_size` must be at least 1, got {cohort_size!r}")
    top = 3 * size if max_participants is None else int(max_participants)
    if top < 1:
        raise ValueError(f"`max_participants` must be at least 1, got {max_participants!r}")
    step, v = ledger.cohort_fixed_cost, ledger.variable_cost_per_participant
    shared = ledger.fixed_cost - step
    n = np.arange(1, top + 1)
    k = -(-n // size)
    total = shared + k * step + v * n
    marginal = np.diff(np.concatenate([[0.0], total]))
    return pd.DataFrame({
        "participants": n, "cohorts": k, "total_cost": total, "average_cost": total / n,
        "marginal_cost": marginal, "price_base_year": ledger.base_year,
    })


# ------------------------------------------------------------------------------ sensitivity


def wilson_interval(successes: float, n: float, confidence_level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion (NaN, NaN when ``n`` is 0).

    Notes
    -----
    Wilson (1927): ``(p + z²/2n ± z·√(p(1 − p)/n + z²/4n²)) / (1 + z²/n)``.

    Examples
    --------
    >>> [round(x, 4) for x in wilson_interval(90, 100)]
    [0.8256, 0.9448]
    """
    from scipy import stats

    if n <= 0:
        return _NAN, _NAN
    z = float(stats.norm.isf((1 - confidence_level) / 2))
    p = successes / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    denom = 1 + z * z / n
    return (centre - half) / denom, (centre + half) / denom


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
    if measure not in TORNADO_MEASURES:
        raise ValueError(f"`measure` must be one of {list(TORNADO_MEASURES)}, got {measure!r}")
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
    c_lo, c_hi = wilson_interval(ledger.completed, n, confidence_level)
    i_lo, i_hi = wilson_interval(float(flags.sum()), n, confidence_level)
    pct = f"{confidence_level:.0%}"
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


# ------------------------------------------------------------------------------ discounting, BCR


def present_value(stream: Mapping[int, float] | pd.Series, *, rate: float = GREEN_BOOK_RATE,
                  base_year: int | None = None) -> float:
    """Present value of a stream of real amounts by year (Green Book discounting).

    Parameters
    ----------
    stream : mapping or Series
        Year → amount, already in real (base-year) prices.
    rate : float, default 0.035
        Discount rate (the Green Book's social time preference rate).
    base_year : int, optional
        The year discounted to (year 0); default the first year of the stream.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        A year before ``base_year``, a negative or missing amount, a rate outside [0, 1).

    Notes
    -----
    HM Treasury Green Book (2022) A6: ``PV = Σ_t X_t / (1 + r)^(t − t0)``, r = 3.5% for
    years 0–30. A stream that falls in one year is not discounted (its sum is returned);
    streams longer than 30 years should use the Green Book's declining schedule (not
    implemented).

    Examples
    --------
    £1,000 a year for three years at 3.5%: 1000 + 1000/1.035 + 1000/1.035² = 1000 + 966.18 + 933.51 = 2,899.69.

    >>> round(present_value({2005: 1000, 2006: 1000, 2007: 1000}), 2)
    2899.69
    >>> present_value({2005: 500.0})
    500.0
    """
    items = dict(stream.items()) if isinstance(stream, Mapping | pd.Series) else None
    if items is None:
        raise ValueError(f"`stream` must map year → amount, got {type(stream).__name__}")
    if not 0 <= float(rate) < 1:
        raise ValueError(f"`rate` must be in [0, 1) (e.g. 0.035), got {rate!r}")
    years = {int(y): float(v) for y, v in items.items()}
    bad = [y for y, v in years.items() if not (np.isfinite(v) and v >= 0)]
    if bad:
        raise ValueError(f"`stream` amounts must be numbers ≥ 0; year(s) {sorted(bad)} are not")
    if not years:
        return 0.0
    start = min(years) if base_year is None else int(base_year)
    early = sorted(y for y in years if y < start)
    if early:
        raise ValueError(f"`stream` has year(s) {early} before `base_year` {start}; discounting runs forward only")
    if len(set(years)) == 1 and next(iter(years)) == start:
        return float(sum(years.values()))
    return float(sum(v / (1 + float(rate)) ** (y - start) for y, v in sorted(years.items())))


@dataclass(frozen=True)
class MonetisedBenefits:
    """Benefits converted to money (Phillips level 4 → 5).

    ``by_year``: year → amount, nominal pounds in ``price_year`` prices; ``attribution`` the
    share of the change caused by the programme and ``confidence`` the confidence in that
    estimate (Phillips' principle 7 adjustment, both in (0, 1]); ``source`` where the values
    come from.
    """

    by_year: Mapping[int, float]
    price_year: int
    source: str = ""
    attribution: float = 1.0
    confidence: float = 1.0

    @classmethod
    def from_value(cls, value: Any) -> MonetisedBenefits:
        """From a ``MonetisedBenefits``, a mapping with the same keys, or an object with them."""
        if isinstance(value, MonetisedBenefits):
            return value
        get = value.get if isinstance(value, Mapping) else (lambda k, d=None: getattr(value, k, d))
        by_year = get("by_year")
        if by_year is None or get("price_year") is None:
            raise ValueError("monetised benefits need `by_year` (year → amount) and `price_year`")
        return cls(dict(by_year), int(get("price_year")), str(get("source", "") or ""),
                   float(get("attribution", 1.0)), float(get("confidence", 1.0)))


def real_benefits(benefits: MonetisedBenefits, deflators: pd.DataFrame, *, base_year: int) -> pd.Series:
    """Adjusted monetised benefits by year in ``base_year`` prices.

    ``amount × attribution × confidence × D_base / D_price_year`` (Phillips' principle 7;
    Green Book real prices).

    Examples
    --------
    >>> d = pd.DataFrame({"year": [2005, 2024], "index": [50.0, 100.0]})
    >>> b = MonetisedBenefits({2005: 1000.0}, 2005, attribution=0.5, confidence=0.8)
    >>> real_benefits(b, d, base_year=2024).tolist()
    [800.0]
    """
    for name in ("attribution", "confidence"):
        value = getattr(benefits, name)
        if not 0 < value <= 1:
            raise ValueError(f"monetised benefits `{name}` must be in (0, 1], got {value!r}")
    years = sorted(int(y) for y in benefits.by_year)
    amounts = [float(benefits.by_year[y]) for y in years]
    if any(not (np.isfinite(a) and a >= 0) for a in amounts):
        raise ValueError("monetised benefits `by_year` amounts must be numbers ≥ 0")
    real = deflate(np.array(amounts), np.full(len(years), benefits.price_year), deflators, base_year=base_year) \
        if years else np.array([])
    return pd.Series(np.asarray(real) * benefits.attribution * benefits.confidence, index=years, dtype="float64")


@dataclass(frozen=True)
class BenefitCost:
    """Phillips benefit–cost ratio and ROI, from present values in base-year prices."""

    benefits: float
    costs: float
    bcr: float
    roi_percent: float
    discounted: bool
    discount_rate: float
    years: tuple[int, ...]


def benefit_cost(total_cost: float, benefits: pd.Series | Mapping[int, float], *,
                 discount_rate: float = GREEN_BOOK_RATE, start_year: int | None = None) -> BenefitCost:
    """Benefit–cost ratio and return on investment.

    Parameters
    ----------
    total_cost : float
        Fully loaded cost in base-year prices, incurred in ``start_year``.
    benefits : Series or mapping
        Year → real monetised benefit (:func:`real_benefits`).
    discount_rate : float, default 0.035
    start_year : int, optional
        Year 0 of discounting (default: the first benefit year).

    Returns
    -------
    BenefitCost

    Warns
    -----
    DegenerateDataWarning
        Zero cost: the ratio is undefined (NaN).

    Notes
    -----
    Phillips & Phillips (2005): ``BCR = benefits / costs``,
    ``ROI% = (benefits − costs) / costs × 100 = (BCR − 1) × 100``. Benefits spanning several
    years are discounted to ``start_year`` (:func:`present_value`); a single year is not.
    Short programmes should count first-year benefits only (Phillips' principle 9).

    Examples
    --------
    Phillips' worked example: benefits 60,000, costs 20,000 → BCR 3.0, ROI 200%.

    >>> r = benefit_cost(20000, {2005: 60000})
    >>> r.bcr, r.roi_percent, r.discounted
    (3.0, 200.0, False)
    """
    costs = float(total_cost)
    if not (np.isfinite(costs) and costs >= 0):
        raise ValueError(f"`total_cost` must be a number ≥ 0, got {total_cost!r}")
    stream = {int(y): float(v) for y, v in dict(benefits.items()).items()}
    pv = present_value(stream, rate=discount_rate, base_year=start_year)
    years = tuple(sorted(stream))
    discounted = len(years) > 1 or (bool(years) and start_year is not None and years[0] != int(start_year))
    if costs == 0:
        _warn("total cost is zero: the benefit-cost ratio and ROI are undefined (NaN)")
        bcr = roi = _NAN
    else:
        bcr = pv / costs
        roi = (pv - costs) / costs * 100
    return BenefitCost(benefits=pv, costs=costs, bcr=bcr, roi_percent=roi, discounted=discounted,
                       discount_rate=float(discount_rate), years=years)
