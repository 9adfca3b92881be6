"""Writing a report notebook's tables, figures and findings into its report folder."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from evaluation.core.io import write_bytes, write_csv, write_json
from evaluation.core.text import spreadsheet_safe
from evaluation.reports.disclosure_plan import WITHHELD
from evaluation.reports.display import show_table
from evaluation.reports.findings import Finding

if TYPE_CHECKING:
    from evaluation.viz.figure import Plot

__all__ = ["Publisher", "published_flags"]


def published_flags(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its ``suppressed`` column's ``primary`` and ``secondary`` both written ``withheld``.

    The disclosure control suppresses a small group (primary) and further groups that would let
    it be worked out (secondary). Published apart, the two labels told a reader which withheld
    cell was the small one: in cohort 3's breakdown, political and academic framework areas (6
    people together) were withheld, political as small and academic as not, so political was 1.
    The evaluator's API keeps both labels; the published files never do. The input is not changed.

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["a", "b", "c"], "suppressed": ["", "primary", "secondary"]})
    >>> published_flags(t)["suppressed"].tolist(), t["suppressed"].tolist()
    (['', 'withheld', 'withheld'], ['', 'primary', 'secondary'])
    """
    if "suppressed" not in frame or frame.empty:
        return frame
    flags = frame["suppressed"]
    marked = flags.isin(["primary", "secondary"])
    if not marked.any():
        return frame
    out = frame.copy()
    out["suppressed"] = flags.astype(object).where(~marked, WITHHELD)
    return out


class Publisher:
    """Writes a report's tables, figures and findings, and displays them in the notebook.

    Parameters
    ----------
    output_dir : path or None
        The report folder (``tables/``, ``figures/`` and ``findings/`` are created in it). None:
        display only (interactive exploration).
    notebook : str
        The notebook's name, used for its findings file.
    """

    def __init__(self, output_dir: Path | str | None, *, notebook: str):
        self.output_dir = Path(output_dir) if output_dir else None
        self.notebook = notebook

    def table(self, name: str, frame: pd.DataFrame, *, display: bool = True, precision: int = 3) -> pd.DataFrame:
        """Write ``tables/<name>.csv`` and display the table rounded to ``precision`` decimals.

        The published CSV is spreadsheet-safe: a text cell that a spreadsheet would run as a
        formula (``=``, ``+``, ``-``, ``@``, tab, carriage return first) starts with ``'``
        (:func:`evaluation.core.text.spreadsheet_safe`); every withheld cell is marked alike
        (:func:`published_flags`).
        """
        if self.output_dir is not None:
            path = self.output_dir / "tables" / f"{name}.csv"
            write_csv(spreadsheet_safe(published_flags(frame)), path)
        if display:
            show_table(frame, precision)
        return frame

    def figure(self, plot: Plot, name: str) -> None:
        """Save ``figures/<name>.png`` and display it with its alternative text.

        The PNG is the Plot's own (:attr:`~evaluation.viz.figure.Plot.png`, rendered once in
        the house style), so the file and the display are the same bytes.
        """
        png = plot.png
        if self.output_dir is not None:
            write_bytes(png, self.output_dir / "figures" / f"{name}.png")
        from IPython.display import Image, display

        display(Image(data=png, format="png", metadata={"alt": plot.alt}))

    def findings(self, findings: list[Finding]) -> None:
        """Write ``findings/<notebook>.json`` (merged into ``findings.json`` by the pipeline)."""
        if self.output_dir is not None:
            path = self.output_dir / "findings" / f"{self.notebook}.json"
            write_json([f.as_dict() for f in findings], path)
