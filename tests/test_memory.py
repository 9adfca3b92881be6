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
