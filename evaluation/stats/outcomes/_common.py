"""Helpers shared by the modules of :mod:`evaluation.stats.outcomes` (private).

Input checks and conversions (numbers, complete pairs, long-format score tables), the sample
mean and SD used throughout, and the warning that marks a statistic the data cannot give.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from evaluation.core.checks import check_columns, check_unique
from evaluation.core.codes import in_smallest_type
from evaluation.core.errors import DegenerateDataWarning, ParameterError
from evaluation.core.vocabulary import RATERS

#: Columns of long-format scores: one row per participant × scale × wave × rater.
SCORE_COLUMNS = ("participant_id", "scale", "wave", "rater", "score")
_NAN = math.nan


def _warn(message: str, stacklevel: int = 3) -> None:
    warnings.warn(message, DegenerateDataWarning, stacklevel=stacklevel)


def _check_names(
    given: Any, vocabulary: tuple[str, ...], present: Any, parameter: str, kind: str,
    observed: Any = None,
) -> list[str]:
    """Refuse names that are neither in ``vocabulary`` nor ``present`` in the scores.

    Returns the given names that are valid but not among ``observed`` (default ``present``):
    the values that have a score, for the caller's
    :class:`~evaluation.core.errors.DegenerateDataWarning`. A wave nobody answered is
    degenerate data; a misspelt wave is an error.
    """
    names = [given] if isinstance(given, str) else list(given)
    seen = {str(p) for p in present}
    allowed = [*vocabulary, *sorted(seen - set(vocabulary))]
    unknown = [n for n in names if str(n) not in allowed]
    if unknown:
        raise ParameterError(
            f"`{parameter}` must name {kind}s of "
            f"{'the vocabulary or of ' if vocabulary else ''}the scores, one of "
            f"{', '.join(repr(a) for a in allowed)}; got {', '.join(repr(u) for u in unknown)}"
        )
    scored = seen if observed is None else {str(o) for o in observed}
    return [str(n) for n in names if str(n) not in scored]


def _quoted(names: Any) -> str:
    """Names quoted and separated by commas, without a list's brackets (a published note maps each
    quoted code to its words: "'then', 'follow_up'" reads "'then-test', 'follow-up'").

    Examples
    --------
    >>> _quoted(["then", "follow_up"])
    "'then', 'follow_up'"
    """
    return ", ".join(repr(str(n)) for n in names)


def _observed(values: pd.Series) -> list[str]:
    """The categories of a prepared (categorical) column that some row uses."""
    codes = np.asarray(values.array.codes)
    used = np.bincount(codes[codes >= 0], minlength=len(values.cat.categories)) > 0
    return [str(c) for c in values.cat.categories[used]]


def _to_float(values: Any, name: str) -> np.ndarray:
    """A 1-D float array (NaN for missing) from an array-like or pandas object."""
    try:
        if isinstance(values, pd.Series | pd.Index):
            arr = values.to_numpy(dtype=float, na_value=np.nan)
        else:
            arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"`{name}` must hold numbers (NaN for missing): {exc}") from None
    if arr.ndim != 1:
        raise ValueError(f"`{name}` must be one-dimensional, got shape {arr.shape}")
    if np.isinf(arr).any():
        raise ValueError(f"`{name}` holds infinite values; scores must be finite or NaN")
    return arr


def _pairs(earlier: Any, later: Any) -> tuple[np.ndarray, np.ndarray]:
    """Complete pairs (both sides non-missing), paired by position."""
    if (
        isinstance(earlier, pd.Series)
        and isinstance(later, pd.Series)
        and not earlier.index.equals(later.index)
    ):
        raise ValueError(
            "`earlier` and `later` are pandas Series with different indexes; pairs are taken by "
            "position, so align them first (e.g. both indexed by participant_id, same order)"
        )
    x = _to_float(earlier, "earlier")
    y = _to_float(later, "later")
    if x.size != y.size:
        raise ValueError(
            f"`earlier` and `later` must have the same length (one entry per participant), "
            f"got {x.size} and {y.size}"
        )
    keep = ~(np.isnan(x) | np.isnan(y))
    return x[keep], y[keep]


def _sd(values: np.ndarray) -> float:
    return float(np.std(values, ddof=1)) if values.size >= 2 else _NAN


def _mean(values: np.ndarray) -> float:
    return float(np.mean(values)) if values.size else _NAN


#: The text columns of prepared scores, held as categoricals with sorted text categories.
_KEYS = ("participant_id", "scale", "wave", "rater")


@dataclass(frozen=True, eq=False)
class PreparedScores:
    """Long-format scores validated once (:func:`prepare_scores`), for several statistics.

    ``frame`` has the columns :data:`SCORE_COLUMNS`: ``participant_id, scale, wave, rater``
    as categoricals whose categories are the values as text, sorted; ``score`` as float;
    rows with a missing score dropped. Every function of :mod:`evaluation.stats.outcomes`
    that takes ``scores`` also takes this, and skips the checks and conversions.
    """

    frame: pd.DataFrame

    def __len__(self) -> int:
        return len(self.frame)


def prepare_scores(scores: pd.DataFrame | PreparedScores) -> PreparedScores:
    """Check and convert long-format scores once, for several calls on the same scores.

    Parameters
    ----------
    scores : DataFrame
        Columns ``participant_id, scale, wave, rater, score`` as for
        :func:`~evaluation.stats.outcomes.outcomes_table` (without ``rater`` every score is a
        self-rating; a missing rater is ``self``), at most one row per participant × scale ×
        wave × rater. Other columns are not read.

    Returns
    -------
    PreparedScores
        Identifiers as sorted text categories, numeric scores, rows without a score dropped.

    Examples
    --------
    >>> scores = pd.DataFrame({"participant_id": [2, 10, 2], "scale": "s",
    ...                        "wave": ["pre", "pre", "post"], "score": [3.0, None, 4.0]})
    >>> prepared = prepare_scores(scores)
    >>> prepared.frame["participant_id"].cat.categories.tolist(), len(prepared)
    (['10', '2'], 2)
    """
    if isinstance(scores, PreparedScores):
        return scores
    check_columns(scores, [c for c in SCORE_COLUMNS if c != "rater"], "scores")
    try:
        score = pd.to_numeric(scores["score"], errors="raise").to_numpy(
            dtype=float, na_value=np.nan
        )
    except (TypeError, ValueError) as exc:
        raise ValueError(f"`scores` column `score` must be numeric: {exc}") from None
    coded = {c: _text_codes(scores, c) for c in _KEYS}
    if any(v is None for v in coded.values()):  # missing identifiers: the text of each value
        text = _text_frame(scores)
        coded = {c: _sorted_codes(text[c].to_numpy(dtype=object)) for c in _KEYS}
    _check_unique_codes(coded, scores)
    keep = ~np.isnan(score)
    frame = pd.DataFrame(
        {
            c: pd.Categorical.from_codes(
                codes[keep], categories=pd.Index(categories, dtype=object), validate=False
            )
            for c, (codes, categories) in coded.items()
        }
    )
    frame["score"] = score[keep]
    return PreparedScores(frame)


def _prepare_scores(scores: pd.DataFrame | PreparedScores) -> pd.DataFrame:
    """The rows of ``scores`` with a score, identifiers as text (object), ``score`` as float.

    ``scores`` must have the columns :data:`SCORE_COLUMNS` (``rater`` may be missing: every
    score is then a self-rating) and at most one row per participant × scale × wave × rater.
    """
    frame = prepare_scores(scores).frame
    # object columns of the category texts: pointers, not new strings, and no string inference
    text = {
        c: pd.Series(
            frame[c].cat.categories.to_numpy(dtype=object)[frame[c].cat.codes.to_numpy()],
            dtype=object,
        )
        for c in _KEYS
    }
    return pd.DataFrame({**text, "score": frame["score"].to_numpy()})


def _text_frame(scores: pd.DataFrame) -> pd.DataFrame:
    """The identifiers as Python text, as ``astype(str)`` gives them (missing rater: ``self``)."""
    return pd.DataFrame(
        {
            "participant_id": scores["participant_id"].astype(str).to_numpy(),
            "scale": scores["scale"].astype(str).to_numpy(),
            "wave": scores["wave"].astype(str).to_numpy(),
            "rater": _raters(scores),
        }
    )


def _text_codes(scores: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Codes into the sorted distinct texts of a column, or None if a value is missing."""
    if column == "rater" and "rater" not in scores.columns:
        return np.zeros(len(scores), dtype=np.int8), np.array(["self"], dtype=object)
    values = scores[column]
    if column == "rater":
        values = values.fillna("self") if values.isna().any() else values
    if isinstance(values.dtype, pd.CategoricalDtype):  # as factorize(sort=True), on the codes as they are
        codes, uniques = _used_codes(values)
    else:
        codes, uniques = pd.factorize(values, sort=True)
    if (codes < 0).any():
        return None
    texts = np.asarray(uniques.astype(str), dtype=object)
    if texts.size > 1 and not (texts[1:] > texts[:-1]).all():  # e.g. numbers: sort as text
        texts, inverse = np.unique(texts, return_inverse=True)
        codes = inverse[codes]
    return in_smallest_type(codes, signed=True), texts


def _used_codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """``pd.factorize(values, sort=True)`` of a categorical: codes into the categories used, in
    category order, without a 64-bit copy of the codes when every category is used."""
    codes = np.asarray(values.array.codes)  # a view, not a copy
    categories = values.cat.categories
    used = np.bincount(codes[codes >= 0] if (codes < 0).any() else codes, minlength=len(categories)) > 0
    if used.all():
        return codes, categories
    position = np.cumsum(used) - 1
    return np.where(codes >= 0, position[codes], -1), categories[used]


def _sorted_codes(texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    categories, codes = np.unique(texts, return_inverse=True)
    return in_smallest_type(codes, signed=True), categories


def _check_unique_codes(coded: dict[str, tuple[np.ndarray, np.ndarray]], scores) -> None:
    """At most one row per participant × scale × wave × rater, checked on the integer codes."""
    sizes = [max(len(categories), 1) for _, categories in coded.values()]
    space = math.prod(sizes)
    if space < 2**62:
        # one int64 key per row, built in place (a hash table of 25 million keys cost more memory
        # than the scores themselves)
        key = np.zeros(len(scores), dtype=np.int64)
        for (codes, _), size in zip(coded.values(), sizes, strict=True):
            key *= size
            key += codes
        if space <= 8 * len(key) + 2**20:  # a flag per possible key: distinct keys = flags set (linear)
            seen = np.zeros(space, dtype=bool)
            seen[key] = True
            duplicated = np.count_nonzero(seen) < len(key)
            del seen
        else:  # sorted in place: a repeated key sits next to its twin
            key.sort()
            duplicated = bool((key[1:] == key[:-1]).any())
        del key
    else:
        duplicated = bool(pd.DataFrame({c: codes for c, (codes, _) in coded.items()}).duplicated().any())
    if duplicated:  # the full message, naming the rows, from the text
        check_unique(_text_frame(scores), list(_KEYS), "scores")


def _codes(data: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of a column into its sorted distinct values (categories of prepared scores)."""
    values = data[column]
    if isinstance(values.dtype, pd.CategoricalDtype):
        return np.asarray(values.array.codes), values.cat.categories.to_numpy(dtype=object)
    codes, uniques = pd.factorize(values, sort=True)
    return codes, np.asarray(uniques, dtype=object)


def _sorted_factor(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each value's rank among the sorted distinct values, and those values (by hashing, then sorting them).

    As ``np.unique(values, return_inverse=True)`` reversed (NaN, if any, is one value and sorts last).
    """
    code, uniques = pd.factorize(values, use_na_sentinel=False)
    order = np.argsort(uniques, kind="stable")
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    return rank[code], np.asarray(uniques)[order]


def _raters(scores: pd.DataFrame) -> np.ndarray:
    """The rater of each row as text; a missing rater (or column) is ``self``."""
    if "rater" not in scores.columns:
        return np.full(len(scores), "self", dtype=object)
    rater = scores["rater"].astype(object)
    return rater.where(rater.notna(), "self").astype(str).to_numpy(dtype=object)


def _rater_key(rater: str) -> tuple[int, str]:
    return (RATERS.index(rater), "") if rater in RATERS else (len(RATERS), rater)
