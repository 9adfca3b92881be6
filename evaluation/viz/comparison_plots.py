"""Figures of the comparison of programmes: each figure carries the differences that limit it.

Conventions of :mod:`evaluation.viz.figure`: each function returns a
:class:`~evaluation.viz.figure.Plot` and takes ``title=`` and ``ax=``. Every figure sets the
programmes' figures side by side with their intervals and basis (pooled over k cohorts, or one
cohort), and writes under the plot, and into its alternative text, the differences between the
programmes that limit comparing them (``tables/comparison_limits.csv``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from evaluation.reports.comparison_report import change_verdict
from evaluation.reports.labels import and_list
from evaluation.reports.numbers import money_interval, signed
from evaluation.viz.cost_axes import MEASURE_WORDS
from evaluation.viz.cost_axes import money as _money
from evaluation.viz.cost_axes import pounds_axis as _pounds_axis
from evaluation.viz.figure import Plot, ci_percent, new_figure, style_for

__all__ = ["change_chart", "improver_cost_chart"]

_RATERS = {"self": "self-rated", "line_manager": "line managers", "peer": "peers", "direct_report": "direct reports"}


def _limits_note(limits: pd.DataFrame, measures: tuple[str, ...]) -> str:
    """"Not like for like: the programmes differ in …" for the differences that limit any of ``measures``."""
    if limits is None or not len(limits):
        return ""
    hit = limits[limits["measures"].str.split(";").apply(lambda ms: any(m in ms for m in measures))]
    labels = hit["label"].tolist()
    if not labels:
        return ""
    words = and_list(labels)
    return f"Not like for like: the programmes differ in {words} (the table of differences, tables/comparison_limits.csv)."


def _dot_rows(ax: Axes, rows: pd.DataFrame, labels: list[str]) -> np.ndarray:
    y = np.arange(len(rows))[::-1]
    value = rows["value"].to_numpy(dtype=float)
    lo, hi = rows["ci_low"].to_numpy(dtype=float), rows["ci_high"].to_numpy(dtype=float)
    err = np.vstack([np.where(np.isnan(lo), 0, value - lo), np.where(np.isnan(hi), 0, hi - value)])
    ax.errorbar(value, y, xerr=np.nan_to_num(err), fmt="o", color="#2166ac", capsize=3)
    ax.set_yticks(y, labels, fontsize=8)
    return y


def _label_with_note(ax: Axes, label: str, note: str) -> None:
    """The x-axis label, with the limits under it (so that the layout leaves room for them)."""
    ax.set_xlabel(label + ("\n" + textwrap.fill(note, 75) if note else ""), fontsize=9)


def improver_cost_chart(comparison: pd.DataFrame, limits: pd.DataFrame | None = None, *,
                        title: str | None = None, ax: Axes | None = None) -> Plot:
    """Cash and economic cost per reliable improver by programme, with intervals and the limits.

    Parameters
    ----------
    comparison : DataFrame
        ``tables/programme_comparison.csv``: ``title``, ``measure`` (the rows
        ``cash_cost_per_reliable_improver`` and ``cost_per_reliable_improver`` are drawn),
        ``value``, ``ci_low``, ``ci_high``, ``basis``, ``price_base_year``, ``confidence_level``.
    limits : DataFrame, optional
        ``tables/comparison_limits.csv`` (``label``, ``measures``): the differences written
        under the plot and into the alternative text.
    title : str, optional
        Default: "Cost per reliable improver by programme (<year> prices)".
    ax : matplotlib Axes, optional
        Draw into this Axes instead of a new figure.

    Returns
    -------
    Plot

    Examples
    --------
    >>> c = pd.DataFrame({"title": ["A", "B"], "measure": "cost_per_reliable_improver",
    ...                   "value": [100000.0, 50000.0], "ci_low": [90000.0, 30000.0],
    ...                   "ci_high": [140000.0, 110000.0], "basis": ["all 5 cohorts together", "one cohort"],
    ...                   "price_base_year": 2024, "confidence_level": 0.95})
    >>> l = pd.DataFrame({"label": ["cohort sizes"], "measures": ["cost_per_reliable_improver"]})
    >>> improver_cost_chart(c, l).alt
    'Dot plot with 95% bootstrap intervals, 2024 prices. Economic cost per reliable improver: A £100,000 (£90,000 to £140,000; all 5 cohorts together); B £50,000 (£30,000 to £110,000; one cohort). Not like for like: the programmes differ in cohort sizes (the table of differences, tables/comparison_limits.csv).'
    """
    measures = ("cash_cost_per_reliable_improver", "cost_per_reliable_improver")
    rows = comparison[comparison["measure"].isin(measures)].reset_index(drop=True)
    if rows.empty:
        raise ValueError("`comparison` has no cost per reliable improver rows (measure "
                         "cash_cost_per_reliable_improver or cost_per_reliable_improver)")
    year = int(rows["price_base_year"].dropna().iloc[0])
    level = float(rows["confidence_level"].iloc[0])
    labels = [f"{r.title}: {MEASURE_WORDS[r.measure].lower()}\n({r.basis})" for r in rows.itertuples()]
    note = _limits_note(limits, measures)
    with style_for(ax):
        fig, ax_ = new_figure(10.0, 0.7 * len(rows) + 2.2, ax=ax)
        _dot_rows(ax_, rows, labels)
        _pounds_axis(ax_.xaxis, thousands=True)
        top = float(np.nanmax(rows[["value", "ci_high"]].to_numpy(dtype=float)))
        ax_.set_xlim(0, top * 1.1 if np.isfinite(top) and top > 0 else 1.0)
        _label_with_note(ax_, f"GBP per reliable improver ({year} prices); {ci_percent(level)} bootstrap intervals",
                         note)
        title = title if title is not None else f"Cost per reliable improver by programme ({year} prices)"
        ax_.set_title(title)
    parts = []
    for measure in measures:
        these = rows[rows["measure"] == measure]
        if len(these):
            parts.append(MEASURE_WORDS[measure] + ": " + "; ".join(
                f"{r.title} {_money(r.value)} ({money_interval(r.ci_low, r.ci_high) or 'no interval'}; {r.basis})"
                for r in these.itertuples()))
    alt = (f"Dot plot with {ci_percent(level)} bootstrap intervals, {year} prices. " + ". ".join(parts) + "."
           + (f" {note}" if note else ""))
    return Plot(fig, alt, title, styled=ax is None)


def change_chart(comparison: pd.DataFrame, limits: pd.DataFrame | None = None, *,
                 titles: Mapping[str, str] | None = None, title: str | None = None, ax: Axes | None = None) -> Plot:
    """Change on each primary scale by programme and rater, with intervals, basis and the limits.

    Parameters
    ----------
    comparison : DataFrame
        ``tables/programme_comparison.csv``; its ``mean_change`` rows are drawn (``title``,
        ``scale``, ``rater``, ``value``, ``ci_low``, ``ci_high``, ``basis``, ``confidence_level`` and,
        if present, ``verdict``, said after each row's interval in the alternative text).
    limits : DataFrame, optional
        ``tables/comparison_limits.csv``, as for :func:`improver_cost_chart`.
    titles : mapping, optional
        Scale codes to titles (``comparison_report.scale_titles``); default: the code in words.
    title, ax
        As for :func:`improver_cost_chart`.

    Returns
    -------
    Plot

    Examples
    --------
    >>> c = pd.DataFrame({"title": ["A", "B"], "measure": "mean_change", "scale": "leading_change",
    ...                   "rater": "self", "value": [0.34, 0.43], "ci_low": [0.27, 0.20],
    ...                   "ci_high": [0.41, 0.65], "basis": ["pooled over 5 cohorts", "one cohort"],
    ...                   "confidence_level": 0.95, "verdict": ["clear_increase", "no_clear_change"]})
    >>> change_chart(c).alt
    'Dot plot of change from before to just after the programme, in scale points, with 95% confidence intervals; 0 is no change. A, leading change, self-rated: +0.34 (+0.27 to +0.41; pooled over 5 cohorts), clear increase; B, leading change, self-rated: +0.43 (+0.20 to +0.65; one cohort), no clear change.'
    """
    rows = comparison[comparison["measure"] == "mean_change"]
    rows = rows.sort_values("rater", key=lambda r: r.map(lambda x: list(_RATERS).index(x) if x in _RATERS else 99),
                            kind="stable").reset_index(drop=True)
    if rows.empty:
        raise ValueError("`comparison` has no mean_change rows")
    level = float(rows["confidence_level"].iloc[0])
    names = [f"{r.title}, {(titles or {}).get(r.scale, str(r.scale).replace('_', ' '))}, {_RATERS.get(r.rater, r.rater)}"
             for r in rows.itertuples()]
    note = _limits_note(limits, ("mean_change",))
    with style_for(ax):
        fig, ax_ = new_figure(10.0, 0.7 * len(rows) + 2.2, ax=ax)
        _dot_rows(ax_, rows, [f"{n}\n({r.basis})" for n, r in zip(names, rows.itertuples(), strict=True)])
        ax_.axvline(0, color="grey", linewidth=1)
        _label_with_note(ax_, f"Change in scale points (later − earlier), {ci_percent(level)} confidence intervals",
                         note)
        title = title if title is not None else "Change from before to just after the programme, by programme"
        ax_.set_title(title)
    parts = [f"{n}: {signed(r.value)} ({signed(r.ci_low)} to {signed(r.ci_high)}; {r.basis})"
             + (f", {change_verdict(r)}" if change_verdict(r) else "")
             for n, r in zip(names, rows.itertuples(), strict=True)]
    alt = (f"Dot plot of change from before to just after the programme, in scale points, with "
           f"{ci_percent(level)} confidence intervals; 0 is no change. " + "; ".join(parts) + "."
           + (f" {note}" if note else ""))
    return Plot(fig, alt, title, styled=ax is None)
