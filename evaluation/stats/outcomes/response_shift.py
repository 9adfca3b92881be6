"""The response shift: the pre-test minus the retrospective (then) pre-test (Howard 1980)."""

from __future__ import annotations

import pandas as pd

from evaluation.core.checks import check_confidence_level as _check_confidence_level
from evaluation.stats.outcomes._common import PreparedScores, _rater_key, prepare_scores
from evaluation.stats.outcomes.paired import _paired_change
from evaluation.stats.outcomes.pairs import _paired_groups

__all__ = ["response_shift"]


def response_shift(scores: pd.DataFrame | PreparedScores, *, confidence_level: float = 0.95) -> pd.DataFrame:
    """Response shift: the pre-test minus the retrospective (then) pre-test, per scale × rater.

    Parameters
    ----------
    scores : DataFrame or PreparedScores
        Long format as for :func:`outcomes_table`, with waves ``pre`` and ``then`` (or the same
        through :func:`prepare_scores`).
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
    data = prepare_scores(scores).frame  # pairs found on the integer codes
    rows = []
    for scale, rater, then, pre in _paired_groups(data, "then", "pre"):
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
