"""Pre/post change: paired tests, effect sizes, reliable change, multiplicity, mixed models.

The conventions are those of ``METHODS.md`` ("Pre/post change"); every index is named by what it
is (``d_z``, ``d_av``, ``g_av``, ``d_rm``), never "paired Cohen's d". In short:

* change = later − earlier (positive = higher at the later wave), complete pairs only,
  two-sided tests, sample SDs (ddof = 1), no rounding;
* paired t with the CI of the mean change from t(n − 1);
* Wilcoxon signed-rank as R's ``wilcox.test(paired = TRUE)`` (W+; exact or normal with tie
  correction and continuity correction 0.5);
* d_z with an exact noncentral-t CI, d_av and g_av (Lakens 2013), d_rm;
* the reliable change index of Jacobson & Truax (1991);
* Holm (default) or Benjamini–Hochberg adjustment across a report's scales;
* a linear mixed model (statsmodels MixedLM, REML, random intercept per participant) for three
  or more waves, keeping participants with a missing wave;
* attrition flow and the baseline comparison of those with and without a later score.

Scores come in long format: one row per participant × scale × wave × rater with the columns
``participant_id, scale, wave, rater, score`` (extra columns are ignored; a missing ``rater``
column means every score is a self-rating). Data that make a statistic impossible (fewer than
two pairs, no variance, no answers) give NaN and a
:class:`~evaluation.core.errors.DegenerateDataWarning` that says which statistic and why; never a
crash and never a silent zero.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from evaluation.core.checks import check_confidence_level as _check_confidence_level
from evaluation.core.errors import DegenerateDataWarning
from evaluation.core.vocabulary import COMPARISONS, MULTIPLICITY_METHODS, RATERS, STATUSES

__all__ = [
    "OUTCOME_COLUMNS",
    "PairedChange",
    "ReliableChange",
    "adjust_p",
    "attrition",
    "baseline_comparison",
    "mixed_model",
    "outcomes_table",
    "paired_change",
    "reliable_change",
    "reliable_change_by_person",
    "response_shift",
]

#: Columns of ``tables/outcomes.csv`` (CONTRACT section 4), in order.
OUTCOME_COLUMNS: tuple[str, ...] = (
    "scale",
    "kirkpatrick_level",
    "comparison",
    "rater",
    "n_pairs",
    "mean_pre",
    "sd_pre",
    "mean_post",
    "sd_post",
    "mean_change",
    "change_ci_low",
    "change_ci_high",
    "t",
    "df",
    "p_value",
    "p_adjusted",
    "wilcoxon_w_plus",
    "wilcoxon_p",
    "d_z",
    "d_z_ci_low",
    "d_z_ci_high",
    "d_av",
    "g_av",
    "d_rm",
    "reliability",
    "rci_improved",
    "rci_unchanged",
    "rci_deteriorated",
)

#: Differences are rounded to this many decimals before zeros and ties are looked for, so that
#: averaged Likert scores (e.g. 11/3 − 10/3 and 8/3 − 7/3) tie as they do on paper.
TIE_DECIMALS = 9
#: Jacobson & Truax's criterion: |RCI| above it is reliable change (two-sided p < .05).
RCI_CRITERION = 1.96
#: R's ``wilcox.test`` uses the exact distribution below this many non-zero differences.
WILCOXON_EXACT_MAX_N = 50
SCORE_COLUMNS = ("participant_id", "scale", "wave", "rater", "score")
_NAN = math.nan


# --------------------------------------------------------------------------- small helpers


def _warn(message: str, stacklevel: int = 3) -> None:
    warnings.warn(message, DegenerateDataWarning, stacklevel=stacklevel)


def _to_float(values: Any, name: str) -> np.ndarray:
    """A 1-D float array (NaN for missing) from an array-like or pandas object."""
    try:
        if isinstance(values, pd.Series | pd.Index):
            arr = values.to_numpy(dtype=float, na_value=np.nan)
        else:
            arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"`{name}` must hold numbers (NaN for missing): {exc}") from None
    if arr.ndim != 1:
        raise ValueError(f"`{name}` must be one-dimensional, got shape {arr.shape}")
    if np.isinf(arr).any():
        raise ValueError(f"`{name}` holds infinite values; scores must be finite or NaN")
    return arr


def _pairs(earlier: Any, later: Any) -> tuple[np.ndarray, np.ndarray]:
    """Complete pairs (both sides non-missing), paired by position."""
    if (
        isinstance(earlier, pd.Series)
        and isinstance(later, pd.Series)
        and not earlier.index.equals(later.index)
    ):
        raise ValueError(
            "`earlier` and `later` are pandas Series with different indexes; pairs are taken by "
            "position, so align them first (e.g. both indexed by participant_id, same order)"
        )
    x = _to_float(earlier, "earlier")
    y = _to_float(later, "later")
    if x.size != y.size:
        raise ValueError(
            f"`earlier` and `later` must have the same length (one entry per participant), "
            f"got {x.size} and {y.size}"
        )
    keep = ~(np.isnan(x) | np.isnan(y))
    return x[keep], y[keep]


def _sd(values: np.ndarray) -> float:
    return float(np.std(values, ddof=1)) if values.size >= 2 else _NAN


def _mean(values: np.ndarray) -> float:
    return float(np.mean(values)) if values.size else _NAN


def _noncentral_t_ci(t_obs: float, df: float, confidence_level: float) -> tuple[float, float]:
    """Noncentrality parameters whose t(df, ncp) puts ``t_obs`` at the CI's tail quantiles.

    The lower limit solves ``P(T ≤ t_obs | ncp) = 1 − α/2``, the upper ``… = α/2`` (the
    cumulative probability falls as ncp grows), by Brent's method after bracketing.
    """
    if not (np.isfinite(t_obs) and df > 0):
        return _NAN, _NAN
    alpha = 1 - confidence_level

    def solve(target: float) -> float:
        def f(ncp: float) -> float:
            return float(stats.nct.cdf(t_obs, df, ncp)) - target

        step = 1.0 + abs(t_obs) / 4
        lo, hi = t_obs - step, t_obs + step
        for _ in range(60):
            if f(lo) > 0:
                break
            lo -= step
            step *= 2
        step = 1.0 + abs(t_obs) / 4
        for _ in range(60):
            if f(hi) < 0:
                break
            hi += step
            step *= 2
        return float(optimize.brentq(f, lo, hi, xtol=1e-12, rtol=1e-12, maxiter=500))

    try:
        return solve(1 - alpha / 2), solve(alpha / 2)
    except (ValueError, RuntimeError):
        return _NAN, _NAN


def _signrank_null_counts(n: int) -> np.ndarray:
    """Number of sign patterns of ranks 1..n giving each W+ = 0 … n(n+1)/2 (exact null)."""
    counts = np.zeros(n * (n + 1) // 2 + 1)
    counts[0] = 1.0
    for k in range(1, n + 1):
        counts[k:] = counts[k:] + counts[:-k]  # the right-hand side uses the previous counts
    return counts


def _wilcoxon(d: np.ndarray) -> tuple[float, float, str]:
    """W+, two-sided p and the method, as R's ``wilcox.test(x, y, paired = TRUE)``."""
    d = np.round(d, TIE_DECIMALS)
    zeros = bool((d == 0).any())
    d = d[d != 0]
    n = d.size
    if n == 0:
        return _NAN, _NAN, "not computed (no non-zero differences)"
    absd = np.abs(d)
    ranks = stats.rankdata(absd)  # mid-ranks for ties
    w_plus = float(ranks[d > 0].sum())
    _, tie_sizes = np.unique(absd, return_counts=True)
    ties = bool((tie_sizes > 1).any())
    if n < WILCOXON_EXACT_MAX_N and not ties and not zeros:
        counts = _signrank_null_counts(n)
        total = 2.0**n
        w = int(round(w_plus))
        p_low = counts[: w + 1].sum() / total
        p_high = counts[w:].sum() / total
        return w_plus, float(min(1.0, 2 * min(p_low, p_high))), "exact"
    z = w_plus - n * (n + 1) / 4
    sigma = math.sqrt(n * (n + 1) * (2 * n + 1) / 24 - float((tie_sizes**3 - tie_sizes).sum()) / 48)
    z = (z - np.sign(z) * 0.5) / sigma
    p = 2 * min(stats.norm.cdf(z), stats.norm.sf(z))
    return w_plus, float(min(1.0, p)), "normal approximation, tie-corrected, continuity correction"


# --------------------------------------------------------------------------- paired change


@dataclass(frozen=True)
class PairedChange:
    """Paired pre/post statistics of one scale (change = later − earlier).

    ``mean_pre``/``sd_pre`` describe the earlier wave and ``mean_post``/``sd_post`` the later
    one, over the complete pairs only. ``d_z`` = mean/SD of the changes; ``d_av`` = mean change
    over the average of the two SDs (Lakens 2013 eq. 10); ``g_av`` = d_av × (1 − 3/(8n − 9));
    ``d_rm`` = d_z·√(2(1 − r_pre_post)). ``wilcoxon_method`` says whether ``wilcoxon_p`` is
    exact or a normal approximation.
    """

    n_pairs: int
    mean_pre: float
    sd_pre: float
    mean_post: float
    sd_post: float
    mean_change: float
    change_ci_low: float
    change_ci_high: float
    t: float
    df: float
    p_value: float
    wilcoxon_w_plus: float
    wilcoxon_p: float
    d_z: float
    d_z_ci_low: float
    d_z_ci_high: float
    d_av: float
    g_av: float
    d_rm: float
    r_pre_post: float
    wilcoxon_method: str = ""
    confidence_level: float = 0.95

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain ``dict`` (e.g. one row of a table)."""
        return asdict(self)


def _paired_change(
    x: np.ndarray, y: np.ndarray, confidence_level: float, context: str, stacklevel: int = 4
) -> PairedChange:
    """:func:`paired_change` on complete pairs ``x`` (earlier), ``y`` (later)."""
    n = int(x.size)
    d = y - x
    mean_pre, mean_post, mean_change = _mean(x), _mean(y), _mean(d)
    sd_pre, sd_post = _sd(x), _sd(y)
    problems: list[str] = []
    t = df = p = ci_low = ci_high = d_z = dz_low = dz_high = d_av = g_av = d_rm = r = _NAN
    w_plus, w_p, w_method = _wilcoxon(d) if n else (_NAN, _NAN, "not computed (no pairs)")
    if n < 2:
        problems.append(
            f"{n} complete pair{'s' if n != 1 else ''} (at least 2 are needed): t, p, CIs, SDs "
            "and effect sizes are NaN"
        )
    else:
        df = float(n - 1)
        sd_d = _sd(d)
        if _sd(np.round(d, TIE_DECIMALS)) == 0:
            problems.append(
                "every pair changed by the same amount (zero variance of the changes): "
                "t, p, the CI of the change, d_z and d_rm are NaN"
            )
        else:
            se = sd_d / math.sqrt(n)
            t = mean_change / se
            p = float(2 * stats.t.sf(abs(t), df))
            half = float(stats.t.ppf(0.5 + confidence_level / 2, df)) * se
            ci_low, ci_high = mean_change - half, mean_change + half
            d_z = mean_change / sd_d
            ncp_low, ncp_high = _noncentral_t_ci(t, df, confidence_level)
            dz_low, dz_high = ncp_low / math.sqrt(n), ncp_high / math.sqrt(n)
            if not np.isfinite(dz_low):
                problems.append("the noncentral-t CI of d_z could not be found: it is NaN")
        if sd_pre > 0 and sd_post > 0:
            r = float(np.corrcoef(x, y)[0, 1])
            r = min(1.0, max(-1.0, r))
            if np.isfinite(d_z):
                d_rm = d_z * math.sqrt(2 * (1 - r))
        else:
            problems.append(
                "no variance at the earlier or the later wave: r_pre_post and d_rm are NaN"
            )
        if sd_pre + sd_post > 0:
            d_av = mean_change / ((sd_pre + sd_post) / 2)
            g_av = d_av * (1 - 3 / (4 * 2 * n - 9))
        else:
            problems.append("no variance at either wave: d_av and g_av are NaN")
    if problems:
        _warn(f"{context}: " + "; ".join(problems), stacklevel=stacklevel)
    return PairedChange(
        n_pairs=n,
        mean_pre=mean_pre,
        sd_pre=sd_pre,
        mean_post=mean_post,
        sd_post=sd_post,
        mean_change=mean_change,
        change_ci_low=float(ci_low),
        change_ci_high=float(ci_high),
        t=float(t),
        df=float(df),
        p_value=float(p),
        wilcoxon_w_plus=w_plus,
        wilcoxon_p=w_p,
        d_z=float(d_z),
        d_z_ci_low=float(dz_low),
        d_z_ci_high=float(dz_high),
        d_av=float(d_av),
        g_av=float(g_av),
        d_rm=float(d_rm),
        r_pre_post=float(r),
        wilcoxon_method=w_method,
        confidence_level=confidence_level,
    )


def paired_change(earlier: Any, later: Any, *, confidence_level: float = 0.95) -> PairedChange:
    """Paired t, Wilcoxon signed-rank and repeated-measures effect sizes of later − earlier.

    Parameters
    ----------
    earlier, later : array-like of float
        Scores of the same participants at the earlier and the later wave, paired by position
        (two pandas Series must share their index). NaN marks a missing score; pairs with a
        NaN on either side are dropped and ``n_pairs`` counts what is kept.
    confidence_level : float, default 0.95
        Of the CI of the mean change and of d_z.

    Returns
    -------
    PairedChange
        Frozen dataclass; ``.to_dict()`` gives a table row.

    Warns
    -----
    DegenerateDataWarning
        Fewer than two complete pairs, zero variance of the changes, or no variance at a wave:
        the statistics that cannot be computed are NaN and the message says which.

    Notes
    -----
    With d = later − earlier over the n complete pairs (``METHODS.md``, "Pre/post change"):

    * paired t = mean(d)/(sd(d)/√n), df = n − 1, two-sided p; CI of the mean change
      mean(d) ± t(1 − α/2; n − 1)·sd(d)/√n (as R's ``t.test(later, earlier, paired = TRUE)``).
    * Wilcoxon signed-rank as R's ``wilcox.test(later, earlier, paired = TRUE)``: zero
      differences dropped, mid-ranks of |d|, W+ = sum of the ranks of positive changes (R's
      ``V``). Exact two-sided p from the null distribution of W+ when fewer than 50 non-zero
      differences remain and there are no ties and no zeros (zeros, like ties, send R to the
      normal approximation); otherwise z = (W+ − n(n + 1)/4 − 0.5·sign)/σ with
      σ² = n(n + 1)(2n + 1)/24 − Σ(t³ − t)/48 over tie groups of size t. Differences are
      rounded to 9 decimals (:data:`TIE_DECIMALS`) before zeros and ties are looked for, so
      floating-point noise of averaged Likert scores does not break ties (R without
      ``digits.rank`` would). scipy's and pingouin's defaults differ from R here.
    * d_z = mean(d)/sd(d) (Cohen 1988; Lakens 2013 eq. 6), CI by inverting the noncentral t with
      df = n − 1 at the observed t and dividing the ncp limits by √n (as effectsize 0.8.3
      ``cohens_d(later, earlier, paired = TRUE)``).
    * d_av = mean(d)/((sd_pre + sd_post)/2) (Lakens 2013 eq. 10, not Cumming's root-mean-square
      denominator); g_av = d_av × (1 − 3/(4·2n − 9)) (reproduces Lakens' g_av = 1.08).
    * d_rm = d_z·√(2(1 − r)), r = Pearson r(earlier, later) (Lakens 2013 eq. 9).

    References: Lakens D. (2013) Front Psychol 4:863; R ``stats::wilcox.test`` source.

    Examples
    --------
    >>> res = paired_change([3.0, 2.5, 4.0, 3.5, 3.0], [3.5, 3.0, 4.0, 4.5, 3.25])
    >>> res.n_pairs, res.mean_change, res.df
    (5, 0.45, 4.0)
    >>> round(res.t, 4), round(res.p_value, 4), round(res.d_z, 4)
    (2.7136, 0.0533, 1.2136)
    >>> res.wilcoxon_w_plus, res.wilcoxon_method
    (10.0, 'normal approximation, tie-corrected, continuity correction')
    """
    level = _check_confidence_level(confidence_level)
    x, y = _pairs(earlier, later)
    return _paired_change(x, y, level, "paired_change")


# --------------------------------------------------------------------------- reliable change


@dataclass(frozen=True)
class ReliableChange:
    """Jacobson & Truax reliable change over the complete pairs of one scale.

    Proportions ``rci_*`` are over ``n`` complete pairs; ``n_*`` are the counts behind them.
    """

    n: int
    sd_pre: float
    reliability: float
    s_diff: float
    rci_improved: float
    rci_unchanged: float
    rci_deteriorated: float
    n_improved: int | float
    n_unchanged: int | float
    n_deteriorated: int | float

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain ``dict``."""
        return asdict(self)


def _check_reliability(reliability: Any) -> float:
    try:
        r = float(reliability)
    except (TypeError, ValueError):
        raise ValueError(
            f"`reliability` must be a number in (0, 1) (e.g. Cronbach's alpha of the pre wave), "
            f"got {reliability!r}"
        ) from None
    if r > 1:
        raise ValueError(f"`reliability` must be a number in (0, 1), got {reliability!r}")
    return r


def _rci(
    x: np.ndarray,
    y: np.ndarray,
    reliability: float,
    higher_is_better: bool,
    sd_pre: float | None,
    context: str,
    stacklevel: int = 4,
) -> tuple[float, float, np.ndarray, np.ndarray]:
    """(SD_pre, S_diff, RCI, category) over complete pairs; category ±1 / 0, NaN if undefined."""
    sd = _sd(x) if sd_pre is None else float(sd_pre)
    problems = []
    if not np.isfinite(reliability):
        problems.append("no reliability")
    elif not 0 < reliability < 1:
        problems.append(f"reliability {reliability} is not in (0, 1)")
    if x.size == 0:
        problems.append("no complete pairs")
    elif not (np.isfinite(sd) and sd > 0):
        problems.append(f"SD of the earlier wave is {sd} (fewer than 2 pairs or no variance)")
    if problems:
        _warn(f"{context}: " + "; ".join(problems) + ": reliable change is NaN", stacklevel)
        nan = np.full(x.size, _NAN)
        return sd, _NAN, nan, nan
    s_diff = math.sqrt(2) * sd * math.sqrt(1 - reliability)
    rci = (y - x) / s_diff
    sign = 1.0 if higher_is_better else -1.0
    category = np.where(
        sign * rci > RCI_CRITERION, 1.0, np.where(sign * rci < -RCI_CRITERION, -1.0, 0.0)
    )
    return sd, s_diff, rci, category


def reliable_change(
    earlier: Any,
    later: Any,
    *,
    reliability: float,
    higher_is_better: bool = True,
    sd_pre: float | None = None,
) -> ReliableChange:
    """Share of participants with reliable improvement, no reliable change, deterioration.

    Parameters
    ----------
    earlier, later : array-like of float
        Paired scores (by position; NaN = missing). Only complete pairs are classified.
    reliability : float
        r_xx of the scale, in (0, 1): the cohort parameter, or Cronbach's alpha of the pre wave.
    higher_is_better : bool, default True
        Direction of improvement on the scale.
    sd_pre : float, optional
        SD of the earlier wave to use (e.g. a normative SD). Default: the sample SD (ddof = 1)
        of the earlier scores over the complete pairs.

    Returns
    -------
    ReliableChange

    Warns
    -----
    DegenerateDataWarning
        No complete pairs, SD_pre not positive, or a reliability that is NaN or not in (0, 1):
        the S_diff, proportions and counts are NaN.

    Raises
    ------
    ValueError
        ``reliability`` is not a number or is above 1.

    Notes
    -----
    Jacobson & Truax (1991), J Consult Clin Psychol 59:12: SE = SD_pre·√(1 − r_xx),
    S_diff = √2·SE, RCI = (later − earlier)/S_diff. RCI > 1.96 is reliable improvement when
    higher is better (reliable deterioration otherwise), RCI < −1.96 the reverse, and
    |RCI| ≤ 1.96 no reliable change. Proportions are over the complete pairs.

    Examples
    --------
    >>> rc = reliable_change([2, 3, 4, 3, 2], [4, 3, 2, 4, 1], reliability=0.8)
    >>> round(rc.s_diff, 4), rc.n_improved, rc.n_unchanged, rc.n_deteriorated
    (0.5292, 1, 3, 1)
    >>> rc.rci_improved
    0.2
    """
    r = _check_reliability(reliability)
    x, y = _pairs(earlier, later)
    sd, s_diff, _, category = _rci(x, y, r, bool(higher_is_better), sd_pre, "reliable_change")
    return _reliable_change_summary(x.size, sd, r, s_diff, category)


def _reliable_change_summary(
    n: int, sd: float, reliability: float, s_diff: float, category: np.ndarray
) -> ReliableChange:
    if n == 0 or not np.isfinite(s_diff):
        counts: tuple[Any, Any, Any] = (_NAN, _NAN, _NAN)
        shares = (_NAN, _NAN, _NAN)
    else:
        counts = (
            int((category == 1).sum()),
            int((category == 0).sum()),
            int((category == -1).sum()),
        )
        shares = tuple(c / n for c in counts)
    return ReliableChange(
        n=int(n),
        sd_pre=float(sd),
        reliability=float(reliability),
        s_diff=float(s_diff),
        rci_improved=float(shares[0]),
        rci_unchanged=float(shares[1]),
        rci_deteriorated=float(shares[2]),
        n_improved=counts[0],
        n_unchanged=counts[1],
        n_deteriorated=counts[2],
    )


def reliable_change_by_person(
    earlier: Any,
    later: Any,
    *,
    reliability: float,
    higher_is_better: bool = True,
    sd_pre: float | None = None,
) -> pd.DataFrame:
    """Each participant's change, RCI and category (for bootstraps and costs per improver).

    Same arguments and formula as :func:`reliable_change`. Returns one row per input position
    (index of ``earlier`` when it is a Series) with columns ``earlier, later, change, rci,
    category``; ``category`` is ``improved``, ``unchanged``, ``deteriorated`` or missing
    (incomplete pair, or RCI not computable). SD_pre is over the complete pairs.

    Examples
    --------
    >>> reliable_change_by_person([2, 3, None], [4, 3, 3], reliability=0.8)[["change", "category"]]
       change   category
    0     2.0   improved
    1     0.0  unchanged
    2     NaN        NaN
    """
    r = _check_reliability(reliability)
    x, y = _pairs(earlier, later)  # validates
    ex, ly = _to_float(earlier, "earlier"), _to_float(later, "later")
    keep = ~(np.isnan(ex) | np.isnan(ly))
    _, _, rci, category = _rci(x, y, r, bool(higher_is_better), sd_pre, "reliable_change_by_person")
    index = earlier.index if isinstance(earlier, pd.Series) else pd.RangeIndex(ex.size)
    rci_all = np.full(ex.size, _NAN)
    rci_all[keep] = rci
    cat_all = np.full(ex.size, _NAN)
    cat_all[keep] = category
    labels = pd.Series(cat_all, index=index).map(
        {1.0: "improved", 0.0: "unchanged", -1.0: "deteriorated"}
    )
    return pd.DataFrame(
        {"earlier": ex, "later": ly, "change": ly - ex, "rci": rci_all, "category": labels},
        index=index,
    )


# --------------------------------------------------------------------------- multiplicity


def adjust_p(p_values: Any, method: str) -> Any:
    """Adjust p-values for multiple testing (Holm or Benjamini–Hochberg).

    Parameters
    ----------
    p_values : array-like of float
        p-values in [0, 1]; NaN entries stay NaN and are not counted in m.
    method : {"holm", "bh", "none"}
        ``holm``: Holm's step-down family-wise adjustment; ``bh``: Benjamini & Hochberg's
        false-discovery-rate step-up adjustment; ``none``: returned unchanged.

    Returns
    -------
    numpy.ndarray or pandas.Series
        Adjusted p-values in the original order, capped at 1 (a Series keeps its index and name).

    Raises
    ------
    ValueError
        ``method`` is not one of the allowed values, or a p-value is outside [0, 1].

    Notes
    -----
    With the m non-missing p-values sorted, p_(1) ≤ … ≤ p_(m):
    Holm (1979): p̃_(i) = max_{j ≤ i} min(1, (m − j + 1)·p_(j)); Benjamini & Hochberg (1995):
    p̃_(i) = min_{j ≥ i} min(1, m/j·p_(j)). These equal R's ``p.adjust(p, "holm")`` and
    ``p.adjust(p, "BH")`` and statsmodels' ``multipletests(method="holm" / "fdr_bh")``.

    Examples
    --------
    >>> adjust_p([0.01, 0.04, float("nan"), 0.03], "holm")
    array([0.03, 0.06,  nan, 0.06])
    >>> adjust_p([0.01, 0.04, 0.03], "bh")
    array([0.03, 0.04, 0.04])
    """
    if method not in MULTIPLICITY_METHODS:
        raise ValueError(
            f"`method` must be one of {', '.join(repr(m) for m in MULTIPLICITY_METHODS)}, "
            f"got {method!r}"
        )
    p = _to_float(p_values, "p_values")
    present = ~np.isnan(p)
    if ((p[present] < 0) | (p[present] > 1)).any():
        raise ValueError(f"`p_values` must lie in [0, 1] (or be NaN), got {p[present].tolist()}")
    out = p.copy()
    q = p[present]
    m = q.size
    if m and method != "none":
        order = np.argsort(q, kind="stable")
        ranked = q[order]
        i = np.arange(1, m + 1)
        if method == "holm":
            adjusted = np.maximum.accumulate((m - i + 1) * ranked)
        else:
            adjusted = np.minimum.accumulate((m / i * ranked)[::-1])[::-1]
        adjusted = np.minimum(adjusted, 1.0)
        back = np.empty(m)
        back[order] = adjusted
        out[present] = back
    if isinstance(p_values, pd.Series):
        return pd.Series(out, index=p_values.index, name=p_values.name)
    return out


# --------------------------------------------------------------------------- tables


def _prepare_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """Validated copy of the score columns; rows with a missing score dropped."""
    if not isinstance(scores, pd.DataFrame):
        raise ValueError(f"`scores` must be a pandas DataFrame, got {type(scores).__name__}")
    required = [c for c in SCORE_COLUMNS if c != "rater"]
    missing = [c for c in required if c not in scores.columns]
    if missing:
        raise ValueError(
            f"`scores` lacks column(s) {missing}; it needs {list(SCORE_COLUMNS)} "
            f"(long format, one row per participant × scale × wave × rater)"
        )
    data = pd.DataFrame(
        {
            "participant_id": scores["participant_id"].astype(str).to_numpy(),
            "scale": scores["scale"].astype(str).to_numpy(),
            "wave": scores["wave"].astype(str).to_numpy(),
            "rater": _raters(scores),
        }
    )
    try:
        data["score"] = pd.to_numeric(scores["score"], errors="raise").to_numpy(
            dtype=float, na_value=np.nan
        )
    except (TypeError, ValueError) as exc:
        raise ValueError(f"`scores` column `score` must be numeric: {exc}") from None
    key = ["participant_id", "scale", "wave", "rater"]
    dup = data.duplicated(key, keep=False)
    if dup.any():
        example = data.loc[dup, key].drop_duplicates().head(3).to_dict("records")
        raise ValueError(
            f"`scores` has {int(dup.sum())} rows that repeat a participant_id × scale × wave × "
            f"rater, e.g. {example}; there must be at most one score each"
        )
    return data.loc[data["score"].notna()].reset_index(drop=True)


def _raters(scores: pd.DataFrame) -> np.ndarray:
    """The rater of each row as text; a missing rater (or column) is ``self``."""
    if "rater" not in scores.columns:
        return np.full(len(scores), "self", dtype=object)
    rater = scores["rater"].astype(object)
    return rater.where(rater.notna(), "self").astype(str).to_numpy(dtype=object)


def _rater_key(rater: str) -> tuple[int, str]:
    return (RATERS.index(rater), "") if rater in RATERS else (len(RATERS), rater)


def _resolve_comparisons(comparisons: Any) -> list[tuple[str, str, str]]:
    if isinstance(comparisons, str):
        comparisons = [comparisons]
    if isinstance(comparisons, Mapping):
        items = [(str(k), *map(str, v)) for k, v in comparisons.items()]
    else:
        items = []
        for name in comparisons:
            if name not in COMPARISONS:
                raise ValueError(
                    f"`comparisons` has {name!r}; allowed: {', '.join(COMPARISONS)} "
                    "(or pass a mapping name → (earlier wave, later wave))"
                )
            items.append((name, *COMPARISONS[name]))
    if not items:
        raise ValueError("`comparisons` is empty; name at least one, e.g. ['pre_post']")
    return items


def _paired_groups(
    data: pd.DataFrame, earlier: str, later: str
) -> Iterable[tuple[str, str, np.ndarray, np.ndarray]]:
    """(scale, rater, earlier scores, later scores) of complete pairs, sorted by participant.

    Only scale × rater groups with at least one score at each of the two waves are yielded.
    """
    sub = data.loc[data["wave"].isin([earlier, later])]
    if sub.empty:
        return
    wide = sub.pivot(index=["scale", "rater", "participant_id"], columns="wave", values="score")
    if earlier not in wide.columns or later not in wide.columns:
        return
    wide = wide.sort_index()
    for (scale, rater), group in wide.groupby(level=["scale", "rater"], sort=True):
        x = group[earlier].to_numpy(dtype=float)
        y = group[later].to_numpy(dtype=float)
        if np.isnan(x).all() or np.isnan(y).all():
            continue
        keep = ~(np.isnan(x) | np.isnan(y))
        yield str(scale), str(rater), x[keep], y[keep]


def _reliability_lookup(reliability: Any) -> tuple[dict[tuple[str, str | None], float], float]:
    """Mapping (scale, rater or None) → r_xx, and a value for every scale (NaN if none)."""
    if reliability is None:
        return {}, _NAN
    if isinstance(reliability, int | float | np.floating | np.integer) and not isinstance(
        reliability, bool
    ):
        return {}, _check_reliability(reliability)
    if isinstance(reliability, pd.DataFrame):
        missing = [c for c in ("scale", "reliability") if c not in reliability.columns]
        if missing:
            raise ValueError(
                f"`reliability` as a DataFrame needs columns scale, rater, reliability; lacks {missing}"
            )
        raters = (
            reliability["rater"] if "rater" in reliability.columns else [None] * len(reliability)
        )
        return {
            (str(s), None if rt is None or pd.isna(rt) else str(rt)): _check_reliability(r)
            for s, rt, r in zip(
                reliability["scale"], raters, reliability["reliability"], strict=True
            )
        }, _NAN
    if isinstance(reliability, pd.Series):
        reliability = reliability.to_dict()
    if isinstance(reliability, Mapping):
        return {(str(s), None): _check_reliability(r) for s, r in reliability.items()}, _NAN
    raise ValueError(
        "`reliability` must be None, a number, a mapping scale → r_xx, or a DataFrame with "
        f"columns scale, rater, reliability; got {type(reliability).__name__}"
    )


def _scale_info(scale_info: pd.DataFrame | None) -> tuple[dict[str, Any], dict[str, bool]]:
    levels: dict[str, Any] = {}
    better: dict[str, bool] = {}
    if scale_info is None:
        return levels, better
    if not isinstance(scale_info, pd.DataFrame):
        raise ValueError(
            "`scale_info` must be a DataFrame indexed by scale with columns "
            f"kirkpatrick_level, higher_is_better; got {type(scale_info).__name__}"
        )
    for scale, row in scale_info.iterrows():
        if "kirkpatrick_level" in scale_info.columns and pd.notna(row["kirkpatrick_level"]):
            levels[str(scale)] = int(row["kirkpatrick_level"])
        if "higher_is_better" in scale_info.columns and pd.notna(row["higher_is_better"]):
            better[str(scale)] = bool(row["higher_is_better"])
    return levels, better


def outcomes_table(
    scores: pd.DataFrame,
    *,
    comparisons: Any,
    confidence_level: float = 0.95,
    multiplicity: str = "holm",
    reliability: Any = None,
    scale_info: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The outcomes table: paired change of every scale × comparison × rater.

    Parameters
    ----------
    scores : DataFrame
        Long format with columns ``participant_id, scale, wave, rater, score`` (extra columns
        are ignored; without ``rater`` every score counts as ``self``; a missing score is no
        score). At most one row per participant × scale × wave × rater.
    comparisons : sequence of str, or mapping
        Names from :data:`evaluation.data.params.COMPARISONS` (e.g. ``["pre_post", "then_post"]``),
        or a mapping name → (earlier wave, later wave).
    confidence_level : float, default 0.95
    multiplicity : {"holm", "bh", "none"}, default "holm"
        Adjustment for ``p_adjusted`` (see Notes for the family).
    reliability : None, float, mapping or DataFrame
        r_xx for the reliable change index: one number for every scale, a mapping scale → r_xx,
        or a DataFrame with columns ``scale, rater, reliability`` (a row with a missing rater
        applies to every rater). Scales without one get NaN ``reliability`` and ``rci_*``
        columns and a :class:`~evaluation.core.errors.DegenerateDataWarning`.
    scale_info : DataFrame, optional
        Indexed by scale, columns ``kirkpatrick_level`` and ``higher_is_better`` (defaults:
        missing level, higher is better). Its index order also orders the rows.

    Returns
    -------
    DataFrame
        One row per scale × comparison × rater that has scores at both waves of the comparison,
        with the columns :data:`OUTCOME_COLUMNS` in that order, then ``earlier_wave,
        later_wave, r_pre_post, wilcoxon_method, rci_s_diff, rci_n_improved,
        rci_n_unchanged, rci_n_deteriorated, p_adjust_method``. Rows are sorted by scale
        (``scale_info`` order, then alphabetical), comparison (as given), rater (self,
        line_manager, peer, direct_report, then others alphabetically), whatever the order
        of ``scores``. ``mean_pre``/``sd_pre`` are the earlier wave of the comparison,
        ``mean_post``/``sd_post`` the later one, over complete pairs.

    Warns
    -----
    DegenerateDataWarning
        For each row with fewer than two pairs or no variance (see :func:`paired_change`), and
        for scales without a reliability.

    Notes
    -----
    Every statistic is that of :func:`paired_change` and :func:`reliable_change` (change =
    later − earlier; RCI with SD_pre of the complete pairs). **Multiplicity family**: the
    rows of one comparison and one rater, i.e. all scales of the table for, say, ``pre_post``
    self-ratings, are adjusted together (``METHODS.md``: "multiplicity across a report's
    scales"); different comparisons and raters answer different questions and are separate
    families. Rows whose p is NaN do not count in m.

    Examples
    --------
    >>> scores = pd.DataFrame({
    ...     "participant_id": ["a", "b", "c", "d"] * 2,
    ...     "scale": "leading_change", "rater": "self",
    ...     "wave": ["pre"] * 4 + ["post"] * 4,
    ...     "score": [3.0, 2.5, 4.0, 3.5, 3.5, 3.0, 4.0, 4.5]})
    >>> table = outcomes_table(scores, comparisons=["pre_post"], reliability=0.8)
    >>> table[["scale", "comparison", "n_pairs", "mean_change", "p_adjusted", "rci_improved"]]
                scale comparison  n_pairs  mean_change  p_adjusted  rci_improved
    0  leading_change   pre_post        4          0.5    0.091...          0.25
    """
    level = _check_confidence_level(confidence_level)
    if multiplicity not in MULTIPLICITY_METHODS:
        raise ValueError(
            f"`multiplicity` must be one of {', '.join(repr(m) for m in MULTIPLICITY_METHODS)}, "
            f"got {multiplicity!r}"
        )
    items = _resolve_comparisons(comparisons)
    data = _prepare_scores(scores)
    by_key, r_default = _reliability_lookup(reliability)
    levels, better = _scale_info(scale_info)
    rows: list[dict[str, Any]] = []
    no_reliability: list[str] = []
    for name, earlier, later in items:
        for scale, rater, x, y in _paired_groups(data, earlier, later):
            context = f"scale {scale!r}, comparison {name!r}, rater {rater!r}"
            res = _paired_change(x, y, level, context, stacklevel=4)
            r_xx = by_key.get((scale, rater), by_key.get((scale, None), r_default))
            if np.isfinite(r_xx):
                sd, s_diff, _, cat = _rci(x, y, r_xx, better.get(scale, True), None, context)
                rc = _reliable_change_summary(x.size, sd, r_xx, s_diff, cat)
            else:
                no_reliability.append(f"{scale} ({rater})")
                rc = _reliable_change_summary(x.size, _sd(x), _NAN, _NAN, np.array([]))
            row = res.to_dict()
            row.update(
                scale=scale,
                kirkpatrick_level=levels.get(scale, pd.NA),
                comparison=name,
                rater=rater,
                earlier_wave=earlier,
                later_wave=later,
                reliability=r_xx,
                rci_improved=rc.rci_improved,
                rci_unchanged=rc.rci_unchanged,
                rci_deteriorated=rc.rci_deteriorated,
                rci_s_diff=rc.s_diff,
                rci_n_improved=rc.n_improved,
                rci_n_unchanged=rc.n_unchanged,
                rci_n_deteriorated=rc.n_deteriorated,
            )
            rows.append(row)
    if no_reliability:
        _warn(
            "no usable reliability given for "
            + ", ".join(dict.fromkeys(no_reliability))
            + ": the reliability and rci_* columns are NaN there"
        )
    extra = [
        "earlier_wave",
        "later_wave",
        "r_pre_post",
        "wilcoxon_method",
        "rci_s_diff",
        "rci_n_improved",
        "rci_n_unchanged",
        "rci_n_deteriorated",
        "p_adjust_method",
    ]
    columns = [*OUTCOME_COLUMNS, *extra]
    if not rows:
        return _typed_outcomes(pd.DataFrame({c: [] for c in columns}))
    table = pd.DataFrame(rows)
    scale_order: dict[str, int] = {}
    if scale_info is not None:
        scale_order = {str(s): i for i, s in enumerate(scale_info.index)}
    comparison_order = {name: i for i, (name, _, _) in enumerate(items)}
    sort_key = pd.DataFrame(
        {
            "s1": table["scale"].map(lambda s: scale_order.get(s, len(scale_order))),
            "s2": table["scale"],
            "c": table["comparison"].map(comparison_order),
            "r1": table["rater"].map(lambda r: _rater_key(r)[0]),
            "r2": table["rater"].map(lambda r: _rater_key(r)[1]),
        }
    )
    order = sort_key.sort_values(["s1", "s2", "c", "r1", "r2"], kind="stable").index
    table = table.loc[order].reset_index(drop=True)
    table["p_adjusted"] = _NAN
    for _, idx in table.groupby(["comparison", "rater"], sort=False).groups.items():
        table.loc[idx, "p_adjusted"] = adjust_p(table.loc[idx, "p_value"].to_numpy(), multiplicity)
    table["p_adjust_method"] = multiplicity
    return _typed_outcomes(table[columns])


def _typed_outcomes(table: pd.DataFrame) -> pd.DataFrame:
    table = table.copy()
    table["kirkpatrick_level"] = table["kirkpatrick_level"].astype("Int64")
    table["n_pairs"] = table["n_pairs"].astype("int64")
    for c in ("rci_n_improved", "rci_n_unchanged", "rci_n_deteriorated"):
        table[c] = pd.to_numeric(table[c]).astype("Int64")
    for c in (
        "scale",
        "comparison",
        "rater",
        "earlier_wave",
        "later_wave",
        "wilcoxon_method",
        "p_adjust_method",
    ):
        table[c] = table[c].astype(object)
    float_cols = [
        c
        for c in table.columns
        if c
        not in {
            "scale",
            "comparison",
            "rater",
            "earlier_wave",
            "later_wave",
            "wilcoxon_method",
            "p_adjust_method",
            "kirkpatrick_level",
            "n_pairs",
            "rci_n_improved",
            "rci_n_unchanged",
            "rci_n_deteriorated",
        }
    ]
    table[float_cols] = table[float_cols].astype(float)
    return table


def response_shift(scores: pd.DataFrame, *, confidence_level: float = 0.95) -> pd.DataFrame:
    """Response shift: the pre-test minus the retrospective (then) pre-test, per scale × rater.

    Parameters
    ----------
    scores : DataFrame
        Long format as for :func:`outcomes_table`, with waves ``pre`` and ``then``.
    confidence_level : float, default 0.95

    Returns
    -------
    DataFrame
        One row per scale × rater with scores at both waves; columns ``scale, rater, n_pairs,
        mean_pre, mean_then, mean_shift, ci_low, ci_high, t, df, p_value, d_z``, sorted by
        scale then rater. Empty (same columns) when nobody answered both.

    Notes
    -----
    mean_shift = mean(pre − then) over complete pairs, with the paired t test and its CI from
    t(n − 1) (R: ``t.test(pre, then, paired = TRUE)``); d_z = mean/SD of pre − then. A positive
    shift means participants rate their pre-programme selves lower in hindsight than they did
    at the time: their internal standard moved (Howard 1980), so pre → post change understates
    the change judged against the post standard; ``then_post`` in :func:`outcomes_table` is
    the change against that standard.

    Examples
    --------
    >>> scores = pd.DataFrame({"participant_id": list("abcd") * 2, "scale": "s",
    ...                        "rater": "self", "wave": ["pre"] * 4 + ["then"] * 4,
    ...                        "score": [4.0, 3.5, 4.0, 3.0, 3.5, 3.0, 3.0, 3.0]})
    >>> response_shift(scores)[["scale", "n_pairs", "mean_shift", "t"]]
      scale  n_pairs  mean_shift    t
    0     s        4         0.5  2.4...
    """
    level = _check_confidence_level(confidence_level)
    data = _prepare_scores(scores)
    rows = []
    for scale, rater, then, pre in _paired_groups(data, "then", "pre"):
        context = f"scale {scale!r}, response shift (pre − then), rater {rater!r}"
        res = _paired_change(then, pre, level, context)
        rows.append(
            {
                "scale": scale,
                "rater": rater,
                "n_pairs": res.n_pairs,
                "mean_pre": res.mean_post,
                "mean_then": res.mean_pre,
                "mean_shift": res.mean_change,
                "ci_low": res.change_ci_low,
                "ci_high": res.change_ci_high,
                "t": res.t,
                "df": res.df,
                "p_value": res.p_value,
                "d_z": res.d_z,
            }
        )
    columns = [
        "scale",
        "rater",
        "n_pairs",
        "mean_pre",
        "mean_then",
        "mean_shift",
        "ci_low",
        "ci_high",
        "t",
        "df",
        "p_value",
        "d_z",
    ]
    if not rows:
        return pd.DataFrame(
            {c: pd.Series(dtype=object if c in ("scale", "rater") else float) for c in columns}
        )
    table = pd.DataFrame(rows, columns=columns)
    table["_r"] = table["rater"].map(_rater_key)
    return (
        table.sort_values(["scale", "_r"], kind="stable").drop(columns="_r").reset_index(drop=True)
    )


# --------------------------------------------------------------------------- mixed model

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


# --------------------------------------------------------------------------- attrition

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
    if not isinstance(participants, pd.DataFrame):
        raise ValueError("`participants` must be a DataFrame with columns participant_id, status")
    missing = [c for c in ("participant_id", "status") if c not in participants.columns]
    if missing:
        raise ValueError(f"`participants` lacks column(s) {missing}; needs participant_id, status")
    ids = participants["participant_id"].astype(str)
    if ids.duplicated().any():
        raise ValueError(
            f"`participants` repeats participant_id(s) {sorted(set(ids[ids.duplicated()]))[:5]}"
        )
    bad = sorted({str(s) for s in participants["status"] if s not in STATUSES})
    if bad:
        raise ValueError(
            f"`participants` column `status` must be one of {list(STATUSES)}, got {bad}"
        )
    if not isinstance(scores, pd.DataFrame) or not {
        "participant_id",
        "scale",
        "wave",
        "score",
    } <= set(scores.columns):
        raise ValueError(
            "`scores` must be a DataFrame with columns participant_id, scale, wave, rater, score"
        )
    sub = pd.DataFrame(
        {
            "participant_id": scores["participant_id"].astype(str).to_numpy(),
            "scale": scores["scale"].astype(str).to_numpy(),
            "wave": scores["wave"].astype(str).to_numpy(),
            "rater": _raters(scores),
            "score": pd.to_numeric(scores["score"]).to_numpy(dtype=float, na_value=np.nan),
        }
    )
    sub = sub.loc[
        (sub["scale"] == scale) & (sub["rater"] == rater) & sub["participant_id"].isin(set(ids))
    ]
    answered_e = set(sub.loc[sub["wave"] == earlier, "participant_id"])
    answered_l = set(sub.loc[sub["wave"] == later, "participant_id"])
    scored = sub.loc[sub["score"].notna()]
    both = set(scored.loc[scored["wave"] == earlier, "participant_id"]) & set(
        scored.loc[scored["wave"] == later, "participant_id"]
    )
    enrolled = len(ids)
    counts = [
        enrolled,
        int((participants["status"] == "completed").sum()),
        len(answered_e),
        len(answered_l),
        len(both),
    ]
    what = f"scale {scale!r}, rater {rater!r}"
    definitions = [
        "rows of participants (everyone enrolled)",
        "status is 'completed'",
        f"has a {earlier!r} questionnaire for {what} (scored or not)",
        f"has a {later!r} questionnaire for {what} (scored or not)",
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


def baseline_comparison(
    scores: pd.DataFrame,
    *,
    scale: str,
    earlier: str = "pre",
    later: str = "post",
    rater: str = "self",
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Baseline scores of those with and without a later score (is drop-out selective?).

    Parameters
    ----------
    scores : DataFrame
        Long format as for :func:`outcomes_table`.
    scale : str
    earlier, later : str, default "pre", "post"
    rater : str, default "self"
    confidence_level : float, default 0.95

    Returns
    -------
    DataFrame
        One row (so rows of several scales concatenate into one tidy table) with columns
        ``scale, rater, earlier_wave, later_wave, n_with_later, mean_with_later,
        sd_with_later, n_without_later, mean_without_later, sd_without_later,
        mean_difference, ci_low, ci_high, t, df, p_value, hedges_g, g_ci_low, g_ci_high,
        method``. ``mean_difference`` = mean(with) − mean(without): positive means those who
        stayed started higher.

    Warns
    -----
    DegenerateDataWarning
        A group with fewer than two people, or no variance: the tests and g are NaN.

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
    data = _prepare_scores(scores)
    sub = data.loc[(data["scale"] == scale) & (data["rater"] == rater)]
    base = sub.loc[sub["wave"] == earlier].sort_values("participant_id")
    has_later = base["participant_id"].isin(set(sub.loc[sub["wave"] == later, "participant_id"]))
    a = base.loc[has_later, "score"].to_numpy(dtype=float)
    b = base.loc[~has_later, "score"].to_numpy(dtype=float)
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
    return pd.DataFrame(
        [
            {
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
        ]
    )
