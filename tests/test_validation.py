"""One failing case per rule of the data contract: the error names file, rows, column and rule.

Each case starts from the valid `demo` programme (tests/conftest.py), breaks one thing, runs
ingest, and checks the message. Rows are spreadsheet rows: the header is row 1.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from evaluation.core.errors import DataValidationError, Failure, ParameterError
from evaluation.core.paths import shown_path
from evaluation.data.ingest import ingest


def set_cell(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell of a CSV file; ``row`` is the spreadsheet row (header = 1)."""
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    fields = list(rows[0].keys())
    rows[row - 2][column] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue())


def drop_column(path: Path, column: str) -> None:
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    fields = [f for f in rows[0] if f != column]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue())


def run(demo) -> DataValidationError:
    with pytest.raises(DataValidationError) as info:
        ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    return info.value


def only(error: DataValidationError, column: str | None, file: str | None = None) -> Failure:
    matches = [f for f in error.failures if f.column == column and (file is None or f.file.endswith(file))]
    assert len(matches) == 1, str(error)
    return matches[0]


# (file, row, column, new value, expected rule text, expected row(s))
CELL_RULES = [
    ("participants", 3, "participant_id", "", "this column is required", (3,)),
    ("participants", 3, "participant_id", "D-001", "unique values", (2, 3)),
    ("participants", 2, "cohort", "one", "a whole number", (2,)),
    ("participants", 2, "cohort", "1.5", "a whole number", (2,)),
    ("participants", 2, "cohort", "0", "a value ≥ 1", (2,)),
    ("participants", 2, "sector", "Local Authority", "one of: local_authority, voluntary", (2,)),
    ("participants", 4, "local_authority", "atlantis", "32 council areas", (4,)),
    ("participants", 2, "role_level", "manager", "one of: frontline", (2,)),
    ("participants", 2, "framework_area", "finance", "one of: professional_practice", (2,)),
    ("participants", 2, "enrolled_on", "01/06/2005", "an ISO date", (2,)),
    ("participants", 2, "status", "done", "one of: completed, withdrew, in_progress", (2,)),
    ("participants", 2, "sessions_attended", "-1", "a value ≥ 0", (2,)),
    ("participants", 2, "sessions_attended", "7", "at most the programme's 6 sessions", (2,)),
    ("responses", 2, "participant_id", "D-999", "a participant_id that exists", (2,)),
    ("responses", 2, "wave", "middle", "one of: pre, then, post, follow_up", (2,)),
    ("responses", 2, "rater", "boss", "one of: self, line_manager, peer, direct_report", (2,)),
    ("responses", 2, "instrument", "other", "an instrument of the programme", (2,)),
    ("responses", 2, "item", "zz9", "an item of instrument 'mini'", (2,)),
    ("responses", 2, "value", "many", "a number", (2,)),
    ("responses", 2, "value", "6", "within 'mini''s response range [1, 5]", (2,)),
    ("responses", 2, "value", "0.5", "within 'mini''s response range [1, 5]", (2,)),
    ("responses", 6, "wave", "then", "a wave at which scale 'lm' of 'mini' is answered", (6,)),
    ("responses", 2, "rater", "line_manager", "a rater who answers scale 's1' of 'mini'", (2,)),
    ("responses", 2, "responded_on", "yesterday", "an ISO date", (2,)),
    ("costs", 2, "cohort", "9", "a cohort that has participants", (2,)),
    ("costs", 2, "category", "catering", "one of: needs_assessment, design", (2,)),
    ("costs", 3, "amount", "-45.50", "a value ≥ 0", (3,)),
    ("costs", 3, "amount", "lots", "an amount in pounds", (3,)),
    # a decimal comma, or commas not between groups of three digits, were read as 1250 and 1.2345
    ("costs", 3, "amount", "12,50", "a decimal comma is not", (3,)),
    ("costs", 3, "amount", "1.234,50", "a decimal comma is not", (3,)),
    ("costs", 3, "amount", "1,23,456", "commas or spaces between groups of three digits", (3,)),
    ("costs", 3, "amount", "12 50", "commas or spaces between groups of three digits", (3,)),  # was read as 1250
    ("costs", 3, "price_year", "1999", "a price year that has a GDP deflator", (3,)),
    ("costs", 3, "basis", "per_head", "one of: fixed, per_participant", (3,)),
    ("workforce", 2, "dimension", "region", "one of: sector, local_authority", (2,)),
    ("workforce", 2, "headcount", "-10", "a value ≥ 0", (2,)),
    ("deflators", 2, "index", "0", "a value > 0", (2,)),
    ("deflators", 3, "year", "2004", "unique values", (2, 3)),
]


@pytest.mark.parametrize(("table", "row", "column", "value", "rule", "rows"), CELL_RULES)
def test_each_rule_names_file_row_column_and_rule(demo, id_key, table, row, column, value, rule, rows):
    set_cell(demo[table], row, column, value)
    error = run(demo)
    failure = only(error, column, demo[table].name)
    assert failure.rows == rows
    assert rule in failure.rule
    text = str(error)
    assert demo[table].name in text and f"`{column}`" in text and rule in text
    if value and "unique" not in rule:
        assert repr(value.strip()) in text or value in text


def test_duplicate_response_rows_name_the_key(demo, id_key):
    lines = demo["responses"].read_text().splitlines()
    demo["responses"].write_text("\n".join([*lines, lines[1]]) + "\n")
    failure = only(run(demo), None)
    assert failure.rows == (2, len(lines) + 1)
    assert "(participant_id, wave, rater, instrument, item) to appear only once" in failure.rule


def test_identifiers_equal_after_trimming_and_case_folding_are_one_person(demo, id_key):
    set_cell(demo["participants"], 3, "participant_id", " d-001 ")
    failure = only(run(demo), "participant_id", "participants.csv")
    assert failure.rows == (2, 3)
    assert "unique after trimming spaces and ignoring case" in failure.rule


def test_a_missing_required_column_is_named(demo, id_key):
    drop_column(demo["participants"], "status")
    failure = only(run(demo), "status")
    assert failure.rows == ()
    assert "the column to be present" in failure.rule


def test_a_misspelt_column_is_named_beside_the_missing_one(demo, id_key):
    # "column `local_authority`: expected the column to be present" left the user to find the typing error
    drop = demo["participants"].read_text().replace("local_authority", "local_authorty", 1)
    demo["participants"].write_text(drop)
    failure = only(run(demo), "local_authority")
    assert failure.rule.endswith("; the header has 'local_authorty': a misspelling?")


def test_a_row_with_more_cells_than_the_header_is_named_with_both_counts(demo, id_key):
    # pandas said "Error tokenizing data. C error: Expected 14 fields in line 107, saw 16"
    lines = demo["costs"].read_text().splitlines()
    width = len(lines[0].split(","))
    lines[2] += ",extra,cells"
    demo["costs"].write_text("\n".join(lines) + "\n")
    mine = [f for f in run(demo).failures if f.file.endswith("costs.csv")]
    assert len(mine) == 1 and mine[0].rows == (3,)
    assert mine[0].rule.startswith(f"{width} cells, one per column of the header; found {width + 2}")


def test_optional_columns_may_be_absent(demo, id_key):
    drop_column(demo["participants"], "gender")
    drop_column(demo["participants"], "sessions_attended")
    drop_column(demo["responses"], "rater")
    lines = [ln for ln in demo["responses"].read_text().splitlines() if ",m1," not in ln and ",m2," not in ln]
    demo["responses"].write_text("\n".join(lines) + "\n")
    result = ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    assert result.manifest["outputs"][0]["rows"] == 3


def test_a_missing_file_is_named(demo, id_key):
    demo["costs"].unlink()
    failure = only(run(demo), None)
    assert failure.file == str(demo["costs"])  # the data folder is not below the working folder
    assert "the file to exist" in failure.rule


def test_validation_is_lazy_every_failure_is_reported_at_once(demo, id_key):
    set_cell(demo["participants"], 2, "sector", "nhs")
    set_cell(demo["responses"], 3, "value", "9")
    set_cell(demo["costs"], 2, "category", "food")
    set_cell(demo["deflators"], 2, "index", "-1")
    error = run(demo)
    assert {f.column for f in error.failures} == {"sector", "value", "category", "index"}
    assert str(error).startswith("4 problem(s) in the input data; nothing was written:")


def test_bom_currency_and_thousands_separators_are_tolerated(demo, id_key):
    demo["participants"].write_bytes(b"\xef\xbb\xbf" + demo["participants"].read_bytes())
    result = ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    import pandas as pd

    costs = pd.read_parquet(result.directory / "costs.parquet")
    assert costs["amount"].tolist() == [12000.0, 45.5, 8000.0]
    assert costs["cohort"].isna().tolist() == [False, False, True]


def test_failed_validation_writes_nothing_and_keeps_old_output(demo, id_key):
    first = ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    before = {p.name: p.read_bytes() for p in first.directory.iterdir()}
    set_cell(demo["participants"], 2, "status", "??")
    run(demo)
    after = {p.name: p.read_bytes() for p in first.directory.iterdir()}
    assert after == before
    leftovers = [p.name for p in first.directory.parent.iterdir() if p.name != "demo"]
    assert leftovers == []


def test_no_output_at_all_when_the_first_ingest_fails(demo, id_key):
    set_cell(demo["participants"], 2, "status", "??")
    run(demo)
    assert not (demo["data"] / "processed").exists() or not any((demo["data"] / "processed").iterdir())


@pytest.mark.parametrize(("table", "how", "said"), [
    ("participants", "semicolons", "separated by semicolons"),
    ("costs", "tabs", "separated by tabs"),
    ("responses", "semicolons", "separated by semicolons"),  # the answers are read in blocks
    ("responses", "utf-16", "the file is UTF-16"),
    ("participants", "utf-16", "the file is UTF-16"),
])
def test_a_file_not_comma_separated_utf8_is_refused_once_saying_why(demo, id_key, table, how, said):
    # a semicolon-separated participants.csv gave eight "expected the column to be present"
    # failures; costs.csv gave pandas' "Expected 1 fields in line 3, saw 3"; UTF-16 was taken for Latin-1
    path = demo[table]
    text = path.read_text()
    if how == "utf-16":
        path.write_bytes(text.encode("utf-16"))
    else:
        import csv
        import io

        rows = list(csv.reader(io.StringIO(text)))
        out = io.StringIO()
        csv.writer(out, delimiter=";" if how == "semicolons" else "\t", lineterminator="\n").writerows(rows)
        path.write_text(out.getvalue())
    error = run(demo)
    mine = [f for f in error.failures if f.file.endswith(path.name)]
    assert len(mine) == 1, str(error)
    assert mine[0].rows == (1,) and said in mine[0].rule
    assert "comma" in mine[0].rule or "save it as UTF-8" in mine[0].rule


# ------------------------------------------------------------------------- parameter files


def test_a_price_base_year_without_a_deflator_is_found_at_ingest_naming_the_file_and_key(demo, id_key):
    # it was found only inside the cost notebook ("`base_year` 2031 has no GDP deflator in `deflators`"),
    # which named neither the parameter file nor its key
    path = demo["cohort"]
    path.write_text(path.read_text() + "price_base_year: 2031\n")
    error = run(demo)
    failure = only(error, None, path.name)
    assert failure.values == ("2031",)
    text = str(error)
    assert "cohort-1.yaml" in text and "key `price_base_year` to be a year with a GDP deflator in" in text
    assert "gdp_deflators.csv (2004-2024)" in text and "'2031'" in text
    assert not (demo["data"] / "processed").exists() or not any((demo["data"] / "processed").rglob("*.parquet"))



@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("cohort", "comparisons: [pre_post]", "comparisons: [pre_post]\nmultiplicty: holm",
         "key `multiplicty`: unknown key"),
        ("cohort", "comparisons: [pre_post]", "comparisons: [pre_post]\nmultiplicity: bonferroni",
         "key `multiplicity`: Input should be 'holm', 'bh' or 'none'"),
        ("cohort", "comparisons: [pre_post]", "comparisons: [pre_follow_up]",
         "needs wave(s) ['follow_up'] that `waves` does not list"),
        ("cohort", "cohort: 1", "cohort: 1\nconfidence_level: 95", "key `confidence_level`"),
        # accepted before: the mixed model then took `post` as its reference wave (wave[pre] = pre - post)
        ("cohort", "waves: [pre, post]", "waves: [post, pre]",
         "`waves` must be in time order (pre, post, follow_up; `then` may be added anywhere): found ['post', 'pre']"),
        ("programme", "sessions: 6", "sessions: 6\nsesions: 6", "key `sesions`: unknown key"),
        ("programme", "disclosure_threshold: 5", "disclosure_treshold: 5",
         "key `defaults` has unknown cohort key(s) ['disclosure_treshold']"),
        ("instrument", "min_answered: 0.75", "min_answered: 0.75\nreverse_items: [a4]",
         "key `reverse_items`: unknown key"),
        ("instrument", "reverse: [a4]", "reverse: [a9]", "`reverse` lists items that are not in `items`"),
        ("instrument", "primary_scale: s1", "primary_scale: s9", "`primary_scale` 's9' is not one of the scales"),
    ],
)
def test_parameter_errors_name_file_and_key(demo, id_key, file, old, new, message):
    path = demo[file]
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new))
    with pytest.raises(ParameterError) as info:
        ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    assert str(path) in str(info.value)
    assert message in str(info.value)


@pytest.mark.parametrize("value", ["1.5", "0", "'0.8'", "alpha_post", "true"])
def test_a_bad_rci_reliability_is_one_problem_naming_the_key(demo, id_key, value):
    # pydantic gave one line per member of the key's type, under names no file has:
    # key `rci_reliability.literal['alpha_pre']` and key `rci_reliability.constrained-float`
    path = demo["cohort"]
    path.write_text(path.read_text() + f"rci_reliability: {value}\n")
    with pytest.raises(ParameterError) as info:
        ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    text = str(info.value)
    assert text.startswith(f"1 problem(s) in parameter file {path}:"), text
    assert "key `rci_reliability`: expected `alpha_pre` (Cronbach's alpha at the earlier wave) or a number " \
           "between 0 and 1, exclusive" in text, text
    assert "literal[" not in text and "constrained-float" not in text


@pytest.mark.parametrize("waves", ["[pre, then, post]", "[pre, post, then]", "[then, pre, post, follow_up]"])
def test_then_may_stand_anywhere_among_the_waves_in_time_order(demo, id_key, waves):
    from evaluation.data.params import load_cohort

    path = demo["cohort"]
    path.write_text(path.read_text().replace("waves: [pre, post]", f"waves: {waves}"))
    assert load_cohort(demo["params"], "demo", 1).waves == waves.strip("[]").split(", ")


@pytest.mark.parametrize("value", ["alpha_pre", "0.8"])
def test_rci_reliability_alpha_pre_or_a_number_is_accepted(demo, id_key, value):
    from evaluation.data.params import load_cohort

    path = demo["cohort"]
    path.write_text(path.read_text() + f"rci_reliability: {value}\n")
    cohort = load_cohort(demo["params"], "demo", 1)
    assert cohort.rci_reliability == (0.8 if value == "0.8" else "alpha_pre")


def test_a_cohort_without_parameters_is_an_error_naming_the_file(demo, id_key):
    from evaluation.data.params import load_cohort

    with pytest.raises(ParameterError, match=r"cohort-7\.yaml: no parameter file for cohort 7"):
        load_cohort(demo["params"], "demo", 7)


def test_participants_of_a_cohort_without_parameters_are_named(demo, id_key):
    set_cell(demo["participants"], 4, "cohort", "2")
    failure = only(run(demo), "cohort")
    assert failure.rows == (4,)
    # the folder as the user can open it from here (the demo's parameters are in a temporary folder)
    assert f"a cohort with a parameter file {shown_path(demo['params'] / 'demo')}/cohort-<n>.yaml" in failure.rule
