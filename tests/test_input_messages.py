"""Input messages name a file the user can open, refuse a table given twice (CSV and workbook),
and report a wholly blank row once, an empty line included (review of the input messages)."""

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



def _evaluate_message(capsys, *args: str) -> str:
    status = cli.main(["evaluate", "--programme", "demo", *args])
    err = capsys.readouterr().err
    assert status == cli.EXIT_FAILED, err
    assert "Traceback" not in err, err
    return err


def test_a_parameter_file_is_named_as_the_data_files_are(demo, capsys, monkeypatch):
    """A missing cohort's parameter file and a misspelt key name the file as docs/data.md says
    ("Which path a message shows"), as the progress line before them does: from the working
    folder when the file lies below it (the form docs/parameters.md shows), as given when ingest's
    folder was given relative; before, every parameter message named the absolute path."""
    monkeypatch.chdir(demo["root"])
    err = _evaluate_message(capsys, "--cohort", "7", "--params-dir", str(demo["params"]),
                            "--data-dir", str(demo["data"]))
    assert "\nerror: params/demo/cohort-7.yaml: no parameter file for cohort 7" in "\n" + err, err
    demo["cohort"].write_text(demo["cohort"].read_text() + "multiplicty: holm\n")
    err = _evaluate_message(capsys, "--cohort", "1", "--params-dir", str(demo["params"]),
                            "--data-dir", str(demo["data"]))
    assert ("error: 1 problem(s) in parameter file params/demo/cohort-1.yaml:\n"
            "  - params/demo/cohort-1.yaml: key `multiplicty`: unknown key") in err, err
    work = demo["root"] / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    err = _ingest_message(capsys, "--params-dir", "../params", "--data-dir", "../data")
    assert "  - ../params/demo/cohort-1.yaml: key `multiplicty`" in err, err
    assert all(Path(name).is_file() for name in re.findall(r"(\S+\.yaml):", err)), err


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


# --------------------------------------------------------------------------- 3. wholly blank rows


def _append(path: Path, line: str) -> int:
    """Append a line to a CSV file; return its spreadsheet row."""
    text = path.read_text()
    path.write_text(text + line + "\n")
    return len(text.splitlines()) + 1


def _commas(path: Path) -> str:
    return "," * path.read_text().splitlines()[0].count(",")


def _failures(demo, **kwargs) -> list:
    with pytest.raises(DataValidationError) as caught:
        ingest("demo", data_dir=demo["data"], params_dir=demo["params"], **kwargs)
    assert not (demo["data"] / "processed").exists()
    return list(caught.value.failures)


@pytest.mark.parametrize("table", ["participants", "responses", "costs", "workforce", "deflators"])
def test_a_trailing_row_of_commas_is_one_failure(demo, id_key, table):
    row = _append(demo[table], _commas(demo[table]))
    (failure,) = _failures(demo)
    assert (failure.file, failure.rows, failure.column) == (str(demo[table]), (row,), None)
    assert f"row {row}: expected at least one value in a row; the row is empty: every cell is blank" in str(failure)


def test_blank_rows_of_spaces_across_blocks_are_one_failure_with_every_row(demo, id_key):
    first = _append(demo["responses"], _commas(demo["responses"]))
    second = _append(demo["responses"], " ," + _commas(demo["responses"])[1:] + " ")
    (failure,) = _failures(demo, block_rows=first - 2)  # the two blank rows in two blocks
    assert failure.rows == (first, second) and "these rows are empty" in str(failure)


def test_a_partly_blank_row_is_still_reported_cell_by_cell(demo, id_key):
    row = _append(demo["costs"], "1" + _commas(demo["costs"]))  # a cohort, and nothing else
    failures = _failures(demo)
    assert {f.column for f in failures} == {"category", "amount", "price_year", "basis"}
    assert all(f.rows == (row,) for f in failures)
    assert not any("every cell is blank" in str(f) for f in failures)


def test_a_value_in_a_column_outside_the_contract_makes_a_row_not_blank(demo, id_key):
    lines = demo["costs"].read_text().splitlines()
    lines[0] += ",note"
    lines[1:] = [line + "," for line in lines[1:]]
    demo["costs"].write_text("\n".join([*lines, _commas(demo["costs"]) + ",left over"]) + "\n")
    failures = _failures(demo)
    assert "amount" in {f.column for f in failures} and not any("every cell is blank" in str(f) for f in failures)


def test_rows_after_a_blank_row_keep_their_numbers(demo, id_key):
    lines = demo["responses"].read_text().splitlines()
    blank_row = 3
    lines.insert(blank_row - 1, _commas(demo["responses"]))  # a blank row 3; old row 2 is still row 2
    lines.append(lines[-1])  # a duplicate answer: the last two rows
    demo["responses"].write_text("\n".join(lines) + "\n")
    failures = _failures(demo)
    assert [f.rows for f in failures if f.column is None] == [(blank_row,), (len(lines) - 1, len(lines))]


@pytest.mark.parametrize("table", ["participants", "responses", "costs"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_an_empty_line_is_a_row_as_a_spreadsheet_numbers_it(demo, id_key, table, newline):
    # before, the CSV readers skipped the line, so the rows after it were numbered one lower than a
    # spreadsheet or an editor numbers them, and the empty line itself was accepted without a word
    lines = demo[table].read_text().splitlines()
    lines.insert(2, "")  # an empty row 3
    lines.append(lines[-1] if table != "costs" else _commas(demo[table]))  # the last row: a duplicate (a blank row for costs)
    demo[table].write_bytes((newline.join(lines) + newline).encode())
    failures = _failures(demo)
    empty = [f for f in failures if "every cell is blank" in str(f)]
    assert empty and empty[0].rows[0] == 3 and "an empty line" in str(empty[0])
    last = len(lines)  # the header is row 1, so the last line's row is the number of lines
    assert any(last in f.rows for f in failures), [str(f) for f in failures]


def test_an_empty_line_in_the_answers_is_a_row_across_blocks(demo, id_key):
    lines = demo["responses"].read_text().splitlines()
    lines.insert(5, "")  # row 6, in the second block of 4 rows
    lines.append(lines[-1])  # a duplicate answer: the last two rows
    demo["responses"].write_text("\n".join(lines) + "\n")
    failures = _failures(demo, block_rows=4)
    assert [f.rows for f in failures if f.column is None] == [(6,), (len(lines) - 1, len(lines))]


@pytest.mark.parametrize("table", ["participants", "responses", "costs"])
@pytest.mark.parametrize("ending", ["\n\n", "\n\n\n", "\r\n\r\n"])
def test_empty_lines_that_end_a_file_are_not_rows(demo, id_key, table, ending):
    # a text editor leaves them; no row follows them, so no number moves: the data are read as before
    def processed() -> dict[str, pd.DataFrame]:
        result = ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
        return {p.name: pd.read_parquet(p) for p in sorted(Path(result.directory).glob("*.parquet"))}

    before = processed()
    lines = demo[table].read_text().splitlines()
    demo[table].write_bytes((ending[:len(ending) // 2 if "\r" in ending else 1].join(lines) + ending).encode())
    after = processed()
    assert before and after.keys() == before.keys()
    for name, frame in before.items():
        pd.testing.assert_frame_equal(after[name], frame)


def test_an_empty_line_inside_a_quoted_cell_is_the_cell_s_text(tmp_path):
    from evaluation.core.blocks import read_table_blocks
    from evaluation.core.raw_files import read_table

    path = tmp_path / "t.csv"
    path.write_text('a,b\n1,"x\n\ny"\n\n2,z\n\n')  # row 3 is empty; the file's last line end + 1 empty line
    whole = read_table(path)
    assert whole["b"].tolist()[0] == "x\n\ny" and whole["a"].isna().tolist() == [False, True, False]
    (block,) = list(read_table_blocks(path))
    assert block["b"].astype(str).tolist()[0] == "x\n\ny" and len(block) == 3


def test_a_blank_row_of_a_workbook_is_one_failure(demo, id_key):
    frame = pd.read_csv(demo["costs"], dtype=str, keep_default_na=False)
    frame = pd.concat([frame.iloc[:1], pd.DataFrame([[None] * frame.shape[1]], columns=frame.columns), frame.iloc[1:]])
    frame.to_excel(demo["raw"] / "costs.xlsx", index=False)
    demo["costs"].unlink()
    (failure,) = _failures(demo)
    assert failure.rows == (3,) and failure.file.endswith("costs.xlsx") and "every cell is blank" in str(failure)


def test_verify_says_where_a_changed_input_is_when_the_data_folder_is_elsewhere(demo, id_key, monkeypatch, tmp_path):
    from evaluation.publish.notebook_check import VerifyResult
    from evaluation.publish.verify import _check_inputs

    manifest = ingest("demo", data_dir=demo["data"], params_dir=demo["params"]).manifest
    _append(demo["costs"], "2,venue,Room,100,2005,fixed")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = VerifyResult()
    assert not _check_inputs(result, manifest, demo["data"], demo["params"])
    (line,) = [line for line in result.lines if "costs.csv" in line]
    assert "input data/raw/demo/costs.csv: SHA-256" in line and line.endswith(f"(at {demo['costs']})")
