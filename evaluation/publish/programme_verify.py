"""``python -m evaluation verify --report programme|comparison``: check a programme report, or
the comparison of programmes, as :mod:`evaluation.publish.verify` checks a cohort's report.

The same six checks, in the same words: every published file against the manifest and the
differencing audit (for a programme report, also against the cohort reports published beside
it); every input's SHA-256; a rebuild in a scratch folder compared field by field with the
manifest (:func:`evaluation.publish.programme_pipeline.build_scope_report`); the notebooks cell by
cell and re-executed with nbval; and every finding re-derived from the processed data with the
package (:func:`derive_scope_findings`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from evaluation.core.errors import EvaluationError
from evaluation.core.io import make_dir, read_json, scratch_dir
from evaluation.core.paths import NOTEBOOKS_DIR, processed_dir
from evaluation.publish.notebook_check import VerifyResult, check_notebooks
from evaluation.publish.programme_pipeline import (
    ReportScope,
    audit_scope,
    build_scope_report,
    prepare_scope,
    scope_threshold,
)
from evaluation.publish.verify import (
    _check_files,
    _check_inputs,
    _compare_findings,
    _compare_manifest,
    _read_manifest,
    _started,
)

__all__ = ["derive_scope_findings", "verify_scope"]


def derive_scope_findings(scope: ReportScope, *, data_dir: Path, params_dir: Path) -> list[dict]:
    """Re-derive a programme report's or comparison's findings from the processed data."""
    from evaluation.data.programme import load_programme_data

    datas = [load_programme_data(p, data_dir=data_dir, params_dir=params_dir) for p in scope.programmes]
    if scope.kind == "programme":
        from evaluation.reports.programme_report import programme_findings

        found = programme_findings(datas[0])
    else:
        from evaluation.reports.comparison_report import comparison_findings

        found = comparison_findings(datas)
    return json.loads(json.dumps(sorted((f.as_dict() for f in found), key=lambda f: f["id"])))


def verify_scope(
    scope: ReportScope,
    *,
    data_dir: Path | str,
    params_dir: Path | str,
    reports_dir: Path | str,
    progress: Callable[[str], None] = lambda message: None,
) -> VerifyResult:
    """Check a programme report or the comparison of programmes; never modifies it.

    Parameters
    ----------
    scope : ReportScope
        Which report.
    data_dir, params_dir, reports_dir : path
        The data, parameter and report folders.
    progress : callable
        Called with one line per step.

    Returns
    -------
    VerifyResult
        One line per check; ``ok`` when nothing differs.

    Raises
    ------
    EvaluationError
        No report, or a ``manifest.json`` that is not a JSON object.
    """
    data_dir, params_dir, reports_dir = Path(data_dir).resolve(), Path(params_dir).resolve(), Path(reports_dir).resolve()
    folder = scope.folder(reports_dir)
    if not (folder / "manifest.json").is_file():
        raise EvaluationError(f"{folder}: no report to verify (run `{scope.make_command}` first)")
    manifest = _read_manifest(folder)
    result = VerifyResult()

    progress("files: comparing every published file with the manifest")
    _check_files(result, manifest, folder)
    progress("disclosure: auditing the published tables against differencing")
    threshold = scope_threshold(scope, params_dir)
    audit = audit_scope(scope, folder, reports_dir=reports_dir, threshold=threshold)
    for problem in audit.problems:
        result.failed(f"disclosure: {problem}")
    if audit.ok:
        result.passed(f"disclosure: no count or statistic of fewer than {threshold} people can be worked out from the "
                      f"published tables ({audit.cells} cells audited)")
    progress("inputs: comparing SHA-256 with the manifest")
    if not _check_inputs(result, manifest, data_dir, params_dir):
        result.failed("rebuild and findings: not re-derived, because the inputs differ from those the report was "
                      "built from")
        return result
    try:
        prepare_scope(scope, data_dir=data_dir, params_dir=params_dir, progress=progress)
    except EvaluationError as exc:
        result.failed(f"rebuild and findings: the data cannot be prepared: {str(exc).splitlines()[0]}")
        return result
    recorded = {i["path"]: i["sha256"] for i in manifest.get("inputs", [])}
    processed = {}
    for programme in scope.programmes:
        processed.update({i["path"]: i["sha256"] for i in
                          read_json(processed_dir(data_dir, programme) / "manifest.json")["inputs"]})
    if processed != recorded:
        result.failed("rebuild and findings: the processed data were built from other inputs than the report")
        return result

    started = _started(manifest)
    if started is None:
        result.failed(f"manifest started_at: {manifest.get('started_at')!r} is not a time (the rebuild uses now)")
        started = datetime.now(UTC)
    with scratch_dir("evaluation-verify-") as scratch:
        rebuilt = make_dir(scratch / "rebuild")
        progress("rebuild: building the report again in a scratch folder, as it was built")
        try:
            again = build_scope_report(scope, rebuilt, data_dir=data_dir, params_dir=params_dir, started=started,
                                       reports_dir=reports_dir, notebooks_dir=NOTEBOOKS_DIR, progress=progress)
        except EvaluationError as exc:
            result.failed(f"rebuild: {str(exc).splitlines()[0]}")
        else:
            _compare_manifest(result, manifest, again)
            check_notebooks(result, manifest, folder, rebuilt, scratch, progress)

    progress("findings: re-deriving from the processed data")
    derived = derive_scope_findings(scope, data_dir=data_dir, params_dir=params_dir)
    try:
        published = read_json(folder / "findings.json")
    except (OSError, ValueError) as exc:
        result.failed(f"findings: findings.json cannot be read ({type(exc).__name__})")
        return result
    _compare_findings(result, published, derived)
    return result
