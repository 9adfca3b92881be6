"""The Wilson score interval of a proportion (the share of reliable improvers in :func:`tornado`)."""

from __future__ import annotations

import math
import numbers
from typing import NamedTuple

from statsmodels.stats.proportion import proportion_confint

from evaluation.core.checks import check_confidence_level
from evaluation.core.errors import ParameterError
from evaluation.stats.costs._common import _NAN

__all__ = ["WilsonInterval", "wilson_interval"]


class WilsonInterval(NamedTuple):
    """The limits of a Wilson score interval (:func:`wilson_interval`); unpacks as ``low, high``."""

    low: float
    high: float


def wilson_interval(successes: float, n: float, confidence_level: float = 0.95) -> WilsonInterval:
    """Wilson score interval of a proportion (NaN, NaN when ``n`` is 0).

    Parameters
    ----------
    successes : float
        Number of successes (e.g. completers), 0 ≤ successes ≤ n.
    n : float
        Number of trials (e.g. enrolled participants), n ≥ 0; 0 gives NaN limits.
    confidence_level : float, default 0.95

    Returns
    -------
    WilsonInterval
        A named tuple ``low, high`` (unpacks as a tuple).

    Raises
    ------
    ParameterError
        ``successes`` or ``n`` not a finite number, ``n`` negative, or ``successes`` outside
        [0, n].

    Notes
    -----
    Wilson (1927): ``(p + z²/2n ± z·√(p(1 − p)/n + z²/4n²)) / (1 + z²/n)`` with ``p =
    successes/n`` and ``z`` the normal quantile at ``(1 + level)/2`` (R: ``prop.test(x, n,
    correct = FALSE)$conf.int``), computed by statsmodels'
    ``proportion_confint(successes, n, alpha=1 - level, method="wilson")``. With no successes
    the lower limit is exactly 0, and with all successes the upper limit exactly 1, as the
    formula gives them (R prints ``0.0000000`` for ``prop.test(0, 3, correct = FALSE)``);
    statsmodels' rounding left about 1e-17 there, which made the tornado's cost per reliable
    improver at a 0% rate £2,939,058,462,169,625,526,272 instead of none.

    Examples
    --------
    >>> [round(x, 4) for x in wilson_interval(90, 100)]
    [0.8256, 0.9448]
    >>> wilson_interval(0, 3).low, wilson_interval(3, 3).high
    (0.0, 1.0)
    """
    level = check_confidence_level(confidence_level)
    for name, value in (("successes", successes), ("n", n)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
            raise ParameterError(f"`{name}` must be a finite number, got {value!r}")
    if n < 0 or not 0 <= successes <= max(n, 0):
        raise ParameterError(f"`successes` and `n` must satisfy 0 ≤ successes ≤ n, got successes={successes!r}, "
                             f"n={n!r}")
    if n == 0:
        return WilsonInterval(_NAN, _NAN)
    low, high = proportion_confint(successes, n, alpha=1 - level, method="wilson")
    return WilsonInterval(0.0 if successes == 0 else float(low), 1.0 if successes == n else float(high))
