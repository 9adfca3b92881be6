"""The success-case frame (Brinkerhoff 2003): whom to interview, for evaluators only.

Brinkerhoff's Success Case Method studies the extremes rather than the average: a survey finds
the people for whom a programme worked best and those for whom it did not work, and interviews
with a sample of each explain what made the difference — which is where blockages are found.
:func:`success_cases` is that survey step for a programme: per framework area, role level and
sector, the strongest and weakest changers on the primary scale by the reliable change index.

The frame names pseudonymised participants. It is **never published**: not in a table, figure,
notebook output or HTML of a report. :func:`write_success_cases` keeps it beside the
evaluator's disclosure logs, ``<data_dir>/disclosure_logs/<programme>/success_cases.csv``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.core.checks import check_name
from evaluation.core.io import write_csv
from evaluation.core.paths import DATA_DIR
from evaluation.data.programme import ProgrammeData
from evaluation.reports.disclosure_plan import Population
from evaluation.reports.programme_report.where_table import (
    DIMENSIONS,
    person_changes,
    programme_people,
    where_populations,
)
from evaluation.stats.outcomes import RCI_CRITERION

__all__ = ["SUCCESS_CASE_COLUMNS", "success_case_populations", "success_cases", "success_cases_path",
           "write_success_cases"]

SUCCESS_CASE_COLUMNS = ["scale", "comparison", "rater", "dimension", "category", "case", "rank", "participant_id",
                        "cohort", "change", "rci", "direction"]


def success_case_populations(data: ProgrammeData) -> list[Population]:
    """The primary scale rated by participants, and the level-3 instrument's primary scale by
    each of its raters (line managers) where present, on the first comparison of every cohort."""
    pops = where_populations(data)
    primaries = {inst.primary_scale for c in data for inst in c.instruments.values()}
    return [p for k, p in enumerate(pops) if k == 0 or (p.scale in primaries and p.rater != "self")]


def _direction(rci: float, higher_is_better: bool) -> str:
    signed = rci if higher_is_better else -rci
    if signed > RCI_CRITERION:
        return "reliable improvement"
    if signed < -RCI_CRITERION:
        return "reliable deterioration"
    return "no reliable change"


def success_cases(data: ProgrammeData, per_group: int = 3) -> pd.DataFrame:
    """The evaluator-only interview frame: strongest and weakest changers per subgroup.

    Parameters
    ----------
    data : ProgrammeData
    per_group : int, default 3
        How many success cases and how many non-success cases to list per group.

    Returns
    -------
    DataFrame
        :data:`SUCCESS_CASE_COLUMNS`. ``case`` is ``success`` (the ``per_group`` largest
        reliable improvements of the group, by RCI) or ``non-success`` (the ``per_group``
        lowest RCIs of the group: reliable deterioration first, then the least change);
        ``rank`` 1 is the most extreme; ``direction`` is ``reliable improvement``,
        ``no reliable change`` or ``reliable deterioration``. Identifiers are the
        pseudonymised ``participant_id``. NOT FOR PUBLICATION.

    Raises
    ------
    ValueError
        ``per_group`` is not a whole number ≥ 1.

    Notes
    -----
    Brinkerhoff, R. O. (2003), *The Success Case Method*, steps 3-4: find the best and worst
    cases by survey, then interview a sample of each. The survey score is the reliable change
    index of Jacobson & Truax (1991), RCI = change / (√2·SD_pre·√(1 − r_xx)), with each
    cohort's own SD_pre and reliability, on the primary scale (self-rated) and, where line
    managers rated the level-3 instrument, its primary scale; RCI is oriented so that larger is
    better. A person counts as a success case only with reliable improvement (RCI beyond
    1.96), so a group with none lists no success case. Ties in RCI are broken by cohort and
    identifier, so the frame is the same on every run.

    Examples
    --------
    >>> from evaluation.data.programme import load_programme_data
    >>> frame = success_cases(load_programme_data("leading-to-deliver"), per_group=3)  # doctest: +SKIP
    >>> write_success_cases(frame, None, "leading-to-deliver")  # doctest: +SKIP
    PosixPath('.../data/disclosure_logs/leading-to-deliver/success_cases.csv')
    """
    if isinstance(per_group, bool) or not isinstance(per_group, (int, np.integer)) or per_group < 1:
        raise ValueError(f"`per_group` must be a whole number ≥ 1, got {per_group!r}")
    people = programme_people(data)
    better = next(iter(data)).instruments
    higher = {s: inst.higher_is_better if sc.higher_is_better is None else sc.higher_is_better
              for inst in better.values() for s, sc in inst.scales.items()}
    frames = []
    for pop in success_case_populations(data):
        changes, _ = person_changes(data, pop)
        changes = changes.dropna(subset=["rci"]).merge(people, on=["participant_id", "cohort"], how="inner")
        if changes.empty:
            continue
        up = bool(higher.get(pop.scale, True))
        changes["_score"] = changes["rci"] if up else -changes["rci"]
        changes["direction"] = [_direction(r, up) for r in changes["rci"]]
        for dim in DIMENSIONS:
            for category, grp in changes.groupby(dim, sort=True):
                grp = grp.sort_values(["cohort", "participant_id"], kind="mergesort")
                best = grp[grp["direction"] == "reliable improvement"] \
                    .sort_values("_score", ascending=False, kind="mergesort").head(per_group)
                worst = grp[~grp.index.isin(best.index)].sort_values("_score", kind="mergesort").head(per_group)
                for case, picked in (("success", best), ("non-success", worst)):
                    frames.append(picked.assign(scale=pop.scale, comparison=pop.comparison, rater=pop.rater,
                                                dimension=dim, category=category, case=case,
                                                rank=np.arange(1, len(picked) + 1)))
    if not frames:
        return pd.DataFrame(columns=SUCCESS_CASE_COLUMNS)
    return pd.concat(frames, ignore_index=True)[SUCCESS_CASE_COLUMNS]


def success_cases_path(data_dir: Path | str | None, programme: str) -> Path:
    """``<data_dir>/disclosure_logs/<programme>/success_cases.csv`` (``data_dir`` default: the repository's).

    Examples
    --------
    >>> success_cases_path("/secure/data", "leading-to-deliver").as_posix()
    '/secure/data/disclosure_logs/leading-to-deliver/success_cases.csv'
    """
    return Path(data_dir or DATA_DIR) / "disclosure_logs" / check_name(programme, "programme") / "success_cases.csv"


def write_success_cases(frame: pd.DataFrame, data_dir: Path | str | None, programme: str) -> Path:
    """Write the success-case frame beside the evaluator's disclosure logs, never into a report.

    It names (pseudonymised) participants, so it is as confidential as the data: it goes to
    :func:`success_cases_path` (a temporary file moved into place). Returns the path.

    Raises
    ------
    ValueError
        ``frame`` lacks a column of :data:`SUCCESS_CASE_COLUMNS`.
    """
    missing = [c for c in SUCCESS_CASE_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"`frame` lacks column(s) {missing}; expected {SUCCESS_CASE_COLUMNS}")
    return write_csv(frame[SUCCESS_CASE_COLUMNS], success_cases_path(data_dir, programme))
