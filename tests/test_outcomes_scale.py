"""The outcome statistics computed by integer codes across scales equal the plain computation.

Issue 13 computes the outcomes table, the baseline comparison and the attrition flow from
scores checked once and coded as categories (:func:`evaluation.stats.outcomes.prepare_scores`),
for all scales at once. The reference here is the straightforward per-scale computation the
workbench used before (identifiers as text, one pandas selection per scale, pairs sorted by
participant as text), written out in this file; the results must be equal to the last digit.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from evaluation.core.errors import DegenerateDataWarning, ParameterError
from evaluation.stats.outcomes import (
    attrition,
    baseline_comparison,
    complete_pairs,
    outcomes_table,
    paired_change,
    paired_scores,
    prepare_scores,
)
from evaluation.stats.outcomes._common import _prepare_scores

SCALES = ["vision", "change", "partnership", "tiny"]
WAVES = ["pre", "then", "post"]


def generated_cohort(seed: int, n: int = 240) -> pd.DataFrame:
    """Long-format scores: text and numeric-looking ids, two raters, gaps, missing scores."""
    rng = np.random.default_rng(seed)
    ids = [f"p{rng.integers(10**6):06d}" for _ in range(n // 2)] + [str(i) for i in range(n // 2)]
    ids = list(dict.fromkeys(ids))
    rows = []
    for pid in ids:
        base = rng.normal(3, 0.7)
        for scale in SCALES:
            for rater in ("self", "line_manager"):
                if scale == "tiny" and (rater != "self" or rng.random() < 0.97):
                    continue  # a scale with very few people
                for wave in WAVES:
                    if rng.random() < 0.2:
                        continue  # no questionnaire at this wave
                    score = np.round((base + rng.normal(0.3 * (wave == "post"), 0.5)) * 4) / 4
                    rows.append((pid, scale, wave, rater, np.nan if rng.random() < 0.05 else score))
    frame = pd.DataFrame(rows, columns=["participant_id", "scale", "wave", "rater", "score"])
    return frame.sample(frac=1, random_state=seed).reset_index(drop=True)  # any row order


COHORTS = {seed: generated_cohort(seed) for seed in (1, 2, 3)}


def reference_pairs(scores, scale, rater, earlier, later):
    """Complete pairs of one scale × rater, by participant id as text (the plain way)."""
    sub = scores[(scores["scale"] == scale) & (scores["rater"] == rater)].dropna(subset=["score"])
    wide = sub.pivot(index="participant_id", columns="wave", values="score").sort_index()
    if earlier not in wide or later not in wide:
        return None
    wide = wide.dropna(subset=[earlier, later])
    return wide[earlier].to_numpy(), wide[later].to_numpy()


@pytest.mark.parametrize("seed", sorted(COHORTS))
def test_outcomes_table_rows_equal_per_scale_paired_change(seed):
    scores = COHORTS[seed]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        # implementation: all scales × comparisons × raters at once, from the DataFrame
        table = outcomes_table(scores, comparisons=["pre_post", "then_post"], reliability=0.8)
        # the same from prepared scores
        again = outcomes_table(prepare_scores(scores), comparisons=["pre_post", "then_post"],
                               reliability=0.8)  # fmt: skip
    pd.testing.assert_frame_equal(table, again, check_exact=True)
    expected = 0
    for scale in SCALES:
        for rater in ("self", "line_manager"):
            for comparison, (earlier, later) in (("pre_post", ("pre", "post")),
                                                 ("then_post", ("then", "post"))):  # fmt: skip
                pairs = reference_pairs(scores, scale, rater, earlier, later)
                row = table[(table["scale"] == scale) & (table["rater"] == rater)
                            & (table["comparison"] == comparison)]  # fmt: skip
                if pairs is None:
                    assert row.empty
                    continue
                expected += 1
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DegenerateDataWarning)
                    # reference: paired_change on the plain per-scale pairs
                    ref = paired_change(*pairs).to_dict()
                got = row.iloc[0]
                for name, value in ref.items():
                    if name in ("confidence_level", "alternative"):  # settings, not columns of the table (two-sided)
                        continue
                    assert got[name] == value or (pd.isna(got[name]) and pd.isna(value)), name
    assert len(table) == expected


def reference_baseline(scores, scale, rater="self", earlier="pre", later="post"):
    """Baseline scores with and without a later score, sorted by participant id as text."""
    sub = scores[(scores["scale"] == scale) & (scores["rater"] == rater)].dropna(subset=["score"])
    base = sub[sub["wave"] == earlier].sort_values("participant_id")
    has = base["participant_id"].isin(set(sub.loc[sub["wave"] == later, "participant_id"]))
    return base.loc[has, "score"].to_numpy(), base.loc[~has, "score"].to_numpy()


@pytest.mark.parametrize("seed", sorted(COHORTS))
def test_baseline_comparison_of_several_scales_equals_one_by_one(seed):
    scores = COHORTS[seed]
    scales = list(SCALES)
    with pytest.raises(ParameterError, match="`scale`.*'no_such_scale'"):  # a scale not in the scores
        baseline_comparison(prepare_scores(scores), scale=[*scales, "no_such_scale"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        # implementation: every scale in one call, from prepared scores
        together = baseline_comparison(prepare_scores(scores), scale=scales)
        # one call per scale, from the DataFrame
        one_by_one = pd.concat(
            [baseline_comparison(scores, scale=s) for s in scales], ignore_index=True
        )
    pd.testing.assert_frame_equal(together, one_by_one, check_exact=True)
    assert together["scale"].tolist() == scales
    for scale, row in zip(scales, together.itertuples(), strict=True):
        # reference: the plain selection; means and SDs as numpy gives them on those arrays
        a, b = reference_baseline(scores, scale)
        assert (row.n_with_later, row.n_without_later) == (a.size, b.size)
        if a.size >= 2 and b.size >= 2:
            assert (row.mean_with_later, row.sd_with_later) == (np.mean(a), np.std(a, ddof=1))
            assert (row.mean_without_later, row.sd_without_later) == (
                np.mean(b),
                np.std(b, ddof=1),
            )


def reference_attrition_counts(scores, participants, scale, rater="self"):
    ids = set(participants["participant_id"].astype(str))
    text = scores.assign(
        participant_id=scores["participant_id"].astype(str),
        rater=scores["rater"].fillna("self").astype(str),
    )
    sub = text[(text["scale"] == scale) & (text["rater"] == rater)
               & text["participant_id"].isin(ids)]  # fmt: skip
    scored = sub.dropna(subset=["score"])
    both = set(scored.loc[scored["wave"] == "pre", "participant_id"]) & set(
        scored.loc[scored["wave"] == "post", "participant_id"]
    )
    return [
        len(ids),
        int((participants["status"] == "completed").sum()),
        sub.loc[sub["wave"] == "pre", "participant_id"].nunique(),
        sub.loc[sub["wave"] == "post", "participant_id"].nunique(),
        len(both),
    ]


@pytest.mark.parametrize("seed", sorted(COHORTS))
def test_attrition_counts_equal_the_plain_selection(seed):
    scores = COHORTS[seed].copy()
    self_rows = scores.index[scores["rater"] == "self"]
    scores.loc[self_rows[::7], "rater"] = None  # a missing rater is a self-rating
    people = pd.unique(scores["participant_id"])
    participants = pd.DataFrame({"participant_id": people[:-5],  # a few scored, not enrolled
                                 "status": np.resize(["completed", "withdrew", "in_progress"],
                                                     people.size - 5)})  # fmt: skip
    for scale in SCALES:
        flow = attrition(scores, participants, scale=scale)
        assert flow["n"].tolist() == reference_attrition_counts(scores, participants, scale)
    with pytest.raises(ValueError, match="prepared scores have dropped"):
        attrition(prepare_scores(scores), participants, scale="vision")


def test_prepared_text_equals_the_text_conversion():
    scores = COHORTS[1].copy()
    scores["participant_id"] = scores["participant_id"].astype("string[pyarrow]")
    scores.loc[scores.index[scores["rater"] == "self"][::5], "rater"] = None
    numbers = COHORTS[2].assign(participant_id=lambda d: pd.factorize(d["participant_id"])[0] * 7)
    self_only = COHORTS[3].loc[COHORTS[3]["rater"] == "self"].drop(columns="rater")
    for frame in (scores, numbers, self_only):
        got = _prepare_scores(frame)
        # reference: identifiers as astype(str) text, a missing rater "self", no missing score
        rater = (
            frame["rater"].astype(object) if "rater" in frame else pd.Series("self", frame.index)
        )
        expected = pd.DataFrame(
            {
                "participant_id": frame["participant_id"].astype(str).to_numpy(dtype=object),
                "scale": frame["scale"].astype(str).to_numpy(dtype=object),
                "wave": frame["wave"].astype(str).to_numpy(dtype=object),
                "rater": rater.where(rater.notna(), "self").astype(str).to_numpy(dtype=object),
                "score": frame["score"].to_numpy(dtype=float),
            }
        )
        expected = expected[expected["score"].notna()].reset_index(drop=True)
        expected = expected.astype({c: object for c in expected.columns if c != "score"})
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
        # categories are the sorted texts (participants sort as text: "10" before "2")
        categories = prepare_scores(frame).frame["participant_id"].cat.categories
        assert list(categories) == sorted(set(expected["participant_id"]) | set(categories))


def test_duplicate_rows_are_named():
    scores = COHORTS[1]
    twice = pd.concat([scores, scores.iloc[[3]]], ignore_index=True)
    with pytest.raises(ValueError, match="more than one row for the same"):
        prepare_scores(twice)


@pytest.mark.parametrize("n", [7, 60, 5000])
def test_wilcoxon_w_plus_equals_the_sum_of_scipy_mid_ranks(n):
    rng = np.random.default_rng(n)
    pre = np.round(rng.normal(3, 0.7, n) * 4) / 4
    post = np.round((pre + rng.normal(0.2, 0.5, n)) * 3) / 3
    # reference: R's V, the sum of scipy's mid-ranks of |d| over the positive d (zeros dropped)
    d = np.round(post - pre, 9)
    d = d[d != 0]
    ranks = stats.rankdata(np.abs(d))
    assert paired_change(pre, post).wilcoxon_w_plus == float(ranks[d > 0].sum())


def reference_wide(scores, scale, rater, earlier, later):
    """One scale × rater's complete pairs as a pivot: index participant id (text, sorted), a column per wave."""
    sub = scores[(scores["scale"] == scale) & (scores["rater"] == rater)].dropna(subset=["score"])
    wide = sub.pivot(index="participant_id", columns="wave", values="score").sort_index()
    return wide.dropna(subset=[earlier, later])


@pytest.mark.parametrize("seed", sorted(COHORTS))
@pytest.mark.parametrize("earlier,later", [("pre", "post"), ("then", "post"), ("then", "pre")])
def test_complete_pairs_equal_the_pivot_per_scale(seed, earlier, later):
    """The one pairing of the workbench (issue 13 merged ``reports/pairs.py`` into it) equals the plain pivot."""
    scores = COHORTS[seed]
    for source in (scores, prepare_scores(scores)):
        pairs = complete_pairs(source, earlier, later)
        assert pairs.groups, "every generated cohort has pairs"
        for scale in SCALES:
            for rater in ("self", "line_manager"):
                found = pairs.group(scale, rater)
                sub = scores[(scores["scale"] == scale) & (scores["rater"] == rater)].dropna(subset=["score"])
                if not {earlier, later} <= set(sub["wave"]):
                    assert found is None
                    continue
                expected = reference_wide(scores, scale, rater, earlier, later)
                person, x, y = found
                assert pairs.ids[person].tolist() == expected.index.tolist()
                np.testing.assert_array_equal(x, expected[earlier].to_numpy())
                np.testing.assert_array_equal(y, expected[later].to_numpy())
        table = paired_scores(source, earlier=earlier, later=later)
        assert len(table) == sum(len(g[2]) for g in pairs.groups)


def test_complete_pairs_selects_scales_raters_and_leaves_out_a_missing_rater():
    """``scales``/``raters`` select groups; ``missing_rater=None`` drops rows without a rater, "self" keeps them."""
    scores = COHORTS[1].copy()
    scores["rater"] = scores["rater"].astype(object)
    scores.loc[scores.index[scores["rater"] == "self"][:40], "rater"] = None  # self-ratings without a rater
    only = complete_pairs(scores, "pre", "post", scales=["vision"], raters=["self"], missing_rater=None)
    assert [(s, r) for s, r, *_ in only.groups] == [("vision", "self")]
    kept = scores[scores["rater"].notna()]
    expected = reference_wide(kept, "vision", "self", "pre", "post")
    person, x, y = only.group("vision", "self")
    assert only.ids[person].tolist() == expected.index.tolist()
    np.testing.assert_array_equal(y, expected["post"].to_numpy())
    as_self = complete_pairs(scores, "pre", "post", scales=["vision"], raters=["self"])
    expected = reference_wide(scores.fillna({"rater": "self"}), "vision", "self", "pre", "post")
    assert as_self.ids[as_self.group("vision", "self")[0]].tolist() == expected.index.tolist()
    with pytest.raises(ValueError, match="missing_rater"):
        complete_pairs(scores, "pre", "post", missing_rater="manager")


@pytest.mark.parametrize("space", [300, 10**7])
def test_matching_by_lookup_or_by_sort_equals_intersect1d(space):
    """Both routes of the wave matching (lookup table when keys are dense, sort when sparse) equal numpy's."""
    from evaluation.stats.outcomes.pairs import _matched

    rng = np.random.default_rng(space)
    keys = rng.choice(space, size=300, replace=False)
    key_x, key_y = keys[:200], rng.permutation(keys[100:])  # 100 keys on both sides, any order
    x, y = rng.normal(size=200), rng.normal(size=200)
    common, mx, my = _matched(key_x, x, key_y, y, space)
    expected, ix, iy = np.intersect1d(key_x, key_y, assume_unique=True, return_indices=True)
    assert expected.size == 100
    np.testing.assert_array_equal(common, expected)
    np.testing.assert_array_equal(mx, x[ix])
    np.testing.assert_array_equal(my, y[iy])


def test_noncentral_t_cdf_called_directly_equals_the_distribution_object():
    """d_z's interval solves on ``special.nctdtr``; ``stats.nct.cdf`` gives the same doubles (finite arguments)."""
    from scipy import special

    grid = [(t, df, ncp) for t in (-7.3, -0.4, 0.0, 2.5, 31.0) for df in (1.0, 4.0, 99.0, 99_999.0)
            for ncp in (-8.0, -0.5, 0.0, 1.7, 40.0)]
    direct = [float(special.nctdtr(df, ncp, t)) for t, df, ncp in grid]
    through_object = [float(stats.nct.cdf(t, df, ncp)) for t, df, ncp in grid]
    assert np.isfinite(direct).sum() >= 90  # scipy 1.17 fails (NaN) far in the left tail of ncp = 40
    np.testing.assert_array_equal(direct, through_object)  # bit for bit (NaN where both fail)


@pytest.mark.parametrize("dtype", [object, "category", "string[pyarrow]"])
def test_waves_per_scale_equals_the_group_by(dtype):
    """The outcome report's count of waves per scale (which scales are ``reaction``) equals pandas' group-by."""
    from evaluation.reports.outcome_report import _waves_per_scale

    scores = COHORTS[2][["scale", "wave"]].copy()
    scores.loc[scores.index[:5], "wave"] = None
    scores.loc[scores.index[5:9], "scale"] = None
    scores.loc[scores["scale"] == "tiny", "wave"] = "pre"  # a scale answered once
    scores = scores.astype(dtype)
    expected = scores.groupby("scale", observed=True)["wave"].nunique(dropna=False).to_dict()
    assert expected["tiny"] == 1
    assert _waves_per_scale(scores) == expected
