"""Figures of the equity-of-access report, drawn from the tables after disclosure control.

Same conventions as :mod:`evaluation.viz.figure`: each function returns a :class:`~evaluation.viz.figure.Plot`
(a matplotlib ``Figure`` built without pyplot, its alternative text written from the data
shown, and its title) and takes ``title=`` and ``ax=``; axes are labelled. The input tables are
already suppressed: a withheld group is drawn without a value and labelled "withheld" (the tables'
word), groups are named as the tables name them ("Local authority"), and
no label or alternative text shows a count of people.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from evaluation.core.checks import check_confidence_level
from evaluation.reports.equity_report.tables import DIMENSION_TITLES, label
from evaluation.reports.labels import and_list, capitalised
from evaluation.reports.numbers import signed
from evaluation.viz.equity_labels import not_compared
from evaluation.viz.figure import Plot, ci_percent, new_figure, style_for

__all__ = ["council_rates_chart", "group_estimates_chart", "lorenz_chart", "representation_chart"]

BAND_COLOURS = {"within": "#1b7837", "disparity": "#c51b7d", "inconclusive": "#737373", "": "#2166ac"}


def _words(category: str, dimension: str = "") -> str:
    """A group as the equity tables show it ("Local authority", "White Scottish")."""
    return capitalised(str(label(category, dimension)))


def representation_chart(
    equity: pd.DataFrame,
    *,
    dimension: str,
    band: Sequence[float] = (0.80, 1.25),
    confidence_level: float = 0.95,
    title: str | None = None,
    ax: Axes | None = None,
) -> Plot:
    """Relative likelihood of a place by category, with its CI, on a log scale, and the band.

    Parameters
    ----------
    equity : DataFrame
        ``tables/equity.csv`` (after disclosure control): ``dimension``, ``category``,
        ``relative_likelihood``, ``rl_ci_low``, ``rl_ci_high``, ``band``, ``suppressed``,
        ``reference_category``.
    dimension : str
        The dimension to draw.
    band : (float, float)
        The equitable band, shaded.
    confidence_level : float
        The level of the intervals in ``equity``, for the axis label (e.g. "90% CI").
    title : str, optional
        The figure's title (default: "Representation by <dimension>").
    ax : matplotlib Axes, optional
        Draw into this Axes instead of a new figure (the legend is then the Axes' own rather
        than the figure's).

    Returns
    -------
    Plot
        The figure, its alternative text and its title.

    Examples
    --------
    >>> import pandas as pd
    >>> equity = pd.DataFrame({"dimension": "sector", "category": ["council", "health"],
    ...                        "relative_likelihood": [1.0, 0.6], "rl_ci_low": [None, 0.4],
    ...                        "rl_ci_high": [None, 0.9], "band": ["", "inconclusive"],
    ...                        "suppressed": "", "reference_category": "council"})
    >>> plot = representation_chart(equity, dimension="sector", confidence_level=0.9)
    >>> plot.title
    'Representation by sector'
    >>> plot.figure.axes[0].get_xlabel()
    'Relative likelihood of a place with 90% CI (log scale)'
    """

    level = check_confidence_level(confidence_level)
    rows = equity[equity["dimension"] == dimension].reset_index(drop=True)
    title_dim = DIMENSION_TITLES.get(dimension, dimension.replace("_", " "))
    with style_for(ax):
        fig, ax_ = new_figure(9.0, 0.32 * max(len(rows), 3) + 1.9, ax=ax)
        y = np.arange(len(rows))[::-1]
        finite = pd.concat([rows["relative_likelihood"], rows["rl_ci_low"], rows["rl_ci_high"]])
        finite = finite[(finite > 0) & np.isfinite(finite)]
        left = min(float(finite.min()) if len(finite) else 0.5, band[0]) / 2
        right = max(float(finite.max()) if len(finite) else 2.0, band[1]) * 1.6
        ax_.set_xscale("log")
        ax_.set_xlim(left, right)
        ax_.axvspan(band[0], band[1], color="#d9f0d3", zorder=0, label=f"band {band[0]:.2f}–{band[1]:.2f}")
        ax_.axvline(1.0, color="black", linewidth=0.8)
        labels, parts = [], []
        for yi, r in zip(y, rows.itertuples(index=False), strict=True):
            name = _words(r.category, dimension)
            if r.suppressed:
                labels.append(f"{name} (withheld)")
                parts.append(f"{name}: withheld")
                continue
            if r.category == r.reference_category:
                labels.append(f"{name} (reference)")
                ax_.plot([1.0], [yi], marker="D", color="black")
                parts.append(f"{name}: reference group")
                continue
            if pd.isna(r.relative_likelihood):
                tick, why = not_compared(r, rows)
                labels.append(f"{name} ({tick})" if tick else name)
                parts.append(f"{name}: {why}")
                continue
            labels.append(name)
            colour = BAND_COLOURS.get(r.band, "#2166ac")
            estimate = r.relative_likelihood if r.relative_likelihood > 0 else left
            if not pd.isna(r.rl_ci_high):
                low = r.rl_ci_low if r.rl_ci_low > 0 else left
                ax_.plot([low, r.rl_ci_high], [yi, yi], color=colour, linewidth=1.6)
            if r.relative_likelihood > 0:
                ax_.plot([estimate], [yi], marker="o", color=colour, markersize=6)
            else:
                ax_.plot([estimate], [yi], marker="<", color=colour, markersize=7, clip_on=False)
                ax_.annotate("no places", (estimate, yi), xytext=(4, 3), textcoords="offset points", fontsize=7,
                             color=colour)
            ci = "" if pd.isna(r.rl_ci_high) else f" ({ci_percent(level)} CI {r.rl_ci_low:.2f} to {r.rl_ci_high:.2f})"
            parts.append(f"{name}: {r.relative_likelihood:.2f}{ci}, {r.band}")
        ax_.set_yticks(y, labels)
        ax_.set_ylim(-0.8, len(rows) - 0.2)
        ticks = [t for t in (0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128, 256) if left <= t <= right]
        ax_.set_xticks(ticks, [f"{t:g}" for t in ticks])
        ax_.minorticks_off()
        ax_.set_xlabel(f"Relative likelihood of a place with {ci_percent(level)} CI (log scale)")
        ax_.set_ylabel(title_dim.capitalize())
        title = title if title is not None else f"Representation by {title_dim}"
        ax_.set_title(title)
        for key, colour in (("within band", BAND_COLOURS["within"]), ("disparity", BAND_COLOURS["disparity"]),
                            ("inconclusive", BAND_COLOURS["inconclusive"])):
            ax_.plot([], [], marker="o", color=colour, linestyle="-", label=key)
        if ax is None:
            fig.legend(loc="outside lower center", ncols=4, fontsize=8, frameon=False)
        else:
            ax_.legend(fontsize=8, frameon=False)
    alt = (f"Chart of the relative likelihood of a place by {title_dim}, log scale, with the band "
           f"{band[0]:.2f}–{band[1]:.2f} shaded. " + "; ".join(parts) + ".")
    return Plot(fig, alt, title, styled=ax is None)


def council_rates_chart(council: pd.DataFrame, *, title: str | None = None, ax: Axes | None = None) -> Plot:
    """Places per 1,000 eligible staff by council area (suppressed areas labelled, without a bar).

    Parameters
    ----------
    council : DataFrame
        ``tables/equity_council_areas.csv`` (after disclosure control): ``category``,
        ``rate_per_1000``, ``suppressed``.
    title : str, optional
        The figure's title (default: "Places per 1,000 eligible staff by council area").
    ax : matplotlib Axes, optional
        Draw into this Axes instead of a new figure.

    Returns
    -------
    Plot
        The figure, its alternative text and its title.

    Examples
    --------
    >>> import pandas as pd
    >>> council = pd.DataFrame({"category": ["angus", "fife", "moray"],
    ...                         "rate_per_1000": [0.5, 0.8, None],
    ...                         "suppressed": ["", "", "primary"]})
    >>> council_rates_chart(council).alt
    'Bar chart of places per 1,000 eligible staff by council area, lowest first. Moray: withheld; Angus: 0.50; Fife: 0.80.'
    """
    rows = council.assign(_r=council["rate_per_1000"].fillna(-1)).sort_values(["_r", "category"]) \
        .reset_index(drop=True)
    with style_for(ax):
        fig, ax_ = new_figure(9.0, 0.26 * max(len(rows), 4) + 1.6, ax=ax)
        y = np.arange(len(rows))
        shown = rows["rate_per_1000"].fillna(0).to_numpy()
        ax_.barh(y, shown, color="#4393c3")
        top = float(np.nanmax(shown)) if len(shown) else 1.0
        labels, parts = [], []
        for yi, r in zip(y, rows.itertuples(index=False), strict=True):
            name = _words(r.category, "local_authority")
            labels.append(name)
            if r.suppressed:
                ax_.text(top * 0.01, yi, "withheld", va="center", fontsize=7, color="#737373")
                parts.append(f"{name}: withheld")
            else:
                parts.append(f"{name}: {r.rate_per_1000:.2f}")
        ax_.set_yticks(y, labels, fontsize=8)
        ax_.set_xlabel("Places per 1,000 eligible staff")
        ax_.set_ylabel("Council area")
        title = title if title is not None else "Places per 1,000 eligible staff by council area"
        ax_.set_title(title)
    alt = "Bar chart of places per 1,000 eligible staff by council area, lowest first. " + "; ".join(parts) + "."
    return Plot(fig, alt, title, styled=ax is None)


def lorenz_chart(lorenz: pd.DataFrame, gini: float, *, title: str | None = None, ax: Axes | None = None) -> Plot:
    """Lorenz curve of places against the workforce across council areas, with the Gini coefficient.

    Parameters
    ----------
    lorenz : DataFrame
        ``tables/equity_lorenz.csv``: ``cum_workforce_share``, ``cum_places_share``, from (0, 0),
        areas with the lowest rate first; optionally ``unit`` ("suppressed areas (pooled) …": the Gini
        is a lower bound, "at least"). With fewer than three rows the curve is not drawn.
    gini : float
        The workforce-weighted Gini coefficient (NaN: not available).
    title : str, optional
        The figure's title (default: "Lorenz curve of places across council areas (Gini <g>)",
        "(Gini at least <g>)" with areas pooled, or "... (not available)").
    ax : matplotlib Axes, optional
        Draw into this Axes instead of a new figure.

    Returns
    -------
    Plot
        The figure, its alternative text and its title.

    Examples
    --------
    >>> import pandas as pd
    >>> lorenz = pd.DataFrame({"cum_workforce_share": [0.0, 0.3, 0.6, 1.0],
    ...                        "cum_places_share": [0.0, 0.1, 0.4, 1.0]})
    >>> lorenz_chart(lorenz, 0.25).title
    'Lorenz curve of places across council areas (Gini 0.25)'
    >>> lorenz_chart(lorenz, 0.25).alt.split(". ")[-1]  # 0.1 + (0.5 − 0.3) / (0.6 − 0.3) × (0.4 − 0.1)
    'On the curve, the half of the workforce in the areas with the lowest rates had about 30% of the places.'
    >>> pooled = lorenz.assign(unit=["", "Angus", "suppressed areas (pooled)", "Fife"])
    >>> lorenz_chart(pooled, 0.25).title
    'Lorenz curve of places across council areas (Gini at least 0.25)'
    >>> lorenz_chart(lorenz.head(2), float("nan"), title="Lorenz curve").title
    'Lorenz curve'
    """
    # withheld council areas pooled into one point make the Gini a lower bound (METHODS), said so
    pooled = "unit" in lorenz and bool(lorenz["unit"].astype(str).str.startswith("suppressed areas (pooled)").any())
    with style_for(ax):
        fig, ax_ = new_figure(6.0, 5.6, ax=ax)
        if len(lorenz) < 3 or np.isnan(gini):
            ax_.plot([0, 1], [0, 1], color="black", linewidth=0.8, linestyle="--", label="places in proportion")
            ax_.text(0.5, 0.25, "Too few council areas can be shown\nfor a Lorenz curve", ha="center", fontsize=9)
            ax_.set_xlabel("Cumulative share of the eligible workforce")
            ax_.set_ylabel("Cumulative share of places")
            title = title if title is not None else "Lorenz curve of places across council areas (not available)"
            ax_.set_title(title)
            return Plot(fig, "Lorenz curve not available: too few council areas can be shown without disclosing "
                             "small numbers.", title, styled=ax is None)
        ax_.plot([0, 1], [0, 1], color="black", linewidth=0.8, linestyle="--", label="places in proportion")
        ax_.plot(lorenz["cum_workforce_share"], lorenz["cum_places_share"], marker="o", markersize=3, color="#2166ac",
                 label="council areas, lowest rate first")
        ax_.set_xlim(0, 1)
        ax_.set_ylim(0, 1)
        ax_.set_xlabel("Cumulative share of the eligible workforce")
        ax_.set_ylabel("Cumulative share of places")
        title = title if title is not None else f"Lorenz curve of places across council areas (Gini {'at least ' * pooled}{gini:.2f})"
        ax_.set_title(title)
        ax_.legend(loc="upper left", fontsize=8, frameon=False)
    # the curve as drawn at half the workforce: straight between its points (within one area, or
    # within the withheld areas pooled into one point, places are taken as spread evenly)
    x, y = lorenz["cum_workforce_share"].to_numpy(float), lorenz["cum_places_share"].to_numpy(float)
    half = (f" On the curve, the half of the workforce in the areas with the lowest rates had about "
            f"{float(np.interp(0.5, x, y)):.0%} of the places." if len(lorenz) and x.max() >= 0.5 else "")
    alt = ("Lorenz curve: cumulative share of places against cumulative share of the eligible workforce, council "
           "areas ordered from the lowest to the highest rate of places"
           + (f", withheld areas pooled into one point. Workforce-weighted Gini coefficient at least {gini:.2f} (a "
              "lower bound: how unevenly places are spread among the pooled areas is not counted)."
              if pooled else f". Workforce-weighted Gini coefficient {gini:.2f}.") + half)
    return Plot(fig, alt, title, styled=ax is None)


def group_estimates_chart(
    table: pd.DataFrame,
    *,
    value: str,
    low: str,
    high: str,
    xlabel: str,
    title: str | None = None,
    dimensions: Sequence[str] | None = None,
    percent: bool = False,
    reference: float | None = None,
    confidence_level: float = 0.95,
    ax: Axes | None = None,
) -> Plot:
    """An estimate with its CI for each group (e.g. completion rate, mean change), by dimension.

    Suppressed groups are listed as "withheld", groups without an estimate as "not shown".

    Parameters
    ----------
    table : DataFrame
        A table by group after disclosure control (e.g. ``tables/equity_completion.csv``):
        ``dimension``, ``category``, ``suppressed`` and the ``value``, ``low`` and ``high``
        columns.
    value, low, high : str
        The columns of the estimate and of its interval's limits.
    xlabel : str
        The label of the estimate's axis. Name the interval's level in it from
        ``confidence_level``, e.g. ``f"Completed (%), with {ci_percent(level)} CI"``.
    title : str, optional
        The figure's title (default: "<value in words> by group").
    dimensions : sequence of str, optional
        The dimensions to draw (default: all in ``table``).
    percent : bool
        Whether the estimate is a proportion, drawn and described as a percentage.
    reference : float, optional
        A value to mark with a vertical line (e.g. 0 for no change).
    confidence_level : float
        The level of the intervals, for the alternative text (e.g. "90% CI").
    ax : matplotlib Axes, optional
        Draw into this Axes instead of a new figure.

    Returns
    -------
    Plot
        The figure, its alternative text and its title.

    Examples
    --------
    >>> import pandas as pd
    >>> completion = pd.DataFrame({"dimension": "sector", "category": ["health", "council"],
    ...                            "completion_rate": [None, 0.9], "ci_low": [None, 0.8],
    ...                            "ci_high": [None, 0.96], "suppressed": ["primary", ""]})
    >>> plot = group_estimates_chart(completion, value="completion_rate", low="ci_low",
    ...                              high="ci_high", percent=True, confidence_level=0.9,
    ...                              xlabel="Completed the programme (%), with 90% CI")
    >>> plot.title
    'Completion rate by group'
    >>> plot.alt
    'Completion rate by group: estimate and 90% confidence interval per group. Sector: Health sector: withheld; Sector: Council: 90% (90% CI 80% to 96%).'
    """
    level = check_confidence_level(confidence_level)
    pct = ci_percent(level)
    if title is None:
        title = f"{value.replace('_', ' ').capitalize()} by group"
    rows = table if dimensions is None else table[table["dimension"].isin(list(dimensions))]
    rows = rows.reset_index(drop=True)
    withheld = rows["suppressed"].astype(bool) if len(rows) else pd.Series(dtype=bool)
    if not (~withheld & rows[value].notna()).any():
        return _nothing_to_draw(title, int(withheld.sum()), int((~withheld).sum()), ax)
    with style_for(ax):
        fig, ax_ = new_figure(9.0, 0.27 * max(len(rows), 4) + 1.8, ax=ax)
        y = np.arange(len(rows))[::-1]
        scale = 100.0 if percent else 1.0
        labels, parts = [], []
        for yi, r in zip(y, rows.itertuples(index=False), strict=True):
            name = f"{capitalised(DIMENSION_TITLES.get(r.dimension, r.dimension.replace('_', ' ')))}: {_words(r.category, r.dimension)}"
            estimate = getattr(r, value)
            if r.suppressed:
                labels.append(f"{name} (withheld)")
                parts.append(f"{name}: withheld")
                continue
            labels.append(name)
            if pd.isna(estimate):
                parts.append(f"{name}: not shown (too few people)")
                continue
            lo, hi = getattr(r, low), getattr(r, high)
            ax_.plot([lo * scale, hi * scale], [yi, yi], color="#2166ac", linewidth=1.4)
            ax_.plot([estimate * scale], [yi], marker="o", color="#2166ac")
            fmt = (lambda x: f"{x:.0%}") if percent else signed
            parts.append(f"{name}: {fmt(estimate)} ({pct} CI {fmt(lo)} to {fmt(hi)})")
        if reference is not None:
            ax_.axvline(reference * scale, color="black", linewidth=0.8)
        ax_.set_yticks(y, labels, fontsize=8)
        ax_.set_ylim(-0.8, len(rows) - 0.2)
        ax_.set_xlabel(xlabel)
        ax_.set_ylabel("Group")
        ax_.set_title(title)
    alt = f"{title}: estimate and {pct} confidence interval per group. " + "; ".join(parts) + "."
    return Plot(fig, alt, title, styled=ax is None)


def _nothing_to_draw(title: str, withheld: int, too_few: int, ax: Axes | None) -> Plot:
    """The chart of :func:`group_estimates_chart` when no group has an estimate to draw: it says
    so, instead of an empty grid of "withheld" labels on an axis with nothing on it."""
    n = withheld + too_few
    kinds = [(k, what) for k, what in ((withheld, ("is", "are", "withheld to protect small numbers")),
                                        (too_few, ("has", "have", "too few people for an estimate"))) if k]
    if not kinds:
        said = "There are no groups to show."
    elif len(kinds) == 2:
        said = (f"No group can be shown: of the {n} groups, " + and_list(f"{k} {one if k == 1 else many} {words}"
                for k, (one, many, words) in kinds) + ".")
    else:
        one, many, words = kinds[0][1]
        said = "No group can be shown: " + (f"the one group {one} {words}." if n == 1 else f"all {n} groups {many} {words}.")
    with style_for(ax):
        fig, ax_ = new_figure(9.0, 1.6, ax=ax)
        ax_.set_axis_off()
        ax_.text(0.5, 0.45, said.replace(": ", ":\n", 1), ha="center", va="center", fontsize=11,
                 transform=ax_.transAxes)
        ax_.set_title(title)
    return Plot(fig, f"{title}: {said[0].lower()}{said[1:]}", title, styled=ax is None)
