"""A plain pingouin loop over the outcomes table's per-scale statistics, beside the workbench's.

Used by the ``pingouin`` stage of ``bench_national.py`` (pingouin is the benchmark-only extra
``bench``: ``pip install -e '.[bench]'``). For every scale × comparison × rater of the cohort's
outcomes table the same complete pairs go to pingouin (``ttest(paired=True)``, ``wilcoxon``,
``compute_effsize(paired=True, eftype='hedges')``) and to ``paired_change``; the table route
(``outcomes_table`` from long format, with the cohort's settings) is timed as the report runs it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

REPEATS = 2


def _best(call: Callable[[], Any], repeats: int = REPEATS) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        out = call()
        best = min(best, time.perf_counter() - start)
    return best, out


def pairs(data) -> dict[tuple[str, str, str], tuple[np.ndarray, np.ndarray]]:
    """(scale, comparison, rater) → (earlier, later) complete pairs, as ``outcomes_table`` pairs them."""
    from evaluation.core.vocabulary import COMPARISONS

    scores = data.scale_scores.dropna(subset=["score"])
    out = {}
    for (scale, rater), group in scores.groupby(["scale", "rater"], sort=True, observed=True):
        wide = group.pivot_table(index="participant_id", columns="wave", values="score", aggfunc="first",
                                 observed=True)
        for comparison in data.cohort.comparisons:
            earlier, later = COMPARISONS[comparison]
            if earlier in wide.columns and later in wide.columns:
                both = wide[[earlier, later]].dropna()
                if len(both) >= 2:
                    out[(str(scale), comparison, str(rater))] = (both[earlier].to_numpy(float),
                                                                 both[later].to_numpy(float))
    return out


def _columns(frame) -> dict[str, Any]:
    """pingouin's first row with names made version-proof ('p-val'/'p_val', 'CI95%'/'CI95')."""
    row = frame.iloc[0]
    return {str(k).replace("-", "_").replace("%", ""): v for k, v in row.items()}


def pingouin_loop(rows, level: float) -> dict:
    import pingouin as pg

    pg.options["round.column.CI95"] = None  # pingouin rounds the CI to 2 decimals by default
    out = {}
    for key, (x, y) in rows.items():
        t = _columns(pg.ttest(y, x, paired=True, confidence=level))
        w = _columns(pg.wilcoxon(y, x))
        low, high = (float(v) for v in np.ravel(t[next(k for k in t if k.startswith("CI"))]))
        # pingouin reports no mean change: the midpoint of its CI
        out[key] = {"mean_change": (low + high) / 2, "change_ci_low": low, "change_ci_high": high,
                    "t": float(t["T"]), "p_value": float(t["p_val"]), "wilcoxon_p": float(w["p_val"]),
                    "wilcoxon_w": float(w["W_val"]),
                    "hedges": float(pg.compute_effsize(y, x, paired=True, eftype="hedges"))}
    return out


def per_scale(rows, level: float) -> dict:
    from evaluation.stats.outcomes import paired_change

    out = {}
    for key, (x, y) in rows.items():
        r = paired_change(x, y, confidence_level=level)
        out[key] = {"mean_change": r.mean_change, "change_ci_low": r.change_ci_low,
                    "change_ci_high": r.change_ci_high, "t": r.t, "p_value": r.p_value,
                    "wilcoxon_p": r.wilcoxon_p, "wilcoxon_w": r.wilcoxon_w_plus, "hedges": r.g_av}
    return out


def compare(data) -> dict[str, Any]:
    """Times (seconds, minimum of 2) and the largest absolute differences, pingouin − workbench."""
    import warnings

    from scipy import stats

    from evaluation.data.cohort import rci_reliability, scale_info
    from evaluation.stats.outcomes import outcomes_table
    from evaluation.stats.outcomes.paired import TIE_DECIMALS

    coh = data.cohort
    rows = pairs(data)
    info = scale_info(data)[["kirkpatrick_level", "higher_is_better"]]
    reliability = rci_reliability(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_pg, theirs = _best(lambda: pingouin_loop(rows, coh.confidence_level))
        t_ours, ours = _best(lambda: per_scale(rows, coh.confidence_level))
        t_table, table = _best(lambda: outcomes_table(
            data.scale_scores, comparisons=coh.comparisons, confidence_level=coh.confidence_level,
            multiplicity=coh.multiplicity, reliability=reliability, scale_info=info,
            resamples=coh.bootstrap.resamples, seed=coh.bootstrap.seed))
    diff = {name: max(abs(theirs[k][name] - ours[k][name]) for k in rows) for name in next(iter(ours.values()))}
    # scipy's Wilcoxon (as pingouin calls it) on the differences rounded as the workbench rounds them
    rounded = max(abs(float(stats.wilcoxon(np.round(y - x, TIE_DECIMALS), correction=True).pvalue)
                      - ours[k]["wilcoxon_p"]) for k, (x, y) in rows.items())
    routed = table.set_index(["scale", "comparison", "rater"])["mean_change"]
    table_vs_per_scale = max(abs(routed.loc[k] - ours[k]["mean_change"]) for k in rows)
    return {"rows": len(rows), "seconds": {"pingouin": t_pg, "per_scale": t_ours, "table": t_table},
            "max_abs_diff": diff, "wilcoxon_p_scipy_on_rounded": rounded, "table_vs_per_scale_mean_change": float(table_vs_per_scale),
            "pairs": {"|".join(k): int(v[0].size) for k, v in rows.items()}}
