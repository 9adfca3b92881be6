"""Why a group of an equity chart has no relative likelihood, in words true of its table.

Used by :func:`evaluation.viz.equity_plots.representation_chart` for its tick labels and
alternative text. A group counted against the eligible population can lack a relative
likelihood only because there is nothing to compare it with (its reference group withheld or
empty): it is benchmarked, and is said so. Counts of people are never said, except a group with
nobody in it ("0 places"), which identifies no one.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["NOT_COMPARED", "not_compared"]

#: Why a published group has no relative likelihood, by the equity table's ``benchmark``.
NOT_COMPARED = {"outside_eligible_population": "outside the eligible population",
                "national_bodies": "national bodies, not compared"}


def not_compared(row: Any, rows: pd.DataFrame) -> tuple[str, str]:
    """The tick label's words ("" for none) and the alternative text's words for a published,
    non-reference group without a relative likelihood; ``rows`` are its dimension's rows.

    Examples
    --------
    >>> rows = pd.DataFrame({"category": ["a", "b"], "suppressed": ["withheld", ""]})
    >>> from types import SimpleNamespace as Row
    >>> not_compared(Row(benchmark="eligible_population", participants=0, reference_category="a"), rows)
    ('no comparison', '0 places; no comparison (reference group withheld)')
    >>> not_compared(Row(benchmark="eligible_population", participants=0, reference_category=None), rows)
    ('no comparison', '0 places; no comparison (no reference group can be shown)')
    >>> not_compared(Row(benchmark="national_bodies"), rows)
    ('national bodies, not compared', 'national bodies, not compared')
    >>> not_compared(Row(), rows)
    ('', 'not benchmarked')
    """
    benchmark = getattr(row, "benchmark", "")
    if benchmark in NOT_COMPARED:
        return NOT_COMPARED[benchmark], NOT_COMPARED[benchmark]
    if benchmark != "eligible_population":
        return "", "not benchmarked"
    reference = getattr(row, "reference_category", None)
    places = "0 places; " if getattr(row, "participants", None) == 0 else ""
    if reference is None or pd.isna(reference) or reference == "":
        why = "no reference group can be shown"
    elif (rows.loc[rows["category"] == reference, "suppressed"].fillna("").astype(str) != "").any():
        why = "reference group withheld"
    else:
        why = "the reference group has no places"
    return "no comparison", f"{places}no comparison ({why})"
