"""Real prices and discounting (HM Treasury Green Book).

:func:`deflate` converts nominal pounds to the prices of a base year with the GDP deflator;
:func:`money_unit` names the unit of every money figure; :func:`present_value` discounts a
stream that spans several years.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from evaluation.core.checks import check_columns
from evaluation.stats.costs._common import _listed

__all__ = ["GREEN_BOOK_RATE", "deflate", "money_unit", "present_value"]

#: The HM Treasury Green Book's social time preference rate for years 0–30.
GREEN_BOOK_RATE = 0.035


def money_unit(base_year: int) -> str:
    """The unit of every money figure: ``"GBP (<base year> prices)"``.

    Examples
    --------
    >>> money_unit(2024)
    'GBP (2024 prices)'
    """
    return f"GBP ({int(base_year)} prices)"


def _deflator_index(deflators: pd.DataFrame) -> dict[int, float]:
    """``{year: index}`` from a deflator table, checked."""
    check_columns(deflators, ["year", "index"], "deflators")
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
