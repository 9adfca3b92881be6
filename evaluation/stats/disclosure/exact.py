"""Which counts a reader can work out in whole numbers: an integer programme where linear bounds fall short.

:func:`~evaluation.stats.disclosure.attack.count_intervals` bounds a count by a linear
programme, whose bounds are whole numbers when the lines are totally unimodular (a family with
its total, nested complements). Tables pooled over cohorts and crossed with each other need not
be: a cell can have fractional linear bounds, or one whole number between them.
:func:`exact_counts` answers in whole numbers (scipy ``milp``, HiGHS), with the same cells and
lines.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

from evaluation.stats.disclosure.attack import Line, _check, _components, _system

__all__ = ["exact_counts"]


def _integer(objective, constraint: LinearConstraint, bounds) -> tuple[int, np.ndarray | None]:
    """``milp`` of ``objective`` over whole numbers subject to ``constraint``: (status, solution)."""
    res = milp(objective, integrality=np.ones(len(objective)), bounds=bounds, constraints=[constraint])
    return res.status, res.x


def _propagate(values: np.ndarray, lines: Sequence[Line]) -> np.ndarray | None:
    """Fill every unknown cell that is the only unknown of a line, until none is; None on a contradiction."""
    values = values.copy()
    pending = list(lines)
    while pending:
        rest = []
        for total, parts in pending:
            members = [(total, -1.0), *((p, 1.0) for p in parts)]
            missing = [(c, sign) for c, sign in members if np.isnan(values[c])]
            if len(missing) > 1:
                rest.append((total, parts))
                continue
            balance = sum(sign * values[c] for c, sign in members if not np.isnan(values[c]))
            if not missing:
                if abs(balance) > 1e-6:
                    return None
                continue
            cell, sign = missing[0]
            values[cell] = -balance / sign
        if len(rest) == len(pending):
            break
        pending = rest
    return values


def exact_counts(known: Sequence[float | None], lines: Sequence[Line], lower: Sequence[float],
                 upper: Sequence[float], cells: Sequence[int], *, within: tuple[float, float] | None = None,
                 seed: int = 0) -> np.ndarray | None:
    """The whole number each of ``cells`` must be, where a reader can work it out; ``nan`` elsewhere.

    Parameters
    ----------
    known, lines, lower, upper
        As for :func:`evaluation.stats.disclosure.attack.count_intervals`.
    cells : sequence of int
        The cells to test (a known cell gives its value).
    within : (float, float), optional
        Only values in this closed range matter: a cell found outside it in one whole-number
        table is not examined further (``nan``), which saves the integer programmes that would
        show it fixed.
    seed : int
        Seeds the random objectives (the answer does not depend on it, only the time taken).

    Returns
    -------
    ndarray or None
        Per cell of ``cells``: its value when only one whole number is possible, else ``nan``;
        None when no whole-number table fits the known cells (they contradict the lines).

    Notes
    -----
    First every cell that is the only unknown of a line is filled in, until none is. Then, as
    :func:`evaluation.stats.disclosure.worked_out.worked_out`, with an integer programme (scipy ``milp``, HiGHS) in place of the
    linear one: two whole-number tables found for random objectives that differ in a cell prove
    that the reader cannot work it out; each remaining cell gets its own integer minimum and
    maximum. Exact where the constraints are not totally unimodular (a table crossed with
    itself over cohorts), where linear bounds can be fractional.

    Examples
    --------
    Two cohorts' groups (a, b) with their totals 6 and 7, and the pooled groups 8 and 5: the
    first cohort's a is published (5), so every other cell follows.

    >>> lines = [(0, [2, 3]), (1, [4, 5]), (6, [2, 4]), (7, [3, 5])]
    >>> known = [6, 7, 5, None, None, None, 8, 5]
    >>> exact_counts(known, lines, [0] * 8, [float("inf")] * 8, [3, 4, 5]).tolist()
    [1.0, 3.0, 4.0]
    """
    values, unknown, lines = _check(known, lines)
    lower = np.asarray(lower, dtype="float64")
    upper = np.asarray(upper, dtype="float64")
    filled = _propagate(values, lines)  # cells that are a line's only unknown follow at once
    if filled is None:
        return None
    new = unknown & ~np.isnan(filled)
    if ((filled[new] < lower[new] - 1e-6) | (filled[new] > upper[new] + 1e-6)
            | (np.abs(filled[new] - np.round(filled[new])) > 1e-6)).any():
        return None
    values, unknown = filled, np.isnan(filled)
    result = {int(c): values[int(c)] for c in cells if not unknown[int(c)]}
    wanted = {int(c) for c in cells}
    rng = np.random.default_rng(seed)
    for group, line_ids in _components(unknown, lines):
        targets = [c for c in group if c in wanted]
        if not line_ids:
            result.update({c: lower[c] if lower[c] == upper[c] else np.nan for c in targets})
            continue
        a, b = _system(group, line_ids, lines, values)
        constraint = LinearConstraint(csr_array(a), b, b)
        bounds = Bounds(lower[group], upper[group])
        status, x = _integer(np.zeros(len(group)), constraint, bounds)
        if status == 2:  # no whole-number table fits
            return None
        if not targets:
            continue
        seen_low, seen_high = x.copy(), x.copy()
        for _ in range(3):
            objective = rng.standard_normal(len(group))
            for sign in (1.0, -1.0):
                status, x = _integer(sign * objective, constraint, bounds)
                if status == 0:
                    seen_low, seen_high = np.minimum(seen_low, x), np.maximum(seen_high, x)
        pos = {c: j for j, c in enumerate(group)}
        for c in targets:
            j = pos[c]
            outside = within is not None and not within[0] - 0.5 < seen_low[j] < within[1] + 0.5
            if seen_high[j] - seen_low[j] > 0.5 or outside:
                result[c] = np.nan
                continue
            objective = np.zeros(len(group))
            objective[j] = 1.0
            lo, x_lo = _integer(objective, constraint, bounds)
            hi, x_hi = _integer(-objective, constraint, bounds)
            same = lo == 0 and hi == 0 and x_hi[j] - x_lo[j] < 0.5
            for x in (x_lo, x_hi) if lo == 0 and hi == 0 else ():  # two more tables: they screen later cells
                seen_low, seen_high = np.minimum(seen_low, x), np.maximum(seen_high, x)
            result[c] = float(round(x_lo[j])) if same else np.nan
    return np.array([result.get(int(c), np.nan) for c in cells], dtype="float64")
