"""Figures of the programme report's outcomes: forest plots across cohorts and the outcome trends.

Drawn from the published tables (``programme_outcomes``, ``pooled_outcomes``,
``outcome_trends``); this module computes no statistics. Every function returns a
:class:`~evaluation.viz.figure.Plot` with alternative text written from the data shown, and
takes ``title=`` and ``ax=`` (see :mod:`evaluation.viz.figure`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from evaluation.core.checks import check_confidence_level
from evaluation.reports.labels import aside
from evaluation.reports.numbers import signed
from evaluation.viz.figure import (
    DPI,
    Plot,
    ci_percent,
    new_figure,
    panel_axes,
    style_for,
    waves_label,
)

__all__ = ["cohort_forest_plot", "outcome_trend_plot"]

COHORT_COLOUR, POOLED_COLOUR, PREDICTION_COLOUR = "#2166ac", "#b2182b", "#f4a582"
_COLUMNS = {"mean_change": ("mean_change", "change_ci_low", "change_ci_high", "points"),
            "g_av": ("g_av", "g_av_ci_low", "g_av_ci_high", "g_av")}


def _who(rater: str) -> str:
    return "own ratings" if rater == "self" else f"{rater.replace('_', ' ')}s' ratings"


def _panel(ax: Axes, rows: pd.DataFrame, pooled: pd.Series | None, measure: str, level: float,
           heading: str) -> str:
    """One forest panel: cohorts (points and CIs), pooled diamond and prediction interval; its alt text."""
    est, low, high, unit = _COLUMNS[measure]
    labels = [f"Cohort {c}" + (f" ({int(y)})" if "year" in rows and not pd.isna(y) else "")
              for c, y in zip(rows["cohort"], rows["year"] if "year" in rows else [None] * len(rows), strict=True)]
    n = len(rows)
    y = np.arange(n, 0, -1) + 1.0
    ax.errorbar(rows[est], y, xerr=[(rows[est] - rows[low]).fillna(0), (rows[high] - rows[est]).fillna(0)],
                fmt="s", color=COHORT_COLOUR, ecolor=COHORT_COLOUR, capsize=3, markersize=5)
    parts = [f"{lab}: {signed(e)} ({signed(lo)} to {signed(hi)})"
             for lab, e, lo, hi in zip(labels, rows[est], rows[low], rows[high], strict=True)]
    ticks, names = list(y), labels
    if pooled is not None and not pd.isna(pooled["estimate"]):
        if not pd.isna(pooled["pi_low"]):
            ax.plot([pooled["pi_low"], pooled["pi_high"]], [0.6, 0.6], color=PREDICTION_COLOUR, linewidth=3,
                    solid_capstyle="butt", label="prediction interval")
        diamond_x = [pooled["ci_low"], pooled["estimate"], pooled["ci_high"], pooled["estimate"]]
        ax.fill(diamond_x, [0.6, 0.9, 0.6, 0.3], color=POOLED_COLOUR, label="pooled (random effects)")
        ticks.append(0.6)
        names = [*labels, f"Pooled (k = {int(pooled['k'])})"]
        parts.append(f"pooled {signed(pooled['estimate'])} ({signed(pooled['ci_low'])} to {signed(pooled['ci_high'])}), "
                     f"prediction interval {signed(pooled['pi_low'])} to {signed(pooled['pi_high'])}, "
                     f"I² {pooled['i2']:.0%}")
    else:
        ax.text(0.02, 0.6, "Not pooled: fewer than 2 cohorts", transform=ax.get_yaxis_transform(), va="center",
                fontsize=9, color="#4d4d4d", bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
        ticks.append(0.6)
        names = [*labels, "Pooled"]
        parts.append("not pooled (fewer than 2 cohorts)")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(ticks, names)
    ax.set_ylim(0, n + 1.8)
    what = "Mean change (scale points)" if measure == "mean_change" else "g_av"
    ax.set_xlabel(f"{what} with {ci_percent(level)} CI")
    ax.set_title(textwrap.fill(heading, 48), fontsize=9.5)
    return f"{heading}: " + "; ".join(parts)


def cohort_forest_plot(
    changes: pd.DataFrame,
    pooled: pd.DataFrame,
    *,
    panels: Sequence[tuple[str, str] | None],
    comparison: str = "pre_post",
    measure: str = "mean_change",
    columns: int = 2,
    titles: dict[str, str] | None = None,
    confidence_level: float = 0.95,
    title: str | None = None,
    ax: Axes | Sequence[Axes] | None = None,
) -> Plot:
    """Each cohort's change and the pooled estimate, one panel per (scale, rater), ``columns`` to a row.

    A forest plot: each cohort's estimate with its interval (squares), the random-effects
    pooled estimate as a diamond spanning its confidence interval, and the prediction interval
    as a band beneath it. Give ``panels`` as pairs, e.g. ``[("leading_change", "self"),
    ("observed_leading_change", "line_manager")]``, to set self-ratings and line-manager
    ratings side by side; ``None`` leaves a gap.

    Parameters
    ----------
    changes : DataFrame
        ``programme_outcomes``: ``cohort, year, scale, comparison, rater`` and the measure's
        estimate and interval (``mean_change, change_ci_low, change_ci_high`` or ``g_av,
        g_av_ci_low, g_av_ci_high``).
    pooled : DataFrame
        ``pooled_outcomes``: ``scale, comparison, rater, measure, k, estimate, ci_low, ci_high,
        pi_low, pi_high, i2``.
    panels : sequence of (scale, rater) or None
        The panels, left to right and top to bottom; a pair without rows is left empty.
    comparison : str, default "pre_post"
    measure : {"mean_change", "g_av"}
    columns : int, default 2
        Panels to a row.
    titles : dict, optional
        Scale titles by scale name.
    confidence_level : float
        The level of the intervals, for the labels.
    title : str, optional
        The figure's title.
    ax : sequence of matplotlib Axes, optional
        One Axes per entry of ``panels`` that is not None.

    Returns
    -------
    Plot

    Examples
    --------
    >>> import pandas as pd
    >>> changes = pd.DataFrame({"cohort": [1, 2], "year": [2003, 2004], "scale": "lc",
    ...     "comparison": "pre_post", "rater": "self", "mean_change": [0.3, 0.4],
    ...     "change_ci_low": [0.1, 0.2], "change_ci_high": [0.5, 0.6]})
    >>> pooled = pd.DataFrame({"scale": ["lc"], "comparison": "pre_post", "rater": "self",
    ...     "measure": "mean_change", "k": [2], "estimate": [0.35], "ci_low": [0.2],
    ...     "ci_high": [0.5], "pi_low": [0.1], "pi_high": [0.6], "i2": [0.0]})
    >>> plot = cohort_forest_plot(changes, pooled, panels=[("lc", "self")], titles={"lc": "Leading change"})
    >>> plot.title
    'Change in each cohort and pooled, before → after'
    >>> plot.alt.split(". ")[1]
    'Leading change, own ratings: Cohort 1 (2003): +0.30 (+0.10 to +0.50); Cohort 2 (2004): +0.40 (+0.20 to +0.60); pooled +0.35 (+0.20 to +0.50), prediction interval +0.10 to +0.60, I² 0%.'
    """
    level = check_confidence_level(confidence_level)
    if measure not in _COLUMNS:
        raise ValueError(f"`measure` must be one of {list(_COLUMNS)}; got {measure!r}")
    if not isinstance(columns, int) or columns < 1:
        raise ValueError(f"`columns` must be a positive integer; got {columns!r}")
    titles = titles or {}
    rows = changes[changes["comparison"] == comparison]
    drawn = [p for p in panels if p is not None]
    if not drawn:
        raise ValueError("`panels` must name at least one (scale, rater) pair")
    waves = waves_label(comparison)
    title = title if title is not None else f"Change in each cohort and pooled, {waves}"
    if ax is not None:
        fig, axes = panel_axes(ax, len(drawn), "panel")
        placed = list(zip(drawn, axes, strict=True))
    alt_parts = []
    with style_for(ax):
        if ax is None:
            n_rows = int(np.ceil(len(panels) / columns))
            n_cohorts = max(rows["cohort"].nunique(), 1)
            fig = Figure(figsize=(5.2 * columns, (0.32 * n_cohorts + 1.7) * n_rows + 0.8), dpi=DPI,
                         layout="constrained")
            grid = list(fig.subplots(n_rows, columns, squeeze=False, sharex=True).flat)
            placed = [(p, grid[i]) for i, p in enumerate(panels) if p is not None]
            for i, p in enumerate(panels):
                if p is None:
                    grid[i].set_visible(False)
            for extra in grid[len(panels):]:
                extra.set_visible(False)
        for (scale, rater), panel in placed:
            mine = rows[(rows["scale"] == scale) & (rows["rater"] == rater)].sort_values("cohort")
            hit = pooled[(pooled["scale"] == scale) & (pooled["rater"] == rater)
                         & (pooled["comparison"] == comparison) & (pooled["measure"] == measure)]
            heading = f"{titles.get(scale, scale.replace('_', ' ').capitalize())}, {_who(rater)}"
            if not len(mine):
                panel.set_visible(False)
                continue
            alt_parts.append(_panel(panel, mine, hit.iloc[0] if len(hit) else None, measure, level, heading))
        if ax is None:
            fig.suptitle(title)
    what = "mean change in scale points" if measure == "mean_change" else "g_av"
    alt = (f"Forest plot of {what}, {waves}, by cohort with the random-effects pooled estimate (diamond) and its "
           f"prediction interval ({ci_percent(level)} intervals). " + ". ".join(alt_parts) + ".")
    return Plot(fig, alt, title, styled=ax is None)


def _share_frame(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """``cohort``, ``year`` and ``column`` as ``share``."""
    return pd.DataFrame({"cohort": frame["cohort"].to_numpy(), "year": frame["year"].to_numpy(),
                         "share": frame[column].to_numpy(dtype=float, na_value=np.nan)})


def outcome_trend_plot(
    trends: pd.DataFrame,
    *,
    titles: dict[str, str] | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Plot:
    """Completion and reliable improvement on the primary scale, cohort by cohort (percent).

    Parameters
    ----------
    trends : DataFrame
        ``outcome_trends``: ``cohort, year, completion_share, rater, scale,
        reliably_improved_post`` and, where a cohort has it, ``reliably_improved_follow_up``.
    titles : dict, optional
        Scale titles by scale name (for the legend).
    title : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    Plot

    Examples
    --------
    >>> import pandas as pd
    >>> trends = pd.DataFrame({"cohort": [1, 2], "year": [2003, 2004], "completion_share": [0.9, 0.8],
    ...     "rater": "self", "scale": "lc", "reliably_improved_post": [0.2, 0.1],
    ...     "reliably_improved_follow_up": [float("nan"), 0.15]})
    >>> outcome_trend_plot(trends).alt
    'Line chart by cohort. Completed the programme: cohort 1 90%, cohort 2 80%. Reliably improved by the end of the programme, lc (own ratings): cohort 1 20%, cohort 2 10%. Reliably improved by follow-up, lc (own ratings): cohort 2 15%.'
    """
    titles = titles or {}
    series = [("Completed the programme", _share_frame(trends.drop_duplicates("cohort"), "completion_share"),
               "#4d4d4d", "-")]
    for rater, group in trends.groupby("rater", sort=False):
        scale = group["scale"].iloc[0]
        name = titles.get(scale, scale)
        for column, when, style in (("reliably_improved_post", "the end of the programme", "-"),
                                    ("reliably_improved_follow_up", "follow-up", ":")):
            if column in group and group[column].notna().any():
                series.append((f"Reliably improved by {when}, {aside(name, _who(rater))}",
                               _share_frame(group, column).dropna(),
                               None, style))
    cohorts = sorted(trends["cohort"].unique())
    with style_for(ax):
        fig, ax_ = new_figure(9.0, 4.4, ax=ax)
        for label, frame, colour, style in series:
            ax_.plot(frame["cohort"], frame["share"] * 100, marker="o", linestyle=style, label=label,
                     **({"color": colour} if colour else {}))
        years = trends.drop_duplicates("cohort").set_index("cohort")["year"]
        ax_.set_xticks(cohorts, [f"{c}" + (f"\n({int(years[c])})" if not pd.isna(years[c]) else "") for c in cohorts])
        ax_.set_ylim(0, 100)
        ax_.set_xlabel("Cohort (year)")
        ax_.set_ylabel("% of participants")
        title = title if title is not None else "Completion and reliable improvement, cohort by cohort"
        ax_.set_title(title)
        ax_.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    alt = "Line chart by cohort. " + " ".join(
        f"{label}: " + ", ".join(f"cohort {c} {s:.0%}" for c, s in zip(frame["cohort"], frame["share"], strict=True))
        + "." for label, frame, _, _ in series)
    return Plot(fig, alt, title, styled=ax is None)
