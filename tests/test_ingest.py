"""Ingest end to end on the tiny `demo` programme: outputs, pseudonyms, exclusions, manifest."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from evaluation.core.errors import DemoKeyWarning, PseudonymisationKeyError
from evaluation.data import freshness
from evaluation.data.ingest import ingest, is_up_to_date
from evaluation.data.pseudonymise import Key, pseudonymise

ROOT = Path(__file__).resolve().parents[1]
OUTPUTS = {
    "participants.parquet",
    "responses.parquet",
    "scale_scores.parquet",
    "reliability.parquet",
    "costs.parquet",
    "workforce.parquet",
    "deflators.parquet",
    "exclusions.csv",
    "manifest.json",
}


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_ingest_writes_every_output(demo, id_key):
    result = ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    assert {p.name for p in result.directory.iterdir()} == OUTPUTS
    participants = pd.read_parquet(result.directory / "participants.parquet")
    assert len(participants) == 3
    assert participants["gender"].tolist().count("not_recorded") == 1  # blank kept as a category


def test_identifiers_are_pseudonymised_everywhere(demo, id_key):
    result = ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    for path in result.directory.iterdir():
        assert b"D-00" not in path.read_bytes(), path.name
    expected = pseudonymise(pd.Series(["D-001"]), Key(id_key.encode(), "test"))[0]
    scores = pd.read_parquet(result.directory / "scale_scores.parquet")
    assert expected in set(scores["participant_id"])


def test_ingest_twice_is_byte_identical_and_raw_is_untouched(demo, id_key):
    raw_before = tree_digest(demo["data"] / "raw")
    first = tree_digest(ingest("demo", data_dir=demo["data"], params_dir=demo["params"]).directory)
    second = tree_digest(ingest("demo", data_dir=demo["data"], params_dir=demo["params"]).directory)
    assert first == second
    assert tree_digest(demo["data"] / "raw") == raw_before


def test_scores_and_exclusion_log(demo, id_key):
    # D-002 answers only 2 of 4 items of s1 at pre: below the 75% rule, so no score, logged.
    lines = demo["responses"].read_text().splitlines()
    blanked = [
        ln.replace(",mini,a1,2,", ",mini,a1,,").replace(",mini,a2,3,", ",mini,a2,,")
        if ln.startswith("D-002,pre,self") else ln
        for ln in lines
    ]
    # and an answer at `then`, which cohort 1's parameters do not list: not scored, logged.
    blanked.append("D-001,then,self,mini,a1,2,2005-06-01")
    demo["responses"].write_text("\n".join(blanked) + "\n")
    result = ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    scores = pd.read_parquet(result.directory / "scale_scores.parquet")
    log = pd.read_csv(result.directory / "exclusions.csv")
    assert sorted(log["rule"]) == ["min_answered", "wave_not_in_cohort_parameters"]
    short = log.set_index("rule").loc["min_answered"]
    assert (short["scale"], short["wave"], short["rater"]) == ("s1", "pre", "self")
    assert "answered 2 of 4 items; the instrument needs at least 75%" == short["detail"]
    assert "then" not in set(scores["wave"])
    # D-001 at pre: items 3, 4, 3 and reverse-keyed 2 → 6 − 2 = 4; mean (3 + 4 + 3 + 4)/4 = 3.5
    pid = pseudonymise(pd.Series(["D-001"]), Key(id_key.encode(), "test"))[0]
    row = scores[(scores.participant_id == pid) & (scores.scale == "s1") & (scores.wave == "pre")]
    assert row["score"].item() == pytest.approx(3.5)


def test_manifest_lists_inputs_with_hashes_and_rows(demo, id_key):
    result = ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    manifest = json.loads((result.directory / "manifest.json").read_text())
    inputs = {i["name"]: i for i in manifest["inputs"]}
    assert inputs["participants"]["rows"] == 3
    assert inputs["participants"]["path"] == "data/raw/demo/participants.csv"
    assert inputs["participants"]["sha256"] == hashlib.sha256(demo["participants"].read_bytes()).hexdigest()
    assert {"cohort-1.yaml", "programme.yaml", "instruments/mini.yaml", "workforce", "deflators"} <= set(inputs)
    assert manifest["pseudonymisation"]["key_source"] == "environment variable EVALUATION_ID_KEY"
    assert id_key not in json.dumps(manifest)


def test_is_up_to_date_follows_the_inputs(demo, id_key):
    assert not is_up_to_date("demo", data_dir=demo["data"], params_dir=demo["params"])
    ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    assert is_up_to_date("demo", data_dir=demo["data"], params_dir=demo["params"])
    demo["cohort"].write_text(demo["cohort"].read_text() + "confidence_level: 0.9\n")
    assert not is_up_to_date("demo", data_dir=demo["data"], params_dir=demo["params"])


def _hashed(monkeypatch) -> list[Path]:
    """The files :func:`is_up_to_date` hashes from now on."""
    hashed: list[Path] = []

    def counting(path):
        hashed.append(Path(path))
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()

    monkeypatch.setattr(freshness, "sha256_file", counting)
    return hashed


def test_inputs_with_their_recorded_size_and_time_are_not_read_again(demo, id_key, monkeypatch):
    result = ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    recorded = {i["name"]: i for i in result.manifest["inputs"]}
    stat = demo["participants"].stat()
    assert (recorded["participants"]["size"], recorded["participants"]["mtime_ns"]) == (stat.st_size, stat.st_mtime_ns)
    hashed = _hashed(monkeypatch)
    assert is_up_to_date("demo", data_dir=demo["data"], params_dir=demo["params"])
    assert hashed == []


def test_a_touched_input_with_the_same_bytes_is_hashed_and_still_current(demo, id_key, monkeypatch):
    ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    stat = demo["responses"].stat()
    os.utime(demo["responses"], ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    hashed = _hashed(monkeypatch)
    assert is_up_to_date("demo", data_dir=demo["data"], params_dir=demo["params"])
    assert hashed == [demo["responses"]]


def test_a_changed_byte_of_the_same_size_with_a_new_time_is_detected(demo, id_key):
    ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    before = demo["responses"].stat()
    text = demo["responses"].read_bytes()
    changed = text.replace(b"a1,3,", b"a1,4,", 1)
    assert changed != text and len(changed) == len(text)
    demo["responses"].write_bytes(changed)
    os.utime(demo["responses"], ns=(before.st_atime_ns, before.st_mtime_ns + 10**9))
    assert demo["responses"].stat().st_size == before.st_size
    assert not is_up_to_date("demo", data_dir=demo["data"], params_dir=demo["params"])


# ------------------------------------------------------------------------------- the key


def test_real_data_without_a_key_is_refused(demo, monkeypatch):
    monkeypatch.delenv("EVALUATION_ID_KEY", raising=False)
    monkeypatch.delenv("EVALUATION_ID_KEY_FILE", raising=False)
    with pytest.raises(PseudonymisationKeyError, match="EVALUATION_ID_KEY"):
        ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    assert not (demo["data"] / "processed").exists()


def test_synthetic_data_use_the_demo_key_with_a_warning(demo, monkeypatch):
    monkeypatch.delenv("EVALUATION_ID_KEY", raising=False)
    monkeypatch.delenv("EVALUATION_ID_KEY_FILE", raising=False)
    # the marker the generator writes: the digest of exactly these files
    from evaluation.data.pseudonymise import synthetic_digest

    digest = synthetic_digest({n: (demo["raw"] / n).read_bytes() for n in ("participants.csv", "responses.csv",
                                                                         "costs.csv")})
    (demo["raw"] / "SYNTHETIC.json").write_text(f'{{"synthetic": true, "data_digest": "{digest}"}}\n')
    with pytest.warns(DemoKeyWarning, match="synthetic"):
        result = ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    assert result.manifest["pseudonymisation"]["key_source"] == "demo key (synthetic data only)"


def test_key_file_outside_the_repository(demo, monkeypatch, tmp_path):
    monkeypatch.delenv("EVALUATION_ID_KEY", raising=False)
    key_file = tmp_path / "id.key"
    key_file.write_text("a-secret-key-kept-elsewhere-0001\n")
    monkeypatch.setenv("EVALUATION_ID_KEY_FILE", str(key_file))
    result = ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    assert result.manifest["pseudonymisation"]["key_source"] == "key file id.key"


def test_key_file_inside_the_repository_is_refused(demo, monkeypatch):
    monkeypatch.delenv("EVALUATION_ID_KEY", raising=False)
    monkeypatch.setenv("EVALUATION_ID_KEY_FILE", str(ROOT / "pyproject.toml"))
    with pytest.raises(PseudonymisationKeyError, match="inside the repository"):
        ingest("demo", data_dir=demo["data"], params_dir=demo["params"])


def test_short_keys_are_refused(demo, monkeypatch):
    monkeypatch.setenv("EVALUATION_ID_KEY", "short")
    with pytest.raises(PseudonymisationKeyError, match="at least 16"):
        ingest("demo", data_dir=demo["data"], params_dir=demo["params"])


# ---------------------------------------------------------------------------------- CLI


def cli(*args: str, env_key: str | None = "cli-test-key-0123456789") -> subprocess.CompletedProcess:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("EVALUATION_ID_KEY")}
    if env_key:
        env["EVALUATION_ID_KEY"] = env_key
    return subprocess.run([sys.executable, "-m", "evaluation", *args], capture_output=True, text=True, env=env)


def test_cli_ingest_succeeds_and_reports_progress(demo):
    done = cli("ingest", "--programme", "demo", "--data-dir", str(demo["data"]), "--params-dir", str(demo["params"]))
    assert done.returncode == 0, done.stderr
    assert "ingest demo: wrote" in done.stderr
    assert (demo["data"] / "processed" / "demo" / "manifest.json").is_file()


def test_cli_ingest_writes_counts_with_thousands_separators(tmp_path):
    # the shipped programme: 56,256 answers (before: "56256 answers", as the report pages' footers did)
    import shutil

    root = Path(__file__).resolve().parents[1]
    shutil.copytree(root / "data" / "raw" / "leading-to-deliver", tmp_path / "raw" / "leading-to-deliver")
    shutil.copytree(root / "data" / "raw" / "reference", tmp_path / "raw" / "reference")
    done = cli("ingest", "--programme", "leading-to-deliver", "--data-dir", str(tmp_path), "--params-dir",
               str(root / "params"), env_key=None)
    assert done.returncode == 0, done.stderr
    counts = done.stderr.split("ingest leading-to-deliver: wrote")[1].split(" in ")[0]
    assert re.search(r"\(\d{3} participants, \d{1,3},\d{3} answers, \d{1,3},\d{3} scale scores, \d+ exclusions", counts), counts


def test_cli_ingest_bad_data_exits_non_zero_and_writes_nothing(demo):
    text = demo["participants"].read_text().replace("2005-06-01,completed,5", "2005-06-01,finished,5")
    demo["participants"].write_text(text)
    done = cli("ingest", "--programme", "demo", "--data-dir", str(demo["data"]), "--params-dir", str(demo["params"]))
    assert done.returncode == 1
    assert "data/raw/demo/participants.csv, row 3, column `status`: expected one of: completed" in done.stderr
    assert "'finished'" in done.stderr
    assert not (demo["data"] / "processed").exists()


def test_cli_unknown_programme_exits_non_zero(demo):
    done = cli("ingest", "--programme", "nope", "--data-dir", str(demo["data"]), "--params-dir", str(demo["params"]))
    assert done.returncode == 1
    assert "nope/programme.yaml: parameter file not found" in done.stderr


def test_a_wide_export_converted_with_wide_to_long_ingests(demo, id_key):
    from evaluation.data.convert import wide_to_long

    wide = pd.DataFrame({"participant_id": ["D-001", "D-002"], "a1": [2, 3], "a2": [3, 3], "a3": [2, None],
                         "a4": [4, 4], "date": ["2005-09-01", "2005-09-02"]})
    long = wide_to_long(wide, instrument="mini", wave="then", date_column="date")
    assert len(long) == 8 and long["value"].isna().sum() == 1
    cohort = demo["cohort"].read_text().replace("waves: [pre, post]", "waves: [pre, then, post]")
    demo["cohort"].write_text(cohort)
    with demo["responses"].open("a") as fh:
        long.to_csv(fh, index=False, header=False, lineterminator="\n")
    result = ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    scores = pd.read_parquet(result.directory / "scale_scores.parquet")
    # D-001 at then: 2, 3, 2 and reverse-keyed 4 → 2: mean 9/4 = 2.25
    pid = pseudonymise(pd.Series(["D-001"]), Key(id_key.encode(), "test"))[0]
    then = scores[(scores.participant_id == pid) & (scores.wave == "then") & (scores.scale == "s1")]
    assert then["score"].item() == pytest.approx(2.25)


def test_an_xlsx_export_of_a_table_is_read_like_its_csv(demo, id_key):
    csv_result = ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    expected = pd.read_parquet(csv_result.directory / "participants.parquet")
    frame = pd.read_csv(demo["participants"], dtype=str, keep_default_na=False)
    frame.to_excel(demo["raw"] / "participants.xlsx", index=False)
    demo["participants"].unlink()
    result = ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
    pd.testing.assert_frame_equal(pd.read_parquet(result.directory / "participants.parquet"), expected)
    inputs = {i["name"]: i["path"] for i in result.manifest["inputs"]}
    assert inputs["participants"] == "data/raw/demo/participants.xlsx"


def test_an_xlsx_error_names_the_workbook_row_and_column(demo, id_key):
    frame = pd.read_csv(demo["participants"], dtype=str, keep_default_na=False)
    frame.loc[1, "status"] = "finished"
    frame.to_excel(demo["raw"] / "participants.xlsx", index=False)
    demo["participants"].unlink()
    from evaluation.core.errors import DataValidationError

    with pytest.raises(DataValidationError, match=r"participants\.xlsx, row 3, column `status`"):
        ingest("demo", data_dir=demo["data"], params_dir=demo["params"])
