"""Disclosure control of tidy tables: families of rows with published totals, two-way tables.

:func:`protect_table` (and :func:`suppress`, without the log) protects one-dimensional
families whose cells add up to a published total; :func:`suppress_two_way` a table crossing
two characteristics with both margins; :func:`protect_dimension` one dimension's categories
with its declaration figures.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluation.core.checks import check_columns, check_unique
from evaluation.core.results import ResultDisplay
from evaluation.core.vocabulary import UNDECLARED
from evaluation.stats.disclosure.audit import Line, _check_threshold
from evaluation.stats.disclosure.log import LOG_COLUMNS, empty_log, protection_log
from evaluation.stats.disclosure.protect import DisclosureRiskWarning, protect

__all__ = [
    "Suppressed",
    "TwoWay",
    "protect_dimension",
    "protect_table",
    "suppress",
    "suppress_two_way",
]


@dataclass(frozen=True, repr=False)
class Suppressed(ResultDisplay):
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
    check_columns(table, [count, *by, *dependent, *blank], "table")
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


@dataclass(frozen=True, repr=False)
class TwoWay(ResultDisplay):
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
    check_columns(table, [row, column, count, *dependent], "table")
    check_unique(table, [row, column], "table")
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
