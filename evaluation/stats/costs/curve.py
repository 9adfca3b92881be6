"""The cost curve: total, average and marginal cost as a programme grows, cohort by cohort."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.stats.costs.ledger import Ledger

__all__ = ["CURVE_ROWS", "cost_curve"]


#: Above this many programme sizes, :func:`cost_curve` gives a grid of sizes rather than every one.
CURVE_ROWS = 3_000


def cost_curve(ledger: Ledger, *, cohort_size: int | None = None, max_participants: int | None = None) -> pd.DataFrame:
    """Total and average cost as the programme grows, with a step cost for each new cohort.

    Parameters
    ----------
    ledger : Ledger
    cohort_size : int, optional
        Places per cohort (default: this cohort's enrolment); one more cohort is needed every
        ``cohort_size`` participants.
    max_participants : int, optional
        Largest programme size shown (default: three cohorts' worth).

    Returns
    -------
    DataFrame
        ``participants, cohorts, total_cost, average_cost, marginal_cost, price_base_year``
        for 1 … ``max_participants`` participants — every size up to :data:`CURVE_ROWS`; beyond
        that (a cohort of more than 1,000) the sizes 1 … 50, the last place of each cohort and
        the first of the next (where the step is) and about :data:`CURVE_ROWS` evenly spaced
        sizes, so that the table stays a few thousand rows whatever the cohort's size (the
        curve is linear between these points; the marginal cost is still C(N) − C(N − 1)).

    Notes
    -----
    ``C(N) = S + k(N)·F_c + v·N`` with ``k(N) = ⌈N / cohort_size⌉`` cohorts, ``F_c`` the
    cohort's own fixed costs (the step cost of a cohort), ``S`` the cohort's share of
    programme-level costs (spent once), and ``v`` the per-participant cost; the average cost
    is ``C(N)/N`` and the marginal cost ``C(N) − C(N − 1)``: v, plus ``F_c`` when a new cohort
    starts (domain anchors 3.2). At N = n enrolled and one cohort this is the cohort's total
    cost C(n) = F + v·n.

    Examples
    --------
    F_c = 3,000, S = 0, v = 100, cohorts of 2: C(1) = 3,100, C(2) = 3,200, C(3) = 6,300.

    >>> import warnings
    >>> from evaluation.stats.costs import cost_ledger
    >>> d = pd.DataFrame({"year": [2024], "index": [100.0]})
    >>> c = pd.DataFrame({"cohort": [1, 1], "category": ["delivery", "materials"], "description": ["", ""],
    ...                   "amount": [3000.0, 100.0], "price_year": [2024, 2024], "basis": ["fixed", "per_participant"]})
    >>> p = pd.DataFrame({"participant_id": ["a", "b"], "status": ["completed"] * 2})
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     ledger = cost_ledger(c, p, cohort=1, enrolled={1: 2}, deflators=d, base_year=2024)
    >>> cost_curve(ledger, max_participants=3)[["participants", "cohorts", "total_cost", "marginal_cost"]]
       participants  cohorts  total_cost  marginal_cost
    0             1        1      3100.0         3100.0
    1             2        1      3200.0          100.0
    2             3        2      6300.0         3100.0
    """
    size = ledger.enrolled if cohort_size is None else int(cohort_size)
    if size < 1:
        raise ValueError(f"`cohort_size` must be at least 1, got {cohort_size!r}")
    top = 3 * size if max_participants is None else int(max_participants)
    if top < 1:
        raise ValueError(f"`max_participants` must be at least 1, got {max_participants!r}")
    step, v = ledger.cohort_fixed_cost, ledger.variable_cost_per_participant
    shared = ledger.fixed_cost - step
    if top <= CURVE_ROWS:
        n = np.arange(1, top + 1)
    else:  # a national programme: the first 50 sizes, every cohort's step, and an even grid between
        starts = np.arange(size, top + 1, size)
        n = np.unique(np.concatenate([np.arange(1, 51), starts, starts + 1, np.arange(1, top + 1, -(-top // CURVE_ROWS)),
                                      [top]]))
        n = n[n <= top]
    k = -(-n // size)
    total = shared + k * step + v * n
    before = np.where(n > 1, shared + (-(-(n - 1) // size)) * step + v * (n - 1), 0.0)
    marginal = total - before if top > CURVE_ROWS else np.diff(np.concatenate([[0.0], total]))
    return pd.DataFrame({
        "participants": n, "cohorts": k, "total_cost": total, "average_cost": total / n,
        "marginal_cost": marginal, "price_base_year": ledger.base_year,
    })
