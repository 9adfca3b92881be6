"""The attacker's view: the interval in which each suppressed cell can be placed.

:func:`audit` bounds every suppressed cell by a linear programme (scipy ``linprog``, HiGHS) over
the published cells, the additive relations between cells and the suppression labels; a cell
whose bounds leave a single whole number is recoverable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from evaluation.stats.disclosure.attack import count_intervals

__all__ = ["Line", "audit"]

#: A line ``(total, parts)``: the cell ``total`` equals the sum of the cells ``parts``.
Line = tuple[int, Sequence[int]]


def _check_threshold(threshold: int) -> int:
    if isinstance(threshold, bool) or not isinstance(threshold, (int, np.integer)) or threshold < 1:
        raise ValueError(f"`threshold` must be a whole number ≥ 1, got {threshold!r}")
    return int(threshold)


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
    cell the bounds are the minimum and maximum of a linear programme over these constraints
    (:func:`~evaluation.stats.disclosure.attack.count_intervals`).

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
    known = [None if f else float(x) for x, f in zip(v, flags, strict=True)]
    lower = [min(1.0, x) for x in v]
    upper = [float(threshold - 1) if f == "primary" and x <= threshold - 1 else math.inf
             for x, f in zip(v, flags, strict=True)]
    return count_intervals(known, lines, lower, upper)
