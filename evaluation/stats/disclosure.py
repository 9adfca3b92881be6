"""Statistical disclosure control of published tables (CONTRACT section 5.3; METHODS).

Rules, for groups defined by participant characteristics (sector, council area, role level,
framework area, protected characteristics, or combinations):

* **primary suppression**: a count of people from 1 to ``threshold − 1`` is not published, nor
  is any statistic computed from fewer than ``threshold`` people; zero counts are published;
* **secondary suppression**: further cells are suppressed until no suppressed cell can be
  worked out, exactly, from the published cells and the totals they add up to (see
  :func:`protect` for the algorithm and its guarantee);
* shares, rates and ratios of a suppressed cell are suppressed with it.

Whole-cohort results are not suppressed (the totals of a family are published). Suppressed
values become missing (shown as blank in CSV and as "–" in reports), and a ``suppressed``
column says which rows were touched and why (``primary`` / ``secondary``).

Every suppression is also written to a **suppression log** (:data:`LOG_COLUMNS`: table,
dimension, category, column, value, reason). The log holds the original values, so it is for
the evaluator only: it is never published in a report. :mod:`evaluation.reports.equity_report` writes
it beside the evaluator's data (``<data_dir>/disclosure_logs/<programme>/cohort-<n>.csv``).

The functions:

* :func:`protect` — the engine, on a vector of counts and the additive relations ("lines")
  between them; :func:`audit` — the attacker's feasible interval of every suppressed cell;
* :func:`protect_table` / :func:`suppress` — one-dimensional families of a tidy table (each
  family's cells add up to a published total);
* :func:`suppress_two_way` — a table crossing two characteristics, with its row and column
  totals.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from evaluation.core.errors import EvaluationWarning
from evaluation.core.vocabulary import UNDECLARED

__all__ = [
    "LOG_COLUMNS",
    "SUPPRESSED_LABEL",
    "DisclosureRiskWarning",
    "Protection",
    "Suppressed",
    "TwoWay",
    "audit",
    "empty_log",
    "protect",
    "protect_dimension",
    "protect_table",
    "protection_log",
    "suppress",
    "suppress_two_way",
]

SUPPRESSED_LABEL = "suppressed"
#: Columns of the suppression log (kept by the evaluator, never published).
LOG_COLUMNS = ["table", "dimension", "category", "column", "value", "reason"]
FLAGS = ("primary", "secondary")
#: A line ``(total, parts)``: the cell ``total`` equals the sum of the cells ``parts``.
Line = tuple[int, Sequence[int]]


class DisclosureRiskWarning(EvaluationWarning):
    """A suppressed cell could still be worked out and no further cell could be suppressed."""


def _check_threshold(threshold: int) -> int:
    if isinstance(threshold, bool) or not isinstance(threshold, (int, np.integer)) or threshold < 1:
        raise ValueError(f"`threshold` must be a whole number ≥ 1, got {threshold!r}")
    return int(threshold)


def empty_log() -> pd.DataFrame:
    """An empty suppression log with the :data:`LOG_COLUMNS`."""
    return pd.DataFrame({c: pd.Series(dtype="float64" if c == "value" else "object") for c in LOG_COLUMNS})


# ------------------------------------------------------------------------------------ engine


@dataclass(frozen=True)
class Protection:
    """The outcome of :func:`protect` for a vector of cells.

    ``flags`` holds ``""``, ``"primary"`` or ``"secondary"`` per cell and ``reasons`` the
    reason in words; ``low``/``high`` are the bounds an attacker can derive for each cell
    (equal to the value for published cells); ``unprotected`` lists suppressed cells whose
    value can still be derived exactly (empty unless no further cell could be suppressed).
    """

    flags: tuple[str, ...]
    reasons: tuple[str, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    unprotected: tuple[int, ...]

    @property
    def suppressed(self) -> np.ndarray:
        return np.array([f != "" for f in self.flags], dtype=bool)


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
    """
    threshold = _check_threshold(threshold)
    v, lines = _check_cells(values, lines)
    n = len(v)
    exempt_set = {int(i) for i in exempt}
    names = list(labels) if labels is not None else [f"cell {i}" for i in range(n)]
    flags = [""] * n
    reasons = [""] * n
    for i, (label, reason) in (forced or {}).items():
        if label not in FLAGS:
            raise ValueError(f"`forced` labels must be one of {list(FLAGS)}, got {label!r}")
        flags[int(i)], reasons[int(i)] = label, reason
    skip_primary = exempt_set | {int(i) for i in no_primary}
    for i in range(n):
        if not flags[i] and i not in skip_primary and 1 <= v[i] < threshold:
            flags[i] = "primary"
            reasons[i] = f"primary: a count of {v[i]:g}, from 1 to threshold − 1 = {threshold - 1}"

    def candidate(cells: Sequence[int], is_total: Sequence[bool]) -> int | None:
        options = [
            (tot, v[c], k, c)
            for k, (c, tot) in enumerate(zip(cells, is_total, strict=True))
            if not flags[c] and c not in exempt_set and v[c] >= 1
        ]
        return min(options)[3] if options else None

    unprotected: set[int] = set()
    low = high = None
    if secondary:
        while True:
            changed = False
            for total, parts in lines:
                members = [*parts, total]
                hidden = [c for c in members if flags[c]]
                if len(hidden) == 1:
                    pick = candidate(members, [False] * len(parts) + [True])
                    if pick is not None:
                        flags[pick] = "secondary"
                        reasons[pick] = f"secondary: else {names[hidden[0]]} follows from the total"
                        changed = True
            if changed:
                continue
            low, high = audit(v, lines, flags, threshold=threshold)
            exact = [i for i in range(n) if flags[i] and i not in unprotected and _exact(low[i], high[i])]
            if not exact:
                break
            progress = False
            for i in exact:
                pick = _reachable_candidate(i, lines, flags, candidate)
                if pick is None:
                    unprotected.add(i)
                    continue
                flags[pick] = "secondary"
                reasons[pick] = f"secondary: else {names[i]} could be worked out from the totals and other cells"
                progress = True
                break
            if not progress:
                break
    if low is None:
        low, high = audit(v, lines, flags, threshold=threshold)
    still = tuple(i for i in range(n) if flags[i] and _exact(low[i], high[i]))
    if not secondary:
        still = ()
    for i in still:
        reasons[i] += " (UNPROTECTED: its value can still be worked out; no cell was left to suppress)"
    return Protection(tuple(flags), tuple(reasons), tuple(float(x) for x in low),
                      tuple(float(x) for x in high), still)


def _reachable_candidate(start, lines, flags, candidate) -> int | None:
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
                    if flags[c] and c not in seen_cells:
                        seen_cells.add(c)
                        next_frontier.append(c)
        if best:
            return best[0]
        frontier = next_frontier
    return None


def protection_log(
    protection: Protection,
    values: Sequence[float],
    *,
    table: str,
    dimension: str,
    categories: Sequence[str],
    column: str,
) -> pd.DataFrame:
    """The suppression log rows (:data:`LOG_COLUMNS`) of a :class:`Protection`.

    Examples
    --------
    >>> p = protect([40, 3, 12, 55], [(3, [0, 1, 2])], exempt=[3])
    >>> protection_log(p, [40, 3, 12, 55], table="t", dimension="d", categories="abcT",
    ...                column="n")[["category", "value"]]
      category  value
    0        b    3.0
    1        c   12.0
    """
    rows = [
        {"table": table, "dimension": dimension, "category": str(categories[i]), "column": column,
         "value": float(values[i]), "reason": protection.reasons[i]}
        for i, f in enumerate(protection.flags) if f
    ]
    return pd.DataFrame(rows, columns=LOG_COLUMNS) if rows else empty_log()


# ------------------------------------------------------------------------------ tidy tables


@dataclass(frozen=True)
class Suppressed:
    """A table after disclosure control and its suppression log (evaluator only)."""

    table: pd.DataFrame
    log: pd.DataFrame
    unprotected: tuple = ()


def _family_name(key, by: Sequence[str]) -> str:
    if not by:
        return ""
    key = key if isinstance(key, tuple) else (key,)
    return " / ".join(str(k) for k in key)


def protect_table(
    table: pd.DataFrame,
    *,
    count: str,
    threshold: int = 5,
    by: Sequence[str] = (),
    dependent: Sequence[str] = (),
    secondary: bool = True,
    label: str | None = None,
    name: str = "",
    forced: Mapping[Hashable, str] | None = None,
    forced_reason: str = "suppressed to match the same group in a related table",
    blank: Sequence[str] = (),
) -> Suppressed:
    """Disclosure control of a tidy table whose families of rows add up to published totals.

    Parameters
    ----------
    table : DataFrame
        One row per group; not modified.
    count : str
        The column holding the number of people in the group (for a statistic, the number it
        was computed from). Rows where it is missing are left alone.
    threshold : int, default 5
        Counts from 1 to ``threshold − 1`` are suppressed.
    by : sequence of str
        Columns defining the families whose cells add up to a published total (e.g.
        ``["dimension"]``). Empty: the whole table is one family.
    dependent : sequence of str
        Columns derived from the count or computed from the group's people (means, shares,
        rates, confidence limits): set to missing with it.
    secondary : bool, default True
        Apply secondary suppression (see :func:`protect`).
    label : str, optional
        The column naming each row's group (for the log); default ``category`` if present,
        else the row's index.
    name : str
        The table's name, for the log.
    forced : mapping of index label to "primary"/"secondary", optional
        Rows to suppress because the same group is suppressed in a related table.
    forced_reason : str
        The log's reason for ``forced`` rows.
    blank : sequence of str
        Text columns set to ``""`` in suppressed rows (e.g. a band that would reveal the value).

    Returns
    -------
    Suppressed
        ``table``: a copy with suppressed cells missing and a column ``suppressed`` holding
        ``""``, ``"primary"`` or ``"secondary"``; ``log``: one row per suppressed row.

    Warns
    -----
    DisclosureRiskWarning
        A suppressed count could still be worked out and nothing was left to suppress.

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["a", "b", "c", "d"], "n": [40, 3, 12, 0]})
    >>> res = protect_table(t, count="n", name="demo")
    >>> res.log[["category", "value"]]
      category  value
    0        b    3.0
    1        c   12.0
    >>> for reason in res.log["reason"]:
    ...     print(reason)
    primary: a count of 3, from 1 to threshold − 1 = 4
    secondary: else b follows from the total
    """
    threshold = _check_threshold(threshold)
    missing = [c for c in (count, *by, *dependent, *blank) if c not in table.columns]
    if missing:
        raise ValueError(f"columns {missing} are not in the table (columns: {list(table.columns)})")
    if label is None:
        label = "category" if "category" in table.columns else None
    forced = dict(forced or {})
    bad = [k for k in forced if k not in table.index]
    if bad:
        raise ValueError(f"`forced` names rows {bad} that are not in the table's index")
    out = table.copy()
    n = pd.to_numeric(out[count], errors="coerce")
    flag = pd.Series("", index=out.index, dtype="object")
    why = pd.Series("", index=out.index, dtype="object")
    unprotected: list = []
    families = ((key, sub.index) for key, sub in out.groupby(list(by), sort=False, dropna=False)) if by \
        else [((), out.index)]
    for key, index in families:
        index = [i for i in index if not pd.isna(n.loc[i])]
        if not index:
            continue
        values = [float(n.loc[i]) for i in index]
        values.append(sum(values))
        names = [str(out.loc[i, label]) if label else str(i) for i in index] + ["the total"]
        force = {k: (forced[i], forced_reason) for k, i in enumerate(index) if i in forced and forced[i]}
        res = protect(values, [(len(index), list(range(len(index))))], threshold=threshold,
                      exempt=[len(index)], forced=force, secondary=secondary, labels=names)
        for k, i in enumerate(index):
            flag.loc[i], why.loc[i] = res.flags[k], res.reasons[k]
        unprotected += [(_family_name(key, by), names[k]) for k in res.unprotected]
    hide = flag != ""
    out[count] = n.astype("float64").where(~hide)
    for column in dependent:
        out[column] = out[column].where(~hide)
    for column in blank:
        out[column] = out[column].where(~hide, "")
    out["suppressed"] = flag.astype("str")
    rows = []
    for i in out.index[hide.to_numpy()]:
        key = tuple(table.loc[i, c] for c in by) if by else ()
        rows.append({
            "table": name,
            "dimension": _family_name(key if len(key) != 1 else key[0], by),
            "category": str(table.loc[i, label]) if label else str(i),
            "column": ",".join([count, *dependent]),
            "value": float(n.loc[i]),
            "reason": why.loc[i],
        })
    log = pd.DataFrame(rows, columns=LOG_COLUMNS) if rows else empty_log()
    if unprotected:
        warnings.warn(
            f"table {name!r}: suppressed cell(s) {unprotected} could still be worked out from the totals "
            "and no further cell could be suppressed", DisclosureRiskWarning, stacklevel=2)
    return Suppressed(out, log, tuple(unprotected))


def suppress(
    table: pd.DataFrame,
    *,
    count: str,
    threshold: int = 5,
    by: Sequence[str] = (),
    dependent: Sequence[str] = (),
    secondary: bool = True,
) -> pd.DataFrame:
    """Apply primary and secondary suppression to a table of groups of people.

    Parameters
    ----------
    table : DataFrame
        One row per group; not modified.
    count : str
        The column holding the number of people in the group (for a statistic, the number it
        was computed from).
    threshold : int, default 5
        Counts from 1 to ``threshold − 1`` are suppressed.
    by : sequence of str
        Columns defining the families whose cells add up to a published total (e.g.
        ``["dimension"]`` for a table of several dimensions); secondary suppression works
        within each family. Empty: the whole table is one family.
    dependent : sequence of str
        Columns derived from the count or computed from the group's people (means, shares,
        rates, confidence limits): suppressed with it.
    secondary : bool, default True
        Apply secondary suppression.

    Returns
    -------
    DataFrame
        A copy with suppressed cells set to missing and a column ``suppressed`` holding
        ``""``, ``"primary"`` or ``"secondary"``.

    Notes
    -----
    :func:`protect_table` without the log: within each family, no suppressed count can be
    worked out from the published total and the other cells (:func:`protect`). Tables that
    cross two characteristics need both margins: see :func:`suppress_two_way`.

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["a", "b", "c", "d"], "n": [40, 3, 12, 0],
    ...                   "share": [0.727, 0.055, 0.218, 0.0]})
    >>> suppress(t, count="n", dependent=["share"])
      category     n  share suppressed
    0        a  40.0  0.727
    1        b   NaN    NaN    primary
    2        c   NaN    NaN  secondary
    3        d   0.0  0.000
    """
    return protect_table(table, count=count, threshold=threshold, by=by, dependent=dependent,
                         secondary=secondary).table


# ------------------------------------------------------------------------------ two-way tables


@dataclass(frozen=True)
class TwoWay:
    """A two-way table after disclosure control.

    ``cells``: one row per (row, column) category with the count (missing when suppressed)
    and ``suppressed``; ``row_totals`` / ``column_totals``: the margins, likewise;
    ``grand_total``: published (whole-cohort); ``log``: the suppression log (evaluator only).
    """

    cells: pd.DataFrame
    row_totals: pd.DataFrame
    column_totals: pd.DataFrame
    grand_total: float
    log: pd.DataFrame
    unprotected: tuple = ()


def suppress_two_way(
    table: pd.DataFrame,
    *,
    row: str,
    column: str,
    count: str,
    threshold: int = 5,
    dependent: Sequence[str] = (),
    secondary: bool = True,
    name: str = "",
) -> TwoWay:
    """Disclosure control of a table crossing two characteristics, with both margins.

    Parameters
    ----------
    table : DataFrame
        Long format: one row per (``row``, ``column``) combination with its ``count``;
        combinations that are absent count 0 (they are added). Not modified.
    row, column : str
        The two characteristics.
    count : str
        The number of people in each combination.
    threshold : int, default 5
    dependent : sequence of str
        Columns of ``table`` suppressed with the count.
    secondary : bool, default True
    name : str
        The table's name, for the log.

    Returns
    -------
    TwoWay

    Notes
    -----
    The row totals and column totals are counts of people in groups too, so they are subject
    to primary suppression; the grand total is a whole-cohort figure and is published. The
    lines are every row (its cells add up to its row total), every column, and both margins
    (each adds up to the grand total); :func:`protect` then guarantees that no suppressed
    cell or margin can be worked out exactly.

    Examples
    --------
    >>> t = pd.DataFrame({"sector": ["la", "la", "vol", "vol"], "role": ["m", "f", "m", "f"],
    ...                   "n": [20, 3, 15, 12]})
    >>> res = suppress_two_way(t, row="sector", column="role", count="n")
    >>> res.cells[["sector", "role", "n", "suppressed"]]
      sector role   n suppressed
    0     la    m NaN  secondary
    1     la    f NaN    primary
    2    vol    m NaN  secondary
    3    vol    f NaN  secondary
    >>> res.row_totals
      sector     n suppressed
    0     la  23.0
    1    vol  27.0
    """
    threshold = _check_threshold(threshold)
    missing = [c for c in (row, column, count, *dependent) if c not in table.columns]
    if missing:
        raise ValueError(f"columns {missing} are not in the table (columns: {list(table.columns)})")
    if table.duplicated([row, column]).any():
        raise ValueError(f"`table` has more than one row for some ({row}, {column}) combinations")
    rows_ = list(pd.unique(table[row]))
    cols_ = list(pd.unique(table[column]))
    full = pd.MultiIndex.from_product([rows_, cols_], names=[row, column]).to_frame(index=False)
    cells = full.merge(table, on=[row, column], how="left")
    cells[count] = pd.to_numeric(cells[count], errors="coerce").fillna(0.0).astype("float64")
    r, c = len(rows_), len(cols_)
    grid = cells[count].to_numpy().reshape(r, c)
    values = [*grid.ravel(), *grid.sum(axis=1), *grid.sum(axis=0), grid.sum()]
    rt = lambda i: r * c + i  # noqa: E731
    ct = lambda j: r * c + r + j  # noqa: E731
    grand = r * c + r + c
    lines: list[Line] = [(rt(i), [i * c + j for j in range(c)]) for i in range(r)]
    lines += [(ct(j), [i * c + j for i in range(r)]) for j in range(c)]
    lines += [(grand, [rt(i) for i in range(r)]), (grand, [ct(j) for j in range(c)])]
    names = [f"{rows_[i]} × {cols_[j]}" for i in range(r) for j in range(c)]
    names += [f"{x} (row total)" for x in rows_] + [f"{x} (column total)" for x in cols_] + ["the grand total"]
    res = protect(values, lines, threshold=threshold, exempt=[grand], secondary=secondary, labels=names)
    flags = np.array(res.flags, dtype=object)
    interior = flags[: r * c] != ""
    cells["suppressed"] = flags[: r * c].astype(str)
    log_rows = []
    for k in np.flatnonzero(flags != ""):
        log_rows.append({"table": name, "dimension": f"{row} × {column}", "category": names[k],
                         "column": count, "value": float(values[k]), "reason": res.reasons[k]})
    cells[count] = cells[count].where(~interior)
    for col in dependent:
        cells[col] = cells[col].where(~interior)
    row_totals = pd.DataFrame({row: rows_, count: np.array(values[r * c: r * c + r], dtype="float64"),
                               "suppressed": flags[r * c: r * c + r].astype(str)})
    column_totals = pd.DataFrame({column: cols_, count: np.array(values[r * c + r: grand], dtype="float64"),
                                  "suppressed": flags[r * c + r: grand].astype(str)})
    for margin in (row_totals, column_totals):
        margin[count] = margin[count].where(margin["suppressed"] == "")
    log = pd.DataFrame(log_rows, columns=LOG_COLUMNS) if log_rows else empty_log()
    unprotected = tuple(names[k] for k in res.unprotected)
    if unprotected:
        warnings.warn(f"table {name!r}: suppressed cell(s) {list(unprotected)} could still be worked out",
                      DisclosureRiskWarning, stacklevel=2)
    return TwoWay(cells, row_totals, column_totals, float(values[grand]), log, unprotected)


def protect_dimension(rows: pd.DataFrame, threshold: int, dimension: str) -> tuple[list[str], list[str], dict,
                                                                                      pd.DataFrame]:
    """Suppression flags for one dimension's categories, and its declaration figures.

    Cells: the categories, then the cohort total N (published), the number who declared (D)
    and who did not (U) — whole-cohort figures, not subject to primary suppression, but
    suppressed if they would reveal a suppressed category. Lines: N = Σ categories,
    D = Σ declared categories, U = Σ undeclared categories, N = D + U.
    """
    cats = rows["category"].astype(str).tolist()
    values = [float(v) for v in rows["participants"]]
    k = len(cats)
    undeclared = [i for i, c in enumerate(cats) if c in UNDECLARED]
    declared = [i for i in range(k) if i not in undeclared]
    n_total, d_total, u_total = sum(values), sum(values[i] for i in declared), sum(values[i] for i in undeclared)
    cells = [*values, n_total, d_total, u_total]
    N, D, U = k, k + 1, k + 2
    lines = [(N, list(range(k))), (D, declared), (U, undeclared), (N, [D, U])]
    names = [*cats, "the total", "the number who declared", "the number who did not declare"]
    res = protect(cells, lines, threshold=threshold, exempt=[N], no_primary=[D, U], labels=names)
    log = protection_log(res, cells, table="equity", dimension=dimension, categories=names,
                                    column="participants")
    declaration = {"participants": n_total, "declared": d_total, "not_declared": u_total,
                   "suppressed": res.flags[U] or res.flags[D]}
    if res.unprotected:
        warnings.warn(f"dimension {dimension!r}: suppressed cell(s) {[names[i] for i in res.unprotected]} could "
                      "still be worked out from the totals", DisclosureRiskWarning, stacklevel=2)
    return list(res.flags[:k]), list(res.reasons[:k]), declaration, log
