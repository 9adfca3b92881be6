"""Shared pieces of the cost figures: measure names in words, pounds, exact money ticks, the
points of a cost curve worth drawing."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from evaluation.reports.labels import COST_MEASURES, capitalised
from evaluation.reports.numbers import MINUS

__all__ = ["MAX_CURVE_POINTS", "MEASURE_WORDS", "curve_points", "money", "pounds_axis", "pounds_tick", "words"]

#: The most points of a cost curve a chart draws in one line (plus two at each new cohort).
MAX_CURVE_POINTS = 2000

#: The cost measures in words, as the tables and summaries name them.
MEASURE_WORDS = {code: capitalised(text) for code, text in COST_MEASURES.items()}


def money(x: float) -> str:
    return "not available" if x is None or (isinstance(x, float) and math.isnan(x)) else f"£{x:,.0f}"


def words(name: str) -> str:
    return name.replace("_", " ").capitalize()


def pounds_tick(x: float, thousands: bool = False) -> str:
    """An exact tick label in pounds: never rounds the tick's value away.

    In thousands (``thousands=True``) with as many decimals as the value needs (up to three:
    £2.5k, £17.5k, £20k), else whole pounds with separators.

    Examples
    --------
    >>> [pounds_tick(x, thousands=True) for x in (0, 2500, 7500, 17500, 20000, 1250)]
    ['£0', '£2.5k', '£7.5k', '£17.5k', '£20k', '£1.25k']
    >>> pounds_tick(12345.0), pounds_tick(-2500, thousands=True)
    ('£12,345', '−£2.5k')
    """
    if x < 0:  # an axis padded below zero: the minus sign before the pound sign
        return MINUS + pounds_tick(-x, thousands)
    if not thousands or x == 0:
        return f"£{x:,.0f}"
    k = x / 1000
    for digits in range(4):
        if abs(round(k, digits) - k) < 1e-9 * max(1.0, abs(k)):
            return f"£{k:,.{digits}f}k"
    return f"£{x:,.0f}"


def pounds_axis(axis, *, thousands: bool = False, ticks: int | None = None) -> None:
    """Money ticks whose labels are exact: whole-pound (or, in thousands, round-number) steps."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    # steps of 1, 2, 2.5 or 5 × 10^k: in thousands every tick has at most one or two decimals
    axis.set_major_locator(MaxNLocator(ticks or "auto", steps=[1, 2, 2.5, 5, 10], integer=True))
    axis.set_major_formatter(FuncFormatter(lambda x, _: pounds_tick(x, thousands)))


def curve_points(curve: pd.DataFrame, *, max_points: int = MAX_CURVE_POINTS) -> pd.DataFrame:
    """The rows of a cost curve (one per number of participants) that a chart draws.

    Every row up to ``max_points`` rows. Beyond, ``max_points`` evenly spaced rows, the first and
    last among them, and on either side of each new cohort's step (the last row of a cohort and
    the first of the next), so that a national programme's curve of millions of rows is drawn in
    the same shape from a few thousand points.

    Examples
    --------
    >>> curve = pd.DataFrame({"participants": range(1, 10_001), "cohorts": [1] * 5000 + [2] * 5000})
    >>> points = curve_points(curve, max_points=11)
    >>> points["participants"].tolist()
    [1, 1001, 2001, 3001, 4001, 5000, 5001, 6000, 7000, 8000, 9000, 10000]
    >>> len(curve_points(curve.head(5), max_points=11))
    5
    """
    if len(curve) <= max_points:
        return curve
    even = np.linspace(0, len(curve) - 1, max_points).round().astype(int)
    steps = np.flatnonzero(curve["cohorts"].diff().to_numpy() > 0)
    return curve.iloc[np.union1d(even, np.concatenate([steps - 1, steps]))]
