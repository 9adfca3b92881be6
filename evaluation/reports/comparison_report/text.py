"""The comparison of programmes in words: its headline findings and its summary for commissioners.

Every sentence that sets the programmes' figures side by side states, beside the numbers, the
differences between the programmes that limit the comparison. The workbench states evidence;
it never recommends one programme over another.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from evaluation.core.text import md
from evaluation.data.programme import ProgrammeData, load_programme_data
from evaluation.reports.comparison_limits import MEASURES, limit_labels
from evaluation.reports.comparison_report.tables import comparison_tables
from evaluation.reports.findings import Finding
from evaluation.reports.labels import and_list, counted
from evaluation.reports.numbers import level_percent, money_interval, number

__all__ = ["DEFAULT_PROGRAMMES", "VERDICT_WORDS", "change_verdict", "comparison_findings", "comparison_findings_for", "comparison_summary_markdown",
           "scale_titles"]

#: The programmes compared by default (``make compare``).
DEFAULT_PROGRAMMES = ("leading-to-deliver", "collaborative-leadership")

_RATER_WORDS = {"self": "self-rated", "line_manager": "rated by line managers", "peer": "rated by peers",
                "direct_report": "rated by direct reports"}


#: A change's verdict (``programme_comparison``'s ``verdict``) in words, as the programme and cohort
#: reports say it.
VERDICT_WORDS = {"clear_increase": "clear increase", "clear_decrease": "clear decrease",
                 "no_clear_change": "no clear change",
                 "clear_unadjusted_only": "no clear change once the number of scales tested is allowed for",
                 "not_estimable": "not estimable"}


def change_verdict(row: Any) -> str:
    """A row's verdict in words ("" for a row without one: shares and costs have none).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> change_verdict(SimpleNamespace(verdict="no_clear_change")), change_verdict(SimpleNamespace(verdict=None))
    ('no clear change', '')
    """
    code = getattr(row, "verdict", None)
    return "" if code is None or pd.isna(code) else VERDICT_WORDS.get(str(code), str(code).replace("_", " "))


def _format(measure: str, x: Any, *, sign: bool = True) -> str:
    """A number of ``programme_comparison`` in words, by its measure."""
    if x is None or pd.isna(x):
        return "not available"
    if measure == "mean_change":
        return number(x, sign=sign)
    if measure.endswith("_share"):
        return f"{x:.0%}"
    return f"£{x:,.0f}"


def _value(row: Any) -> str:
    return _format(row.measure, row.value) + (" points" if row.measure == "mean_change" else "")


def _interval(row: Any, pct: str) -> str:
    if pd.isna(row.ci_low):
        return ""
    if pd.isna(row.ci_high):  # a cost per reliable improver open above: some resamples had no improver
        return f"{pct} interval {money_interval(row.ci_low, row.ci_high)}" if row.measure.endswith(
            "reliable_improver") else ""
    return f"{pct} interval {_format(row.measure, row.ci_low)} to {_format(row.measure, row.ci_high)}"


def _what(row: Any, titles: Mapping[str, str]) -> str:
    if row.measure == "mean_change":
        scale = titles.get(row.scale, str(row.scale))
        return f"change on {scale}, {_RATER_WORDS.get(row.rater, str(row.rater))}"
    return MEASURES[row.measure]


def _limits_phrase(limits: pd.DataFrame, measure: str) -> str:
    labels = limit_labels(limits, measure)
    if not labels:
        return ""
    words = and_list(labels)
    return f"not like for like: the programmes differ in {words}"


def comparison_findings(programmes: Sequence[ProgrammeData], tables: Mapping[str, Any] | None = None) -> list[Finding]:
    """The headline findings of the comparison, with stable ids, all in ``programme_comparison``.

    Ids: ``comparison.<programme>.<measure>`` for the shares and costs
    (``reliable_improvement_share``, ``completion_share``, ``cash_cost_per_enrolled``,
    ``cost_per_enrolled``, ``cash_cost_per_reliable_improver``, ``cost_per_reliable_improver``),
    ``comparison.<programme>.mean_change.<rater>.<scale>`` for change. Each statement names its
    basis (pooled over k cohorts, or one cohort) and the differences that limit comparing it
    (``comparison_limits``).

    ``tables`` (from :func:`~evaluation.reports.comparison_report.comparison_tables`) saves
    computing them again; without it they are computed from ``programmes``.

    Examples
    --------
    >>> from evaluation.data.programme import load_programme_data
    >>> data = [load_programme_data(p) for p in DEFAULT_PROGRAMMES]
    >>> comparison_findings(data)[-1].id
    'comparison.collaborative-leadership.cost_per_reliable_improver'
    """
    tables = comparison_tables(programmes) if tables is None else tables
    table, limits = tables["programme_comparison"], tables["comparison_limits"]
    titles = {s: t for p in programmes for c in p for s, t in c.titles.items()}
    out = []
    for row in table.itertuples(index=False):
        pct = level_percent(row.confidence_level)
        interval = _interval(row, pct)
        suffix = f".{row.rater}.{row.scale}" if row.measure == "mean_change" else ""
        money = f" in {int(row.price_base_year)} prices" if not pd.isna(row.price_base_year) else ""
        caveat = _limits_phrase(limits, row.measure)
        verdict = change_verdict(row)
        statement = (f"{row.title}: {_what(row, titles)} {_value(row)}{money}"
                     + (f" ({interval})" if interval else "") + (f", {verdict}" if verdict else "") + f"; {row.basis}"
                     + (f"; {caveat}" if caveat else "") + ".")
        out.append(Finding(f"comparison.{row.programme}.{row.measure}{suffix}", statement, row.value, row.ci_low,
                           row.ci_high, str(row.unit), "programme_comparison"))
    return out


def comparison_findings_for(
    programmes: Sequence[str] = DEFAULT_PROGRAMMES,
    *,
    data_dir: Path | str | None = None,
    params_dir: Path | str | None = None,
) -> list[Finding]:
    """Re-derive the comparison's findings from the programmes' names and folders (for ``verify``).

    Examples
    --------
    >>> [f.id for f in comparison_findings_for()][0]
    'comparison.leading-to-deliver.mean_change.self.leading_change'
    """
    loaded = [load_programme_data(p, data_dir=data_dir, params_dir=params_dir) for p in programmes]
    return comparison_findings(loaded)


def _section(table: pd.DataFrame, limits: pd.DataFrame, measures: Sequence[str], titles: Mapping[str, str],
             pct: str) -> list[str]:
    """A Markdown table of the programmes' figures for some measures, each row with what limits it."""
    rows = table[table["measure"].isin(measures)]
    judged = "verdict" in rows and rows["verdict"].notna().any()  # change has a verdict; shares and costs none
    lines = ["| Programme | Measure | Figure | Interval | " + ("Verdict | " if judged else "")
             + "Based on | Not like for like: the programmes differ in |",
             "|---|---|---:|---|" + ("---|" if judged else "") + "---|---|"]
    for r in rows.itertuples(index=False):
        labels = ", ".join(limit_labels(limits, r.measure)) or "nothing listed"
        lines.append(f"| {md(r.title)} | {md(_what(r, titles))} | {_value(r)} | {_interval(r, pct) or 'none'} | "
                     + (f"{change_verdict(r) or 'none'} | " if judged else "") + f"{md(r.basis)} | {md(labels)} |")
    return lines


def _verdict_rule(tables: Mapping[str, Any], pct: str) -> list[str]:
    """How the change table's verdicts are judged, each programme by its own rule (pooled: the pooled
    interval; one cohort: its cohort report's p-value), and why one cohort's change can be unclear."""
    table = tables["programme_comparison"]
    rows = table[(table["measure"] == "mean_change") & table["verdict"].notna()] if "verdict" in table else table[:0]
    if rows.empty:
        return []
    level = float(table["confidence_level"].iloc[0])
    pooled = list(dict.fromkeys(rows.loc[rows["k_cohorts"] >= 2, "title"]))
    single = list(dict.fromkeys(rows.loc[rows["k_cohorts"] == 1, "title"]))
    # the one-cohort verdicts are the cohort reports', whose p-values are adjusted unless `multiplicity` is "none"
    programmes = set(rows.loc[rows["k_cohorts"] == 1, "programme"])
    adjusted = any(next(iter(f.data)).cohort.multiplicity != "none" for f in tables.get("figures", [])
                   if f.data.name in programmes)
    parts = []
    if pooled:
        parts.append(f"for {and_list(md(t) for t in pooled)}, pooled over cohorts, a change is clear when its "
                     f"{pct} interval lies wholly on one side of zero")
    if single:
        parts.append(f"for {and_list(md(t) for t in single)}, with one cohort, the verdict is {'its' if len(single) == 1 else 'each'} "
                     f"cohort report's: a change is clear when its p-value"
                     + (", adjusted for the number of scales tested," if adjusted else "")
                     + f" is below {1 - level:.2g}. One cohort has only its own people, and the fewer the people the "
                     "wider the interval, so a change of the same size can be unclear in one cohort and clear when "
                     "several cohorts are pooled")
    text = "How each verdict is judged: " + "; ".join(parts) + "."
    return ["", text]


def _improver_sentence(table: pd.DataFrame, limits: pd.DataFrame, pct: str) -> list[str]:
    rows = table[(table["measure"] == "cost_per_reliable_improver") & table["value"].notna()].sort_values("value")
    if len(rows) < 2:
        return []
    parts = [f"{md(r.title)} {_value(r)} ({_interval(r, pct) or 'no interval'}; {md(r.basis)})"
             for r in rows.itertuples(index=False)]
    lo, hi = rows.iloc[0], rows.iloc[-1]
    missing = [md(r.title) for r in (lo, hi) if pd.isna(r.ci_low)]
    if missing:
        span = f"cannot be compared, as {and_list(missing)} {'has' if len(missing) == 1 else 'have'} no interval"
    else:  # an interval open above (no upper limit) reaches every higher value
        top = np.inf if pd.isna(lo.ci_high) else lo.ci_high
        span = "overlap" if top >= hi.ci_low else "do not overlap"
    year = int(rows["price_base_year"].iloc[0])
    return ["", f"**Cost per reliable improver, with what limits it.** With participants' time included, in "
                f"{year} prices: " + "; ".join(parts) + f". The intervals of the lowest and the highest {span}. "
                + md(_limits_phrase(limits, "cost_per_reliable_improver")).capitalize()
                + " (each difference is set out above)."]


def scale_titles(tables: Mapping[str, Any]) -> dict[str, str]:
    """Each compared scale's title from its instrument (``leading_change`` → "Leading change"),
    from the programmes behind the tables of :func:`comparison_tables`."""
    return {s: t for f in tables["figures"] for c in f.data for s, t in c.titles.items()}


def comparison_summary_markdown(tables: Mapping[str, Any]) -> str:
    """The plain-language summary for commissioners (Markdown, every value from data escaped)."""
    table, limits, profiles = tables["programme_comparison"], tables["comparison_limits"], tables["programme_profiles"]
    titles = scale_titles(tables)
    pct = level_percent(table["confidence_level"].iloc[0])
    year = int(profiles["price_base_year"].iloc[0])
    names = [md(t) for t in profiles["title"]]
    who = and_list(names)
    lines = [
        f"## Summary for commissioners: {who} side by side",
        "",
        "This report sets the programmes' results and costs side by side and, beside every figure, states the "
        "differences between the programmes that limit comparing them. It states evidence; it does not "
        "recommend one programme over another. Money is in "
        f"**{year} prices** (HM Treasury GDP deflator); intervals are {pct} intervals.",
        "",
        "**Who and what is compared.** " + "; ".join(
            f"{md(r.title)}: {r.cohorts} cohort{'s' if r.cohorts > 1 else ''} ({md(r.years)}), {r.participants} "
            f"participants, for {md(r.eligible_population_words)}"
            for r in profiles.itertuples(index=False)) + ".",
    ]
    if len(limits):
        lines += ["", f"**What differs between them ({counted(len(limits), 'difference')}; the table \"What differs "
                      "between the programmes\" below sets them out again).**", ""]
        lines += [f"- **{md(r.what)}**: {md(r.values)}. Limits: {md(r.measures_limited)}. {md(r.why)}"
                  for r in limits.itertuples(index=False)]
    lines += ["", "**Change from before to just after the programme** (on each instrument's main scale; "
                  "a programme with several cohorts pooled by random effects).", ""]
    lines += _section(table, limits, ["mean_change"], titles, pct)
    lines += _verdict_rule(tables, pct)
    lines += ["", "**Reliable improvement and completion.**", ""]
    lines += _section(table, limits, ["reliable_improvement_share", "completion_share"], titles, pct)
    lines += ["", "**Costs** (cash: what the commissioner pays; economic: participants' time included).", ""]
    lines += _section(table, limits, ["cash_cost_per_enrolled", "cost_per_enrolled",
                                      "cash_cost_per_reliable_improver", "cost_per_reliable_improver"], titles, pct)
    lines += _improver_sentence(table, limits, pct)
    lines += ["", "**What these figures cannot say.** Each describes change in the people who took part, measured "
                  "before and after; none shows on its own what a programme caused, and a difference between two "
                  "programmes' figures may come from the differences listed above rather than from the "
                  "programmes."]
    return "\n".join(lines)

