"""The differencing audit: what a reader can work out from everything a cohort's reports publish.

Disclosure control is decided table by table (:mod:`evaluation.stats.disclosure`) and jointly
across a cohort's tables (:mod:`evaluation.reports.disclosure_plan`). This module checks the
result as an attacker would, from the published CSV files alone, in every ``evaluate`` (which
fails rather than publish) and every ``verify``. The tables are read into cells and the lines
between them by :mod:`evaluation.publish.disclosure_ledger`; this module asks which cells a
reader can work out.

What the attacker reads (``tables/``):

* the whole-cohort totals: ``attrition.csv`` (enrolled, completed the programme) and
  ``outcomes.csv`` (pairs and their mean before, after and change per scale, comparison and
  rater);
* group counts: ``equity.csv`` and ``equity_council_areas.csv`` (participants),
  ``equity_completion.csv`` (participants, and completers as rate × participants),
  ``equity_declaration.csv`` (people who did not declare, as participants × (1 − rate));
* group statistics: ``breakdowns.csv`` and ``equity_outcome_change.csv`` (pairs and mean
  change, before and after), ``attrition.csv`` (baseline means of those with and without a
  later score).

What the attacker knows beyond the numbers: within each dimension, the groups of any
population add up to the population's total; each group's people split into completers and
non-completers, and into those with and without a pair of scores; a row labelled ``primary``
holds a count from 1 to threshold − 1 (``secondary`` and ``withheld`` rows: any count);
zeros are published; a group missing from
``breakdowns.csv`` has no pairs.

What fails the audit (CONTRACT section 5.3, METHODS "Disclosure control"):

* a group's count of people from 1 to threshold − 1 that is published or can be worked out
  exactly (unless the group is the whole cohort, whose figures are published anyway) — including complements (non-completers, people without a pair of scores) and counts
  hidden in one table but published in another;
* the sum (so the mean) of a group's scores that can be worked out exactly by subtraction while
  the group may have fewer than threshold people;
* a statistic published for fewer than threshold people (e.g. the baseline mean of 3
  drop-outs);
* published tables that contradict each other (the audit cannot vouch for them);
* a finding whose value or interval is not a cell of the table it cites (the summaries are
  written from the findings and the tables, so nothing else reaches them);
* a headline of the cohort index page (``index.html``) that is not a finding's statement.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.core.vocabulary import UNDECLARED
from evaluation.publish.audit_files import (
    AUDITED_TABLES,
    DisclosureAuditError,
    read_tables,
    statements_outside_tables,
    table_hashes,
)
from evaluation.publish.disclosure_ledger import ALL, Ledger, describe, number, read_ledgers
from evaluation.publish.findings_audit import findings_outside_tables
from evaluation.stats.disclosure.attack import count_intervals, derivable
from evaluation.stats.disclosure.worked_out import worked_out

__all__ = [
    "AUDITED_TABLES",
    "DifferencingAudit",
    "DisclosureAuditError",
    "audit_folder",
    "audit_table_files",
    "audit_tables",
    "findings_outside_tables",
]


@dataclass(frozen=True)
class DifferencingAudit:
    """The audit's findings: one line per problem (empty when nothing can be worked out)."""

    problems: tuple[str, ...]
    cells: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def __repr__(self) -> str:
        return f"DifferencingAudit({'ok' if self.ok else f'{len(self.problems)} problems'}, {self.cells} cells)"


def audit_tables(tables: Mapping[str, pd.DataFrame], *, threshold: int) -> DifferencingAudit:
    """Audit a cohort's published tables against differencing.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Published tables by file stem (:data:`AUDITED_TABLES`; missing ones are skipped), as
        read back from their CSV files.
    threshold : int
        The disclosure threshold the report used.

    Returns
    -------
    DifferencingAudit

    Examples
    --------
    Two groups of a cohort of 12: the first has 10 participants (published) and the second is
    suppressed, but the cohort's size gives it away.

    >>> tables = {
    ...     "attrition": pd.DataFrame({"section": ["flow"], "stage": ["enrolled"], "n": [12]}),
    ...     "equity": pd.DataFrame({"dimension": ["sector", "sector"], "category": ["a", "b"],
    ...                             "participants": [10, None], "suppressed": ["", "primary"]}),
    ... }
    >>> for problem in audit_tables(tables, threshold=5).problems:
    ...     print(problem)
    the number of participants with sector = 'b' can be worked out (tables: attrition, equity)
    """
    attrition = tables.get("attrition")
    problems = _small_statistics(attrition, threshold) if attrition is not None and len(attrition) else []
    dimensions = read_ledgers(tables, threshold=threshold)
    for dimension, book in dimensions.items():
        problems += _check(book, dimension)
    return DifferencingAudit(tuple(problems), sum(len(book.index) for book in dimensions.values()))


def _small_statistics(attrition: pd.DataFrame, threshold: int) -> list[str]:
    """Baseline means published for fewer than ``threshold`` people."""
    problems = []
    rows = attrition[attrition["section"] == "baseline_comparison"]
    for row in rows.itertuples():
        for group in ("with_later", "without_later"):
            n, mean = number(getattr(row, f"n_{group}")), number(getattr(row, f"mean_{group}"))
            if n is not None and 1 <= n < threshold and mean is not None:
                problems.append(f"attrition: the baseline mean of {row.scale} ({row.rater}) is published for "
                                f"{int(n)} people {group.replace('_later', ' a later')} score (fewer than {threshold})")
    return problems


def _check(book: Ledger, dimension: str) -> list[str]:
    keys = sorted(book.index, key=book.index.get)
    count_cells = [i for i, k in enumerate(keys) if k[0] != "sum"]
    is_count = np.zeros(len(keys), dtype=bool)
    is_count[count_cells] = True
    t = book.threshold
    count_lines = [(a, b) for a, b in book.lines if is_count[a]]
    sum_lines = [(a, b) for a, b in book.lines if not is_count[a]]
    known = [book.known.get(i) if is_count[i] else 0.0 for i in range(len(keys))]
    lower = [1.0 if i in book.primary else 0.0 for i in range(len(keys))]
    upper = [float(t - 1) if i in book.primary else math.inf for i in range(len(keys))]
    # each count a reader can work out exactly (nan: more than one value is possible)
    found = worked_out(known, count_lines, lower, upper, count_cells)
    problems = []
    broken = any(all(c in book.known for c in (a, *b)) and abs(book.known[a] - sum(book.known[c] for c in b)) > 1e-6
                 for a, b in count_lines)
    if broken or found is None:
        return [f"{dimension}: the published counts contradict each other, so the audit cannot vouch for them"]
    worked = dict(zip(count_cells, found.tolist(), strict=True))

    def tables_of(i: int) -> str:
        linked = {book.source[c] for total, parts in book.lines if i in (total, *parts)
                  for c in (total, *parts) if c in book.source}
        return ", ".join(sorted(linked | ({book.source[i]} if i in book.source else set())))

    everyone = book.known.get(book.index.get(("enrolled", ALL), -1))
    whole = {k[-1] for i, k in enumerate(keys) if k[0] == "enrolled" and k[-1] != ALL and everyone is not None
             and abs(worked[i] - everyone) < 0.5}
    for i in count_cells:
        key = keys[i]
        if key[-1] == ALL or key[-1] in whole:  # whole-cohort figures (the undeclared total among them)
            continue
        if i in book.known:
            value = book.known[i]
            if 1 <= value < t:
                problems.append(f"{describe(key, dimension)} is published and is from 1 to {t - 1} "
                                f"(table: {book.source[i]})")
        elif not math.isnan(worked[i]) and 1 <= round(worked[i]) < t:
            problems.append(f"{describe(key, dimension)} can be worked out (tables: {tables_of(i)})")
    value = {i: float(w) for i, w in worked.items() if not math.isnan(w)} | {i: book.known[i] for i in count_cells
                                                                               if i in book.known}
    for total, parts in count_lines:  # withheld groups together are a group too (those not declaring aside:
        unknown = [c for c in parts if c not in value]  # their number is the published declaration rate)
        if total not in value or len(unknown) < 2 or all(keys[c][-1] in UNDECLARED for c in unknown):
            continue
        rest = value[total] - sum(value[c] for c in parts if c in value)
        if 1 <= round(rest) < t and round(rest) != round(value[total]):  # not all of them: a whole-cohort figure
            problems.append(f"{describe(keys[total], dimension)} is known, and its withheld groups "
                            f"({'; '.join(describe(keys[c], dimension) for c in unknown)}) have {rest:g} between "
                            f"them, from 1 to {t - 1} (tables: {tables_of(total)})")
    sums_known = [book.known.get(i) if not is_count[i] else 0.0 for i in range(len(keys))]
    derived = [i for i in np.flatnonzero(derivable(sums_known, sum_lines)).tolist()
               if keys[i][-1] != ALL and keys[i][-1] not in whole]
    size_of = {i: book.index[("pairs", keys[i][1], keys[i][-1])] for i in derived}  # each sum's group size
    if derived:  # the group sizes' intervals, for these cells only
        low, high = count_intervals(known, count_lines, lower, upper, only=sorted(set(size_of.values())))
    for i in derived:
        key, n = keys[i], size_of[i]
        if low[n] < t and high[n] >= 1:
            problems.append(f"{describe(key, dimension)} can be worked out while the group may have fewer than "
                            f"{t} people (tables: {tables_of(i)})")
    return problems


def audit_folder(folder: Path | str, *, threshold: int) -> DifferencingAudit:
    """:func:`audit_tables` on the CSV files under ``<folder>/tables/``, and the findings against them.

    Every number of ``findings.json`` (value and interval) must be a cell of the table it cites
    (:func:`findings_outside_tables`), so that the summaries, which are written from the
    findings and the tables, add nothing the audit has not read; and every headline of the
    cohort index page ``index.html`` must be a finding's statement, word for word
    (:func:`evaluation.publish.cohort_index.index_outside_findings`).
    """
    tables = read_tables(folder)
    result = audit_tables({k: v for k, v in tables.items() if k in AUDITED_TABLES}, threshold=threshold)
    extra = statements_outside_tables(folder, tables)
    return DifferencingAudit((*result.problems, *extra), result.cells) if extra else result


def audit_table_files(folder: str, threshold: int) -> dict:
    """:func:`audit_tables` on the audited tables under ``<folder>/tables/``, as JSON: what a child
    of the report kernels' fork server returns (:meth:`evaluation.publish.kernel_fork.ForkServer.call`).

    Returns
    -------
    dict
        ``problems`` (list of str) and ``cells`` as in :class:`DifferencingAudit`; ``read``: the
        SHA-256 of each table read, by file stem (:func:`~evaluation.publish.audit_files.table_hashes`),
        or None when a table changed while it was read. The result holds for those bytes only.
    """
    before = table_hashes(folder)
    result = audit_tables(read_tables(folder, AUDITED_TABLES), threshold=threshold)
    after = table_hashes(folder)
    return {"problems": list(result.problems), "cells": result.cells, "read": after if after == before else None}
