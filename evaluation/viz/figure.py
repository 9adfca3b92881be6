"""What every figure shares: :class:`Plot` (a figure, its alternative text and title), the house
style, and the conventions of the figure functions.

Figures are built without pyplot (``matplotlib.figure.Figure``), so drawing one never touches
the notebook's or the user's pyplot state. The house style (seaborn's "whitegrid" style,
"notebook" context and "deep" colour cycle) is applied only inside :func:`house_style`, while a
figure is built and while its PNG is rendered: the user's ``matplotlib.rcParams`` and colour
codes are never changed. The style's settings are written out here (:data:`HOUSE_RC`), so that a
report kernel does not import seaborn (and pyplot with it) to draw; ``tests/test_viz.py`` keeps
them equal to what ``seaborn.set_theme`` sets. Three settings are the house style's own
(:data:`PLACEMENT_RC`): titles at the top of their Axes and tick labels in full, without an offset
or a power of ten apart.

Conventions of the public figure functions (``outcome_plots``, ``cost_plots``,
``equity_plots``):

* they return a :class:`Plot`, which displays itself in Jupyter (``_repr_png_``,
  ``_repr_html_``) with no ``%matplotlib`` magic;
* ``title=`` replaces the default title;
* ``ax=`` draws into an existing matplotlib ``Axes`` (of a pyplot figure or any other) instead
  of a new figure. The function then leaves the figure as it is (no size, layout, figure title
  or figure legend, no house style: the Axes is drawn with the caller's own matplotlib
  settings) and the :class:`Plot` wraps that Axes' figure. Functions that draw several panels
  take a sequence of Axes, one per panel;
* functions that label confidence intervals take ``confidence_level`` (default 0.95) and label
  them with it, e.g. "90% CI".
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from evaluation.reports.labels import WAVE_LABELS, capitalised, label
from evaluation.reports.numbers import level_percent as ci_percent  # a figure's label: "95% CI"

__all__ = [
    "COLOR_CODES",
    "DEEP",
    "DPI",
    "HOUSE_RC",
    "PLACEMENT_RC",
    "Plot",
    "ci_percent",
    "house_rc",
    "house_style",
    "new_figure",
    "panel_axes",
    "raters_label",
    "scale_label",
    "style_for",
    "wave_label",
    "waves_label",
]

DPI = 110
#: The house style: seaborn's axes style, plotting context and colour palette.
STYLE, CONTEXT, PALETTE = "whitegrid", "notebook", "deep"
#: The "deep" palette (seaborn's ``color_palette("deep")``): the house colour cycle.
DEEP = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c", "#ccb974",
        "#64b5cd")
#: What ``seaborn.set_theme(color_codes=True)`` mapped the one-letter colour codes to (the "deep"
#: palette, and a dark grey for "k"). No figure uses a one-letter code; a figure that needs one
#: takes its colour from here rather than from matplotlib's global colour table.
COLOR_CODES = dict(zip("bgrmyck", [*(to_rgb(DEEP[i]) for i in (0, 2, 3, 4, 8, 9)), (0.1, 0.1, 0.1)], strict=True))
_SMALL = {"major.size": 6, "major.width": 1.25, "minor.size": 4, "minor.width": 1, "color": ".15",
          "direction": "out", "labelsize": 11}
#: The rc settings of ``seaborn.set_theme(style="whitegrid", context="notebook")`` (seaborn 0.13),
#: but the colour cycle (:func:`house_rc` adds it) and the default colour map (seaborn's "rocket",
#: registered only by importing seaborn; no figure uses a colour map).
HOUSE_RC: dict[str, Any] = {
    "axes.axisbelow": True, "axes.edgecolor": ".8", "axes.facecolor": "white", "axes.grid": True,
    "axes.labelcolor": ".15", "axes.labelsize": 12, "axes.linewidth": 1.25, "axes.spines.bottom": True,
    "axes.spines.left": True, "axes.spines.right": True, "axes.spines.top": True, "axes.titlesize": 12,
    "figure.facecolor": "white", "font.family": "sans-serif",
    "font.sans-serif": ["Arial", "DejaVu Sans", "Liberation Sans", "Bitstream Vera Sans", "sans-serif"],
    "font.size": 12, "grid.color": ".8", "grid.linestyle": "-", "grid.linewidth": 1,
    "legend.fontsize": 11, "legend.title_fontsize": 12, "lines.linewidth": 1.5, "lines.markersize": 6,
    "lines.solid_capstyle": "round", "patch.edgecolor": "w", "patch.force_edgecolor": True, "patch.linewidth": 1,
    "text.color": ".15", "xtick.bottom": False, "xtick.top": False, "ytick.left": False, "ytick.right": False,
    **{f"{axis}.{key}": value for axis in ("xtick", "ytick") for key, value in _SMALL.items()},
}
#: What the house style sets beyond seaborn's theme: titles sit at the top of their Axes
#: (``axes.titley``), and numeric tick labels are written out in full, never as an offset or a
#: power of ten in a separate text at the axis' end (``axes.formatter.useoffset``,
#: ``axes.formatter.limits``: no finite float reaches 10**400). Matplotlib would otherwise measure
#: every tick label of both axes at each draw to decide whether a title must move up, and it moves
#: it only above x tick labels drawn at the top (no figure draws any) or above a y axis' offset
#: text, which these settings rule out: the titles are where matplotlib would put them, at about
#: a sixth less rendering time (the tests compare every figure function's PNG with matplotlib's
#: own placement: ``png_with_matplotlibs_titles`` in ``tests/conftest.py``).
PLACEMENT_RC: dict[str, Any] = {"axes.titley": 1.0, "axes.formatter.useoffset": False,
                                "axes.formatter.limits": [-400, 400]}


def house_rc() -> dict[str, Any]:
    """The rc settings of the house style: what ``seaborn.set_theme(style="whitegrid",
    context="notebook")`` set globally, and the title and tick-label settings of
    :data:`PLACEMENT_RC`, as a dictionary.

    Examples
    --------
    >>> rc = house_rc()
    >>> rc["axes.facecolor"], rc["font.size"], rc["font.family"]
    ('white', 12, 'sans-serif')
    """
    from cycler import cycler

    return {**HOUSE_RC, **PLACEMENT_RC, "axes.prop_cycle": cycler("color", [to_rgb(c) for c in DEEP])}


@contextmanager
def house_style() -> Iterator[None]:
    """Apply the house style to the figures built and rendered inside the block, and only there.

    ``matplotlib.rcParams`` are restored on leaving the block, whatever happened in it; the
    one-letter colour codes ("b", "k", ...) are never changed (see :data:`COLOR_CODES`).

    Examples
    --------
    >>> import matplotlib as mpl
    >>> before = mpl.rcParams["axes.facecolor"]
    >>> with house_style():
    ...     mpl.rcParams["axes.edgecolor"]
    '.8'
    >>> mpl.rcParams["axes.facecolor"] == before
    True
    """
    import matplotlib as mpl

    with mpl.rc_context(house_rc()):
        yield


def style_for(ax: Any):
    """The style to draw in: the house style for a new figure, none when drawing into ``ax``."""
    return house_style() if ax is None else nullcontext()


def scale_label(name: str) -> str:
    """A code in words for a label: ``leading_change`` → ``Leading change``.

    Examples
    --------
    >>> scale_label("leading_change")
    'Leading change'
    """
    return name.replace("_", " ").capitalize()


def waves_label(comparison: str) -> str:
    """A comparison's two waves in the tables' words: ``pre_follow_up`` → ``before → follow-up``.

    Examples
    --------
    >>> waves_label("pre_post"), waves_label("pre_follow_up"), waves_label("then_post")
    ('before → after', 'before → follow-up', 'then-test → after')
    """
    return str(label(comparison))


def wave_label(wave: str) -> str:
    """A wave in the tables' words, capitalised as a label: ``follow_up`` → ``Follow-up``.

    Examples
    --------
    >>> [wave_label(w) for w in ("pre", "then", "post", "follow_up")]
    ['Before', 'Then-test', 'After', 'Follow-up']
    """
    return capitalised(WAVE_LABELS.get(wave, wave.replace("_", " ")))


def raters_label(rater: str) -> str:
    """Whose ratings, for a figure's title: ``self`` → ``self-ratings``, ``line_manager`` →
    ``line managers' ratings``.

    Examples
    --------
    >>> raters_label("self"), raters_label("line_manager"), raters_label("direct_report")
    ('self-ratings', "line managers' ratings", "direct reports' ratings")
    """
    return "self-ratings" if rater == "self" else f"{label(rater)}s' ratings"


def _root_figure(ax: Axes) -> Figure:
    fig = ax.figure
    while not isinstance(fig, Figure):  # an Axes of a SubFigure: save the whole figure
        fig = fig.figure
    return fig


def _check_axes(ax: Any) -> Axes:
    if not isinstance(ax, Axes):
        raise ValueError(f"`ax` must be a matplotlib Axes or None; got {type(ax).__name__}")
    return ax


def new_figure(width: float, height: float, *, ax: Axes | None = None) -> tuple[Figure, Axes]:
    """A new figure of ``width`` × ``height`` inches with one Axes, or the figure of ``ax``.

    Call it inside :func:`style_for` so that a new figure gets the house style.
    """
    if ax is not None:
        ax = _check_axes(ax)
        return _root_figure(ax), ax
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    return fig, fig.add_subplot()


def panel_axes(ax: Axes | Sequence[Axes], panels: int, what: str) -> tuple[Figure, list[Axes]]:
    """The caller's Axes for a figure of ``panels`` panels (one per ``what``), and their figure.

    ``ax`` is a sequence of exactly ``panels`` Axes of one figure (one Axes is accepted for a
    single panel); anything else is refused with a ``ValueError`` naming ``ax``.
    """
    axes = [ax] if isinstance(ax, Axes) else ax
    if isinstance(axes, (str, bytes)) or not isinstance(axes, Sequence) and not hasattr(axes, "flat"):
        raise ValueError(f"`ax` must be a sequence of {panels} matplotlib Axes (one per {what}); got "
                         f"{type(ax).__name__}")
    axes = list(axes.flat) if hasattr(axes, "flat") else list(axes)
    if len(axes) != panels or not all(isinstance(a, Axes) for a in axes):
        raise ValueError(f"`ax` must be a sequence of {panels} matplotlib Axes (one per {what}); got "
                         f"{len(axes)} item(s)")
    figures = {id(_root_figure(a)) for a in axes}
    if len(figures) != 1:
        raise ValueError("`ax`: the Axes must belong to one figure")
    return _root_figure(axes[0]), axes


def _save_png(figure: Figure, buffer: io.BytesIO, *, own: bool) -> None:
    """Write ``figure`` to ``buffer`` as PNG, the pixels of ``figure.savefig(buffer, format="png")``.

    ``savefig`` of a figure with a layout engine draws it twice: once with rendering switched off,
    only for the engine to run at its start (every Axis, tick and text is walked again), then for
    real. A figure function's own figure (``own``) is laid out here, on the Agg canvas (and so
    the renderer, with its cache of text sizes) that then draws it once: the layout is the one
    that first draw would make (the same rc settings, size and resolution), and so is the PNG.
    The figure's layout engine and canvas are its own again afterwards. The caller's figure (drawn
    into with ``ax=``), a figure whose resolution is not the house style's, a resolution or a
    "tight" bounding box in the rc settings are left to ``savefig`` as they are.
    """
    import matplotlib as mpl

    options = {"format": "png", "metadata": {"Software": None}}
    if (not own or figure.dpi != DPI or mpl.rcParams["savefig.dpi"] != "figure"
            or mpl.rcParams["savefig.bbox"] == "tight"):
        figure.savefig(buffer, **options)
        return
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas, engine = figure.canvas, figure.get_layout_engine()
    FigureCanvasAgg(figure)  # the figure's canvas until the end: one renderer lays it out and draws it
    try:
        if engine is not None and figure.axes:
            try:
                engine.execute(figure)
            except ValueError:  # as Figure.draw does: the Axes stay where they are
                pass
            with mpl.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
                figure.set_layout_engine(None)  # none at all ("none" leaves a placeholder, which savefig draws for)
        figure.savefig(buffer, **options)
    finally:
        if engine is not None:
            figure.set_layout_engine(engine)
        figure.set_canvas(canvas)


@dataclass(frozen=True)
class Plot:
    """A figure, the alternative text that describes it for screen readers, and its title.

    It displays itself in Jupyter as a PNG with its alternative text (no ``%matplotlib`` magic
    needed). The PNG is rendered once, on first use, in the house style when the figure is the
    function's own (``styled``), and reused (:attr:`png`); change the figure after that and
    the PNG does not follow.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
        The figure (the caller's own when the function drew into ``ax=``).
    alt : str
        Alternative text, written from the data shown.
    title : str
        The figure's title.
    styled : bool
        True when the figure was built in the house style (and is rendered in it); False when
        it was drawn into the caller's Axes.
    """

    figure: Figure
    alt: str
    title: str
    styled: bool = field(default=True, repr=False)

    @cached_property
    def png(self) -> bytes:
        """The figure as PNG bytes, as published (rendered once, then reused)."""
        buffer = io.BytesIO()
        with house_style() if self.styled else nullcontext():
            _save_png(self.figure, buffer, own=self.styled)
        return buffer.getvalue()

    def _repr_png_(self) -> bytes:
        return self.png

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        return f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt, quote=True)}">'
