"""Raw input files: their bounds, one read for size and SHA-256, and the whole-table reader.

Part of the I/O layer with :mod:`evaluation.core.io` (whose one-line errors it uses) and
:mod:`evaluation.core.blocks` (the block reader of the answers). Raw files are opened read-only
and never written. They are bounded before they are read: at most :data:`MAX_RAW_FILE_BYTES`
bytes (a programme may set its own bound) and lines of at most :data:`MAX_LINE_BYTES` bytes.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from evaluation.core.errors import DataValidationError, Failure, FileSystemError, InputTooLargeError
from evaluation.core.io import _os_errors

__all__ = ["BLOCK_ROWS", "MAX_LINE_BYTES", "MAX_RAW_FILE_BYTES", "FileStamp", "check_raw_file", "header_failure", "read_table",
           "scan_raw_file", "trailing_empty_lines"]


#: The largest raw input file read (bytes), unless a programme sets its own
#: (``max_raw_file_bytes`` in ``programme.yaml``). A national programme's long-format answers
#: (10,000 people × 800 answers × 70 bytes) fit about twice over; pandas needs several times a
#: file's size in memory, so the bound is also what keeps a mistaken file from exhausting it.
MAX_RAW_FILE_BYTES = 1_000_000_000


#: The longest line of a raw CSV file (bytes). A row of the contract's tables is well under a
#: kilobyte; a longer line is a wrong file (or one built to exhaust memory), refused before pandas
#: reads it.
MAX_LINE_BYTES = 1_000_000


#: Rows of a large raw table (the answers) held at a time by :func:`~evaluation.core.blocks.read_table_blocks` unless the
#: caller asks for another number: a million answers are some 70 MB of CSV; checking a block takes
#: a few hundred bytes a row, so memory stays near 0.3 GB whatever the table's size.
BLOCK_ROWS = 1_000_000


@dataclass(frozen=True)
class FileStamp:
    """A file's size, modification time (nanoseconds) and SHA-256 (hex), the stat taken before the read."""

    size: int
    mtime_ns: int
    sha256: str


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
    """:func:`check_raw_file` and :func:`~evaluation.core.io.sha256_file` in one read of the file: its :class:`FileStamp`.

    Raises as :func:`check_raw_file` does; the file is read once, a mebibyte at a time, each block
    hashed and scanned for line ends, so that a large raw table is not read twice.

    Examples
    --------
    >>> from evaluation.core.io import scratch_dir, write_text
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


def trailing_empty_lines(path: Path | str, *, block_size: int = 1 << 16) -> int:
    """How many lines with nothing on them end a CSV file, after its last line with something on it.

    A CSV table's rows are every line of the file, an empty line included (a spreadsheet opens it
    as an empty row, and numbers the rows after it accordingly), so the readers keep empty lines
    as rows and the blank-row rule refuses them. Empty lines at the very end of the file are the
    one exception: a text editor leaves them, no row follows them, and they are dropped. A final
    line end (``\\n``, ``\\r\\n`` or ``\\r``) ends the last row and is not an empty line.

    Examples
    --------
    >>> from evaluation.core.io import scratch_dir, write_text
    >>> with scratch_dir("tail-") as folder:
    ...     [trailing_empty_lines(write_text(text, folder / "t.csv"))
    ...      for text in ("a\\n1\\n", "a\\n1", "a\\n1\\n\\n", "a\\r\\n1\\r\\n\\r\\n\\r\\n", "a\\n\\n1\\n", "a\\n,\\n\\n")]
    [0, 0, 1, 2, 0, 1]
    """
    path = Path(path)
    tail = b""
    with path.open("rb") as fh:
        end = fh.seek(0, os.SEEK_END)
        while end > 0:  # read back until a byte that is not a line end (or the file's start)
            start = max(0, end - block_size)
            fh.seek(start)
            tail = fh.read(end - start) + tail
            end = start
            if tail.strip(b"\r\n"):
                break
    ends = tail[len(tail.rstrip(b"\r\n")):]
    lines = len(ends.replace(b"\r\n", b"\n").replace(b"\r", b"\n"))  # line ends after the last text
    return max(0, lines - 1)


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
            rule = "a regular file (not a device or pipe)" if path.exists() else "the file to exist" + _look_alikes(path)
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
        wrong = header_failure(path, name)
        if wrong is not None:
            raise DataValidationError([wrong])
        try:
            frame = pd.read_csv(
                path,
                dtype="str",
                keep_default_na=False,
                na_values=[""],
                encoding="utf-8-sig",
                skipinitialspace=False,
                skip_blank_lines=False,  # an empty line is a row, as a spreadsheet numbers it (refused as blank)
            )
        except UnicodeDecodeError:
            raise DataValidationError([_not_utf8(path, name)]) from None
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            ragged = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
            if ragged:  # pandas' words, said as a row and what was expected
                want, line, saw = (int(x) for x in ragged.groups())
                raise DataValidationError([Failure(
                    name, (line,), None, f"{want} cells, one per column of the header; found {saw} (a comma inside a "
                                         "cell that is not in double quotes?)")]) from None
            if isinstance(exc, pd.errors.EmptyDataError) and _looks_empty(path):
                raise DataValidationError([Failure(name, (), None, "a CSV table with a header row; the file is empty "
                                                                   "(nothing in it, or only spaces and empty lines)")]) from None
            raise DataValidationError([Failure(name, (), None, f"a UTF-8 CSV file with a header row ({exc})")]) from None
        drop = trailing_empty_lines(path)
        if drop:  # empty lines that end the file: no row follows them
            frame = frame.iloc[:max(0, len(frame) - drop)]
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _looks_empty(path: Path) -> bool:
    """Whether a file holds nothing but a byte-order mark, spaces and line ends (in its first mebibyte)."""
    with path.open("rb") as fh:
        return not fh.read(1 << 20).replace(b"\xef\xbb\xbf", b"").strip()


#: Endings a table is sometimes saved with instead of ``.csv`` or ``.xlsx`` (not read, but named).
OTHER_ENDINGS = (".csv", ".xlsx", ".xls", ".xlsm", ".ods", ".txt", ".tsv")


def _look_alikes(path: Path) -> str:
    """Words naming files beside a missing one that may be it under another name: the same name in
    other case, or with another ending (``participants.CSV``, ``Participants.xls``), never read.

    Examples
    --------
    >>> from evaluation.core.io import scratch_dir, write_text
    >>> with scratch_dir("alike-") as folder:
    ...     _ = write_text("a\\n", folder / "Participants.XLS")
    ...     print(_look_alikes(folder / "participants.csv"))
    ; the folder has Participants.XLS: the table must be saved as participants.csv (or participants.xlsx, its first sheet)
    """
    folder = path.parent
    if not folder.is_dir():
        return ""
    stem = path.stem.casefold()
    found = sorted(p.name for p in folder.iterdir()
                   if p.name != path.name and p.stem.casefold() == stem and p.suffix.casefold() in OTHER_ENDINGS)
    if not found:
        return ""
    return (f"; the folder has {', '.join(found)}: the table must be saved as {path.stem}.csv (or {path.stem}.xlsx, "
            "its first sheet)")


def header_failure(path: Path, name: str) -> Failure | None:
    """What a CSV file's header row shows is wrong with the whole file, before it is parsed: UTF-16
    (its byte-order mark), or columns separated by semicolons or tabs rather than commas (read as
    one column, the file would be refused once per missing column, never saying why).

    Examples
    --------
    >>> from evaluation.core.io import scratch_dir, write_text
    >>> with scratch_dir("header-") as folder:
    ...     _ = write_text("participant_id;cohort\\nA;1\\n", folder / "p.csv")
    ...     print(header_failure(folder / "p.csv", "p.csv"))  # doctest: +NORMALIZE_WHITESPACE
    p.csv, row 1: expected comma-separated values; the header row has no comma and is separated by
    semicolons (a spreadsheet set to use a comma as the decimal mark saves CSV so): save the file
    with commas between its columns
    """
    with path.open("rb") as fh:
        head = fh.readline(MAX_LINE_BYTES + 1)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Failure(name, (1,), None, "UTF-8 text; the file is UTF-16 (it starts with a UTF-16 byte-order mark): "
                                         "save it as UTF-8")
    text = head.decode("utf-8-sig", errors="replace")
    if "," not in text:
        for mark, words in ((";", "semicolons"), ("\t", "tabs")):
            if mark in text:
                return Failure(name, (1,), None, f"comma-separated values; the header row has no comma and is "
                                                 f"separated by {words} (a spreadsheet set to use a comma as the "
                                                 "decimal mark saves CSV so): save the file with commas between its "
                                                 "columns")
    return None


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
