"""One cohort's fully loaded cost ledger: cost lines, apportioning, participants' time.

:func:`apportion` shares programme-level cost lines (blank cohort) out to cohorts by enrolled
participants; :func:`participant_time` costs participants' hours by role level
(:class:`StaffTime`); :func:`cost_ledger` puts one cohort's lines in real prices and splits
them into the fixed part F and the per-participant part v (a :class:`Ledger`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from evaluation.core.checks import check_columns, check_unique
from evaluation.core.results import ResultDisplay
from evaluation.core.vocabulary import COST_BASES, COST_CATEGORIES
from evaluation.stats.costs._common import _NAN, _listed, _warn
from evaluation.stats.costs.prices import _deflator_index, _factors, money_unit

__all__ = [
    "COST_COLUMNS",
    "LINE_ORDER",
    "PARTICIPANT_TIME_SOURCES",
    "TIME_CATEGORIES",
    "Ledger",
    "StaffTime",
    "apportion",
    "cost_ledger",
    "participant_time",
]

#: Columns of a cost table (``costs.csv`` after ingest, CONTRACT section 2).
COST_COLUMNS: tuple[str, ...] = ("cohort", "category", "description", "amount", "price_year", "basis")
#: Categories that value participants' time: per participant by nature, whatever their basis.
TIME_CATEGORIES = ("participant_time", "backfill")
PARTICIPANT_TIME_SOURCES = {
    "cost_rows": "participant_time rows of costs.csv",
    "derived": "hours attended × hourly staff cost by role level (programme.yaml staff_hourly_cost)",
    "backfill": "backfill rows of costs.csv, which replace participants' time",
    "none": "not costed (no participant_time or backfill rows and no staff_hourly_cost)",
}


def _check_costs(costs: pd.DataFrame, parameter: str = "costs") -> pd.DataFrame:
    """A checked, typed copy of a cost table (cohort as float with NaN = programme level)."""
    check_columns(costs, [c for c in COST_COLUMNS if c != "description"], parameter)
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


@dataclass(frozen=True, repr=False)
class StaffTime(ResultDisplay):
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
    check_columns(participants, ["participant_id", "role_level"], "participants")
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


@dataclass(frozen=True, repr=False)
class Ledger(ResultDisplay):
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
    cohorts_served : int
        The number of cohorts (with participants) that programme-level costs are shared over.
    """

    cohort: int
    base_year: int
    lines: pd.DataFrame
    participants: pd.DataFrame
    participant_time_source: str
    spending_year: int
    deflators: pd.DataFrame = field(repr=False)
    cohorts_served: int = 1

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
    def cash_variable_cost_per_participant(self) -> float:
        """v without participants' time: what the commissioner pays per enrolled participant."""
        if self.enrolled == 0:
            return _NAN
        return self.variable_cost_per_participant - self.participant_time_cost / self.enrolled

    @property
    def shared_cost(self) -> float:
        """The cohort's share of programme-level fixed costs (apportioned by enrolment)."""
        return self.fixed_cost - self.cohort_fixed_cost

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

    >>> import warnings
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
    check_columns(participants, ["participant_id", "status"], "participants")
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
    check_unique(participants, ["participant_id"], "participants")
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
                  participant_time_source=source, spending_year=spending_year, deflators=deflators.copy(),
                  cohorts_served=sum(1 for k in n_by_cohort.values() if k > 0))
