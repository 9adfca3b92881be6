"""The table of where the programme works: change by group, pooled over cohorts.

Used through :mod:`~evaluation.reports.programme_report.where`.

* :func:`where_it_works` — the published ``tables/where_it_works.csv``: for the primary scale
  (self-rated) and each level-3 scale (its raters), the first comparison, change by framework
  area, role level and sector and by the crossings framework area × role level and role level
  × sector, pooled over the cohorts, with completion, reliable improvement, a verdict in words
  and what blocks the group; after disclosure control across the programme's groups and against
  what the cohort reports publish (:mod:`~evaluation.reports.programme_report.where_disclosure`).
* :func:`stratified_change` — the pooled mean change of a group with cohort as a stratum.
The summary and findings are in :mod:`~evaluation.reports.programme_report.where`; the evaluator-only success-case frame is in
:mod:`~evaluation.reports.programme_report.success_cases`.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.core.checks import check_confidence_level
from evaluation.core.vocabulary import COMPARISONS
from evaluation.data.cohort import rci_reliability, scale_info
from evaluation.data.programme import ProgrammeData
from evaluation.reports.disclosure_plan import Population, group_labels
from evaluation.reports.findings import collect_warnings
from evaluation.reports.programme_report.equity import pooled_equity
from evaluation.reports.programme_report.plans import CohortPlans
from evaluation.reports.programme_report.where_attack import programme_known, remedies, where_leaks
from evaluation.reports.programme_report.where_disclosure import (
    ALL,
    CROSS,
    WITHHELD,
    cohort_published,
    protect_where,
    where_groups,
    with_complements,
)
from evaluation.stats import outcomes as oc
from evaluation.stats.equity import completion_by_group

__all__ = [
    "CROSSINGS",
    "DIMENSIONS",
    "WHERE_COLUMNS",
    "StratifiedChange",
    "person_changes",
    "programme_people",
    "stratified_change",
    "where_it_works",
    "where_populations",
]

DIMENSIONS = ("framework_area", "role_level", "sector")
CROSSINGS = (("framework_area", "role_level"), ("role_level", "sector"))
VERDICTS = ("clear improvement", "no clear change", "clear decline")
WHERE_COLUMNS = [
    "dimension", "category", "scale", "comparison", "rater", "n_pairs", "n_cohorts", "mean_change",
    "change_ci_low", "change_ci_high", "df", "reliable_improvement_share", "participants", "completion_share",
    "completion_ci_low", "completion_ci_high", "verdict", "blocked", "suppressed",
]


@dataclass(frozen=True)
class StratifiedChange:
    """Mean change of a group pooled over cohorts, cohort as a stratum."""

    n_pairs: int
    n_cohorts: int
    mean_change: float
    se: float
    df: int
    ci_low: float
    ci_high: float


def stratified_change(change, cohort, *, confidence_level: float = 0.95) -> StratifiedChange:
    """Pooled mean change over all pairs of a group, with cohort as a stratum.

    Parameters
    ----------
    change : array-like of float
        Each pair's change (later − earlier); NaN pairs are dropped.
    cohort : array-like
        Each pair's cohort.
    confidence_level : float, default 0.95

    Returns
    -------
    StratifiedChange
        NaN SE and interval when there are no more pairs than cohorts.

    Notes
    -----
    With n_c pairs in cohort c (N in all, k cohorts) the estimate is the mean of all pairs,
    Σ n_c·d̄_c / N, each person weighing the same. Its variance has cohort as a fixed stratum:
    s_w² = Σ_c Σ_i (d_ci − d̄_c)² / (N − k), the pooled within-cohort variance, so differences
    between the cohorts' mean changes are not counted as noise about a programme-wide average;
    SE = s_w/√N and the interval is d̄ ± t(1 − α/2; N − k)·SE. This is the weighted contrast
    Σ (n_c/N)·β_c of the least-squares fit ``change ~ 0 + factor(cohort)`` (R ``lm``), and with one
    cohort it is the paired t interval.

    Examples
    --------
    >>> r = stratified_change([0.5, 0.1, 0.3, -0.2, 0.4, 0.0], [1, 1, 1, 2, 2, 2])
    >>> r.n_pairs, r.n_cohorts, round(r.mean_change, 4), r.df
    (6, 2, 0.1833, 4)
    """
    level = check_confidence_level(confidence_level)
    d = np.asarray(change, dtype="float64")
    c = np.asarray(cohort)
    if d.shape != c.shape:
        raise ValueError(f"`change` and `cohort` must have the same length, got {d.size} and {c.size}")
    keep = ~np.isnan(d)
    d, c = d[keep], c[keep]
    n = d.size
    labels = sorted(set(c.tolist()))
    k = len(labels)
    mean = float(d.mean()) if n else math.nan
    df = n - k
    if df < 1:
        return StratifiedChange(n, k, mean, math.nan, max(df, 0), math.nan, math.nan)
    ss = sum(float(((d[c == g] - d[c == g].mean()) ** 2).sum()) for g in labels)
    se = math.sqrt(ss / df) / math.sqrt(n)
    q = float(stats.t.ppf(1 - (1 - level) / 2, df))
    return StratifiedChange(n, k, mean, se, df, mean - q * se, mean + q * se)


def where_populations(data: ProgrammeData) -> list[Population]:
    """The populations of the table: the primary scale rated by participants, then each level-3
    scale by each of its raters, all on the first comparison every cohort has."""
    first = next(iter(data))
    common = [c for c in first.cohort.comparisons if all(c in d.cohort.comparisons for d in data)]
    if not common:
        return []
    comparison = common[0]
    info = scale_info(first)
    out = [Population(first.primary_scale, comparison, "self")] if first.primary_scale else []
    for scale in info.index[info["kirkpatrick_level"] == 3]:
        raters = sorted({r for d in data for r in d.scale_scores.loc[d.scale_scores["scale"] == scale, "rater"].unique()})
        out += [Population(scale, comparison, r) for r in raters]
    return out


def person_changes(data: ProgrammeData, population: Population) -> tuple[pd.DataFrame, list[dict]]:
    """Each paired participant's change and reliable change on one population, over the cohorts.

    Reliable change (Jacobson & Truax 1991) uses each cohort's own SD_pre and reliability, as the
    cohort reports do. Returns ``participant_id, cohort, change, rci, category`` and notes.
    """
    earlier, later = COMPARISONS[population.comparison]
    frames, notes = [], []
    for cohort_data in data:
        s = cohort_data.scale_scores
        s = s[(s["scale"] == population.scale) & (s["rater"] == population.rater)]
        wide = s.pivot_table(index="participant_id", columns="wave", values="score")
        if earlier not in wide or later not in wide:
            continue
        wide = wide.dropna(subset=[earlier, later])
        r = rci_reliability(cohort_data)
        if isinstance(r, pd.DataFrame):
            hit = r[(r["scale"] == population.scale) & (r["rater"] == population.rater)]["reliability"]
            r = float(hit.iloc[0]) if len(hit) else math.nan
        better = bool(scale_info(cohort_data).loc[population.scale, "higher_is_better"])
        rc = collect_warnings(notes, "where_it_works", lambda w=wide, r=r, b=better: oc.reliable_change_by_person(
            w[earlier], w[later], reliability=r, higher_is_better=b))
        frames.append(pd.DataFrame({"participant_id": wide.index.to_numpy(), "cohort": cohort_data.cohort.cohort,
                                    "change": rc["change"].to_numpy(), "rci": rc["rci"].to_numpy(),
                                    "category": rc["category"].to_numpy()}))
    columns = ["participant_id", "cohort", "change", "rci", "category"]
    return (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)), notes


def programme_people(data: ProgrammeData) -> pd.DataFrame:
    """Every participant of the programme: ``participant_id, cohort, status`` and the dimensions as labels."""
    people = pd.concat([d.participants for d in data], ignore_index=True)
    out = people[["participant_id", "cohort", "status"]].copy()
    for dim in DIMENSIONS:
        out[dim] = group_labels(people[dim]) if dim in people else "not_recorded"
    for a, b in CROSSINGS:
        out[f"{a}{CROSS}{b}"] = out[a] + CROSS + out[b]
    return out


def _verdict(res: StratifiedChange, higher_is_better: bool) -> str:
    if not np.isfinite(res.ci_low):
        return ""
    sign = 1 if higher_is_better else -1
    low, high = sorted((sign * res.ci_low, sign * res.ci_high))
    return VERDICTS[0] if low > 0 else VERDICTS[2] if high < 0 else VERDICTS[1]


def where_it_works(data: ProgrammeData, *, equity_pooled: pd.DataFrame | None = None,
                   plans: CohortPlans | None = None) -> pd.DataFrame:
    """The published ``where_it_works`` table: change by group, pooled over cohorts.

    Parameters
    ----------
    data : ProgrammeData
    equity_pooled : DataFrame, optional
        The programme's published ``equity_pooled`` table (computed here when not given): it
        publishes the same pooled places of role levels and sectors, so a place it shows is known
        here too and one it withholds is withheld here too.
    plans : CohortPlans, optional
        Each cohort's disclosure plan, shared with the pooled equity table
        (:class:`~evaluation.reports.programme_report.plans.CohortPlans`); made here when not given.

    Returns
    -------
    DataFrame
        :data:`WHERE_COLUMNS`, one row per population (scale × comparison × rater) × group: the
        whole programme (``dimension`` = ``category`` = ``all``), each category of framework
        area, role level and sector, and each cell of the crossings (``framework_area ×
        role_level``, category ``operational × middle_manager``). Suppressed cells are missing.

    Notes
    -----
    * ``participants``: the group's people over all cohorts; ``completion_share``: the share
      who completed the programme, with a Wilson interval
      (:func:`~evaluation.stats.equity.completion_by_group`);
    * ``n_pairs``: the group's people with scores at both waves; ``n_cohorts``: the cohorts
      they come from; ``mean_change`` and its interval: :func:`stratified_change` (cohort as a
      stratum), computed from at least threshold pairs;
    * ``reliable_improvement_share``: the share of the pairs with reliable improvement
      (Jacobson & Truax, each cohort's SD_pre and reliability);
    * ``verdict``: ``clear improvement`` when the interval lies wholly on the better side of
      zero, ``clear decline`` on the worse side, else ``no clear change``; the intervals are not
      adjusted for the many groups compared;
    * ``blocked``: ``low completion`` when the completion interval lies wholly below the whole
      programme's completion share, and the verdict when it is not a clear improvement;
    * disclosure control: :func:`~evaluation.reports.programme_report.where_disclosure.protect_where`,
      then the reader of this table and the cohort reports together
      (:func:`~evaluation.reports.programme_report.where_attack.where_leaks`): while it can work
      out a count from 1 to threshold − 1 (a cohort's people without a pair, say), the table's
      published count of that group and kind is suppressed too and the protection redone
      (:func:`~evaluation.reports.programme_report.where_attack.remedies`); a leak left after
      the last round fails the build (``RuntimeError``);
      the places ``equity_pooled`` shows count as known to that reader and are never suppressed
      here, those it withholds are withheld here too (its 12 senior managers beside this table's
      180 middle managers would otherwise give the 4 whose role level is "other").

    Raises
    ------
    RuntimeError
        A count from 1 to threshold − 1 can still be worked out after every round of suppression.

    Examples
    --------
    >>> from evaluation.data.programme import load_programme_data
    >>> table = where_it_works(load_programme_data("leading-to-deliver"))  # doctest: +SKIP
    >>> table.loc[table["dimension"] == "all", ["scale", "rater", "n_pairs", "verdict"]]  # doctest: +SKIP
    """
    level = data.confidence_level
    threshold = data.disclosure_threshold
    people = programme_people(data)
    populations = where_populations(data)
    notes: list[dict] = []
    completed = people["status"].eq("completed").to_numpy()
    masks = {"enrolled": np.ones(len(people), dtype=bool), "completed": completed}
    changes = {}
    for pop in populations:
        frame, found = person_changes(data, pop)
        notes += found
        # each change with its person's row of `people` (`at`), whose group masks then pick its changes
        frame = frame.merge(people.assign(at=np.arange(len(people))), on=["participant_id", "cohort"], how="inner")
        changes[pop] = frame
        ids = set(zip(frame["participant_id"], frame["cohort"], strict=True))
        improved = set(zip(frame.loc[frame["category"] == "improved", "participant_id"],
                           frame.loc[frame["category"] == "improved", "cohort"], strict=True))
        key = list(zip(people["participant_id"], people["cohort"], strict=True))
        masks[pop.key] = np.array([k in ids for k in key], dtype=bool)
        masks[pop.key.replace("pairs:", "improved:", 1)] = np.array([k in improved for k in key], dtype=bool)
    groups = where_groups(people, DIMENSIONS, CROSSINGS)
    quantities = with_complements(masks)
    published = cohort_published(data, list(quantities), DIMENSIONS, plans=plans)
    columns = [d for d in DIMENSIONS] + [f"{a}{CROSS}{b}" for a, b in CROSSINGS]
    completion = completion_by_group(people.assign(**{ALL: ALL}), [ALL, *columns], confidence_level=level)
    completion = completion.set_index(["dimension", "category"])
    overall = float(completion.loc[(ALL, ALL), "completion_rate"])
    better = scale_info(next(iter(data)))["higher_is_better"]
    at = {pop: frame["at"].to_numpy(dtype=np.intp) for pop, frame in changes.items()}
    change = {pop: frame["change"].to_numpy() for pop, frame in changes.items()}
    cohort_of = {pop: frame["cohort"].to_numpy() for pop, frame in changes.items()}
    improved_at = {pop: (frame["category"] == "improved").to_numpy() for pop, frame in changes.items()}
    results = {}
    for pop in populations:
        for dim, cat, mask in groups:
            if CROSS in dim and not mask.any():
                continue
            inside = mask[at[pop]]  # the group's changes, in the order of the population's
            res = stratified_change(change[pop][inside], cohort_of[pop][inside], confidence_level=level)
            results[(pop, dim, cat)] = (int(mask.sum()), int(improved_at[pop][inside].sum()), res)
    context = _Context(completion, overall, better, threshold)
    linked = linked_places(equity_pooled if equity_pooled is not None else _equity_table(data, plans))
    elsewhere = {("enrolled", d, c) for (d, c), shown in linked.items() if shown}
    force: dict[tuple[str, str, str], str] = {}
    for _ in range(_ROUNDS):
        protection = protect_where(people, masks, groups, published, threshold=threshold, crossings=CROSSINGS,
                                   force=force, titles=next(iter(data)).titles, linked=linked)
        table = pd.DataFrame([_row(pop, dim, cat, *found, protection, context)
                              for (pop, dim, cat), found in results.items()], columns=WHERE_COLUMNS)
        shown = programme_known(table)
        leaks = where_leaks(people, quantities, groups, CROSSINGS, shown | elsewhere, published, threshold=threshold)
        more = remedies(leaks, shown - elsewhere, force)
        if not more:
            break
        force |= more
    if leaks:
        raise RuntimeError(f"where_it_works: counts from 1 to {threshold - 1} can still be worked out after "
                           f"suppression: {leaks[:5]}")
    for column in ("participants", "n_pairs", "n_cohorts", "df"):
        table[column] = table[column].astype("Int64")
    return table


def linked_places(equity_pooled: pd.DataFrame) -> dict[tuple[str, str], bool]:
    """``(dimension, category)`` → whether ``equity_pooled`` shows the group's places, for the
    dimensions of this table.

    Examples
    --------
    >>> eq = pd.DataFrame({"dimension": ["sector", "sector", "gender"], "category": ["health", "private", "male"],
    ...                    "participants": [30, np.nan, 50]})
    >>> linked_places(eq)
    {('sector', 'health'): True, ('sector', 'private'): False}
    """
    rows = equity_pooled[equity_pooled["dimension"].isin(DIMENSIONS)]
    return {(d, c): not pd.isna(n) for d, c, n in zip(rows["dimension"], rows["category"], rows["participants"],
                                                       strict=True)}


def _equity_table(data: ProgrammeData, plans: CohortPlans | None) -> pd.DataFrame:
    with warnings.catch_warnings():  # its warnings are the equity section's, not this table's
        warnings.simplefilter("ignore")
        return pooled_equity(data, plans=plans).tables["equity_pooled"]


#: At most this many rounds of suppression against the reader of the cohort reports.
_ROUNDS = 12
@dataclass(frozen=True)
class _Context:
    completion: pd.DataFrame
    overall: float
    better: dict
    threshold: int


def _row(pop: Population, dim: str, cat: str, size: int, n_improved: int, res: StratifiedChange, protection,
         context: _Context) -> dict:
    """One published row of ``where_it_works`` under ``protection``'s flags."""
    crossing = CROSS in dim
    improved_key = pop.key.replace("pairs:", "improved:", 1)
    flags = {q: protection.flag(q, dim, cat) for q in ("enrolled", "completed", pop.key, improved_key)}
    hide_people = crossing or bool(flags["enrolled"])
    # a group's pairs go with its places, unless the cohort reports publish every part of them anyway
    hide_pairs = (bool(flags["enrolled"]) and not crossing and not protection.known(pop.key, dim, cat)
                  or bool(flags[pop.key]))
    hide_completion = hide_people or bool(flags["completed"])
    comp = None if hide_completion else context.completion.loc[(dim, cat)]
    enough = res.n_pairs >= context.threshold and not hide_pairs
    show_improved = enough and not crossing and not flags[improved_key]
    verdict = _verdict(res, bool(context.better.get(pop.scale, True))) if enough else ""
    low_completion = comp is not None and float(comp["ci_high"]) < context.overall
    blocked = [w for w, on in (("low completion", low_completion), (verdict, verdict in VERDICTS[1:])) if on]
    shown = [f for f in (flags[pop.key], flags["enrolled"], flags["completed"], flags[improved_key]) if f]
    return {
        "dimension": dim, "category": cat, "scale": pop.scale, "comparison": pop.comparison, "rater": pop.rater,
        "participants": pd.NA if hide_people else size,
        "completion_share": np.nan if comp is None else float(comp["completion_rate"]),
        "completion_ci_low": np.nan if comp is None else float(comp["ci_low"]),
        "completion_ci_high": np.nan if comp is None else float(comp["ci_high"]),
        "n_pairs": pd.NA if hide_pairs else res.n_pairs,
        "n_cohorts": pd.NA if hide_pairs else res.n_cohorts,
        "mean_change": res.mean_change if enough else np.nan,
        "change_ci_low": res.ci_low if enough else np.nan,
        "change_ci_high": res.ci_high if enough else np.nan,
        "df": res.df if enough else pd.NA,
        "reliable_improvement_share": n_improved / res.n_pairs if show_improved else np.nan,
        "verdict": verdict,
        "blocked": "; ".join(blocked),
        "suppressed": "" if not shown else WITHHELD if WITHHELD in shown
        else "primary" if "primary" in (flags[pop.key], flags["enrolled"]) else "secondary",
    }
