"""The reports' titles and the cohort index page, ``index.html``, that ties a cohort's reports together.

The index page shows the cohort's title; for each report its title (linked to its HTML), its
headline findings and a link to the notebook as executed; links to every table under
``tables/``, to ``findings.json`` and ``manifest.json``; the price base year and the date the
report was built. It publishes nothing new: each headline is the ``statement`` of a finding of
``findings.json``, word for word (escaped), and :func:`index_outside_findings`, run by the
disclosure audit in every ``evaluate`` and ``verify``, fails the report if one is not. Every
other word comes from the parameters (titles, price base year), the notebooks' first headings
or file names, and is HTML-escaped by the template (Jinja's autoescape).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fnmatch import fnmatchcase
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

from evaluation.core.io import read_text, write_text
from evaluation.data.params import Cohort

__all__ = ["INDEX_FILE", "ReportEntry", "cohort_title", "first_heading", "headlines", "index_outside_findings",
           "render_index", "report_title", "write_index"]

INDEX_FILE = "index.html"
TEMPLATES = Path(__file__).parent / "templates"
#: Headline findings shown per report on the index page, at most.
MAX_HEADLINES = 3
#: The cost report's headline findings, in order (those present are shown): in budget form, what
#: a place costs the commissioner in cash and with participants' time, and what another cohort
#: would cost in cash.
COST_HEADLINES = ("costs.cash_cost_per_participant", "costs.cost_per_participant", "costs.cash_marginal_cost_cohort",
                  "costs.cost_per_completer", "costs.marginal_cost_cohort")
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.M)


def cohort_title(programme_title: str, cohort: int, year: int | None = None) -> str:
    """The cohort's title as the summaries write it: programme, cohort number and year.

    Examples
    --------
    >>> cohort_title("Leading to Deliver", 2, 2004)
    'Leading to Deliver, cohort 2 (2004)'
    >>> cohort_title("Leading to Deliver", 2)
    'Leading to Deliver, cohort 2'
    """
    return f"{programme_title}, cohort {cohort}" + (f" ({year})" if year else "")


def first_heading(cells: Sequence[Mapping]) -> str | None:
    """The text of the first level-1 Markdown heading (``# …``) of a notebook's cells, or None.

    Examples
    --------
    >>> first_heading([{"cell_type": "code", "source": "# a comment"},
    ...                {"cell_type": "markdown", "source": "Intro\\n\\n# Cost per participant\\n\\nText"}])
    'Cost per participant'
    >>> first_heading([{"cell_type": "markdown", "source": "## Only a section"}]) is None
    True
    """
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        found = _HEADING.search("".join(source) if isinstance(source, list) else source)
        if found:
            return found[1]
    return None


def report_title(cohort_name: str, heading: str | None, fallback: str) -> str:
    """A report's title: the cohort's title, then the notebook's first heading (or ``fallback``,
    the notebook's name, when it has none). Plain text; escaped where it is rendered.

    Examples
    --------
    >>> report_title("Leading to Deliver, cohort 2 (2004)", "Cost per participant", "cost_per_participant")
    'Leading to Deliver, cohort 2 (2004) – Cost per participant'
    >>> report_title("Demo, cohort 1", None, "equity_of_access")
    'Demo, cohort 1 – equity of access'
    """
    return f"{cohort_name} – {heading or fallback.replace('_', ' ')}"


def _outcome_headlines(findings: list[dict], comparison: str, band: tuple[float, float], alpha: float) -> list[dict]:
    """The primary scale's mean change and the share who reliably improved, in the first comparison
    (and, with a comparison group, the difference between the groups' changes)."""
    by_id = {f["id"]: f for f in findings}
    for found in findings:
        if fnmatchcase(found["id"], f"outcomes.{comparison}.self.*.reliably_improved"):
            scale = found["id"].split(".")[3]
            return [f for f in (by_id.get(f"outcomes.{comparison}.self.{scale}.mean_change"), found,
                                by_id.get(f"comparison_group.{comparison}.self.{scale}.did")) if f]
    return []


def _cost_headlines(findings: list[dict], comparison: str, band: tuple[float, float], alpha: float) -> list[dict]:
    by_id = {f["id"]: f for f in findings}
    return [by_id[i] for i in COST_HEADLINES if i in by_id]


def _equity_headlines(findings: list[dict], comparison: str, band: tuple[float, float], alpha: float) -> list[dict]:
    """The groups with a disparity as the report labels them (METHODS: the interval excludes 1 and the
    estimate lies outside the band), then the dimensions whose places clearly differ from the eligible
    population's make-up (goodness of fit, p below ``alpha``). Cohort 1's index had none whose whole
    interval lay outside the band and showed three inconclusive groups instead of its disparity."""
    low, high = band
    disparity = [f for f in findings if f["id"].endswith(".relative_likelihood")
                 and all(f.get(k) is not None for k in ("value", "ci_low", "ci_high"))
                 and (f["ci_low"] > 1 or f["ci_high"] < 1) and not low <= f["value"] <= high]
    differs = [f for f in findings if f["id"].endswith(".goodness_of_fit") and f.get("value") is not None
               and f["value"] < alpha]
    return disparity + differs


#: How each report's headlines are chosen from its findings (any other report: its first findings).
HEADLINE_RULES: dict[str, Callable[[list[dict], str, tuple[float, float], float], list[dict]]] = {
    "cohort_evaluation": _outcome_headlines,
    "cost_per_participant": _cost_headlines,
    "equity_of_access": _equity_headlines,
}


def headlines(notebook: str, findings: list[dict], *, comparison: str, band: tuple[float, float],
              confidence_level: float = 0.95, limit: int = MAX_HEADLINES) -> list[dict]:
    """The findings shown on the index page for one report, in the report's own order.

    Parameters
    ----------
    notebook : str
        The report notebook's name (``cohort_evaluation``, ...).
    findings : list of dict
        That notebook's findings (records of ``findings.json``), in the order it wrote them.
    comparison : str
        The cohort's first comparison (``pre_post``): the outcomes shown are for it.
    band : (float, float)
        The equitable band: an equity finding is shown when it is a disparity (its interval
        excludes 1 and its estimate lies outside the band).
    confidence_level : float
        The cohort's: a goodness-of-fit test is shown when its p-value is below 1 − this.
    limit : int
        At most this many.

    Returns
    -------
    list of dict
        The chosen findings, unchanged; where the report's rule finds none, its first findings.

    Examples
    --------
    >>> found = [{"id": "costs.total_cost"}, {"id": "costs.cost_per_completer"}, {"id": "costs.cost_per_participant"}]
    >>> [f["id"] for f in headlines("cost_per_participant", found, comparison="pre_post", band=(0.8, 1.25))]
    ['costs.cost_per_participant', 'costs.cost_per_completer']
    >>> rl = [{"id": "equity.sector.voluntary.relative_likelihood", "value": 0.9, "ci_low": 0.6, "ci_high": 1.39},
    ...       {"id": "equity.sector.goodness_of_fit", "value": 0.003},
    ...       {"id": "equity.local_authority.midlothian.relative_likelihood", "value": 2.56, "ci_low": 1.01,
    ...        "ci_high": 6.5},
    ...       {"id": "equity.age_band.goodness_of_fit", "value": 0.342}]
    >>> [f["id"] for f in headlines("equity_of_access", rl, comparison="pre_post", band=(0.8, 1.25))]
    ['equity.local_authority.midlothian.relative_likelihood', 'equity.sector.goodness_of_fit']
    """
    rule = HEADLINE_RULES.get(notebook)
    chosen = rule(findings, comparison, band, 1 - confidence_level) if rule else []
    return (chosen or findings)[:limit]


@dataclass(frozen=True)
class ReportEntry:
    """One report on the index page: its notebook's name, title and headline findings."""

    notebook: str
    title: str
    headlines: tuple[dict, ...]
    more: int


def render_index(*, title: str, reports: Sequence[ReportEntry], tables: Sequence[str], price_base_year: int,
                 built: date) -> str:
    """The cohort index page as HTML text (every value escaped by the template).

    Parameters
    ----------
    title : str
        The cohort's title (:func:`cohort_title`).
    reports : sequence of ReportEntry
        The reports, in the order they run.
    tables : sequence of str
        File names under ``tables/``.
    price_base_year : int
        The year whose prices all money is in.
    built : date
        When the report was built (the manifest's ``started_at``).

    Examples
    --------
    >>> page = render_index(title="A <b>, cohort 1", tables=["outcomes.csv"], price_base_year=2024,
    ...                     built=date(2026, 1, 2), reports=[ReportEntry("cohort_evaluation", "A <b> – outcomes",
    ...                     ({"id": "x", "statement": "5 < 6 & more"},), 0)])
    >>> "<title>A &lt;b&gt;, cohort 1</title>" in page, "5 &lt; 6 &amp; more" in page, "<b>" in page
    (True, True, False)
    """
    from jinja2 import Environment
    from markupsafe import Markup

    environment = Environment(autoescape=True, keep_trailing_newline=True)
    environment.filters["url"] = lambda name: quote(str(name))
    template = environment.from_string(read_text(TEMPLATES / "index" / "index.html.j2"))
    return template.render(title=title, reports=reports, tables=tables, price_base_year=price_base_year,
                           built=built.isoformat(), css=Markup(read_text(TEMPLATES / "report" / "evaluation.css")))


class _Headlines(HTMLParser):
    """``(finding id, text)`` of every ``<li class="headline" data-finding="…">`` of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self._open: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "li" and "headline" in (values.get("class") or "").split():
            self._open, self._text = values.get("data-finding") or "", []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self._open is not None:
            self.found.append((self._open, "".join(self._text)))
            self._open = None


def index_outside_findings(page: str, findings: list[dict]) -> list[str]:
    """Headlines of the index page that are not, word for word, the statement of the finding they name.

    Examples
    --------
    >>> findings = [{"id": "a", "statement": "5 < 6"}]
    >>> index_outside_findings('<li class="headline" data-finding="a">5 &lt; 6</li>', findings)
    []
    >>> index_outside_findings('<li class="headline" data-finding="a">3 people</li>', findings)
    ["index.html: headline 'a' is not the statement of finding 'a' in findings.json: '3 people'"]
    """
    statements = {f["id"]: f["statement"] for f in findings}
    parser = _Headlines()
    parser.feed(page)
    parser.close()
    problems = []
    for finding, text in parser.found:
        if statements.get(finding) != text:
            problems.append(f"{INDEX_FILE}: headline {finding!r} is not the statement of finding {finding!r} in "
                            f"findings.json: {text[:80]!r}")
    return problems


def write_index(folder: Path, *, title: str, titles: Mapping[str, str], findings: Mapping[str, list[dict]],
                cohort: Cohort, built: date) -> Path:
    """Write ``<folder>/index.html`` for the reports in ``titles`` (in their order), from their
    findings (by notebook, as each wrote them) and the tables present under ``<folder>/tables/``."""
    reports = []
    for notebook, report in titles.items():
        own = findings.get(notebook, [])
        chosen = headlines(notebook, own, comparison=cohort.comparisons[0], band=tuple(cohort.equity.band),
                           confidence_level=cohort.confidence_level)
        reports.append(ReportEntry(notebook, report, tuple(chosen), len(own) - len(chosen)))
    tables = sorted(p.name for p in (folder / "tables").glob("*.csv")) if (folder / "tables").is_dir() else []
    page = render_index(title=title, reports=reports, tables=tables, price_base_year=cohort.price_base_year,
                        built=built)
    return write_text(page, folder / INDEX_FILE)
