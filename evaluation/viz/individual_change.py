"""The individual-change figure: each participant's score at two waves, joined by a line.

Drawn as one matplotlib ``LineCollection`` per panel, and, above :data:`MAX_PAIRS_DRAWN`
participants, from a seeded random sample of them (:func:`drawn_pairs`), so that the figure is
readable, and its drawing time and file size bounded, from a pilot of 30 to a national cohort of
a million; the mean line is always of everyone. Re-exported by :mod:`evaluation.viz.outcome_plots`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from evaluation.reports.labels import WAVE_LABELS
from evaluation.viz.figure import (
    DPI,
    Plot,
    panel_axes,
    raters_label,
    scale_label,
    style_for,
    wave_label,
    waves_label,
)

__all__ = ["MAX_PAIRS_DRAWN", "SAMPLE_SEED", "drawn_pairs", "paired_change_plot"]

#: The largest number of participants' lines a panel of :func:`paired_change_plot` draws; above
#: it, a seeded random sample of this many (the mean line is always of everyone).
MAX_PAIRS_DRAWN = 1000
#: The seed of that sample when the caller gives none (the cohort report passes the cohort's
#: bootstrap seed).
SAMPLE_SEED = 20261127


def _pairs(scores: pd.DataFrame, *, scales: list[str], earlier: str, later: str, rater: str) -> pd.DataFrame:
    """Each participant's score at ``earlier`` and ``later`` by scale (index ``scale``,
    ``participant_id``, sorted; complete pairs only, the mean where a key is repeated).

    One pass of grouped sums over integer codes (no sort of the long table), so that a million
    participants' scores take seconds; the identifier columns are factorised whole and their
    codes selected, never the text of the selected rows copied (slow for Arrow-backed text)."""
    rows = ((scores["rater"] == rater) & scores["wave"].isin([earlier, later]) & scores["scale"].isin(scales)
            & scores["score"].notna()).to_numpy(dtype=bool)
    scale_code, scale_names = pd.factorize(scores["scale"], sort=True)
    person, people = pd.factorize(scores["participant_id"], sort=True)
    rows = rows & (person >= 0)
    scale_code, person = scale_code[rows], person[rows]
    key = scale_code.astype(np.int64) * max(len(people), 1) + person
    size = len(scale_names) * max(len(people), 1)
    score = scores["score"].to_numpy(dtype=float)[rows]
    means = {}
    for wave in (earlier, later):
        at = (scores["wave"] == wave).to_numpy(dtype=bool)[rows]
        count = np.bincount(key[at], minlength=size)
        with np.errstate(invalid="ignore", divide="ignore"):
            means[wave] = np.bincount(key[at], weights=score[at], minlength=size) / count
    both = np.flatnonzero(~np.isnan(means[earlier]) & ~np.isnan(means[later]))
    index = pd.MultiIndex.from_arrays([np.asarray(scale_names, dtype=object)[both // max(len(people), 1)],
                                       np.asarray(people[both % max(len(people), 1)], dtype=object)],
                                      names=["scale", "participant_id"])
    return pd.DataFrame({earlier: means[earlier][both], later: means[later][both]}, index=index)


def drawn_pairs(n: int, *, max_pairs: int = MAX_PAIRS_DRAWN, seed: int = SAMPLE_SEED) -> np.ndarray:
    """The positions (sorted) of the pairs a paired change plot draws out of ``n``.

    Every pair when ``n <= max_pairs``; otherwise a simple random sample of ``max_pairs`` of
    them without replacement, from ``numpy.random.default_rng(seed)`` (the same positions for
    every scale of the same ``n``).

    Examples
    --------
    >>> drawn_pairs(5, max_pairs=10).tolist()
    [0, 1, 2, 3, 4]
    >>> sample = drawn_pairs(200_000, max_pairs=1000, seed=1)
    >>> len(sample), len(set(sample.tolist())), bool((sample == drawn_pairs(200_000, max_pairs=1000, seed=1)).all())
    (1000, 1000, True)
    """
    if isinstance(max_pairs, bool) or not isinstance(max_pairs, (int, np.integer)) or max_pairs < 1:
        raise ValueError(f"`max_pairs` must be a whole number of at least 1; got {max_pairs!r}")
    if n <= max_pairs:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=int(max_pairs), replace=False))


def paired_change_plot(
    scores: pd.DataFrame,
    *,
    scales: list[str],
    earlier: str = "pre",
    later: str = "post",
    rater: str = "self",
    titles: dict[str, str] | None = None,
    max_pairs: int = MAX_PAIRS_DRAWN,
    seed: int = SAMPLE_SEED,
    title: str | None = None,
    ax: Axes | Sequence[Axes] | None = None,
) -> Plot:
    """Each participant's score at two waves, joined by a line, with the mean in bold.

    One panel per scale (three to a row, sharing the score axis). Up to ``max_pairs``
    participants with scores at both waves, a panel draws every one of them; above that, a
    seeded random sample of ``max_pairs`` of them (:func:`drawn_pairs`), so that the figure
    stays readable, and its size and drawing time bounded, from 30 to a million participants.
    The bold mean line is always the mean of everyone with both scores. A sampled panel says
    how many of how many it draws, and so does the alternative text.

    Parameters
    ----------
    scores : DataFrame
        Scale scores in long format: ``participant_id``, ``scale``, ``wave``, ``rater``,
        ``score``.
    scales : list of str
        The scales to draw, one panel each.
    earlier, later : str
        The two waves, e.g. ``pre`` and ``post``.
    rater : str
        The rater whose scores are drawn.
    titles : dict, optional
        Scale titles by scale name (default: the name in words), for the panel titles.
    max_pairs : int
        The largest number of participants' lines drawn in a panel (default
        :data:`MAX_PAIRS_DRAWN`, 1,000): every pair up to it, a random sample of this many above.
    seed : int
        The seed of that sample (default :data:`SAMPLE_SEED`; the cohort report passes the
        cohort's bootstrap seed).
    title : str, optional
        The figure's title (default: "Individual change, <earlier> → <later> (<rater> ratings)").
    ax : matplotlib Axes or sequence of Axes, optional
        Draw into these Axes, one per scale in the order of ``scales`` (a single Axes when
        there is one scale), instead of a new figure. The figure's own title is then not drawn
        (the figure is the caller's); it is still the Plot's ``title``. A different number of
        Axes raises ``ValueError``.

    Returns
    -------
    Plot
        The figure, its alternative text and its title.

    Notes
    -----
    The lines of a panel are one matplotlib ``LineCollection`` (one artist, however many
    lines), drawn with opacity 0.6 up to 100 lines and 0.6 × 100 / lines above (at least
    0.06), so that where many lines overlap the colour shows how many.

    Examples
    --------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"participant_id": ["p1", "p1", "p2", "p2"], "scale": "vision",
    ...                        "wave": ["pre", "post"] * 2, "rater": "self",
    ...                        "score": [3.0, 3.5, 2.5, 3.5]})
    >>> plot = paired_change_plot(scores, scales=["vision"], title="Vision, before and after")
    >>> plot.title, plot.alt
    ('Vision, before and after', 'Paired change plot: one line per participant between the before and after questionnaires, mean in bold. Vision: mean 2.75 to 3.50 (n = 2).')
    >>> paired_change_plot(scores, scales=["vision"], max_pairs=1).alt
    'Paired change plot: one line per participant between the before and after questionnaires for a random sample of at most 1 participant per scale (seed 20261127), mean of everyone in bold. Vision: mean 2.75 to 3.50 (n = 2; 1 drawn).'
    """
    drawn_pairs(0, max_pairs=max_pairs)  # checks max_pairs
    titles = titles or {}
    wide = _pairs(scores, scales=scales, earlier=earlier, later=later, rater=rater)
    cols = min(3, len(scales))
    rows_n = int(np.ceil(len(scales) / cols))
    if ax is not None:
        fig, panels = panel_axes(ax, len(scales), "scale")
    with style_for(ax):
        if ax is None:
            fig = Figure(figsize=(3.3 * cols, 3.0 * rows_n + 0.6), dpi=DPI, layout="constrained")
            axes = fig.subplots(rows_n, cols, squeeze=False, sharey=True)
            panels = list(axes.flat)
        alt_parts, sampled = [], False
        present = set(wide.index.get_level_values(0))
        for panel, scale in zip(panels, scales, strict=False):
            pairs = wide.loc[scale] if scale in present else pd.DataFrame(columns=[earlier, later])
            before, after = pairs[earlier].to_numpy(dtype=float), pairs[later].to_numpy(dtype=float)
            shown = drawn_pairs(len(pairs), max_pairs=max_pairs, seed=seed)
            if len(shown):
                lines = np.stack([np.column_stack([np.zeros(len(shown)), before[shown]]),
                                  np.column_stack([np.ones(len(shown)), after[shown]])], axis=1)
                panel.add_collection(LineCollection(
                    lines, colors="#9ecae1", linewidths=0.6, alpha=max(0.06, 0.6 * min(1.0, 100 / len(shown))),
                    capstyle="projecting", zorder=2))
            if len(pairs):
                m0, m1 = pairs[earlier].mean(), pairs[later].mean()
                panel.plot([0, 1], [m0, m1], color="#08306b", linewidth=2.5, marker="o")
                counts = f"n = {len(pairs):,}"
                if len(shown) < len(pairs):
                    sampled = True
                    counts += f"; {len(shown):,} drawn"
                    panel.text(0.02, 0.98, f"{len(shown):,} of {len(pairs):,} drawn", transform=panel.transAxes,
                               ha="left", va="top", fontsize=8)
                alt_parts.append(f"{titles.get(scale, scale_label(scale))}: mean {m0:.2f} to {m1:.2f} ({counts})")
            panel.set_xticks([0, 1], [wave_label(earlier), wave_label(later)])
            panel.set_xlim(-0.2, 1.2)
            panel.set_title(titles.get(scale, scale_label(scale)), fontsize=10)
            panel.set_xlabel("Wave")
            panel.set_ylabel("Scale score")
        for panel in panels[len(scales):]:
            panel.set_visible(False)
        if title is None:
            title = f"Individual change, {waves_label(earlier + '_' + later)} ({raters_label(rater)})"
        if ax is None:
            fig.suptitle(title)
    between = f"between the {WAVE_LABELS.get(earlier, earlier)} and {WAVE_LABELS.get(later, later)} questionnaires"
    if sampled:
        who = "participant" if max_pairs == 1 else "participants"
        lead = (f"Paired change plot: one line per participant {between} for a random sample of at "
                f"most {max_pairs:,} {who} per scale (seed {seed}), mean of everyone in bold. ")
    else:
        lead = f"Paired change plot: one line per participant {between}, mean in bold. "
    return Plot(fig, lead + "; ".join(alt_parts) + ".", title, styled=ax is None)
