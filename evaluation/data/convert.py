"""Convert survey exports into the contract's long ``responses.csv`` layout.

Survey tools usually export one row per respondent and one column per item ("wide"). The
workbench reads one row per answer ("long", CONTRACT section 2). :func:`wide_to_long` converts
one export (one instrument, one wave, one rater) without changing any value.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from evaluation.core.checks import check_choice, check_name
from evaluation.core.vocabulary import RATERS, WAVES

__all__ = ["RESPONSE_COLUMNS", "wide_to_long"]

RESPONSE_COLUMNS = ["participant_id", "wave", "rater", "instrument", "item", "value", "responded_on"]


def wide_to_long(
    wide: pd.DataFrame,
    *,
    instrument: str,
    wave: str,
    rater: str = "self",
    items: Sequence[str] | None = None,
    id_column: str = "participant_id",
    date_column: str | None = None,
    instruments: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Turn a wide survey export (one column per item) into long-format responses.

    Parameters
    ----------
    wide : DataFrame
        One row per respondent; not modified.
    instrument, wave, rater : str
        Written into every row (the export holds one instrument at one wave from one rater).
        ``wave`` must be one of :data:`~evaluation.core.vocabulary.WAVES`, ``rater`` one of
        :data:`~evaluation.core.vocabulary.RATERS` (as ``responses.csv`` requires) and
        ``instrument`` a valid instrument name (one of ``instruments`` when given).
    items : sequence of str, optional
        The item columns; default: every column except ``id_column`` and ``date_column``.
    id_column : str, default "participant_id"
        The column holding the participant's identifier.
    date_column : str, optional
        A column holding the response date (becomes ``responded_on``).
    instruments : sequence of str, optional
        The names of the programme's instruments (its parameter files); when given,
        ``instrument`` must be one of them.

    Returns
    -------
    DataFrame
        Columns ``participant_id, wave, rater, instrument, item, value, responded_on``, one
        row per respondent × item, ordered by respondent then item; blank answers stay blank.
        Write it with ``to_csv(path, index=False)`` and append it to ``responses.csv``.

    Raises
    ------
    ParameterError
        A ``wave``, ``rater`` or ``instrument`` not among the allowed names (the message lists
        them); an ``instrument`` that is not a valid name.

    Examples
    --------
    >>> wide = pd.DataFrame({"participant_id": ["A-1", "A-2"], "lc1": [4, None], "lc2": [5, 3]})
    >>> wide_to_long(wide, instrument="leadership-practice", wave="pre")
      participant_id wave rater           instrument item  value responded_on
    0            A-1  pre  self  leadership-practice  lc1    4.0         <NA>
    1            A-1  pre  self  leadership-practice  lc2    5.0         <NA>
    2            A-2  pre  self  leadership-practice  lc1    NaN         <NA>
    3            A-2  pre  self  leadership-practice  lc2    3.0         <NA>
    """
    check_choice(wave, WAVES, "wave")
    check_choice(rater, RATERS, "rater")
    check_name(instrument, "instrument")
    if instruments is not None:
        check_choice(instrument, instruments, "instrument")
    if id_column not in wide.columns:
        raise ValueError(f"`id_column` {id_column!r} is not a column of the export (columns: {list(wide.columns)})")
    if date_column is not None and date_column not in wide.columns:
        raise ValueError(f"`date_column` {date_column!r} is not a column of the export (columns: {list(wide.columns)})")
    keys = [id_column] + ([date_column] if date_column else [])
    items = list(items) if items is not None else [c for c in wide.columns if c not in keys]
    missing = [i for i in items if i not in wide.columns]
    if missing:
        raise ValueError(f"`items` {missing} are not columns of the export (columns: {list(wide.columns)})")
    long = wide[keys + items].melt(id_vars=keys, value_vars=items, var_name="item", value_name="value")
    long["_order"] = long["item"].map({item: k for k, item in enumerate(items)})
    long["_row"] = long.groupby("item").cumcount()
    long = long.sort_values(["_row", "_order"], kind="stable").reset_index(drop=True)
    out = pd.DataFrame({
        "participant_id": long[id_column],
        "wave": wave,
        "rater": rater,
        "instrument": instrument,
        "item": long["item"],
        "value": long["value"],
        "responded_on": long[date_column] if date_column else pd.NA,
    })
    return out[RESPONSE_COLUMNS]
