"""A cohort's outcomes as :meth:`evaluation.api.Cohort.outcomes` computes them (:func:`cohort_outcomes`):
the cohort's table, or its subgroups: which participants ``where=`` keeps, every row of the
cohort's table in every group (a group of nobody shown as 0), disclosure control, and the warnings
about groups.

Each check raises a :class:`~evaluation.core.errors.ParameterError` naming the parameter.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from evaluation.api.arguments import check_bool, check_names, rewarn
from evaluation.api.tables import with_level
from evaluation.core.checks import check_choice, check_confidence_level
from evaluation.core.errors import (
    DegenerateDataWarning,
    DisclosureControlOffWarning,
    ParameterError,
)
from evaluation.data.cohort import CohortData
from evaluation.reports import outcome_report
from evaluation.stats.disclosure import protect_table

__all__ = ["OUTCOME_KEYS", "boolean_mask", "cohort_outcomes", "comparisons_argument", "empty_rows_warning", "protect_selection",
           "select_rows", "subgroup_warnings", "where_mask", "with_every_row"]

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
            rewarn(notes, prefix, stacklevel=5)
        return
    count = sum(len(notes) for _, notes in group_notes)
    if count:
        warnings.warn(f"{count} statistic(s) could not be computed in some groups (too few pairs or no "
                      "variance) and are blank; disclosure=False names them (for private work only)",
                      DegenerateDataWarning, stacklevel=4)


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
                  "statistics", DegenerateDataWarning, stacklevel=4)


def cohort_outcomes(
    data: CohortData,
    characteristics: Sequence[str],
    *,
    comparisons: Any = None,
    confidence_level: float | None = None,
    multiplicity: str | None = None,
    reliability: Any = None,
    by: Any = None,
    where: Any = None,
    scales: Any = None,
    raters: Any = None,
    disclosure: Any = True,
) -> pd.DataFrame:
    """:meth:`evaluation.api.Cohort.outcomes` (see there): every argument checked before anything is
    computed, then the cohort's table, one selection (``where``) or a breakdown (``by``), with the
    ``confidence_level`` of its intervals after ``change_ci_high``."""
    level = check_confidence_level(data.cohort.confidence_level if confidence_level is None else confidence_level)
    settings = {"comparisons": comparisons_argument(comparisons), "confidence_level": level,
                "multiplicity": multiplicity, "reliability": reliability}
    disclosure = check_bool(disclosure, "disclosure")
    if by is not None:
        check_choice(by, characteristics, "by", hint="" if isinstance(by, str) else
                   "; one characteristic at a time: for two, select with `where=` and break down `by` the other")
    select_rows(data, pd.DataFrame(columns=["scale", "rater"]), scales, raters)  # refused before any computing
    people = data.participants
    mask = where_mask(people, where, characteristics)
    if not mask.any():
        raise ParameterError(f"`where` keeps none of the {len(people)} participants of cohort {data.cohort.cohort}: "
                             f"{where!r}")
    if by is None and where is None:
        table, notes = outcome_report.outcomes(data, **settings)
        rewarn(notes, stacklevel=4)
        return with_level(select_rows(data, table, scales, raters).reset_index(drop=True), level, "change_ci_high")
    whole = None
    if by is None:
        whole = outcome_report.outcomes(data, **settings)[0]
        part, found = outcome_report.outcomes(data, _scores(data, people.loc[mask, "participant_id"]), **settings)
        # a selection without pairs is said once, by empty_rows_warning, not also as "the table is empty"
        table, group_notes = with_every_row(part, whole), [("selected participants: ", [] if part.empty else found)]
    else:
        parts, group_notes = {}, []
        for category in sorted(people.loc[mask, by].astype(str).unique()):
            in_group = mask & (people[by].astype(str) == category).to_numpy()
            parts[category], found = outcome_report.outcomes(
                data, _scores(data, people.loc[in_group, "participant_id"]), **settings)
            group_notes.append((f"{by} {category!r}: ", [] if parts[category].empty else found))
        rows = {tuple(map(tuple, part[["scale", "comparison", "rater"]].to_numpy())) for part in parts.values()}
        if where is not None or len(rows) > 1 or any(part.empty for part in parts.values()):
            every = outcome_report.outcomes(data, **settings)[0]  # the rows every group shows
            parts = {category: with_every_row(part, every) for category, part in parts.items()}
        table = pd.concat([part.assign(**{by: category}) for category, part in parts.items()], ignore_index=True)
        table = table[[by, *[c for c in table.columns if c != by]]]
    table = select_rows(data, table, scales, raters)
    subgroup_warnings(group_notes, disclosure)
    if not disclosure:
        warnings.warn(f"disclosure control is off: groups of fewer than {data.cohort.disclosure_threshold} "
                      "people are shown. Keep these results private: do not publish or share them.",
                      DisclosureControlOffWarning, stacklevel=3)
        empty_rows_warning(table, by)
        return with_level(table.assign(suppressed="").reset_index(drop=True), level, "change_ci_high")
    table = _protect(table, by, mask, whole, data.cohort.disclosure_threshold).reset_index(drop=True)
    empty_rows_warning(table, by)
    return with_level(table, level, "change_ci_high")


def _scores(data: CohortData, ids: pd.Series) -> pd.DataFrame:
    scores = data.scale_scores
    return scores[scores["participant_id"].isin(set(ids))]


def select_rows(data: CohortData, table: pd.DataFrame, scales: Any, raters: Any) -> pd.DataFrame:
    """The rows of ``scales`` and ``raters`` (each checked: a ParameterError names the parameter)."""
    keep = np.ones(len(table), dtype=bool)
    if scales is not None:
        keep &= table["scale"].isin(check_names(scales, "scales", list(data.titles))).to_numpy()
    if raters is not None:
        keep &= table["rater"].isin(check_names(raters, "raters", sorted(data.scale_scores["rater"].unique())))\
            .to_numpy()
    return table[keep]


def _protect(table: pd.DataFrame, by: str | None, mask: np.ndarray, whole: pd.DataFrame | None,
             threshold: int) -> pd.DataFrame:
    dependent = [c for c in table.columns if c not in (*OUTCOME_KEYS, "n_pairs", by, "wilcoxon_method")]
    if by is None:
        return protect_selection(table, mask, whole, threshold, dependent)
    protected = protect_table(table, count="n_pairs", threshold=threshold, by=["comparison", "rater", "scale"],
                              dependent=dependent, label=by, name=f"outcomes by {by}",
                              blank=["wilcoxon_method"]).table
    return protected.assign(n_pairs=protected["n_pairs"].astype("Int64"))
