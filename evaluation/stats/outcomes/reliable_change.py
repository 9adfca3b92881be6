"""Reliable change of Jacobson & Truax (1991): who changed by more than measurement error.

:func:`reliable_change` gives the shares of participants with reliable improvement, no
reliable change and reliable deterioration; :func:`reliable_change_by_person` each
participant's RCI and category (for bootstraps and costs per improver).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from evaluation.core.errors import ParameterError
from evaluation.core.results import ResultDisplay
from evaluation.stats.outcomes._common import _NAN, _pairs, _sd, _to_float, _warn

__all__ = ["RCI_CRITERION", "ReliableChange", "reliable_change", "reliable_change_by_person"]

#: Jacobson & Truax's criterion: |RCI| above it is reliable change (two-sided p < .05).
RCI_CRITERION = 1.96


@dataclass(frozen=True, repr=False)
class ReliableChange(ResultDisplay):
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


def _check_reliability(reliability: Any, *, estimated: bool = False) -> float:
    """r_xx as a float: a number strictly between 0 and 1, or NaN for "no reliability".

    A value chosen as a parameter outside (0, 1) is a ParameterError. ``estimated=True`` is for
    a coefficient estimated from the data (Cronbach's alpha of the pre wave, which the reports
    pass): alpha cannot exceed 1, so a value above 1 is still refused, but 0, 1 and negative
    alphas do occur in small samples, are degenerate data, and :func:`_rci` warns that reliable
    change is NaN for that scale.
    """
    bad = isinstance(reliability, bool | str)
    try:
        r = float(reliability) if not bad else _NAN
    except (TypeError, ValueError):
        bad = True
    out_of_range = r > 1 if estimated else math.isfinite(r) and not 0 < r < 1
    if bad or out_of_range or math.isinf(r):
        raise ParameterError(
            f"`reliability` must be a number in (0, 1), e.g. Cronbach's alpha of the pre wave "
            f"(NaN for none), got {reliability!r}"
        )
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
        problems.append(f"reliability {reliability:.3g} is not in (0, 1)")
    if x.size == 0:
        problems.append("no complete pairs")
    elif not (np.isfinite(sd) and sd > 0):
        problems.append(f"SD of the earlier wave is {sd:.3g} (fewer than 2 pairs or no variance)")
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
        r_xx of the scale, in (0, 1): the cohort parameter, or Cronbach's alpha of the pre wave
        (an alpha of 0 or below, or of 1, gives NaN and a warning; above 1 is refused).
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
        the S_diff, proportions and counts are NaN. (A reliability estimated from data, such as
        a negative alpha, is degenerate data here; :func:`outcomes_table` refuses a number
        outside (0, 1) given as its parameter.)

    Raises
    ------
    ParameterError
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
    r = _check_reliability(reliability, estimated=True)
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
    r = _check_reliability(reliability, estimated=True)
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
