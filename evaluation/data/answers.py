"""The answers (``responses.csv``) validated block by block and held as dictionary codes (issue 13).

The answers are the one table that grows with the programme (a national cohort: a hundred
million rows), so they are never held as Python objects per row. They arrive in blocks
(:func:`evaluation.core.blocks.read_table_blocks`, each column a categorical of its text); every
distinct text of a column is stripped, parsed and checked once, and each row keeps only a small
integer code per column (:class:`Labels`). The contract's rules run vectorised on those codes
block by block, and their failures are merged across blocks (:class:`Collector`), so that each
rule still reports every failing row (spreadsheet row numbers), column and value, as
:func:`evaluation.data.validate.validate_programme` reports them for the other tables. The rules
that need the whole table (duplicate answers, identifiers equal once case is ignored) run once on
the codes at the end, so a duplicate split across two blocks is found. The rules across tables and
parameters, and the merging of failures, are in :mod:`evaluation.data.answer_rules`.

Nothing here touches the disk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evaluation.core.errors import Failure
from evaluation.core.memory import join_releasing
from evaluation.data.answer_rules import (
    Collector,
    Context,
    coded_failure,
    cross_rules,
    failure,
    folded,
    parsed,
    rows_of,
)
from evaluation.data.input_checks import header_row_failure, label_hint, optional_header_failures
from evaluation.data.params import Instrument, Programme
from evaluation.data.rules import (
    KIND_WORDS,
    blank_row_failure,
    blank_rows,
    describe_check,
    header_failures,
)
from evaluation.data.schemas import COLUMN_TYPES, SCHEMAS

__all__ = ["Answers", "Collector", "Labels", "validate_answers"]

ANSWER_KEY = ["participant_id", "wave", "rater", "instrument", "item"]


class Labels:
    """One column's dictionary over the whole table: code 0 is an empty cell, codes 1, 2, ... the
    distinct stripped texts in the order they first appear.

    Examples
    --------
    >>> labels = Labels()
    >>> labels.encode(pd.Index([" b", "a", ""]))
    array([1, 2, 0, 0])
    >>> labels.texts
    [None, 'b', 'a']
    """

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}
        self.texts: list[str | None] = [None]
        self._properties: dict[str, np.ndarray] = {}

    def encode(self, categories: pd.Index) -> np.ndarray:
        """The codes of a block's categories, with a final 0 for a missing cell (pandas code -1)."""
        out = np.zeros(len(categories) + 1, dtype=np.int64)
        for position, text in enumerate(pd.Index(categories).astype(str).str.strip().to_numpy(dtype=object)):
            if text:
                code = self.codes.get(text)
                if code is None:
                    code = self.codes[text] = len(self.texts)
                    self.texts.append(text)
                out[position] = code
        return out

    def code_of(self, text: str) -> int:
        """The code of ``text``, given one if it has none yet."""
        return int(self.encode(pd.Index([text]))[0])

    def property(self, name: str, compute: Callable[[list[str | None]], np.ndarray]) -> np.ndarray:
        """A per-code array (index = code), computed once per text: ``compute`` gets the new texts."""
        known = self._properties.get(name)
        start = 0 if known is None else len(known)
        if start < len(self.texts):
            new = np.asarray(compute(self.texts[start:]))
            known = new if known is None else np.concatenate([known, new])
            self._properties[name] = known
        return known

    def small(self, codes: np.ndarray) -> np.ndarray:
        """``codes`` in the smallest unsigned type that holds every code given so far."""
        return codes.astype(np.min_scalar_type(len(self.texts)))


@dataclass
class Answers:
    """The validated answers as codes: ``codes[column]`` per row, ``labels[column]`` per code."""

    n_rows: int
    columns: list[str]
    codes: dict[str, np.ndarray]
    labels: dict[str, Labels]
    value: np.ndarray  #: the number each code of ``value`` stands for (NaN: blank)
    dates: np.ndarray | None  #: the date each code of ``responded_on`` stands for (NaT: blank)
    order: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))  #: rows by answer key
    #: the 0-based data rows left out as wholly blank (their failure is reported), in order: the
    #: rows of the table are the answers' positions with these put back (:meth:`data_rows`)
    blank: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))

    def data_rows(self, positions: np.ndarray) -> np.ndarray:
        """The 0-based data rows of the table of the answers at ``positions`` (blank rows counted back in).

        Examples
        --------
        >>> answers = Answers(3, [], {}, {}, None, None, blank=np.array([1, 2]))
        >>> answers.data_rows(np.array([0, 1, 2])).tolist()
        [0, 3, 4]
        """
        positions = np.asarray(positions, dtype=np.int64)
        if not len(self.blank):
            return positions
        return positions + np.searchsorted(self.blank - np.arange(len(self.blank)), positions, side="right")


def validate_answers(
    blocks: Iterable[pd.DataFrame],
    *,
    file: str,
    participants: pd.DataFrame,
    participants_file: str,
    programme: Programme,
    instruments: Mapping[str, Instrument],
) -> tuple[Answers, list[Failure], list[Failure]]:
    """Check the answers block by block against the contract; return them as codes with their failures.

    Parameters
    ----------
    blocks : iterable of DataFrame
        The answers as :func:`evaluation.core.blocks.read_table_blocks` yields them.
    file, participants_file : str
        The files as shown in messages.
    participants : DataFrame
        The typed participants (:func:`evaluation.data.validate.parse_table`).
    programme, instruments : parameter models
        From :mod:`evaluation.data.params`.

    Returns
    -------
    (Answers, list of Failure, list of Failure)
        The answers, the failures of parsing and of the schema (:class:`evaluation.data.schemas.Responses`)
        and those of the rules across tables, in the order the rules are listed.
    """
    ids = participants["participant_id"] if "participant_id" in participants else None
    enrolled = None
    if ids is not None and "enrolled_on" in participants and participants["enrolled_on"].notna().any():
        first = participants.assign(_id=ids.str.strip().str.casefold()).drop_duplicates("_id").dropna(subset="_id")
        enrolled = (pd.Index(first["_id"].to_numpy(dtype=object)), first["enrolled_on"].to_numpy(dtype="datetime64[ns]"))
    context = Context(file, participants_file, programme, instruments,
                       None if ids is None else set(ids.dropna().str.strip().str.casefold()), enrolled)
    types = COLUMN_TYPES["responses"]
    labels = {c: Labels() for c in types}
    parts: dict[str, list[np.ndarray]] = {c: [] for c in types}
    collector = Collector()
    columns: list[str] | None = None
    n_rows, blank = 0, []
    for block in blocks:
        if columns is None:
            header = header_failures(list(block.columns), "responses", file)
            hint = header_row_failure(block, "responses", file)
            header = [(k, f) for k, f in header if k < 0 or hint is None] + [(-1, f) for f in (
                [hint] if hint else []) + optional_header_failures(list(block.columns), "responses", file)]
            twice = {f.column for k, f in header if k < 0}
            columns = [c for c in types if c in block.columns and c not in twice]
            for n, (k, failure) in enumerate(header):
                collector.add((0, -1, n) if k < 0 else (0, 0, k), failure)
        empty = blank_rows(block)
        if empty.any():  # one failure for the wholly blank rows (merged across blocks), none per cell
            collector.add((0, -3), blank_row_failure(file, rows_of(block.index[empty])))
            blank.append(block.index.to_numpy()[empty])
            block = block[~empty]
        n_rows += len(block)
        _check_block(block, columns, labels, parts, collector, context)
    columns = [c for c in types if parts[c]]
    codes = {c: join_releasing(parts.pop(c)) for c in columns}  # each block's codes let go once copied
    value = labels["value"].property("number", lambda t: parsed(t, "number")) if "value" in columns else None
    dates = labels["responded_on"].property("date", lambda t: parsed(t, "date")) if "responded_on" in columns else None
    answers = Answers(n_rows, columns, codes, labels, value, dates,
                      blank=np.concatenate(blank).astype(np.int64) if blank else np.empty(0, dtype=np.int64))
    if n_rows == 0 and columns:
        collector.add((0, -2), Failure(file, (), None, "at least one data row below the header (the file has only its "
                                       "header" + (" and empty rows)" if blank else ")")))
    if set(ANSWER_KEY) <= set(columns):
        _whole_table_rules(answers, collector, context)
    return answers, collector.failures(0), collector.failures(1)


def _check_block(block: pd.DataFrame, columns: list[str], labels: dict[str, Labels], parts: dict[str, list],
                 collector: Collector, ctx: Context) -> None:
    """Parse one block's columns to codes and run the rules that need only the block."""
    file, index = ctx.file, block.index.to_numpy()
    row: dict[str, np.ndarray] = {}
    for column in columns:
        cells = block[column]
        if not isinstance(cells.dtype, pd.CategoricalDtype):
            cells = cells.astype("category")
        lookup = labels[column].small(labels[column].encode(cells.cat.categories))
        row[column] = lookup[cells.cat.codes.to_numpy()]
    self_code = labels["rater"].code_of("self")
    if "rater" in columns:
        row["rater"] = labels["rater"].small(row["rater"])
        row["rater"][row["rater"] == 0] = self_code
    else:  # an absent rater column: every answer is the participant's own (CONTRACT section 2)
        row["rater"] = labels["rater"].small(np.full(len(block), self_code))
    texts = {c: np.asarray(labels[c].texts, dtype=object) for c in row if c != "participant_id"}

    # parsing: numbers and dates (phase 0, slots (0, 0, column position))
    for position, (column, kind) in enumerate(COLUMN_TYPES["responses"].items()):
        if column in row and kind != "text":
            values = labels[column].property(kind, lambda t, k=kind: parsed(t, k))
            bad = (texts[column] != None) & pd.isna(values)  # noqa: E711 - elementwise
            rule = KIND_WORDS[kind] + (label_hint(texts[column][bad], ctx.instruments)
                                       if column == "value" and bad.any() else "")
            collector.add((0, 0, position), coded_failure(file, index, row[column], bad, column, rule, texts[column]))

    # schema (phase 0, slot (0, 2, column, check)): as pandera reports Responses
    fields = SCHEMAS["responses"].to_schema().columns
    for position, column in enumerate(fields):
        if column not in row:
            continue
        if not fields[column].nullable:
            collector.add((0, 2, position, 0), failure(file, index, row[column] == 0, column,
                                                       describe_check("not_nullable")))
        for check in fields[column].checks:
            allowed = check.statistics.get("allowed_values")
            if allowed is not None:
                ok = np.isin(texts[column], list(allowed)) | (texts[column] == None)  # noqa: E711
                collector.add((0, 2, position, 1), coded_failure(file, index, row[column], ~ok, column,
                                                                 describe_check(f"isin({list(allowed)!r})"),
                                                                 texts[column]))

    for column, codes in row.items():
        parts[column].append(labels[column].small(codes))
    cross_rules(row, texts, labels, index, collector, ctx)


def _ranks(texts: list[str | None]) -> np.ndarray:
    """Each code's place in text order (as the processed answers are sorted); the empty cell last."""
    place = {t: k for k, t in enumerate(sorted(t for t in texts[1:]))}
    return np.array([place[t] if t is not None else len(place) for t in texts], dtype=np.int64)


def sort_key(answers: Answers, participant_rank: np.ndarray) -> np.ndarray:
    """One int64 per answer ordering (participant, instrument, item, wave, rater), the names as text
    (as the processed answers are sorted); ``participant_rank`` gives each participant code its place.
    None when the parts would overflow 62 bits."""
    parts = [
        (participant_rank, answers.codes["participant_id"]),
        (_ranks(answers.labels["instrument"].texts), answers.codes["instrument"]),
        (_ranks(answers.labels["item"].texts), answers.codes["item"]),
        (_ranks(answers.labels["wave"].texts), answers.codes["wave"]),
        (_ranks(answers.labels["rater"].texts), answers.codes["rater"]),
    ]
    sizes = [int(rank.max(initial=0)) + 1 for rank, _ in parts]
    if float(np.prod([float(s) for s in sizes])) >= 2.0 ** 62:
        return None
    key = np.zeros(answers.n_rows, dtype=np.int64)
    for start in range(0, answers.n_rows, 1 << 22):  # a chunk at a time: numpy's index copies stay small
        part = key[start:start + (1 << 22)]
        for (rank, codes), size in zip(parts, sizes, strict=True):
            part *= size
            part += rank[codes[start:start + (1 << 22)]]
    return key


def _mostly_sorted(key: np.ndarray) -> bool:
    """Whether ``key`` descends at fewer than one place in eight (counted a chunk at a time)."""
    descents = sum(int(np.count_nonzero(np.diff(key[s:s + (1 << 22) + 1]) < 0)) for s in range(0, len(key), 1 << 22))
    return descents * 8 < len(key)


def _whole_table_rules(answers: Answers, collector: Collector, ctx: Context) -> None:
    """Duplicate answers (the schema's unique key) and identifiers equal once case is ignored."""
    pid = answers.labels["participant_id"]
    texts = pid.property("folded", lambda t: np.array(folded(t), dtype=object))
    fold_code = pd.factorize(pd.Series(texts), use_na_sentinel=True)[0].astype(np.int64) + 1
    key = sort_key(answers, fold_code)
    if key is None:  # too many distinct values for one key: sort column by column, in the same order
        ranks = [_ranks(answers.labels[c].texts)[answers.codes[c]] for c in reversed(ANSWER_KEY[1:])]
        order = np.lexsort([*ranks, fold_code[answers.codes["participant_id"]]])
        frame = pd.DataFrame({c: answers.codes[c][order] for c in ANSWER_KEY[1:]}).assign(
            _fold=fold_code[answers.codes["participant_id"]][order])
        same = frame.duplicated(keep=False).to_numpy()
    else:  # one int64 key: sorted, compared with its neighbour, dropped (memory: 8 bytes an answer at a time)
        # rows with equal keys are duplicates or case clashes, which fail validation (so their order is
        # never used), and are reported in row order whatever their order; so the faster sort: timsort
        # (numpy's stable sort) when the answers come mostly in key order (an export by participant:
        # twice as fast as quicksort), else quicksort (twice as fast as timsort on shuffled rows)
        order = np.argsort(key, kind="stable" if _mostly_sorted(key) else "quicksort")
        if len(order) < 2 ** 32:
            order = order.astype(np.uint32)
        # each sorted key against its neighbour, a chunk at a time (no sorted copy of the keys)
        same = np.zeros(len(order), dtype=bool)
        for start in range(0, max(len(order) - 1, 0), 1 << 22):
            sorted_part = key[order[start:start + (1 << 22) + 1]]
            equal = sorted_part[1:] == sorted_part[:-1]
            same[start + 1:start + 1 + len(equal)] |= equal
            same[start:start + len(equal)] |= equal
        del key
    if len(order) < 2 ** 32:
        order = order.astype(np.uint32, copy=False)
    answers.order = order
    if not same.any():
        return
    rows = order[same]
    candidates = pd.DataFrame({c: answers.codes[c][rows] for c in ANSWER_KEY}, index=rows).sort_index()
    exact = candidates.duplicated(keep=False)
    if exact.any():
        unique = SCHEMAS["responses"].to_schema().unique
        collector.add((0, 1), Failure(ctx.file, rows_of(answers.data_rows(candidates.index[exact.to_numpy()])), None,
                                      f"each combination of ({', '.join(unique)}) to appear only once "
                                      "(duplicate rows)"))
    clash = ~exact & (candidates["participant_id"] != 0)
    if clash.any():
        collector.add((1, 0), Failure(ctx.file, rows_of(answers.data_rows(candidates.index[clash.to_numpy()])),
                                      "participant_id",
                                      "one answer per participant, wave, rater and item once identifiers are trimmed "
                                      "and compared ignoring case",
                                      tuple(np.asarray(pid.texts, dtype=object)[candidates.loc[clash, "participant_id"]])))
