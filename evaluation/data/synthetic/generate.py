"""Generating the synthetic programmes' tables and costs, and writing ``data/raw``."""

from __future__ import annotations

import json
import numbers
from pathlib import Path

import pandas as pd

from evaluation.core.errors import ParameterError
from evaluation.core.io import read_bytes, write_csv, write_text
from evaluation.data.params import (
    list_cohorts,
    load_cohort,
    load_instruments,
    load_programme,
)
from evaluation.data.pseudonymise import synthetic_digest
from evaluation.data.synthetic.people import _cohort_people, _cohort_responses, _comparison_group
from evaluation.data.synthetic.profiles import PROGRAMMES, Profile, _rng
from evaluation.data.synthetic.reference import (
    DEFAULT_SEED,
    deflator_table,
    workforce_table,
)

__all__ = [
    "synthesise",
]

def _costs(name: str, profile: Profile, cohorts: dict[int, int], seed: int) -> pd.DataFrame:
    """Cost lines: programme-level lines once, the rest once per cohort in that cohort's prices."""
    rng = _rng(seed, name, "costs")
    rows = []
    for line in profile.costs:
        if line.programme_level:
            rows.append(
                (None, line.category, line.description, line.amount, line.price_year, line.basis)
            )
    first = min(cohorts.values())
    for cohort, year in cohorts.items():
        growth = (1 + profile.cost_growth) ** (year - first)
        for line in profile.costs:
            if line.programme_level:
                continue
            if line.category == "participant_time":
                amount = line.amount  # hours x hourly cost, priced in the cohort's year
            elif line.basis == "per_participant":
                amount = 5 * round(line.amount * growth * rng.uniform(0.98, 1.02) / 5)
            else:
                amount = round(line.amount * growth * rng.uniform(0.96, 1.04), 2)
            rows.append((cohort, line.category, line.description, amount, year, line.basis))
    frame = pd.DataFrame(
        rows, columns=["cohort", "category", "description", "amount", "price_year", "basis"]
    )
    frame["cohort"] = frame["cohort"].astype("Int64")
    frame["amount"] = [f"{a:.2f}" for a in frame["amount"]]
    return frame


# ------------------------------------------------------------------------ writing


def _programme_tables(name: str, params_dir: Path, seed: int) -> dict[str, pd.DataFrame]:
    profile = PROGRAMMES[name]
    programme = load_programme(params_dir, name)
    instruments = load_instruments(params_dir, programme)
    self_scales = [
        s
        for inst in instruments.values()
        for s, scale in inst.scales.items()
        if scale.kirkpatrick_level >= 2 and "self" in inst.scale_raters(s)
    ]
    numbers = list_cohorts(params_dir, name)
    if not numbers:
        raise ValueError(
            f"{params_dir / name}: no cohort-<n>.yaml parameter files to generate data for"
        )
    participants, responses, years = [], [], {}
    for number in numbers:
        cohort = load_cohort(params_dir, name, number)
        year = cohort.year or profile.first_year + number - 1
        years[number] = year
        people = _cohort_people(name, profile, number, year, programme.sessions, self_scales, seed)
        participants.append(people.participants)
        responses.append(
            _cohort_responses(
                name, profile, people, list(cohort.waves), instruments, self_scales, seed, number
            )
        )
    if profile.comparison:  # appended after every programme row, so those rows stay as they were
        for part in participants:
            part["group"] = "programme"
        for number in (n for n in numbers if n in profile.comparison):
            cohort = load_cohort(params_dir, name, number)
            people, answers = _comparison_group(name, profile, number, years[number], list(cohort.waves),
                                                instruments, self_scales, seed)
            participants.append(people)
            responses.append(answers)
    people = pd.concat(participants, ignore_index=True)
    if profile.comparison:
        people["sessions_attended"] = people["sessions_attended"].astype("Int64")
    return {
        "participants": people,
        "responses": pd.concat(responses, ignore_index=True),
        "costs": _costs(name, profile, years, seed),
    }


def synthesise(
    data_dir: Path | str,
    params_dir: Path | str,
    *,
    seed: int = DEFAULT_SEED,
    programmes: list[str] | tuple[str, ...] | None = None,
) -> list[Path]:
    """Write the synthetic demonstration data and the reference tables under ``data_dir/raw``.

    For each programme, ``raw/<programme>/participants.csv``, ``responses.csv`` and
    ``costs.csv`` in the formats of CONTRACT section 2, for every cohort that has a parameter
    file (its ``waves`` decide which questionnaires exist), plus ``raw/<programme>/SYNTHETIC.json``,
    the marker that allows the labelled demo pseudonymisation key. Always also
    ``raw/reference/workforce.csv`` and ``raw/reference/gdp_deflators.csv``.

    Parameters
    ----------
    data_dir : Path or str
        The data folder; files go to ``data_dir/raw/`` (folders are created, files replaced).
    params_dir : Path or str
        The parameter folder (``programme.yaml``, ``cohort-<n>.yaml``, ``instruments/``).
    seed : int, default 20051
        Root seed. The same seed, parameters and package versions give byte-identical files.
    programmes : sequence of str, optional
        Programmes to generate; default all of :data:`PROGRAMMES`
        (``leading-to-deliver`` and ``collaborative-leadership``).

    Returns
    -------
    list of Path
        The files written, programme files first, then the reference tables.

    Raises
    ------
    ValueError
        If a programme has no synthetic profile or no cohort parameter files.
    evaluation.core.errors.ParameterError
        If a parameter file is missing or invalid, or ``seed`` is not a whole number ≥ 0; nothing
        is written then.

    Notes
    -----
    Every random stream is a :class:`numpy.random.Generator` seeded from
    ``(seed, crc32(programme), table, cohort)``, so adding a cohort or a programme does not
    change the data of the others.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(__file__).resolve().parents[3]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = synthesise(tmp, root / "params", programmes=["collaborative-leadership"])
    ...     sorted(p.name for p in paths)
    ['SYNTHETIC.json', 'costs.csv', 'gdp_deflators.csv', 'participants.csv', 'responses.csv', 'workforce.csv']
    """
    data_dir, params_dir = Path(data_dir), Path(params_dir)
    names = list(PROGRAMMES) if programmes is None else list(programmes)
    unknown = [p for p in names if p not in PROGRAMMES]
    if unknown:
        raise ValueError(
            f"no synthetic profile for programme(s) {unknown}; known: {list(PROGRAMMES)}"
        )
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ParameterError(f"`seed` (--seed) must be a whole number of at least 0; got {seed!r}")
    raw = data_dir / "raw"
    written: list[Path] = []
    # every programme's tables are built (and its parameters checked) before anything is written
    built = {name: _programme_tables(name, params_dir, int(seed)) for name in names}
    for name, tables in built.items():
        for table in ("participants", "responses", "costs"):
            written.append(write_csv(tables[table], raw / name / f"{table}.csv"))
        contents = {f"{table}.csv": read_bytes(raw / name / f"{table}.csv") for table in ("participants", "responses", "costs")}
        marker = {
            "data_digest": synthetic_digest(contents),
            "synthetic": True,
            "generator": "evaluation.synthetic",
            "seed": int(seed),
            "programme": name,
            "note": (
                "SYNTHETIC demonstration data: invented participants, answers and costs shaped after "
                "public facts about the programme. No real person is described. The labelled demo "
                "pseudonymisation key may be used with these files only."
            ),
        }
        written.append(
            write_text(json.dumps(marker, indent=2, sort_keys=True) + "\n", raw / name / "SYNTHETIC.json")
        )
    written.append(write_csv(workforce_table(), raw / "reference" / "workforce.csv"))
    written.append(write_csv(deflator_table(), raw / "reference" / "gdp_deflators.csv"))
    return written
