"""Reliability: Cronbach's alpha with Feldt CI and omega total (evaluation/scoring.py).

Reference values come from R 4.2.2 with psych 2.2.9, computed once by
tests/reference/scoring_reliability.R on the literal matrices below (the R script holds the same
matrices). The tests never call R. Conventions: METHODS.md "Reliability" (listwise deletion,
Feldt CI with n = rows actually used, omega total as psych's omega(x, nfactors = 1)$omega.tot),
so every R call is made on na.omit(x).
"""

from __future__ import annotations

import warnings
from dataclasses import FrozenInstanceError, dataclass

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.core.errors import DegenerateDataWarning, EvaluationWarning
from evaluation.data.params import Instrument, Scale, item_map
from evaluation.data.scoring import reliability
from evaluation.stats.reliability import AlphaResult, OmegaResult, cronbach_alpha, omega_total

NAN = np.nan

# A: 20 persons x 5 items, complete
A = np.array(
    [[1, 2, 2, 2, 3], [3, 4, 3, 2, 4], [3, 3, 1, 2, 3], [3, 5, 4, 4, 4], [4, 3, 3, 4, 2],
     [3, 4, 3, 3, 3], [1, 1, 1, 1, 1], [2, 2, 2, 1, 2], [4, 5, 4, 3, 3], [3, 2, 3, 2, 2],
     [1, 2, 1, 2, 3], [3, 3, 3, 3, 2], [5, 4, 2, 4, 4], [3, 2, 3, 3, 3], [2, 3, 4, 3, 2],
     [2, 2, 3, 2, 4], [4, 3, 3, 4, 3], [2, 2, 3, 2, 4], [2, 4, 2, 4, 2], [2, 2, 4, 3, 2]],
    dtype=float,
)  # fmt: skip
# B: 24 persons x 4 items, 6 missing cells, 18 complete rows
B = np.array(
    [[3, 3, 5, 3], [3, 3, 2, 3], [2, 4, 3, 4], [2, NAN, 3, 2], [1, 3, 1, NAN], [2, 3, 4, 3],
     [4, 2, 5, 4], [NAN, 3, 2, 3], [5, 4, 2, 4], [3, 4, 5, 3], [3, 3, 1, 3], [1, 3, 3, 5],
     [1, 1, 1, 2], [3, 2, 3, 3], [3, 2, NAN, 1], [4, 3, 4, 4], [5, NAN, 2, 3], [5, 4, 3, 3],
     [3, 4, 4, 3], [4, 5, 5, 4], [2, 2, 2, 2], [NAN, 5, 3, 4], [3, 4, 2, 2], [3, 3, 2, 2]],
    dtype=float,
)  # fmt: skip
# C: 16 persons x 6 items, complete
C = np.array(
    [[4, 4, 3, 4, 4, 5], [3, 2, 3, 2, 2, 3], [1, 1, 4, 2, 3, 3], [5, 3, 4, 2, 5, 3],
     [2, 3, 2, 2, 2, 2], [2, 2, 3, 2, 1, 1], [4, 5, 2, 3, 2, 3], [1, 1, 3, 3, 2, 1],
     [4, 4, 4, 3, 4, 3], [2, 1, 2, 2, 2, 2], [3, 3, 3, 2, 3, 3], [5, 4, 2, 4, 4, 3],
     [2, 3, 2, 4, 4, 3], [3, 2, 4, 2, 2, 2], [5, 5, 4, 4, 4, 4], [3, 3, 3, 1, 4, 4]],
    dtype=float,
)  # fmt: skip
# H: 15 persons x 4 items; item 1 is a Heywood case (uniqueness at psych's bound 0.005)
H = np.array(
    [[1, 3, 2, 2], [3, 3, 3, 2], [4, 4, 4, 4], [5, 5, 3, 5], [1, 2, 2, 1], [2, 3, 2, 2],
     [3, 3, 4, 2], [4, 4, 4, 4], [2, 2, 3, 3], [2, 3, 2, 1], [3, 3, 4, 3], [2, 3, 3, 3],
     [1, 2, 2, 1], [2, 2, 2, 2], [2, 1, 4, 1]],
    dtype=float,
)  # fmt: skip
# E: A with item 3 left un-reversed (6 − x): it loads negatively
E = A.copy()
E[:, 2] = 6 - E[:, 2]
# D: the omega_total docstring example (8 x 4)
D = np.array(
    [[1, 2, 2, 1], [2, 2, 3, 2], [3, 4, 3, 3], [4, 4, 5, 5], [5, 4, 4, 4], [2, 1, 2, 3],
     [3, 3, 4, 2], [4, 5, 4, 4]],
    dtype=float,
)  # fmt: skip
# F: the cronbach_alpha docstring example (6 x 3, one incomplete row)
F = np.array([[1, 2, 2], [2, 2, 3], [3, 4, 3], [4, 4, 5], [5, 4, 4], [3, NAN, 2]], dtype=float)

DATA = {"A": A, "B": B, "C": C, "H": H, "E": E, "D": D, "F": F}


@dataclass(frozen=True)
class AlphaRef:
    n: int
    alpha: float
    ci95: tuple[float, float]
    ci90: tuple[float, float]


@dataclass(frozen=True)
class OmegaRef:
    loadings: tuple[float, ...]
    omega: float


# Every number below is printed by tests/reference/scoring_reliability.R (x = the matrix named).
ALPHA_REF = {
    "A": AlphaRef(
        n=20,
        # R: psych::alpha(na.omit(A))$total$raw_alpha -> 0.7857819905
        alpha=0.7857819905,
        # R: psych::alpha(na.omit(A))$feldt[c("lower.ci", "upper.ci")] -> 0.5901742411, 0.9044524469
        ci95=(0.5901742411, 0.9044524469),
        # R: psych:::alpha.ci(0.7857819905, 20, 5, p.val = .10)[c("lower.ci", "upper.ci")] -> 0.6304677010, 0.8906551269
        ci90=(0.6304677010, 0.8906551269),
    ),
    "B": AlphaRef(
        n=18,
        # R: psych::alpha(na.omit(B))$total$raw_alpha -> 0.6538987688
        alpha=0.6538987688,
        # R: psych::alpha(na.omit(B))$feldt[c("lower.ci", "upper.ci")] -> 0.2904685592, 0.8559300735
        ci95=(0.2904685592, 0.8559300735),
        # R: psych:::alpha.ci(0.6538987688, 18, 4, p.val = .10)[c("lower.ci", "upper.ci")] -> 0.3676221754, 0.8331826125
        ci90=(0.3676221754, 0.8331826125),
    ),
    "C": AlphaRef(
        n=16,
        # R: psych::alpha(na.omit(C))$total$raw_alpha -> 0.8127233738
        alpha=0.8127233738,
        # R: psych::alpha(na.omit(C))$feldt[c("lower.ci", "upper.ci")] -> 0.6227705642, 0.9250678010
        ci95=(0.6227705642, 0.9250678010),
        # R: psych:::alpha.ci(0.8127233738, 16, 6, p.val = .10)[c("lower.ci", "upper.ci")] -> 0.6625603623, 0.9125662153
        ci90=(0.6625603623, 0.9125662153),
    ),
    "H": AlphaRef(
        n=15,
        # R: psych::alpha(na.omit(H))$total$raw_alpha -> 0.8781609195
        alpha=0.8781609195,
        # R: psych::alpha(na.omit(H))$feldt[c("lower.ci", "upper.ci")] -> 0.7324959078, 0.9542948692
        ci95=(0.7324959078, 0.9542948692),
        # R: psych:::alpha.ci(0.8781609195, 15, 4, p.val = .10)[c("lower.ci", "upper.ci")] -> 0.7642403055, 0.9460948419
        ci90=(0.7642403055, 0.9460948419),
    ),
    "E": AlphaRef(
        n=20,
        # R: psych::alpha(na.omit(E), warnings = FALSE)$total$raw_alpha -> 0.4777672658
        alpha=0.4777672658,
        # R: psych::alpha(na.omit(E))$feldt[c("lower.ci", "upper.ci")] -> 0.0009036723, 0.7670687911
        ci95=(0.0009036723, 0.7670687911),
        # R: psych:::alpha.ci(0.4777672658, 20, 5, p.val = .10)[c("lower.ci", "upper.ci")] -> 0.0991333394, 0.7334329070
        ci90=(0.0991333394, 0.7334329070),
    ),
    "D": AlphaRef(
        n=8,
        # R: psych::alpha(na.omit(D))$total$raw_alpha -> 0.9246575342
        alpha=0.9246575342,
        # R: psych::alpha(na.omit(D))$feldt[c("lower.ci", "upper.ci")] -> 0.7763360706, 0.9830768760
        ci95=(0.7763360706, 0.9830768760),
        # R: psych:::alpha.ci(0.9246575342, 8, 4, p.val = .10)[c("lower.ci", "upper.ci")] -> 0.8125797620, 0.9780653902
        ci90=(0.8125797620, 0.9780653902),
    ),
    "F": AlphaRef(
        n=5,
        # R: psych::alpha(na.omit(F))$total$raw_alpha -> 0.9140625000
        alpha=0.9140625000,
        # R: psych::alpha(na.omit(F))$feldt[c("lower.ci", "upper.ci")] -> 0.5657894188, 0.9904296753
        ci95=(0.5657894188, 0.9904296753),
        # R: psych:::alpha.ci(0.9140625, 5, 3, p.val = .10)[c("lower.ci", "upper.ci")] -> 0.6701844773, 0.9857743971
        ci90=(0.6701844773, 0.9857743971),
    ),
}

OMEGA_REF = {
    "A": OmegaRef(
        # R: as.numeric(psych::fa(na.omit(A), nfactors = 1, fm = "minres")$loadings)
        loadings=(0.7628771984, 0.8365554163, 0.4981407322, 0.7882230299, 0.3633134421),
        # R: psych::omega(na.omit(A), nfactors = 1)$omega.tot -> 0.7951589025
        omega=0.7951589025,
    ),
    "B": OmegaRef(
        # R: as.numeric(psych::fa(na.omit(B), nfactors = 1, fm = "minres")$loadings)
        loadings=(0.5304797701, 0.6824879307, 0.5851367417, 0.5178696290),
        # R: psych::omega(na.omit(B), nfactors = 1)$omega.tot -> 0.6698063105
        omega=0.6698063105,
    ),
    "C": OmegaRef(
        # R: as.numeric(psych::fa(na.omit(C), nfactors = 1, fm = "minres")$loadings)
        loadings=(
            0.8442598091,
            0.8366087537,
            0.1239827492,
            0.4962490996,
            0.7414863883,
            0.7707605002,
        ),
        # R: psych::omega(na.omit(C), nfactors = 1)$omega.tot -> 0.8192687000
        omega=0.8192687000,
    ),
    "D": OmegaRef(
        # R: as.numeric(psych::fa(na.omit(D), nfactors = 1, fm = "minres")$loadings)
        loadings=(0.9741479041, 0.8260599189, 0.8747652474, 0.8234103081),
        # R: psych::omega(na.omit(D), nfactors = 1)$omega.tot -> 0.9296963725
        omega=0.9296963725,
    ),
    "H": OmegaRef(
        # R: as.numeric(psych::fa(na.omit(H), nfactors = 1, fm = "minres")$loadings)  (Heywood: item 1)
        loadings=(0.9983275746, 0.7805373714, 0.5193618220, 0.9102024628),
        # R: psych::omega(na.omit(H), nfactors = 1)$omega.tot -> 0.8878974063
        omega=0.8878974063,
    ),
    "E": OmegaRef(
        # R: as.numeric(psych::fa(na.omit(E), nfactors = 1, fm = "minres")$loadings)
        loadings=(0.7628771984, 0.8365554163, -0.4981407322, 0.7882230299, 0.3633134421),
        # R: psych::omega(na.omit(E), nfactors = 1)$omega.tot -> 0.7951589025  (item 3 reflected, = A)
        omega=0.7951589025,
    ),
}

ALPHA_TOL = 1e-9  # R printed 10 decimals; alpha and Feldt are closed-form
FIT_TOL = 1e-5  # psych's optim() stops at its own tolerance; we converge to the fixed point


# ------------------------------------------------------------------------- cronbach_alpha


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("name", sorted(ALPHA_REF))
def test_alpha_and_feldt_match_psych(name: str) -> None:
    ref = ALPHA_REF[name]
    x = DATA[name]
    res = cronbach_alpha(x)
    assert isinstance(res, AlphaResult)
    assert (res.n, res.k_items, res.confidence_level) == (ref.n, x.shape[1], 0.95)
    assert res.alpha == pytest.approx(ref.alpha, abs=ALPHA_TOL)
    assert (res.ci_low, res.ci_high) == pytest.approx(ref.ci95, abs=ALPHA_TOL)
    res90 = cronbach_alpha(pd.DataFrame(x), confidence_level=0.90)
    assert (res90.ci_low, res90.ci_high) == pytest.approx(ref.ci90, abs=ALPHA_TOL)


def test_alpha_with_missing_cells_uses_complete_rows_not_psych_defaults() -> None:
    res = cronbach_alpha(B)
    # R: psych::alpha(B)$total$raw_alpha -> 0.6490102212 (pairwise covariances: not our convention)
    assert res.alpha != pytest.approx(0.6490102212, abs=1e-4)
    # R: psych::alpha(B)$feldt -> 0.3458693970, 0.8323063484 (n = 24 rows: not our convention)
    assert res.ci_low != pytest.approx(0.3458693970, abs=1e-4)
    assert res.n == 18
    # listwise deletion equals dropping incomplete rows by hand
    assert res == cronbach_alpha(B[~np.isnan(B).any(axis=1)])


def test_alpha_result_is_frozen() -> None:
    res = cronbach_alpha(A)
    with pytest.raises(FrozenInstanceError):
        res.alpha = 0.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("x", "message"),
    [
        (A[:, :1], "at least 2 items"),
        (A[:1], "at least 2 complete rows"),
        (np.array([[1, NAN, 3], [NAN, 2, 2], [4, 4, NAN]]), r"at least 2 complete rows .*got 0"),
        (np.full((5, 3), 3.0), "no variance"),
        (
            np.array([[1, 5], [2, 4], [3, 3], [5, 1]], dtype=float),
            "no variance",
        ),  # total is constant
    ],
)
def test_alpha_degenerate_data_gives_nan_and_warning(x: np.ndarray, message: str) -> None:
    with pytest.warns(DegenerateDataWarning, match=message):
        res = cronbach_alpha(x)
    assert np.isnan(res.alpha) and np.isnan(res.ci_low) and np.isnan(res.ci_high)
    assert res.k_items == x.shape[1]


@pytest.mark.parametrize("level", [0, 1, 1.5, -0.1, "0.95", None])
def test_alpha_rejects_bad_confidence_level(level: object) -> None:
    with pytest.raises(ValueError, match="`confidence_level` must be a number in"):
        cronbach_alpha(A, confidence_level=level)  # type: ignore[arg-type]


def test_alpha_rejects_bad_items() -> None:
    with pytest.raises(ValueError, match="must be 2-D"):
        cronbach_alpha(np.arange(5.0))
    with pytest.raises(ValueError, match="must hold numbers"):
        cronbach_alpha([["a", "b"], ["c", "d"]])
    with pytest.raises(ValueError, match="infinite"):
        cronbach_alpha(np.array([[1.0, np.inf], [2.0, 3.0]]))


def test_alpha_does_not_mutate_input() -> None:
    frame = pd.DataFrame(B.copy(), columns=list("wxyz"))
    before = frame.copy()
    cronbach_alpha(frame)
    pd.testing.assert_frame_equal(frame, before)


# ----------------------------------------------------------------------------- omega_total


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("name", ["A", "B", "C", "D"])
def test_omega_and_loadings_match_psych(name: str) -> None:
    ref = OMEGA_REF[name]
    x = DATA[name]
    res = omega_total(x)
    assert isinstance(res, OmegaResult)
    assert (res.n, res.k_items) == (ALPHA_REF[name].n, x.shape[1])
    assert res.estimator == "minres one-factor, Pearson correlations"
    assert res.loadings == pytest.approx(ref.loadings, abs=FIT_TOL)
    assert res.omega_total == pytest.approx(ref.omega, abs=FIT_TOL)


def test_omega_is_one_minus_uniqueness_over_sum_of_r() -> None:
    res = omega_total(C)
    lam = np.array(res.loadings)
    r = np.corrcoef(C, rowvar=False)
    assert res.omega_total == pytest.approx(1 - np.sum(1 - lam**2) / r.sum(), abs=1e-12)
    # and not the model-implied (Σλ)² / ((Σλ)² + Σu), which differs when the fit is not exact
    model = lam.sum() ** 2 / (lam.sum() ** 2 + np.sum(1 - lam**2))
    assert abs(res.omega_total - model) > 1e-4


def test_omega_heywood_case_warns_and_matches_psych() -> None:
    ref = OMEGA_REF["H"]
    with pytest.warns(EvaluationWarning, match=r"Heywood case, item\(s\) \['item 1'\]"):
        res = omega_total(H)
    assert res.loadings == pytest.approx(ref.loadings, abs=FIT_TOL)
    assert res.omega_total == pytest.approx(ref.omega, abs=FIT_TOL)


def test_omega_negative_loading_reflected_as_psych_does() -> None:
    ref = OMEGA_REF["E"]
    frame = pd.DataFrame(E, columns=["q1", "q2", "q3", "q4", "q5"])
    with pytest.warns(EvaluationWarning, match=r"\['q3'\] load negatively"):
        res = omega_total(frame)
    assert res.loadings == pytest.approx(ref.loadings, abs=FIT_TOL)
    assert res.omega_total == pytest.approx(ref.omega, abs=FIT_TOL)


def test_omega_uses_complete_rows() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        full = omega_total(B)
        complete = omega_total(B[~np.isnan(B).any(axis=1)])
    assert full == complete
    assert full.n == 18


@pytest.mark.parametrize(
    ("x", "message"),
    [
        (A[:, :2], "at least 3 items"),
        (A[:1], "at least 2 complete rows"),
        (np.column_stack([A[:, :3], np.full(20, 4.0)]), r"item\(s\) \['item 4'\] have no variance"),
        (np.full((6, 4), 2.0), "no variance"),
    ],
)
def test_omega_degenerate_data_gives_nan_and_warning(x: np.ndarray, message: str) -> None:
    with pytest.warns(DegenerateDataWarning, match=message):
        res = omega_total(x)
    assert np.isnan(res.omega_total)
    assert res.k_items == x.shape[1]
    assert len(res.loadings) == x.shape[1]


@settings(max_examples=50, deadline=None)
@given(
    n=st.integers(1, 12),
    levels=st.lists(st.integers(1, 5), min_size=1, max_size=6),
    confidence_level=st.sampled_from([0.9, 0.95, 0.99]),
)
def test_constant_items_are_degenerate(n: int, levels: list[int], confidence_level: float) -> None:
    x = np.tile(np.array(levels, dtype=float), (n, 1))
    with pytest.warns(DegenerateDataWarning):
        res = cronbach_alpha(x, confidence_level=confidence_level)
    assert np.isnan(res.alpha) and np.isnan(res.ci_low) and np.isnan(res.ci_high)
    with pytest.warns(DegenerateDataWarning):
        om = omega_total(x)
    assert np.isnan(om.omega_total)


@settings(max_examples=50, deadline=None)
@given(
    cells=st.lists(st.integers(1, 5), min_size=40, max_size=40),
    seed=st.integers(0, 2**32 - 1),
)
def test_alpha_ci_brackets_alpha_and_row_order_is_irrelevant(cells: list[int], seed: int) -> None:
    x = np.array(cells, dtype=float).reshape(10, 4)
    shuffled = np.random.default_rng(seed).permutation(x, axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res, again = cronbach_alpha(x), cronbach_alpha(shuffled)
        om, om_again = omega_total(x), omega_total(shuffled)
    assert np.isnan(res.alpha) == np.isnan(again.alpha)
    if not np.isnan(res.alpha):
        assert res.alpha <= 1.0
        assert res.ci_low <= res.alpha <= res.ci_high
        assert again.alpha == pytest.approx(res.alpha, abs=1e-12)
    if not np.isnan(om.omega_total):
        assert om_again.omega_total == pytest.approx(om.omega_total, abs=1e-8)


# ----------------------------------------------------------------------------- reliability

REL_INSTRUMENT = Instrument(
    name="rel",
    title="Reliability test instrument",
    source="test instrument",
    response_range=(1, 5),
    raters=["self", "line_manager"],
    scales={
        "four": Scale(
            title="Four", kirkpatrick_level=2, items=["f1", "f2", "f3", "f4"], reverse=["f2"]
        ),
        "five": Scale(
            title="Five", kirkpatrick_level=2, items=["v1", "v2", "v3", "v4", "v5"], reverse=["v5"]
        ),
        "single": Scale(title="Single", kirkpatrick_level=1, items=["s1"]),
    },
)
REL_MAP = item_map([REL_INSTRUMENT])


def to_long(
    x: np.ndarray, scale: str, wave: str, rater: str = "self", prefix: str = "p"
) -> pd.DataFrame:
    """Long responses whose recoded values equal ``x`` (reverse-keyed items stored as 6 − x)."""
    rows = REL_MAP[REL_MAP.scale == scale]
    frames = []
    for j, (item, reverse) in enumerate(zip(rows["item"], rows["reverse"], strict=True)):
        values = 6.0 - x[:, j] if reverse else x[:, j]
        frames.append(
            pd.DataFrame(
                {
                    "participant_id": [f"{prefix}{i:02d}" for i in range(len(x))],
                    "wave": wave,
                    "rater": rater,
                    "instrument": "rel",
                    "item": item,
                    "value": values,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


RESPONSES = pd.concat(
    [
        to_long(B, "four", "pre"),
        to_long(D, "four", "post"),
        to_long(A, "five", "pre"),
        to_long(H, "four", "pre", rater="line_manager", prefix="m"),
    ],
    ignore_index=True,
)


def test_reliability_table_matches_psych() -> None:
    with pytest.warns(
        EvaluationWarning,
        match=r"reliability of instrument 'rel', scale 'four', wave 'pre', rater 'line_manager': omega total: Heywood",
    ):
        table = reliability(RESPONSES, REL_MAP)
    assert list(table.columns) == [
        "instrument",
        "scale",
        "wave",
        "rater",
        "n",
        "k_items",
        "alpha",
        "alpha_ci_low",
        "alpha_ci_high",
        "omega_total",
    ]
    # sorted: scales by name, waves pre before post, raters self before line_manager
    assert table[["scale", "wave", "rater"]].values.tolist() == [
        ["five", "pre", "self"],
        ["four", "pre", "self"],
        ["four", "pre", "line_manager"],
        ["four", "post", "self"],
    ]
    for (_, row), name in zip(table.iterrows(), ["A", "B", "H", "D"], strict=True):
        ref, oref = ALPHA_REF[name], OMEGA_REF[name]
        assert (row.n, row.k_items) == (ref.n, DATA[name].shape[1])
        assert row.alpha == pytest.approx(ref.alpha, abs=ALPHA_TOL)
        assert (row.alpha_ci_low, row.alpha_ci_high) == pytest.approx(ref.ci95, abs=ALPHA_TOL)
        assert row.omega_total == pytest.approx(oref.omega, abs=FIT_TOL)


def test_reliability_by_cohort_and_confidence_level() -> None:
    responses = RESPONSES[RESPONSES.rater == "self"].assign(
        cohort=lambda d: np.where(d.participant_id < "p10", 1, 2), extra="ignored"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EvaluationWarning)  # 10-person halves: Heywood cases
        table = reliability(
            responses, REL_MAP, by=("cohort", "wave", "rater"), confidence_level=0.9
        )
    assert list(table.columns[:5]) == ["instrument", "scale", "cohort", "wave", "rater"]
    assert table[["scale", "cohort", "wave"]].values.tolist() == [
        ["five", 1, "pre"],
        ["five", 2, "pre"],
        ["four", 1, "pre"],
        ["four", 1, "post"],
        ["four", 2, "pre"],
    ]
    first = table.iloc[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = cronbach_alpha(A[:10], confidence_level=0.9)
    assert (first.n, first.alpha, first.alpha_ci_low) == pytest.approx(
        (expected.n, expected.alpha, expected.ci_low), abs=1e-12
    )


def test_reliability_pools_waves_left_out_of_by() -> None:
    table = reliability(RESPONSES[RESPONSES.rater == "self"], REL_MAP, by=("rater",))
    four = table[table.scale == "four"].iloc[0]
    stacked = np.vstack([B, D])
    # pooled over waves: the item matrix holds B's rows (pre) and D's rows (post)
    assert four.n == 26
    assert four.alpha == pytest.approx(cronbach_alpha(stacked).alpha, abs=1e-12)


def test_reliability_single_item_scale_warns() -> None:
    single = pd.DataFrame(
        {"participant_id": ["a", "b", "c"], "wave": "pre", "rater": "self", "instrument": "rel",
         "item": "s1", "value": [1.0, 3.0, 4.0]}
    )  # fmt: skip
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = reliability(single, REL_MAP)
    messages = [str(w.message) for w in caught if issubclass(w.category, DegenerateDataWarning)]
    assert len(messages) == 2
    assert all(
        m.startswith("reliability of instrument 'rel', scale 'single', wave 'pre'")
        for m in messages
    )
    assert "alpha needs at least 2 items, got 1" in messages[0]
    assert "omega total needs at least 3 items" in messages[1]
    assert table[["n", "k_items"]].values.tolist() == [[3, 1]]
    assert table[["alpha", "alpha_ci_low", "alpha_ci_high", "omega_total"]].isna().all(axis=None)


def test_reliability_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="`by` must list distinct columns"):
        reliability(RESPONSES, REL_MAP, by=("cohort",))
    with pytest.raises(ValueError, match="`by` must list distinct columns"):
        reliability(RESPONSES, REL_MAP, by=("scale", "wave"))
    with pytest.raises(ValueError, match="`confidence_level`"):
        reliability(RESPONSES, REL_MAP, confidence_level=95)


@settings(max_examples=50, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1), blanks=st.lists(st.integers(0, len(RESPONSES) - 1), max_size=30)
)
def test_reliability_does_not_depend_on_row_order(seed: int, blanks: list[int]) -> None:
    responses = RESPONSES.copy()
    responses.loc[blanks, "value"] = NAN
    shuffled = responses.sample(frac=1.0, random_state=np.random.RandomState(seed))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = reliability(responses, REL_MAP)
        got = reliability(shuffled, REL_MAP)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
