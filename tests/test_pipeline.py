"""`python -m evaluation evaluate` end to end: outputs of CONTRACT section 4, and failures."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from conftest import numbers_written_with_a_hyphen, run_cli, stacked_brackets, write_demo
from evaluation.core.paths import NOTEBOOKS_DIR, PARAMS_DIR
from evaluation.data.cohort import NoCohortDataError, load_cohort_data
from evaluation.publish.pipeline import NoDataError, NotebookFailedError, evaluate
from evaluation.publish.verify import derive_findings
from evaluation.reports import outcome_report as report

pytestmark = pytest.mark.slow  # every test runs `evaluate` (papermill): not in `make test-quick`

CONTRACT_COLUMNS = {
    "outcomes": [
        "scale", "kirkpatrick_level", "comparison", "rater", "n_pairs", "mean_pre", "sd_pre", "mean_post",
        "sd_post", "mean_change", "change_ci_low", "change_ci_high", "t", "df", "p_value", "p_adjusted",
        "wilcoxon_w_plus", "wilcoxon_p", "d_z", "d_z_ci_low", "d_z_ci_high", "d_av", "g_av", "d_rm",
        "reliability", "rci_improved", "rci_unchanged", "rci_deteriorated",
    ],
    "reliability": ["scale", "wave", "n", "k_items", "alpha", "alpha_ci_low", "alpha_ci_high", "omega_total"],
    "mixed_model": ["scale", "term", "estimate", "se", "ci_low", "ci_high", "p_value", "n_participants",
                    "n_observations"],
    "attrition": ["stage", "n"],
    "cost_summary": ["measure", "value", "ci_low", "ci_high", "unit", "price_base_year"],
    "costs_by_category": ["category", "basis", "amount", "share"],
    "equity": ["dimension", "category", "participants", "eligible", "rate_per_1000", "share_participants",
               "share_eligible", "representation_index", "relative_likelihood", "rl_ci_low", "rl_ci_high", "band",
               "suppressed"],
}


def test_every_contract_table_and_column(synthetic_report):
    _, folder, _ = synthetic_report
    for name, columns in CONTRACT_COLUMNS.items():
        table = pd.read_csv(folder / "tables" / f"{name}.csv")
        assert list(table.columns[: len(columns)]) == columns or set(columns) <= set(table.columns), name
        assert len(table) > 0, name
    outcomes = pd.read_csv(folder / "tables" / "outcomes.csv")
    assert list(outcomes.columns[:28]) == CONTRACT_COLUMNS["outcomes"]
    assert set(outcomes["comparison"]) == {"pre_post", "then_post", "pre_follow_up"}
    assert {"self", "line_manager"} <= set(outcomes["rater"])
    assert {"manifest.json", "findings.json", "cohort_evaluation.ipynb", "cohort_evaluation.html"} <= {
        p.name for p in folder.iterdir()
    }
    assert list((folder / "figures").glob("*.png"))


def test_contract_rows_of_attrition_and_cost_summary(synthetic_report):
    # CONTRACT section 4: the attrition stages; the cost measures, and total = fixed + variable × enrolled
    _, folder, _ = synthetic_report
    attrition = pd.read_csv(folder / "tables" / "attrition.csv")
    flow = attrition[attrition["section"] == "flow"]
    assert list(flow["stage"]) == ["enrolled", "completed_programme", "answered_pre", "answered_post", "scored_both"]
    assert (attrition["section"] == "baseline_comparison").any()
    summary = pd.read_csv(folder / "tables" / "cost_summary.csv").set_index("measure")
    measures = ["total_cost", "fixed_cost", "variable_cost_per_participant", "participant_time_cost",
                "cost_per_enrolled", "cost_per_completer", "cost_per_reliable_improver"]
    assert set(measures) <= set(summary.index)
    value = summary["value"]
    assert value["total_cost"] == pytest.approx(
        value["fixed_cost"] + value["variable_cost_per_participant"] * value["enrolled"], rel=1e-12)
    assert value["cost_per_enrolled"] == pytest.approx(value["total_cost"] / value["enrolled"], rel=1e-12)
    assert (summary.loc[measures, "price_base_year"] == 2024).all()
    equity = pd.read_csv(folder / "tables" / "equity.csv")
    assert not equity.duplicated(["dimension", "category"]).any()


def test_published_tables_and_pages_mark_every_withheld_cell_alike(synthetic_report):
    # "primary" beside "secondary" (and "withheld: small group" beside "withheld: protects a small
    # group" on the pages) told a reader which withheld cell was the small one
    _, folder, _ = synthetic_report
    flags: set[str] = set()
    for path in (folder / "tables").glob("*.csv"):
        table = pd.read_csv(path, keep_default_na=False)
        if "suppressed" in table:
            flags |= set(table["suppressed"].astype(str))
    assert "withheld" in flags and flags <= {"", "withheld"}
    for page in folder.glob("*.html"):
        text = page.read_text()
        assert "small group</td>" not in text and "<td>primary</td>" not in text, page.name
        assert "<td>secondary</td>" not in text, page.name
    equity = (folder / "equity_of_access.html").read_text()
    assert "<td>Withheld</td>" in equity or "<td>Partly withheld</td>" in equity  # partly: a figure still shown


def test_findings_match_the_package_api(synthetic_report):
    root, folder, _ = synthetic_report
    findings = json.loads((folder / "findings.json").read_text())
    assert findings, "no findings"
    for f in findings:
        assert set(f) == {"id", "statement", "value", "ci_low", "ci_high", "unit", "table"}
    # every notebook's findings, re-derived through the package (as `verify` does)
    notebooks = [p.stem for p in sorted(folder.glob("*.ipynb"))]
    expected = derive_findings("leading-to-deliver", 2, data_dir=root / "data", params_dir=PARAMS_DIR,
                               notebooks=notebooks)
    assert findings == expected
    data = load_cohort_data("leading-to-deliver", 2, data_dir=root / "data", params_dir=PARAMS_DIR)
    outcome_ids = {f.id for f in report.outcome_findings(report.outcome_tables(data), data)}
    assert outcome_ids <= {f["id"] for f in findings}
    ids = {f["id"] for f in findings}
    assert "outcomes.pre_post.self.leading_change.d_z" in ids
    assert "attrition.scored_both" in ids


def test_the_reaction_questionnaire_asked_once_is_not_a_data_note(synthetic_report):
    """The reaction questionnaire is asked once, at the end, by design: it has no change for the
    mixed model to model, and the Data notes do not call it "Not computed: too few people"."""
    _, folder, _ = synthetic_report
    if (folder / "tables" / "notes.csv").exists():  # published only when there is a note
        notes = pd.read_csv(folder / "tables" / "notes.csv")
        assert not notes["message"].str.contains("reaction").any(), notes
    assert "scale 'reaction'" not in (folder / "cohort_evaluation.html").read_text()
    modelled = set(pd.read_csv(folder / "tables" / "mixed_model.csv")["scale"])
    assert "reaction" not in modelled and "leading_change" in modelled
    # nor the line managers' questionnaire, asked before and after only: two waves, no mixed model
    assert "observed_leading_change" not in modelled


def test_model_and_shift_tables_list_scales_as_the_outcomes_table_does(synthetic_report):
    """The mixed-model and response-shift tables follow the instruments' order, as the outcomes
    table above them does (not the codes' alphabetical order); attrition's stages read as
    sentences ("answered the questionnaire at wave 'post'", not "has a 'post' questionnaire")."""
    _, folder, _ = synthetic_report
    tables = folder / "tables"
    order = list(dict.fromkeys(pd.read_csv(tables / "outcomes.csv")["scale"]))
    for name in ("mixed_model", "response_shift"):
        scales = list(dict.fromkeys(pd.read_csv(tables / f"{name}.csv")["scale"]))
        assert scales == [s for s in order if s in scales], (name, scales)
    stages = pd.read_csv(tables / "attrition.csv").query("section == 'flow'").set_index("stage")["definition"]
    assert stages["answered_post"].startswith("answered the questionnaire at wave 'post' for scale"), stages


def test_findings_name_the_waves_in_words_not_codes(synthetic_report):
    _, folder, _ = synthetic_report
    statements = {f["id"]: f["statement"] for f in json.loads((folder / "findings.json").read_text())}
    # the index page shows these statements as headlines: no wave code ("pre to post") and no
    # formula symbol ("the per-participant cost v")
    coded = {i: s for i, s in statements.items() if re.search(r"\b(pre|then)\b(?!-test)|\b(post|follow_up)\b|\bcost v\b", s)}
    assert coded == {}
    assert " points from before the programme to the end of the programme (" in \
        statements["outcomes.pre_post.self.leading_change.mean_change"]
    assert "from before the programme to follow-up" in statements["outcomes.pre_follow_up.self.leading_change.d_z"]
    assert "from the then-test to the end of the programme" in statements["outcomes.then_post.self.leading_change.g_av"]


def test_no_finding_writes_a_signed_zero(synthetic_report):
    _, folder, _ = synthetic_report
    findings = json.loads((folder / "findings.json").read_text())
    # cohort 2's reflective practice changed by -0.0012 (d_z -0.0026): "0.00", not "-0.00"
    reflective = next(f for f in findings if f["id"] == "outcomes.pre_post.self.reflective_practice.mean_change")
    assert round(reflective["value"], 2) == 0 and " changed by 0.00 points " in reflective["statement"]
    assert [f["id"] for f in findings if re.search(r"[-+]0\.00\b", f["statement"])] == []


def test_html_has_no_code_and_no_raw_identifier(synthetic_report):
    root, folder, _ = synthetic_report
    from bs4 import BeautifulSoup

    html = (folder / "cohort_evaluation.html").read_text()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select(".jp-CodeCell .jp-Cell-inputWrapper, .jp-InputPrompt, .jp-CodeMirrorEditor, .highlight") == []
    assert "from evaluation import" not in soup.get_text()
    assert soup.select(".jp-OutputArea-output")  # outputs are there
    raw_ids = pd.read_csv(root / "data" / "raw" / "leading-to-deliver" / "participants.csv")["participant_id"]
    published = [p for p in folder.rglob("*") if p.is_file() and p.suffix in (".html", ".ipynb", ".csv", ".json")]
    assert len(published) > 10
    for path in published:
        text = path.read_text()
        assert not any(pid in text for pid in raw_ids), path.name
    assert "Summary for commissioners" in html
    assert re.search(r'<img alt="[^"]{20,}"', html) or re.search(r'alt="[^"]{20,}"', html)


def test_pages_are_what_nbconverts_html_exporter_makes(synthetic_report):
    # rendering.py finishes a page with `accessible` instead of nbconvert's BeautifulSoup pass over
    # the whole page. Reference: nbconvert's own HTMLExporter, same template and settings, whose
    # page is str(BeautifulSoup(page)): ours, parsed and serialised the same way, is that page.
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    from evaluation.publish.rendering import TEMPLATES, _exporter, break_codes, row_count

    _, folder, _ = synthetic_report
    reference = HTMLExporter(template_name="report", extra_template_basedirs=[str(TEMPLATES)])
    reference.exclude_input = reference.exclude_input_prompt = reference.exclude_output_prompt = True
    reference.register_filter("break_codes", break_codes)
    reference.register_filter("row_count", row_count)
    for page in ("cohort_evaluation", "cost_per_participant", "equity_of_access"):
        nb = nbformat.read(folder / f"{page}.ipynb", as_version=4)
        nb.metadata["title"] = page
        ours, _ = _exporter().from_notebook_node(nb)
        theirs, _ = reference.from_notebook_node(nb)
        assert str(BeautifulSoup(ours, "html.parser")) == theirs, page
        assert ours.count('tabindex="0"') == theirs.count('tabindex="0"') > 5, page


def test_a_page_is_the_same_after_the_exporter_was_prepared_with_a_blank_page(synthetic_report, tmp_path):
    """`evaluate` prepares its HTML exporter while the kernels start (`prepare_rendering`: a blank
    page rendered and dropped); the pages rendered after it are those of a fresh exporter."""
    from evaluation.publish import rendering

    _, folder, _ = synthetic_report
    nb = nbformat.read(folder / "cohort_evaluation.ipynb", as_version=4)
    rendering._exporter.cache_clear()
    rendering.render_html(nb, tmp_path / "fresh.html", title="a page")
    rendering._exporter.cache_clear()
    rendering.prepare_rendering()
    assert rendering._exporter.cache_info().currsize == 1
    rendering.render_html(nb, tmp_path / "prepared.html", title="a page")
    assert (tmp_path / "prepared.html").read_bytes() == (tmp_path / "fresh.html").read_bytes()


def test_titles_and_the_cohort_index_page(synthetic_report):
    """Each report's <title> is its own; index.html is published, hashed, and shows each report's
    headline findings word for word with links to the reports and files."""
    from bs4 import BeautifulSoup

    _, folder, _ = synthetic_report
    cohort = "Leading to Deliver, cohort 2 (2004)"
    for page in ("cohort_evaluation", "cost_per_participant", "equity_of_access"):
        soup = BeautifulSoup((folder / f"{page}.html").read_text(), "html.parser")
        heading = soup.find("h1").get_text().rstrip("¶").strip()
        assert soup.title.string == f"{cohort} – {heading}", page
    manifest = json.loads((folder / "manifest.json").read_text())
    recorded = {o["path"]: o["sha256"] for o in manifest["outputs"]}
    index = folder / "index.html"
    assert recorded["index.html"] == hashlib.sha256(index.read_bytes()).hexdigest()
    soup = BeautifulSoup(index.read_text(), "html.parser")
    assert soup.title.string == cohort and soup.h1.get_text() == cohort
    statements = {f["id"]: f["statement"] for f in json.loads((folder / "findings.json").read_text())}
    shown = {li["data-finding"]: li.get_text() for li in soup.select("li.headline")}
    assert shown and all(statements[i] == text for i, text in shown.items())
    assert "outcomes.pre_post.self.leading_change.mean_change" in shown
    assert "costs.cost_per_participant" in shown
    hrefs = {a["href"] for a in soup.find_all("a")}
    assert {"cohort_evaluation.html", "findings.json", "manifest.json", "tables/outcomes.csv"} <= hrefs
    assert all((folder / h).is_file() for h in hrefs)


def test_manifest_records_provenance(synthetic_report):
    _, folder, _ = synthetic_report
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {"inputs", "parameters", "versions", "git", "seeds", "started_at", "finished_at", "outputs"} <= set(manifest)
    assert manifest["parameters"]["cohort"]["cohort"] == 2
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])
    # every input the report read, the other programme's too (the cost report compares with it)
    paths = [i["path"] for i in manifest["inputs"]]
    assert len(paths) == len(set(paths))
    assert {"data/raw/leading-to-deliver/costs.csv", "data/raw/reference/workforce.csv",
            "data/raw/collaborative-leadership/costs.csv", "params/collaborative-leadership/programme.yaml"} <= set(paths)
    compared = pd.read_csv(folder / "tables" / "cost_programme_comparison.csv")
    assert "collaborative-leadership" in set(compared["programme"])


def test_progress_line_per_step(synthetic_report):
    _, _, done = synthetic_report
    for step in ("parameters:", "ingest:", "notebook: running cohort_evaluation.ipynb", "render:", "done:"):
        assert f"[evaluation] {step}" in done.stderr


# ------------------------------------------------------------------------------- failures


def test_cohort_without_parameters_exits_non_zero(tmp_path):
    paths = write_demo(tmp_path)
    done = run_cli("evaluate", "--programme", "demo", "--cohort", "7", "--data-dir", str(paths["data"]),
                   "--params-dir", str(paths["params"]), "--reports-dir", str(tmp_path / "reports"))
    assert done.returncode == 1
    assert "cohort-7.yaml: no parameter file for cohort 7" in done.stderr
    assert not (tmp_path / "reports").exists()


def test_invalid_parameters_exit_non_zero(tmp_path):
    paths = write_demo(tmp_path)
    paths["cohort"].write_text(paths["cohort"].read_text() + "confidence_level: 1.5\n")
    done = run_cli("evaluate", "--programme", "demo", "--cohort", "1", "--data-dir", str(paths["data"]),
                   "--params-dir", str(paths["params"]), "--reports-dir", str(tmp_path / "reports"))
    assert done.returncode == 1
    assert "key `confidence_level`" in done.stderr
    assert not (tmp_path / "reports").exists()


def test_cohort_with_parameters_but_no_data(tmp_path, id_key):
    paths = write_demo(tmp_path)
    (paths["params"] / "demo" / "cohort-2.yaml").write_text(paths["cohort"].read_text().replace("cohort: 1", "cohort: 2"))
    with pytest.raises(NoCohortDataError, match="no participant of programme 'demo' is in cohort 2"):
        evaluate("demo", 2, data_dir=paths["data"], params_dir=paths["params"], reports_dir=tmp_path / "reports")
    assert not (tmp_path / "reports" / "demo" / "cohort-2").exists()


def test_the_parent_process_never_loads_the_answers(tmp_path, id_key, monkeypatch):
    """`evaluate` checks that the cohort has data from the participants' cohort column alone: at a
    million participants the answers are 117 million rows, which only the report notebooks (other
    processes) load."""
    import evaluation.data.cohort
    from evaluation.data.ingest import ingest

    paths = write_demo(tmp_path)
    ingest("demo", data_dir=paths["data"], params_dir=paths["params"])  # processed data up to date
    read_parquet, columns_read = pd.read_parquet, []

    def refuse_answers(path, *args, **kwargs):
        if Path(path).name in ("responses.parquet", "scale_scores.parquet"):
            raise AssertionError(f"the parent process read {path}")
        columns_read.append((Path(path).name, kwargs.get("columns")))
        return read_parquet(path, *args, **kwargs)

    def refuse(*args, **kwargs):
        raise AssertionError("the parent process loaded a cohort's data")

    monkeypatch.setattr(pd, "read_parquet", refuse_answers)
    monkeypatch.setattr(evaluation.data.cohort, "load_cohort_data", refuse)
    folder = evaluate("demo", 1, data_dir=paths["data"], params_dir=paths["params"], reports_dir=tmp_path / "reports")
    assert (folder / "cohort_evaluation.html").is_file() and (folder / "tables" / "outcomes.csv").is_file()
    assert columns_read == [("participants.parquet", ["cohort"])]  # the demo has no `group` column


class _Stop(Exception):
    pass


def test_the_notebooks_writing_no_audited_table_run_in_the_background(tmp_path, id_key, monkeypatch):
    """With forked kernels the differencing audit starts once the audited notebooks have run: the
    other notebooks (the cost report's) are run in the background, so that the audit runs beside
    them rather than after them all. Without forked kernels, none is."""
    import evaluation.publish.pipeline as pipeline
    from evaluation.data.ingest import ingest

    paths = write_demo(tmp_path)
    ingest("demo", data_dir=paths["data"], params_dir=paths["params"])
    asked = []

    def record(notebooks, folder, **kwargs):
        asked.append((kwargs["fork"], list(kwargs["background"])))
        raise _Stop

    monkeypatch.setattr(pipeline, "run_notebooks", record)
    for fork in (True, False):
        monkeypatch.setattr(pipeline, "FORK_KERNELS", fork)
        with pytest.raises(_Stop):
            evaluate("demo", 1, data_dir=paths["data"], params_dir=paths["params"], reports_dir=tmp_path / "reports")
    assert asked == [(True, ["cost_per_participant"]), (False, [])]
    assert set(pipeline.AUDITED_NOTEBOOKS) == {"cohort_evaluation", "equity_of_access"}


def test_programme_without_data(tmp_path, id_key):
    paths = write_demo(tmp_path)
    shutil.rmtree(paths["raw"])
    with pytest.raises(NoDataError, match="no raw data for programme 'demo'"):
        evaluate("demo", 1, data_dir=paths["data"], params_dir=paths["params"], reports_dir=tmp_path / "reports")


def test_a_failing_notebook_leaves_no_report_and_keeps_the_old_one(tmp_path, id_key):
    paths = write_demo(tmp_path)
    reports = tmp_path / "reports"
    good = evaluate("demo", 1, data_dir=paths["data"], params_dir=paths["params"], reports_dir=reports)
    before = sorted(p.relative_to(good).as_posix() for p in good.rglob("*"))
    # (the demo cohort, asked before and after only, says why it has no mixed model in words true of it;
    # it said "fewer than three waves" of a cohort asked before, at the then-test and after)
    assert "this cohort has 2 (before and after)." in (good / "cohort_evaluation.html").read_text()
    broken = tmp_path / "notebooks"
    broken.mkdir()
    nb = nbformat.read(NOTEBOOKS_DIR / "cohort_evaluation.ipynb", as_version=4)
    nb.cells.insert(4, nbformat.v4.new_code_cell("raise RuntimeError('deliberate failure for the test')"))
    nbformat.write(nb, broken / "cohort_evaluation.ipynb")
    with pytest.raises(NotebookFailedError, match=r"cohort_evaluation\.ipynb failed in cell \d+.*deliberate failure"):
        evaluate("demo", 1, data_dir=paths["data"], params_dir=paths["params"], reports_dir=reports,
                 notebooks_dir=broken)
    assert sorted(p.relative_to(good).as_posix() for p in good.rglob("*")) == before
    assert (reports / "demo" / "failed" / "cohort-1" / "cohort_evaluation.ipynb").is_file()
    assert [p.name for p in (reports / "demo").iterdir() if p.name.startswith(".")] == []


#: Code spans a page may show outside a sentence naming a file or parameter: R's `boot` package (the
#: bootstrap's reference), named as R names it.
_CODES_SHOWN_AS_THEY_ARE = {"boot"}


def test_published_pages_use_a_code_only_beside_the_file_or_parameter_it_is_in(synthetic_report):
    # The pages said "(column `limits`)" (a column the page does not show), "(table comparison_limits)"
    # in a figure's alt text, and "the cohort's `bootstrap` resamples": a reader who sees a code must
    # be told where it lives. A code may appear in a sentence that names a file or a parameter; else
    # only a statistic's name that heads its column as it is (g_av), a path, or an R call.
    import html

    from evaluation.reports.labels import header

    _, folder, _ = synthetic_report
    found = []
    for page in sorted(folder.glob("*.html")):
        text = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", page.read_text(encoding="utf-8"), flags=re.S)
        blocks = [b for _, b in re.findall(r"<(p|li)>(.*?)</\1>", text, flags=re.S)]
        blocks += [html.unescape(a) for a in re.findall(r'<img[^>]* alt="([^"]*)"', text)]
        for block in blocks:
            for sentence in re.split(r"(?<=[.!?])\s+", block):
                plain = re.sub(r"<[^>]+>", "", sentence)
                if re.search(r"\.(csv|yaml|json|md)\b|parameter", plain):
                    continue
                codes = [html.unescape(c) for c in re.findall(r"<code>([^<]+)</code>", sentence)]
                codes += re.findall(r"\b(?:table|column) ([a-z]+_[a-z_]+)\b", plain)  # a bare code named as one
                for code in codes:
                    if header(code) == code or "/" in code or "(" in code or code in _CODES_SHOWN_AS_THEY_ARE:
                        continue
                    found.append((page.name, code, " ".join(plain.split())[:120]))
    assert found == []


def test_published_numbers_take_the_minus_sign_as_the_tables_do(synthetic_report):
    # The summaries, findings and figures' alternative text wrote "-0.05" where the tables write
    # "−0.05" (U+2212): one number, two forms. Every negative number now takes the minus sign.
    _, folder, _ = synthetic_report
    hyphens, minus_signs = numbers_written_with_a_hyphen(folder)
    assert hyphens == []
    assert minus_signs > 10  # the report has negative numbers: the check read them


def test_brackets_never_stack_or_nest_and_a_titles_own_bracket_takes_the_aside(synthetic_report):
    # The line managers' scales are titled "Leads change (observed)"; the pages wrote "Leads change
    # (observed) (line manager)" and "(observed) (+0.11 points, …)". An aside now goes into the
    # title's own bracket: "Leads change (observed; line manager)". Nor does a bracket open inside
    # another: "(… understate it (if travel … counted))" in the tornado's text, "£12,241 (GBP (2024
    # prices))" in the programme's findings, "(A: … (1,220 people) vs B: …)" in the comparisons' limits.
    _, folder, _ = synthetic_report
    stacked, merged = stacked_brackets(folder)
    assert stacked == []
    assert merged > 3  # the report has such titles: the check read them
