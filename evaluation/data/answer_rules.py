"""The answers' rules across tables and parameters, run on a block's dictionary codes (issue 13).

Split from :mod:`evaluation.data.answers` (which reads the blocks, parses their texts and runs the
schema and the whole-table rules): here are the failures' bookkeeping across blocks
(:class:`Collector`) and the rules that compare an answer with the participants and the
parameters (:func:`cross_rules`), in the order :func:`evaluation.data.validate.validate_programme`
lists them. Each rule is first decided once per distinct text (a per-code table), and only when
some code breaks it are the block's rows looked up, so that a clean block costs a few passes over
its codes, not one per rule.

Nothing here touches the disk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evaluation.core.errors import Failure
from evaluation.data.params import Instrument, Programme
from evaluation.data.rules import EARLIEST_DATE, ROW_OFFSET, parse_column

__all__ = ["Collector", "Context", "coded_failure", "cross_rules", "failure", "folded", "parsed", "rows_of"]

#: datetime64's missing value (NaT) as int64.
_NAT = np.iinfo(np.int64).min


class Collector:
    """Failures of the rules, merged across blocks: one failure per rule, rows and values in row order.

    Each rule has a *slot* (its place in the order the rules are written); :meth:`failures` lists
    them in that order, whatever block first broke them.

    Examples
    --------
    >>> collector = Collector()
    >>> collector.add((1, 2), Failure("r.csv", (5,), "wave", "a wave", ("x",)))
    >>> collector.add((1, 1), Failure("r.csv", (3,), "wave", "a wave", ("y",)))
    >>> collector.add((1, 2), Failure("r.csv", (9,), "wave", "a wave", ("z",)))
    >>> [(f.rows, f.values) for f in collector.failures(1)]
    [((3,), ('y',)), ((5, 9), ('x', 'z'))]
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


@dataclass
class Context:
    """What the rules compare the answers with: files as shown, parameters, the participants."""

    file: str
    participants_file: str
    programme: Programme
    instruments: Mapping[str, Instrument]
    known: set[str] | None  #: the participants' identifiers, trimmed and case-folded
    #: the folded identifiers (as object texts) and each one's enrolment date (its first row's)
    enrolled: tuple[pd.Index, np.ndarray] | None
    today: pd.Timestamp = field(default_factory=lambda: pd.Timestamp.today().normalize())


def rows_of(index: np.ndarray) -> tuple[int, ...]:
    """Spreadsheet rows of the 0-based data rows ``index``."""
    return tuple(int(i) + ROW_OFFSET for i in index)


def failure(file, index, bad, column, rule, shown=None, codes=None) -> Failure | None:
    """The failure of the rows where ``bad``, their values ``shown[codes]``; None when no row is bad."""
    if not bad.any():
        return None
    return Failure(file, rows_of(index[bad]), column, rule, () if shown is None else tuple(shown[codes[bad]]))


def coded_failure(file, index, codes, bad_code, column, rule, shown=None) -> Failure | None:
    """:func:`failure` of the rows whose code is bad (``bad_code[codes]``), the rows looked up only
    when some code is bad."""
    if not bad_code.any():
        return None
    return failure(file, index, bad_code[codes], column, rule, shown, codes)


def folded(texts: list[str | None]) -> list[str | None]:
    """The identifiers as pseudonymise folds them (case ignored)."""
    return [t.casefold() if t is not None else None for t in texts]


def parsed(texts: list[str | None], kind: str) -> np.ndarray:
    """The parsed value of each text (NaN / NaT when it does not parse or is empty)."""
    values = parse_column(pd.Series(texts, dtype=object), kind)
    if kind == "date":
        return values.to_numpy(dtype="datetime64[ns]")
    return values.to_numpy(dtype=float, na_value=np.nan)


def _day_texts(dates: np.ndarray) -> np.ndarray:
    return pd.DatetimeIndex(dates).strftime("%Y-%m-%d").to_numpy(dtype=object)


def cross_rules(row, texts, labels, index, collector: Collector, ctx: Context) -> None:
    """The rules across tables and parameters (phase 1) on one block's codes ``row``, in the order
    :func:`evaluation.data.validate.validate_programme` lists them."""
    file, pf = ctx.file, ctx.participants_file
    dates = None
    if "responded_on" in row:
        dates = labels["responded_on"].property("date", lambda t: parsed(t, "date"))
        for slot, bad, rule in ((1, ~np.isnat(dates) & (dates > ctx.today.to_datetime64()),
                                 f"a date no later than today ({ctx.today.date()})"),
                                (2, ~np.isnat(dates) & (dates < EARLIEST_DATE.to_datetime64()),
                                 f"a date no earlier than {EARLIEST_DATE.date()}")):
            if bad.any():
                collector.add((1, slot), coded_failure(file, index, row["responded_on"], bad, "responded_on", rule,
                                                       _day_texts(dates)))
    if "participant_id" in row and ctx.known is not None:
        pid = labels["participant_id"]
        known = pid.property("known", lambda t: np.array([f is None or f in ctx.known for f in folded(t)]))
        collector.add((1, 3), coded_failure(file, index, row["participant_id"], ~known, "participant_id",
                                            f"a participant_id that exists in {pf}", np.asarray(pid.texts, dtype=object)))
        if dates is not None and ctx.enrolled is not None:
            _before_enrolment(row, dates, pid, index, collector, ctx)
    if not {"instrument", "item", "value", "wave", "rater"} <= set(row):
        return
    inst = row["instrument"]
    names = texts["instrument"]
    programme_ok = np.isin(names, list(ctx.programme.instruments)) | (names == None)  # noqa: E711
    collector.add((1, 5), coded_failure(file, index, inst, ~programme_ok, "instrument",
                                        f"an instrument of the programme (programme.yaml `instruments`: "
                                        f"{ctx.programme.instruments})", names))
    values = labels["value"].property("number", lambda t: parsed(t, "number"))
    for k, (name, instrument) in enumerate(ctx.instruments.items()):
        code = labels["instrument"].codes.get(name)
        if code is None:
            continue
        mine = np.flatnonzero(inst == code)  # this instrument's rows: each rule looks at them only
        if len(mine):
            _instrument_rules(k, name, instrument, {c: row[c][mine] for c in ("item", "value", "wave", "rater")},
                              texts, values, index[mine], collector, file)


def _before_enrolment(row, dates, pid, index, collector: Collector, ctx: Context) -> None:
    """Answers dated before the participant's enrolment (``enrolled_on``)."""
    ids, enrolled_on = ctx.enrolled

    def since_of(texts: list[str | None]) -> np.ndarray:
        at = ids.get_indexer(pd.Index(folded(texts), dtype=object))
        since = enrolled_on[np.maximum(at, 0)]
        since[at < 0] = np.datetime64("NaT")
        return since

    since = pid.property("enrolled", since_of)
    # as integers: a blank enrolment is before every date, a blank answer date after every enrolment
    start = np.where(np.isnat(since), _NAT, since.view(np.int64))
    when = np.where(np.isnat(dates), np.iinfo(np.int64).max, dates.view(np.int64))
    if not (when < start.max(initial=_NAT)).any():
        return
    early = when[row["responded_on"]] < start[row["participant_id"]]
    collector.add((1, 4), failure(ctx.file, index, early, "responded_on",
                                  f"a date no earlier than the participant's enrolment (`enrolled_on` in "
                                  f"{ctx.participants_file})", _day_texts(dates), row["responded_on"]))


def _instrument_rules(k: int, name: str, instrument: Instrument, row: dict[str, np.ndarray], texts, values,
                      index: np.ndarray, collector: Collector, file: str) -> None:
    """The rules of one instrument on its rows (``row``, ``index``): items, response range, and the
    waves and raters of each scale."""
    item = row["item"]
    scale_of = {i: s for s, scale in instrument.scales.items() for i in scale.items}
    scale_names = list(instrument.scales)
    scale_code = np.array([scale_names.index(scale_of[t]) if t in scale_of else -1 for t in texts["item"]])
    scale_code[0] = len(scale_names)  # an empty item: reported as missing, not as an unknown item
    scale_row = scale_code[item]
    collector.add((1, 6, k, 0), failure(file, index, scale_row < 0, "item",
                                        f"an item of instrument {name!r} (params/instruments/{name}.yaml)",
                                        texts["item"], item))
    low, high = instrument.response_range
    outside = ~np.isnan(values) & ((values < low) | (values > high))
    if outside.any():
        collector.add((1, 6, k, 1), coded_failure(file, index, row["value"], outside, "value",
                                                  f"a value within {name!r}'s response range [{low:g}, {high:g}] "
                                                  "or blank", np.array([f"{v:g}" for v in values], dtype=object)))
    for m, column in enumerate(("wave", "rater")):
        # allowed[scale, code]: whether the scale is answered at that wave / by that rater
        allowed = np.ones((len(scale_names) + 2, len(texts[column])), dtype=bool)
        for j, s in enumerate(scale_names):
            allowed[j] = np.isin(texts[column], instrument.scale_waves(s) if m == 0 else instrument.scale_raters(s))
            allowed[j, 0] = True
        if allowed.all():
            continue
        bad = ~allowed.ravel()[scale_row * allowed.shape[1] + row[column]]
        if not bad.any():
            continue
        for j, s in enumerate(scale_names):
            rule = (f"a wave at which scale {s!r} of {name!r} is answered: {instrument.scale_waves(s)}" if m == 0
                    else f"a rater who answers scale {s!r} of {name!r}: {instrument.scale_raters(s)}")
            collector.add((1, 6, k, 2, j, m), failure(file, index, bad & (scale_row == j), column, rule,
                                                      texts[column], row[column]))
