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

__all__ = ["NO_ALT", "TEMPLATES", "accessible", "break_codes", "prepare_rendering", "render_html", "row_count",
           "stderr_texts"]

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


def row_count(rows) -> str:
    """A file's number of rows as the provenance footer writes it, with thousands separators.

    Examples
    --------
    >>> row_count(56256), row_count(1), row_count(1234567.0), row_count("n/a")
    ('56,256 rows', '1 row', '1,234,567 rows', 'n/a rows')
    """
    try:
        n = int(rows)
    except (TypeError, ValueError):
        return f"{rows} rows"
    return f"{n:,} row{'' if n == 1 else 's'}"


#: A ``<div>`` or ``<img>`` start tag; the ``class`` and ``alt`` attributes of one.
_START_TAG = re.compile(r"<(div|img)\b[^>]*>")
_CLASS = re.compile(r'\sclass="([^"]*)"')
_ALT = re.compile(r"\salt=")
#: What nbconvert's HTML exporter gives an image without alternative text (none of the reports'
#: figures: each has its own, from the data it shows).
NO_ALT = "No description has been provided for this image"


def accessible(html: str) -> str:
    """What nbconvert's ``HTMLExporter`` does to a page after its template, without parsing the
    page: an image without alternative text gets :data:`NO_ALT`, and each cell's input and each
    output area can take the keyboard's focus (``tabindex="0"``, appended to the tag's attributes
    as nbconvert's BeautifulSoup pass appends it). The page's ``<body>`` is the ``jp-Notebook``, so
    every ``<div>`` is inside it; tags in text are escaped (``&lt;div``), so only tags match.

    nbconvert parses and re-serialises the whole page with ``html.parser`` for these few
    attributes (0.05–0.27 s per page, up to 1.4 MB of inline figures); the result is the same
    document (``tests/test_pipeline.py`` compares the two, parsed, on every report page).

    Examples
    --------
    >>> accessible('<div class="jp-RenderedImage jp-OutputArea-output"><img src="x.png"></div>')
    '<div class="jp-RenderedImage jp-OutputArea-output" tabindex="0"><img src="x.png" alt="No description has been provided for this image"></div>'
    >>> accessible('<div class="jp-OutputArea-output-x"><img src="y.png" alt="a chart"></div>')
    '<div class="jp-OutputArea-output-x"><img src="y.png" alt="a chart"></div>'
    """
    def attributes(match: re.Match) -> str:
        tag = match[0]
        if match[1] == "img":
            return tag if _ALT.search(tag) else f'{tag[:-1].rstrip("/").rstrip()} alt="{NO_ALT}">'
        classes = _CLASS.search(tag)
        focus = classes and {"jp-Cell-inputWrapper", "jp-OutputArea-output"} & set(classes[1].split())
        return f'{tag[:-1]} tabindex="0">' if focus and "tabindex=" not in tag else tag

    return _START_TAG.sub(attributes, html)


@functools.cache
def _exporter():
    """The one HTML exporter of this process: its templates are compiled on its first page
    and reused (about a tenth of a second per page otherwise).

    nbconvert's ``HTMLExporter``, but the page that its template gives is finished by
    :func:`accessible` instead of a BeautifulSoup pass over the whole page."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            # HTMLExporter.from_notebook_node (nbconvert 7) up to its template, then `accessible`
            language = nb.metadata.get("language_info", {})
            lexer = language.get("pygments_lexer", language.get("name", None))
            self.register_filter("highlight_code", self.filters.get("highlight_code", Highlight2HTML(
                pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return accessible(html), resources

    exporter = ReportExporter(template_name="report", extra_template_basedirs=[str(TEMPLATES)])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.register_filter("break_codes", break_codes)
    exporter.register_filter("row_count", row_count)
    return exporter


#: An exporter registers filters of the notebook at hand on each page: one page at a time.
_RENDERING = threading.Lock()


def prepare_rendering() -> None:
    """Make this process's HTML exporter and compile its templates now, by rendering a blank page
    (dropped), so that the first page costs no more than the others (about 0.4 CPU-seconds
    sooner: ``evaluate`` does it while the report kernels start, when a core is idle)."""
    import nbformat

    blank = nbformat.v4.new_notebook(metadata={"language_info": {"name": "python"}, "title": "blank"})
    with _RENDERING:
        _exporter().from_notebook_node(blank)


def stderr_texts(nb) -> list[str]:
    """What the notebook's cells wrote to stderr (warnings, a library's messages), in order."""
    return ["".join(o.get("text", "")) for c in nb.cells if c.get("cell_type") == "code" for o in c.get("outputs", [])
            if o.get("output_type") == "stream" and o.get("name") == "stderr"]


def render_html(notebook, html: Path, *, title: str | None = None) -> None:
    """Render an executed notebook (a path, or the notebook itself as nbformat's node, left
    unchanged) to HTML without code, readable offline; ``title`` is the page's ``<title>``
    (escaped by the template; default: the notebook's first heading).

    What a cell wrote to stderr (a warning with its file and line, a library's message) is left
    out of the page, which commissioners read: it stays in the executed notebook for reviewers,
    and ``evaluate`` prints it (:func:`stderr_texts`). The workbench's own warnings are the
    reports' data notes; anything on stderr is a defect to fix at its source."""
    import copy

    import nbformat

    if isinstance(notebook, (str, Path)):
        nb, stem = nbformat.read(notebook, as_version=4), Path(notebook).stem
    else:
        nb, stem = copy.copy(notebook), Path(html).stem
        nb.metadata = copy.deepcopy(notebook.metadata)
    nb.cells = [_without_stderr(c) for c in nb.cells]
    nb.metadata["title"] = title or first_heading(nb.cells) or stem.replace("_", " ")
    with _RENDERING:
        body, _ = _exporter().from_notebook_node(nb)
    write_text(body, html)


def _without_stderr(cell):
    """``cell``, or a copy of it without its stderr outputs (the notebook's own cell unchanged)."""
    outputs = cell.get("outputs") or []
    kept = [o for o in outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    if len(kept) == len(outputs):
        return cell
    import copy

    cell = copy.copy(cell)
    cell.outputs = kept
    return cell
