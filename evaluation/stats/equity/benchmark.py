"""The eligible-workforce benchmark, and participants and workforce per category.

:func:`select_workforce` picks the eligible population and, for each dimension, the year nearest
the cohort's (:func:`enrolment_year`); :func:`category_counts`
counts participants and eligible staff per dimension × category, keeping categories found on
one side only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from evaluation.core.checks import check_columns, check_unique
from evaluation.stats.equity._common import category_codes

__all__ = ["ALL_STAFF", "category_counts", "enrolment_year", "select_workforce", "workforce_populations"]


#: The population a ``workforce.csv`` without a ``population`` column describes.
ALL_STAFF = "all_staff"


def workforce_populations(workforce: pd.DataFrame) -> list[str]:
    """The populations a workforce table describes (``all_staff`` when it has no ``population`` column).

    Examples
    --------
    >>> workforce_populations(pd.DataFrame({"year": [2018], "dimension": ["sector"]}))
    ['all_staff']
    """
    if "population" not in workforce:
        return [ALL_STAFF]
    return sorted(set(workforce["population"].dropna().astype(str)))


def enrolment_year(enrolled_on: pd.Series) -> int | None:
    """The cohort's year: the calendar year in which most of its participants enrolled.

    Ties go to the earlier year; None when no date is known.

    Examples
    --------
    >>> enrolment_year(pd.Series(pd.to_datetime(["2004-09-01", "2004-10-01", "2005-01-10"])))
    2004
    >>> enrolment_year(pd.Series([], dtype="datetime64[ns]")) is None
    True
    """
    years = pd.to_datetime(enrolled_on, errors="coerce").dropna().dt.year
    if years.empty:
        return None
    counts = years.value_counts()
    return int(min(y for y, n in counts.items() if n == counts.max()))


def select_workforce(
    workforce: pd.DataFrame,
    *,
    year: int | None = None,
    dimensions: Sequence[str] | None = None,
    population: str | None = None,
) -> pd.DataFrame:
    """The eligible-workforce benchmark for a cohort: one population, one year per dimension.

    Parameters
    ----------
    workforce : DataFrame
        ``year, dimension, category, headcount`` and optionally ``population``
        (``workforce.csv``; possibly several populations and years).
    year : int, optional
        The cohort's year. For each dimension the population's year nearest to it is used
        (on a tie, the earlier). None: the latest year.
    dimensions : sequence of str, optional
        Keep only these dimensions.
    population : str, optional
        The eligible population (a value of ``population``); default ``all_staff``. A table
        without a ``population`` column describes ``all_staff``.

    Returns
    -------
    DataFrame
        ``dimension, category, eligible, workforce_year, population``, in the input order.

    Raises
    ------
    ValueError
        ``population`` is not one of the table's populations (the message lists them).

    Examples
    --------
    >>> wf = pd.DataFrame({"year": [2003, 2003, 2006, 2006], "dimension": ["sector"] * 4,
    ...                    "category": ["a", "b", "a", "b"], "headcount": [10, 20, 30, 40]})
    >>> select_workforce(wf, year=2004)
      dimension category  eligible  workforce_year population
    0    sector        a      10.0            2003  all_staff
    1    sector        b      20.0            2003  all_staff
    >>> select_workforce(wf, year=2005)["workforce_year"].unique().tolist()
    [2006]
    >>> select_workforce(wf)["workforce_year"].unique().tolist()
    [2006]
    """
    check_columns(workforce, ["year", "dimension", "category", "headcount"], "workforce")
    population = ALL_STAFF if population is None else str(population)
    known = workforce_populations(workforce)
    if population not in known:
        raise ValueError(f"`population` {population!r} is not a population of the workforce table; "
                         f"its populations are: {', '.join(known)}")
    frame = workforce
    if "population" in frame:
        frame = frame[frame["population"].astype(str) == population]
    if dimensions is not None:
        frame = frame[frame["dimension"].isin(list(dimensions))]
    pieces = []
    for dimension, grp in frame.groupby("dimension", sort=False):
        years = sorted(int(y) for y in grp["year"].dropna().unique())
        if not years:
            continue
        chosen = years[-1] if year is None else min(years, key=lambda y: (abs(y - year), y))
        rows = grp[grp["year"] == chosen]
        dup = rows["category"][rows["category"].duplicated()].tolist()
        if dup:
            raise ValueError(f"`workforce` has more than one headcount for population {population!r}, dimension "
                             f"{dimension!r}, year {chosen}, category(ies) {dup}")
        pieces.append(pd.DataFrame({
            "dimension": rows["dimension"].astype(str).to_numpy(),
            "category": rows["category"].astype(str).to_numpy(),
            "eligible": pd.to_numeric(rows["headcount"]).astype("float64").to_numpy(),
            "workforce_year": chosen,
            "population": population,
        }))
    if not pieces:
        return pd.DataFrame({"dimension": pd.Series(dtype=str), "category": pd.Series(dtype=str),
                             "eligible": pd.Series(dtype="float64"), "workforce_year": pd.Series(dtype="int64"),
                             "population": pd.Series(dtype=str)})
    return pd.concat(pieces, ignore_index=True)


def category_counts(
    participants: pd.DataFrame,
    workforce: pd.DataFrame,
    dimensions: Sequence[str],
) -> pd.DataFrame:
    """Participants and eligible workforce per dimension × category.

    Parameters
    ----------
    participants : DataFrame
        One row per participant with a column per dimension (missing values count as
        ``not_recorded``).
    workforce : DataFrame
        ``dimension, category, eligible`` (and optionally ``workforce_year``): one benchmark
        per dimension, as :func:`select_workforce` returns.
    dimensions : sequence of str
        The dimensions to count.

    Returns
    -------
    DataFrame
        ``dimension, category, participants, eligible, workforce_year``: every category of the
        workforce (with 0 participants if none took part), then categories found only among
        participants (sorted; ``eligible`` missing).

    Examples
    --------
    >>> people = pd.DataFrame({"sector": ["a", "a", "c", None]})
    >>> wf = pd.DataFrame({"dimension": ["sector"] * 2, "category": ["a", "b"], "eligible": [100.0, 50.0]})
    >>> category_counts(people, wf, ["sector"])
      dimension      category  participants  eligible  workforce_year
    0    sector             a             2     100.0             NaN
    1    sector             b             0      50.0             NaN
    2    sector             c             1       NaN             NaN
    3    sector  not_recorded             1       NaN             NaN
    """
    check_columns(participants, list(dimensions), "participants")
    check_columns(workforce, ["dimension", "category", "eligible"], "workforce")
    try:
        check_unique(workforce, ["dimension", "category"], "workforce")
    except ValueError as exc:
        raise ValueError(f"{exc}; choose one year per dimension with select_workforce()") from None
    pieces = []
    for dimension in dimensions:
        codes, labels = category_codes(participants[dimension])
        counts = dict(zip(labels.tolist(), np.bincount(codes, minlength=len(labels)).tolist(), strict=True))
        wf = workforce[workforce["dimension"] == dimension]
        categories = list(wf["category"].astype(str))
        categories += sorted({c for c, k in counts.items() if k > 0} - set(categories))
        eligible = dict(zip(wf["category"].astype(str), pd.to_numeric(wf["eligible"]), strict=True))
        years = dict(zip(wf["category"].astype(str), wf["workforce_year"], strict=True)) \
            if "workforce_year" in wf else {}
        year = next(iter(years.values()), np.nan)
        pieces.append(pd.DataFrame({
            "dimension": dimension,
            "category": categories,
            "participants": [int(counts.get(c, 0)) for c in categories],
            "eligible": [float(eligible.get(c, np.nan)) for c in categories],
            "workforce_year": year,
        }))
    return pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame(
        columns=["dimension", "category", "participants", "eligible", "workforce_year"])
