"""What a reader can work out from published cells and the additive relations between them.

Two questions an attacker asks of every cell that is not published:

* a **count** of people: the smallest and largest whole numbers consistent with everything
  published (:func:`count_intervals`, a linear programme per cell: scipy ``linprog``, HiGHS);
* a **sum** (a group's mean × its size, for any additive statistic): whether it follows
  exactly from the published sums (:func:`derivable`, linear algebra: a cell is determined
  when every solution of the homogeneous system leaves it unchanged).

Both work on cells indexed ``0 … n − 1`` and *lines* ``(total, parts)`` meaning
``cell[total] == sum(cell[parts])``; unknown cells are split into independent groups (cells
linked through lines by other unknown cells) so that each problem stays small. Whole-number
answers where linear bounds can be fractional: :mod:`evaluation.stats.disclosure.exact`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.linalg import null_space
from scipy.optimize import linprog

__all__ = ["count_intervals", "derivable"]

Line = tuple[int, Sequence[int]]


def _components(unknown: np.ndarray, lines: Sequence[Line]) -> list[tuple[list[int], list[int]]]:
    """Groups of unknown cells linked through lines, each with the lines that touch it."""
    parent = {int(i): int(i) for i in np.flatnonzero(unknown)}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for total, parts in lines:
        members = [c for c in (total, *parts) if unknown[c]]
        for c in members[1:]:
            a, b = find(members[0]), find(int(c))
            if a != b:
                parent[b] = a
    groups: dict[int, list[int]] = {}
    for i in parent:
        groups.setdefault(find(i), []).append(i)
    by_root: dict[int, list[int]] = {r: [] for r in groups}
    for k, (total, parts) in enumerate(lines):
        members = [c for c in (total, *parts) if unknown[c]]
        if members:
            by_root[find(int(members[0]))].append(k)
    return [(sorted(cells), by_root[root]) for root, cells in sorted(groups.items())]


def _system(cells: list[int], line_ids: list[int], lines: Sequence[Line], known: np.ndarray):
    """``A x = b`` over the unknown ``cells`` from the lines that touch them."""
    pos = {c: j for j, c in enumerate(cells)}
    a = np.zeros((len(line_ids), len(cells)))
    b = np.zeros(len(line_ids))
    for r, k in enumerate(line_ids):
        total, parts = lines[k]
        for cell, sign in [(total, -1.0), *[(p, 1.0) for p in parts]]:
            if cell in pos:
                a[r, pos[cell]] += sign
            else:
                b[r] -= sign * known[cell]
    return a, b


def _check(known: Sequence[float | None], lines: Sequence[Line]) -> tuple[np.ndarray, np.ndarray, list]:
    values = np.array([np.nan if k is None else float(k) for k in known], dtype="float64")
    n = len(values)
    checked = []
    for total, parts in lines:
        members = [int(total), *(int(p) for p in parts)]
        for i in members:
            if not 0 <= i < n:
                raise ValueError(f"`lines` refers to cell {i}, but there are {n} cells")
        checked.append((members[0], members[1:]))
    return values, np.isnan(values), checked


def count_intervals(
    known: Sequence[float | None],
    lines: Sequence[Line],
    lower: Sequence[float],
    upper: Sequence[float],
    *,
    only: Sequence[int] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The interval in which a reader can place each unknown count.

    Parameters
    ----------
    known : sequence of float or None
        Each cell's published (or otherwise known) value; ``None`` for a cell the reader does
        not see.
    lines : sequence of (int, sequence of int)
        ``cell[total] == sum(cell[parts])``.
    lower, upper : sequence of float
        What the reader knows of each unknown cell without the lines (``0``/``inf`` when
        nothing; ``1``/``threshold − 1`` for a cell labelled ``primary``). Ignored for known
        cells.
    only : sequence of int, optional
        Compute the intervals of these unknown cells only (the others are ``nan``); default all.

    Returns
    -------
    low, high : ndarray
        Per cell; the value itself for known cells. ``nan`` for both when the published cells
        contradict the lines (no value is possible).

    Notes
    -----
    Minimum and maximum of each unknown cell by linear programming (scipy ``linprog``,
    HiGHS) subject to the lines and the bounds. In a group of linked cells, a cell that a few
    vertices of the feasible set already put at its lower (upper) bound has that bound as its
    minimum (maximum), without a programme of its own. The tables the workbench publishes (families
    with their totals, nested complements) have totally unimodular constraints, so the bounds
    are whole numbers and a cell is worked out exactly when ``low == high``.

    Examples
    --------
    Three groups add up to 20; the first (12) is published, the others are not but the second
    is labelled primary (1 to 4):

    >>> low, high = count_intervals([20, 12, None, None], [(0, [1, 2, 3])],
    ...                             [0, 0, 1, 0], [math.inf, math.inf, 4, math.inf])
    >>> low.tolist(), high.tolist()
    ([20.0, 12.0, 1.0, 4.0], [20.0, 12.0, 4.0, 7.0])
    """
    values, unknown, lines = _check(known, lines)
    lower = np.asarray(lower, dtype="float64")
    upper = np.asarray(upper, dtype="float64")
    low, high = values.copy(), values.copy()
    wanted = np.ones(len(values), dtype=bool) if only is None else np.isin(np.arange(len(values)), list(only))
    for cells, line_ids in _components(unknown, lines):
        if not wanted[cells].any():
            continue
        bounds = [(lower[c], None if math.isinf(upper[c]) else upper[c]) for c in cells]
        if not line_ids:
            for c in cells:
                low[c], high[c] = lower[c], upper[c]
            continue
        a, b = _system(cells, line_ids, lines, values)
        at_lower = at_upper = np.zeros(len(cells), dtype=bool)
        if np.count_nonzero(wanted[cells]) >= _PREFILTER_CELLS:
            seen = _bounds_reached(a, b, bounds, lower[cells], upper[cells])
            if seen is None:  # infeasible: the published cells contradict the lines
                low[cells], high[cells] = np.nan, np.nan
                continue
            at_lower, at_upper = seen
        for j, c in enumerate(cells):
            if not wanted[c]:
                continue
            objective = np.zeros(len(cells))
            objective[j] = 1.0
            if at_lower[j]:  # a feasible table has the cell at its lower bound: that is its minimum
                low[c] = lower[c]
            else:
                lo = linprog(objective, A_eq=a, b_eq=b, bounds=bounds, method="highs")
                if lo.status == 2:  # infeasible: the published cells contradict the lines
                    low[cells], high[cells] = np.nan, np.nan
                    break
                low[c] = lo.fun
            if at_upper[j]:
                high[c] = upper[c]
            else:
                hi = linprog(-objective, A_eq=a, b_eq=b, bounds=bounds, method="highs")
                high[c] = math.inf if hi.status == 3 else -hi.fun
    return low, high


#: :func:`count_intervals` looks for cells at their bounds first in groups with this many
#: wanted cells or more (below it, the two linear programmes per cell cost less).
_PREFILTER_CELLS = 4


def _bounds_reached(a: np.ndarray, b: np.ndarray, bounds: list, lower: np.ndarray,
                    upper: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Which cells some feasible table puts at their lower bound, and which at their (finite)
    upper bound; None when no table is feasible.

    A few vertices of the feasible set (HiGHS returns vertices, where most cells sit at a
    bound): minimising random positive weights (bounded below, as every cell is ≥ its lower
    bound), and maximising random positive weights on the cells with an upper bound only. A
    cell found at its lower bound has that bound as its minimum, and likewise for the maximum:
    the linear programmes they would need are skipped, and the intervals are unchanged. The
    weights are seeded; the intervals do not depend on them, only the time taken does.
    """
    rng = np.random.default_rng(0)
    n = a.shape[1]
    capped = np.isfinite(upper)
    at_lower, at_upper = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    for sign, weights in [(1.0, np.ones(n))] * 3 + [(-1.0, capped.astype(float))] * (2 if capped.any() else 0):
        res = linprog(sign * weights * rng.uniform(0.5, 1.5, n), A_eq=a, b_eq=b, bounds=bounds, method="highs")
        if res.status == 2:
            return None
        if res.status == 0:
            at_lower |= np.abs(res.x - lower) <= 1e-9
            at_upper |= capped & (np.abs(res.x - upper) <= 1e-9)
    return at_lower, at_upper


def derivable(known: Sequence[float | None], lines: Sequence[Line], *, tol: float = 1e-9) -> np.ndarray:
    """Which unknown cells follow exactly from the known cells and the lines.

    For sums (a group's mean × its size, or any additive statistic), where bounds say little:
    an unknown cell is determined when it takes the same value in every solution of the lines.

    Parameters
    ----------
    known : sequence of float or None
        Known values; ``None`` for unknown cells.
    lines : sequence of (int, sequence of int)
        ``cell[total] == sum(cell[parts])``.
    tol : float
        Tolerance on the null space (relative to the largest singular value).

    Returns
    -------
    ndarray of bool
        True for unknown cells whose value follows; False for known cells and the rest.

    Notes
    -----
    With ``A x = b`` the lines over the unknown cells ``x``, cell ``j`` is determined exactly
    when every vector of the null space of ``A`` has a zero in position ``j`` (scipy
    ``null_space``, by singular value decomposition).

    Examples
    --------
    A total and three groups, of which two are unknown: neither follows. Publish one of them,
    and the other does.

    >>> derivable([30.5, 10.0, None, None], [(0, [1, 2, 3])]).tolist()
    [False, False, False, False]
    >>> derivable([30.5, 10.0, 8.25, None], [(0, [1, 2, 3])]).tolist()
    [False, False, False, True]
    """
    values, unknown, lines = _check(known, lines)
    out = np.zeros(len(values), dtype=bool)
    for cells, line_ids in _components(unknown, lines):
        if not line_ids:
            continue
        a, _ = _system(cells, line_ids, lines, np.nan_to_num(values))
        out[np.asarray(cells)[_fixed_by_lines(a, tol)]] = True
    return out


def _fixed_by_lines(a: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """Which cells (columns of ``a``) the lines ``a x = b`` fix, whatever the bounds: those where
    every vector of the null space of ``a`` is zero (scipy ``null_space``; ``tol`` as for it)."""
    basis = null_space(a, rcond=tol)
    return np.abs(basis).max(axis=1) <= 1e-9 if basis.size else np.ones(a.shape[1], dtype=bool)
