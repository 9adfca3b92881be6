"""Shared pieces of the cost figures: measure names in words, pounds, exact money ticks."""

from __future__ import annotations

import math

__all__ = ["MEASURE_WORDS", "money", "pounds_axis", "pounds_tick", "words"]

MEASURE_WORDS = {
    "cost_per_enrolled": "Economic cost per place",
    "cost_per_completer": "Economic cost per completer",
    "cost_per_reliable_improver": "Economic cost per reliable improver",
    "total_cost": "Economic cost",
    "cash_cost_per_enrolled": "Cash cost per place",
    "cash_cost_per_completer": "Cash cost per completer",
    "cash_cost_per_reliable_improver": "Cash cost per reliable improver",
    "cash_total_cost": "Cash cost",
}


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
    >>> pounds_tick(12345.0)
    '£12,345'
    """
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
