"""Reliability of questionnaire scales: Cronbach's alpha and McDonald's omega total (METHODS.md).

* :func:`cronbach_alpha` — alpha from the covariance matrix of the complete rows, Feldt CI.
* :func:`omega_total` — McDonald's omega total as R psych's ``omega(x, nfactors = 1)$omega.tot``,
  implemented directly: one-factor minres (ULS) loadings on the Pearson correlations of the
  complete rows.
* :func:`reliability_table` — both per scale × group from recoded long-format responses.

Statistics that cannot be computed (too few items, complete rows or no variance) are NaN and
come with a :class:`~evaluation.core.errors.DegenerateDataWarning`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from evaluation.core.checks import check_confidence_level as _check_confidence_level
from evaluation.core.checks import check_unique as _check_unique
from evaluation.core.checks import sort_canonical as _sort_frame
from evaluation.core.errors import DegenerateDataWarning, EvaluationWarning
from evaluation.core.results import ResultDisplay

__all__ = [
    "AlphaResult",
    "OmegaResult",
    "cronbach_alpha",
    "omega_total",
    "reliability_table",
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
            df1, df2 = n - 1, (n - 1) * (k - 1)
            a = 1.0 - confidence_level
            ci_low = 1.0 - (1.0 - alpha) * float(stats.f.ppf(1.0 - a / 2.0, df1, df2))
            ci_high = 1.0 - (1.0 - alpha) * float(stats.f.ppf(a / 2.0, df1, df2))
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


def _small(codes: np.ndarray, size: int) -> np.ndarray:
    """``codes`` (0 … size − 1) in the smallest unsigned integer type that holds them."""
    for dtype in (np.uint8, np.uint16, np.uint32):
        if size <= np.iinfo(dtype).max:
            return codes.astype(dtype, copy=False)
    return codes.astype(np.int64, copy=False)


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value groupby gives (so messages read ``cohort 1``)."""
    return value.item() if isinstance(value, np.generic) else value


def _sorted_codes(column: pd.Series) -> tuple[np.ndarray, Any]:
    """``pd.factorize(column, sort=True, use_na_sentinel=False)``, cheaper for codes at hand.

    Categories keep their order (codes taken as they are, missing values last); whole numbers
    in a short range are offsets from the smallest (levels that do not occur are allowed);
    anything else is factorized.
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = np.asarray(column.cat.codes)
        categories = column.cat.categories
        if (codes < 0).any():
            codes = np.where(codes < 0, len(categories), codes)
            return codes, [*categories, np.nan]
        return codes, categories
    if column.dtype.kind in "iu" and len(column):
        values = column.to_numpy()
        low, high = int(values.min()), int(values.max())
        if high - low < 4 * len(column) + 1024:
            return values - low, pd.Index(np.arange(low, high + 1, dtype=values.dtype))
    return pd.factorize(column, sort=True, use_na_sentinel=False)


def _combined_codes(frame: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, Any]:
    """One integer code per row for the combination of ``columns``, in sorted key order.

    Each column is factorized with its values sorted (categories in their order, missing values
    last, as ``groupby(sort=True, dropna=False)`` and ``pivot`` order them) and the codes are
    combined in mixed radix, so ascending codes are the lexicographic order of the keys. Returns
    the codes and a function giving the tuple of key values of a code.
    """
    if not columns:
        return np.zeros(len(frame), dtype=np.uint8), lambda code: ()
    factorized = [_sorted_codes(frame[col]) for col in columns]
    levels = [uniques for _, uniques in factorized]
    size = int(np.prod([max(len(u), 1) for u in levels], dtype=float))
    if size > 4 * len(frame) + 1024:  # too many combinations for dense codes
        return _sparse_codes(frame, columns)
    # combined in the smallest type that holds every combination (no 8-byte copy per column)
    combined = _small(np.zeros(len(frame), dtype=np.uint8), size)
    for codes, uniques in factorized:
        combined *= combined.dtype.type(len(uniques))
        combined += codes.astype(combined.dtype, copy=False)
    del factorized
    sizes = [max(len(u), 1) for u in levels]

    def decode(code: int) -> tuple[Any, ...]:
        key = []
        for n_levels, uniques in zip(reversed(sizes), reversed(levels), strict=True):
            code, digit = divmod(int(code), n_levels)
            key.append(_plain(uniques[digit]))
        return tuple(reversed(key))

    return combined, decode


def _sparse_codes(frame: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, Any]:
    """As :func:`_combined_codes`, numbering only the combinations that occur (sorted)."""
    index = pd.MultiIndex.from_frame(frame[columns].drop_duplicates()).sort_values(
        na_position="last"
    )
    codes = index.get_indexer(pd.MultiIndex.from_frame(frame[columns]))
    return _small(codes, len(index)), lambda code: tuple(_plain(v) for v in index[int(code)])


def _group_runs(group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row positions sorted by group code (stable) and where each code's run starts and ends."""
    if group.size == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(1, dtype=np.intp)
    counts = np.bincount(group)
    bounds = np.concatenate([[0], np.cumsum(counts)])
    order = np.argsort(group, kind="stable")
    return _small(order, group.size), bounds


def _wide(
    person: np.ndarray,
    item_code: np.ndarray,
    values: np.ndarray,
    item_values: pd.Index,
    items: list[str],
    seen: np.ndarray,
) -> np.ndarray | None:
    """Persons × ``items`` matrix of one group (rows in person-code order), None on duplicates.

    ``seen`` is a scratch array over all person codes (all False on entry and on return).
    """
    seen[person] = True
    rank = np.cumsum(seen)
    n_rows = int(rank[-1])
    local = rank[person] - 1
    seen[person] = False
    k = len(items)
    position = np.full(len(item_values) + 1, -1, dtype=np.int64)
    found = pd.Index(item_values).get_indexer(pd.Index(items, dtype=object))
    position[found[found >= 0]] = np.flatnonzero(found >= 0)
    pos = position[item_code]
    inside = pos >= 0
    cell = local[inside] * k + pos[inside]
    if np.bincount(cell, minlength=n_rows * k).max(initial=0) > 1:
        return None
    if not inside.all():  # items outside the scale's list: never used, but must be unique
        other = local[~inside].astype(np.int64) * (len(item_values) + 1) + item_code[~inside]
        if np.unique(other).size < other.size:
            return None
    x = np.full(n_rows * k, np.nan)
    x[cell] = values[inside]
    return x.reshape(n_rows, k)


def reliability_table(
    recoded: pd.DataFrame,
    item_map: pd.DataFrame,
    *,
    by: Sequence[str] = ("wave", "rater"),
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Cronbach's alpha (Feldt CI) and omega total per scale and group, from recoded responses.

    Parameters
    ----------
    recoded : DataFrame
        Long format with ``value_recoded`` (reverse keys applied), ``instrument``, ``scale``,
        ``item``, the ``by`` columns and the row keys (``participant_id`` and, when not in
        ``by``, ``cohort``, ``wave``, ``rater``), as :func:`evaluation.data.scoring.recode`
        returns them.
    item_map : DataFrame
        The items of each scale in order (``instrument, scale, item``).
    by : sequence of str, default ("wave", "rater")
        Columns that split each scale into groups.
    confidence_level : float, default 0.95
        Coverage of the Feldt interval.

    Returns
    -------
    DataFrame
        ``instrument, scale, *by, n, k_items, alpha, alpha_ci_low, alpha_ci_high, omega_total``.

    Raises
    ------
    ValueError
        When two rows give the same person (row keys) the same item in one group.

    Notes
    -----
    Per group, the persons × items matrix X of the scale's items (rows: ``participant_id``
    and the row keys not in ``by``, in sorted key order; NaN where unanswered) goes to
    :func:`cronbach_alpha` (alpha = k/(k − 1)·(1 − tr C/ΣC), C the covariance of the complete
    rows; Feldt CI) and :func:`omega_total` (1 − Σu/ΣR, one-factor minres), as R psych's
    ``alpha`` and ``omega`` on ``na.omit(X)`` (METHODS.md, Reliability). X is built without a
    pivot per group: every key column is turned once into integer codes (category codes as
    they are, text factorized in sorted order), the rows are ordered by group code with one
    stable sort, and each group's answers are scattered into a dense array by (person code,
    item position). Time and memory grow linearly with the number of answers; the omega fit
    works on the k × k correlation matrix, so its cost does not depend on n. With text keys
    the matrices, and so the numbers, are those of ``DataFrame.pivot`` to the last digit;
    with categorical keys the rows follow the category order, which can change the sums'
    order (differences of about 1e-15).

    Examples
    --------
    >>> x = [[1, 2, 2, 1], [2, 2, 3, 2], [3, 4, 3, 3], [4, 4, 5, 5],
    ...      [5, 4, 4, 4], [2, 1, 2, 3], [3, 3, 4, 2], [4, 5, 4, 4]]
    >>> rec = pd.DataFrame({
    ...     "participant_id": np.repeat(list("abcdefgh"), 4), "wave": "pre", "rater": "self",
    ...     "instrument": "demo", "scale": "s", "item": list("wxyz") * 8,
    ...     "value_recoded": np.ravel(x).astype(float)})
    >>> items = pd.DataFrame({"instrument": "demo", "scale": "s", "item": list("wxyz")})
    >>> table = reliability_table(rec, items)
    >>> table[["scale", "wave", "rater", "n", "k_items"]]
      scale wave rater  n  k_items
    0     s  pre  self  8        4
    >>> round(float(table["omega_total"].iloc[0]), 3) == round(omega_total(x).omega_total, 3)
    True
    """
    confidence_level = _check_confidence_level(confidence_level)
    by = [by] if isinstance(by, str) else list(by)
    rec = recoded
    group_keys = ["instrument", "scale", *by]
    row_keys = [
        c for c in ("participant_id", "cohort", "wave", "rater") if c in rec.columns and c not in by
    ]
    scale_items = {
        key: list(frame["item"])
        for key, frame in item_map.groupby(["instrument", "scale"], sort=False)
    }
    group, group_key = _combined_codes(rec, group_keys)
    person, _ = _combined_codes(rec, row_keys)
    item_code, item_values = _sorted_codes(rec["item"])
    values = rec["value_recoded"].to_numpy(dtype=float, na_value=np.nan)
    order, bounds = _group_runs(group)
    seen = np.zeros(int(person.max()) + 1 if person.size else 0, dtype=bool)

    rows = []
    issues: list[tuple[str, list[tuple[type[Warning], str]]]] = []
    for g in np.flatnonzero(np.diff(bounds)):
        at = order[bounds[g] : bounds[g + 1]]
        key = group_key(g)
        items = scale_items[(key[0], key[1])]
        x = _wide(person[at], item_code[at], values[at], item_values, items, seen)
        if x is None:  # two rows for the same person and item: the full check names them
            _check_unique(rec, [*group_keys, *row_keys, "item"], "responses")
            raise ValueError(f"`responses` has more than one row for a person and item of {key}")
        alpha, alpha_issues = _alpha(x, confidence_level)
        omega, omega_issues = _omega(x, items)
        where = ", ".join(f"{col} {val!r}" for col, val in zip(group_keys, key, strict=True))
        issues.append((f"reliability of {where}: ", alpha_issues + omega_issues))
        rows.append(
            {
                **dict(zip(group_keys, key, strict=True)),
                "n": alpha.n,
                "k_items": len(items),
                "alpha": alpha.alpha,
                "alpha_ci_low": alpha.ci_low,
                "alpha_ci_high": alpha.ci_high,
                "omega_total": omega.omega_total,
            }
        )
    for prefix, found in issues:
        _emit(found, prefix=prefix)
    columns = [*group_keys, "n", "k_items", "alpha", "alpha_ci_low", "alpha_ci_high", "omega_total"]
    table = pd.DataFrame(rows, columns=columns)
    table = table.astype(
        {
            "n": int,
            "k_items": int,
            "alpha": float,
            "alpha_ci_low": float,
            "alpha_ci_high": float,
            "omega_total": float,
        }
    )
    return _sort_frame(table, group_keys)
