"""Two cohorts of a programme side by side: did one change more than the other?

:func:`compare_cohorts` answers the evaluator's question "did cohort 2 change more than cohort
3?" in one call: each cohort's mean change per scale × comparison × rater, and the difference
between them with its interval, from the participants' own change scores.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from evaluation.core.checks import check_confidence_level
from evaluation.core.vocabulary import COMPARISONS
from evaluation.data.programme import ProgrammeData
from evaluation.stats.outcomes import comparison_group_change

__all__ = ["COHORT_COMPARISON_COLUMNS", "compare_cohorts"]

COHORT_COMPARISON_COLUMNS = (
    "scale", "comparison", "rater", "cohort_a", "cohort_b", "n_pairs_a", "mean_change_a", "n_pairs_b",
    "mean_change_b", "difference", "difference_se", "df", "ci_low", "ci_high", "p_value", "confidence_level",
    "method",
)


def _pairs(scores: pd.DataFrame, earlier: str, later: str) -> pd.DataFrame:
    wide = scores[scores["wave"].isin([earlier, later])].pivot_table(
        index="participant_id", columns="wave", values="score", aggfunc="first")
    if earlier not in wide or later not in wide:
        return pd.DataFrame(columns=[earlier, later])
    return wide[[earlier, later]].dropna()


def _names(value: str | Sequence[str] | None, parameter: str, allowed: Sequence[str]) -> list[str]:
    if value is None:
        return list(allowed)
    values = [value] if isinstance(value, str) else list(value)
    unknown = [v for v in values if v not in allowed]
    if unknown or not values:
        raise ValueError(f"`{parameter}` must name one or more of {', '.join(repr(a) for a in allowed)}; got {value!r}")
    return values


def compare_cohorts(
    data: ProgrammeData,
    cohort_a: int,
    cohort_b: int,
    *,
    scales: str | Sequence[str] | None = None,
    raters: str | Sequence[str] | None = None,
    comparisons: str | Sequence[str] | None = None,
    confidence_level: float | None = None,
) -> pd.DataFrame:
    """Each cohort's mean change and the difference between the two, per scale × comparison × rater.

    Parameters
    ----------
    data : ProgrammeData
        The programme (:func:`evaluation.data.programme.load_programme_data`).
    cohort_a, cohort_b : int
        The two cohorts; the difference is a − b.
    scales, raters, comparisons : str or list of str, optional
        Rows to return (default: every scale, rater and comparison both cohorts have).
    confidence_level : float, optional
        Default: the programme's (its cohorts' common) confidence level.

    Returns
    -------
    DataFrame
        :data:`COHORT_COMPARISON_COLUMNS`, one row per scale × comparison × rater that both
        cohorts have; the difference is in scale points (change = later − earlier wave).

    Raises
    ------
    ValueError
        A cohort the programme does not have, the same cohort twice, or an unknown scale, rater
        or comparison (the message lists the allowed values).

    Notes
    -----
    The two cohorts are different people, so the difference in mean change is a two-sample
    comparison of the participants' change scores: difference = mean(later − earlier | a) −
    mean(later − earlier | b), Welch's t interval, SE = sqrt(s²_a/n_a + s²_b/n_b), df by
    Welch–Satterthwaite (R's ``t.test(change_a, change_b)``), computed by
    :func:`evaluation.stats.outcomes.comparison_group_change` (the same statistic as a
    difference-in-differences). The p-values are not adjusted for the number of rows: adjust
    them over the family you test (e.g. with :func:`evaluation.stats.outcomes.adjust_p`) before
    reading them as a verdict. Cohorts differ in more than the programme (the year, the people
    who came forward, sometimes the waves): a difference describes, it does not explain.

    Examples
    --------
    >>> from evaluation.data.programme import load_programme_data
    >>> data = load_programme_data("leading-to-deliver")
    >>> table = compare_cohorts(data, 2, 3, scales="leading_change", raters="self", comparisons="pre_post")
    >>> table[["cohort_a", "cohort_b", "n_pairs_a", "n_pairs_b"]].to_numpy().tolist()
    [[2, 3, 85, 81]]
    """
    for name, number in (("cohort_a", cohort_a), ("cohort_b", cohort_b)):
        if number not in data.cohorts:
            raise ValueError(f"`{name}` must be a cohort of {data.name} with data ({list(data.cohorts)}); got {number!r}")
    if cohort_a == cohort_b:
        raise ValueError(f"`cohort_a` and `cohort_b` must differ; got {cohort_a!r} twice")
    level = check_confidence_level(data.confidence_level if confidence_level is None else confidence_level)
    a, b = data[cohort_a], data[cohort_b]
    shared = [s for s in a.titles if s in set(b.titles)]
    both_raters = sorted(set(a.scale_scores["rater"].dropna()) & set(b.scale_scores["rater"].dropna()))
    both_comparisons = [c for c in a.cohort.comparisons if c in b.cohort.comparisons]
    scale_list = _names(scales, "scales", shared)
    rater_list = _names(raters, "raters", both_raters)
    comparison_list = _names(comparisons, "comparisons", both_comparisons)

    rows = []
    for scale in scale_list:
        for comparison in comparison_list:
            earlier, later = COMPARISONS[comparison]
            for rater in rater_list:
                pick = {c: d.scale_scores[(d.scale_scores["scale"] == scale) & (d.scale_scores["rater"] == rater)]
                        for c, d in ((cohort_a, a), (cohort_b, b))}
                pairs_a, pairs_b = (_pairs(pick[c], earlier, later) for c in (cohort_a, cohort_b))
                if pairs_a.empty and pairs_b.empty:
                    continue
                with warnings.catch_warnings():
                    warnings.simplefilter("default")
                    res = comparison_group_change(pairs_a[earlier], pairs_a[later], pairs_b[earlier], pairs_b[later],
                                                  confidence_level=level)
                rows.append({
                    "scale": scale, "comparison": comparison, "rater": rater, "cohort_a": cohort_a,
                    "cohort_b": cohort_b, "n_pairs_a": res.n_treated, "mean_change_a": res.mean_change_treated,
                    "n_pairs_b": res.n_comparison, "mean_change_b": res.mean_change_comparison,
                    "difference": res.did, "difference_se": res.did_se, "df": res.did_df, "ci_low": res.did_ci_low,
                    "ci_high": res.did_ci_high, "p_value": res.did_p_value, "confidence_level": level,
                    "method": "Welch two-sample t on the change scores (unadjusted)",
                })
    table = pd.DataFrame(rows, columns=list(COHORT_COMPARISON_COLUMNS))
    return table.astype({"n_pairs_a": np.int64, "n_pairs_b": np.int64}) if len(table) else table
