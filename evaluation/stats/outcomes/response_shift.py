"""The response shift: the pre-test minus the retrospective (then) pre-test (Howard 1980)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from evaluation.core.checks import check_confidence_level as _check_confidence_level
from evaluation.stats.outcomes._common import _prepare_scores, _rater_key
from evaluation.stats.outcomes.paired import _paired_change

__all__ = ["response_shift"]


def _pairs_by_code(
    data: pd.DataFrame, earlier: str, later: str
) -> Iterator[tuple[str, str, np.ndarray, np.ndarray]]:
    """(scale, rater, earlier, later) complete pairs per scale × rater, from integer codes.

    The pairs of :func:`evaluation.stats.outcomes.table._paired_groups` in the same order
    (groups by scale then rater, participants sorted by id) without pivoting the text keys:
    each participant's two scores are placed in a dense array by participant code, one scale
    × rater at a time. ``data`` is :func:`_prepare_scores` output (one row per participant ×
    scale × wave × rater, no missing score).
    """
    wave_code, waves = pd.factorize(data["wave"])
    side_of = np.array([0 if w == earlier else 1 if w == later else -1 for w in waves], np.int8)
    keep = np.flatnonzero(side_of[wave_code] >= 0)
    if keep.size == 0:
        return
    side = side_of[wave_code[keep]]
    scale_code, scales = pd.factorize(data["scale"], sort=True)
    rater_code, raters = pd.factorize(data["rater"], sort=True)
    person, people = pd.factorize(data["participant_id"], sort=True)
    group = scale_code[keep] * len(raters) + rater_code[keep]
    person, score = person[keep], data["score"].to_numpy(dtype=float)[keep]
    order = np.argsort(group, kind="stable")
    bounds = np.r_[0, np.cumsum(np.bincount(group, minlength=len(scales) * len(raters)))]
    for g in np.flatnonzero(np.diff(bounds)):
        rows = order[bounds[g] : bounds[g + 1]]
        x, y = np.full((2, len(people)), np.nan)  # by participant, in id order
        first, second = rows[side[rows] == 0], rows[side[rows] == 1]
        x[person[first]], y[person[second]] = score[first], score[second]
        if np.isnan(x).all() or np.isnan(y).all():
            continue
        complete = ~(np.isnan(x) | np.isnan(y))
        yield str(scales[g // len(raters)]), str(raters[g % len(raters)]), x[complete], y[complete]


def response_shift(scores: pd.DataFrame, *, confidence_level: float = 0.95) -> pd.DataFrame:
    """Response shift: the pre-test minus the retrospective (then) pre-test, per scale × rater.

    Parameters
    ----------
    scores : DataFrame
        Long format as for :func:`outcomes_table`, with waves ``pre`` and ``then``.
    confidence_level : float, default 0.95

    Returns
    -------
    DataFrame
        One row per scale × rater with scores at both waves; columns ``scale, rater, n_pairs,
        mean_pre, mean_then, mean_shift, ci_low, ci_high, t, df, p_value, d_z``, sorted by
        scale then rater. Empty (same columns) when nobody answered both.

    Notes
    -----
    mean_shift = mean(pre − then) over complete pairs, with the paired t test and its CI from
    t(n − 1) (R: ``t.test(pre, then, paired = TRUE)``); d_z = mean/SD of pre − then. A positive
    shift means participants rate their pre-programme selves lower in hindsight than they did
    at the time: their internal standard moved (Howard 1980), so pre → post change understates
    the change judged against the post standard; ``then_post`` in :func:`outcomes_table` is
    the change against that standard.

    Examples
    --------
    >>> scores = pd.DataFrame({"participant_id": list("abcd") * 2, "scale": "s",
    ...                        "rater": "self", "wave": ["pre"] * 4 + ["then"] * 4,
    ...                        "score": [4.0, 3.5, 4.0, 3.0, 3.5, 3.0, 3.0, 3.0]})
    >>> response_shift(scores)[["scale", "n_pairs", "mean_shift", "t"]]
      scale  n_pairs  mean_shift    t
    0     s        4         0.5  2.4...
    """
    level = _check_confidence_level(confidence_level)
    data = _prepare_scores(scores)
    rows = []
    for scale, rater, then, pre in _pairs_by_code(data, "then", "pre"):
        context = f"scale {scale!r}, response shift (pre − then), rater {rater!r}"
        res = _paired_change(then, pre, level, context)
        rows.append(
            {
                "scale": scale,
                "rater": rater,
                "n_pairs": res.n_pairs,
                "mean_pre": res.mean_post,
                "mean_then": res.mean_pre,
                "mean_shift": res.mean_change,
                "ci_low": res.change_ci_low,
                "ci_high": res.change_ci_high,
                "t": res.t,
                "df": res.df,
                "p_value": res.p_value,
                "d_z": res.d_z,
            }
        )
    columns = [
        "scale",
        "rater",
        "n_pairs",
        "mean_pre",
        "mean_then",
        "mean_shift",
        "ci_low",
        "ci_high",
        "t",
        "df",
        "p_value",
        "d_z",
    ]
    if not rows:
        return pd.DataFrame(
            {c: pd.Series(dtype=object if c in ("scale", "rater") else float) for c in columns}
        )
    table = pd.DataFrame(rows, columns=columns)
    table["_r"] = table["rater"].map(_rater_key)
    return (
        table.sort_values(["scale", "_r"], kind="stable").drop(columns="_r").reset_index(drop=True)
    )
