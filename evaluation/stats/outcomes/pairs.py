"""Complete pairs of scores at two waves, for every scale × rater at once.

:func:`complete_pairs` gives, for one comparison (two waves), each scale × rater's participants
with a score at both waves and their two scores; :func:`paired_scores` the same pairs as one tidy
table, sorted by scale, rater and participant. The outcomes table, the response shift, the
breakdowns, the cost report's non-monetised outcomes, the equity report's change by group and the
disclosure plan's counts of people with a pair all take their pairs from here. The pairs are
found on integer codes (:func:`~evaluation.stats.outcomes._common.prepare_scores`, once per set of
scores), not by a pivot per scale or per group.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluation.stats.outcomes._common import PreparedScores, _codes, prepare_scores

__all__ = ["CompletePairs", "complete_pairs", "paired_scores"]


def _paired_groups(
    data: pd.DataFrame, earlier: str, later: str, *, people: bool = False
) -> Iterable[tuple]:
    """(scale, rater, earlier scores, later scores) of complete pairs, sorted by participant.

    ``data`` is prepared scores (text or categorical identifiers, no missing score). Only
    scale × rater groups with at least one score at each of the two waves are yielded, sorted
    by scale and rater; with ``people`` each tuple ends with the participants' codes. The
    arrays are read-only. Pairs that :func:`complete_pairs` already found for the same prepared
    frame are reused; others are found and not kept (each of the outcome table's comparisons
    is iterated once: holding them all would cost 400 MB at 1,000,000 participants).
    """
    found = _FOUND[0][1].get((earlier, later)) if _FOUND and _FOUND[0][0]() is data else None
    for scale, rater, x, y, who in found if found is not None else _find_pairs(data, earlier, later):
        yield (scale, rater, x, y, who) if people else (scale, rater, x, y)


#: The pairs of the last prepared frame whose pairs :func:`complete_pairs` found: (weak reference
#: to the frame, {(earlier, later): groups}). The breakdowns and the disclosure plan of one report
#: (and the cost and equity reports) take the same comparison's pairs from the same prepared scores.
_FOUND: list[tuple[weakref.ref, dict[tuple[str, str], list[tuple]]]] = []


def _all_pairs(data: pd.DataFrame, earlier: str, later: str) -> list[tuple]:
    """Every group's ``(scale, rater, earlier, later, person)`` (:func:`_find_pairs`), once per frame and waves."""
    if not (_FOUND and _FOUND[0][0]() is data):
        _FOUND[:] = [(weakref.ref(data), {})]
    found = _FOUND[0][1]
    if (earlier, later) not in found:
        found[(earlier, later)] = _find_pairs(data, earlier, later)
    return found[(earlier, later)]


def _find_pairs(data: pd.DataFrame, earlier: str, later: str) -> list[tuple]:
    """The complete pairs of each scale × rater with a score at both waves, as read-only arrays."""
    wave, waves = _codes(data, "wave")
    where = {str(w): i for i, w in enumerate(waves)}
    if earlier not in where or later not in where:
        return []
    person, names = _codes(data, "participant_id")
    scale, scales = _codes(data, "scale")
    rater, raters = _codes(data, "rater")
    score = data["score"].to_numpy(dtype=float)
    size = len(scales) * len(raters)
    e, later_rows = wave == where[earlier], wave == where[later]
    # group and key of the two waves' rows only (not 64-bit copies of every row)
    group_e = scale[e].astype(np.int64) * len(raters) + rater[e]
    group_l = scale[later_rows].astype(np.int64) * len(raters) + rater[later_rows]
    groups = np.flatnonzero(
        (np.bincount(group_e, minlength=size) > 0) & (np.bincount(group_l, minlength=size) > 0)
    )
    # unique within a wave: one score per person and group
    common, x, y = _matched(group_e * len(names) + person[e], score[e],
                            group_l * len(names) + person[later_rows], score[later_rows], size * len(names))
    del group_e, group_l
    common_group = common // len(names)
    lows = np.searchsorted(common_group, groups, side="left")
    highs = np.searchsorted(common_group, groups, side="right")
    who = (common % len(names)).astype(np.int32 if len(names) < 2**31 else np.int64)
    for values in (x, y, who):
        values.flags.writeable = False
    return [(str(scales[g // len(raters)]), str(raters[g % len(raters)]), x[lo:hi], y[lo:hi], who[lo:hi])
            for g, lo, hi in zip(groups, lows, highs, strict=True)]


def _matched(
    key_x: np.ndarray, x: np.ndarray, key_y: np.ndarray, y: np.ndarray, space: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The keys (each unique on its side) found on both sides, ascending, with their two values.

    As ``np.intersect1d(..., return_indices=True)``; when the key space is at most a few
    times the number of keys, by a lookup table over the keys (linear) instead of a sort.
    """
    if space > 4 * (key_x.size + key_y.size) + 1024:
        common, ix, iy = np.intersect1d(key_x, key_y, assume_unique=True, return_indices=True)
        return common, x[ix], y[iy]
    kind = np.int32 if max(key_x.size, key_y.size) < 2**31 else np.int64
    at_x = np.full(space, -1, dtype=kind)
    at_x[key_x] = np.arange(key_x.size, dtype=kind)
    at_y = np.full(space, -1, dtype=kind)
    at_y[key_y] = np.arange(key_y.size, dtype=kind)
    common = np.flatnonzero((at_x >= 0) & (at_y >= 0))
    return common, x[at_x[common]], y[at_y[common]]


@dataclass(frozen=True)
class CompletePairs:
    """Complete pairs of one comparison (:func:`complete_pairs`).

    ``ids``: the participant ids as text, sorted; ``groups``: one ``(scale, rater, person,
    earlier, later)`` per scale × rater with a score at each wave (sorted by scale, then rater),
    where ``person`` indexes ``ids`` and the pairs are in ``participant_id`` order.
    """

    ids: np.ndarray
    groups: list[tuple[str, str, np.ndarray, np.ndarray, np.ndarray]]

    def group(self, scale: str, rater: str) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """``(person, earlier, later)`` of one scale × rater, or None when it has no scores at a wave."""
        for s, r, person, x, y in self.groups:
            if s == scale and r == rater:
                return person, x, y
        return None


def _only(data: pd.DataFrame, column: str, wanted: Sequence[str] | None) -> np.ndarray | None:
    """Rows of prepared scores whose ``column`` is one of ``wanted`` (None: all rows)."""
    if wanted is None:
        return None
    codes, names = _codes(data, column)
    return np.isin(codes, np.flatnonzero(np.isin(names, [str(w) for w in wanted])))


def complete_pairs(
    scores: pd.DataFrame | PreparedScores,
    earlier: str,
    later: str,
    *,
    scales: Sequence[str] | None = None,
    raters: Sequence[str] | None = None,
    missing_rater: str | None = "self",
) -> CompletePairs:
    """Each scale × rater's complete pairs of scores at ``earlier`` and ``later``.

    Parameters
    ----------
    scores : DataFrame or PreparedScores
        Long format: ``participant_id, scale, wave, rater, score`` (a missing score is no
        score), at most one row per participant × scale × wave × rater; or the same prepared
        once by :func:`~evaluation.stats.outcomes.prepare_scores`.
    earlier, later : str
        The two waves.
    scales, raters : sequence of str, optional
        Only these (default: all).
    missing_rater : {"self", None}, default ``"self"``
        A row whose rater is missing is a self-rating (as the outcome table has it); None: such
        rows are left out (as selecting ``rater == "self"`` does). Prepared scores have no
        missing rater.

    Returns
    -------
    CompletePairs

    Raises
    ------
    ValueError
        A participant × scale × wave × rater has more than one row, or ``missing_rater`` is
        neither ``"self"`` nor None.

    Notes
    -----
    The groups, pairs and their order are those of pivoting the scores to one row per
    scale × rater × participant (sorted as text) with a column per wave and keeping the rows
    with both: the groups with at least one score at each wave (possibly without a complete
    pair), the pairs in ``participant_id`` order. Keys are coded once and the waves matched by
    sorting integer keys, O(n log n) in the number of scores.

    Examples
    --------
    >>> scores = pd.DataFrame({"participant_id": ["b", "a", "a", "b", "c"], "scale": "s", "rater": "self",
    ...                        "wave": ["pre", "pre", "post", "post", "post"], "score": [2.0, 1.0, 3.0, 5.0, 4.0]})
    >>> pairs = complete_pairs(scores, "pre", "post")
    >>> person, x, y = pairs.group("s", "self")
    >>> pairs.ids[person].tolist(), x.tolist(), y.tolist()
    (['a', 'b'], [1.0, 2.0], [3.0, 5.0])
    """
    if missing_rater not in ("self", None):
        raise ValueError(f"`missing_rater` must be 'self' or None; got {missing_rater!r}")
    if (missing_rater is None and isinstance(scores, pd.DataFrame)
            and "rater" in scores.columns and scores["rater"].isna().any()):
        scores = scores[scores["rater"].notna()]
    data = prepare_scores(scores).frame
    if isinstance(scores, PreparedScores):  # every group's pairs, found once per comparison, then selected
        scale_names = None if scales is None else {str(s) for s in scales}
        rater_names = None if raters is None else {str(r) for r in raters}
        found = [g for g in _all_pairs(data, earlier, later)
                 if (scale_names is None or g[0] in scale_names) and (rater_names is None or g[1] in rater_names)]
    else:
        keep = [m for m in (_only(data, "scale", scales), _only(data, "rater", raters)) if m is not None]
        if keep:
            data = data[np.logical_and.reduce(keep)]
        found = _find_pairs(data, earlier, later)
    _, ids = _codes(data, "participant_id")
    groups = [(scale, rater, who, x, y) for scale, rater, x, y, who in found]
    return CompletePairs(np.asarray(ids, dtype=object), groups)


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
        float), one row per complete pair, sorted by scale, rater and participant (as text):
        :func:`complete_pairs` as one table.

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
    pairs = complete_pairs(scores, earlier, later)
    parts = [
        pd.DataFrame(
            {"scale": scale, "rater": rater, "participant_id": pairs.ids[who], "earlier": x, "later": y}
        )
        for scale, rater, who, x, y in pairs.groups
    ]
    if not parts:
        return pd.DataFrame(
            {"scale": [], "rater": [], "participant_id": [], "earlier": [], "later": []}
        ).astype({"earlier": float, "later": float})
    return pd.concat(parts, ignore_index=True)
