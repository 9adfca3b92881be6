"""What every figure shares: :class:`Plot` (a figure and its alternative text) and the house style.

Figures are built without pyplot (``matplotlib.figure.Figure``), so drawing one never touches
the notebook's or the user's pyplot state.
"""

from __future__ import annotations

from dataclasses import dataclass

import seaborn as sns
from matplotlib.figure import Figure

__all__ = ["DPI", "Plot", "new_figure"]

DPI = 110


@dataclass(frozen=True)
class Plot:
    """A figure and the alternative text that describes it for screen readers."""

    figure: Figure
    alt: str
    title: str


def new_figure(width: float, height: float) -> tuple[Figure, object]:
    sns.set_theme(style="whitegrid", context="notebook")
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    return fig, fig.add_subplot()
