"""Scale scores and reliability from long-format questionnaire responses (METHODS.md).

* :func:`reverse_key`, :func:`recode` — reverse-keyed items become ``low + high − x``.
* :func:`score_scales` — prorated mean of the answered items per person × scale × wave × rater,
  missing when fewer than the scale's minimum share of items is answered; never imputed.
* :func:`cronbach_alpha` — alpha from the covariance matrix of the complete rows, Feldt CI.
* :func:`omega_total` — McDonald's omega total as R psych's ``omega(x, nfactors = 1)$omega.tot``,
  implemented directly: one-factor minres (ULS) loadings on the Pearson correlations of the
  complete rows.
* :func:`reliability` — alpha and omega per scale × wave × rater, as a tidy table.

Statistics that cannot be computed (too few items, complete rows or no variance) are NaN and
come with a :class:`~evaluation.errors.DegenerateDataWarning`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from .errors import DegenerateDataWarning, EvaluationWarning
from .params import RATERS, WAVES

__all__ = [
    "AlphaResult",
    "OmegaResult",
    "cronbach_alpha",
    "omega_total",
    "recode",
    "reliability",
    "reverse_key",
    "score_scales",
]

RESPONSE_COLUMNS: tuple[str, ...] = (
    "participant_id",
    "wave",
    "rater",
    "instrument",
    "item",
    "value",
)
ITEM_MAP_COLUMNS: tuple[str, ...] = (
    "instrument",
    "scale",
    "item",
    "reverse",
    "low",
    "high",
    "min_answered",
    "higher_is_better",
    "kirkpatrick_level",
    "waves",
    "raters",
)
#: Tolerance of the minimum-share rule (so that 3/4 >= 0.75 holds) and of the range check.
SHARE_TOLERANCE = 1e-9
#: psych's lower bound on minres uniquenesses (``optim(..., lower = .005)`` in ``fa``).
UNIQUENESS_LOWER_BOUND = 0.005
OMEGA_ESTIMATOR = "minres one-factor, Pearson correlations"
_MAX_LISTED = 10


@dataclass(frozen=True)
class AlphaResult:
    """Cronbach's alpha with its Feldt confidence interval (see :func:`cronbach_alpha`)."""

    alpha: float
    ci_low: float
    ci_high: float
    n: int
    k_items: int
    confidence_level: float


@dataclass(frozen=True)
class OmegaResult:
    """McDonald's omega total and the one-factor loadings (see :func:`omega_total`)."""

    omega_total: float
    loadings: tuple[float, ...]
    n: int
    k_items: int
    estimator: str = OMEGA_ESTIMATOR


# ------------------------------------------------------------------------------ helpers


def _listed(values: Sequence[Any]) -> str:
    shown = ", ".join(repr(v) for v in values[:_MAX_LISTED])
    more = len(values) - _MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def _require_columns(frame: pd.DataFrame, name: str, columns: Iterable[str]) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"`{name}` must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"`{name}` lacks required column(s) {missing}; it has {list(frame.columns)}"
        )


def _check_confidence_level(confidence_level: float) -> float:
    if not (isinstance(confidence_level, int | float) and 0 < confidence_level < 1):
        raise ValueError(f"`confidence_level` must be a number in (0, 1), got {confidence_level!r}")
    return float(confidence_level)


def _check_unique(frame: pd.DataFrame, keys: list[str], name: str) -> None:
    dup = frame.duplicated(keys, keep=False)
    if dup.any():
        examples = list(frame.loc[dup, keys].drop_duplicates().itertuples(index=False, name=None))
        raise ValueError(
            f"`{name}` has more than one row for the same {tuple(keys)}: {_listed(examples)}"
        )


def _sort_frame(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Sort by ``by``; waves and raters in their canonical order, others as values."""
    canonical = {"wave": WAVES, "rater": RATERS}

    def key(col: pd.Series) -> pd.Series:
        if col.name not in canonical:
            return col
        values = col.astype(object)
        known = canonical[str(col.name)]
        extra = sorted((v for v in pd.unique(values.dropna()) if v not in known), key=str)
        return values.map({v: i for i, v in enumerate([*known, *extra])}).astype(float)

    return frame.sort_values(by, key=key, kind="stable", na_position="last").reset_index(drop=True)


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


# ------------------------------------------------------------------------------- scoring


def reverse_key(values: Any, *, low: float, high: float) -> Any:
    """Reverse-key responses: ``low + high − x``.

    Parameters
    ----------
    values : scalar, array-like or Series
        Responses on the scale ``[low, high]``; NaN stays NaN.
    low, high : float
        Lowest and highest response option of the instrument.

    Returns
    -------
    scalar, ndarray or Series
        The recoded responses: a scalar for a scalar, a Series (same index and name) for a
        Series, a float ndarray for any other array-like.

    Notes
    -----
    x' = low + high − x, so on a 1–5 scale 5 ↔ 1, 4 ↔ 2 and 3 stays 3 (METHODS.md, Scoring;
    the ``min + max − x`` rule of stats-anchors §5.2). Applying it twice gives ``x`` back.

    Examples
    --------
    >>> reverse_key(5, low=1, high=5)
    1
    >>> reverse_key(np.array([1.0, 2.5, np.nan]), low=1, high=5)
    array([5. , 3.5, nan])
    """
    if not low < high:
        raise ValueError(f"`low` must be below `high`, got low={low!r}, high={high!r}")
    if isinstance(values, pd.Series | np.ndarray | int | float | np.number):
        return low + high - values
    return low + high - np.asarray(values, dtype=float)


def recode(responses: pd.DataFrame, item_map: pd.DataFrame) -> pd.DataFrame:
    """Join responses to the item map and reverse-key the reverse-keyed items.

    Parameters
    ----------
    responses : DataFrame
        Long format, at least ``participant_id, wave, rater, instrument, item, value``
        (value float, NaN = not answered). Other columns are kept.
    item_map : DataFrame
        As returned by :func:`evaluation.params.item_map`.

    Returns
    -------
    DataFrame
        A copy of ``responses`` (same index and row order) with the item map's columns
        ``scale, reverse, low, high, min_answered, higher_is_better, kirkpatrick_level, waves,
        raters`` and ``value_recoded`` (float) added.

    Raises
    ------
    ValueError
        When a required column is missing, an (instrument, item) pair is not in the item map,
        ``responses`` already has an item-map column, or a value lies outside its
        instrument's response range.

    Notes
    -----
    value_recoded = low + high − value for reverse-keyed items, value otherwise (METHODS.md,
    Scoring). Range checks allow a tolerance of 1e-9; values need not be whole numbers.

    Examples
    --------
    >>> from evaluation.params import Instrument, Scale, item_map
    >>> inst = Instrument(name="demo", title="Demo", source="illustrative", response_range=(1, 5),
    ...                   scales={"s": Scale(title="S", kirkpatrick_level=2,
    ...                                      items=["a", "b"], reverse=["b"])})
    >>> responses = pd.DataFrame({"participant_id": "p1", "wave": "pre", "rater": "self",
    ...                           "instrument": "demo", "item": ["a", "b"], "value": [4.0, 5.0]})
    >>> recode(responses, item_map([inst]))[["item", "scale", "value", "value_recoded"]]
      item scale  value  value_recoded
    0    a     s    4.0            4.0
    1    b     s    5.0            1.0
    """
    _require_columns(responses, "responses", RESPONSE_COLUMNS)
    _require_columns(item_map, "item_map", ITEM_MAP_COLUMNS)
    imap = item_map.loc[:, list(ITEM_MAP_COLUMNS)]
    _check_unique(imap, ["instrument", "item"], "item_map")
    clash = [
        c
        for c in (*ITEM_MAP_COLUMNS[1:], "value_recoded")
        if c != "item" and c in responses.columns
    ]
    if clash:
        raise ValueError(
            f"`responses` already has column(s) {clash}, which recode() adds from the item map; "
            "drop them first"
        )
    try:
        values = pd.to_numeric(responses["value"], errors="raise").astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"`responses` column `value` must be numeric (NaN = not answered): {exc}"
        ) from None

    out = responses.merge(
        imap, on=["instrument", "item"], how="left", validate="many_to_one", indicator=True
    )
    out.index = responses.index
    unknown = out["_merge"].eq("left_only").to_numpy()
    if unknown.any():
        pairs = list(
            out.loc[unknown, ["instrument", "item"]]
            .drop_duplicates()
            .itertuples(index=False, name=None)
        )
        raise ValueError(
            f"`responses` has {len(pairs)} (instrument, item) pair(s) that are not in `item_map`: "
            f"{_listed(pairs)}"
        )
    out = out.drop(columns="_merge")
    v = values.to_numpy()
    low = out["low"].to_numpy(dtype=float)
    high = out["high"].to_numpy(dtype=float)
    outside = (v < low - SHARE_TOLERANCE) | (v > high + SHARE_TOLERANCE)
    if outside.any():
        bad = list(
            out.loc[outside, ["instrument", "item", "value"]]
            .drop_duplicates()
            .itertuples(index=False, name=None)
        )
        raise ValueError(
            f"`responses` column `value` has {int(outside.sum())} value(s) outside the instrument's "
            f"response range (instrument, item, value): {_listed(bad)}"
        )
    reverse = out["reverse"].to_numpy(dtype=bool)
    out["value_recoded"] = np.where(reverse, low + high - v, v)
    return out


def score_scales(responses: pd.DataFrame, item_map: pd.DataFrame) -> pd.DataFrame:
    """Score every scale for every person, wave and rater: the prorated mean of answered items.

    Parameters
    ----------
    responses : DataFrame
        Long format, at least ``participant_id, wave, rater, instrument, item, value``; a
        ``cohort`` column, when present, is carried into the keys. Other columns are ignored.
    item_map : DataFrame
        As returned by :func:`evaluation.params.item_map`.

    Returns
    -------
    DataFrame
        One row per (participant_id, [cohort], instrument, scale, wave, rater) with at least one
        response row for the scale, sorted by those keys (waves and raters in their canonical
        order): ``participant_id, [cohort], instrument, scale, kirkpatrick_level, wave, rater,
        n_items, n_answered, share_answered, score``.

    Notes
    -----
    With k the scale's number of items and A the answered (non-missing) recoded items,

        score = mean(A)  if |A| / k >= min_answered (1e-9 tolerance),  else NaN

    (METHODS.md, Scoring: prorated mean, items never imputed; unlike psych ``scoreItems``,
    which imputes item medians by default, stats-anchors §4.6). A person with no answered item
    gets ``n_answered`` 0 and score NaN; a person with no rows for a wave gets no row. Rows
    with a NaN score stay in the result: excluding unscored rows (and reporting them) is the
    caller's business.

    Examples
    --------
    >>> from evaluation.params import Instrument, Scale, item_map
    >>> inst = Instrument(name="demo", title="Demo", source="illustrative", response_range=(1, 5),
    ...                   scales={"s": Scale(title="S", kirkpatrick_level=2,
    ...                                      items=["a", "b", "c", "d"], reverse=["d"])})
    >>> responses = pd.DataFrame({
    ...     "participant_id": ["p1"] * 4 + ["p2"] * 4, "wave": "pre", "rater": "self",
    ...     "instrument": "demo", "item": list("abcd") * 2,
    ...     "value": [4, 5, np.nan, 3, 3, np.nan, np.nan, 2]})
    >>> score_scales(responses, item_map([inst]))[["participant_id", "n_answered", "score"]]
      participant_id  n_answered  score
    0             p1           3    4.0
    1             p2           2    NaN
    """
    rec = recode(responses, item_map)
    keys = [
        "participant_id",
        *(["cohort"] if "cohort" in rec.columns else []),
        "instrument",
        "scale",
        "wave",
        "rater",
    ]
    _check_unique(rec, [*keys, "item"], "responses")
    rec = _sort_frame(rec.loc[:, [*keys, "item", "value_recoded"]], [*keys, "item"])

    scored = (
        rec.groupby(keys, sort=False, observed=True, dropna=False)["value_recoded"]
        .agg(n_answered="count", mean="mean")
        .reset_index()
    )
    info = item_map.groupby(["instrument", "scale"], sort=False).agg(
        kirkpatrick_level=("kirkpatrick_level", "first"),
        min_answered=("min_answered", "first"),
        n_items=("item", "size"),
    )
    scored = scored.merge(
        info.reset_index(), on=["instrument", "scale"], how="left", validate="many_to_one"
    )
    scored["n_answered"] = scored["n_answered"].astype(int)
    scored["share_answered"] = scored["n_answered"] / scored["n_items"]
    enough = scored["share_answered"] >= scored["min_answered"] - SHARE_TOLERANCE
    scored["score"] = scored["mean"].where(enough & (scored["n_answered"] > 0))
    columns = [
        "participant_id",
        *(["cohort"] if "cohort" in keys else []),
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
    return _sort_frame(scored.loc[:, columns], keys)


# --------------------------------------------------------------------------- reliability


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
        NaNs, with a :class:`~evaluation.errors.DegenerateDataWarning`, when there are fewer
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
        :class:`~evaluation.errors.DegenerateDataWarning`, for fewer than 3 items, fewer than 2
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
    about 1) are kept, with an :class:`~evaluation.errors.EvaluationWarning`; there the
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


def reliability(
    responses: pd.DataFrame,
    item_map: pd.DataFrame,
    *,
    by: Sequence[str] = ("wave", "rater"),
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Cronbach's alpha (Feldt CI) and omega total per scale and group, as a tidy table.

    Parameters
    ----------
    responses : DataFrame
        Long format, at least ``participant_id, wave, rater, instrument, item, value``.
    item_map : DataFrame
        As returned by :func:`evaluation.params.item_map`.
    by : sequence of str, default ("wave", "rater")
        Columns of ``responses`` that split each scale into groups (add ``"cohort"`` for one
        row per cohort). Waves or raters left out of ``by`` are pooled: each person × wave ×
        rater is then a separate row of the item matrix.
    confidence_level : float, default 0.95
        Coverage of the Feldt interval.

    Returns
    -------
    DataFrame
        One row per instrument × scale × group with responses, sorted by those keys:
        ``instrument, scale, *by, n, k_items, alpha, alpha_ci_low, alpha_ci_high,
        omega_total``; ``n`` is the number of complete rows used, ``k_items`` the scale's
        number of items.

    Notes
    -----
    Within each group, recoded items (:func:`recode`) are pivoted to one row per person (per
    wave and rater when pooled) and one column per item of the scale; rows with any item
    missing are dropped (listwise within the wave), then :func:`cronbach_alpha` and
    :func:`omega_total` are computed on the same complete rows (METHODS.md, Reliability).
    Groups where a statistic cannot be computed get NaN and a
    :class:`~evaluation.errors.DegenerateDataWarning` naming the scale and group.

    Examples
    --------
    >>> from evaluation.params import Instrument, Scale, item_map
    >>> inst = Instrument(name="demo", title="Demo", source="illustrative", response_range=(1, 5),
    ...                   scales={"s": Scale(title="S", kirkpatrick_level=2,
    ...                                      items=["a", "b", "c", "d"], reverse=["d"])})
    >>> wide = pd.DataFrame({"a": [1, 2, 3, 4, 5, 2, 3, 4], "b": [2, 2, 4, 4, 4, 1, 3, 5],
    ...                      "c": [2, 3, 3, 5, 4, 2, 4, 4], "d": [5, 4, 3, 1, 2, 3, 4, 2]})
    >>> responses = (wide.rename_axis("participant_id").reset_index()
    ...              .melt(id_vars="participant_id", var_name="item", value_name="value")
    ...              .assign(wave="pre", rater="self", instrument="demo"))
    >>> table = reliability(responses, item_map([inst]))
    >>> table[["scale", "wave", "rater", "n", "k_items"]]
      scale wave rater  n  k_items
    0     s  pre  self  8        4
    >>> table[["alpha", "omega_total"]].round(3)
       alpha  omega_total
    0  0.925        0.93
    """
    confidence_level = _check_confidence_level(confidence_level)
    if isinstance(by, str):
        by = (by,)
    by = list(by)
    reserved = {"instrument", "scale", "item", "value", "value_recoded", "participant_id"}
    bad = [c for c in by if c in reserved or c not in responses.columns]
    if bad or len(set(by)) != len(by):
        raise ValueError(
            f"`by` must list distinct columns of `responses` other than {sorted(reserved)}; "
            f"got {by} (columns available: {list(responses.columns)})"
        )
    rec = recode(responses, item_map)
    group_keys = ["instrument", "scale", *by]
    row_keys = [
        c for c in ("participant_id", "cohort", "wave", "rater") if c in rec.columns and c not in by
    ]
    _check_unique(rec, [*group_keys, *row_keys, "item"], "responses")
    scale_items = {
        key: list(frame["item"])
        for key, frame in item_map.groupby(["instrument", "scale"], sort=False)
    }

    rows = []
    for key, group in rec.groupby(group_keys, sort=True, observed=True, dropna=False):
        items = scale_items[(key[0], key[1])]
        wide = group.pivot(index=row_keys, columns="item", values="value_recoded").reindex(
            columns=items
        )
        x = wide.to_numpy(dtype=float)
        alpha, alpha_issues = _alpha(x, confidence_level)
        omega, omega_issues = _omega(x, items)
        where = ", ".join(f"{col} {val!r}" for col, val in zip(group_keys, key, strict=True))
        _emit(alpha_issues + omega_issues, prefix=f"reliability of {where}: ")
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
