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
from scipy import stats

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


# --------------------------------------------------------------------------- the cost bootstrap


def _straightforward_bootstrap(ledger, flags, resamples, seed):
    """The textbook bootstrap: each resample draws n participants' indices with replacement."""
    rng = np.random.default_rng(seed)
    people = ledger.participants
    cost, time = people["variable_cost"].to_numpy(), people["time_cost"].to_numpy()
    n = len(people)
    index = rng.integers(0, n, size=(resamples, n))
    total = ledger.fixed_cost + cost[index].sum(axis=1)
    improvers = flags[index].sum(axis=1)
    with np.errstate(divide="ignore"):
        return (np.where(improvers > 0, total / improvers, np.inf),
                np.where(improvers > 0, (total - time[index].sum(axis=1)) / improvers, np.inf))


def test_bootstrap_over_distinct_values_has_the_distribution_of_resampling_participants():
    from evaluation.stats import costs as ct

    rng = np.random.default_rng(13)
    n = 80
    people = pd.DataFrame({"participant_id": [f"p{i:03d}" for i in range(n)],
                           "role_level": rng.choice(["middle_manager", "senior_manager"], n),
                           "status": rng.choice(["completed", "withdrew"], n, p=[0.8, 0.2]),
                           "sessions_attended": rng.integers(0, 6, n)})
    deflators = pd.DataFrame({"year": [2024], "index": [100.0]})
    costs = pd.DataFrame({"cohort": pd.array([1, 1], dtype="Int64"), "category": ["delivery", "materials"],
                          "description": ["", ""], "amount": [20000.0, 150.0], "price_year": [2024, 2024],
                          "basis": ["fixed", "per_participant"]})
    staff = ct.StaffTime(hourly_costs={"middle_manager": 30.0, "senior_manager": 45.0}, price_year=2024,
                         sessions=5, hours_per_session=6.0)
    ledger = ct.cost_ledger(costs, people, cohort=1, enrolled={1: n}, deflators=deflators, base_year=2024,
                            staff=staff)
    improved = people["participant_id"][rng.random(n) < 0.35].tolist()
    flags = ledger.participants["participant_id"].isin(improved).to_numpy()
    resamples = 20_000
    # the independent reference: n indices per resample (the bootstrap before issue 13)
    economic, cash = _straightforward_bootstrap(ledger, flags, resamples, seed=99)
    # the workbench: multinomial counts over the distinct (cost, time, improved) triples
    boot = ct.bootstrap_costs(ledger, improved, resamples=resamples, seed=5)
    for reference, measure in ((economic, "cost_per_reliable_improver"), (cash, "cash_cost_per_reliable_improver")):
        draws = boot.draws[measure].to_numpy()
        assert np.isfinite(draws).all() and np.isfinite(reference).all()
        # Monte Carlo error of a mean of 20,000 draws is sd/√20,000 ≈ 0.7% of the sd: allow 5%
        sd = reference.std()
        assert abs(draws.mean() - reference.mean()) < 0.05 * sd
        assert draws.std() == pytest.approx(sd, rel=0.05)
        # the whole distribution (the cash ratio is discrete: its cost is the same for everyone): the
        # two-sample Kolmogorov–Smirnov distance, whose 99.9% point for 20,000 + 20,000 draws is 0.019
        assert stats.ks_2samp(draws, reference).statistic < 0.02, measure
