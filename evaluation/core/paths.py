"""Default locations, anchored on the repository, never on the working directory."""

from __future__ import annotations

from pathlib import Path

from evaluation.core.checks import check_name

__all__ = [
    "DATA_DIR",
    "NOTEBOOKS_DIR",
    "PARAMS_DIR",
    "REPORTS_DIR",
    "REPO_ROOT",
    "processed_dir",
    "raw_dir",
    "reference_dir",
    "report_dir",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "data"
PARAMS_DIR = REPO_ROOT / "params"
REPORTS_DIR = REPO_ROOT / "reports"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"


def raw_dir(data_dir: Path, programme: str) -> Path:
    """``<data_dir>/raw/<programme>``; the name is checked, so the path stays inside ``raw/``."""
    return Path(data_dir) / "raw" / check_name(programme, "programme")


def reference_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "raw" / "reference"


def processed_dir(data_dir: Path, programme: str) -> Path:
    """``<data_dir>/processed/<programme>``; the name is checked, so the path stays inside ``processed/``."""
    return Path(data_dir) / "processed" / check_name(programme, "programme")


def report_dir(reports_dir: Path, programme: str, cohort: int) -> Path:
    """``<reports_dir>/<programme>/cohort-<n>``, the name checked."""
    return Path(reports_dir) / check_name(programme, "programme") / f"cohort-{int(cohort)}"
