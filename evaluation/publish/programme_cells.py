"""The cells a reader of a programme report and its cohort reports holds, and the lines between them.

Used by :mod:`evaluation.publish.programme_audit` (which describes the reader). A cell is
``(source, kind, population, group)``: ``source`` a cohort's label (``"2"``) or
:data:`PROGRAMME`; ``kind`` ``enrolled`` (participants), ``pairs`` (people with scores at both
waves) or ``nopair`` (people without); ``population`` ``(scale, comparison, rater)`` for pairs,
``()`` for participants; ``group`` ``((dimension, category), ...)`` sorted by dimension, one
pair per part of a crossing, ``()`` for everyone. A line ``(total, parts)`` says
``cell[total] == sum(cell[parts])``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

__all__ = ["COHORT_TABLES", "COMPLEMENTS", "CROSSING", "POOLED_TABLES", "PROGRAMME", "Book", "add_lines",
           "cohort_label", "describe", "read_flow", "read_groups", "read_totals"]

#: The programme's tables of pooled groups: file stem -> (count column, kind of count, rate column or None),
#: a rate column giving the count ``round(rate × count)``.
POOLED_TABLES = {
    "equity_pooled": (("participants", "enrolled", None),),
    "where_it_works": (("participants", "enrolled", None), ("participants", "completed", "completion_share"),
                       ("n_pairs", "pairs", None)),
}
#: The cohort tables of groups, likewise.
COHORT_TABLES = {
    "equity": (("participants", "enrolled", None),),
    "equity_council_areas": (("participants", "enrolled", None),),
    "equity_completion": (("participants", "enrolled", None), ("participants", "completed", "completion_rate")),
    "breakdowns": (("n_pairs", "pairs", None),),
    "equity_outcome_change": (("n_pairs", "pairs", None),),
}
#: Each split of a group's participants: the kind of count and the kind of its complement.
COMPLEMENTS = {"pairs": "nopair", "completed": "noncompleted"}
#: ``dimension`` of a row that is the whole programme or cohort.
WHOLE = ("all", "*")
PROGRAMME = "programme"
#: How a crossing is written in ``dimension`` and ``category`` (``a×b``; ``a x b`` and ``a|b`` also read).
CROSSING = re.compile(r"\s*[×|]\s*|\s+x\s+")
#: Columns of whole-cohort pairs in trend tables, by the comparison they count.
TREND_PAIRS = {"n_pairs_post": "pre_post", "n_pairs_follow_up": "pre_follow_up"}


@dataclass
class Book:
    """Every count cell of the programme and its cohorts: ``(source, kind, population, group)``."""

    threshold: int
    index: dict[tuple, int] = field(default_factory=dict)
    known: dict[int, float] = field(default_factory=dict)
    primary: set[int] = field(default_factory=set)
    tables: dict[int, set[str]] = field(default_factory=dict)
    lines: list[tuple[int, list[int]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def cell(self, key: tuple) -> int:
        return self.index.setdefault(key, len(self.index))

    def publish(self, key: tuple, value: float, table: str) -> None:
        i = self.cell(key)
        self.tables.setdefault(i, set()).add(table)
        if i in self.known and abs(self.known[i] - value) > 1e-6:
            self.problems.append(f"{describe(key)} is {self.known[i]:g} in one table and {value:g} in "
                                 f"{table}: the published tables contradict each other")
        self.known.setdefault(i, float(value))

    def line(self, total: tuple, parts: list[tuple]) -> None:
        self.lines.append((self.cell(total), [self.cell(p) for p in parts]))


def _num(value) -> float | None:
    """A cell read as a number; None for a blank, text or a missing value."""
    x = pd.to_numeric(pd.Series([value], dtype=object), errors="coerce").iloc[0]
    return None if pd.isna(x) else float(x)


def cohort_label(value) -> str | None:
    """A cohort's label (``2``) from ``2``, ``2.0``, ``'cohort-2'``; None for a programme row."""
    text = re.sub(r"^cohort[-_ ]?", "", str(value).strip(), flags=re.IGNORECASE)
    number = _num(text)
    return str(int(number)) if number is not None and number == int(number) else None


def _group(dimension, category) -> tuple:
    """``((dimension, category), ...)`` sorted by dimension; a crossing gives one pair per part."""
    dims, cats = CROSSING.split(str(dimension).strip()), CROSSING.split(str(category).strip())
    if len(dims) != len(cats):
        dims, cats = [str(dimension)], [str(category)]
    return tuple(sorted(zip(dims, cats, strict=True)))


def describe(key: tuple) -> str:
    source, kind, population, group = key
    who = " and ".join(f"{d} = {c!r}" for d, c in group) or "everyone"
    where = "the programme" if source == PROGRAMME else f"cohort {source}"
    if kind == "enrolled":
        return f"{where}: the number of participants with {who}"
    if kind in ("completed", "noncompleted"):
        return f"{where}: the number with {who} who {'did not complete' if kind == 'noncompleted' else 'completed'} " \
               "the programme"
    scale, comparison, rater = population
    has = "with" if kind == "pairs" else "without"
    return f"{where}: the number with {who} {has} {rater} scores for both waves of {comparison} on {scale}"


def read_groups(book: Book, source: str, name: str, table: pd.DataFrame, counts: tuple) -> dict:
    """Publish one table's group counts and labels; the (kind, population, dimension) families it lists.

    ``counts``: (count column, kind, rate column or None) per count a row holds. A row labelled
    ``primary`` bounds its count (1 to threshold − 1) when exactly one of its counts is hidden.
    """
    listed: dict[tuple, set] = {}
    label = f"{'programme' if source == PROGRAMME else 'cohort-' + source}/{name}"
    for row in table.to_dict("records"):
        dimension = row.get("dimension", "local_authority")
        group = () if str(dimension) in WHOLE else _group(dimension, row["category"])
        hidden = []
        for column, kind, rate in counts:
            if column not in row or (rate is not None and rate not in row):
                continue
            population = (str(row["scale"]), str(row["comparison"]), str(row.get("rater") or "self")) \
                if kind in ("pairs", "nopair") else ()
            key = (source, kind, population, group)
            n = _num(row.get(column))
            if rate is not None and n is not None:
                n = None if _num(row.get(rate)) is None else round(_num(row.get(rate)) * n)
            if n is not None:
                book.publish(key, n, label)
            else:
                book.tables.setdefault(book.cell(key), set()).add(label)
                hidden += [key] if rate is None else []
            listed.setdefault((kind, population, tuple(d for d, _ in group)), set()).add(group)
        if str(row.get("suppressed") or "") == "primary" and len(hidden) == 1:
            book.primary.add(book.cell(hidden[0]))
    return {family: groups for family, groups in listed.items() if family[2]}


def read_totals(book: Book, source_of, table: pd.DataFrame, label: str) -> set[str]:
    """Whole-cohort enrolments, completers and pairs from a table with a ``cohort`` column (or a cohort's own)."""
    cohorts = set()
    for row in table.to_dict("records"):
        source = source_of(row)
        if source is None:
            continue
        cohorts.add(source)
        for kind in ("enrolled", "completed"):
            if _num(row.get(kind)) is not None:
                book.publish((source, kind, (), ()), _num(row[kind]), label)
        if {"scale", "rater"} <= row.keys():
            pairs = dict(TREND_PAIRS)
            if "comparison" in row:
                pairs["n_pairs"] = str(row["comparison"])
            for column, comparison in pairs.items():
                if _num(row.get(column)) is not None:
                    population = (str(row["scale"]), comparison, str(row["rater"]))
                    book.publish((source, "pairs", population, ()), _num(row[column]), label)
    return cohorts


def read_flow(book: Book, source: str, attrition: pd.DataFrame, label: str) -> None:
    """A cohort's enrolments and completers from its ``attrition.csv`` (section ``flow``)."""
    for row in attrition[attrition["section"] == "flow"].to_dict("records"):
        kind = {"enrolled": "enrolled", "completed_programme": "completed"}.get(row.get("stage"))
        if kind is not None and _num(row.get("n")) is not None:
            book.publish((source, kind, (), ()), _num(row["n"]), label)


def add_lines(book: Book, families: dict[str, dict[tuple, set]], members: Sequence[str]) -> None:
    """Each report's families add up to their margins; pooled cells are sums of cohorts' cells."""
    categories: dict[str, set] = {}
    for by_family in families.values():
        for groups in by_family.values():
            for group in groups:
                for d, c in group:
                    categories.setdefault(d, set()).add(c)
    complete = {(s, family) for s, by_family in families.items() if s != PROGRAMME for family in by_family}
    wanted = {s: dict.fromkeys(by_family) for s, by_family in families.items()}
    for (kind, population, dims) in families.get(PROGRAMME, {}):
        if len(dims) > 1:  # a crossing lists every cell with participants: a cell it does not list has none
            complete |= {(PROGRAMME, (kind, population, dims)), (PROGRAMME, ("enrolled", (), dims))}
        if len(dims) == 1:
            for source in members:
                wanted.setdefault(source, {}).setdefault((kind, population, dims))
    for by_family in wanted.values():
        for (kind, population, dims) in [f for f in by_family if f[0] in COMPLEMENTS]:
            by_family.setdefault(("enrolled", (), dims))
            by_family.setdefault((COMPLEMENTS[kind], population, dims))
    for source, by_family in wanted.items():
        for family in by_family:
            kind, population, dims = family
            cells = [tuple(zip(dims, combo, strict=True))
                     for combo in _product([sorted(categories.get(d, ())) for d in dims])]
            for group in cells:
                key = (source, kind, population, group)
                if (source, family) in complete and key not in book.index:
                    book.publish(key, 0, "programme/where_it_works" if source == PROGRAMME else
                                 f"cohort-{source}/{'breakdowns' if kind == 'pairs' else 'equity'}")
                book.cell(key)
                if kind in COMPLEMENTS:
                    book.line((source, "enrolled", (), group), [key, (source, COMPLEMENTS[kind], population, group)])
            for j in range(len(dims)):
                parents: dict[tuple, list] = {}
                for group in cells:
                    parents.setdefault(group[:j] + group[j + 1:], []).append((source, kind, population, group))
                for parent, children in parents.items():
                    book.line((source, kind, population, parent), children)
            if kind in COMPLEMENTS:
                book.line((source, "enrolled", (), ()), [(source, kind, population, ()),
                                                          (source, COMPLEMENTS[kind], population, ())])
    if members:
        for key in [k for k in book.index if k[0] == PROGRAMME and len(k[3]) <= 1]:
            book.line(key, [(source, *key[1:]) for source in members])
        book.line((PROGRAMME, "enrolled", (), ()), [(source, "enrolled", (), ()) for source in members])


def _product(lists: list[list]) -> list[tuple]:
    out: list[tuple] = [()]
    for values in lists:
        out = [(*prefix, v) for prefix in out for v in values]
    return out
