"""Figures for the reports, drawn from tidy result tables; this module computes no statistics.

Every function returns a :class:`~evaluation.viz.figure.Plot`: a matplotlib ``Figure`` (built
without pyplot, in the house style applied only while it is built and rendered, so no global
state and no interference with the notebook's own settings), its alternative text, written from
the data it shows, and its title. Titles and axis labels are always set. Every function takes
``title=`` (replaces the default title) and ``ax=`` (draw into an existing Axes; see
:mod:`evaluation.viz.figure`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from evaluation.core.checks import check_confidence_level
from evaluation.reports.labels import WAVE_LABELS, aside, label, stage_label
from evaluation.reports.numbers import bracketed, number
from evaluation.viz.figure import Plot, ci_percent, new_figure, raters_label, style_for, wave_label
from evaluation.viz.figure import scale_label as _label
from evaluation.viz.figure import waves_label as _waves
from evaluation.viz.individual_change import paired_change_plot

__all__ = [
    "attrition_flow",
    "forest_plot",
    "paired_change_plot",
    "reliable_change_chart",
    "wave_means_plot",
]

PALETTE = {"improved": "#1b7837", "unchanged": "#bdbdbd", "deteriorated": "#c51b7d"}


def forest_plot(
    outcomes: pd.DataFrame,
    *,
    comparison: str = "pre_post",
    rater: str = "self",
    titles: dict[str, str] | None = None,
    confidence_level: float = 0.95,
    title: str | None = None,
    ax: Axes | None = None,
) -> Plot:
    """Effect sizes (g_av with its percentile-bootstrap interval) by scale for one comparison and rater.

    g_av, the change over the average SD of the two waves with Hedges' small-sample correction,
    is the effect size of ``METHODS.md`` for Cohen's small / medium / large (d_z stays in the
    table); dotted lines mark those benchmarks (0.2, 0.5, 0.8) on either side of no change.

    Parameters
    ----------
    outcomes : DataFrame
        ``tables/outcomes.csv``: ``scale``, ``comparison``, ``rater``, ``g_av``, ``g_av_ci_low``,
        ``g_av_ci_high``. Rows without ``g_av`` are left out.
    comparison : str
        The comparison to draw, e.g. ``pre_post``.
    rater : str
        The rater to draw, e.g. ``self`` or ``line_manager``.
    titles : dict, optional
        Scale titles by scale name (default: the name in words).
    confidence_level : float
        The level of the intervals in ``outcomes``, for the axis label (e.g. "90% CI").
    title : str, optional
        The figure's title (default: "Change by scale, <comparison> (<rater> ratings)").
    ax : matplotlib Axes, optional
        Draw into this Axes instead of a new figure.

    Returns
    -------
    Plot
        The figure, its alternative text and its title.

    Examples
    --------
    >>> import pandas as pd
    >>> outcomes = pd.DataFrame({"scale": ["vision", "coaching"], "comparison": "pre_post",
    ...                          "rater": "self", "g_av": [0.6, 0.3], "g_av_ci_low": [0.4, 0.1],
    ...                          "g_av_ci_high": [0.8, 0.5]})
    >>> plot = forest_plot(outcomes, confidence_level=0.9)
    >>> plot.title
    'Change by scale, before → after (self-ratings)'
    >>> plot.figure.axes[0].get_xlabel()
    'g_av with 90% bootstrap CI (positive = higher at the later wave)'
    >>> type(plot._repr_png_())
    <class 'bytes'>
    """
    level = check_confidence_level(confidence_level)
    rows = outcomes[(outcomes["comparison"] == comparison) & (outcomes["rater"] == rater)]
    rows = rows.dropna(subset=["g_av"]).sort_values("g_av")
    titles = titles or {}
    labels = [titles.get(s, _label(s)) for s in rows["scale"]]
    with style_for(ax):
        fig, ax_ = new_figure(9.0, 0.5 * max(len(rows), 2) + 1.6, ax=ax)
        y = np.arange(len(rows))
        ax_.errorbar(
            rows["g_av"], y,
            xerr=[(rows["g_av"] - rows["g_av_ci_low"]).fillna(0), (rows["g_av_ci_high"] - rows["g_av"]).fillna(0)],
            fmt="o", color="#2166ac", ecolor="#2166ac", capsize=3,
        )
        ax_.axvline(0, color="black", linewidth=0.8)
        lo, hi = ax_.get_xlim()
        for bench in (0.2, 0.5, 0.8):
            for x in (-bench, bench):
                if lo < x < hi:
                    ax_.axvline(x, color="#999999", linewidth=0.6, linestyle=":")
        ax_.set_yticks(y, labels)
        ax_.set_xlabel(f"g_av with {ci_percent(level)} bootstrap CI (positive = higher at the later wave)")
        ax_.set_ylabel("Scale")
        title = title if title is not None else \
            f"Change by scale, {_waves(comparison)} ({raters_label(rater)})"
        ax_.set_title(title)
    parts = [
        f"{lab}: g_av {number(d)}{bracketed(f'{ci_percent(level)} bootstrap CI', lo, hi, missing=' (no interval)')}"
        for lab, d, lo, hi in zip(labels, rows["g_av"], rows["g_av_ci_low"], rows["g_av_ci_high"], strict=True)
    ]
    alt = (f"Forest plot of effect sizes (g_av) by scale, {_waves(comparison)}, {raters_label(rater)}. "
           + "; ".join(parts) + ".")
    return Plot(fig, alt, title, styled=ax is None)


def reliable_change_chart(
    outcomes: pd.DataFrame,
    *,
    comparison: str = "pre_post",
    titles: dict[str, str] | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Plot:
    """Share of participants who reliably improved, did not change, or reliably deteriorated.

    The criterion (reliable change index beyond 1.96, Jacobson & Truax 1991) is the outcome
    table's; this function only draws its shares.

    Parameters
    ----------
    outcomes : DataFrame
        ``tables/outcomes.csv``: ``scale``, ``rater``, ``comparison``, ``rci_improved``,
        ``rci_unchanged``, ``rci_deteriorated`` (shares, 0 to 1). Rows without
        ``rci_improved`` are left out.
    comparison : str
        The comparison to draw.
    titles : dict, optional
        Scale titles by scale name (default: the name in words).
    title : str, optional
        The figure's title (default: "Reliable change, <comparison>").
    ax : matplotlib Axes, optional
        Draw into this Axes instead of a new figure (the legend is then the Axes' own).

    Returns
    -------
    Plot
        The figure, its alternative text and its title.

    Examples
    --------
    >>> import pandas as pd
    >>> outcomes = pd.DataFrame({"scale": ["vision"], "rater": "self", "comparison": "pre_post",
    ...                          "rci_improved": [0.25], "rci_unchanged": [0.7],
    ...                          "rci_deteriorated": [0.05]})
    >>> reliable_change_chart(outcomes).alt
    'Stacked bar chart of reliable change. Vision (self-rating): 25% improved, 70% unchanged, 5% deteriorated.'
    """
    titles = titles or {}
    rows = outcomes[outcomes["comparison"] == comparison].dropna(subset=["rci_improved"])
    labels = [
        aside(titles.get(s, _label(s)), label(r)) for s, r in zip(rows["scale"], rows["rater"], strict=True)
    ]
    with style_for(ax):
        fig, ax_ = new_figure(9.0, 0.45 * max(len(rows), 2) + 2.0, ax=ax)
        y = np.arange(len(rows))
        left = np.zeros(len(rows))
        for key in ("improved", "unchanged", "deteriorated"):
            values = rows[f"rci_{key}"].to_numpy(dtype=float) * 100
            ax_.barh(y, values, left=left, color=PALETTE[key], label=key)
            left += values
        ax_.set_yticks(y, labels)
        ax_.set_xlim(0, 100)
        ax_.set_xlabel("% of participants with scores at both waves")
        ax_.set_ylabel("Scale (rater)")
        title = title if title is not None else f"Reliable change, {_waves(comparison)}"
        ax_.set_title(title)
        if ax is None:
            fig.legend(loc="outside lower center", ncols=3, fontsize=9, frameon=False)
        else:
            ax_.legend(fontsize=9, frameon=False)
    alt = "Stacked bar chart of reliable change. " + "; ".join(
        f"{lab}: {i:.0%} improved, {u:.0%} unchanged, {d:.0%} deteriorated"
        for lab, i, u, d in zip(labels, rows["rci_improved"], rows["rci_unchanged"], rows["rci_deteriorated"], strict=True)
    ) + "."
    return Plot(fig, alt, title, styled=ax is None)


def attrition_flow(flow: pd.DataFrame, *, title: str | None = None, ax: Axes | None = None) -> Plot:
    """Bar chart of the number of participants at each stage (enrolled → scored at both).

    Parameters
    ----------
    flow : DataFrame
        The ``flow`` section of ``tables/attrition.csv``: ``stage``, ``n``, first stage first (and
        ``comparison``, whose waves the stages that name a wave are labelled with).
    title : str, optional
        The figure's title (default: "Attrition: participants at each stage").
    ax : matplotlib Axes, optional
        Draw into this Axes instead of a new figure.

    Returns
    -------
    Plot
        The figure, its alternative text and its title.

    Examples
    --------
    >>> import pandas as pd
    >>> flow = pd.DataFrame({"stage": ["enrolled", "completed"], "n": [40, 36]})
    >>> plot = attrition_flow(flow)
    >>> plot.title, plot.alt
    ('Attrition: participants at each stage', 'Attrition flow. Enrolled: 40; Completed: 36.')
    """
    with style_for(ax):
        fig, ax_ = new_figure(9.0, 3.4, ax=ax)
        comparisons = flow["comparison"] if "comparison" in flow.columns else [None] * len(flow)
        labels = [_label(str(stage_label(s, c))) for s, c in zip(flow["stage"], comparisons, strict=True)]
        y = np.arange(len(flow))[::-1]
        ax_.barh(y, flow["n"], color="#4393c3")
        for yi, n in zip(y, flow["n"], strict=True):
            ax_.text(n, yi, f" {int(n)}", va="center", fontsize=9)
        ax_.set_yticks(y, labels)
        ax_.set_xlabel("Participants")
        ax_.set_ylabel("Stage")
        title = title if title is not None else "Attrition: participants at each stage"
        ax_.set_title(title)
    alt = "Attrition flow. " + "; ".join(f"{lab}: {int(n)}" for lab, n in zip(labels, flow["n"], strict=True)) + "."
    return Plot(fig, alt, title, styled=ax is None)


def _wave_means(scores: pd.DataFrame, *, waves: list[str], rater: str) -> pd.DataFrame:
    """Mean and count of the scores of ``rater`` by scale and wave (``scale, wave, mean, count``, sorted).

    Grouped on integer codes of the whole columns (the selected rows' text is never copied:
    slow for Arrow-backed text at millions of rows); the same group means as grouping the
    selected rows by their text.
    """
    rows = ((scores["rater"] == rater) & scores["wave"].isin(waves) & scores["score"].notna()).to_numpy(dtype=bool)
    scale, scales = pd.factorize(scores["scale"], sort=True)
    wave, wave_names = pd.factorize(scores["wave"], sort=True)
    rows = rows & (scale >= 0) & (wave >= 0)
    coded = pd.DataFrame({"scale": scale[rows], "wave": wave[rows], "score": scores["score"].to_numpy(dtype=float)[rows]})
    means = coded.groupby(["scale", "wave"], sort=True)["score"].agg(["mean", "count"]).reset_index()
    return means.assign(scale=np.asarray(scales, dtype=object)[means["scale"].to_numpy()],
                        wave=np.asarray(wave_names, dtype=object)[means["wave"].to_numpy()])


def wave_means_plot(
    scores: pd.DataFrame,
    *,
    waves: list[str],
    rater: str = "self",
    titles: dict[str, str] | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Plot:
    """Mean score by wave for every scale (all available scores at each wave).

    Parameters
    ----------
    scores : DataFrame
        Scale scores in long format: ``scale``, ``wave``, ``rater``, ``score``.
    waves : list of str
        The waves, in order (the x axis).
    rater : str
        The rater whose scores are averaged.
    titles : dict, optional
        Scale titles by scale name (default: the name in words), for the legend.
    title : str, optional
        The figure's title (default: "Mean score by wave (<rater> ratings)").
    ax : matplotlib Axes, optional
        Draw into this Axes instead of a new figure.

    Returns
    -------
    Plot
        The figure, its alternative text and its title.

    Examples
    --------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"scale": "vision", "wave": ["pre", "post", "follow_up"],
    ...                        "rater": "self", "score": [3.0, 3.6, 3.5]})
    >>> wave_means_plot(scores, waves=["pre", "post", "follow_up"]).alt
    'Line chart of mean scores by wave. Vision: before 3.00, after 3.60, follow-up 3.50.'
    """
    titles = titles or {}
    means = _wave_means(scores, waves=waves, rater=rater)
    with style_for(ax):
        fig, ax_ = new_figure(9.0, 4.2, ax=ax)
        x = {w: i for i, w in enumerate(waves)}
        parts = []
        for scale, grp in means.groupby("scale", sort=True):
            grp = grp.assign(pos=grp["wave"].map(x)).sort_values("pos")
            ax_.plot(grp["pos"], grp["mean"], marker="o", label=titles.get(scale, _label(scale)))
            parts.append(
                f"{titles.get(scale, _label(scale))}: "
                + ", ".join(f"{WAVE_LABELS.get(w, w)} {m:.2f}" for w, m in zip(grp["wave"], grp["mean"], strict=True))
            )
        ax_.set_xticks(range(len(waves)), [wave_label(w) for w in waves])
        ax_.set_xlabel("Wave")
        ax_.set_ylabel("Mean scale score")
        title = title if title is not None else f"Mean score by wave ({raters_label(rater)})"
        ax_.set_title(title)
        ax_.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    alt = "Line chart of mean scores by wave. " + "; ".join(parts) + "."
    return Plot(fig, alt, title, styled=ax is None)
