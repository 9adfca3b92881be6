"""The outcome report's change by group (``breakdowns.csv``): each level-2 scale's change by sector,
role level and framework area, after the cohort's :func:`~evaluation.reports.disclosure_plan.disclosure_plan`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.core.vocabulary import COMPARISONS
from evaluation.data.cohort import CohortData
from evaluation.reports.disclosure_plan import (
    BREAKDOWN_DIMENSIONS,
    DisclosurePlan,
    Population,
    breakdown_populations,
    group_labels,
    people_with_dimensions,
    positions,
    prepared_scores,
)
from evaluation.stats import outcomes as oc

__all__ = ["breakdowns"]


def breakdowns(data: CohortData, plan: DisclosurePlan, confidence_level: float) -> pd.DataFrame:
    """Change by group on each level-2 scale (self-ratings, the first comparison), after :func:`disclosure_plan`.

    The pairs come from one :func:`~evaluation.stats.outcomes.complete_pairs` on the cohort's
    prepared scores; each pair is matched to its participant's row by integer position, and the
    groups are taken by sorting category codes (no merge or group-by on text keys). Within a
    group the pairs stay in participant order.
    """
    populations = breakdown_populations(data)
    if not populations:
        return _breakdown_frame([])
    comparison = populations[0].comparison
    earlier, later = COMPARISONS[comparison]
    scales = sorted(dict.fromkeys(p.scale for p in populations))
    pairs = oc.complete_pairs(prepared_scores(data), earlier, later, scales=scales, raters=["self"])
    people, _ = people_with_dimensions(data, BREAKDOWN_DIMENSIONS)
    row_of = positions(people["participant_id"].astype(str).to_numpy(dtype=object), pairs.ids)
    found = []  # (scale, each pair's row of `people`, earlier, later): pairs of non-participants dropped
    for scale, _, person, x, y in pairs.groups:
        at = row_of[person]
        inside = at >= 0
        if inside.any():
            found.append((scale, at[inside], x[inside], y[inside]))
    if not found:
        return _breakdown_frame([])
    rows = []
    for dimension in plan.listed(BREAKDOWN_DIMENSIONS):
        categories, code = _sorted_codes(group_labels(people[dimension]).to_numpy(dtype=object))
        groups = [(c, scale, x[rows], y[rows]) for scale, who, x, y in found
                  for c, rows in _rows_by_code(code[who], len(categories))]
        for c, scale, x, y in sorted(groups, key=lambda g: (g[0], g[1])):
            category = str(categories[c])
            flag = plan.row_flag([Population(scale, comparison, "self").key, "enrolled"], dimension, category)
            res = oc.paired_change(x, y, confidence_level=confidence_level) \
                if not flag and len(x) >= plan.threshold else None
            rows.append({
                "dimension": dimension,
                "category": category,
                "scale": scale,
                "comparison": comparison,
                "n_pairs": pd.NA if flag else len(x),
                "mean_change": res.mean_change if res else np.nan,
                "change_ci_low": res.change_ci_low if res else np.nan,
                "change_ci_high": res.change_ci_high if res else np.nan,
                "d_z": res.d_z if res else np.nan,
                "suppressed": flag,
            })
    return _breakdown_frame(rows)


def _breakdown_frame(rows: list[dict]) -> pd.DataFrame:
    """The breakdowns table of ``rows``, with its columns when there are none (nobody has a pair)."""
    table = pd.DataFrame(rows, columns=["dimension", "category", "scale", "comparison", "n_pairs", "mean_change",
                                        "change_ci_low", "change_ci_high", "d_z", "suppressed"])
    table["n_pairs"] = table["n_pairs"].astype("Int64")
    return table


def _sorted_codes(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """As ``np.unique(labels, return_inverse=True)`` (sorted as the group-by sorts), by hashing the rows."""
    code, uniques = pd.factorize(labels)
    order = np.argsort(np.asarray(uniques, dtype=object), kind="stable")
    rank = np.empty(order.size, dtype=np.intp)
    rank[order] = np.arange(order.size)
    return np.asarray(uniques, dtype=object)[order], rank[code]


def _rows_by_code(code: np.ndarray, size: int) -> list[tuple[int, np.ndarray]]:
    """``(c, np.flatnonzero(code == c))`` of each code present, ascending, by one stable sort."""
    order = np.argsort(code.astype(np.int16) if size < 2**15 else code, kind="stable")
    bounds = np.r_[0, np.cumsum(np.bincount(code, minlength=size))]
    return [(int(c), order[bounds[c]:bounds[c + 1]]) for c in range(size) if bounds[c + 1] > bounds[c]]
