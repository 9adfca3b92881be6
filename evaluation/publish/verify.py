"""``python -m evaluation verify``: re-execute a cohort's report and re-derive every finding.

A reviewer's check that the published report follows from the data, the parameters and the
code. Three checks, each printing a verdict line per item:

1. **inputs**: every input file listed in the report's ``manifest.json`` still has the SHA-256
   recorded there (raw data, reference tables and parameter files);
2. **notebooks**: each executed notebook is re-executed with nbval (``--nbval-lax``, the
   current environment, the sanitising rules in ``nbval-sanitize.cfg``) in a scratch copy of
   the report folder; cells tagged ``nbval-check-output`` (the key findings) must give the same
   outputs, and every table the re-executed notebook writes must be byte-identical to the
   published one;
3. **findings**: every finding in ``findings.json`` is re-derived from the processed data with
   the package's API and compared (ids, statements, values and intervals).

Any difference makes the verdict FAIL (exit status 1) and is named.
"""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from evaluation.core.errors import EvaluationError
from evaluation.core.io import (
    copy_tree,
    read_bytes,
    read_json,
    remove_tree,
    scratch_dir,
    sha256_file,
    write_text,
)
from evaluation.core.paths import processed_dir, report_dir
from evaluation.data.ingest import ingest, is_up_to_date

__all__ = ["SANITIZE", "VerifyResult", "derive_findings", "verify"]

SANITIZE = Path(__file__).parent / "nbval-sanitize.cfg"
#: Relative tolerance when comparing re-derived finding values (reports are deterministic; this
#: only absorbs the last bit of floating-point formatting).
TOLERANCE = 1e-12


@dataclass
class VerifyResult:
    """Every check's verdict; ``ok`` is True only when nothing differs."""

    lines: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences

    def passed(self, text: str) -> None:
        self.lines.append(f"OK    {text}")

    def failed(self, text: str) -> None:
        self.lines.append(f"FAIL  {text}")
        self.differences.append(text)


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


def _same_number(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


def _resolve(path: str, data_dir: Path, params_dir: Path) -> Path:
    head, _, rest = path.partition("/")
    if head == "data":
        return data_dir / rest
    if head == "params":
        return params_dir / rest
    return Path(path)


def _check_inputs(result: VerifyResult, manifest: dict, data_dir: Path, params_dir: Path) -> bool:
    all_match = True
    for item in manifest["inputs"]:
        path = _resolve(item["path"], data_dir, params_dir)
        if not path.is_file():
            result.failed(f"input {item['path']}: missing (the manifest records SHA-256 {item['sha256'][:12]}…)")
            all_match = False
        elif (digest := sha256_file(path)) != item["sha256"]:
            result.failed(f"input {item['path']}: SHA-256 {digest[:12]}… differs from the manifest's "
                          f"{item['sha256'][:12]}…")
            all_match = False
        else:
            result.passed(f"input {item['path']}: SHA-256 matches the manifest")
    return all_match


def _run_nbval(result: VerifyResult, notebooks: list[Path], scratch: Path) -> None:
    """Re-execute every notebook in one pytest run (kernels one after another)."""
    if not notebooks:
        return
    ini = scratch / "pytest.ini"
    write_text("[pytest]\naddopts =\n", ini)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-c", str(ini), "--rootdir", str(scratch), "-p", "no:cacheprovider",
         "--nbval-lax", "--nbval-current-env", "--nbval-sanitize-with", str(SANITIZE), "-q", "-rf",
         "-W", "ignore", *[str(n) for n in notebooks]],
        capture_output=True, text=True, cwd=scratch,
    )
    failed: dict[str, list[str]] = {}
    for line in done.stdout.splitlines():
        if line.startswith("FAILED") and "::" in line:
            path, _, cell = line.removeprefix("FAILED").strip().partition("::")
            failed.setdefault(Path(path).name, []).append(cell.split(" - ")[0])
    for notebook in notebooks:
        if notebook.name in failed:
            result.failed(f"notebook {notebook.name}: re-execution differs in {', '.join(failed[notebook.name])}")
        elif done.returncode not in (0, 1):
            tail = (done.stdout.strip().splitlines() or ["no output"])[-1]
            result.failed(f"notebook {notebook.name}: nbval could not run ({tail})")
        else:
            result.passed(f"notebook {notebook.name}: re-executed with nbval; every checked cell gives the same output")
    if done.returncode == 1 and not failed:
        result.failed(f"nbval failed without naming a cell: {(done.stdout.strip().splitlines() or [''])[-1]}")


def _compare_tables(result: VerifyResult, original: Path, scratch: Path) -> None:
    for table in sorted((original / "tables").glob("*.csv")):
        again = scratch / "tables" / table.name
        if not again.is_file():
            result.failed(f"table {table.name}: not written again when the notebooks were re-executed")
        elif read_bytes(again) != read_bytes(table):
            result.failed(f"table {table.name}: re-execution gives different content")
        else:
            result.passed(f"table {table.name}: identical after re-execution")


def _check_files(result: VerifyResult, manifest: dict, folder: Path) -> None:
    """Every file of the report folder is in the manifest with its SHA-256, and every file the
    manifest lists is there: a changed, missing or added file (HTML, figure, table, notebook,
    findings) is a named failure."""
    recorded = {o["path"]: o["sha256"] for o in manifest.get("outputs", [])}
    present = {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}
    present.pop("manifest.json", None)
    bad = 0
    for name, digest in sorted(recorded.items()):
        if name not in present:
            result.failed(f"file {name}: missing (the manifest lists it)")
            bad += 1
        elif sha256_file(present[name]) != digest:
            result.failed(f"file {name}: SHA-256 differs from the manifest (changed after the report was built)")
            bad += 1
    for name in sorted(set(present) - set(recorded)):
        result.failed(f"file {name}: not in the manifest (added after the report was built)")
        bad += 1
    if not bad:
        result.passed(f"files: all {len(recorded)} published files match the manifest")


def _compare_findings(result: VerifyResult, published: list[dict], derived: list[dict]) -> None:
    by_id = {f["id"]: f for f in derived}
    for finding in published:
        again = by_id.pop(finding["id"], None)
        if again is None:
            result.failed(f"finding {finding['id']}: not re-derived by the package (published but unknown)")
            continue
        diffs = [key for key in ("value", "ci_low", "ci_high") if not _same_number(finding.get(key), again.get(key))]
        diffs += [key for key in ("statement", "unit", "table") if finding.get(key) != again.get(key)]
        if diffs:
            shown = "; ".join(f"{k}: published {finding.get(k)!r}, re-derived {again.get(k)!r}" for k in diffs)
            result.failed(f"finding {finding['id']}: {shown}")
        else:
            result.passed(f"finding {finding['id']}: re-derived value {finding['value']!r} matches")
    for missing in by_id:
        result.failed(f"finding {missing}: re-derived but missing from findings.json")


def verify(
    programme: str,
    cohort: int,
    *,
    data_dir: Path | str,
    params_dir: Path | str,
    reports_dir: Path | str,
    progress: Callable[[str], None] = lambda message: None,
) -> VerifyResult:
    """Check a cohort's report; see the module docstring. Never modifies the report."""
    data_dir, params_dir, reports_dir = Path(data_dir).resolve(), Path(params_dir).resolve(), Path(reports_dir).resolve()
    folder = report_dir(reports_dir, programme, cohort)
    if not (folder / "manifest.json").is_file():
        raise EvaluationError(f"{folder}: no report to verify (run `make evaluate COHORT={cohort}` first)")
    manifest = read_json(folder / "manifest.json")
    result = VerifyResult()

    progress("files: comparing every published file with the manifest")
    _check_files(result, manifest, folder)
    progress("inputs: comparing SHA-256 with the manifest")
    inputs_match = _check_inputs(result, manifest, data_dir, params_dir)

    with scratch_dir("evaluation-verify-") as scratch:
        copy = copy_tree(folder, scratch / folder.name)
        for stale in ("tables", "findings"):
            remove_tree(copy / stale)
        notebooks = sorted(copy.glob("*.ipynb"))
        progress(f"notebooks: re-executing {', '.join(n.name for n in notebooks)} with nbval")
        _run_nbval(result, notebooks, copy)
        _compare_tables(result, folder, copy)

    progress("findings: re-deriving from the processed data")
    if not inputs_match:
        result.failed("findings: not re-derived, because the inputs differ from those the report was built from")
    else:
        if not is_up_to_date(programme, data_dir=data_dir, params_dir=params_dir):
            progress("ingest: rebuilding processed data from the unchanged inputs")
            ingest(programme, data_dir=data_dir, params_dir=params_dir)
        processed = read_json(processed_dir(data_dir, programme) / "manifest.json")
        recorded = {i["path"]: i["sha256"] for i in manifest["inputs"]}
        if {i["path"]: i["sha256"] for i in processed["inputs"]} != recorded:
            result.failed("findings: the processed data were built from other inputs than the report")
        else:
            notebooks = [Path(n).stem for n in manifest.get("notebooks", [])]
            derived = derive_findings(programme, cohort, data_dir=data_dir, params_dir=params_dir,
                                      notebooks=notebooks)
            _compare_findings(result, read_json(folder / "findings.json"), derived)
    return result
