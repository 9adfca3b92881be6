"""Scale scores from long-format questionnaire responses (METHODS.md), and their reliability.

* :func:`reverse_key`, :func:`recode` — reverse-keyed items become ``low + high − x``.
* :func:`score_scales` — prorated mean of the answered items per person × scale × wave × rater,
  missing when fewer than the scale's minimum share of items is answered; never imputed.
* :func:`reliability` — alpha and omega per scale × wave × rater from raw responses, as a tidy
  table (recoding here, the statistics in :mod:`evaluation.stats.reliability`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from evaluation.core.checks import check_columns, check_unique, listed, sort_canonical
from evaluation.core.checks import check_confidence_level as _check_confidence_level
from evaluation.stats.reliability import reliability_table

__all__ = [
    "recode",
    "reliability",
    "reverse_key",
    "score_scales",
]

RESPONSE_COLUMNS: tuple[str, ...] = (
    "participant_id",
    "wave",
    "rater",
    "instrument",
    "item",
    "value",
)
ITEM_MAP_COLUMNS: tuple[str, ...] = (
    "instrument",
    "scale",
    "item",
    "reverse",
    "low",
    "high",
    "min_answered",
    "higher_is_better",
    "kirkpatrick_level",
    "waves",
    "raters",
)
#: Tolerance of the minimum-share rule (so that 3/4 >= 0.75 holds) and of the range check.
SHARE_TOLERANCE = 1e-9
#: psych's lower bound on minres uniquenesses (``optim(..., lower = .005)`` in ``fa``).
UNIQUENESS_LOWER_BOUND = 0.005
OMEGA_ESTIMATOR = "minres one-factor, Pearson correlations"
_MAX_LISTED = 10


# ------------------------------------------------------------------------------- scoring


def reverse_key(values: Any, *, low: float, high: float) -> Any:
    """Reverse-key responses: ``low + high − x``.

    Parameters
    ----------
    values : scalar, array-like or Series
        Responses on the scale ``[low, high]``; NaN stays NaN.
    low, high : float
        Lowest and highest response option of the instrument.

    Returns
    -------
    scalar, ndarray or Series
        The recoded responses: a scalar for a scalar, a Series (same index and name) for a
        Series, a float ndarray for any other array-like.

    Notes
    -----
    x' = low + high − x, so on a 1–5 scale 5 ↔ 1, 4 ↔ 2 and 3 stays 3 (METHODS.md, Scoring;
    the ``min + max − x`` rule of stats-anchors §5.2). Applying it twice gives ``x`` back.

    Examples
    --------
    >>> reverse_key(5, low=1, high=5)
    1
    >>> reverse_key(np.array([1.0, 2.5, np.nan]), low=1, high=5)
    array([5. , 3.5, nan])
    """
    if not low < high:
        raise ValueError(f"`low` must be below `high`, got low={low!r}, high={high!r}")
    if isinstance(values, pd.Series | np.ndarray | int | float | np.number):
        return low + high - values
    return low + high - np.asarray(values, dtype=float)


def recode(responses: pd.DataFrame, item_map: pd.DataFrame) -> pd.DataFrame:
    """Join responses to the item map and reverse-key the reverse-keyed items.

    Parameters
    ----------
    responses : DataFrame
        Long format, at least ``participant_id, wave, rater, instrument, item, value``
        (value float, NaN = not answered). Other columns are kept.
    item_map : DataFrame
        As returned by :func:`evaluation.data.params.item_map`.

    Returns
    -------
    DataFrame
        A copy of ``responses`` (same index and row order) with the item map's columns
        ``scale, reverse, low, high, min_answered, higher_is_better, kirkpatrick_level, waves,
        raters`` and ``value_recoded`` (float) added.

    Raises
    ------
    ValueError
        When a required column is missing, an (instrument, item) pair is not in the item map,
        ``responses`` already has an item-map column, or a value lies outside its
        instrument's response range.

    Notes
    -----
    value_recoded = low + high − value for reverse-keyed items, value otherwise (METHODS.md,
    Scoring). Range checks allow a tolerance of 1e-9; values need not be whole numbers.

    Examples
    --------
    >>> from evaluation.data.params import Instrument, Scale, item_map
    >>> inst = Instrument(name="demo", title="Demo", source="illustrative", response_range=(1, 5),
    ...                   scales={"s": Scale(title="S", kirkpatrick_level=2,
    ...                                      items=["a", "b"], reverse=["b"])})
    >>> responses = pd.DataFrame({"participant_id": "p1", "wave": "pre", "rater": "self",
    ...                           "instrument": "demo", "item": ["a", "b"], "value": [4.0, 5.0]})
    >>> recode(responses, item_map([inst]))[["item", "scale", "value", "value_recoded"]]
      item scale  value  value_recoded
    0    a     s    4.0            4.0
    1    b     s    5.0            1.0
    """
    check_columns(responses, RESPONSE_COLUMNS, "responses")
    check_columns(item_map, ITEM_MAP_COLUMNS, "item_map")
    imap = item_map.loc[:, list(ITEM_MAP_COLUMNS)]
    check_unique(imap, ["instrument", "item"], "item_map")
    clash = [
        c
        for c in (*ITEM_MAP_COLUMNS[1:], "value_recoded")
        if c != "item" and c in responses.columns
    ]
    if clash:
        raise ValueError(
            f"`responses` already has column(s) {clash}, which recode() adds from the item map; "
            "drop them first"
        )
    try:
        values = pd.to_numeric(responses["value"], errors="raise").astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"`responses` column `value` must be numeric (NaN = not answered): {exc}"
        ) from None

    out = responses.merge(
        imap, on=["instrument", "item"], how="left", validate="many_to_one", indicator=True
    )
    out.index = responses.index
    unknown = out["_merge"].eq("left_only").to_numpy()
    if unknown.any():
        pairs = list(
            out.loc[unknown, ["instrument", "item"]]
            .drop_duplicates()
            .itertuples(index=False, name=None)
        )
        raise ValueError(
            f"`responses` has {len(pairs)} (instrument, item) pair(s) that are not in `item_map`: "
            f"{listed(pairs)}"
        )
    out = out.drop(columns="_merge")
    v = values.to_numpy()
    low = out["low"].to_numpy(dtype=float)
    high = out["high"].to_numpy(dtype=float)
    outside = (v < low - SHARE_TOLERANCE) | (v > high + SHARE_TOLERANCE)
    if outside.any():
        bad = list(
            out.loc[outside, ["instrument", "item", "value"]]
            .drop_duplicates()
            .itertuples(index=False, name=None)
        )
        raise ValueError(
            f"`responses` column `value` has {int(outside.sum())} value(s) outside the instrument's "
            f"response range (instrument, item, value): {listed(bad)}"
        )
    reverse = out["reverse"].to_numpy(dtype=bool)
    out["value_recoded"] = np.where(reverse, low + high - v, v)
    return out


def score_scales(responses: pd.DataFrame, item_map: pd.DataFrame) -> pd.DataFrame:
    """Score every scale for every person, wave and rater: the prorated mean of answered items.

    Parameters
    ----------
    responses : DataFrame
        Long format, at least ``participant_id, wave, rater, instrument, item, value``; a
        ``cohort`` column, when present, is carried into the keys. Other columns are ignored.
    item_map : DataFrame
        As returned by :func:`evaluation.data.params.item_map`.

    Returns
    -------
    DataFrame
        One row per (participant_id, [cohort], instrument, scale, wave, rater) with at least one
        response row for the scale, sorted by those keys (waves and raters in their canonical
        order): ``participant_id, [cohort], instrument, scale, kirkpatrick_level, wave, rater,
        n_items, n_answered, share_answered, score``.

    Notes
    -----
    With k the scale's number of items and A the answered (non-missing) recoded items,

        score = mean(A)  if |A| / k >= min_answered (1e-9 tolerance),  else NaN

    (METHODS.md, Scoring: prorated mean, items never imputed; unlike psych ``scoreItems``,
    which imputes item medians by default, stats-anchors §4.6). A person with no answered item
    gets ``n_answered`` 0 and score NaN; a person with no rows for a wave gets no row. Rows
    with a NaN score stay in the result: excluding unscored rows (and reporting them) is the
    caller's business.

    Examples
    --------
    >>> from evaluation.data.params import Instrument, Scale, item_map
    >>> inst = Instrument(name="demo", title="Demo", source="illustrative", response_range=(1, 5),
    ...                   scales={"s": Scale(title="S", kirkpatrick_level=2,
    ...                                      items=["a", "b", "c", "d"], reverse=["d"])})
    >>> responses = pd.DataFrame({
    ...     "participant_id": ["p1"] * 4 + ["p2"] * 4, "wave": "pre", "rater": "self",
    ...     "instrument": "demo", "item": list("abcd") * 2,
    ...     "value": [4, 5, np.nan, 3, 3, np.nan, np.nan, 2]})
    >>> score_scales(responses, item_map([inst]))[["participant_id", "n_answered", "score"]]
      participant_id  n_answered  score
    0             p1           3    4.0
    1             p2           2    NaN
    """
    rec = recode(responses, item_map)
    keys = [
        "participant_id",
        *(["cohort"] if "cohort" in rec.columns else []),
        "instrument",
        "scale",
        "wave",
        "rater",
    ]
    check_unique(rec, [*keys, "item"], "responses")
    rec = sort_canonical(rec.loc[:, [*keys, "item", "value_recoded"]], [*keys, "item"])

    scored = (
        rec.groupby(keys, sort=False, observed=True, dropna=False)["value_recoded"]
        .agg(n_answered="count", mean="mean")
        .reset_index()
    )
    info = item_map.groupby(["instrument", "scale"], sort=False).agg(
        kirkpatrick_level=("kirkpatrick_level", "first"),
        min_answered=("min_answered", "first"),
        n_items=("item", "size"),
    )
    scored = scored.merge(
        info.reset_index(), on=["instrument", "scale"], how="left", validate="many_to_one"
    )
    scored["n_answered"] = scored["n_answered"].astype(int)
    scored["share_answered"] = scored["n_answered"] / scored["n_items"]
    enough = scored["share_answered"] >= scored["min_answered"] - SHARE_TOLERANCE
    scored["score"] = scored["mean"].where(enough & (scored["n_answered"] > 0))
    columns = [
        "participant_id",
        *(["cohort"] if "cohort" in keys else []),
        "instrument",
        "scale",
        "kirkpatrick_level",
        "wave",
        "rater",
        "n_items",
        "n_answered",
        "share_answered",
        "score",
    ]
    return sort_canonical(scored.loc[:, columns], keys)


def reliability(
    responses: pd.DataFrame,
    item_map: pd.DataFrame,
    *,
    by: Sequence[str] = ("wave", "rater"),
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Cronbach's alpha (Feldt CI) and omega total per scale and group, as a tidy table.

    Parameters
    ----------
    responses : DataFrame
        Long format, at least ``participant_id, wave, rater, instrument, item, value``.
    item_map : DataFrame
        As returned by :func:`evaluation.data.params.item_map`.
    by : sequence of str, default ("wave", "rater")
        Columns of ``responses`` that split each scale into groups (add ``"cohort"`` for one
        row per cohort). Waves or raters left out of ``by`` are pooled: each person × wave ×
        rater is then a separate row of the item matrix.
    confidence_level : float, default 0.95
        Coverage of the Feldt interval.

    Returns
    -------
    DataFrame
        One row per instrument × scale × group with responses, sorted by those keys:
        ``instrument, scale, *by, n, k_items, alpha, alpha_ci_low, alpha_ci_high,
        omega_total``; ``n`` is the number of complete rows used, ``k_items`` the scale's
        number of items.

    Notes
    -----
    Within each group, recoded items (:func:`recode`) are pivoted to one row per person (per
    wave and rater when pooled) and one column per item of the scale; rows with any item
    missing are dropped (listwise within the wave), then
    :func:`~evaluation.stats.reliability.cronbach_alpha` and
    :func:`~evaluation.stats.reliability.omega_total` are computed on the same complete rows
    (METHODS.md, Reliability).
    Groups where a statistic cannot be computed get NaN and a
    :class:`~evaluation.core.errors.DegenerateDataWarning` naming the scale and group.

    Examples
    --------
    >>> from evaluation.data.params import Instrument, Scale, item_map
    >>> inst = Instrument(name="demo", title="Demo", source="illustrative", response_range=(1, 5),
    ...                   scales={"s": Scale(title="S", kirkpatrick_level=2,
    ...                                      items=["a", "b", "c", "d"], reverse=["d"])})
    >>> wide = pd.DataFrame({"a": [1, 2, 3, 4, 5, 2, 3, 4], "b": [2, 2, 4, 4, 4, 1, 3, 5],
    ...                      "c": [2, 3, 3, 5, 4, 2, 4, 4], "d": [5, 4, 3, 1, 2, 3, 4, 2]})
    >>> responses = (wide.rename_axis("participant_id").reset_index()
    ...              .melt(id_vars="participant_id", var_name="item", value_name="value")
    ...              .assign(wave="pre", rater="self", instrument="demo"))
    >>> table = reliability(responses, item_map([inst]))
    >>> table[["scale", "wave", "rater", "n", "k_items"]]
      scale wave rater  n  k_items
    0     s  pre  self  8        4
    >>> table[["alpha", "omega_total"]].round(3)
       alpha  omega_total
    0  0.925        0.93
    """
    confidence_level = _check_confidence_level(confidence_level)
    if isinstance(by, str):
        by = (by,)
    by = list(by)
    reserved = {"instrument", "scale", "item", "value", "value_recoded", "participant_id"}
    bad = [c for c in by if c in reserved or c not in responses.columns]
    if bad or len(set(by)) != len(by):
        raise ValueError(
            f"`by` must list distinct columns of `responses` other than {sorted(reserved)}; "
            f"got {by} (columns available: {list(responses.columns)})"
        )
    rec = recode(responses, item_map)
    return reliability_table(rec, item_map, by=by, confidence_level=confidence_level)
