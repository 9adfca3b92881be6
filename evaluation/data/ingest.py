"""Ingest one programme: raw → validated → pseudonymised → scored, written to ``data/processed``.

``python -m evaluation ingest --programme leading-to-deliver`` (or ``make data``) runs
:func:`ingest`. It reads ``data/raw/<programme>/`` and ``data/raw/reference/`` (never writing
there), validates every table lazily, pseudonymises identifiers, scores the questionnaires and
writes, atomically, to ``data/processed/<programme>/``:

==========================  ===============================================================
``participants.parquet``    validated participants, ``participant_id`` pseudonymised (with
                            ``group`` when participants.csv marks a comparison group)
``responses.parquet``       validated answers, pseudonymised, with ``cohort``
``scale_scores.parquet``    one row per participant × scale × wave × rater (score may be NaN)
``reliability.parquet``     Cronbach's alpha (Feldt CI) and omega total per cohort × scale ×
                            wave × rater (programme participants only)
``costs.parquet``           validated cost lines, nominal pounds in their price year
``workforce.parquet``       the validated eligible workforce (reference, for equity)
``deflators.parquet``       the validated GDP deflators (reference, for real prices)
``exclusions.csv``          who was left out of what, and by which rule
``manifest.json``           SHA-256 and row counts of every input, parameter file and output
                            (each input's size and modification time beside its SHA-256)
==========================  ===============================================================

The same inputs, parameters and key give byte-identical files (the manifest apart, which records
when the inputs were last modified). Each raw file is read once for its bounds and its SHA-256
(:func:`evaluation.core.raw_files.scan_raw_file`) before its rows are read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evaluation.core.blocks import read_table_blocks
from evaluation.core.errors import DataValidationError, Failure
from evaluation.core.io import (
    atomic_directory,
    file_stat,
    read_json,
    sha256_file,
    write_csv,
    write_json,
    write_parquet,
    write_parquet_chunks,
)
from evaluation.core.memory import hand_back_large_blocks
from evaluation.core.paths import PARAMS_DIR, REPO_ROOT, processed_dir, raw_dir, shown_path
from evaluation.core.raw_files import (
    BLOCK_ROWS,
    MAX_LINE_BYTES,
    FileStamp,
    read_table,
    scan_raw_file,
)
from evaluation.core.results import ResultDisplay
from evaluation.core.version import __version__
from evaluation.data.freshness import TABLES, input_files, is_up_to_date, twin_tables
from evaluation.data.groups import in_comparison
from evaluation.data.input_checks import workbook_blocks, workbook_dates
from evaluation.data.params import (
    item_map,
    list_cohorts,
    load_cohort,
    load_instruments,
    load_programme,
)
from evaluation.data.process import Chunked, Later, process_answers
from evaluation.data.pseudonymise import (
    SYNTHETIC_TABLES,
    Key,
    pseudonymise,
    resolve_key,
    synthetic_digest_of,
)
from evaluation.data.validate import price_year_failures, validate_programme, validate_reference

__all__ = ["EXCLUSION_COLUMNS", "IngestResult", "ingest", "input_files", "is_up_to_date"]

EXCLUSION_COLUMNS = ["participant_id", "cohort", "what", "wave", "rater", "instrument", "scale", "rule", "detail"]


@dataclass(frozen=True, repr=False)
class IngestResult(ResultDisplay):
    """What one ingest wrote."""

    programme: str
    directory: Path
    manifest: dict
    n_excluded: int


def _check_inside(data_dir: Path, programme: str, files: dict[str, Path], shown: dict[str, str]) -> None:
    """Raw inputs are read only from inside ``data_dir/raw``, and outputs never go there.

    A raw file that is a symbolic link to somewhere outside ``<data_dir>/raw`` is refused, and so
    is a ``processed/`` folder that resolves into ``raw/`` (for instance a symbolic link).
    """
    raw_root = (Path(data_dir) / "raw").resolve()
    failures = [
        Failure(shown[name], (), None, f"a file inside {raw_root} (it resolves to {path.resolve()}, outside it; "
                                       "symbolic links out of the data folder are refused)")
        for name, path in files.items() if path.exists() and not path.resolve().is_relative_to(raw_root)
    ]
    target = processed_dir(data_dir, programme).resolve()
    if target.is_relative_to(raw_root) or raw_root.is_relative_to(target):
        failures.append(Failure(shown_path(processed_dir(data_dir, programme)), (), None,
                                f"a processed-data folder outside the raw data {raw_root} (it resolves to {target}); "
                                "nothing is ever written into the raw data"))
    if failures:
        raise DataValidationError(failures)


def shipped_synthetic(folder: Path, hashes: Mapping[Path, str] | None = None) -> tuple[bool, str | None]:
    """Whether a raw programme folder holds the shipped synthetic data, as the generator wrote them.

    True only when ``SYNTHETIC.json`` says ``"synthetic": true`` and its ``data_digest`` is the
    digest of the raw tables as they are now (:func:`evaluation.data.pseudonymise.synthetic_digest`).
    Returns the answer and, when a marker is there but does not hold, why. ``hashes`` holds the
    SHA-256 of files already hashed (by path), so that a large table is not hashed again.
    """
    marker_path = folder / "SYNTHETIC.json"
    if not marker_path.is_file():
        return False, None
    try:
        marker = read_json(marker_path)
    except (ValueError, UnicodeDecodeError):
        return False, f"{marker_path} is not valid JSON, so these are not the shipped synthetic data"
    if not isinstance(marker, dict) or marker.get("synthetic") is not True:
        return False, f"{marker_path} does not say the data are synthetic"
    tables = {name: folder / name for name in SYNTHETIC_TABLES}
    if not all(path.is_file() for path in tables.values()):
        return False, f"{marker_path}: the synthetic data's CSV files are not all there"
    known = hashes or {}
    digests = {name: known[path] if path in known else sha256_file(path) for name, path in tables.items()}
    if marker.get("data_digest") != synthetic_digest_of(digests):
        return False, (f"{marker_path} does not match the files beside it: they are not the shipped synthetic data "
                       "(regenerate those with `make synthetic`)")
    return True, None


def _scan(path: Path, shown: str, max_bytes: int) -> FileStamp | None:
    """A raw file's bounds checked and its SHA-256 taken in one read; None when it is not a regular
    file (the reader then says what is wrong)."""
    if not path.is_file():
        return None
    return scan_raw_file(path, shown_as=shown, max_bytes=max_bytes,
                         max_line_bytes=None if path.suffix.lower() == ".xlsx" else MAX_LINE_BYTES)


def _stamp(path: Path) -> FileStamp:
    """A file's size and modification time (taken first) and SHA-256."""
    size, mtime_ns = file_stat(path)
    return FileStamp(size, mtime_ns, sha256_file(path))


def _label(path: Path, data_dir: Path, params_dir: Path) -> str:
    """An input as the manifest records it: ``data/...`` or ``params/...`` after the folder it is in,
    whichever folder that is (``verify`` finds it again under its own ``--data-dir``). Messages
    name the file by :func:`~evaluation.core.paths.shown_path` instead, which the user can open."""
    for base, label in ((Path(data_dir), "data"), (Path(params_dir), "params")):
        try:
            return f"{label}/{path.relative_to(base).as_posix()}"
        except ValueError:
            continue
    return str(path)


def _twin_failure(table: str, csv: Path, xlsx: Path) -> Failure:
    """A table given twice, as a CSV file and as a workbook: which one holds the data is ambiguous,
    so neither is read (never the CSV silently)."""
    return Failure(shown_path(csv), (), None,
                   f"one file for the {table} table; both {shown_path(csv)} and {shown_path(xlsx)} are there, and "
                   "which one holds the data is ambiguous: remove (or move out of the folder) the one not to use")


def ingest(
    programme: str,
    *,
    data_dir: Path | str,
    params_dir: Path | str = PARAMS_DIR,
    key: Key | None = None,
    key_file: Path | str | None = None,
    block_rows: int = BLOCK_ROWS,
) -> IngestResult:
    """Validate, pseudonymise and score one programme's raw data; write ``data/processed``.

    Parameters
    ----------
    programme : str
        The programme's folder name, e.g. ``"leading-to-deliver"``.
    data_dir, params_dir : path
        Folders holding ``raw/`` (and receiving ``processed/``) and the parameter files.
    key : Key, optional
        The pseudonymisation key; by default found by
        :func:`evaluation.data.pseudonymise.resolve_key`.
    key_file : path, optional
        A key file outside the repository (instead of ``EVALUATION_ID_KEY_FILE``).
    block_rows : int, default 1,000,000
        Answers (rows of ``responses.csv``) read, checked and scored at a time: memory grows with
        this, not with the table (:func:`evaluation.core.blocks.read_table_blocks`). Any block size
        gives the same processed files, byte for byte.

    Raises
    ------
    ParameterError
        A parameter file is missing or invalid (names the file and key).
    DataValidationError
        The data break the contract: lists every failure; nothing is written.
    """
    hand_back_large_blocks()  # the answers' blocks: freed memory goes back to the system, not kept
    data_dir, params_dir = Path(data_dir), Path(params_dir)
    prog = load_programme(params_dir, programme)
    instruments = load_instruments(params_dir, prog)
    cohort_numbers = list_cohorts(params_dir, programme)
    cohorts = {n: load_cohort(params_dir, programme, n) for n in cohort_numbers}
    files = input_files(programme, data_dir=data_dir, params_dir=params_dir)
    labels = {name: _label(path, data_dir, params_dir) for name, path in files.items()}
    shown = {name: shown_path(path) for name, path in files.items()}  # in messages: a path the user can open

    _check_inside(data_dir, programme, {t: files[t] for t in (*TABLES, "workforce", "deflators")}, shown)
    twins = twin_tables(programme, data_dir=data_dir)
    raw, stamps = {}, {}
    read_failures = [_twin_failure(table, *pair) for table, pair in twins.items()]
    for table in (*TABLES, "workforce", "deflators"):
        if table == "responses" or table in twins:  # the answers: streamed in blocks by validate_programme
            continue
        stamps[table] = _scan(files[table], shown[table], prog.max_raw_file_bytes)
        try:
            raw[table] = read_table(files[table], shown_as=shown[table], max_bytes=prog.max_raw_file_bytes,
                                    checked=stamps[table] is not None)
            if files[table].suffix.lower() == ".xlsx":  # a date cell is read as a date and a time
                raw[table] = workbook_dates(raw[table], table)
        except DataValidationError as exc:
            read_failures += exc.failures
    if read_failures:
        raise DataValidationError(read_failures)
    stamps["responses"] = _scan(files["responses"], shown["responses"], prog.max_raw_file_bytes)
    raw["responses"] = read_table_blocks(files["responses"], shown_as=shown["responses"],
                                         max_bytes=prog.max_raw_file_bytes, block_rows=block_rows,
                                         checked=stamps["responses"] is not None)
    if files["responses"].suffix.lower() == ".xlsx":
        raw["responses"] = workbook_blocks(raw["responses"], "responses")
    workforce, deflators, ref_failures = validate_reference(raw["workforce"], raw["deflators"], files=shown)
    ref_failures += price_year_failures(prog, cohorts, deflators, shown)
    valid = validate_programme(
        raw,
        programme=prog,
        instruments=instruments,
        cohorts_with_params=cohort_numbers,
        workforce=workforce,
        deflators=deflators,
        files=shown,
        reference_failures=ref_failures,
    )

    stamps = {name: stamps.get(name) or _stamp(path) for name, path in files.items()}
    synthetic, why_not = shipped_synthetic(raw_dir(data_dir, programme),
                                           {files[t]: stamps[t].sha256 for t in TABLES})
    if key is None:
        key = resolve_key(synthetic=synthetic, key_file=key_file, repo_root=REPO_ROOT, not_synthetic_because=why_not)

    participants = valid.participants.copy()
    participants["participant_id"] = pseudonymise(participants["participant_id"], key)
    comparison_ids = set(participants.loc[in_comparison(participants), "participant_id"])
    items = item_map(instruments)
    done = process_answers(valid.responses, participants=participants, key=key, cohorts=cohorts, items=items,
                           comparison_ids=comparison_ids, block_rows=block_rows)
    kept, scores = done.responses, done.scores
    # decision 1: answers at a wave the cohort's parameters do not list are not scored
    excluded_waves = done.off_wave.assign(
        what="responses",
        scale=pd.NA,
        rule="wave_not_in_cohort_parameters",
        detail=lambda d: d["size"].astype(str) + " answers at a wave the cohort's parameters do not list",
    )
    # decision 2: a scale is scored only when the instrument's minimum share is answered
    unscored = scores.unscored.assign(
        what="scale_scores",
        rule="min_answered",
        detail=lambda d: (
            "answered " + d["n_answered"].astype(str) + " of " + d["n_items"].astype(str)
            + " items; the instrument needs at least "
            + d["scale"].map(items.drop_duplicates("scale").set_index("scale")["min_answered"]).map("{:.0%}".format)
        ),
    )
    exclusions = (
        pd.concat([excluded_waves[EXCLUSION_COLUMNS], unscored[EXCLUSION_COLUMNS]], ignore_index=True)
        .astype({"cohort": "Int64"})
        .sort_values(["what", "cohort", "participant_id", "instrument", "scale", "wave", "rater"], na_position="first")
        .reset_index(drop=True)
    )
    # decision 3: reliability describes the programme's participants; a comparison group's answers
    # are scored (for the comparison-group outcome) but never enter the participants' alpha
    rel = done.reliability  # a Later: resolved after the answers and scores are written
    costs = valid.costs.reset_index(drop=True)

    outputs = {
        "participants.parquet": participants.sort_values(["cohort", "participant_id"]).reset_index(drop=True),
        "responses.parquet": kept,
        "scale_scores.parquet": scores,
        "reliability.parquet": rel,
        "costs.parquet": costs,
        "workforce.parquet": workforce.reset_index(drop=True),
        "deflators.parquet": deflators.reset_index(drop=True),
    }
    manifest = {
        "programme": programme,
        "generated_by": f"evaluation {__version__}",
        "pseudonymisation": {"method": "HMAC-SHA256, 128 bits kept", "key_source": key.source},
        "synthetic_data": synthetic,
        "inputs": [
            {
                "name": name,
                "path": labels[name],
                "sha256": stamps[name].sha256,
                "size": stamps[name].size,
                "mtime_ns": stamps[name].mtime_ns,
                **({"rows": int(valid.responses.n_rows if name == "responses" else len(raw[name]))}
                   if name in raw else {}),
            }
            for name, path in files.items()
        ],
        "cohorts": cohort_numbers,
        "decisions": {
            "wave_not_in_cohort_parameters": "answers at a wave the cohort's parameters do not list are not scored",
            "min_answered": "a scale is scored only when the instrument's minimum share of its items is answered",
            **({"comparison_group": "members of a comparison group (participants.csv `group` = comparison) are "
                                    "scored, but left out of reliability and of every table about participants"}
               if comparison_ids else {}),
        },
        "outputs": [],
    }
    target = processed_dir(data_dir, programme)
    with atomic_directory(target, description="the processed-data folder") as tmp:
        for name, frame in outputs.items():
            if isinstance(frame, Later):  # the reliability, computed while the answers were written
                frame = outputs[name] = frame.result()
            if isinstance(frame, Chunked):  # the answers: written a row group at a time
                write_parquet_chunks(frame.frames(), tmp / name)
            else:
                write_parquet(frame, tmp / name)
        write_csv(exclusions, tmp / "exclusions.csv")
        manifest["outputs"] = [
            {"path": name, "rows": int(frame.rows if isinstance(frame, Chunked) else len(frame)),
             "sha256": sha256_file(tmp / name)} for name, frame in outputs.items()
        ] + [{"path": "exclusions.csv", "rows": int(len(exclusions)), "sha256": sha256_file(tmp / "exclusions.csv")}]
        write_json(manifest, tmp / "manifest.json")
    return IngestResult(programme=programme, directory=target, manifest=manifest, n_excluded=len(exclusions))
