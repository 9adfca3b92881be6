"""Findings whose numbers are not cells of the published table they cite.

Part of the differencing audit (:mod:`evaluation.publish.disclosure_audit`): the summaries are
written from the findings and the tables, so a finding adds nothing a reader could not take
from the tables only if its value and interval are cells of the table it names.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["findings_outside_tables"]


def findings_outside_tables(findings: list[dict], tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """Findings whose numbers are not cells of the table they cite.

    The audit reads the tables; a finding (and the summary sentence built from it) adds no
    number a reader could not already take from them only if its value and interval are cells
    of the table it names.

    Examples
    --------
    >>> tables = {"outcomes": pd.DataFrame({"mean_change": [0.25]})}
    >>> for problem in findings_outside_tables([{"id": "a", "table": "outcomes", "value": 0.25},
    ...                                         {"id": "b", "table": "outcomes", "value": 0.5}], tables):
    ...     print(problem)
    finding b: its value 0.5 is not a cell of tables/outcomes.csv
    """
    problems = []
    numeric: dict[str, np.ndarray] = {}
    for finding in findings:
        name = finding.get("table")
        numbers = {k: finding.get(k) for k in ("value", "ci_low", "ci_high")
                   if isinstance(finding.get(k), (int, float)) and not isinstance(finding.get(k), bool)
                   and math.isfinite(finding.get(k))}
        if not numbers:
            continue
        table = tables.get(name) if name else None
        if table is None:
            problems.append(f"finding {finding.get('id')}: cites no published table ({name!r}), so its numbers are "
                            "not covered by the audit")
            continue
        if name not in numeric:  # each cited table's numbers once, however many findings cite it
            values = table.select_dtypes("number").to_numpy(dtype="float64").ravel()
            numeric[name] = values[np.isfinite(values)]
        cells = numeric[name]
        for key, number in numbers.items():
            if not np.isclose(cells, number, rtol=1e-9, atol=1e-12).any():
                problems.append(f"finding {finding.get('id')}: its {key.replace('_', ' ')} {number!r} is not a cell "
                                f"of tables/{name}.csv")
    return problems
