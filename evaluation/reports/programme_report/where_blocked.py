"""Where the group table shows the programme blocked on its main outcomes, in words.

For the evidence summary's "Where do blockages occur?" and the group section's summary: the
one-way groups (framework area, role level, sector) named, the crossed groups (framework area ×
role level, role level × sector) counted with an example and pointed to in the full table, and a
rater for whom no one-way group's change can be shown said so. Every word is read off the
published (suppressed) ``where_it_works`` table: a withheld row is never named or counted.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from evaluation.core.text import md
from evaluation.reports.labels import and_list, counted, ratings_words
from evaluation.reports.programme_report.where_table import CROSSINGS, DIMENSIONS
from evaluation.reports.programme_report.where_words import CROSS, group_words

__all__ = ["FULL_TABLE", "blocked_parts", "crossed_line", "crossing_words"]

#: Where the crossed groups are published (the page shows the one-way groups only).
FULL_TABLE = "tables/where_it_works.csv"
_CROSSINGS = and_list(CROSS.join(d.replace("_", " ") for d in pair) for pair in CROSSINGS)


def crossing_words(dimension: str, category: str) -> str:
    """A group of a crossing in words, part by part.

    Examples
    --------
    >>> crossing_words("framework_area × role_level", "academic × first_line_manager")
    'academic framework area × first-line manager'
    """
    return CROSS.join(group_words(d, c) for d, c in zip(dimension.split(CROSS), category.split(CROSS), strict=True))


def _main(where: pd.DataFrame, headline: Sequence) -> pd.DataFrame:
    keys = pd.Series(list(zip(where["scale"], where["rater"], strict=True)), index=where.index)
    return where[keys.isin({(p.scale, p.rater) for p in headline})]


def _blocked(rows: pd.DataFrame) -> pd.DataFrame:
    return rows[rows["blocked"].fillna("").astype(str).str.len() > 0]


def _changed(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows whose change (and so verdict) is shown."""
    return rows[rows["verdict"].fillna("").astype(str).str.len() > 0]


def blocked_parts(where: pd.DataFrame, headline: Sequence) -> list[str]:
    """The clauses of the blockages finding about groups, each true of ``where`` (the published table).

    Parameters
    ----------
    where : DataFrame
        ``where_it_works`` as published.
    headline : sequence
        The main outcomes' populations (``scale`` and ``rater`` attributes).

    Returns
    -------
    list of str
        Markdown clauses: the blocked one-way groups named; the blocked crossed groups counted,
        with one named and the full table pointed to; the raters with no one-way change shown;
        or, when nothing shown is blocked, that every group shown has a clear improvement.
    """
    main = _main(where, headline)
    one_way = main[main["dimension"].isin(DIMENSIONS)]
    crossed = main[main["dimension"].str.contains(CROSS, regex=False)]
    parts = []
    groups: dict[str, list[str]] = {}
    for r in _blocked(one_way).itertuples():
        groups.setdefault(group_words(r.dimension, r.category), []).append(ratings_words(r.rater))
    if groups:
        parts.append("on the main outcomes, no clear improvement or low completion for: "
                     + "; ".join(f"{md(g)} ({' and '.join(dict.fromkeys(who))})" for g, who in sorted(groups.items())))
    stuck, shown = _blocked(crossed), _changed(crossed)
    if len(stuck):
        raters = [p.rater for p in headline]
        by = [f"{int((stuck['rater'] == r).sum())} on {ratings_words(r)}" for r in raters if (stuck["rater"] == r).any()]
        first = stuck.iloc[0]
        some = (f"{'both' if len(stuck) == 2 else f'all {len(stuck)}'}" if len(stuck) == len(shown) > 1
                else f"{len(stuck)} of the {len(shown)}")
        parts.append(f"{some} results shown for crossed groups on the main outcomes ({_CROSSINGS}) show no clear "
                     f"improvement ({', '.join(by)}), "
                     f"such as {md(crossing_words(first['dimension'], first['category']))} "
                     f"({ratings_words(first['rater'])}): the full group table ({FULL_TABLE}) lists them")
    unseen = [p.rater for p in headline if _changed(one_way[one_way["rater"] == p.rater]).empty
              and (main["rater"] == p.rater).any()]
    if unseen:
        parts.append(f"no group's change by framework area, role level or sector alone can be shown for "
                     f"{and_list(ratings_words(r) for r in dict.fromkeys(unseen))} (too few people, or showing it "
                     "would let a small group be worked out)")
    any_shown = len(_changed(one_way)) + len(shown)
    if not groups and not len(stuck) and any_shown:
        completion = one_way["completion_share"].notna().any()
        parts.append(f"every group shown on the main outcomes ({counted(any_shown, 'result')}, one-way or crossed) has "
                     "a clear improvement" + (", and none whose completion is shown completed clearly less often "
                                              "than the programme as a whole" if completion else ""))
    return parts


def crossed_line(where: pd.DataFrame, pop) -> str:
    """The group section's line on one population's crossed groups (Markdown; "" if none is shown)."""
    rows = where[(where["scale"] == pop.scale) & (where["rater"] == pop.rater)
                 & where["dimension"].str.contains(CROSS, regex=False)]
    shown = _changed(rows)
    if shown.empty:
        return ""
    clear, stuck = shown[shown["verdict"] == "clear improvement"], _blocked(shown)
    said = [f"{len(clear)} with a clear improvement"] if len(clear) else []
    if len(stuck):
        first = md(crossing_words(stuck.iloc[0]["dimension"], stuck.iloc[0]["category"]))
        said.append(f"{len(stuck)} blocked ({'such as ' if len(stuck) > 1 else ''}{first})")
    return (f"- Crossed groups ({_CROSSINGS}): {len(shown)} shown, {' and '.join(said) or 'none with a verdict'}; "
            f"see the full table, `{FULL_TABLE}`.")
