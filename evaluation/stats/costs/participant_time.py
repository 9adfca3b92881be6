"""Participants' time as a cost: hours attended × hourly staff cost by role level (PSSRU schema).

:class:`StaffTime` holds what ``programme.yaml`` says about staff time (hourly cost by role
level, price year, sessions, hours per session); :func:`participant_time` costs each
participant's hours in real prices. Used by :func:`~evaluation.stats.costs.ledger.cost_ledger`
when the cost lines carry no participants' time of their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from evaluation.core.checks import check_columns
from evaluation.core.results import ResultDisplay
from evaluation.stats.costs._common import _listed
from evaluation.stats.costs.prices import _deflator_index, _factors

__all__ = ["StaffTime", "participant_time"]


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
