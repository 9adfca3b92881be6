"""Whether a programme's processed data were built from exactly its current inputs.

:func:`is_up_to_date` is what ``evaluate`` asks before every report and what a report kernel's
load asks; it lives apart from :mod:`evaluation.data.ingest` so that asking does not import
validation, pandera and scoring (about 0.9 s of CPU in ``evaluate``'s process while the report
kernels start). :mod:`evaluation.data.ingest` imports both names from here.
"""

from __future__ import annotations

from pathlib import Path

from evaluation.core.errors import EvaluationError
from evaluation.core.io import file_stat, read_json, sha256_file, table_file, table_twins
from evaluation.core.paths import PARAMS_DIR, processed_dir, raw_dir, reference_dir
from evaluation.core.processed_files import PROCESSED_TABLES
from evaluation.core.version import __version__
from evaluation.data.params import list_cohorts, list_programmes, load_programme

__all__ = ["TABLES", "input_files", "is_up_to_date", "report_inputs", "twin_tables"]

#: A programme's raw tables.
TABLES = ("participants", "responses", "costs")


def input_files(programme: str, *, data_dir: Path, params_dir: Path) -> dict[str, Path]:
    """Every file an ingest reads: raw tables, reference tables and parameter files."""
    raw = raw_dir(data_dir, programme)
    ref = reference_dir(data_dir)
    files = {t: table_file(raw, t) for t in TABLES}
    files["workforce"] = table_file(ref, "workforce")
    files["deflators"] = table_file(ref, "gdp_deflators")
    files["programme.yaml"] = Path(params_dir) / programme / "programme.yaml"
    for n in list_cohorts(params_dir, programme):
        files[f"cohort-{n}.yaml"] = Path(params_dir) / programme / f"cohort-{n}.yaml"
    if files["programme.yaml"].is_file():
        for name in load_programme(params_dir, programme).instruments:
            files[f"instruments/{name}.yaml"] = Path(params_dir) / "instruments" / f"{name}.yaml"
    return files


def twin_tables(programme: str, *, data_dir: Path) -> dict[str, tuple[Path, Path]]:
    """The raw tables given twice, as ``<table>.csv`` and ``<table>.xlsx``, by table name (ingest
    refuses them: which file holds the data is ambiguous)."""
    raw, ref = raw_dir(data_dir, programme), reference_dir(data_dir)
    places = {**{t: (raw, t) for t in TABLES}, "workforce": (ref, "workforce"), "deflators": (ref, "gdp_deflators")}
    return {name: twins for name, (folder, stem) in places.items() if (twins := table_twins(folder, stem))}


def is_up_to_date(programme: str, *, data_dir: Path | str, params_dir: Path | str = PARAMS_DIR) -> bool:
    """True when the processed data exist and were built from exactly the current inputs.

    An input whose size and modification time (nanoseconds) are those the manifest records is
    taken as unchanged without being read, the rule make and git use; any other input is hashed
    and compared with the recorded SHA-256 (so a file touched but not changed is still current).
    """
    data_dir, params_dir = Path(data_dir), Path(params_dir)
    manifest_path = processed_dir(data_dir, programme) / "manifest.json"
    if not manifest_path.is_file():
        return False
    manifest = read_json(manifest_path)
    if manifest.get("generated_by") != f"evaluation {__version__}":
        return False
    if any(not (manifest_path.parent / o["path"]).is_file() for o in manifest.get("outputs", [])):
        return False
    if any(not (manifest_path.parent / f"{t}.parquet").is_file() for t in PROCESSED_TABLES):
        return False
    recorded = {i["name"]: i for i in manifest["inputs"]}
    try:
        current = input_files(programme, data_dir=data_dir, params_dir=params_dir)
    except (EvaluationError, OSError, ValueError):  # unreadable parameters: ingest will say why
        return False
    if set(recorded) != set(current) or twin_tables(programme, data_dir=data_dir):
        return False  # (a table also given as a workbook: the ingest refuses it, and must be asked)
    return all(path.is_file() and _unchanged(path, recorded[name]) for name, path in current.items())


def report_inputs(programme: str, *, data_dir: Path | str, params_dir: Path | str) -> list[dict]:
    """The inputs a cohort's report is built from, as its ``manifest.json`` lists them (``name``,
    ``path``, ``sha256``, ``rows``): those of the programme's processed data, then those of every
    other programme whose processed data are current, which the cost report's comparison across
    programmes reads (:mod:`evaluation.reports.cost_report.comparison`); each file once (the
    reference tables are shared). The processed data must be up to date (``evaluate`` and
    ``verify`` ingest first)."""
    data_dir = Path(data_dir)
    inputs: dict[str, dict] = {}
    for other in [programme, *(p for p in list_programmes(params_dir) if p != programme)]:
        manifest_path = processed_dir(data_dir, other) / "manifest.json"
        if other != programme and not is_up_to_date(other, data_dir=data_dir, params_dir=params_dir):
            continue  # left out of the comparison across programmes (the cost report says so)
        for item in read_json(manifest_path)["inputs"]:
            inputs.setdefault(item["path"], {k: v for k, v in item.items() if k in ("name", "path", "sha256", "rows")})
    return list(inputs.values())


def _unchanged(path: Path, recorded: dict) -> bool:
    """Whether a file is the one the manifest recorded: same size and modification time, else same SHA-256."""
    if (recorded.get("size"), recorded.get("mtime_ns")) == file_stat(path):
        return True
    return sha256_file(path) == recorded["sha256"]
