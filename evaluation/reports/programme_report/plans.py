"""Each cohort's disclosure plan, made once for all of the programme report's sections.

The pooled equity table (:func:`~evaluation.reports.programme_report.equity.cohort_cells`) and
the table of where the programme works
(:func:`~evaluation.reports.programme_report.where_disclosure.cohort_published`) both read what
each cohort report withholds from its :func:`~evaluation.reports.disclosure_plan.disclosure_plan`;
:class:`CohortPlans` makes each cohort's plan on first use and hands the same plan to the next
section, with the warnings making it gave, so that each section sees what it would have seen
making the plan itself.
"""

from __future__ import annotations

import warnings

from evaluation.data.cohort import CohortData
from evaluation.reports.disclosure_plan import DisclosurePlan, disclosure_plan

__all__ = ["CohortPlans"]


class CohortPlans:
    """Cohort data → its disclosure plan, made once.

    Calling it with a cohort's data gives :func:`~evaluation.reports.disclosure_plan.disclosure_plan`
    of it, made on the first call for that :class:`~evaluation.data.cohort.CohortData` object and
    kept; every call (the first included) issues again the warnings that making the plan gave,
    under the caller's warning filters.

    Examples
    --------
    >>> plans = CohortPlans()
    >>> len(plans)
    0
    """

    def __init__(self) -> None:
        self._made: dict[int, tuple[CohortData, DisclosurePlan, list[warnings.WarningMessage]]] = {}

    def __len__(self) -> int:
        return len(self._made)

    def __call__(self, data: CohortData) -> DisclosurePlan:
        made = self._made.get(id(data))
        if made is None or made[0] is not data:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                plan = disclosure_plan(data)
            made = self._made[id(data)] = (data, plan, list(caught))
        for w in made[2]:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        return made[1]
