"""The reports' glossary and the links from their summaries to it (issue 11, item 4)."""

from __future__ import annotations

import re

import nbformat
import pytest

from evaluation.core.text import md
from evaluation.reports.glossary import (
    GLOSSARY,
    REPORT_TERMS,
    glossary_markdown,
    link_terms,
    report_terms,
    terms_used,
)

REPORTS = ("cohort_evaluation", "equity_of_access", "cost_per_participant")

#: Words a commissioner may not know, written independently of the glossary's own patterns: any of
#: them in a summary needs a glossary entry in that report (add one to the glossary when this fails).
JARGON = [r"\bCIs?\b", r"(?i:confidence interval)", r"(?i:p-value)", r"\bHolm\b", r"Benjamini", r"Jacobson",
          r"(?i:reliable change)", r"(?i:reliabl[ey] improv)", r"\bd(?:\\?_|<sub>)z", r"\bg(?:\\?_|<sub>)av",
          r"Hedges", r"Kirkpatrick", r"Maryland", r"(?i:then-test)", r"Wilcoxon", r"(?i:mixed model)", r"Cronbach",
          r"(?i:omega)", r"(?i:relative likelihood)", r"Katz", r"(?i:representation index)", r"(?i:four-fifths)",
          r"(?i:goodness-of-fit)", r"(?i:chi-square)", r"Gini", r"Lorenz", r"Wilson", r"(?i:withheld|suppress)",
          r"(?i:eligible (?:workforce|population|staff))", r"(?i:protected characteristic)",
          r"(?i:equality duty)", r"Equality Act", r"(?i:price base)", r"\b\d{4} prices", r"(?i:deflator)",
          r"(?i:fully loaded)", r"(?i:cash cost)", r"(?i:economic cost)", r"(?i:opportunity cost)",
          r"(?i:fixed cost)", r"(?i:marginal)", r"(?i:bootstrap)", r"(?i:tornado)", r"(?i:benefit.cost ratio)",
          r"(?i:return on investment)", r"(?i:discount)", r"PSSRU", r"Satterthwaite", r"REML", r"Monte Carlo",
          r"(?i:standard deviation)", r"(?i:effect size)", r"(?i:statistically significant)", r"(?i:multinomial)"]


def test_every_report_term_has_an_entry_with_a_definition_and_a_source():
    anchors = [e.anchor for e in GLOSSARY.values()]
    assert len(anchors) == len(set(anchors))
    for report, keys in REPORT_TERMS.items():
        assert keys and set(keys) <= set(GLOSSARY), report
        assert len(keys) == len(set(keys)), report
    for entry in GLOSSARY.values():
        sentences = re.findall(r"[.!?](?:\s|$)", entry.definition)
        assert 1 <= len(sentences) <= 2, f"{entry.key}: one or two plain sentences, not {len(sentences)}"
        assert entry.source.strip(), entry.key
        assert entry.regex.search(entry.term) or entry.key in {"cash_cost", "fixed_cost", "band", "g_av", "d_z"}, (
            f"{entry.key}: the pattern does not find the term as headed")


def test_the_glossary_has_an_anchor_per_entry_in_alphabetical_order():
    text = glossary_markdown(REPORT_TERMS["equity_of_access"])
    ids = re.findall(r'<a id="(glossary-[a-z-]+)"></a>\*\*([^*]+)\.\*\*', text)
    assert [a for a, _ in ids] == [GLOSSARY[k].anchor for k in sorted(
        REPORT_TERMS["equity_of_access"], key=lambda k: GLOSSARY[k].term.lower())]
    assert [t for _, t in ids] == sorted((t for _, t in ids), key=str.lower)
    assert text.count("*Source: ") == len(REPORT_TERMS["equity_of_access"])


def test_the_first_use_of_each_term_is_linked_once():
    text = "95% CI +0.21 to +0.45. Adjusted by Holm. Holm again; a confidence interval; p-values (Holm)."
    linked = link_terms(text, ["holm", "confidence_interval", "p_value"])
    assert linked == ("95% [CI](#glossary-confidence-interval) +0.21 to +0.45. Adjusted by [Holm](#glossary-holm). "
                      "Holm again; a confidence interval; [p-values](#glossary-p-value) (Holm).")
    assert linked.count("(#glossary-holm)") == 1


def test_linking_is_idempotent():
    text = "Ranges are 95% confidence intervals; p-values are adjusted (Holm); Jacobson & Truax reliable change."
    once = link_terms(text)
    assert once != text
    assert link_terms(once) == once
    assert link_terms(link_terms(once, REPORT_TERMS["cohort_evaluation"])) == once


@pytest.mark.parametrize("protected", [
    "[the Holm method](https://example.org/holm)",  # an existing link
    "`Holm`",  # inline code
    "``Holm`s``",
    "```\nHolm\n```",  # a code block
    '<span title="Holm adjustment">Holm</span>',  # inside an HTML tag (its text is free)
    "## Holm in a heading",
])
def test_no_link_inside_links_code_tags_or_headings(protected):
    linked = link_terms(protected + "\n\nAfter: Holm.", ["holm"])
    assert linked.startswith(protected.split(">")[0])
    kept = linked.replace("[Holm](#glossary-holm)", "Holm", 1)
    assert kept == protected + "\n\nAfter: Holm." or "<span" in protected


def test_text_from_data_stays_escaped_and_links_only_to_the_glossary():
    hostile = md("[Holm](javascript:alert(1)) <script>Gini</script> *CI*")
    linked = link_terms(f"Council: {hostile}. The Gini coefficient and 95% CI.")
    assert "<script>" not in linked and "javascript:alert(1))" not in re.findall(r"\]\(([^)]*)\)", linked)
    assert all(target.startswith("#glossary-") for target in re.findall(r"(?<!\\)\]\(([^)]*)\)", linked))


def test_unknown_entries_are_refused_by_name():
    with pytest.raises(KeyError, match="no_such_term"):
        link_terms("text", ["holm", "no_such_term"])


def check_summary_and_glossary(report: str, summary: str, glossary: str) -> None:
    """Every technical word of a displayed summary has an entry in the report's glossary, its first
    use links to it, and every link lands on an anchor of that glossary."""
    entries = [GLOSSARY[k] for k in REPORT_TERMS[report]]
    for target in re.findall(r"\]\(#(glossary-[a-z-]+)\)", summary):
        assert f'<a id="{target}"></a>' in glossary, f"{report}: the summary links {target}, not in its glossary"
    words = re.sub(r"\(#glossary-[a-z-]+\)", lambda m: " " * len(m.group(0)), summary)  # link targets aside
    for word in JARGON:
        for m in re.finditer(word, words):
            covering = [e for e in entries if any(
                g.start() <= m.start() < g.end() or m.start() <= g.start() < m.end() for g in e.regex.finditer(words))]
            assert covering, f"{report}: {m.group(0)!r} has no glossary entry in this report"
            assert any(f"](#{e.anchor})" in summary for e in covering), f"{report}: {m.group(0)!r} is not linked"
    for key in terms_used(summary, REPORT_TERMS[report]):
        assert f"](#{GLOSSARY[key].anchor})" in summary, f"{report}: the first use of {key} is not linked"


def test_a_summary_with_every_kind_of_term_passes_the_check():
    summary = link_terms("95% CI; p-values adjusted (Holm); Kirkpatrick level 3; Maryland Scientific Methods "
                         "Scale level 1; Jacobson & Truax.", REPORT_TERMS["cohort_evaluation"])
    glossary = glossary_markdown(REPORT_TERMS["cohort_evaluation"])
    check_summary_and_glossary("cohort_evaluation", summary, glossary)
    with pytest.raises(AssertionError, match="Katz"):  # a term the report's glossary lacks
        check_summary_and_glossary("cohort_evaluation", summary + " Katz interval.", glossary)
    with pytest.raises(AssertionError, match="not linked"):  # a term left unlinked
        check_summary_and_glossary("cohort_evaluation", "Ranges are 95% CI.", glossary)


def displayed(notebook) -> tuple[str, str]:
    """The summary and the glossary as an executed report notebook displays them."""
    texts = ["".join(out.get("data", {}).get("text/markdown", "")) for cell in notebook.cells
             if cell.cell_type == "code" for out in cell.get("outputs", [])]
    summary = next(t for t in texts if t.startswith("## Summary"))
    glossary = next(t for t in texts if t.startswith("## Glossary"))
    return summary, glossary


@pytest.mark.parametrize("report", REPORTS)
def test_every_technical_term_of_a_built_summary_is_in_its_glossary(synthetic_report, report):
    _, folder, _ = synthetic_report
    summary, glossary = displayed(nbformat.read(folder / f"{report}.ipynb", as_version=4))
    check_summary_and_glossary(report, summary, glossary)
    html = (folder / f"{report}.html").read_text(encoding="utf-8")
    for target in re.findall(r"\]\(#(glossary-[a-z-]+)\)", summary):
        assert f'href="#{target}"' in html and f'id="{target}"' in html


@pytest.mark.parametrize(("multiplicity", "listed"), [("holm", ["holm"]), ("bh", ["benjamini_hochberg"]),
                                                      ("none", [])])
def test_a_cohort_glossary_lists_only_the_adjustment_its_cohort_uses(multiplicity, listed):
    # The glossary says "Technical terms used in this report"; it listed Benjamini-Hochberg beside
    # Holm whichever the cohort's `multiplicity` parameter chose.
    terms = report_terms("cohort_evaluation", multiplicity=multiplicity)
    assert [k for k in terms if k in ("holm", "benjamini_hochberg")] == listed
    assert set(REPORT_TERMS["cohort_evaluation"]) - set(terms) == {"holm", "benjamini_hochberg"} - set(listed)


def test_a_built_cohort_glossary_has_the_adjustment_it_used_and_not_the_other(synthetic_report):
    _, folder, _ = synthetic_report
    _, glossary = displayed(nbformat.read(folder / "cohort_evaluation.ipynb", as_version=4))
    assert 'id="glossary-holm"' in glossary and "Benjamini" not in glossary  # the shipped parameters: Holm


def test_the_interval_and_between_groups_entries_say_what_the_reports_do():
    # The CI entry said a range of change excluding zero "is evidence of a real change", beside
    # summaries that call such a range not clear after adjusting for several scales ("would count as
    # clear if it were the only scale tested"); Hedges' g compared "those who dropped out with those
    # who stayed", though those without a later score include people who completed the programme.
    entries = {key: e.definition for key, e in GLOSSARY.items()}
    assert "by chance" in entries["confidence_interval"]
    assert "dropped out" not in entries["hedges_g"] and "stayed" not in entries["hedges_g"]
    assert "with and without a score at the end" in entries["hedges_g"]


def test_clear_change_says_its_interval_is_not_adjusted():
    # It read "the interval quoted beside the verdict comes from the same test", but the verdict uses
    # the Holm-adjusted p and the interval is unadjusted: the pilot's Partnership working, +0.21
    # (+0.05 to +0.38), adjusted p 0.054, is not a clear change although its interval excludes 0.
    from evaluation.reports.glossary import GLOSSARY

    text = GLOSSARY["clear_change"].definition
    assert "same test" not in text
    assert "interval quoted beside a cohort's verdict is not adjusted" in text
    assert "can lie wholly on one side of zero while the change is not clear" in text


def test_the_comparison_summary_is_in_plain_words_with_its_glossary():
    # The commissioners' summary read "random-effects pool over 5 cohorts, REML with HKSJ" and "given
    # as cost lines in costs.csv", and the page had no glossary; the profile table's text named
    # "the programme's eligible_population in the workforce reference table".
    from pathlib import Path

    from evaluation.data.programme import load_programme_data
    from evaluation.reports import comparison_report as comp

    tables = comp.comparison_tables([load_programme_data(p) for p in comp.DEFAULT_PROGRAMMES])
    terms = REPORT_TERMS["programme_comparison"]
    summary = link_terms(comp.comparison_summary_markdown(tables), terms)
    for jargon in ("REML", "HKSJ", "costs.csv", "eligible_population", "Wilson"):
        assert jargon not in summary, jargon
    assert "pooled over 5 cohorts by random effects, allowing for the cohorts to differ" in summary
    check_summary_and_glossary("programme_comparison", summary, glossary_markdown(terms))
    source = (Path(__file__).parents[1] / "notebooks" / "programme_comparison.py").read_text(encoding="utf-8")
    assert "glossary_markdown(terms)" in source and "`eligible_population` in the workforce" not in source
