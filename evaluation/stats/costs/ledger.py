"""One cohort's fully loaded cost ledger: cost lines, apportioning, participants' time.

:func:`apportion` shares programme-level cost lines (blank cohort) out to cohorts by enrolled
participants; :func:`cost_ledger` (with participants' hours costed by role level by
:func:`~evaluation.stats.costs.participant_time.participant_time`) puts one cohort's lines in real prices and splits
them into the fixed part F and the per-participant part v (a :class:`Ledger`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evaluation.core.checks import check_columns, check_unique
from evaluation.core.results import ResultDisplay
from evaluation.core.vocabulary import COST_CATEGORIES
from evaluation.stats.costs._common import _NAN, _warn
from evaluation.stats.costs.apportion import COST_COLUMNS, _enrolment, apportion
from evaluation.stats.costs.participant_time import StaffTime, participant_time
from evaluation.stats.costs.prices import _deflator_index, _factors, money_unit

__all__ = [
    "COST_COLUMNS",
    "LINE_ORDER",
    "PARTICIPANT_TIME_SOURCES",
    "TIME_CATEGORIES",
    "Ledger",
    "cost_ledger",
]


def _money_sum(values: pd.Series) -> float:
    """The exactly rounded sum of money amounts (``math.fsum``; missing amounts skipped).

    numpy's pairwise sum rounds differently once there are eight or more terms, so a zero line
    added to seven would move a total's last digit; an exactly rounded sum does not depend on the
    order or number of the terms (the same inputs give the same tables to the last digit).

    Examples
    --------
    >>> seven = pd.Series([0.0, 35885.65, 0.0, 60559.95, 0.0, 23009.29, 48687.651])
    >>> eight = pd.concat([seven, pd.Series([0.0])])  # a zero line more
    >>> bool(seven.sum() == eight.sum()), _money_sum(seven) == _money_sum(eight)
    (False, True)
    """
    return math.fsum(values.dropna().to_numpy(dtype=float))


#: Categories that value participants' time: per participant by nature, whatever their basis.
TIME_CATEGORIES = ("participant_time", "backfill")
PARTICIPANT_TIME_SOURCES = {
    "cost_rows": "the programme's cost records (their lines of participants' time)",
    "derived": "hours attended × hourly staff cost by role level (from the programme's parameters)",
    "backfill": "the cost of covering participants' posts while they attended, in the programme's cost records "
                "(their backfill lines), in place of their time",
    "none": "not costed: the cost records hold no participants' time or cover for their posts, and the "
            "parameters give no hourly staff cost",
}


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
        return _money_sum(self.lines.loc[self.lines["component"] == "fixed", "real_total"])

    @property
    def variable_cost_per_participant(self) -> float:
        """v: every per-participant line plus participants' time, per enrolled participant."""
        if self.enrolled == 0:
            return _NAN
        return _money_sum(self.lines.loc[self.lines["component"] == "variable", "real_total"]) / self.enrolled

    @property
    def total_cost(self) -> float:
        """C(n) = F + v·n."""
        return self.fixed_cost + self.variable_cost_per_participant * self.enrolled

    @property
    def participant_time_cost(self) -> float:
        """Participants' time (and backfill that replaces it), for the whole cohort."""
        lines = self.lines[self.lines["category"].isin(TIME_CATEGORIES)]
        return _money_sum(lines["real_total"])

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
        return _money_sum(own["real_total"])

    @property
    def unit(self) -> str:
        return money_unit(self.base_year)


LINE_ORDER = ("level", "category", "basis", "price_year", "description", "amount")


def _hours(total: float) -> str:
    """Hours in a sentence: "8,036", or "8,036.5" when not whole.

    Examples
    --------
    >>> _hours(8036.0), _hours(8036.5)
    ('8,036', '8,036.5')
    """
    return f"{total:,.0f}" if float(total).is_integer() else f"{total:,.1f}"


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
            "description": (f"Participants' time: the cohort's {_hours(time['hours'].sum())} hours attended × "
                            f"hourly staff cost by role level ({staff.price_year} prices); the amount is per enrolled "
                            "participant"),
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
    per_person = _money_sum(shared["real_total"]) / n
    if source in ("cost_rows", "backfill"):
        time_rows = shared[shared["category"].isin(TIME_CATEGORIES)]
        people["time_cost"] = _money_sum(time_rows["real_total"]) / n
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
