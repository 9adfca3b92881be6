"""Where the programme works and where it is blocked: the table, its summary and findings.

* :func:`where_it_works` — the published ``tables/where_it_works.csv``: change by framework
  area, role level and sector and by the crossings framework area × role level and role level
  × sector, pooled over the cohorts, after disclosure control (computed in
  :mod:`~evaluation.reports.programme_report.where_table`, protected by
  :mod:`~evaluation.reports.programme_report.where_disclosure`);
* :func:`where_summary` — the plain-language summary for commissioners (Markdown, escaped);
* :func:`where_findings` — the findings (``programme.where.…``, table ``where_it_works``).

Every sentence is read off the published (suppressed) table: a group that is withheld is never
named with a number or a verdict. The evaluator-only success-case frame is in
:mod:`~evaluation.reports.programme_report.success_cases`.
"""

from __future__ import annotations

import pandas as pd

from evaluation.core.text import md
from evaluation.data.programme import ProgrammeData
from evaluation.reports.findings import Finding
from evaluation.reports.labels import and_list, aside, ratings_words
from evaluation.reports.numbers import interval, level_percent, signed
from evaluation.reports.programme_report.where_blocked import crossed_line
from evaluation.reports.programme_report.where_disclosure import ALL
from evaluation.reports.programme_report.where_table import (
    CROSSINGS,
    DIMENSIONS,
    VERDICTS,
    WHERE_COLUMNS,
    stratified_change,
    where_it_works,
    where_populations,
)
from evaluation.reports.programme_report.where_words import group_words

__all__ = [
    "CROSSINGS",
    "DIMENSIONS",
    "VERDICTS",
    "WHERE_COLUMNS",
    "group_words",
    "headline_populations",
    "stratified_change",
    "where_findings",
    "where_it_works",
    "where_summary",
]

_DIMENSION = {"framework_area": "framework area", "role_level": "role level", "sector": "sector"}


def headline_populations(data: ProgrammeData) -> list:
    """The populations the summary speaks of: the primary scale (self) and, per rater, the
    primary scale of the level-3 instrument (or its first level-3 scale)."""
    pops = where_populations(data)
    primaries = {inst.primary_scale for c in data for inst in c.instruments.values()}
    out, raters = [], set()
    for p in pops:
        if p.rater in raters:
            continue
        if p.scale in primaries or p.rater != "self":
            out.append(p)
            raters.add(p.rater)
    return out


def _one_way(table: pd.DataFrame, pop) -> pd.DataFrame:
    return table[(table["scale"] == pop.scale) & (table["rater"] == pop.rater)
                 & (table["comparison"] == pop.comparison) & table["dimension"].isin(DIMENSIONS)]


def _listing(rows: pd.DataFrame) -> str:
    return and_list(md(group_words(d, c)) for d, c in zip(rows["dimension"], rows["category"], strict=True))


def where_summary(data: ProgrammeData, table: pd.DataFrame | None = None) -> str:
    """The plain-language summary of where the programme works and where it is blocked (Markdown, escaped).

    Parameters
    ----------
    data : ProgrammeData
    table : DataFrame, optional
        :func:`~evaluation.reports.programme_report.where.where_it_works` (computed when omitted).

    Returns
    -------
    str
        Markdown: per headline population (the primary scale, self-rated; the level-3 primary
        scale, line managers) the whole programme's change, the groups where it works (clear
        improvement) and where it is blocked (no clear change, clear decline, low completion),
        and how many groups are not shown. Text from data or parameters is escaped.

    Examples
    --------
    >>> from evaluation.data.programme import load_programme_data
    >>> print(where_summary(load_programme_data("leading-to-deliver")))  # doctest: +SKIP
    """
    table = where_it_works(data) if table is None else table
    titles = next(iter(data)).titles
    k = len(data)
    lines = []
    if k == 1:
        lines.append(f"With one cohort (cohort {md(next(iter(data)).cohort.cohort)}), nothing is pooled: these are that "
                     "cohort's changes by group.")
    for pop in headline_populations(data):
        rows = _one_way(table, pop)
        whole = table[(table["dimension"] == ALL) & (table["scale"] == pop.scale) & (table["rater"] == pop.rater)]
        title = md(titles.get(pop.scale, pop.scale))
        who = md(ratings_words(pop.rater))
        shown = rows[rows["verdict"] != ""]
        if not len(whole) or whole["verdict"].iloc[0] == "":
            continue
        w = whole.iloc[0]
        ci = interval(w["change_ci_low"], w["change_ci_high"], sign=True)
        lines.append(f"**{title}, {who}.** Over all {w['n_pairs']} people with both ratings from {w['n_cohorts']} "
                     f"cohort{'s' if w['n_cohorts'] != 1 else ''}: {signed(w['mean_change'])} points "
                     f"({level_percent(data.confidence_level)} CI {ci}), {w['verdict']}.")
        for verdict, lead in (("clear improvement", "Works, with clear improvement, in"),
                              ("no clear change", "Blocked, with no clear change, in"),
                              ("clear decline", "Blocked, with a clear decline, in")):
            hit = shown[shown["verdict"] == verdict]
            if len(hit):
                lines.append(f"- {lead}: {_listing(hit)}.")
        hidden = rows[rows["verdict"] == ""]
        if len(hidden):
            lines.append(f"- Not shown ({len(hidden)} group{'s' if len(hidden) != 1 else ''}): too few people, or "
                         "showing them would let a small group be worked out.")
        crossed = crossed_line(table, pop)
        if crossed:
            lines.append(crossed)
    primary = table[table["rater"] == "self"]
    first = headline_populations(data)[:1]
    if first:
        rows = _one_way(table, first[0])
        low = rows[rows["blocked"].str.contains("low completion", regex=False)]
        overall = primary.loc[primary["dimension"] == ALL, "completion_share"]
        share = f"{overall.iloc[0]:.0%}" if len(overall) else "the programme's share"
        if len(low):
            lines.append(f"**Where completion is blocked.** Completion is clearly below the programme's {share} for: "
                         f"{_listing(low)}.")
        else:
            lines.append(f"**Completion.** No group shown has completion clearly below the programme's {share}.")
    lines.append("A verdict is \"clear\" when the interval lies wholly on one side of no change; the intervals are "
                 "not adjusted for the many groups compared, so an occasional clear result in a small group can arise "
                 "by chance. The design has no comparison group: these are changes in the people who took part, not "
                 "proof that the programme caused them." + (
                     " These changes pool the programme's people, cohort by cohort, and do not allow for cohorts "
                     "differing, so their intervals can be narrower than those of the changes pooled over cohorts "
                     "above (outcomes across cohorts), and a change clear here may not be clear there." if k > 1 else ""))
    return "\n\n".join(lines)


def where_findings(data: ProgrammeData, table: pd.DataFrame | None = None) -> list[Finding]:
    """The findings of ``where_it_works``: the pooled change of each published one-way group.

    Ids ``programme.where.<scale>.<rater>.<dimension>.<category>.mean_change`` (and
    ``….all.all…`` for the whole programme), for the populations of :func:`headline_populations`.

    Parameters
    ----------
    data : ProgrammeData
    table : DataFrame, optional
        :func:`where_it_works` (computed when omitted; ``verify`` re-derives from the data).

    Returns
    -------
    list of Finding
        Value and interval: the pooled mean change in scale points; table ``where_it_works``.

    Examples
    --------
    >>> from evaluation.data.programme import load_programme_data
    >>> where_findings(load_programme_data("collaborative-leadership"))[0].id  # doctest: +SKIP
    'programme.where.leading_change.self.all.all.mean_change'
    """
    table = where_it_works(data) if table is None else table
    titles = next(iter(data)).titles
    found = []
    for pop in headline_populations(data):
        rows = table[(table["scale"] == pop.scale) & (table["rater"] == pop.rater)
                     & (table["comparison"] == pop.comparison) & table["dimension"].isin([ALL, *DIMENSIONS])]
        for r in rows[rows["verdict"] != ""].itertuples(index=False):
            group = "the whole programme" if r.dimension == ALL else group_words(r.dimension, r.category)
            ci = interval(r.change_ci_low, r.change_ci_high, sign=True)
            statement = (f"{group[:1].upper()}{group[1:]}: "
                         f"{aside(titles.get(pop.scale, pop.scale), ratings_words(pop.rater))} changed by {signed(r.mean_change)} points "
                         f"({level_percent(data.confidence_level)} CI {ci}) over {r.n_pairs} people from "
                         f"{r.n_cohorts} cohort{'s' if r.n_cohorts != 1 else ''}: {r.verdict}.")
            found.append(Finding(f"programme.where.{pop.scale}.{pop.rater}.{r.dimension}.{r.category}.mean_change",
                                 statement, r.mean_change, r.change_ci_low, r.change_ci_high, "scale points",
                                 "where_it_works"))
    return found
