"""The attacker's view: the interval in which each suppressed cell can be placed.

:func:`audit` bounds every suppressed cell by a linear programme (scipy ``linprog``, HiGHS) over
the published cells, the additive relations between cells and the suppression labels; a cell
whose bounds leave a single whole number is recoverable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.optimize import linprog

__all__ = ["Line", "audit"]

#: A line ``(total, parts)``: the cell ``total`` equals the sum of the cells ``parts``.
Line = tuple[int, Sequence[int]]


def _check_threshold(threshold: int) -> int:
    if isinstance(threshold, bool) or not isinstance(threshold, (int, np.integer)) or threshold < 1:
        raise ValueError(f"`threshold` must be a whole number ≥ 1, got {threshold!r}")
    return int(threshold)


def _exact(low: float, high: float) -> bool:
    """At most one whole number lies in [low, high]: the cell's value is determined."""
    if math.isinf(high):
        return False
    return math.floor(high + 1e-7) - math.ceil(low - 1e-7) < 1


def _check_cells(values: Sequence[float], lines: Sequence[Line]) -> tuple[np.ndarray, list[tuple[int, list[int]]]]:
    v = np.asarray(values, dtype="float64")
    if v.ndim != 1:
        raise ValueError(f"`values` must be one-dimensional, got shape {v.shape}")
    if not np.all(np.isfinite(v)) or (v < 0).any() or not np.all(v == np.round(v)):
        raise ValueError("`values` must be whole numbers ≥ 0 (counts of people), without missing values")
    checked = []
    for total, parts in lines:
        parts = [int(p) for p in parts]
        for i in (total, *parts):
            if not 0 <= int(i) < len(v):
                raise ValueError(f"`lines` refers to cell {i}, but there are {len(v)} cells")
        if abs(v[int(total)] - v[parts].sum()) > 1e-9:
            raise ValueError(
                f"`lines`: cell {total} ({v[int(total)]:g}) is not the sum of cells {parts} ({v[parts].sum():g})"
            )
        checked.append((int(total), parts))
    return v, checked


def audit(
    values: Sequence[float],
    lines: Sequence[Line],
    flags: Sequence[str],
    *,
    threshold: int = 5,
) -> tuple[np.ndarray, np.ndarray]:
    """The interval in which an attacker can place each suppressed cell.

    The attacker knows every published cell, every relation ``total = sum(parts)`` in
    ``lines`` and each suppressed cell's label: a ``primary`` cell lies in
    ``[1, threshold − 1]``, a ``secondary`` cell is at least 1 (at least 0 when its true value
    is 0, which only happens for cells suppressed to match another table). For each suppressed
    cell the bounds are the minimum and maximum of a linear programme (scipy ``linprog``,
    HiGHS) over these constraints.

    Parameters
    ----------
    values : sequence of float
        Every cell's true count.
    lines : sequence of (int, sequence of int)
        Additive relations between cells: ``values[total] == sum(values[parts])``.
    flags : sequence of str
        ``""``, ``"primary"`` or ``"secondary"`` per cell.
    threshold : int, default 5

    Returns
    -------
    low, high : ndarray
        Per cell; equal to the value for published cells; ``high`` may be ``inf``.

    Notes
    -----
    For one-dimensional families, nested subtotals and two-way tables with margins the
    constraint matrix is totally unimodular, so the LP bounds are whole numbers and equal the
    bounds over whole-number solutions: a cell is recoverable exactly when ``low == high``.

    Examples
    --------
    >>> low, high = audit([10, 3, 7], [(0, [1, 2])], ["", "primary", "secondary"])
    >>> low.tolist(), high.tolist()
    ([10.0, 1.0, 6.0], [10.0, 4.0, 9.0])
    """
    threshold = _check_threshold(threshold)
    v, lines = _check_cells(values, lines)
    flags = list(flags)
    if len(flags) != len(v):
        raise ValueError(f"`flags` has {len(flags)} entries for {len(v)} cells")
    low, high = v.copy(), v.copy()
    hidden = [i for i, f in enumerate(flags) if f]
    if not hidden:
        return low, high
    pos = {c: j for j, c in enumerate(hidden)}
    rows, rhs = [], []
    for total, parts in lines:
        coef = np.zeros(len(hidden))
        b = 0.0
        for cell, sign in [(total, -1.0), *[(p, 1.0) for p in parts]]:
            if cell in pos:
                coef[pos[cell]] += sign
            else:
                b -= sign * v[cell]
        if np.any(coef != 0):
            rows.append(coef)
            rhs.append(b)
    bounds = []
    for i in hidden:
        lower = min(1.0, v[i])
        upper = float(threshold - 1) if flags[i] == "primary" and v[i] <= threshold - 1 else None
        bounds.append((lower, upper))
    a_eq = np.array(rows) if rows else None
    b_eq = np.array(rhs) if rows else None
    for j, i in enumerate(hidden):
        c = np.zeros(len(hidden))
        c[j] = 1.0
        lo = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        hi = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        low[i] = lo.fun if lo.status == 0 else v[i]
        high[i] = -hi.fun if hi.status == 0 else (math.inf if hi.status == 3 else v[i])
    return low, high
