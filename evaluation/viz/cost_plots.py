"""Figures of the cost-per-participant report, drawn from the tables of :mod:`evaluation.reports.cost_report`.

Same conventions as :mod:`evaluation.viz.figure`: each function returns a
:class:`~evaluation.viz.figure.Plot` (a matplotlib ``Figure`` built without pyplot, alternative
text written from the data shown, and its title); axes are labelled and every money axis names
its price base. This module computes no statistics.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from evaluation.viz.figure import DPI, Plot, new_figure

__all__ = [
    "benchmark_chart",
    "bootstrap_chart",
    "category_chart",
    "comparison_chart",
    "cost_curve_chart",
    "tornado_chart",
]

BASIS_COLOURS = {"fixed": "#2166ac", "per_participant": "#92c5de"}
MEASURE_WORDS = {
    "cost_per_enrolled": "Cost per enrolled participant",
    "cost_per_completer": "Cost per completer",
    "cost_per_reliable_improver": "Cost per reliable improver",
    "total_cost": "Total cost",
}


def _money(x: float) -> str:
    return "not available" if x is None or (isinstance(x, float) and math.isnan(x)) else f"£{x:,.0f}"


def _words(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _pounds_axis(axis, *, thousands: bool = False, ticks: int | None = None) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    if ticks:
        axis.set_major_locator(MaxNLocator(ticks))
    if thousands:
        axis.set_major_formatter(FuncFormatter(lambda x, _: f"£{x / 1000:,.0f}k"))
    else:
        axis.set_major_formatter(FuncFormatter(lambda x, _: f"£{x:,.0f}"))


def category_chart(by_category: pd.DataFrame) -> Plot:
    """Horizontal bars of the cost by category, fixed and per-participant parts stacked."""
    year = int(by_category["price_base_year"].iloc[0]) if len(by_category) else None
    categories = list(dict.fromkeys(by_category["category"]))
    fig, ax = new_figure(9.0, 0.4 * max(len(categories), 3) + 1.6)
    y = np.arange(len(categories))[::-1]
    left = np.zeros(len(categories))
    for basis in ("fixed", "per_participant"):
        rows = by_category[by_category["basis"] == basis].set_index("category")["amount"]
        values = np.array([float(rows.get(c, 0.0)) for c in categories])
        ax.barh(y, values, left=left, color=BASIS_COLOURS[basis], label=basis.replace("_", " "))
        left += values
    ax.set_yticks(y, [_words(c) for c in categories])
    _pounds_axis(ax.xaxis, thousands=True)
    ax.set_xlabel(f"Cost to the cohort (GBP, {year} prices)")
    ax.set_ylabel("Category")
    title = f"Fully loaded costs by category ({year} prices)"
    ax.set_title(title)
    ax.legend(title="Basis", fontsize=9, frameon=False, loc="lower right")
    totals = by_category.groupby("category", sort=False)["amount"].sum()
    shares = by_category.groupby("category", sort=False)["share"].sum()
    alt = f"Bar chart of the cohort's costs by category, {year} prices. " + "; ".join(
        f"{_words(c)}: {_money(totals[c])} ({shares[c]:.0%})" for c in categories) + "."
    return Plot(fig, alt, title)


def cost_curve_chart(curve: pd.DataFrame, *, enrolled: int) -> Plot:
    """Average cost per participant as the programme grows, with the step of each new cohort."""
    year = int(curve["price_base_year"].iloc[0])
    fig, ax = new_figure(9.0, 4.2)
    start = max(1, int(min(10, len(curve))))
    shown = curve[curve["participants"] >= start]
    ax.plot(shown["participants"], shown["average_cost"], color="#2166ac", label="Average cost per participant")
    v = float(curve["marginal_cost"].iloc[min(1, len(curve) - 1)])
    ax.axhline(v, color="#b2182b", linestyle="--", linewidth=1, label="Cost of one more participant (v)")
    here = curve[curve["participants"] == enrolled]
    if len(here):
        ax.plot(here["participants"], here["average_cost"], "o", color="black", label="This cohort")
    steps = curve.loc[curve["cohorts"].diff() > 0, "participants"]
    for n in steps:
        ax.axvline(n, color="#bdbdbd", linewidth=0.8)
    _pounds_axis(ax.yaxis)
    ax.set_ylim(0, float(shown["average_cost"].max()) * 1.1)
    ax.set_xlabel("Participants (a new cohort starts at each grey line)")
    ax.set_ylabel(f"GBP per participant ({year} prices)")
    title = f"Cost per participant as the programme grows ({year} prices)"
    ax.set_title(title)
    ax.legend(fontsize=9, frameon=False)
    at = here["average_cost"].iloc[0] if len(here) else math.nan
    alt = (f"Line chart of the average cost per participant against the number of participants, {year} prices. "
           f"It falls from {_money(float(shown['average_cost'].iloc[0]))} at {int(shown['participants'].iloc[0])} "
           f"participants to {_money(at)} at this cohort's {enrolled}, jumps when a new cohort of {enrolled} starts "
           f"(at {', '.join(str(int(n)) for n in steps)} participants), and approaches the cost of one more "
           f"participant, {_money(v)}.")
    return Plot(fig, alt, title)


def tornado_chart(tornado: pd.DataFrame, *, measure: str = "cost_per_completer") -> Plot:
    """One-way sensitivity: the range of the measure as each input moves from low to high."""
    rows = tornado[tornado["measure"] == measure].reset_index(drop=True)
    year = int(rows["price_base_year"].iloc[0])
    base = float(rows["value_base"].iloc[0])
    fig, ax = new_figure(9.0, 0.55 * max(len(rows), 3) + 1.6)
    y = np.arange(len(rows))[::-1]
    labels, parts = [], []
    for yi, r in zip(y, rows.itertuples(index=False), strict=True):
        labels.append(f"{r.description}\n({r.low_setting} to {r.high_setting})")
        if math.isnan(r.value_low) or math.isnan(r.value_high):
            parts.append(f"{r.description}: not available")
            continue
        for value, colour in ((r.value_low, "#92c5de"), (r.value_high, "#f4a582")):
            ax.barh(yi, value - base, left=base, color=colour, height=0.6)
        parts.append(f"{r.description}: {_money(r.value_low)} at {r.low_setting}, {_money(r.value_high)} at "
                     f"{r.high_setting}")
    from matplotlib.patches import Patch

    ax.axvline(base, color="black", linewidth=1)
    ax.set_yticks(y, labels, fontsize=8)
    _pounds_axis(ax.xaxis, ticks=6)
    words = MEASURE_WORDS.get(measure, _words(measure))
    ax.set_xlabel(f"{words} (GBP, {year} prices)")
    fig.legend(handles=[Patch(color="#92c5de", label="low setting"), Patch(color="#f4a582", label="high setting")],
               loc="outside lower center", ncols=2, fontsize=9, frameon=False)
    ax.set_ylabel("Input varied")
    title = f"Sensitivity: {words.lower()} (base {_money(base)}, black line)"
    fig.suptitle(title)
    alt = (f"Tornado chart of the {words.lower()}, base value {_money(base)} ({year} prices), with the widest "
           "swing first. " + "; ".join(parts) + ".")
    return Plot(fig, alt, title)


def bootstrap_chart(draws: pd.DataFrame, bootstrap: pd.DataFrame,
                    measures: tuple[str, ...] = ("cost_per_completer", "cost_per_reliable_improver")) -> Plot:
    """Histograms of the bootstrap draws with the observed value and the percentile interval."""
    from seaborn import set_theme

    set_theme(style="whitegrid", context="notebook")
    from matplotlib.figure import Figure

    summary = bootstrap.set_index("measure")
    year = int(bootstrap["price_base_year"].iloc[0])
    level = float(bootstrap["confidence_level"].iloc[0])
    fig = Figure(figsize=(9.0, 3.6), dpi=DPI, layout="constrained")
    axes = fig.subplots(1, len(measures), squeeze=False)[0]
    parts = []
    for ax, measure in zip(axes, measures, strict=True):
        values = draws[measure].dropna().to_numpy()
        words = MEASURE_WORDS.get(measure, _words(measure))
        row = summary.loc[measure]
        if values.size:
            ax.hist(values, bins=40, color="#92c5de", edgecolor="white")
        for limit in (row["ci_low"], row["ci_high"]):
            if not pd.isna(limit):
                ax.axvline(limit, color="#2166ac", linestyle="--", linewidth=1)
        if not pd.isna(row["value"]):
            ax.axvline(row["value"], color="black", linewidth=1.5)
        span = float(values.max() - values.min()) if values.size else 0.0
        _pounds_axis(ax.xaxis, thousands=span >= 20_000, ticks=5)
        ax.set_xlabel(f"{words} (GBP, {year} prices)")
        ax.set_ylabel("Resamples")
        ax.set_title(words, fontsize=10)
        undefined = int(row["undefined_draws"])
        parts.append(f"{words}: observed {_money(row['value'])}, {level:.0%} interval {_money(row['ci_low'])} to "
                     f"{_money(row['ci_high'])}" + (f", {undefined} resamples undefined" if undefined else ""))
    resamples = int(bootstrap["resamples"].iloc[0])
    title = f"Bootstrap distribution ({resamples:,} resamples of participants)"
    fig.suptitle(title)
    alt = (f"Histograms of {resamples:,} bootstrap resamples; solid line = observed value, dashed lines = "
           f"{level:.0%} percentile interval ({year} prices). " + "; ".join(parts) + ".")
    return Plot(fig, alt, title)


def benchmark_chart(benchmarks: pd.DataFrame) -> Plot:
    """Published benchmark ranges in base-year prices beside this cohort's cost per place."""
    year = int(benchmarks["price_base_year"].iloc[0])
    fig, ax = new_figure(10.0, 0.6 * len(benchmarks) + 1.6)
    y = np.arange(len(benchmarks))[::-1]
    values = benchmarks[["low_real", "high_real"]].to_numpy(dtype=float)
    top = float(np.nanmax(values)) * 1.25 if np.isfinite(values).any() else 1.0
    top = top if top > 0 else 1.0
    parts = []
    for yi, r in zip(y, benchmarks.itertuples(index=False), strict=True):
        if math.isnan(r.low_real):
            parts.append(f"{r.item}: not available in {year} prices")
            continue
        if r.kind == "benchmark":
            high = r.high_real if not math.isnan(r.high_real) else top
            ax.barh(yi, high - r.low_real, left=r.low_real, color="#d1e5f0", edgecolor="#2166ac", height=0.5)
            if math.isnan(r.high_real):
                ax.annotate("and more", (high, yi), xytext=(-4, 0), textcoords="offset points", ha="right",
                            va="center", fontsize=8)
                parts.append(f"{r.item}: {_money(r.low_real)} or more")
            else:
                parts.append(f"{r.item}: {_money(r.low_real)} to {_money(r.high_real)}")
        else:
            ax.plot([r.low_real], [yi], "D", color="black")
            parts.append(f"{r.item}: {_money(r.low_real)}")
    ax.set_yticks(y, [str(i) for i in benchmarks["item"]], fontsize=8)
    ax.set_xlim(0, top)
    _pounds_axis(ax.xaxis, thousands=True)
    ax.set_xlabel(f"GBP per participant ({year} prices)")
    ax.set_ylabel("")
    title = f"Cost per place against published benchmarks ({year} prices)"
    ax.set_title(title)
    alt = f"Chart of cost per participant in {year} prices. " + "; ".join(parts) + "."
    return Plot(fig, alt, title)


def comparison_chart(comparison: pd.DataFrame,
                     measures: tuple[str, ...] = ("cost_per_enrolled", "cost_per_completer",
                                                  "cost_per_reliable_improver")) -> Plot:
    """Cost per enrolled participant, per completer and per reliable improver by cohort, with intervals."""
    from matplotlib.figure import Figure
    from seaborn import set_theme

    set_theme(style="whitegrid", context="notebook")
    rows = comparison[comparison["level"] == "cohort"].reset_index(drop=True)
    year = int(comparison["price_base_year"].iloc[0])
    labels = [f"{r.programme_title}, cohort {int(r.cohort)}" for r in rows.itertuples()]
    fig = Figure(figsize=(9.0, 0.45 * max(len(rows), 3) + 1.8), dpi=DPI, layout="constrained")
    axes = fig.subplots(1, len(measures), sharey=True, squeeze=False)[0]
    y = np.arange(len(rows))[::-1]
    parts = []
    for ax, measure in zip(axes, measures, strict=True):
        value = rows[measure].to_numpy(dtype=float)
        lo = rows[f"{measure}_ci_low"].to_numpy(dtype=float)
        hi = rows[f"{measure}_ci_high"].to_numpy(dtype=float)
        err = np.vstack([np.where(np.isnan(lo), 0, value - lo), np.where(np.isnan(hi), 0, hi - value)])
        ax.errorbar(value, y, xerr=np.nan_to_num(err), fmt="o", color="#2166ac", capsize=3)
        _pounds_axis(ax.xaxis, thousands=True)
        ax.set_xlabel(f"GBP ({year} prices)")
        ax.set_title(MEASURE_WORDS[measure], fontsize=10)
        right = np.nanmax(np.concatenate([value, hi])) if len(value) else 1.0
        ax.set_xlim(0, float(right) * 1.12 if np.isfinite(right) and right > 0 else 1.0)
        parts.append(MEASURE_WORDS[measure] + ": " + ", ".join(
            f"{lab} {_money(v)}" for lab, v in zip(labels, value, strict=True)))
    axes[0].set_yticks(y, labels, fontsize=8)
    axes[0].set_ylabel("Programme and cohort")
    title = f"Cost per participant across cohorts and programmes ({year} prices)"
    fig.suptitle(title)
    alt = f"Dot plot with bootstrap intervals, {year} prices. " + "; ".join(parts) + "."
    return Plot(fig, alt, title)
