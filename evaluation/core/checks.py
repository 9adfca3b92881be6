"""Argument checks shared by every layer: one rule, one message, for each kind of argument.

Each check raises a :class:`~evaluation.core.errors.ParameterError` (a ``ValueError``) naming
the parameter, the values allowed and the value given, and returns the value in its canonical
form. :func:`check_choice` is the one check of a value chosen from a list (a method, a wave, a
report's name, a characteristic); :func:`check_name` is a different thing, the *pattern* of a
programme or instrument name that becomes a folder or file name.
"""

from __future__ import annotations

import difflib
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
    "nearest",
    "shown",
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
    evaluation.core.errors.ParameterError: `confidence_level` must be a number in (0, 1), e.g. 0.95; got '0.9' (str)
    """
    ok = isinstance(confidence_level, numbers.Real) and not isinstance(confidence_level, bool)
    level = float(confidence_level) if ok else float("nan")
    if not 0 < level < 1:
        raise ParameterError(
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


def shown(value: Any, limit: int = 80) -> str:
    """``value`` as an error message shows it: its ``repr`` (at most ``limit`` characters) and its type.

    Examples
    --------
    >>> shown(["outcomes"])
    "['outcomes'] (list)"
    >>> shown("x" * 100, limit=10)
    "'xxxxxx... (str)"
    """
    text = repr(value)
    text = text if len(text) <= limit else text[: limit - 3] + "..."
    return f"{text} ({type(value).__name__})"


def nearest(value: str, allowed: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The allowed string closest to ``value`` (a typo, another case), or None when none is close.

    :func:`difflib.get_close_matches` in lower case (ratio of matching characters ≥ ``cutoff``);
    the suggestion of :func:`check_choice` and of the parameter files' unknown keys.

    Examples
    --------
    >>> nearest("Outcome", ["outcomes", "costs"]), nearest("colour", ["outcomes", "costs"])
    ('outcomes', None)
    """
    folded = {a.lower(): a for a in reversed(list(allowed))}
    match = difflib.get_close_matches(str(value).lower(), list(folded), n=1, cutoff=cutoff)
    return folded[match[0]] if match else None


def check_choice(value: Any, allowed: Iterable[Any], parameter: str, *, hint: str = "") -> Any:
    """``value`` if it is one of ``allowed``; otherwise a
    :class:`~evaluation.core.errors.ParameterError` (a ``ValueError``) listing them.

    The one check of a value chosen from a list, in every layer (the API's report names and
    ``by=`` included). The message names ``parameter``, lists ``allowed``, says "(one string)"
    when the choices are strings and something else was given (a list of one name, say), adds
    ``hint`` (a sentence fragment beginning with ``"; "``), shows the value given with its
    type, and suggests the nearest allowed string for a near miss (a typo, another case).

    Parameters
    ----------
    value : object
        What the caller gave. Only a string, number, boolean or None can match: a list that
        contains an allowed value is refused, not unpacked.
    allowed : iterable
        The choices, in the order the message lists them.
    parameter : str
        The parameter's name, as the caller wrote it.
    hint : str, optional
        More advice, inserted before "; got ...".

    Returns
    -------
    object
        ``value``, unchanged.

    Raises
    ------
    ParameterError
        ``value`` is not one of ``allowed``.

    Notes
    -----
    The suggestion is the closest allowed string by :func:`difflib.get_close_matches` (ratio of
    matching characters ≥ 0.6), compared in lower case.

    Examples
    --------
    >>> check_choice("holm", ("holm", "bh", "none"), "multiplicity")
    'holm'
    >>> check_choice("bonferroni", ("holm", "bh", "none"), "multiplicity")
    Traceback (most recent call last):
    ...
    evaluation.core.errors.ParameterError: `multiplicity` must be one of 'holm', 'bh', 'none'; got 'bonferroni' (str)
    >>> check_choice("Outcome", ("outcomes", "costs", "equity"), "name")
    Traceback (most recent call last):
    ...
    evaluation.core.errors.ParameterError: `name` must be one of 'outcomes', 'costs', 'equity'; got 'Outcome' (str); did you mean 'outcomes'?
    >>> check_choice(["outcomes"], ("outcomes", "costs", "equity"), "name")
    Traceback (most recent call last):
    ...
    evaluation.core.errors.ParameterError: `name` must be one of 'outcomes', 'costs', 'equity' (one string); got ['outcomes'] (list)
    """
    allowed = tuple(allowed)
    if isinstance(value, str | int | float | bool | None) and value in allowed:
        return value
    strings = [a for a in allowed if isinstance(a, str)]
    one = " (one string)" if strings and len(strings) == len(allowed) and not isinstance(value, str) else ""
    match = nearest(value, strings) if isinstance(value, str) else None
    near = f"; did you mean {match!r}?" if match is not None else ""
    raise ParameterError(f"`{parameter}` must be one of {', '.join(repr(a) for a in allowed)}{one}{hint}; "
                         f"got {shown(value)}{near}")


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
