"""The scale scores of the processed answers, from their codes, as small arrays (issue 13).

Part of :mod:`evaluation.data.process`: sums and counts per (participant, instrument, scale, wave,
rater) cell taken with ``numpy.bincount`` over blocks of whole participants. A national cohort has
tens of millions of scores, so each is held as four numbers (participant code, cell, count, sum:
20 bytes) and made into a frame of text columns only a row group at a time, when it is written
(:class:`Scores`); the frame of the unscored rows, for the exclusions, is made at once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from evaluation.core.memory import join_releasing
from evaluation.core.vocabulary import RATERS, WAVES
from evaluation.data.answers import Answers
from evaluation.data.scoring import SHARE_TOLERANCE

__all__ = ["CHUNK", "SCORE_GROUP_ROWS", "Chunked", "Scores", "score_codes", "texts_of"]


def texts_of(answers: Answers, column: str) -> np.ndarray:
    """A column's texts by code (code 0, an empty cell: None), as an object array."""
    return np.asarray(answers.labels[column].texts, dtype=object)


#: Answers gathered at a time by the steps that index every answer (bounds numpy's index copies).
CHUNK = 1 << 22


def _take(values: np.ndarray, codes: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``values[codes[index]]``, gathered a chunk at a time (numpy copies an index to 8 bytes a row
    first; no array of ``codes[index]`` is made)."""
    out = np.empty(len(index), dtype=values.dtype)
    for start in range(0, len(index), CHUNK):
        out[start:start + CHUNK] = values[codes[index[start:start + CHUNK]]]
    return out


class Chunked:
    """A table too large to hold at once: its number of ``rows`` and ``frames()``, its parts in order."""

    def __init__(self, rows: int, frames):
        self.rows, self.frames = rows, frames


#: Rows of each row group of ``scale_scores.parquet``: pyarrow's default for a table written at once
#: (1024 × 1024 rows), so the file written a row group at a time has the bytes it had.
SCORE_GROUP_ROWS = 1 << 20


class Scores(Chunked):
    """The scale scores, held as small arrays per score and made into frames a row group at a time;
    ``unscored`` is the frame of the rows whose score is missing (for the exclusions)."""

    def __init__(self, rows: int, frames, unscored: pd.DataFrame):
        super().__init__(rows, frames)
        self.unscored = unscored


def _cells(answers: Answers, items: pd.DataFrame):
    """Every (instrument, scale, wave, rater) cell in the order the scores are sorted by, and the
    cell of each (instrument code, item code, wave code, rater code)."""
    scales = items[["instrument", "scale"]].drop_duplicates().sort_values(["instrument", "scale"]).reset_index(drop=True)
    scale_id = {(i, s): k for k, (i, s) in enumerate(scales.itertuples(index=False, name=None))}
    inst_texts, item_texts = texts_of(answers, "instrument"), texts_of(answers, "item")
    of_item = {(i, t): scale_id[(i, s)] for i, t, s in items[["instrument", "item", "scale"]].itertuples(index=False)}
    table = np.array([[of_item.get((i, t), -1) for t in item_texts] for i in inst_texts], dtype=np.int64)
    waves = [*WAVES, *sorted(set(texts_of(answers, "wave")[1:]) - set(WAVES))]
    raters = [*RATERS, *sorted(set(texts_of(answers, "rater")[1:]) - set(RATERS))]
    wave_rank = np.array([waves.index(t) if t is not None else len(waves) for t in texts_of(answers, "wave")])
    rater_rank = np.array([raters.index(t) if t is not None else len(raters) for t in texts_of(answers, "rater")])
    return scales, waves, raters, table, wave_rank, rater_rank


def score_codes(answers, kept, fold_code, pseudonyms, fold_cohort, pid_rank, recoded, items, block_rows) -> Scores:
    """Prorated means per participant × cell from sums and counts (:func:`~evaluation.data.scoring.score_scales`).

    Each score is kept as its participant code, cell, count and sum (20 bytes) until it is written."""
    scales, waves, raters, table, wave_rank, rater_rank = _cells(answers, items)
    nw, nr = len(waves) + 1, len(raters) + 1
    ncell = len(scales) * nw * nr
    found = ([], [], [], [])
    fold_of_kept = _take(fold_code, answers.codes["participant_id"], kept)
    bounds = np.flatnonzero(np.diff(fold_of_kept)) + 1 if len(kept) else np.zeros(0, dtype=np.int64)
    start = 0
    while start < len(kept):
        after = int(np.searchsorted(bounds, start + block_rows))
        stop = int(bounds[after]) if start + block_rows < len(kept) and after < len(bounds) else len(kept)
        rows = kept[start:stop]
        local = np.concatenate([[0], np.cumsum(np.diff(fold_of_kept[start:stop]) != 0)])
        inst, item = answers.codes["instrument"][rows], answers.codes["item"][rows]
        cell = (table[inst, item] * nw + wave_rank[answers.codes["wave"][rows]]) * nr \
            + rater_rank[answers.codes["rater"][rows]]
        group = local * ncell + cell
        value = recoded[inst, item, answers.codes["value"][rows]]
        answered = ~np.isnan(value)
        size = int(local[-1] + 1) * ncell
        present = np.bincount(group, minlength=size)
        count = np.bincount(group, weights=answered, minlength=size)
        total = np.bincount(group, weights=np.where(answered, value, 0.0), minlength=size)
        where = np.flatnonzero(present)
        first_fold = fold_of_kept[start:stop][np.concatenate([[0], np.flatnonzero(np.diff(local)) + 1])]
        for k, part in enumerate((first_fold[where // ncell].astype(np.uint32), (where % ncell).astype(np.int32),
                                  count[where].astype(np.int32), total[where])):
            found[k].append(part)
        start = stop
    del fold_of_kept
    fold, cell, n_answered, total = (join_releasing(parts, dtype) for parts, dtype in
                                     zip(found, (np.uint32, np.int32, np.int32, np.float64), strict=True))
    if _decreasing(pid_rank, fold):  # several cohorts: participants in pseudonym order
        again = np.lexsort([cell, pid_rank[fold]])
        fold, cell, n_answered, total = fold[again], cell[again], n_answered[again], total[again]
    info = items.groupby(["instrument", "scale"], sort=False).agg(
        kirkpatrick_level=("kirkpatrick_level", "first"), min_answered=("min_answered", "first"),
        n_items=("item", "size")).reindex(pd.MultiIndex.from_frame(scales))
    names = {"instrument": scales["instrument"].to_numpy(dtype=object), "scale": scales["scale"].to_numpy(dtype=object),
             "wave": np.asarray(waves + [None], dtype=object), "rater": np.asarray(raters + [None], dtype=object),
             "participant_id": pseudonyms}
    names = {k: pa.array(v, type=pa.large_string()) for k, v in names.items()}  # texts once; rows take them
    level, n_items_of = info["kirkpatrick_level"].to_numpy(), info["n_items"].to_numpy(dtype=np.int64)
    minimum = info["min_answered"].to_numpy(dtype=float)

    def scored(rows):
        c = cell[rows].astype(np.int64)
        scale = c // (nw * nr)
        n_items, answered = n_items_of[scale], n_answered[rows].astype(np.int64)
        share = answered / n_items
        enough = share >= minimum[scale] - SHARE_TOLERANCE
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = total[rows] / answered
        return c, scale, n_items, answered, share, np.where(enough & (answered > 0), mean, np.nan)

    def frame(rows) -> pd.DataFrame:
        c, scale, n_items, answered, share, score = scored(rows)
        wave, rater = (c // nr) % nw, c % nr
        f = fold[rows].astype(np.int64)
        return pd.DataFrame({
            "participant_id": _text(names["participant_id"], f),
            "cohort": pd.array(fold_cohort[f], dtype="Int64"),
            "instrument": _text(names["instrument"], scale),
            "scale": _text(names["scale"], scale),
            "kirkpatrick_level": level[scale],
            "wave": _text(names["wave"], wave),
            "rater": _text(names["rater"], rater),
            "n_items": n_items,
            "n_answered": answered,
            "share_answered": share,
            "score": score,
        })

    missing = np.zeros(len(fold), dtype=bool)
    for begin in range(0, len(fold), CHUNK):
        part = slice(begin, begin + CHUNK)
        missing[part] = np.isnan(scored(part)[-1])
    rows = len(fold)
    return Scores(rows, lambda: (frame(slice(s, s + SCORE_GROUP_ROWS)) for s in range(0, max(rows, 1), SCORE_GROUP_ROWS)),
                  frame(np.flatnonzero(missing)))


def _text(texts: pa.Array, codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``texts[codes]`` as a pandas ``str`` array, gathered by pyarrow (no Python string per row;
    the same Arrow ``large_string`` array as ``pd.array(objects, dtype="str")``)."""
    return pd.array(pc.take(texts, pa.array(codes)), dtype="str")


def _decreasing(rank: np.ndarray, codes: np.ndarray) -> bool:
    """Whether ``rank[codes]`` ever decreases (taken a chunk at a time)."""
    return any(np.any(np.diff(rank[codes[s:s + CHUNK + 1]]) < 0) for s in range(0, len(codes), CHUNK))
