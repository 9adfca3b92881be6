"""The optional comparison-group marker of ``participants.csv``: the column ``group``.

A comparison group is people who did **not** take the programme but answered the same
questionnaires at the same waves. They are rows of ``participants.csv`` with ``group`` =
``comparison``; every other row (``programme``, a blank cell, or no ``group`` column at all) is a
participant of the programme. How the required columns apply to a comparison member:

==========================  =====================================================================
``cohort``                  the cohort of the programme they are compared with (it must have
                            programme participants and a parameter file)
``sector`` … ``framework``  as for participants: who they are (required, same categories)
``enrolled_on``             the date they joined the evaluation (required; no answer may be
                            dated before it)
``status``                  blank: they took no part in the programme
``sessions_attended``       blank or 0
==========================  =====================================================================

Comparison members are kept out of everything about participants (counts, attrition,
completion, costs, equity, reliability, reliable change, breakdowns): :func:`split_groups`
separates them when a cohort is loaded, and only the comparison-group outcome reads them.
Nothing here touches the disk.
"""

from __future__ import annotations

import pandas as pd

from evaluation.core.errors import Failure
from evaluation.core.vocabulary import GROUPS

__all__ = [
    "COMPARISON",
    "PROGRAMME",
    "group_failures",
    "in_comparison",
    "schema_view",
    "split_groups",
]

PROGRAMME, COMPARISON = GROUPS
#: Spreadsheet row of data row 0 (the header is row 1).
_ROW_OFFSET = 2


def in_comparison(participants: pd.DataFrame) -> pd.Series:
    """True for the rows whose ``group`` is ``comparison`` (all False without the column).

    Examples
    --------
    >>> people = pd.DataFrame({"participant_id": ["a", "b", "c"], "group": ["programme", None, "comparison"]})
    >>> in_comparison(people).tolist()
    [False, False, True]
    >>> in_comparison(people.drop(columns="group")).tolist()
    [False, False, False]
    """
    if "group" not in participants:
        return pd.Series(False, index=participants.index)
    return (participants["group"] == COMPARISON).fillna(False).astype(bool)


def schema_view(participants: pd.DataFrame) -> pd.DataFrame:
    """The participants table as the contract's schema should see it.

    A comparison member's blank ``status`` is what the marker asks for, so for the schema check
    it is read as a valid status (:func:`group_failures` checks the blank instead). Without a
    ``group`` column the table is returned as it is.
    """
    comparison = in_comparison(participants)
    if not comparison.any() or "status" not in participants:
        return participants
    view = participants.copy()
    view.loc[comparison & view["status"].isna(), "status"] = "completed"
    return view


def _rows(index) -> tuple[int, ...]:
    return tuple(int(i) + _ROW_OFFSET for i in index)


def group_failures(participants: pd.DataFrame, file: str) -> list[Failure]:
    """The rules of the ``group`` column that need more than its allowed values.

    Parameters
    ----------
    participants : DataFrame
        The typed participants table (:func:`evaluation.data.validate.parse_table`).
    file : str
        The file's name, for messages.

    Returns
    -------
    list of Failure
        A comparison member with a ``status``, with sessions attended, or in a cohort with no
        programme participant.

    Examples
    --------
    >>> people = pd.DataFrame({"participant_id": ["a", "b"], "cohort": [3, 3],
    ...                        "status": ["completed", "completed"], "group": ["programme", "comparison"]})
    >>> print(group_failures(people, "participants.csv")[0])  # doctest: +NORMALIZE_WHITESPACE
    participants.csv, row 3, column `status`: expected blank for a member of the comparison group
    (`group` = comparison): status describes taking part in the programme, which they did not;
    found 'completed'
    """
    comparison = in_comparison(participants)
    if not comparison.any():
        return []
    p = participants
    failures = []
    if "status" in p:
        bad = comparison & p["status"].notna()
        if bad.any():
            failures.append(Failure(file, _rows(p.index[bad]), "status",
                                    "blank for a member of the comparison group (`group` = comparison): status "
                                    "describes taking part in the programme, which they did not",
                                    tuple(p.loc[bad, "status"].astype(str))))
    if "sessions_attended" in p:
        bad = comparison & p["sessions_attended"].notna() & (p["sessions_attended"] != 0)
        if bad.any():
            failures.append(Failure(file, _rows(p.index[bad]), "sessions_attended",
                                    "blank or 0 for a member of the comparison group (`group` = comparison): they "
                                    "attended no session of the programme",
                                    tuple(p.loc[bad, "sessions_attended"].astype(str))))
    if "cohort" in p:
        with_programme = set(p.loc[~comparison, "cohort"].dropna())
        bad = comparison & p["cohort"].notna() & ~p["cohort"].isin(list(with_programme))
        if bad.any():
            failures.append(Failure(file, _rows(p.index[bad]), "cohort",
                                    "for a member of the comparison group, the cohort of the programme they are "
                                    f"compared with: a cohort with programme participants in {file} "
                                    f"({sorted(int(c) for c in with_programme) or 'none'})",
                                    tuple(p.loc[bad, "cohort"].astype(str))))
    return failures


def split_groups(participants: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(programme participants, comparison members), each without the ``group`` column.

    Without a ``group`` column everyone is a programme participant and the comparison frame is
    empty (same columns). Row order and index are kept within each part.

    Examples
    --------
    >>> people = pd.DataFrame({"participant_id": ["a", "b", "c"], "group": ["programme", "comparison", "programme"]})
    >>> programme, comparison = split_groups(people)
    >>> programme["participant_id"].tolist(), comparison["participant_id"].tolist(), list(programme.columns)
    (['a', 'c'], ['b'], ['participant_id'])
    """
    comparison = in_comparison(participants)
    frame = participants.drop(columns="group", errors="ignore")
    return frame[~comparison], frame[comparison]
