"""The comparison of programmes: each programme's figures, side by side, with what limits them.

Every number comes from the cohort reports' own functions, so that it equals theirs: the
change per cohort from :func:`evaluation.reports.outcome_report.outcomes` (the ``outcomes``
table), the costs and reliable improvers from :func:`evaluation.reports.cost_report.cohort_costs`
(the ``cost_summary`` table). A programme with two or more cohorts has its change pooled by
random effects (:func:`evaluation.stats.pooling.pool`); its shares and costs are over all its
cohorts together (sums over cohorts, as the cost report's ``cost_programme_comparison`` gives
them). A programme with one cohort has that cohort's figures, and says so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from evaluation.data.programme import ProgrammeData
from evaluation.reports.comparison_limits import (
    ProgrammeProfile,
    comparison_limits,
    limits_text,
    programme_profile,
)
from evaluation.reports.cost_report import CohortCosts, cohort_costs
from evaluation.reports.findings import collect_warnings
from evaluation.reports.numbers import level_percent
from evaluation.reports.outcome_report import outcomes
from evaluation.reports.programme_report.costs import programme_interval
from evaluation.reports.verdicts import verdict
from evaluation.stats import costs as ct
from evaluation.stats.pooling import pool, se_from_t_interval

__all__ = ["COMPARED_CHANGE", "COMPARISON_COLUMNS", "ProgrammeFigures", "comparison_tables", "programme_figures",
           "programme_rows"]

#: The change compared: from before to just after the programme (every cohort has it).
COMPARED_CHANGE = "pre_post"
#: ``tables/programme_comparison.csv``.
COMPARISON_COLUMNS = [
    "programme", "title", "measure", "scale", "rater", "value", "ci_low", "ci_high", "unit", "basis", "k_cohorts",
    "n", "price_base_year", "confidence_level", "limits", "verdict",
]


@dataclass(frozen=True)
class ProgrammeFigures:
    """One programme's inputs to the comparison: its cohorts' costs and outcomes, and its profile.

    ``outcomes`` stacks the cohorts' ``outcomes`` tables (column ``cohort`` added); ``costs``
    holds each cohort's :class:`~evaluation.reports.cost_report.CohortCosts` in cohort order.
    """

    data: ProgrammeData
    costs: tuple[CohortCosts, ...]
    outcomes: pd.DataFrame
    profile: ProgrammeProfile


def programme_figures(data: ProgrammeData, *, base_year: int, confidence_level: float,
                      notes: list[dict] | None = None) -> ProgrammeFigures:
    """Cost and outcomes of every cohort of a programme, in ``base_year`` prices at ``confidence_level``.

    Each cohort through the cohort reports' own functions: :func:`evaluation.reports.cost_report.cohort_costs`
    and :func:`evaluation.reports.outcome_report.outcomes`; warnings become ``notes``.

    Examples
    --------
    >>> from evaluation.data.programme import load_programme_data
    >>> fig = programme_figures(load_programme_data("collaborative-leadership"), base_year=2024,
    ...                         confidence_level=0.95)
    >>> fig.profile.participant_time
    ('cost_rows',)
    """
    notes = [] if notes is None else notes
    costed, tables = [], []
    for cohort in data:
        source = f"{data.name} cohort {cohort.cohort.cohort}"
        costed.append(cohort_costs(cohort, base_year=base_year, confidence_level=confidence_level, notes=notes))
        table, found = outcomes(cohort, confidence_level=confidence_level)
        notes += [{**n, "source": f"{source}: {n['source']}"} for n in found]
        tables.append(table.assign(cohort=cohort.cohort.cohort))
    profile = programme_profile(list(data), {cc.cohort: cc.ledger.participant_time_source for cc in costed})
    return ProgrammeFigures(data, tuple(costed), pd.concat(tables, ignore_index=True), profile)


def _basis(k: int, cohorts: Sequence[int], how: str) -> str:
    if k == 1:
        return f"one cohort, cohort {cohorts[0]}: no pooled estimate"
    return how.format(k=k).replace("all 2 cohorts", "both cohorts")  # not "all 2 cohorts together"


def _change_rows(fig: ProgrammeFigures, level: float, notes: list[dict]) -> list[dict]:
    """Change on each instrument's primary scale per rater: pooled when k ≥ 2, else the one cohort's."""
    rows = []
    first = next(iter(fig.data))
    primaries = [inst.primary_scale for inst in first.instruments.values() if inst.primary_scale]
    table = fig.outcomes[fig.outcomes["comparison"] == COMPARED_CHANGE]
    for scale in primaries:
        for rater in [r for r in fig.profile.raters if ((table["scale"] == scale) & (table["rater"] == r)).any()]:
            cohorts = table[(table["scale"] == scale) & (table["rater"] == rater)].dropna(
                subset=["mean_change", "change_ci_low", "change_ci_high", "df"]).sort_values("cohort")
            if cohorts.empty:
                continue
            k = len(cohorts)
            row = {"measure": "mean_change", "scale": scale, "rater": rater, "k_cohorts": k,
                   "n": int(cohorts["n_pairs"].sum()),
                   "unit": f"scale points of {first.titles.get(scale, scale)}, later − earlier"}
            if k >= 2:
                se = se_from_t_interval(cohorts["change_ci_low"], cohorts["change_ci_high"], cohorts["df"],
                                        confidence_level=level)
                pooled = collect_warnings(notes, f"{fig.data.name}: pooling {scale} ({rater})", lambda c=cohorts, s=se:
                                          pool(c["mean_change"].to_numpy(), se=s, confidence_level=level,
                                               labels=c["cohort"].tolist()))
                clear = pooled.ci_low > 0 or pooled.ci_high < 0
                row.update(value=pooled.estimate, ci_low=pooled.ci_low, ci_high=pooled.ci_high,
                           verdict=("clear_increase" if pooled.estimate > 0 else "clear_decrease") if clear
                           else "no_clear_change",
                           basis=_basis(k, cohorts["cohort"].tolist(), "pooled over {k} cohorts by random effects, allowing for the cohorts to differ"))
            else:
                one = cohorts.iloc[0]
                # the cohort report's own verdict (its p adjusted for the number of scales tested)
                row.update(value=one["mean_change"], ci_low=one["change_ci_low"], ci_high=one["change_ci_high"],
                           verdict=verdict(one["mean_change"], one["change_ci_low"], one["change_ci_high"],
                                           one["p_adjusted"], alpha=1 - level),
                           basis=_basis(1, [int(one["cohort"])], ""))
            rows.append(row)
    return rows


def _cost_rows(fig: ProgrammeFigures, level: float, notes: list[dict]) -> list[dict]:
    costs = fig.costs
    k = len(costs)
    numbers = [cc.cohort for cc in costs]
    enrolled = sum(cc.ledger.enrolled for cc in costs)
    done = sum(cc.ledger.completed for cc in costs)
    total = sum(cc.ledger.total_cost for cc in costs)
    cash = sum(cc.ledger.total_cost - cc.ledger.participant_time_cost for cc in costs)
    improvers = sum(int(cc.improvement["improved"].sum()) for cc in costs)
    unit = costs[0].ledger.unit
    together = _basis(k, numbers, "all {k} cohorts together")
    rows = [{"measure": "completion_share", "value": done / enrolled if enrolled else math.nan,
             "unit": "share of enrolled (counted: no interval)", "n": enrolled, "basis": together},
            {"measure": "cash_cost_per_enrolled", "value": cash / enrolled if enrolled else math.nan,
             "unit": unit, "n": enrolled, "basis": together},
            {"measure": "cost_per_enrolled", "value": total / enrolled if enrolled else math.nan,
             "unit": unit, "n": enrolled, "basis": together}]
    # the programme report's interval (resampling within each cohort with its own seed): one
    # interval for one quantity in every report; with one cohort it is the cohort's own
    interval = programme_interval(list(costs), level)
    for measure, money in (("cash_cost_per_reliable_improver", cash), ("cost_per_reliable_improver", total)):
        rows.append({"measure": measure, "value": money / improvers if improvers else math.nan,
                     "ci_low": interval[f"{measure}_ci_low"], "ci_high": interval[f"{measure}_ci_high"],
                     "unit": unit, "n": enrolled,
                     "basis": together + ("" if k == 1 else ", bootstrapped within each cohort as in the programme report")})
    for row in rows:
        row["k_cohorts"] = k
        if row["unit"] == unit:
            row["price_base_year"] = costs[0].ledger.base_year
    return rows


def _reliable_rows(fig: ProgrammeFigures, level: float) -> list[dict]:
    """The share of pairs who reliably improved on the self-rated primary scale (Wilson interval)."""
    scale = next(iter(fig.data)).primary_scale
    table = fig.outcomes[(fig.outcomes["comparison"] == COMPARED_CHANGE) & (fig.outcomes["scale"] == scale)
                         & (fig.outcomes["rater"] == "self")].dropna(subset=["rci_n_improved"])
    if table.empty:
        return []
    improved, pairs = int(table["rci_n_improved"].sum()), int(table["n_pairs"].sum())
    low, high = ct.wilson_interval(improved, pairs, level)
    k = len(table)
    return [{"measure": "reliable_improvement_share", "scale": scale, "rater": "self",
             "value": improved / pairs if pairs else math.nan, "ci_low": low, "ci_high": high,
             "unit": "share of those with both scores (Wilson interval)", "n": pairs, "k_cohorts": k,
             "basis": _basis(k, table["cohort"].tolist(), "all {k} cohorts together")}]


def programme_rows(fig: ProgrammeFigures, limits: pd.DataFrame, *, level: float,
                   notes: list[dict] | None = None) -> pd.DataFrame:
    """One programme's rows of ``programme_comparison`` (see :func:`comparison_tables`)."""
    notes = [] if notes is None else notes
    rows = _change_rows(fig, level, notes) + _reliable_rows(fig, level) + _cost_rows(fig, level, notes)
    out = pd.DataFrame(rows).reindex(columns=COMPARISON_COLUMNS)
    out["programme"], out["title"], out["confidence_level"] = fig.data.name, fig.data.programme.title, level
    out["limits"] = [limits_text(limits, m) for m in out["measure"]]
    return out


def comparison_tables(programmes: Sequence[ProgrammeData]) -> dict:
    """Every table of the comparison of programmes.

    Parameters
    ----------
    programmes : sequence of ProgrammeData
        The programmes compared, in the order they are shown (at least two, no repeats).

    Returns
    -------
    dict
        DataFrames ``programme_profiles`` (one row per programme), ``programme_comparison``
        (:data:`COMPARISON_COLUMNS`: one row per programme × measure; ``verdict``, for change
        only, as the programme and cohort reports judge it: see Notes), ``comparison_limits``
        (one row per difference that limits the comparison) and ``notes``; and ``figures``
        (the :class:`ProgrammeFigures`).

    Raises
    ------
    ValueError
        Fewer than two programmes, or one given twice.

    Notes
    -----
    Money is in the price base year of the first programme and intervals at its confidence
    level; a programme whose parameters say otherwise is re-priced (a note says so). Change
    is from before to just after the programme (``pre_post``) on each instrument's primary
    scale, per rater: pooled by random effects (REML τ², HKSJ interval with the ad hoc
    correction) over a programme's cohorts when it has two or more, otherwise its one cohort's
    paired t interval. A change's ``verdict`` (:data:`evaluation.reports.verdicts.VERDICTS`) is
    the pooled interval's when pooled (``clear_increase`` or ``clear_decrease`` when it excludes
    0, else ``no_clear_change``, as the programme report judges it), else the one cohort's
    report's verdict, whose p-value is adjusted for the number of scales tested. Shares and costs
    are over all the programme's cohorts together.

    Examples
    --------
    >>> from evaluation.data.programme import load_programme_data
    >>> tables = comparison_tables([load_programme_data("leading-to-deliver"),
    ...                             load_programme_data("collaborative-leadership")])
    >>> rows = tables["programme_comparison"].query("measure == 'cost_per_reliable_improver'")
    >>> [(r.title, round(r.value), round(r.ci_low), round(r.ci_high)) for r in rows.itertuples()]
    [('Leading to Deliver', 108900, 88454, 141146), ('Collaborative Leadership pilot', 50227, 32289, 113011)]
    """
    names = [p.name for p in programmes]
    if len(names) < 2 or len(set(names)) < len(names):
        raise ValueError(f"`programmes` must hold two or more different programmes; got {names}")
    notes: list[dict] = []
    first = programmes[0]
    base, level = int(next(iter(first)).cohort.price_base_year), float(first.confidence_level)
    figures = []
    for p in programmes:
        years = {c.cohort.price_base_year for c in p}
        if years != {base} or p.confidence_level != level:
            notes.append({"source": p.name, "warning": "re-priced", "message":
                          f"{p.name}: shown in {base} prices at the {level_percent(level)} level (its parameters: price base "
                          f"{', '.join(map(str, sorted(years)))}, level {level_percent(p.confidence_level)})"})
        figures.append(programme_figures(p, base_year=base, confidence_level=level, notes=notes))
    limits = comparison_limits([f.profile for f in figures])
    comparison = pd.concat([programme_rows(f, limits, level=level, notes=notes) for f in figures], ignore_index=True)
    for column in ("k_cohorts", "n", "price_base_year"):
        comparison[column] = comparison[column].astype("Int64")
    profiles = pd.DataFrame([f.profile.row() for f in figures])
    profiles["price_base_year"] = base
    return {"programme_profiles": profiles, "programme_comparison": comparison, "comparison_limits": limits,
            "figures": tuple(figures),
            "notes": pd.DataFrame(notes, columns=["source", "warning", "message"]).drop_duplicates()
            .reset_index(drop=True)}

