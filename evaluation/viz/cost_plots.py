"""Figures of the cost-per-participant report, drawn from the tables of :mod:`evaluation.reports.cost_report`.

Same conventions as :mod:`evaluation.viz.figure`: each function returns a
:class:`~evaluation.viz.figure.Plot` (a matplotlib ``Figure`` built without pyplot, alternative
text written from the data shown, and its title) and takes ``title=`` and ``ax=``; axes are
labelled and every money axis names its price base. This module computes no statistics.
:func:`benchmark_chart` and :func:`comparison_chart` live in
:mod:`evaluation.viz.cost_comparison_plots` and are re-exported here.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from evaluation.core.checks import check_confidence_level
from evaluation.reports.numbers import money_interval
from evaluation.viz.cost_axes import MEASURE_WORDS, curve_points
from evaluation.viz.cost_axes import money as _money
from evaluation.viz.cost_axes import pounds_axis as _pounds_axis
from evaluation.viz.cost_axes import words as _words
from evaluation.viz.cost_comparison_plots import benchmark_chart, comparison_chart
from evaluation.viz.figure import DPI, Plot, ci_percent, new_figure, panel_axes, style_for

__all__ = [
    "benchmark_chart",
    "bootstrap_chart",
    "category_chart",
    "comparison_chart",
    "cost_curve_chart",
    "tornado_chart",
]

BASIS_COLOURS = {"fixed": "#2166ac", "per_participant": "#92c5de"}
def category_chart(by_category: pd.DataFrame, *, title: str | None = None, ax: Axes | None = None) -> Plot:
    """Horizontal bars of the cost by category, fixed and per-participant parts stacked.

    Parameters
    ----------
    by_category : DataFrame
        ``tables/costs_by_category.csv``: ``category``, ``basis`` (``fixed`` or
        ``per_participant``), ``amount``, ``share``, ``price_base_year``.
    title : str, optional
        The figure's title (default: "Fully loaded costs by category (<year> prices)").
    ax : matplotlib Axes, optional
        Draw into this Axes instead of a new figure.

    Returns
    -------
    Plot
        The figure, its alternative text and its title.

    Examples
    --------
    >>> import pandas as pd
    >>> by_category = pd.DataFrame({"category": ["design", "delivery", "delivery"],
    ...                             "basis": ["fixed", "fixed", "per_participant"],
    ...                             "amount": [5000.0, 3000.0, 2000.0], "share": [0.5, 0.3, 0.2],
    ...                             "price_base_year": 2024})
    >>> plot = category_chart(by_category)
    >>> plot.title
    'Fully loaded costs by category (2024 prices)'
    >>> plot.alt
    "Bar chart of the cohort's costs by category, 2024 prices. Design: £5,000 (50%); Delivery (fixed): £3,000 (30%); \
Delivery (per participant): £2,000 (20%)."
    """
    year = int(by_category["price_base_year"].iloc[0]) if len(by_category) else None
    categories = list(dict.fromkeys(by_category["category"]))
    with style_for(ax):
        fig, ax_ = new_figure(9.0, 0.4 * max(len(categories), 3) + 1.6, ax=ax)
        y = np.arange(len(categories))[::-1]
        left = np.zeros(len(categories))
        for basis in ("fixed", "per_participant"):
            rows = by_category[by_category["basis"] == basis].set_index("category")["amount"]
            values = np.array([float(rows.get(c, 0.0)) for c in categories])
            ax_.barh(y, values, left=left, color=BASIS_COLOURS[basis], label=basis.replace("_", " "))
            left += values
        ax_.set_yticks(y, [_words(c) for c in categories])
        _pounds_axis(ax_.xaxis, thousands=True)
        ax_.set_xlabel(f"Cost to the cohort (GBP, {year} prices)")
        ax_.set_ylabel("Category")
        title = title if title is not None else f"Fully loaded costs by category ({year} prices)"
        ax_.set_title(title)
        ax_.legend(title="Basis", fontsize=9, frameon=False, loc="lower right")
    both = by_category["category"].duplicated(keep=False)  # a category with fixed and per-participant rows: each row
    alt = f"Bar chart of the cohort's costs by category, {year} prices. " + "; ".join(
        f"{_words(r.category)}{f' ({_words(r.basis).lower()})' if two else ''}: {_money(r.amount)} ({r.share:.0%})"
        for r, two in zip(by_category.itertuples(), both, strict=True)) + "."
    return Plot(fig, alt, title, styled=ax is None)


def cost_curve_chart(curve: pd.DataFrame, *, enrolled: int, title: str | None = None,
                     ax: Axes | None = None) -> Plot:
    """Average cost per participant as the programme grows, with the step of each new cohort.

    Parameters
    ----------
    curve : DataFrame
        ``tables/cost_curve.csv``: ``participants``, ``cohorts``, ``average_cost``,
        ``marginal_cost``, ``price_base_year``, one row per number of participants.
        A curve of more than :data:`~evaluation.viz.cost_axes.MAX_CURVE_POINTS` rows (a national
        programme's) is drawn through that many of them and both sides of every new cohort's step
        (:func:`~evaluation.viz.cost_axes.curve_points`).
    enrolled : int
        The cohort's number of participants (marked on the curve).
    title : str, optional
        The figure's title (default: "Cost per participant as the programme grows (<year>
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
    >>> curve = pd.DataFrame({"participants": [1, 2, 3, 4], "cohorts": [1, 1, 2, 2],
    ...                       "average_cost": [1000.0, 550.0, 700.0, 550.0],
    ...                       "marginal_cost": [1000.0, 100.0, 100.0, 100.0],
    ...                       "price_base_year": 2024})
    >>> plot = cost_curve_chart(curve, enrolled=2, title="Economies of scale")
    >>> plot.title
    'Economies of scale'
    >>> plot.figure.axes[0].get_title()
    'Economies of scale'
    """
    year = int(curve["price_base_year"].iloc[0])
    with style_for(ax):
        fig, ax_ = new_figure(9.0, 4.2, ax=ax)
        # from 10 participants (the average at 1 would flatten the rest of the line), or from the
        # cohort's own size when it is smaller: a cohort of 3 was drawn from 9, its own point off the line
        start = max(1, min(10, int(enrolled), int(curve["participants"].max())))
        shown = curve[curve["participants"] >= start]
        drawn = curve_points(shown)  # a few thousand points, however many rows
        ax_.plot(drawn["participants"], drawn["average_cost"], color="#2166ac", label="Average cost per participant")
        # v: one more participant within a cohort; cohorts of 1 have no such step (each new participant
        # is a new cohort, with its fixed costs), so no line for v: the cohort of 1 drew F + v as "v"
        within = curve["marginal_cost"][(curve["cohorts"].diff() == 0).to_numpy()]
        v = float(within.iloc[0]) if len(within) else math.nan
        if len(within):
            ax_.axhline(v, color="#b2182b", linestyle="--", linewidth=1, label="Cost of one more participant (v)")
        here = curve[curve["participants"] == enrolled]
        if len(here):
            ax_.plot(here["participants"], here["average_cost"], "o", color="black", label="This cohort")
        steps = curve.loc[curve["cohorts"].diff() > 0, "participants"]
        for n in steps:
            ax_.axvline(n, color="#bdbdbd", linewidth=0.8)
        _pounds_axis(ax_.yaxis)
        ax_.set_ylim(0, float(shown["average_cost"].max()) * 1.1)
        ax_.set_xlabel("Participants (a new cohort starts at each grey line)")
        ax_.set_ylabel(f"GBP per participant ({year} prices)")
        title = title if title is not None else f"Cost per participant as the programme grows ({year} prices)"
        ax_.set_title(title)
        ax_.legend(fontsize=9, frameon=False)
    at = here["average_cost"].iloc[0] if len(here) else math.nan
    lowest = curve.loc[curve["average_cost"].idxmin()]
    jumps = (f", jumps when a new cohort of {enrolled} starts (at {', '.join(str(int(n)) for n in steps)} "
             "participants)," if len(steps) else "")
    # the line starts at 10 participants: the average at 1 (all the fixed costs on one person) would
    # flatten the rest of it; the alt text says so, as the cost-curve table starts at 1
    first, drawn_from = int(curve["participants"].iloc[0]), int(shown["participants"].iloc[0])
    at_first = float(curve["average_cost"].iloc[0])
    why = " and would flatten the rest of the line" if at_first > 2 * float(shown["average_cost"].iloc[0]) else ""
    left_off = (f", drawn from {drawn_from} participants, not from {first}: with fewer the average is higher "
                f"({_money(at_first)} at {first} participant{'' if first == 1 else 's'}){why}"
                if drawn_from > first else "")
    falls = (f"It is {_money(at)} at this cohort's {enrolled} participant{'' if enrolled == 1 else 's'}"
             if drawn_from >= enrolled else
             f"It falls from {_money(float(shown['average_cost'].iloc[0]))} at {drawn_from} participants to "
             f"{_money(at)} at this cohort's {enrolled}")
    # the lowest average in the table is where the chart ends when the average is still falling there:
    # "is lowest, £13,267, at 309 participants" said a minimum the curve does not have
    at_end = int(lowest["participants"]) == int(curve["participants"].iloc[-1])
    low, where = _money(float(lowest["average_cost"])), int(lowest["participants"])
    people = f"{where} participant" + ("" if where == 1 else "s")
    end = (", where the chart ends" if at_end and where == enrolled else
           f" and falls to {low} at {people}, where the chart ends" if at_end else
           f" and is lowest within the chart, {low}, at {people}")
    alt = (f"Line chart of the average cost per participant against the number of participants, {year} prices"
           f"{left_off}. {falls}{jumps}{end}"
           + ("." if math.isnan(v) else f": above the cost of one more participant, {_money(v)} (the dashed line)"
              + (", because each new cohort brings its own fixed costs." if len(steps) else ".")))
    return Plot(fig, alt, title, styled=ax is None)


def tornado_chart(tornado: pd.DataFrame, *, measure: str = "cost_per_completer", title: str | None = None,
                  ax: Axes | None = None) -> Plot:
    """One-way sensitivity: the range of the measure as each input moves from low to high.

    Parameters
    ----------
    tornado : DataFrame
        ``tables/cost_tornado.csv``: ``measure``, ``description``, ``low_setting``,
        ``high_setting``, ``value_low``, ``value_high``, ``value_base``, ``price_base_year``,
        widest swing first; optionally ``reason`` (why the range was tried), which each bar's
        label gives beside the range.
    measure : str
        The measure to draw, e.g. ``cost_per_completer``.
    title : str, optional
        The figure's title (default: "Sensitivity: <measure> (base <value>, black line)").
    ax : matplotlib Axes, optional
        Draw into this Axes instead of a new figure (the title and legend are then the Axes'
        own rather than the figure's).

    Returns
    -------
    Plot
        The figure, its alternative text and its title.

    Examples
    --------
    >>> import pandas as pd
    >>> tornado = pd.DataFrame({"measure": "cost_per_completer", "description": ["Hours", "Pay"],
    ...                         "low_setting": ["×0.75", "×0.8"], "high_setting": ["×1.5", "×1.2"],
    ...                         "value_low": [9000.0, 9500.0], "value_high": [12000.0, 10500.0],
    ...                         "value_base": 10000.0, "price_base_year": 2024})
    >>> tornado_chart(tornado).title
    'Sensitivity: economic cost per completer (base £10,000, black line)'
    """
    from matplotlib.patches import Patch

    rows = tornado[tornado["measure"] == measure].reset_index(drop=True)
    year = int(rows["price_base_year"].iloc[0])
    base = float(rows["value_base"].iloc[0])
    with style_for(ax):
        reasons = rows["reason"] if "reason" in rows else pd.Series([""] * len(rows))
        fig, ax_ = new_figure(10.0, (0.95 if reasons.str.len().any() else 0.55) * max(len(rows), 3) + 1.6, ax=ax)
        y = np.arange(len(rows))[::-1]
        labels, parts = [], []
        for yi, r, why in zip(y, rows.itertuples(index=False), reasons, strict=True):
            tried = f"tried {r.low_setting} to {r.high_setting}"
            labels.append("\n".join([r.description, tried + (":" if why else ""),
                                     *textwrap.wrap(str(why), 55)]))
            if math.isnan(r.value_low) or math.isnan(r.value_high):
                parts.append(f"{r.description}: not available")
                continue
            for value, colour in ((r.value_low, "#92c5de"), (r.value_high, "#f4a582")):
                ax_.barh(yi, value - base, left=base, color=colour, height=0.6)
            parts.append(f"{r.description}: {_money(r.value_low)} at {r.low_setting}, {_money(r.value_high)} at "
                         f"{r.high_setting}" + (f" ({why})" if why else ""))
        ax_.axvline(base, color="black", linewidth=1)
        ax_.set_yticks(y, labels, fontsize=7)
        _pounds_axis(ax_.xaxis, ticks=6)
        words = MEASURE_WORDS.get(measure, _words(measure))
        ax_.set_xlabel(f"{words} (GBP, {year} prices)")
        handles = [Patch(color="#92c5de", label="low setting"), Patch(color="#f4a582", label="high setting")]
        if ax is None:
            fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=9, frameon=False)
        else:
            ax_.legend(handles=handles, fontsize=9, frameon=False)
        ax_.set_ylabel("Input varied")
        title = title if title is not None else (
            f"Sensitivity: {words.lower()} (not available)" if math.isnan(base)
            else f"Sensitivity: {words.lower()} (base {_money(base)}, black line)")
        if ax is None:
            fig.suptitle(title)
        else:
            ax_.set_title(title)
    alt = (f"Tornado chart of the {words.lower()}, base value {_money(base)} ({year} prices), with the widest "
           "swing first. " + "; ".join(parts) + ".")
    if math.isnan(base):  # no figure to vary (nobody reliably improved): no bars, and no "base value not available"
        alt = f"Tornado chart of the {words.lower()}: no bars, as there is no {words.lower()} to vary ({_why_none(measure)})."

    return Plot(fig, alt, title, styled=ax is None)


def bootstrap_chart(
    draws: pd.DataFrame,
    bootstrap: pd.DataFrame,
    measures: tuple[str, ...] | None = None,
    *,
    confidence_level: float | None = None,
    title: str | None = None,
    ax: Axes | Sequence[Axes] | None = None,
) -> Plot:
    """Histograms of the bootstrap draws with the observed value and the percentile interval.

    One panel per measure.

    Parameters
    ----------
    draws : DataFrame
        The bootstrap resamples, one column per measure (``bootstrap_draws`` of
        :func:`evaluation.reports.cost_report.cost_tables`).
    bootstrap : DataFrame
        ``tables/cost_bootstrap.csv``: ``measure``, ``value``, ``ci_low``, ``ci_high``,
        ``undefined_draws``, ``resamples``, ``price_base_year`` and, when known,
        ``confidence_level``.
    measures : tuple of str, optional
        The measures to draw, one panel each (default: every measure of ``bootstrap``).
    confidence_level : float, optional
        The level of the percentile intervals, for the labels. Default: the table's
        ``confidence_level`` (0.95 when the table has none). When given, it must be the
        table's: a different level raises ``ValueError`` rather than mislabelling the interval.
    title : str, optional
        The figure's title (default: "Bootstrap distribution (<n> resamples of participants)").
    ax : matplotlib Axes or sequence of Axes, optional
        Draw into these Axes, one per measure in the order of ``measures`` (a single Axes for
        one measure), instead of a new figure. The figure's own title is then not drawn (the
        figure is the caller's); it is still the Plot's ``title``. A different number of Axes
        raises ``ValueError``.

    Returns
    -------
    Plot
        The figure, its alternative text and its title.

    Examples
    --------
    >>> import pandas as pd
    >>> draws = pd.DataFrame({"cost_per_reliable_improver": [9000.0, 9500.0, 10000.0, 10500.0, 11000.0]})
    >>> bootstrap = pd.DataFrame({"measure": ["cost_per_reliable_improver"], "value": [10000.0],
    ...                           "ci_low": [9100.0], "ci_high": [10900.0], "undefined_draws": [0],
    ...                           "resamples": [5], "price_base_year": [2024],
    ...                           "confidence_level": [0.9]})
    >>> plot = bootstrap_chart(draws, bootstrap)
    >>> plot.alt
    'Histograms of 5 bootstrap resamples; solid line = observed value, dashed lines = 90% percentile interval (2024 prices). Economic cost per reliable improver: observed £10,000, 90% interval £9,100 to £10,900.'
    """
    level = _bootstrap_level(bootstrap, confidence_level)
    measures = tuple(bootstrap["measure"]) if measures is None else tuple(measures)
    pct = ci_percent(level)
    summary = bootstrap.set_index("measure")
    year = int(bootstrap["price_base_year"].iloc[0])
    if ax is not None:
        fig, axes = panel_axes(ax, len(measures), "measure")
    with style_for(ax):
        if ax is None:
            from matplotlib.figure import Figure

            fig = Figure(figsize=(9.0, 3.6), dpi=DPI, layout="constrained")
            axes = fig.subplots(1, len(measures), squeeze=False)[0]
        parts = []
        for panel, measure in zip(axes, measures, strict=True):
            values = draws[measure].dropna().to_numpy()
            words = MEASURE_WORDS.get(measure, _words(measure))
            row = summary.loc[measure]
            if values.size:
                panel.hist(values, bins=40, color="#92c5de", edgecolor="white")
            for limit in (row["ci_low"], row["ci_high"]):
                if not pd.isna(limit):
                    panel.axvline(limit, color="#2166ac", linestyle="--", linewidth=1)
            if not pd.isna(row["value"]):
                panel.axvline(row["value"], color="black", linewidth=1.5)
            span = float(values.max() - values.min()) if values.size else 0.0
            _pounds_axis(panel.xaxis, thousands=span >= 20_000, ticks=5)
            panel.set_xlabel(f"GBP ({year} prices)")
            panel.set_ylabel("Resamples")
            panel.set_title(words, fontsize=10)
            undefined = int(row["undefined_draws"])
            if pd.isna(row["value"]):  # "observed not available, 95% interval not available to not available"
                parts.append(f"{words}: not available ({_why_none(measure)})")
                continue
            span = money_interval(row["ci_low"], row["ci_high"])  # not "£99,313 to not available"
            limits = f"{pct} interval {span}" if span else f"no {pct} interval"
            parts.append(f"{words}: observed {_money(row['value'])}, {limits}" + (
                f"; {undefined:,} of the {int(row['resamples']):,} resamples have no value ({_why_none(measure)} "
                "in them)" if undefined else ""))
        resamples = int(bootstrap["resamples"].iloc[0])
        title = title if title is not None else f"Bootstrap distribution ({resamples:,} resamples of participants)"
        if ax is None:
            fig.suptitle(title)
    alt = (f"Histograms of {resamples:,} bootstrap resamples; solid line = observed value, dashed lines = "
           f"{pct} percentile interval ({year} prices). " + "; ".join(parts) + ".")
    return Plot(fig, alt, title, styled=ax is None)


def _why_none(measure: str) -> str:
    """Why a cost per head has no value: nobody to divide by.

    Examples
    --------
    >>> _why_none("cash_cost_per_reliable_improver"), _why_none("cost_per_completer")
    ('nobody reliably improved', 'nobody completed')
    """
    return {"reliable_improver": "nobody reliably improved", "completer": "nobody completed"}.get(
        measure.rsplit("_per_", 1)[-1], "nobody to divide the cost among")


def _bootstrap_level(bootstrap: pd.DataFrame, confidence_level: float | None) -> float:
    """The level of the bootstrap table's intervals: ``confidence_level`` if given (and the
    table's, when it records one), else the table's, else 0.95."""
    recorded = None
    if "confidence_level" in bootstrap and bootstrap["confidence_level"].notna().any():
        recorded = check_confidence_level(float(bootstrap["confidence_level"].dropna().iloc[0]))
    if confidence_level is None:
        return 0.95 if recorded is None else recorded
    level = check_confidence_level(confidence_level)
    if recorded is not None and not math.isclose(level, recorded):
        raise ValueError(f"`confidence_level` is {level:g} but the bootstrap table's intervals are at "
                         f"{recorded:g}; pass confidence_level={recorded:g} (or leave it out)")
    return level
