"""What `verify` says when it compares a report with its rebuild (fast: no rebuild is run)."""

from __future__ import annotations

from evaluation.publish.notebook_check import VerifyResult
from evaluation.publish.report_checks import compare_findings, compare_manifest

TABLE, REBUILT, EDITED = "a" * 64, "a" * 64, "b" * 64


def manifest(digest: str) -> dict:
    return {"outputs": [{"path": "tables/outcomes.csv", "sha256": digest}], "seed": 1}


def test_a_file_edited_without_its_manifest_is_not_called_reproduced_by_the_rebuild():
    """The manifest's SHA-256 is the rebuild's, but the published file was edited afterwards:
    the rebuild did not reproduce the file a reader opens (it read 'OK file ...: reproduced
    byte for byte by the rebuild')."""
    result = VerifyResult()
    compare_manifest(result, manifest(TABLE), manifest(REBUILT), {"tables/outcomes.csv": EDITED})
    assert result.differences == ["file tables/outcomes.csv: not reproduced by the rebuild (published file SHA-256 "
                                  "bbbbbbbbbbbb…, rebuilt aaaaaaaaaaaa…, as the manifest records)"]
    assert not any("reproduced byte for byte" in line for line in result.lines)
    assert any(line.startswith("OK    manifest: all 2 fields re-derived") for line in result.lines)


def test_a_file_the_rebuild_reproduces_passes():
    result = VerifyResult()
    compare_manifest(result, manifest(TABLE), manifest(REBUILT), {"tables/outcomes.csv": TABLE})
    assert result.ok
    assert "OK    file tables/outcomes.csv: reproduced byte for byte by the rebuild" in result.lines


def test_a_missing_file_gets_no_rebuild_line_the_files_check_names_it():
    result = VerifyResult()
    compare_manifest(result, manifest(TABLE), manifest(REBUILT), {})
    assert result.ok
    assert not any("tables/outcomes.csv" in line for line in result.lines)


def test_a_finding_without_a_value_is_said_so_in_words():
    """A cohort where nobody reliably improved publishes the cost per reliable improver with no
    value (its line read 're-derived value None matches')."""
    finding = {"id": "costs.cost_per_reliable_improver", "value": None, "ci_low": None, "ci_high": None,
               "statement": "Nobody reliably improved, so the cost per reliable improver is undefined.",
               "unit": "GBP (2024 prices)", "table": "cost_summary"}
    result = VerifyResult()
    compare_findings(result, [finding], [dict(finding)])
    assert result.lines == ["OK    finding costs.cost_per_reliable_improver: re-derived with no value, as published"]
    result = VerifyResult()
    compare_findings(result, [{**finding, "value": 0.5}], [dict(finding)])
    assert result.differences == ["finding costs.cost_per_reliable_improver: value: published 0.5, re-derived no value"]


def test_the_disclosure_verdict_says_whole_cohort_figures_are_published_at_any_size():
    """A cohort of 3 publishes its 3 enrolled and the mean change of its 3 pairs (METHODS:
    whole-cohort results are not suppressed); its verdict read 'no count of 1 to 4 people, and
    no statistic of fewer than 5, can be worked out from the published tables', untrue of it."""
    from evaluation.publish.disclosure_audit import DifferencingAudit
    from evaluation.publish.verify import _check_disclosure

    result = VerifyResult()
    _check_disclosure(result, DifferencingAudit((), 144), 5)
    assert result.lines == ["OK    disclosure: no group's count of 1 to 4 people, and no statistic of a group of fewer "
                            "than 5, can be worked out from the published tables (144 cells audited; a whole cohort's "
                            "own figures are published whatever its size)"]
