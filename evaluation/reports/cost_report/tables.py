"""The cost report's tables: a cohort's inputs, its costs and the comparisons."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from evaluation.core.errors import DataValidationError, DegenerateDataWarning, ParameterError
from evaluation.core.paths import DATA_DIR, PARAMS_DIR
from evaluation.core.results import ResultDisplay
from evaluation.core.vocabulary import COMPARISONS
from evaluation.data.cohort import (
    CohortData,
    NoCohortDataError,
    load_cohort_data,
    processed_state,
    rci_reliability,
    scale_info,
)
from evaluation.data.params import MonetisedBenefits, list_cohorts, list_programmes
from evaluation.reports.comparison_limits import comparison_limits, limits_text, programme_profile
from evaluation.reports.cost_report.benchmarks import benchmark_comparison
from evaluation.reports.cost_report.outcomes import non_monetised_outcomes
from evaluation.reports.findings import collect_warnings
from evaluation.stats import costs as ct
from evaluation.stats import outcomes as oc

__all__ = [
    "CONTRACT_CATEGORY_COLUMNS",
    "CONTRACT_MEASURES",
    "CONTRACT_SUMMARY_COLUMNS",
    "CohortCosts",
    "cohort_costs",
    "cost_tables",
    "programme_comparison",
    "reliable_improvement",
]

#: ``tables/cost_summary.csv`` (CONTRACT section 4), first columns in this order.
CONTRACT_SUMMARY_COLUMNS = ["measure", "value", "ci_low", "ci_high", "unit", "price_base_year"]
#: Measures ``tables/cost_summary.csv`` must have (CONTRACT section 4).
CONTRACT_MEASURES = [
    "total_cost", "fixed_cost", "variable_cost_per_participant", "participant_time_cost", "cost_per_enrolled",
    "cost_per_completer", "cost_per_reliable_improver",
]
#: ``tables/costs_by_category.csv`` (CONTRACT section 4).
CONTRACT_CATEGORY_COLUMNS = ["category", "basis", "amount", "share"]
#: The measures whose tornado charts the report shows: a choice among those
#: :func:`evaluation.stats.costs.tornado` can vary (``evaluation.stats.costs.TORNADO_MEASURES``).
REPORTED_TORNADOS = ("cost_per_completer", "cost_per_reliable_improver")
INPUT_WORDS = {
    "hours": "the hours participants spent on the programme",
    "hourly_cost": "the hourly cost of participants' time",
    "shared_costs": "how the programme's shared set-up costs are split between cohorts",
    "reliable_improvement_rate": "the share who reliably improved",
}
#: (measure of ``cost_summary``, finding id): economic figures first, then their cash twins.
FINDING_MEASURES = (
    ("total_cost", "costs.total_cost"),
    ("cost_per_enrolled", "costs.cost_per_participant"),
    ("cost_per_completer", "costs.cost_per_completer"),
    ("cost_per_reliable_improver", "costs.cost_per_reliable_improver"),
    ("variable_cost_per_participant", "costs.marginal_cost_participant"),
    ("marginal_cost_cohort", "costs.marginal_cost_cohort"),
    ("participant_time_cost", "costs.participant_time_cost"),
    ("cash_total_cost", "costs.cash_total_cost"),
    ("cash_cost_per_enrolled", "costs.cash_cost_per_participant"),
    ("cash_cost_per_completer", "costs.cash_cost_per_completer"),
    ("cash_cost_per_reliable_improver", "costs.cash_cost_per_reliable_improver"),
    ("cash_marginal_cost_cohort", "costs.cash_marginal_cost_cohort"),
)


_SHARED_WORDS = {"needs_assessment": "needs assessment", "design": "design", "evaluation": "programme evaluation",
                 "management": "programme management"}


def shared_cost_words(ledger: ct.Ledger) -> str:
    """The programme-level fixed costs the cohort shares, in words (e.g. "design and programme
    evaluation"), as the ledger has them; "" when there are none."""
    lines = ledger.lines
    shared = lines[(lines["level"] == "programme") & (lines["component"] == "fixed") & (lines["real_total"] > 0)]
    words = [_SHARED_WORDS.get(c, c.replace("_", " ")) for c in dict.fromkeys(shared["category"])]
    return " and ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else "".join(words)


def _money(x: float, digits: int = 0) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "not available"
    return f"£{x:,.{digits}f}"


def _pct(level: float) -> int:
    return int(round(level * 100))


# ------------------------------------------------------------------------------ inputs


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
    return CohortCosts(programme=data.programme.name, programme_title=data.programme.title, cohort=coh.cohort,
                       year=coh.year, ledger=ledger, improvement=improvement, improvement_info=info, bootstrap=boot,
                       summary=summary)


# ------------------------------------------------------------------------------ tables


def _comparison_row(cc: CohortCosts, level: str = "cohort") -> dict:
    row = {"programme": cc.programme, "programme_title": cc.programme_title, "level": level, "cohort": cc.cohort,
           "year": cc.year, "enrolled": cc.ledger.enrolled, "completed": cc.ledger.completed,
           "reliable_improvers": int(cc.improvement["improved"].sum())}
    table = cc.summary.set_index("measure")
    for measure in ("total_cost", "cash_total_cost", "cost_per_enrolled", "cash_cost_per_enrolled",
                    "cost_per_completer", "cost_per_reliable_improver"):
        row[measure] = float(table.loc[measure, "value"])
    # counted money has no interval; the cost per reliable improver has one (who improved is measured with error)
    row["cost_per_reliable_improver_ci_low"] = float(table.loc["cost_per_reliable_improver", "ci_low"])
    row["cost_per_reliable_improver_ci_high"] = float(table.loc["cost_per_reliable_improver", "ci_high"])
    row["participant_time_source"] = cc.ledger.participant_time_source
    row["price_base_year"] = cc.ledger.base_year
    row["unit"] = cc.ledger.unit
    return row


COMPARISON_COLUMNS = [
    "programme", "programme_title", "level", "cohort", "year", "enrolled", "completed", "reliable_improvers",
    "total_cost", "cash_total_cost", "cost_per_enrolled", "cash_cost_per_enrolled", "cost_per_completer",
    "cost_per_reliable_improver",
    "cost_per_reliable_improver_ci_low", "cost_per_reliable_improver_ci_high", "participant_time_source",
    "price_base_year", "unit", "limits",
]


def programme_comparison(
    data: CohortData,
    current: CohortCosts,
    *,
    data_dir: Path | str | None = None,
    params_dir: Path | str | None = None,
    notes: list[dict] | None = None,
) -> pd.DataFrame:
    """Cost per participant and per reliable improver across cohorts and programmes.

    Every programme under ``params_dir`` (``<programme>/programme.yaml``) whose processed data
    are under ``data_dir``, and every cohort of it with a parameter file and participants,
    is costed with this report's price base and confidence level (each cohort's own bootstrap
    seed and resamples). Programmes or cohorts that cannot be loaded are skipped with a note
    (e.g. a programme not yet ingested, or whose processed data are older than its inputs).

    Returns
    -------
    DataFrame
        :data:`COMPARISON_COLUMNS`: one row per cohort (``level`` = ``cohort``) and one per
        programme over all its cohorts (``level`` = ``programme``, ``cohort`` blank, without
        intervals: total cost of all cohorts / all their participants). Economic and cash
        figures; only the cost per reliable improver has an interval (counted money has none).
        ``limits``: the differences between the programmes that limit comparing their economic
        cost per reliable improver (:func:`evaluation.reports.comparison_limits.limits_text`;
        blank when one programme is shown).
    """
    notes = [] if notes is None else notes
    data_dir = Path(data_dir) if data_dir else DATA_DIR
    params_dir = Path(params_dir) if params_dir else PARAMS_DIR
    base, level = current.ledger.base_year, current.bootstrap.confidence_level
    rows: list[dict] = []
    profiles = []
    for programme in list_programmes(params_dir):
        state = processed_state(programme, data_dir=data_dir, params_dir=params_dir)
        if state == "missing":
            notes.append({"source": "programme comparison", "warning": "skipped",
                          "message": f"{programme}: no processed data (it has not been ingested); run "
                                     f"`python -m evaluation ingest --programme {programme}` to include it"})
            continue
        if programme != data.programme.name and state == "stale":
            notes.append({"source": "programme comparison", "warning": "skipped",
                          "message": f"{programme}: the processed data are older than their inputs; run "
                                     f"`python -m evaluation ingest --programme {programme}` to include it"})
            continue
        costed: list[CohortCosts] = []
        loaded: list[CohortData] = []
        for cohort in list_cohorts(params_dir, programme):
            if programme == data.programme.name and cohort == data.cohort.cohort:
                costed.append(current)
                loaded.append(data)
                continue
            try:
                other = load_cohort_data(programme, cohort, data_dir=data_dir, params_dir=params_dir)
                costed.append(cohort_costs(other, base_year=base, confidence_level=level, notes=notes))
                loaded.append(other)
            except (ParameterError, NoCohortDataError, DataValidationError, ValueError) as exc:
                notes.append({"source": "programme comparison", "warning": "skipped",
                              "message": f"{programme} cohort {cohort}: {exc}"})
        rows += [_comparison_row(cc) for cc in costed]
        if costed:
            profiles.append(programme_profile(loaded, {cc.cohort: cc.ledger.participant_time_source for cc in costed}))
            total = sum(cc.ledger.total_cost for cc in costed)
            cash = sum(cc.ledger.total_cost - cc.ledger.participant_time_cost for cc in costed)
            n = sum(cc.ledger.enrolled for cc in costed)
            done = sum(cc.ledger.completed for cc in costed)
            improved = sum(int(cc.improvement["improved"].sum()) for cc in costed)
            sources = sorted({cc.ledger.participant_time_source for cc in costed})
            rows.append({
                "programme": programme, "programme_title": costed[0].programme_title, "level": "programme",
                "cohort": None, "year": None, "enrolled": n, "completed": done, "reliable_improvers": improved,
                "total_cost": total, "cash_total_cost": cash, "cost_per_enrolled": total / n if n else math.nan,
                "cash_cost_per_enrolled": cash / n if n else math.nan,
                "cost_per_completer": total / done if done else math.nan,
                "cost_per_reliable_improver": total / improved if improved else math.nan,
                "participant_time_source": ", ".join(sources), "price_base_year": base,
                "unit": ct.money_unit(base),
            })
    out = pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
    out["limits"] = limits_text(comparison_limits(profiles), "cost_per_reliable_improver")
    for column in ("cohort", "year", "enrolled", "completed", "reliable_improvers", "price_base_year"):
        out[column] = out[column].astype("Int64")
    for column in [c for c in COMPARISON_COLUMNS if c.startswith(("cost_", "cash_")) or c == "total_cost"]:
        out[column] = out[column].astype("float64")
    return out


def _non_monetised(data: CohortData, notes: list[dict]) -> pd.DataFrame:
    """The outcomes left in their own units (Phillips' intangibles): change on every scale."""
    first = data.cohort.comparisons[0]
    earlier, later = COMPARISONS[first]
    info = scale_info(data)
    return collect_warnings(notes, "non-monetised outcomes", lambda: non_monetised_outcomes(
        data.scale_scores, comparison=first, earlier=earlier, later=later,
        confidence_level=data.cohort.confidence_level, reliability=rci_reliability(data),
        scale_info=info[["kirkpatrick_level", "higher_is_better"]], titles=data.titles))


def _benefits_parameter(data: CohortData) -> Any:
    return getattr(data.cohort, "monetised_benefits", None)


def cost_tables(
    data: CohortData,
    *,
    benefits: Any = None,
    data_dir: Path | str | None = None,
    params_dir: Path | str | None = None,
    comparison: bool = True,
) -> dict[str, Any]:
    """Every table of the cost report for one cohort.

    Parameters
    ----------
    data : CohortData
    benefits : evaluation.data.params.MonetisedBenefits or mapping, optional
        Monetised benefits (``by_year``, ``price_year``, ``source``, ``attribution``,
        ``confidence``); default: the cohort parameter ``monetised_benefits`` if the
        parameter files have one, else none (no benefit–cost ratio is given).
    data_dir, params_dir : path, optional
        Where the other cohorts and programmes are, for the programme comparison (default:
        the repository's ``data/`` and ``params/``).
    comparison : bool, default True
        Build the programme comparison (it loads every other cohort).

    Returns
    -------
    dict
        DataFrames ``cost_summary, costs_by_category, cost_ledger, cost_curve, tornado,
        bootstrap, bootstrap_draws, benchmarks, reliable_improvement, non_monetised,
        programme_comparison`` (when ``comparison``), ``benefit_cost`` (when benefits are
        supplied), ``notes``; and ``cohort_costs`` (the :class:`CohortCosts`).
    """
    notes: list[dict] = []
    coh = data.cohort
    cc = cohort_costs(data, notes=notes)
    ledger, improved = cc.ledger, cc.improved
    tables: dict[str, Any] = {"cohort_costs": cc}
    summary = cc.summary.copy()
    tables["cost_summary"] = summary
    tables["costs_by_category"] = ct.costs_by_category(ledger)
    tables["cost_ledger"] = ledger.lines.copy()
    tables["cost_curve"] = ct.cost_curve(ledger)
    tables["tornado"] = pd.concat(
        [collect_warnings(notes, "tornado", lambda m=m: ct.tornado(ledger, improved, measure=m,
                                                            confidence_level=coh.confidence_level))
         for m in REPORTED_TORNADOS], ignore_index=True)
    tables["bootstrap"] = cc.bootstrap.summary.assign(unit=ledger.unit, price_base_year=ledger.base_year)
    tables["bootstrap_draws"] = cc.bootstrap.draws
    measures = summary.set_index("measure")["value"]
    tables["benchmarks"] = collect_warnings(notes, "benchmarks", lambda: benchmark_comparison(
        data.deflators, base_year=ledger.base_year,
        cost_per_place=float(measures["cash_cost_per_enrolled"]),
        cost_per_place_with_time=float(measures["cost_per_enrolled"])))
    info = cc.improvement_info
    categories = cc.improvement["category"]
    counts = [
        ("enrolled", len(categories), "Participants enrolled in the cohort"),
        ("scored_both", int(categories.notna().sum()),
         f"With a score on the primary scale at both {info['earlier']} and {info['later']}"),
        ("reliably_improved", int((categories == "improved").sum()), "Reliable change index above 1.96 (improved)"),
        ("no_reliable_change", int((categories == "unchanged").sum()), "Change within measurement error"),
        ("reliably_deteriorated", int((categories == "deteriorated").sum()), "Reliable change the other way"),
        ("not_scored", int(categories.isna().sum()), "No pair of scores (or no reliability): counted as not improved"),
    ]
    tables["reliable_improvement"] = pd.DataFrame(
        [{"stage": s, "n": n, "share_of_enrolled": n / len(categories), "definition": d} for s, n, d in counts]
    ).assign(scale=info["scale"], comparison=info["comparison"], reliability=info["reliability"])
    tables["non_monetised"] = _non_monetised(data, notes)
    chosen = benefits if benefits is not None else _benefits_parameter(data)
    if chosen is not None:
        monetised = chosen if isinstance(chosen, MonetisedBenefits) else MonetisedBenefits.model_validate(chosen)
        real = ct.real_benefits(monetised.by_year, price_year=monetised.price_year, deflators=data.deflators,
                                base_year=ledger.base_year, attribution=monetised.attribution,
                                confidence=monetised.confidence)
        start = coh.year if coh.year is not None and (not len(real) or coh.year <= min(real.index)) else None
        result = collect_warnings(notes, "benefit_cost", lambda: ct.benefit_cost(
            ledger.total_cost, real, discount_rate=coh.discount_rate, start_year=start))
        tables["benefit_cost"] = pd.DataFrame([
            {"measure": "benefits_present_value", "value": result.benefits, "unit": ledger.unit},
            {"measure": "costs", "value": result.costs, "unit": ledger.unit},
            {"measure": "benefit_cost_ratio", "value": result.bcr, "unit": "ratio"},
            {"measure": "roi_percent", "value": result.roi_percent, "unit": "%"},
        ]).assign(price_base_year=ledger.base_year, discounted=result.discounted,
                  discount_rate=result.discount_rate if result.discounted else math.nan,
                  attribution=monetised.attribution, confidence=monetised.confidence, source=monetised.source)
    if comparison:
        tables["programme_comparison"] = programme_comparison(data, cc, data_dir=data_dir, params_dir=params_dir,
                                                              notes=notes)
    tables["notes"] = pd.DataFrame(notes, columns=["source", "warning", "message"]).drop_duplicates() \
        .reset_index(drop=True)
    return tables
