"""The cost and equity reports' lean paths equal the straightforward computations they replace, exactly.

Generated cohorts (missing scores, several raters, groups too small for statistics) are run
through the vectorised functions and through the functions they stand in for; every number and
every warning must be the same to the last digit.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from evaluation.core.errors import DegenerateDataWarning
from evaluation.reports.cost_report.outcomes import non_monetised_outcomes
from evaluation.stats import outcomes as oc


def _scores(seed: int, n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for scale in ("b_scale", "a_scale", "flat"):
        for rater in ("self", "peer", "line_manager", "zz_other"):
            for wave in ("pre", "post", "follow_up"):
                people = rng.choice(n, size=int(rng.integers(0, n)), replace=False)
                if rater == "zz_other" and wave == "post":
                    people = people[:1]  # one pair at most: statistics NaN, with warnings
                for p in people:
                    score = 3.0 if scale == "flat" else float(rng.integers(4, 21)) / 4
                    rows.append({"participant_id": f"P{p:04d}", "scale": scale, "rater": rater, "wave": wave,
                                 "score": np.nan if rng.random() < 0.05 else score})
    frame = pd.DataFrame(rows)
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)  # any row order


def _caught(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
    return result, [str(w.message) for w in caught if issubclass(w.category, DegenerateDataWarning)]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("reliability", [0.8, "frame"])
def test_non_monetised_outcomes_equal_the_outcome_table_columns(seed, reliability):
    scores = _scores(seed)
    info = pd.DataFrame({"kirkpatrick_level": [2, 3, 2], "higher_is_better": [True, False, True]},
                        index=["b_scale", "a_scale", "flat"])
    if reliability == "frame":  # per scale × rater, one row for every rater, and scales without any
        reliability = pd.DataFrame({"scale": ["b_scale", "b_scale", "a_scale"], "rater": ["self", "peer", None],
                                    "reliability": [0.85, 0.7, 0.9]})
    # the reference: the outcome table, bootstrap and all
    expected, expected_warnings = _caught(lambda: oc.outcomes_table(
        scores, comparisons=["pre_post"], confidence_level=0.9, reliability=reliability, scale_info=info,
        resamples=100))
    got, got_warnings = _caught(lambda: non_monetised_outcomes(
        scores, comparison="pre_post", earlier="pre", later="post", confidence_level=0.9,
        reliability=reliability, scale_info=info, titles={"b_scale": "B", "a_scale": "A"}))
    columns = ["scale", "kirkpatrick_level", "comparison", "rater", "n_pairs", "mean_change", "change_ci_low",
               "change_ci_high", "rci_improved"]
    pd.testing.assert_frame_equal(got[columns], expected[columns], check_exact=True)
    assert got["title"].tolist() == expected["scale"].map({"b_scale": "B", "a_scale": "A"}).tolist()
    assert got_warnings == expected_warnings and got_warnings


def test_non_monetised_outcomes_without_pairs_are_empty():
    scores = _scores(4).query("wave != 'post'")
    info = pd.DataFrame({"kirkpatrick_level": [2], "higher_is_better": [True]}, index=["b_scale"])
    out = non_monetised_outcomes(scores, comparison="pre_post", earlier="pre", later="post", confidence_level=0.95,
                                 reliability=0.8, scale_info=info, titles={})
    assert out.empty and "rci_improved" in out.columns
