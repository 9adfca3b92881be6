"""``python -m evaluation verify``: rebuild a cohort's report, compare it with the published one,
re-execute its notebooks with nbval and re-derive every finding.

A reviewer's check that the published report follows from the data, the parameters and the
code, and that nothing in it was changed afterwards. Each check prints a verdict line per item:

1. **files**: every file of the report folder (HTML, the cohort index page ``index.html``,
   figures, tables, notebooks, ``findings.json``) is listed in ``manifest.json`` with its SHA-256, none is missing and none
   was added; then the differencing audit (:mod:`evaluation.publish.disclosure_audit`) reads
   the published tables as a reader would: no group's count of 1 to threshold − 1 people, or statistic of a group of
   fewer than threshold people, may be worked out from them, by subtraction, complement or rate ×
   size (a whole cohort's own figures are published at any size); and every headline of
   ``index.html`` must be a finding's statement, word for word;
2. **inputs**: every input file listed in the manifest still has the SHA-256 recorded there
   (raw data, reference tables and parameter files);
3. **rebuild**: the report is rebuilt in a scratch folder exactly as ``evaluate`` builds it
   (:func:`evaluation.publish.pipeline.build_report`: papermill on the repository's notebooks,
   with this run's data and parameter folders), and every field of the rebuilt manifest is
   compared with the published one and named when it differs: the inputs' hashes and row
   counts, the resolved parameters, the seeds, the package versions, the git commit and
   whether the tree was dirty, the notebooks, and the SHA-256 of every published file. So a
   table, figure, HTML page or ``findings.json`` edited *together with* its hash in the manifest
   is still caught: the rebuild does not reproduce it (and a file edited without its hash is named
   here too: the rebuild gives the manifest's SHA-256, not the published file's). manifest.json
   cannot hash itself; this is what establishes it. The HTML pages and figures are byte-deterministic (figures are saved
   without a ``Software`` stamp; papermill's injected cell gets the fixed id
   ``injected-parameters``; the footer's date is the published ``started_at``, which the rebuild
   reuses). Excluded from the comparison, by name (:data:`VOLATILE_MANIFEST_FIELDS`):
   ``started_at`` and ``finished_at``, and the notebooks' own SHA-256, which instead are
   compared cell by cell (4);
4. **notebooks**: each published notebook is compared, cell by cell, with the rebuilt one:
   every cell's type, id, source, metadata and every output of every code cell, text outputs
   after the sanitising rules of ``nbval-sanitize.cfg``, images (PNG) byte for byte, output
   metadata (the figures' alternative text) exactly. Excluded by name: the notebook's
   ``papermill`` metadata and each cell's ``papermill`` and ``execution`` metadata
   (:data:`VOLATILE_NOTEBOOK_METADATA`, :data:`VOLATILE_CELL_METADATA`: execution times,
   durations, temporary paths), and the values of ``data_dir`` and ``params_dir`` in the cell
   papermill injects (:data:`HOST_PARAMETERS`: where this machine keeps the data);
5. **nbval**: each notebook whose code is the repository's is re-executed with nbval
   (``--nbval``: every code cell's output is compared, not only tagged ones; the current
   environment; ``nbval-sanitize.cfg``) in a scratch folder holding only the notebooks, with
   this run's data and parameter folders. nbval leaves images out of its comparison (it
   compares them only with ``--nbdime``); check 4 compares them byte for byte. A notebook whose
   code differs from the repository's is never executed. A cohort's notebooks are re-executed
   each in a pytest run and kernel of its own, all at once, when its raw data would give each
   notebook a kernel of its own in ``evaluate``
   (:data:`evaluation.publish.report_plan.SHARED_KERNEL_RAW_BYTES`), otherwise one after another
   in one pytest run; pytest loads no plugin but nbval (``NBVAL_ENV``);
6. **findings**: every finding in ``findings.json`` is re-derived from the processed data with
   the package's API and compared (ids, statements, values and intervals); when nbval's kernels
   run at once (check 5), while they run, and its lines are printed after theirs.

Any difference makes the verdict FAIL (exit status 1) and is named. The report must be
verified with the code it was built with (the manifest's git commit) and the same package
versions: a different commit or version is itself a named difference.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from evaluation.core.errors import EvaluationError
from evaluation.core.io import (
    make_dir,
    read_json,
    scratch_dir,
    sha256_file,
)
from evaluation.core.paths import NOTEBOOKS_DIR, report_dir, shown_path
from evaluation.data.freshness import report_inputs
from evaluation.data.params import DEFAULT_DISCLOSURE_THRESHOLD, load_cohort
from evaluation.publish.disclosure_audit import DifferencingAudit, audit_folder
from evaluation.publish.notebook_check import (
    HOST_PARAMETERS,
    SANITIZE,
    VOLATILE_CELL_METADATA,
    VOLATILE_NOTEBOOK_METADATA,
    VerifyResult,
    check_notebooks,
    sanitize_patterns,
)
from evaluation.publish.pipeline import build_report, prepare_data
from evaluation.publish.report_checks import (
    VOLATILE_MANIFEST_FIELDS,
    compare_findings,
    compare_manifest,
)
from evaluation.publish.report_plan import SHARED_KERNEL_RAW_BYTES, early_fork_server, raw_bytes

__all__ = [
    "HOST_PARAMETERS",
    "SANITIZE",
    "VOLATILE_CELL_METADATA",
    "VOLATILE_MANIFEST_FIELDS",
    "VOLATILE_NOTEBOOK_METADATA",
    "VerifyResult",
    "derive_findings",
    "run_checks",
    "sanitize_patterns",
    "verify",
]

def _findings_functions() -> dict[str, Callable]:
    """Notebook name → function(CohortData) returning that notebook's findings."""
    from evaluation.reports import cost_report, equity_report
    from evaluation.reports import outcome_report as report

    return {
        "cohort_evaluation": lambda data: report.outcome_findings(report.outcome_tables(data), data),
        "cost_per_participant": cost_report.cost_findings_for,
        "equity_of_access": equity_report.equity_findings_for,
    }


def derive_findings(programme: str, cohort: int, *, data_dir: Path, params_dir: Path,
                    notebooks: list[str]) -> list[dict]:
    """Re-derive the findings of the given report notebooks from the processed data."""
    import json

    from evaluation.data.cohort import load_cohort_data

    data = load_cohort_data(programme, cohort, data_dir=data_dir, params_dir=params_dir)
    functions = _findings_functions()
    findings: list[dict] = []
    for name in notebooks:
        if name not in functions:
            raise EvaluationError(f"no findings function is known for notebook {name!r}")
        findings += [f.as_dict() for f in functions[name](data)]
    return json.loads(json.dumps(sorted(findings, key=lambda f: f["id"])))


def _resolve(path: str, data_dir: Path, params_dir: Path) -> Path:
    head, _, rest = path.partition("/")
    if head == "data":
        return data_dir / rest
    if head == "params":
        return params_dir / rest
    return Path(path)


def _check_inputs(result: VerifyResult, manifest: dict, data_dir: Path, params_dir: Path) -> bool:
    all_match = True
    for item in manifest.get("inputs", []):
        path = _resolve(item["path"], data_dir, params_dir)
        # the manifest's name of the input, and where it is when that is not a path the user can open
        at = "" if shown_path(path) == item["path"] else f" (at {shown_path(path)})"
        if not path.is_file():
            result.failed(f"input {item['path']}: missing{at} (the manifest records SHA-256 {item['sha256'][:12]}…)")
            all_match = False
        elif (digest := sha256_file(path)) != item["sha256"]:
            result.failed(f"input {item['path']}: SHA-256 {digest[:12]}… differs from the manifest's "
                          f"{item['sha256'][:12]}…{at}")
            all_match = False
        else:
            result.passed(f"input {item['path']}: SHA-256 matches the manifest")
    return all_match


def _check_disclosure(result: VerifyResult, audit: DifferencingAudit, threshold: int) -> None:
    """The differencing audit's result (:mod:`evaluation.publish.disclosure_audit`) as verdict lines."""
    for problem in audit.problems:
        result.failed(f"disclosure: {problem}")
    if audit.ok:
        result.passed(f"disclosure: no group's count of 1 to {threshold - 1} people, and no statistic of a group of fewer "
                      f"than {threshold}, can be worked out from the published tables ({audit.cells} cells audited; a "
                      "whole cohort's own figures are published whatever its size)")


def _check_files(result: VerifyResult, manifest: dict, folder: Path) -> dict[str, str]:
    """Every file of the report folder is in the manifest with its SHA-256, and every file the
    manifest lists is there: a changed, missing or added file (HTML, figure, table, notebook,
    findings) is a named failure. Returns the SHA-256 of each file the manifest lists and the
    folder holds (the rebuild is compared with them)."""
    recorded = {o["path"]: o["sha256"] for o in manifest.get("outputs", [])}
    present = {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}
    present.pop("manifest.json", None)
    digests = {name: sha256_file(present[name]) for name in recorded if name in present}
    bad = 0
    for name, digest in sorted(recorded.items()):
        if name not in present:
            result.failed(f"file {name}: missing (the manifest lists it)")
            bad += 1
        elif digests[name] != digest:
            result.failed(f"file {name}: SHA-256 differs from the manifest (changed after the report was built)")
            bad += 1
    for name in sorted(set(present) - set(recorded)):
        result.failed(f"file {name}: not in the manifest (added after the report was built)")
        bad += 1
    if not bad:
        result.passed(f"files: all {len(recorded)} published files match the manifest")
    return digests


def _started(manifest: dict) -> datetime | None:
    try:
        return datetime.fromisoformat(manifest["started_at"])
    except (KeyError, TypeError, ValueError):
        return None


def _rebuild(result: VerifyResult, manifest: dict, folder: Path, files: dict[str, str],
             build: Callable[[Path, datetime], dict], progress: Callable[[str], None], concurrent: bool,
             meanwhile: Callable[[], None] | None) -> None:
    """Rebuild the report in a scratch folder with ``build(folder, started)``; compare the
    manifest and the published ``files`` (path → SHA-256) and the notebooks (``meanwhile`` runs
    while nbval's kernels do)."""
    started = _started(manifest)
    if started is None:
        result.failed(f"manifest started_at: {manifest.get('started_at')!r} is not a time (the rebuild uses now)")
        started = datetime.now(UTC)
    with scratch_dir("evaluation-verify-") as scratch:
        rebuilt = make_dir(scratch / "rebuild")
        progress("rebuild: building the report again in a scratch folder, as it was built")
        try:
            again = build(rebuilt, started)
        except EvaluationError as exc:
            result.failed(f"rebuild: {str(exc).splitlines()[0]}")
            return
        compare_manifest(result, manifest, again, files)
        check_notebooks(result, manifest, folder, rebuilt, scratch, progress, concurrent=concurrent,
                        meanwhile=meanwhile)


def _read_manifest(folder: Path) -> dict:

    try:
        manifest = read_json(folder / "manifest.json")
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
        raise EvaluationError(f"{folder / 'manifest.json'}: not valid JSON ({exc}); the report cannot be verified") \
            from None
    if not isinstance(manifest, dict):
        raise EvaluationError(f"{folder / 'manifest.json'}: not a JSON object; the report cannot be verified")
    return manifest


def verify(
    programme: str,
    cohort: int,
    *,
    data_dir: Path | str,
    params_dir: Path | str,
    reports_dir: Path | str,
    progress: Callable[[str], None] = lambda message: None,
) -> VerifyResult:
    """Check a cohort's report; see the module docstring. Never modifies the report.

    Parameters
    ----------
    programme, cohort : str, int
        The cohort whose report is checked.
    data_dir, params_dir : path
        The data and parameter folders (the processed data are rebuilt when out of date).
    reports_dir : path
        The folder holding ``<programme>/cohort-<n>/``.
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
    folder = report_dir(reports_dir, programme, cohort)
    try:  # the threshold of the parameter file (whose hash the inputs check compares), not the manifest's word
        threshold = load_cohort(params_dir, programme, cohort).disclosure_threshold
    except EvaluationError:
        threshold = DEFAULT_DISCLOSURE_THRESHOLD

    def prepare() -> list[dict]:
        prepare_data(programme, cohort, data_dir=data_dir, params_dir=params_dir, progress=progress)
        return report_inputs(programme, data_dir=data_dir, params_dir=params_dir)

    def derive(manifest: dict) -> list[dict]:
        notebooks = [Path(n).stem for n in manifest.get("notebooks", [])]
        return derive_findings(programme, cohort, data_dir=data_dir, params_dir=params_dir, notebooks=notebooks)

    # the rebuild's kernels' fork server, started now (as `evaluate` starts it): its imports run on
    # the other core while the published files are checked and audited; it ends with the rebuild
    forks = early_fork_server(programme, data_dir)
    ending = contextlib.ExitStack()
    if forks is not None:
        ending.callback(forks.close)

    def build(rebuilt: Path, started: datetime) -> dict:
        with ending:
            return build_report(programme, cohort, rebuilt, data_dir=data_dir, params_dir=params_dir,
                                started=started, notebooks_dir=NOTEBOOKS_DIR, progress=progress, forks=forks)

    with ending:
        return run_checks(
            folder, f"make evaluate COHORT={cohort}", data_dir=data_dir, params_dir=params_dir, threshold=threshold,
            audit=lambda: audit_folder(folder, threshold=threshold), prepare=prepare, build=build,
            derive=derive, progress=progress,
            concurrent=raw_bytes(data_dir, programme) <= SHARED_KERNEL_RAW_BYTES)


def run_checks(
    folder: Path,
    command: str,
    *,
    data_dir: Path,
    params_dir: Path,
    threshold: int,
    audit: Callable[[], DifferencingAudit],
    prepare: Callable[[], list[dict]],
    build: Callable[[Path, datetime], dict],
    derive: Callable[[dict], list[dict]],
    progress: Callable[[str], None],
    concurrent: bool = False,
) -> VerifyResult:
    """The six checks of the module docstring on the report in ``folder``, for any kind of report.

    ``command`` builds the report (named when there is none); ``audit()`` runs the differencing
    audit; ``prepare()`` brings the processed data up to date and returns their inputs
    (``path``, ``sha256``); ``build(folder, started)`` rebuilds the report and returns its
    manifest; ``derive(manifest)`` re-derives the findings. ``concurrent``: the report's data are
    small enough to be held several times at once (as ``evaluate`` decides for its kernels:
    :data:`evaluation.publish.report_plan.SHARED_KERNEL_RAW_BYTES`): nbval re-executes each
    notebook in a kernel of its own, all at once, and the findings are re-derived meanwhile;
    otherwise one kernel after another, and the findings after them.
    """
    if not (folder / "manifest.json").is_file():
        raise EvaluationError(f"{folder}: no report to verify (run `{command}` first)")
    manifest = _read_manifest(folder)
    result = VerifyResult()

    progress("files: comparing every published file with the manifest")
    files = _check_files(result, manifest, folder)
    progress("disclosure: auditing the published tables against differencing")
    _check_disclosure(result, audit(), threshold)
    progress("inputs: comparing SHA-256 with the manifest")
    if not _check_inputs(result, manifest, data_dir, params_dir):
        result.failed("rebuild and findings: not re-derived, because the inputs differ from those the report was "
                      "built from")
        return result
    try:
        processed = prepare()
    except EvaluationError as exc:
        result.failed(f"rebuild and findings: the data cannot be prepared: {str(exc).splitlines()[0]}")
        return result
    recorded = {i["path"]: i["sha256"] for i in manifest.get("inputs", [])}
    if {i["path"]: i["sha256"] for i in processed} != recorded:
        result.failed("rebuild and findings: the processed data were built from other inputs than the report")
        return result

    findings = VerifyResult()  # their lines follow the notebooks', wherever they were checked
    checked: list[bool] = []

    def check_findings() -> None:
        if checked:
            return
        checked.append(True)
        progress("findings: re-deriving from the processed data")
        derived = derive(manifest)
        try:
            published = read_json(folder / "findings.json")
        except (OSError, ValueError) as exc:
            findings.failed(f"findings: findings.json cannot be read ({type(exc).__name__})")
            return
        compare_findings(findings, published, derived)

    _rebuild(result, manifest, folder, files, build, progress, concurrent, check_findings if concurrent else None)
    check_findings()
    result.extend(findings)
    return result
