"""The suppression engine: which cells to suppress among counts linked by additive relations.

:func:`protect` applies primary suppression, then secondary suppression until the audit
(:func:`~evaluation.stats.disclosure.audit.audit`) finds no suppressed cell that can be worked
out exactly; the result is a :class:`Protection`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from evaluation.core.checks import check_choice
from evaluation.core.errors import EvaluationWarning
from evaluation.core.results import ResultDisplay
from evaluation.stats.disclosure.attack import count_intervals
from evaluation.stats.disclosure.audit import Line, _check_cells, _check_threshold
from evaluation.stats.disclosure.worked_out import determined

__all__ = ["FLAGS", "DisclosureRiskWarning", "Protection", "protect"]

FLAGS = ("primary", "secondary")


class DisclosureRiskWarning(EvaluationWarning):
    """A suppressed cell could still be worked out and no further cell could be suppressed."""


@dataclass(frozen=True, repr=False)
class Protection(ResultDisplay):
    """The outcome of :func:`protect` for a vector of cells.

    ``flags`` holds ``""``, ``"primary"`` or ``"secondary"`` per cell and ``reasons`` the
    reason in words; ``unprotected`` lists suppressed cells whose value can still be derived
    exactly (empty unless no further cell could be suppressed). :attr:`low` and :attr:`high`
    are the bounds a reader can derive for each cell, computed when first asked for (two
    linear programmes per suppressed cell, which choosing the cells does not need).
    """

    flags: tuple[str, ...]
    reasons: tuple[str, ...]
    unprotected: tuple[int, ...]
    #: What a reader knows (known values, lines, lower and upper bounds), for the intervals.
    reader: tuple = field(default=((), (), (), ()), repr=False, compare=False)

    @property
    def suppressed(self) -> np.ndarray:
        return np.array([f != "" for f in self.flags], dtype=bool)

    @cached_property
    def _intervals(self) -> tuple[tuple[float, ...], tuple[float, ...]]:
        known, lines, lower, upper = self.reader
        low, high = count_intervals(known, lines, lower, upper, only=[i for i, f in enumerate(self.flags) if f])
        return tuple(float(x) for x in low), tuple(float(x) for x in high)

    @property
    def low(self) -> tuple[float, ...]:
        """Per cell, the smallest value a reader can derive (the value itself for a published
        cell; ``nan`` for an ``unpublished`` cell that was not suppressed)."""
        return self._intervals[0]

    @property
    def high(self) -> tuple[float, ...]:
        """Per cell, the largest value a reader can derive (as :attr:`low`)."""
        return self._intervals[1]


def protect(
    values: Sequence[float],
    lines: Sequence[Line] = (),
    *,
    threshold: int = 5,
    exempt: Sequence[int] = (),
    forced: Mapping[int, tuple[str, str]] | None = None,
    secondary: bool = True,
    labels: Sequence[str] | None = None,
    no_primary: Sequence[int] = (),
    unpublished: Sequence[int] = (),
    union_lines: Sequence[int] = (),
) -> Protection:
    """Choose the cells to suppress among counts linked by additive relations.

    Parameters
    ----------
    values : sequence of float
        Counts of people, whole numbers ≥ 0.
    lines : sequence of (int, sequence of int)
        Additive relations ``values[total] == sum(values[parts])`` that a reader can use
        (a family's cells and its total, a row of a two-way table and its margin, ...).
    threshold : int, default 5
        Counts from 1 to ``threshold − 1`` are suppressed (primary).
    exempt : sequence of int
        Cells that are never suppressed: whole-cohort totals (CONTRACT section 5.3).
    forced : mapping of int to (label, reason), optional
        Cells suppressed for a reason outside this table (e.g. the same group is suppressed in
        a related table), with the label (``"primary"``/``"secondary"``) a reader sees.
    secondary : bool, default True
        Apply secondary suppression. False: primary (and forced) suppression only.
    labels : sequence of str, optional
        Names of the cells, used in the reasons.
    no_primary : sequence of int
        Cells that are whole-cohort figures, so not subject to primary suppression, but that
        are suppressed (secondary) when publishing them would reveal a suppressed cell (e.g.
        the number of participants who did not declare a characteristic, behind a
        declaration rate).
    unpublished : sequence of int
        Cells a reader never sees but may work out from others (complements such as the
        non-completers of a group: its participants minus its completers). A reader has
        neither their value nor a label; they need protecting only when they are counts from 1
        to ``threshold − 1`` (then flagged ``primary``), and they are never chosen as the
        further cell to suppress: such a cell is hidden only through the cells it follows from.
    union_lines : sequence of int
        Lines (positions in ``lines``) whose withheld parts, with the total known, must not add
        up to a count from 1 to ``threshold − 1``: the withheld groups together are a group too
        (the people with paired scores in a breakdown, whose means and SDs beside the whole
        cohort's gave three people's changes in cohort 4; the non-completers of the groups whose
        completion is withheld, 12 − 11 = 1 in cohort 2's disability groups). A part is withheld
        when it is hidden and cannot be filled in from one line at a time (an unpublished
        complement is filled in when its group's participants and completers are published; it is
        hidden by suppressing one of those). Other lines keep the single-cell rule only.

    Returns
    -------
    Protection

    Notes
    -----
    Algorithm (greedy, deterministic; cells are considered in their order, so relabelling
    the categories does not change the result):

    1. Primary: every non-exempt cell with a count from 1 to ``threshold − 1``.
    2. Lines: while a line has exactly one suppressed cell, suppress another cell of it: the
       smallest non-zero published, non-exempt part (a total only if no part qualifies).
    3. Audit (:func:`audit`): while some suppressed cell can be worked out exactly from the
       published cells and the lines, suppress the smallest non-zero published, non-exempt cell
       among the lines reachable from it through suppressed cells; repeat from 2.

    Zeros are never suppressed. Guarantee: when the loop ends, no suppressed cell's value
    follows from the published cells, the lines and the labels (the attacker's interval holds
    at least two whole numbers), unless ``unprotected`` lists it — which happens only when
    no cell is left to suppress (e.g. a published total made only of small cells, or
    ``threshold`` ≤ 2, where the label ``primary`` alone tells the value 1).

    Examples
    --------
    A family of four cells and its published total (cell 4):

    >>> p = protect([40, 3, 12, 0, 55], [(4, [0, 1, 2, 3])], exempt=[4])
    >>> p.flags
    ('', 'primary', 'secondary', '', '')

    What a reader can derive: the suppressed 3 lies from 1 to 4 (its label says it is below the
    threshold), so the 12 lies from 11 to 14 (the two make 55 − 40 − 0 = 15):

    >>> p.low, p.high
    ((40.0, 1.0, 11.0, 0.0, 55.0), (40.0, 4.0, 14.0, 0.0, 55.0))
    """
    threshold = _check_threshold(threshold)
    v, lines = _check_cells(values, lines)
    n = len(v)
    exempt_set = {int(i) for i in exempt}
    unseen = {int(i) for i in unpublished}
    names = list(labels) if labels is not None else [f"cell {i}" for i in range(n)]
    flags = [""] * n
    reasons = [""] * n
    for i, (label, reason) in (forced or {}).items():
        check_choice(label, FLAGS, "forced")
        flags[int(i)], reasons[int(i)] = label, reason
    skip_primary = exempt_set | {int(i) for i in no_primary}
    for i in range(n):
        if not flags[i] and i not in skip_primary and 1 <= v[i] < threshold:
            flags[i] = "primary"
            reasons[i] = f"primary: a count of {v[i]:g}, from 1 to threshold − 1 = {threshold - 1}"

    def hidden(c: int) -> bool:
        return bool(flags[c]) or c in unseen

    def sensitive(c: int) -> bool:
        """A hidden cell whose value must not follow: suppressed and shown as such, or unseen and small."""
        return c in unseen and flags[c] == "primary" or c not in unseen and bool(flags[c])

    def candidate(cells: Sequence[int], is_total: Sequence[bool]) -> int | None:
        options = [
            (tot, v[c], k, c)
            for k, (c, tot) in enumerate(zip(cells, is_total, strict=True))
            if not hidden(c) and c not in exempt_set and v[c] >= 1
        ]
        return min(options)[3] if options else None

    def worked_out() -> list[int]:
        """Sensitive cells (not yet given up on) whose value a reader can work out."""
        todo = [i for i in range(n) if sensitive(i) and i not in unprotected]
        known, lower, upper = _reader(v, flags, unseen, threshold)
        return [i for i, e in zip(todo, determined(known, lines, lower, upper, todo), strict=True) if e]

    unprotected: set[int] = set()
    if secondary:
        while True:
            changed = False
            for total, parts in lines:
                members = [*parts, total]
                shut = [c for c in members if hidden(c)]
                if len(shut) == 1 and sensitive(shut[0]):
                    pick = candidate(members, [False] * len(parts) + [True])
                    if pick is not None:
                        flags[pick] = "secondary"
                        reasons[pick] = f"secondary: else {names[shut[0]]} follows from the total"
                        changed = True
            if changed:
                continue
            pick, why = _union_pick(union_lines, lines, v, hidden, candidate, threshold)
            if pick is not None:
                flags[pick] = "secondary"
                reasons[pick] = f"secondary: else the withheld cells beside {names[why[0]]} would add up to " \
                                f"{why[1]:g}, from 1 to threshold − 1"
                continue
            exact = worked_out()
            if not exact:
                break
            progress = False
            for i in exact:
                pick = _reachable_candidate(i, lines, hidden, candidate)
                if pick is None:
                    unprotected.add(i)
                    continue
                flags[pick] = "secondary"
                reasons[pick] = f"secondary: else {names[i]} could be worked out from the totals and other cells"
                progress = True
                break
            if not progress:
                break
    known, lower, upper = _reader(v, flags, unseen, threshold)
    # A cell given up on may have been hidden since by cells suppressed for others: ask again.
    given_up = sorted(unprotected) if secondary else []
    still = tuple(i for i, e in zip(given_up, determined(known, lines, lower, upper, given_up), strict=True) if e)
    for i in still:
        reasons[i] += " (UNPROTECTED: its value can still be worked out; no cell was left to suppress)"
    return Protection(tuple(flags), tuple(reasons), still, reader=(known, lines, lower, upper))


def _open_cells(lines, hidden) -> set[int]:
    """The hidden cells a reader fills in one line at a time (each the only hidden cell of a line)."""
    shut = set()
    for total, parts in lines:
        shut.update(c for c in (total, *parts) if hidden(c))
    found: set[int] = set()
    changed = True
    while changed:
        changed = False
        for total, parts in lines:
            left = [c for c in (total, *parts) if c in shut and c not in found]
            if len(left) == 1:
                found.add(left[0])
                changed = True
    return found


def _union_pick(union_lines, lines, v, hidden, candidate, threshold) -> tuple[int | None, tuple]:
    """The cell to suppress next so that no union line's withheld parts add up to a small count.

    A part counts as withheld when the reader cannot fill it in from single lines (a complement
    such as a group's non-completers is filled in when its participants and completers are both
    published). When the withheld parts of a union line, with its total known, hold from 1 to
    threshold − 1 people, the next cell to suppress is the smallest
    published part (as for a single cell), else a published cell of a line that fills in a part.
    Returns (cell, (line total, the small sum)) or (None, ()).
    """
    opened = _open_cells(lines, hidden)

    def unknown(c: int) -> bool:
        return hidden(c) and c not in opened

    for k in union_lines:
        total, parts = lines[k]
        rest = sum(v[c] for c in parts if unknown(c))
        if unknown(total) or not 1 <= rest < threshold:
            continue
        pick = candidate(parts, [False] * len(parts))
        if pick is None:  # the parts are complements: hide what fills one of them in
            options = []
            for c in parts:
                if unknown(c) or v[c] < 1:
                    continue
                for j, (t2, p2) in enumerate(lines):
                    if j != k and c in (t2, *p2) and c != t2:
                        found = candidate([*p2, t2], [False] * len(p2) + [True])
                        if found is not None:
                            options.append((v[found], found))
            pick = min(options)[1] if options else None
        if pick is not None:
            return pick, (total, rest)
    return None, ()


def _reader(v: np.ndarray, flags, unseen: set[int], threshold: int) -> tuple[list, list, list]:
    """What a reader knows: published values, and bounds from the labels (none for unpublished cells)."""
    known = [None if (flags[i] or i in unseen) else float(x) for i, x in enumerate(v)]
    lower = [0.0 if i in unseen else min(1.0, x) for i, x in enumerate(v)]
    upper = [float(threshold - 1) if flags[i] == "primary" and i not in unseen and x <= threshold - 1 else math.inf
             for i, x in enumerate(v)]
    return known, lower, upper


def _reachable_candidate(start, lines, hidden, candidate) -> int | None:
    """The best cell to suppress among lines reachable from ``start`` through suppressed cells."""
    seen_cells, seen_lines = {start}, set()
    frontier = [start]
    while frontier:
        best = []
        next_frontier = []
        for cell in frontier:
            for k, (total, parts) in enumerate(lines):
                members = [*parts, total]
                if k in seen_lines or cell not in members:
                    continue
                seen_lines.add(k)
                pick = candidate(members, [False] * len(parts) + [True])
                if pick is not None:
                    best.append(pick)
                for c in members:
                    if hidden(c) and c not in seen_cells:
                        seen_cells.add(c)
                        next_frontier.append(c)
        if best:
            return best[0]
        frontier = next_frontier
    return None
