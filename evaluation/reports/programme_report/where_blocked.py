"""Where the group table shows the programme blocked on its main outcomes, in words.

For the evidence summary's "Where do blockages occur?" and the group section's summary: the
one-way groups (framework area, role level, sector) named, the crossed groups (framework area ×
role level, role level × sector) explained, counted with an example (or the one group named), set
against the whole programme's change and pointed to in the full table, and a rater for whom no one-way group's change can be shown said so. Every word is read off the
published (suppressed) ``where_it_works`` table: a withheld row is never named or counted.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from evaluation.core.text import md
from evaluation.reports.labels import and_list, counted, ratings_words
from evaluation.reports.numbers import signed
from evaluation.reports.programme_report.where_table import CROSSINGS, DIMENSIONS
from evaluation.reports.programme_report.where_words import CROSS, group_words

__all__ = ["FULL_TABLE", "blocked_parts", "crossed_line", "crossing_words"]

#: Where the crossed groups are published (the page shows the one-way groups only).
FULL_TABLE = "tables/where_it_works.csv"
_CROSSINGS = and_list(CROSS.join(d.replace("_", " ") for d in pair) for pair in CROSSINGS)
#: What a crossed group is, in plain words.
_DEFINED = ("groups defined by two characteristics at once: "
            + ", or ".join(CROSS.join(d.replace("_", " ") for d in pair) for pair in CROSSINGS))


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
        parts.append(_crossed_words(stuck, shown, main, headline))
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


def _crossed_words(stuck: pd.DataFrame, shown: pd.DataFrame, main: pd.DataFrame, headline: Sequence) -> str:
    """The blocked crossed groups in words: what a crossed group is, which are unclear, and whether each
    one's interval includes the change over all the programme's people on that outcome (sentences, the
    last without its full stop)."""
    raters = [p.rater for p in headline]
    whole = main[main["dimension"] == "all"].set_index(["scale", "rater"])["mean_change"]
    pairs = list(dict.fromkeys(zip(stuck["dimension"], stuck["category"], strict=True)))
    named = md(crossing_words(*pairs[0]))
    if len(pairs) == 1:
        n_groups = len(dict.fromkeys(zip(shown["dimension"], shown["category"], strict=True)))
        on = ("either rating" if stuck["rater"].nunique() == 2 == len(raters) and len(stuck) == len(shown)
              else and_list(ratings_words(r) for r in raters if (stuck["rater"] == r).any()))
        lead = (f"The only crossed group that can be shown on the main outcomes ({_DEFINED}), {named}, shows"
                if n_groups == 1 else
                f"Of the {counted(n_groups, 'crossed group')} that can be shown on the main outcomes ({_DEFINED}), "
                f"only {named} shows")
        said = f"{lead} no clear improvement on {on}"
        who = "it"
    else:
        by = [f"{int((stuck['rater'] == r).sum())} on {ratings_words(r)}" for r in raters if (stuck["rater"] == r).any()]
        some = (f"{'Both' if len(stuck) == 2 else f'All {len(stuck)}'}" if len(stuck) == len(shown)
                else f"{len(stuck)} of the {len(shown)}")
        said = (f"{some} results shown for crossed groups on the main outcomes ({_DEFINED}) show no clear "
                f"improvement ({', '.join(by)}), such as {named} ({ratings_words(stuck.iloc[0]['rater'])})")
        who = "them"
    below = [r for r in stuck.itertuples() if (r.scale, r.rater) in whole.index
             and pd.notna(r.change_ci_high) and r.change_ci_high < whole.loc[(r.scale, r.rater)]]
    if not below and stuck["change_ci_high"].notna().all() and all(k in whole.index for k in
                                                                   zip(stuck["scale"], stuck["rater"], strict=True)):
        each = "its interval includes" if len(stuck) == 1 else "the interval of each includes"
        compare = (f"{each} the change over all the programme's people on that outcome, so "
                   f"{'it is not' if len(stuck) == 1 else 'none is'} shown to do worse than the programme as a whole")
    elif below:  # named, each with its interval and the whole programme's change on that outcome
        said_below = [f"{'' if len(pairs) == 1 else md(crossing_words(r.dimension, r.category)) + ' on '}"
                      f"{ratings_words(r.rater)} ({_against(r, whole.loc[(r.scale, r.rater)])})" for r in below]
        compare = (f"on {and_list(said_below)} its interval lies wholly below the change over all the programme's "
                   "people" if len(pairs) == 1 else
                   f"the interval of {len(below)} of them lies wholly below the change over all the programme's "
                   f"people on that outcome: {'; '.join(said_below)}")
    else:
        compare = ""
    return (f"{said}." + (f" {compare[0].upper()}{compare[1:]}." if compare else "")
            + f" The full group table ({FULL_TABLE}) lists {who}")


def _against(row, whole: float) -> str:
    """A group's interval against the whole programme's change, to enough places to tell them apart.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> _against(SimpleNamespace(change_ci_low=-0.5557, change_ci_high=0.1668), 0.1746)
    '−0.556 to +0.167, against +0.175'
    """
    places = 2 if signed(row.change_ci_high) != signed(whole) else 3
    return f"{signed(row.change_ci_low, places)} to {signed(row.change_ci_high, places)}, against {signed(whole, places)}"


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
