"""Figures of the programme report's cost trends and pooled equity.

Same conventions as :mod:`evaluation.viz.figure`: each function returns a
:class:`~evaluation.viz.figure.Plot` (figure, alternative text written from the data shown,
title) and takes ``title=``; every money axis names its price base. This module computes no
statistics: it draws the published tables ``cost_trends`` and ``equity_pooled``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.figure import Figure

from evaluation.core.checks import check_confidence_level
from evaluation.reports.numbers import money_interval
from evaluation.viz.cost_axes import money as _money
from evaluation.viz.cost_axes import pounds_axis as _pounds_axis
from evaluation.viz.equity_plots import representation_chart
from evaluation.viz.figure import DPI, Plot, ci_percent, style_for

__all__ = ["cost_trend_chart", "pooled_equity_chart"]


def _span(low: float, high: float, label: str = "") -> str:
    """A cost's interval for the alternative text ("95% interval £1 to £2", "from £1, with no upper limit")."""
    span = money_interval(low, high)
    return f"{label}{span}" if span else "no interval"


def cost_trend_chart(trends: pd.DataFrame, *, title: str | None = None) -> Plot:
    """Cost per place (cash and economic) and per reliable improver (with its interval) by cohort.

    Parameters
    ----------
    trends : DataFrame
        ``tables/cost_trends.csv``: ``level``, ``cohort``, ``price_base_year``,
        ``confidence_level``, ``cost_per_enrolled``, ``cash_cost_per_enrolled``,
        ``cost_per_reliable_improver`` and its ``_ci_low`` / ``_ci_high``, and the ``cash_`` twins.
    title : str, optional
        Default: "Costs across cohorts (<year> prices)".

    Returns
    -------
    Plot

    Examples
    --------
    >>> t = pd.DataFrame({"level": ["cohort", "cohort"], "cohort": [1, 2], "price_base_year": 2024,
    ...                   "confidence_level": 0.95, "cost_per_enrolled": [14000.0, 14100.0],
    ...                   "cash_cost_per_enrolled": [10500.0, 10600.0],
    ...                   "cost_per_reliable_improver": [84000.0, 128000.0],
    ...                   "cost_per_reliable_improver_ci_low": [57000.0, 83000.0],
    ...                   "cost_per_reliable_improver_ci_high": [142000.0, 280000.0],
    ...                   "cash_cost_per_reliable_improver": [63000.0, 97000.0],
    ...                   "cash_cost_per_reliable_improver_ci_low": [43000.0, 63000.0],
    ...                   "cash_cost_per_reliable_improver_ci_high": [108000.0, 214000.0]})
    >>> plot = cost_trend_chart(t)
    >>> plot.title
    'Costs across cohorts (2024 prices)'
    >>> plot.alt.split(". ")[1]
    'Cohort 1: cash £10,500 and economic £14,000 per place; economic £84,000 per reliable improver (95% interval £57,000 to £142,000), cash £63,000 (£43,000 to £108,000)'
    """
    rows = trends[trends["level"] == "cohort"].reset_index(drop=True)
    year = int(trends["price_base_year"].iloc[0])
    pct = ci_percent(check_confidence_level(float(trends["confidence_level"].iloc[0])))
    x = list(range(len(rows)))
    labels = [f"Cohort {int(c)}" for c in rows["cohort"]]
    with style_for(None):
        fig = Figure(figsize=(9.0, 3.8), dpi=DPI, layout="constrained")
        place, improver = fig.subplots(1, 2)
        for column, colour, name in (("cash_cost_per_enrolled", "#92c5de", "cash"),
                                     ("cost_per_enrolled", "#2166ac", "economic")):
            place.plot(x, rows[column], marker="o", color=colour, label=name)
        place.set_title("Cost per place", fontsize=10)
        for column, colour, name, shift in (("cash_cost_per_reliable_improver", "#92c5de", "cash", -0.08),
                                            ("cost_per_reliable_improver", "#2166ac", "economic", 0.08)):
            xs = [i + shift for i in x]
            low, high = rows[f"{column}_ci_low"], rows[f"{column}_ci_high"]
            improver.vlines(xs, low, high, color=colour, linewidth=1.4)
            improver.plot(xs, rows[column], marker="o", linestyle="-", color=colour, label=f"{name}, {pct} interval")
        improver.set_title("Cost per reliable improver", fontsize=10)
        for ax in (place, improver):
            ax.set_xticks(x, labels)
            ax.set_ylim(bottom=0)
            ax.set_ylabel(f"GBP ({year} prices)")
            _pounds_axis(ax.yaxis, thousands=True, ticks=6)
            ax.legend(fontsize=8, frameon=False, loc="lower right" if ax is place else "upper left")
        title = title if title is not None else f"Costs across cohorts ({year} prices)"
        fig.suptitle(title)
    parts = [
        f"Cohort {int(r.cohort)}: cash {_money(r.cash_cost_per_enrolled)} and economic {_money(r.cost_per_enrolled)} "
        f"per place; economic {_money(r.cost_per_reliable_improver)} per reliable improver ("
        f"{_span(r.cost_per_reliable_improver_ci_low, r.cost_per_reliable_improver_ci_high, f'{pct} interval ')}), "
        f"cash {_money(r.cash_cost_per_reliable_improver)} ("
        f"{_span(r.cash_cost_per_reliable_improver_ci_low, r.cash_cost_per_reliable_improver_ci_high)})"
        for r in rows.itertuples()]
    alt = (f"Two line charts by cohort, in {year} prices: cost per place (cash and economic), and cost per reliable "
           f"improver with its {pct} bootstrap interval. " + ". ".join(parts) + ".")
    return Plot(fig, alt, title)


def pooled_equity_chart(
    pooled: pd.DataFrame,
    *,
    dimension: str,
    band: Sequence[float] = (0.80, 1.25),
    confidence_level: float = 0.95,
    title: str | None = None,
) -> Plot:
    """Pooled relative likelihood of a place by category of one dimension, with its interval and the band.

    The cohort report's chart (:func:`evaluation.viz.equity_plots.representation_chart`) drawn from
    ``tables/equity_pooled.csv``, titled as pooled over the cohorts.

    Examples
    --------
    >>> t = pd.DataFrame({"dimension": "sector", "category": ["council", "health"], "n_cohorts": 5,
    ...                   "relative_likelihood": [1.0, 1.6], "rl_ci_low": [None, 1.08], "rl_ci_high": [None, 2.37],
    ...                   "band": ["", "disparity"], "suppressed": "", "reference_category": "council"})
    >>> pooled_equity_chart(t, dimension="sector").title
    'Representation by sector, pooled over 5 cohorts'
    """
    k = int(pooled["n_cohorts"].iloc[0]) if len(pooled) else 0
    words = "one cohort (nothing pooled)" if k == 1 else f"{k} cohorts"
    title = title if title is not None else \
        f"Representation by {dimension.replace('_', ' ').replace('local authority', 'council area')}, pooled over {words}"
    plot = representation_chart(pooled, dimension=dimension, band=band, confidence_level=confidence_level, title=title)
    return Plot(plot.figure, f"Pooled over {words}. " + plot.alt, title)
