"""Validated answers (as codes) → the processed answers, scale scores and reliability (issue 13).

The column-wise counterpart of :func:`evaluation.data.scoring.score_scales` and
:func:`evaluation.data.scoring.reliability` for :class:`evaluation.data.answers.Answers`: each
distinct identifier is pseudonymised once (a dictionary, not a row at a time), the answers are put
in the processed order by rearranging the participants' runs of the one sort
:mod:`evaluation.data.answers` made to find duplicates, and scale scores are sums and counts per
(participant, instrument, scale, wave, rater) cell taken with ``numpy.bincount`` over blocks of
whole participants (:mod:`evaluation.data.score_codes`). The tables are the ones the pandas
functions give, to the last digit (``tests/test_ingest_scale.py``).
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from evaluation.core.checks import sort_canonical
from evaluation.core.codes import smallest_integer_type
from evaluation.data.answers import Answers
from evaluation.data.params import Cohort
from evaluation.data.pseudonymise import Key, pseudonymise
from evaluation.data.score_codes import CHUNK, Chunked, score_codes, texts_of
from evaluation.stats.reliability import reliability_of_codes

__all__ = ["Chunked", "Later", "ProcessedAnswers", "process_answers"]


def _regroup(order: np.ndarray, counts: np.ndarray, run_order: np.ndarray) -> np.ndarray:
    """``order`` (rows with each run contiguous, runs in code order, ``counts`` rows each) with its
    runs moved into ``run_order``: no second sort, a chunk of runs at a time."""
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    moved, first = counts[run_order], starts[run_order]
    ends = np.cumsum(moved)
    out = np.empty(int(moved.sum()), dtype=order.dtype)
    run = done = 0
    while run < len(run_order):
        stop = max(run + 1, int(np.searchsorted(ends, done + CHUNK, side="right")))
        m = moved[run:stop]
        total = int(m.sum())
        out[done:done + total] = order[np.repeat(first[run:stop] - (np.cumsum(m) - m), m) + np.arange(total)]
        done, run = done + total, stop
    return out


#: Rows of each row group of ``responses.parquet``: fixed, so that any block size writes the same bytes.
ROW_GROUP_ROWS = 1_000_000


class Later:
    """A table computed by a second thread, begun at once; :meth:`result` waits for it, then issues
    the warnings the computation collected (in the calling thread, in their order)."""

    def __init__(self, compute: Callable[[list], pd.DataFrame]):
        self._issues: list = []
        self._out: list = []
        self._thread = threading.Thread(target=self._run, args=(compute,), name="later", daemon=True)
        self._thread.start()

    def _run(self, compute: Callable[[list], pd.DataFrame]) -> None:
        try:
            self._out.append((compute(self._issues), None))
        except BaseException as exc:  # noqa: BLE001 - raised by result(), in the caller's thread
            self._out.append((None, exc))

    def result(self) -> pd.DataFrame:
        self._thread.join()
        table, exc = self._out[0]
        if exc is not None:
            raise exc
        issues, self._issues = self._issues, []
        for prefix, found in issues:
            for category, message in found:
                warnings.warn(prefix + message, category, stacklevel=2)
        return table


class ProcessedAnswers:
    """The answers kept, their scale scores, the answers left out (off-wave) and the reliability
    (a :class:`Later`: computed while the answers are written)."""

    def __init__(self, responses, scores, off_wave, reliability):
        self.responses, self.scores, self.off_wave, self.reliability = responses, scores, off_wave, reliability


def process_answers(
    answers: Answers,
    *,
    participants: pd.DataFrame,
    key: Key,
    cohorts: Mapping[int, Cohort],
    items: pd.DataFrame,
    comparison_ids: set[str],
    block_rows: int,
) -> ProcessedAnswers:
    """Pseudonymise, order, score and describe the validated answers.

    Parameters
    ----------
    answers : Answers
        From :func:`evaluation.data.answers.validate_answers` (no failures).
    participants : DataFrame
        The pseudonymised participants (``participant_id``, ``cohort``).
    key : Key
        The pseudonymisation key.
    cohorts : mapping
        Cohort number → its parameters (the waves it lists).
    items : DataFrame
        :func:`evaluation.data.params.item_map` of the programme's instruments.
    comparison_ids : set of str
        Pseudonyms of comparison-group members (left out of reliability).
    block_rows : int
        Answers scored at a time.

    Returns
    -------
    ProcessedAnswers
        ``responses`` (answers at a wave their cohort lists, sorted by cohort, participant,
        instrument, item, wave and rater, text columns categorical), ``scores`` (as
        :func:`evaluation.data.scoring.score_scales`), ``off_wave`` (one row per participant, cohort,
        wave, rater and instrument with answers at a wave the cohort does not list, with ``size``)
        and ``reliability`` (as :func:`evaluation.data.scoring.reliability` by cohort, wave, rater; a
        :class:`Later`: computed by a second thread while the caller writes the answers).
    """
    pid = answers.codes["participant_id"]
    folded = answers.labels["participant_id"].property("folded", lambda t: None)
    fold_code, fold_texts = pd.factorize(pd.Series(folded), use_na_sentinel=True)
    fold_code = (fold_code + 1).astype(np.uint32)
    pseudonyms = np.concatenate([[None], pseudonymise(pd.Series(fold_texts, dtype=object), key).to_numpy(dtype=object)])
    cohort_of = participants.drop_duplicates("participant_id").set_index("participant_id")["cohort"]
    fold_cohort = pd.array(pd.Series(pseudonyms).map(cohort_of), dtype="Int64")
    folds = len(pseudonyms)
    # the processed order: cohort, then pseudonym; each participant's answers as sort_key ordered them
    out_rank = pd.DataFrame({"c": fold_cohort, "p": pseudonyms}).iloc[1:].sort_values(["c", "p"]).index.to_numpy()
    per_label = sum((np.bincount(pid[start:start + CHUNK], minlength=len(fold_code))
                     for start in range(0, len(pid), CHUNK)), np.zeros(len(fold_code), dtype=np.int64))
    counts = np.bincount(fold_code, weights=per_label, minlength=folds).astype(np.int64)
    order = _regroup(answers.order, counts, np.concatenate([[0], out_rank]))
    answers.order = np.empty(0, dtype=np.uint32)

    wave_texts = texts_of(answers, "wave")
    allowed = {n: set(c.waves) for n, c in cohorts.items()}
    cohort_values = sorted({int(c) for c in fold_cohort[1:] if not pd.isna(c)})
    ok = np.array([[t in allowed.get(c, ()) for t in wave_texts] for c in cohort_values] or [[False]], dtype=bool)
    cohort_index = np.array([cohort_values.index(int(c)) if not pd.isna(c) else 0 for c in fold_cohort], dtype=np.int64)
    ok_of_label = ok[cohort_index[fold_code]]  # per participant code × wave code
    off = np.empty(len(pid), dtype=bool)
    for start in range(0, len(pid), CHUNK):
        part = slice(start, start + CHUNK)
        off[part] = ~ok_of_label[pid[part], answers.codes["wave"][part]]
    kept = np.concatenate([o[~off[o]] for o in np.array_split(order, max(1, len(order) // CHUNK))]) \
        if len(order) else order
    del order
    categories = {c: _used(texts_of(answers, c), answers.codes[c], kept) for c in answers.columns
                  if c not in ("participant_id", "value", "responded_on")}

    def frame(rows: np.ndarray) -> pd.DataFrame:
        columns = {}
        for column in answers.columns:
            codes = answers.codes[column][rows]
            if column == "participant_id":
                columns[column] = _categorical(pseudonyms, fold_code[codes])
            elif column == "value":
                columns[column] = pd.array(answers.value[codes], dtype="Float64")
            elif column == "responded_on":
                columns[column] = pd.Series(answers.dates[codes]).astype("datetime64[us]").to_numpy()
            else:
                columns[column] = pd.Categorical.from_codes(categories[column][0][codes], categories=categories[column][1])
        columns["cohort"] = pd.array(fold_cohort[fold_code[pid[rows]]], dtype="Int64")
        return pd.DataFrame(columns)

    responses = Chunked(len(kept), lambda: (frame(kept[start:start + ROW_GROUP_ROWS])
                                            for start in range(0, max(len(kept), 1), ROW_GROUP_ROWS)))

    off_rows = np.flatnonzero(off)
    off_wave = pd.DataFrame({
        "participant_id": pseudonyms[fold_code[pid[off_rows]]],
        "cohort": pd.array(fold_cohort[fold_code[pid[off_rows]]], dtype="Int64"),
        **{c: texts_of(answers, c)[answers.codes[c][off_rows]] for c in ("wave", "rater", "instrument")},
    }).groupby(["participant_id", "cohort", "wave", "rater", "instrument"], as_index=False, observed=True).size()
    recoded = _recoded(answers, items)
    pid_rank = np.empty(folds, dtype=np.int64)  # each participant's place in pseudonym order
    pid_rank[np.argsort(pseudonyms[1:].astype(str), kind="stable") + 1] = np.arange(folds - 1)
    pid_rank[0] = -1
    scores = score_codes(answers, kept, fold_code, pseudonyms, fold_cohort, pid_rank, recoded, items, block_rows)
    outside = np.isin(pseudonyms, list(comparison_ids))[fold_code]  # per participant code
    programme = kept if not comparison_ids else \
        np.concatenate([k[~outside[pid[k]]] for k in np.array_split(kept, max(1, len(kept) // CHUNK))])
    rank, cohort = pid_rank[fold_code], fold_cohort.to_numpy(dtype=np.int64, na_value=-1)[fold_code]
    reliability = Later(lambda issues: _reliability(answers, programme, rank, cohort, recoded, items, issues))
    return ProcessedAnswers(responses, scores, off_wave, reliability)


def _used(texts: np.ndarray, codes: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, pd.Index]:
    """The texts that ``codes[rows]`` use, in text order, and each code's place among them (-1: unused)."""
    count = np.zeros(len(texts), dtype=np.int64)
    for start in range(0, len(rows), CHUNK):
        count += np.bincount(codes[rows[start:start + CHUNK]], minlength=len(texts))
    used = np.flatnonzero(count)
    place = np.argsort(texts[used].astype(str), kind="stable")
    new = np.full(len(texts), -1, dtype=np.int64)
    new[used[place]] = np.arange(len(used))
    return new, pd.Index(texts[used][place].astype(str), dtype="str")


def _categorical(texts: np.ndarray, codes: np.ndarray) -> pd.Categorical:
    """Codes into ``texts`` as a categorical whose categories are the texts used, in text order."""
    used = np.flatnonzero(np.bincount(codes, minlength=len(texts)))
    names = texts[used]
    place = np.argsort(names.astype(str), kind="stable")
    new = np.full(len(texts), -1, dtype=np.int64)
    new[used[place]] = np.arange(len(used))
    return pd.Categorical.from_codes(new[codes], categories=pd.Index(names[place].astype(str), dtype="str"))


def _recoded(answers: Answers, items: pd.DataFrame) -> np.ndarray:
    """The recoded value of each (instrument code, item code, value code): ``low + high − x`` for
    reverse-keyed items (:func:`evaluation.data.scoring.recode`)."""
    inst_texts, item_texts = texts_of(answers, "instrument"), texts_of(answers, "item")
    spec = items.set_index(["instrument", "item"])[["reverse", "low", "high"]]
    out = np.empty((len(inst_texts), len(item_texts), len(answers.value)))
    for i, name in enumerate(inst_texts):
        for j, item in enumerate(item_texts):
            if (name, item) in spec.index:
                reverse, low, high = spec.loc[(name, item)]
                out[i, j] = low + high - answers.value if reverse else answers.value
            else:
                out[i, j] = np.nan
    return out


def _reliability(answers: Answers, kept: np.ndarray, rank: np.ndarray, cohort: np.ndarray, recoded: np.ndarray,
                 items: pd.DataFrame, issues: list) -> pd.DataFrame:
    """Alpha and omega per cohort × wave × rater (:func:`evaluation.data.scoring.reliability`), one group
    at a time from the codes: participants as their place in pseudonym order (the order the item
    matrix's rows take either way), instruments and scales in text order, groups in the order of
    the pandas route (so its warnings come in the same order), handed as codes to
    :func:`evaluation.stats.reliability.reliability_of_codes` (no DataFrame per group). ``rank``
    and ``cohort`` are per participant code; the warnings are appended to ``issues``."""
    keys = ["cohort", "wave", "rater"]
    scale_names, scale_of = _scale_names(answers, items)
    inst_texts, item_texts = texts_of(answers, "instrument"), texts_of(answers, "item")
    wave_texts, rater_texts = texts_of(answers, "wave"), texts_of(answers, "rater")
    inst_rank = np.empty(len(inst_texts), dtype=np.int64)  # each instrument code's place in text order
    inst_rank[np.argsort(inst_texts.astype(str), kind="stable")] = np.arange(len(inst_texts))
    inst_by_rank = inst_texts[np.argsort(inst_texts.astype(str), kind="stable")]
    n_scales = len(scale_names)
    scale_items = {key: list(frame["item"]) for key, frame in items.groupby(["instrument", "scale"], sort=False)}
    item_index = pd.Index(item_texts)
    cohorts, cohort_index = np.unique(cohort, return_inverse=True)
    nw, nr = len(wave_texts), len(rater_texts)
    # one byte or two per answer where the groups allow it (a national cohort has 10⁸ answers)
    n_groups = len(cohorts) * nw * nr
    group = np.empty(len(kept), dtype=smallest_integer_type(n_groups))
    present = np.zeros(n_groups, dtype=bool)
    for start in range(0, len(kept), CHUNK):
        rows = kept[start:start + CHUNK]
        group[start:start + CHUNK] = (cohort_index[answers.codes["participant_id"][rows]] * nw
                                      + answers.codes["wave"][rows]) * nr + answers.codes["rater"][rows]
        present |= np.bincount(group[start:start + CHUNK], minlength=n_groups) > 0
    scale_of = scale_of.astype(smallest_integer_type(n_scales + 1, signed=True))
    rank = rank.astype(smallest_integer_type(len(rank) + 1, signed=True))
    inst_rank = inst_rank.astype(smallest_integer_type(len(inst_texts) * n_scales, signed=True))
    parts = []
    for g in np.flatnonzero(present):
        c, w, r = int(cohorts[g // (nw * nr)]), wave_texts[(g // nr) % nw], rater_texts[g % nr]
        mine = kept[group == g]
        inst, item = answers.codes["instrument"][mine], answers.codes["item"][mine]
        scale = scale_of[inst, item]
        if (scale < 0).any():
            raise ValueError(f"answers to items outside every scale: {sorted(set(item_texts[item[scale < 0]]))}")
        sub = inst_rank[inst] * inst_rank.dtype.type(n_scales) + scale
        del scale

        def key(code: int, c=c, w=w, r=r) -> tuple:
            return str(inst_by_rank[code // n_scales]), str(scale_names[code % n_scales]), c, w, r

        parts.append(reliability_of_codes(
            sub.astype(np.uint16) if len(inst_texts) * n_scales <= 1 << 16 else sub, key,
            rank[answers.codes["participant_id"][mine]], item, item_index,
            recoded[inst, item, answers.codes["value"][mine]], scale_items, ["instrument", "scale", *keys],
            issues=issues))
    columns = ["instrument", "scale", *keys, "n", "k_items", "alpha", "alpha_ci_low", "alpha_ci_high", "omega_total"]
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    table = table.astype({c: "str" for c in ("instrument", "scale", "wave", "rater")})
    return sort_canonical(table, ["instrument", "scale", *keys])


def _scale_names(answers: Answers, items: pd.DataFrame) -> tuple[pd.Index, np.ndarray]:
    """The scale names, and the code of the scale of each (instrument code, item code) (-1: none)."""
    names = pd.Index(sorted(items["scale"].unique()), dtype="str")
    of_item = dict(zip(zip(items["instrument"], items["item"], strict=True), names.get_indexer(items["scale"]),
                       strict=True))
    inst_texts, item_texts = texts_of(answers, "instrument"), texts_of(answers, "item")
    return names, np.array([[of_item.get((i, t), -1) for t in item_texts] for i in inst_texts], dtype=np.int64)
