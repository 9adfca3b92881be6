"""The published cost-per-participant benchmarks, with their source and price year, in base-year prices."""

from __future__ import annotations

import math
import warnings

import pandas as pd

from evaluation.core.errors import DegenerateDataWarning
from evaluation.stats import costs as ct

__all__ = [
    "BENCHMARKS",
    "BENCHMARK_CITATION",
    "BENCHMARK_PRICE_YEAR",
    "BENCHMARK_PRICE_YEAR_BASIS",
    "benchmark_comparison",
]

#: Price year assumed for the 2008 evaluation's benchmarks: the report (October 2008) does not
#: state its price base in the excerpts found, so its year of publication is taken (VERIFY).
BENCHMARK_PRICE_YEAR = 2008
#: How :data:`BENCHMARK_PRICE_YEAR` was arrived at (printed beside every benchmark).
BENCHMARK_PRICE_YEAR_BASIS = "assumed: the year of publication; the report does not state its price base"
#: Short citation of the benchmarks' source (for chart labels and sentences).
BENCHMARK_CITATION = "Scottish Government (2008), Evaluation of Leading to Deliver, ch. 6"
#: Published cost-per-participant benchmarks, nominal pounds per participant in
#: :data:`BENCHMARK_PRICE_YEAR` prices (``high`` NaN = open-ended).
BENCHMARKS = (
    {"benchmark": "Residential programmes", "low": 4000.0, "high": math.nan,
     "source": f"{BENCHMARK_CITATION}: residential programmes cost £4,000 or more per participant"},
    {"benchmark": "Non-residential and distance / e-learning programmes", "low": 1000.0, "high": 2000.0,
     "source": f"{BENCHMARK_CITATION}: non-residential and distance or e-learning programmes cost "
               "£1,000 to £2,000 per participant"},
)


def benchmark_comparison(
    deflators: pd.DataFrame,
    *,
    base_year: int,
    cost_per_place: float,
    cost_per_place_with_time: float,
    price_year: int = BENCHMARK_PRICE_YEAR,
) -> pd.DataFrame:
    """The 2008 benchmarks in base-year prices beside this cohort's cost per place.

    Returns
    -------
    DataFrame
        ``item, kind, low, high, price_year, price_year_basis, low_real, high_real,
        price_base_year, unit, citation,
        source``: ``kind`` is ``benchmark`` or ``this_cohort``; ``low``/``high`` nominal in
        ``price_year`` prices, ``low_real``/``high_real`` in ``base_year`` prices
        (``real = nominal × D_base / D_price_year``). ``high`` NaN = open-ended.

    Notes
    -----
    Published programme costs do not usually include participants' own time, so the
    comparable figure is the cohort's cash cost per place (*without* participants' time); the
    economic figure is shown beside it. Each row names its source (``citation``, ``source``)
    and its price year (``price_year``, with ``price_year_basis`` saying how it is known). The 2008 figures are taken to be in 2008 prices
    (:data:`BENCHMARK_PRICE_YEAR`); had they been in 2007 prices, every converted value would
    be D_2008 / D_2007 ≈ 3% higher.

    Examples
    --------
    £4,000 in 2008 prices at base 2024: 4000 × 100 / 66.89 = £5,979.97.

    >>> d = pd.DataFrame({"year": [2008, 2024], "index": [66.89, 100.0]})
    >>> t = benchmark_comparison(d, base_year=2024, cost_per_place=9000.0, cost_per_place_with_time=12000.0)
    >>> t[["kind", "low_real", "high_real"]].round(2)
              kind  low_real  high_real
    0    benchmark   5979.97        NaN
    1    benchmark   1494.99    2989.98
    2  this_cohort   9000.00    9000.00
    3  this_cohort  12000.00   12000.00
    """
    rows = []
    try:
        factor = ct.deflate(1.0, price_year, deflators, base_year=base_year)
    except ValueError as exc:
        warnings.warn(f"the published benchmarks could not be converted to {base_year} prices: {exc}",
                      DegenerateDataWarning, stacklevel=2)
        factor = math.nan
    for b in BENCHMARKS:
        low_real, high_real = b["low"] * factor, b["high"] * factor
        rows.append({"item": b["benchmark"], "kind": "benchmark", "low": b["low"], "high": b["high"],
                     "price_year": price_year, "price_year_basis": BENCHMARK_PRICE_YEAR_BASIS
                     if price_year == BENCHMARK_PRICE_YEAR else "given", "low_real": low_real,
                     "high_real": high_real, "citation": BENCHMARK_CITATION,
                     "source": b["source"] + f" (taken to be in {price_year} prices)"})
    for item, value, measure in (
            ("This cohort: cash cost per place (without participants' time)", cost_per_place,
             "cash_cost_per_enrolled"),
            ("This cohort: economic cost per place (with participants' time)", cost_per_place_with_time,
             "cost_per_enrolled")):
        rows.append({"item": item, "kind": "this_cohort", "low": value, "high": value, "price_year": base_year,
                     "price_year_basis": "the report's price base", "low_real": value, "high_real": value,
                     "citation": "this report", "source": f"this report, tables/cost_summary.csv ({measure})"})
    out = pd.DataFrame(rows)
    out["price_base_year"] = int(base_year)
    out["unit"] = ct.money_unit(base_year)
    return out[["item", "kind", "low", "high", "price_year", "price_year_basis", "low_real", "high_real",
                "price_base_year", "unit", "citation", "source"]]
