"""A group of staff in a sentence of the equity findings (the cohort's and the programme's).

The categories come from the data (``african``, ``prefer_not_to_say``); a sentence names them as
groups, so that "no one from prefer not to say" cannot be written.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from evaluation.core.text import md
from evaluation.core.vocabulary import UNDECLARED
from evaluation.reports.equity_report.tables import DIMENSION_TITLES, label
from evaluation.reports.labels import and_list, aside

__all__ = ["group_words", "illustrative_words", "judged_words", "lowest_completion_words", "no_one_words",
           "staff_words", "withheld_declaration_words"]


#: Role levels as people, in the plural ("middle managers", not "middle manager staff").
_ROLE_PEOPLE = {"frontline": "frontline staff", "first_line_manager": "first-line managers",
                "middle_manager": "middle managers", "senior_manager": "senior managers",
                "chief_officer": "chief officers", "elected_member": "elected members"}


def staff_words(category: str, dimension: str) -> str:
    """A group's staff in a sentence: "private sector staff", "staff aged 45-54" (not "45-54 staff",
    which reads as a number of people), "middle managers", "staff recorded as 'not declared'".

    Examples
    --------
    >>> staff_words("private", "sector"), staff_words("not_declared", "disability")
    ('private sector staff', "staff recorded as 'not declared'")
    >>> staff_words("45_54", "age_band"), staff_words("65_plus", "age_band")
    ('staff aged 45-54', 'staff aged 65+')
    >>> staff_words("middle_manager", "role_level"), staff_words("first_line_manager", "role_level")
    ('middle managers', 'first-line managers')
    """
    words = label(category, dimension)
    if category in UNDECLARED:
        return f"staff recorded as '{words}'"
    if dimension == "age_band":
        return f"staff aged {words}"
    if dimension == "role_level" and category in _ROLE_PEOPLE:
        return _ROLE_PEOPLE[category]
    return f"{words} staff"


def group_words(category: str, dimension: str) -> str:
    """A group's name in a summary's list: its label, but an age band as "staff aged 55-64" ("0.44
    times the chance of 45-54" reads as a number of people).

    Examples
    --------
    >>> group_words("55_64", "age_band"), group_words("health", "sector")
    ('staff aged 55-64', 'health sector')
    """
    return staff_words(category, dimension) if dimension == "age_band" else label(category, dimension)


def no_one_words(category: str, dimension: str) -> str:
    """Nobody of a group, in a sentence: "no one from Angus", "no one recorded as 'prefer not to
    say'", "no one aged 16-24", "no chief officers", "no one in the group 'African'" (a group's
    name from the data, quoted).

    Examples
    --------
    >>> no_one_words("angus", "local_authority"), no_one_words("prefer_not_to_say", "gender")
    ('no one from Angus', "no one recorded as 'prefer not to say'")
    >>> no_one_words("african", "ethnicity")
    "no one in the group 'African'"
    >>> no_one_words("16_24", "age_band"), no_one_words("chief_officer", "role_level")
    ('no one aged 16-24', 'no chief officers')
    """
    words = label(category, dimension)
    if dimension == "local_authority":
        return f"no one from {words}"
    if category in UNDECLARED:
        return f"no one recorded as '{words}'"
    if dimension == "age_band":
        return f"no one aged {words}"
    if dimension == "role_level" and category in _ROLE_PEOPLE:
        return f"no {_ROLE_PEOPLE[category]}"
    return f"no one in the group '{words}'"


def illustrative_words(workforce: pd.DataFrame, population: str, years: Mapping[str, int] | None = None) -> str:
    """What the ``source`` column of ``workforce.csv`` says of the figures a comparison used: "" when
    none is marked illustrative (CONTRACT: the shipped figures label every illustrative one so).

    ``years`` (dimension → workforce year) narrows the rows to those used; without it, every row
    of the eligible ``population`` counts (a programme's cohorts use several years).

    Examples
    --------
    >>> wf = pd.DataFrame({"year": [2004, 2004, 2018], "population": "managers",
    ...                    "dimension": ["sector", "gender", "sector"], "headcount": [10, 10, 50],
    ...                    "source": ["ILLUSTRATIVE: not a published figure", "SSSC 2004", "SSSC 2018"]})
    >>> illustrative_words(wf, "managers", {"sector": 2004})
    'every workforce figure used is marked illustrative in workforce.csv, not a published figure'
    >>> illustrative_words(wf, "managers")
    '1 of the 3 workforce figures used is marked illustrative in workforce.csv, not a published figure'
    >>> illustrative_words(wf, "managers", {"sector": 2018})
    ''
    >>> illustrative_words(wf.drop(columns="population"), "all_staff", {"sector": 2004})  # one population
    'every workforce figure used is marked illustrative in workforce.csv, not a published figure'
    """
    if not len(workforce) or "source" not in workforce:
        return ""
    # no `population` column: one population, all_staff (CONTRACT section 2)
    in_population = (workforce["population"] == population if "population" in workforce
                     else pd.Series(population == "all_staff", index=workforce.index))
    rows = workforce[in_population]
    if years is not None:
        rows = rows[[years.get(d) == y for d, y in zip(rows["dimension"], rows["year"], strict=True)]]
    marked = rows["source"].astype(str).str.contains("illustrative", case=False, regex=False)
    if not marked.any():
        return ""
    if marked.all():
        return "every workforce figure used is marked illustrative in workforce.csv, not a published figure"
    k = int(marked.sum())
    return (f"{k} of the {len(rows)} workforce figures used {'is' if k == 1 else 'are'} marked illustrative in "
            f"workforce.csv, not {'a published figure' if k == 1 else 'published figures'}")


def lowest_completion_words(comp: pd.DataFrame, pct: str) -> str:
    """The groups shown with the lowest completion, never one that completed in full (cohort 1 named
    Midlothian, 100%, third among "the lowest completion rates"): the three lowest of the groups in
    which not everyone completed, or, with three or fewer, every such group.

    Examples
    --------
    >>> comp = pd.DataFrame({"dimension": "sector", "category": ["health", "private", "voluntary"],
    ...                      "completion_rate": [0.8, 1.0, 1.0], "ci_low": [0.5, 0.7, 0.7], "ci_high": 1.0})
    >>> lowest_completion_words(comp, "95%")
    'Among the groups shown, the only one in which not everyone completed was: health sector (sector, 80%, \
95% CI 50% to 100%); every other group shown completed in full.'
    >>> lowest_completion_words(comp.iloc[1:2], "95%"), lowest_completion_words(comp.iloc[:1], "95%")[:40]
    ('The group shown completed in full.', 'In the group shown, health sector (secto')
    """
    short = comp[comp["completion_rate"] < 1]
    named = "; ".join(aside(md(label(r.category, r.dimension)),
                            f"{DIMENSION_TITLES.get(r.dimension, r.dimension)}, {r.completion_rate:.0%}, "
                            f"{pct} CI {r.ci_low:.0%} to {r.ci_high:.0%}")
                      for r in short.sort_values("completion_rate", kind="stable").head(3).itertuples())
    if len(comp) == 1:  # not "Every group shown" of one group
        return "The group shown completed in full." if not len(short) else f"In the group shown, {named}, not " \
            "everyone completed."
    if not len(short):
        return "Every group shown completed in full."
    if len(short) > 3:
        return f"The lowest completion rates among the groups shown were: {named}."
    one = len(short) == 1
    return (f"Among the groups shown, {'the only one' if one else 'the only ones'} in which not everyone completed "
            f"{'was' if one else 'were'}: {named}"
            + ("; every other group shown completed in full." if len(short) < len(comp) else "."))


def withheld_declaration_words(dimensions: list[str]) -> str:
    """The sentence on the declaration rates withheld, one sentence for all of them.

    Examples
    --------
    >>> withheld_declaration_words(["gender"])
    'The declaration rate for gender is withheld, because it would reveal a small group. '
    >>> withheld_declaration_words(["gender", "age band", "ethnicity"])
    'The declaration rates for gender, age band and ethnicity are withheld, because each would reveal a small group. '
    >>> withheld_declaration_words([])
    ''
    """
    if not dimensions:
        return ""
    if len(dimensions) == 1:
        return f"The declaration rate for {dimensions[0]} is withheld, because it would reveal a small group. "
    return (f"The declaration rates for {and_list(dimensions)} are withheld, because each would reveal a small "
            "group. ")


def judged_words(disparity: int, within: int, inconclusive: int, places: int) -> str:
    """How many groups the band judges, and why most cannot be, after the summary's definitions.

    A cohort of 3 read "0 groups show a disparity, 0 are within the band and 0 are inconclusive —
    with 3 places in the cohort, most small groups cannot be judged": with no relative likelihood
    shown, no group can be judged at all.

    Examples
    --------
    >>> judged_words(0, 0, 0, 3)
    'With 3 places in the cohort, no group can be judged either way: no group has a relative likelihood \
that can be shown.'
    >>> judged_words(1, 0, 4, 104)
    '1 group shows a disparity, 0 are within the band and 4 are inconclusive — with 104 places in the \
cohort, most small groups cannot be judged either way.'
    """
    places_words = f"{places:,} place{'' if places == 1 else 's'}"
    if not disparity + within + inconclusive:
        return (f"With {places_words} in the cohort, no group can be judged either way: no group has a relative "
                "likelihood that can be shown.")
    return (f"{disparity} group{' shows' if disparity == 1 else 's show'} a disparity, {within} "
            f"{'is' if within == 1 else 'are'} within the band and {inconclusive} "
            f"{'is' if inconclusive == 1 else 'are'} inconclusive — with {places_words} in the cohort, most small "
            "groups cannot be judged either way.")
