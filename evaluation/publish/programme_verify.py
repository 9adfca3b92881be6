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
from pathlib import Path

from evaluation.core.io import read_json
from evaluation.core.paths import NOTEBOOKS_DIR, processed_dir
from evaluation.publish.notebook_check import VerifyResult
from evaluation.publish.programme_pipeline import (
    ReportScope,
    audit_scope,
    build_scope_report,
    prepare_scope,
    scope_threshold,
)
from evaluation.publish.report_plan import SHARED_KERNEL_RAW_BYTES, raw_bytes
from evaluation.publish.verify import run_checks

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
    threshold = scope_threshold(scope, params_dir)

    def prepare() -> list[dict]:
        prepare_scope(scope, data_dir=data_dir, params_dir=params_dir, progress=progress)
        inputs: dict[str, dict] = {}
        for programme in scope.programmes:
            for item in read_json(processed_dir(data_dir, programme) / "manifest.json")["inputs"]:
                inputs.setdefault(item["path"], item)
        return list(inputs.values())

    return run_checks(
        folder, scope.make_command, data_dir=data_dir, params_dir=params_dir, threshold=threshold,
        audit=lambda: audit_scope(scope, folder, reports_dir=reports_dir, threshold=threshold), prepare=prepare,
        build=lambda rebuilt, started: build_scope_report(scope, rebuilt, data_dir=data_dir, params_dir=params_dir,
                                                          started=started, reports_dir=reports_dir,
                                                          notebooks_dir=NOTEBOOKS_DIR, progress=progress),
        derive=lambda manifest: derive_scope_findings(scope, data_dir=data_dir, params_dir=params_dir),
        progress=progress,
        concurrent=sum(raw_bytes(data_dir, p) for p in scope.programmes) <= SHARED_KERNEL_RAW_BYTES)
