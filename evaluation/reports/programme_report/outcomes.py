"""Outcomes across a programme's cohorts: each cohort's change, and pooled.

* :func:`cohort_changes` — one row per cohort × scale × comparison × rater, taken from each
  cohort's own published ``outcomes`` table (the same numbers as the cohort reports), with the
  standard errors that pooling needs (published as ``programme_outcomes``);
* :func:`pooled_outcomes` — the random-effects pooled change per scale × comparison × rater,
  in scale points and in g_av (:func:`evaluation.stats.pooling.pool`; ``pooled_outcomes``);
* :func:`g_av_variance` (from :mod:`~evaluation.reports.programme_report.outcome_statistics`) —
  the variance pooling g_av needs, which the stats layer does not have.

The trends across cohorts and every table together (:func:`programme_outcome_tables`) are in
:mod:`~evaluation.reports.programme_report.outcome_trends`.

The words (summary and findings) are in :mod:`~evaluation.reports.programme_report.outcome_text`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from evaluation.core.checks import check_columns, check_confidence_level
from evaluation.core.errors import ParameterError
from evaluation.data.cohort import CohortData
from evaluation.data.programme import ProgrammeData
from evaluation.reports.labels import capitalised, label, ratings_words
from evaluation.reports.outcome_report import outcomes as cohort_outcomes
from evaluation.reports.programme_report.outcome_statistics import g_av_variance
from evaluation.reports.verdicts import verdict
from evaluation.stats.pooling import (
    POOLING_METHOD,
    FewEstimatesWarning,
    PoolingWarning,
    pool,
    se_from_t_interval,
)

__all__ = [
    "CHANGE_COLUMNS",
    "MEASURES",
    "POOLED_COLUMNS",
    "cohort_changes",
    "forest_panels",
    "g_av_variance",
    "pooled_outcomes",
    "primary_scales",
    "table_shown",
]

#: Columns of ``programme_outcomes`` (one row per cohort × scale × comparison × rater).
CHANGE_COLUMNS = [
    "cohort", "year", "scale", "kirkpatrick_level", "comparison", "rater", "n_pairs",
    "mean_change", "change_ci_low", "change_ci_high", "change_se", "p_adjusted", "verdict",
    "g_av", "g_av_ci_low", "g_av_ci_high", "g_av_se", "rci_improved", "rci_unchanged",
    "rci_deteriorated", "rci_n_improved",
]
#: What is pooled: the column of the estimate and of its standard error in ``programme_outcomes``.
MEASURES = {"mean_change": ("mean_change", "change_se"), "g_av": ("g_av", "g_av_se")}
#: Columns of ``pooled_outcomes``.
POOLED_COLUMNS = [
    "scale", "kirkpatrick_level", "comparison", "rater", "measure", "k", "cohorts", "estimate", "se",
    "ci_low", "ci_high", "p_value", "tau2", "i2", "h2", "q", "q_df", "q_p", "pi_low", "pi_high",
    "confidence_level", "method",
]

def primary_scales(data: CohortData) -> dict[str, str]:
    """The primary scale of each rater: rater → the ``primary_scale`` of the instrument that rater answers.

    Self-ratings use the level-2 instrument's primary scale (``CohortData.primary_scale``); a
    line manager's the primary scale of the instrument line managers answer (e.g.
    ``observed_leading_change``).
    """
    out: dict[str, str] = {}
    primary = data.primary_scale
    if primary:
        out["self"] = primary
    for inst in data.instruments.values():
        if not inst.primary_scale:
            continue
        for rater in inst.raters:
            out.setdefault(rater, inst.primary_scale)
    return out


def forest_panels(changes: pd.DataFrame, *, levels: tuple[int, ...] = (2, 3),
                  comparison: str = "pre_post", paired_only: bool = False) -> list[tuple[str, str] | None]:
    """Forest-plot panels in pairs: each self-rated scale beside the line managers' scale that observes it.

    A line-manager scale observes a self-rated scale when its name ends with ``_<scale>``
    (``observed_leading_change`` observes ``leading_change``). Returns (scale, rater) pairs,
    two to a row, self first, ``None`` where a scale has no partner; scales of the given
    Kirkpatrick ``levels`` only, in the table's order; with ``paired_only`` only the pairs.

    Examples
    --------
    >>> import pandas as pd
    >>> changes = pd.DataFrame({"scale": ["lc", "vision", "observed_lc"], "rater": ["self", "self", "line_manager"],
    ...                         "kirkpatrick_level": [2, 2, 3], "comparison": "pre_post"})
    >>> forest_panels(changes)
    [('lc', 'self'), ('observed_lc', 'line_manager'), ('vision', 'self'), None]
    >>> forest_panels(changes, paired_only=True)
    [('lc', 'self'), ('observed_lc', 'line_manager')]
    """
    rows = changes[(changes["comparison"] == comparison) & changes["kirkpatrick_level"].isin(levels)]
    pairs = list(dict.fromkeys(zip(rows["scale"], rows["rater"], strict=True)))
    own = [p for p in pairs if p[1] == "self"]
    others = [p for p in pairs if p[1] != "self"]
    out: list[tuple[str, str] | None] = []
    for scale, rater in own:
        partner = next((p for p in others if p[0].endswith("_" + scale)), None)
        if partner:
            others.remove(partner)
        if partner or not paired_only:
            out += [(scale, rater), partner]
    if not paired_only:
        for pair in others:
            out += [None, pair]
    return out


def _one_cohort(cohort: CohortData) -> pd.DataFrame:
    """One cohort's published ``outcomes`` table, with the columns pooling needs."""
    table, _ = cohort_outcomes(cohort)
    coh = cohort.cohort
    level, alpha = coh.confidence_level, 1 - coh.confidence_level
    rows = table.dropna(subset=["mean_change"]).copy()
    rows.insert(0, "cohort", coh.cohort)
    rows.insert(1, "year", coh.year)
    ok = rows["df"] > 0
    rows["change_se"] = np.nan
    rows.loc[ok, "change_se"] = se_from_t_interval(rows.loc[ok, "change_ci_low"], rows.loc[ok, "change_ci_high"],
                                                   rows.loc[ok, "df"], confidence_level=level)
    rows["g_av_se"] = np.sqrt(g_av_variance(rows["g_av"], rows["n_pairs"], rows["sd_pre"], rows["sd_post"],
                                            rows["r_pre_post"]))
    rows["verdict"] = [verdict(r.mean_change, r.change_ci_low, r.change_ci_high, r.p_adjusted, alpha=alpha)
                       for r in rows.itertuples()]
    return rows[CHANGE_COLUMNS]


def cohort_changes(data: ProgrammeData) -> pd.DataFrame:
    """Each cohort's change per scale × comparison × rater, as its cohort report publishes it.

    Parameters
    ----------
    data : ProgrammeData

    Returns
    -------
    DataFrame
        :data:`CHANGE_COLUMNS`, cohorts in order and each cohort's rows in its table's order.
        ``mean_change`` … ``change_ci_high``, ``p_adjusted``, ``g_av`` and its bootstrap
        interval and the reliable-change shares are the cohort's ``outcomes.csv`` cells;
        ``verdict`` is the cohort report's verdict (:func:`evaluation.reports.verdicts.verdict`);
        ``change_se`` is the SE behind the paired t interval
        (:func:`evaluation.stats.pooling.se_from_t_interval`) and ``g_av_se`` the square root
        of :func:`g_av_variance`. Rows without an estimate are left out.
    """
    frames = [_one_cohort(cohort) for cohort in data]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=CHANGE_COLUMNS)
    out["year"] = out["year"].astype("Int64")
    return out


def _not_pooled(reason: str) -> dict:
    nan = math.nan
    return {"estimate": nan, "se": nan, "ci_low": nan, "ci_high": nan, "p_value": nan, "tau2": nan, "i2": nan,
            "h2": nan, "q": nan, "q_df": pd.NA, "q_p": nan, "pi_low": nan, "pi_high": nan, "method": reason}


def pooled_outcomes(changes: pd.DataFrame, confidence_level: float = 0.95,
                    measures: Sequence[str] | None = None, *,
                    titles: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Pool the cohorts' changes by random effects, per scale × comparison × rater × measure.

    Parameters
    ----------
    changes : DataFrame
        :func:`cohort_changes` (``programme_outcomes``). Not modified.
    confidence_level : float, default 0.95
        Of the confidence and prediction intervals.
    measures : list of str, optional
        Of :data:`MEASURES` (default: both); only these are pooled, and warned about.
    titles : mapping of str to str, optional
        Scale codes to titles, for the warning about rows not pooled (default: the code in words).

    Returns
    -------
    DataFrame
        :data:`POOLED_COLUMNS`; ``measure`` is ``mean_change`` (scale points) or ``g_av``;
        ``cohorts`` lists the cohorts pooled. With one cohort (k = 1) nothing is pooled: the
        numbers are missing and ``method`` says why.

    Warns
    -----
    PoolingWarning
        Once for all the rows that fewer than two cohorts have (not pooled), naming them in
        words; once per comparison pooled over two cohorts only; and (from
        :func:`evaluation.stats.pooling.pool`) for every group of two.

    Notes
    -----
    :func:`evaluation.stats.pooling.pool`: REML τ² floored at 0, the Hartung–Knapp–Sidik–Jonkman
    interval with the ad hoc correction, I², H², Q and a prediction interval, as metafor's
    ``rma(yi, sei = se, method = "REML", test = "adhoc")``. Cohorts are weighted by
    1/(se² + τ²); the se of a mean change is that of its paired t interval, the se of g_av the
    square root of :func:`g_av_variance`.

    Examples
    --------
    >>> import pandas as pd
    >>> changes = pd.DataFrame({"cohort": [1, 2, 3], "scale": "s", "kirkpatrick_level": 2,
    ...     "comparison": "pre_post", "rater": "self", "mean_change": [0.1, 0.2, 0.15],
    ...     "change_se": [0.05] * 3, "g_av": [0.2, 0.3, 0.25], "g_av_se": [0.1] * 3})
    >>> pooled_outcomes(changes)[["measure", "k", "estimate", "tau2"]].round(3)
           measure  k  estimate  tau2
    0  mean_change  3      0.15   0.0
    1         g_av  3      0.25   0.0
    """
    level = check_confidence_level(confidence_level)
    if measures is not None and (isinstance(measures, str) or not set(measures) <= set(MEASURES) or not measures):
        raise ParameterError(f"`measures` must list one or more of {', '.join(map(repr, MEASURES))}; got {measures!r}")
    chosen = {m: columns for m, columns in MEASURES.items() if measures is None or m in measures}
    keys = ["scale", "kirkpatrick_level", "comparison", "rater"]
    check_columns(changes, [*keys, "cohort", *(c for pair in MEASURES.values() for c in pair)], "changes")
    rows = []
    few: dict[str, str] = {}  # comparison -> the cohorts of a pooling over too few of them to rest on
    single: dict[tuple, dict[str, str]] = {}  # (scale, comparison, rater) -> measure not pooled -> its cohort
    for key, group in changes.groupby(keys, sort=False):
        for measure, (estimate, se) in chosen.items():
            usable = group.dropna(subset=[estimate, se])
            usable = usable[usable[se] > 0]
            base = dict(zip(keys, key, strict=True)) | {
                "measure": measure, "k": len(usable), "cohorts": ", ".join(str(c) for c in usable["cohort"]),
                "confidence_level": level}
            if len(usable) < 2:
                reason = (f"not pooled: only {len(usable)} cohort has this estimate (pooling needs at least 2)"
                          if len(usable) else "not pooled: no cohort has this estimate")
                single.setdefault((key[0], key[2], key[3]), {})[measure] = base["cohorts"]
                rows.append(base | _not_pooled(reason))
                continue
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", PoolingWarning)
                result = pool(usable[estimate].to_numpy(), se=usable[se].to_numpy(),
                              labels=usable["cohort"].tolist(), confidence_level=level)
            for w in caught:  # the few-cohorts caution once per comparison (below); any other as it came
                if issubclass(w.category, FewEstimatesWarning):
                    few[key[2]] = base["cohorts"]
                else:
                    warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
            rows.append(base | {name: getattr(result, name) for name in
                                ("estimate", "se", "ci_low", "ci_high", "p_value", "tau2", "i2", "h2", "q", "q_df",
                                 "q_p", "pi_low", "pi_high")} | {"method": POOLING_METHOD})
    if single:
        warnings.warn(_not_pooled_words(single, rows, list(chosen), titles or {}), PoolingWarning, stacklevel=2)
    for comparison, cohorts in few.items():
        *others, last = cohorts.split(", ")
        k = len(others) + 1
        warnings.warn(f"{capitalised(label(comparison, 'comparison'))}: pooled over cohorts {', '.join(others)} and "
                      f"{last} only, so "
                      f"the spread between cohorts (τ², I²) and the interval, on {k - 1} degree"
                      f"{'' if k == 2 else 's'} of freedom, rest on very little; read the interval, not the "
                      "point estimate", PoolingWarning, stacklevel=2)
    out = pd.DataFrame(rows, columns=POOLED_COLUMNS)
    out["q_df"] = out["q_df"].astype("Int64")
    return out


def _not_pooled_words(single: dict[tuple, dict[str, str]], rows: list[dict], measures: list[str],
                      titles: Mapping[str, str]) -> str:
    """One warning for every row :func:`pooled_outcomes` could not pool, in words: a programme
    with one cohort would otherwise get one note per scale, comparison, rater and measure."""
    if all(row["k"] < 2 for row in rows):
        cohorts = sorted({c for row in rows for c in row["cohorts"].split(", ") if c}, key=int)
        if not cohorts:
            return "Nothing is pooled: no cohort has an estimate"
        if len(cohorts) == 1:
            return f"Nothing is pooled: only cohort {cohorts[0]} has estimates (pooling needs at least 2 cohorts)"
        return "Nothing is pooled: no estimate is in more than one cohort (pooling needs at least 2 cohorts)"
    named = []
    for (scale, comparison, rater), left in single.items():
        cohorts = sorted({c for found in left.values() for c in found.split(", ") if c}, key=int)
        which = f"cohort {cohorts[0]} only" if len(cohorts) == 1 else "no cohort"
        if len(left) < len(measures):
            which += f", {' and '.join(label(m) for m in left)}"
        named.append(f"{titles.get(scale, label(scale))}, {label(comparison, 'comparison')}, "
                     f"{ratings_words(rater)} ({which})")
    shown = "; ".join(named[:5]) + (f"; and {len(named) - 5} more" if len(named) > 5 else "")
    return f"Not pooled, as fewer than two cohorts have an estimate: {shown}"


def table_shown(tables: dict[str, pd.DataFrame]) -> tuple[str, pd.DataFrame, list[str]]:
    """What the report's table of outcomes shows, before → after: a sentence to put above it ("" when
    nothing needs saying), its rows and its columns.

    When any change is pooled, the pooled changes (``pooled_outcomes``). When none is (a programme
    with one cohort), each cohort's own changes (``programme_outcomes``), as its cohort report
    publishes them, and a sentence saying so: a pooled table would be blank in every cell, and a
    blank shows as "—", the mark of a number withheld to protect small groups.

    Examples
    --------
    >>> pooled = pd.DataFrame({"comparison": ["pre_post"], "estimate": [float("nan")]})
    >>> own = pd.DataFrame({"comparison": ["pre_post", "then_post"], "cohort": [1, 1]})
    >>> said, rows, columns = table_shown({"pooled_outcomes": pooled, "programme_outcomes": own})
    >>> said, len(rows), columns[:2]
    ("Nothing is pooled: only one cohort has data. The table shows cohort 1's own changes, as its cohort report publishes them.", 1, ['cohort', 'scale'])
    """
    pooled = tables["pooled_outcomes"]
    pooled = pooled[pooled["comparison"] == "pre_post"]
    if pooled["estimate"].notna().any():
        return "", pooled, ["scale", "rater", "measure", "k", "estimate", "ci_low", "ci_high", "i2", "q", "q_p",
                            "pi_low", "pi_high"]
    own = tables["programme_outcomes"]
    own = own[own["comparison"] == "pre_post"]
    cohorts = sorted(own["cohort"].unique())
    whose = (f"cohort {cohorts[0]}'s own changes, as its cohort report publishes them" if len(cohorts) == 1 else
             "each cohort's own changes, as the cohort reports publish them")
    said = ("Nothing is pooled: " + ("only one cohort has data" if len(cohorts) <= 1 else
                                     "no scale has changes from two or more cohorts")
            + f". The table shows {whose}.")
    return said, own, ["cohort", "scale", "rater", "n_pairs", "mean_change", "change_ci_low", "change_ci_high",
                       "p_adjusted", "g_av", "g_av_ci_low", "g_av_ci_high"]
