"""One disclosure decision for everything a cohort publishes about groups of people.

Each group count a cohort's reports publish, and each count a reader can compute from them,
is a cell of one problem per dimension (sector, council area, ...):

* ``enrolled`` — the group's participants (``equity.csv``, ``equity_council_areas.csv``,
  ``equity_completion.csv``);
* ``completed`` / ``noncompleted`` — those who did and did not complete the programme
  (``equity_completion.csv``: completion rate × participants; non-completers as the
  complement);
* ``pairs`` / ``nopair`` for each population of paired scores the reports break down (scale,
  comparison, rater) — those with scores at both waves (``breakdowns.csv``,
  ``equity_outcome_change.csv``) and the complement;
* ``declared`` / ``undeclared`` — whole-cohort figures behind the declaration rate
  (``equity_declaration.csv``).

The lines are what a reader knows: a population's groups add up to its whole-cohort total
(published in ``attrition.csv`` and ``outcomes.csv``); each group's participants are its
completers plus its non-completers, and those with a pair of scores plus those without.
:func:`~evaluation.stats.disclosure.protect` then suppresses every count from 1 to
threshold − 1 (complements included) and further cells until no suppressed count can be worked
out, across all of these tables at once. Every report applies the same plan, so a group hidden
in one table is hidden, or safe to show, in every other; the means of a group are published only
with its count, so they cannot be recovered by subtraction either.

:mod:`evaluation.publish.disclosure_audit` checks the result from the published files alone.
"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from evaluation.core.errors import ParameterError
from evaluation.core.results import ResultDisplay
from evaluation.core.vocabulary import COMPARISONS, UNDECLARED
from evaluation.data.cohort import CohortData, scale_info
from evaluation.stats import disclosure
from evaluation.stats import equity as eq
from evaluation.stats.outcomes import PreparedScores, complete_pairs, prepare_scores

__all__ = [
    "BREAKDOWN_DIMENSIONS",
    "DisclosurePlan",
    "Population",
    "breakdown_populations",
    "disclosure_plan",
    "eligible_workforce",
    "group_labels",
    "pair_populations",
    "people_with_dimensions",
    "positions",
    "prepared_scores",
    "self_rating_scores",
]

#: Dimensions of ``breakdowns.csv`` (the outcome report's change by group).
BREAKDOWN_DIMENSIONS = ("sector", "role_level", "framework_area")
NOT_RECORDED = "not_recorded"
#: The label of every cell of a dimension withheld as a whole (a reader learns nothing from it,
#: not even that a count is small or zero).
WITHHELD = "withheld"


@dataclass(frozen=True)
class Population:
    """People with scores at both waves of ``comparison`` on ``scale`` from ``rater``."""

    scale: str
    comparison: str
    rater: str

    @property
    def key(self) -> str:
        return f"pairs:{self.scale}:{self.comparison}:{self.rater}"


@dataclass(frozen=True, repr=False)
class DisclosurePlan(ResultDisplay):
    """Suppression flags for every group count of a cohort, and the log (evaluator only).

    ``cells``: ``dimension, quantity, category, count, flag, reason`` — ``quantity`` is
    ``enrolled``, ``completed``, ``noncompleted``, ``declared``, ``undeclared``, or a
    :attr:`Population.key` (``pairs:…``) and its complement (``nopair:…``); ``flag`` is
    ``""``, ``"primary"``, ``"secondary"`` or ``"withheld"``. ``withheld`` names the dimensions
    withheld as a whole: those where no choice of cells to suppress protects every small count
    (a cohort smaller than the threshold times its groups, e.g. three people in three sectors).
    """

    cells: pd.DataFrame
    threshold: int
    withheld: tuple[str, ...] = ()

    def flag(self, quantity: str, dimension: str, category: str) -> str:
        """The flag of one cell (``""`` for a cell the plan does not hold)."""
        return self._lookup.get((quantity, str(dimension), str(category)), "")

    @cached_property
    def _lookup(self) -> dict:
        return dict(zip(zip(self.cells["quantity"], self.cells["dimension"], self.cells["category"], strict=True),
                        self.cells["flag"], strict=True))

    def row_flag(self, quantities: Sequence[str], dimension: str, category: str) -> str:
        """The label of a published row showing ``quantities`` of one group.

        ``""`` when none of them is suppressed; ``"withheld"`` when the dimension is withheld as a
        whole; ``"primary"`` when the first (the row's count column) is a count from 1 to
        threshold − 1; else ``"secondary"``.
        """
        flags = [self.flag(q, dimension, category) for q in quantities]
        if not any(flags):
            return ""
        if WITHHELD in flags:
            return WITHHELD
        return "primary" if flags[0] == "primary" else "secondary"

    def listed(self, dimensions: Sequence[str]) -> list[str]:
        """The ``dimensions`` whose groups a table by group lists: every one but those withheld as a
        whole. Such a table lists the groups that have people, so its rows of a dimension withheld
        whole would say which groups are empty, and with the cohort's total, how many the others
        hold (a cohort of 3 whose completion table listed first-line managers alone had 3 of them).
        """
        return [d for d in dimensions if d not in self.withheld]

    def log(self) -> pd.DataFrame:
        """The suppression log (:data:`~evaluation.stats.disclosure.LOG_COLUMNS`): never published."""
        hidden = self.cells[self.cells["flag"] != ""]
        if hidden.empty:
            return disclosure.empty_log()
        quantity = hidden["quantity"].str.split(":").str[0]
        return pd.DataFrame({"table": quantity.map(_LOG_TABLES), "dimension": hidden["dimension"],
                             "category": hidden["category"],
                             "column": hidden["quantity"].replace({"enrolled": "participants"}),
                             "value": hidden["count"].astype("float64"), "reason": hidden["reason"]}
                            ).reset_index(drop=True)


#: Where each kind of cell is published (or, for complements, from which table it would follow).
_LOG_TABLES = {"enrolled": "equity", "completed": "equity_completion", "noncompleted": "equity_completion",
               "declared": "equity_declaration", "undeclared": "equity_declaration",
               "pairs": "breakdowns, equity_outcome_change", "nopair": "breakdowns, equity_outcome_change"}


def people_with_dimensions(data: CohortData, dimensions: Sequence[str]) -> tuple[pd.DataFrame, list[dict]]:
    """Participants with a column per dimension (absent columns count as ``not_recorded``), and notes."""
    people = data.participants.copy()
    notes = []
    for dim in dimensions:
        if dim not in people:
            people[dim] = NOT_RECORDED
            notes.append({"source": "equity", "warning": "ColumnAbsent", "message":
                          f"participants.csv has no `{dim}` column: every participant counts as not_recorded"})
    return people, notes


def eligible_workforce(data: CohortData, dimensions: Sequence[str]) -> pd.DataFrame:
    """The equity denominator: the programme's ``eligible_population`` in ``workforce.csv``, for the
    year nearest the cohort's year of enrolment (:func:`~evaluation.stats.equity.enrolment_year`;
    the cohort's ``year`` parameter when no date is known), one year per dimension."""
    year = eq.enrolment_year(data.participants["enrolled_on"]) if "enrolled_on" in data.participants else None
    try:
        return eq.select_workforce(data.workforce, year=year if year is not None else data.cohort.year,
                                   dimensions=dimensions, population=data.programme.eligible_population)
    except ValueError:
        if data.programme.eligible_population in eq.workforce_populations(data.workforce):
            raise
        raise ParameterError(
            f"params/{data.programme.name}/programme.yaml: key `eligible_population` is "
            f"{data.programme.eligible_population!r}, which is not a population of workforce.csv; the populations "
            f"there: {', '.join(eq.workforce_populations(data.workforce))}") from None


def group_labels(values: pd.Series) -> pd.Series:
    """A dimension's values as category labels: missing or empty values are ``not_recorded``."""
    return eq.category_labels(values)


def breakdown_populations(data: CohortData) -> list[Population]:
    """The populations of ``breakdowns.csv``: each level-2 scale, the first comparison, self-ratings."""
    comparison = data.cohort.comparisons[0]
    return [Population(scale, comparison, "self") for scale, row in scale_info(data).iterrows()
            if row["kirkpatrick_level"] == 2]


def pair_populations(data: CohortData) -> dict[Population, tuple[str, ...]]:
    """The populations of paired scores broken down by group, each with its dimensions.

    ``breakdowns.csv``: every level-2 scale, the cohort's first comparison, self-ratings, by
    :data:`BREAKDOWN_DIMENSIONS`; ``equity_outcome_change.csv``: the primary scale, the same
    comparison and rater, by the equity dimensions.
    """
    coh = data.cohort
    out: dict[Population, tuple[str, ...]] = dict.fromkeys(breakdown_populations(data), BREAKDOWN_DIMENSIONS)
    if data.primary_scale is not None:
        key = Population(data.primary_scale, coh.comparisons[0], "self")
        out[key] = tuple(dict.fromkeys([*out.get(key, ()), *coh.equity.dimensions]))
    return out


#: The last scale scores prepared, (weak reference to the DataFrame, PreparedScores): a report
#: process builds one cohort, whose stages then check and code its scale scores once.
_PREPARED: list[tuple[weakref.ref, PreparedScores]] = []


def prepared_scores(data: CohortData) -> PreparedScores:
    """``data.scale_scores`` through :func:`~evaluation.stats.outcomes.prepare_scores`, once per cohort.

    The outcome table, the disclosure plan, the breakdowns and the cost and equity reports' pairs
    share it instead of each factorising the long table (at 100,000 participants 2.5 million rows
    of text keys) again. Kept for the most recent scores only, by a weak reference to the
    DataFrame (processed tables are never changed in place).
    """
    scores = data.scale_scores
    if _PREPARED and _PREPARED[0][0]() is scores:
        return _PREPARED[0][1]
    prepared = prepare_scores(scores)
    _PREPARED[:] = [(weakref.ref(scores), prepared)]
    return prepared


def self_rating_scores(data: CohortData) -> pd.DataFrame | PreparedScores:
    """Scores for :func:`complete_pairs` with ``missing_rater=None``: prepared unless a rater is missing.

    Prepared scores call a missing rater ``self``; the populations of self-ratings leave such rows out.
    """
    scores = data.scale_scores
    if "rater" in scores.columns and scores["rater"].isna().any():
        return scores
    return prepared_scores(data)


def positions(index: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """``pd.Index(index).get_indexer(wanted)`` for distinct ``index``: each of ``wanted``'s place in it (−1: absent).

    The participants and the prepared scores' identifiers are mostly the same sorted list: then
    it is ``0, 1, …`` without hashing a million texts.
    """
    if len(index) == len(wanted) and bool((index == wanted).all()):
        return np.arange(len(wanted))
    return pd.Index(index).get_indexer(wanted)


def paired_masks(data: CohortData, populations: Sequence[Population], ids: pd.Series) -> dict[Population, np.ndarray]:
    """For each population, which of ``ids`` have a score at both waves of its comparison.

    One pass over the scores per comparison (:func:`~evaluation.stats.outcomes.complete_pairs`),
    not one filter of every score per population.
    """
    out: dict[Population, np.ndarray] = {}
    for comparison in dict.fromkeys(p.comparison for p in populations):
        wanted = [p for p in populations if p.comparison == comparison]
        pairs = complete_pairs(self_rating_scores(data), *COMPARISONS[comparison], scales=[p.scale for p in wanted],
                               raters=[p.rater for p in wanted], missing_rater=None)
        where = positions(pairs.ids, ids.astype(str).to_numpy(dtype=object))
        for population in wanted:
            found = pairs.group(population.scale, population.rater)
            paired = np.zeros(len(pairs.ids) + 1, dtype=bool)  # the last: ids without scores
            if found is not None:
                paired[found[0]] = True
            out[population] = paired[where]
    return out


def disclosure_plan(data: CohortData) -> DisclosurePlan:
    """Decide, jointly for all of a cohort's tables, which group counts are suppressed.

    Parameters
    ----------
    data : CohortData

    Returns
    -------
    DisclosurePlan

    Warns
    -----
    DisclosureRiskWarning
        Some suppressed count could still be worked out and nothing was left to suppress.

    Notes
    -----
    One :func:`~evaluation.stats.disclosure.protect` problem per dimension (see the module
    docstring for the cells and lines). Whole-cohort totals are exempt; complements
    (non-completers, people without a pair of scores) are ``derived``: suppressed when small,
    never chosen to hide another cell. The equity dimensions' categories include those of
    the eligible population with no participants (zeros, published).
    """
    coh = data.cohort
    threshold = coh.disclosure_threshold
    equity_dims = list(coh.equity.dimensions)
    populations = pair_populations(data)
    dims = list(dict.fromkeys([*equity_dims, *(d for ds in populations.values() for d in ds)]))
    people, _ = people_with_dimensions(data, dims)
    workforce = eligible_workforce(data, equity_dims)
    listed = eq.category_counts(people, workforce, equity_dims)
    completed = people["status"].eq("completed").to_numpy() if "status" in people else None
    paired = paired_masks(data, list(populations), people["participant_id"])

    frames, withheld = [], []
    for dim in dims:
        codes, labels = eq.category_codes(people[dim]) if dim in people else \
            (np.zeros(len(people), dtype="int64"), np.array([NOT_RECORDED], dtype=object))
        present = labels[np.bincount(codes, minlength=len(labels)) > 0].tolist()
        order = listed.loc[listed["dimension"] == dim, "category"].astype(str).tolist() or sorted(present)
        order += sorted(set(present) - set(order))
        position = pd.Index(order).get_indexer(labels)[codes]  # each participant's place in `order`
        frame, lost = _protect_dimension(dim, order, position, completed if dim in equity_dims else None,
                                         {p: m for p, m in paired.items() if dim in populations[p]},
                                         dim in equity_dims, threshold)
        frames.append(frame)
        if lost:
            withheld.append(dim)
            # published in the pages' data notes: naming the group ("e.g. enrolled falkirk") said which council
            # area had a small group; the private log's reason names it
            warnings.warn(f"dimension {dim!r}: no choice of groups to suppress keeps every small group from being worked "
                          "out, so every group of it is withheld", disclosure.DisclosureRiskWarning, stacklevel=2)
    cells = pd.concat(frames, ignore_index=True)
    return DisclosurePlan(cells, threshold, tuple(withheld))


def _protect_dimension(dim: str, order: list[str], position: np.ndarray, completed: np.ndarray | None,
                       paired: dict, published_enrolled: bool, threshold: int) -> tuple[pd.DataFrame, list[str]]:
    keys: list[tuple[str, str]] = []
    values: list[float] = []
    lines: list[tuple[int, list[int]]] = []
    exempt, derived, no_primary = [], [], []

    def add(quantity: str, category: str, value: float) -> int:
        keys.append((quantity, category))
        values.append(float(value))
        return len(keys) - 1

    size = np.bincount(position, minlength=len(order))
    enrolled = {c: add("enrolled", c, size[i]) for i, c in enumerate(order)}
    everyone = add("enrolled", "*", len(position))
    exempt.append(everyone)
    lines.append((everyone, list(enrolled.values())))
    if published_enrolled:
        undeclared = [enrolled[c] for c in order if c in UNDECLARED]
        declared = [enrolled[c] for c in order if c not in UNDECLARED]
        d = add("declared", "*", sum(values[i] for i in declared))
        u = add("undeclared", "*", sum(values[i] for i in undeclared))
        no_primary += [d, u]
        # the withheld groups of those who declared must not be a small group together either (cohort 4's
        # frontline and senior managers, 4 people); those who did not declare are a published figure
        # (the declaration rate), so their groups are left out of the rule, as they are out of this line
        union: list[int] = [len(lines)]
        lines += [(d, declared), (u, undeclared), (everyone, [d, u])]
    else:
        union = []
        derived += list(enrolled.values())  # not published: only ever hidden through other cells
    splits = []
    if completed is not None:
        splits.append(("completed", "noncompleted", completed))
    for population, mask in paired.items():
        splits.append((population.key, population.key.replace("pairs:", "nopair:", 1), mask))
    for yes, no, mask in splits:
        parts_yes, parts_no = [], []
        inside = np.bincount(position[np.asarray(mask, dtype=bool)], minlength=len(order))
        for i, c in enumerate(order):
            a = add(yes, c, inside[i])
            b = add(no, c, size[i] - inside[i])
            derived.append(b)
            lines.append((enrolled[c], [a, b]))
            parts_yes.append(a)
            parts_no.append(b)
        ty, tn = add(yes, "*", mask.sum()), add(no, "*", (~mask).sum())
        exempt += [ty, tn]
        # the withheld groups together must not be a small group either: of people with a pair of scores,
        # of completers and (worked out from participants and completers) of non-completers
        union += [len(lines), len(lines) + 1]
        lines += [(ty, parts_yes), (tn, parts_no), (everyone, [ty, tn])]
    names = [f"{q} {c}" for q, c in keys]
    res = disclosure.protect(values, lines, threshold=threshold, exempt=exempt, no_primary=no_primary,
                             unpublished=derived, labels=names, union_lines=union)
    frame = pd.DataFrame({"dimension": dim, "quantity": [q for q, _ in keys], "category": [c for _, c in keys],
                          "count": np.asarray(values, dtype="int64"), "flag": res.flags, "reason": res.reasons})
    lost = [names[i] for i in res.unprotected]
    if lost:  # a cohort too small for this dimension: withhold all of it, zeros and declaration figures included
        whole = frame["category"] != "*"
        frame.loc[whole | frame["quantity"].isin(["declared", "undeclared"]), "flag"] = WITHHELD
        frame.loc[frame["flag"] == WITHHELD, "reason"] = (
            f"withheld: no choice of groups to suppress keeps every small group of {dim} from being worked out "
            f"(e.g. {lost[0]}), so the whole dimension is withheld")
    return frame, lost
