"""Linear mixed model of score by wave, for cohorts measured at three or more waves.

:func:`mixed_model` fits the random-intercept model by REML per scale × rater as lme4 does
(:func:`~evaluation.stats.outcomes.random_intercept.fit_random_intercept`, vectorised over
participants), keeping participants with a missing wave, and reports the fixed effects with
lme4's standard errors and t-based CIs and p-values on lmerTest's Satterthwaite df.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from evaluation.core.checks import check_confidence_level as _check_confidence_level
from evaluation.core.vocabulary import WAVES
from evaluation.stats.outcomes._common import (
    PreparedScores,
    _check_names,
    _observed,
    _quoted,
    _rater_key,
    _warn,
    prepare_scores,
)
from evaluation.stats.outcomes.random_intercept import fit_random_intercept

__all__ = ["MIXED_MODEL_COLUMNS", "MIXED_MODEL_METHOD", "mixed_model"]

#: Columns of ``tables/mixed_model.csv``, in order.
MIXED_MODEL_COLUMNS = (
    "scale",
    "rater",
    "term",
    "estimate",
    "se",
    "df",
    "ci_low",
    "ci_high",
    "p_value",
    "n_participants",
    "n_observations",
    "method",
    "participant_variance",
    "residual_variance",
    "converged",
)

#: The ``method`` of every row.
MIXED_MODEL_METHOD = (
    "REML random-intercept model; lme4 standard errors; t intervals with Satterthwaite df (lmerTest)"
)


def _codes(
    data: pd.DataFrame, wave_list: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[tuple[str, str], np.ndarray]]:
    """Integer codes of the scores at ``wave_list``, without copying the text columns.

    Of the rows at those waves: the wave code (index in ``wave_list``), the participant
    code (numbered by first appearance among the kept rows), the scores and, per (scale,
    rater), the ascending positions of its rows among the kept rows (as ``groupby().indices``).
    """
    code, waves = _own_codes(data["wave"])
    lookup = np.array([wave_list.index(w) if w in wave_list else -1 for w in waves], np.int64)
    wave_code = lookup[code]
    keep = np.flatnonzero(wave_code >= 0)
    wave_code = wave_code[keep]
    person = _first_appearance(_own_codes(data["participant_id"])[0][keep])
    score = data["score"].to_numpy(dtype=float)[keep]
    scale_code, scales = _own_codes(data["scale"])
    rater_code, raters = _own_codes(data["rater"])
    group = scale_code[keep].astype(np.int64) * len(raters) + rater_code[keep]
    del scale_code, rater_code
    # a stable sort of small integers (radix sort) gives the positions of each group in row order
    order = np.argsort(group.astype(np.int16) if len(scales) * len(raters) < 2**15 else group, kind="stable")
    bounds = np.r_[0, np.cumsum(np.bincount(group, minlength=len(scales) * len(raters)))]
    positions = {
        (scales[g // len(raters)], raters[g % len(raters)]): order[bounds[g] : bounds[g + 1]]
        for g in np.flatnonzero(np.diff(bounds))
    }
    return wave_code, person, score, positions


def _own_codes(values: pd.Series) -> tuple[np.ndarray, Any]:
    """Codes of a column and the values they stand for: a categorical's own (small) codes when no
    value is missing, else ``pd.factorize``. Either numbering serves :func:`_codes`, which
    renumbers participants by first appearance and uses the others only through their values."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = np.asarray(values.array.codes)  # a view, not a copy
        if not (codes < 0).any():
            return codes, values.cat.categories
    return pd.factorize(values)


def _first_appearance(codes: np.ndarray) -> np.ndarray:
    """The codes renumbered 0, 1, … by first appearance (``pd.factorize(codes)[0]``).

    Scores sorted by participant (as loaded) need no hashing: the number goes up at each change.
    """
    if codes.size and (codes[1:] >= codes[:-1]).all():
        return np.cumsum(np.r_[False, codes[1:] != codes[:-1]])
    return pd.factorize(codes)[0]


def mixed_model(
    scores: pd.DataFrame | PreparedScores, *, waves: Any, confidence_level: float = 0.95,
    scales: Any = None,
) -> pd.DataFrame:
    """Linear mixed model of score by wave, per scale × rater (three or more waves).

    Parameters
    ----------
    scores : DataFrame or PreparedScores
        Long format as for :func:`outcomes_table` (or the same through :func:`prepare_scores`).
        Scores at waves not in ``waves`` are ignored.
    waves : sequence of str
        The waves to model, in time order; the first (normally ``pre``) is the reference. Each
        must be a wave of :data:`~evaluation.core.vocabulary.WAVES` or of ``scores``.
    confidence_level : float, default 0.95
    scales : sequence of str, optional
        The scales to model (default: every scale in ``scores``), e.g. leaving out a reaction
        questionnaire asked once by design, which has no change to model.

    Returns
    -------
    DataFrame
        One row per scale × rater × term with columns ``scale, rater, term, estimate, se, df,
        ci_low, ci_high, p_value, n_participants, n_observations, method,
        participant_variance, residual_variance, converged`` (``df``: Satterthwaite). Terms: ``intercept`` (mean at
        the reference wave) and ``wave[<wave>]`` (difference from the reference wave), in the
        order of ``waves`` (waves without any score for the scale × rater have no term).
        Sorted by scale, then rater.

    Raises
    ------
    ParameterError
        A name in ``waves`` that is neither a wave of the vocabulary nor of ``scores`` (a
        misspelling), listing the allowed waves.

    Warns
    -----
    DegenerateDataWarning
        When a wave of ``waves`` has no score at all (a valid wave nobody answered); when the fit is singular (participant variance estimated as 0, as lme4's "boundary
        (singular) fit") or did not converge, naming the scale and rater (the estimates are
        still reported, ``converged`` says whether the optimiser converged); when a scale × rater
        has no score at the reference wave, fewer than two waves or fewer than two
        participants (no rows for it); when the fit fails; when the scores have no residual
        variance (e.g. all identical: the rows give the exact estimates, with NaN SEs, df,
        CIs, p-values and participant variance, residual variance 0 and ``converged`` False,
        where lme4's ``glmer`` would stop with "Response is constant").

    Notes
    -----
    The random-intercept model fitted by REML, as lme4
    ``lmer(score ~ wave + (1 | participant), REML = TRUE)``: score_ij = β0 + Σ_w β_w·[wave_ij = w]
    + u_i + e_ij, u_i ~ N(0, τ²) per participant, e_ij ~ N(0, σ²); wave a factor with treatment
    coding, reference the first of ``waves``. Every observed score is used: a participant with
    a missing wave is kept (no listwise deletion), which is valid under missing at random. The
    fit is :func:`~evaluation.stats.outcomes.random_intercept.fit_random_intercept` (closed-form
    profiled REML over per-participant sums): SEs are lme4's, sqrt(diag(σ̂²(X′V̂⁻¹X)⁻¹)); CIs
    are estimate ± t(df, 1 − α/2)·SE and p-values two-sided t, with lmerTest's Satterthwaite df
    per term (Bates et al. 2015, J. Stat. Softw. 67(1); Kuznetsova et al. 2017, J. Stat. Softw.
    82(13)). A participant variance estimated at 0 (boundary) makes the model equivalent to
    ordinary least squares, with df = n − p.

    Examples
    --------
    >>> scores = pd.DataFrame({
    ...     "participant_id": list("abcdef") * 3, "scale": "s", "rater": "self",
    ...     "wave": ["pre"] * 6 + ["post"] * 6 + ["follow_up"] * 6,
    ...     "score": [3.0, 2.5, 3.5, 4.0, 3.0, 2.0, 3.5, 3.0, 4.5, 4.0, 3.5, 2.5,
    ...               3.5, 3.5, 4.0, 4.5, None, 2.5]})
    >>> fit = mixed_model(scores, waves=["pre", "post", "follow_up"])
    >>> fit[["term", "estimate", "n_participants", "n_observations"]]
                    term  estimate  n_participants  n_observations
    0          intercept     3.0...               6              17
    1         wave[post]     0.5...               6              17
    2    wave[follow_up]     0.5...               6              17
    """
    level = _check_confidence_level(confidence_level)
    if isinstance(waves, str):
        raise ValueError(
            f"`waves` must be a sequence of wave names such as ['pre', 'post', "
            f"'follow_up'], got the string {waves!r}"
        )
    wave_list = [str(w) for w in waves]
    if len(wave_list) < 2 or len(set(wave_list)) != len(wave_list):
        raise ValueError(f"`waves` must name at least two different waves, got {wave_list}")
    data = prepare_scores(scores).frame  # categorical identifiers: factorised as codes
    absent = _check_names(wave_list, WAVES, data["wave"].cat.categories, "waves", "wave",
                          _observed(data["wave"]))
    if absent:
        _warn(f"mixed model: no scores at wave(s) {_quoted(absent)} of `waves` {_quoted(wave_list)}; they have no term")
    wave_code, person, score, positions = _codes(data, wave_list)
    reference = wave_list[0]
    frames: list[pd.DataFrame] = []
    keys = sorted(positions, key=lambda k: (k[0], _rater_key(k[1])))
    if scales is not None:
        chosen = {str(x) for x in ([scales] if isinstance(scales, str) else scales)}
        keys = [k for k in keys if str(k[0]) in chosen]
    if not keys:
        _warn(f"mixed model: no scores of the scales modelled at the waves {wave_list}; the table is empty")
    for scale, rater in keys:
        context = f"mixed model for scale {scale!r}, rater {rater!r}"
        rows = positions[(scale, rater)]
        codes = wave_code[rows]
        present = [w for i, w in enumerate(wave_list) if (codes == i).any()]
        n_people = int(np.count_nonzero(np.bincount(person[rows])))
        if reference not in present or len(present) < 2 or n_people < 2:
            _warn(
                f"{context}: needs scores at the reference wave {reference!r}, at another of "
                f"{wave_list} and from at least 2 participants (has waves {present}, "
                f"{n_people} participant(s)); not fitted"
            )
            continue
        exog = np.column_stack(
            [np.ones(rows.size)] + [codes == wave_list.index(w) for w in present[1:]]
        ).astype(float)
        terms = ["intercept"] + [f"wave[{w}]" for w in present[1:]]
        try:
            fit = fit_random_intercept(score[rows], exog, person[rows], terms=terms)
        except (np.linalg.LinAlgError, ValueError) as exc:
            _warn(f"{context}: the fit failed: {exc}")
            continue
        if fit.notes:
            _warn(f"{context}: " + "; ".join(fit.notes))
        table = fit.coefficients(level).drop(columns="t")
        frames.append(table.assign(
            scale=scale, rater=rater, n_participants=fit.n_groups, n_observations=fit.n_observations,
            method=MIXED_MODEL_METHOD, participant_variance=fit.participant_variance,
            residual_variance=fit.residual_variance, converged=fit.converged))  # fmt: skip
    if not frames:
        return pd.DataFrame({c: [] for c in MIXED_MODEL_COLUMNS})
    return pd.concat(frames, ignore_index=True)[list(MIXED_MODEL_COLUMNS)]
