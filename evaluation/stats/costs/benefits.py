"""Monetised benefits, the benefit–cost ratio and ROI (Phillips & Phillips).

:func:`real_benefits` adjusts monetised benefits for attribution and confidence and puts them
in base-year prices; :func:`benefit_cost` gives the benefit–cost ratio and ROI %, discounting
benefits that span several years (:func:`~evaluation.stats.costs.prices.present_value`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluation.core.results import ResultDisplay
from evaluation.stats.costs._common import _NAN, _warn
from evaluation.stats.costs.prices import GREEN_BOOK_RATE, deflate, present_value

__all__ = ["BenefitCost", "benefit_cost", "real_benefits"]


def real_benefits(
    by_year: Mapping[int, float],
    *,
    price_year: int,
    deflators: pd.DataFrame,
    base_year: int,
    attribution: float = 1.0,
    confidence: float = 1.0,
) -> pd.Series:
    """Adjusted monetised benefits by year in ``base_year`` prices.

    Parameters
    ----------
    by_year : mapping of int to float
        Year → benefit in pounds of ``price_year`` (Phillips level 5).
    price_year : int
        The price year of the amounts.
    deflators : DataFrame
        ``year, index``: the GDP deflator series.
    base_year : int
        The price base of the result.
    attribution, confidence : float, default 1.0
        The share of the change caused by the programme and the confidence in that estimate,
        both in (0, 1] (Phillips' principle 7). The cohort parameter ``monetised_benefits``
        (:class:`evaluation.data.params.MonetisedBenefits`) holds all of these.

    Returns
    -------
    Series
        Benefits by year (index), real and adjusted.

    Notes
    -----
    ``amount × attribution × confidence × D_base / D_price_year`` (Phillips' principle 7;
    Green Book real prices).

    Examples
    --------
    >>> d = pd.DataFrame({"year": [2005, 2024], "index": [50.0, 100.0]})
    >>> real_benefits({2005: 1000.0}, price_year=2005, deflators=d, base_year=2024,
    ...               attribution=0.5, confidence=0.8).tolist()
    [800.0]
    """
    for name, value in (("attribution", attribution), ("confidence", confidence)):
        if not 0 < value <= 1:
            raise ValueError(f"monetised benefits `{name}` must be in (0, 1], got {value!r}")
    years = sorted(int(y) for y in by_year)
    amounts = [float(by_year[y]) for y in years]
    if any(not (np.isfinite(a) and a >= 0) for a in amounts):
        raise ValueError("monetised benefits `by_year` amounts must be numbers ≥ 0")
    real = deflate(np.array(amounts), np.full(len(years), price_year), deflators, base_year=base_year) \
        if years else np.array([])
    return pd.Series(np.asarray(real) * attribution * confidence, index=years, dtype="float64")


@dataclass(frozen=True, repr=False)
class BenefitCost(ResultDisplay):
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
