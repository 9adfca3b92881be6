"""One cohort's processed data and parameters, loaded together: :class:`CohortData`.

:func:`load_cohort_data` is the one way a cohort's pseudonymised, scored data reach the
analysis and the reports; it reads through :mod:`evaluation.core.io` only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.core.errors import EvaluationError
from evaluation.core.io import folder_stamps, read_json
from evaluation.core.paths import DATA_DIR, PARAMS_DIR, processed_dir
from evaluation.core.processed_files import PROCESSED_TABLES, read_processed
from evaluation.data.freshness import is_up_to_date
from evaluation.data.groups import split_groups
from evaluation.data.params import (
    Cohort,
    Instrument,
    Programme,
    item_map,
    load_cohort,
    load_instruments,
    load_programme,
)

__all__ = ["CohortData", "NoCohortDataError", "load_cohort_data", "processed_state", "rci_reliability",
           "reuse_loaded_cohorts", "scale_info"]


#: The scale scores' text columns, read as categoricals (a national cohort has tens of millions of scores).
SCORE_TEXTS = ["participant_id", "instrument", "scale", "wave", "rater"]


class NoCohortDataError(EvaluationError):
    """The cohort has parameters but no participants in the processed data."""


@dataclass(frozen=True, repr=False)
class CohortData:
    """One cohort's processed data (pseudonymised) and its resolved parameters.

    ``participants``, ``responses``, ``scale_scores`` and ``reliability`` hold this cohort's
    programme participants only; ``costs`` (all cost lines, including programme-level ones with a
    blank cohort), ``all_participants`` (every cohort's programme participants, for apportioning
    and comparisons), ``workforce`` and ``deflators`` are the programme's.

    ``comparison_participants`` and ``comparison_scores`` hold the cohort's comparison group
    (participants.csv ``group`` = ``comparison``; :mod:`evaluation.data.groups`), empty when it has
    none. Only the comparison-group outcome reads them; every table about participants reads
    ``participants`` and ``scale_scores``, which never include them.
    """

    programme: Programme
    cohort: Cohort
    instruments: dict[str, Instrument]
    participants: pd.DataFrame
    scale_scores: pd.DataFrame
    reliability: pd.DataFrame
    costs: pd.DataFrame
    workforce: pd.DataFrame
    deflators: pd.DataFrame
    all_participants: pd.DataFrame
    items: pd.DataFrame
    processed_manifest: dict = field(default_factory=dict)
    comparison_participants: pd.DataFrame = field(default_factory=pd.DataFrame)
    comparison_scores: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: Reads the cohort's item answers when :attr:`responses` is first used (None: no answers).
    answers_source: Callable[[], pd.DataFrame] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def responses(self) -> pd.DataFrame:
        """The cohort's item answers (long format), read from the processed data on first use.

        No report reads them (scores and reliability were computed from them at ingest), so a
        report's process never holds a national cohort's answers; the evaluator's API does.
        """
        if self.answers_source is None:
            return pd.DataFrame(columns=["participant_id", "cohort", "wave", "rater", "instrument", "item", "value"])
        return self.answers_source()

    @property
    def has_comparison_group(self) -> bool:
        """Whether the cohort has a comparison group with at least one scale score."""
        return len(self.comparison_participants) > 0 and len(self.comparison_scores) > 0

    @property
    def primary_scale(self) -> str | None:
        for inst in self.instruments.values():
            if inst.primary_scale and any(s.kirkpatrick_level == 2 for s in inst.scales.values()):
                return inst.primary_scale
        return None

    @property
    def titles(self) -> dict[str, str]:
        """Scale name → its title, over every instrument of the programme."""
        return {s: sc.title for inst in self.instruments.values() for s, sc in inst.scales.items()}

    def describe(self) -> dict[str, object]:
        """A few facts about the cohort: its size, waves, raters and scales (for reprs)."""
        return {
            "programme": self.programme.name,
            "cohort": self.cohort.cohort,
            "year": self.cohort.year,
            "participants": len(self.participants),
            "completed": int((self.participants["status"] == "completed").sum()),
            "waves": list(self.cohort.waves),
            "raters": sorted(self.scale_scores["rater"].dropna().unique().tolist()),
            "scales": len(self.titles),
        }

    def __repr__(self) -> str:
        d = self.describe()
        year = f" ({d['year']})" if d["year"] else ""
        return (f"<CohortData {d['programme']} cohort {d['cohort']}{year}: {d['participants']} participants, "
                f"waves {', '.join(d['waves'])}; {d['scales']} scales>")


def processed_state(programme: str, *, data_dir: Path | str | None = None,
                    params_dir: Path | str | None = None) -> str:
    """Whether a programme's processed data can be used: ``"current"``, ``"stale"`` or ``"missing"``.

    ``"stale"``: they were built from other inputs or another version of the workbench than
    the current ones (rebuild them with ``make data``).
    """
    data_dir = Path(data_dir) if data_dir else DATA_DIR
    params_dir = Path(params_dir) if params_dir else PARAMS_DIR
    if not (processed_dir(data_dir, programme) / "manifest.json").is_file():
        return "missing"
    return "current" if is_up_to_date(programme, data_dir=data_dir, params_dir=params_dir) else "stale"


def load_cohort_data(
    programme: str,
    cohort: int,
    *,
    data_dir: Path | str | None = None,
    params_dir: Path | str | None = None,
) -> CohortData:
    """Load one cohort's processed data and parameters.

    Each call reads them afresh, unless :func:`reuse_loaded_cohorts` is on (report kernels only).

    Raises
    ------
    ParameterError
        The cohort has no (valid) parameter file.
    DataValidationError
        The programme's processed data are missing (run ingest first).
    NoCohortDataError
        No participant of the processed data belongs to the cohort.
    """
    data_dir = Path(data_dir) if data_dir else DATA_DIR
    params_dir = Path(params_dir) if params_dir else PARAMS_DIR
    if _reused.on:
        key = _reuse_key(programme, cohort, data_dir, params_dir)
        if _reused.key == key:
            return _reused.data
        if _reused.key is None or _reused.key[:4] == key[:4]:  # the kept cohort, changed: let it go first
            _reused.key = _reused.data = None
            _reused.data, _reused.key = _load_cohort_data(programme, cohort, data_dir, params_dir), key
            return _reused.data
    return _load_cohort_data(programme, cohort, data_dir, params_dir)


def _load_cohort_data(programme: str, cohort: int, data_dir: Path, params_dir: Path) -> CohortData:
    """:func:`load_cohort_data`, reading every time."""
    prog = load_programme(params_dir, programme)
    coh = load_cohort(params_dir, programme, cohort)
    instruments = load_instruments(params_dir, prog)
    folder = processed_dir(data_dir, programme)
    tables = read_processed(folder, cohort=cohort, tables=[t for t in PROCESSED_TABLES if t != "responses"],
                            categorical={"scale_scores": SCORE_TEXTS})
    everyone, comparison_everyone = split_groups(tables["participants"])
    outside = set(comparison_everyone["participant_id"])
    comparison_ids = set(comparison_everyone.loc[comparison_everyone["cohort"] == cohort, "participant_id"])
    in_cohort = {name: _rows(df, df["cohort"] == cohort) for name, df in tables.items()
                 if name in ("scale_scores", "reliability")}
    del tables["scale_scores"]
    in_cohort["participants"] = _rows(everyone, everyone["cohort"] == cohort)
    comparison_scores = in_cohort["scale_scores"][in_cohort["scale_scores"]["participant_id"].isin(comparison_ids)]
    if outside:
        scores = in_cohort["scale_scores"]
        in_cohort["scale_scores"] = _rows(scores, ~scores["participant_id"].isin(outside))
    in_cohort["scale_scores"], comparison_scores = _used(in_cohort["scale_scores"]), _used(comparison_scores)

    def answers() -> pd.DataFrame:
        """The cohort's programme participants' answers (the comparison group's left out)."""
        frame = read_processed(folder, cohort=cohort, tables=["responses"])["responses"]
        frame = frame[frame["cohort"] == cohort]
        if outside:
            frame = frame[~frame["participant_id"].isin(outside)]
        return _used(frame.reset_index(drop=True))

    if in_cohort["participants"].empty:
        raise NoCohortDataError(
            f"{folder / 'participants.parquet'}: no participant of programme {programme!r} is in cohort "
            f"{cohort} (cohorts with data: {sorted(tables['participants']['cohort'].unique().tolist())})"
        )
    manifest = read_json(folder / "manifest.json") if (folder / "manifest.json").is_file() else {}
    return CohortData(
        programme=prog,
        cohort=coh,
        instruments=instruments,
        participants=in_cohort["participants"],
        answers_source=answers,
        scale_scores=in_cohort["scale_scores"],
        reliability=in_cohort["reliability"],
        costs=tables["costs"],
        workforce=tables["workforce"],
        deflators=tables["deflators"],
        all_participants=everyone.reset_index(drop=True),
        items=item_map(instruments),
        processed_manifest=manifest,
        comparison_participants=comparison_everyone[comparison_everyone["cohort"] == cohort].reset_index(drop=True),
        comparison_scores=comparison_scores.reset_index(drop=True),
    )


class _Reused:
    """The one cohort :func:`load_cohort_data` keeps while :func:`reuse_loaded_cohorts` is on."""

    on: bool = False
    key: tuple | None = None
    data: CohortData | None = None


_reused = _Reused()


def reuse_loaded_cohorts(enabled: bool = True) -> None:
    """Let :func:`load_cohort_data` give back the first cohort it loaded when asked for it again.

    A report kernel that runs several notebooks one after another (``evaluate`` runs the cost
    and the equity report in one kernel: :data:`evaluation.publish.pipeline.SHARED_KERNELS`)
    then reads a cohort once: the second notebook gets the very same :class:`CohortData`, as
    long as nothing in the processed folder or the parameter files changed (their names, sizes
    and modification times). Only the first cohort loaded is kept (the report's own; the other
    cohorts a report reads, e.g. for the cost comparison across programmes, are read each time
    and not held).

    Off by default, and only report kernels turn it on: an evaluator who loads a cohort twice
    gets two objects, each free to be changed. The reports never change the data they are given
    (and ``verify`` re-executes each notebook alone, in a kernel of its own, and compares every
    output).

    Examples
    --------
    >>> reuse_loaded_cohorts(False)  # the default
    """
    _reused.on = bool(enabled)
    if not enabled:
        _reused.key = _reused.data = None


def _reuse_key(programme: str, cohort: int, data_dir: Path, params_dir: Path) -> tuple:
    """What a loaded cohort was read from: its names, folders and the state of their files."""
    data_dir, params_dir = data_dir.resolve(), params_dir.resolve()
    return (programme, cohort, str(data_dir), str(params_dir),
            folder_stamps(processed_dir(data_dir, programme), params_dir / programme, params_dir / "instruments"))


def _rows(frame: pd.DataFrame, keep: pd.Series) -> pd.DataFrame:
    """``frame[keep]`` numbered from 0, without copying ``frame`` when every row is kept (a national
    cohort's scale scores, usually all of the processed file's, are a gigabyte). A missing ``keep``
    drops its row, as ``frame[keep]`` does."""
    return (frame if bool(keep.fillna(False).all()) else frame[keep]).reset_index(drop=True)


def _used(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each categorical column keeping only the categories its rows use (a subset of
    rows then has the categories it would have had if read alone)."""
    return frame.assign(**{c: _without_unused(frame[c]) for c in frame.columns
                           if isinstance(frame[c].dtype, pd.CategoricalDtype)})


def _without_unused(values: pd.Series) -> pd.Series:
    """``values.cat.remove_unused_categories()``, and ``values`` itself when every category is used
    (pandas sorts a copy of the codes to find out: 0.6 GiB for a national cohort's scale scores).

    Examples
    --------
    >>> s = pd.Series(pd.Categorical(["b", "a"], categories=["a", "b", "c"]))
    >>> list(_without_unused(s).cat.categories)
    ['a', 'b']
    >>> t = pd.Series(pd.Categorical(["b", "a"]))
    >>> _without_unused(t) is t
    True
    """
    codes = values.array.codes
    seen = np.zeros(len(values.cat.categories), dtype=bool)
    seen[codes[codes >= 0]] = True
    return values if seen.all() else values.cat.remove_unused_categories()


def scale_info(data: CohortData) -> pd.DataFrame:
    """Scales in instrument order: ``instrument, title, kirkpatrick_level, higher_is_better``."""
    rows = []
    for inst in data.instruments.values():
        for name, sc in inst.scales.items():
            rows.append({
                "scale": name,
                "instrument": inst.name,
                "title": sc.title,
                "kirkpatrick_level": sc.kirkpatrick_level,
                "higher_is_better": inst.higher_is_better if sc.higher_is_better is None else sc.higher_is_better,
            })
    return pd.DataFrame(rows).set_index("scale")


def rci_reliability(data: CohortData) -> pd.DataFrame | float:
    """The r_xx used for reliable change: the cohort's number, or the pre-wave alpha per scale × rater."""
    setting = data.cohort.rci_reliability
    if setting != "alpha_pre":
        return float(setting)
    pre = data.reliability[data.reliability["wave"] == "pre"]
    return pre[["scale", "rater"]].assign(reliability=pre["alpha"].to_numpy()).reset_index(drop=True)
