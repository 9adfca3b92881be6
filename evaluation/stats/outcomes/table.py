"""The outcomes table (``tables/outcomes.csv``).

:func:`outcomes_table` computes the paired change (:mod:`~evaluation.stats.outcomes.paired`)
and reliable change (:mod:`~evaluation.stats.outcomes.reliable_change`) of every scale ×
comparison × rater of long-format scores, with p-values adjusted within each comparison ×
rater family (:mod:`~evaluation.stats.outcomes.multiplicity`); :func:`response_shift` the
pre-test minus the retrospective (then) pre-test.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from evaluation.core.checks import check_choice, check_columns
from evaluation.core.checks import check_confidence_level as _check_confidence_level
from evaluation.core.vocabulary import COMPARISONS, MULTIPLICITY_METHODS, WAVES
from evaluation.stats.outcomes._common import (
    _NAN,
    _check_names,
    _observed,
    _quoted,
    _rater_key,
    _sd,
    _warn,
    prepare_scores,
)
from evaluation.stats.outcomes.effect_size import (
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    _check_bootstrap,
    _g_av_interval,
    interval_note,
)
from evaluation.stats.outcomes.multiplicity import adjust_p
from evaluation.stats.outcomes.paired import _paired_change
from evaluation.stats.outcomes.pairs import _paired_groups
from evaluation.stats.outcomes.reliable_change import (
    _check_reliability,
    _rci,
    _reliable_change_summary,
)

__all__ = ["OUTCOME_COLUMNS", "outcomes_table"]

#: Columns of ``tables/outcomes.csv`` (CONTRACT section 4), in order; the interval of g_av comes
#: last so that the CONTRACT's first 28 columns keep their places.
OUTCOME_COLUMNS: tuple[str, ...] = (
    "scale",
    "kirkpatrick_level",
    "comparison",
    "rater",
    "n_pairs",
    "mean_pre",
    "sd_pre",
    "mean_post",
    "sd_post",
    "mean_change",
    "change_ci_low",
    "change_ci_high",
    "t",
    "df",
    "p_value",
    "p_adjusted",
    "wilcoxon_w_plus",
    "wilcoxon_p",
    "d_z",
    "d_z_ci_low",
    "d_z_ci_high",
    "d_av",
    "g_av",
    "d_rm",
    "reliability",
    "rci_improved",
    "rci_unchanged",
    "rci_deteriorated",
    "g_av_ci_low",
    "g_av_ci_high",
)


def _resolve_comparisons(comparisons: Any) -> list[tuple[str, str, str]]:
    if isinstance(comparisons, str):
        comparisons = [comparisons]
    if isinstance(comparisons, Mapping):
        items = [(str(k), *map(str, v)) for k, v in comparisons.items()]
    else:
        items = []
        for name in comparisons:
            try:
                check_choice(name, COMPARISONS, "comparisons")
            except ValueError as exc:
                raise ValueError(
                    f"{exc} (or pass a mapping name → (earlier wave, later wave))"
                ) from None
            items.append((name, *COMPARISONS[name]))
    if not items:
        raise ValueError("`comparisons` is empty; name at least one, e.g. ['pre_post']")
    return items


def _reliability_lookup(reliability: Any) -> tuple[dict[tuple[str, str | None], float], float]:
    """Mapping (scale, rater or None) → r_xx, and a value for every scale (NaN if none)."""
    if reliability is None:
        return {}, _NAN
    if isinstance(reliability, int | float | np.floating | np.integer) and not isinstance(
        reliability, bool
    ):
        return {}, _check_reliability(reliability)
    if isinstance(reliability, pd.DataFrame):
        check_columns(reliability, ["scale", "reliability"], "reliability")
        raters = (
            reliability["rater"] if "rater" in reliability.columns else [None] * len(reliability)
        )
        return {
            (str(s), None if rt is None or pd.isna(rt) else str(rt)): _check_reliability(
                r, estimated=True
            )
            for s, rt, r in zip(
                reliability["scale"], raters, reliability["reliability"], strict=True
            )
        }, _NAN
    if isinstance(reliability, pd.Series):
        reliability = reliability.to_dict()
    if isinstance(reliability, Mapping):
        return {(str(s), None): _check_reliability(r) for s, r in reliability.items()}, _NAN
    raise ValueError(
        "`reliability` must be None, a number, a mapping scale → r_xx, or a DataFrame with "
        f"columns scale, rater, reliability; got {type(reliability).__name__}"
    )


def _scale_info(scale_info: pd.DataFrame | None) -> tuple[dict[str, Any], dict[str, bool]]:
    levels: dict[str, Any] = {}
    better: dict[str, bool] = {}
    if scale_info is None:
        return levels, better
    if not isinstance(scale_info, pd.DataFrame):
        raise ValueError(
            "`scale_info` must be a DataFrame indexed by scale with columns "
            f"kirkpatrick_level, higher_is_better; got {type(scale_info).__name__}"
        )
    for scale, row in scale_info.iterrows():
        if "kirkpatrick_level" in scale_info.columns and pd.notna(row["kirkpatrick_level"]):
            levels[str(scale)] = int(row["kirkpatrick_level"])
        if "higher_is_better" in scale_info.columns and pd.notna(row["higher_is_better"]):
            better[str(scale)] = bool(row["higher_is_better"])
    return levels, better


def outcomes_table(
    scores: pd.DataFrame,
    *,
    comparisons: Any,
    confidence_level: float = 0.95,
    multiplicity: str = "holm",
    reliability: Any = None,
    scale_info: pd.DataFrame | None = None,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """The outcomes table: paired change of every scale × comparison × rater.

    Parameters
    ----------
    scores : DataFrame or PreparedScores
        Long format with columns ``participant_id, scale, wave, rater, score`` (extra columns
        are ignored; without ``rater`` every score counts as ``self``; a missing score is no
        score). At most one row per participant × scale × wave × rater. Or the same passed
        through :func:`~evaluation.stats.outcomes.prepare_scores` once for several calls.
    comparisons : sequence of str, or mapping
        Names from :data:`evaluation.core.vocabulary.COMPARISONS` (e.g. ``["pre_post", "then_post"]``),
        or a mapping name → (earlier wave, later wave).
    confidence_level : float, default 0.95
    multiplicity : {"holm", "bh", "none"}, default "holm"
        Adjustment for ``p_adjusted`` (see Notes for the family).
    reliability : None, float, mapping or DataFrame
        r_xx for the reliable change index: one number for every scale or a mapping scale →
        r_xx (each in (0, 1), NaN for none), or a DataFrame of reliabilities estimated from the
        data with columns ``scale, rater, reliability`` (a row with a missing rater applies to
        every rater; an estimate of 0 or below, or of 1, is degenerate data: NaN and a warning).
        Scales without one get NaN ``reliability`` and ``rci_*`` columns and a
        :class:`~evaluation.core.errors.DegenerateDataWarning`. ``None`` (the default) asks for
        no reliable change: those columns are NaN, without a warning.
    scale_info : DataFrame, optional
        Indexed by scale, columns ``kirkpatrick_level`` and ``higher_is_better`` (defaults:
        missing level, higher is better). Its index order also orders the rows.
    resamples, seed : int, default 2000 and 2005
        The percentile bootstrap of ``g_av_ci_low``/``g_av_ci_high`` (the cohort parameters'
        ``bootstrap``); every row is resampled from the same seed.

    Returns
    -------
    DataFrame
        One row per scale × comparison × rater that has scores at both waves of the comparison,
        with the columns :data:`OUTCOME_COLUMNS` in that order, then ``earlier_wave,
        later_wave, r_pre_post, wilcoxon_method, rci_s_diff, rci_n_improved,
        rci_n_unchanged, rci_n_deteriorated, p_adjust_method``. Rows are sorted by scale
        (``scale_info`` order, then alphabetical), comparison (as given), rater (self,
        line_manager, peer, direct_report, then others alphabetically), whatever the order
        of ``scores``. ``mean_pre``/``sd_pre`` are the earlier wave of the comparison,
        ``mean_post``/``sd_post`` the later one, over complete pairs.

    Raises
    ------
    ParameterError
        A wave of ``comparisons`` (a mapping's earlier or later wave) that is neither in
        :data:`~evaluation.core.vocabulary.WAVES` nor in ``scores``, listing the allowed waves;
        a ``reliability`` number (or mapping value) outside (0, 1), naming ``reliability``.

    Warns
    -----
    DegenerateDataWarning
        For each row with fewer than two pairs or no variance (see :func:`paired_change`); for
        scales without a reliability when ``reliability`` is given (not for the default
        ``None``); when a wave of ``comparisons`` has no score (its comparisons have no rows);
        and when the table is empty (no scores, or no scale × rater scored at both waves of any
        comparison), saying why.

    Notes
    -----
    Every statistic is that of :func:`paired_change` and :func:`reliable_change` (change =
    later − earlier; RCI with SD_pre of the complete pairs); the interval of g_av is the seeded
    percentile bootstrap over pairs of :func:`~evaluation.stats.outcomes.effect_size.g_av_interval`. **Multiplicity family**: the
    rows of one comparison and one rater, i.e. all scales of the table for, say, ``pre_post``
    self-ratings, are adjusted together (``METHODS.md``: "multiplicity across a report's
    scales"); different comparisons and raters answer different questions and are separate
    families. Rows whose p is NaN do not count in m.

    Examples
    --------
    >>> scores = pd.DataFrame({
    ...     "participant_id": ["a", "b", "c", "d"] * 2,
    ...     "scale": "leading_change", "rater": "self",
    ...     "wave": ["pre"] * 4 + ["post"] * 4,
    ...     "score": [3.0, 2.5, 4.0, 3.5, 3.5, 3.0, 4.0, 4.5]})
    >>> table = outcomes_table(scores, comparisons=["pre_post"], reliability=0.8)
    >>> table[["scale", "comparison", "n_pairs", "mean_change", "p_adjusted", "rci_improved"]]
                scale comparison  n_pairs  mean_change  p_adjusted  rci_improved
    0  leading_change   pre_post        4          0.5    0.091...          0.25
    """
    level = _check_confidence_level(confidence_level)
    resamples, seed = _check_bootstrap(resamples, seed)
    check_choice(multiplicity, MULTIPLICITY_METHODS, "multiplicity")
    items = _resolve_comparisons(comparisons)
    data = prepare_scores(scores).frame
    waves = list(dict.fromkeys(w for _, earlier, later in items for w in (earlier, later)))
    absent = _check_names(waves, WAVES, data["wave"].cat.categories, "comparisons", "wave",
                          _observed(data["wave"]))
    by_key, r_default = _reliability_lookup(reliability)
    levels, better = _scale_info(scale_info)
    rows: list[dict[str, Any]] = []
    no_reliability: list[str] = []
    for name, earlier, later in items:
        for scale, rater, x, y in _paired_groups(data, earlier, later):
            context = f"scale {scale!r}, comparison {name!r}, rater {rater!r}"
            res = _paired_change(x, y, level, context, stacklevel=4)
            g_ci = _g_av_interval(x, y, level, resamples, seed)
            if np.isfinite(g_ci.g_av) and not np.isfinite(g_ci.ci_low):
                _warn(f"{context}: {interval_note(g_ci, x.size)}", stacklevel=4)
            r_xx = by_key.get((scale, rater), by_key.get((scale, None), r_default))
            if np.isfinite(r_xx):
                sd, s_diff, _, cat = _rci(x, y, r_xx, better.get(scale, True), None, context)
                rc = _reliable_change_summary(x.size, sd, r_xx, s_diff, cat)
            else:
                if reliability is not None:  # None: reliable change not asked for
                    no_reliability.append(f"{scale} ({rater})")
                rc = _reliable_change_summary(x.size, _sd(x), _NAN, _NAN, np.array([]))
            row = res.to_dict()
            row.update(
                scale=scale,
                kirkpatrick_level=levels.get(scale, pd.NA),
                comparison=name,
                rater=rater,
                earlier_wave=earlier,
                later_wave=later,
                g_av_ci_low=g_ci.ci_low,
                g_av_ci_high=g_ci.ci_high,
                reliability=r_xx,
                rci_improved=rc.rci_improved,
                rci_unchanged=rc.rci_unchanged,
                rci_deteriorated=rc.rci_deteriorated,
                rci_s_diff=rc.s_diff,
                rci_n_improved=rc.n_improved,
                rci_n_unchanged=rc.n_unchanged,
                rci_n_deteriorated=rc.n_deteriorated,
            )
            rows.append(row)
    if no_reliability:
        _warn(
            "no usable reliability given for "
            + ", ".join(dict.fromkeys(no_reliability))
            + ": the reliability and rci_* columns are NaN there"
        )
    extra = [
        "earlier_wave",
        "later_wave",
        "r_pre_post",
        "wilcoxon_method",
        "rci_s_diff",
        "rci_n_improved",
        "rci_n_unchanged",
        "rci_n_deteriorated",
        "p_adjust_method",
    ]
    columns = [*OUTCOME_COLUMNS, *extra]
    if absent and rows:
        lost = [n for n, e, lt in items if e in absent or lt in absent]
        _warn(f"outcomes table: no scores at wave(s) {_quoted(absent)}: comparison(s) {_quoted(lost)} have no rows")
    if not rows:
        why = (
            "`scores` has no scores" if len(data) == 0
            else f"no scores at wave(s) {_quoted(absent)}" if absent
            else "no scale × rater has scores at both waves of any comparison"
        )
        _warn(f"outcomes table: {why} ({', '.join(n for n, _, _ in items)}): the table is empty")
        return _typed_outcomes(pd.DataFrame({c: [] for c in columns}))
    table = pd.DataFrame(rows)
    scale_order: dict[str, int] = {}
    if scale_info is not None:
        scale_order = {str(s): i for i, s in enumerate(scale_info.index)}
    comparison_order = {name: i for i, (name, _, _) in enumerate(items)}
    sort_key = pd.DataFrame(
        {
            "s1": table["scale"].map(lambda s: scale_order.get(s, len(scale_order))),
            "s2": table["scale"],
            "c": table["comparison"].map(comparison_order),
            "r1": table["rater"].map(lambda r: _rater_key(r)[0]),
            "r2": table["rater"].map(lambda r: _rater_key(r)[1]),
        }
    )
    order = sort_key.sort_values(["s1", "s2", "c", "r1", "r2"], kind="stable").index
    table = table.loc[order].reset_index(drop=True)
    table["p_adjusted"] = _NAN
    for _, idx in table.groupby(["comparison", "rater"], sort=False).groups.items():
        table.loc[idx, "p_adjusted"] = adjust_p(table.loc[idx, "p_value"].to_numpy(), multiplicity)
    table["p_adjust_method"] = multiplicity
    return _typed_outcomes(table[columns])


def _typed_outcomes(table: pd.DataFrame) -> pd.DataFrame:
    table = table.copy()
    table["kirkpatrick_level"] = table["kirkpatrick_level"].astype("Int64")
    table["n_pairs"] = table["n_pairs"].astype("int64")
    for c in ("rci_n_improved", "rci_n_unchanged", "rci_n_deteriorated"):
        table[c] = pd.to_numeric(table[c]).astype("Int64")
    for c in (
        "scale",
        "comparison",
        "rater",
        "earlier_wave",
        "later_wave",
        "wilcoxon_method",
        "p_adjust_method",
    ):
        table[c] = table[c].astype(object)
    float_cols = [
        c
        for c in table.columns
        if c
        not in {
            "scale",
            "comparison",
            "rater",
            "earlier_wave",
            "later_wave",
            "wilcoxon_method",
            "p_adjust_method",
            "kirkpatrick_level",
            "n_pairs",
            "rci_n_improved",
            "rci_n_unchanged",
            "rci_n_deteriorated",
        }
    ]
    table[float_cols] = table[float_cols].astype(float)
    return table
