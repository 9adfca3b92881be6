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
