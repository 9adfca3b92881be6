"""The operating system says no (issue 10, item 6): a read-only folder, a full disk, a name too
long, a folder where a file should be, a missing temporary folder, a kernel that dies; and raw
files beyond their documented bounds. Each reaches the user as one line on stderr, ``error:
<what was being done> <path>: <reason in words>``, with a non-zero exit, no traceback, and
nothing half written: the raw data, the previous processed data and the previous report stay
byte for byte as they were, and no temporary file or folder is left behind."""

from __future__ import annotations

import errno
import hashlib
import os
import random
from pathlib import Path

import pandas as pd
import pytest

from evaluation import cli
from evaluation.core import io, raw_files
from evaluation.core.errors import FileSystemError, InputTooLargeError


def digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(folder: Path) -> list[str]:
    """Temporary files or folders of the atomic writers anywhere under ``folder``."""
    return sorted(str(p) for p in folder.rglob("*") if ".tmp-" in p.name or ".old-" in p.name)


def one_line_failure(capsys, status: int, *needles: str) -> str:
    """The command failed (EXIT_FAILED unless said otherwise) with one line naming every needle."""
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if not line.startswith("[evaluation] ")]
    assert status == cli.EXIT_FAILED, err
    assert "Traceback" not in err, err
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def ingest_args(demo) -> list[str]:
    return ["ingest", "--programme", "demo", "--data-dir", str(demo["data"]), "--params-dir", str(demo["params"])]


def evaluate_args(demo, reports: Path | str) -> list[str]:
    return ["evaluate", "--programme", "demo", "--cohort", "1", "--data-dir", str(demo["data"]), "--params-dir",
            str(demo["params"]), "--reports-dir", str(reports)]


@pytest.fixture
def no_notebooks(monkeypatch):
    """`evaluate` without its report notebooks (no kernel): ingest, findings, manifest, the swap."""
    from evaluation.publish import report_plan

    monkeypatch.setattr(report_plan, "REPORT_NOTEBOOKS", ())


def full_disk(monkeypatch):
    """Every file the atomic writer opens from now on fails as on a full disk."""
    real = os.fdopen

    def fdopen(fd, mode="r", *args, **kwargs):
        if "w" in mode:
            os.close(fd)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd, mode, *args, **kwargs)

    monkeypatch.setattr(io.os, "fdopen", fdopen)


# ------------------------------------------------------------------------------- the words


@pytest.mark.parametrize("code, words", [
    (errno.ENOSPC, "the disk is full"), (errno.EDQUOT, "the disk quota is used up"),
    (errno.EACCES, "permission denied"), (errno.EPERM, "not permitted"), (errno.EROFS, "read-only"),
    (errno.ENAMETOOLONG, "the name is too long"), (errno.ENOENT, "does not exist"),
    (errno.EISDIR, "it is a folder"), (errno.ENOTDIR, "a part of the path is a file"),
])
def test_each_os_error_is_one_line_in_words_naming_the_path(code, words):
    error = FileSystemError("cannot write", "reports/demo/cohort-1", OSError(code, os.strerror(code)))
    text = str(error)
    assert text.startswith("cannot write reports/demo/cohort-1: ") and words in text
    assert f"({os.strerror(code)})" in text and "\n" not in text
    long = str(FileSystemError("cannot read", "/" + "x" * 5000 + "/end.csv", OSError(code, os.strerror(code))))
    assert len(long) < 600 and long.endswith(f"({os.strerror(code)})") and "end.csv (5,009 characters)" in long


# ---------------------------------------------------------------------------- the writers


def test_a_full_disk_leaves_the_previous_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "t.json"
    io.write_json({"v": 1}, target)
    full_disk(monkeypatch)
    with pytest.raises(FileSystemError, match=r"cannot write .*t\.json: the disk is full \(No space left on device\)"):
        io.write_json({"v": 2}, target)
    assert target.read_text() == '{\n  "v": 1\n}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.json"]


def test_an_os_error_inside_an_atomic_folder_names_the_final_place_and_keeps_the_old(tmp_path):
    destination = tmp_path / "cohort-1"
    with io.atomic_directory(destination, description="the report folder") as folder:
        io.write_text("old", folder / "a.txt")
    with pytest.raises(FileSystemError) as caught, io.atomic_directory(destination,
                                                                      description="the report folder") as folder:
        io.write_text("half", folder / "a.txt")
        # what papermill or nbformat would raise, writing into the temporary folder themselves
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(folder / "tables" / "outcomes.csv"))
    assert str(caught.value) == (f"cannot write {destination / 'tables' / 'outcomes.csv'}: the disk is full "
                                 "(No space left on device); the report folder is left as it was")
    assert (destination / "a.txt").read_text() == "old" and not leftovers(tmp_path)
    with pytest.raises(FileSystemError) as caught, io.atomic_directory(destination,
                                                                      description="the report folder"):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # a write that does not say which file
    assert str(caught.value) == (f"cannot write the report folder {destination}: the disk is full "
                                 "(No space left on device); the report folder is left as it was")


def test_a_failed_swap_puts_the_previous_folder_back(tmp_path, monkeypatch):
    destination = tmp_path / "processed"
    with io.atomic_directory(destination) as folder:
        io.write_text("old", folder / "a.txt")
    real, calls = os.replace, []

    def replace(src, dst):
        calls.append((src, dst))
        if Path(src).name.startswith(".processed.tmp-"):
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(dst))
        return real(src, dst)

    monkeypatch.setattr(io.os, "replace", replace)
    with pytest.raises(FileSystemError, match="cannot write the folder .*processed: the disk reported an input/output"), \
            io.atomic_directory(destination) as folder:
        io.write_text("new", folder / "a.txt")
    assert (destination / "a.txt").read_text() == "old" and not leftovers(tmp_path)


def test_no_temporary_folder_is_one_line(monkeypatch, tmp_path):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "gone"))
    with pytest.raises(FileSystemError, match=r"cannot create a temporary folder in .*gone: it does not exist"), \
            io.scratch_dir("evaluation-verify-"):
        pass


# ------------------------------------------------------------------------------ ingest


def test_a_full_disk_during_ingest_leaves_the_processed_data_as_they_were(demo, id_key, capsys, monkeypatch):
    assert cli.main(ingest_args(demo)) == cli.EXIT_OK
    processed = demo["data"] / "processed"
    raw, before = digests(demo["data"] / "raw"), digests(processed)
    capsys.readouterr()

    import pandas as pd

    def to_parquet(self, path, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", to_parquet)
    line = one_line_failure(capsys, cli.main(ingest_args(demo)),
                            f"cannot write {processed / 'demo' / 'participants.parquet'}: the disk is full "
                            "(No space left on device); the processed-data folder is left as it was")
    assert ".tmp-" not in line
    assert digests(processed) == before and digests(demo["data"] / "raw") == raw and not leftovers(demo["data"])


def test_a_read_only_processed_folder_is_one_line(demo, id_key, capsys, monkeypatch):
    import tempfile

    def mkdtemp(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), kwargs.get("dir"))

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    raw = digests(demo["data"] / "raw")
    one_line_failure(capsys, cli.main(ingest_args(demo)),
                     f"cannot write the processed-data folder {demo['data'] / 'processed' / 'demo'}: the file system "
                     "is read-only (Read-only file system); nothing was written")
    assert digests(demo["data"] / "raw") == raw


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file modes")
def test_a_really_read_only_processed_folder_is_one_line(demo, id_key, capsys):
    (demo["data"] / "processed").mkdir()
    (demo["data"] / "processed").chmod(0o555)
    try:
        one_line_failure(capsys, cli.main(ingest_args(demo)), "cannot write the processed-data folder",
                         "permission denied", "nothing was written")
    finally:
        (demo["data"] / "processed").chmod(0o755)
    assert not list((demo["data"] / "processed").iterdir())


def test_a_folder_where_a_raw_file_should_be_is_one_line(demo, id_key, capsys):
    demo["costs"].unlink()
    demo["costs"].mkdir()
    one_line_failure(capsys, cli.main(ingest_args(demo)),
                     f"cannot read {demo['costs']}: it is a folder, where a file was expected")
    assert not (demo["data"] / "processed").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file modes")
def test_an_unreadable_raw_file_is_one_line(demo, id_key, capsys):
    demo["responses"].chmod(0)
    try:
        one_line_failure(capsys, cli.main(ingest_args(demo)), f"cannot read {demo['responses']}",
                         "permission denied")
    finally:
        demo["responses"].chmod(0o644)


def test_a_data_folder_whose_name_is_too_long_is_one_line(demo, id_key, capsys):
    args = ingest_args(demo)
    args[args.index("--data-dir") + 1] = str(demo["root"] / ("d" * 300))
    one_line_failure(capsys, cli.main(args), "the name is too long for the file system (File name too long)")


# ------------------------------------------------------------------------------ bounds


def test_a_raw_file_over_the_programmes_bound_is_refused_before_it_is_read(demo, id_key, capsys):
    demo["programme"].write_text(demo["programme"].read_text() + "max_raw_file_bytes: 1000\n")
    size = demo["responses"].stat().st_size
    assert size > 1000 > demo["participants"].stat().st_size
    raw = digests(demo["data"] / "raw")
    one_line_failure(capsys, cli.main(ingest_args(demo)),
                     f"data/raw/demo/responses.csv: {size:,} bytes; a raw input file may have at most 1,000 bytes "
                     "(the programme's `max_raw_file_bytes`)")
    assert digests(demo["data"] / "raw") == raw and not (demo["data"] / "processed").exists()


def test_the_default_bound_refuses_a_huge_file_without_reading_it(demo, id_key, capsys, monkeypatch):
    os.truncate(demo["costs"], raw_files.MAX_RAW_FILE_BYTES + 1)  # sparse: nothing is really written
    read_csv = pd.read_csv

    def guarded(path, *args, **kwargs):
        assert Path(path).name != "costs.csv", "read a file over the bound"
        return read_csv(path, *args, **kwargs)

    monkeypatch.setattr(pd, "read_csv", guarded)
    one_line_failure(capsys, cli.main(ingest_args(demo)),
                     f"data/raw/demo/costs.csv: {raw_files.MAX_RAW_FILE_BYTES + 1:,} bytes; a raw input file may have at "
                     f"most {raw_files.MAX_RAW_FILE_BYTES:,} bytes")


def test_an_absurdly_long_line_is_refused_without_holding_it(demo, id_key, capsys, monkeypatch):
    lines = demo["participants"].read_text().splitlines()
    lines[2] += "," + "x" * (3 * raw_files.MAX_LINE_BYTES)  # 3 MB in one field of row 3
    demo["participants"].write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(pd, "read_csv", lambda *a, **k: pytest.fail("read a file with an absurd line"))  # first
    line = one_line_failure(capsys, cli.main(ingest_args(demo)),
                            f"data/raw/demo/participants.csv: line 3 is longer than {raw_files.MAX_LINE_BYTES:,} bytes")
    assert len(line) < 400


@pytest.mark.parametrize("seed", range(40))
def test_the_line_scan_agrees_with_splitting_the_file(tmp_path, seed):
    rng = random.Random(seed)
    limit = rng.choice([1, 2, 3, 5, 8, 13])
    data = bytes(rng.choice(b"ab\n\r") if rng.random() < 0.5 else ord("a") for _ in range(rng.randrange(0, 60)))
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    pieces = data.replace(b"\r", b"\n").split(b"\n")
    longest = max(len(p) for p in pieces)
    if longest > limit:
        first = next(k for k, p in enumerate(pieces) if len(p) > limit)
        line = data[: sum(len(p) + 1 for p in pieces[:first])].count(b"\n") + 1
        with pytest.raises(InputTooLargeError, match=f"line {line} is longer than {limit} bytes"):
            raw_files.check_raw_file(path, max_line_bytes=limit)
    else:
        assert raw_files.check_raw_file(path, max_line_bytes=limit) == len(data)


# ------------------------------------------------------------------------------ evaluate


def test_a_full_disk_while_writing_the_report_leaves_the_previous_report(demo, id_key, capsys, monkeypatch,
                                                                          no_notebooks):
    reports = demo["root"] / "reports"
    assert cli.main(evaluate_args(demo, reports)) == cli.EXIT_OK
    report = reports / "demo" / "cohort-1"
    before, raw = digests(report), digests(demo["data"] / "raw")
    assert "manifest.json" in before
    capsys.readouterr()
    full_disk(monkeypatch)
    line = one_line_failure(capsys, cli.main(evaluate_args(demo, reports)),
                            f"cannot write {report / 'findings.json'}: the disk is full (No space left on device); "
                            "the report folder is left as it was")
    assert ".tmp-" not in line
    assert digests(report) == before and digests(demo["data"] / "raw") == raw and not leftovers(demo["root"])


def test_a_read_only_reports_folder_is_one_line(demo, id_key, capsys, monkeypatch, no_notebooks):
    import tempfile

    real = tempfile.mkdtemp

    def mkdtemp(*args, **kwargs):
        if "cohort-1" in str(kwargs.get("prefix")):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), kwargs.get("dir"))
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    reports = demo["root"] / "reports"
    one_line_failure(capsys, cli.main(evaluate_args(demo, reports)),
                     f"cannot write the report folder {reports / 'demo' / 'cohort-1'}: permission denied",
                     "nothing was written")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file modes")
def test_a_really_read_only_reports_folder_is_one_line(demo, id_key, capsys, no_notebooks):
    reports = demo["root"] / "reports"
    assert cli.main(evaluate_args(demo, reports)) == cli.EXIT_OK
    before = digests(reports)
    capsys.readouterr()
    (reports / "demo").chmod(0o555)
    try:
        one_line_failure(capsys, cli.main(evaluate_args(demo, reports)), "cannot write the report folder",
                         "permission denied")
    finally:
        (reports / "demo").chmod(0o755)
    assert digests(reports) == before and not leftovers(reports)


def test_a_reports_folder_whose_name_is_too_long_is_one_line(demo, id_key, capsys, no_notebooks):
    reports = demo["root"] / ("r" * 300)
    line = one_line_failure(capsys, cli.main(evaluate_args(demo, reports)),
                            "cannot write the report folder", "the name is too long for the file system "
                            "(File name too long); nothing was written")
    assert "demo/cohort-1" in line and len(line) < 600
    assert not leftovers(demo["root"])


def test_a_reports_folder_under_a_file_is_one_line(demo, id_key, capsys, no_notebooks):
    (demo["root"] / "reports").write_text("not a folder")
    one_line_failure(capsys, cli.main(evaluate_args(demo, demo["root"] / "reports")),
                     "cannot write the report folder", "a part of the path is a file, where a folder was expected")
    assert (demo["root"] / "reports").read_text() == "not a folder"


def test_verify_with_a_reports_folder_whose_name_is_too_long_is_one_line(demo, capsys):
    args = evaluate_args(demo, demo["root"] / ("r" * 300))
    args[0] = "verify"
    one_line_failure(capsys, cli.main(args), "verify: cannot use", "the name is too long")


def test_a_programme_name_of_300_characters_is_one_line(demo, capsys):
    with pytest.raises(SystemExit) as caught:
        cli.main(["evaluate", "--programme", "p" * 300, "--cohort", "1"])
    assert caught.value.code == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "argument --programme" in err and "must be 1 to 64" in err
    assert len(err) < 400


def test_synthesise_into_a_folder_under_a_file_is_one_line(tmp_path, capsys):
    from evaluation.core.paths import PARAMS_DIR

    (tmp_path / "data").write_text("a file")
    one_line_failure(capsys, cli.main(["synthesise", "--data-dir", str(tmp_path / "data" / "inner"),
                                       "--params-dir", str(PARAMS_DIR)]),
                     f"cannot write {tmp_path / 'data' / 'inner' / 'raw'}", "a part of the path is a file")


@pytest.mark.slow  # starts a kernel
def test_a_kernel_that_dies_is_one_line_and_no_report(demo, id_key, capsys, monkeypatch):
    import nbformat

    from evaluation.publish import pipeline, report_plan

    notebooks = demo["root"] / "notebooks"
    notebooks.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("programme = cohort = data_dir = params_dir = output_dir = None",
                                          metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, notebooks / "cohort_evaluation.ipynb")
    monkeypatch.setattr(report_plan, "REPORT_NOTEBOOKS", ("cohort_evaluation",))
    monkeypatch.setitem(pipeline.evaluate.__kwdefaults__, "notebooks_dir", notebooks)
    reports = demo["root"] / "reports"
    one_line_failure(capsys, cli.main(evaluate_args(demo, reports)),
                     "notebook cohort_evaluation.ipynb stopped: its kernel died", "No report was written")
    assert not (reports / "demo" / "cohort-1").exists() and not leftovers(demo["root"])
