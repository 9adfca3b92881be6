"""Reading a raw table in blocks (the answers of a national cohort), for :mod:`evaluation.data.ingest`.

Part of the I/O layer beside :mod:`evaluation.core.io`, whose bounds, error wording and
whole-table reader (:func:`~evaluation.core.raw_files.read_table`) it uses: pyarrow streams the CSV and
dictionary-encodes every column, so a block costs a few bytes per cell.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from evaluation.core.errors import DataValidationError
from evaluation.core.io import _os_errors
from evaluation.core.raw_files import (
    BLOCK_ROWS,
    MAX_RAW_FILE_BYTES,
    check_raw_file,
    header_failure,
    read_table,
    trailing_empty_lines,
)

__all__ = ["read_table_blocks"]


def read_table_blocks(path: Path | str, *, shown_as: str | None = None, max_bytes: int = MAX_RAW_FILE_BYTES,
                      block_rows: int = BLOCK_ROWS, checked: bool = False) -> Iterator[pd.DataFrame]:
    """Read a raw table in blocks of at most ``block_rows`` rows, every column as a categorical of its text.

    The memory-bounded counterpart of :func:`read_table` for the answers (issue 13): the CSV is
    streamed by pyarrow, each column dictionary-encoded (one integer code per cell, each distinct
    text once), so a block costs a few bytes per cell, never a Python object per cell. Each block
    is a DataFrame indexed by its rows' positions in the whole table (0 = the first data row,
    spreadsheet row 2); its columns are pandas categoricals whose categories are the cells' text
    as written (an empty cell is the category ``""`` or missing). At least one block is yielded,
    empty when the file has only its header.

    Any file pyarrow's reader does not take as a plain CSV table (a workbook, a header naming a
    column twice or leaving one unnamed, ragged rows, bytes that are not UTF-8...) is read by
    :func:`read_table` instead, so that it is refused, or read, exactly as before; the bounds
    (``max_bytes``, :data:`evaluation.core.raw_files.MAX_LINE_BYTES`) are checked first either way, unless
    ``checked`` says the caller has just checked them (:func:`evaluation.core.raw_files.scan_raw_file`,
    which also hashes the file in the same read).

    Examples
    --------
    >>> from evaluation.core.io import scratch_dir, write_text
    >>> with scratch_dir("blocks-") as folder:
    ...     _ = write_text("a,b\\n1,x\\n2,x\\n3,\\n", folder / "t.csv")
    ...     blocks = list(read_table_blocks(folder / "t.csv", block_rows=2))
    >>> [list(b.index) for b in blocks], list(blocks[1]["b"].astype(str))
    ([[0, 1], [2]], [''])
    """
    if isinstance(block_rows, bool) or not isinstance(block_rows, int) or block_rows < 1:
        raise ValueError(f"`block_rows` must be a whole number of rows, at least 1; got {block_rows!r}")
    path = Path(path)
    name = shown_as or str(path)
    if path.suffix.lower() == ".xlsx" or not path.is_file():
        yield from _frame_blocks(read_table(path, shown_as=name, max_bytes=max_bytes, checked=checked), block_rows)
        return
    if not checked:
        check_raw_file(path, shown_as=name, max_bytes=max_bytes)
    with _os_errors("cannot read", name):
        wrong = header_failure(path, name)
    if wrong is not None:
        raise DataValidationError([wrong])
    done = 0
    try:
        for frame in _ahead(_pandas_blocks(path, name, block_rows)):
            done += len(frame)
            yield frame
    except _NotPlain:
        frame = read_table(path, shown_as=name, max_bytes=max_bytes, checked=True)
        yield from _frame_blocks(frame.iloc[done:], block_rows, first=done == 0)


def _pandas_blocks(path: Path, name: str, block_rows: int) -> Iterator[pd.DataFrame]:
    """:func:`_arrow_blocks` as DataFrames indexed by their rows' positions in the whole table."""
    done = 0
    for table in _arrow_blocks(path, name, block_rows):
        frame = table.to_pandas()
        frame.index = pd.RangeIndex(done, done + len(frame))
        frame.columns = [str(c).strip() for c in frame.columns]
        done += len(frame)
        yield frame


def _ahead(items: Iterator[Any]) -> Iterator[Any]:
    """The items of ``items``, made by a second thread one ahead of the caller.

    pyarrow parses a CSV block in the thread that asks for it, letting go of the interpreter: so
    the next block is parsed on the second core while the caller checks this one. An exception
    of ``items`` is raised to the caller at its place in the sequence; a caller that stops early
    stops the thread (which closes ``items``) before going on.
    """
    import queue
    import threading

    ready: queue.Queue = queue.Queue(maxsize=1)
    stop, end = threading.Event(), object()

    def put(entry: tuple[Any, BaseException | None]) -> bool:
        while not stop.is_set():
            try:
                ready.put(entry, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
            put((end, None))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, raised there
            put((None, exc))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=work, name="read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item, exc = ready.get()
            if exc is not None:
                raise exc
            if item is end:
                return
            yield item
    finally:
        stop.set()
        thread.join()


class _NotPlain(Exception):
    """The file is not a CSV table pyarrow reads as pandas would: read it with pandas instead."""


def _arrow_blocks(path: Path, name: str, block_rows: int) -> Iterator[Any]:
    """Tables of exactly ``block_rows`` rows (the last one shorter), streamed from a CSV by pyarrow."""
    import pyarrow as pa
    import pyarrow.csv as pv

    # 1 MiB of text at a time: the reader holds some thirty times its block size (16 MiB: 0.6 GB),
    # and parses 1 MiB blocks faster than 4 MiB ones (benchmarks/README.md)
    read = pv.ReadOptions(block_size=1 << 20)
    # an empty line is a row, as a spreadsheet numbers it (refused as blank), unless it ends the file
    parse = pv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False)
    drop = trailing_empty_lines(path)
    with _os_errors("cannot read", name):
        try:
            with pv.open_csv(path, read_options=read, parse_options=parse) as probe:
                names = probe.schema.names
            stripped = [n.strip() for n in names]
            if len(set(stripped)) != len(stripped) or not all(stripped):
                raise _NotPlain
            types = {n: pa.dictionary(pa.int32(), pa.string()) for n in names}
            convert = pv.ConvertOptions(column_types=types, strings_can_be_null=False)
            pending, yielded = None, False
            with pv.open_csv(path, read_options=read, parse_options=parse, convert_options=convert) as reader:
                for batch in reader:
                    table = pa.Table.from_batches([batch])
                    pending = table if pending is None else pa.concat_tables([pending, table])
                    while pending.num_rows >= block_rows + drop:  # the file's last ``drop`` rows held back
                        yield pending.slice(0, block_rows).unify_dictionaries().combine_chunks()
                        pending, yielded = pending.slice(block_rows), True
                if pending is not None:
                    pending = pending.slice(0, max(0, pending.num_rows - drop))
                if pending is not None and (pending.num_rows or not yielded):
                    yield pending.unify_dictionaries().combine_chunks()
                elif pending is None:
                    yield pa.table({n: pa.array([], type=types[n]) for n in names})
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError) as exc:
            raise _NotPlain from exc


def _frame_blocks(frame: pd.DataFrame, block_rows: int, *, first: bool = True) -> Iterator[pd.DataFrame]:
    """A table read whole, as :func:`read_table_blocks` yields it (categorical columns, in blocks)."""
    if first and frame.empty:
        yield frame.astype("category")
    for start in range(0, len(frame), block_rows):
        yield frame.iloc[start:start + block_rows].astype("category")
