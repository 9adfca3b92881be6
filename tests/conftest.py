"""Shared fixtures: a tiny, valid programme written to a temporary folder, ready to break."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]

# The property tests draw the same examples on every run (the suite passes or fails on the code,
# not on the draw); HYPOTHESIS_PROFILE=explore draws new ones each run, to look for new failures
# (a failure it finds becomes a plain test of its own, as in tests/test_costs.py).
settings.register_profile("reproducible", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "reproducible"))

INSTRUMENT = """\
name: mini
title: Mini instrument
source: illustrative, for tests
response_range: [1, 5]
min_answered: 0.75
primary_scale: s1
waves: [pre, then, post]
scales:
  s1:
    title: Scale one
    kirkpatrick_level: 2
    items: [a1, a2, a3, a4]
    reverse: [a4]
  lm:
    title: Line-manager scale
    kirkpatrick_level: 3
    items: [m1, m2]
    waves: [pre, post]
    raters: [line_manager]
"""
PROGRAMME = """\
name: demo
title: Demo programme
instruments: [mini]
sessions: 6
hours_per_session: 3.5
defaults:
  disclosure_threshold: 5
"""
COHORT = """\
programme: demo
cohort: 1
waves: [pre, post]
comparisons: [pre_post]
"""
PARTICIPANTS = """\
participant_id,cohort,sector,local_authority,role_level,framework_area,gender,enrolled_on,status,sessions_attended
D-001,1,local_authority,fife,middle_manager,operational,female,2005-06-01,completed,6
D-002,1,voluntary,fife,first_line_manager,strategic,male,2005-06-01,completed,5
D-003,1,private,angus,middle_manager,operational,,2005-06-01,withdrew,2
"""
RESPONSES_HEADER = "participant_id,wave,rater,instrument,item,value,responded_on\n"
COSTS = """\
cohort,category,description,amount,price_year,basis
1,delivery,Facilitation,"£12,000.00",2005,fixed
1,materials,Workbooks,45.50,2005,per_participant
,design,Programme design,8000,2004,fixed
"""
WORKFORCE = """\
year,dimension,category,headcount,source
2018,sector,local_authority,1000,test
2018,sector,voluntary,800,test
2018,sector,private,1200,test
2018,local_authority,fife,2000,test
2018,local_authority,angus,1000,test
"""
DEFLATORS = """\
year,index,source
2004,60.00,test
2005,61.57,test
2024,100.00,test
"""


def _responses() -> str:
    rows = []
    values = {"D-001": (3, 4, 3, 2), "D-002": (2, 3, 3, 4), "D-003": (4, 4, 5, 1)}
    for pid, vals in values.items():
        for wave, shift in (("pre", 0), ("post", 1)):
            if pid == "D-003" and wave == "post":
                continue
            for item, v in zip(("a1", "a2", "a3", "a4"), vals, strict=True):
                v = min(5, v + shift) if item != "a4" else max(1, v - shift)
                rows.append(f"{pid},{wave},self,mini,{item},{v},2005-06-01")
            rows.append(f"{pid},{wave},line_manager,mini,m1,3,")
            rows.append(f"{pid},{wave},line_manager,mini,m2,4,")
    return RESPONSES_HEADER + "\n".join(rows) + "\n"


def pytest_collection_modifyitems(config, items):
    """A test that uses the end-to-end report (`synthetic_report`) is ``slow``, marked or not.

    ``slow`` (registered in pyproject.toml) marks the end-to-end tests: `evaluate`, `verify`,
    papermill or nbval, a kernel, the browser. `make test-quick` runs ``pytest -m "not slow"``.
    """
    for item in items:
        if "synthetic_report" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def demo(tmp_path: Path) -> dict[str, Path]:
    """A valid programme `demo` (cohort 1, three participants); returns its paths."""
    return write_demo(tmp_path)


def write_demo(tmp_path: Path) -> dict[str, Path]:
    """Write the `demo` programme under ``tmp_path``; return its paths."""
    data, params = tmp_path / "data", tmp_path / "params"
    raw, ref = data / "raw" / "demo", data / "raw" / "reference"
    for folder in (raw, ref, params / "demo", params / "instruments"):
        folder.mkdir(parents=True)
    (params / "instruments" / "mini.yaml").write_text(INSTRUMENT)
    (params / "demo" / "programme.yaml").write_text(PROGRAMME)
    (params / "demo" / "cohort-1.yaml").write_text(COHORT)
    (raw / "participants.csv").write_text(PARTICIPANTS)
    (raw / "responses.csv").write_text(_responses())
    (raw / "costs.csv").write_text(COSTS)
    (ref / "workforce.csv").write_text(WORKFORCE)
    (ref / "gdp_deflators.csv").write_text(DEFLATORS)
    return {
        "root": tmp_path,
        "data": data,
        "params": params,
        "raw": raw,
        "ref": ref,
        "participants": raw / "participants.csv",
        "responses": raw / "responses.csv",
        "costs": raw / "costs.csv",
        "workforce": ref / "workforce.csv",
        "deflators": ref / "gdp_deflators.csv",
        "cohort": params / "demo" / "cohort-1.yaml",
        "programme": params / "demo" / "programme.yaml",
        "instrument": params / "instruments" / "mini.yaml",
    }


@pytest.fixture
def id_key(monkeypatch):
    """A test pseudonymisation key in the environment."""
    monkeypatch.setenv("EVALUATION_ID_KEY", "test-key-0123456789-abcdef")
    monkeypatch.delenv("EVALUATION_ID_KEY_FILE", raising=False)
    return "test-key-0123456789-abcdef"


def dedent(text: str) -> str:
    return textwrap.dedent(text)


def run_cli(*args: str, key: str = "pipeline-test-key-0123456789") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVALUATION_ID_KEY")}
    env["EVALUATION_ID_KEY"] = key
    return subprocess.run([sys.executable, "-m", "evaluation", *args], capture_output=True, text=True, env=env)


def html_without_build_date(page: Path) -> bytes:
    """A report page's bytes with its build date (the footer's, from the folder's manifest) as
    ``BUILD-DATE``: two builds on either side of midnight differ in it, and only in it."""
    built = json.loads((page.parent / "manifest.json").read_text())["started_at"][:10]
    return page.read_bytes().replace(built.encode(), b"BUILD-DATE")


@pytest.fixture
def png_with_matplotlibs_titles(monkeypatch):
    """``png(draw)``: the PNG of ``draw()`` (a figure function's Plot) with matplotlib placing the
    titles itself, i.e. without the house style's fixed title position (``axes.titley``): a
    figure's own PNG must be the same bytes (:data:`evaluation.viz.figure.PLACEMENT_RC`)."""
    from evaluation.viz import figure

    def png(draw) -> bytes:
        with monkeypatch.context() as patch:
            patch.delitem(figure.PLACEMENT_RC, "axes.titley")
            return draw().png

    return png


@pytest.fixture(scope="session")
def synthetic_report(tmp_path_factory):
    """Synthetic data generated into a temporary folder, and cohort 2's report built from them."""
    from evaluation.core.paths import PARAMS_DIR
    from evaluation.data.synthetic import synthesise

    root = tmp_path_factory.mktemp("e2e")
    synthesise(root / "data", PARAMS_DIR)
    done = run_cli("evaluate", "--programme", "leading-to-deliver", "--cohort", "2", "--data-dir",
                   str(root / "data"), "--params-dir", str(PARAMS_DIR), "--reports-dir", str(root / "reports"))
    assert done.returncode == 0, done.stderr
    return root, root / "reports" / "leading-to-deliver" / "cohort-2", done


def pytest_terminal_summary(terminalreporter):
    """One line counting the hostile-input corpus (``tests/test_corpus.py``): cases tried, cases
    refused correctly, and the names of any that were not."""
    marker = "test_corpus.py::test_hostile_input_is_refused["
    outcomes: dict[str, str] = {}
    for status in ("passed", "failed", "error"):
        for report in terminalreporter.stats.get(status, []):
            nodeid = getattr(report, "nodeid", "")
            if marker in nodeid and outcomes.get(nodeid) != "failed":
                outcomes[nodeid] = "passed" if status == "passed" and report.when == "call" else "failed"
    if not outcomes:
        return
    failed = sorted(n.split(marker, 1)[1].rstrip("]") for n, o in outcomes.items() if o == "failed")
    line = f"hostile-input corpus: {len(outcomes)} tried, {len(outcomes) - len(failed)} refused correctly"
    if failed:
        line += f"; not refused correctly: {', '.join(failed)}"
    terminalreporter.write_line(line, bold=True, red=bool(failed), green=not failed)


SHIPPED_COHORTS = [("leading-to-deliver", c) for c in (1, 2, 3, 4, 5)] + [("collaborative-leadership", 1)]


def shipped_cohorts(*quick: tuple[str, int]) -> list:
    """``pytest.param`` for every shipped cohort; those not in ``quick`` are marked ``slow``."""
    return [pytest.param(p, c, marks=() if (p, c) in quick else pytest.mark.slow) for p, c in SHIPPED_COHORTS]


def read_number(text: str) -> float:
    """A number as the reports write it (a negative one with the minus sign, U+2212), as a float.

    >>> read_number("−0.05"), read_number("+0.30")
    (-0.05, 0.3)
    """
    return float(text.replace("\u2212", "-"))


#: A hyphen-minus written as a number's sign: after a space, a bracket or the start, before a
#: digit or a pound sign (not inside a word, a code such as cohort-2, a date or a range 2004-05).
HYPHEN_AS_MINUS = re.compile(r"(?<![\w.\-–/])-(?=£?\d|\.\d)")


def published_texts(folder: Path) -> list[tuple[str, str]]:
    """What a report folder's pages (text, table cells, figures' alternative text) and findings
    (their text) say, piece by piece, each with the name of its file."""
    import html as html_module

    texts: list[tuple[str, str]] = []
    for page in sorted(folder.glob("*.html")):
        raw = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", page.read_text(encoding="utf-8"), flags=re.S)
        texts += [(page.name, html_module.unescape(t)) for t in re.split(r"<[^>]+>", raw)]
        texts += [(page.name, html_module.unescape(a)) for a in re.findall(r'<img[^>]* alt="([^"]*)"', raw)]
    for finding in json.loads((folder / "findings.json").read_text(encoding="utf-8")):
        texts += [("findings.json", v) for v in finding.values() if isinstance(v, str)]
    return texts


def stacked_brackets(folder: Path) -> tuple[list[tuple[str, str]], int]:
    """Every place a report folder's pages and findings (:func:`published_texts`) open a bracket
    right after closing one ("Leads change (observed) (line manager)") or inside another ("£12,241
    (GBP (2024 prices))"), with its context; and how many asides they took into a bracket of a
    title's own ("(observed; "), so that a test can tell that it read such titles at all."""
    texts = published_texts(folder)
    stacked = [(name, text[max(0, m.start() - 50):m.end() + 30]) for name, text in texts
               for m in re.finditer(r"\) \(", text)]
    for name, text in texts:
        depth = 0
        for i, char in enumerate(text):
            depth += {"(": 1, ")": -1}.get(char, 0)
            if char == "(" and depth == 2:
                stacked.append((name, text[max(0, i - 50):i + 30]))
    return stacked, sum(text.count("(observed; ") for _, text in texts)


def numbers_written_with_a_hyphen(folder: Path) -> tuple[list[tuple[str, str]], int]:
    """Every number a report folder's pages (text, table cells, figures' alternative text) and
    findings (their text) write with a hyphen for its minus sign, with its context; and how many
    minus signs (U+2212) they write, so that a test can tell that it read negative numbers at all."""
    texts = published_texts(folder)
    hyphens = [(name, text[max(0, m.start() - 50):m.end() + 10]) for name, text in texts
               for m in HYPHEN_AS_MINUS.finditer(text)]
    return hyphens, sum(text.count("\u2212") for _, text in texts)
