"""The reader of ``where_it_works.csv`` and the cohort reports, run before the table is published.

:mod:`~evaluation.reports.programme_report.where_disclosure` suppresses the pooled counts of
``where_it_works.csv`` cell by cell against the counts the cohort reports withhold. A reader who
holds the programme's table and the cohort reports can go further: the remainder a pooled
count reveals, set against what a cohort report publishes on the other side of a group (its
participants, its completers), gives that cohort's *complements* (people without a pair of
scores, non-completers), and chains of such differences reach further. :func:`where_leaks`
plays that reader, in memory, with the true counts: every count of the programme and of each
cohort, for every group of the table (one-way; crossed for the programme), published or not, tied
by the lines a reader knows, and asks which counts from 1 to threshold − 1 follow exactly
(:func:`evaluation.stats.disclosure.attack.derivable`). The publish layer's audit
(:mod:`evaluation.publish.programme_audit`) reads the files on disk again with whole-number
arithmetic; this in-memory reader is what lets the table be suppressed until both pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from evaluation.stats.disclosure.attack import derivable

__all__ = ["PROGRAMME", "programme_known", "remedies", "where_leaks"]

#: The source of the programme's own (pooled) counts.
PROGRAMME = "programme"


def programme_known(table: pd.DataFrame) -> set[tuple[str, str, str]]:
    """The ``(quantity, dimension, category)`` counts that ``where_it_works`` publishes.

    ``participants`` gives ``enrolled``; ``completion_share`` × ``participants`` gives
    ``completed``; ``n_pairs`` gives ``pairs:<scale>:<comparison>:<rater>``;
    ``reliable_improvement_share`` × ``n_pairs`` gives ``improved:…``.

    Examples
    --------
    >>> row = pd.DataFrame({"dimension": ["sector"], "category": ["health"], "scale": ["s"], "comparison": ["pre_post"],
    ...                     "rater": ["self"], "participants": [9], "completion_share": [np.nan], "n_pairs": [7],
    ...                     "reliable_improvement_share": [np.nan]})
    >>> sorted(programme_known(row))
    [('enrolled', 'sector', 'health'), ('pairs:s:pre_post:self', 'sector', 'health')]
    """
    known = set()
    for r in table.to_dict("records"):
        dim, cat, pop = r["dimension"], r["category"], f"{r['scale']}:{r['comparison']}:{r['rater']}"
        people, pairs = not pd.isna(r["participants"]), not pd.isna(r["n_pairs"])
        for on, q in ((people, "enrolled"), (people and not pd.isna(r["completion_share"]), "completed"),
                      (pairs, f"pairs:{pop}"), (pairs and not pd.isna(r["reliable_improvement_share"]),
                                                f"improved:{pop}")):
            if on:
                known.add((q, dim, cat))
    return known


def where_leaks(people: pd.DataFrame, quantities: Mapping[str, tuple[np.ndarray, str | None]], groups: Sequence,
                crossings: Sequence[tuple[str, str]], shown: set, published: Mapping, *, threshold: int,
                all_label: str = "all", cross: str = " × ") -> list[tuple]:
    """The counts from 1 to threshold − 1 that a reader of the programme and cohort reports can work out.

    Parameters
    ----------
    people : DataFrame
        One row per participant of the programme, with ``cohort``.
    quantities : mapping
        Each quantity (complements included) → (who counts in it, its parent quantity or None):
        ``enrolled``; ``completed`` / ``noncompleted`` (parent ``enrolled``); ``pairs:…`` /
        ``nopair:…`` (parent ``enrolled``); ``improved:…`` / ``notimproved:…`` (parent ``pairs:…``).
    groups : sequence of (str, str, ndarray)
        Every group of the table, the whole programme first (``where_groups``).
    crossings : sequence of (str, str)
    shown : set
        ``(quantity, dimension, category)`` published by the programme (:func:`programme_known`).
    published : mapping
        ``(cohort, quantity, dimension, category)`` published by the cohort reports
        (``cohort_published``); whole-cohort counts are published too.
    threshold : int

    Returns
    -------
    list of tuple
        ``(source, quantity, dimension, category, value)`` per count worked out (source
        :data:`PROGRAMME` or a cohort), sorted; empty when the table is safe. A group that is
        the whole of its source (everyone in the cohort) is not a small group.

    Notes
    -----
    Cells: every quantity × group, for the programme and each cohort (a cohort's crossed cells
    are left out: no report publishes them, and their lines only restate the pooled ones). Lines: a pooled count is
    the sum of the cohorts' counts; in each source a dimension's categories add up to its total
    and a crossing's cells to each of its margins; a group's parent count is each quantity plus
    its complement. Known: what the programme and the cohort reports publish, and each
    cohort's whole-cohort counts. A count is worked out when it is the same in every solution
    of the lines (:func:`~evaluation.stats.disclosure.attack.derivable`, scipy ``null_space``),
    taken one family of quantities at a time (completion; each population's pairs and reliable
    improvers), each with the participants, sharing what one family reveals until nothing new
    follows. Bounds (counts are whole and not negative; a ``primary`` row is small) can tell a
    reader more: the programme's own audit
    (:func:`evaluation.publish.programme_audit.audit_programme_folder`) checks the published
    files again with them.

    Examples
    --------
    Health: 9 pooled, published; cohort 1 publishes 6; cohort 2 withholds its own 3.

    >>> people = pd.DataFrame({"cohort": [1] * 20 + [2] * 20,
    ...                        "sector": ["health"] * 6 + ["la"] * 14 + ["health"] * 3 + ["la"] * 17})
    >>> groups = [("all", "all", np.ones(40, dtype=bool))] + [
    ...     ("sector", c, (people["sector"] == c).to_numpy()) for c in ("health", "la")]
    >>> quantities = {"enrolled": (np.ones(40, dtype=bool), None)}
    >>> shown = {("enrolled", "sector", "health"), ("enrolled", "sector", "la")}
    >>> where_leaks(people, quantities, groups, [], shown, {(1, "enrolled", "sector", "health"): True}, threshold=5)
    [('2', 'enrolled', 'sector', 'health', 3.0)]
    """
    cohort = people["cohort"].to_numpy()
    sources = [(PROGRAMME, np.ones(len(people), dtype=bool))] + [
        (str(c), cohort == c) for c in sorted(set(cohort.tolist()))]
    index: dict[tuple, int] = {}
    truth: list[float] = []
    for s, smask in sources:
        for q, (qmask, _) in quantities.items():
            for dim, cat, gmask in groups:
                if s != PROGRAMME and cross in dim:  # a cohort's crossed cells add no line the reader lacks
                    continue
                index[(s, q, dim, cat)] = len(truth)
                truth.append(float((smask & qmask & gmask).sum()))
    known: list[float | None] = [None] * len(truth)
    for (s, q, dim, cat), i in index.items():
        if dim == all_label and s != PROGRAMME:  # whole-cohort counts
            known[i] = truth[i]
        elif s == PROGRAMME and (dim == all_label or (q, dim, cat) in shown):
            known[i] = truth[i]
        elif s != PROGRAMME and published.get((int(s) if s.isdigit() else s, q, dim, cat)):
            known[i] = truth[i]
    dims: dict[str, list[str]] = {}
    for dim, cat, _ in groups:
        if dim != all_label:
            dims.setdefault(dim, []).append(cat)
    lines: list[tuple[int, list[int]]] = []
    cohorts = [s for s, _ in sources[1:]]
    for q, (_, parent) in quantities.items():
        for dim, cat, _ in groups:  # pooled = Σ cohorts
            if cross not in dim:
                lines.append((index[(PROGRAMME, q, dim, cat)], [index[(s, q, dim, cat)] for s in cohorts]))
        for s, _ in sources:
            for dim, cats in dims.items():
                if cross not in dim:
                    lines.append((index[(s, q, all_label, all_label)], [index[(s, q, dim, c)] for c in cats]))
            for a, b in crossings if s == PROGRAMME else ():
                name = f"{a}{cross}{b}"
                for d, side in ((a, 0), (b, 1)):
                    for cat in dims.get(d, []):
                        parts = [index[(s, q, name, c)] for c in dims.get(name, []) if c.split(cross)[side] == cat]
                        lines.append((index[(s, q, d, cat)], parts))
            if parent and not q.startswith(("noncompleted", "nopair", "notimproved")):
                kind, _, rest = q.partition(":")
                other = _COMPLEMENT[kind] + (f":{rest}" if rest else "")
                for dim, cat, _ in groups:
                    if (s, parent, dim, cat) in index:
                        lines.append((index[(s, parent, dim, cat)], [index[(s, q, dim, cat)], index[(s, other, dim, cat)]]))
    small = [i for i, k in enumerate(index) if known[i] is None and 1 <= truth[i] < threshold
             and not _whole(index, truth, k, all_label)]
    if not small:
        return []
    keys = list(index)
    families = [[q for q, (_, p) in quantities.items() if q == "enrolled" or p == "enrolled" and ":" not in q]]
    families += [["enrolled", q, *(o for o, (_, p) in quantities.items() if p == q or p == "enrolled"
                                   and o.partition(":")[2] == q.partition(":")[2] and o != q)]
                 for q in quantities if q.startswith("pairs:")]
    systems = []
    for family in families:
        members = set(family)
        cells = [i for i, k in enumerate(keys) if k[1] in members]
        local = {c: j for j, c in enumerate(cells)}
        systems.append((cells, [(local[t], [local[p] for p in parts]) for t, parts in lines
                                if t in local and all(p in local for p in parts)]))
    # which cells were unknown when each family was last asked: what follows depends on nothing else, so a
    # family is asked again only once another has revealed some of its cells
    asked: list[tuple[bool, ...] | None] = [None] * len(systems)
    while True:  # each family of quantities on its own, sharing what one family reveals of the participants
        before = sum(k is not None for k in known)
        for f, (cells, sub) in enumerate(systems):
            unknown = tuple(known[c] is None for c in cells)
            if unknown == asked[f]:
                continue
            asked[f] = unknown
            found = derivable([known[c] for c in cells], sub)
            for c, hit in zip(cells, found, strict=True):
                if hit:
                    known[c] = truth[c]
        if sum(k is not None for k in known) == before:
            break
    return sorted((*keys[i], truth[i]) for i in small if known[i] is not None)


_COMPLEMENT = {"completed": "noncompleted", "pairs": "nopair", "improved": "notimproved"}


def _whole(index: dict, truth: list[float], key: tuple, all_label: str) -> bool:
    """Is the cell's group everyone in its source (a whole cohort is not a small group)?"""
    s, _, dim, cat = key
    return truth[index[(s, "enrolled", dim, cat)]] == truth[index[(s, "enrolled", all_label, all_label)]]


#: The published quantity a count's leak is stopped at: its own, or the one it is the complement of.
_PUBLISHED = {"enrolled": "enrolled", "completed": "completed", "noncompleted": "completed", "pairs": "pairs",
              "nopair": "pairs", "improved": "improved", "notimproved": "improved"}


def remedies(leaks: list[tuple], shown: set, force: dict) -> dict[tuple[str, str, str], str]:
    """The published cells to suppress next, for each count a reader can still work out.

    First the group's own published count of the leaked kind (``pairs`` for people without a
    pair); when that is already hidden, every published count of the group; then every
    published count of that kind in the dimension; then every published count of the dimension.
    """
    more: dict[tuple[str, str, str], str] = {}
    for source, quantity, dim, cat, value in leaks:
        kind, _, rest = quantity.partition(":")
        target = _PUBLISHED[kind] + (f":{rest}" if rest else "")
        who = "the programme" if source == "programme" else f"cohort {source}"
        reason = f"secondary: else {value:g} ({quantity}, {dim}={cat}, {who}) follow from the cohort reports"
        for candidates in ([(target, dim, cat)], [k for k in shown if k[1:] == (dim, cat)],
                           [k for k in shown if k[0] == target and k[1] == dim],
                           [k for k in shown if k[1] == dim]):
            new = [k for k in candidates if k in shown and k not in force and k not in more]
            if new:
                more |= dict.fromkeys(new, reason)
                break
    return more
