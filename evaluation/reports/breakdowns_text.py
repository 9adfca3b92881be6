"""The words above the outcome report's change by group (``breakdowns.csv``), true of that table.

The rule of what is withheld is :mod:`~evaluation.reports.disclosure_plan`'s; these words only
say, from the published table, which characteristics have a group shown, which have none shown
(every group too small or withheld to protect a small one) and which the CSV leaves out as a
whole. They never give the size of a withheld group.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from evaluation.reports.labels import and_list, label

__all__ = ["breakdowns_text"]

#: The rule, as :func:`~evaluation.reports.disclosure_plan.disclosure_plan` applies it. Not "groups in which
#: some, but fewer than the threshold, lack scores are withheld": a group's size is not published here
#: (framework area is in no equity table), so those without scores are withheld only where they could be
#: worked out; the published rows of cohort 3's citizen leadership group (6 to 8 pairs) were at odds with it.
_RULE = (
    "Groups of fewer than the disclosure threshold are withheld, and further groups where needed so that no "
    "small number (of a group, or of the people in it without scores at both waves) can be worked out from the "
    "totals or from the cohort's other tables."
)


#: Up to this many published groups are named one by one.
_FEW = 3


def _names(dimensions: Sequence[str], joiner: str = "and") -> str:
    words = [str(label(d, "dimension")) for d in dimensions]
    return and_list(words) if joiner == "and" else (" or ".join(words) if len(words) < 3 else
                                                   ", ".join(words[:-1]) + f" or {words[-1]}")


def breakdowns_text(table: pd.DataFrame, dimensions: Sequence[str], *, has_pairs: bool = True) -> str:
    """What the change-by-group table shows and what its CSV lists, in words (Markdown).

    Parameters
    ----------
    table : DataFrame
        The ``breakdowns`` table (columns ``dimension``, ``category``, ``suppressed``; ``""`` = published).
    dimensions : sequence of str
        The characteristics it is broken down by (a characteristic withheld as a whole has no rows).
    has_pairs : bool
        Whether anyone has self-ratings at both waves (without, an empty table is no withholding).

    Examples
    --------
    >>> t = pd.DataFrame({"dimension": ["sector", "sector", "framework_area"] + ["framework_area"] * 3,
    ...                   "category": ["health", "voluntary", "strategic", "operational", "partnership", "other"],
    ...                   "suppressed": ["withheld", "withheld", "", "", "", ""]})
    >>> print(breakdowns_text(t, ["sector", "role_level", "framework_area"]))  # doctest: +NORMALIZE_WHITESPACE
    Mean change on each self-rated scale by sector, role level and framework area. Groups of fewer than the
    disclosure threshold are withheld, and further groups where needed so that no small number (of a group, or
    of the people in it without scores at both waves) can be worked out from the totals or from the cohort's
    other tables. The table shows the groups that are published: here only those of framework
    area. No group of sector or role level is shown: each is either too small to publish or withheld so that a
    small one cannot be worked out. The CSV, `tables/breakdowns.csv`, lists every group of sector and framework
    area with people in it, withheld or not; role level is left out of it altogether, as its rows would say which
    of its groups are empty, and so how many the others hold.

    With three published groups or fewer, they are named:

    >>> print(breakdowns_text(t.iloc[:3], ["sector", "framework_area"]).split("other tables. ")[1])
    The table shows the groups that are published: here only one group, strategic (framework area). No group of sector is shown: each is either too small to publish or withheld so that a small one cannot be worked out. The CSV, `tables/breakdowns.csv`, lists every group with people in it, withheld or not.
    """
    opening = f"Mean change on each self-rated scale by {_names(dimensions)}. {_RULE}"
    if not has_pairs:
        return f"{opening} No participant has self-ratings at both waves, so there is no change by group."
    listed = [d for d in dimensions if (table["dimension"] == d).any()]
    absent = [d for d in dimensions if d not in listed]
    shown = [d for d in listed if ((table["dimension"] == d) & (table["suppressed"] == "")).any()]
    hidden = [d for d in dimensions if d not in shown]
    if not shown:
        text = f"{opening} No group is shown: each is either too small to publish or withheld so that a small one " \
               "cannot be worked out."
    else:
        groups = table.loc[table["suppressed"] == "", ["dimension", "category"]].drop_duplicates()
        if len(groups) <= _FEW:  # a few groups are named, each with its characteristic
            count = {1: "one group", 2: "two groups", 3: "three groups"}[len(groups)]
            named = and_list([f"{label(c)} ({label(d, 'dimension')})" for d, c in groups.itertuples(index=False)])
            text = f"{opening} The table shows the groups that are published: here only {count}, {named}."
        else:
            text = f"{opening} The table shows the groups that are published" + (
                f": here only those of {_names(shown)}." if hidden else ".")
        if hidden:
            text += (f" No group of {_names(hidden, 'or')} is shown: each is either too small to publish or withheld "
                     "so that a small one cannot be worked out.")
    if not listed:
        return text + " The CSV, `tables/breakdowns.csv`, lists no group: every characteristic is left out of it " \
                      "altogether, as its rows would say which of its groups are empty, and so how many the others hold."
    if not absent:
        return text + " The CSV, `tables/breakdowns.csv`, lists every group with people in it, withheld or not."
    one = len(absent) == 1
    return (text + f" The CSV, `tables/breakdowns.csv`, lists every group of {_names(listed)} with people in it, "
            f"withheld or not; {_names(absent)} {'is' if one else 'are'} left out of it altogether, as "
            f"{'its' if one else 'their'} rows would say which of {'its' if one else 'their'} groups are empty, and "
            "so how many the others hold.")
