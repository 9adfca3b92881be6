"""Multiplicity: p-values adjusted across a family of tests (Holm, Benjamini–Hochberg).

:func:`adjust_p` calls statsmodels' ``multipletests`` and keeps this package's conventions
around it: NaN p-values are left out of the family, and the result keeps the input's shape.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from evaluation.core.checks import check_choice
from evaluation.core.vocabulary import MULTIPLICITY_METHODS
from evaluation.stats.outcomes._common import _to_float

__all__ = ["adjust_p"]

#: statsmodels' name of each adjustment (``multipletests(method=...)``).
_STATSMODELS_METHOD = {"holm": "holm", "bh": "fdr_bh"}


@contextlib.contextmanager
def _collect_young_objects_only() -> Iterator[None]:
    """Make statsmodels' Holm branch cheap: it calls ``gc.collect()`` on every call.

    That full collection scans every object alive in the session (about 30 ms in a notebook
    holding a cohort, every time a family is adjusted). Objects that already exist are moved to
    the permanent generation for the duration of the call (``gc.freeze``) and back afterwards
    (``gc.unfreeze``), so the collection only scans what the call itself created. Nothing is
    done when the caller has frozen objects of their own.
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


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
    p̃_(i) = min_{j ≥ i} min(1, m/j·p_(j)). Computed by statsmodels'
    ``multipletests(p, method="holm")`` and ``multipletests(p, method="fdr_bh")`` on the
    non-missing p-values (R: ``p.adjust(p, "holm")``, ``p.adjust(p, "BH")``, which also leave
    NaN out of m).

    Examples
    --------
    >>> adjust_p([0.01, 0.04, float("nan"), 0.03], "holm")
    array([0.03, 0.06,  nan, 0.06])
    >>> adjust_p([0.01, 0.04, 0.03], "bh")
    array([0.03, 0.04, 0.04])
    """
    check_choice(method, MULTIPLICITY_METHODS, "method")
    p = _to_float(p_values, "p_values")
    present = ~np.isnan(p)
    if ((p[present] < 0) | (p[present] > 1)).any():
        raise ValueError(f"`p_values` must lie in [0, 1] (or be NaN), got {p[present].tolist()}")
    out = p.copy()
    if present.any() and method != "none":
        with _collect_young_objects_only():
            out[present] = multipletests(p[present], method=_STATSMODELS_METHOD[method])[1]
    if isinstance(p_values, pd.Series):
        return pd.Series(out, index=p_values.index, name=p_values.name)
    return out
