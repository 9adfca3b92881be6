"""Exceptions and warning classes shared by the whole package.

Every failure of the input data is a :class:`Failure` (file, rows, column, rule, offending
values). Validation collects all of them and raises one :class:`DataValidationError`, so that a
single run reports every problem at once.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DataValidationError",
    "DegenerateDataWarning",
    "DemoKeyWarning",
    "DisclosureControlOffWarning",
    "EvaluationError",
    "EvaluationWarning",
    "Failure",
    "FileSystemError",
    "InputTooLargeError",
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


#: Operating-system errors a user can act on, in words; the system's own text follows in brackets.
OS_ERROR_WORDS = {
    errno.EACCES: "permission denied: the folder or file is read-only, or belongs to someone else",
    errno.EPERM: "the operation is not permitted on this folder or file",
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "the disk is full",
    errno.ENAMETOOLONG: "the name is too long for the file system",
    errno.ENOENT: "it does not exist",
    errno.EISDIR: "it is a folder, where a file was expected",
    errno.ENOTDIR: "a part of the path is a file, where a folder was expected",
    errno.EEXIST: "it already exists",
    errno.EMFILE: "too many files are open",
    errno.EIO: "the disk reported an input/output error",
}
if hasattr(errno, "EDQUOT"):
    OS_ERROR_WORDS[errno.EDQUOT] = "the disk quota is used up"
#: Paths longer than this are shown with their middle elided, so the message stays one line a person reads.
MAX_SHOWN_PATH = 300


def _shown_path(path: object) -> str:
    text = str(path)
    if len(text) <= MAX_SHOWN_PATH:
        return text
    half = MAX_SHOWN_PATH // 2 - 1
    return f"{text[:half]}…{text[-half:]} ({len(text):,} characters)"


class FileSystemError(EvaluationError):
    """Reading or writing a file or folder failed in the operating system (read-only, disk full,
    name too long, missing, ...).

    One line, ``<action> <path>: <reason in words> (<the system's text>)[; <consequence>]``, e.g.
    ``cannot write the report folder reports/demo/cohort-1: the disk is full (No space left on
    device); the previous report is left as it was``. Raised by :mod:`evaluation.core.io`, which
    is the only module that touches the disk; the command line turns any other ``OSError`` into
    one as well.

    Parameters
    ----------
    action : str
        What was being done, e.g. ``"cannot write"``, ``"cannot read"``.
    path : path or str
        The file or folder concerned, as the user knows it.
    error : OSError
        The operating system's error.
    consequence : str, optional
        What it means for the outputs (e.g. that nothing was written).

    Examples
    --------
    >>> import errno
    >>> str(FileSystemError("cannot write", "reports/x", OSError(errno.ENOSPC, "No space left on device")))
    'cannot write reports/x: the disk is full (No space left on device)'
    """

    def __init__(self, action: str, path: Path | str | None, error: OSError, *, consequence: str | None = None):
        self.action, self.path, self.error, self.consequence = action, path, error, consequence
        self.errno = error.errno
        super().__init__(self._text())

    @property
    def reason(self) -> str:
        """The reason in words, with the system's own text in brackets."""
        system = self.error.strerror or (str(self.error).splitlines() or [type(self.error).__name__])[0]
        system = system[:200]
        words = OS_ERROR_WORDS.get(self.errno)
        return f"{words} ({system})" if words else system

    def _text(self) -> str:
        where = f"{self.action} {_shown_path(self.path)}" if self.path is not None else self.action
        return f"{where}: {self.reason}" + (f"; {self.consequence}" if self.consequence else "")

    def moved(self, path: Path | str, consequence: str | None = None) -> FileSystemError:
        """The same error told about another path (a temporary file's final name), with a consequence."""
        return FileSystemError(self.action, path, self.error, consequence=consequence or self.consequence)


class InputTooLargeError(EvaluationError, ValueError):
    """A raw input file is larger than its documented bound, or has an absurdly long line
    (one line naming the file, its size and the limit); refused before it is read."""


class EvaluationWarning(UserWarning):
    """Base class of the workbench's warnings."""


class DemoKeyWarning(EvaluationWarning):
    """The labelled demonstration key was used: acceptable only for the shipped synthetic data."""


class DegenerateDataWarning(EvaluationWarning):
    """A statistic could not be computed (too few people, no variance, no answers): it is NaN."""


class DisclosureControlOffWarning(EvaluationWarning):
    """Disclosure control was switched off: small groups are shown; the results must stay private."""
