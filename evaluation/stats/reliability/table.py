"""Alpha and omega per scale × group of long-format answers, on integer codes (see the package docstring)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from evaluation.core.checks import check_confidence_level as _check_confidence_level
from evaluation.core.checks import check_unique as _check_unique
from evaluation.core.checks import sort_canonical as _sort_frame
from evaluation.core.codes import in_smallest_type
from evaluation.stats.reliability.coefficients import (  # noqa: F401  (the doctests')
    _alpha,
    _emit,
    _omega,
    cronbach_alpha,
    omega_total,
)

__all__ = ["reliability_of_codes", "reliability_table"]


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value groupby gives (so messages read ``cohort 1``)."""
    return value.item() if isinstance(value, np.generic) else value


def _sorted_codes(column: pd.Series) -> tuple[np.ndarray, Any]:
    """``pd.factorize(column, sort=True, use_na_sentinel=False)``, cheaper for codes at hand.

    Categories keep their order (codes taken as they are, missing values last); whole numbers
    in a short range are offsets from the smallest (levels that do not occur are allowed);
    anything else is factorized.
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = np.asarray(column.cat.codes)
        categories = column.cat.categories
        if (codes < 0).any():
            codes = np.where(codes < 0, len(categories), codes)
            return codes, [*categories, np.nan]
        return codes, categories
    if column.dtype.kind in "iu" and len(column):
        values = column.to_numpy()
        low, high = int(values.min()), int(values.max())
        if high - low < 4 * len(column) + 1024:
            return values - low, pd.Index(np.arange(low, high + 1, dtype=values.dtype))
    return pd.factorize(column, sort=True, use_na_sentinel=False)


def _combined_codes(frame: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, Any]:
    """One integer code per row for the combination of ``columns``, in sorted key order.

    Each column is factorized with its values sorted (categories in their order, missing values
    last, as ``groupby(sort=True, dropna=False)`` and ``pivot`` order them) and the codes are
    combined in mixed radix, so ascending codes are the lexicographic order of the keys. Returns
    the codes and a function giving the tuple of key values of a code.
    """
    if not columns:
        return np.zeros(len(frame), dtype=np.uint8), lambda code: ()
    factorized = [_sorted_codes(frame[col]) for col in columns]
    levels = [uniques for _, uniques in factorized]
    size = int(np.prod([max(len(u), 1) for u in levels], dtype=float))
    if size > 4 * len(frame) + 1024:  # too many combinations for dense codes
        return _sparse_codes(frame, columns)
    # combined in the smallest type that holds every combination (no 8-byte copy per column)
    combined = in_smallest_type(np.zeros(len(frame), dtype=np.uint8), size)
    for codes, uniques in factorized:
        combined *= combined.dtype.type(len(uniques))
        combined += codes.astype(combined.dtype, copy=False)
    del factorized
    sizes = [max(len(u), 1) for u in levels]

    def decode(code: int) -> tuple[Any, ...]:
        key = []
        for n_levels, uniques in zip(reversed(sizes), reversed(levels), strict=True):
            code, digit = divmod(int(code), n_levels)
            key.append(_plain(uniques[digit]))
        return tuple(reversed(key))

    return combined, decode


def _sparse_codes(frame: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, Any]:
    """As :func:`_combined_codes`, numbering only the combinations that occur (sorted)."""
    index = pd.MultiIndex.from_frame(frame[columns].drop_duplicates()).sort_values(
        na_position="last"
    )
    codes = index.get_indexer(pd.MultiIndex.from_frame(frame[columns]))
    return in_smallest_type(codes, len(index)), lambda code: tuple(_plain(v) for v in index[int(code)])


def _group_runs(group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row positions sorted by group code (stable) and where each code's run starts and ends."""
    if group.size == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(1, dtype=np.intp)
    counts = np.bincount(group)
    bounds = np.concatenate([[0], np.cumsum(counts)])
    order = np.argsort(group, kind="stable")
    return in_smallest_type(order, group.size), bounds


def _wide(
    person: np.ndarray,
    item_code: np.ndarray,
    values: np.ndarray,
    item_values: pd.Index,
    items: list[str],
    seen: np.ndarray,
) -> np.ndarray | None:
    """Persons × ``items`` matrix of one group (rows in person-code order), None on duplicates.

    ``seen`` is a scratch array over all person codes (all False on entry and on return).
    """
    seen[person] = True
    rank = np.cumsum(seen)
    n_rows = int(rank[-1])
    local = rank[person] - 1
    seen[person] = False
    k = len(items)
    position = np.full(len(item_values) + 1, -1, dtype=np.int64)
    found = pd.Index(item_values).get_indexer(pd.Index(items, dtype=object))
    position[found[found >= 0]] = np.flatnonzero(found >= 0)
    pos = position[item_code]
    inside = pos >= 0
    cell = local[inside] * k + pos[inside]
    if np.bincount(cell, minlength=n_rows * k).max(initial=0) > 1:
        return None
    if not inside.all():  # items outside the scale's list: never used, but must be unique
        other = local[~inside].astype(np.int64) * (len(item_values) + 1) + item_code[~inside]
        if np.unique(other).size < other.size:
            return None
    x = np.full(n_rows * k, np.nan)
    x[cell] = values[inside]
    return x.reshape(n_rows, k)


def reliability_table(
    recoded: pd.DataFrame,
    item_map: pd.DataFrame,
    *,
    by: Sequence[str] = ("wave", "rater"),
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Cronbach's alpha (Feldt CI) and omega total per scale and group, from recoded responses.

    Parameters
    ----------
    recoded : DataFrame
        Long format with ``value_recoded`` (reverse keys applied), ``instrument``, ``scale``,
        ``item``, the ``by`` columns and the row keys (``participant_id`` and, when not in
        ``by``, ``cohort``, ``wave``, ``rater``), as :func:`evaluation.data.scoring.recode`
        returns them.
    item_map : DataFrame
        The items of each scale in order (``instrument, scale, item``).
    by : sequence of str, default ("wave", "rater")
        Columns that split each scale into groups.
    confidence_level : float, default 0.95
        Coverage of the Feldt interval.

    Returns
    -------
    DataFrame
        ``instrument, scale, *by, n, k_items, alpha, alpha_ci_low, alpha_ci_high, omega_total``.

    Raises
    ------
    ValueError
        When two rows give the same person (row keys) the same item in one group.

    Notes
    -----
    Per group, the persons × items matrix X of the scale's items (rows: ``participant_id``
    and the row keys not in ``by``, in sorted key order; NaN where unanswered) goes to
    :func:`cronbach_alpha` (alpha = k/(k − 1)·(1 − tr C/ΣC), C the covariance of the complete
    rows; Feldt CI) and :func:`omega_total` (1 − Σu/ΣR, one-factor minres), as R psych's
    ``alpha`` and ``omega`` on ``na.omit(X)`` (METHODS.md, Reliability). X is built without a
    pivot per group: every key column is turned once into integer codes (category codes as
    they are, text factorized in sorted order), the rows are ordered by group code with one
    stable sort, and each group's answers are scattered into a dense array by (person code,
    item position). Time and memory grow linearly with the number of answers; the omega fit
    works on the k × k correlation matrix, so its cost does not depend on n. With text keys
    the matrices, and so the numbers, are those of ``DataFrame.pivot`` to the last digit;
    with categorical keys the rows follow the category order, which can change the sums'
    order (differences of about 1e-15).

    Examples
    --------
    >>> x = [[1, 2, 2, 1], [2, 2, 3, 2], [3, 4, 3, 3], [4, 4, 5, 5],
    ...      [5, 4, 4, 4], [2, 1, 2, 3], [3, 3, 4, 2], [4, 5, 4, 4]]
    >>> rec = pd.DataFrame({
    ...     "participant_id": np.repeat(list("abcdefgh"), 4), "wave": "pre", "rater": "self",
    ...     "instrument": "demo", "scale": "s", "item": list("wxyz") * 8,
    ...     "value_recoded": np.ravel(x).astype(float)})
    >>> items = pd.DataFrame({"instrument": "demo", "scale": "s", "item": list("wxyz")})
    >>> table = reliability_table(rec, items)
    >>> table[["scale", "wave", "rater", "n", "k_items"]]
      scale wave rater  n  k_items
    0     s  pre  self  8        4
    >>> round(float(table["omega_total"].iloc[0]), 3) == round(omega_total(x).omega_total, 3)
    True
    """
    confidence_level = _check_confidence_level(confidence_level)
    by = [by] if isinstance(by, str) else list(by)
    rec = recoded
    group_keys = ["instrument", "scale", *by]
    row_keys = [
        c for c in ("participant_id", "cohort", "wave", "rater") if c in rec.columns and c not in by
    ]
    scale_items = {
        key: list(frame["item"])
        for key, frame in item_map.groupby(["instrument", "scale"], sort=False)
    }
    group, group_key = _combined_codes(rec, group_keys)
    person, _ = _combined_codes(rec, row_keys)
    item_code, item_values = _sorted_codes(rec["item"])
    values = rec["value_recoded"].to_numpy(dtype=float, na_value=np.nan)
    return reliability_of_codes(
        group, group_key, person, item_code, item_values, values, scale_items, group_keys,
        confidence_level=confidence_level,
        duplicate=lambda: _check_unique(rec, [*group_keys, *row_keys, "item"], "responses"),
    )


def reliability_of_codes(
    group: np.ndarray,
    group_key: Callable[[int], tuple[Any, ...]],
    person: np.ndarray,
    item_code: np.ndarray,
    item_values: Any,
    values: np.ndarray,
    scale_items: Mapping[tuple[Any, Any], list[str]],
    group_keys: Sequence[str],
    *,
    confidence_level: float = 0.95,
    duplicate: Callable[[], None] | None = None,
    issues: list[tuple[str, list[tuple[type[Warning], str]]]] | None = None,
) -> pd.DataFrame:
    """:func:`reliability_table` of answers already turned into integer codes, one per row.

    Parameters
    ----------
    group : ndarray of int
        Each answer's group (scale and the ``by`` columns), codes in the table's key order.
    group_key : callable
        A group code → its key, the values of ``group_keys`` (instrument and scale first).
    person : ndarray of int
        Each answer's person, codes in the order the item matrix's rows take.
    item_code : ndarray of int
        Each answer's item, a position in ``item_values``.
    item_values : sequence of str
        The item names by code (unique).
    values : ndarray of float
        Each answer's recoded value (NaN: missing).
    scale_items : mapping
        (instrument, scale) → the scale's items in order.
    group_keys : sequence of str
        The names of the key's parts (the table's first columns).
    confidence_level : float, default 0.95
        Coverage of the Feldt interval.
    duplicate : callable, optional
        Called, to raise a fuller error, when a person has two answers to one item of a group.
    issues : list, optional
        When given, the warnings are not issued but appended to it as (prefix, [(category,
        message), ...]) for the caller to issue (a caller computing in a second thread).

    Returns
    -------
    DataFrame
        As :func:`reliability_table`, sorted by ``group_keys``.

    Raises
    ------
    ValueError
        When two rows give the same person the same item in one group.

    Notes
    -----
    The loop of :func:`reliability_table` after its key columns are coded (see its Notes): the rows
    are ordered by group with one stable sort (a radix sort for codes of one or two bytes), each
    group's answers scattered into the persons × items matrix X (rows in person-code order) and
    X handed to Cronbach's alpha and omega total. A caller that holds the codes (the ingest of a
    national cohort, :mod:`evaluation.data.process`) so skips building a DataFrame per group;
    the same codes give the same numbers, to the last digit.

    Examples
    --------
    >>> x = np.array([[1, 2, 2, 1], [2, 2, 3, 2], [3, 4, 3, 3], [4, 4, 5, 5],
    ...               [5, 4, 4, 4], [2, 1, 2, 3], [3, 3, 4, 2], [4, 5, 4, 4]], dtype=float)
    >>> table = reliability_of_codes(
    ...     np.zeros(32, dtype=np.uint8), lambda g: ("demo", "s"), np.repeat(np.arange(8), 4),
    ...     np.tile(np.arange(4), 8), list("wxyz"), x.ravel(), {("demo", "s"): list("wxyz")},
    ...     ["instrument", "scale"])
    >>> table[["scale", "n", "k_items"]]
      scale  n  k_items
    0     s  8        4
    >>> round(float(table["alpha"].iloc[0]), 6) == round(cronbach_alpha(x).alpha, 6)
    True
    """
    confidence_level = _check_confidence_level(confidence_level)
    group_keys = list(group_keys)
    order, bounds = _group_runs(group)
    seen = np.zeros(int(person.max()) + 1 if person.size else 0, dtype=bool)

    rows = []
    found_issues: list[tuple[str, list[tuple[type[Warning], str]]]] = []
    for g in np.flatnonzero(np.diff(bounds)):
        at = order[bounds[g] : bounds[g + 1]]
        key = group_key(g)
        items = scale_items[(key[0], key[1])]
        x = _wide(person[at], item_code[at], values[at], item_values, items, seen)
        if x is None:  # two rows for the same person and item: the full check names them
            if duplicate is not None:
                duplicate()
            raise ValueError(f"`responses` has more than one row for a person and item of {key}")
        alpha, alpha_issues = _alpha(x, confidence_level)
        omega, omega_issues = _omega(x, items)
        where = ", ".join(f"{col} {val!r}" for col, val in zip(group_keys, key, strict=True))
        found_issues.append((f"reliability of {where}: ", alpha_issues + omega_issues))
        rows.append(
            {
                **dict(zip(group_keys, key, strict=True)),
                "n": alpha.n,
                "k_items": len(items),
                "alpha": alpha.alpha,
                "alpha_ci_low": alpha.ci_low,
                "alpha_ci_high": alpha.ci_high,
                "omega_total": omega.omega_total,
            }
        )
    if issues is not None:
        issues.extend(found_issues)
    for prefix, found in found_issues if issues is None else ():
        _emit(found, prefix=prefix)
    columns = [*group_keys, "n", "k_items", "alpha", "alpha_ci_low", "alpha_ci_high", "omega_total"]
    table = pd.DataFrame(rows, columns=columns)
    table = table.astype(
        {
            "n": int,
            "k_items": int,
            "alpha": float,
            "alpha_ci_low": float,
            "alpha_ci_high": float,
            "omega_total": float,
        }
    )
    return _sort_frame(table, group_keys)
