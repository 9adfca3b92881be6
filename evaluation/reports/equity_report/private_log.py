"""The equity report's suppression log: written beside the evaluator's data, never published."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from evaluation.core.checks import check_name
from evaluation.core.io import write_csv
from evaluation.core.paths import DATA_DIR
from evaluation.stats import disclosure

__all__ = ["disclosure_log_path", "write_disclosure_log"]


def disclosure_log_path(data_dir: Path | str | None, programme: str, cohort: int) -> Path:
    """``<data_dir>/disclosure_logs/<programme>/cohort-<n>.csv`` (``data_dir`` default: the repository's).

    Examples
    --------
    >>> disclosure_log_path("/secure/data", "leading-to-deliver", 2).as_posix()
    '/secure/data/disclosure_logs/leading-to-deliver/cohort-2.csv'
    """
    return Path(data_dir or DATA_DIR) / "disclosure_logs" / check_name(programme, "programme") / f"cohort-{int(cohort)}.csv"


def write_disclosure_log(log: pd.DataFrame, data_dir: Path | str | None, programme: str, cohort: int) -> Path:
    """Write the suppression log beside the evaluator's data, never into a report folder.

    The log holds the suppressed values, so it is as confidential as the data: it goes to
    ``<data_dir>/disclosure_logs/<programme>/cohort-<n>.csv`` (written to a temporary file and
    moved into place). Returns the path.
    """
    missing = [c for c in disclosure.LOG_COLUMNS if c not in log.columns]
    if missing:
        raise ValueError(f"`log` lacks column(s) {missing}; expected {disclosure.LOG_COLUMNS}")
    return write_csv(log[disclosure.LOG_COLUMNS], disclosure_log_path(data_dir, programme, cohort))
