"""Argument checks shared by every layer: one rule, one message, for each kind of argument.

Each check raises ``ValueError`` naming the parameter, the values allowed and the value given,
and returns the value in its canonical form.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from evaluation.core.errors import ParameterError
from evaluation.core.vocabulary import RATERS, WAVES

if TYPE_CHECKING:  # pandas is imported where it is used: the command line starts without it
    import pandas as pd

__all__ = [
    "MAX_LISTED",
    "check_choice",
    "check_columns",
    "check_confidence_level",
    "check_name",
    "NAME_PATTERN",
    "check_unique",
    "listed",
    "sort_canonical",
]

#: How many offending values a message lists before saying "and N more".
MAX_LISTED = 10


def listed(values: Sequence[Any], limit: int = MAX_LISTED) -> str:
    """``'a', 'b' and 3 more``: the first ``limit`` values, quoted.

    Examples
    --------
    >>> listed(["a", "b", "c"], limit=2)
    "'a', 'b' and 1 more"
    """
    values = list(values)
    shown = ", ".join(repr(v) for v in values[:limit])
    more = len(values) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def check_confidence_level(confidence_level: Any) -> float:
    """``confidence_level`` as a float strictly between 0 and 1.

    Numbers only: a string such as ``"0.9"`` or a boolean is refused, never converted.

    Examples
    --------
    >>> check_confidence_level(0.9)
    0.9
    >>> check_confidence_level("0.9")
    Traceback (most recent call last):
    ...
    ValueError: `confidence_level` must be a number in (0, 1), e.g. 0.95; got '0.9' (str)
    """
    ok = isinstance(confidence_level, numbers.Real) and not isinstance(confidence_level, bool)
    level = float(confidence_level) if ok else float("nan")
    if not 0 < level < 1:
        raise ValueError(
            f"`confidence_level` must be a number in (0, 1), e.g. 0.95; got {confidence_level!r} "
            f"({type(confidence_level).__name__})"
        )
    return level


#: Programme and instrument names: lower-case letters, digits, ``-`` and ``_``, starting with a
#: letter or digit, at most 64 characters. They become folder and file names, so they can hold no
#: path separator, no ``..`` and nothing a file system could read another way.
NAME_PATTERN = r"[a-z0-9][a-z0-9_-]{0,63}"
_NAME = re.compile(NAME_PATTERN)


def check_name(value: Any, kind: str) -> str:
    """``value`` if it is a valid programme or instrument name (:data:`NAME_PATTERN`).

    Raises
    ------
    ParameterError
        Not a string, or not of the pattern; the message shows at most 80 characters of it.

    Examples
    --------
    >>> check_name("leading-to-deliver", "programme")
    'leading-to-deliver'
    >>> check_name("../raw", "programme")
    Traceback (most recent call last):
    ...
    evaluation.core.errors.ParameterError: `programme` must be 1 to 64 lower-case letters, digits, '-' or '_', starting with a letter or digit (no '/', no '..'); got '../raw'
    """
    if isinstance(value, str) and _NAME.fullmatch(value):
        return value
    shown = repr(value) if not isinstance(value, str) or len(value) <= 80 else repr(value[:80]) + f"… ({len(value)} characters)"
    raise ParameterError(f"`{kind}` must be 1 to 64 lower-case letters, digits, '-' or '_', starting with a letter or "
                         f"digit (no '/', no '..'); got {shown}")


def check_choice(value: Any, allowed: Iterable[Any], parameter: str) -> Any:
    """``value`` if it is one of ``allowed``; otherwise a
    :class:`~evaluation.core.errors.ParameterError` (a ``ValueError``) listing them.

    Examples
    --------
    >>> check_choice("holm", ("holm", "bh", "none"), "multiplicity")
    'holm'
    >>> check_choice("bonferroni", ("holm", "bh", "none"), "multiplicity")
    Traceback (most recent call last):
    ...
    evaluation.core.errors.ParameterError: `multiplicity` must be one of 'holm', 'bh', 'none'; got 'bonferroni'
    """
    allowed = tuple(allowed)
    if isinstance(value, str | int | float | bool | None) and value in allowed:
        return value
    raise ParameterError(f"`{parameter}` must be one of {', '.join(repr(a) for a in allowed)}; got {value!r}")


def check_columns(frame: Any, columns: Iterable[str], parameter: str) -> None:
    """Raise unless ``frame`` is a DataFrame with every one of ``columns``."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"`{parameter}` must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"`{parameter}` lacks required column(s) {missing}; it has {list(frame.columns)}")


def check_unique(frame: pd.DataFrame, keys: list[str], parameter: str) -> None:
    """Raise if two rows of ``frame`` share the same ``keys``, listing examples."""
    dup = frame.duplicated(keys, keep=False)
    if dup.any():
        examples = list(frame.loc[dup, keys].drop_duplicates().itertuples(index=False, name=None))
        raise ValueError(f"`{parameter}` has more than one row for the same {tuple(keys)}: {listed(examples)}")


def sort_canonical(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Sort by ``by``; waves and raters in their canonical order, other columns as values."""
    import pandas as pd

    canonical = {"wave": WAVES, "rater": RATERS}

    def key(col: pd.Series) -> pd.Series:
        if col.name not in canonical:
            return col
        values = col.astype(object)
        known = canonical[str(col.name)]
        extra = sorted((v for v in pd.unique(values.dropna()) if v not in known), key=str)
        return values.map({v: i for i, v in enumerate([*known, *extra])}).astype(float)

    return frame.sort_values(by, key=key, kind="stable", na_position="last").reset_index(drop=True)
