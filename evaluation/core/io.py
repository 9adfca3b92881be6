"""The only module that touches the disk: read raw tables, hash files, write outputs atomically.

Raw data are opened read-only and never written. Outputs are written into a temporary folder
beside their destination and moved into place in one step only when every file is complete,
so that a failure never leaves a half-written result.

Every ``OSError`` (read-only folder, full disk, name too long, missing file...) leaves this
module as a one-line :class:`~evaluation.core.errors.FileSystemError` naming what was being done
and the path. Raw input files are bounded before they are read: at most
:data:`MAX_RAW_FILE_BYTES` bytes (a programme may set its own bound) and lines of at most
:data:`MAX_LINE_BYTES` bytes.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from evaluation.core.errors import DataValidationError, Failure, FileSystemError, InputTooLargeError

__all__ = [
    "MAX_LINE_BYTES",
    "MAX_RAW_FILE_BYTES",
    "PROCESSED_TABLES",
    "FileStamp",
    "check_raw_file",
    "file_stat",
    "scan_raw_file",
    "atomic_directory",
    "read_json",
    "read_parquet_columns",
    "read_processed",
    "read_table",
    "sha256_file",
    "table_file",
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
]


#: The largest raw input file read (bytes), unless a programme sets its own
#: (``max_raw_file_bytes`` in ``programme.yaml``). A national programme's long-format answers
#: (10,000 people × 800 answers × 70 bytes) fit about twice over; pandas needs several times a
#: file's size in memory, so the bound is also what keeps a mistaken file from exhausting it.
MAX_RAW_FILE_BYTES = 1_000_000_000
#: The longest line of a raw CSV file (bytes). A row of the contract's tables is well under a
#: kilobyte; a longer line is a wrong file (or one built to exhaust memory), refused before pandas
#: reads it.
MAX_LINE_BYTES = 1_000_000
#: Rows of a large raw table (the answers) held at a time by :func:`read_table_blocks` unless the
#: caller asks for another number: a million answers are some 70 MB of CSV; checking a block takes
#: a few hundred bytes a row, so memory stays near 0.3 GB whatever the table's size.
BLOCK_ROWS = 1_000_000


@contextlib.contextmanager
def _os_errors(action: str, path: Path | str | None) -> Iterator[None]:
    """Turn an ``OSError`` raised in the block into a one-line :class:`FileSystemError`."""
    try:
        yield
    except FileSystemError:
        raise
    except OSError as exc:
        raise FileSystemError(action, path, exc) from exc


@dataclass(frozen=True)
class FileStamp:
    """A file's size, modification time (nanoseconds) and SHA-256 (hex), the stat taken before the read."""

    size: int
    mtime_ns: int
    sha256: str


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


def check_raw_file(path: Path | str, *, shown_as: str | None = None, max_bytes: int = MAX_RAW_FILE_BYTES,
                   max_line_bytes: int | None = MAX_LINE_BYTES) -> int:
    """Check a raw input file's bounds before it is read; return its size in bytes.

    Parameters
    ----------
    path : path
        The file.
    shown_as : str, optional
        The file as the user knows it (used in messages).
    max_bytes : int
        The largest size accepted (:data:`MAX_RAW_FILE_BYTES` by default).
    max_line_bytes : int or None
        The longest line accepted (:data:`MAX_LINE_BYTES`); None skips the line check (workbooks).

    Raises
    ------
    InputTooLargeError
        The file is larger than ``max_bytes``, or a line is longer than ``max_line_bytes``. The
        lines are scanned in blocks of at most a mebibyte, so a single line of any length is
        refused without being held in memory.
    FileSystemError
        The file cannot be read.
    """
    return _scan(path, shown_as, max_bytes, max_line_bytes, digest=False).size


def scan_raw_file(path: Path | str, *, shown_as: str | None = None, max_bytes: int = MAX_RAW_FILE_BYTES,
                  max_line_bytes: int | None = MAX_LINE_BYTES) -> FileStamp:
    """:func:`check_raw_file` and :func:`sha256_file` in one read of the file: its :class:`FileStamp`.

    Raises as :func:`check_raw_file` does; the file is read once, a mebibyte at a time, each block
    hashed and scanned for line ends, so that a large raw table is not read twice.

    Examples
    --------
    >>> with scratch_dir("scan-") as folder:
    ...     stamp = scan_raw_file(write_text("a,b\\n1,2\\n", folder / "t.csv"))
    >>> stamp.size, stamp.sha256 == hashlib.sha256(b"a,b\\n1,2\\n").hexdigest()
    (8, True)
    """
    return _scan(path, shown_as, max_bytes, max_line_bytes, digest=True)


def _scan(path: Path | str, shown_as: str | None, max_bytes: int, limit: int | None, *, digest: bool) -> FileStamp:
    """Refuse a file over ``max_bytes``, or a line longer than ``limit`` bytes (None: no line check),
    reading blocks no longer than ``limit``; hash the bytes when ``digest``.

    A line that lies inside one block is shorter than a block, so only the runs across block
    boundaries need counting: the tail of one block, whole blocks without a line end, and the
    head of the next.
    """
    path = Path(path)
    name = shown_as or str(path)
    with _os_errors("cannot read", name):
        stat = path.stat()
        if stat.st_size > max_bytes:
            raise InputTooLargeError(f"{name}: {stat.st_size:,} bytes; a raw input file may have at most "
                                     f"{max_bytes:,} bytes (the programme's `max_raw_file_bytes`); is it the right file?")
        if limit is None and not digest:
            return FileStamp(stat.st_size, stat.st_mtime_ns, "")
        block_size = 1 << 20 if limit is None else max(1, min(1 << 20, limit))
        hasher = hashlib.sha256() if digest else None
        run = done = 0  # bytes since the last line end; bytes read so far

        def refuse(start: int) -> None:  # the long line starts at byte ``start``: count the lines before it
            raise InputTooLargeError(f"{name}: line {_line_feeds(path, start, block_size) + 1:,} is longer than "
                                     f"{limit:,} bytes; a line of a raw table may have at most {limit:,} bytes; "
                                     "is it the right file (a CSV table)?")

        with path.open("rb") as fh, _hashing(hasher) as add:
            for block in iter(lambda: fh.read(block_size), b""):
                add(block)
                done += len(block)
                if limit is None:
                    continue
                last = max(block.rfind(b"\n"), block.rfind(b"\r"))
                if last < 0:
                    run += len(block)
                    if run > limit:
                        refuse(done - run)
                    continue
                if run + _first_end(block, run, limit) > limit:
                    refuse(done - len(block) - run)
                run = len(block) - 1 - last
                if run > limit:
                    refuse(done - run)
    return FileStamp(stat.st_size, stat.st_mtime_ns, "" if hasher is None else hasher.hexdigest())


@contextlib.contextmanager
def _hashing(hasher: Any) -> Iterator[Any]:
    """A function adding blocks to ``hasher`` (None: dropping them), the hashing done by a second thread
    (hashlib lets go of the interpreter), in order, while the caller reads and scans the next block."""
    if hasher is None:
        yield lambda block: None
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = []

        def add(block: bytes) -> None:
            if pending:
                pending.pop().result()
            pending.append(pool.submit(hasher.update, block))

        try:
            yield add
        finally:
            for future in pending:
                future.result()


def _line_feeds(path: Path, stop: int, block_size: int) -> int:
    """How many line feeds the first ``stop`` bytes of a file hold (read a block at a time)."""
    count = 0
    with path.open("rb") as fh:
        while stop > 0:
            block = fh.read(min(block_size, stop))
            if not block:
                break
            count += block.count(b"\n")
            stop -= len(block)
    return count


def _first_end(block: bytes, run: int, limit: int) -> int:
    """The first line end's place in ``block``, looked for only as far as ``limit - run`` can matter."""
    ends = [i for i in (block.find(b"\n", 0, limit - run + 1), block.find(b"\r", 0, limit - run + 1)) if i >= 0]
    return min(ends) if ends else limit - run + 1


def read_table(path: Path | str, *, shown_as: str | None = None, max_bytes: int = MAX_RAW_FILE_BYTES,
               checked: bool = False) -> pd.DataFrame:
    """Read a raw table with every column as text and empty cells as missing.

    CSV (a UTF-8 byte-order mark is tolerated) or, for a path ending in ``.xlsx``, the first
    sheet of an Excel workbook exported from the same table. A missing file, or one that is not
    a table, raises :class:`~evaluation.core.errors.DataValidationError` naming it; a file over
    the bounds (``max_bytes``, :data:`MAX_LINE_BYTES`) raises
    :class:`~evaluation.core.errors.InputTooLargeError` before it is read (unless ``checked``: the
    caller has just checked them with :func:`scan_raw_file`); a file the operating system will not
    read (permissions, a folder) raises :class:`~evaluation.core.errors.FileSystemError`.
    """
    path = Path(path)
    name = shown_as or str(path)
    with _os_errors("cannot read", name):
        if not path.is_file():
            if path.is_dir():
                raise FileSystemError("cannot read", name, IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR)))
            rule = "a regular file (not a device or pipe)" if path.exists() else "the file to exist"
            raise DataValidationError([Failure(name, (), None, rule)])
        xlsx = path.suffix.lower() == ".xlsx"
        if not checked:
            check_raw_file(path, shown_as=name, max_bytes=max_bytes, max_line_bytes=None if xlsx else MAX_LINE_BYTES)
        if xlsx:
            try:
                frame = pd.read_excel(path, sheet_name=0, dtype="str", keep_default_na=False, na_values=[""])
            except (ValueError, OSError, KeyError) as exc:
                if isinstance(exc, OSError) and exc.errno is not None:
                    raise
                raise DataValidationError([Failure(name, (), None, f"an .xlsx workbook whose first sheet has a "
                                                                  f"header row ({exc})")]) from None
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
    """The row holding a CSV file's first byte that is not UTF-8 (pandas reports a position in a chunk).

    The file is decoded line by line (lines are bounded by :data:`MAX_LINE_BYTES`), never whole.
    """
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            try:
                line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                return Failure(name, (number,), None, f"UTF-8 text; found byte 0x{line[exc.start]:02x}, which is not "
                                                      "UTF-8 (an export in Latin-1 or Windows-1252?): save the file "
                                                      "as UTF-8")
    return Failure(name, (), None, "UTF-8 text")


def table_file(folder: Path | str, table: str) -> Path:
    """``<table>.csv`` in ``folder``, or ``<table>.xlsx`` when only the workbook is there."""
    csv = Path(folder) / f"{table}.csv"
    xlsx = Path(folder) / f"{table}.xlsx"
    return xlsx if not csv.is_file() and xlsx.is_file() else csv


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


def read_processed(directory: Path | str, *, cohort: int | None = None,
                   tables: Iterable[str] = PROCESSED_TABLES,
                   categorical: dict[str, list[str]] | None = None) -> dict[str, pd.DataFrame]:
    """Read a programme's processed Parquet tables (written by :mod:`evaluation.data.ingest`).

    With ``cohort``, the answers and scale scores are read for that cohort only (pyarrow skips the
    other rows as it reads: the answers of a national programme never all reach memory); the
    answers' text columns arrive as categoricals, as they were written. ``tables``: only these.
    ``categorical``: table → text columns read as categoricals (pyarrow's dictionary arrays, no
    string per row), their categories the texts used, in text order, so that they sort as the
    texts do (a national cohort's scale scores: a code per row instead of 30 million strings).
    """
    directory = Path(directory)
    wanted = [t for t in PROCESSED_TABLES if t in set(tables)]
    missing = [t for t in wanted if not (directory / f"{t}.parquet").is_file()]
    if missing:
        what = "all the processed tables" if len(missing) == len(PROCESSED_TABLES) else \
            "the processed table(s) " + ", ".join(f"{t}.parquet" for t in missing)
        how = (f"{what}: build them with `make data`, or `python -m evaluation ingest --programme "
               f"{directory.name}` (add --data-dir and --params-dir for data outside the repository)")
        raise DataValidationError([Failure(str(directory), (), None, how)], context="processed data")
    read = {}
    for t in wanted:
        rows = cohort if t in ("responses", "scale_scores") else None
        with _os_errors("cannot read", directory / f"{t}.parquet"):
            read[t] = _read_parquet_rows(directory / f"{t}.parquet", cohort=rows,
                                         categorical=(categorical or {}).get(t, []))
    return read


def _read_parquet_rows(path: Path, *, cohort: int | None, categorical: list[str]) -> pd.DataFrame:
    """One processed table as :func:`pandas.read_parquet` reads it, holding it in memory about once.

    ``cohort``: only its rows (no filtering when the row groups' statistics show that every row
    is the cohort's: a filter copies the whole table). Each ``categorical`` column is read on its
    own and turned into a categorical before the next is read; the other columns are read
    together and handed to pandas as Arrow releases them (``self_destruct``); the Arrow memory
    pool's free pages go back to the system after each step. A national cohort's scale scores
    once cost five times their size at the peak of the read.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = None if cohort is None or _only_value(path, "cohort", cohort) else [("cohort", "==", cohort)]
    pool = pa.default_memory_pool()
    names = pq.read_schema(path).names
    texts = {}
    for c in [c for c in names if c in set(categorical)]:
        texts[c] = _text_categorical(pq.read_table(path, columns=[c], filters=rows, read_dictionary=[c]).column(c))
        pool.release_unused()
    table = pq.read_table(path, columns=[c for c in names if c not in texts] if texts else None,
                          filters=rows, use_pandas_metadata=True)
    attrs = (table.schema.metadata or {}).get(b"PANDAS_ATTRS")
    frame = table.to_pandas(self_destruct=True, split_blocks=True)
    del table
    for c, values in texts.items():
        frame.insert(names.index(c), c, values)
    if attrs is not None:
        frame.attrs = json.loads(attrs)
    pool.release_unused()
    return frame


def _only_value(path: Path, column: str, value: int) -> bool:
    """Whether the Parquet file's statistics show that every row has ``value`` in ``column``."""
    import pyarrow.parquet as pq

    meta = pq.read_metadata(path)
    if meta.num_row_groups == 0:
        return False
    for i in range(meta.num_row_groups):
        group = meta.row_group(i)
        found = [group.column(j) for j in range(group.num_columns) if group.column(j).path_in_schema == column]
        stats = found[0].statistics if found else None
        if (stats is None or not stats.has_min_max or not stats.has_null_count or stats.null_count
                or stats.min != value or stats.max != value):
            return False
    return True


def _text_categorical(column: Any) -> pd.Categorical:
    """A pyarrow (dictionary) column as a categorical with only the texts it uses, in text order.

    Built from the Arrow dictionaries and codes (no string per row, no Python sort of a million
    pseudonyms). Arrow sorts UTF-8 bytes, which order as the texts' code points, as Python does.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    chunks = [c if pa.types.is_dictionary(c.type) else c.dictionary_encode() for c in column.chunks]
    codes = [pc.fill_null(c.indices, -1).to_numpy() for c in chunks]
    used = []
    for chunk, code in zip(chunks, codes, strict=True):
        seen = np.zeros(len(chunk.dictionary), dtype=bool)
        seen[code[code >= 0]] = True
        used.append(chunk.dictionary.filter(pa.array(seen)))
    texts = pc.unique(pa.chunked_array(used, type=column.type.value_type if used else pa.large_string()))
    texts = texts.take(pc.sort_indices(texts))
    # each chunk's dictionary position -> the text's position (one lookup table for all chunks)
    where = pc.fill_null(pc.index_in(pa.chunked_array([c.dictionary for c in chunks], type=texts.type),
                                     value_set=texts), -1).to_numpy()
    out = np.empty(len(column), dtype=np.int32)
    start = first = 0
    for chunk, code in zip(chunks, codes, strict=True):
        out[start:start + len(code)] = np.where(code >= 0, where[first:first + len(chunk.dictionary)][code], -1)
        start, first = start + len(code), first + len(chunk.dictionary)
    return pd.Categorical.from_codes(out, categories=pd.Index(texts.to_pandas()))


def read_json(path: Path | str) -> Any:
    """Read a JSON file."""
    return json.loads(read_text(path, encoding="utf-8"))


def read_csv_if_exists(path: Path | str) -> pd.DataFrame | None:
    """A published CSV table read back (empty cells missing, text such as ``NA`` kept), or None if absent."""
    path = Path(path)
    if not path.is_file():
        return None
    with _os_errors("cannot read", path):
        return pd.read_csv(path, keep_default_na=False, na_values=[""])


def read_parquet_columns(path: Path | str, columns: Iterable[str]) -> pd.DataFrame:
    """Only ``columns`` of a Parquet file (those of them it has), without reading the others."""
    import pyarrow.parquet as pq

    path = Path(path)
    with _os_errors("cannot read", path):
        present = set(pq.read_schema(path).names)
        return pd.read_parquet(path, columns=[c for c in columns if c in present])
