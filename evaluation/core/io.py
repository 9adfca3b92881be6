"""The I/O layer's core: hash and read files, write outputs atomically, one-line errors.

Raw data are opened read-only and never written. Outputs are written into a temporary folder
beside their destination and moved into place in one step only when every file is complete,
so that a failure never leaves a half-written result.

Every ``OSError`` (read-only folder, full disk, name too long, missing file...) leaves this
module as a one-line :class:`~evaluation.core.errors.FileSystemError` naming what was being done
and the path. With :mod:`evaluation.core.raw_files` (raw inputs: bounds, hashing, reading),
:mod:`evaluation.core.blocks` (the answers read in blocks) and
:mod:`evaluation.core.processed_files` (the processed tables read back), these are the only
modules that touch the disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evaluation.core.errors import FileSystemError

if TYPE_CHECKING:  # pandas is imported where it is used: the command line starts without it
    import pandas as pd

__all__ = [
    "file_stat",
    "atomic_directory",
    "read_json",
    "sha256_file",
    "table_file",
    "table_twins",
    "write_csv",
    "write_csv_chunks",
    "write_json",
    "write_bytes",
    "write_parquet",
    "write_parquet_chunks",
    "write_text",
    "read_text",
    "make_dir",
    "read_bytes",
    "remove_tree",
    "copy_file",
    "copy_tree",
    "scratch_dir",
    "read_csv_if_exists",
    "lower_priority",
    "start_logged",
]


@contextlib.contextmanager
def _os_errors(action: str, path: Path | str | None) -> Iterator[None]:
    """Turn an ``OSError`` raised in the block into a one-line :class:`FileSystemError`."""
    try:
        yield
    except FileSystemError:
        raise
    except OSError as exc:
        raise FileSystemError(action, path, exc) from exc


def file_stat(path: Path | str) -> tuple[int, int]:
    """A file's size in bytes and modification time in nanoseconds (what make and git compare)."""
    with _os_errors("cannot read", path):
        stat = Path(path).stat()
    return stat.st_size, stat.st_mtime_ns


def folder_stamps(*folders: Path | str) -> tuple[tuple[str, int, int], ...]:
    """Path, size and modification time (ns) of every file directly in each of ``folders`` (a
    folder that does not exist has none): what tells whether anything in them changed."""
    stamps = []
    for folder in folders:
        with _os_errors("cannot read", folder):
            entries = sorted(os.scandir(folder), key=lambda e: e.name) if Path(folder).is_dir() else []
            for entry in entries:
                if entry.is_file():
                    stat = entry.stat()
                    stamps.append((entry.path, stat.st_size, stat.st_mtime_ns))
    return tuple(stamps)


def table_file(folder: Path | str, table: str) -> Path:
    """``<table>.csv`` in ``folder``, or ``<table>.xlsx`` when only the workbook is there."""
    csv = Path(folder) / f"{table}.csv"
    xlsx = Path(folder) / f"{table}.xlsx"
    return xlsx if not csv.is_file() and xlsx.is_file() else csv


def table_twins(folder: Path | str, table: str) -> tuple[Path, Path] | None:
    """``<table>.csv`` and ``<table>.xlsx`` when both are files in ``folder``, else None.

    Which of the two holds the data is then ambiguous: the ingest refuses rather than choose.
    """
    csv, xlsx = Path(folder) / f"{table}.csv", Path(folder) / f"{table}.xlsx"
    return (csv, xlsx) if csv.is_file() and xlsx.is_file() else None


def sha256_file(path: Path | str) -> str:
    """SHA-256 of a file's bytes, as hex."""
    digest = hashlib.sha256()
    with _os_errors("cannot read", path), Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_bytes(data: bytes, path: Path | str) -> Path:
    """The one atomic writer: write ``data`` to ``path``, creating its folder.

    The bytes go to a temporary file beside ``path``, which replaces ``path`` in one step only
    once complete, so a reader never sees a half-written file and a failure leaves the old one
    (and no temporary file). An ``OSError`` becomes a one-line
    :class:`~evaluation.core.errors.FileSystemError` naming ``path``.
    """
    with _atomic_file(path) as fh:
        fh.write(data)
    return Path(path)


@contextlib.contextmanager
def _atomic_file(path: Path | str) -> Iterator[Any]:
    """A binary file handle on a temporary file beside ``path`` that replaces ``path`` only when
    the block completes (see :func:`write_bytes`)."""
    path = Path(path)
    with _os_errors("cannot write", path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                yield fh
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                with contextlib.suppress(OSError):
                    os.remove(tmp)


def write_text(text: str, path: Path | str) -> Path:
    """Write UTF-8 text atomically (see :func:`write_bytes`)."""
    return write_bytes(text.encode("utf-8"), path)


def read_text(path: Path | str, *, encoding: str = "utf-8") -> str:
    """Read a text file (``encoding="utf-8-sig"`` tolerates a byte-order mark)."""
    with _os_errors("cannot read", path):
        return Path(path).read_text(encoding=encoding)


def read_bytes(path: Path | str) -> bytes:
    """Read a file's bytes."""
    with _os_errors("cannot read", path):
        return Path(path).read_bytes()


def start_logged(command: list[str], log: Path, *, cwd: Path, env: dict[str, str]) -> subprocess.Popen:
    """Start ``command`` with its output written to ``log`` and its errors beside it (``.err``):
    files, not pipes, so that it never waits for a reader."""
    with open(log, "w", encoding="utf-8") as out, open(log.with_suffix(".err"), "w", encoding="utf-8") as err:
        return subprocess.Popen(command, stdout=out, stderr=err, text=True, cwd=cwd, env=env)


def remove_tree(path: Path | str) -> None:
    """Delete a folder and everything in it, if it exists."""
    shutil.rmtree(path, ignore_errors=True)


def copy_file(source: Path | str, destination: Path | str) -> Path:
    """Copy one file (its bytes, atomically)."""
    return write_bytes(read_bytes(source), destination)


def copy_tree(source: Path | str, destination: Path | str) -> Path:
    """Copy a folder and everything in it to a new ``destination``."""
    with _os_errors(f"cannot copy {source} to", destination):
        try:
            return Path(shutil.copytree(source, destination))
        except shutil.Error as exc:  # several files failed: the first one's error names it
            first = exc.args[0][0] if exc.args and exc.args[0] else ("?", destination, str(exc))
            raise FileSystemError(f"cannot copy {first[0]} to", first[1], OSError(None, str(first[2]))) from exc


@contextlib.contextmanager
def scratch_dir(prefix: str) -> Iterator[Path]:
    """A new private temporary folder, deleted with everything in it on leaving the block."""
    with _os_errors("cannot create a temporary folder in", tempfile.gettempdir()):
        folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def make_dir(path: Path | str) -> Path:
    """Create a folder and its parents if missing; return it."""
    path = Path(path)
    with _os_errors("cannot create the folder", path):
        path.mkdir(parents=True, exist_ok=True)
    return path


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write a DataFrame to Parquet deterministically (no index, fixed compression).

    Not atomic by itself: write into an :func:`atomic_directory`.
    """
    with _os_errors("cannot write", path):
        frame.reset_index(drop=True).to_parquet(path, engine="pyarrow", index=False, compression="zstd")


def write_parquet_chunks(frames: Iterable[pd.DataFrame], path: Path) -> int:
    """Write DataFrames one after another as the row groups of one Parquet file; return the rows.

    For a table too large to hold at once (a national programme's answers): each part is written
    and dropped before the next but one is made; every part must have the first one's columns and
    types. Not atomic by itself: write into an :func:`atomic_directory`.

    Notes
    -----
    Each part is compressed and written by a second thread while the next part is made (pyarrow
    releases the interpreter while it writes), one part at a time and in order, so the bytes
    are those of writing the parts one after another.
    """
    from concurrent.futures import ThreadPoolExecutor

    import pyarrow as pa
    import pyarrow.parquet as pq

    writer, rows, pending = None, 0, None
    with _os_errors("cannot write", path), ThreadPoolExecutor(max_workers=1) as pool:
        try:
            for frame in frames:
                table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False,
                                             schema=None if writer is None else writer.schema)
                if writer is None:
                    writer = pq.ParquetWriter(path, table.schema, compression="zstd")
                if pending is not None:
                    pending.result()
                pending = pool.submit(writer.write_table, table, row_group_size=max(1, len(frame)))
                rows += len(frame)
                del frame, table
            if pending is not None:
                pending.result()
        finally:
            if pending is not None:
                pending.exception()  # wait: the file is closed only once nothing writes to it
            if writer is not None:
                writer.close()
    return rows


def write_csv(frame: pd.DataFrame, path: Path | str) -> Path:
    """Write a DataFrame to CSV atomically, with ``\\n`` line endings and no index."""
    return write_text(frame.to_csv(index=False, lineterminator="\n"), path)


def write_csv_chunks(frames: Iterable[pd.DataFrame], path: Path | str) -> Path:
    """Write DataFrames one after another as one CSV (the first one's header), atomically.

    For tables too large to hold at once (e.g. a generated national cohort's answers): each
    frame is written and dropped before the next is made; the file appears only when complete.
    """
    with _atomic_file(path) as fh:
        for number, frame in enumerate(frames):
            fh.write(frame.to_csv(index=False, header=number == 0, lineterminator="\n").encode("utf-8"))
    return Path(path)


def write_json(obj: Any, path: Path | str) -> Path:
    """Write JSON atomically, sorted keys and a final newline (byte-identical for equal content)."""
    return write_text(json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n", path)


@contextlib.contextmanager
def atomic_directory(destination: Path | str, *, description: str = "the folder") -> Iterator[Path]:
    """Build a directory's new content in a temporary sibling; swap it in only on success.

    On an exception the temporary folder is removed and ``destination`` is left as it was.
    Temporary siblings left by a run that was killed (their process no longer exists) are
    removed first; the new folder gets the user's usual permissions (``mkdtemp`` makes it private).

    Every ``OSError``, raised here or in the block (also by code outside this module writing
    into the temporary folder, such as papermill), becomes a one-line
    :class:`~evaluation.core.errors.FileSystemError` that names the file by its final place under
    ``destination`` (never the temporary name) and says that ``description`` (e.g. "the report
    folder") was left as it was, or that nothing was written.
    """
    destination = Path(destination)
    action = f"cannot write {description}"
    try:
        with _os_errors(action, destination):
            destination.parent.mkdir(parents=True, exist_ok=True)
            _remove_stale(destination)
            existed = destination.exists()
            tmp = Path(tempfile.mkdtemp(prefix=f".{destination.name}.tmp-{os.getpid()}-", dir=destination.parent))
    except FileSystemError as exc:
        raise exc.moved(destination, consequence="nothing was written") from exc.error
    kept = f"{description} is left as it was" if existed else "nothing was written"

    def told(exc: OSError | FileSystemError) -> FileSystemError:
        """The error about the file's final place, with what it means for ``destination``."""
        error = exc.error if isinstance(exc, FileSystemError) else exc
        path = exc.path if isinstance(exc, FileSystemError) else exc.filename
        shown = path if path is not None else destination
        with contextlib.suppress(ValueError, TypeError):
            shown = destination / Path(os.fsdecode(path)).relative_to(tmp)
        if isinstance(exc, FileSystemError):
            base = exc
        else:  # raised by code writing into the folder itself (papermill, nbformat), without a path at times
            base = FileSystemError("cannot write" if path is not None else action, shown, error)
        return base.moved(shown, consequence=base.consequence or kept)

    try:
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)
        yield tmp
        old = destination.parent / f".{destination.name}.old-{os.getpid()}"
        with _os_errors(action, destination):
            if destination.exists():
                if old.exists():
                    shutil.rmtree(old)
                os.replace(destination, old)
            try:
                os.replace(tmp, destination)
            except OSError:
                if old.exists() and not destination.exists():
                    os.replace(old, destination)  # put the previous content back
                raise
    except (FileSystemError, OSError) as exc:
        raise told(exc) from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)


def lower_priority(steps: int) -> None:
    """Lower this process's scheduling priority by ``steps`` nice levels: its own (``os.nice``)
    and, where Linux groups the processes of a session for scheduling (autogroup), its session's
    group's, written to ``/proc/self/autogroup`` (a process alone in its session, as a report
    kernel is, is weighed against the others by that group's priority only). What the system
    refuses is left as it was: a priority is never a reason to fail.
    """
    with contextlib.suppress(OSError):
        os.nice(steps)
    with contextlib.suppress(OSError, ValueError), open("/proc/self/autogroup", encoding="ascii") as current:
        level = int(current.read().split("nice")[1])
        with open("/proc/self/autogroup", "w", encoding="ascii") as out:
            out.write(str(min(19, level + steps)))


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


def read_json(path: Path | str) -> Any:
    """Read a JSON file."""
    return json.loads(read_text(path, encoding="utf-8"))


def read_csv_if_exists(path: Path | str) -> pd.DataFrame | None:
    """A published CSV table read back (empty cells missing, text such as ``NA`` kept), or None if absent."""
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        return None
    with _os_errors("cannot read", path):
        return pd.read_csv(path, keep_default_na=False, na_values=[""])


