"""Numbers in the reports' sentences and figures' alternative text, written as the tables write them.

A negative number is written with the minus sign (U+2212, "−0.05"), never with the hyphen
("-0.05"), and a number that rounds to zero without a sign ("0.00", not "-0.00"), in the tables
(:func:`evaluation.reports.display.format_value` calls :func:`minus`) as in the sentences,
findings and figures' alternative text that quote them, so a reader, or a screen reader, meets
one number in one form. The reports' prose formats a number that can be negative only with these
functions; the CSV files keep plain numbers.
"""

from __future__ import annotations

import math

import pandas as pd

__all__ = ["MINUS", "bracketed", "interval", "level_percent", "minus", "money_interval", "number", "signed"]

#: The minus sign (U+2212), as the tables write a negative number.
MINUS = "\u2212"


def minus(text: str) -> str:
    """A formatted number with the minus sign for its leading hyphen, and without a sign when it
    rounds to zero (``-0.00`` → ``0.00``, ``+0%`` → ``0%``).

    Examples
    --------
    >>> minus("-0.05"), minus("-0.00"), minus("+0.00"), minus("+0.30"), minus("-£120"), minus("-12%")
    ('−0.05', '0.00', '0.00', '+0.30', '−£120', '−12%')
    """
    if not text.startswith(("-", "+")):
        return text
    if not text[1:].strip("0.,£%"):  # every digit a zero: no sign
        return text[1:]
    return MINUS + text[1:] if text.startswith("-") else text


def number(x: float, digits: int = 2, *, sign: bool = False, percent: bool = False) -> str:
    """``x`` with ``digits`` decimals (as a percentage with ``percent``; with its sign, + or −,
    with ``sign``), a negative one with the minus sign; NaN as ``n/a``.

    Examples
    --------
    >>> number(-0.0612), number(0.334, sign=True), number(-0.004, sign=True), number(-0.1, 1)
    ('−0.06', '+0.33', '0.00', '−0.1')
    >>> number(-0.123, 0, percent=True), number(0.5, 1, percent=True), number(float("nan")), number(pd.NA)
    ('−12%', '50.0%', 'n/a', 'n/a')
    """
    if x is None or x is pd.NA or math.isnan(float(x)):
        return "n/a"
    spec = f"{'+' if sign else ''}.{digits}{'%' if percent else 'f'}"
    return minus(format(float(x), spec))


def signed(x: float, digits: int = 2) -> str:
    """A change with its sign and ``digits`` decimals; a change that rounds to zero has no sign.

    Examples
    --------
    >>> signed(0.334), signed(-0.004), signed(-0.1)
    ('+0.33', '0.00', '−0.10')
    """
    return number(x, digits, sign=True)


def interval(low: float, high: float, digits: int = 2, *, sign: bool = False, percent: bool = False) -> str:
    """An interval's two ends, "low to high", each as :func:`number` writes it.

    Examples
    --------
    >>> interval(-0.0247, 0.3214), interval(-0.0247, 0.3214, sign=True)
    ('−0.02 to 0.32', '−0.02 to +0.32')
    """
    return (f"{number(low, digits, sign=sign, percent=percent)} to "
            f"{number(high, digits, sign=sign, percent=percent)}")


def bracketed(label: str, low: float, high: float, digits: int = 2, *, sign: bool = False, missing: str = "") -> str:
    """``" (label low to high)"`` after an estimate, or ``missing`` when an end is NaN (never
    "n/a to n/a": a sentence says there is no interval in its own words).

    Examples
    --------
    >>> "g_av 0.55" + bracketed("95% bootstrap CI", 0.291, 0.912)
    'g_av 0.55 (95% bootstrap CI 0.29 to 0.91)'
    >>> "g_av −0.48" + bracketed("95% bootstrap CI", float("nan"), float("nan"), missing=" (no interval)")
    'g_av −0.48 (no interval)'
    """
    if pd.isna(low) or pd.isna(high):
        return missing
    return f" ({label} {interval(low, high, digits, sign=sign)})"


def level_percent(confidence_level: float) -> str:
    """A confidence level as a percentage for a sentence: 0.95 → ``95%``, 0.975 → ``97.5%``.

    Examples
    --------
    >>> level_percent(0.95), level_percent(0.9), level_percent(0.975)
    ('95%', '90%', '97.5%')
    """
    return f"{confidence_level * 100:.10g}%"


def money_interval(low: float, high: float) -> str | None:
    """An interval of money in words, "£low to £high"; "from £low, with no upper limit" when only
    the upper end is missing (a cost per head whose resamples sometimes had nobody to divide by,
    so the interval is open above); None when the lower end is missing (no interval at all).
    Never "£80,737 to £nan" or "£80,737 to not available".

    Examples
    --------
    >>> money_interval(80_737.3, 1_014_123.1)
    '£80,737 to £1,014,123'
    >>> money_interval(80_737.3, float("nan"))
    'from £80,737, with no upper limit'
    >>> money_interval(float("nan"), float("nan")) is None
    True
    """
    if low is None or pd.isna(low):
        return None
    if high is None or pd.isna(high):
        return f"from £{float(low):,.0f}, with no upper limit"
    return f"£{float(low):,.0f} to £{float(high):,.0f}"
