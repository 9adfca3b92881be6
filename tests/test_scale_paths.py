"""The integer-code routes of reliability, response shift and the mixed model (issue 13).

reliability_table, response_shift and mixed_model no longer pivot or group text keys per group;
these tests hold them to independent routes on generated data with missing cells, missed
waves, text and categorical keys and shuffled rows: a pandas pivot per group with the public
cronbach_alpha/omega_total (psych-checked in test_reliability.py), scipy's paired t test, and
the same fits on reordered input.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from evaluation.stats.outcomes import mixed_model, response_shift
from evaluation.stats.reliability import cronbach_alpha, omega_total, reliability_table

SCALES = {"s1": 4, "s2": 5, "lm": 3}
RATER = {"s1": "self", "s2": "self", "lm": "line_manager"}
WAVES = ("pre", "then", "post")


def _item_map() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"instrument": "i_lm" if s == "lm" else "i_self", "scale": s, "item": f"{s}_{j}"}
            for s, k in SCALES.items()
            for j in range(k)
        ]
    )


def _answers(n: int, seed: int, categorical: bool) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for s, k in SCALES.items():
        trait = rng.normal(3, 0.7, n)
        for w in WAVES:
            who = np.flatnonzero(rng.random(n) < 0.85)
            v = np.clip(np.rint(trait[who, None] + rng.normal(0, 0.8, (who.size, k))), 1, 5)
            v[rng.random(v.shape) < 0.05] = np.nan
            rows.append(
                pd.DataFrame(
                    {
                        "participant_id": np.repeat([f"p{i:04d}" for i in who], k),
                        "cohort": np.repeat(1 + who % 2, k),
                        "wave": w,
                        "rater": RATER[s],
                        "instrument": "i_lm" if s == "lm" else "i_self",
                        "scale": s,
                        "item": np.tile([f"{s}_{j}" for j in range(k)], who.size),
                        "value_recoded": v.reshape(-1),
                    }
                )
            )
    frame = pd.concat(rows, ignore_index=True).sample(frac=1, random_state=seed)
    if categorical:
        for col in ("participant_id", "wave", "rater", "instrument", "scale", "item"):
            frame[col] = frame[col].astype("category")
    return frame.reset_index(drop=True)


def _pivot_reference(rec: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Per group: pivot persons × items, then the public cronbach_alpha and omega_total."""
    row_keys = [c for c in ("participant_id", "cohort", "wave", "rater") if c not in by]
    items = _item_map().groupby("scale")["item"].apply(list)
    out = []
    for key, group in rec.astype({"participant_id": str}).groupby(["scale", *by], observed=True):
        wide = group.pivot_table(
            index=row_keys, columns="item", values="value_recoded", dropna=False, observed=True
        ).reindex(columns=items[key[0]])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a, o = cronbach_alpha(wide), omega_total(wide)
        out.append({"scale": key[0], **dict(zip(by, key[1:], strict=True)), "n": a.n,
                    "alpha": a.alpha, "low": a.ci_low, "high": a.ci_high, "omega": o.omega_total})  # fmt: skip
    return pd.DataFrame(out)


@pytest.mark.parametrize("categorical", [False, True])
@pytest.mark.parametrize("by", [["cohort", "wave", "rater"], ["wave", "rater"], ["rater"]])
def test_reliability_table_equals_a_pivot_per_group(categorical: bool, by: list[str]) -> None:
    rec = _answers(300, seed=5, categorical=categorical)
    # producing call of the reference: pivot of each scale × group, cronbach_alpha, omega_total
    expected = _pivot_reference(rec, by).sort_values(["scale", *by]).reset_index(drop=True)
    got = reliability_table(rec, _item_map(), by=by)
    got = got.astype({c: str for c in by if c != "cohort"}).sort_values(["scale", *by])
    got = got.reset_index(drop=True)
    assert got["n"].tolist() == expected["n"].tolist()
    for mine, theirs in (("alpha", "alpha"), ("alpha_ci_low", "low"),
                         ("alpha_ci_high", "high"), ("omega_total", "omega")):  # fmt: skip
        np.testing.assert_allclose(got[mine], expected[theirs], rtol=1e-12, atol=0)


def test_reliability_table_same_for_text_and_categorical_keys_and_row_order() -> None:
    text = _answers(200, seed=8, categorical=False)
    by = ["wave", "rater"]
    first = reliability_table(text, _item_map(), by=by)
    shuffled = reliability_table(text.sample(frac=1, random_state=1), _item_map(), by=by)
    pd.testing.assert_frame_equal(first, shuffled, check_exact=True)
    cat = reliability_table(_answers(200, seed=8, categorical=True), _item_map(), by=by)
    pd.testing.assert_frame_equal(
        first, cat.astype({"instrument": str, "scale": str, "wave": str, "rater": str}),
        check_exact=False, rtol=1e-12, atol=0)  # fmt: skip


def test_reliability_table_with_many_cohorts_numbers_the_occurring_keys() -> None:
    rec = _answers(400, seed=3, categorical=False)
    rec["cohort"] = rec["participant_id"].str[1:].astype(int)  # one cohort per person
    by = ["rater"]  # rows: person × cohort × wave, more combinations than rows
    expected = _pivot_reference(rec, by).sort_values(["scale", "rater"]).reset_index(drop=True)
    got = reliability_table(rec, _item_map(), by=by).sort_values(["scale", "rater"])
    np.testing.assert_allclose(got["alpha"], expected["alpha"], rtol=1e-12)
    np.testing.assert_allclose(got["omega_total"], expected["omega"], rtol=1e-12)


def test_reliability_table_rejects_two_rows_for_one_answer() -> None:
    rec = _answers(50, seed=2, categorical=False)
    doubled = pd.concat([rec, rec.iloc[[7]]], ignore_index=True)
    with pytest.raises(ValueError, match="more than one row for the same"):
        reliability_table(doubled, _item_map(), by=["wave", "rater"])


def _scores(n: int, seed: int, categorical: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for s in ("a", "b"):
        trait = rng.normal(3, 0.6, n)
        for w, shift in (("pre", 0.0), ("then", -0.2), ("post", 0.3), ("follow_up", 0.25)):
            for rater in ("self", "line_manager"):
                who = np.flatnonzero(rng.random(n) < 0.8)
                score = trait[who] + shift + rng.normal(0, 0.4, who.size)
                score[rng.random(who.size) < 0.05] = np.nan
                rows.append(pd.DataFrame({"participant_id": [f"q{i:05d}" for i in who],
                                          "scale": s, "wave": w, "rater": rater, "score": score}))  # fmt: skip
    frame = pd.concat(rows, ignore_index=True).sample(frac=1, random_state=seed)
    if categorical:
        frame = frame.astype({"participant_id": "category", "scale": "category"})
    return frame.reset_index(drop=True)


def test_response_shift_matches_scipy_paired_t_test() -> None:
    scores = _scores(400, seed=11)
    table = response_shift(scores)
    assert len(table) == 4
    for row in table.itertuples():
        sub = scores[(scores.scale == row.scale) & (scores.rater == row.rater)]
        wide = sub.pivot(index="participant_id", columns="wave", values="score").dropna(
            subset=["pre", "then"]
        )
        # producing call: scipy.stats.ttest_rel(pre, then), the pairs taken by participant
        ref = stats.ttest_rel(wide["pre"], wide["then"])
        ci = ref.confidence_interval(0.95)
        assert row.n_pairs == len(wide)
        np.testing.assert_allclose(row.mean_shift, (wide["pre"] - wide["then"]).mean(), rtol=1e-12)
        np.testing.assert_allclose([row.t, row.p_value], [ref.statistic, ref.pvalue], rtol=1e-9)
        np.testing.assert_allclose([row.ci_low, row.ci_high], [ci.low, ci.high], rtol=1e-9)


def test_response_shift_and_mixed_model_do_not_depend_on_row_order_or_key_type() -> None:
    scores = _scores(300, seed=12)
    waves = ["pre", "post", "follow_up"]
    shift, model = response_shift(scores), mixed_model(scores, waves=waves)
    reordered = scores.sample(frac=1, random_state=2).reset_index(drop=True)
    pd.testing.assert_frame_equal(response_shift(reordered), shift, check_exact=True)
    # reordered rows change the order of the per-participant sums, so θ̂ moves within the
    # optimiser's tolerance: the Satterthwaite df (most sensitive) agree to about 1e-7
    pd.testing.assert_frame_equal(mixed_model(reordered, waves=waves), model, rtol=1e-6)
    cat = _scores(300, seed=12, categorical=True)
    pd.testing.assert_frame_equal(response_shift(cat), shift, check_exact=True)
    pd.testing.assert_frame_equal(mixed_model(cat, waves=waves), model, check_exact=True)


def test_reliability_warnings_name_the_group_as_groupby_did() -> None:
    rec = pd.DataFrame({"participant_id": ["a"] * 3 + ["b"] * 3, "cohort": 1, "wave": "pre",
                        "rater": "self", "instrument": "i", "scale": "s", "item": list("xyz") * 2,
                        "value_recoded": [1, 2, 3, 2, np.nan, 3.0]})  # fmt: skip
    items = pd.DataFrame({"instrument": "i", "scale": "s", "item": list("xyz")})
    with pytest.warns(UserWarning) as caught:
        reliability_table(rec, items, by=["cohort", "wave", "rater"])
    prefix = "reliability of instrument 'i', scale 's', cohort 1, wave 'pre', rater 'self': "
    assert [str(w.message).startswith(prefix) for w in caught] == [True, True]
