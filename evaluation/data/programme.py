"""Every cohort of a programme, loaded together: :class:`ProgrammeData`.

The programme report, the comparison of programmes and the evaluator's
:class:`~evaluation.api.Programme` work from this: one :class:`~evaluation.data.cohort.CohortData`
per cohort that has parameters and data, in cohort order, and the settings that must hold for
the programme as a whole (one confidence level; the strictest disclosure threshold).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from evaluation.core.errors import ParameterError
from evaluation.core.paths import PARAMS_DIR
from evaluation.data.cohort import CohortData, NoCohortDataError, load_cohort_data
from evaluation.data.params import Programme, list_cohorts, load_programme

__all__ = ["ProgrammeData", "load_programme_data"]


@dataclass(frozen=True, repr=False)
class ProgrammeData:
    """A programme's parameters and the data of each of its cohorts, in cohort order.

    Iterating gives the :class:`~evaluation.data.cohort.CohortData`; ``data[2]`` is cohort 2.
    """

    programme: Programme
    cohorts: Mapping[int, CohortData]
    #: Cohorts with a parameter file but no participant in the processed data (left out).
    without_data: tuple[int, ...] = ()

    def __iter__(self) -> Iterator[CohortData]:
        return iter(self.cohorts.values())

    def __len__(self) -> int:
        return len(self.cohorts)

    def __getitem__(self, cohort: int) -> CohortData:
        if cohort not in self.cohorts:
            raise KeyError(f"{self.programme.name} has no cohort {cohort!r} with data; it has {list(self.cohorts)}")
        return self.cohorts[cohort]

    @property
    def name(self) -> str:
        """The programme's name (its folder under ``params/``)."""
        return self.programme.name

    @property
    def disclosure_threshold(self) -> int:
        """The strictest (largest) disclosure threshold of the cohorts: what the programme's
        published tables use, so that nothing a cohort report withholds is shown here."""
        return max(c.cohort.disclosure_threshold for c in self)

    @property
    def confidence_level(self) -> float:
        """The cohorts' confidence level; they must agree (the pooled intervals use it).

        Raises
        ------
        ParameterError
            Cohorts with different ``confidence_level``: names each.
        """
        levels = {c.cohort.cohort: c.cohort.confidence_level for c in self}
        if len(set(levels.values())) > 1:
            raise ParameterError(
                f"params/{self.name}/cohort-<n>.yaml: `confidence_level` differs between cohorts ({levels}); "
                "pooling across cohorts needs one: set it under `defaults:` in programme.yaml")
        return next(iter(levels.values()))

    def __repr__(self) -> str:
        people = sum(len(c.participants) for c in self)
        return (f"<ProgrammeData {self.name}: cohorts {', '.join(map(str, self.cohorts))}; "
                f"{people} participants>")


def load_programme_data(
    programme: str,
    *,
    data_dir: Path | str | None = None,
    params_dir: Path | str | None = None,
) -> ProgrammeData:
    """Load every cohort of a programme that has parameters and data.

    Raises
    ------
    ParameterError
        An invalid parameter file, or no cohort with parameters.
    DataValidationError
        The processed data are missing (run ingest first).
    NoCohortDataError
        No cohort with parameters has participants in the processed data.
    """
    params = Path(params_dir) if params_dir else PARAMS_DIR
    prog = load_programme(params, programme)
    numbers = list_cohorts(params, programme)
    if not numbers:
        raise ParameterError(f"{params / programme}: no cohort parameter file (cohort-<n>.yaml) for {programme!r}")
    cohorts: dict[int, CohortData] = {}
    missing: list[int] = []
    for number in numbers:
        try:
            cohorts[number] = load_cohort_data(programme, number, data_dir=data_dir, params_dir=params)
        except NoCohortDataError:
            missing.append(number)
    if not cohorts:
        raise NoCohortDataError(f"{programme!r}: none of the cohorts with parameters ({numbers}) has participants "
                                "in the processed data")
    return ProgrammeData(prog, cohorts, tuple(missing))
