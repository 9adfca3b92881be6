"""The cost report's non-monetised outcomes: change on every scale, without the outcome table's bootstrap.

:func:`non_monetised_outcomes` gives, for the cohort's first comparison, every scale × rater's
complete pairs, mean change with its interval and the share who reliably improved — the
columns of :func:`evaluation.stats.outcomes.outcomes_table` the cost report publishes, and
nothing else: the outcome table also computes the seeded bootstrap interval of g_av, which is
most of its time and which the cost report does not show.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from evaluation.core.errors import DegenerateDataWarning
from evaluation.core.vocabulary import RATERS
from evaluation.stats import outcomes as oc
from evaluation.stats.outcomes import complete_pairs

__all__ = ["NON_MONETISED_COLUMNS", "non_monetised_outcomes"]

#: Columns of ``tables/cost_non_monetised_outcomes.csv``.
NON_MONETISED_COLUMNS = ["scale", "title", "kirkpatrick_level", "comparison", "rater", "n_pairs", "mean_change",
                         "change_ci_low", "change_ci_high", "rci_improved"]


def _as_in_table(context: str, call: Any) -> Any:
    """Run ``call`` and re-issue its DegenerateDataWarnings with the outcome table's context."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DegenerateDataWarning)
        result = call()
    for w in caught:
        if issubclass(w.category, DegenerateDataWarning):
            text = str(w.message)
            for name in ("paired_change: ", "reliable_change: "):
                if text.startswith(name):
                    text = context + ": " + text[len(name):]
            warnings.warn(text, DegenerateDataWarning, stacklevel=3)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return result


def _reliabilities(reliability: Any) -> tuple[dict, float]:
    """(scale, rater or None) → r_xx, and the value for every scale, from :func:`rci_reliability`."""
    if isinstance(reliability, pd.DataFrame):
        raters = reliability["rater"] if "rater" in reliability.columns else [None] * len(reliability)
        return {(str(s), None if r is None or pd.isna(r) else str(r)): float(v)
                for s, r, v in zip(reliability["scale"], raters, reliability["reliability"], strict=True)}, np.nan
    return {}, np.nan if reliability is None else float(reliability)


def non_monetised_outcomes(scores: pd.DataFrame | oc.PreparedScores, *, comparison: str, earlier: str, later: str,
                           confidence_level: float, reliability: Any, scale_info: pd.DataFrame,
                           titles: dict[str, str]) -> pd.DataFrame:
    """Change on every scale × rater over one comparison: the cost report's outcomes left in their units.

    Parameters
    ----------
    scores : DataFrame or PreparedScores
        Long-format scale scores (``participant_id, scale, wave, rater, score``), or the same
        through :func:`~evaluation.stats.outcomes.prepare_scores`.
    comparison, earlier, later : str
        The comparison's name and its two waves.
    confidence_level : float
        Of the interval of the mean change.
    reliability : float or DataFrame
        r_xx for the reliable change index (:func:`evaluation.data.cohort.rci_reliability`).
    scale_info : DataFrame
        Indexed by scale, ``kirkpatrick_level`` and ``higher_is_better``; its order orders the rows.
    titles : dict
        Scale → title.

    Returns
    -------
    DataFrame
        :data:`NON_MONETISED_COLUMNS`, one row per scale × rater with scores at both waves,
        equal to the same columns of :func:`evaluation.stats.outcomes.outcomes_table` (same
        rows, order, numbers and warnings) without its g_av bootstrap.

    Notes
    -----
    Each row is :func:`~evaluation.stats.outcomes.paired_change` (mean change = mean(later −
    earlier), interval mean ± t(1 − α/2; n − 1)·sd/√n) and
    :func:`~evaluation.stats.outcomes.reliable_change` (Jacobson & Truax 1991, share of
    pairs with RCI beyond 1.96 in the direction of improvement) of the complete pairs in
    ``participant_id`` order, as the outcome table computes them.

    Examples
    --------
    >>> scores = pd.DataFrame({"participant_id": list("abcdabcd"), "scale": "s", "rater": "self",
    ...                        "wave": ["pre"] * 4 + ["post"] * 4,
    ...                        "score": [3.0, 2.5, 4.0, 3.5, 3.5, 3.0, 4.0, 4.5]})
    >>> info = pd.DataFrame({"kirkpatrick_level": [2], "higher_is_better": [True]}, index=["s"])
    >>> out = non_monetised_outcomes(scores, comparison="pre_post", earlier="pre", later="post",
    ...                              confidence_level=0.95, reliability=0.8, scale_info=info, titles={"s": "S"})
    >>> out[["scale", "n_pairs", "mean_change", "rci_improved"]]
      scale  n_pairs  mean_change  rci_improved
    0     s        4          0.5          0.25
    """
    by_key, default = _reliabilities(reliability)
    order = {str(s): i for i, s in enumerate(scale_info.index)}
    rows, no_reliability = [], []
    for scale, rater, _, x, y in complete_pairs(scores, earlier, later).groups:
        context = f"scale {scale!r}, comparison {comparison!r}, rater {rater!r}"
        res = _as_in_table(context, lambda x=x, y=y: oc.paired_change(x, y, confidence_level=confidence_level))
        r_xx = by_key.get((scale, rater), by_key.get((scale, None), default))
        better = scale_info["higher_is_better"].get(scale, True) if "higher_is_better" in scale_info else True
        if np.isfinite(r_xx):
            rc = _as_in_table(context, lambda x=x, y=y, r=r_xx, b=better: oc.reliable_change(
                x, y, reliability=r, higher_is_better=True if pd.isna(b) else bool(b)))
            improved = rc.rci_improved
        else:
            no_reliability.append(f"{scale} ({rater})")
            improved = np.nan
        level = scale_info["kirkpatrick_level"].get(scale, pd.NA) if "kirkpatrick_level" in scale_info else pd.NA
        rows.append({"scale": scale, "title": titles.get(scale), "kirkpatrick_level": level,
                     "comparison": comparison, "rater": rater, "n_pairs": res.n_pairs, "mean_change": res.mean_change,
                     "change_ci_low": res.change_ci_low, "change_ci_high": res.change_ci_high,
                     "rci_improved": improved,
                     "_s": order.get(scale, len(order)),
                     "_r": RATERS.index(rater) if rater in RATERS else len(RATERS)})
    if no_reliability:
        warnings.warn("no usable reliability given for " + ", ".join(dict.fromkeys(no_reliability))
                      + ": the reliability and rci_* columns are NaN there", DegenerateDataWarning, stacklevel=2)
    if not rows:
        return pd.DataFrame(columns=NON_MONETISED_COLUMNS)
    out = pd.DataFrame(rows).sort_values(["_s", "scale", "_r", "rater"], kind="stable")
    out = out[NON_MONETISED_COLUMNS].reset_index(drop=True)
    out["kirkpatrick_level"] = pd.array([pd.NA if pd.isna(v) else int(v) for v in out["kirkpatrick_level"]],
                                        dtype="Int64")
    out["n_pairs"] = out["n_pairs"].astype("int64")
    for column in ("mean_change", "change_ci_low", "change_ci_high", "rci_improved"):
        out[column] = out[column].astype("float64")
    for column in ("scale", "comparison", "rater"):
        out[column] = out[column].astype(object)
    out["title"] = out["scale"].map(titles)
    return out
