"""What a reader reads from a cohort's published tables: counts and sums as cells, and the
additive relations (lines) between them, one ledger per dimension; the differencing audit
(:mod:`evaluation.publish.disclosure_audit`) then asks which cells a reader can work out.

The cells of a dimension (``key`` → cell): ``("enrolled", category)`` participants;
``("completed", category)`` and ``("noncompleted", category)`` completers and the rest;
``("pairs", population, category)`` and ``("nopair", population, category)`` people with and
without a pair of scores of a population (scale, comparison, rater); ``("sum", population,
statistic, category)`` the sum of their scores (``pre``, ``post``, ``change``). The category
``"*"`` is the whole cohort. The lines: a population's groups add up to its total, each group's
people split into completers and the rest and into those with and without a pair, before plus
change is after.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from evaluation.core.vocabulary import UNDECLARED

__all__ = ["ALL", "STATISTICS", "Ledger", "describe", "number", "read_ledgers"]

ALL = "*"
STATISTICS = ("pre", "post", "change")


@dataclass
class Ledger:
    """Cells of one dimension: known values, labels, lines, where each value was read."""

    threshold: int
    index: dict[tuple, int] = field(default_factory=dict)
    known: dict[int, float] = field(default_factory=dict)
    primary: set[int] = field(default_factory=set)
    source: dict[int, str] = field(default_factory=dict)
    lines: list[tuple[int, list[int]]] = field(default_factory=list)
    #: Populations of paired scores broken down in this dimension, with the categories listed.
    populations: dict[tuple, set[str]] = field(default_factory=dict)
    #: Populations whose tables omit the groups without pairs (``breakdowns.csv``) or without people
    #: (``equity_outcome_change.csv``): a group either omits has no pairs.
    omitted_are_zero: set[tuple] = field(default_factory=set)

    def cell(self, key: tuple) -> int:
        return self.index.setdefault(key, len(self.index))

    def publish(self, key: tuple, value: float, table: str) -> None:
        i = self.cell(key)
        self.known.setdefault(i, float(value))
        self.source.setdefault(i, table)

    def label(self, key: tuple, flag: str) -> None:
        if flag == "primary":
            self.primary.add(self.cell(key))

    def line(self, total: tuple, parts: list[tuple]) -> None:
        self.lines.append((self.cell(total), [self.cell(p) for p in parts]))


def number(value) -> float | None:
    """A table's cell as a number; None when it is empty or not a number (a suppressed cell)."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def _flag(value) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def describe(key: tuple, dimension: str) -> str:
    """A cell in words, for the audit's problems (e.g. "the number of participants with sector = 'b'")."""
    kind = key[0]
    group = f"{dimension} = {key[-1]!r}"
    if kind == "enrolled":
        return f"the number of participants with {group}"
    if kind == "completed":
        return f"the number with {group} who completed the programme"
    if kind == "noncompleted":
        return f"the number with {group} who did not complete the programme"
    scale, comparison, rater = key[1]
    if kind == "pairs":
        return f"the number with {group} with {rater} scores for both waves of {comparison} on {scale}"
    if kind == "nopair":
        return f"the number with {group} without {rater} scores for both waves of {comparison} on {scale}"
    return f"the sum of {key[2]} scores ({rater}, {comparison}, {scale}) of those with {group}"


def read_ledgers(tables: Mapping[str, pd.DataFrame], *, threshold: int) -> dict[str, Ledger]:
    """One ledger per dimension from the published tables (by file stem; missing ones are
    skipped), with the whole-cohort totals of ``attrition.csv`` and ``outcomes.csv`` and every
    line between the cells.

    Examples
    --------
    >>> tables = {"equity": pd.DataFrame({"dimension": ["sector", "sector"], "category": ["a", "b"],
    ...                                   "participants": [10, None], "suppressed": ["", "primary"]})}
    >>> book = read_ledgers(tables, threshold=5)["sector"]
    >>> sorted(book.index), book.known, sorted(book.primary)
    ([('enrolled', '*'), ('enrolled', 'a'), ('enrolled', 'b')], {0: 10.0}, [1])
    >>> book.lines
    [(2, [0, 1])]
    """
    dimensions: dict[str, Ledger] = {}

    def ledger(dimension: str) -> Ledger:
        return dimensions.setdefault(str(dimension), Ledger(threshold))

    totals: dict[tuple, float] = {}
    attrition = tables.get("attrition")
    if attrition is not None and len(attrition):
        flow = attrition[attrition["section"] == "flow"].set_index("stage")["n"]
        for stage, kind in (("enrolled", "enrolled"), ("completed_programme", "completed")):
            if stage in flow.index and number(flow[stage]) is not None:
                totals[(kind,)] = number(flow[stage])
    decl = tables.get("equity_declaration")
    if decl is not None:
        for row in decl.itertuples():
            n = number(row.participants)
            if n is not None:
                totals.setdefault(("enrolled",), n)
                rate = number(row.declaration_rate)
                if rate is not None:
                    ledger(row.dimension).publish(("undeclared", ALL), n - round(rate * n), "equity_declaration")
    pair_totals: dict[tuple, dict[str, float]] = {}
    outcomes = tables.get("outcomes")
    if outcomes is not None:
        for row in outcomes.itertuples():
            n = number(row.n_pairs)
            if n is None:
                continue
            pair_totals[(row.scale, row.comparison, row.rater)] = {
                "n": n, **{s: number(getattr(row, f"mean_{s}", None)) for s in STATISTICS}}

    completion_lists: dict[str, set[str]] = {}  # the groups with people, by dimension: omitted means none
    for name in ("equity", "equity_council_areas", "equity_completion"):
        table = tables.get(name)
        if table is None:
            continue
        for row in table.itertuples():
            dimension = getattr(row, "dimension", "local_authority")
            book = ledger(dimension)
            key = ("enrolled", str(row.category))
            if name == "equity_completion":
                completion_lists.setdefault(str(dimension), set()).add(str(row.category))
            book.cell(key)
            book.label(key, _flag(row.suppressed))
            n = number(row.participants)
            if n is not None:
                book.publish(key, n, name)
            if name == "equity_completion":
                rate = number(row.completion_rate)
                if n is not None and rate is not None:
                    book.publish(("completed", str(row.category)), round(rate * n), name)
                else:
                    book.cell(("completed", str(row.category)))

    group_stats: list[tuple[str, pd.DataFrame]] = []
    for name in ("breakdowns", "equity_outcome_change"):
        table = tables.get(name)
        if table is not None and len(table):
            group_stats.append((name, table.assign(rater=table["rater"] if "rater" in table else "self")))
    for name, table in group_stats:
        for (dimension, scale, comparison, rater), rows in table.groupby(
                ["dimension", "scale", "comparison", "rater"], sort=False):
            book = ledger(dimension)
            population = (scale, comparison, rater)
            listed = set()
            for row in rows.itertuples():
                category = str(row.category)
                listed.add(category)
                key = ("pairs", population, category)
                book.cell(key)
                book.label(key, _flag(row.suppressed))
                n = number(row.n_pairs)
                if n is None:
                    continue
                book.publish(key, n, name)
                means = {"change": number(row.mean_change), "pre": number(getattr(row, "mean_pre", None)),
                         "post": number(getattr(row, "mean_post", None))}
                for statistic, mean in means.items():
                    if mean is not None:
                        book.publish(("sum", population, statistic, category), mean * n, name)
            book.populations.setdefault(population, set()).update(listed)
            book.omitted_are_zero.add(population)  # both tables list every group with people

    for dimension, listed in completion_lists.items():
        book = ledger(dimension)
        for key in [k for k in book.index if k[0] == "enrolled" and k[-1] != ALL and k[-1] not in listed]:
            book.publish(key, 0, "equity_completion")
    for book in dimensions.values():
        _lines(book, totals, pair_totals)
    return dimensions


def _lines(book: Ledger, totals: dict, pair_totals: dict) -> None:
    """Add the totals and the additive relations of one dimension's cells."""
    categories = sorted({k[-1] for k in book.index if k[0] in ("enrolled", "pairs") and k[-1] != ALL})
    enrolled = [("enrolled", c) for c in categories]
    if ("enrolled",) in totals:
        book.publish(("enrolled", ALL), totals[("enrolled",)], "attrition")
    book.line(("enrolled", ALL), enrolled)
    undeclared = [("enrolled", c) for c in categories if c in UNDECLARED]
    if ("undeclared", ALL) in book.index and undeclared:
        book.line(("undeclared", ALL), undeclared)
    if any(k[0] == "completed" for k in book.index):
        if ("completed",) in totals:
            book.publish(("completed", ALL), totals[("completed",)], "attrition")
        for c in categories:
            book.line(("enrolled", c), [("completed", c), ("noncompleted", c)])
        book.line(("completed", ALL), [("completed", c) for c in categories])
        book.line(("noncompleted", ALL), [("noncompleted", c) for c in categories])
        book.line(("enrolled", ALL), [("completed", ALL), ("noncompleted", ALL)])
    for population, listed in book.populations.items():
        whole = pair_totals.get(population, {})
        if "n" in whole:
            book.publish(("pairs", population, ALL), whole["n"], "outcomes")
        for c in categories:
            if c not in listed and population in book.omitted_are_zero:
                book.publish(("pairs", population, c), 0, "breakdowns")
                for statistic in STATISTICS:
                    book.publish(("sum", population, statistic, c), 0, "breakdowns")
            book.line(("enrolled", c), [("pairs", population, c), ("nopair", population, c)])
        book.line(("pairs", population, ALL), [("pairs", population, c) for c in categories])
        book.line(("nopair", population, ALL), [("nopair", population, c) for c in categories])
        book.line(("enrolled", ALL), [("pairs", population, ALL), ("nopair", population, ALL)])
        for statistic in STATISTICS:
            if whole.get(statistic) is not None:
                book.publish(("sum", population, statistic, ALL), whole[statistic] * whole["n"], "outcomes")
            book.line(("sum", population, statistic, ALL),
                      [("sum", population, statistic, c) for c in categories])
        for c in [*categories, ALL]:
            book.line(("sum", population, "post", c),
                      [("sum", population, "pre", c), ("sum", population, "change", c)])
