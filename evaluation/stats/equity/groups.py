"""Completion and declaration by group: completion rates with Wilson intervals, declaration rates."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from evaluation.core.checks import check_columns
from evaluation.core.checks import check_confidence_level as _check_level
from evaluation.core.vocabulary import UNDECLARED
from evaluation.stats.equity._common import category_codes

__all__ = ["completion_by_group", "declaration_rates"]


def completion_by_group(
    participants: pd.DataFrame,
    dimensions: Sequence[str],
    *,
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Completion rate by category of each dimension, with a Wilson confidence interval.

    Parameters
    ----------
    participants : DataFrame
        One row per participant: the dimension columns and ``status`` (``completed``,
        ``withdrew``, ``in_progress``).
    dimensions : sequence of str
    confidence_level : float, default 0.95

    Returns
    -------
    DataFrame
        ``dimension, category, participants, completed, completion_rate, ci_low, ci_high``
        (categories in sorted order; missing values count as ``not_recorded``).

    Notes
    -----
    ``completion_rate = completed / participants`` (people still ``in_progress`` count as not
    (yet) completed); Wilson (1927) score interval, computed by statsmodels'
    ``proportion_confint(completed, participants, alpha=1 − level, method="wilson")``:
    ``(p̂ + z²/2n ± z·sqrt(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n)``, clipped to [0, 1]
    (R: ``prop.test(x, n, correct = FALSE)$conf.int``).

    Examples
    --------
    >>> people = pd.DataFrame({"sector": ["a"] * 4 + ["b"] * 2,
    ...                        "status": ["completed"] * 3 + ["withdrew", "completed", "completed"]})
    >>> completion_by_group(people, ["sector"]).round(3)
      dimension category  participants  completed  completion_rate  ci_low  ci_high
    0    sector        a             4          3             0.75   0.301    0.954
    1    sector        b             2          2             1.00   0.342    1.000
    """
    check_columns(participants, [*dimensions, "status"], "participants")
    level = _check_level(confidence_level)
    done = participants["status"].eq("completed")
    pieces = []
    done = done.fillna(False).to_numpy(dtype=bool)
    for dimension in dimensions:
        codes, labels = category_codes(participants[dimension])
        size = np.bincount(codes, minlength=len(labels))
        present = np.flatnonzero(size > 0)
        present = present[np.argsort(labels[present].astype(str), kind="stable")]  # categories in sorted order
        n = pd.Series(size[present].astype("float64"), index=labels[present].astype(str))
        k = pd.Series(np.bincount(codes[done], minlength=len(labels))[present].astype("float64"), index=n.index)
        low, high = proportion_confint(k.to_numpy(), n.to_numpy(), alpha=1 - level, method="wilson")
        pieces.append(pd.DataFrame({
            "dimension": dimension,
            "category": n.index.astype(str),
            "participants": n.astype("int64").to_numpy(),
            "completed": k.astype("int64").to_numpy(),
            "completion_rate": (k / n).to_numpy(),
            "ci_low": low,
            "ci_high": high,
        }))
    return pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame(
        columns=["dimension", "category", "participants", "completed", "completion_rate", "ci_low", "ci_high"])


def declaration_rates(
    participants: pd.DataFrame,
    dimensions: Sequence[str],
    *,
    undeclared: Sequence[str] = UNDECLARED,
) -> pd.DataFrame:
    """How many participants declared each characteristic.

    Parameters
    ----------
    participants : DataFrame
        One row per participant with the dimension columns.
    dimensions : sequence of str
    undeclared : sequence of str, default :data:`UNDECLARED`
        Categories meaning "not known" (a missing value counts as ``not_recorded``).

    Returns
    -------
    DataFrame
        ``dimension, participants, declared, declaration_rate`` and one count column per
        undeclared category (``not_declared``, ``prefer_not_to_say``, ``not_recorded``).

    Examples
    --------
    >>> people = pd.DataFrame({"gender": ["female", "male", "not_declared", None]})
    >>> out = declaration_rates(people, ["gender"])
    >>> out[["dimension", "participants", "declared", "declaration_rate"]]
      dimension  participants  declared  declaration_rate
    0    gender             4         2               0.5
    >>> out[["not_declared", "prefer_not_to_say", "not_recorded"]].iloc[0].tolist()
    [1, 0, 1]
    """
    check_columns(participants, list(dimensions), "participants")
    rows = []
    for dimension in dimensions:
        codes, labels = category_codes(participants[dimension])
        counts = dict(zip(labels.tolist(), np.bincount(codes, minlength=len(labels)).tolist(), strict=True))
        n = len(codes)
        row = {"dimension": dimension, "participants": n}
        unknown = {u: int(counts.get(u, 0)) for u in undeclared}
        row["declared"] = n - sum(unknown.values())
        row["declaration_rate"] = row["declared"] / n if n else np.nan
        row.update(unknown)
        rows.append(row)
    return pd.DataFrame(rows, columns=["dimension", "participants", "declared", "declaration_rate", *undeclared])
