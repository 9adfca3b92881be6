"""One cohort's costs for the cost report: its reliable improvers, ledger, bootstrap and summary."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluation.core.errors import DegenerateDataWarning
from evaluation.core.results import ResultDisplay
from evaluation.core.vocabulary import COMPARISONS
from evaluation.data.cohort import CohortData, rci_reliability, scale_info
from evaluation.reports.findings import collect_warnings
from evaluation.reports.labels import and_list
from evaluation.stats import costs as ct
from evaluation.stats import outcomes as oc

__all__ = ["CohortCosts", "cohort_costs", "programme_interval", "reliable_improvement", "shared_cost_words"]


_SHARED_WORDS = {"needs_assessment": "needs assessment", "design": "design", "evaluation": "programme evaluation",
                 "management": "programme management"}


def shared_cost_words(ledger: ct.Ledger) -> str:
    """The programme-level fixed costs the cohort shares, in words (e.g. "design and programme
    evaluation"), as the ledger has them; "" when there are none."""
    lines = ledger.lines
    shared = lines[(lines["level"] == "programme") & (lines["component"] == "fixed") & (lines["real_total"] > 0)]
    words = [_SHARED_WORDS.get(c, c.replace("_", " ")) for c in dict.fromkeys(shared["category"])]
    return and_list(words)


def reliable_improvement(data: CohortData) -> tuple[pd.DataFrame, dict]:
    """Each enrolled participant's reliable change on the primary scale (self-ratings).

    Returns
    -------
    (DataFrame, dict)
        One row per participant of the cohort, sorted by ``participant_id``:
        ``participant_id, earlier, later, change, rci, category, improved``, where
        ``improved`` is True only for a reliable improvement (no scores → False); and a dict
        ``scale, title, comparison, earlier, later, reliability, higher_is_better``.

    Notes
    -----
    The first comparison of the cohort (normally ``pre_post``); the reliability is the
    cohort's ``rci_reliability`` (a number, or the listwise Cronbach's alpha of the pre wave
    of the self-rated primary scale). SD_pre is over the complete pairs, as in the outcomes
    table, so the counts agree with its ``rci_improved``.
    """
    people = data.participants[["participant_id"]].astype({"participant_id": str}) \
        .sort_values("participant_id").reset_index(drop=True)
    comparison = data.cohort.comparisons[0]
    earlier, later = COMPARISONS[comparison]
    scale = data.primary_scale
    info = {"scale": scale, "title": data.titles.get(scale, scale) if scale else None, "comparison": comparison,
            "earlier": earlier, "later": later, "reliability": math.nan, "higher_is_better": True}
    empty = people.assign(earlier=np.nan, later=np.nan, change=np.nan, rci=np.nan, category=None, improved=False)
    if scale is None:
        warnings.warn("no primary scale of Kirkpatrick level 2 is defined: nobody counts as a reliable improver",
                      DegenerateDataWarning, stacklevel=2)
        return empty, info
    info["higher_is_better"] = bool(scale_info(data).loc[scale, "higher_is_better"])
    setting = rci_reliability(data)
    if isinstance(setting, pd.DataFrame):
        row = setting[(setting["scale"] == scale) & (setting["rater"] == "self")]
        info["reliability"] = float(row["reliability"].iloc[0]) if len(row) else math.nan
    else:
        info["reliability"] = float(setting)
    scores = data.scale_scores
    scores = scores[(scores["scale"] == scale) & (scores["rater"] == "self") & scores["wave"].isin([earlier, later])]
    wide = scores.pivot_table(index="participant_id", columns="wave", values="score", aggfunc="first")
    wide.index = wide.index.astype(str)
    wide = wide.reindex(people["participant_id"])
    x = wide[earlier] if earlier in wide else pd.Series(np.nan, index=wide.index)
    y = wide[later] if later in wide else pd.Series(np.nan, index=wide.index)
    by_person = oc.reliable_change_by_person(x.astype(float), y.astype(float), reliability=info["reliability"],
                                             higher_is_better=info["higher_is_better"])
    out = people.assign(
        earlier=by_person["earlier"].to_numpy(), later=by_person["later"].to_numpy(),
        change=by_person["change"].to_numpy(), rci=by_person["rci"].to_numpy(),
        category=by_person["category"].to_numpy(),
    )
    out["improved"] = (out["category"] == "improved").to_numpy(dtype=bool)
    return out, info


@dataclass(frozen=True, repr=False)
class CohortCosts(ResultDisplay):
    """One cohort's costs: ledger, reliable improvers, bootstrap and summary table."""

    programme: str
    programme_title: str
    cohort: int
    year: int | None
    ledger: ct.Ledger
    improvement: pd.DataFrame
    improvement_info: dict
    bootstrap: ct.BootstrapResult
    summary: pd.DataFrame

    @property
    def improved(self) -> pd.Series:
        return pd.Series(self.improvement["improved"].to_numpy(dtype=bool),
                         index=self.improvement["participant_id"].to_numpy())

    def value(self, measure: str) -> float:
        row = self.summary.loc[self.summary["measure"] == measure]
        return float(row["value"].iloc[0])


def cohort_costs(
    data: CohortData,
    *,
    base_year: int | None = None,
    confidence_level: float | None = None,
    notes: list[dict] | None = None,
) -> CohortCosts:
    """One cohort's ledger, reliable improvers, bootstrap and cost summary.

    ``base_year`` and ``confidence_level`` default to the cohort's parameters
    (``price_base_year``, ``confidence_level``); the bootstrap uses the cohort's ``bootstrap``
    resamples and seed. Warnings become ``notes`` entries when a list is given.
    """
    notes = [] if notes is None else notes
    coh = data.cohort
    base = int(coh.price_base_year if base_year is None else base_year)
    level = float(coh.confidence_level if confidence_level is None else confidence_level)
    source = f"costs: {data.programme.name} cohort {coh.cohort}"
    enrolled = data.all_participants.groupby("cohort").size()
    enrolled.index = enrolled.index.astype(int)
    ledger = collect_warnings(notes, source, lambda: ct.cost_ledger(
        data.costs, data.participants, cohort=coh.cohort, enrolled=enrolled, deflators=data.deflators,
        base_year=base, staff=ct.StaffTime.from_programme(data.programme)))
    improvement, info = collect_warnings(notes, source, lambda: reliable_improvement(data))
    improved = pd.Series(improvement["improved"].to_numpy(dtype=bool), index=improvement["participant_id"].to_numpy())
    boot = collect_warnings(notes, source, lambda: ct.bootstrap_costs(
        ledger, improved, resamples=coh.bootstrap.resamples, seed=coh.bootstrap.seed, confidence_level=level))
    summary = collect_warnings(notes, source, lambda: ct.cost_summary(ledger, improved, bootstrap=boot))
    where = ct.PARTICIPANT_TIME_SOURCES[ledger.participant_time_source]
    summary.loc[summary["measure"] == "participant_time_cost", "description"] = \
        f"Participants' time for the whole cohort (economic cost − cash cost); source: {where}"
    shared = shared_cost_words(ledger)  # the programme-level lines this programme has, not a fixed list
    another = summary["measure"].isin(["marginal_cost_cohort", "cash_marginal_cost_cohort"])
    summary.loc[another, "description"] = summary.loc[another, "description"].str.replace(
        "the programme-level fixed costs, spent once for the whole programme, are left out",
        f"the programme-level fixed costs ({shared}), spent once for the whole programme, are left out"
        if shared else "the programme has no programme-level fixed costs to leave out", regex=False)
    return CohortCosts(programme=data.programme.name, programme_title=data.programme.title, cohort=coh.cohort,
                       year=coh.year, ledger=ledger, improvement=improvement, improvement_info=info, bootstrap=boot,
                       summary=summary)


def programme_interval(costed: list[CohortCosts], level: float) -> dict[str, float]:
    """The percentile interval of the programme's cost per reliable improver, resampling within cohorts.

    Returns
    -------
    dict
        ``cost_per_reliable_improver_ci_low`` / ``_ci_high`` and the ``cash_`` twins.

    Notes
    -----
    A stratified bootstrap (Davison & Hinkley 1997, *Bootstrap Methods and their Application*,
    section 3.2): each of B resamples (B = the smallest of the cohorts' ``bootstrap.resamples``)
    draws n_k of the n_k participants of every cohort k with replacement, with the cohort's own
    generator (``numpy.random.default_rng(seed_k)``): the cohort's own bootstrap's first B
    resamples (:func:`evaluation.stats.costs.uncertainty.resampled_totals`, as
    :func:`evaluation.stats.costs.uncertainty.bootstrap_costs` draws them: counts over the distinct
    participants' (variable cost, own time, improved), so memory does not grow with n_k); each
    participant's variable cost, own time and reliable improvement stay together; cohorts' fixed
    costs are not resampled. Ratio ``Σ_k C*_k / Σ_k improved*_k`` (cash: without participants' time); a
    resample without an improver counts as +∞ and a limit that falls there is NaN. With one
    cohort it is that cohort's own interval.
    """
    b = min(cc.bootstrap.resamples for cc in costed)
    total, cash, improved = np.zeros(b), np.zeros(b), np.zeros(b)
    for cc in costed:  # each cohort's first b resamples, as its own bootstrap draws them
        people = cc.ledger.participants
        flags = people["participant_id"].astype(str).map(cc.improved).fillna(False).to_numpy(dtype=bool)
        drawn, drawn_cash, drawn_improved = ct.resampled_totals(cc.ledger, flags, resamples=b, seed=int(cc.bootstrap.seed))
        total += drawn
        cash += drawn_cash
        improved += drawn_improved
    out = {}
    for name, cost in (("cost_per_reliable_improver", total), ("cash_cost_per_reliable_improver", cash)):
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(improved > 0, cost / improved, np.inf)
        low, high = np.quantile(ratio, [(1 - level) / 2, (1 + level) / 2])
        out[f"{name}_ci_low"] = float(low) if np.isfinite(low) else math.nan
        out[f"{name}_ci_high"] = float(high) if np.isfinite(high) else math.nan
    return out
