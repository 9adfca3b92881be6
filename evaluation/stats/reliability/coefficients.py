"""Cronbach's alpha and McDonald's omega total of one scale's items (see the package docstring)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from evaluation.core.checks import check_confidence_level as _check_confidence_level
from evaluation.core.errors import DegenerateDataWarning, EvaluationWarning
from evaluation.core.results import ResultDisplay
from evaluation.stats.reliability.feldt import feldt_interval

__all__ = [
    "AlphaResult",
    "OmegaResult",
    "cronbach_alpha",
    "omega_total",
]

#: psych's lower bound on minres uniquenesses (``optim(..., lower = .005)`` in ``fa``).
UNIQUENESS_LOWER_BOUND = 0.005
OMEGA_ESTIMATOR = "minres one-factor, Pearson correlations"


@dataclass(frozen=True, repr=False)
class AlphaResult(ResultDisplay):
    """Cronbach's alpha with its Feldt confidence interval (see :func:`cronbach_alpha`)."""

    alpha: float
    ci_low: float
    ci_high: float
    n: int
    k_items: int
    confidence_level: float


@dataclass(frozen=True, repr=False)
class OmegaResult(ResultDisplay):
    """McDonald's omega total and the one-factor loadings (see :func:`omega_total`)."""

    omega_total: float
    loadings: tuple[float, ...]
    n: int
    k_items: int
    estimator: str = OMEGA_ESTIMATOR


def _as_matrix(
    items: pd.DataFrame | np.ndarray | Sequence[Sequence[float]],
) -> tuple[np.ndarray, list[str]]:
    if isinstance(items, pd.DataFrame):
        names = [str(c) for c in items.columns]
        raw: Any = items
    else:
        raw = items
        names = []
    try:
        x = np.asarray(raw, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"`items` must hold numbers (NaN = missing): {exc}") from None
    if x.ndim != 2:
        raise ValueError(
            f"`items` must be 2-D (rows persons, columns items), got {x.ndim} dimension(s)"
        )
    if np.isinf(x).any():
        raise ValueError("`items` holds infinite values; only finite numbers and NaN are allowed")
    if not names:
        names = [f"item {j + 1}" for j in range(x.shape[1])]
    return x, names


def _complete_rows(x: np.ndarray) -> np.ndarray:
    return x[~np.isnan(x).any(axis=1)]


def _emit(issues: list[tuple[type[Warning], str]], prefix: str = "", stacklevel: int = 3) -> None:
    for category, message in issues:
        warnings.warn(prefix + message, category, stacklevel=stacklevel)


def _alpha(
    x: np.ndarray, confidence_level: float
) -> tuple[AlphaResult, list[tuple[type[Warning], str]]]:
    k = x.shape[1]
    xc = _complete_rows(x)
    n = xc.shape[0]
    nan = float("nan")
    issues: list[tuple[type[Warning], str]] = []
    if k < 2:
        issues.append(
            (
                DegenerateDataWarning,
                f"Cronbach's alpha needs at least 2 items, got {k}; alpha is NaN",
            )
        )
    elif n < 2:
        issues.append(
            (
                DegenerateDataWarning,
                f"Cronbach's alpha needs at least 2 complete rows (persons answering every item), "
                f"got {n}; alpha is NaN",
            )
        )
    else:
        cov = np.cov(xc, rowvar=False, ddof=1)
        total = float(cov.sum())
        if not total > 1e-12 * max(float(np.trace(cov)), np.finfo(float).tiny):
            issues.append(
                (
                    DegenerateDataWarning,
                    f"Cronbach's alpha is undefined: the total score has no variance in the {n} "
                    "complete rows; alpha is NaN",
                )
            )
        else:
            alpha = k / (k - 1) * (1.0 - float(np.trace(cov)) / total)
            ci_low, ci_high = feldt_interval(alpha, n, k, confidence_level=confidence_level)
            return AlphaResult(alpha, ci_low, ci_high, n, k, confidence_level), issues
    return AlphaResult(nan, nan, nan, n, k, confidence_level), issues


def cronbach_alpha(
    items: pd.DataFrame | np.ndarray | Sequence[Sequence[float]], *, confidence_level: float = 0.95
) -> AlphaResult:
    """Cronbach's alpha of the complete rows, with a Feldt confidence interval.

    Parameters
    ----------
    items : DataFrame or 2-D array-like
        Rows persons, columns items, already reverse-keyed; NaN = not answered.
    confidence_level : float, default 0.95
        Coverage of the Feldt interval, in (0, 1).

    Returns
    -------
    AlphaResult
        ``alpha, ci_low, ci_high, n`` (complete rows used), ``k_items, confidence_level``.
        NaNs, with a :class:`~evaluation.core.errors.DegenerateDataWarning`, when there are fewer
        than 2 items, fewer than 2 complete rows or no variance in the total score.

    Notes
    -----
    Listwise deletion: only rows with every item answered are used (n of them). With the
    item covariance matrix C (ddof = 1) and k items,

        alpha = k/(k − 1) · (1 − tr(C) / ΣC)

    (Cronbach 1951). Feldt interval (Feldt 1965; Feldt, Woodruff & Salih 1987) with
    a = 1 − confidence_level, df1 = n − 1, df2 = (n − 1)(k − 1):

        [1 − (1 − alpha)·F(1 − a/2; df1, df2),  1 − (1 − alpha)·F(a/2; df1, df2)]

    This equals R ``psych::alpha(x)$total$raw_alpha`` and ``$feldt`` for complete data. With
    missing cells psych (and pingouin) use pairwise covariances or n = all rows; here n is the
    number of rows actually used (METHODS.md, Reliability; stats-anchors §4.1).

    Examples
    --------
    >>> x = [[1, 2, 2], [2, 2, 3], [3, 4, 3], [4, 4, 5], [5, 4, 4], [3, np.nan, 2]]
    >>> res = cronbach_alpha(x)
    >>> round(res.alpha, 4), res.n, res.k_items
    (0.9141, 5, 3)
    >>> round(res.ci_low, 3), round(res.ci_high, 3)
    (0.566, 0.99)
    """
    confidence_level = _check_confidence_level(confidence_level)
    x, _ = _as_matrix(items)
    result, issues = _alpha(x, confidence_level)
    _emit(issues)
    return result


def _minres_one_factor(r: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """One-factor minres fit as ``psych::fa(fm = "minres")``: (loadings, uniquenesses, converged)."""
    k = r.shape[0]
    diag = np.diag_indices(k)
    lower = np.tril_indices(k, -1)

    def loadings(psi: np.ndarray) -> np.ndarray:
        reduced = r.copy()
        reduced[diag] = 1.0 - psi
        values, vectors = np.linalg.eigh(reduced)
        return vectors[:, -1] * np.sqrt(max(values[-1], 0.0))

    def residual(psi: np.ndarray) -> float:
        lam = loadings(psi)
        return float(np.sum((r - np.outer(lam, lam))[lower] ** 2))

    def gradient(psi: np.ndarray) -> np.ndarray:  # psych's FAgr.minres
        lam = loadings(psi)
        return lam**2 + psi - 1.0

    try:
        inverse_diag = np.diag(np.linalg.inv(r))
    except np.linalg.LinAlgError:
        inverse_diag = np.diag(np.linalg.pinv(r))
    with np.errstate(divide="ignore", invalid="ignore"):
        smc = 1.0 - 1.0 / inverse_diag  # squared multiple correlations: the start, as psych
    smc = np.where(np.isfinite(smc), np.clip(smc, 0.0, 1.0), 1.0)
    start = np.clip(1.0 - smc, UNIQUENESS_LOWER_BOUND, 1.0)
    fit = optimize.minimize(
        residual,
        start,
        jac=gradient,
        method="L-BFGS-B",
        bounds=[(UNIQUENESS_LOWER_BOUND, 1.0)] * k,
        options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 2000},
    )
    # Polish to the fixed point psi = 1 − λ² (bounded), which both methods aim at.
    psi = np.asarray(fit.x, dtype=float)
    converged = False
    for _ in range(2000):
        new = np.clip(1.0 - loadings(psi) ** 2, UNIQUENESS_LOWER_BOUND, 1.0)
        step = float(np.max(np.abs(new - psi)))
        psi = new
        if step < 1e-12:
            converged = True
            break
    lam = loadings(psi)
    if lam.sum() < 0:
        lam = -lam
    return lam, psi, converged


def _omega(x: np.ndarray, names: list[str]) -> tuple[OmegaResult, list[tuple[type[Warning], str]]]:
    k = x.shape[1]
    xc = _complete_rows(x)
    n = xc.shape[0]
    issues: list[tuple[type[Warning], str]] = []
    empty = OmegaResult(float("nan"), (float("nan"),) * k, n, k)
    if k < 3:
        issues.append(
            (
                DegenerateDataWarning,
                f"omega total needs at least 3 items (a one-factor model of {k} item(s) is not "
                "identified); omega is NaN",
            )
        )
        return empty, issues
    if n < 2:
        issues.append(
            (
                DegenerateDataWarning,
                f"omega total needs at least 2 complete rows (persons answering every item), got {n}; "
                "omega is NaN",
            )
        )
        return empty, issues
    constant = [names[j] for j in range(k) if np.ptp(xc[:, j]) == 0]
    if constant:
        issues.append(
            (
                DegenerateDataWarning,
                f"omega total is undefined: item(s) {constant} have no variance in the {n} complete "
                "rows, so their correlations are undefined; omega is NaN",
            )
        )
        return empty, issues
    r = np.corrcoef(xc, rowvar=False)
    lam, psi, converged = _minres_one_factor(r)
    if not converged:
        issues.append(
            (
                EvaluationWarning,
                "omega total: the minres fit did not converge; treat omega with caution",
            )
        )
    heywood = [
        names[j] for j in range(k) if psi[j] <= UNIQUENESS_LOWER_BOUND + 1e-9 or abs(lam[j]) >= 1.0
    ]
    if heywood:
        issues.append(
            (
                EvaluationWarning,
                f"omega total: Heywood case, item(s) {heywood} have a loading of about 1 or more "
                f"(uniqueness held at psych's bound {UNIQUENESS_LOWER_BOUND}); omega is kept but "
                "inflated: examine the items",
            )
        )
    key = np.where(lam < 0, -1.0, 1.0)
    negative = [names[j] for j in range(k) if key[j] < 0]
    if negative:
        issues.append(
            (
                EvaluationWarning,
                f"omega total: item(s) {negative} load negatively on the common factor after "
                "reverse keying (check the keys); as psych::omega does, they are reflected in the "
                "sum of the correlation matrix",
            )
        )
    total = float(key @ r @ key)
    if not total > 1e-12:
        message = "omega total is undefined: the (reflected) items sum to a constant; omega is NaN"
        issues.append((DegenerateDataWarning, message))
        return OmegaResult(float("nan"), tuple(float(v) for v in lam), n, k), issues
    omega = 1.0 - float(np.sum(1.0 - lam**2)) / total
    return OmegaResult(omega, tuple(float(v) for v in lam), n, k), issues


def omega_total(items: pd.DataFrame | np.ndarray | Sequence[Sequence[float]]) -> OmegaResult:
    """McDonald's omega total from a one-factor minres fit, as R psych reports it.

    Parameters
    ----------
    items : DataFrame or 2-D array-like
        Rows persons, columns items, already reverse-keyed; NaN = not answered.

    Returns
    -------
    OmegaResult
        ``omega_total``, ``loadings`` (one per item, signed so that their sum is positive, as
        ``psych::fa``), ``n`` (complete rows used), ``k_items`` and ``estimator``. NaN, with a
        :class:`~evaluation.core.errors.DegenerateDataWarning`, for fewer than 3 items, fewer than 2
        complete rows or an item without variance.

    Notes
    -----
    Computed directly with numpy/scipy from the complete rows (listwise): R = Pearson
    correlation matrix; λ = one-factor minres (unweighted least squares) loadings, found as
    ``psych::fa(x, nfactors = 1, fm = "minres")`` does — uniquenesses ψ minimise the squared
    off-diagonal residuals of R − λλ' (L-BFGS-B, ψ in [0.005, 1], start 1 − SMC), with λ the
    leading eigenvector of R with diagonal 1 − ψ, polished to the fixed point ψ = 1 − λ².
    Then, with u = 1 − λ² (McDonald 1999; psych ``omegah``):

        omega_total = 1 − Σu / ΣR        (ΣR = sum of all elements of R)

    which is exactly ``psych::omega(x, nfactors = 1)$omega.tot`` (checked against psych
    2.2.9: psych computes ``(sum(R) − sum(u2)) / sum(R)`` from the same loadings). Like psych,
    items with a negative loading are reflected (rows and columns of R change sign) before ΣR
    is summed; a warning names them. psych's ``omega`` uses pairwise correlations on data with
    missing cells; here only complete rows are used (METHODS.md, Reliability).

    Agreement with psych 2.2.9: loadings to ~1e-5 and omega to ~1e-6 (psych's ``optim`` stops
    at its own tolerance). Heywood cases (a uniqueness at the bound 0.005, i.e. a loading of
    about 1) are kept, with an :class:`~evaluation.core.errors.EvaluationWarning`; there the
    criterion is flat along the bound and psych's result depends on its optimiser's path, so
    agreement is only to ~1e-2 in the loadings and ~1e-3 in omega (this function returns the
    bounded fixed point ψ = max(1 − λ², 0.005)). This is the observed-variance omega total,
    not the model-implied (Σλ)²/((Σλ)² + Σu), which differs when the model does not fit
    exactly (stats-anchors §2).

    Examples
    --------
    >>> x = [[1, 2, 2, 1], [2, 2, 3, 2], [3, 4, 3, 3], [4, 4, 5, 5],
    ...      [5, 4, 4, 4], [2, 1, 2, 3], [3, 3, 4, 2], [4, 5, 4, 4]]
    >>> res = omega_total(x)
    >>> round(res.omega_total, 3), res.n, res.k_items
    (0.93, 8, 4)
    >>> [round(v, 3) for v in res.loadings]
    [0.974, 0.826, 0.875, 0.823]
    """
    x, names = _as_matrix(items)
    result, issues = _omega(x, names)
    _emit(issues)
    return result


