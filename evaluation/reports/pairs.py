"""Complete pairs of scores by scale × rater, found by sorting integer codes once.

The reports need, for one comparison (two waves), each scale × rater's participants with a
score at both waves and their two scores: the cost report's non-monetised outcomes, the equity
report's change by group and the disclosure plan's counts of people with a pair. Pivoting the
long-format scores (a million participants: tens of millions of rows of text keys) once per
scale or per group was most of those reports' time; :func:`complete_pairs` factorises the keys
once and matches the two waves by sorting integers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["CompletePairs", "complete_pairs"]


@dataclass(frozen=True)
class CompletePairs:
    """Complete pairs of one comparison.

    ``ids``: the participant ids met, sorted; ``groups``: one ``(scale, rater, person, earlier,
    later)`` per scale × rater with a score at each wave (sorted by scale, then rater), where
    ``person`` indexes ``ids`` and the pairs are in ``participant_id`` order.
    """

    ids: np.ndarray
    groups: list[tuple[str, str, np.ndarray, np.ndarray, np.ndarray]]

    def group(self, scale: str, rater: str) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """``(person, earlier, later)`` of one scale × rater, or None when it has no scores at a wave."""
        for s, r, person, x, y in self.groups:
            if s == scale and r == rater:
                return person, x, y
        return None


def _text(values: pd.Series) -> pd.Series:
    return values if pd.api.types.is_string_dtype(values) else values.astype(str)


def _sorted(key: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(key, kind="stable")
    key = key[order]
    if key.size > 1 and (key[1:] == key[:-1]).any():
        raise ValueError("`scores` has more than one row for a participant × scale × wave × rater")
    return key, score[order]


def complete_pairs(scores: pd.DataFrame, earlier: str, later: str, *, scales: Sequence[str] | None = None,
                   raters: Sequence[str] | None = None, missing_rater: str | None = "self") -> CompletePairs:
    """Each scale × rater's complete pairs of scores at ``earlier`` and ``later``.

    Parameters
    ----------
    scores : DataFrame
        Long format: ``participant_id, scale, wave, rater, score`` (a missing score is no
        score). At most one row per participant × scale ×
        wave × rater.
    earlier, later : str
        The two waves.
    scales, raters : sequence of str, optional
        Only these (default: all).
    missing_rater : str or None, default ``"self"``
        The rater of a row whose rater is missing (as the outcome table has it); None: such
        rows are left out (as selecting ``rater == "self"`` does).

    Returns
    -------
    CompletePairs

    Raises
    ------
    ValueError
        A participant × scale × wave × rater has more than one row.

    Notes
    -----
    The groups, pairs and their order are those of pivoting the scores to one row per
    scale × rater × participant (sorted) with a column per wave and keeping the rows with
    both: the groups with at least one score at each wave (possibly without a complete pair),
    the pairs in ``participant_id`` order. Keys are factorised once (hashing) and the waves
    matched by sorting integer keys, O(n log n) in the number of scores.

    Examples
    --------
    >>> scores = pd.DataFrame({"participant_id": ["b", "a", "a", "b", "c"], "scale": "s", "rater": "self",
    ...                        "wave": ["pre", "pre", "post", "post", "post"], "score": [2.0, 1.0, 3.0, 5.0, 4.0]})
    >>> pairs = complete_pairs(scores, "pre", "post")
    >>> person, x, y = pairs.group("s", "self")
    >>> pairs.ids[person].tolist(), x.tolist(), y.tolist()
    (['a', 'b'], [1.0, 2.0], [3.0, 5.0])
    """
    # factorise whole columns (hashing in C) and filter integer codes, never the text itself
    wave, waves = pd.factorize(scores["wave"])
    score = pd.to_numeric(scores["score"]).to_numpy(dtype="float64", na_value=np.nan)
    keep = np.isin(wave, np.flatnonzero(np.isin(np.asarray(waves, dtype=object), [earlier, later]))) \
        & ~np.isnan(score)
    scale, scale_names = pd.factorize(_text(scores["scale"]), sort=True)
    if scales is not None:
        keep &= np.isin(scale, np.flatnonzero(np.isin(np.asarray(scale_names, dtype=object), list(scales))))
    rater = scores["rater"] if "rater" in scores else pd.Series(missing_rater, index=scores.index, dtype=object)
    if missing_rater is not None:
        rater = rater.fillna(missing_rater)
    who, rater_names = pd.factorize(_text(rater), sort=True)  # missing (missing_rater None): -1
    keep &= who >= 0
    if raters is not None:
        keep &= np.isin(who, np.flatnonzero(np.isin(np.asarray(rater_names, dtype=object), list(raters))))
    if not keep.any():
        return CompletePairs(np.array([], dtype=object), [])
    pid, ids = pd.factorize(_text(scores["participant_id"]), sort=True)  # participant_id order
    pid, scale, who, score = pid[keep], scale[keep], who[keep], score[keep]
    is_later = wave[keep] == int(np.flatnonzero(np.asarray(waves, dtype=object) == later)[0]) \
        if later in set(waves) else np.zeros(int(keep.sum()), dtype=bool)
    people = len(ids)
    group = scale.astype("int64") * len(rater_names) + who
    key = group * people + pid
    (k_x, x), (k_y, y) = (_sorted(key[m], score[m]) for m in (~is_later, is_later))
    at = np.minimum(np.searchsorted(k_y, k_x), max(k_y.size - 1, 0))
    both = (k_y[at] == k_x) if k_y.size else np.zeros(k_x.size, dtype=bool)
    x, y, k = x[both], y[at[both]], k_x[both]
    pair_group, person = k // people, k % people
    groups = []
    for g in np.intersect1d(group[~is_later], group[is_later]):
        lo, hi = np.searchsorted(pair_group, [g, g + 1])
        groups.append((str(scale_names[g // len(rater_names)]), str(rater_names[g % len(rater_names)]),
                       person[lo:hi], x[lo:hi], y[lo:hi]))
    return CompletePairs(np.asarray(ids, dtype=object), groups)
