"""What `verify` says when it compares a report with its rebuild (fast: no rebuild is run)."""

from __future__ import annotations

from evaluation.publish.notebook_check import VerifyResult
from evaluation.publish.report_checks import compare_manifest

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

