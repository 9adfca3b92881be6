"""Short, readable displays for the workbench's frozen result objects.

:class:`ResultDisplay` is mixed into result dataclasses (declared with ``repr=False``): the
text repr lists the numbers and summarises tables (``<DataFrame 104 × 6>``) instead of printing
them, and ``_repr_html_`` shows the same as a small table in JupyterLab.
"""

from __future__ import annotations

import dataclasses
import html
import numbers
from typing import Any

__all__ = ["ResultDisplay", "brief"]

#: Longest text shown for one field before it is cut with "…".
MAX_TEXT = 60


def brief(value: Any) -> str:
    """One field in a few characters: numbers to 4 significant digits, tables by their shape.

    Examples
    --------
    >>> import pandas as pd
    >>> brief(0.123456), brief(84), brief(pd.DataFrame({"a": [1, 2]})), brief((0.5, 0.25))
    ('0.1235', '84', '<DataFrame 2 × 1>', '(0.5, 0.25)')
    """
    shape = getattr(value, "shape", None)
    if shape is not None and len(shape) in (1, 2) and not isinstance(value, numbers.Number):
        kind = type(value).__name__
        return f"<{kind} {' × '.join(f'{s:,}' for s in shape)}>"
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, numbers.Integral):
        return f"{int(value)}"
    if isinstance(value, numbers.Real):
        return f"{float(value):.4g}"
    if isinstance(value, tuple | list) and len(value) <= 6 and all(isinstance(v, numbers.Number) for v in value):
        return "(" + ", ".join(brief(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return f"<{type(value).__name__}>"
    if isinstance(value, dict | tuple | list | set):
        return f"<{type(value).__name__} of {len(value)}>"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


class ResultDisplay:
    """Mixin: a short ``repr`` and an HTML table for a result dataclass (declare it ``repr=False``)."""

    def _fields(self) -> list[tuple[str, str]]:
        return [(f.name, brief(getattr(self, f.name))) for f in dataclasses.fields(self) if f.repr]  # type: ignore[arg-type]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(" + ", ".join(f"{k}={v}" for k, v in self._fields()) + ")"

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                       for k, v in self._fields())
        return f"<div><strong>{html.escape(type(self).__name__)}</strong><table>{rows}</table></div>"
