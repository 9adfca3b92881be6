"""Subgroups of a cohort for :meth:`evaluation.api.Cohort.outcomes`: which participants ``where=``
keeps, every row of the cohort's table in every group (a group of nobody shown as 0), disclosure
control of one selected group, and the warnings about groups.

Each check raises a :class:`~evaluation.core.errors.ParameterError` naming the parameter.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from evaluation.api.arguments import check_names, rewarn
from evaluation.core.errors import DegenerateDataWarning, ParameterError

__all__ = ["OUTCOME_KEYS", "boolean_mask", "comparisons_argument", "empty_rows_warning", "protect_selection",
           "subgroup_warnings", "where_mask", "with_every_row"]

#: Columns of the outcomes table that say which row it is; every other column is about the
#: group's people and is suppressed with its count.
OUTCOME_KEYS = ("scale", "kirkpatrick_level", "comparison", "rater", "earlier_wave", "later_wave",
                "p_adjust_method", "reliability")
#: The columns that identify a row of the outcomes table.
ROW = ["scale", "comparison", "rater"]


def comparisons_argument(value: Any) -> Any:
    """``comparisons=`` as the statistics take it (a name, names, or a mapping name → (earlier, later));
    a number or another object is refused here, naming the parameter (it would fail deep inside)."""
    if value is None or isinstance(value, (str, Mapping)):
        return value
    if isinstance(value, Iterable) and not isinstance(value, bytes):
        names = list(value)
        if all(isinstance(v, str) for v in names):
            return names
    raise ParameterError("`comparisons` must be a comparison's name (e.g. 'pre_post'), a list of names, or a mapping "
                         f"name → (earlier wave, later wave); got {value!r} ({type(value).__name__})")


def boolean_mask(result: Any, n: int) -> np.ndarray:
    """What a ``where=`` function returned, as one True/False per participant; values that are not
    booleans (a column of text, numbers, missing values) are refused rather than read as truthy.

    Examples
    --------
    >>> boolean_mask([True, False], 2)
    array([ True, False])
    >>> boolean_mask(pd.Series(["voluntary", ""]), 2)
    Traceback (most recent call last):
    ...
    evaluation.core.errors.ParameterError: `where` must be a function returning one True/False (a boolean) per participant (2), e.g. lambda people: people['sector'] == 'voluntary'; got values of type objects such as ['voluntary', '']
    """
    values = result.to_numpy() if isinstance(result, (pd.Series, pd.Index)) else np.asarray(result)
    if values.dtype != bool:
        if isinstance(result, pd.Series) and result.dtype == "boolean" and not result.isna().any():
            values = result.to_numpy(dtype=bool)
        else:
            shown = values.dtype if values.dtype != object else f"objects such as {values.ravel()[:3].tolist()!r}"
            raise ParameterError(f"`where` must be a function returning one True/False (a boolean) per participant "
                                 f"({n}), e.g. lambda people: people['sector'] == 'voluntary'; got values of type "
                                 f"{shown}")
    if values.shape != (n,):
        raise ParameterError(f"`where` must return one True/False per participant ({n}); got shape {values.shape}")
    return values


def where_mask(people: pd.DataFrame, where: Any, characteristics: Sequence[str]) -> np.ndarray:
    """The participants ``where=`` keeps: all (None), those a function of a copy of ``people``
    marks True, or those whose columns hold the mapping's values (compared as text)."""
    if where is None:
        return np.ones(len(people), dtype=bool)
    if callable(where):
        return boolean_mask(where(people.copy()), len(people))
    if not isinstance(where, Mapping) or not where:
        raise ParameterError("`where` must be a mapping of participant columns to the values to keep, e.g. "
                             f"{{'sector': 'voluntary'}}, or a function of the participants; got {where!r}")
    mask = np.ones(len(people), dtype=bool)
    for column, wanted in where.items():
        check_names(column, "where", characteristics)
        values = [wanted] if isinstance(wanted, (str, bytes)) or not isinstance(wanted, Iterable) else list(wanted)
        mask &= people[column].astype(str).isin([str(v) for v in values]).to_numpy()
    return mask


def with_every_row(part: pd.DataFrame, whole: pd.DataFrame) -> pd.DataFrame:
    """A group's outcomes with every row of the cohort's table, in its order: a scale × comparison ×
    rater where the group has no complete pair gets ``n_pairs`` 0 and blank statistics (the
    statistics leave such rows out).

    Examples
    --------
    >>> whole = pd.DataFrame({"scale": ["a", "b"], "comparison": "pre_post", "rater": "self",
    ...                       "reliability": 0.8, "n_pairs": [20, 20], "mean_change": [0.3, 0.1]})
    >>> with_every_row(whole.iloc[[1]].assign(n_pairs=6, mean_change=0.2), whole)
      scale comparison rater  reliability  n_pairs  mean_change
    0     a   pre_post  self          0.8        0          NaN
    1     b   pre_post  self          0.8        6          0.2
    """
    if len(part) == len(whole) and part[ROW].reset_index(drop=True).equals(whole[ROW].reset_index(drop=True)):
        return part
    columns = list(part.columns) if len(part.columns) else list(whole.columns)
    out = whole[ROW].reset_index(drop=True).merge(part, on=ROW, how="left", validate="one_to_one")
    for column in OUTCOME_KEYS:
        if column in out and column in whole:
            out[column] = whole[column].reset_index(drop=True)
    out["n_pairs"] = out["n_pairs"].fillna(0)
    if "wilcoxon_method" in out:
        out["wilcoxon_method"] = out["wilcoxon_method"].fillna("")
    # the cohort's table's types (merging turns text into strings, and a missing count into a float)
    return out[columns].astype({c: whole[c].dtype for c in columns if c in whole and out[c].dtype != whole[c].dtype})


def protect_selection(table: pd.DataFrame, mask: np.ndarray, whole: pd.DataFrame, threshold: int,
                      dependent: Sequence[str]) -> pd.DataFrame:
    """Disclosure control of one selected group (``where=``): it and the people it leaves out must
    each be 0 or at least ``threshold`` (the cohort's table minus the group would reveal them)."""
    rest = table[ROW].merge(whole[[*ROW, "n_pairs"]], on=ROW, how="left")["n_pairs"].to_numpy() \
        - table["n_pairs"].to_numpy()
    n = table["n_pairs"].to_numpy()
    selected, left_out = int(mask.sum()), int((~mask).sum())
    primary = ((n > 0) & (n < threshold)) | (0 < selected < threshold)
    secondary = ~primary & (((rest > 0) & (rest < threshold)) | (0 < left_out < threshold))
    out = table.copy()
    hide = primary | secondary
    out["n_pairs"] = out["n_pairs"].astype("Int64").mask(hide)
    for column in dependent:
        out[column] = out[column].mask(hide)
    if "wilcoxon_method" in out:
        out.loc[hide, "wilcoxon_method"] = ""
    out["suppressed"] = np.where(primary, "primary", np.where(secondary, "secondary", ""))
    return out


def subgroup_warnings(group_notes: list[tuple[str, list[dict]]], disclosure: bool) -> None:
    """Warnings about subgroups; with disclosure control on, one that names no group or count
    (a message such as "1 complete pair" in a named group would disclose what the table hides)."""
    if not disclosure:
        for prefix, notes in group_notes:
            rewarn(notes, prefix)
        return
    count = sum(len(notes) for _, notes in group_notes)
    if count:
        warnings.warn(f"{count} statistic(s) could not be computed in some groups (too few pairs or no "
                      "variance) and are blank; disclosure=False names them (for private work only)",
                      DegenerateDataWarning, stacklevel=3)


def empty_rows_warning(table: pd.DataFrame, by: str | None) -> None:
    """One :class:`~evaluation.core.errors.DegenerateDataWarning` naming the groups shown with
    ``n_pairs`` 0 (the table shows the 0, so naming the group discloses nothing more)."""
    n = pd.to_numeric(table["n_pairs"], errors="coerce")
    empty = table[(n == 0).fillna(False).to_numpy(dtype=bool)]
    if empty.empty:
        return
    if by is None:
        who = f"the selected participants: {len(empty)} of {len(table)} row(s)"
    else:
        counts = empty[by].astype(str).value_counts(sort=False)
        who = f"{by} " + ", ".join(f"{g!r} ({k} of {int((table[by].astype(str) == g).sum())} row(s))"
                                   for g, k in counts.items())
    warnings.warn(f"no complete pair for {who} (scale × comparison × rater): shown with n_pairs 0 and blank "
                  "statistics", DegenerateDataWarning, stacklevel=3)
