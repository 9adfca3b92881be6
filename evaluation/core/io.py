"""The only module that touches the disk: read raw tables, hash files, write outputs atomically.

Raw data are opened read-only and never written. Outputs are written into a temporary folder
beside their destination and moved into place in one step only when every file is complete,
so that a failure never leaves a half-written result.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from evaluation.core.errors import DataValidationError, Failure

__all__ = [
    "PROCESSED_TABLES",
    "atomic_directory",
    "read_json",
    "read_processed",
    "read_table",
    "sha256_file",
    "table_file",
    "write_csv",
    "write_json",
    "write_bytes",
    "write_parquet",
    "write_text",
    "read_text",
    "make_dir",
    "read_bytes",
    "remove_tree",
    "copy_file",
    "copy_tree",
    "scratch_dir",
]


def read_table(path: Path | str, *, shown_as: str | None = None) -> pd.DataFrame:
    """Read a raw table with every column as text and empty cells as missing.

    CSV (a UTF-8 byte-order mark is tolerated) or, for a path ending in ``.xlsx``, the first
    sheet of an Excel workbook exported from the same table. A missing or unreadable file raises
    :class:`~evaluation.core.errors.DataValidationError` naming it.
    """
    path = Path(path)
    name = shown_as or str(path)
    if not path.is_file():
        raise DataValidationError([Failure(name, (), None, "the file to exist")])
    if path.suffix.lower() == ".xlsx":
        try:
            frame = pd.read_excel(path, sheet_name=0, dtype="str", keep_default_na=False, na_values=[""])
        except (ValueError, OSError, KeyError) as exc:
            raise DataValidationError([Failure(name, (), None, f"an .xlsx workbook whose first sheet has a header "
                                                              f"row ({exc})")]) from None
        frame.columns = [str(c).strip() for c in frame.columns]
        return frame
    try:
        frame = pd.read_csv(
            path,
            dtype="str",
            keep_default_na=False,
            na_values=[""],
            encoding="utf-8-sig",
            skipinitialspace=False,
        )
    except UnicodeDecodeError:
        raise DataValidationError([_not_utf8(path, name)]) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataValidationError([Failure(name, (), None, f"a UTF-8 CSV file with a header row ({exc})")]) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _not_utf8(path: Path, name: str) -> Failure:
    """The row holding a CSV file's first byte that is not UTF-8 (pandas reports a position in a chunk)."""
    data = path.read_bytes()
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        return Failure(name, (row,), None, f"UTF-8 text; found byte 0x{data[exc.start]:02x}, which is not UTF-8 "
                                           "(an export in Latin-1 or Windows-1252?): save the file as UTF-8")
    return Failure(name, (), None, "UTF-8 text")


def table_file(folder: Path | str, table: str) -> Path:
    """``<table>.csv`` in ``folder``, or ``<table>.xlsx`` when only the workbook is there."""
    csv = Path(folder) / f"{table}.csv"
    xlsx = Path(folder) / f"{table}.xlsx"
    return xlsx if not csv.is_file() and xlsx.is_file() else csv


def sha256_file(path: Path | str) -> str:
    """SHA-256 of a file's bytes, as hex."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_bytes(data: bytes, path: Path | str) -> Path:
    """The one atomic writer: write ``data`` to ``path``, creating its folder.

    The bytes go to a temporary file beside ``path``, which replaces ``path`` in one step only
    once complete, so a reader never sees a half-written file and a failure leaves the old one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def write_text(text: str, path: Path | str) -> Path:
    """Write UTF-8 text atomically (see :func:`write_bytes`)."""
    return write_bytes(text.encode("utf-8"), path)


def read_text(path: Path | str, *, encoding: str = "utf-8") -> str:
    """Read a text file (``encoding="utf-8-sig"`` tolerates a byte-order mark)."""
    return Path(path).read_text(encoding=encoding)


def read_bytes(path: Path | str) -> bytes:
    """Read a file's bytes."""
    return Path(path).read_bytes()


def remove_tree(path: Path | str) -> None:
    """Delete a folder and everything in it, if it exists."""
    shutil.rmtree(path, ignore_errors=True)


def copy_file(source: Path | str, destination: Path | str) -> Path:
    """Copy one file (its bytes, atomically)."""
    return write_bytes(read_bytes(source), destination)


def copy_tree(source: Path | str, destination: Path | str) -> Path:
    """Copy a folder and everything in it to a new ``destination``."""
    return Path(shutil.copytree(source, destination))


@contextlib.contextmanager
def scratch_dir(prefix: str) -> Iterator[Path]:
    """A new private temporary folder, deleted with everything in it on leaving the block."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def make_dir(path: Path | str) -> Path:
    """Create a folder and its parents if missing; return it."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write a DataFrame to Parquet deterministically (no index, fixed compression)."""
    frame.reset_index(drop=True).to_parquet(path, engine="pyarrow", index=False, compression="zstd")


def write_csv(frame: pd.DataFrame, path: Path | str) -> Path:
    """Write a DataFrame to CSV atomically, with ``\\n`` line endings and no index."""
    return write_text(frame.to_csv(index=False, lineterminator="\n"), path)


def write_json(obj: Any, path: Path | str) -> Path:
    """Write JSON atomically, sorted keys and a final newline (byte-identical for equal content)."""
    return write_text(json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n", path)


@contextlib.contextmanager
def atomic_directory(destination: Path | str) -> Iterator[Path]:
    """Build a directory's new content in a temporary sibling; swap it in only on success.

    On an exception the temporary folder is removed and ``destination`` is left as it was.
    Temporary siblings left by a run that was killed (their process no longer exists) are
    removed first; the new folder gets the user's usual permissions (``mkdtemp`` makes it private).
    """
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(destination)
    tmp = Path(tempfile.mkdtemp(prefix=f".{destination.name}.tmp-{os.getpid()}-", dir=destination.parent))
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if destination.exists():
        old = destination.parent / f".{destination.name}.old-{os.getpid()}"
        if old.exists():
            shutil.rmtree(old)
        os.replace(destination, old)
    os.replace(tmp, destination)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale(destination: Path) -> None:
    """Remove ``.<name>.tmp-<pid>-*`` and ``.<name>.old-<pid>`` siblings whose process is gone."""
    for sibling in destination.parent.glob(f".{destination.name}.*-*"):
        rest = sibling.name[len(destination.name) + 2:]
        kind, _, tail = rest.partition("-")
        pid = tail.split("-")[0]
        if kind in ("tmp", "old") and pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(sibling, ignore_errors=True)


PROCESSED_TABLES = ("participants", "responses", "scale_scores", "reliability", "costs", "workforce", "deflators")


def read_processed(directory: Path | str) -> dict[str, pd.DataFrame]:
    """Read a programme's processed Parquet tables (written by :mod:`evaluation.data.ingest`)."""
    directory = Path(directory)
    missing = [t for t in PROCESSED_TABLES if not (directory / f"{t}.parquet").is_file()]
    if missing:
        what = "all the processed tables" if len(missing) == len(PROCESSED_TABLES) else \
            "the processed table(s) " + ", ".join(f"{t}.parquet" for t in missing)
        how = (f"{what}: build them with `make data`, or `python -m evaluation ingest --programme "
               f"{directory.name}` (add --data-dir and --params-dir for data outside the repository)")
        raise DataValidationError([Failure(str(directory), (), None, how)], context="processed data")
    return {t: pd.read_parquet(directory / f"{t}.parquet") for t in PROCESSED_TABLES}


def read_json(path: Path | str) -> Any:
    """Read a JSON file."""
    return json.loads(Path(path).read_text(encoding="utf-8"))
