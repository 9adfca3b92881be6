"""Figures for the reports, drawn from tidy result tables; this module computes no statistics.

Every function returns a :class:`Plot`: a matplotlib ``Figure`` (built without pyplot, so no
global state and no interference with the notebook's inline backend) and its alternative text,
written from the data it shows. Titles and axis labels are always set.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from evaluation.viz.figure import DPI, Plot, new_figure

__all__ = [
    "attrition_flow",
    "forest_plot",
    "paired_change_plot",
    "reliable_change_chart",
    "wave_means_plot",
]

PALETTE = {"improved": "#1b7837", "unchanged": "#bdbdbd", "deteriorated": "#c51b7d"}


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _waves(comparison: str) -> str:
    """``pre_follow_up`` → ``pre → follow-up``."""
    names = {"pre": "pre", "then": "then", "post": "post", "follow_up": "follow-up"}
    for earlier in ("pre", "then", "post"):
        if comparison.startswith(earlier + "_"):
            later = comparison[len(earlier) + 1:]
            return f"{names[earlier]} → {names.get(later, later)}"
    return comparison


def forest_plot(
    outcomes: pd.DataFrame,
    *,
    comparison: str = "pre_post",
    rater: str = "self",
    titles: dict[str, str] | None = None,
) -> Plot:
    """Effect sizes (d_z with its exact CI) by scale for one comparison and rater."""
    rows = outcomes[(outcomes["comparison"] == comparison) & (outcomes["rater"] == rater)]
    rows = rows.dropna(subset=["d_z"]).sort_values("d_z")
    titles = titles or {}
    labels = [titles.get(s, _label(s)) for s in rows["scale"]]
    fig, ax = new_figure(9.0, 0.5 * max(len(rows), 2) + 1.6)
    y = np.arange(len(rows))
    ax.errorbar(
        rows["d_z"], y,
        xerr=[rows["d_z"] - rows["d_z_ci_low"], rows["d_z_ci_high"] - rows["d_z"]],
        fmt="o", color="#2166ac", ecolor="#2166ac", capsize=3,
    )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, labels)
    ax.set_xlabel("d_z with 95% CI (positive = higher at the later wave)")
    ax.set_ylabel("Scale")
    title = f"Change by scale, {_waves(comparison)} ({rater.replace('_', ' ')} ratings)"
    ax.set_title(title)
    parts = [
        f"{lab}: d_z {d:.2f} (CI {lo:.2f} to {hi:.2f})"
        for lab, d, lo, hi in zip(labels, rows["d_z"], rows["d_z_ci_low"], rows["d_z_ci_high"], strict=True)
    ]
    alt = f"Forest plot of effect sizes by scale, {comparison}, {rater} ratings. " + "; ".join(parts) + "."
    return Plot(fig, alt, title)


def paired_change_plot(
    scores: pd.DataFrame,
    *,
    scales: list[str],
    earlier: str = "pre",
    later: str = "post",
    rater: str = "self",
    titles: dict[str, str] | None = None,
) -> Plot:
    """Each participant's score at two waves, joined by a line, with the mean in bold."""
    titles = titles or {}
    data = scores[(scores["rater"] == rater) & scores["wave"].isin([earlier, later]) & scores["scale"].isin(scales)]
    wide = data.pivot_table(index=["scale", "participant_id"], columns="wave", values="score").dropna()
    cols = min(3, len(scales))
    rows_n = int(np.ceil(len(scales) / cols))
    sns.set_theme(style="whitegrid", context="notebook")
    fig = Figure(figsize=(3.3 * cols, 3.0 * rows_n + 0.6), dpi=DPI, layout="constrained")
    axes = fig.subplots(rows_n, cols, squeeze=False, sharey=True)
    alt_parts = []
    for ax, scale in zip(axes.flat, scales, strict=False):
        pairs = wide.loc[scale] if scale in wide.index.get_level_values(0) else pd.DataFrame(columns=[earlier, later])
        for _, row in pairs.iterrows():
            ax.plot([0, 1], [row[earlier], row[later]], color="#9ecae1", linewidth=0.6, alpha=0.6)
        if len(pairs):
            m0, m1 = pairs[earlier].mean(), pairs[later].mean()
            ax.plot([0, 1], [m0, m1], color="#08306b", linewidth=2.5, marker="o")
            alt_parts.append(f"{titles.get(scale, _label(scale))}: mean {m0:.2f} to {m1:.2f} (n = {len(pairs)})")
        ax.set_xticks([0, 1], [earlier.replace("_", " "), later.replace("_", " ")])
        ax.set_xlim(-0.2, 1.2)
        ax.set_title(titles.get(scale, _label(scale)), fontsize=10)
        ax.set_xlabel("Wave")
        ax.set_ylabel("Scale score")
    for ax in list(axes.flat)[len(scales):]:
        ax.set_visible(False)
    title = f"Individual change, {_waves(earlier + '_' + later)} ({rater.replace('_', ' ')} ratings)"
    fig.suptitle(title)
    alt = f"Paired change plot: one line per participant from {earlier} to {later}, mean in bold. " + "; ".join(alt_parts) + "."
    return Plot(fig, alt, title)


def reliable_change_chart(
    outcomes: pd.DataFrame,
    *,
    comparison: str = "pre_post",
    titles: dict[str, str] | None = None,
) -> Plot:
    """Share of participants who reliably improved, did not change, or reliably deteriorated."""
    titles = titles or {}
    rows = outcomes[outcomes["comparison"] == comparison].dropna(subset=["rci_improved"])
    labels = [
        f"{titles.get(s, _label(s))} ({r.replace('_', ' ')})" for s, r in zip(rows["scale"], rows["rater"], strict=True)
    ]
    fig, ax = new_figure(9.0, 0.45 * max(len(rows), 2) + 2.0)
    y = np.arange(len(rows))
    left = np.zeros(len(rows))
    for key in ("improved", "unchanged", "deteriorated"):
        values = rows[f"rci_{key}"].to_numpy(dtype=float) * 100
        ax.barh(y, values, left=left, color=PALETTE[key], label=key)
        left += values
    ax.set_yticks(y, labels)
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of participants with scores at both waves")
    ax.set_ylabel("Scale (rater)")
    title = f"Reliable change, {_waves(comparison)}"
    ax.set_title(title)
    fig.legend(loc="outside lower center", ncols=3, fontsize=9, frameon=False)
    alt = "Stacked bar chart of reliable change. " + "; ".join(
        f"{lab}: {i:.0%} improved, {u:.0%} unchanged, {d:.0%} deteriorated"
        for lab, i, u, d in zip(labels, rows["rci_improved"], rows["rci_unchanged"], rows["rci_deteriorated"], strict=True)
    ) + "."
    return Plot(fig, alt, title)


def attrition_flow(flow: pd.DataFrame) -> Plot:
    """Bar chart of the number of participants at each stage (enrolled → scored at both)."""
    fig, ax = new_figure(9.0, 3.4)
    labels = [_label(s) for s in flow["stage"]]
    y = np.arange(len(flow))[::-1]
    ax.barh(y, flow["n"], color="#4393c3")
    for yi, n in zip(y, flow["n"], strict=True):
        ax.text(n, yi, f" {int(n)}", va="center", fontsize=9)
    ax.set_yticks(y, labels)
    ax.set_xlabel("Participants")
    ax.set_ylabel("Stage")
    title = "Attrition: participants at each stage"
    ax.set_title(title)
    alt = "Attrition flow. " + "; ".join(f"{lab}: {int(n)}" for lab, n in zip(labels, flow["n"], strict=True)) + "."
    return Plot(fig, alt, title)


def wave_means_plot(
    scores: pd.DataFrame,
    *,
    waves: list[str],
    rater: str = "self",
    titles: dict[str, str] | None = None,
) -> Plot:
    """Mean score by wave for every scale (all available scores at each wave)."""
    titles = titles or {}
    data = scores[(scores["rater"] == rater) & scores["wave"].isin(waves)].dropna(subset=["score"])
    means = data.groupby(["scale", "wave"], observed=True)["score"].agg(["mean", "count"]).reset_index()
    fig, ax = new_figure(9.0, 4.2)
    x = {w: i for i, w in enumerate(waves)}
    parts = []
    for scale, grp in means.groupby("scale", sort=True):
        grp = grp.assign(pos=grp["wave"].map(x)).sort_values("pos")
        ax.plot(grp["pos"], grp["mean"], marker="o", label=titles.get(scale, _label(scale)))
        parts.append(
            f"{titles.get(scale, _label(scale))}: "
            + ", ".join(f"{w} {m:.2f}" for w, m in zip(grp["wave"], grp["mean"], strict=True))
        )
    ax.set_xticks(range(len(waves)), [w.replace("_", " ") for w in waves])
    ax.set_xlabel("Wave")
    ax.set_ylabel("Mean scale score")
    title = f"Mean score by wave ({rater.replace('_', ' ')} ratings)"
    ax.set_title(title)
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    alt = "Line chart of mean scores by wave. " + "; ".join(parts) + "."
    return Plot(fig, alt, title)
