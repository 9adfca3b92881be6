"""The crossings of ``where_it_works.csv`` (e.g. framework area × role level): each crossing's cells
suppressed against its one-way margins, after
:func:`~evaluation.reports.programme_report.where_disclosure.protect_where` has decided the margins.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from evaluation.reports.programme_report.where_words import CROSS
from evaluation.stats import disclosure

__all__ = ["WITHHELD", "known_anyway", "protect_crossing"]

#: The flag of every cell of a quantity withheld for a whole dimension (or crossing).
WITHHELD = "withheld"


def known_anyway(value: float, withheld: float, threshold: int) -> bool:
    """Whether a pooled count is known to a reader of the cohort reports: they publish every part of it
    (the parts a cohort report publishes are 0 or at least ``threshold``, so their sum is too)."""
    return withheld == 0 and (value == 0 or value >= threshold)


def protect_crossing(q: str, mask: np.ndarray, cells: list, a: str, b: str, margins: pd.DataFrame,
                     threshold: int, force: Mapping[tuple[str, str, str], str]) -> tuple[pd.DataFrame, list[str]]:
    """Suppress one crossing's cells (``a × b``) of quantity ``q`` against its two margins, as the
    one-way stage left them: the cells and the names of those that stayed unprotected.

    A published margin is never suppressed; a hidden one keeps its flag, so that no row or
    column of the crossing reveals it. A row's (or column's) withheld cells together must not
    hold from 1 to threshold − 1 either (``union_lines``).
    """
    rows_, cols_ = sorted({c.split(CROSS)[0] for _, c, _ in cells}), sorted({c.split(CROSS)[1] for _, c, _ in cells})
    values = [float((mask & m).sum()) for _, _, m in cells]
    pos = {c: k for k, (_, c, _) in enumerate(cells)}
    margin_keys = [(a, i) for i in rows_] + [(b, j) for j in cols_]
    start = len(values)
    values += [float(margins.loc[(q, d, c), "count"]) for d, c in margin_keys]
    total = len(values)
    values.append(float(mask.sum()))
    lines = [(start + r, [pos[f"{i}{CROSS}{j}"] for j in cols_]) for r, i in enumerate(rows_)]
    lines += [(start + len(rows_) + s, [pos[f"{i}{CROSS}{j}"] for i in rows_]) for s, j in enumerate(cols_)]
    lines += [(total, list(range(start, start + len(rows_)))), (total, list(range(start + len(rows_), total)))]
    exempt, forced = [total], {}
    for k, (d, c) in enumerate(margin_keys):
        flag = margins.loc[(q, d, c), "flag"]
        if flag and not known_anyway(values[start + k], margins.loc[(q, d, c), "withheld_by_cohorts"], threshold):
            forced[start + k] = ("secondary" if flag == WITHHELD else flag, f"hidden in the {d} rows")
        else:
            exempt.append(start + k)
    forced |= {pos[c]: ("secondary", force[(q, d, c)]) for d, c, _ in cells if (q, d, c) in force}
    names = [f"{q} {c}" for _, c, _ in cells] + [f"{q} {d}={c}" for d, c in margin_keys] + ["the total"]
    # a row's (or column's) withheld crossings together are a group too: operational × other and operational ×
    # senior manager, both withheld, once held 4 pairs between them beside the published operational row
    union = list(range(len(rows_) + len(cols_)))
    res = disclosure.protect(values, lines, threshold=threshold, exempt=exempt, forced=forced, labels=names,
                             union_lines=union)
    frame = pd.DataFrame({"quantity": q, "dimension": [d for d, _, _ in cells], "category": [c for _, c, _ in cells],
                          "count": np.asarray(values[:start], dtype="int64"), "withheld_by_cohorts":
                          np.asarray(values[:start], dtype="int64"), "flag": res.flags[:start],
                          "reason": res.reasons[:start]})
    return frame, [names[i] for i in res.unprotected]
