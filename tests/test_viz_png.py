"""A figure's PNG (``Plot.png``): the pixels of matplotlib's own ``savefig``, drawn once.

``Plot.png`` lays a figure function's own figure out on the Agg canvas that then draws it, once,
where ``savefig`` draws a figure with a layout engine twice (``evaluation/viz/figure.py``): the
PNG must be exactly ``savefig``'s with matplotlib's defaults, for every figure function and for
the figures of a cohort's report (``benchmarks/bench_figures.py --compare``).
"""

from __future__ import annotations

import io

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from PIL import Image
from test_viz import CASES, IDS, user_axes

from evaluation.viz.figure import Plot, house_style


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def savefig_png(plot: Plot) -> bytes:
    """The figure as matplotlib's ``savefig`` writes it by default (layout in its first draw)."""
    buffer = io.BytesIO()
    with house_style() if plot.styled else mpl.rc_context():
        plot.figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_figures_png_has_the_pixels_of_matplotlibs_own_savefig(case):
    ours, theirs = case.draw().png, savefig_png(case.draw())
    assert pixels(ours).shape == pixels(theirs).shape
    assert np.array_equal(pixels(ours), pixels(theirs))
    assert ours == theirs


@pytest.mark.parametrize("case", [c for c in CASES if c.panels == 1], ids=lambda c: c.name)
def test_the_png_of_a_figure_drawn_into_the_users_axes_has_savefigs_pixels_too(case):
    _, ax = user_axes(1)
    ours = case.draw(ax=ax).png
    _, ax = user_axes(1)
    assert np.array_equal(pixels(ours), pixels(savefig_png(case.draw(ax=ax))))


def test_the_png_is_drawn_once_and_leaves_the_figure_its_layout_engine_and_canvas(monkeypatch):
    # savefig draws a figure with a layout engine twice (the first only to lay it out): the
    # figure function's own figure is laid out, then drawn once
    draws = []
    draw = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, renderer: draws.append(renderer) or draw(self, renderer))
    plot = CASES[0].draw()
    engine, canvas = plot.figure.get_layout_engine(), plot.figure.canvas
    assert plot.png.startswith(b"\x89PNG")
    assert len(draws) == 1
    assert plot.figure.get_layout_engine() is engine and isinstance(engine, ConstrainedLayoutEngine)
    assert plot.figure.canvas is canvas and type(canvas) is FigureCanvasBase
    draws.clear()
    savefig_png(CASES[0].draw())
    assert len(draws) == 2  # matplotlib's own path, for comparison


@pytest.mark.parametrize("rc", [{"savefig.dpi": 50}, {"savefig.bbox": "tight"}, {"savefig.facecolor": "#ffeeee"}])
def test_the_users_savefig_settings_are_kept(rc):
    # a resolution, bounding box or colour of the user's rc settings: savefig's own path, its pixels
    with mpl.rc_context(rc):
        ours, theirs = CASES[0].draw().png, savefig_png(CASES[0].draw())
    assert np.array_equal(pixels(ours), pixels(theirs))
    if "savefig.dpi" in rc:
        assert pixels(ours).shape[1] == round(CASES[0].draw().figure.get_figwidth() * 50)


def test_a_figure_whose_resolution_was_changed_is_drawn_as_savefig_draws_it():
    plot = CASES[0].draw()
    plot.figure.set_dpi(55)
    other = CASES[0].draw()
    other.figure.set_dpi(55)
    assert np.array_equal(pixels(plot.png), pixels(savefig_png(other)))
