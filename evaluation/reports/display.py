"""Tables as commissioners read them in a notebook or an HTML report (display only)."""

from __future__ import annotations

import pandas as pd

from evaluation.reports.verdicts import format_p

__all__ = ["show_table"]


def show_table(
    frame: pd.DataFrame,
    precision: int = 3,
    *,
    columns: list[str] | None = None,
    titles: dict[str, str] | None = None,
) -> None:
    """Display a table as plain HTML for the report.

    No index; missing and suppressed values as –; p-values below 0.001 as "< 0.001" (:func:`~evaluation.reports.verdicts.format_p`); only
    ``columns`` when given; the ``scale`` column shown by its title when ``titles`` is given.
    Display only: the published CSV keeps full precision and the original names.
    """
    from IPython.display import HTML, display

    shown = frame[columns].copy() if columns else frame.copy()
    if titles and "scale" in shown:
        shown["scale"] = shown["scale"].map(lambda s: titles.get(s, s))
    formatters = {}
    for column in shown.columns:
        if pd.api.types.is_integer_dtype(shown[column]):
            formatters[column] = lambda x: "–" if pd.isna(x) else f"{int(x)}"
            continue
        if not pd.api.types.is_float_dtype(shown[column]):
            continue
        if column.startswith("p_") or column.endswith("_p") or column == "p_value":
            formatters[column] = format_p
        elif shown[column].dropna().eq(shown[column].dropna().round()).all() and column.startswith("n"):
            formatters[column] = lambda x: "–" if pd.isna(x) else f"{x:.0f}"
        else:
            formatters[column] = lambda x, p=precision: "–" if pd.isna(x) else f"{x:.{p}f}"
    html = shown.to_html(index=False, na_rep="–", formatters=formatters, border=0, classes="evaluation-table")
    display(HTML(html))
