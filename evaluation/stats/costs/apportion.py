"""Programme-level cost lines (blank cohort) shared out to the cohorts they serve, by enrolment.

:func:`apportion` checks a cost table (``costs.csv`` after ingest) and gives each cohort its
lines, with programme-level lines split by enrolled participants; used by
:func:`~evaluation.stats.costs.ledger.cost_ledger`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from evaluation.core.checks import check_columns
from evaluation.core.vocabulary import COST_BASES, COST_CATEGORIES
from evaluation.stats.costs._common import _listed

__all__ = ["COST_COLUMNS", "apportion"]

#: Columns of a cost table (``costs.csv`` after ingest, CONTRACT section 2).
COST_COLUMNS: tuple[str, ...] = ("cohort", "category", "description", "amount", "price_year", "basis")


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
    for column, allowed in (("category", COST_CATEGORIES), ("basis", COST_BASES)):
        values = out[column].astype(object)
        bad = ~values.isin(allowed)
        if bad.any():
            raise ValueError(
                f"`{parameter}` column `{column}` has unknown value(s) {_listed(values[bad])}; "
                f"allowed: {list(allowed)}"
            )
        out[column] = values.astype(str)
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
