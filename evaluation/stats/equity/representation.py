"""Representation: rates per 1,000, shares, and the relative likelihood of getting a place.

:func:`katz_ci` gives the ratio of two proportions with the Katz log CI; :func:`classify_band`
bands a relative likelihood (``within``, ``disparity``, ``inconclusive``);
:func:`representation` computes every measure per dimension × category.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.core.checks import check_choice, check_columns
from evaluation.core.checks import check_confidence_level as _check_level
from evaluation.core.errors import ParameterError
from evaluation.stats.equity._common import _warn

__all__ = ["BANDS", "REPRESENTATION_COLUMNS", "KatzInterval", "classify_band", "katz_ci", "representation"]

BANDS = ("within", "disparity", "inconclusive")
REPRESENTATION_COLUMNS = [
    "dimension", "category", "participants", "eligible", "rate_per_1000", "share_participants",
    "share_eligible", "representation_index", "relative_likelihood", "rl_ci_low", "rl_ci_high", "band",
    "reference_category",
]


def _check_band(band: Sequence[float]) -> tuple[float, float]:
    try:
        low, high = (float(b) for b in band)
    except (TypeError, ValueError):
        raise ValueError(f"`band` must be [low, high] with 0 < low < 1 < high, got {band!r}") from None
    if not 0 < low < 1 < high:
        raise ValueError(f"`band` must be [low, high] with 0 < low < 1 < high, got {list(band)!r}")
    return low, high


# the functional form keeps the field types as objects: with postponed annotations, the class form's
# "np.ndarray" strings cannot be resolved by the documentation build (pdoc) from the tuple's __new__
KatzInterval = NamedTuple("KatzInterval", [("ratio", np.ndarray), ("low", np.ndarray), ("high", np.ndarray)])  # noqa: UP014
KatzInterval.__doc__ = """The ratio of two proportions and its Katz log interval (:func:`katz_ci`); unpacks as
``ratio, low, high``."""


def katz_ci(
    a: float | np.ndarray,
    n1: float | np.ndarray,
    c: float | np.ndarray,
    n2: float | np.ndarray,
    *,
    confidence_level: float = 0.95,
    zero: str = "adjusted",
) -> KatzInterval:
    """Ratio of two proportions (a/n1)/(c/n2) with the Katz log confidence interval.

    Parameters
    ----------
    a, n1 : float or array
        Count and denominator of the category (participants, eligible workforce).
    c, n2 : float or array
        Count and denominator of the reference category.
    confidence_level : float, default 0.95
    zero : {"adjusted", "nan"}, default "adjusted"
        The interval when ``a = 0`` (see Notes).

    Returns
    -------
    KatzInterval
        A named tuple ``ratio, low, high`` of arrays (unpacks as a tuple).

    Raises
    ------
    ParameterError
        Naming the argument: a count below 0 or above its denominator (``0 ≤ a ≤ n1``,
        ``0 ≤ c ≤ n2``), a denominator not above 0, or a value that is not a number.

    Notes
    -----
    Katz, Baptista, Azen & Pike (1978), *Biometrics* 34:469–474:
    ``RR = (a/n1)/(c/n2)``, ``SE[ln RR] = sqrt(1/a − 1/n1 + 1/c − 1/n2)``,
    ``CI = exp(ln RR ± z·SE)`` with ``z`` the normal quantile; identical to statsmodels'
    ``confint_proportions_2indep(a, n1, c, n2, compare="ratio", method="log")``.

    Zero cells. When ``a = 0`` (nobody from the category had a place) the ratio is 0 and the
    log interval does not exist. With ``zero="adjusted"`` (the default) the interval is
    ``[0, U]``, where ``U`` is the upper limit of the adjusted log interval that adds 0.5 to
    both counts and both denominators (statsmodels' ``method="log-adjusted"``), so that a
    large category with no places can still show a disparity while a small one stays
    inconclusive; the estimate itself is not altered. With ``zero="nan"`` both limits are
    NaN. When ``c = 0`` (the reference has no participants) the ratio and limits are NaN.

    Examples
    --------
    >>> rr, lo, hi = katz_ci(10, 83170, 47, 62380)
    >>> round(float(rr), 4), round(float(lo), 4), round(float(hi), 4)
    (0.1596, 0.0806, 0.3159)
    >>> rr, lo, hi = katz_ci(0, 12800, 65, 15600)
    >>> float(rr), float(lo), round(float(hi), 4)
    (0.0, 0.0, 0.1503)
    """
    level = _check_level(confidence_level)
    check_choice(zero, ("adjusted", "nan"), "zero")
    arrays = []
    for name, value in (("a", a), ("n1", n1), ("c", c), ("n2", n2)):
        try:
            arrays.append(np.asarray(value, dtype="float64"))
        except (TypeError, ValueError):
            raise ParameterError(f"`{name}` must be a count (a number or an array of numbers), got {value!r}") from None
    a, n1, c, n2 = arrays
    for count, total, names in ((a, n1, ("a", "n1")), (c, n2, ("c", "n2"))):
        _check_counts(count, total, *names)
    return KatzInterval(*_katz_ci(a, n1, c, n2, level, zero))


def _check_counts(count: np.ndarray, total: np.ndarray, count_name: str, total_name: str) -> None:
    """Refuse (ParameterError naming the argument) a count outside [0, total] or a total not > 0."""
    with np.errstate(invalid="ignore"):
        if np.isinf(total).any() or not (total > 0).all():
            raise ParameterError(f"`{total_name}` must be a positive finite number of people, got {total!r}")
        if np.isinf(count).any() or not ((count >= 0) & (count <= total)).all():
            raise ParameterError(f"`{count_name}` must be a count with 0 ≤ {count_name} ≤ {total_name}, got "
                                 f"{count_name}={count!r}, {total_name}={total!r}")


def _katz_ci(a: np.ndarray, n1: np.ndarray, c: np.ndarray, n2: np.ndarray, level: float,
             zero: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`katz_ci` on float arrays, unchecked (categories without a benchmark give NaN)."""
    z = stats.norm.isf((1 - level) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(c > 0, (a / n1) / (c / n2), np.nan)
        se = np.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
        ok = (a > 0) & (c > 0) & np.isfinite(se)
        low = np.where(ok, np.exp(np.log(ratio) - z * se), np.nan)
        high = np.where(ok, np.exp(np.log(ratio) + z * se), np.nan)
        if zero == "adjusted":
            a_, n1_, c_, n2_ = a + 0.5, n1 + 0.5, c + 0.5, n2 + 0.5
            adj = np.exp(np.log((a_ / n1_) / (c_ / n2_)) + z * np.sqrt(1 / a_ - 1 / n1_ + 1 / c_ - 1 / n2_))
            none = (a == 0) & (c > 0)
            low = np.where(none, 0.0, low)
            high = np.where(none, adj, high)
    return ratio, low, high


def classify_band(
    estimate: float | np.ndarray,
    low: float | np.ndarray,
    high: float | np.ndarray,
    band: Sequence[float] = (0.80, 1.25),
) -> np.ndarray:
    """Band a relative likelihood: ``within``, ``disparity`` or ``inconclusive``.

    Parameters
    ----------
    estimate, low, high : float or array
        The relative likelihood and its confidence limits.
    band : (float, float), default (0.80, 1.25)
        The equitable band [low, high], 0 < low < 1 < high.

    Returns
    -------
    ndarray of str
        ``within`` when the whole CI lies inside the band (ends included): a claim of equal
        access needs the evidence for it; ``disparity`` when the CI excludes 1 and the
        estimate lies outside the band; otherwise — including a missing CI — ``inconclusive``;
        ``""`` where the estimate is missing.

    Notes
    -----
    METHODS, "Equity of access". The band 0.80–1.25 is the four-fifths rule of the US Uniform
    Guidelines on Employee Selection Procedures (1978, 41 CFR 60-3.4) applied in both
    directions (1/0.8 = 1.25), as used with the NHS Workforce Race Equality Standard's
    indicator 4 (relative likelihood of accessing non-mandatory training and CPD). It is a
    configurable convention, not a test. A point estimate inside the band with a wide interval
    is ``inconclusive``, not ``within``; an estimate outside the band whose interval excludes 1
    is a ``disparity`` even if the interval reaches into the band.

    Examples
    --------
    >>> classify_band([1.1, 1.18, 1.89, 0.6, 0.0, 0.0, 0.0], [0.9, 0.45, 1.23, 0.4, np.nan, 0.0, 0.0],
    ...               [1.2, 3.10, 2.91, 0.9, np.nan, 0.15, 1.4]).tolist()
    ['within', 'inconclusive', 'disparity', 'disparity', 'inconclusive', 'disparity', 'inconclusive']
    """
    lo_band, hi_band = _check_band(band)
    est, low, high = (np.atleast_1d(np.asarray(x, dtype="float64")) for x in (estimate, low, high))
    out = np.full(est.shape, "inconclusive", dtype=object)
    with np.errstate(invalid="ignore"):
        excludes_one = (high < 1) | (low > 1)
        outside = (est < lo_band) | (est > hi_band)
        out[excludes_one & outside] = "disparity"
        out[(low >= lo_band) & (high <= hi_band)] = "within"
    out[np.isnan(est)] = ""
    return out


def representation(
    counts: pd.DataFrame,
    *,
    reference: Mapping[str, str] | None = None,
    band: Sequence[float] = (0.80, 1.25),
    confidence_level: float = 0.95,
    zero: str = "adjusted",
) -> pd.DataFrame:
    """Rate per 1,000, shares, representation index and relative likelihood by category.

    Parameters
    ----------
    counts : DataFrame
        ``dimension, category, participants, eligible`` (:func:`category_counts`).
    reference : mapping of dimension to category, optional
        The reference category per dimension; default: the category with the largest
        eligible headcount (the first such in the table's order on a tie).
    band : (float, float), default (0.80, 1.25)
    confidence_level : float, default 0.95
    zero : {"adjusted", "nan"}, default "adjusted"
        The interval of a category with no participants (:func:`katz_ci`).

    Returns
    -------
    DataFrame
        ``dimension, category, participants, eligible, rate_per_1000, share_participants,
        share_eligible, representation_index, relative_likelihood, rl_ci_low, rl_ci_high,
        band, reference_category`` (plus ``workforce_year`` when ``counts`` has it).

    Warns
    -----
    DegenerateDataWarning
        Participants in a category with no eligible workforce (no rate: not benchmarked); a
        reference category with no participants (no relative likelihoods); a dimension with
        no workforce benchmark.

    Notes
    -----
    For category k of a dimension (METHODS, "Equity of access"):

    * ``rate_per_1000 = 1000 × participants_k / eligible_k``;
    * ``share_participants = participants_k / Σ participants`` (all participants, the
      undeclared included); ``share_eligible = eligible_k / Σ eligible``;
    * ``representation_index = 100 × share_participants / share_eligible`` (100 = parity; a
      "disparity index" of utilisation over availability);
    * ``relative_likelihood = rate_k / rate_reference`` as NHS WRES indicator 4 (relative
      likelihood of accessing non-mandatory training), with the Katz log CI
      (:func:`katz_ci`) and the band (:func:`classify_band`: ``within`` only when the whole
      CI lies in the band). The reference row has
      relative likelihood 1, no CI and no band; categories without a workforce figure have
      neither. A category with no participants has relative likelihood 0 and the one-sided
      interval ``[0, U]`` of :func:`katz_ci`.

    Examples
    --------
    >>> counts = pd.DataFrame({"dimension": "sector", "category": ["la", "private"],
    ...                        "participants": [47, 10], "eligible": [62380.0, 83170.0]})
    >>> out = representation(counts)
    >>> out[["category", "rate_per_1000", "relative_likelihood", "band", "reference_category"]].round(3)
      category  rate_per_1000  relative_likelihood       band reference_category
    0       la          0.753                6.266  disparity            private
    1  private          0.120                1.000                       private
    >>> out = representation(counts, reference={"sector": "la"})
    >>> out[["category", "relative_likelihood", "rl_ci_low", "rl_ci_high", "band"]].round(3)
      category  relative_likelihood  rl_ci_low  rl_ci_high       band
    0       la                1.000        NaN         NaN
    1  private                0.160      0.081       0.316  disparity
    """
    check_columns(counts, ["dimension", "category", "participants", "eligible"], "counts")
    level = _check_level(confidence_level)
    band = _check_band(band)
    reference = dict(reference or {})
    pieces = []
    for dimension, grp in counts.groupby("dimension", sort=False):
        grp = grp.reset_index(drop=True)
        a = pd.to_numeric(grp["participants"]).astype("float64").to_numpy()
        e = pd.to_numeric(grp["eligible"]).astype("float64").to_numpy()
        benchmarked = np.isfinite(e) & (e > 0)
        cats = grp["category"].astype(str).tolist()
        if not benchmarked.any():
            _warn(f"dimension {dimension!r}: no workforce benchmark, so no rates or relative likelihoods")
        unbenchmarked = [c for c, ok, n in zip(cats, benchmarked, a, strict=True) if not ok and n > 0]
        if unbenchmarked and benchmarked.any():
            _warn(f"dimension {dimension!r}: {len(unbenchmarked)} category(ies) with participants but no eligible "
                  f"workforce figure ({', '.join(unbenchmarked)}): not benchmarked")
        if dimension in reference:
            ref = reference[dimension]
            allowed = [c for c, ok in zip(cats, benchmarked, strict=True) if ok]
            if ref not in allowed:
                raise ValueError(f"`reference` for {dimension!r} must be one of the categories with an eligible "
                                 f"workforce, {allowed}; got {ref!r}")
        elif benchmarked.any():
            ref = cats[int(np.argmax(np.where(benchmarked, e, -np.inf)))]
        else:
            ref = ""
        total_a = a.sum()
        total_e = e[benchmarked].sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(benchmarked, 1000 * a / e, np.nan)
            share_p = a / total_a if total_a > 0 else np.full(len(a), np.nan)
            share_e = np.where(benchmarked, e / total_e, np.nan)
            index = 100 * share_p / share_e
        rl = lo = hi = np.full(len(a), np.nan)
        if ref:
            r = cats.index(ref)
            if a[r] == 0:
                _warn(f"dimension {dimension!r}: the reference category {ref!r} has no participants, so relative "
                      "likelihoods cannot be computed")
            rl, lo, hi = _katz_ci(a, e, a[r], e[r], level, zero)  # unbenchmarked categories: NaN
            rl = np.where(benchmarked, rl, np.nan)
            lo = np.where(benchmarked, lo, np.nan)
            hi = np.where(benchmarked, hi, np.nan)
            lo[r] = hi[r] = np.nan
        bands = classify_band(rl, lo, hi, band)
        if ref:
            bands[cats.index(ref)] = ""
        piece = pd.DataFrame({
            "dimension": dimension,
            "category": cats,
            "participants": a.astype("int64"),
            "eligible": e,
            "rate_per_1000": rate,
            "share_participants": share_p,
            "share_eligible": share_e,
            "representation_index": index,
            "relative_likelihood": rl,
            "rl_ci_low": lo,
            "rl_ci_high": hi,
            "band": bands.astype(str),
            "reference_category": ref,
        })
        if "workforce_year" in grp:
            piece["workforce_year"] = grp["workforce_year"].to_numpy()
        pieces.append(piece)
    if not pieces:
        return pd.DataFrame(columns=REPRESENTATION_COLUMNS)
    return pd.concat(pieces, ignore_index=True)
