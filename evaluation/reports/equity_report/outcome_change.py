"""The equity report's change on the primary scale by group (``equity_outcome_change.csv``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.core.vocabulary import COMPARISONS
from evaluation.data.cohort import CohortData
from evaluation.reports.disclosure_plan import DisclosurePlan, Population, self_rating_scores
from evaluation.reports.findings import collect_warnings
from evaluation.stats import equity as eq
from evaluation.stats import outcomes as oc
from evaluation.stats.outcomes import complete_pairs

__all__ = ["NO_GROUP_CHANGE_TEXT", "OUTCOME_STATS", "outcome_change"]

#: The page's words when every group's change is withheld (the table would be empty: say why, plainly).
NO_GROUP_CHANGE_TEXT = (
    "*No group's change can be shown: in each group too few people have both scores, or its figures are withheld "
    "so that a small group cannot be worked out; `tables/equity_outcome_change.csv` lists the groups, all "
    "withheld. The cohort's change as a whole is in the cohort evaluation report.*")

#: The statistics of each group's change (missing below the threshold or when suppressed).
OUTCOME_STATS = ["mean_pre", "mean_post", "mean_change", "change_ci_low", "change_ci_high", "d_z",
                 "d_z_ci_low", "d_z_ci_high"]


def outcome_change(data: CohortData, people: pd.DataFrame, dims: list[str], plan: DisclosurePlan,
                    level: float, notes: list[dict]) -> pd.DataFrame:
    """Change on the primary scale (first comparison, self-ratings) by group, after disclosure control."""
    columns = ["dimension", "category", "scale", "comparison", "n_pairs", *OUTCOME_STATS, "suppressed"]
    scale = data.primary_scale
    comparison = data.cohort.comparisons[0]
    earlier, later = COMPARISONS[comparison]
    pairs = complete_pairs(self_rating_scores(data), earlier, later, scales=[scale], raters=["self"],
                           missing_rater=None) \
        if scale is not None else None
    found = pairs.group(scale, "self") if pairs is not None else None
    if found is None:
        notes.append({"source": "outcome_change", "warning": "NotComputed",
                      "message": f"no {earlier}/{later} self-ratings of the primary scale: outcome change by group "
                                 "is not shown"})
        return pd.DataFrame(columns=columns)
    population = Population(scale, comparison, "self").key
    # the pairs in participant_id order, each with its row of `people` (pairs of non-participants dropped)
    person, x, y = found
    row_of = pd.Index(people["participant_id"].astype(str).to_numpy()).get_indexer(pairs.ids)[person]
    inside = row_of >= 0
    x, y, row_of = x[inside], y[inside], row_of[inside]
    rows = []
    for dim in dims:
        codes, labels = eq.category_codes(people[dim])
        of_pair = codes[row_of]
        order = np.argsort(of_pair, kind="stable")  # by category, participant_id order within each
        bounds = np.searchsorted(of_pair[order], np.arange(len(labels) + 1))
        where = {label: i for i, label in enumerate(labels)}
        for category in sorted(labels[np.bincount(codes, minlength=len(labels)) > 0].tolist()):
            i = where[category]
            chosen = order[bounds[i]:bounds[i + 1]]
            flag = plan.row_flag([population, "enrolled"], dim, category)
            row = {"dimension": dim, "category": category, "scale": scale, "comparison": comparison,
                   "n_pairs": pd.NA if flag else len(chosen), **dict.fromkeys(OUTCOME_STATS, np.nan),
                   "suppressed": flag}
            if not flag and len(chosen) >= plan.threshold:
                res = collect_warnings(notes, "outcome_change", lambda chosen=chosen: oc.paired_change(
                    x[chosen], y[chosen], confidence_level=level))
                row.update({s: getattr(res, s) for s in OUTCOME_STATS})
            rows.append(row)
    out = pd.DataFrame(rows, columns=columns)
    out["n_pairs"] = out["n_pairs"].astype("Int64")
    return out.reset_index(drop=True)
