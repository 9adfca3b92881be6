"""The differencing audit across reports: a programme report read together with its cohort reports.

A programme report (``reports/<programme>/programme/``) publishes counts of people in groups
pooled over the programme's cohorts; each cohort report (``reports/<programme>/cohort-<n>/``)
publishes the same groups' counts for its own cohort, with its own suppression. A reader who
holds both can subtract: the pooled count of a group, less what the cohort reports published
for it, is what the cohorts that withheld it have between them. This module reads the published
CSV files alone, as that reader would, and fails when a small count follows.

What the reader holds:

* from the programme report (``tables/``): the pooled groups, ``equity_pooled.csv``
  (participants per dimension × category) and ``where_it_works.csv`` (participants,
  completers as completion share × participants, and pairs per dimension × category × scale ×
  comparison × rater, where a dimension may be a crossing such as ``framework_area ×
  role_level`` with category ``a × b``, and the row ``all``/``all`` is the whole programme);
  and whole-cohort rows (``programme_outcomes.csv``, ``outcome_trends.csv``,
  ``cost_trends.csv`` and any other table with a ``cohort`` column and no ``dimension``): each
  cohort's enrolments (``enrolled``), completers (``completed``) and pairs (``n_pairs`` per
  scale, comparison and rater; ``n_pairs_post`` and ``n_pairs_follow_up``);
* from each cohort report: ``equity.csv``, ``equity_council_areas.csv`` and
  ``equity_completion.csv`` (participants, and completers as rate × participants),
  ``breakdowns.csv`` and ``equity_outcome_change.csv`` (pairs), ``attrition.csv`` and
  ``outcomes.csv`` (the cohort's totals);
* the arithmetic: a pooled count is the sum of the cohorts' counts; within each report, a
  dimension's categories add up to the total and a crossing's cells add up to its one-way
  margins (so the programme's categories add up to Σ cohort enrolments); each group's
  participants are its completers plus its non-completers, and those with plus those without a
  pair of scores; a row labelled ``primary`` holds 1 to threshold − 1 in its one hidden count
  (a row hiding two counts bounds neither); a category a cohort's table does not list has none
  (the cohort tables list their zeros, and ``breakdowns.csv`` omits groups without pairs); a
  cell of a crossing that ``where_it_works.csv`` does not list has nobody in it (the crossing
  lists every cell with participants); any other row the programme's tables do not list is
  unknown.

What fails (CONTRACT section 5.3):

* everything :func:`~evaluation.publish.disclosure_audit.audit_folder` finds in the programme
  folder on its own (its findings against its tables);
* a pooled count from 1 to threshold − 1 published in the programme's tables;
* **the withheld remainder**: a pooled count less the counts the cohort reports published for
  the same group, when some cohorts withheld theirs and the remainder is from 1 to
  threshold − 1 (the problem names the table, the row, the cohorts and the number);
* any other count of a group (in one cohort, or pooled, or in a crossing) that only one whole
  number fits, from 1 to threshold − 1, given everything above (an integer programme:
  :func:`evaluation.stats.disclosure.exact.exact_counts`);
* tables that contradict each other (the audit cannot vouch for them).

A group that is a whole cohort (or the whole programme) is not a small group. Pooled means and
estimates are not audited by differencing: the programme report pools by random effects, which
is not a sum of the cohorts' published sums.

The audit reads what is on disk: the cohort reports under ``reports/<programme>/`` must be built
(or already there) before the programme report is audited, and a cohort report rebuilt later
is audited against the programme report by :func:`audit_programme_folder` again (``verify``).
Cohorts with no report on disk enter through the programme's own whole-cohort rows only.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.core.checks import check_name
from evaluation.core.io import read_csv_if_exists
from evaluation.core.vocabulary import UNDECLARED
from evaluation.publish.disclosure_audit import DifferencingAudit, audit_folder
from evaluation.publish.programme_cells import (
    COHORT_TABLES,
    POOLED_TABLES,
    PROGRAMME,
    Book,
    add_lines,
    cohort_label,
    describe,
    read_flow,
    read_groups,
    read_totals,
)
from evaluation.stats.disclosure.exact import exact_counts

__all__ = ["audit_programme", "audit_programme_folder", "audit_programme_tables"]

#: What a pooled count counts, in the withheld remainder's words.
NOUNS = {"enrolled": "participants", "completed": "completers", "pairs": "pairs"}


def audit_programme_tables(tables: Mapping[str, pd.DataFrame], cohorts: Mapping[str, Mapping[str, pd.DataFrame]],
                           *, threshold: int) -> DifferencingAudit:
    """Audit a programme report's tables against differencing with each other and with its cohort reports.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The programme report's published tables by file stem (:data:`POOLED_TABLES` and the
        whole-cohort tables), as read back from their CSV files.
    cohorts : mapping of str to mapping of str to DataFrame
        Each cohort report's published tables (:data:`COHORT_TABLES`, ``attrition``,
        ``outcomes``) by cohort label (``"2"``); cohorts without a report may be left out.
    threshold : int
        The disclosure threshold of the programme report (the strictest of its cohorts').

    Returns
    -------
    DifferencingAudit

    Notes
    -----
    See the module's description for what the reader holds and what fails. Counts worked out
    exactly: :func:`evaluation.stats.disclosure.exact.exact_counts` (scipy ``milp``).

    Examples
    --------
    Sector 'b' pooled over two cohorts has 9 participants; cohort 1 published 6 and cohort 2
    withheld its own, so cohort 2's 3 follow.

    >>> pooled = pd.DataFrame({"dimension": "sector", "category": ["a", "b"], "participants": [20, 9],
    ...                        "suppressed": ""})
    >>> one = pd.DataFrame({"dimension": "sector", "category": ["a", "b"], "participants": [10, 6],
    ...                     "suppressed": ""})
    >>> two = pd.DataFrame({"dimension": "sector", "category": ["a", "b"], "participants": [None, None],
    ...                     "suppressed": ["secondary", "primary"]})
    >>> audit = audit_programme_tables({"equity_pooled": pooled}, {"1": {"equity": one}, "2": {"equity": two}},
    ...                                threshold=5)
    >>> print(audit.problems[0])
    programme/equity_pooled, row sector = 'b': the programme publishes 9 participants and cohort 1 publishes 6, so cohort 2 has 3 (from 1 to 4)
    """
    if isinstance(threshold, bool) or not isinstance(threshold, (int, np.integer)) or threshold < 1:
        raise ValueError(f"`threshold` must be a whole number of at least 1, got {threshold!r}")
    book = Book(int(threshold))
    families: dict[str, dict[tuple, set]] = {}
    whole_cohorts: set[str] = set()
    for name, table in tables.items():
        if name in POOLED_TABLES:
            for family, groups in read_groups(book, PROGRAMME, name, table, POOLED_TABLES[name]).items():
                families.setdefault(PROGRAMME, {}).setdefault(family, set()).update(groups)
        elif "cohort" in table.columns and "dimension" not in table.columns:
            whole_cohorts |= read_totals(book, lambda row: cohort_label(row.get("cohort")), table,
                                         f"programme/{name}")
    for source, published in cohorts.items():
        source = str(source)
        for name, counts in COHORT_TABLES.items():
            if published.get(name) is not None and len(published[name]):
                for family, groups in read_groups(book, source, name, published[name], counts).items():
                    families.setdefault(source, {}).setdefault(family, set()).update(groups)
        if published.get("attrition") is not None:
            read_flow(book, source, published["attrition"], f"cohort-{source}/attrition")
        if published.get("outcomes") is not None:
            read_totals(book, lambda row, s=source: s, published["outcomes"], f"cohort-{source}/outcomes")
    members = sorted(whole_cohorts or {str(s) for s in cohorts}, key=lambda s: (len(s), s))
    add_lines(book, families, members)
    problems = list(book.problems) + _check(book, members)
    return DifferencingAudit(tuple(problems), len(book.index))


def _check(book: Book, members: Sequence[str]) -> list[str]:
    """The problems: small pooled counts published, withheld remainders, counts worked out, contradictions."""
    t = book.threshold
    keys = sorted(book.index, key=book.index.get)
    for total, parts in book.lines:
        if all(c in book.known for c in (total, *parts)) and abs(book.known[total] - sum(book.known[c] for c in parts)) > 1e-6:
            return [f"{describe(keys[total])} is not the sum of its parts as published: the published tables "
                    "contradict each other, so the audit cannot vouch for them"]
    hidden = [i for i, k in enumerate(keys) if k[3] and i not in book.known]
    known = [book.known.get(i) for i in range(len(keys))]
    lower = [1.0 if i in book.primary else 0.0 for i in range(len(keys))]
    upper = [float(t - 1) if i in book.primary else math.inf for i in range(len(keys))]
    found = exact_counts(known, book.lines, lower, upper, hidden, within=(1, t - 1))
    if found is None:
        return ["the counts published by the programme report and its cohort reports contradict each other, "
                "so the audit cannot vouch for them"]
    value = dict(book.known) | {i: v for i, v in zip(hidden, found, strict=True) if not np.isnan(v)}
    sizes = set()  # is a small count's group the whole cohort? its size, worked out in full
    for i, v in zip(hidden, found, strict=True):
        size = book.index.get((keys[i][0], "enrolled", (), keys[i][3]))
        if not np.isnan(v) and size is not None and size not in value:
            sizes.add(size)
    if sizes:
        whole_sizes = exact_counts(known, book.lines, lower, upper, sorted(sizes))
        value |= {i: v for i, v in zip(sorted(sizes), whole_sizes, strict=True) if not np.isnan(v)}

    def whole(i: int) -> bool:
        source, _, _, group = keys[i]
        everyone = value.get(book.index.get((source, "enrolled", (), ()), -1))
        mine = value.get(book.index.get((source, "enrolled", (), group), -1))
        return everyone is not None and mine is not None and abs(everyone - mine) < 0.5

    touching: dict[int, set[int]] = {}
    for total, parts in book.lines:
        for c in (total, *parts):
            touching.setdefault(c, set()).update((total, *parts))

    def tables_of(i: int) -> str:  # the tables of the cells within two lines of the cell
        linked = set().union(*(touching.get(c, set()) for c in touching.get(i, {i})))
        return ", ".join(sorted(set().union(*(book.tables.get(c, set()) for c in linked | {i}))))

    problems, named = [], set()
    for i, key in enumerate(keys):
        source, kind, population, group = key
        if source != PROGRAMME or not group or i not in book.known or whole(i):
            continue
        n = book.known[i]
        if 1 <= n < t:
            problems.append(f"{describe(key)} is published and is {n:g}, from 1 to {t - 1} "
                            f"(table: {tables_of(i)})")
            continue
        cohort_cells = [book.index.get((c, *key[1:])) for c in members]
        withheld = [c for c, j in zip(members, cohort_cells, strict=True) if j not in book.known]
        if len(group) != 1 or not withheld or any(j is None for j in cohort_cells):
            continue
        rest = n - sum(book.known.get(j, 0.0) for j in cohort_cells)
        if 1 <= rest < t and not all(whole(book.index[(c, *key[1:])]) for c in withheld):
            named.update(book.index[(c, *key[1:])] for c in withheld)
            shown = [c for c in members if c not in withheld]
            table = sorted(x for x in book.tables.get(i, ()) if x.startswith("programme/"))
            problems.append(
                f"{', '.join(table) or 'programme'}, row {_row(key)}: the programme publishes {n:g} {NOUNS[kind]} and "
                + (f"cohort{'s' if len(shown) > 1 else ''} {', '.join(shown)} publish"
                   f"{'' if len(shown) > 1 else 'es'} {n - rest:g}, so " if shown else "no cohort publishes its own, so ")
                + (f"cohort {withheld[0]} has {rest:g}" if len(withheld) == 1 else
                   f"cohorts {', '.join(withheld)} have {rest:g} between them") + f" (from 1 to {t - 1})")
    for i, v in zip(hidden, found, strict=True):
        if not np.isnan(v) and 1 <= v < t and i not in named and not whole(i):
            problems.append(f"{describe(keys[i])} can be worked out: {v:g}, from 1 to {t - 1} "
                            f"(tables: {tables_of(i)})")
    return problems + _small_unions(book, keys, value, named)


def _small_unions(book: Book, keys: list, value: Mapping[int, float], named: set) -> list[str]:
    """Lines whose total is known and whose two or more unknown parts hold from 1 to threshold − 1
    between them: those groups together are a group too, and its count follows.

    Not a problem: parts that are all of those who did not declare a characteristic
    (:data:`~evaluation.core.vocabulary.UNDECLARED`), whose number is a whole-cohort figure the
    reports publish on purpose (the declaration rate, METHODS: "declaration rates are reported").
    """
    t, problems, seen = book.threshold, [], set()
    for total, parts in book.lines:
        unknown = tuple(sorted(c for c in parts if c not in value))
        if total not in value or len(unknown) < 2 or unknown in seen or set(unknown) <= named:
            continue
        if all(keys[c][3] and keys[c][3][-1][1] in UNDECLARED for c in unknown):
            continue
        rest = value[total] - sum(value[c] for c in parts if c in value)
        if 1 <= rest < t and rest != value[total]:  # all of the total: a whole-cohort (or programme) figure
            seen.add(unknown)
            problems.append(f"{describe(keys[total])} is known, and its withheld parts "
                            f"({'; '.join(describe(keys[c]) for c in unknown)}) have {rest:g} between them, "
                            f"from 1 to {t - 1}")
    return problems


def _row(key: tuple) -> str:
    _, _, population, group = key
    return ", ".join([" and ".join(f"{d} = {c!r}" for d, c in group), *population])


def _read_folder(folder: Path, stems) -> dict[str, pd.DataFrame]:
    tables = {}
    for path in sorted((folder / "tables").glob("*.csv")):
        if stems is None or path.stem in stems:
            frame = read_csv_if_exists(path)
            if frame is not None:
                tables[path.stem] = frame
    return tables


def audit_programme(folder: Path | str, cohort_folders: Sequence[Path | str], *, threshold: int) -> DifferencingAudit:
    """Audit a programme report's folder on its own and against the cohort reports in ``cohort_folders``.

    Parameters
    ----------
    folder : path
        The programme report (``tables/*.csv``, ``findings.json``).
    cohort_folders : sequence of path
        The cohort reports of the same programme (``cohort-<n>`` folders); missing ones are skipped.
    threshold : int
        The programme report's disclosure threshold.

    Returns
    -------
    DifferencingAudit
        :func:`~evaluation.publish.disclosure_audit.audit_folder`'s problems on the programme
        folder, then :func:`audit_programme_tables`'.
    """
    folder = Path(folder)
    own = audit_folder(folder, threshold=threshold)
    cohorts = {}
    for path in map(Path, cohort_folders):
        label = cohort_label(path.name)
        if label is not None and (path / "tables").is_dir():
            cohorts[label] = _read_folder(path, {*COHORT_TABLES, "attrition", "outcomes"})
    across = audit_programme_tables(_read_folder(folder, None), cohorts, threshold=threshold)
    return DifferencingAudit((*own.problems, *across.problems), own.cells + across.cells)


def audit_programme_folder(folder: Path | str, reports_dir: Path | str, programme: str, *,
                           threshold: int) -> DifferencingAudit:
    """:func:`audit_programme` against the cohort reports found in ``<reports_dir>/<programme>/cohort-*/``.

    The pipeline builds (or finds) the cohort reports first, then calls this on the programme
    report before publishing it (``evaluate``) and again in ``verify``.
    """
    base = Path(reports_dir) / check_name(programme, "programme")
    found = sorted((p for p in base.glob("cohort-*") if p.is_dir() and cohort_label(p.name) is not None),
                   key=lambda p: int(cohort_label(p.name)))
    return audit_programme(folder, found, threshold=threshold)
