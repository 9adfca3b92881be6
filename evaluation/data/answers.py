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
the codes at the end, so a duplicate split across two blocks is found.

Nothing here touches the disk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evaluation.core.errors import Failure
from evaluation.data.params import Instrument, Programme
from evaluation.data.rules import (
    EARLIEST_DATE,
    KIND_WORDS,
    ROW_OFFSET,
    describe_check,
    header_failures,
    parse_column,
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
        for position, text in enumerate(pd.Index(categories).astype(str).str.strip()):
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


class Collector:
    """Failures of the rules, merged across blocks: one failure per rule, rows and values in row order.

    Each rule has a *slot* (its place in the order the rules are written); :meth:`failures` lists
    them in that order, whatever block first broke them.
    """

    def __init__(self) -> None:
        self._slots: dict[tuple, list[Failure]] = {}

    def add(self, slot: tuple, failure: Failure | None) -> None:
        if failure is not None:
            self._slots.setdefault(slot, []).append(failure)

    def failures(self, phase: int) -> list[Failure]:
        out = []
        for slot in sorted(s for s in self._slots if s[0] == phase):
            parts = self._slots[slot]
            first = parts[0]
            out.append(Failure(first.file, tuple(r for p in parts for r in p.rows), first.column, first.rule,
                               tuple(v for p in parts for v in p.values)))
        return out


def _rows(index: np.ndarray) -> tuple[int, ...]:
    return tuple(int(i) + ROW_OFFSET for i in index)


def _failure(file, index, bad, column, rule, shown=None, codes=None) -> Failure | None:
    """The failure of the rows where ``bad``, their values ``shown[codes]``; None when no row is bad."""
    if not bad.any():
        return None
    return Failure(file, _rows(index[bad]), column, rule, () if shown is None else tuple(shown[codes[bad]]))


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


@dataclass
class _Context:
    file: str
    participants_file: str
    programme: Programme
    instruments: Mapping[str, Instrument]
    known: set[str] | None
    enrolled: dict[str, pd.Timestamp] | None
    today: pd.Timestamp = field(default_factory=lambda: pd.Timestamp.today().normalize())


def _folded(texts: list[str | None]) -> list[str | None]:
    return [t.casefold() if t is not None else None for t in texts]  # the identifiers as pseudonymise folds them


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
        folded = ids.str.strip().str.casefold()
        enrolled = participants.assign(_id=folded).drop_duplicates("_id").set_index("_id")["enrolled_on"].to_dict()
    context = _Context(file, participants_file, programme, instruments,
                       None if ids is None else set(ids.dropna().str.strip().str.casefold()), enrolled)
    types = COLUMN_TYPES["responses"]
    labels = {c: Labels() for c in types}
    parts: dict[str, list[np.ndarray]] = {c: [] for c in types}
    collector = Collector()
    columns: list[str] | None = None
    n_rows = 0
    for block in blocks:
        if columns is None:
            header = header_failures(list(block.columns), "responses", file)
            twice = {f.column for k, f in header if k < 0}
            columns = [c for c in types if c in block.columns and c not in twice]
            for n, (k, failure) in enumerate(header):
                collector.add((0, -1, n) if k < 0 else (0, 0, k), failure)
        n_rows += len(block)
        _check_block(block, columns, labels, parts, collector, context)
    columns = [c for c in types if parts[c]]
    codes = {c: np.concatenate(parts[c]) for c in columns}
    value = labels["value"].property("number", lambda t: _parsed(t, "number")) if "value" in columns else None
    dates = labels["responded_on"].property("date", lambda t: _parsed(t, "date")) if "responded_on" in columns else None
    answers = Answers(n_rows, columns, codes, labels, value, dates)
    if n_rows == 0 and columns:
        collector.add((0, -2), Failure(file, (), None, "at least one data row below the header (the file has only its "
                                       "header)"))
    if set(ANSWER_KEY) <= set(columns):
        _whole_table_rules(answers, collector, context)
    return answers, collector.failures(0), collector.failures(1)


def _parsed(texts: list[str | None], kind: str) -> np.ndarray:
    """The parsed value of each text (NaN / NaT when it does not parse or is empty)."""
    parsed = parse_column(pd.Series(texts, dtype=object), kind)
    if kind == "date":
        return parsed.to_numpy(dtype="datetime64[ns]")
    return parsed.to_numpy(dtype=float, na_value=np.nan)


def _check_block(block: pd.DataFrame, columns: list[str], labels: dict[str, Labels], parts: dict[str, list],
                 collector: Collector, ctx: _Context) -> None:
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
            parsed = labels[column].property(kind, lambda t, k=kind: _parsed(t, k))
            bad = (texts[column] != None) & pd.isna(parsed)  # noqa: E711 - elementwise
            collector.add((0, 0, position), _failure(file, index, bad[row[column]], column, KIND_WORDS[kind],
                                                     texts[column], row[column]))

    # schema (phase 0, slot (0, 2, column, check)): as pandera reports Responses
    fields = SCHEMAS["responses"].to_schema().columns
    for position, column in enumerate(fields):
        if column not in row:
            continue
        if not fields[column].nullable:
            collector.add((0, 2, position, 0), _failure(file, index, row[column] == 0, column,
                                                        describe_check("not_nullable")))
        for check in fields[column].checks:
            allowed = check.statistics.get("allowed_values")
            if allowed is not None:
                ok = np.isin(texts[column], list(allowed)) | (texts[column] == None)  # noqa: E711
                collector.add((0, 2, position, 1), _failure(file, index, ~ok[row[column]], column,
                                                            describe_check(f"isin({list(allowed)!r})"),
                                                            texts[column], row[column]))

    for column, codes in row.items():
        parts[column].append(labels[column].small(codes))
    _cross_rules(row, texts, labels, index, collector, ctx)


def _cross_rules(row, texts, labels, index, collector: Collector, ctx: _Context) -> None:
    """The rules across tables and parameters (phase 1), in the order
    :func:`evaluation.data.validate.validate_programme` lists them."""
    file, pf = ctx.file, ctx.participants_file
    if "responded_on" in row:
        dates = labels["responded_on"].property("date", lambda t: _parsed(t, "date"))
        shown = pd.DatetimeIndex(dates).strftime("%Y-%m-%d").to_numpy(dtype=object)
        for slot, bad, rule in ((1, ~np.isnat(dates) & (dates > ctx.today.to_datetime64()),
                                 f"a date no later than today ({ctx.today.date()})"),
                                (2, ~np.isnat(dates) & (dates < EARLIEST_DATE.to_datetime64()),
                                 f"a date no earlier than {EARLIEST_DATE.date()}")):
            collector.add((1, slot), _failure(file, index, bad[row["responded_on"]], "responded_on", rule, shown,
                                              row["responded_on"]))
    if "participant_id" in row and ctx.known is not None:
        pid = labels["participant_id"]
        known = pid.property("known", lambda t: np.array([f is None or f in ctx.known for f in _folded(t)]))
        unknown = ~known[row["participant_id"]]
        if unknown.any():
            collector.add((1, 3), _failure(file, index, unknown, "participant_id", f"a participant_id that exists in {pf}",
                                           np.asarray(pid.texts, dtype=object), row["participant_id"]))
        if "responded_on" in row and ctx.enrolled is not None:
            since = pid.property("enrolled", lambda t: pd.to_datetime(
                pd.Series([ctx.enrolled.get(f, pd.NaT) if f is not None else pd.NaT for f in _folded(t)], dtype=object)
            ).to_numpy(dtype="datetime64[ns]"))
            when, start = dates[row["responded_on"]], since[row["participant_id"]]
            early = ~np.isnat(when) & ~np.isnat(start) & (when < start)
            collector.add((1, 4), _failure(file, index, early, "responded_on",
                                           f"a date no earlier than the participant's enrolment (`enrolled_on` in {pf})",
                                           shown, row["responded_on"]))
    if not {"instrument", "item", "value", "wave", "rater"} <= set(row):
        return
    inst, item = row["instrument"], row["item"]
    names = texts["instrument"]
    programme_ok = np.isin(names, list(ctx.programme.instruments)) | (names == None)  # noqa: E711
    collector.add((1, 5), _failure(file, index, ~programme_ok[inst], "instrument",
                                   f"an instrument of the programme (programme.yaml `instruments`: "
                                   f"{ctx.programme.instruments})", names, inst))
    values = labels["value"].property("number", lambda t: _parsed(t, "number"))
    for k, (name, instrument) in enumerate(ctx.instruments.items()):
        code = labels["instrument"].codes.get(name)
        if code is None:
            continue
        mine = inst == code
        scale_of = {i: s for s, scale in instrument.scales.items() for i in scale.items}
        scale_names = list(instrument.scales)
        scale_code = np.array([scale_names.index(scale_of[t]) if t in scale_of else -1 for t in texts["item"]])
        scale_code[0] = len(scale_names)  # an empty item: reported as missing, not as an unknown item
        collector.add((1, 6, k, 0), _failure(file, index, mine & (scale_code[item] < 0), "item",
                                             f"an item of instrument {name!r} (params/instruments/{name}.yaml)",
                                             texts["item"], item))
        low, high = instrument.response_range
        outside = ~np.isnan(values) & ((values < low) | (values > high))
        collector.add((1, 6, k, 1), _failure(file, index, mine & outside[row["value"]], "value",
                                             f"a value within {name!r}'s response range [{low:g}, {high:g}] or blank",
                                             np.array([f"{v:g}" for v in values], dtype=object), row["value"]))
        for m, column in enumerate(("wave", "rater")):
            # allowed[scale, code]: whether the scale is answered at that wave / by that rater
            allowed = np.ones((len(scale_names) + 2, len(texts[column])), dtype=bool)
            for j, s in enumerate(scale_names):
                allowed[j] = np.isin(texts[column], instrument.scale_waves(s) if m == 0 else instrument.scale_raters(s))
                allowed[j, 0] = True
            scale_row = scale_code[item]
            bad = mine & ~allowed[scale_row, row[column]]
            if not bad.any():
                continue
            for j, s in enumerate(scale_names):
                rule = (f"a wave at which scale {s!r} of {name!r} is answered: {instrument.scale_waves(s)}" if m == 0
                        else f"a rater who answers scale {s!r} of {name!r}: {instrument.scale_raters(s)}")
                collector.add((1, 6, k, 2, j, m), _failure(file, index, bad & (scale_row == j), column, rule,
                                                           texts[column], row[column]))


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


def _whole_table_rules(answers: Answers, collector: Collector, ctx: _Context) -> None:
    """Duplicate answers (the schema's unique key) and identifiers equal once case is ignored."""
    pid = answers.labels["participant_id"]
    folded = pid.property("folded", lambda t: np.array(_folded(t), dtype=object))
    fold_code = pd.factorize(pd.Series(folded), use_na_sentinel=True)[0].astype(np.int64) + 1
    key = sort_key(answers, fold_code)
    if key is None:  # too many distinct values for one key: sort column by column, in the same order
        ranks = [_ranks(answers.labels[c].texts)[answers.codes[c]] for c in reversed(ANSWER_KEY[1:])]
        order = np.lexsort([*ranks, fold_code[answers.codes["participant_id"]]])
        frame = pd.DataFrame({c: answers.codes[c][order] for c in ANSWER_KEY[1:]}).assign(
            _fold=fold_code[answers.codes["participant_id"]][order])
        same = frame.duplicated(keep=False).to_numpy()
    else:  # one int64 key: sorted, compared with its neighbour, dropped (memory: 8 bytes an answer at a time)
        order = np.argsort(key, kind="stable")
        key = key[order]
        equal = key[1:] == key[:-1]
        del key
        same = np.zeros(len(order), dtype=bool)
        same[1:] |= equal
        same[:-1] |= equal
        del equal
    if len(order) < 2 ** 32:
        order = order.astype(np.uint32)
    answers.order = order
    if not same.any():
        return
    rows = order[same]
    candidates = pd.DataFrame({c: answers.codes[c][rows] for c in ANSWER_KEY}, index=rows).sort_index()
    exact = candidates.duplicated(keep=False)
    if exact.any():
        unique = SCHEMAS["responses"].to_schema().unique
        collector.add((0, 1), Failure(ctx.file, _rows(candidates.index[exact.to_numpy()]), None,
                                      f"each combination of ({', '.join(unique)}) to appear only once "
                                      "(duplicate rows)"))
    clash = ~exact & (candidates["participant_id"] != 0)
    if clash.any():
        collector.add((1, 0), Failure(ctx.file, _rows(candidates.index[clash.to_numpy()]), "participant_id",
                                      "one answer per participant, wave, rater and item once identifiers are trimmed "
                                      "and compared ignoring case",
                                      tuple(np.asarray(pid.texts, dtype=object)[candidates.loc[clash, "participant_id"]])))
