"""Outcomes across a programme's cohorts over time, and every table of the report's outcomes part.

* :func:`outcome_trends` — per cohort and rater: enrolment, completion, reliable improvement and
  follow-up durability on the primary scale (``outcome_trends``);
* :func:`outcome_trend_tests` — whether a share moves with the cohorts' year (Cochran–Armitage
  test for trend, :func:`~evaluation.reports.programme_report.outcome_statistics.trend_in_proportions`;
  ``outcome_trend_tests``);
* :func:`programme_outcome_tables` — these and the cohorts' changes, pooled
  (:mod:`~evaluation.reports.programme_report.outcomes`), with the pooling warnings kept as notes.

The words (summary and findings) are in :mod:`~evaluation.reports.programme_report.outcome_text`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from evaluation.core.checks import check_confidence_level
from evaluation.data.cohort import CohortData
from evaluation.data.programme import ProgrammeData
from evaluation.reports.findings import collect_warnings
from evaluation.reports.programme_report.outcome_statistics import trend_in_proportions
from evaluation.reports.programme_report.outcomes import (
    cohort_changes,
    pooled_outcomes,
    primary_scales,
)
from evaluation.stats.outcomes import attrition

__all__ = ["TREND_METHOD", "outcome_trend_tests", "outcome_trends", "programme_outcome_tables"]

TREND_METHOD = ("Cochran-Armitage test for trend in proportions (chi-square, 1 df; as R's prop.trend.test), "
                "scores = the cohorts' years")


def _flow(cohort: CohortData) -> tuple[int, int]:
    """Enrolled and completed (whole cohort)."""
    flow = attrition(cohort.scale_scores, cohort.participants, scale=cohort.primary_scale).set_index("stage")["n"]
    return int(flow["enrolled"]), int(flow["completed_programme"])


def outcome_trends(data: ProgrammeData, changes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per cohort and rater: completion, reliable improvement and follow-up durability on the primary scale.

    Parameters
    ----------
    data : ProgrammeData
    changes : DataFrame, optional
        :func:`cohort_changes` of ``data`` (computed when not given).

    Returns
    -------
    DataFrame
        One row per cohort × rater with a primary scale: ``cohort, year, enrolled, completed,
        completion_share, rater, scale``; the pre → post change (``n_pairs_post, change_post,
        change_post_ci_low, change_post_ci_high, rci_n_improved_post, reliably_improved_post``)
        and, where the cohort has a follow-up, the pre → follow-up change beside it
        (``…_follow_up``; missing otherwise). Whole-cohort numbers, as the cohort reports
        publish them (not suppressed).
    """
    changes = cohort_changes(data) if changes is None else changes
    rows = []
    for cohort in data:
        number = cohort.cohort.cohort
        enrolled, completed = _flow(cohort)
        mine = changes[changes["cohort"] == number]
        for rater, scale in primary_scales(cohort).items():
            row = {"cohort": number, "year": cohort.cohort.year, "enrolled": enrolled, "completed": completed,
                   "completion_share": completed / enrolled if enrolled else math.nan, "rater": rater, "scale": scale}
            found = False
            for comparison, suffix in (("pre_post", "post"), ("pre_follow_up", "follow_up")):
                hit = mine[(mine["scale"] == scale) & (mine["rater"] == rater) & (mine["comparison"] == comparison)]
                r = hit.iloc[0] if len(hit) else None
                found = found or r is not None
                row |= {f"n_pairs_{suffix}": r["n_pairs"] if r is not None else pd.NA,
                        f"change_{suffix}": r["mean_change"] if r is not None else math.nan,
                        f"change_{suffix}_ci_low": r["change_ci_low"] if r is not None else math.nan,
                        f"change_{suffix}_ci_high": r["change_ci_high"] if r is not None else math.nan,
                        f"rci_n_improved_{suffix}": r["rci_n_improved"] if r is not None else pd.NA,
                        f"reliably_improved_{suffix}": r["rci_improved"] if r is not None else math.nan}
            if found:
                rows.append(row)
    out = pd.DataFrame(rows)
    for column in ("year", "n_pairs_post", "rci_n_improved_post", "n_pairs_follow_up", "rci_n_improved_follow_up"):
        if column in out:
            out[column] = out[column].astype("Int64")
    return out


#: The shares whose trend over cohorts is tested: (measure, rater, successes, total).
_TRENDED = [("completion", None, "completed", "enrolled"),
            ("reliably_improved_post", "self", "rci_n_improved_post", "n_pairs_post"),
            ("reliably_improved_post", "line_manager", "rci_n_improved_post", "n_pairs_post"),
            ("reliably_improved_follow_up", "self", "rci_n_improved_follow_up", "n_pairs_follow_up")]


def outcome_trend_tests(trends: pd.DataFrame, confidence_level: float = 0.95) -> pd.DataFrame:
    """Does a share move with the cohorts' year? One Cochran–Armitage test per share.

    Parameters
    ----------
    trends : DataFrame
        :func:`outcome_trends`. Not modified.
    confidence_level : float, default 0.95
        A trend is ``stated`` when p < 1 − confidence level.

    Returns
    -------
    DataFrame
        ``measure, rater, k, cohorts, share_min, share_max, share_first, share_last, statistic,
        df, p_value, direction, stated, method``; ``direction`` is ``rising`` or ``falling``
        (the sign of the slope over years; blank when no test was run) and ``stated`` is True only when the test supports
        a trend (fewer than 3 cohorts: not tested).
    """
    level = check_confidence_level(confidence_level)
    rows = []
    for measure, rater, x_col, n_col in _TRENDED:
        part = trends if rater is None else trends[trends["rater"] == rater]
        if rater is None:
            part = part.drop_duplicates("cohort")
        part = part.dropna(subset=[x_col, n_col])
        part = part[part[n_col] > 0]
        if not len(part):
            continue
        x, n = part[x_col].astype(float).to_numpy(), part[n_col].astype(float).to_numpy()
        years = part["year"]
        score = (years if years.notna().all() else part["cohort"]).astype(float).to_numpy()
        statistic, p = trend_in_proportions(x, n, score)
        share = x / n
        slope = np.polyfit(score, share, 1, w=np.sqrt(n))[0] if len(part) >= 2 and np.ptp(score) > 0 else math.nan
        rows.append({
            "measure": measure, "rater": rater or "", "k": len(part),
            "cohorts": ", ".join(str(c) for c in part["cohort"]),
            "share_min": share.min(), "share_max": share.max(), "share_first": share[0], "share_last": share[-1],
            "statistic": statistic, "df": pd.NA if math.isnan(p) else 1, "p_value": p,  # no test, no df
            # a direction only for a test run: none is shown for a line no test stands behind
            "direction": "" if math.isnan(slope) or math.isnan(p) else ("rising" if slope > 0 else "falling"),
            "stated": bool(not math.isnan(p) and p < 1 - level),
            "method": TREND_METHOD if not math.isnan(p) else "not tested: fewer than 3 cohorts",
        })
    return pd.DataFrame(rows)


def programme_outcome_tables(data: ProgrammeData) -> dict[str, pd.DataFrame]:
    """Every table of the programme's outcomes part, by the name it is published under.

    Returns
    -------
    dict of DataFrame
        ``programme_outcomes`` (:func:`cohort_changes`), ``pooled_outcomes``,
        ``outcome_trends``, ``outcome_trend_tests`` and ``outcome_notes`` (the pooling warnings,
        e.g. a single cohort: ``source, warning, message``).
    """
    level = data.confidence_level
    notes: list[dict] = []
    changes = collect_warnings(notes, "programme_outcomes", lambda: cohort_changes(data))
    titles = {scale: title for cohort in data for scale, title in cohort.titles.items()}
    pooled = collect_warnings(notes, "pooled_outcomes", lambda: pooled_outcomes(changes, level, titles=titles))
    trends = outcome_trends(data, changes)
    return {
        "programme_outcomes": changes,
        "pooled_outcomes": pooled,
        "outcome_trends": trends,
        "outcome_trend_tests": outcome_trend_tests(trends, level),
        "outcome_notes": pd.DataFrame(notes, columns=["source", "warning", "message"]).drop_duplicates(),
    }

