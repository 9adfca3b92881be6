"""Scoring: reverse keys, recoding and prorated scale scores (evaluation/scoring.py).

Hand-worked cases follow METHODS.md "Scoring": reverse-keyed items are recoded min + max − x,
a scale score is the mean of the answered items when at least the minimum share is answered,
otherwise missing; no imputation; no answers at a wave means no score at that wave.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.data.params import Instrument, Scale, item_map, load_instrument
from evaluation.data.scoring import recode, reverse_key, score_scales

PARAMS = Path(__file__).resolve().parents[1] / "params"
NAN = np.nan

DEMO = Instrument(
    name="demo",
    title="Demo",
    source="test instrument",
    response_range=(1, 5),
    min_answered=0.75,
    scales={
        "four": Scale(
            title="Four items", kirkpatrick_level=2, items=["a1", "a2", "a3", "a4"], reverse=["a4"]
        ),
        "five": Scale(
            title="Five items", kirkpatrick_level=3, items=["b1", "b2", "b3", "b4", "b5"]
        ),
        "lenient": Scale(
            title="Half is enough",
            kirkpatrick_level=1,
            items=["c1", "c2", "c3", "c4"],
            min_answered=0.5,
        ),
    },
)
IMAP = item_map([DEMO])


def long(
    rows: list[tuple[str, str, str, dict[str, float]]], instrument: str = "demo"
) -> pd.DataFrame:
    """(participant, wave, rater, {item: value}) → long responses."""
    records = [
        {
            "participant_id": p,
            "wave": w,
            "rater": r,
            "instrument": instrument,
            "item": item,
            "value": float(v),
        }
        for p, w, r, answers in rows
        for item, v in answers.items()
    ]
    return pd.DataFrame(records)


def score_of(scores: pd.DataFrame, participant: str, scale: str, wave: str = "pre") -> pd.Series:
    hit = scores[
        (scores.participant_id == participant) & (scores.scale == scale) & (scores.wave == wave)
    ]
    assert len(hit) == 1, hit
    return hit.iloc[0]


# ----------------------------------------------------------------------------- reverse_key


def test_reverse_key_scalars_and_arrays() -> None:
    assert reverse_key(5, low=1, high=5) == 1
    assert reverse_key(1, low=1, high=5) == 5
    assert reverse_key(3, low=1, high=5) == 3
    assert reverse_key(2.5, low=1, high=5) == 3.5
    assert reverse_key(0, low=0, high=10) == 10
    np.testing.assert_array_equal(
        reverse_key(np.array([1.0, 4.0, NAN]), low=1, high=5), np.array([5.0, 2.0, NAN])
    )
    np.testing.assert_array_equal(reverse_key([1, 2], low=1, high=7), np.array([7.0, 6.0]))


def test_reverse_key_series_keeps_index_and_nan() -> None:
    s = pd.Series([1.0, NAN, 5.0], index=[10, 20, 30], name="v")
    out = reverse_key(s, low=1, high=5)
    pd.testing.assert_series_equal(out, pd.Series([5.0, NAN, 1.0], index=[10, 20, 30], name="v"))
    assert s.tolist()[0] == 1.0  # input untouched


def test_reverse_key_rejects_bad_range() -> None:
    with pytest.raises(ValueError, match="`low` must be below `high`"):
        reverse_key(3, low=5, high=1)


@settings(max_examples=50, deadline=None)
@given(
    values=st.lists(st.one_of(st.floats(1, 5), st.just(NAN)), min_size=1, max_size=20),
    low=st.integers(-3, 3),
    width=st.integers(1, 10),
)
def test_reverse_key_twice_is_identity(values: list[float], low: int, width: int) -> None:
    x = np.array(values) + low
    high = low + width
    twice = reverse_key(reverse_key(x, low=low, high=high), low=low, high=high)
    np.testing.assert_allclose(twice, x, rtol=0, atol=1e-12)
    assert np.array_equal(np.isnan(twice), np.isnan(x))


# ---------------------------------------------------------------------------------- recode


def test_recode_reverses_only_reverse_keyed_items() -> None:
    responses = long(
        [("p1", "pre", "self", {"a1": 5, "a4": 5, "b1": 2}), ("p2", "pre", "self", {"a4": NAN})]
    )
    out = recode(responses, IMAP)
    assert out["value_recoded"].tolist()[:3] == [5.0, 1.0, 2.0]
    assert np.isnan(out["value_recoded"].iloc[3])
    assert out["scale"].tolist() == ["four", "four", "five", "four"]
    assert out["reverse"].tolist() == [False, True, False, True]


def test_recode_keeps_index_extra_columns_and_does_not_mutate() -> None:
    responses = long([("p1", "pre", "self", {"a1": 4, "a4": 2})])
    responses.index = [7, 3]
    responses["responded_on"] = ["2024-01-05", "2024-01-05"]
    before, imap_before = responses.copy(), IMAP.copy()
    out = recode(responses, IMAP)
    assert out.index.tolist() == [7, 3]
    assert out["responded_on"].tolist() == ["2024-01-05", "2024-01-05"]
    assert out["value_recoded"].tolist() == [4.0, 4.0]
    pd.testing.assert_frame_equal(responses, before)
    pd.testing.assert_frame_equal(IMAP, imap_before)


def test_recode_names_unknown_items() -> None:
    responses = long([("p1", "pre", "self", {"a1": 4, "zz9": 2})])
    with pytest.raises(ValueError, match=r"not in `item_map`: \('demo', 'zz9'\)"):
        recode(responses, IMAP)
    other = long([("p1", "pre", "self", {"a1": 4})], instrument="elsewhere")
    with pytest.raises(ValueError, match=r"\('elsewhere', 'a1'\)"):
        recode(other, IMAP)


def test_recode_rejects_missing_columns_and_out_of_range_values() -> None:
    responses = long([("p1", "pre", "self", {"a1": 4})])
    with pytest.raises(ValueError, match=r"`responses` lacks required column\(s\) \['rater'\]"):
        recode(responses.drop(columns="rater"), IMAP)
    with pytest.raises(ValueError, match=r"`item_map` lacks required column\(s\) \['reverse'\]"):
        recode(responses, IMAP.drop(columns="reverse"))
    with pytest.raises(ValueError, match=r"outside the instrument's response range.*'a1', 6\.0"):
        recode(long([("p1", "pre", "self", {"a1": 6})]), IMAP)
    with pytest.raises(ValueError, match="already has column"):
        recode(responses.assign(scale="x"), IMAP)
    with pytest.raises(ValueError, match="must be numeric"):
        recode(responses.assign(value="four"), IMAP)


# ---------------------------------------------------------------------------- score_scales


def test_prorating_three_of_four_scored_two_of_four_missing() -> None:
    responses = long(
        [
            # 3 of 4 answered: 3/4 >= 0.75 → mean of (4, 2, 6 − 5 = 1) = 7/3
            ("p1", "pre", "self", {"a1": 4, "a2": 2, "a3": NAN, "a4": 5}),
            # 2 of 4 answered: 0.5 < 0.75 → no score, never imputed
            ("p2", "pre", "self", {"a1": 4, "a2": NAN, "a3": NAN, "a4": 5}),
            # all 4 answered: (1 + 2 + 3 + (6 − 4 = 2)) / 4 = 2
            ("p3", "pre", "self", {"a1": 1, "a2": 2, "a3": 3, "a4": 4}),
        ]
    )
    scores = score_scales(responses, IMAP)
    p1 = score_of(scores, "p1", "four")
    assert (p1.n_items, p1.n_answered, p1.share_answered) == (4, 3, 0.75)
    assert p1.score == pytest.approx(7 / 3, abs=1e-12)
    p2 = score_of(scores, "p2", "four")
    assert (p2.n_answered, p2.share_answered) == (2, 0.5)
    assert np.isnan(p2.score)
    assert score_of(scores, "p3", "four").score == 2.0


def test_five_item_scale_needs_four_answers() -> None:
    responses = long(
        [
            ("p1", "pre", "self", {"b1": 5, "b2": 4, "b3": 4, "b4": 3}),  # 4/5 = 0.8 → 4.0
            ("p2", "pre", "self", {"b1": 5, "b2": 4, "b3": 4}),  # 3/5 = 0.6 → NaN
        ]
    )
    scores = score_scales(responses, IMAP)
    assert score_of(scores, "p1", "five").score == 4.0
    assert score_of(scores, "p1", "five").kirkpatrick_level == 3
    assert np.isnan(score_of(scores, "p2", "five").score)
    assert score_of(scores, "p2", "five").n_items == 5


def test_scale_override_of_minimum_share() -> None:
    responses = long([("p1", "pre", "self", {"c1": 2, "c2": 3}), ("p2", "pre", "self", {"c1": 2})])
    scores = score_scales(responses, IMAP)
    assert score_of(scores, "p1", "lenient").score == 2.5  # 2/4 >= 0.5
    assert np.isnan(score_of(scores, "p2", "lenient").score)  # 1/4 < 0.5


def test_reverse_key_in_scores() -> None:
    # a4 is reverse-keyed: 5 → 1, so strongly agreeing everywhere except a4 = 5 gives (5+5+5+1)/4
    responses = long([("p1", "pre", "self", {"a1": 5, "a2": 5, "a3": 5, "a4": 5})])
    assert score_of(score_scales(responses, IMAP), "p1", "four").score == 4.0


def test_non_integer_values() -> None:
    responses = long([("p1", "pre", "self", {"a1": 4.5, "a2": 2.25, "a3": 3.0, "a4": 1.5})])
    # (4.5 + 2.25 + 3 + (6 − 1.5)) / 4 = 14.25 / 4
    assert score_of(score_scales(responses, IMAP), "p1", "four").score == pytest.approx(3.5625)


def test_no_answers_gives_nan_and_absent_wave_gives_no_row() -> None:
    responses = long(
        [
            ("p1", "pre", "self", {"a1": 4, "a2": 4, "a3": 4, "a4": 2}),
            ("p1", "post", "self", {"a1": NAN, "a2": NAN, "a3": NAN, "a4": NAN}),
            ("p2", "pre", "self", {"a1": 3, "a2": 3, "a3": 3, "a4": 3}),
        ]
    )
    scores = score_scales(responses, IMAP)
    post = score_of(scores, "p1", "four", wave="post")
    assert post.n_answered == 0 and post.share_answered == 0 and np.isnan(post.score)
    assert scores[(scores.participant_id == "p2") & (scores.wave == "post")].empty
    assert len(scores) == 3  # scales without response rows get no row either


def test_output_columns_order_and_cohort() -> None:
    responses = long(
        [
            ("p2", "post", "self", {"a1": 4, "a2": 4, "a3": 4}),
            ("p2", "pre", "self", {"a1": 3, "a2": 3, "a3": 3}),
            ("p1", "follow_up", "line_manager", {"b1": 3, "b2": 3, "b3": 3, "b4": 3}),
            ("p1", "follow_up", "self", {"b1": 3, "b2": 3, "b3": 3, "b4": 3}),
            ("p1", "then", "self", {"b1": 2, "b2": 2, "b3": 2, "b4": 2}),
        ]
    )
    responses["cohort"] = responses["participant_id"].map({"p1": 2, "p2": 1})
    responses["note"] = "ignored"
    scores = score_scales(responses, IMAP)
    assert list(scores.columns) == [
        "participant_id",
        "cohort",
        "instrument",
        "scale",
        "kirkpatrick_level",
        "wave",
        "rater",
        "n_items",
        "n_answered",
        "share_answered",
        "score",
    ]
    # sorted by participant, cohort, instrument, scale, then waves and raters in canonical order
    assert scores[["participant_id", "wave", "rater"]].values.tolist() == [
        ["p1", "then", "self"],
        ["p1", "follow_up", "self"],
        ["p1", "follow_up", "line_manager"],
        ["p2", "pre", "self"],
        ["p2", "post", "self"],
    ]
    assert scores["cohort"].tolist() == [2, 2, 2, 1, 1]
    assert scores.index.tolist() == list(range(5))


def test_without_cohort_column_and_input_not_mutated() -> None:
    responses = long([("p1", "pre", "self", {"a1": 4, "a2": 4, "a3": 4, "a4": 4})])
    before = responses.copy()
    scores = score_scales(responses, IMAP)
    assert "cohort" not in scores.columns
    pd.testing.assert_frame_equal(responses, before)


def test_duplicate_answers_are_rejected() -> None:
    responses = long([("p1", "pre", "self", {"a1": 4, "a2": 4})])
    responses = pd.concat([responses, responses.iloc[[0]]], ignore_index=True)
    with pytest.raises(ValueError, match=r"more than one row.*'p1'.*'a1'"):
        score_scales(responses, IMAP)


def test_real_instrument_scores() -> None:
    inst = load_instrument(PARAMS, "leadership-practice")
    imap = item_map([inst])
    # reflective_practice: rp1..rp6 with rp2 and rp5 reverse-keyed; rp6 unanswered (5/6 ≥ 0.75)
    answers = {"rp1": 4, "rp2": 2, "rp3": 5, "rp4": 3, "rp5": 1, "rp6": NAN}
    responses = long([("x", "pre", "self", answers)], instrument="leadership-practice")
    row = score_of(score_scales(responses, imap), "x", "reflective_practice")
    assert (row.n_items, row.n_answered, row.kirkpatrick_level) == (6, 5, 2)
    assert row.score == pytest.approx((4 + 4 + 5 + 3 + 5) / 5)


# -------------------------------------------------------------------------- properties

VALUES = st.sampled_from([NAN, 1.0, 2.0, 3.0, 4.0, 5.0, 2.5, 4.75])
ITEMS = IMAP["item"].tolist()


@st.composite
def response_frames(draw: st.DrawFn) -> pd.DataFrame:
    n_people = draw(st.integers(1, 5))
    waves = draw(
        st.lists(st.sampled_from(["pre", "post", "then"]), min_size=1, max_size=3, unique=True)
    )
    rows = []
    for p in range(n_people):
        for wave in waves:
            items = draw(
                st.lists(st.sampled_from(ITEMS), min_size=0, max_size=len(ITEMS), unique=True)
            )
            for item in items:
                rows.append((f"p{p}", wave, "self", "demo", item, draw(VALUES)))
    columns = ["participant_id", "wave", "rater", "instrument", "item", "value"]
    return pd.DataFrame(rows, columns=columns).astype({"value": float})


@settings(max_examples=50, deadline=None)
@given(responses=response_frames())
def test_scores_stay_in_range_and_follow_the_rule(responses: pd.DataFrame) -> None:
    scores = score_scales(responses, IMAP)
    scored = scores["score"].dropna()
    assert ((scored >= 1.0) & (scored <= 5.0)).all()
    min_share = scores["scale"].map({"four": 0.75, "five": 0.75, "lenient": 0.5}).astype(float)
    has_score = scores["score"].notna()
    assert (
        has_score == (scores["share_answered"] >= min_share - 1e-9) & (scores["n_answered"] > 0)
    ).all()
    assert (scores["n_answered"] <= scores["n_items"]).all()
    # one row per person × scale × wave with at least one response row
    recoded = recode(responses, IMAP)
    expected = recoded.drop_duplicates(["participant_id", "scale", "wave"]).shape[0]
    assert len(scores) == expected


@settings(max_examples=50, deadline=None)
@given(responses=response_frames(), seed=st.integers(0, 2**32 - 1))
def test_scores_do_not_depend_on_row_order(responses: pd.DataFrame, seed: int) -> None:
    shuffled = responses.sample(frac=1.0, random_state=np.random.RandomState(seed))
    pd.testing.assert_frame_equal(
        score_scales(responses, IMAP), score_scales(shuffled, IMAP), check_exact=True
    )
