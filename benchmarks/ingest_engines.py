"""Issue 13, item 3: read + validate + group the answers with pyarrow, Polars and DuckDB.

Run once per engine (``python benchmarks/ingest_engines.py ENGINE responses.csv``) under
``/usr/bin/time -v`` for peak memory; Polars and DuckDB come from a scratch venv, not the project.
Each engine: read every column as text, check that waves/raters are known and values parse as
numbers, find duplicate answer keys, then the mean value per participant × wave × rater × item
prefix (a stand-in for scale scoring).
"""

from __future__ import annotations

import sys
import time

WAVES = ["pre", "then", "post", "follow_up"]
RATERS = ["self", "line_manager", "peer", "direct_report"]
KEY = ["participant_id", "wave", "rater", "instrument", "item"]


def with_pyarrow(path):
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pv

    names = ["participant_id", "wave", "rater", "instrument", "item", "value", "responded_on"]
    reader = pv.open_csv(path, read_options=pv.ReadOptions(block_size=64 << 20),
                         convert_options=pv.ConvertOptions(column_types={n: pa.dictionary(pa.int32(), pa.string())
                                                                         for n in names}))
    codes, dicts = {n: [] for n in names}, {n: {} for n in names}
    bad = 0
    for batch in reader:
        for n in names:
            col = batch.column(n)
            local = col.dictionary.to_pylist()
            g = dicts[n]
            remap = np.array([g.setdefault(s, len(g)) for s in local], dtype=np.int32)
            codes[n].append(remap[col.indices.to_numpy(zero_copy_only=False)])
    codes = {n: np.concatenate(v) for n, v in codes.items()}
    for n, allowed in (("wave", WAVES), ("rater", RATERS)):
        ok = np.array([s in allowed for s in dicts[n]])
        bad += int((~ok[codes[n]]).sum())
    vdict = np.array([float(s) if s else np.nan for s in dicts["value"]])
    value = vdict[codes["value"]]
    key = codes["participant_id"].astype(np.int64)
    for n in ("wave", "rater", "instrument", "item"):
        key = key * (len(dicts[n]) + 1) + codes[n]
    order = np.argsort(key, kind="stable")
    dup = int((np.diff(key[order]) == 0).sum())
    g = (codes["participant_id"].astype(np.int64) * 8 + codes["wave"]) * 8 + codes["rater"]
    g = g * 64 + codes["item"] // 4
    uniq, inv = np.unique(g, return_inverse=True)
    ok = ~np.isnan(value)
    sums = np.bincount(inv, weights=np.where(ok, value, 0), minlength=len(uniq))
    counts = np.bincount(inv, weights=ok, minlength=len(uniq))
    return len(value), bad, dup, len(uniq), float(np.nansum(sums / np.maximum(counts, 1)))


def with_polars(path):
    import polars as pl

    df = pl.read_csv(path, infer_schema=False)
    df = df.with_columns(pl.col(c).cast(pl.Categorical) for c in ["participant_id", "wave", "rater", "instrument", "item"])
    df = df.with_columns(pl.col("value").str.strip_chars().cast(pl.Float64, strict=False).alias("v"))
    bad = df.filter(~pl.col("wave").cast(pl.String).is_in(WAVES) | ~pl.col("rater").cast(pl.String).is_in(RATERS)).height
    dup = df.select(KEY).is_duplicated().sum()
    g = (df.with_columns(pl.col("item").cast(pl.String).str.slice(0, 2).alias("scale"))
         .group_by(["participant_id", "wave", "rater", "scale"]).agg(pl.col("v").mean()))
    return df.height, bad, dup, g.height, float(g["v"].sum())


def with_duckdb(path):
    import duckdb

    con = duckdb.connect()
    con.execute(f"create table r as select * from read_csv('{path}', all_varchar=true, header=true)")
    n = con.execute("select count(*) from r").fetchone()[0]
    bad = con.execute(f"select count(*) from r where wave not in {tuple(WAVES)} or rater not in {tuple(RATERS)}").fetchone()[0]
    dup = con.execute(f"select coalesce(sum(c - 1), 0) from (select count(*) c from r group by {', '.join(KEY)} having c > 1)").fetchone()[0]
    groups, total = con.execute("select count(*), sum(m) from (select avg(try_cast(trim(value) as double)) m from r "
                                "group by participant_id, wave, rater, substr(item, 1, 2))").fetchone()
    return n, bad, dup, groups, float(total)


if __name__ == "__main__":
    engine, path = sys.argv[1], sys.argv[2]
    start = time.perf_counter()
    result = {"pyarrow": with_pyarrow, "polars": with_polars, "duckdb": with_duckdb}[engine](path)
    print(engine, f"{time.perf_counter() - start:.2f} s", result)
