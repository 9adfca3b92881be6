"""Do the places follow the workforce distribution? Chi-square or Monte Carlo goodness of fit."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from evaluation.core.results import ResultDisplay
from evaluation.stats.equity._common import _warn

__all__ = ["GoodnessOfFit", "goodness_of_fit"]


@dataclass(frozen=True, repr=False)
class GoodnessOfFit(ResultDisplay, Mapping):
    """The result of :func:`goodness_of_fit`: frozen, and read like the dict it used to be.

    ``res.p_value`` and ``res["p_value"]`` are the same; ``dict(res)`` gives the fields (the
    keys are the field names, in order).
    """

    method: str
    statistic: float
    df: int
    p_value: float
    n: int
    categories: int
    min_expected: float
    draws: int
    seed: int | tuple[int, ...]

    def __getitem__(self, key: str) -> Any:
        if key not in self._keys():
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

    @classmethod
    def _keys(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))


def goodness_of_fit(
    observed: Sequence[float],
    expected: Sequence[float],
    *,
    seed: int | Sequence[int] = 0,
    draws: int = 20_000,
    min_expected: float = 5.0,
) -> GoodnessOfFit:
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
    GoodnessOfFit
        Frozen; fields (also read as keys, ``res["p_value"]``) ``method`` (``chi_square`` or
        ``monte_carlo``), ``statistic`` (Pearson X²), ``df``, ``p_value``, ``n``,
        ``categories``, ``min_expected``, ``draws`` (0 for chi-square), ``seed`` (a sequence
        of seeds as a tuple).

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
              "seed": seed if isinstance(seed, (int, np.integer)) else tuple(seed)}
    keep = w > 0
    if (~keep & (obs > 0)).any():
        raise ValueError("`expected` is 0 for a category with participants: leave such categories out")
    obs, w = obs[keep], w[keep]
    result["categories"], result["df"] = len(obs), max(len(obs) - 1, 0)
    if len(obs) < 2 or n == 0:
        _warn(f"goodness of fit needs at least two categories and one participant (got {len(obs)} and {n:g})")
        return GoodnessOfFit(**result)
    p = w / w.sum()
    exp = n * p
    stat = float(((obs - exp) ** 2 / exp).sum())
    result["statistic"], result["min_expected"] = stat, float(exp.min())
    if exp.min() >= min_expected:
        chi = stats.chisquare(obs, exp)
        result.update(method="chi_square", statistic=float(chi.statistic), p_value=float(chi.pvalue))
        return GoodnessOfFit(**result)
    rng = np.random.default_rng(seed)
    sims = rng.multinomial(int(round(n)), p, size=int(draws))
    sim_stat = ((sims - exp) ** 2 / exp).sum(axis=1)
    exceed = int((sim_stat >= stat - 1e-9 * max(1.0, stat)).sum())
    result.update(method="monte_carlo", p_value=(1 + exceed) / (draws + 1), draws=int(draws))
    return GoodnessOfFit(**result)
