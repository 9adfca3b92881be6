"""The cohort index page and the reports' rendering, without a kernel: titles, escaping, headlines,
the audit of the index page, and that rendering changes no number."""

from __future__ import annotations

import json
import re
from datetime import date

import nbformat
import numpy as np
import pandas as pd
from bs4 import BeautifulSoup

from evaluation.publish.cohort_index import (
    INDEX_FILE,
    ReportEntry,
    cohort_title,
    headlines,
    index_outside_findings,
    render_index,
    report_title,
)
from evaluation.publish.disclosure_audit import audit_folder
from evaluation.publish.rendering import render_html

HOSTILE = '<script>alert("x")</script> & "quotes"'


def finding(id_: str, statement: str, value=1.0, ci_low=None, ci_high=None) -> dict:
    return {"id": id_, "statement": statement, "value": value, "ci_low": ci_low, "ci_high": ci_high,
            "unit": "points", "table": "outcomes"}


def test_index_escapes_every_text_from_data_and_parameters():
    entry = ReportEntry("cohort_evaluation", report_title(cohort_title(HOSTILE, 2, 2004), HOSTILE, "x"),
                        (finding("outcomes.x", HOSTILE),), 0)
    page = render_index(title=cohort_title(HOSTILE, 2, 2004), reports=[entry], tables=['a"b<c>.csv'],
                        price_base_year=2024, built=date(2026, 11, 27))
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("script") is None and "<script>" not in page
    assert soup.title.string == f"{HOSTILE}, cohort 2 (2004)"
    assert soup.select_one("li.headline").get_text() == HOSTILE
    assert [a["href"] for a in soup.select("ul.tables a")] == ["tables/a%22b%3Cc%3E.csv"]
    assert "All money is in 2024 prices. Built 2026-11-27." in " ".join(soup.get_text().split())


def test_index_headlines_are_findings_word_for_word():
    findings = [finding("outcomes.pre_post.self.leading_change.mean_change", "Leading change rose by 0.33 points.")]
    page = render_index(title="P, cohort 1", tables=[], price_base_year=2024, built=date(2026, 1, 1),
                        reports=[ReportEntry("cohort_evaluation", "P, cohort 1 – outcomes", tuple(findings), 0)])
    assert index_outside_findings(page, findings) == []
    edited = page.replace("0.33 points", "0.33 points among 3 men in Fife")
    assert index_outside_findings(edited, findings) == [
        "index.html: headline 'outcomes.pre_post.self.leading_change.mean_change' is not the statement of finding "
        "'outcomes.pre_post.self.leading_change.mean_change' in findings.json: 'Leading change rose by 0.33 points "
        "among 3 men in Fife.'"]
    unknown = page.replace('data-finding="outcomes.pre_post', 'data-finding="invented.pre_post')
    assert len(index_outside_findings(unknown, findings)) == 1


def test_the_disclosure_audit_reads_the_index_page(tmp_path):
    (tmp_path / "tables").mkdir()
    findings = [finding("costs.total_cost", "The cohort cost £100.", value=100.0)]
    findings[0]["table"] = "cost_summary"
    pd.DataFrame({"measure": ["total_cost"], "value": [100.0]}).to_csv(tmp_path / "tables" / "cost_summary.csv",
                                                                       index=False)
    (tmp_path / "findings.json").write_text(json.dumps(findings))
    page = render_index(title="P, cohort 1", tables=["cost_summary.csv"], price_base_year=2024,
                        built=date(2026, 1, 1), reports=[ReportEntry("cost_per_participant", "P – costs",
                                                                     tuple(findings), 0)])
    (tmp_path / INDEX_FILE).write_text(page)
    assert audit_folder(tmp_path, threshold=5).ok
    (tmp_path / INDEX_FILE).write_text(page.replace("£100.", "£100; 2 of them were from Moray."))
    audit = audit_folder(tmp_path, threshold=5)
    assert not audit.ok
    assert audit.problems[0].startswith("index.html: headline 'costs.total_cost' is not the statement")


def test_headlines_follow_each_reports_rule_and_fall_back_to_its_first_findings():
    outcomes = [finding(f"outcomes.{c}.self.{s}.{k}", f"{c} {s} {k}")
                for c in ("then_post", "pre_post") for s in ("vision", "leading_change")
                for k in ("d_z", "mean_change")]
    outcomes.insert(5, finding("outcomes.pre_post.self.leading_change.reliably_improved", "19% improved"))
    chosen = headlines("cohort_evaluation", outcomes, comparison="pre_post", band=(0.8, 1.25))
    assert [f["id"] for f in chosen] == ["outcomes.pre_post.self.leading_change.mean_change",
                                         "outcomes.pre_post.self.leading_change.reliably_improved"]
    # with a comparison group, the difference between the groups' changes on that scale follows
    outcomes.append(finding("comparison_group.pre_post.self.leading_change.did", "difference +0.21"))
    chosen = headlines("cohort_evaluation", outcomes, comparison="pre_post", band=(0.8, 1.25))
    assert [f["id"] for f in chosen][2:] == ["comparison_group.pre_post.self.leading_change.did"]
    # no reliable-change finding in this comparison: the report's first findings
    chosen = headlines("cohort_evaluation", outcomes, comparison="then_post", band=(0.8, 1.25), limit=2)
    assert chosen == outcomes[:2]
    equity = [finding("equity.sector.private.relative_likelihood", "a", 0.16, 0.08, 0.32),
              finding("equity.gender.male.relative_likelihood", "b", 1.89, 1.23, 2.91),
              finding("equity.local_authority.fife.relative_likelihood", "c", 1.18, 0.45, 3.10),
              finding("equity.role_level.other.relative_likelihood", "d", 0.0, 0.0, 0.15),
              finding("equity.age_band.55_64.relative_likelihood", "e", 1.6, 1.3, 2.0)]
    chosen = headlines("equity_of_access", equity, comparison="pre_post", band=(0.8, 1.25))
    # a disparity as METHODS and the report label it: the interval excludes 1 and the estimate lies
    # outside the band (men: 1.89, 1.23 to 2.91), not Fife; at most three, in the report's order
    assert [f["statement"] for f in chosen] == ["a", "b", "d"]
    # cohort 1 (2003): its one disparity (Midlothian 2.56, 1.01 to 6.50) and its two dimensions whose
    # places clearly differ from the eligible population, not three inconclusive council areas
    cohort_1 = [finding("equity.local_authority.city_of_edinburgh.relative_likelihood", "f", 0.83, 0.39, 1.79),
                finding("equity.local_authority.clackmannanshire.relative_likelihood", "g", 0.0, 0.0, 6.05),
                finding("equity.local_authority.midlothian.relative_likelihood", "h", 2.56, 1.01, 6.50),
                finding("equity.age_band.goodness_of_fit", "i", 0.342),
                finding("equity.local_authority.goodness_of_fit", "j", 0.002),
                finding("equity.sector.goodness_of_fit", "k", 0.003)]
    chosen = headlines("equity_of_access", cohort_1, comparison="pre_post", band=(0.8, 1.25))
    assert [f["statement"] for f in chosen] == ["h", "j", "k"]
    # at a confidence level of 99.9% neither goodness-of-fit test is clear (0.002 and 0.003 ≥ 0.001)
    chosen = headlines("equity_of_access", cohort_1, comparison="pre_post", band=(0.8, 1.25), confidence_level=0.999)
    assert [f["statement"] for f in chosen] == ["h"]
    assert headlines("another_report", equity, comparison="pre_post", band=(0.8, 1.25), limit=1) == equity[:1]


def test_rendering_changes_no_number_and_escapes_the_title(tmp_path):
    """Every cell of a displayed table reads the same in the HTML (codes may break after an
    underscore, which changes no text); the title from parameters is escaped."""
    rng = np.random.default_rng(11)
    frame = pd.DataFrame({"scale": ["leading_change", "pre_follow_up"], "change_ci_high": rng.normal(size=2),
                          "n_pairs": [84, 5], "p_value": ["<0.001", "0.024"], "note": ["–", "a & b < c"]})
    table_html = frame.to_html(index=False, float_format=lambda x: f"{x:.3f}", classes="evaluation-table")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Cohort evaluation: pre/post outcomes"),
                nbformat.v4.new_code_cell("show()", outputs=[nbformat.v4.new_output(
                    "display_data", data={"text/html": table_html, "text/plain": "table"})])]
    nbformat.write(nb, tmp_path / "report.ipynb")
    render_html(tmp_path / "report.ipynb", tmp_path / "report.html", title=HOSTILE)
    html = (tmp_path / "report.html").read_text()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.title.string == HOSTILE and "<script>alert" not in html
    expected = BeautifulSoup(table_html, "html.parser").find("table")
    rendered = soup.find("table")
    assert [c.get_text() for c in rendered.find_all(["th", "td"])] == [c.get_text() for c in expected.find_all(["th", "td"])]
    assert re.search(r"change_<wbr/?>ci_<wbr/?>high", html)
    render_html(tmp_path / "report.ipynb", tmp_path / "untitled.html")
    assert BeautifulSoup((tmp_path / "untitled.html").read_text(), "html.parser").title.string == \
        "Cohort evaluation: pre/post outcomes"


def test_the_provenance_footer_writes_row_counts_with_thousands_separators(tmp_path):
    # The footer read "responses.csv: SHA-256 4b919bfe9d4bf6e6… (56256 rows)".
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Costs")]
    nb.metadata["evaluation"] = {"provenance": {"summary": "P, cohort 2.", "inputs": [
        {"path": "data/raw/p/responses.csv", "sha256": "4b919bfe9d4bf6e6" * 4, "rows": 56256},
        {"path": "data/raw/p/costs.csv", "sha256": "14587536bcc8210f" * 4, "rows": 1},
        {"path": "data/raw/p/participants.csv", "sha256": "d99ff3893fc88282" * 4, "rows": 1234567},
        {"path": "params/p/programme.yaml", "sha256": "eacac7f0af05ca21" * 4}]}}
    render_html(nb, tmp_path / "page.html")
    footer = BeautifulSoup((tmp_path / "page.html").read_text(), "html.parser").select_one("footer")
    items = [" ".join(li.get_text().split()) for li in footer.find_all("li")]
    assert items == ["data/raw/p/responses.csv: SHA-256 4b919bfe9d4bf6e6… (56,256 rows)",
                     "data/raw/p/costs.csv: SHA-256 14587536bcc8210f… (1 row)",
                     "data/raw/p/participants.csv: SHA-256 d99ff3893fc88282… (1,234,567 rows)",
                     "params/p/programme.yaml: SHA-256 eacac7f0af05ca21…"]


def test_the_page_leaves_out_what_a_cell_wrote_to_stderr_and_the_notebook_keeps_it(tmp_path):
    # The pilot's programme page showed two Python warnings with their file paths and line
    # numbers: stderr is for the evaluator's console and the reviewer's notebook, not the page.
    from evaluation.publish.rendering import stderr_texts

    warning = "/work/evaluation/x.py:87: PoolingWarning: one cohort\n  pooled = pooled_equity(data)\n"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Programme"),
                nbformat.v4.new_code_cell("build()", outputs=[
                    nbformat.v4.new_output("stream", name="stderr", text=warning),
                    nbformat.v4.new_output("stream", name="stdout", text="printed on purpose\n"),
                    nbformat.v4.new_output("display_data", data={"text/markdown": "The summary."})])]
    render_html(nb, tmp_path / "page.html")
    html = (tmp_path / "page.html").read_text()
    assert "PoolingWarning" not in html and "pooled_equity" not in html
    assert "printed on purpose" in html and "The summary." in html
    assert len(nb.cells[1].outputs) == 3  # the notebook itself is left unchanged
    assert stderr_texts(nb) == [warning]


def test_the_report_style_hides_nothing_but_the_empty_prompts():
    from evaluation.publish.rendering import TEMPLATES

    css = (TEMPLATES / "report" / "evaluation.css").read_text()
    assert "visibility: hidden" not in css and "overflow: hidden" not in css
    display_none = [line for line in css.splitlines() if "display: none" in line]
    assert display_none and all("Prompt" in line for line in display_none), display_none


def test_the_further_findings_are_counted_in_plain_words():
    # "66 more finding(s)" was the page's; a reader gets "1 more finding" and "66 more findings"
    def more(n: int) -> str:
        entry = ReportEntry("cohort_evaluation", "P, cohort 1 – outcomes", (finding("outcomes.x", "X."),), n)
        page = render_index(title="P, cohort 1", tables=[], price_base_year=2024, built=date(2026, 1, 1),
                            reports=[entry])
        return " ".join(BeautifulSoup(page, "html.parser").select_one("p.more").get_text().split())

    assert more(1) == "1 more finding in the report and in findings.json."
    assert more(66) == "66 more findings in the report and in findings.json."
