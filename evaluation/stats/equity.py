"""Equity of access: who gets places, against the eligible workforce (METHODS, "Equity of access").

Pure functions on DataFrames (inputs are never modified; tidy frames with snake_case columns
come out). They compute on the data as given: disclosure control is applied afterwards by
:mod:`evaluation.reports.equity_report`, which also pools suppressed cells before any statistic that
could otherwise be solved for them (goodness of fit, Gini).

* :func:`select_workforce` — the benchmark year to use for each dimension;
* :func:`category_counts` — participants and eligible workforce per dimension × category;
* :func:`katz_ci`, :func:`classify_band`, :func:`representation` — rate per 1,000, shares,
  representation index, relative likelihood with its Katz log CI and the band;
* :func:`goodness_of_fit` — chi-square, or a seeded Monte Carlo multinomial test;
* :func:`lorenz_curve`, :func:`gini` — spread of places across council areas;
* :func:`completion_by_group`, :func:`declaration_rates`.

"Not declared", "prefer not to say" and "not recorded" (a blank) are categories of their own
(:data:`UNDECLARED`), never dropped.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.core.checks import check_confidence_level as _check_level
from evaluation.core.errors import DegenerateDataWarning
from evaluation.core.vocabulary import UNDECLARED

__all__ = [
    "NON_COUNCIL_AREAS",
    "category_counts",
    "classify_band",
    "completion_by_group",
    "declaration_rates",
    "gini",
    "goodness_of_fit",
    "katz_ci",
    "lorenz_curve",
    "representation",
    "select_workforce",
]

#: ``local_authority`` categories that are not one of the 32 council areas.
NON_COUNCIL_AREAS: tuple[str, ...] = ("national",)
BANDS = ("within", "disparity", "inconclusive")
REPRESENTATION_COLUMNS = [
    "dimension", "category", "participants", "eligible", "rate_per_1000", "share_participants",
    "share_eligible", "representation_index", "relative_likelihood", "rl_ci_low", "rl_ci_high", "band",
    "reference_category",
]


def _warn(message: str) -> None:
    warnings.warn(message, DegenerateDataWarning, stacklevel=3)


def _check_band(band: Sequence[float]) -> tuple[float, float]:
    try:
        low, high = (float(b) for b in band)
    except (TypeError, ValueError):
        raise ValueError(f"`band` must be [low, high] with 0 < low < 1 < high, got {band!r}") from None
    if not 0 < low < 1 < high:
        raise ValueError(f"`band` must be [low, high] with 0 < low < 1 < high, got {list(band)!r}")
    return low, high


def _check_columns(frame: pd.DataFrame, columns: Sequence[str], parameter: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"`{parameter}` lacks column(s) {missing}; it has {list(frame.columns)}")


# --------------------------------------------------------------------------------- benchmark


def select_workforce(
    workforce: pd.DataFrame,
    *,
    year: int | None = None,
    dimensions: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The eligible-workforce benchmark for a cohort: one year per dimension.

    Parameters
    ----------
    workforce : DataFrame
        ``year, dimension, category, headcount`` (``workforce.csv``; possibly several years).
    year : int, optional
        The cohort's year. For each dimension the latest year at or before it is used; if
        there is none, the earliest year after it. None: the latest year.
    dimensions : sequence of str, optional
        Keep only these dimensions.

    Returns
    -------
    DataFrame
        ``dimension, category, eligible, workforce_year``, in the input order.

    Examples
    --------
    >>> wf = pd.DataFrame({"year": [2003, 2003, 2006, 2006], "dimension": ["sector"] * 4,
    ...                    "category": ["a", "b", "a", "b"], "headcount": [10, 20, 30, 40]})
    >>> select_workforce(wf, year=2005)
      dimension category  eligible  workforce_year
    0    sector        a      10.0            2003
    1    sector        b      20.0            2003
    >>> select_workforce(wf, year=2001)["workforce_year"].unique().tolist()
    [2003]
    >>> select_workforce(wf)["workforce_year"].unique().tolist()
    [2006]
    """
    _check_columns(workforce, ["year", "dimension", "category", "headcount"], "workforce")
    frame = workforce
    if dimensions is not None:
        frame = frame[frame["dimension"].isin(list(dimensions))]
    pieces = []
    for dimension, grp in frame.groupby("dimension", sort=False):
        years = sorted(int(y) for y in grp["year"].dropna().unique())
        if not years:
            continue
        if year is None:
            chosen = years[-1]
        else:
            before = [y for y in years if y <= year]
            chosen = before[-1] if before else years[0]
        rows = grp[grp["year"] == chosen]
        dup = rows["category"][rows["category"].duplicated()].tolist()
        if dup:
            raise ValueError(f"`workforce` has more than one headcount for dimension {dimension!r}, "
                             f"year {chosen}, category(ies) {dup}")
        pieces.append(pd.DataFrame({
            "dimension": rows["dimension"].astype(str).to_numpy(),
            "category": rows["category"].astype(str).to_numpy(),
            "eligible": pd.to_numeric(rows["headcount"]).astype("float64").to_numpy(),
            "workforce_year": chosen,
        }))
    if not pieces:
        return pd.DataFrame({"dimension": pd.Series(dtype=str), "category": pd.Series(dtype=str),
                             "eligible": pd.Series(dtype="float64"), "workforce_year": pd.Series(dtype="int64")})
    return pd.concat(pieces, ignore_index=True)


def category_counts(
    participants: pd.DataFrame,
    workforce: pd.DataFrame,
    dimensions: Sequence[str],
) -> pd.DataFrame:
    """Participants and eligible workforce per dimension × category.

    Parameters
    ----------
    participants : DataFrame
        One row per participant with a column per dimension (missing values count as
        ``not_recorded``).
    workforce : DataFrame
        ``dimension, category, eligible`` (and optionally ``workforce_year``): one benchmark
        per dimension, as :func:`select_workforce` returns.
    dimensions : sequence of str
        The dimensions to count.

    Returns
    -------
    DataFrame
        ``dimension, category, participants, eligible, workforce_year``: every category of the
        workforce (with 0 participants if none took part), then categories found only among
        participants (sorted; ``eligible`` missing).

    Examples
    --------
    >>> people = pd.DataFrame({"sector": ["a", "a", "c", None]})
    >>> wf = pd.DataFrame({"dimension": ["sector"] * 2, "category": ["a", "b"], "eligible": [100.0, 50.0]})
    >>> category_counts(people, wf, ["sector"])
      dimension      category  participants  eligible  workforce_year
    0    sector             a             2     100.0             NaN
    1    sector             b             0      50.0             NaN
    2    sector             c             1       NaN             NaN
    3    sector  not_recorded             1       NaN             NaN
    """
    _check_columns(participants, list(dimensions), "participants")
    _check_columns(workforce, ["dimension", "category", "eligible"], "workforce")
    if workforce.duplicated(["dimension", "category"]).any():
        raise ValueError("`workforce` has more than one row for a dimension × category; "
                         "choose one year per dimension with select_workforce()")
    pieces = []
    for dimension in dimensions:
        people = participants[dimension].astype("object").where(participants[dimension].notna(), "not_recorded")
        people = people.astype(str).replace("", "not_recorded")
        counts = people.value_counts(sort=False)
        wf = workforce[workforce["dimension"] == dimension]
        categories = list(wf["category"].astype(str))
        categories += sorted(set(counts.index) - set(categories))
        eligible = dict(zip(wf["category"].astype(str), pd.to_numeric(wf["eligible"]), strict=True))
        years = dict(zip(wf["category"].astype(str), wf["workforce_year"], strict=True)) \
            if "workforce_year" in wf else {}
        year = next(iter(years.values()), np.nan)
        pieces.append(pd.DataFrame({
            "dimension": dimension,
            "category": categories,
            "participants": [int(counts.get(c, 0)) for c in categories],
            "eligible": [float(eligible.get(c, np.nan)) for c in categories],
            "workforce_year": year,
        }))
    return pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame(
        columns=["dimension", "category", "participants", "eligible", "workforce_year"])


# ------------------------------------------------------------------------ relative likelihood


def katz_ci(
    a: float | np.ndarray,
    n1: float | np.ndarray,
    c: float | np.ndarray,
    n2: float | np.ndarray,
    *,
    confidence_level: float = 0.95,
    zero: str = "adjusted",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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
    ratio, low, high : ndarray

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
    if zero not in ("adjusted", "nan"):
        raise ValueError(f"`zero` must be one of ['adjusted', 'nan'], got {zero!r}")
    a, n1, c, n2 = (np.asarray(x, dtype="float64") for x in (a, n1, c, n2))
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
        ``within`` when the estimate lies in the band (ends included); ``disparity`` when the
        whole CI lies outside it (above or below); otherwise — including a missing CI —
        ``inconclusive``; ``""`` where the estimate is missing.

    Notes
    -----
    The band 0.80–1.25 is the four-fifths rule of the US Uniform Guidelines on Employee
    Selection Procedures (1978, 41 CFR 60-3.4) applied in both directions (1/0.8 = 1.25), as
    used with the NHS Workforce Race Equality Standard's indicator 4 (relative likelihood of
    accessing non-mandatory training and CPD). It is a configurable convention, not a test.

    Examples
    --------
    >>> classify_band([1.1, 0.3, 0.6, 0.0, 0.0], [0.8, 0.2, 0.4, np.nan, 0.0],
    ...               [1.5, 0.5, 0.9, np.nan, 0.15]).tolist()
    ['within', 'disparity', 'inconclusive', 'inconclusive', 'disparity']
    """
    lo_band, hi_band = _check_band(band)
    est, low, high = (np.atleast_1d(np.asarray(x, dtype="float64")) for x in (estimate, low, high))
    out = np.full(est.shape, "inconclusive", dtype=object)
    with np.errstate(invalid="ignore"):
        out[(high < lo_band) | (low > hi_band)] = "disparity"
        out[(est >= lo_band) & (est <= hi_band)] = "within"
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
      (:func:`katz_ci`) and the band (:func:`classify_band`). The reference row has
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
    _check_columns(counts, ["dimension", "category", "participants", "eligible"], "counts")
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
            rl, lo, hi = katz_ci(a, e, a[r], e[r], confidence_level=level, zero=zero)
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


# ---------------------------------------------------------------------------- goodness of fit


def goodness_of_fit(
    observed: Sequence[float],
    expected: Sequence[float],
    *,
    seed: int | Sequence[int] = 0,
    draws: int = 20_000,
    min_expected: float = 5.0,
) -> dict:
    """Do the places follow the workforce distribution? Chi-square or Monte Carlo test.

    Parameters
    ----------
    observed : sequence of float
        Participants per category.
    expected : sequence of float
        The benchmark per category (headcounts or shares; rescaled to the observed total).
    seed : int or sequence of int, default 0
        Seed of :func:`numpy.random.default_rng` for the Monte Carlo test.
    draws : int, default 20000
        Monte Carlo samples.
    min_expected : float, default 5
        The chi-square approximation is used only when every expected count reaches it.

    Returns
    -------
    dict
        ``method`` (``chi_square`` or ``monte_carlo``), ``statistic`` (Pearson X²), ``df``,
        ``p_value``, ``n``, ``categories``, ``min_expected``, ``draws`` (0 for chi-square),
        ``seed``.

    Notes
    -----
    Expected counts ``E_k = N × w_k / Σ w``; Pearson ``X² = Σ (O_k − E_k)² / E_k`` with
    ``k − 1`` degrees of freedom, p from the chi-square distribution
    (``scipy.stats.chisquare``) when every ``E_k ≥ min_expected``. Otherwise the p-value is
    the Monte Carlo estimate of ``P(X² ≥ X²_obs)`` under the multinomial(N, w) null:
    ``(1 + #{X²_sim ≥ X²_obs}) / (draws + 1)`` (Davison & Hinkley 1997, eq. 4.11; as R's
    ``chisq.test(simulate.p.value = TRUE)``), reproducible from ``seed``.

    Examples
    --------
    >>> res = goodness_of_fit([30, 20, 50], [25, 25, 50])
    >>> res["method"], round(res["statistic"], 3), res["df"], round(res["p_value"], 4)
    ('chi_square', 2.0, 2, 0.3679)
    >>> res = goodness_of_fit([5, 1, 0], [50, 30, 20], seed=1, draws=2000)
    >>> res["method"], res["draws"]
    ('monte_carlo', 2000)
    """
    obs = np.asarray(observed, dtype="float64")
    w = np.asarray(expected, dtype="float64")
    if obs.shape != w.shape or obs.ndim != 1:
        raise ValueError(f"`observed` and `expected` must be one-dimensional and of the same length, "
                         f"got {obs.shape} and {w.shape}")
    if (not np.all(np.isfinite(obs))) or (obs < 0).any() or (not np.all(np.isfinite(w))) or (w < 0).any():
        raise ValueError("`observed` and `expected` must be finite and ≥ 0")
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 1:
        raise ValueError(f"`draws` must be a whole number ≥ 1, got {draws!r}")
    n = float(obs.sum())
    result = {"method": "", "statistic": np.nan, "df": max(len(obs) - 1, 0), "p_value": np.nan, "n": int(n),
              "categories": len(obs), "min_expected": np.nan, "draws": 0,
              "seed": seed if isinstance(seed, (int, np.integer)) else list(seed)}
    keep = w > 0
    if (~keep & (obs > 0)).any():
        raise ValueError("`expected` is 0 for a category with participants: leave such categories out")
    obs, w = obs[keep], w[keep]
    result["categories"], result["df"] = len(obs), max(len(obs) - 1, 0)
    if len(obs) < 2 or n == 0:
        _warn(f"goodness of fit needs at least two categories and one participant (got {len(obs)} and {n:g})")
        return result
    p = w / w.sum()
    exp = n * p
    stat = float(((obs - exp) ** 2 / exp).sum())
    result["statistic"], result["min_expected"] = stat, float(exp.min())
    if exp.min() >= min_expected:
        chi = stats.chisquare(obs, exp)
        result.update(method="chi_square", statistic=float(chi.statistic), p_value=float(chi.pvalue))
        return result
    rng = np.random.default_rng(seed)
    sims = rng.multinomial(int(round(n)), p, size=int(draws))
    sim_stat = ((sims - exp) ** 2 / exp).sum(axis=1)
    exceed = int((sim_stat >= stat - 1e-9 * max(1.0, stat)).sum())
    result.update(method="monte_carlo", p_value=(1 + exceed) / (draws + 1), draws=int(draws))
    return result


# ---------------------------------------------------------------------------- Lorenz and Gini


def lorenz_curve(
    places: Sequence[float],
    workforce: Sequence[float],
    labels: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The Lorenz curve of places against the workforce, units sorted by places per 1,000.

    Parameters
    ----------
    places, workforce : sequence of float
        Places (participants) and eligible workforce per unit (council area).
    labels : sequence of str, optional
        Unit names.

    Returns
    -------
    DataFrame
        ``unit, rate_per_1000, cum_workforce_share, cum_places_share``: a first row at the
        origin, then one row per unit in ascending order of rate (stable on ties).

    Warns
    -----
    DegenerateDataWarning
        Units without workforce are left out; no places at all gives NaN shares.

    Examples
    --------
    >>> lorenz_curve([20, 1, 4], [700, 100, 200], ["c", "a", "b"]).round(3)
      unit  rate_per_1000  cum_workforce_share  cum_places_share
    0                 NaN                  0.0              0.00
    1    a         10.000                  0.1              0.04
    2    b         20.000                  0.3              0.20
    3    c         28.571                  1.0              1.00
    """
    x = np.asarray(places, dtype="float64")
    w = np.asarray(workforce, dtype="float64")
    names = [str(s) for s in labels] if labels is not None else [str(i) for i in range(len(x))]
    if x.shape != w.shape or len(names) != len(x):
        raise ValueError("`places`, `workforce` and `labels` must have the same length")
    if (~np.isfinite(x)).any() or (x < 0).any():
        raise ValueError("`places` must be finite and ≥ 0")
    keep = np.isfinite(w) & (w > 0)
    if (~keep).any():
        _warn(f"{int((~keep).sum())} unit(s) without eligible workforce left out of the Lorenz curve")
    x, w = x[keep], w[keep]
    names = [s for s, k in zip(names, keep, strict=True) if k]
    rate = 1000 * x / w
    order = np.argsort(rate, kind="stable")
    total = x.sum()
    if total == 0:
        _warn("no places at all: the Lorenz curve and the Gini coefficient are undefined")
    cum_w = np.concatenate([[0.0], np.cumsum(w[order]) / w.sum()])
    cum_x = np.concatenate([[0.0], np.cumsum(x[order]) / total]) if total > 0 else np.full(len(x) + 1, np.nan)
    return pd.DataFrame({
        "unit": [""] + [names[i] for i in order],
        "rate_per_1000": np.concatenate([[np.nan], rate[order]]),
        "cum_workforce_share": cum_w,
        "cum_places_share": cum_x,
    })


def gini(places: Sequence[float], workforce: Sequence[float]) -> float:
    """Workforce-weighted Gini coefficient of places per head (Brown's formula).

    Parameters
    ----------
    places, workforce : sequence of float
        Places and eligible workforce per unit (council area).

    Returns
    -------
    float
        0 = places exactly proportional to the workforce; towards 1 = concentrated in few
        areas. NaN (with a warning) when there are no places.

    Notes
    -----
    Units are sorted by places per 1,000 (ascending); ``X_k`` is the cumulative share of the
    workforce and ``Y_k`` the cumulative share of places (:func:`lorenz_curve`), and
    ``G = 1 − Σ_k (X_k − X_{k−1})(Y_k + Y_{k−1})`` (Brown 1994; Schneider et al., *Epidemiological
    Bulletin* 22(1), PAHO 2001). Weighting by the workforce is what makes a small island area
    count for its size.

    Examples
    --------
    >>> round(gini([20, 1, 4], [700, 100, 200]), 4)
    0.108
    >>> gini([1, 2, 3], [10, 20, 30])
    0.0
    """
    curve = lorenz_curve(places, workforce)
    x = curve["cum_workforce_share"].to_numpy()
    y = curve["cum_places_share"].to_numpy()
    if np.isnan(y).any():
        return math.nan
    value = 1.0 - float(np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1])))
    return 0.0 if abs(value) < 1e-12 else value


# ------------------------------------------------------------------- completion, declaration


def completion_by_group(
    participants: pd.DataFrame,
    dimensions: Sequence[str],
    *,
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Completion rate by category of each dimension, with a Wilson confidence interval.

    Parameters
    ----------
    participants : DataFrame
        One row per participant: the dimension columns and ``status`` (``completed``,
        ``withdrew``, ``in_progress``).
    dimensions : sequence of str
    confidence_level : float, default 0.95

    Returns
    -------
    DataFrame
        ``dimension, category, participants, completed, completion_rate, ci_low, ci_high``
        (categories in sorted order; missing values count as ``not_recorded``).

    Notes
    -----
    ``completion_rate = completed / participants`` (people still ``in_progress`` count as not
    (yet) completed); Wilson score interval (``statsmodels`` ``proportion_confint(...,
    method="wilson")``): ``(p̂ + z²/2n ± z·sqrt(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n)``.

    Examples
    --------
    >>> people = pd.DataFrame({"sector": ["a"] * 4 + ["b"] * 2,
    ...                        "status": ["completed"] * 3 + ["withdrew", "completed", "completed"]})
    >>> completion_by_group(people, ["sector"]).round(3)
      dimension category  participants  completed  completion_rate  ci_low  ci_high
    0    sector        a             4          3             0.75   0.301    0.954
    1    sector        b             2          2             1.00   0.342    1.000
    """
    _check_columns(participants, [*dimensions, "status"], "participants")
    level = _check_level(confidence_level)
    z = stats.norm.isf((1 - level) / 2)
    done = participants["status"].eq("completed")
    pieces = []
    for dimension in dimensions:
        cat = participants[dimension].astype("object").where(participants[dimension].notna(), "not_recorded")
        cat = cat.astype(str).replace("", "not_recorded")
        grp = pd.DataFrame({"category": cat, "done": done}).groupby("category", sort=True)["done"]
        n = grp.size().astype("float64")
        k = grp.sum().astype("float64")
        p = k / n
        centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
        pieces.append(pd.DataFrame({
            "dimension": dimension,
            "category": n.index.astype(str),
            "participants": n.astype("int64").to_numpy(),
            "completed": k.astype("int64").to_numpy(),
            "completion_rate": p.to_numpy(),
            "ci_low": np.clip((centre - half).to_numpy(), 0, 1),
            "ci_high": np.clip((centre + half).to_numpy(), 0, 1),
        }))
    return pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame(
        columns=["dimension", "category", "participants", "completed", "completion_rate", "ci_low", "ci_high"])


def declaration_rates(
    participants: pd.DataFrame,
    dimensions: Sequence[str],
    *,
    undeclared: Sequence[str] = UNDECLARED,
) -> pd.DataFrame:
    """How many participants declared each characteristic.

    Parameters
    ----------
    participants : DataFrame
        One row per participant with the dimension columns.
    dimensions : sequence of str
    undeclared : sequence of str, default :data:`UNDECLARED`
        Categories meaning "not known" (a missing value counts as ``not_recorded``).

    Returns
    -------
    DataFrame
        ``dimension, participants, declared, declaration_rate`` and one count column per
        undeclared category (``not_declared``, ``prefer_not_to_say``, ``not_recorded``).

    Examples
    --------
    >>> people = pd.DataFrame({"gender": ["female", "male", "not_declared", None]})
    >>> out = declaration_rates(people, ["gender"])
    >>> out[["dimension", "participants", "declared", "declaration_rate"]]
      dimension  participants  declared  declaration_rate
    0    gender             4         2               0.5
    >>> out[["not_declared", "prefer_not_to_say", "not_recorded"]].iloc[0].tolist()
    [1, 0, 1]
    """
    _check_columns(participants, list(dimensions), "participants")
    rows = []
    for dimension in dimensions:
        cat = participants[dimension].astype("object").where(participants[dimension].notna(), "not_recorded")
        cat = cat.astype(str).replace("", "not_recorded")
        n = len(cat)
        row = {"dimension": dimension, "participants": n}
        unknown = {u: int((cat == u).sum()) for u in undeclared}
        row["declared"] = n - sum(unknown.values())
        row["declaration_rate"] = row["declared"] / n if n else np.nan
        row.update(unknown)
        rows.append(row)
    return pd.DataFrame(rows, columns=["dimension", "participants", "declared", "declaration_rate", *undeclared])
