"""``python -m evaluation programme`` and ``compare``: reports about a whole programme, or several.

A :class:`ReportScope` says what a report folder is about:

* ``ReportScope.programme("leading-to-deliver")``: every cohort of one programme, pooled and side
  by side: ``reports/<programme>/programme/`` (notebook ``programme_evaluation``);
* ``ReportScope.comparison(["leading-to-deliver", "collaborative-leadership"])``: programmes set
  side by side, with every difference that limits the comparison: ``reports/comparison/``
  (notebook ``programme_comparison``).

They are built as a cohort's reports are (:mod:`evaluation.publish.pipeline`): the parameters
checked first, processed data brought up to date, the notebooks run with papermill into a
temporary folder, rendered to HTML without code, findings merged, the differencing audit run on
the tables (for a programme report, also against the cohort reports already published under
``reports/<programme>/``: :mod:`evaluation.publish.programme_audit`), the manifest written, and
the folder moved into place only when every step succeeded.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from evaluation.core.checks import check_name
from evaluation.core.errors import EvaluationError, ParameterError
from evaluation.core.io import read_json, table_file
from evaluation.core.paths import NOTEBOOKS_DIR, processed_dir, raw_dir, shown_path
from evaluation.data.ingest import ingest, is_up_to_date
from evaluation.data.params import (
    list_cohorts,
    list_programmes,
    load_cohort,
    load_instruments,
    load_programme,
)
from evaluation.data.reference_groups import check_reference_groups
from evaluation.publish.disclosure_audit import (
    DifferencingAudit,
    DisclosureAuditError,
    audit_folder,
)
from evaluation.publish.notebook_run import run_notebooks
from evaluation.publish.pipeline import COMPARISON_NOTEBOOKS, PROGRAMME_NOTEBOOKS, NoDataError
from evaluation.publish.report_folder import (
    git_state,
    merge_findings,
    outputs,
    publish_folder,
    refuse_reports_in_raw,
    versions,
)

__all__ = ["DEFAULT_COMPARISON", "ReportScope", "audit_scope", "build_scope_report", "compare_programmes", "evaluate_programme",
           "prepare_scope", "scope_threshold"]

#: The programmes ``make compare`` sets side by side unless told otherwise.
DEFAULT_COMPARISON = ("leading-to-deliver", "collaborative-leadership")
#: The folder of the programme report inside ``reports/<programme>/`` and of the comparison inside ``reports/``.
PROGRAMME_FOLDER, COMPARISON_FOLDER = "programme", "comparison"


@dataclass(frozen=True)
class ReportScope:
    """What a report about more than one cohort covers: one programme, or programmes compared."""

    kind: str  # "programme" or "comparison"
    programmes: tuple[str, ...]

    @classmethod
    def programme(cls, programme: str) -> ReportScope:
        """Every cohort of one programme."""
        return cls("programme", (check_name(programme, "programme"),))

    @classmethod
    def comparison(cls, programmes: Iterable[str] = DEFAULT_COMPARISON) -> ReportScope:
        """Programmes side by side (at least two, each named once)."""
        names = tuple(check_name(p, "programme") for p in programmes)
        if len(names) < 2 or len(set(names)) != len(names):
            raise ParameterError(f"`programmes` must name two or more different programmes; got {list(names)}")
        return cls("comparison", names)

    @property
    def notebooks(self) -> tuple[str, ...]:
        """The report's notebooks (names without ``.ipynb``)."""
        return PROGRAMME_NOTEBOOKS if self.kind == "programme" else COMPARISON_NOTEBOOKS

    def folder(self, reports_dir: Path | str) -> Path:
        """``<reports_dir>/<programme>/programme`` or ``<reports_dir>/comparison``."""
        if self.kind == "programme":
            return Path(reports_dir) / self.programmes[0] / PROGRAMME_FOLDER
        return Path(reports_dir) / COMPARISON_FOLDER

    def failed_folder(self, reports_dir: Path | str) -> Path:
        """Where a failing notebook is kept for inspection (outside the report folder)."""
        if self.kind == "programme":
            return Path(reports_dir) / self.programmes[0] / "failed" / PROGRAMME_FOLDER
        return Path(reports_dir) / "failed" / COMPARISON_FOLDER

    def parameters(self, data_dir: Path, params_dir: Path) -> dict:
        """The notebooks' papermill parameters."""
        first = {"programme": self.programmes[0]} if self.kind == "programme" else {"programmes": list(self.programmes)}
        return {**first, "data_dir": str(data_dir), "params_dir": str(params_dir), "output_dir": "."}

    @property
    def label(self) -> str:
        """How messages name the report."""
        if self.kind == "programme":
            return f"the programme report of {self.programmes[0]}"
        return f"the comparison of {', '.join(self.programmes)}"

    @property
    def make_command(self) -> str:
        """The command that builds the report."""
        if self.kind == "programme":
            return f"make programme PROGRAMME={self.programmes[0]}"
        return "make compare" + ("" if self.programmes == DEFAULT_COMPARISON
                                 else f" COMPARE='{' '.join(self.programmes)}'")


def scope_threshold(scope: ReportScope, params_dir: Path) -> int:
    """The strictest disclosure threshold of every cohort the report covers."""
    return max(load_cohort(params_dir, p, n).disclosure_threshold
               for p in scope.programmes for n in list_cohorts(params_dir, p))


def prepare_scope(scope: ReportScope, *, data_dir: Path, params_dir: Path,
                  progress: Callable[[str], None] = lambda message: None) -> None:
    """Check every parameter file the report needs, then bring each programme's processed data up to date.

    Raises
    ------
    ParameterError
        Missing or invalid parameters (checked first, for every programme), or a programme with
        no cohort parameter file.
    NoDataError, DataValidationError
        No raw data, or data that break the contract.
    ParameterError
        Also after ingest, for a programme report: a cohort's ``equity.reference`` group in which
        the eligible population has no staff (:func:`evaluation.data.reference_groups.check_reference_groups`).
    """
    known = list_programmes(params_dir)
    for programme in scope.programmes:
        if programme not in known:
            raise ParameterError(f"{params_dir / programme / 'programme.yaml'}: no such programme; programmes with "
                                 f"parameters: {', '.join(known) or 'none'}")
        progress(f"parameters: checking {shown_path(Path(params_dir) / programme)}/")
        prog = load_programme(params_dir, programme)
        load_instruments(params_dir, prog)
        cohorts = list_cohorts(params_dir, programme)
        if not cohorts:
            raise ParameterError(f"{params_dir / programme}: no cohort parameter file (cohort-<n>.yaml)")
        for number in cohorts:
            load_cohort(params_dir, programme, number)
    for programme in scope.programmes:
        if not table_file(raw_dir(data_dir, programme), "participants").is_file():
            raise NoDataError(f"{raw_dir(data_dir, programme)}: no raw data for programme {programme!r} "
                              "(participants.csv, responses.csv and costs.csv are expected there)")
        if is_up_to_date(programme, data_dir=data_dir, params_dir=params_dir):
            progress(f"ingest: processed data for {programme} are up to date")
        else:
            progress(f"ingest: validating and scoring {programme}")
            ingest(programme, data_dir=data_dir, params_dir=params_dir)
        if scope.kind == "programme":  # its pooled equity reads each cohort's equity table (the comparison does not)
            for number in list_cohorts(params_dir, programme):
                check_reference_groups(programme, number, data_dir=data_dir, params_dir=params_dir)


def _inputs(scope: ReportScope, data_dir: Path) -> list[dict]:
    """The processed data's inputs of every programme, each file once (reference tables are shared)."""
    seen: dict[str, dict] = {}
    for programme in scope.programmes:
        processed = read_json(processed_dir(data_dir, programme) / "manifest.json")
        for item in processed["inputs"]:
            seen.setdefault(item["path"], {k: v for k, v in item.items() if k in ("name", "path", "sha256", "rows")})
    return [seen[path] for path in sorted(seen)]


def audit_scope(scope: ReportScope, folder: Path, *, reports_dir: Path | None, threshold: int) -> DifferencingAudit:
    """The differencing audit of the report's tables; for a programme report, also against the
    cohort reports published beside it (when ``reports_dir`` is given)."""
    audit = audit_folder(folder, threshold=threshold)
    if scope.kind != "programme" or reports_dir is None:
        return audit
    from evaluation.publish.programme_audit import audit_programme_folder

    across = audit_programme_folder(folder, reports_dir, scope.programmes[0], threshold=threshold)
    problems = tuple(dict.fromkeys((*audit.problems, *across.problems)))
    return DifferencingAudit(problems, audit.cells + across.cells)


def build_scope_report(
    scope: ReportScope,
    folder: Path,
    *,
    data_dir: Path,
    params_dir: Path,
    started: datetime,
    reports_dir: Path | None = None,
    notebooks_dir: Path | str = NOTEBOOKS_DIR,
    failed_dir: Path | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> dict:
    """Run the scope's notebooks into the empty ``folder``, render HTML, merge the findings, audit;
    return the manifest (not written). The data must be prepared (:func:`prepare_scope`).

    ``reports_dir``: where the cohort reports are, for the audit across reports (None: the
    programme report's own tables only). The other parameters are those of
    :func:`evaluation.publish.pipeline.build_report`.

    Raises
    ------
    NotebookFailedError
        A notebook failed: names the notebook and cell.
    DisclosureAuditError
        The tables would let a reader work out a small count or statistic: names each.
    """
    titles = {p: load_programme(params_dir, p).title for p in scope.programmes}
    name = (f"{titles[scope.programmes[0]]}: the programme across its cohorts" if scope.kind == "programme"
            else "Programmes compared: " + ", ".join(titles.values()))
    inputs = _inputs(scope, data_dir)
    git = git_state()
    provenance = {
        "summary": f"{name}. Code commit {(git['commit'] or 'unknown')[:12]}; report built "
                   f"{started.date().isoformat()}. Input files and their SHA-256 hashes:",
        "inputs": inputs,
    }
    notebooks = [Path(notebooks_dir) / f"{n}.ipynb" for n in scope.notebooks]
    missing = [n for n in notebooks if not n.is_file()]
    if missing:
        raise EvaluationError(f"{missing[0]}: the report notebook is missing (run `make notebooks`)")
    run_notebooks(notebooks, folder, parameters=scope.parameters(data_dir, params_dir), provenance=provenance,
                  title=lambda heading, stem: heading or name, failed_dir=failed_dir, progress=progress)
    merge_findings(folder)

    threshold = scope_threshold(scope, params_dir)
    progress("disclosure: auditing every published table against differencing"
             + (" (and against the cohort reports)" if scope.kind == "programme" and reports_dir else ""))
    audit = audit_scope(scope, folder, reports_dir=reports_dir, threshold=threshold)
    if not audit.ok:
        raise DisclosureAuditError(
            f"the disclosure audit found {len(audit.problems)} way(s) to work out a count or statistic of fewer "
            f"than {threshold} people from the tables about to be published, so nothing was published (this is a "
            "fault in the workbench's disclosure control: please report it):\n  - " + "\n  - ".join(audit.problems))

    cohorts = {p: list_cohorts(params_dir, p) for p in scope.programmes}
    return {
        "scope": scope.kind,
        "programmes": list(scope.programmes),
        "cohorts": {p: numbers for p, numbers in cohorts.items()},
        "inputs": inputs,
        "parameters": {p: {"programme": load_programme(params_dir, p).model_dump(mode="json"),
                           "cohorts": {str(n): load_cohort(params_dir, p, n).model_dump(mode="json") for n in numbers}}
                       for p, numbers in cohorts.items()},
        "seeds": {p: {str(n): load_cohort(params_dir, p, n).bootstrap.seed for n in numbers}
                  for p, numbers in cohorts.items()},
        "disclosure_threshold": threshold,
        "versions": versions(),
        "git": git,
        "notebooks": [n.name for n in notebooks],
        "outputs": outputs(folder),
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _publish(scope: ReportScope, *, data_dir: Path | str, params_dir: Path | str, reports_dir: Path | str,
             notebooks_dir: Path | str, progress: Callable[[str], None]) -> Path:
    data_dir, params_dir, reports_dir = Path(data_dir).resolve(), Path(params_dir).resolve(), Path(reports_dir).resolve()
    started = datetime.now(UTC)
    clock = time.perf_counter()
    refuse_reports_in_raw(data_dir, reports_dir)
    prepare_scope(scope, data_dir=data_dir, params_dir=params_dir, progress=progress)
    failed_dir = scope.failed_folder(reports_dir)
    return publish_folder(
        scope.folder(reports_dir), failed_dir,
        lambda tmp: build_scope_report(scope, tmp, data_dir=data_dir, params_dir=params_dir, started=started,
                                       reports_dir=reports_dir, notebooks_dir=notebooks_dir, failed_dir=failed_dir,
                                       progress=progress),
        clock=clock, progress=progress)


def evaluate_programme(
    programme: str,
    *,
    data_dir: Path | str,
    params_dir: Path | str,
    reports_dir: Path | str,
    notebooks_dir: Path | str = NOTEBOOKS_DIR,
    progress: Callable[[str], None] = lambda message: None,
) -> Path:
    """Build the programme report ``<reports_dir>/<programme>/programme/``; return its path.

    Raises
    ------
    ParameterError, NoDataError, DataValidationError
        From :func:`prepare_scope`: parameters (checked first), then the data.
    NotebookFailedError, DisclosureAuditError
        As :func:`build_scope_report`; no report is written.
    """
    return _publish(ReportScope.programme(programme), data_dir=data_dir, params_dir=params_dir,
                    reports_dir=reports_dir, notebooks_dir=notebooks_dir, progress=progress)


def compare_programmes(
    programmes: Iterable[str] = DEFAULT_COMPARISON,
    *,
    data_dir: Path | str,
    params_dir: Path | str,
    reports_dir: Path | str,
    notebooks_dir: Path | str = NOTEBOOKS_DIR,
    progress: Callable[[str], None] = lambda message: None,
) -> Path:
    """Build the comparison of programmes ``<reports_dir>/comparison/``; return its path.

    Raises
    ------
    ParameterError, NoDataError, DataValidationError, NotebookFailedError, DisclosureAuditError
        As :func:`evaluate_programme`.
    """
    return _publish(ReportScope.comparison(programmes), data_dir=data_dir, params_dir=params_dir,
                    reports_dir=reports_dir, notebooks_dir=notebooks_dir, progress=progress)
