"""Figures: every figure function takes ``title=`` and ``ax=``, displays itself in Jupyter (PNG and
HTML with its alternative text), labels intervals with the confidence level it is given, and
leaves the user's matplotlib settings as they were."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import FrozenInstanceError, dataclass

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from evaluation.publish.publisher import Publisher
from evaluation.viz import cost_plots, equity_plots, outcome_plots
from evaluation.viz.figure import COLOR_CODES, PLACEMENT_RC, Plot, ci_percent, house_rc, house_style

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# ----------------------------------------------------------------------------- small tables

TITLES = {"vision": "Vision & <direction>", "coaching": "Coaching"}
OUTCOMES = pd.DataFrame({
    "scale": ["vision", "coaching", "vision"], "comparison": "pre_post",
    "rater": ["self", "self", "line_manager"], "d_z": [0.6, 0.3, 0.4], "d_z_ci_low": [0.4, 0.1, 0.1],
    "d_z_ci_high": [0.8, 0.5, 0.7], "g_av": [0.45, 0.2, 0.3], "g_av_ci_low": [0.3, 0.05, 0.05],
    "g_av_ci_high": [0.6, 0.35, 0.55], "rci_improved": [0.25, 0.2, 0.1], "rci_unchanged": [0.7, 0.75, 0.85],
    "rci_deteriorated": [0.05, 0.05, 0.05],
})
SCORES = pd.DataFrame({
    "participant_id": np.repeat(["p1", "p2", "p3"], 6),
    "scale": np.tile(np.repeat(["vision", "coaching"], 3), 3),
    "wave": np.tile(["pre", "post", "follow_up"], 6),
    "rater": "self",
    "score": [3.0, 3.5, 3.4, 2.5, 3.0, 3.1, 2.0, 3.0, 2.8, 3.5, 3.5, 3.6, 4.0, 4.5, 4.4, 3.0, 3.2, 3.3],
})
FLOW = pd.DataFrame({"stage": ["enrolled", "completed", "scored_at_both"], "n": [40, 36, 30]})
BY_CATEGORY = pd.DataFrame({
    "category": ["design", "delivery", "delivery"], "basis": ["fixed", "fixed", "per_participant"],
    "amount": [5000.0, 3000.0, 2000.0], "share": [0.5, 0.3, 0.2], "price_base_year": 2024,
})
CURVE = pd.DataFrame({
    "participants": range(1, 13), "cohorts": [1] * 6 + [2] * 6,
    "average_cost": [1000.0 / n + 100 for n in range(1, 13)], "marginal_cost": 100.0, "price_base_year": 2024,
})
TORNADO = pd.DataFrame({
    "measure": "cost_per_completer", "description": ["Hours", "Pay"], "low_setting": ["×0.75", "×0.8"],
    "high_setting": ["×1.5", "×1.2"], "value_low": [9000.0, 9500.0], "value_high": [12000.0, 10500.0],
    "value_base": 10000.0, "price_base_year": 2024,
})
MEASURES = ("cost_per_completer", "cost_per_reliable_improver")
DRAWS = pd.DataFrame({"cost_per_completer": np.linspace(9000, 11000, 50),
                      "cost_per_reliable_improver": np.linspace(30000, 60000, 50)})
BOOTSTRAP = pd.DataFrame({
    "measure": list(MEASURES), "value": [10000.0, 45000.0], "ci_low": [9100.0, 32000.0],
    "ci_high": [10900.0, 58000.0], "undefined_draws": [0, 2], "resamples": 50, "price_base_year": 2024,
    "confidence_level": 0.95,
})
BENCHMARKS = pd.DataFrame({
    "item": ["Residential", "Non-residential", "This cohort"], "kind": ["benchmark", "benchmark", "cohort"],
    "low_real": [6000.0, 1500.0, 8500.0], "high_real": [np.nan, 3000.0, np.nan], "price_base_year": 2024,
})
COMPARISON = pd.DataFrame({
    "level": ["cohort", "cohort", "programme"], "programme_title": "Leading to Deliver", "cohort": [1, 2, None],
    "price_base_year": 2024,
    **{m: [15000.0, 14000.0, 14500.0] for m in ("cost_per_enrolled", "cost_per_completer",
                                                "cost_per_reliable_improver")},
    **{f"{m}_ci_low": [14000.0, 13000.0, np.nan] for m in ("cost_per_enrolled", "cost_per_completer",
                                                          "cost_per_reliable_improver")},
    **{f"{m}_ci_high": [16000.0, 15500.0, np.nan] for m in ("cost_per_enrolled", "cost_per_completer",
                                                           "cost_per_reliable_improver")},
})
EQUITY = pd.DataFrame({
    "dimension": "sector", "category": ["local_authority", "health", "voluntary", "police"],
    "relative_likelihood": [1.0, 0.6, 0.0, np.nan], "rl_ci_low": [np.nan, 0.4, 0.0, np.nan],
    "rl_ci_high": [np.nan, 0.9, 1.5, np.nan], "band": ["", "disparity", "inconclusive", ""],
    "suppressed": ["", "", "", "primary"], "reference_category": "local_authority",
})
COUNCIL = pd.DataFrame({"category": ["angus", "fife", "moray", "na_h_eileanan_siar"],
                        "rate_per_1000": [0.5, 0.8, np.nan, 1.1], "suppressed": ["", "", "primary", ""]})
LORENZ = pd.DataFrame({"cum_workforce_share": [0.0, 0.3, 0.6, 1.0], "cum_places_share": [0.0, 0.1, 0.4, 1.0]})
COMPLETION = pd.DataFrame({
    "dimension": "sector", "category": ["health", "local_authority", "voluntary"],
    "completion_rate": [np.nan, 0.9, 0.8], "ci_low": [np.nan, 0.8, 0.6], "ci_high": [np.nan, 0.96, 0.9],
    "suppressed": ["primary", "", ""],
})


@dataclass(frozen=True)
class Case:
    """A figure function with its tables: ``draw(**kwargs)`` returns its Plot."""

    name: str
    draw: Callable[..., Plot]
    panels: int = 1  # how many Axes it draws (one per panel)
    level: bool = False  # whether it takes confidence_level


CASES = [
    Case("forest_plot", lambda **kw: outcome_plots.forest_plot(OUTCOMES, titles=TITLES, **kw), level=True),
    Case("paired_change_plot", lambda **kw: outcome_plots.paired_change_plot(
        SCORES, scales=["vision", "coaching"], titles=TITLES, **kw), panels=2),
    Case("reliable_change_chart", lambda **kw: outcome_plots.reliable_change_chart(OUTCOMES, titles=TITLES, **kw)),
    Case("attrition_flow", lambda **kw: outcome_plots.attrition_flow(FLOW, **kw)),
    Case("wave_means_plot", lambda **kw: outcome_plots.wave_means_plot(
        SCORES, waves=["pre", "post", "follow_up"], titles=TITLES, **kw)),
    Case("category_chart", lambda **kw: cost_plots.category_chart(BY_CATEGORY, **kw)),
    Case("cost_curve_chart", lambda **kw: cost_plots.cost_curve_chart(CURVE, enrolled=6, **kw)),
    Case("tornado_chart", lambda **kw: cost_plots.tornado_chart(TORNADO, **kw)),
    Case("bootstrap_chart", lambda **kw: cost_plots.bootstrap_chart(
        DRAWS, BOOTSTRAP.assign(confidence_level=kw.get("confidence_level", 0.95)), **kw), panels=2, level=True),
    Case("benchmark_chart", lambda **kw: cost_plots.benchmark_chart(BENCHMARKS, **kw)),
    Case("comparison_chart", lambda **kw: cost_plots.comparison_chart(COMPARISON, **kw), panels=3, level=True),
    Case("representation_chart", lambda **kw: equity_plots.representation_chart(EQUITY, dimension="sector", **kw),
         level=True),
    Case("council_rates_chart", lambda **kw: equity_plots.council_rates_chart(COUNCIL, **kw)),
    Case("lorenz_chart", lambda **kw: equity_plots.lorenz_chart(LORENZ, 0.25, **kw)),
    Case("group_estimates_chart", lambda **kw: equity_plots.group_estimates_chart(
        COMPLETION, value="completion_rate", low="ci_low", high="ci_high", percent=True, xlabel="Completed (%)",
        **kw), level=True),
]
IDS = [c.name for c in CASES]


def test_every_public_figure_function_has_a_case():
    public = {name for module in (outcome_plots, cost_plots, equity_plots) for name in module.__all__}
    assert public == set(IDS)


def user_axes(panels: int):
    fig = Figure(figsize=(5.0, 4.0))
    axes = fig.subplots(1, panels, squeeze=False)[0]
    return fig, (axes[0] if panels == 1 else list(axes))


# ----------------------------------------------------------------------------- display


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_new_figure_displays_itself_as_png_and_html_with_its_alt_text(case):
    plot = case.draw()
    assert isinstance(plot, Plot) and isinstance(plot.figure, Figure) and plot.styled
    png = plot._repr_png_()
    assert png.startswith(PNG_SIGNATURE)
    assert plot.png is png  # rendered once, then reused
    page = plot._repr_html_()
    assert page.startswith('<img src="data:image/png;base64,')
    assert f'alt="{html.escape(plot.alt, quote=True)}"' in page
    assert plot.alt and plot.title


#: Wave and rater codes as a figure must not show them: the tables say "before", "after",
#: "follow-up", "self-rating" and "line manager" (evaluation.reports.labels).
CODE_WORDS = re.compile(r"\b(pre|post|follow_up|follow up|then|line_manager)\b|self ratings|line manager ratings")


def figure_texts(plot: Plot) -> list[str]:
    """Every text a reader sees in a figure: its title, the Axes' titles, axis labels, tick labels and
    legends, the texts drawn in it and its alternative text."""
    fig = plot.figure
    texts = [plot.title, plot.alt, fig._suptitle.get_text() if fig._suptitle else ""]
    for ax in fig.axes:
        texts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel(), *(t.get_text() for t in ax.texts)]
        texts += [t.get_text() for t in (*ax.get_xticklabels(), *ax.get_yticklabels())]
        legend = ax.get_legend()
        texts += [t.get_text() for t in legend.get_texts()] if legend else []
    texts += [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    return texts


@pytest.mark.parametrize("case", [c for c in CASES if c.name in outcome_plots.__all__], ids=lambda c: c.name)
def test_outcome_figures_name_waves_and_raters_as_the_tables_do(case):
    plot = case.draw()
    coded = [t for t in figure_texts(plot) if CODE_WORDS.search(t)]
    assert coded == [], coded


def test_the_figures_words_for_waves_stages_and_raters_are_the_tables():
    forest = outcome_plots.forest_plot(OUTCOMES, titles=TITLES)
    assert forest.title == "Change by scale, before → after (self-ratings)"
    managers = outcome_plots.forest_plot(OUTCOMES, rater="line_manager", titles=TITLES)
    assert managers.title == "Change by scale, before → after (line managers' ratings)"
    means = outcome_plots.wave_means_plot(SCORES, waves=["pre", "post", "follow_up"], titles=TITLES)
    assert [t.get_text() for t in means.figure.axes[0].get_xticklabels()] == ["Before", "After", "Follow-up"]
    coaching = SCORES[SCORES["scale"] == "coaching"].groupby("wave")["score"].mean()  # pandas, not the plot's code
    assert (f"Coaching: before {coaching['pre']:.2f}, after {coaching['post']:.2f}, "
            f"follow-up {coaching['follow_up']:.2f}") in means.alt
    paired = outcome_plots.paired_change_plot(SCORES, scales=["vision"], earlier="pre", later="follow_up")
    assert [t.get_text() for t in paired.figure.axes[0].get_xticklabels()] == ["Before", "Follow-up"]
    assert paired.title == "Individual change, before → follow-up (self-ratings)"
    flow = pd.DataFrame({"stage": ["enrolled", "completed_programme", "answered_pre", "answered_post", "scored_both"],
                         "n": [40, 36, 38, 33, 30]})
    stages = [t.get_text() for t in outcome_plots.attrition_flow(flow).figure.axes[0].get_yticklabels()]
    # the Stage column of the attrition table, as the report shows it (labels.label, capitalised)
    assert stages == ["Enrolled", "Completed the programme", "Answered before", "Answered after",
                            "Scores before and after"]
    reliable = [t.get_text() for t in outcome_plots.reliable_change_chart(OUTCOMES).figure.axes[0].get_yticklabels()]
    assert reliable == ["Vision (self-rating)", "Coaching (self-rating)", "Vision (line manager)"]


def test_the_html_escapes_the_alt_text():
    plot = outcome_plots.forest_plot(OUTCOMES, titles=TITLES)
    assert "Vision & <direction>" in plot.alt
    assert "Vision &amp; &lt;direction&gt;" in plot._repr_html_()
    assert "<direction>" not in plot._repr_html_()
    apostrophe = cost_plots.category_chart(BY_CATEGORY)
    assert "cohort's" in apostrophe.alt and "cohort&#x27;s" in apostrophe._repr_html_()


def test_plot_stays_frozen():
    plot = outcome_plots.attrition_flow(FLOW)
    with pytest.raises(FrozenInstanceError):
        plot.title = "other"  # type: ignore[misc]


def test_publisher_saves_the_plots_own_png(tmp_path, capsys):
    plot = outcome_plots.attrition_flow(FLOW)
    Publisher(tmp_path, notebook="test").figure(plot, "attrition")
    assert (tmp_path / "figures" / "attrition.png").read_bytes() == plot.png


# ----------------------------------------------------------------------------- title= and ax=


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_title_replaces_the_default_title(case):
    default = case.draw()
    plot = case.draw(title="My own title")
    assert plot.title == "My own title" != default.title
    drawn = [ax.get_title() for ax in plot.figure.axes] + [plot.figure.get_suptitle()]
    assert "My own title" in drawn


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_ax_draws_into_the_users_axes_and_leaves_the_figure_alone(case):
    fig, ax = user_axes(case.panels)
    engine = fig.get_layout_engine()
    plot = case.draw(ax=ax, title="Mine")
    assert plot.figure is fig and not plot.styled
    assert plot.title == "Mine"
    assert tuple(fig.get_size_inches()) == (5.0, 4.0) and fig.dpi == mpl.rcParams["figure.dpi"]
    assert fig.get_layout_engine() is engine
    assert fig.get_suptitle() == "" and not fig.legends
    assert len(fig.axes) == case.panels
    assert all(a.has_data() or a.get_yticklabels() for a in fig.axes)
    if case.panels == 1:
        assert ax.get_title() == "Mine"
    assert plot._repr_png_().startswith(PNG_SIGNATURE)


@pytest.mark.parametrize("case", [c for c in CASES if c.panels > 1], ids=lambda c: c.name)
def test_a_several_panel_figure_wants_one_axes_per_panel(case):
    fig, ax = user_axes(case.panels + 1)
    with pytest.raises(ValueError, match="`ax`"):
        case.draw(ax=ax)
    with pytest.raises(ValueError, match="`ax`"):
        case.draw(ax="left")


@pytest.mark.parametrize("case", [c for c in CASES if c.panels == 1], ids=lambda c: c.name)
def test_ax_must_be_an_axes(case):
    with pytest.raises(ValueError, match="`ax`"):
        case.draw(ax=[1, 2])


def test_a_pyplot_axes_is_accepted():
    plt = pytest.importorskip("matplotlib.pyplot")
    fig, ax = plt.subplots()
    try:
        plot = outcome_plots.attrition_flow(FLOW, ax=ax)
        assert plot.figure is fig and ax.get_title() == plot.title
    finally:
        plt.close(fig)


# ----------------------------------------------------------------------------- confidence level


@pytest.mark.parametrize("case", [c for c in CASES if c.level], ids=lambda c: c.name)
def test_interval_labels_follow_the_confidence_level(case):
    plot = case.draw(confidence_level=0.9)
    labels = [ax.get_xlabel() for ax in plot.figure.axes]
    assert any("90% CI" in text for text in labels) or "90%" in plot.alt
    assert "95%" not in plot.alt and not any("95%" in text for text in labels)


def test_the_axis_labels_name_the_level():
    assert outcome_plots.forest_plot(OUTCOMES, confidence_level=0.9).figure.axes[0].get_xlabel() == \
        "g_av with 90% bootstrap CI (positive = higher at the later wave)"
    assert outcome_plots.forest_plot(OUTCOMES).figure.axes[0].get_xlabel() == \
        "g_av with 95% bootstrap CI (positive = higher at the later wave)"
    assert "with 97.5% CI" in equity_plots.representation_chart(
        EQUITY, dimension="sector", confidence_level=0.975).figure.axes[0].get_xlabel()
    assert ci_percent(0.8) == "80%"


@pytest.mark.parametrize("bad", [1.5, 0, "0.9", True])
@pytest.mark.parametrize("case", [c for c in CASES if c.level], ids=lambda c: c.name)
def test_a_bad_confidence_level_is_refused(case, bad):
    with pytest.raises(ValueError, match="`confidence_level`"):
        case.draw(confidence_level=bad)


def test_the_bootstrap_chart_takes_its_level_from_the_table_and_refuses_another():
    table = BOOTSTRAP.assign(confidence_level=0.9)
    assert "90% percentile interval" in cost_plots.bootstrap_chart(DRAWS, table).alt
    with pytest.raises(ValueError, match="`confidence_level`"):
        cost_plots.bootstrap_chart(DRAWS, table, confidence_level=0.95)


# ----------------------------------------------------------------------------- global state


def test_drawing_every_figure_leaves_rcparams_and_colour_codes_unchanged():
    rc = dict(mpl.rcParams)
    codes = {c: mpl.colors.get_named_colors_mapping()[c] for c in "bgrmyck"}
    rgb = {c: mpl.colors.to_rgba(c) for c in "bgrmyck"}
    for case in CASES:
        case.draw()._repr_png_()
        case.draw(title="T")._repr_html_()
        _, ax = user_axes(case.panels)
        case.draw(ax=ax)._repr_png_()
    assert dict(mpl.rcParams) == rc
    assert {c: mpl.colors.get_named_colors_mapping()[c] for c in "bgrmyck"} == codes
    assert {c: mpl.colors.to_rgba(c) for c in "bgrmyck"} == rgb


def test_house_style_is_what_set_theme_set_and_only_inside_the_block():
    import seaborn as sns

    mapping = mpl.colors.get_named_colors_mapping()
    saved = {c: mapping[c] for c in "bgrmyck"}
    try:
        with mpl.rc_context():
            sns.set_theme(style="whitegrid", context="notebook")
            themed = dict(mpl.rcParams)
            remapped = {c: mpl.colors.to_rgb(c) for c in "bgrmyck"}
    finally:
        for c, value in saved.items():
            mapping[c] = value
    before = dict(mpl.rcParams)
    own = {"image.cmap", *PLACEMENT_RC}  # seaborn's colour map (registered on import); the house's own settings
    with house_style():
        assert {k: v for k, v in mpl.rcParams.items() if k not in own} == \
            {k: v for k, v in themed.items() if k not in own}
        assert mpl.rcParams["image.cmap"] == before["image.cmap"]
        assert {k: mpl.rcParams[k] for k in PLACEMENT_RC} == PLACEMENT_RC
    assert dict(mpl.rcParams) == before
    assert {c: tuple(COLOR_CODES[c]) for c in "bgrmyck"} == remapped
    assert set(house_rc()) <= set(mpl.rcParams)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_title_sits_where_matplotlib_would_place_it(case, png_with_matplotlibs_titles):
    # The house style fixes titles at the top of their Axes; matplotlib's own placement (which
    # measures every tick label at each draw) must put them at the same place: the same PNG.
    # (The programme report's and the comparison's figures: their own tests.)
    plot = case.draw()
    assert all(not ax.get_title() or ax.title.get_position()[1] == 1.0 for ax in plot.figure.axes)
    assert plot.png == png_with_matplotlibs_titles(case.draw)


def _large_values(**kwargs) -> Plot:
    """A titled house-style figure whose y values would get matplotlib's offset text (``+1e7``)."""
    with house_style():
        fig = Figure(figsize=(4, 3), dpi=80, layout="constrained")
        ax = fig.add_subplot()
        ax.plot([0, 1, 2], [1e7 + 1, 1e7 + 2, 1e7 + 3])
        ax.set_title("A long title that would meet the offset text at the top of the y axis")
    return Plot(fig, "alt", "title")


def test_tick_labels_are_written_in_full_so_no_offset_text_can_meet_a_title(png_with_matplotlibs_titles):
    plot = _large_values()
    assert plot.png.startswith(PNG_SIGNATURE)  # drawn
    ax = plot.figure.axes[0]
    assert ax.yaxis.get_offset_text().get_text() == ""
    assert [t.get_text() for t in ax.get_yticklabels()][1:3] == ["10000001.0", "10000001.5"]
    assert plot.png == png_with_matplotlibs_titles(_large_values)
    with mpl.rc_context({"axes.titley": None}):  # matplotlib's defaults: an offset text, and the title moved
        fig = Figure(figsize=(4, 3), dpi=80, layout="constrained")
        ax = fig.add_subplot()
        ax.plot([0, 1, 2], [1e7 + 1, 1e7 + 2, 1e7 + 3])
        ax.set_title("t")
        fig.draw_without_rendering()
        assert ax.yaxis.get_offset_text().get_text() != ""


def test_house_style_restores_rcparams_after_an_error():
    before = dict(mpl.rcParams)
    with pytest.raises(RuntimeError), house_style():
        mpl.rcParams["lines.linewidth"] = 9
        raise RuntimeError
    assert dict(mpl.rcParams) == before


def test_the_user_figure_is_rendered_in_the_users_style():
    fig, ax = user_axes(1)
    with mpl.rc_context({"axes.titlesize": 22}):
        plot = outcome_plots.attrition_flow(FLOW, ax=ax)
    assert ax.title.get_fontsize() == 22
    styled = outcome_plots.attrition_flow(FLOW)
    assert styled.figure.axes[0].title.get_fontsize() == house_rc()["axes.titlesize"]
    assert plot.png.startswith(PNG_SIGNATURE)


# ----------------------------------------------------------------------------- national scale


def generated_pairs(n: int, seed: int = 3) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Scores of ``n`` participants on two scales at pre and post (seeded, 1–5 in steps of 0.2), in
    long format, and the pre and post scores as arrays (scale × participant)."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"p{i:07d}" for i in range(n)])
    pre = np.clip(np.round(rng.normal(3.0, 0.6, (2, n)) * 5) / 5, 1, 5)
    post = np.clip(np.round((pre + rng.normal(0.3, 0.5, (2, n))) * 5) / 5, 1, 5)
    return pd.DataFrame({
        "participant_id": np.tile(np.repeat(ids, 2), 2),
        "scale": np.repeat(["vision", "coaching"], 2 * n),
        "wave": np.tile(["pre", "post"], 2 * n),
        "rater": "self",
        "score": np.column_stack([pre.ravel(), post.ravel()]).ravel(),
    }), pre, post


def line_collections(plot: Plot) -> list:
    from matplotlib.collections import LineCollection

    return [[c for c in panel.collections if isinstance(c, LineCollection)] for panel in plot.figure.axes
            if panel.get_visible()]


def test_the_individual_change_plot_draws_a_sample_of_a_large_cohort_and_says_so():
    scores, pre, post = generated_pairs(200_000)
    plot = outcome_plots.paired_change_plot(scores, scales=["vision", "coaching"], max_pairs=2000, seed=7)
    collections = line_collections(plot)
    assert [len(c) for c in collections] == [1, 1]  # one collection per panel, not one line per participant
    assert [len(c[0].get_segments()) for c in collections] == [2000, 2000]
    assert plot.alt.startswith("Paired change plot: one line per participant between the before and after questionnaires for "
                               "a random sample "
                               "of at most 2,000 participants per scale (seed 7), mean of everyone in bold. ")
    # the means are of all 200,000 pairs (numpy over the generated arrays), not of the sample
    assert f"Vision: mean {pre[0].mean():.2f} to {post[0].mean():.2f} (n = 200,000; 2,000 drawn)" in plot.alt
    assert f"Coaching: mean {pre[1].mean():.2f} to {post[1].mean():.2f} (n = 200,000; 2,000 drawn)" in plot.alt
    texts = [t.get_text() for panel in plot.figure.axes for t in panel.texts]
    assert texts == ["2,000 of 200,000 drawn"] * 2
    # the sample is seeded: the same lines again, other lines with another seed
    again = outcome_plots.paired_change_plot(scores, scales=["vision", "coaching"], max_pairs=2000, seed=7)
    other = outcome_plots.paired_change_plot(scores, scales=["vision", "coaching"], max_pairs=2000, seed=8)
    segments = [np.asarray(line_collections(p)[0][0].get_segments()) for p in (plot, again, other)]
    assert np.array_equal(segments[0], segments[1]) and not np.array_equal(segments[0], segments[2])
    assert len(plot.png) < 400_000  # the PNG stays small


def test_the_individual_change_plot_draws_every_pair_of_a_small_cohort():
    scores, pre, post = generated_pairs(100)
    plot = outcome_plots.paired_change_plot(scores, scales=["vision", "coaching"])
    collections = line_collections(plot)
    assert [len(c[0].get_segments()) for c in collections] == [100, 100]
    drawn = np.asarray(collections[0][0].get_segments())  # vision, participants in order of their id
    assert np.array_equal(drawn[:, 0, 1], pre[0]) and np.array_equal(drawn[:, 1, 1], post[0])
    assert plot.alt == (f"Paired change plot: one line per participant between the before and after questionnaires, "
                        "mean in bold. "
                        f"Vision: mean {pre[0].mean():.2f} to {post[0].mean():.2f} (n = 100); "
                        f"Coaching: mean {pre[1].mean():.2f} to {post[1].mean():.2f} (n = 100).")
    assert [list(panel.texts) for panel in plot.figure.axes if panel.get_visible()] == [[], []]


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "1000"])
def test_the_cap_of_drawn_pairs_is_checked(bad):
    with pytest.raises(ValueError, match="`max_pairs` must be a whole number"):
        outcome_plots.paired_change_plot(SCORES, scales=["vision"], max_pairs=bad)


def test_the_cost_curve_of_a_national_programme_is_drawn_from_a_few_thousand_points():
    n = 3_000_000  # three cohorts of a million: the cost curve has a row per number of participants
    participants = np.arange(1, n + 1)
    cohorts = -(-participants // 1_000_000)
    curve = pd.DataFrame({"participants": participants, "cohorts": cohorts,
                          "average_cost": (5e6 * cohorts + 100.0 * participants) / participants,
                          "marginal_cost": 100.0, "price_base_year": 2024})
    plot = cost_plots.cost_curve_chart(curve, enrolled=1_000_000)
    line = plot.figure.axes[0].get_lines()[0]
    x = np.asarray(line.get_xdata())
    assert len(x) <= 2004
    # both sides of each new cohort's step are drawn, so the jump is where it is
    assert {1_000_000, 1_000_001, 2_000_000, 2_000_001, 10, n} <= set(x.tolist())
    assert np.array_equal(np.asarray(line.get_ydata()), curve.set_index("participants").loc[x, "average_cost"].to_numpy())


def _three_cohort_curve() -> pd.DataFrame:
    """A cost curve of 1 to 30 participants in cohorts of 10: fixed £300, £500 a cohort, £100 a participant."""
    participants = np.arange(1, 31)
    cohorts = -(-participants // 10)
    return pd.DataFrame({"participants": participants, "cohorts": cohorts,
                         "average_cost": (300.0 + 500.0 * cohorts + 100.0 * participants) / participants,
                         "marginal_cost": 100.0, "price_base_year": 2024})


def test_the_cost_curves_alt_text_gives_its_lowest_average_not_an_approach_to_v():
    # The alt text said the average "approaches the cost of one more participant, £8,661": each new
    # cohort brings its own fixed costs, so on cohort 1's chart the average never fell below £13,267.
    curve = _three_cohort_curve()
    alt = cost_plots.cost_curve_chart(curve, enrolled=10).alt
    assert "approaches" not in alt
    # the lowest average is where the chart ends (it keeps falling): "is lowest, £13,267, at 309 participants"
    # said a minimum the curve does not have
    assert ("jumps when a new cohort of 10 starts (at 11, 21 participants), and falls to £160 at 30 participants, "
            "where the chart ends: above the cost of one more participant, £100 (the dashed line), because each new "
            "cohort brings its own fixed costs.") in alt
    assert "is lowest" not in alt
    one = cost_plots.cost_curve_chart(curve[curve["cohorts"] == 1], enrolled=10).alt
    assert "jumps" not in one and one.endswith("It is £180 at this cohort's 10 participants, where the chart ends: "
                                               "above the cost of one more participant, £100 (the dashed line).")
    # a table that goes on past its lowest average says "lowest within the chart"
    rising = curve[curve["participants"] <= 12]
    assert "and is lowest within the chart, £180, at 10 participants" in cost_plots.cost_curve_chart(rising, enrolled=10).alt


def test_the_cost_curves_alt_text_says_the_line_starts_at_10_participants_where_the_table_starts_at_1():
    # The alt text began "It falls from £62,906 at 10 participants" beside a cost-curve table from 1
    # participant (£552,587): the line is drawn from 10 (the average at 1 would flatten the rest of
    # it), and the alt text now says so, with the figure the table gives at 1.
    curve = _three_cohort_curve()
    plot = cost_plots.cost_curve_chart(curve, enrolled=10)
    assert plot.figure.axes[0].get_lines()[0].get_xdata()[0] == 10  # what the figure draws
    assert plot.alt.startswith(
        "Line chart of the average cost per participant against the number of participants, 2024 prices, drawn from "
        "10 participants, not from 1: with fewer the average is higher (£900 at 1 participant) and would flatten "
        "the rest of the line. It is £180 at this cohort's 10 participants,")  # not "falls from £180 … to £180"
    from_ten = cost_plots.cost_curve_chart(curve[curve["participants"] >= 10], enrolled=10).alt
    assert "drawn from" not in from_ten and "2024 prices. It is £180 at this cohort's 10 participants" in from_ten
    larger = cost_plots.cost_curve_chart(curve, enrolled=20).alt  # a cohort larger than 10: the line falls to it
    assert "It falls from £180 at 10 participants to £165 at this cohort's 20, jumps when" in larger


def test_the_lorenz_alt_text_reads_the_curve_at_half_the_workforce_not_the_next_point():
    # The pilot's withheld areas, pooled into one point, ran from 36% to 89% of the workforce and
    # from 0% to 75% of the places; the alt text took the first point past half the workforce and
    # said the lowest-rate half "had about 75% of the places", more than a Lorenz curve (lowest
    # rate first) can give it. Read on the curve as drawn: 0.75 × (0.5 − 0.356) / (0.887 − 0.356).
    lorenz = pd.DataFrame({"cum_workforce_share": [0.0, 0.356, 0.887, 1.0], "cum_places_share": [0.0, 0.0, 0.75, 1.0]})
    alt = equity_plots.lorenz_chart(lorenz, 0.40).alt
    assert alt.endswith("the lowest rates had about 20% of the places.")
    share = int(alt.rsplit("about ", 1)[1].split("%")[0])
    assert share <= 50  # the lowest-rate half never has more than half the places


def test_a_group_chart_with_nothing_to_draw_says_so_instead_of_an_empty_grid():
    # The pilot's change-by-group chart withheld every one of its 20 groups: it drew 20 labels
    # "(withheld)" on an empty axis from 0 to 1. It now says that no group can be shown, and why.
    withheld = pd.DataFrame({"dimension": "sector", "category": ["health", "council", "voluntary"],
                             "mean_change": [np.nan] * 3, "ci_low": [np.nan] * 3, "ci_high": [np.nan] * 3,
                             "suppressed": ["primary", "secondary", ""]})
    plot = equity_plots.group_estimates_chart(withheld, value="mean_change", low="ci_low", high="ci_high",
                                              xlabel="Mean change", title="Change by group")
    assert plot.alt == ("Change by group: no group can be shown: of the 3 groups, 2 are withheld to protect small "
                        "numbers and 1 has too few people for an estimate.")
    ax = plot.figure.axes[0]
    assert not ax.lines and not ax.axison and "No group can be shown" in ax.texts[0].get_text()
    one = withheld.assign(mean_change=[np.nan, np.nan, 0.3], ci_low=[np.nan, np.nan, 0.1], ci_high=[np.nan, np.nan, 0.5])
    drawn = equity_plots.group_estimates_chart(one, value="mean_change", low="ci_low", high="ci_high",
                                               xlabel="Mean change", title="Change by group")
    assert drawn.figure.axes[0].lines and "Voluntary sector: +0.30" in drawn.alt


def test_a_cohort_smaller_than_10_is_on_its_own_cost_curve_and_the_alt_text_does_not_run_backwards():
    # A cohort of 3 (a curve of 1 to 9 participants) was drawn from 9 participants alone and its alt
    # text read "It falls from £162,485 at 9 participants to £163,151 at this cohort's 3"; a cohort
    # of 6 "falls from £101,184 at 10 participants to £86,224 at this cohort's 6".
    for size in (3, 6):
        participants = np.arange(1, 3 * size + 1)
        cohorts = -(-participants // size)
        curve = pd.DataFrame({"participants": participants, "cohorts": cohorts,
                              "average_cost": (900.0 * cohorts + 100.0 * participants) / participants,
                              "marginal_cost": 100.0, "price_base_year": 2024})
        plot = cost_plots.cost_curve_chart(curve, enrolled=size)
        x = plot.figure.axes[0].get_lines()[0].get_xdata()
        assert x[0] == size and x[-1] == 3 * size  # drawn from the cohort's own size
        assert "It falls" not in plot.alt
        assert (f"drawn from {size} participants, not from 1: with fewer the average is higher (£1,000 at 1 "
                f"participant) and would flatten the rest of the line. It is £{900 // size + 100:,} at this cohort's "
                f"{size} participants, jumps when a new cohort of {size} starts (at {size + 1}, {2 * size + 1} "
                "participants), and is lowest within the chart") in plot.alt


def test_a_cost_per_improver_with_nobody_improved_is_said_plainly_in_the_tornado_and_bootstrap_alt_texts():
    # A cohort in which nobody reliably improved: the tornado's alt text read "base value not
    # available ... Hourly cost ...: not available; ..." and the bootstrap's "observed not available,
    # 95% interval not available to not available, 2000 resamples undefined".
    tornado = pd.DataFrame({
        "measure": "cost_per_reliable_improver", "description": ["Share who reliably improved", "Hours"],
        "low_setting": ["0.0%", "×0.75"], "high_setting": ["56.1%", "×1.5"], "value_low": [np.nan, np.nan],
        "value_high": [290_563.0, np.nan], "value_base": np.nan, "price_base_year": 2024})
    plot = cost_plots.tornado_chart(tornado, measure="cost_per_reliable_improver")
    assert plot.alt == ("Tornado chart of the economic cost per reliable improver: no bars, as there is no economic "
                        "cost per reliable improver to vary (nobody reliably improved).")
    assert plot.title == "Sensitivity: economic cost per reliable improver (not available)"
    none = pd.DataFrame({"measure": ["cost_per_reliable_improver", "cash_cost_per_reliable_improver"],
                         "value": np.nan, "ci_low": np.nan, "ci_high": np.nan, "undefined_draws": 2000,
                         "resamples": 2000, "price_base_year": 2024, "confidence_level": 0.95})
    draws = pd.DataFrame({m: [np.inf] * 2000 for m in none["measure"]}).replace(np.inf, np.nan)
    alt = cost_plots.bootstrap_chart(draws, none).alt
    assert "not available to not available" not in alt and "undefined" not in alt
    assert alt.endswith("Economic cost per reliable improver: not available (nobody reliably improved); Cash cost "
                        "per reliable improver: not available (nobody reliably improved).")
    some = cost_plots.bootstrap_chart(DRAWS, BOOTSTRAP).alt  # 2 of 50 resamples without an improver
    assert "£58,000; 2 of the 50 resamples have no value (nobody reliably improved in them)." in some
    # 82 of 2,000 resamples without an improver put the upper limit among them: "£99,313 to not available"
    open_above = cost_plots.bootstrap_chart(DRAWS, BOOTSTRAP.assign(ci_high=[10900.0, np.nan])).alt
    assert ("observed £45,000, 95% interval from £32,000, with no upper limit; 2 of the 50 resamples have no value "
            "(nobody reliably improved in them).") in open_above and "not available" not in open_above


def test_a_cohort_of_one_has_no_dashed_line_for_the_cost_of_one_more_participant():
    # With cohorts of 1 every further participant starts a new cohort: the chart drew that cohort's
    # fixed costs plus v (£469,284) as "Cost of one more participant (v)", where the summary says £8,587.
    participants = np.arange(1, 4)
    curve = pd.DataFrame({"participants": participants, "cohorts": participants,
                          "average_cost": 1000.0 + 0 * participants, "marginal_cost": 1000.0,
                          "price_base_year": 2024})
    plot = cost_plots.cost_curve_chart(curve, enrolled=1)
    assert not [ln for ln in plot.figure.axes[0].get_lines() if ln.get_linestyle() == "--"]  # no dashed line
    assert "one more participant" not in plot.alt and plot.alt.endswith("is lowest within the chart, £1,000, at 1 participant.")
    assert "It is £1,000 at this cohort's 1 participant," in plot.alt
    six = pd.DataFrame({"participants": np.arange(1, 13), "cohorts": np.repeat([1, 2], 6),
                        "average_cost": 500.0, "marginal_cost": [900.0, 100.0, 100.0, 100.0, 100.0, 100.0,
                                                                 1000.0, 100.0, 100.0, 100.0, 100.0, 100.0],
                        "price_base_year": 2024})
    assert "above the cost of one more participant, £100 (the dashed line)" in cost_plots.cost_curve_chart(
        six, enrolled=6).alt


def test_the_category_charts_alt_text_gives_the_rows_as_the_table_has_them():
    # Cohort 1's alt text read "Other: £104,628 (7%)", a figure not in costs_by_category.csv, which has
    # two "Other" rows: fixed £20,666 and per participant £83,963
    by_category = pd.DataFrame({"category": ["delivery", "other", "other"],
                                "basis": ["fixed", "fixed", "per_participant"],
                                "amount": [342_203.0, 20_666.0, 83_963.0], "share": [0.76, 0.05, 0.19],
                                "price_base_year": 2024})
    alt = cost_plots.category_chart(by_category).alt
    assert "Delivery: £342,203 (76%); Other (fixed): £20,666 (5%); Other (per participant): £83,963 (19%)." in alt
    assert "£104,629" not in alt
