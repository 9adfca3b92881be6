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
    "shown_path",
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


def shown_path(path: Path | str) -> str:
    """A file as a message names it: a path the user can open from the folder they ran the command in.

    A relative path (``--data-dir`` given as ``../evaluation-data``) is shown as given: it is
    relative to the working folder already. An absolute path (a default folder, anchored on the
    repository, or ``--data-dir /srv/evaluation``) is shown relative to the working folder when
    it lies inside it (``data/raw/<programme>/costs.csv`` when the command runs in the
    repository, as ``make`` runs it), and whole otherwise. Never shown relative to the data
    folder alone, which the user could not open from where they are.

    Examples
    --------
    >>> shown_path("../x/raw/demo/costs.csv")
    '../x/raw/demo/costs.csv'
    >>> shown_path(Path.cwd() / "data" / "raw" / "demo" / "costs.csv")
    'data/raw/demo/costs.csv'
    >>> shown_path("/nowhere-else/raw/demo/costs.csv") == str(Path("/nowhere-else/raw/demo/costs.csv"))
    True
    """
    path = Path(path)
    if not path.is_absolute():
        return path.as_posix()
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except (ValueError, OSError):  # outside the working folder, or the working folder is gone
        return str(path)
