"""A group of staff in a sentence of the equity findings (the cohort's and the programme's).

The categories come from the data (``african``, ``prefer_not_to_say``); a sentence names them as
groups, so that "no one from prefer not to say" cannot be written.
"""

from __future__ import annotations

from evaluation.core.vocabulary import UNDECLARED
from evaluation.reports.equity_report.tables import label

__all__ = ["no_one_words", "staff_words"]


def staff_words(category: str, dimension: str) -> str:
    """A group's staff in a sentence: "private sector staff", "staff recorded as 'not declared'".

    Examples
    --------
    >>> staff_words("private", "sector"), staff_words("not_declared", "disability")
    ('private sector staff', "staff recorded as 'not declared'")
    """
    words = label(category, dimension)
    return f"staff recorded as '{words}'" if category in UNDECLARED else f"{words} staff"


def no_one_words(category: str, dimension: str) -> str:
    """Nobody of a group, in a sentence: "no one from Angus", "no one recorded as 'prefer not to
    say'", "no one in the group 'African'" (a group's name from the data, quoted).

    Examples
    --------
    >>> no_one_words("angus", "local_authority"), no_one_words("prefer_not_to_say", "gender")
    ('no one from Angus', "no one recorded as 'prefer not to say'")
    >>> no_one_words("african", "ethnicity")
    "no one in the group 'African'"
    """
    words = label(category, dimension)
    if dimension == "local_authority":
        return f"no one from {words}"
    return f"no one recorded as '{words}'" if category in UNDECLARED else f"no one in the group '{words}'"
