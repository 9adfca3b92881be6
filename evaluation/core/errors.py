"""Exceptions and warning classes shared by the whole package.

Every failure of the input data is a :class:`Failure` (file, rows, column, rule, offending
values). Validation collects all of them and raises one :class:`DataValidationError`, so that a
single run reports every problem at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "DataValidationError",
    "DegenerateDataWarning",
    "DemoKeyWarning",
    "DisclosureControlOffWarning",
    "EvaluationError",
    "EvaluationWarning",
    "Failure",
    "ParameterError",
    "PseudonymisationKeyError",
    "format_rows",
]

#: How many row numbers / offending values a message lists before it says "and N more".
MAX_LISTED = 10


def format_rows(rows: Sequence[int]) -> str:
    """Format spreadsheet row numbers compactly: ``[2, 3, 4, 9]`` → ``"2-4, 9"``.

    Examples
    --------
    >>> format_rows([2, 3, 4, 9, 11, 12])
    '2-4, 9, 11-12'
    >>> format_rows([])
    '-'
    """
    rows = sorted(set(int(r) for r in rows))
    if not rows:
        return "-"
    runs: list[tuple[int, int]] = []
    start = prev = rows[0]
    for r in rows[1:]:
        if r == prev + 1:
            prev = r
            continue
        runs.append((start, prev))
        start = prev = r
    runs.append((start, prev))
    parts = [f"{a}" if a == b else f"{a}-{b}" for a, b in runs]
    if len(parts) > MAX_LISTED:
        return ", ".join(parts[:MAX_LISTED]) + f" and {len(parts) - MAX_LISTED} more runs"
    return ", ".join(parts)


@dataclass(frozen=True)
class Failure:
    """One broken rule in one input file.

    Parameters
    ----------
    file : str
        The file as the user named it (e.g. ``data/raw/leading-to-deliver/responses.csv``).
    rows : tuple of int
        Spreadsheet row numbers (the header is row 1, the first data row is row 2); empty
        when the rule concerns the whole file or a column.
    column : str or None
        The column concerned, or None for whole-row rules.
    rule : str
        What was expected, in words (e.g. ``"one of: pre, then, post, follow_up"``).
    values : tuple of str
        The offending values, as read.
    """

    file: str
    rows: tuple[int, ...]
    column: str | None
    rule: str
    values: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = f"{self.file}"
        if self.rows:
            where += f", row{'s' if len(self.rows) > 1 else ''} {format_rows(self.rows)}"
        if self.column:
            where += f", column `{self.column}`"
        text = f"{where}: expected {self.rule}"
        if self.values:
            shown = list(dict.fromkeys(self.values))
            more = len(shown) - MAX_LISTED
            listed = ", ".join(repr(v) for v in shown[:MAX_LISTED])
            text += f"; found {listed}" + (f" and {more} other values" if more > 0 else "")
        return text


class EvaluationError(Exception):
    """Base class of the workbench's errors."""


class DataValidationError(EvaluationError, ValueError):
    """The input data broke one or more rules of the data contract.

    ``failures`` holds every :class:`Failure` found; ``str(error)`` lists them all.
    """

    def __init__(self, failures: Iterable[Failure], *, context: str = "input data"):
        self.failures: tuple[Failure, ...] = tuple(failures)
        self.context = context
        lines = [f"{len(self.failures)} problem(s) in the {context}; nothing was written:"]
        lines += [f"  - {f}" for f in self.failures]
        super().__init__("\n".join(lines))


class ParameterError(EvaluationError, ValueError):
    """A parameter file is missing, unreadable or breaks its schema (names file and key)."""


class PseudonymisationKeyError(EvaluationError):
    """No usable key for pseudonymising participant identifiers."""


class EvaluationWarning(UserWarning):
    """Base class of the workbench's warnings."""


class DemoKeyWarning(EvaluationWarning):
    """The labelled demonstration key was used: acceptable only for the shipped synthetic data."""


class DegenerateDataWarning(EvaluationWarning):
    """A statistic could not be computed (too few people, no variance, no answers): it is NaN."""


class DisclosureControlOffWarning(EvaluationWarning):
    """Disclosure control was switched off: small groups are shown; the results must stay private."""
