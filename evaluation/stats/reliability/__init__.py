"""Reliability of questionnaire scales: Cronbach's alpha and McDonald's omega total (METHODS.md).

* :func:`cronbach_alpha` — alpha from the covariance matrix of the complete rows, Feldt CI;
  :func:`feldt_interval` that interval from alpha, n and k alone (at any level).
* :func:`omega_total` — McDonald's omega total as R psych's ``omega(x, nfactors = 1)$omega.tot``,
  implemented directly: one-factor minres (ULS) loadings on the Pearson correlations of the
  complete rows.
* :func:`reliability_table` — both per scale × group from recoded long-format responses;
  :func:`reliability_of_codes` the same from answers already coded as integers.

Statistics that cannot be computed (too few items, complete rows or no variance) are NaN and
come with a :class:`~evaluation.core.errors.DegenerateDataWarning`.
"""

from __future__ import annotations

from evaluation.stats.reliability.coefficients import (
    OMEGA_ESTIMATOR,
    UNIQUENESS_LOWER_BOUND,
    AlphaResult,
    OmegaResult,
    cronbach_alpha,
    omega_total,
)
from evaluation.stats.reliability.feldt import feldt_interval
from evaluation.stats.reliability.table import reliability_of_codes, reliability_table

__all__ = [
    "OMEGA_ESTIMATOR",
    "UNIQUENESS_LOWER_BOUND",
    "AlphaResult",
    "OmegaResult",
    "cronbach_alpha",
    "feldt_interval",
    "omega_total",
    "reliability_of_codes",
    "reliability_table",
]
