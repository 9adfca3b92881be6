"""Complete pairs of scores at two waves, for every scale × rater at once.

:func:`paired_scores` gives the complete (earlier, later) pairs of every scale × rater of
long-format scores as one tidy table, sorted by scale, rater and participant; the outcomes
table, the response shift and the report's breakdowns take their pairs from here. The pairs
are found on integer codes (:func:`~evaluation.stats.outcomes._common.prepare_scores`), not
by a pivot per scale.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from evaluation.stats.outcomes._common import PreparedScores, _codes, prepare_scores

__all__ = ["paired_scores"]


def _paired_groups(
    data: pd.DataFrame, earlier: str, later: str, *, people: bool = False
) -> Iterable[tuple]:
    """(scale, rater, earlier scores, later scores) of complete pairs, sorted by participant.

    ``data`` is prepared scores (text or categorical identifiers, no missing score). Only
    scale × rater groups with at least one score at each of the two waves are yielded, sorted
    by scale and rater; with ``people`` each tuple ends with the participants' codes.
    """
    wave, waves = _codes(data, "wave")
    where = {str(w): i for i, w in enumerate(waves)}
    if earlier not in where or later not in where:
        return
    person, names = _codes(data, "participant_id")
    scale, scales = _codes(data, "scale")
    rater, raters = _codes(data, "rater")
    score = data["score"].to_numpy(dtype=float)
    group = scale.astype(np.int64) * len(raters) + rater
    key = group * len(names) + person  # unique within a wave: one score per person and group
    e, later_rows = wave == where[earlier], wave == where[later]
    groups = np.intersect1d(group[e], group[later_rows])
    common, ie, il = np.intersect1d(
        key[e], key[later_rows], assume_unique=True, return_indices=True
    )
    x, y = score[e][ie], score[later_rows][il]
    common_group = common // len(names)
    lows = np.searchsorted(common_group, groups, side="left")
    highs = np.searchsorted(common_group, groups, side="right")
    who = common % len(names)
    for g, lo, hi in zip(groups, lows, highs, strict=True):
        scale_name, rater_name = str(scales[g // len(raters)]), str(raters[g % len(raters)])
        if people:
            yield scale_name, rater_name, x[lo:hi], y[lo:hi], who[lo:hi]
        else:
            yield scale_name, rater_name, x[lo:hi], y[lo:hi]


def paired_scores(
    scores: pd.DataFrame | PreparedScores, *, earlier: str, later: str
) -> pd.DataFrame:
    """The complete pairs of every scale × rater: scored at both ``earlier`` and ``later``.

    Parameters
    ----------
    scores : DataFrame or PreparedScores
        Long format as for :func:`~evaluation.stats.outcomes.outcomes_table`.
    earlier, later : str
        The two waves.

    Returns
    -------
    DataFrame
        Columns ``scale, rater, participant_id, earlier, later`` (text, text, text, float,
        float), one row per complete pair, sorted by scale, rater and participant (as text).

    Examples
    --------
    >>> scores = pd.DataFrame({"participant_id": ["b", "a", "c", "a", "b"], "scale": "s",
    ...                        "wave": ["pre", "pre", "pre", "post", "post"],
    ...                        "score": [3.0, 2.5, 4.0, 3.5, 3.0]})
    >>> paired_scores(scores, earlier="pre", later="post")
      scale rater participant_id  earlier  later
    0     s  self              a      2.5    3.5
    1     s  self              b      3.0    3.0
    """
    data = prepare_scores(scores).frame
    _, people = _codes(data, "participant_id")
    parts = [
        pd.DataFrame(
            {
                "scale": scale,
                "rater": rater,
                "participant_id": people[who],
                "earlier": x,
                "later": y,
            }
        )
        for scale, rater, x, y, who in _paired_groups(data, earlier, later, people=True)
    ]
    if not parts:
        return pd.DataFrame(
            {"scale": [], "rater": [], "participant_id": [], "earlier": [], "later": []}
        ).astype({"earlier": float, "later": float})
    return pd.concat(parts, ignore_index=True)
