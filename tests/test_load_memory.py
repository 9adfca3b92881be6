"""Reading the processed tables with about one copy in memory (issue 13) reads what pandas reads.

:func:`evaluation.core.processed_files.read_processed` builds the scale scores' text columns as categoricals
from the Parquet dictionaries (one column at a time, in text order) and skips the cohort filter
when the file's statistics show that every row is the cohort's;
:func:`evaluation.data.cohort.load_cohort_data` keeps the frame uncopied when every row is kept.
The reference here is the plain pandas route these replace: ``pd.read_parquet(path, filters=...)``,
then ``astype("category")``, ``remove_unused_categories`` and the categories sorted by Python's
``sorted``; compared with ``assert_frame_equal(check_exact=True, check_categorical=True)`` and
the categories' order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from evaluation.core.processed_files import _only_value, read_processed
from evaluation.data.cohort import SCORE_TEXTS, _rows, load_cohort_data

TEXTS = ["participant_id", "scale"]


def _reference(path, cohort, texts):
    """The plain pandas route: read (filtered), then categoricals of the used texts in text order."""
    frame = pd.read_parquet(path, filters=None if cohort is None else [("cohort", "==", cohort)])
    for c in texts:
        column = frame[c].astype("category").cat.remove_unused_categories()
        frame[c] = column.cat.reorder_categories(sorted(column.cat.categories))
    return frame


def _assert_same(got, expected, texts):
    pd.testing.assert_frame_equal(got, expected, check_exact=True, check_categorical=True)
    for c in texts:
        assert got[c].cat.categories.tolist() == expected[c].cat.categories.tolist()
        assert got[c].cat.codes.dtype == expected[c].cat.codes.dtype


def _scores(cohorts):
    """A small scale-score table: texts out of order, non-ASCII, a missing text, two cohorts."""
    ids = ["p10", "p2", "Ápé", "p1", "zz", "p2", "b", "p10", "Zed", "ápé", "p1", None]
    return pd.DataFrame({
        "participant_id": ids,
        "cohort": pd.array([cohorts[i % len(cohorts)] for i in range(len(ids))], dtype="Int64"),
        "scale": ["vision", "change", "vision", "émotion", "change", "Vision", "change", "vision",
                  "change", "vision", "change", "vision"],
        "n_items": list(range(len(ids))),
        "score": [0.1 * i for i in range(len(ids))],
    })


@pytest.mark.parametrize("cohorts", [[2], [1, 2], [2, 3, 1]])
@pytest.mark.parametrize("row_group_size", [3, 5, 100])
def test_the_scale_scores_read_as_pandas_reads_them(tmp_path, cohorts, row_group_size):
    folder = tmp_path / "processed"
    folder.mkdir()
    pq.write_table(pa.Table.from_pandas(_scores(cohorts), preserve_index=False),
                   folder / "scale_scores.parquet", row_group_size=row_group_size)
    got = read_processed(folder, cohort=2, tables=["scale_scores"], categorical={"scale_scores": TEXTS})
    # reference: pd.read_parquet(path, filters=[("cohort", "==", 2)]) + sorted used categories
    _assert_same(got["scale_scores"], _reference(folder / "scale_scores.parquet", 2, TEXTS), TEXTS)


def test_every_row_is_read_when_the_statistics_show_one_cohort(tmp_path):
    path = tmp_path / "scale_scores.parquet"
    pq.write_table(pa.Table.from_pandas(_scores([2]), preserve_index=False), path, row_group_size=4)
    assert _only_value(path, "cohort", 2)
    assert not _only_value(path, "cohort", 1)
    got = read_processed(tmp_path, cohort=2, tables=["scale_scores"], categorical={"scale_scores": TEXTS})
    assert len(got["scale_scores"]) == len(_scores([2]))


def test_a_missing_cohort_is_not_taken_for_the_cohort(tmp_path):
    scores = _scores([2])
    scores.loc[3, "cohort"] = pd.NA
    path = tmp_path / "scale_scores.parquet"
    pq.write_table(pa.Table.from_pandas(scores, preserve_index=False), path, row_group_size=4)
    assert not _only_value(path, "cohort", 2)
    got = read_processed(tmp_path, cohort=2, tables=["scale_scores"], categorical={"scale_scores": TEXTS})
    # reference: pd.read_parquet(path, filters=[("cohort", "==", 2)]) drops the missing cohort's row
    _assert_same(got["scale_scores"], _reference(path, 2, TEXTS), TEXTS)
    assert len(got["scale_scores"]) == len(scores) - 1


def test_rows_all_kept_are_the_frame_uncopied_and_a_missing_keep_drops_its_row():
    frame = _scores([2])
    kept = _rows(frame, frame["cohort"] == 2)
    pd.testing.assert_frame_equal(kept, frame[frame["cohort"] == 2].reset_index(drop=True))
    assert np.shares_memory(kept["score"].to_numpy(), frame["score"].to_numpy())
    frame.loc[4, "cohort"] = pd.NA
    dropped = _rows(frame, frame["cohort"] == 2)
    pd.testing.assert_frame_equal(dropped, frame[frame["cohort"] == 2].reset_index(drop=True))
    assert len(dropped) == len(frame) - 1


def test_the_loaded_scale_scores_keep_their_types_and_text_order():
    data = load_cohort_data("leading-to-deliver", 2)
    scores = data.scale_scores
    for c in SCORE_TEXTS:
        categories = scores[c].cat.categories.tolist()
        assert categories == sorted(categories)
        assert set(categories) == set(scores[c].dropna().unique())
    assert scores.dtypes[["kirkpatrick_level", "n_items", "n_answered"]].tolist() == ["int64"] * 3
    assert str(scores["cohort"].dtype) == "Int64"
    assert scores.dtypes[["share_answered", "score"]].tolist() == ["float64"] * 2
    assert isinstance(scores.index, pd.RangeIndex) and scores.index.start == 0


@pytest.mark.parametrize(("columnwise_rows", "one_at_a_time"), [(0, True), (10**9, False)])
def test_the_other_columns_of_a_large_table_are_read_one_at_a_time(tmp_path, monkeypatch, columnwise_rows,
                                                                   one_at_a_time):
    # read together, the scale scores' numeric columns cost 1.3 GiB above the read cohort at
    # 1,000,000 participants (the peak of a report kernel's load); a small table is read at once
    # (a read per column: cohort 2's tables 18 ms -> 63 ms); the frame is the same either way
    import evaluation.core.processed_files as processed_files

    monkeypatch.setattr(processed_files, "COLUMNWISE_ROWS", columnwise_rows)
    path = tmp_path / "scale_scores.parquet"
    pq.write_table(pa.Table.from_pandas(_scores([1, 2]), preserve_index=False), path, row_group_size=5)
    asked: list = []
    read_table = pq.read_table

    def spy(source, *args, columns=None, **kwargs):
        asked.append(columns)
        return read_table(source, *args, columns=columns, **kwargs)

    monkeypatch.setattr(pq, "read_table", spy)
    got = processed_files.read_processed(tmp_path, cohort=2, tables=["scale_scores"],
                                         categorical={"scale_scores": TEXTS})["scale_scores"]
    texts_read = [columns for columns in asked if columns and set(columns) <= set(TEXTS)]
    others_read = [columns for columns in asked if columns not in texts_read]
    assert len(texts_read) == len(TEXTS)  # each text column on its own, either way
    if one_at_a_time:
        assert others_read and all(columns is not None and len(columns) == 1 for columns in others_read)
    else:
        assert len(others_read) == 1 and len(others_read[0]) > 1
    _assert_same(got, _reference(path, 2, TEXTS), TEXTS)


def test_a_cohort_using_every_category_keeps_its_codes_uncopied():
    # pandas' remove_unused_categories sorts a copy of the codes even when every category is used
    # (0.6 GiB above the loaded scale scores at 1,000,000 participants)
    from evaluation.data.cohort import _used

    frame = pd.DataFrame({"scale": pd.Categorical(["a", "b", "a"]), "score": [1.0, 2.0, 3.0]})
    got = _used(frame)
    assert np.shares_memory(got["scale"].array.codes, frame["scale"].array.codes)
    partly = _used(frame.assign(scale=pd.Categorical(["a", "a", "a"], categories=["a", "b"])))
    assert partly["scale"].cat.categories.tolist() == ["a"]
