"""`evaluate` hands ingest's freed memory back before the report kernels run (issue 13: at
1,000,000 participants its process otherwise kept 2.4 GiB it no longer used)."""

from __future__ import annotations

from evaluation.publish import pipeline


def test_evaluate_gives_back_memory_after_ingesting_and_only_then(demo, id_key, monkeypatch):
    calls: list[bool] = []
    monkeypatch.setattr(pipeline, "give_back_freed_memory",
                        lambda: calls.append((demo["data"] / "processed" / "demo" / "manifest.json").is_file()))
    pipeline.prepare_processed("demo", 1, data_dir=demo["data"], params_dir=demo["params"])
    assert calls == [True]  # once, after the processed data were written
    pipeline.prepare_processed("demo", 1, data_dir=demo["data"], params_dir=demo["params"])
    assert calls == [True]  # up to date: nothing was ingested, nothing to give back


def test_another_programme_that_cannot_be_ingested_is_named_with_its_problems(demo, id_key):
    # the console said only "… left out of the comparison across programmes: 1 problem(s) in the input
    # data; nothing was written:" and never what the problem was
    import shutil

    shutil.copytree(demo["raw"], demo["data"] / "raw" / "other")
    shutil.copytree(demo["params"] / "demo", demo["params"] / "other")
    for name in ("programme.yaml", "cohort-1.yaml"):
        path = demo["params"] / "other" / name
        path.write_text(path.read_text().replace("name: demo", "name: other").replace("programme: demo",
                                                                                     "programme: other"))
    costs = demo["data"] / "raw" / "other" / "costs.csv"
    lines = costs.read_text().splitlines()
    lines[1] = lines[1].replace('"£12,000.00"', "tbc")
    costs.write_text("\n".join(lines) + "\n")
    said: list[str] = []
    pipeline.prepare_processed("demo", 1, data_dir=demo["data"], params_dir=demo["params"], progress=said.append)
    left_out = [m for m in said if m.startswith("ingest: other left out of the comparison across programmes")]
    assert len(left_out) == 1
    assert "costs.csv, row 2, column `amount`" in left_out[0] and "'tbc'" in left_out[0]


def test_the_answers_codes_are_held_once_when_the_whole_table_rules_run(tmp_path, monkeypatch):
    # the blocks' codes were kept beside the joined codes until validation ended: at 1,000,000
    # participants 1.2 GiB more at ingest's sort (the peak of validation)
    import tracemalloc
    import warnings

    from evaluation.core.paths import PARAMS_DIR
    from evaluation.data import answers
    from evaluation.data.ingest import ingest
    from evaluation.data.pseudonymise import Key
    from evaluation.data.synthetic.scaled import synthesise_scaled

    synthesise_scaled(tmp_path / "data", PARAMS_DIR, 1_500, block=400)
    seen: dict[str, int] = {}
    whole_table_rules = answers._whole_table_rules

    def at_rules(found, *args, **kwargs):
        # numpy's buffers are traced; those made by this module and still held (arrays, not objects)
        held = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(True, answers.__file__)])
        seen["held"] = sum(trace.size for trace in held.traces if trace.size >= 4096)
        seen["codes"] = sum(c.nbytes for c in found.codes.values())
        return whole_table_rules(found, *args, **kwargs)

    monkeypatch.setattr(answers, "_whole_table_rules", at_rules)
    tracemalloc.start()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ingest("leading-to-deliver", data_dir=tmp_path / "data", params_dir=PARAMS_DIR,
                   key=Key(b"memory-test-key-0123456789abcdef", "test"), block_rows=10_000)
    finally:
        tracemalloc.stop()
    assert seen["codes"] > 1_000_000  # about 180,000 answers, in 18 blocks
    assert seen["held"] < 1.25 * seen["codes"], seen  # the codes once, not the blocks' parts as well


def test_ingest_has_malloc_hand_back_large_freed_blocks(demo, id_key):
    # glibc raises its mmap threshold each time a large block is freed (up to 32 MiB), after which
    # ingest's blocks came from the heap and stayed with the process once freed: at 1,000,000
    # participants 2.3 GiB more than it used. After ingest, a 1 MiB block is mapped on its own.
    import ctypes
    import subprocess
    import sys

    import pytest

    try:
        ctypes.CDLL("libc.so.6").mallinfo2  # noqa: B018 - glibc 2.33 or later
    except (OSError, AttributeError):
        pytest.skip("not glibc 2.33 or later")
    code = f"""
import ctypes, warnings
from evaluation.data.ingest import ingest

class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
libc.mallinfo2.restype = Info
libc.free(libc.malloc(16 << 20))  # raises glibc's threshold to 16 MiB unless it has been set
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    ingest("demo", data_dir={str(demo["data"])!r}, params_dir={str(demo["params"])!r})
libc.free(libc.malloc(16 << 20))
mapped = libc.mallinfo2().hblks
block = libc.malloc(1 << 20)
print(libc.mallinfo2().hblks - mapped)
libc.free(block)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split()[-1] == "1"
