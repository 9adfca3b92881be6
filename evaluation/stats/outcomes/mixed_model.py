"""Linear mixed model of score by wave, for cohorts measured at three or more waves.

:func:`mixed_model` fits statsmodels' ``MixedLM`` (REML, a random intercept per participant,
wave as a factor) per scale × rater, keeping participants with a missing wave, and reports the
fixed effects with Wald z CIs and p-values.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.core.checks import check_confidence_level as _check_confidence_level
from evaluation.stats.outcomes._common import _NAN, _prepare_scores, _rater_key, _warn

__all__ = ["MIXED_MODEL_COLUMNS", "mixed_model"]

#: Columns of ``tables/mixed_model.csv``, in order.
MIXED_MODEL_COLUMNS = (
    "scale",
    "rater",
    "term",
    "estimate",
    "se",
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


def _fit_mixed(endog: np.ndarray, exog: np.ndarray, groups: np.ndarray) -> tuple[Any, list[str]]:
    """Fit the REML random-intercept model; statsmodels' warnings are collected, not lost."""
    from statsmodels.regression.mixed_linear_model import MixedLM
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = MixedLM(endog, exog, groups=groups).fit(reml=True)
        except (np.linalg.LinAlgError, ValueError) as exc:
            result = None
            notes.append(f"the fit failed: {exc}")
    for w in caught:
        from_statsmodels = "statsmodels" in str(w.filename)
        if issubclass(w.category, ConvergenceWarning) or (
            from_statsmodels and issubclass(w.category, UserWarning)
        ):
            notes.append(str(w.message).strip())
        else:  # not about the fit: pass it on from where it arose
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if result is not None and not result.converged:
        notes.append("the optimiser did not converge")
    return result, list(dict.fromkeys(notes))


def mixed_model(
    scores: pd.DataFrame, *, waves: Any, confidence_level: float = 0.95
) -> pd.DataFrame:
    """Linear mixed model of score by wave, per scale × rater (three or more waves).

    Parameters
    ----------
    scores : DataFrame
        Long format as for :func:`outcomes_table`. Scores at waves not in ``waves`` are ignored.
    waves : sequence of str
        The waves to model, in time order; the first (normally ``pre``) is the reference.
    confidence_level : float, default 0.95

    Returns
    -------
    DataFrame
        One row per scale × rater × term with columns ``scale, rater, term, estimate, se,
        ci_low, ci_high, p_value, n_participants, n_observations, method,
        participant_variance, residual_variance, converged``. Terms: ``intercept`` (mean at
        the reference wave) and ``wave[<wave>]`` (difference from the reference wave), in the
        order of ``waves`` (waves without any score for the scale × rater have no term).
        Sorted by scale, then rater.

    Warns
    -----
    DegenerateDataWarning
        When statsmodels reports a convergence problem or a boundary fit (e.g. no variance
        between participants), naming the scale and rater (the estimates are still
        reported, ``converged`` says whether the optimiser converged); when a scale × rater
        has no score at the reference wave, fewer than two waves or fewer than two
        participants (no rows for it); when the fit fails.

    Notes
    -----
    statsmodels ``MixedLM`` fitted by REML: score_ij = β0 + Σ_w β_w·[wave_ij = w] + u_i + e_ij,
    u_i ~ N(0, τ²) per participant, e_ij ~ N(0, σ²); wave a factor with treatment coding,
    reference the first of ``waves``. Every observed score is used: a participant with a
    missing wave is kept (no listwise deletion), which is valid under missing at random.
    SEs are statsmodels' (``bse_fe``); CIs are estimate ± z(1 − α/2)·SE and p-values two-sided
    Wald z — no Satterthwaite or Kenward–Roger df, so they are somewhat liberal in small
    cohorts. Estimates agree with lme4 ``lmer(score ~ wave + (1 | participant), REML = TRUE)``;
    SEs can differ from lme4's in the 4th significant digit in unbalanced data. A participant
    variance estimated at 0 (boundary) makes the model equivalent to ordinary least squares.

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
    data = _prepare_scores(scores)
    data = data.loc[data["wave"].isin(wave_list)].copy()
    data["_w"] = data["wave"].map({w: i for i, w in enumerate(wave_list)})
    z = float(stats.norm.ppf(0.5 + level / 2))
    reference = wave_list[0]
    rows: list[dict[str, Any]] = []
    keys = sorted(
        data[["scale", "rater"]].drop_duplicates().itertuples(index=False, name=None),
        key=lambda k: (k[0], _rater_key(k[1])),
    )
    for scale, rater in keys:
        context = f"mixed model for scale {scale!r}, rater {rater!r}"
        g = data.loc[(data["scale"] == scale) & (data["rater"] == rater)]
        g = g.sort_values(["participant_id", "_w"], kind="stable")
        present = [w for w in wave_list if w in set(g["wave"])]
        n_people = int(g["participant_id"].nunique())
        if reference not in present or len(present) < 2 or n_people < 2:
            _warn(
                f"{context}: needs scores at the reference wave {reference!r}, at another of "
                f"{wave_list} and from at least 2 participants (has waves {present}, "
                f"{n_people} participant(s)); not fitted"
            )
            continue
        exog = np.column_stack(
            [np.ones(len(g))] + [(g["wave"] == w).to_numpy(dtype=float) for w in present[1:]]
        )
        result, notes = _fit_mixed(
            g["score"].to_numpy(dtype=float), exog, g["participant_id"].to_numpy()
        )
        if notes:
            _warn(f"{context}: statsmodels reported: " + "; ".join(notes))
        if result is None:
            continue
        estimates = np.asarray(result.fe_params, dtype=float)
        ses = np.asarray(result.bse_fe, dtype=float)
        method = (
            "statsmodels MixedLM, random intercept per participant, wave as a factor "
            f"(reference {reference!r}); REML; Wald z CI and p"
        )
        terms = ["intercept"] + [f"wave[{w}]" for w in present[1:]]
        for term, est, se in zip(terms, estimates, ses, strict=True):
            rows.append(
                {
                    "scale": scale,
                    "rater": rater,
                    "term": term,
                    "estimate": float(est),
                    "se": float(se),
                    "ci_low": float(est - z * se),
                    "ci_high": float(est + z * se),
                    "p_value": float(2 * stats.norm.sf(abs(est / se))) if se > 0 else _NAN,
                    "n_participants": n_people,
                    "n_observations": len(g),
                    "method": method,
                    "participant_variance": float(np.asarray(result.cov_re)[0, 0]),
                    "residual_variance": float(result.scale),
                    "converged": bool(result.converged),
                }
            )
    if not rows:
        return pd.DataFrame({c: [] for c in MIXED_MODEL_COLUMNS})
    return pd.DataFrame(rows, columns=list(MIXED_MODEL_COLUMNS))
