"""`python -m evaluation programme` and `compare` end to end, then `verify --report …`: the same
guarantees as a cohort's report (issue 12 item 1 and 2)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from conftest import numbers_written_with_a_hyphen, run_cli, stacked_brackets
from evaluation.core.paths import PARAMS_DIR
from evaluation.data.programme import load_programme_data
from evaluation.publish.programme_pipeline import ReportScope
from evaluation.publish.programme_verify import derive_scope_findings

pytestmark = pytest.mark.slow  # papermill end to end


@pytest.fixture(scope="module")
def built(synthetic_report):
    """The programme report of Leading to Deliver and the comparison, built beside cohort 2's report."""
    root, _, _ = synthetic_report
    folders = ["--data-dir", str(root / "data"), "--params-dir", str(PARAMS_DIR), "--reports-dir", str(root / "reports")]
    programme = run_cli("programme", "--programme", "leading-to-deliver", *folders)
    assert programme.returncode == 0, programme.stderr
    compare = run_cli("compare", *folders)
    assert compare.returncode == 0, compare.stderr
    return root, folders, programme, compare


@pytest.mark.parametrize(("folder", "notebook"), [("leading-to-deliver/programme", "programme_evaluation"),
                                                  ("comparison", "programme_comparison")])
def test_the_report_folder_has_html_tables_figures_findings_and_a_manifest(built, folder, notebook):
    root = built[0]
    out = root / "reports" / folder
    assert {f"{notebook}.html", f"{notebook}.ipynb", "findings.json", "manifest.json"} <= {p.name for p in out.iterdir()}
    assert list((out / "tables").glob("*.csv")) and list((out / "figures").glob("*.png"))
    html = (out / f"{notebook}.html").read_text()
    assert "<title>" in html and "load_programme_data" not in html  # no code in the commissioners' HTML
    assert 'class="dataframe"' not in html  # no raw DataFrame repr: tables are shown formatted, or not at all
    manifest = json.loads((out / "manifest.json").read_text())
    listed = {o["path"] for o in manifest["outputs"]}
    assert listed == {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {"manifest.json"}
    assert manifest["scope"] in ("programme", "comparison") and manifest["inputs"]
    assert not (root / "reports" / folder.split("/")[0] / "failed").exists()


def test_the_comparisons_tables_head_the_programme_as_programme(built):
    """The comparison's tables show each programme's title under "Programme" (not "Scale", which
    ``title`` means in a cohort's tables) and its headcounts as whole numbers."""
    from bs4 import BeautifulSoup

    root = built[0]
    soup = BeautifulSoup((root / "reports" / "comparison" / "programme_comparison.html").read_text(), "html.parser")
    heads = [[th.get_text(strip=True) for th in table.select("thead th")] for table in soup.select("table")]
    profile = next(h for h in heads if "Eligible population" in h)
    assert profile[:2] == ["Programme", "Cohorts"] and "Scale" not in profile
    side_by_side = next(h for h in heads if "Basis" in h)
    assert side_by_side[:4] == ["Programme", "Measure", "Scale", "Rated by"]
    scales = {tr.select("td")[2].get_text(strip=True)
              for tr in soup.select("table")[heads.index(side_by_side)].select("tbody tr")}
    assert "Leads change (observed)" in scales and "Observed leading change" not in scales  # the instruments' titles
    measures = {tr.select("td")[1].get_text(strip=True)
                for tr in soup.select("table")[heads.index(side_by_side)].select("tbody tr")}
    # named as the summary above them names them ("cash cost per place"), not "Cost per enrolled"
    assert measures == {"Mean change", "Share who reliably improved", "Share who completed", "Cash cost per place",
                        "Economic cost per place", "Cash cost per reliable improver",
                        "Economic cost per reliable improver"}, measures
    assert not any("(2)" in cell for h in heads for cell in h)
    rows = soup.select("table")[heads.index(profile)].select("tbody tr")
    fewest = [tr.select("td")[profile.index("Eligible staff (fewest)")].get_text(strip=True) for tr in rows]
    assert fewest and all(cell.replace(",", "").isdigit() for cell in fewest), fewest  # 18,320, not 18,320.00


def test_tables_across_cohorts_do_not_call_every_cohort_this_cohort(built):
    """The cost tables that list several cohorts (the programme report's, and the comparison on
    cohort 2's cost page) label a cohort's row "Cohort", not "This cohort" (which the cost
    ledger's ``level`` label once said of every cohort)."""
    from bs4 import BeautifulSoup

    root = built[0]
    pages = [root / "reports" / "leading-to-deliver" / "programme" / "programme_evaluation.html",
             root / "reports" / "leading-to-deliver" / "cohort-2" / "cost_per_participant.html"]
    for page in pages:
        soup = BeautifulSoup(page.read_text(), "html.parser")
        checked = 0
        for table in soup.select("table"):
            heads = [th.get_text(strip=True) for th in table.select("thead th")]
            if "Level" not in heads or "Cohort" not in heads:
                continue
            rows = [[td.get_text(strip=True) for td in tr.select("td")] for tr in table.select("tbody tr")]
            levels = {row[heads.index("Level")]: set() for row in rows}
            for row in rows:
                levels[row[heads.index("Level")]].add(row[heads.index("Cohort")])
            assert set(levels) <= {"Cohort", "Whole programme"}, (page.name, levels)
            assert len(levels["Cohort"]) > 1, (page.name, levels)  # several cohorts, all called "Cohort"
            checked += 1
        assert checked == 1, page.name


def test_the_programme_reports_tables_use_the_instruments_titles_and_plain_headings(built):
    """The pooled, trend and where-it-works tables name scales by the instruments' titles (as the
    summaries do) and head their columns in words, not in the CSV's codes."""
    from bs4 import BeautifulSoup

    page = built[0] / "reports" / "leading-to-deliver" / "programme" / "programme_evaluation.html"
    soup = BeautifulSoup(page.read_text(), "html.parser")
    heads = {th.get_text(strip=True) for th in soup.select("table thead th")}
    cells = {td.get_text(strip=True) for td in soup.select("table tbody td")}
    assert {"Number of cohorts", "I²", "95% prediction interval", "People with both scores, before → after",
            "Clear trend"} <= heads, heads
    assert not heads & {"K", "I2", "Q p", "Pi low", "Pi high", "N cohorts", "N pairs post", "Stated", "CI"}, heads
    assert not [h for h in heads if h.endswith(": CI")], heads  # every interval names its level ("95% CI")
    assert "Leads change (observed)" in cells and "Standardised change (g_av)" in cells
    # a group outside the eligible population (eligible staff 0) says so, as on the cohort page
    assert "Benchmark" in heads and "Outside eligible population" in cells
    assert not cells & {"Observed leading change", "Vision direction", "G av", "False", "True"}, cells


def test_programme_findings_are_re_derived_by_the_package(built):
    root = built[0]
    published = json.loads((root / "reports" / "leading-to-deliver" / "programme" / "findings.json").read_text())
    derived = derive_scope_findings(ReportScope.programme("leading-to-deliver"), data_dir=root / "data",
                                    params_dir=PARAMS_DIR)
    assert published == derived and published


def test_every_programme_table_suppresses_what_the_cohort_reports_withhold(built):
    """No pooled count by group is from 1 to threshold − 1 (the audit across reports runs in the build)."""
    root = built[0]
    threshold = load_programme_data("leading-to-deliver", data_dir=root / "data").disclosure_threshold
    for path in (root / "reports" / "leading-to-deliver" / "programme" / "tables").glob("*.csv"):
        table = pd.read_csv(path)
        if "dimension" not in table:
            continue
        for column in ("participants", "n_pairs"):
            if column in table:
                shown = pd.to_numeric(table[column], errors="coerce").dropna()
                assert not shown.between(1, threshold - 1).any(), (path.name, column)


@pytest.mark.parametrize("report", ["programme", "comparison"])
def test_verify_passes_on_the_report_as_built(built, report):
    root, folders, _, _ = built
    done = run_cli("verify", "--programme", "leading-to-deliver", "--report", report, *folders)
    failures = [line for line in done.stdout.splitlines() if line.startswith("FAIL")]
    assert done.returncode == 0, "\n".join(failures)[:4000] + done.stderr[-2000:]
    assert "verdict: PASS" in done.stdout
    assert "finding programme." in done.stdout or "finding comparison." in done.stdout


def test_verify_names_a_changed_table(built, tmp_path):
    import shutil

    root, folders, _, _ = built
    copy = tmp_path / "reports"
    shutil.copytree(root / "reports", copy)
    table = sorted((copy / "comparison" / "tables").glob("*.csv"))[0]
    table.write_text(table.read_text() + "\n")
    args = [*folders[:-1], str(copy)]
    done = run_cli("verify", "--report", "comparison", *args)
    assert done.returncode == 1
    assert f"file tables/{table.name}: SHA-256 differs from the manifest" in done.stdout


@pytest.mark.parametrize("folder", ["leading-to-deliver/programme", "comparison"])
def test_published_numbers_take_the_minus_sign_as_the_tables_do(built, folder):
    # as a cohort's report (tests/test_pipeline.py): "−0.05" in the sentences as in the tables
    hyphens, minus_signs = numbers_written_with_a_hyphen(built[0] / "reports" / folder)
    assert hyphens == []
    assert minus_signs > 0


@pytest.mark.parametrize(("folder", "least"), [("leading-to-deliver/programme", 1), ("comparison", 0)])
def test_brackets_never_stack_or_nest_and_a_titles_own_bracket_takes_the_aside(built, folder, least):
    # as a cohort's report (tests/test_pipeline.py): "Leads change (observed; line managers' ratings)"
    stacked, merged = stacked_brackets(built[0] / "reports" / folder)
    assert stacked == []
    assert merged >= least  # the programme's pages name the line managers' scales
