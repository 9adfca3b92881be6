"""The API reference (`make docs`): it builds without warnings and every internal link resolves.

The reference is built once, into a temporary folder, with the script `make docs` runs
(``docs/build.py``); the build takes several seconds, so the tests that need it are ``slow``
(left out of `make test-quick`). No network is used.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import types
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILD_SCRIPT = ROOT / "docs" / "build.py"

#: Pages the reference must have, by module.
PAGES = ["evaluation", "evaluation.api", "evaluation.stats", "evaluation.data.cohort"]


def _build_module() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("docs_build", BUILD_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Links(HTMLParser):
    """The ids of a page and its links (``href``/``src`` attributes), with their line numbers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif name in ("href", "src"):
                self.links.append((self.getpos()[0], value))


def _parse(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    parser.close()
    return parser


def broken_links(folder: Path) -> list[str]:
    """Every internal link of every HTML page under ``folder`` whose file or anchor is missing."""
    pages = {page.resolve(): _parse(page) for page in sorted(folder.rglob("*.html"))}
    broken = []
    for page, parsed in pages.items():
        for line, link in parsed.links:
            url = urlsplit(link)
            if url.scheme or url.netloc or link.startswith("//"):
                continue  # external (https:, mailto:, data:, ...): not checked, never fetched
            target = (page.parent / unquote(url.path)).resolve() if url.path else page
            where = f"{page.relative_to(folder.resolve())}:{line}: {link}"
            if not target.is_file():
                broken.append(f"{where}: no file {target}")
            elif url.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else _parse(target).ids
                if unquote(url.fragment) not in ids:
                    broken.append(f"{where}: no element with id {url.fragment!r}")
    return broken


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """The reference built as `make docs` builds it, into a temporary folder."""
    output = tmp_path_factory.mktemp("docs") / "_build"
    done = subprocess.run([sys.executable, str(BUILD_SCRIPT), str(output)], cwd=ROOT,
                          capture_output=True, text=True)
    return output, done


@pytest.mark.slow
def test_the_reference_builds_without_warnings(reference):
    output, done = reference
    assert done.returncode == 0, f"the docs build failed:\n{done.stderr}"
    assert "warning" not in done.stderr.lower(), done.stderr
    assert (output / "index.html").is_file()


@pytest.mark.slow
def test_every_internal_link_resolves(reference):
    output, done = reference
    assert done.returncode == 0, done.stderr
    pages = list(output.rglob("*.html"))
    assert len(pages) > 10
    broken = broken_links(output)
    assert not broken, f"{len(broken)} broken link(s):\n" + "\n".join(broken[:50])


@pytest.mark.slow
@pytest.mark.parametrize("module", PAGES)
def test_the_reference_has_a_page_for(reference, module):
    output, done = reference
    assert done.returncode == 0, done.stderr
    page = output / f"{module.replace('.', '/')}.html"
    assert page.is_file(), f"no page for {module}"
    assert '<h1 class="modulename">' in page.read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_landing_page_is_the_package_docstring(reference):
    import evaluation

    output, done = reference
    assert done.returncode == 0, done.stderr
    assert 'url=./evaluation.html"' in (output / "index.html").read_text(encoding="utf-8")
    first_line = evaluation.__doc__.strip().splitlines()[0]
    landing = (output / "evaluation.html").read_text(encoding="utf-8")
    assert first_line.replace("'", "&#39;") in landing or first_line in landing
    # every layer can be reached from the landing page
    for layer in ("core", "stats", "data", "reports", "viz", "publish"):
        assert f'href="evaluation/{layer}.html"' in landing, layer


def test_the_link_check_finds_a_missing_page_and_a_missing_anchor(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.html").write_text('<a href="sub/b.html#there">b</a><a href="#here">x</a>'
                                     '<p id="here"></p><a href="https://example.org/x">out</a>')
    (tmp_path / "sub" / "b.html").write_text('<a href="../a.html">a</a><a href="c.html">c</a>'
                                             '<a href="../a.html#nowhere">n</a>')
    broken = broken_links(tmp_path)
    assert len(broken) == 3, broken
    assert any("sub/b.html#there" in b and "'there'" in b for b in broken)
    assert any("c.html" in b and "no file" in b for b in broken)
    assert any("'nowhere'" in b for b in broken)


def test_references_to_moved_modules_are_caught():
    """The names of the flat layout (before the layers) no longer resolve; their new homes do."""
    build = _build_module()
    here = types.ModuleType("evaluation.somewhere")
    moved = {
        "evaluation.errors.ParameterError": "evaluation.core.errors.ParameterError",
        "evaluation.report": "evaluation.reports.outcome_report",
        "evaluation.plots": "evaluation.viz.outcome_plots",
        "evaluation.scoring.cronbach_alpha": "evaluation.stats.reliability.cronbach_alpha",
    }
    for old, new in moved.items():
        assert not build.resolves(old, here, []), old
        assert build.resolves(new, here, []), new
    # a bare name resolves in the module that uses it, the enclosing class or the builtins
    here.helper = len
    assert build.resolves("helper", here, [])
    assert build.resolves("ValueError", here, [])
    assert not build.resolves("cronbach_alpha", here, [])
    assert build.resolves("copy", here, [dict])
