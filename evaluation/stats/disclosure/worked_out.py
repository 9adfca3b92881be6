"""Which unknown counts a reader can work out exactly, and their values: the differencing audit's
question, answered without every cell's interval.

:func:`evaluation.stats.disclosure.attack.count_intervals` gives each unknown count its smallest
and largest possible value, two linear programmes per cell (fewer where a vertex already shows a
bound). The audit only asks whether a cell has a single possible value and which: two feasible
tables in which a cell differs prove that it has not, so a few vertices of each group of linked
cells settle most cells at once, and only the cells that never differed get their minimum and
maximum. :func:`determined` asks the same question and answers yes or no (the disclosure plan's
secondary suppression).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.optimize import linprog

from evaluation.stats.disclosure.attack import Line, _check, _components, _fixed_by_lines, _system

__all__ = ["determined", "worked_out"]

#: Vertices of each group of linked cells tried before any cell's own programmes (each with a
#: random objective, minimised and maximised).
_VERTICES = 3


def worked_out(
    known: Sequence[float | None],
    lines: Sequence[Line],
    lower: Sequence[float],
    upper: Sequence[float],
    cells: Sequence[int],
    *,
    seed: int = 0,
) -> np.ndarray | None:
    """The value of each of ``cells`` that a reader can work out exactly (``nan`` where more than
    one value is possible); None when the published cells contradict the lines.

    Parameters
    ----------
    known, lines, lower, upper
        As for :func:`~evaluation.stats.disclosure.attack.count_intervals`.
    cells : sequence of int
        The cells asked about; a known cell's value is its own.
    seed : int
        Seeds the random objectives (the answer does not depend on it, only the time taken).

    Returns
    -------
    ndarray of float, or None
        Per cell of ``cells``: its value where ``count_intervals`` gives an interval narrower
        than 0.5 (its lower end), else ``nan``. None where ``count_intervals`` gives ``nan``
        for any cell of a group of linked cells that holds one of ``cells`` (no table is
        feasible).

    Notes
    -----
    In each group of linked unknown cells that holds one of ``cells``: first the minimum of
    random positive weights (bounded below, as every cell is at least its lower bound), which
    is infeasible exactly when the group is; then :data:`_VERTICES` random objectives, each
    minimised and maximised. A cell that differs by more than 0.5 between two of these feasible
    tables has an interval at least that wide; a cell that the lines fix whatever the bounds
    (every vector of the null space of the group's lines is zero there, as
    :func:`~evaluation.stats.disclosure.attack.derivable` decides) has the one value it takes in
    the first feasible table, its interval's both ends; every other cell gets its minimum and maximum
    by linear programming (scipy ``linprog``, HiGHS), exactly as ``count_intervals`` computes
    them, and each of those optima, a feasible table too, joins the tables compared for the
    cells after it (the maximum is skipped when the minimum is already more than 0.5 below a
    value seen). The answer is so the same as from ``count_intervals``; the seeded objectives change
    only how many programmes are solved.

    Examples
    --------
    A total of 10, one part of 4 published, and two unknown parts of 1 to 5: neither is worked
    out; publish the second part too, and the third follows.

    >>> worked_out([10, 4, None, None], [(0, [1, 2, 3])], [0, 0, 1, 1], [9, 9, 5, 5], [2, 3]).tolist()
    [nan, nan]
    >>> worked_out([10, 4, 5, None], [(0, [1, 2, 3])], [0, 0, 1, 1], [9, 9, 5, 5], [3, 1]).tolist()
    [1.0, 4.0]
    >>> worked_out([10, 4, 7, None], [(0, [1, 2, 3])], [0, 0, 1, 1], [9, 9, 5, 5], [3]) is None
    True
    """
    values, unknown, lines = _check(known, lines)
    lower = np.asarray(lower, dtype="float64")
    upper = np.asarray(upper, dtype="float64")
    wanted = {int(c) for c in cells}
    found = {c: values[c] for c in wanted if not unknown[c]}
    rng = np.random.default_rng(seed)
    for group, line_ids in _components(unknown, lines):
        targets = [c for c in group if c in wanted]
        if not targets:
            continue
        if not line_ids:
            found.update({c: lower[c] if upper[c] - lower[c] < 0.5 else math.nan for c in targets})
            continue
        a, b = _system(group, line_ids, lines, values)
        bounds = [(lower[c], None if math.isinf(upper[c]) else upper[c]) for c in group]
        first = linprog(rng.uniform(0.5, 1.5, len(group)), A_eq=a, b_eq=b, bounds=bounds, method="highs")
        if first.status == 2:
            return None
        seen_low = seen_high = first.x if first.status == 0 else np.full(len(group), np.nan)
        # cells the lines fix whatever the bounds: the same value in every table, that of this one
        fixed = _fixed_by_lines(a) if first.status == 0 else np.zeros(len(group), dtype=bool)
        for _ in range(_VERTICES):
            objective = rng.standard_normal(len(group))
            for sign in (1.0, -1.0):
                res = linprog(sign * objective, A_eq=a, b_eq=b, bounds=bounds, method="highs")
                if res.status == 0:
                    seen_low, seen_high = np.fmin(seen_low, res.x), np.fmax(seen_high, res.x)
        for c in targets:
            j = group.index(c)
            if seen_high[j] - seen_low[j] > 0.5:  # two feasible tables differ in it
                found[c] = math.nan
                continue
            if fixed[j]:
                found[c] = first.x[j]
                continue
            objective = np.zeros(len(group))
            objective[j] = 1.0
            lo = linprog(objective, A_eq=a, b_eq=b, bounds=bounds, method="highs")
            if lo.status == 2:
                return None
            _solved(lo, c)
            # a vertex too: the cells it moves are settled for the cells after
            seen_low, seen_high = np.fmin(seen_low, lo.x), np.fmax(seen_high, lo.x)
            if seen_high[j] - lo.fun > 0.5:
                found[c] = math.nan
                continue
            hi = linprog(-objective, A_eq=a, b_eq=b, bounds=bounds, method="highs")
            if hi.status == 3:  # no largest value
                found[c] = math.nan
                continue
            _solved(hi, c)
            seen_low, seen_high = np.fmin(seen_low, hi.x), np.fmax(seen_high, hi.x)
            found[c] = lo.fun if -hi.fun - lo.fun < 0.5 else math.nan
    return np.array([found[int(c)] for c in cells], dtype="float64")


def _solved(result, cell: int) -> None:
    """Raise unless the linear programme of ``cell`` was solved: a cell is never called safe
    because the solver stopped (iteration limit, numerical trouble).

    Raises
    ------
    RuntimeError
        Names the cell and HiGHS's status and message.
    """
    if result.status != 0:
        raise RuntimeError(f"the linear programme for cell {cell} was not solved "
                           f"(HiGHS status {result.status}: {result.message})")


def determined(
    known: Sequence[float | None],
    lines: Sequence[Line],
    lower: Sequence[float],
    upper: Sequence[float],
    cells: Sequence[int],
    *,
    seed: int = 0,
) -> np.ndarray:
    """Which of ``cells`` a reader can work out exactly (:func:`worked_out` has a value for it).

    Parameters and the route are those of :func:`worked_out`; where the published cells
    contradict the lines, no cell is worked out (all False).

    Examples
    --------
    >>> determined([10, 4, None, None], [(0, [1, 2, 3])], [0, 0, 1, 1], [9, 9, 5, 5], [2, 3]).tolist()
    [False, False]
    >>> determined([10, 4, 5, None], [(0, [1, 2, 3])], [0, 0, 1, 1], [9, 9, 5, 5], [3]).tolist()
    [True]
    """
    found = worked_out(known, lines, lower, upper, cells, seed=seed)
    return np.zeros(len(cells), dtype=bool) if found is None else ~np.isnan(found)
