"""Figures of where the programme works: change by group, pooled over cohorts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from evaluation.core.checks import check_columns, check_confidence_level
from evaluation.reports.equity_report.tables import label
from evaluation.reports.numbers import interval, signed
from evaluation.viz.figure import DPI, Plot, ci_percent, panel_axes, style_for

__all__ = ["where_plot"]

_DIMENSIONS = ("framework_area", "role_level", "sector")
_RATERS = {"self": "participants' own ratings", "line_manager": "line managers' ratings"}
_COLOURS = {"clear improvement": "#2166ac", "no clear change": "#767676", "clear decline": "#b2182b"}


def _words(dimension: str, category: str) -> str:
    """A group as the report's text names it ("first-line manager", "private sector")."""
    text = label(category, dimension)
    return f"{text} (area)" if dimension == "framework_area" else text


def where_plot(
    table: pd.DataFrame,
    panels: Sequence[tuple[str, str]],
    *,
    titles: Mapping[str, str] | None = None,
    confidence_level: float = 0.95,
    title: str | None = None,
    ax: Axes | Sequence[Axes] | None = None,
) -> Plot:
    """Pooled change by framework area, role level and sector: one panel per scale × rater.

    Parameters
    ----------
    table : DataFrame
        The published ``tables/where_it_works.csv`` (after disclosure control): ``dimension,
        category, scale, rater, mean_change, change_ci_low, change_ci_high, verdict``. The
        whole programme (``all``) and the one-way groups with a published change are drawn;
        suppressed groups and the crossings are left out.
    panels : sequence of (scale, rater)
        The panels, side by side (e.g. the primary scale rated by participants and the observed
        scale rated by line managers).
    titles : mapping, optional
        Scale titles by scale name.
    confidence_level : float, default 0.95
        The level of the intervals in ``table``, for the axis label.
    title : str, optional
        The figure's title.
    ax : Axes or sequence of Axes, optional
        One Axes per panel to draw into instead of a new figure.

    Returns
    -------
    Plot
        The figure, its alternative text (every group's change and interval) and its title.

    Raises
    ------
    ValueError
        ``table`` lacks a column, or ``panels`` is empty.

    Examples
    --------
    >>> t = pd.DataFrame({"dimension": ["all", "sector", "sector"], "category": ["all", "health", "voluntary"],
    ...                   "scale": "lc", "rater": "self", "mean_change": [0.3, 0.2, np.nan],
    ...                   "change_ci_low": [0.2, -0.1, np.nan], "change_ci_high": [0.4, 0.5, np.nan],
    ...                   "verdict": ["clear improvement", "no clear change", ""]})
    >>> plot = where_plot(t, [("lc", "self")], titles={"lc": "Leading change"})
    >>> plot.title
    'Change by group, pooled over cohorts'
    >>> "health sector: +0.20 (95% CI −0.10 to +0.50), no clear change" in plot.alt
    True
    """
    check_columns(table, ["dimension", "category", "scale", "rater", "mean_change", "change_ci_low",
                          "change_ci_high", "verdict"], "table")
    if not panels:
        raise ValueError("`panels` must name at least one (scale, rater)")
    level = check_confidence_level(confidence_level)
    titles = dict(titles or {})
    order = {d: k for k, d in enumerate(("all", *_DIMENSIONS))}
    keep = table["dimension"].isin(order) & table["mean_change"].notna()
    alt_parts = []
    with style_for(ax if ax is None or isinstance(ax, Axes) else ax[0]):
        if ax is None:
            fig = Figure(figsize=(5.6 * len(panels), 0.28 * int(keep.sum() / len(panels) + 2) + 2.4), dpi=DPI,
                         layout="constrained")
            axes = list(fig.subplots(1, len(panels), squeeze=False)[0])
        else:
            fig, axes = panel_axes(ax, len(panels), "scale × rater")
        for a, (scale, rater) in zip(axes, panels, strict=True):
            rows = table[keep & (table["scale"] == scale) & (table["rater"] == rater)].copy()
            rows["_o"] = rows["dimension"].map(order)
            rows = rows.sort_values(["_o", "category"], ascending=[False, False])
            labels = ["whole programme" if d == "all" else _words(d, c)
                      for d, c in zip(rows["dimension"], rows["category"], strict=True)]
            y = np.arange(len(rows))
            for verdict, colour in _COLOURS.items():
                hit = (rows["verdict"] == verdict).to_numpy()
                if hit.any():
                    r = rows[hit]
                    a.errorbar(r["mean_change"], y[hit], xerr=[r["mean_change"] - r["change_ci_low"],
                                                            r["change_ci_high"] - r["mean_change"]],
                               fmt="o", color=colour, ecolor=colour, capsize=3, label=verdict)
            a.axvline(0, color="black", linewidth=0.8)
            a.set_yticks(y, labels)
            a.set_xlabel(f"Mean change, scale points ({ci_percent(level)} CI)")
            name = titles.get(scale, scale.replace("_", " "))
            a.set_title(f"{name}\n({_RATERS.get(rater, rater.replace('_', ' '))})")
            if len(rows):
                a.legend(loc="upper center", bbox_to_anchor=(0.5, -0.09), ncol=3, fontsize="small", frameon=False)
            alt_parts.append(f"{name}, {_RATERS.get(rater, rater)}: " + ("; ".join(
                f"{lab}: {signed(m)} ({ci_percent(level)} CI {interval(lo, hi, sign=True)}), {v}"
                for lab, m, lo, hi, v in zip(labels[::-1], rows["mean_change"][::-1], rows["change_ci_low"][::-1],
                                             rows["change_ci_high"][::-1], rows["verdict"][::-1], strict=True))
                or "nothing shown (too few people, or withheld to protect small groups)"))
        title = title if title is not None else "Change by group, pooled over cohorts"
        fig.suptitle(title)
    alt = ("Dot-and-interval chart of the mean change by framework area, role level and sector, pooled over "
           "cohorts (groups not shown are withheld to protect small groups). " + ". ".join(alt_parts) + ".")
    return Plot(fig, alt, title, styled=ax is None)
