"""The processed tables (Parquet) as the analysis reads them: :func:`read_processed`.

Part of the I/O layer with :mod:`evaluation.core.io`, which writes them
(:func:`~evaluation.core.io.write_parquet_chunks`) and whose one-line errors this module uses.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from evaluation.core.errors import DataValidationError, Failure
from evaluation.core.io import _os_errors

__all__ = ["COLUMNWISE_ROWS", "PROCESSED_TABLES", "read_parquet_columns", "read_processed"]


#: A processed table of more rows than this is read a column at a time, which holds less at the
#: read's peak (1.3 GiB less for a national cohort's scale scores); a smaller one at once, as each
#: read has a cost of its own (cohort 2's tables: 18 ms at once, 63 ms a column at a time).
COLUMNWISE_ROWS = 1_000_000

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
    together, or one at a time in a table of more than :data:`COLUMNWISE_ROWS` rows, each handed to
    pandas as Arrow releases it (``self_destruct``); the Arrow memory pool's free pages go back to
    the system after each step. A national cohort's scale scores once cost five times their size
    at the peak of the read; read together, the other columns still cost 1.3 GiB above the 1.9 GiB
    of the read cohort (1,000,000 participants). The frame is the same either way.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = None if cohort is None or _only_value(path, "cohort", cohort) else [("cohort", "==", cohort)]
    pool = pa.default_memory_pool()
    schema = pq.read_schema(path)
    names = schema.names
    texts = {}
    for c in [c for c in names if c in set(categorical)]:
        texts[c] = _text_categorical(pq.read_table(path, columns=[c], filters=rows, read_dictionary=[c]).column(c))
        pool.release_unused()
    attrs = (schema.metadata or {}).get(b"PANDAS_ATTRS")
    if not names or pq.read_metadata(path).num_rows <= COLUMNWISE_ROWS:
        table = pq.read_table(path, columns=[c for c in names if c not in texts] if texts else None,
                              filters=rows, use_pandas_metadata=True)
        frame = table.to_pandas(self_destruct=True, split_blocks=True)
        del table
        for c, values in texts.items():
            frame.insert(names.index(c), c, values)
    else:
        columns = {}
        for c in names:  # one column at a time: its Arrow table and its conversion are the peak's extra
            if c in texts:
                columns[c] = texts.pop(c)
                continue
            table = pq.read_table(path, columns=[c], filters=rows, use_pandas_metadata=True)
            columns[c] = table.to_pandas(self_destruct=True, split_blocks=True)[c]
            del table
            pool.release_unused()
        frame = pd.DataFrame(columns, copy=False)
        del columns
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


def read_parquet_columns(path: Path | str, columns: Iterable[str]) -> pd.DataFrame:
    """Only ``columns`` of a Parquet file (those of them it has), without reading the others."""
    import pyarrow.parquet as pq

    path = Path(path)
    with _os_errors("cannot read", path):
        present = set(pq.read_schema(path).names)
        return pd.read_parquet(path, columns=[c for c in columns if c in present])
