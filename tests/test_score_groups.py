"""Scale scores written a row group at a time (issue 13): the values are those of ``score_scales``
whatever the row group, and the unscored rows are the exclusions' ``min_answered`` rows.

:class:`evaluation.data.score_codes.Scores` keeps each score as small arrays and makes frames of
``SCORE_GROUP_ROWS`` rows only as ``scale_scores.parquet`` is written. With row groups of 997 rows
(many groups, boundaries inside participants) the file read back equals the ordinary pandas route
(:func:`evaluation.data.scoring.score_scales` on the raw CSV, pseudonymised row by row).
"""

from __future__ import annotations

import warnings

import pandas as pd
import pyarrow.parquet as pq

from evaluation.core.paths import PARAMS_DIR
from evaluation.core.raw_files import read_table
from evaluation.data import score_codes
from evaluation.data.ingest import ingest
from evaluation.data.params import item_map, load_instruments, load_programme
from evaluation.data.pseudonymise import Key, pseudonymise
from evaluation.data.scoring import score_scales

KEY = Key(b"score-groups-key-0123456789abcdef", "test")


def test_scores_in_small_row_groups_are_those_of_score_scales(tmp_path, monkeypatch):
    from evaluation.data.synthetic.scaled import synthesise_scaled

    synthesise_scaled(tmp_path / "data", PARAMS_DIR, 300, block=120)
    monkeypatch.setattr(score_codes, "SCORE_GROUP_ROWS", 997)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ingest("leading-to-deliver", data_dir=tmp_path / "data", params_dir=PARAMS_DIR, key=KEY)
    processed = tmp_path / "data" / "processed" / "leading-to-deliver"
    found = pd.read_parquet(processed / "scale_scores.parquet")
    assert pq.ParquetFile(processed / "scale_scores.parquet").metadata.num_row_groups == -(-len(found) // 997) > 3

    raw = tmp_path / "data" / "raw" / "leading-to-deliver"
    items = item_map(load_instruments(PARAMS_DIR, load_programme(PARAMS_DIR, "leading-to-deliver")))
    people = read_table(raw / "participants.csv")
    cohort = dict(zip(pseudonymise(people["participant_id"], KEY), people["cohort"].str.strip().astype("Int64"),
                      strict=True))
    answers = read_table(raw / "responses.csv")
    answers = pd.DataFrame({
        "participant_id": pseudonymise(answers["participant_id"], KEY),
        **{c: answers[c].str.strip() for c in ("wave", "rater", "instrument", "item")},
        "value": pd.to_numeric(answers["value"]).astype("Float64"),
    })
    answers["cohort"] = pd.array(answers["participant_id"].map(cohort), dtype="Int64")
    answers = answers.sort_values(["cohort", "participant_id", "instrument", "item", "wave", "rater"])
    # reference: the pandas route, score_scales(answers, items), on every answer (this cohort lists every wave)
    expected = score_scales(answers.reset_index(drop=True), items)
    pd.testing.assert_frame_equal(found, expected[list(found.columns)].astype(found.dtypes.to_dict()),
                                  check_exact=True)

    exclusions = pd.read_csv(processed / "exclusions.csv", keep_default_na=False, na_values=[""])
    unscored = exclusions[exclusions["rule"] == "min_answered"]
    assert len(unscored) == int(found["score"].isna().sum()) > 0
