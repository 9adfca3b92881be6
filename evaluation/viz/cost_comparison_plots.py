"""Cost figures that compare: published benchmarks and other cohorts and programmes.

Part of the cost report's figures (:mod:`evaluation.viz.cost_plots` re-exports them), with the
same conventions: each returns a :class:`~evaluation.viz.figure.Plot` and takes ``title=`` and
``ax=``; every money axis names its price base and labels its ticks exactly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from evaluation.core.checks import check_confidence_level
from evaluation.viz.cost_axes import MEASURE_WORDS
from evaluation.viz.cost_axes import money as _money
from evaluation.viz.cost_axes import pounds_axis as _pounds_axis
from evaluation.viz.figure import DPI, Plot, ci_percent, new_figure, panel_axes, style_for

__all__ = ["benchmark_chart", "comparison_chart"]


def benchmark_chart(benchmarks: pd.DataFrame, *, title: str | None = None, ax: Axes | None = None) -> Plot:
    """Published benchmark ranges in base-year prices beside this cohort's cost per place.

    Parameters
    ----------
    benchmarks : DataFrame
        ``tables/cost_benchmarks.csv``: ``item``, ``kind`` (``benchmark`` for a published range,
        anything else for this cohort's figure, drawn as a point), ``low_real``, ``high_real``
        (blank: open-ended), ``price_base_year``; optionally ``citation``, ``price_year`` and
        ``price_year_basis``, which label each benchmark with its source and price year.
    title : str, optional
        The figure's title (default: "Cost per place against published benchmarks (<year>
        prices)").
    ax : matplotlib Axes, optional
        Draw into this Axes instead of a new figure.

    Returns
    -------
    Plot
        The figure, its alternative text and its title.

    Examples
    --------
    >>> import pandas as pd
    >>> benchmarks = pd.DataFrame({"item": ["Residential", "This cohort"],
    ...                            "kind": ["benchmark", "cohort"], "low_real": [6000.0, 8500.0],
    ...                            "high_real": [float("nan"), float("nan")],
    ...                            "price_base_year": 2024})
    >>> benchmark_chart(benchmarks).alt
    'Chart of cost per participant in 2024 prices. Residential: £6,000 or more; This cohort: £8,500.'
    """
    year = int(benchmarks["price_base_year"].iloc[0])
    with style_for(ax):
        fig, ax_ = new_figure(10.0, 0.8 * len(benchmarks) + 1.6, ax=ax)
        y = np.arange(len(benchmarks))[::-1]
        values = benchmarks[["low_real", "high_real"]].to_numpy(dtype=float)
        top = float(np.nanmax(values)) * 1.25 if np.isfinite(values).any() else 1.0
        top = top if top > 0 else 1.0
        parts = []
        for yi, r in zip(y, benchmarks.itertuples(index=False), strict=True):
            if math.isnan(r.low_real):
                parts.append(f"{r.item}: not available in {year} prices")
                continue
            if r.kind == "benchmark":
                high = r.high_real if not math.isnan(r.high_real) else top
                ax_.barh(yi, high - r.low_real, left=r.low_real, color="#d1e5f0", edgecolor="#2166ac", height=0.5)
                if math.isnan(r.high_real):
                    ax_.annotate("and more", (high, yi), xytext=(-4, 0), textcoords="offset points", ha="right",
                                 va="center", fontsize=8)
                    parts.append(f"{r.item}: {_money(r.low_real)} or more")
                else:
                    parts.append(f"{r.item}: {_money(r.low_real)} to {_money(r.high_real)}")
            else:
                ax_.plot([r.low_real], [yi], "D", color="black")
                parts.append(f"{r.item}: {_money(r.low_real)}")
        ax_.set_yticks(y, [_benchmark_label(r, year) for r in benchmarks.itertuples(index=False)], fontsize=8)
        ax_.set_xlim(0, top)
        _pounds_axis(ax_.xaxis, thousands=True)
        ax_.set_xlabel(f"GBP per participant ({year} prices)")
        ax_.set_ylabel("")
        title = title if title is not None else f"Cost per place against published benchmarks ({year} prices)"
        ax_.set_title(title)
    sources = sorted({f"{r.citation}, {_price_words(r)}" for r in benchmarks.itertuples(index=False)
                      if r.kind == "benchmark" and hasattr(r, "citation")})
    alt = (f"Chart of cost per participant in {year} prices. " + "; ".join(parts) + "."
           + (" Source: " + "; ".join(sources) + f", converted to {year} prices." if sources else ""))
    return Plot(fig, alt, title, styled=ax is None)


def _price_words(row) -> str:
    """``2008 prices`` (with ``, assumed`` when the price year is not stated by the source)."""
    basis = str(getattr(row, "price_year_basis", ""))
    return f"{int(row.price_year)} prices" + (", assumed" if basis.startswith("assumed") else "")


def _benchmark_label(row, year: int) -> str:
    """A benchmark's tick label: the item, then its source and price year when the table has them."""
    item = str(row.item)
    if row.kind != "benchmark" or not hasattr(row, "citation") or not hasattr(row, "price_year"):
        return item
    return f"{item}\n{row.citation}\n({_price_words(row)}, shown in {year} prices)"


def comparison_chart(
    comparison: pd.DataFrame,
    measures: tuple[str, ...] = ("cost_per_enrolled", "cost_per_completer", "cost_per_reliable_improver"),
    *,
    confidence_level: float = 0.95,
    title: str | None = None,
    ax: Axes | Sequence[Axes] | None = None,
) -> Plot:
    """Cost per enrolled participant, per completer and per reliable improver by cohort, with intervals.

    One panel per measure, sharing the cohort axis.

    Parameters
    ----------
    comparison : DataFrame
        ``tables/cost_programme_comparison.csv``: ``level`` (only ``cohort`` rows are drawn),
        ``programme_title``, ``cohort``, ``price_base_year`` and, for each measure, its value
        and, where it has an interval, ``<measure>_ci_low`` and ``<measure>_ci_high`` (a measure
        without them is drawn as a point: a figure not estimated from a sample has no interval).
    measures : tuple of str
        The measures to draw, one panel each.
    confidence_level : float
        The level of the bootstrap intervals, for the alternative text (e.g. "90% bootstrap
        intervals").
    title : str, optional
        The figure's title (default: "Cost per participant across cohorts and programmes
        (<year> prices)").
    ax : matplotlib Axes or sequence of Axes, optional
        Draw into these Axes, one per measure in the order of ``measures`` (a single Axes for
        one measure), instead of a new figure; each panel then has its own cohort labels. The
        figure's own title is not drawn (the figure is the caller's); it is still the Plot's
        ``title``. A different number of Axes raises ``ValueError``.

    Returns
    -------
    Plot
        The figure, its alternative text and its title.

    Examples
    --------
    >>> import pandas as pd
    >>> comparison = pd.DataFrame({"level": "cohort", "programme_title": "Leading to Deliver",
    ...                            "cohort": [1, 2], "price_base_year": 2024,
    ...                            "cost_per_completer": [15000.0, 14000.0],
    ...                            "cost_per_reliable_improver": [90000.0, 80000.0],
    ...                            "cost_per_reliable_improver_ci_low": [60000.0, 55000.0],
    ...                            "cost_per_reliable_improver_ci_high": [150000.0, 130000.0]})
    >>> plot = comparison_chart(comparison, measures=("cost_per_completer", "cost_per_reliable_improver"),
    ...                         confidence_level=0.9)
    >>> plot.alt
    'Dot plot with 90% bootstrap intervals for the economic cost per reliable improver only (the others are not estimated from a sample), 2024 prices. Economic cost per completer: Leading to Deliver, cohort 1 £15,000, Leading to Deliver, cohort 2 £14,000; Economic cost per reliable improver: Leading to Deliver, cohort 1 £90,000, Leading to Deliver, cohort 2 £80,000.'
    """
    level = check_confidence_level(confidence_level)
    rows = comparison[comparison["level"] == "cohort"].reset_index(drop=True)
    year = int(comparison["price_base_year"].iloc[0])
    labels = [f"{r.programme_title}, cohort {int(r.cohort)}" for r in rows.itertuples()]
    if ax is not None:
        fig, axes = panel_axes(ax, len(measures), "measure")
    with style_for(ax):
        if ax is None:
            from matplotlib.figure import Figure

            fig = Figure(figsize=(9.0, 0.45 * max(len(rows), 3) + 1.8), dpi=DPI, layout="constrained")
            axes = fig.subplots(1, len(measures), sharey=True, squeeze=False)[0]
        y = np.arange(len(rows))[::-1]
        parts: list[str] = []
        with_ci: list[str] = []
        for panel, measure in zip(axes, measures, strict=True):
            value = rows[measure].to_numpy(dtype=float)
            # counted money has no interval: only measures with ci columns get error bars
            none = np.full(len(rows), np.nan)
            lo = rows[f"{measure}_ci_low"].to_numpy(dtype=float) if f"{measure}_ci_low" in rows else none
            hi = rows[f"{measure}_ci_high"].to_numpy(dtype=float) if f"{measure}_ci_high" in rows else none
            err = np.vstack([np.where(np.isnan(lo), 0, value - lo), np.where(np.isnan(hi), 0, hi - value)])
            panel.errorbar(value, y, xerr=np.nan_to_num(err), fmt="o", color="#2166ac", capsize=3)
            _pounds_axis(panel.xaxis, thousands=True)
            panel.set_xlabel(f"GBP ({year} prices)")
            panel.set_title(MEASURE_WORDS[measure], fontsize=10)
            right = np.nanmax(np.concatenate([value, hi])) if len(value) else 1.0
            if f"{measure}_ci_low" in rows:
                with_ci.append(MEASURE_WORDS[measure].lower())
            panel.set_xlim(0, float(right) * 1.12 if np.isfinite(right) and right > 0 else 1.0)
            parts.append(MEASURE_WORDS[measure] + ": " + ", ".join(
                f"{lab} {_money(v)}" for lab, v in zip(labels, value, strict=True)))
            if ax is not None:  # the caller's Axes share nothing: label each panel
                panel.set_yticks(y, labels, fontsize=8)
        if ax is None:
            axes[0].set_yticks(y, labels, fontsize=8)
        axes[0].set_ylabel("Programme and cohort")
        title = title if title is not None else f"Cost per participant across cohorts and programmes ({year} prices)"
        if ax is None:
            fig.suptitle(title)
    intervals = (f"with {ci_percent(level)} bootstrap intervals" if len(with_ci) == len(measures) else
                 f"with {ci_percent(level)} bootstrap intervals for the {' and '.join(with_ci)} only (the others are "
                 "not estimated from a sample)" if with_ci else "without intervals (not estimated from a sample)")
    alt = f"Dot plot {intervals}, {year} prices. " + "; ".join(parts) + "."
    return Plot(fig, alt, title, styled=ax is None)
