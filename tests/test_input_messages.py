"""Input messages name a file the user can open, refuse a table given twice (CSV and workbook),
and report a wholly blank row once (review of the input messages)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from evaluation import cli
from evaluation.core.errors import DataValidationError
from evaluation.data.ingest import ingest, is_up_to_date


def _ingest_message(capsys, *args: str) -> str:
    status = cli.main(["ingest", "--programme", "demo", *args])
    err = capsys.readouterr().err
    assert status == cli.EXIT_FAILED, err
    assert "Traceback" not in err, err
    return err


def _named_files(message: str) -> list[str]:
    """The files a refusal names: what stands before ``, row`` or ``: expected`` on each line."""
    return re.findall(r"^\s*(?:- |error: )?(\S+?\.(?:csv|xlsx)),? (?:row|column|expected)", message, flags=re.M)


def _break_status(demo) -> None:
    demo["participants"].write_text(demo["participants"].read_text().replace(",completed,", ",finished,", 1))


# ------------------------------------------------------------------ 1. paths the user can open


def test_a_message_names_a_path_that_exists_from_another_working_folder(demo, id_key, capsys, monkeypatch, tmp_path):
    _break_status(demo)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the data folder is not below the working folder
    err = _ingest_message(capsys, "--data-dir", str(demo["data"]), "--params-dir", str(demo["params"]))
    named = _named_files(err)
    assert named, err
    for name in named:
        assert Path(name).is_file(), f"{name} does not exist from {elsewhere}:\n{err}"
    assert str(demo["participants"]) in err


def test_a_relative_data_dir_is_named_as_given(demo, id_key, capsys, monkeypatch):
    _break_status(demo)
    work = demo["root"] / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    err = _ingest_message(capsys, "--data-dir", "../data", "--params-dir", "../params")
    assert "../data/raw/demo/participants.csv, row" in err, err
    assert all(Path(name).is_file() for name in _named_files(err)), err


def test_inside_the_working_folder_the_short_form_stays(demo, id_key, capsys, monkeypatch):
    _break_status(demo)
    monkeypatch.chdir(demo["root"])
    err = _ingest_message(capsys, "--data-dir", str(demo["data"]), "--params-dir", str(demo["params"]))
    assert "  - data/raw/demo/participants.csv, row" in err, err


def test_the_manifest_still_records_paths_after_the_data_folder(demo, id_key, monkeypatch, tmp_path):
    # the manifest is found again by `verify` under its own --data-dir
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    inputs = {i["name"]: i["path"] for i in result.manifest["inputs"]}
    assert inputs["participants"] == "data/raw/demo/participants.csv"
    assert inputs["programme.yaml"] == "params/demo/programme.yaml"


def test_shown_path_outside_the_working_folder_is_whole(tmp_path, monkeypatch):
    from evaluation.core.paths import shown_path

    monkeypatch.chdir(tmp_path)
    assert shown_path(tmp_path / "data" / "x.csv") == "data/x.csv"
    outside = tmp_path.parent / "other" / "x.csv"
    assert shown_path(outside) == str(outside)


# ------------------------------------------------------------ 2. a table as CSV and as workbook


def _export_xlsx(csv: Path) -> Path:
    workbook = csv.with_suffix(".xlsx")
    pd.read_csv(csv, dtype=str, keep_default_na=False).to_excel(workbook, index=False)
    return workbook


@pytest.mark.parametrize("table", ["costs", "participants", "responses", "workforce"])
def test_a_table_given_as_csv_and_as_workbook_is_refused_naming_both(demo, id_key, table):
    workbook = _export_xlsx(demo[table])
    with pytest.raises(DataValidationError) as caught:
        ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    (failure,) = caught.value.failures
    text = str(failure)
    assert failure.file == str(demo[table])
    assert str(demo[table]) in text and str(workbook) in text and "ambiguous" in text and "remove" in text
    assert not (demo["data"] / "processed").exists()


def test_a_workbook_beside_an_ingested_csv_makes_the_data_out_of_date(demo, id_key):
    ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    assert is_up_to_date("demo", data_dir=demo["data"], params_dir=demo["params"])
    _export_xlsx(demo["costs"])
    assert not is_up_to_date("demo", data_dir=demo["data"], params_dir=demo["params"])  # so evaluate ingests, and refuses
