"""Disclosure control of ``where_it_works.csv``: pooled group counts that no cohort report can undo.

The programme's table pools each group's people over the cohorts. Each of its counts is a cell
of one :func:`~evaluation.stats.disclosure.protect` problem for the whole programme:

* quantities: ``enrolled`` (participants), ``completed`` and its complement ``noncompleted``,
  and for each population of paired scores (scale × comparison × rater) ``pairs:…`` with its
  complement ``nopair:…``, and ``improved:…`` (reliable improvers: share × pairs) with its
  complement ``notimproved:…``; complements are never published but can be worked out;
* groups: the whole programme (published, exempt), every category of framework area, role
  level and sector, and every cell of the crossings framework area × role level and role level
  × sector;
* lines: each dimension's categories add up to the programme total; a crossing's cells add up
  to each one-way margin (row and column); each group's participants are its completers plus
  non-completers and its people with a pair plus those without; its pairs are its improvers
  plus the rest.

And the cohort reports: a pooled count is the sum of the cohorts' counts, and each cohort report
publishes some of them (``equity.csv``: participants per sector and role level;
``equity_completion.csv``: completion rate × participants; ``breakdowns.csv`` and
``equity_outcome_change.csv``: pairs of the self-rated first comparison of each level-2 scale),
with its own suppression. Subtracting the published cohort counts from a pooled count gives the
sum of the counts the cohort reports withheld; a pooled cell is therefore suppressed (forced)
whenever that sum is from 1 to threshold − 1, and a count of paired scores whenever it is not 0
(a cohort withholds five or more pairs only to protect the few without them). A pooled count whose
every part the cohort reports publish is known to their reader whatever this table does: it is
never suppressed (hiding it would protect nothing), and a crossing's row or column never counts
on it as hidden (Leading to Deliver's professional practice × senior managers: 122 pairs from the
five breakdowns, less the 63 + 5 + 51 of the other role levels, gave 3). What each cohort report withholds is read from
its own decision, :func:`~evaluation.reports.disclosure_plan.disclosure_plan`, with the flags
its tables use. What a withheld remainder reveals further, against the other side of a group
that a cohort report publishes (its participants less the pairs worked out = its people
without a pair), is found by :mod:`~evaluation.reports.programme_report.where_attack` once the
table is written, and suppressed through ``force``.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from evaluation.data.programme import ProgrammeData
from evaluation.reports.disclosure_plan import disclosure_plan, pair_populations
from evaluation.reports.programme_report.plans import CohortPlans
from evaluation.reports.programme_report.where_crossings import (
    WITHHELD,
    known_anyway,
    protect_crossing,
)
from evaluation.reports.programme_report.where_words import CROSS, lost_words
from evaluation.stats import disclosure

__all__ = ["ALL", "CROSS", "WITHHELD", "WhereCells", "cohort_published", "protect_where", "where_groups",
           "with_complements"]

#: The category (and dimension) of the whole programme's row.
ALL = "all"


def where_groups(people: pd.DataFrame, dimensions: Sequence[str],
                 crossings: Sequence[tuple[str, str]]) -> list[tuple[str, str, np.ndarray]]:
    """Every group of the table: ``(dimension, category, member mask)``, the whole programme first.

    One-way categories in sorted order; a crossing's cells are every pair of its two
    dimensions' categories (zeros included, so that a reader's margins are complete).
    """
    groups = [(ALL, ALL, np.ones(len(people), dtype=bool))]
    cats = {d: sorted(people[d].unique()) for d in dimensions}
    for d in dimensions:
        groups += [(d, c, (people[d] == c).to_numpy()) for c in cats[d]]
    for a, b in crossings:
        for i, j in itertools.product(cats[a], cats[b]):
            groups.append((f"{a}{CROSS}{b}", f"{i}{CROSS}{j}", ((people[a] == i) & (people[b] == j)).to_numpy()))
    return groups


def _complement(quantity: str) -> str:
    kind, _, rest = quantity.partition(":")
    return {"completed": "noncompleted", "pairs": "nopair", "improved": "notimproved"}[kind] + (f":{rest}" if rest else "")


def cohort_published(data: ProgrammeData, quantities: Sequence[str], dimensions: Sequence[str], *,
                     plans: CohortPlans | None = None) -> dict:
    """Which (cohort, quantity, dimension, category) counts the cohort reports publish.

    Parameters
    ----------
    data : ProgrammeData
    quantities : sequence of str
        ``enrolled``, ``completed``, ``noncompleted``, ``pairs:…``, ``nopair:…``, ``improved:…``,
        ``notimproved:…`` (populations as :attr:`~evaluation.reports.disclosure_plan.Population.key`).
    dimensions : sequence of str

    Returns
    -------
    dict
        ``{(cohort, quantity, dimension, category): True}`` for every count a cohort report shows
        (or that follows from two it shows); anything absent is withheld. Crossings and reliable
        improvers by group are never published by a cohort report.

    Notes
    -----
    Per cohort, from its :func:`~evaluation.reports.disclosure_plan.disclosure_plan`, with the
    flags its tables use: ``equity.csv`` shows ``enrolled`` where ``plan.flag("enrolled")`` is
    empty, for its equity dimensions; ``equity_completion.csv`` shows completers (and so
    non-completers) where ``plan.row_flag(["enrolled", "completed"])`` is empty;
    ``breakdowns.csv`` and ``equity_outcome_change.csv`` show the pairs of each population of
    :func:`~evaluation.reports.disclosure_plan.pair_populations` where
    ``plan.row_flag([population, "enrolled"])`` is empty, and those without a pair follow when
    the participants are shown too.
    """
    shown: dict = {}
    for cohort_data in data:
        number = cohort_data.cohort.cohort
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", disclosure.DisclosureRiskWarning)
            plan = disclosure_plan(cohort_data) if plans is None else plans(cohort_data)
        equity = set(cohort_data.cohort.equity.dimensions)
        populations = {p.key: dims for p, dims in pair_populations(cohort_data).items()}
        cats = plan.cells[["dimension", "category"]].drop_duplicates()
        cats = cats[(cats["category"] != "*") & cats["dimension"].isin(list(dimensions))]
        for dim, cat in cats.itertuples(index=False):
            enrolled = dim in equity and plan.flag("enrolled", dim, cat) == ""
            completed = dim in equity and plan.row_flag(["enrolled", "completed"], dim, cat) == ""
            found = {"enrolled": enrolled, "completed": completed, "noncompleted": completed and enrolled}
            for q in quantities:
                if q.startswith("pairs:") and dim in populations.get(q, ()):
                    found[q] = plan.row_flag([q, "enrolled"], dim, cat) == ""
                    found[_complement(q)] = found[q] and enrolled
            for q in quantities:
                if found.get(q):
                    shown[(number, q, dim, cat)] = True
    return shown


@dataclass(frozen=True, repr=False)
class WhereCells:
    """The outcome of :func:`protect_where`: one row per quantity × group.

    ``cells``: ``quantity, dimension, category, count, withheld_by_cohorts, flag, reason``;
    ``withheld_by_cohorts`` is the sum of the group's counts that the cohort reports do not
    publish. ``flag`` is ``""``, ``"primary"``, ``"secondary"`` or ``"withheld"`` (a quantity withheld for a
    whole dimension or crossing, where no choice of cells to suppress protects every small count).
    """

    cells: pd.DataFrame
    threshold: int
    unprotected: tuple[str, ...] = ()
    #: (quantity, dimension) of the cells that stayed unprotected (withheld as a whole).
    lost: tuple[tuple[str, str], ...] = ()

    @cached_property
    def _lookup(self) -> dict:
        return dict(zip(zip(self.cells["quantity"], self.cells["dimension"], self.cells["category"], strict=True),
                        self.cells["flag"], strict=True))

    def flag(self, quantity: str, dimension: str, category: str) -> str:
        """The flag of one cell (``""`` for a cell it does not hold)."""
        return self._lookup.get((quantity, dimension, category), "")

    def known(self, quantity: str, dimension: str, category: str) -> bool:
        """Whether a reader of the cohort reports knows the pooled count anyway (:func:`~evaluation.reports.programme_report.where_crossings.known_anyway`)."""
        row = self._rows.get((quantity, dimension, category))
        return row is not None and known_anyway(row[0], row[1], self.threshold)

    @cached_property
    def _rows(self) -> dict:
        return dict(zip(zip(self.cells["quantity"], self.cells["dimension"], self.cells["category"], strict=True),
                        zip(self.cells["count"], self.cells["withheld_by_cohorts"], strict=True), strict=True))

    def log(self) -> pd.DataFrame:
        """The suppression log (:data:`~evaluation.stats.disclosure.LOG_COLUMNS`): evaluator only."""
        hidden = self.cells[self.cells["flag"] != ""]
        return pd.DataFrame({"table": "where_it_works", "dimension": hidden["dimension"],
                             "category": hidden["category"], "column": hidden["quantity"],
                             "value": hidden["count"].astype("float64"), "reason": hidden["reason"]},
                            columns=disclosure.LOG_COLUMNS).reset_index(drop=True)


def protect_where(people: pd.DataFrame, masks: dict[str, np.ndarray], groups: list, published: dict,
                  *, threshold: int, crossings: Sequence[tuple[str, str]],
                  force: Mapping[tuple[str, str, str], str] | None = None,
                  titles: Mapping[str, str] | None = None,
                  linked: Mapping[tuple[str, str], bool] | None = None) -> WhereCells:
    """Suppress the pooled counts of ``where_it_works.csv`` (see the module docstring).

    Parameters
    ----------
    people : DataFrame
        One row per participant of the programme, with ``cohort``.
    masks : dict of str to ndarray of bool
        Each published quantity (``enrolled``, ``completed``, ``pairs:…``, ``improved:…``) → who
        counts in it; complements are added here.
    groups : list
        From :func:`where_groups`.
    published : dict
        From :func:`cohort_published`.
    threshold : int
    crossings : sequence of (str, str)
    force : mapping, optional
        ``(quantity, dimension, category)`` → reason: published cells to suppress as well
        (``secondary``), as :func:`where_it_works` finds them with
        :func:`~evaluation.reports.programme_report.where_attack.where_leaks`.
    titles : mapping, optional
        Scale titles, for the warning.
    linked : mapping, optional
        ``(dimension, category)`` → whether another table of the report publishes the group's
        pooled places (``equity_pooled``): shown there, the count is known and never suppressed
        here; withheld there, it is withheld here too.

    Returns
    -------
    WhereCells

    Warns
    -----
    DisclosureRiskWarning
        A suppressed count could still be worked out and nothing was left to suppress.

    Notes
    -----
    Two stages. First the one-way groups (every quantity, with the complements and the lines
    between them): a pooled cell with ``withheld_by_cohorts`` from 1 to threshold − 1 (of paired
    scores: 1 or more) is forced,
    flagged ``secondary`` when it is published (so it is hidden and cannot be worked out from
    the other cells), ``primary`` when it is a complement (so the cells it follows from are
    hidden). Then each crossing, for the pairs of each population only (a crossing shows the
    change and its pairs, not participants, completion or reliable improvement): its cells and
    both margins, the margins fixed as the first stage left them (published ones are never
    suppressed; hidden ones keep their flag, so that no crossing row or column reveals them).

    Examples
    --------
    Health has 6 people in cohort 1 (published by its report) and 3 in cohort 2 (withheld
    there): the pooled 9 passes the threshold, but 9 − 6 would reveal the 3.

    >>> people = pd.DataFrame({"participant_id": range(40), "cohort": [1] * 20 + [2] * 20,
    ...                        "sector": ["health"] * 6 + ["la"] * 14 + ["health"] * 3 + ["la"] * 17})
    >>> shown = {(1, "enrolled", "sector", "health"): True}
    >>> res = protect_where(people, {"enrolled": np.ones(40, dtype=bool)}, where_groups(people, ["sector"], []),
    ...                     shown, threshold=5, crossings=[])
    >>> res.cells[["category", "count", "withheld_by_cohorts", "flag"]]  # doctest: +NORMALIZE_WHITESPACE
      category  count  withheld_by_cohorts       flag
    0      all     40                    0
    1   health      9                    3  secondary
    2       la     31                   31  secondary
    """
    one_way = [g for g in groups if CROSS not in g[0]]
    force = dict(force or {})
    for (dim, cat), shown in (linked or {}).items():
        if not shown:
            force.setdefault(("enrolled", dim, cat), "secondary: withheld in equity_pooled.csv")
    known = {("enrolled", d, c) for (d, c), shown in (linked or {}).items() if shown}
    first = _protect(people, with_complements(masks), one_way, published, threshold, force, known)
    lost = list(first.unprotected)
    first_cells = _withhold(first.cells, first.lost)
    frames = [first_cells]
    margins = first_cells.set_index(["quantity", "dimension", "category"])
    for q, mask in masks.items():
        if not q.startswith("pairs:"):
            continue
        for a, b in crossings:
            name = f"{a}{CROSS}{b}"
            cells = [g for g in groups if g[0] == name]
            frame, gone = protect_crossing(q, mask, cells, a, b, margins, threshold, force)
            if gone:
                frame = frame.assign(flag=WITHHELD, reason=f"withheld: no choice of cells to suppress protects "
                                                          f"{gone[0]}, so the whole crossing is withheld")
            frames.append(frame)
            lost += gone
    if lost:
        warnings.warn(f"In tables/where_it_works.csv, no choice of groups to withhold protects the small numbers "
                      f"of {lost_words(lost, titles)}, so each of those numbers is withheld for the whole dimension",
                      disclosure.DisclosureRiskWarning, stacklevel=2)
    return WhereCells(pd.concat(frames, ignore_index=True), threshold, ())


def _withhold(cells: pd.DataFrame, lost: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    """Withhold, for the whole dimension, each quantity with a cell that stayed unprotected.

    A complement that stayed unprotected withholds the count it is the complement of.
    """
    out = cells.copy()
    for quantity, dimension in lost:
        kind, _, rest = quantity.partition(":")
        published = {"noncompleted": "completed", "nopair": "pairs", "notimproved": "improved"}.get(kind, kind)
        target = published + (f":{rest}" if rest else "")
        hit = (out["quantity"] == target) & (out["dimension"] == dimension)
        out.loc[hit, "flag"] = WITHHELD
        out.loc[hit, "reason"] = (f"withheld: no choice of {dimension} groups to suppress protects every small "
                                  f"{target} count, so none is shown")
    return out


_UNSEEN = ("noncompleted", "nopair", "notimproved")
#: Quantities of paired scores: forced whenever the cohort reports withheld any of them.
PAIRED = ("pairs:", "nopair:", "improved:", "notimproved:")


def with_complements(masks: dict[str, np.ndarray]) -> dict[str, tuple[np.ndarray, str | None]]:
    """Each quantity → (who counts, its parent quantity); complements added (parent of the pair)."""
    out: dict[str, tuple[np.ndarray, str | None]] = {"enrolled": (masks["enrolled"], None)}
    for q, mask in masks.items():
        if q == "enrolled":
            continue
        parent = q.replace("improved:", "pairs:", 1) if q.startswith("improved:") else "enrolled"
        out[q] = (mask, parent)
        out[_complement(q)] = (masks[parent] & ~mask, parent)
    return out


def _protect(people: pd.DataFrame, quantities: dict, groups: list, published: dict, threshold: int,
             force: Mapping[tuple[str, str, str], str], known: set = frozenset()) -> WhereCells:
    cohorts = people["cohort"].to_numpy()
    cohort_ids = sorted(set(cohorts.tolist()))
    keys, values, withheld, index = [], [], [], {}
    for q, (qmask, _) in quantities.items():
        for dim, cat, gmask in groups:
            inside = qmask & gmask
            index[(q, dim, cat)] = len(keys)
            keys.append((q, dim, cat))
            values.append(float(inside.sum()))
            withheld.append(0.0 if dim == ALL else float(sum(  # whole-cohort totals are published
                inside[cohorts == c].sum() for c in cohort_ids if not published.get((c, q, dim, cat)))))
    dims: dict[str, list[str]] = {}
    for dim, cat, _ in groups:
        if dim != ALL:
            dims.setdefault(dim, []).append(cat)
    lines = [(index[(q, ALL, ALL)], [index[(q, d, c)] for c in cats]) for q in quantities for d, cats in dims.items()]
    union = list(range(len(lines)))  # a dimension's withheld groups together are a group too
    lines += [(index[(parent, dim, cat)], [index[(q, dim, cat)], index[(_complement(q), dim, cat)]])
              for q, (_, parent) in quantities.items() if parent and not q.startswith(_UNSEEN)
              for dim, cat, _ in groups]
    # known anyway: the whole programme, and a pooled count the cohort reports publish every part of
    # (their sum; hiding it hides nothing, so it can never protect another cell)
    exempt = [i for i, k in enumerate(keys) if k[1] == ALL or known_anyway(values[i], withheld[i], threshold) or k in known]
    unseen = [i for i, k in enumerate(keys) if k[0].startswith(_UNSEEN) and k[1] != ALL]
    # a pooled count is withheld when what the cohort reports withheld of it is small; a count of paired
    # scores whenever they withheld any of it: a cohort withholds five or more pairs of a group only to
    # protect the few without them (cohort 2's middle managers, withheld for the 4 without; with
    # another cohort's withheld count beside it, the pooled count was enough to work the 4 out)
    forced = {i: ("primary" if i in unseen else "secondary",
                  f"else the {w:g} that the cohort reports withheld follow from their published counts")
              for i, w in enumerate(withheld) if (1 <= w < threshold or w >= 1 and keys[i][0].startswith(PAIRED))
              and threshold <= values[i] and i not in exempt}
    forced |= {index[k]: ("secondary", reason) for k, reason in force.items()  # a small one stays primary
               if k in index and index[k] not in exempt and index[k] not in forced and values[index[k]] >= threshold}
    names = [f"{q} {d}={c}" for q, d, c in keys]
    res = disclosure.protect(values, lines, threshold=threshold, exempt=exempt, forced=forced,
                             unpublished=unseen, labels=names, union_lines=union)
    cells = pd.DataFrame({"quantity": [k[0] for k in keys], "dimension": [k[1] for k in keys],
                          "category": [k[2] for k in keys], "count": np.asarray(values, dtype="int64"),
                          "withheld_by_cohorts": np.asarray(withheld, dtype="int64"),
                          "flag": res.flags, "reason": res.reasons})
    return WhereCells(cells, threshold, tuple(names[i] for i in res.unprotected),
                      tuple(dict.fromkeys((keys[i][0], keys[i][1]) for i in res.unprotected)))
