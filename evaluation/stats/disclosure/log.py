"""The suppression log: what was suppressed, its original value and why (evaluator only)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from evaluation.stats.disclosure.protect import Protection

__all__ = ["LOG_COLUMNS", "SUPPRESSED_LABEL", "empty_log", "protection_log"]

SUPPRESSED_LABEL = "suppressed"
#: Columns of the suppression log (kept by the evaluator, never published).
LOG_COLUMNS = ["table", "dimension", "category", "column", "value", "reason"]


def empty_log() -> pd.DataFrame:
    """An empty suppression log with the :data:`LOG_COLUMNS`."""
    return pd.DataFrame({c: pd.Series(dtype="float64" if c == "value" else "object") for c in LOG_COLUMNS})


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
    >>> from evaluation.stats.disclosure import protect
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
