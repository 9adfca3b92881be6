"""Synthetic cohorts of any size, for measuring the workbench as programmes grow national.

:func:`synthesise_scaled` writes one cohort of ``leading-to-deliver`` with as many participants
as asked (1,000 to 1,000,000 and more), drawn exactly like the shipped cohorts (same people,
answers, missingness and effects), in blocks of ``block`` participants so that memory stays
bounded: each block is drawn from its own seeded stream, written, and dropped. Identifiers are
``LTD-<year>-<7 digits>``, numbered in order across blocks. The files are the contract's raw
tables, with a ``SYNTHETIC.json`` marker whose digest is computed from the files as written
(so ingest may use the demo key), plus the reference tables.

These data exist to be timed (``make bench``); the shipped demonstration data are
:func:`~evaluation.data.synthetic.generate.synthesise`'s.
"""

from __future__ import annotations

import json
import numbers
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.core.errors import ParameterError
from evaluation.core.io import sha256_file, write_csv, write_csv_chunks, write_text
from evaluation.data.params import load_cohort, load_instruments, load_programme
from evaluation.data.pseudonymise import SYNTHETIC_TABLES, synthetic_digest_of
from evaluation.data.synthetic.generate import _costs
from evaluation.data.synthetic.people import _cohort_people, _cohort_responses
from evaluation.data.synthetic.profiles import PROGRAMMES
from evaluation.data.synthetic.reference import DEFAULT_SEED, deflator_table, workforce_table

__all__ = ["synthesise_scaled"]

ID_DIGITS = 7


def _blocks(participants: int, block: int) -> list[tuple[int, int]]:
    """(first index, size) of each block of participants."""
    return [(start, min(block, participants - start)) for start in range(0, participants, block)]


def synthesise_scaled(
    data_dir: Path | str,
    params_dir: Path | str,
    participants: int,
    *,
    cohort: int = 2,
    seed: int = DEFAULT_SEED,
    block: int = 50_000,
    programme: str = "leading-to-deliver",
) -> list[Path]:
    """Write one cohort of ``participants`` synthetic participants under ``data_dir/raw``.

    Parameters
    ----------
    data_dir : Path or str
        The data folder; ``raw/<programme>/`` and ``raw/reference/`` are written.
    params_dir : Path or str
        The parameter folder; ``cohort-<cohort>.yaml`` of ``programme`` decides the waves.
    participants : int
        How many participants (at least 1).
    cohort : int, default 2
        The cohort number the rows carry (its parameter file must exist).
    seed : int, default 20051
        Root seed; block ``b`` draws from the streams of cohort ``1000 * cohort + b``. The same
        seed, size, block and versions give byte-identical files.
    block : int, default 50,000
        Participants drawn and written at a time (memory grows with this, not with
        ``participants``).
    programme : str, default "leading-to-deliver"
        A programme with a synthetic profile.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ParameterError
        ``participants``, ``block`` or ``seed`` is not a whole number in range, or the programme
        has no synthetic profile.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(__file__).resolve().parents[3]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = synthesise_scaled(tmp, root / "params", 250, block=100)
    ...     people = pd.read_csv(Path(tmp) / "raw" / "leading-to-deliver" / "participants.csv")
    >>> len(people), people["participant_id"].is_unique, people["participant_id"].iloc[-1]
    (250, True, 'LTD-2004-0000250')
    """
    for name, value, low in (("participants", participants, 1), ("block", block, 1), ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
            raise ParameterError(f"`{name}` must be a whole number of at least {low}; got {value!r}")
    if programme not in PROGRAMMES:
        raise ParameterError(f"`programme` must be one of {sorted(PROGRAMMES)}; got {programme!r}")
    data_dir, params_dir = Path(data_dir), Path(params_dir)
    profile = PROGRAMMES[programme]
    prog = load_programme(params_dir, programme)
    instruments = load_instruments(params_dir, prog)
    self_scales = [s for inst in instruments.values() for s, scale in inst.scales.items()
                   if scale.kirkpatrick_level >= 2 and "self" in inst.scale_raters(s)]
    params = load_cohort(params_dir, programme, cohort)
    year = params.year or profile.first_year + cohort - 1
    waves = list(params.waves)
    blocks = _blocks(int(participants), int(block))
    pending: dict[int, pd.DataFrame] = {}

    def draw(number: int) -> tuple[pd.DataFrame, pd.DataFrame]:
        start, size = blocks[number]
        like = replace(profile, size=(size, size), id_pool=max(size, profile.id_pool))
        people = _cohort_people(programme, like, 1000 * cohort + number, year, prog.sessions, self_scales, int(seed))
        ids = np.array([f"{profile.prefix}-{year}-{k:0{ID_DIGITS}d}" for k in range(start + 1, start + size + 1)],
                       dtype=object)
        people.participants["participant_id"] = ids
        people.participants["cohort"] = cohort
        answers = _cohort_responses(programme, like, people, waves, instruments, self_scales, int(seed),
                                    1000 * cohort + number)
        return people.participants, answers

    def people_blocks() -> Iterator[pd.DataFrame]:
        for number in range(len(blocks)):
            frame, answers = draw(number)
            pending.clear()
            pending[number] = answers  # the last block's answers are kept; the others are drawn again
            yield frame

    def answer_blocks() -> Iterator[pd.DataFrame]:
        for number in range(len(blocks)):
            yield pending.pop(number) if number in pending else draw(number)[1]

    raw = data_dir / "raw" / programme
    written = [write_csv_chunks(people_blocks(), raw / "participants.csv")]
    written.append(write_csv_chunks(answer_blocks(), raw / "responses.csv"))
    written.append(write_csv(_costs(programme, profile, {cohort: year}, int(seed)), raw / "costs.csv"))
    hashes = {name: sha256_file(raw / name) for name in SYNTHETIC_TABLES}
    marker = {"data_digest": synthetic_digest_of(hashes), "synthetic": True, "generator": "evaluation.synthetic.scaled",
              "seed": int(seed), "programme": programme, "participants": int(participants), "block": int(block),
              "note": "SYNTHETIC data for benchmarks: invented participants, answers and costs. No real person is "
                      "described. The labelled demo pseudonymisation key may be used with these files only."}
    written.append(write_text(json.dumps(marker, indent=2, sort_keys=True) + "\n", raw / "SYNTHETIC.json"))
    written.append(write_csv(workforce_table(), data_dir / "raw" / "reference" / "workforce.csv"))
    written.append(write_csv(deflator_table(), data_dir / "raw" / "reference" / "gdp_deflators.csv"))
    return written
