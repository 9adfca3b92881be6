"""Attrition: the participant flow, and whether those who stayed started differently.

:func:`attrition` counts enrolled → completed → answered earlier → answered later → scored at
both; :func:`baseline_comparison` compares the baseline scores of those with and without a
later score (Welch t, Hedges' g with a noncentral-t CI).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special, stats

from evaluation.core.checks import check_columns, check_unique
from evaluation.core.checks import check_confidence_level as _check_confidence_level
from evaluation.core.vocabulary import RATERS, STATUSES, WAVES
from evaluation.stats.outcomes._common import (
    _NAN,
    SCORE_COLUMNS,
    PreparedScores,
    _check_names,
    _codes,
    _mean,
    _observed,
    _sd,
    _warn,
    prepare_scores,
)
from evaluation.stats.outcomes.paired import _noncentral_t_ci

__all__ = ["ATTRITION_STAGES", "attrition", "baseline_comparison"]

#: The stages of :func:`attrition`, in flow order.
ATTRITION_STAGES = (
    "enrolled",
    "completed_programme",
    "answered_pre",
    "answered_post",
    "scored_both",
)


def attrition(
    scores: pd.DataFrame,
    participants: pd.DataFrame,
    *,
    earlier: str = "pre",
    later: str = "post",
    scale: str,
    rater: str = "self",
) -> pd.DataFrame:
    """Participant flow: enrolled → completed → answered earlier → answered later → both.

    Parameters
    ----------
    scores : DataFrame
        Long format as for :func:`outcomes_table` (a row whose score is missing counts as
        answered but not scored: e.g. too few items answered).
    participants : DataFrame
        Columns ``participant_id`` (unique) and ``status`` (``completed``, ``withdrew``,
        ``in_progress``): everyone enrolled.
    earlier, later : str, default "pre", "post"
        The two waves.
    scale : str
        The scale whose questionnaire defines "answered" and "scored".
    rater : str, default "self"

    Returns
    -------
    DataFrame
        Five rows in flow order, columns ``stage, n, share_of_enrolled, definition``; stages
        ``enrolled``, ``completed_programme``, ``answered_pre``, ``answered_post``,
        ``scored_both`` (named after the default waves; ``definition`` names the actual waves,
        scale and rater). Only enrolled people are counted: scores of identifiers not in
        ``participants`` are ignored. The stages after ``completed_programme`` count every
        enrolled person whatever their status (someone who withdrew may still answer ``post``).

    Examples
    --------
    >>> participants = pd.DataFrame({"participant_id": list("abcd"),
    ...                              "status": ["completed", "completed", "withdrew", "in_progress"]})
    >>> scores = pd.DataFrame({"participant_id": ["a", "b", "c", "a", "b"], "scale": "s",
    ...                        "rater": "self", "wave": ["pre"] * 3 + ["post"] * 2,
    ...                        "score": [3.0, 2.5, 4.0, 3.5, None]})
    >>> attrition(scores, participants, scale="s")[["stage", "n", "share_of_enrolled"]]
                     stage  n  share_of_enrolled
    0             enrolled  4               1.00
    1  completed_programme  2               0.50
    2         answered_pre  3               0.75
    3        answered_post  2               0.50
    4          scored_both  1               0.25
    """
    check_columns(participants, ["participant_id", "status"], "participants")
    ids = participants["participant_id"].astype(str)
    check_unique(ids.to_frame(), ["participant_id"], "participants")
    bad = sorted({str(s) for s in participants["status"] if s not in STATUSES})
    if bad:
        raise ValueError(
            f"`participants` column `status` must be one of {list(STATUSES)}, got {bad}"
        )
    if isinstance(scores, PreparedScores):
        raise ValueError(
            "`scores` of attrition must be the long-format DataFrame (prepared scores have "
            "dropped the rows without a score, which count as answered)"
        )
    check_columns(scores, [c for c in SCORE_COLUMNS if c != "rater"], "scores")
    rows = _is_text(scores["scale"], scale) & (
        _is_text(scores["rater"], rater, missing="self")
        if "rater" in scores.columns
        else rater == "self"
    )
    picked = scores.loc[rows, ["participant_id", "wave", "score"]]
    # each row's participant and wave as a code into their distinct texts (not a Python string per row)
    person, names = _text_codes(picked["participant_id"])
    wave, waves = _text_codes(picked["wave"])
    scored = ~np.isnan(pd.to_numeric(picked["score"]).to_numpy(dtype=float, na_value=np.nan))
    enrolled_rows = (pd.Index(ids.to_numpy(dtype=object)).get_indexer(names) >= 0)[person]
    at_e = enrolled_rows & (waves == earlier)[wave]
    at_l = enrolled_rows & (waves == later)[wave]

    def who(rows: np.ndarray) -> np.ndarray:
        """Which of ``names`` have at least one of ``rows``."""
        seen = np.zeros(len(names), dtype=bool)
        seen[person[rows]] = True
        return seen

    enrolled = len(ids)
    counts = [
        enrolled,
        int((participants["status"] == "completed").sum()),
        int(who(at_e).sum()),
        int(who(at_l).sum()),
        int((who(at_e & scored) & who(at_l & scored)).sum()),
    ]
    what = f"scale {scale!r}, rater {rater!r}"
    definitions = [
        "rows of participants (everyone enrolled)",
        "status is 'completed'",
        f"answered the questionnaire at wave {earlier!r} for {what} (scored or not)",
        f"answered the questionnaire at wave {later!r} for {what} (scored or not)",
        f"has a score at both {earlier!r} and {later!r} for {what} (the analysed pairs)",
    ]
    return pd.DataFrame(
        {
            "stage": list(ATTRITION_STAGES),
            "n": counts,
            "share_of_enrolled": [c / enrolled if enrolled else _NAN for c in counts],
            "definition": definitions,
        }
    )


def _text_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes of ``values`` into their distinct texts as ``values.astype(str)`` gives them (object array).

    A categorical with no missing value and distinct category texts is coded by its own codes;
    anything else is turned into text row by row and factorised (a missing value its own code).
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = np.asarray(values.array.codes)  # a view, not a copy
        texts = np.asarray(values.cat.categories.astype(str), dtype=object)
        if not (codes < 0).any() and len(set(texts)) == len(texts):
            return codes, texts
    codes, texts = pd.factorize(values.astype(str).to_numpy(dtype=object), use_na_sentinel=False)
    return codes, np.asarray(texts, dtype=object)


def _is_text(values: pd.Series, text: str, missing: str | None = None) -> np.ndarray:
    """Rows whose value, as text (``missing`` for a missing value), is ``text``."""
    if isinstance(values.dtype, pd.StringDtype):  # already text: compare directly
        hit = (values == text).to_numpy(dtype=bool, na_value=False)
        return hit | values.isna().to_numpy() if missing == text else hit
    codes, uniques = pd.factorize(values)
    hit = np.array([str(u) == text for u in uniques] + [missing == text])
    return hit[codes]  # code -1 (missing) takes the last entry


def baseline_comparison(
    scores: pd.DataFrame | PreparedScores,
    *,
    scale: str | Sequence[str],
    earlier: str = "pre",
    later: str = "post",
    rater: str = "self",
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Baseline scores of those with and without a later score (is drop-out selective?).

    Parameters
    ----------
    scores : DataFrame or PreparedScores
        Long format as for :func:`outcomes_table` (or :func:`prepare_scores` of it).
    scale : str or sequence of str
        The scale, or several: one row each, in the order given.
    earlier, later : str, default "pre", "post"
    rater : str, default "self"
    confidence_level : float, default 0.95

    Returns
    -------
    DataFrame
        One row per scale (rows of several calls concatenate into one tidy table) with columns
        ``scale, rater, earlier_wave, later_wave, n_with_later, mean_with_later,
        sd_with_later, n_without_later, mean_without_later, sd_without_later,
        mean_difference, ci_low, ci_high, t, df, p_value, hedges_g, g_ci_low, g_ci_high,
        method``. ``mean_difference`` = mean(with) − mean(without): positive means those who
        stayed started higher.

    Raises
    ------
    ParameterError
        A ``scale`` not in ``scores``, or an ``earlier``/``later`` wave or ``rater`` that is
        neither in the vocabulary (:data:`~evaluation.core.vocabulary.WAVES`,
        :data:`~evaluation.core.vocabulary.RATERS`) nor in ``scores``; the message lists the
        allowed names.

    Warns
    -----
    DegenerateDataWarning
        A group with fewer than two people, or no variance: the tests and g are NaN; a valid
        wave or rater without any score (said once, besides each row's warning).

    Notes
    -----
    Among everyone with a score at ``earlier``: Welch's t = (m₁ − m₂)/√(s₁²/n₁ + s₂²/n₂) with
    Welch–Satterthwaite df and the CI of the difference from t(df) (R: ``t.test(with,
    without, var.equal = FALSE)``). Hedges' g = J·(m₁ − m₂)/s_p with the pooled SD
    s_p = √(((n₁ − 1)s₁² + (n₂ − 1)s₂²)/(n₁ + n₂ − 2)) and the exact small-sample correction
    J = Γ(ν/2)/(√(ν/2)·Γ((ν − 1)/2)), ν = n₁ + n₂ − 2 (Hedges 1981); its CI inverts the
    noncentral t at t_pooled = d·√(n₁n₂/(n₁ + n₂)), scales by √(1/n₁ + 1/n₂) and J (as
    effectsize 0.8.3 ``hedges_g(with, without)``).

    Examples
    --------
    >>> scores = pd.DataFrame({"participant_id": list("abcdefg") + list("abcd"), "scale": "s",
    ...                        "rater": "self", "wave": ["pre"] * 7 + ["post"] * 4,
    ...                        "score": [3.0, 3.5, 4.0, 3.5, 2.5, 3.0, 2.0] + [4.0] * 4})
    >>> row = baseline_comparison(scores, scale="s")
    >>> row[["n_with_later", "n_without_later", "mean_difference"]]
       n_with_later  n_without_later  mean_difference
    0             4                3              1.0
    """
    level = _check_confidence_level(confidence_level)
    scales = [scale] if isinstance(scale, str) else [str(s) for s in scale]
    data = prepare_scores(scores).frame
    _check_names(scales, (), data["scale"].cat.categories, "scale", "scale")
    absent = [
        f"{parameter} {name!r}"
        for parameter, name, vocabulary, column in (
            ("earlier", earlier, WAVES, "wave"), ("later", later, WAVES, "wave"),
            ("rater", rater, RATERS, "rater"),
        )
        for name in _check_names(name, vocabulary, data[column].cat.categories, parameter,
                                 column, _observed(data[column]))
    ]  # fmt: skip
    if absent:
        _warn(f"baseline comparison: no scores at {', '.join(absent)}; the comparison is NaN")
    groups = _baseline_groups(data, scales, earlier, later, rater)
    return pd.DataFrame(
        [
            _baseline_row(name, rater, earlier, later, a, b, level)
            for name, (a, b) in zip(scales, groups, strict=True)
        ]
    )


def _baseline_groups(
    data: pd.DataFrame, scales: list[str], earlier: str, later: str, rater: str
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per scale: baseline scores of those with and without a later score, by participant."""
    scale, scale_names = _codes(data, "scale")
    wave, waves = _codes(data, "wave")
    rater_code, raters = _codes(data, "rater")
    person, people = _codes(data, "participant_id")
    code_of = {str(w): i for i, w in enumerate(waves)}
    mine = rater_code == {str(r): i for i, r in enumerate(raters)}.get(rater, -2)
    key = scale.astype(np.int64) * len(people) + person
    base = mine & (wave == code_of.get(earlier, -2))
    order = np.argsort(key[base], kind="stable")
    base_key = key[base][order]
    base_score = data["score"].to_numpy(dtype=float)[base][order]
    has_later = np.isin(base_key, key[mine & (wave == code_of.get(later, -2))])
    base_scale = base_key // len(people)
    index = {str(s): i for i, s in enumerate(scale_names)}
    out = []
    for name in scales:
        code = index.get(name, -1)  # -1: a scale without scores, empty groups
        lo, hi = np.searchsorted(base_scale, [code, code + 1])
        score, later_too = base_score[lo:hi], has_later[lo:hi]
        out.append((score[later_too], score[~later_too]))
    return out


def _baseline_row(
    scale: str,
    rater: str,
    earlier: str,
    later: str,
    a: np.ndarray,
    b: np.ndarray,
    level: float,
) -> dict:
    """The baseline comparison of one scale: ``a`` with, ``b`` without a later score."""
    n1, n2 = a.size, b.size
    m1, m2, s1, s2 = _mean(a), _mean(b), _sd(a), _sd(b)
    diff = m1 - m2
    t = df = p = lo = hi = g = g_lo = g_hi = _NAN
    context = f"baseline comparison for scale {scale!r}, rater {rater!r}"
    if n1 < 2 or n2 < 2:
        _warn(
            f"{context}: {n1} with and {n2} without a {later!r} score (at least 2 each are "
            "needed): Welch t and Hedges' g are NaN"
        )
    else:
        v1, v2 = s1**2 / n1, s2**2 / n2
        if v1 + v2 == 0:
            _warn(f"{context}: no variance in either group: Welch t and Hedges' g are NaN")
        else:
            se = math.sqrt(v1 + v2)
            t = diff / se
            df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
            p = float(2 * stats.t.sf(abs(t), df))
            half = float(stats.t.ppf(0.5 + level / 2, df)) * se
            lo, hi = diff - half, diff + half
            nu = n1 + n2 - 2
            sp = math.sqrt(((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / nu)
            j = math.exp(special.gammaln(nu / 2) - special.gammaln((nu - 1) / 2)) / math.sqrt(
                nu / 2
            )
            d = diff / sp
            g = j * d
            ncp_lo, ncp_hi = _noncentral_t_ci(d * math.sqrt(n1 * n2 / (n1 + n2)), nu, level)
            scale_back = math.sqrt(1 / n1 + 1 / n2) * j
            g_lo, g_hi = ncp_lo * scale_back, ncp_hi * scale_back
    return {
        "scale": scale,
        "rater": rater,
        "earlier_wave": earlier,
        "later_wave": later,
        "n_with_later": n1,
        "mean_with_later": m1,
        "sd_with_later": s1,
        "n_without_later": n2,
        "mean_without_later": m2,
        "sd_without_later": s2,
        "mean_difference": diff,
        "ci_low": lo,
        "ci_high": hi,
        "t": t,
        "df": df,
        "p_value": p,
        "hedges_g": g,
        "g_ci_low": g_lo,
        "g_ci_high": g_hi,
        "method": (
            "Welch t (Welch-Satterthwaite df); Hedges' g = pooled-SD d x exact J(n1+n2-2), "
            "noncentral-t CI"
        ),
    }
