"""An executed report notebook rendered to HTML for commissioners: no code, readable offline.

nbconvert's lab template, extended by ``templates/report/`` (no scripts fetched from the
network; alternative text on figures; a provenance footer; the page's ``<title>``; the style of
``templates/report/evaluation.css``, which makes wide tables wrap on screen and in print). Table
headings and cells that hold codes (``change_ci_high``, ``pre_follow_up``) may break after an
underscore (:func:`break_codes`), so a wide table can wrap inside the page without splitting
words elsewhere. Rendering changes no number and no word.
"""

from __future__ import annotations

import functools
import re
import threading
from pathlib import Path

from evaluation.core.io import write_text
from evaluation.publish.cohort_index import first_heading

__all__ = ["TEMPLATES", "break_codes", "render_html"]

TEMPLATES = Path(__file__).parent / "templates"
_PLAIN_CELL = re.compile(r"(<t[hd]\b[^>]*>)([^<]*)(</t[hd]>)")


def break_codes(html: str) -> str:
    """Let the text of a table's plain cells (no markup inside) break after an underscore
    (``<wbr>``); everything else is left as it is, byte for byte.

    Examples
    --------
    >>> break_codes('<th class="x_y">change_ci_high</th><td>0.45</td><td><b>a_b</b></td>')
    '<th class="x_y">change_<wbr>ci_<wbr>high</th><td>0.45</td><td><b>a_b</b></td>'
    """
    return _PLAIN_CELL.sub(lambda m: m[1] + m[2].replace("_", "_<wbr>") + m[3], html)


@functools.cache
def _exporter():
    """The one HTML exporter of this process: its templates are compiled on its first page
    and reused (about a tenth of a second per page otherwise)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="report", extra_template_basedirs=[str(TEMPLATES)])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.register_filter("break_codes", break_codes)
    return exporter


#: An exporter registers filters of the notebook at hand on each page: one page at a time.
_RENDERING = threading.Lock()


def render_html(notebook, html: Path, *, title: str | None = None) -> None:
    """Render an executed notebook (a path, or the notebook itself as nbformat's node, left
    unchanged) to HTML without code, readable offline; ``title`` is the page's ``<title>``
    (escaped by the template; default: the notebook's first heading)."""
    import copy

    import nbformat

    if isinstance(notebook, (str, Path)):
        nb, stem = nbformat.read(notebook, as_version=4), Path(notebook).stem
    else:
        nb, stem = copy.copy(notebook), Path(html).stem
        nb.metadata = copy.deepcopy(notebook.metadata)
    nb.metadata["title"] = title or first_heading(nb.cells) or stem.replace("_", " ")
    with _RENDERING:
        body, _ = _exporter().from_notebook_node(nb)
    write_text(body, html)
