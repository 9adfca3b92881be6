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


# --------------------------------------------------------------------------- equity and disclosure


def _people(seed: int, n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ids = [f"P{p:04d}" for p in range(n)]
    return pd.DataFrame({"participant_id": rng.permutation(ids),
                         "sector": rng.choice(["health", "private", "", None, "voluntary"], n),
                         "gender": rng.choice(["female", "male", "not_declared"], n, p=[0.6, 0.38, 0.02])})


class _Plan:
    """A disclosure plan stub: suppresses one category, threshold 5."""

    threshold = 5

    def row_flag(self, quantities, dimension, category):
        return "primary" if (dimension, category) == ("sector", "voluntary") else ""


def _outcome_change_reference(scores, people, dims, plan, earlier, later, scale):
    """The equity report's outcome change by group before issue 13: a pivot, then one filter per group."""
    from evaluation.reports.disclosure_plan import group_labels

    s = scores[(scores["rater"] == "self") & (scores["scale"] == scale)]
    wide = s.pivot_table(index="participant_id", columns="wave", values="score")
    paired = wide.dropna(subset=[earlier, later]).reset_index()
    paired = paired.merge(people[["participant_id", *dims]], on="participant_id", how="inner")
    rows = []
    for dim in dims:
        cat_of = group_labels(paired[dim])
        for category in sorted(group_labels(people[dim]).unique()):
            grp = paired[cat_of == category]
            flag = plan.row_flag([], dim, category)
            row = {"dimension": dim, "category": category, "n_pairs": pd.NA if flag else len(grp)}
            if not flag and len(grp) >= plan.threshold:
                res = oc.paired_change(grp[earlier].to_numpy(), grp[later].to_numpy(), confidence_level=0.9)
                row.update({s: getattr(res, s) for s in ("mean_pre", "mean_post", "mean_change", "change_ci_low",
                                                         "change_ci_high", "d_z", "d_z_ci_low", "d_z_ci_high")})
            rows.append(row)
    return pd.DataFrame(rows)


@pytest.mark.parametrize("seed", [5, 6])
def test_outcome_change_by_group_equals_one_filter_per_group(seed):
    from types import SimpleNamespace

    from evaluation.reports.equity_report.outcome_change import outcome_change

    rng = np.random.default_rng(seed)
    people = _people(seed)
    scores = pd.concat([_scores(seed), pd.DataFrame({  # most people: self-ratings of b_scale at both waves
        "participant_id": np.repeat([f"P{p:04d}" for p in range(60)], 2), "scale": "b_scale", "rater": "self",
        "wave": ["pre", "post"] * 60, "score": rng.integers(4, 21, 120) / 4})]) \
        .drop_duplicates(["participant_id", "scale", "rater", "wave"], keep="last")
    scores.loc[scores.sample(frac=0.1, random_state=seed).index, "score"] = np.nan
    people = people[people["participant_id"] != "P0003"]  # a participant's scores without a participant
    data = SimpleNamespace(primary_scale="b_scale", cohort=SimpleNamespace(comparisons=["pre_post"]),
                           scale_scores=scores)
    notes: list[dict] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        got = outcome_change(data, people, ["sector", "gender"], _Plan(), 0.9, notes)
        # the reference: the straightforward computation, pivot and a filter per group
        expected = _outcome_change_reference(scores, people, ["sector", "gender"], _Plan(), "pre", "post", "b_scale")
    assert got["n_pairs"].sum() > 20
    pd.testing.assert_frame_equal(got[expected.columns].reset_index(drop=True),
                                  expected.astype(got[expected.columns].dtypes.to_dict()), check_exact=True)


@pytest.mark.parametrize("seed", [7, 8])
def test_paired_masks_equal_the_people_with_both_waves(seed):
    from types import SimpleNamespace

    from evaluation.reports.disclosure_plan import Population, paired_masks

    scores, people = _scores(seed), _people(seed)
    scores.loc[scores.index[:5], "rater"] = None  # a missing rater is no rater here
    populations = [Population("a_scale", "pre_post", "self"), Population("b_scale", "pre_post", "peer"),
                   Population("flat", "then_post", "self"), Population("nowhere", "pre_post", "self")]
    got = paired_masks(SimpleNamespace(scale_scores=scores), populations, people["participant_id"])
    from evaluation.core.vocabulary import COMPARISONS

    for population in populations:
        earlier, later = COMPARISONS[population.comparison]
        # the reference: the plan before issue 13, one filter of every score per population
        s = scores[(scores["scale"] == population.scale) & (scores["rater"] == population.rater)
                   & scores["wave"].isin([earlier, later])].dropna(subset=["score"])
        waves = s.groupby("participant_id")["wave"].nunique()
        expected = people["participant_id"].isin(set(waves.index[waves == 2])).to_numpy()
        np.testing.assert_array_equal(got[population], expected)


def _labels_reference(values: pd.Series) -> pd.Series:
    """Category labels before issue 13: every value turned into text, one by one."""
    return values.astype("object").where(values.notna(), "not_recorded").astype(str).replace("", "not_recorded")


@pytest.mark.parametrize("seed", [9, 10])
def test_equity_counts_by_category_codes_equal_the_text_labels(seed):
    from statsmodels.stats.proportion import proportion_confint

    from evaluation.stats import equity as eq

    people = _people(seed, n=200).assign(status=lambda d: np.where(np.arange(len(d)) % 3, "completed", "withdrew"),
                                         age=lambda d: np.where(np.arange(len(d)) % 7 == 0, np.nan, 30.0))
    for dim in ("sector", "gender", "age"):
        pd.testing.assert_series_equal(eq.category_labels(people[dim]), _labels_reference(people[dim]))
    wf = pd.DataFrame({"dimension": ["sector"] * 3, "category": ["health", "private", "police"],
                       "eligible": [100.0, 50.0, 10.0]})
    counts = eq.category_counts(people, wf, ["sector"]).set_index("category")["participants"]
    # the reference: value counts of the text labels
    reference = _labels_reference(people["sector"]).value_counts()
    assert counts.to_dict() == {**dict.fromkeys(["health", "private", "police"], 0), **reference.to_dict()}
    completion = eq.completion_by_group(people, ["sector", "age"], confidence_level=0.9)
    for dim in ("sector", "age"):
        # the reference: a groupby of the text labels, statsmodels' Wilson interval
        grp = pd.DataFrame({"c": _labels_reference(people[dim]), "d": people["status"] == "completed"}) \
            .groupby("c", sort=True)["d"]
        n, k = grp.size().astype(float), grp.sum().astype(float)
        low, high = proportion_confint(k.to_numpy(), n.to_numpy(), alpha=0.1, method="wilson")
        got = completion[completion["dimension"] == dim]
        assert got["category"].tolist() == n.index.tolist()
        np.testing.assert_array_equal(got["completion_rate"].to_numpy(), (k / n).to_numpy())
        np.testing.assert_array_equal(got["ci_low"].to_numpy(), low)
        np.testing.assert_array_equal(got["ci_high"].to_numpy(), high)
    declared = eq.declaration_rates(people, ["gender"]).iloc[0]
    assert declared["not_declared"] == (people["gender"] == "not_declared").sum()


def test_cost_curve_of_a_national_cohort_is_a_grid_of_the_full_curve(monkeypatch):
    from evaluation.stats import costs as ct
    from evaluation.stats.costs import curve

    deflators = pd.DataFrame({"year": [2024], "index": [100.0]})
    costs = pd.DataFrame({"cohort": pd.array([None, 1, 1], dtype="Int64"), "category": ["design", "delivery", "materials"],
                          "description": ["", "", ""], "amount": [1000.0, 3000.0, 100.0], "price_year": [2024] * 3,
                          "basis": ["fixed", "fixed", "per_participant"]})
    people = pd.DataFrame({"participant_id": [f"p{i:05d}" for i in range(4321)], "status": "completed"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        ledger = ct.cost_ledger(costs, people, cohort=1, enrolled={1: 4321, 2: 100}, deflators=deflators,
                                base_year=2024)
    grid = ct.cost_curve(ledger).set_index("participants")
    # the reference: every size from 1 to 3 × 4,321, as for a small cohort
    monkeypatch.setattr(curve, "CURVE_ROWS", 10**9)
    full = ct.cost_curve(ledger).set_index("participants")
    assert len(full) == 3 * 4321 and len(grid) < 3100
    # the notebook's rows and the chart's (the second size gives v; each new cohort's first place)
    assert {1, 2, 10, 25, 50, 4321, 4322, 8642, 8643, 12963} <= set(grid.index)
    pd.testing.assert_frame_equal(grid, full.loc[grid.index], check_exact=False, rtol=1e-12)
