"""Helpers shared by the modules of :mod:`evaluation.stats.equity` (private)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from evaluation.core.errors import DegenerateDataWarning


def _warn(message: str) -> None:
    warnings.warn(message, DegenerateDataWarning, stacklevel=3)


NOT_RECORDED = "not_recorded"


def category_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each value's category as a code into an array of labels (missing or empty: ``not_recorded``).

    Returns
    -------
    (ndarray of int64, ndarray of str)
        ``codes`` (one per value) and the distinct ``labels``, so that ``labels[codes]`` is
        :func:`category_labels` of the values.

    Notes
    -----
    The label of a value is ``str(value)``, ``not_recorded`` when it is missing or empty. The
    values are factorised once (hashing, linear time) and only the distinct ones are turned
    into text, so a dimension of a million participants costs one pass, not a million
    Python-level conversions.

    Examples
    --------
    >>> codes, labels = category_codes(pd.Series(["a", None, "b", "", "a"]))
    >>> labels[codes].tolist()
    ['a', 'not_recorded', 'b', 'not_recorded', 'a']
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    text = np.array([str(v) for v in np.asarray(uniques, dtype=object)] + [NOT_RECORDED], dtype=object)
    text[text == ""] = NOT_RECORDED
    merged, labels = pd.factorize(text)  # "" and missing (and 1 and "1") share a label
    return merged[codes].astype("int64"), np.asarray(labels, dtype=object)


def category_labels(values: pd.Series) -> pd.Series:
    """A dimension's values as category labels (text): missing or empty values are ``not_recorded``.

    Examples
    --------
    >>> category_labels(pd.Series(["a", None, ""])).tolist()
    ['a', 'not_recorded', 'not_recorded']
    """
    codes, labels = category_codes(values)
    return pd.Series(labels[codes], index=values.index, dtype=object, name=values.name).astype(str)
