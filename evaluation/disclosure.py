"""Statistical disclosure control of published tables (CONTRACT section 5.3; METHODS).

Rules, for groups defined by participant characteristics (sector, council area, role level,
framework area, protected characteristics, or combinations):

* **primary suppression**: a count of people from 1 to ``threshold − 1`` is not published, nor
  is any statistic computed from fewer than ``threshold`` people; zero counts are published;
* **secondary suppression**: when a dimension's categories add up to a published total and only
  one cell of it is suppressed, the next smallest non-zero cell is suppressed too, so that the
  suppressed count cannot be worked back from the total and the other cells;
* shares, rates and ratios of a suppressed cell are suppressed with it.

Whole-cohort results are not suppressed. Suppressed values become missing (shown as blank in
CSV and as "suppressed" in reports), and a ``suppressed`` column says which rows were touched
and why.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["SUPPRESSED_LABEL", "suppress"]

SUPPRESSED_LABEL = "suppressed"


def _check_threshold(threshold: int) -> int:
    if not isinstance(threshold, (int, np.integer)) or threshold < 1:
        raise ValueError(f"`threshold` must be a whole number ≥ 1, got {threshold!r}")
    return int(threshold)


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
    Secondary suppression here protects against recovery from one-dimensional totals (the
    cells of a family add up to a published total). Tables that cross two characteristics
    need suppression along both margins; see :func:`evaluation.disclosure.suppress` calls with
    ``by`` set to each margin in turn.

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
    threshold = _check_threshold(threshold)
    missing = [c for c in (count, *by, *dependent) if c not in table.columns]
    if missing:
        raise ValueError(f"columns {missing} are not in the table (columns: {list(table.columns)})")
    out = table.copy()
    n = pd.to_numeric(out[count], errors="coerce")
    flag = pd.Series("", index=out.index, dtype="object")
    flag[(n >= 1) & (n < threshold)] = "primary"
    if secondary:
        families = out.groupby(list(by), sort=False, dropna=False).groups.values() if by else [out.index]
        for index in families:
            cells = flag.loc[index]
            if (cells == "primary").sum() == 1:
                candidates = n.loc[index][(cells == "") & (n.loc[index] >= 1)]
                if len(candidates):
                    flag.loc[candidates.sort_values(kind="stable").index[0]] = "secondary"
    hide = flag != ""
    out[count] = n.astype("float64").where(~hide)
    for column in dependent:
        out[column] = out[column].where(~hide)
    out["suppressed"] = flag.astype("str")
    return out
