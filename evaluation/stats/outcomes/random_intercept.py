"""The random-intercept linear mixed model fitted by REML as lme4 and lmerTest compute it.

:func:`fit_random_intercept` fits y = Xβ + b_participant + ε with grouped sums (no loop over
participants), and returns a :class:`RandomInterceptFit` with lme4's standard errors and
lmerTest's Satterthwaite degrees of freedom; :meth:`RandomInterceptFit.coefficients` gives the
t-based table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from evaluation.core.checks import check_confidence_level as _check_confidence_level

__all__ = ["RandomInterceptFit", "fit_random_intercept"]

#: lme4's ``isSingular()`` tolerance on θ (``tol = 1e-4``).
SINGULAR_TOL = 1e-4
#: lmerTest's tolerance on the eigenvalues of the deviance's Hessian (``as_lmerModLT``).
_EIGEN_TOL = 1e-8
#: A least-squares residual sum of squares at most this share of Σy² is rounding (of order
#: eps² = 5e-32): y = Xβ exactly, e.g. every score identical.
_EXACT_TOL = 1e-20
#: θ is searched on [0, _THETA_MAX] (σ_b up to 10⁴ times σ).
_THETA_MAX = 1e4


@dataclass(frozen=True)
class RandomInterceptFit:
    """A REML random-intercept fit (see :func:`fit_random_intercept`).

    Attributes
    ----------
    terms : tuple of str
        Names of the fixed effects, in the order of the columns of X.
    estimate, se, df : ndarray
        Fixed effects β̂, lme4's standard errors sqrt(diag(σ̂²(X′V̄⁻¹X)⁻¹)) and lmerTest's
        Satterthwaite denominator degrees of freedom, one per term.
    vcov : ndarray
        σ̂²(X′V̄⁻¹X)⁻¹ (lme4's ``vcov()``).
    theta : float
        σ_b / σ at the REML optimum (lme4's ``getME(fit, "theta")``).
    participant_variance, residual_variance : float
        σ̂_b² and σ̂² (lme4's ``VarCorr()``).
    reml_criterion : float
        −2 × the REML log-likelihood (lme4's "REML criterion at convergence").
    n_observations, n_groups : int
    singular : bool
        θ < 1e-4, lme4's ``isSingular()``: the participant variance is on the boundary 0.
    converged : bool
        The optimiser met its tolerance and the deviance's Hessian has no negative eigenvalue.
    notes : tuple of str
        What lme4 / lmerTest would have said (singular fit, Hessian eigenvalues).
    """

    terms: tuple[str, ...]
    estimate: np.ndarray
    se: np.ndarray
    df: np.ndarray
    vcov: np.ndarray
    theta: float
    participant_variance: float
    residual_variance: float
    reml_criterion: float
    n_observations: int
    n_groups: int
    singular: bool
    converged: bool
    notes: tuple[str, ...]

    def coefficients(self, confidence_level: float = 0.95) -> pd.DataFrame:
        """The fixed effects with t-based CIs and two-sided p-values on Satterthwaite df.

        Parameters
        ----------
        confidence_level : float, default 0.95

        Returns
        -------
        DataFrame
            Columns ``term, estimate, se, df, t, ci_low, ci_high, p_value``, as lmerTest's
            ``summary()`` and ``confint(contest(...))``: CI = β̂ ± t(df, 1 − α/2)·SE,
            p = 2·P(T_df > |β̂/SE|).

        Examples
        --------
        >>> fit = fit_random_intercept([1.0, 2.0, 2.0, 3.5, 3.0, 4.0],
        ...                            np.ones((6, 1)), list("aabbcc"), terms=["mean"])
        >>> fit.coefficients()[["term", "estimate"]]
           term  estimate
        0  mean  2.583333
        """
        level = _check_confidence_level(confidence_level)
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(self.se > 0, self.estimate / self.se, np.nan)
            q = stats.t.ppf(0.5 + level / 2, self.df)
            p = 2 * stats.t.sf(np.abs(t), self.df)
        return pd.DataFrame({
            "term": list(self.terms), "estimate": self.estimate, "se": self.se, "df": self.df,
            "t": t, "ci_low": self.estimate - q * self.se, "ci_high": self.estimate + q * self.se,
            "p_value": p,
        })  # fmt: skip


class _Sums:
    """Grouped sums, computed once, from which every evaluation of the criterion follows.

    w_i depends on a group only through its size n_i, so Σ_i w_i s_i s_i′ = Σ_k w(k) P_k with
    P_k = Σ_{i: n_i = k} s_i s_i′ (likewise q_k = Σ s_i t_i, τ_k = Σ t_i²): after one pass
    over the data, each evaluation costs O(K·p²) for K distinct group sizes.
    """

    def __init__(self, y: np.ndarray, x: np.ndarray, codes: np.ndarray, n_groups: int) -> None:
        self.n, self.p = x.shape
        sizes = np.bincount(codes, minlength=n_groups)  # n_i
        t = np.bincount(codes, weights=y, minlength=n_groups)  # t_i = Σ_j y_ij
        s = np.empty((n_groups, self.p))  # s_i = Σ_j x_ij
        for k in range(self.p):  # a loop over the few columns of X, not over participants
            s[:, k] = np.bincount(codes, weights=x[:, k], minlength=n_groups)
        self.k, size_code, counts = np.unique(sizes, return_inverse=True, return_counts=True)
        self.k = self.k.astype(float)  # distinct group sizes
        self.count = counts.astype(float)  # groups of each size
        order = np.argsort(size_code, kind="stable")
        bounds = np.r_[0, np.cumsum(counts)]
        self.pk = np.empty((self.k.size, self.p, self.p))
        self.qk = np.empty((self.k.size, self.p))
        self.tk = np.empty(self.k.size)
        for j in range(self.k.size):  # a loop over the distinct sizes (at most the waves)
            rows = order[bounds[j] : bounds[j + 1]]
            sj, tj = s[rows], t[rows]
            self.pk[j], self.qk[j], self.tk[j] = sj.T @ sj, sj.T @ tj, float(tj @ tj)
        self.xtx = x.T @ x
        self.xty = x.T @ y
        self.yty = float(y @ y)

    def solve(self, theta: float) -> dict[str, Any]:
        """β̂(θ), the penalised residual sum of squares r²(θ) and the pieces of the criterion."""
        n_t2 = 1.0 + self.k * theta**2
        w = theta**2 / n_t2  # V̄_i⁻¹ = I − w_i J
        m = self.xtx - np.tensordot(w, self.pk, axes=1)  # X′V̄⁻¹X
        b = self.xty - w @ self.qk  # X′V̄⁻¹y
        chol = np.linalg.cholesky(m)
        beta = np.linalg.solve(m, b)
        r2 = self.yty - float(w @ self.tk) - float(beta @ b)
        return {"theta": theta, "n_t2": n_t2, "m": m, "beta": beta, "r2": max(r2, 0.0),
                "logdet_l": float(self.count @ np.log(n_t2)),
                "logdet_m": 2.0 * float(np.log(np.diag(chol)).sum())}  # fmt: skip

    def criterion(self, theta: float) -> float:
        """lme4's profiled REML deviance at θ (σ² and β profiled out)."""
        try:
            f = self.solve(theta)
        except np.linalg.LinAlgError:
            return math.inf
        dof = self.n - self.p
        if f["r2"] <= 0:
            return -math.inf
        return f["logdet_l"] + f["logdet_m"] + dof * (1 + math.log(2 * math.pi * f["r2"] / dof))


def _optimise(sums: _Sums) -> tuple[float, bool]:
    """θ̂ ≥ 0 minimising the profiled REML criterion: a grid in log θ, then bounded Brent."""
    grid = np.concatenate([[0.0], np.logspace(-4, math.log10(_THETA_MAX), 41)])
    values = np.array([sums.criterion(t) for t in grid])
    best = int(np.argmin(values))
    low, high = grid[max(best - 1, 0)], grid[min(best + 1, grid.size - 1)]
    res = optimize.minimize_scalar(
        sums.criterion, bounds=(low, high), method="bounded",
        options={"xatol": 1e-12 * max(1.0, high), "maxiter": 500},
    )  # fmt: skip
    candidates = [(values[best], grid[best])]
    if np.isfinite(res.fun):
        candidates.append((float(res.fun), float(res.x)))
    value, theta = min(candidates)
    if values[0] <= value + 1e-10 * max(1.0, abs(value)):  # flat to rounding: the boundary
        theta = 0.0
    return float(theta), bool(res.success) and theta < _THETA_MAX * 0.999


def _derivatives(sums: _Sums, f: dict[str, Any], sigma: float) -> tuple[np.ndarray, list]:
    """Hessian of lmerTest's REML deviance in (θ, σ) and the Jacobian of vcov(β̂), analytic.

    The deviance (lmerTest's ``devfun_vp``) at σ given is
    D(θ, σ) = Σ log(1 + n_i θ²) + log|M| + r²/σ² + (n − p) log(2πσ²), M = X′V̄⁻¹X.
    """
    theta, n_t2, m, beta = f["theta"], f["n_t2"], f["m"], f["beta"]
    k, count = sums.k, sums.count
    dof = sums.n - sums.p
    w1 = 2 * theta / n_t2**2  # dw/dθ, per distinct group size
    w2 = 2 * (1 - 3 * k * theta**2) / n_t2**3  # d²w/dθ²
    # Σ_{i: n_i = k} e_i² and Σ e_i s_i, e_i = t_i − s_i′β̂ the group sums of residuals
    e2 = sums.tk - 2 * sums.qk @ beta + np.einsum("a,kab,b->k", beta, sums.pk, beta)
    es = sums.qk - sums.pk @ beta
    m_inv = np.linalg.inv(m)
    d1 = np.tensordot(w1, sums.pk, axes=1)  # −dM/dθ
    d2 = np.tensordot(w2, sums.pk, axes=1)  # −d²M/dθ²
    k1 = m_inv @ d1
    r2_1 = -float(w1 @ e2)  # dr²/dθ (β̂ at its optimum: envelope theorem)
    u = w1 @ es
    r2_2 = -float(w2 @ e2) - 2 * float(u @ m_inv @ u)
    logdet_l_2 = float(count @ (2 * k * (1 - k * theta**2) / n_t2**2))
    logdet_m_2 = -float(np.trace(m_inv @ d2)) - float(np.trace(k1 @ k1))
    r2 = f["r2"]
    hessian = np.array([
        [logdet_l_2 + logdet_m_2 + r2_2 / sigma**2, -2 * r2_1 / sigma**3],
        [-2 * r2_1 / sigma**3, 6 * r2 / sigma**4 - 2 * dof / sigma**2],
    ])  # fmt: skip
    jacobian = [sigma**2 * k1 @ m_inv, 2 * sigma * m_inv]  # d vcov/dθ, d vcov/dσ
    return hessian, jacobian


def fit_random_intercept(
    y: Any, x: Any, groups: Any, *, terms: Any = None
) -> RandomInterceptFit:
    """Fit y = Xβ + b_group + ε by REML as lme4 does, with lmerTest's Satterthwaite df.

    Parameters
    ----------
    y : array-like of float, shape (n,)
        The response; must be finite (drop missing observations first).
    x : array-like of float, shape (n, p)
        The fixed-effects design matrix, full column rank (include the intercept column).
    groups : array-like, shape (n,)
        The group (participant) of each observation; groups may have any number of
        observations (unbalanced data, missing waves).
    terms : sequence of str, optional
        Names of the columns of ``x``; default ``x0, x1, …``.

    Returns
    -------
    RandomInterceptFit

    Raises
    ------
    ValueError
        Naming the argument: shapes that do not match, non-finite values, fewer than two
        groups, no residual degrees of freedom (n ≤ p) or a rank-deficient ``x``.

    Notes
    -----
    The model is y = Xβ + Zb + ε with b ~ N(0, σ_b² I), ε ~ N(0, σ² I), Z the group indicator;
    θ = σ_b/σ, so V = σ²V̄ with V̄_i = I + θ²J for a group of n_i observations. Closed forms:
    V̄_i⁻¹ = I − w_i J, w_i = θ²/(1 + n_iθ²) and log|V̄_i| = log(1 + n_iθ²). With
    t_i = Σ_j y_ij and s_i = Σ_j x_ij (grouped sums computed once with ``np.bincount``),
    M(θ) = X′V̄⁻¹X = X′X − Σ_i w_i s_i s_i′, X′V̄⁻¹y = X′y − Σ_i w_i s_i t_i,
    β̂(θ) = M⁻¹X′V̄⁻¹y and r²(θ) = y′V̄⁻¹y − β̂′X′V̄⁻¹y. Profiling σ² = r²/(n − p) gives
    lme4's REML criterion (Bates et al. 2015, eq. 42)

        d_R(θ) = Σ_i log(1 + n_iθ²) + log|M(θ)| + (n − p)[1 + log(2π r²(θ)/(n − p))],

    minimised over θ ≥ 0 (a grid in log θ with θ = 0, then bounded Brent; θ = 0 is allowed,
    and θ < 10⁻⁴ is reported as singular, as lme4's ``isSingular()``). Each evaluation costs
    O(G·p²) for G groups: no loop over groups. vcov(β̂) = σ̂²M(θ̂)⁻¹ and SE = sqrt(diag),
    lme4's ``vcov()`` (statsmodels' ``MixedLM`` instead inverts the joint Hessian).

    Satterthwaite df as lmerTest (Kuznetsova et al. 2017, eqs. 3–4; ``as_lmerModLT`` and
    ``contest1D``): for the variance parameters ψ = (θ, σ), D(ψ) = Σ log(1 + n_iθ²) +
    log|M| + r²/σ² + (n − p) log(2πσ²) (lmerTest's ``devfun_vp``), A = 2H⁻¹ with H its
    Hessian at ψ̂ (pseudo-inverse over eigenvalues above 10⁻⁸, as lmerTest), and for the
    contrast c (each unit vector) df = 2(c′Φc)² / (g′Ag), Φ = σ²M(θ)⁻¹, g = ∂(c′Φc)/∂ψ.
    lmerTest takes H and g by numDeriv's Richardson differences; here both are analytic:
    ∂r²/∂θ = −Σ w_i′ e_i², ∂²r²/∂θ² = −Σ w_i″ e_i² − 2u′M⁻¹u (e_i = t_i − s_i′β̂,
    u = Σ w_i′ e_i s_i), ∂M/∂θ = −Σ w_i′ s_i s_i′, ∂Φ/∂θ = σ²M⁻¹(−∂M/∂θ)M⁻¹, ∂Φ/∂σ = 2σM⁻¹.
    At θ̂ = 0 the θ-gradient of Φ is 0 and df = n − p, the least-squares df.

    No residual variance. When the least-squares fit leaves no residual (y = Xβ exactly, e.g.
    every score identical) the criterion is −∞ and σ², θ and the SEs are undefined. This is
    checked before optimising: the result holds the exact least-squares β as ``estimate``,
    NaN ``se``, ``df``, ``theta`` and ``participant_variance``, ``residual_variance`` 0,
    ``converged`` False and a note (the caller warns). lme4's ``glmer`` stops with "Response
    is constant"; ``lmer`` does not check; here the estimates the data fix are reported and
    the undefined ones are NaN, never an estimate with SE 0.

    Sources: Bates, Mächler, Bolker & Walker (2015), Fitting linear mixed-effects models using
    lme4, J. Stat. Softw. 67(1); Kuznetsova, Brockhoff & Christensen (2017), lmerTest package:
    tests in linear mixed effects models, J. Stat. Softw. 82(13). Tested against
    ``lmerTest::lmer`` on ``sleepstudy`` and on unbalanced data with missing waves.

    Examples
    --------
    >>> y = [3.0, 3.5, 3.4, 2.6, 3.0, 2.9, 3.4, 3.6, 3.9, 2.9, 3.1]
    >>> wave = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 2]
    >>> x = np.column_stack([np.ones(11), np.equal(wave, 1), np.equal(wave, 2)])
    >>> fit = fit_random_intercept(y, x, list("aaabbbcccdd"), terms=["intercept", "w1", "w2"])
    >>> fit.n_groups, fit.n_observations, fit.singular
    (4, 11, False)
    >>> fit.coefficients()[["term", "estimate"]].round(3)
            term  estimate
    0  intercept     2.975
    1         w1     0.345
    2         w2     0.350
    """
    yv = np.asarray(y, dtype=float)
    xv = np.asarray(x, dtype=float)
    if yv.ndim != 1:
        raise ValueError(f"`y` must be one-dimensional, got shape {yv.shape}")
    if xv.ndim == 1:
        xv = xv[:, None]
    if xv.ndim != 2 or xv.shape[0] != yv.size:
        raise ValueError(f"`x` must have shape ({yv.size}, p) to match `y`, got {xv.shape}")
    if not (np.isfinite(yv).all() and np.isfinite(xv).all()):
        raise ValueError("`y` and `x` must be finite: drop missing observations before fitting")
    codes, uniques = pd.factorize(np.asarray(groups), use_na_sentinel=True)
    if codes.size != yv.size or (codes < 0).any():
        raise ValueError(f"`groups` must name a group for each of the {yv.size} observations")
    n, p = xv.shape
    names = tuple(str(t) for t in terms) if terms is not None else tuple(f"x{k}" for k in range(p))
    if len(names) != p:
        raise ValueError(f"`terms` must name the {p} columns of `x`, got {len(names)} names")
    if len(uniques) < 2 or n <= p:
        raise ValueError(
            f"`groups` must have at least 2 groups and `y` more than {p} observations "
            f"(the columns of `x`); got {len(uniques)} groups, {n} observations"
        )
    if np.linalg.matrix_rank(xv.T @ xv) < p:
        raise ValueError(f"`x` is rank deficient (rank < {p}): drop aliased columns of {names}")
    sums = _Sums(yv, xv, codes, len(uniques))
    exact = sums.solve(0.0)
    residual = yv - xv @ exact["beta"]  # directly, not r²(0) as a difference (rounding ~ n·eps·Σy²)
    if float(residual @ residual) <= _EXACT_TOL * sums.yty:  # y = Xβ: no residual variance
        nan_p = np.full(p, np.nan)
        return RandomInterceptFit(
            terms=names, estimate=exact["beta"] + 0.0, se=nan_p, df=nan_p.copy(),
            vcov=np.full((p, p), np.nan), theta=math.nan, participant_variance=math.nan,
            residual_variance=0.0, reml_criterion=math.nan, n_observations=n,
            n_groups=len(uniques), singular=False, converged=False,
            notes=("no residual variance: the fixed effects fit every score exactly (e.g. all "
                   "scores identical), so the variances, standard errors, df and p-values are "
                   "undefined (NaN); not fitted by REML",),
        )  # fmt: skip
    theta, converged = _optimise(sums)
    f = sums.solve(theta)
    sigma2 = f["r2"] / (n - p)
    sigma = math.sqrt(sigma2)
    m_inv = np.linalg.inv(f["m"])
    vcov = sigma2 * m_inv
    notes: list[str] = []
    singular = theta < SINGULAR_TOL
    if singular:
        notes.append("boundary (singular) fit: participant variance estimated as 0")
    if not converged:
        notes.append("the optimiser did not converge")
    df = np.full(p, np.nan)
    if sigma > 0:
        hessian, jacobian = _derivatives(sums, f, sigma)
        values, vectors = np.linalg.eigh(hessian)
        if (values < -_EIGEN_TOL).any():
            converged = False
            notes.append(f"Model failed to converge with negative Hessian eigenvalue(s) {values}")
        keep = values > _EIGEN_TOL
        h_inv = (vectors[:, keep] / values[keep]) @ vectors[:, keep].T
        a = 2 * h_inv  # asymptotic covariance of (θ̂, σ̂)
        var_con = np.diag(vcov)
        grad = np.stack([np.diag(j) for j in jacobian], axis=1)  # p × 2
        denom = np.einsum("ij,jk,ik->i", grad, a, grad)
        with np.errstate(divide="ignore", invalid="ignore"):
            df = np.where(denom > 0, 2 * var_con**2 / denom, np.nan)
    return RandomInterceptFit(
        terms=names, estimate=f["beta"], se=np.sqrt(np.diag(vcov)), df=df, vcov=vcov,
        theta=theta, participant_variance=sigma2 * theta**2, residual_variance=sigma2,
        reml_criterion=sums.criterion(theta), n_observations=n, n_groups=len(uniques),
        singular=bool(singular), converged=bool(converged), notes=tuple(notes),
    )  # fmt: skip
