"""Hostile and careless input (issue 10, first part): names that are paths, writes aimed at the
raw data, symbolic links out of the data folder, disclosure control switched off, parameter
files built to exhaust memory or to be read two ways. Each is refused with a one-line message
naming the file (and line or key), a non-zero exit and no traceback, and leaves the raw data
byte for byte as they were."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from conftest import run_cli
from evaluation.core.checks import check_name
from evaluation.core.errors import DataValidationError, ParameterError, PseudonymisationKeyError
from evaluation.data.ingest import ingest
from evaluation.data.params import load_cohort, load_instrument, load_programme
from evaluation.data.pseudonymise import DEMO_KEY


def digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def refused(done, *needles: str) -> str:
    """A refused command: non-zero exit, no traceback, a message with every needle."""
    assert done.returncode != 0, done.stdout
    assert "Traceback" not in done.stderr, done.stderr
    for needle in needles:
        assert needle in done.stderr, (needle, done.stderr)
    return done.stderr


BAD_NAMES = ["../raw", "..", "a/b", "a\\b", "", "Leading", "-x", "x" * 65, "x" * 300, "na\x00me", "émigré", " x"]


@pytest.mark.parametrize("name", BAD_NAMES, ids=repr)
def test_a_name_that_is_not_a_name_is_refused(name):
    with pytest.raises(ParameterError, match="must be 1 to 64 lower-case letters"):
        check_name(name, "programme")
    message = ""
    try:
        check_name(name, "programme")
    except ParameterError as exc:
        message = str(exc)
    assert len(message) < 300 and "\n" not in message


@pytest.mark.slow  # runs the command line in a new interpreter per case
@pytest.mark.parametrize("verb", ["ingest", "evaluate", "verify"])
@pytest.mark.parametrize("name", ["../raw", "../../etc", "x" * 300], ids=["dotdot", "deeper", "long"])
def test_the_command_line_refuses_a_path_as_a_programme(demo, verb, name):
    before = digests(demo["data"] / "raw")
    args = [verb, "--programme", name, "--data-dir", str(demo["data"]), "--params-dir", str(demo["params"])]
    if verb != "ingest":
        args += ["--cohort", "1", "--reports-dir", str(demo["root"] / "reports")]
    refused(run_cli(*args), "argument --programme", "must be 1 to 64")
    assert digests(demo["data"] / "raw") == before


@pytest.mark.slow  # runs the command line in a new interpreter per case
@pytest.mark.parametrize("cohort", ["0", "-1", "two", "1e3", "99999999"])
def test_the_command_line_refuses_a_cohort_that_is_not_a_number(demo, cohort):
    done = run_cli("evaluate", "--programme", "demo", "--cohort", cohort, "--data-dir", str(demo["data"]),
                   "--params-dir", str(demo["params"]))
    refused(done, "argument --cohort", "whole number")


@pytest.mark.slow  # runs the command line in a new interpreter per case
def test_a_parameter_file_cannot_turn_the_raw_folder_into_the_output(demo, id_key):
    """The attack of the issue: a `name` with `..` plus the matching folder."""
    hostile = demo["params"] / "x"
    hostile.mkdir()
    (hostile / "programme.yaml").write_text(demo["programme"].read_text().replace("name: demo", "name: ../raw/demo"))
    before = digests(demo["data"] / "raw")
    with pytest.raises(ParameterError, match="must be 1 to 64"):
        load_programme(demo["params"], "x")
    with pytest.raises(ParameterError, match="must be 1 to 64"):
        load_programme(demo["params"], "../raw/demo")
    refused(run_cli("ingest", "--programme", "x", "--data-dir", str(demo["data"]), "--params-dir",
                    str(demo["params"])), "programme.yaml", "key `name`")
    assert digests(demo["data"] / "raw") == before


def test_an_instrument_name_with_a_path_is_refused(demo):
    demo["programme"].write_text(demo["programme"].read_text().replace("instruments: [mini]",
                                                                       "instruments: [../../secret]"))
    with pytest.raises(ParameterError, match=r"key `instruments.0`: `name` must be 1 to 64"):
        load_programme(demo["params"], "demo")


def test_processed_data_that_resolve_into_the_raw_data_are_refused(demo, id_key):
    (demo["data"] / "processed").symlink_to(demo["data"] / "raw", target_is_directory=True)
    before = digests(demo["data"] / "raw")
    with pytest.raises(DataValidationError, match="nothing is ever written into the raw data"):
        ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    assert digests(demo["data"] / "raw") == before


def test_a_raw_file_linked_from_outside_the_data_folder_is_refused(demo, id_key, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "responses.csv"
    outside.write_text(demo["responses"].read_text())
    demo["responses"].unlink()
    demo["responses"].symlink_to(outside)
    with pytest.raises(DataValidationError, match="symbolic links out of the data folder are refused"):
        ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    assert not (demo["data"] / "processed" / "demo").exists()


@pytest.mark.slow  # runs the command line in a new interpreter per case
def test_reports_are_never_written_into_the_raw_data(demo):
    before = digests(demo["data"] / "raw")
    done = run_cli("evaluate", "--programme", "demo", "--cohort", "1", "--data-dir", str(demo["data"]),
                   "--params-dir", str(demo["params"]), "--reports-dir", str(demo["data"] / "raw" / "demo"))
    refused(done, "is inside the raw data")
    assert digests(demo["data"] / "raw") == before


# ----------------------------------------------------------------------- disclosure threshold


@pytest.mark.parametrize("value, expected", [
    ("1", "greater than or equal to 3"), ("2", "greater than or equal to 3"), ("true", "valid integer"),
    ("'5'", "valid integer"), ("4.5", "valid integer"), ("3", "below the default 5"),
])
def test_disclosure_control_cannot_be_switched_off_quietly(demo, value, expected):
    demo["cohort"].write_text(demo["cohort"].read_text() + f"disclosure_threshold: {value}\n")
    with pytest.raises(ParameterError, match="disclosure_threshold") as caught:
        load_cohort(demo["params"], "demo", 1)
    assert expected in str(caught.value)


def test_a_lower_threshold_with_a_reason_is_accepted_and_kept(demo):
    demo["cohort"].write_text(demo["cohort"].read_text()
                              + "disclosure_threshold: 3\ndisclosure_threshold_reason: national totals only\n")
    cohort = load_cohort(demo["params"], "demo", 1)
    assert (cohort.disclosure_threshold, cohort.disclosure_threshold_reason) == (3, "national totals only")
    assert cohort.model_dump()["disclosure_threshold_reason"] == "national totals only"  # into the manifest


def test_the_bootstrap_is_bounded(demo):
    demo["cohort"].write_text(demo["cohort"].read_text() + "bootstrap:\n  resamples: 1000000000\n")
    with pytest.raises(ParameterError, match=r"key `bootstrap.resamples`: Input should be less than or equal to 100000"):
        load_cohort(demo["params"], "demo", 1)


@pytest.mark.parametrize(("file", "edit", "said"), [
    ("cohort", lambda t: t + "confidence_levl: 0.9\n", "key `confidence_levl`: unknown key (misspelt, or not a key "
                                                      "of this kind of file); did you mean `confidence_level`?"),
    ("cohort", lambda t: t + "bootstrap: {resample: 200}\n", "key `bootstrap.resample`: unknown key (misspelt, or not "
                                                            "a key of this kind of file); did you mean `resamples`?"),
    ("programme", lambda t: t.replace("sessions:", "session:"), "did you mean `sessions`?"),
    ("programme", lambda t: t + "  confidence_levle: 0.9\n", "did you mean `confidence_level`?"),  # under defaults
    ("instrument", lambda t: t.replace("    reverse: [a4]", "    revers: [a4]"),
     "key `scales.s1.revers`: unknown key (misspelt, or not a key of this kind of file); did you mean `reverse`?"),
])
def test_a_misspelt_key_is_named_with_the_key_meant(demo, file, edit, said):
    # before: "unknown key (misspelt, or not a key of this kind of file)", and nothing about which key
    path = demo[file] if file != "instrument" else demo["params"] / "instruments" / "mini.yaml"
    path.write_text(edit(path.read_text()))
    with pytest.raises(ParameterError) as caught:
        if file == "instrument":
            load_instrument(demo["params"], "mini")
        else:
            load_cohort(demo["params"], "demo", 1)
    assert said in str(caught.value)


def test_an_unknown_key_far_from_every_key_gets_no_guess(demo):
    demo["cohort"].write_text(demo["cohort"].read_text() + "colour: blue\n")
    with pytest.raises(ParameterError, match="key `colour`: unknown key") as caught:
        load_cohort(demo["params"], "demo", 1)
    assert "did you mean" not in str(caught.value)


@pytest.mark.parametrize("key", ["no", "yes", "on", "off", "null", "~"])
def test_a_key_yaml_reads_as_true_false_or_null_is_refused_saying_so(demo, key):
    # before: "key `0`: unknown key" for `no:` (YAML 1.1 reads it as false), or pydantic's "Keys should be strings"
    demo["cohort"].write_text(demo["cohort"].read_text() + f"{key}: 3\n")
    with pytest.raises(ParameterError, match=rf"cohort-1.yaml, line 5: not valid YAML: the key '{re.escape(key)}' is "
                                             r"read by YAML as (true|false|none), not as a name: put it in quotes"):
        load_cohort(demo["params"], "demo", 1)


# --------------------------------------------------------------------------- parameter files

HOSTILE_YAML = {
    "alias bomb": ("a: &a ['lol','lol','lol']\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b]\n",
                   "line 2", "aliases (*name) are not allowed"),
    "duplicate key": ("programme: demo\ncohort: 1\nwaves: [pre, post]\ncomparisons: [pre_post]\ncohort: 2\n",
                      "line 5", "key 'cohort' appears twice (first on line 2)"),
    "deep nesting": ("programme: demo\nx: " + "[" * 200 + "]" * 200 + "\n", "line 2", "nested more than 20 levels"),
    "not YAML": ("programme: [demo\n", "line 2", "not valid YAML"),
    "not a mapping": ("- just\n- a list\n", "", "expected a mapping"),
}


@pytest.mark.slow  # runs the command line in a new interpreter per case
@pytest.mark.parametrize("case", list(HOSTILE_YAML), ids=str)
def test_hostile_parameter_files_are_refused_in_one_line(demo, case):
    text, line, message = HOSTILE_YAML[case]
    demo["cohort"].write_text(text)
    done = run_cli("ingest", "--programme", "demo", "--data-dir", str(demo["data"]), "--params-dir",
                   str(demo["params"]))
    stderr = refused(done, "cohort-1.yaml", message, line)
    assert len(stderr) < 2000


def test_a_parameter_file_that_is_not_utf8_names_the_line(demo):
    demo["cohort"].write_bytes(b"programme: demo\ncohort: 1\ntitle: caf\xe9\n")
    with pytest.raises(ParameterError, match=r"cohort-1.yaml, line 3: not UTF-8 text \(byte 0xe9\)"):
        load_cohort(demo["params"], "demo", 1)


def test_a_huge_parameter_file_is_refused_before_it_is_read(demo):
    demo["cohort"].write_text("programme: demo\n" + "# padding\n" * 200_000)
    with pytest.raises(ParameterError, match="a parameter file may have at most 1,000,000"):
        load_cohort(demo["params"], "demo", 1)


# ------------------------------------------------------------------------------------ keys


def _no_key(monkeypatch):
    monkeypatch.delenv("EVALUATION_ID_KEY", raising=False)
    monkeypatch.delenv("EVALUATION_ID_KEY_FILE", raising=False)


@pytest.mark.parametrize("marker, reason", [
    ('{"synthetic": false}', "does not say the data are synthetic"),
    ("", "is not valid JSON"),
    ('{"synthetic": true}', "does not match the files beside it"),
    ('{"synthetic": true, "data_digest": "0000"}', "does not match the files beside it"),
])
def test_the_demo_key_needs_the_generators_marker_not_a_flag(demo, monkeypatch, marker, reason):
    _no_key(monkeypatch)
    (demo["raw"] / "SYNTHETIC.json").write_text(marker)
    with pytest.raises(PseudonymisationKeyError, match=reason) as caught:
        ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    assert "secrets.token_hex(32)" in str(caught.value)
    assert not (demo["data"] / "processed" / "demo").exists()


def test_a_copied_marker_does_not_make_other_data_synthetic(demo, monkeypatch):
    _no_key(monkeypatch)
    shipped = Path(__file__).resolve().parents[1] / "data" / "raw" / "leading-to-deliver" / "SYNTHETIC.json"
    (demo["raw"] / "SYNTHETIC.json").write_bytes(shipped.read_bytes())
    with pytest.raises(PseudonymisationKeyError, match="does not match the files beside it"):
        ingest("demo", data_dir=demo["data"], params_dir=demo["params"])


def test_the_shipped_synthetic_data_carry_a_marker_that_holds():
    from evaluation.data.ingest import shipped_synthetic

    root = Path(__file__).resolve().parents[1] / "data" / "raw"
    for programme in ("leading-to-deliver", "collaborative-leadership"):
        assert shipped_synthetic(root / programme) == (True, None)


@pytest.mark.parametrize("secret, reason", [
    ("aaaaaaaaaaaaaaaa", "1 different character"), ("short-key", "at least 16"),
    (DEMO_KEY.decode(), "public demo key"), ("x" + DEMO_KEY.decode() + "y", "public demo key"),
])
def test_weak_keys_are_refused_with_how_to_make_one(demo, monkeypatch, secret, reason):
    _no_key(monkeypatch)
    monkeypatch.setenv("EVALUATION_ID_KEY", secret)
    with pytest.raises(PseudonymisationKeyError, match=reason) as caught:
        ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    assert "secrets.token_hex(32)" in str(caught.value) and secret not in str(caught.value)


# ------------------------------------------------------------------------------- injection

SCRIPT = "<script>alert('x')</script>"
IMG = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://example.invalid","click")'


@pytest.mark.slow
def test_text_from_data_and_parameters_is_never_live_in_a_report(tmp_path):
    """A programme title with a script, categories with an <img onerror> and a spreadsheet
    formula: the HTML shows them as text, the CSVs cannot run them, ids never carry them."""
    import json
    import shutil
    from html.parser import HTMLParser

    import pandas as pd

    from evaluation.core.paths import PARAMS_DIR
    from evaluation.data.synthetic import synthesise

    data, params = tmp_path / "data", tmp_path / "params"
    shutil.copytree(PARAMS_DIR, params)
    synthesise(data, params)
    programme = params / "leading-to-deliver" / "programme.yaml"
    programme.write_text(programme.read_text().replace("title: Leading to Deliver",
                                                       f'title: "Leading {SCRIPT} *to* [Deliver](javascript:x)"'))
    people_csv = data / "raw" / "leading-to-deliver" / "participants.csv"
    people = pd.read_csv(people_csv, dtype=str, keep_default_na=False)
    in_two = people.index[people["cohort"] == "2"]
    people.loc[in_two[:30], "ethnicity"] = IMG
    people.loc[in_two[30:60], "gender"] = FORMULA
    people.to_csv(people_csv, index=False, lineterminator="\n")
    done = run_cli("evaluate", "--programme", "leading-to-deliver", "--cohort", "2", "--data-dir", str(data),
                   "--params-dir", str(params), "--reports-dir", str(tmp_path / "reports"))
    assert done.returncode == 0, done.stderr
    report = tmp_path / "reports" / "leading-to-deliver" / "cohort-2"

    class Tags(HTMLParser):
        def __init__(self):
            super().__init__()
            self.found = []

        def handle_starttag(self, tag, attrs):
            self.found.append((tag, dict(attrs)))

    for page in sorted(report.glob("*.html")):
        text = page.read_text()
        parser = Tags()
        parser.feed(text)
        assert not [t for t, _ in parser.found if t == "script"], page.name
        assert not [a for _, a in parser.found if any(k.startswith("on") for k in a)], page.name
        assert not [a for t, a in parser.found
                    if t == "a" and a.get("href", "").strip().lower().startswith("javascript:")], page.name
        assert SCRIPT not in text and IMG not in text
    assert "Leading &lt;script&gt;" in (report / "cohort_evaluation.html").read_text()
    for table in sorted((report / "tables").glob("*.csv")):
        cells = pd.read_csv(table, dtype=str, keep_default_na=False).to_numpy().ravel()
        assert not [c for c in cells if c.startswith(("=", "@")) or c.startswith("+") and not c[1:2].isdigit()], table
    published = sorted(p.relative_to(report).as_posix() for p in report.rglob("*") if p.is_file())
    assert (report / "tables" / "equity.csv").is_file(), (published, done.stdout, done.stderr)
    assert any(c == "'" + FORMULA for c in pd.read_csv(report / "tables" / "equity.csv", dtype=str)["category"])
    for finding in json.loads((report / "findings.json").read_text()):
        assert all(ch.isalnum() or ch in "._-" for ch in finding["id"]), finding["id"]


# ------------------------------------------------------------------------------ folders


def test_a_killed_runs_leftovers_are_removed_and_folders_get_normal_permissions(tmp_path):
    import os
    import subprocess
    import sys

    from evaluation.core.io import atomic_directory, write_text

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    stale = tmp_path / f".cohort-2.tmp-{dead}-abc123"
    stale.mkdir()
    (stale / "half.csv").write_text("a,b\n")
    living = tmp_path / f".cohort-2.tmp-{os.getpid()}-zzz"  # this process: never removed
    living.mkdir()
    with atomic_directory(tmp_path / "cohort-2") as folder:
        write_text("x", folder / "t.txt")
    assert not stale.exists() and living.exists()
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "cohort-2").stat().st_mode & 0o777 == 0o777 & ~umask


# ----------------------------------------------------------------------------- raw data


def test_dates_in_the_future_are_refused(demo, id_key):
    demo["participants"].write_text(demo["participants"].read_text().replace("D-002,1,voluntary,fife,first_line_manager,"
                                                                             "strategic,male,2005-06-01",
                                                                             "D-002,1,voluntary,fife,first_line_manager,"
                                                                             "strategic,male,2099-06-01"))
    with pytest.raises(DataValidationError) as caught:
        ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    assert "participants.csv, row 3, column `enrolled_on`: expected a date no later than today" in str(caught.value)
    assert "2099-06-01" in str(caught.value)


def test_an_answer_twice_under_ids_differing_in_case_or_spaces_is_named_by_file_and_row(demo, id_key):
    lines = demo["responses"].read_text().splitlines()
    first = lines[1]  # D-001,pre,self,mini,a1,...
    lines.append(first.replace("D-001", " d-001"))
    demo["responses"].write_text("\n".join(lines) + "\n")
    with pytest.raises(DataValidationError) as caught:
        ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    message = str(caught.value)
    assert "responses.csv, rows 2" in message and "column `participant_id`" in message
    assert "compared ignoring case" in message and "'D-001', 'd-001'" in message
    assert not any(len(word) == 32 and all(c in "0123456789abcdef" for c in word) for word in message.split())
