"""Words and findings of the pooled equity table (:mod:`~evaluation.reports.programme_report.equity`).

Built from the published table only (after disclosure control), so no sentence or finding
reveals a withheld count.
"""

from __future__ import annotations

import pandas as pd

from evaluation.core.text import md, safe_code
from evaluation.data.programme import ProgrammeData
from evaluation.reports.equity_report.tables import DIMENSION_TITLES
from evaluation.reports.equity_report.words import group_words, staff_words
from evaluation.reports.findings import Finding
from evaluation.reports.labels import and_list, aside, counted, few_people, population_words
from evaluation.reports.numbers import level_percent
from evaluation.reports.programme_report.equity import TABLE, PooledEquity, pooled_equity

__all__ = ["equity_findings", "equity_summary_markdown", "no_comparison_words", "uncompared"]


def _rl_words(r, pct: str) -> str:
    who, ref = md(group_words(r.category, r.dimension)), md(group_words(r.reference_category, r.dimension))
    dim = DIMENSION_TITLES.get(r.dimension, r.dimension)
    if r.participants == 0:
        return f"{who} ({dim}: no places; {pct} CI 0 to {r.rl_ci_high:.2f} against {ref})"
    return (f"{who} ({dim}: {r.relative_likelihood:.2f} times the chance of {ref}, {pct} CI "
            f"{r.rl_ci_low:.2f} to {r.rl_ci_high:.2f})")


def uncompared(table: pd.DataFrame) -> list[str]:
    """The characteristics (dimensions, in table order) with no relative likelihood shown: no group
    against the eligible population other than the reference has one (its groups withheld, or no
    reference group published).

    Examples
    --------
    >>> t = pd.DataFrame({"dimension": ["sector", "sector", "gender", "gender"],
    ...                   "category": ["a", "b", "female", "male"], "reference_category": ["a", "a", "male", "male"],
    ...                   "relative_likelihood": [1.0, 0.5, float("nan"), 1.0], "suppressed": ["", "", "withheld", ""],
    ...                   "benchmark": "eligible_population"})
    >>> uncompared(t)
    ['gender']
    """
    compared = table[table["relative_likelihood"].notna() & (table["category"] != table["reference_category"])
                     & (table["suppressed"].fillna("") == "") & (table["benchmark"] == "eligible_population")]
    return [d for d in dict.fromkeys(table["dimension"]) if d not in set(compared["dimension"])]


def no_comparison_words(table: pd.DataFrame) -> str:
    """The sentence saying by which characteristics no comparison can be shown, and why ("" if every
    characteristic has one). Says nothing of the withheld groups' sizes."""
    dims = uncompared(table)
    if not dims:
        return ""
    rows = table[table["dimension"].isin(dims) & (table["benchmark"] == "eligible_population")]
    withheld = [d for d in dims if (rows.loc[rows["dimension"] == d, "suppressed"].fillna("") != "").any()]
    other = [d for d in dims if d not in withheld]
    parts = []
    # pooled over cohorts, a group withheld from the pool may still be compared within a cohort's own report
    pooled = "n_cohorts" in table and table["n_cohorts"].max() > 1
    if withheld:
        parts.append(f"By {and_list(DIMENSION_TITLES.get(d, d) for d in withheld)}, no "
                     f"{'pooled ' if pooled else ''}comparison can be shown: the groups a comparison needs are "
                     "withheld (too few people in them, or their numbers would let a small group be worked out)"
                     + ("; the cohort reports show those comparisons they can" if pooled else ""))
    if other:
        parts.append(f"By {and_list(DIMENSION_TITLES.get(d, d) for d in other)}, no comparison can be shown: no "
                     "group besides the reference group has a workforce figure in the eligible population to be "
                     "compared with")
    return ". ".join(parts) + "."


def equity_summary_markdown(result: PooledEquity, data: ProgrammeData) -> str:
    """The plain-language summary of the pooled equity table (Markdown, text from data escaped)."""
    table = result.tables[TABLE]
    pct = level_percent(result.confidence_level)
    low, high = result.band
    k = len(result.cohorts)
    places = int(sum(len(c.participants) for c in data))
    lines = []
    if k == 1:
        lines.append(f"The programme has one cohort with data, so nothing is pooled: the figures below are cohort "
                     f"{result.cohorts[0]}'s, as in its own equity report.")
    else:
        lines.append(f"The {places} places of {k} cohorts ({', '.join(map(str, result.cohorts))}) are pooled, which "
                     "gives more power than any one cohort.")
    population = md(population_words(result.population))
    lines.append(
        f"Places are compared with the eligible population, {population}, in the workforce year nearest the "
        "cohort's year: rates are places per 1,000 eligible staff, and the relative likelihood is a group's rate "
        "divided by the reference group's." if k == 1 else
        f"Each cohort's places are compared with the eligible population, {population}, "
        "in the workforce year nearest the cohort's year, and the eligible headcounts are added up over the cohorts: "
        "rates are places per 1,000 eligible staff-years. The relative likelihood is a group's rate divided by the "
        "reference group's, worked out within each cohort and combined (Mantel–Haenszel), so that the cohorts' "
        "different sizes and years do not pass for a difference between groups.")
    clear = table[table["band"] == "disparity"]
    under = clear[clear["relative_likelihood"] < 1].sort_values("relative_likelihood")
    over = clear[clear["relative_likelihood"] > 1].sort_values("relative_likelihood", ascending=False)
    if len(under):
        lines.append("Less likely to have had a place, and the data are clear about it: "
                     + "; ".join(_rl_words(r, pct) for r in under.itertuples()) + ".")
    if len(over):
        lines.append("More likely to have had a place, and the data are clear about it: "
                     + "; ".join(_rl_words(r, pct) for r in over.itertuples()) + ".")
    if not len(clear):
        lines.append(f"No group shown has a clear disparity (a {pct} interval that excludes 1 with the estimate outside "
                     f"{low:.2f}–{high:.2f}).")
    within = table[table["band"] == "within"]
    if len(within):
        lines.append(f"Shown to have about the same chance as their reference group (the whole {pct} interval inside "
                     f"{low:.2f}–{high:.2f}): " + ", ".join(
                         aside(md(group_words(r.category, r.dimension)), DIMENSION_TITLES.get(r.dimension, r.dimension))
                         for r in within.itertuples()) + ".")
    inconclusive = table[table["band"] == "inconclusive"]
    empty = int((inconclusive["participants"] == 0).sum())
    unclear = len(inconclusive) - empty
    if empty:
        # a group with no places has a relative likelihood of 0; it is inconclusive only because its
        # interval is too wide: so few places were expected in it that having none cannot show a disparity
        reaches = (inconclusive.loc[inconclusive["participants"] == 0, "rl_ci_high"] >= 1).all()
        lines.append(f"{empty} of the groups compared had no places; " + (
            f"so few places were expected in {'it' if empty == 1 else 'them'} that this cannot show a disparity: "
            f"the {pct} interval {'still includes' if empty == 1 else 'of each still includes'} 1 (the same chance as "
            "the reference group)." if reaches else f"the result {'is' if empty == 1 else 'of each is'} inconclusive."))
    bare_zero = int(((table["participants"] == 0) & table["relative_likelihood"].isna()
                     & (table["suppressed"].fillna("") == "")).sum())
    if bare_zero:
        lines.append(f"{counted(bare_zero, 'other group')} had no places but cannot be compared with a reference "
                     "group.")
    if unclear:
        lines.append(f"For {counted(unclear, 'other group')} the result is inconclusive: the {pct} interval does "
                     f"not lie wholly inside {low:.2f}–{high:.2f}, and there is no clear disparity.")
    hidden = int((table["suppressed"] != "").sum())
    if hidden:
        lines.append(f"{counted(hidden, 'group')} {'is' if hidden == 1 else 'are'} not shown: each has "
                     f"{few_people(data.disclosure_threshold)}, or showing its pooled number would let a number a cohort report withholds be worked out.")
    # a replaced reference group is said only where something is compared with it
    none = no_comparison_words(table)
    bare = tuple(f"By {DIMENSION_TITLES.get(d, d)}:" for d in uncompared(table))
    for note in result.notes.itertuples():
        if note.warning == "ReferenceReplaced" and not str(note.message).startswith(bare or ("\0",)):
            lines.append(md(note.message) + ".")
    if none:
        lines.append(md(none))
    return "\n".join(f"- {line}" for line in lines) + "\n"


def equity_findings(data: ProgrammeData, result: PooledEquity | None = None) -> list[Finding]:
    """Findings of the pooled equity table: ``programme.equity.<dimension>.<category>.relative_likelihood``
    for every published, benchmarked category other than the reference (table ``equity_pooled``).
    ``result`` saves recomputing; without it they are re-derived from ``data`` (as ``verify`` does)."""
    result = pooled_equity(data) if result is None else result
    pct = level_percent(result.confidence_level)
    out = []
    for r in result.tables[TABLE].itertuples(index=False):
        if r.suppressed or not r.reference_category or r.category == r.reference_category \
                or pd.isna(r.relative_likelihood):
            continue
        dim = DIMENSION_TITLES.get(r.dimension, r.dimension)
        who, ref = staff_words(r.category, r.dimension), staff_words(r.reference_category, r.dimension)
        ci = "no interval" if pd.isna(r.rl_ci_high) else f"{pct} CI {r.rl_ci_low:.2f} to {r.rl_ci_high:.2f}"
        text = (f"Pooled over {counted(int(r.n_cohorts), 'cohort')}, by {dim}: {who} were "
                f"{r.relative_likelihood:.2f} times as likely as {ref} to have a place ({ci}; {r.band or 'no band'}).")
        out.append(Finding(f"programme.equity.{r.dimension}.{safe_code(r.category)}.relative_likelihood", text,
                           float(r.relative_likelihood), None if pd.isna(r.rl_ci_low) else float(r.rl_ci_low),
                           None if pd.isna(r.rl_ci_high) else float(r.rl_ci_high),
                           f"relative likelihood (rate / rate of {r.reference_category})", TABLE))
    return out
