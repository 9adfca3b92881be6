"""The cost report's comparison across cohorts and programmes (``tables/cost_programme_comparison.csv``)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from evaluation.core.errors import DataValidationError, ParameterError
from evaluation.core.paths import DATA_DIR, PARAMS_DIR, processed_dir
from evaluation.data.cohort import CohortData, NoCohortDataError, load_cohort_data, processed_state
from evaluation.data.params import list_cohorts, list_programmes, load_cohort
from evaluation.reports.comparison_limits import comparison_limits, limits_text, programme_profile
from evaluation.reports.cost_report.cohort import CohortCosts, cohort_costs, programme_interval
from evaluation.stats import costs as ct

__all__ = ["COMPARISON_COLUMNS", "programme_comparison"]


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


def _without_folders(text: str, data_dir: Path, params_dir: Path) -> str:
    """``text`` with the data and parameter folders written ``<data folder>`` and ``<parameter
    folder>``: a published note names the file, not where this machine keeps it (a reviewer's
    rebuild elsewhere gives the same table)."""
    for folder, name in ((params_dir, "<parameter folder>"), (data_dir, "<data folder>")):
        for form in dict.fromkeys([str(folder), str(folder.resolve())]):
            text = text.replace(form, name)
    return text


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
    Cohorts of this report's programme that have no participants in ``data.all_participants``
    are skipped without reading the processed data again (at national scale, re-reading every
    answer once per empty cohort cost more than the rest of the report).

    Returns
    -------
    DataFrame
        :data:`COMPARISON_COLUMNS`: one row per cohort (``level`` = ``cohort``) and one per
        programme over all its cohorts (``level`` = ``programme``, ``cohort`` blank: total cost of
        all cohorts / all their participants). Economic and cash figures; only the cost per
        reliable improver has an interval (the other figures are not estimated from a sample):
        a cohort's is its own bootstrap's, a programme's the programme report's, resampling
        within each cohort (:func:`~evaluation.reports.cost_report.cohort.programme_interval`).
        ``limits``: the differences between the programmes that limit comparing their economic
        cost per reliable improver (:func:`evaluation.reports.comparison_limits.limits_text`;
        blank when one programme is shown).
    """
    notes = [] if notes is None else notes
    data_dir = Path(data_dir) if data_dir else DATA_DIR
    params_dir = Path(params_dir) if params_dir else PARAMS_DIR
    base, level = current.ledger.base_year, current.bootstrap.confidence_level
    rows: list[dict] = []
    with_people = set(pd.unique(data.all_participants["cohort"]).astype(int).tolist())
    with_data = sorted(with_people | set(pd.unique(data.comparison_participants.get("cohort", pd.Series([], dtype=int)))
                                        .astype(int).tolist()))
    profiles = []
    for programme in list_programmes(params_dir):
        this = programme == data.programme.name
        if this:  # loaded already: only whether its processed data are there matters (no hashing of inputs)
            state = "current" if (processed_dir(data_dir, programme) / "manifest.json").is_file() else "missing"
        else:
            state = processed_state(programme, data_dir=data_dir, params_dir=params_dir)
        if state == "missing":
            notes.append({"source": "programme comparison", "warning": "skipped",
                          "message": f"{programme}: no processed data (it has not been ingested, or its data "
                                     "could not be ingested); run "
                                     f"`python -m evaluation ingest --programme {programme}`, which lists any "
                                     "problems in its data, to include it"})
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
                if this and cohort not in with_people:  # no need to read every processed table to find out
                    load_cohort(params_dir, programme, cohort)
                    raise NoCohortDataError(
                        f"{processed_dir(data_dir, programme) / 'participants.parquet'}: no participant of programme "
                        f"{programme!r} is in cohort {cohort} (cohorts with data: {with_data})")
                other = load_cohort_data(programme, cohort, data_dir=data_dir, params_dir=params_dir)
                costed.append(cohort_costs(other, base_year=base, confidence_level=level, notes=notes))
                loaded.append(other)
            except (ParameterError, NoCohortDataError, DataValidationError, ValueError) as exc:
                notes.append({"source": "programme comparison", "warning": "skipped",
                              "message": f"{programme} cohort {cohort}: {_without_folders(str(exc), data_dir, params_dir)}"})
        rows += [_comparison_row(cc) for cc in costed]
        if costed:
            profiles.append(programme_profile(loaded, {cc.cohort: cc.ledger.participant_time_source for cc in costed}))
            total = sum(cc.ledger.total_cost for cc in costed)
            cash = sum(cc.ledger.total_cost - cc.ledger.participant_time_cost for cc in costed)
            n = sum(cc.ledger.enrolled for cc in costed)
            done = sum(cc.ledger.completed for cc in costed)
            improved = sum(int(cc.improvement["improved"].sum()) for cc in costed)
            sources = sorted({cc.ledger.participant_time_source for cc in costed})
            # the programme report's interval (resampling within each cohort, each with its own seed)
            interval = programme_interval(costed, level)
            rows.append({
                "programme": programme, "programme_title": costed[0].programme_title, "level": "programme",
                "cohort": None, "year": None, "enrolled": n, "completed": done, "reliable_improvers": improved,
                "total_cost": total, "cash_total_cost": cash, "cost_per_enrolled": total / n if n else math.nan,
                "cash_cost_per_enrolled": cash / n if n else math.nan,
                "cost_per_completer": total / done if done else math.nan,
                "cost_per_reliable_improver": total / improved if improved else math.nan,
                "cost_per_reliable_improver_ci_low": interval["cost_per_reliable_improver_ci_low"],
                "cost_per_reliable_improver_ci_high": interval["cost_per_reliable_improver_ci_high"],
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


