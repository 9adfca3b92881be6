"""The hostile-input corpus (issue 10, item 7): every case of ``tests/corpus_cases.py`` is refused.

For each case a copy of the shipped synthetic programme (raw data, reference tables, parameter
files, its processed data and an existing report) is broken in one way, and one command runs
in-process (``evaluation.cli.main``). A case is *refused correctly* when the exit status is not
0, the output holds no traceback and is short, it names the file and the row, column or key
(the case's fragments), and every file under ``data/raw/``, ``data/processed/`` and ``reports/``
has the SHA-256 it had before. ``make test`` ends with a line counting them
(``tests/conftest.py::pytest_terminal_summary``).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import shutil
import traceback
import warnings
from pathlib import Path

import pytest
from corpus_cases import CASES, GOOD_KEY, PROGRAMME, QUICK, Case

#: A refusal is a handful of lines: one error line, or a bounded list of file/row/column lines.
MAX_LINES, MAX_CHARS = 30, 6000
WATCHED = ("data/raw", "data/processed", "reports")


def digests(root: Path) -> dict[str, str]:
    """SHA-256 of every file (links: of the link's text) under the watched folders of ``root``."""
    out = {}
    for folder in WATCHED:
        base = root / folder
        for path in sorted(base.rglob("*")) if base.exists() else ():
            name = str(path.relative_to(root))
            if path.is_symlink():
                out[name] = "link:" + str(path.readlink())
            elif path.is_file():
                out[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="session")
def pristine(tmp_path_factory) -> Path:
    """Cohort 1 of the shipped programme, copied once: its participants, their answers, the
    programme-level and cohort-1 cost lines (a sixth of the data, so that a case takes a tenth of a
    second), the reference tables, every parameter file, the processed data built from them and a
    stand-in for an existing report. ``SYNTHETIC.json`` gets the digest of these files, as the
    generator would write it, so the demo key's rules apply to the copy as to the shipped data."""
    import json

    import pandas as pd

    from evaluation.core.paths import DATA_DIR, PARAMS_DIR
    from evaluation.data.ingest import ingest
    from evaluation.data.pseudonymise import SYNTHETIC_TABLES, Key, synthetic_digest

    root = tmp_path_factory.mktemp("corpus") / "pristine"
    raw, shipped = root / "data" / "raw" / PROGRAMME, DATA_DIR / "raw" / PROGRAMME
    raw.mkdir(parents=True)
    shutil.copytree(DATA_DIR / "raw" / "reference", root / "data" / "raw" / "reference")
    shutil.copytree(PARAMS_DIR, root / "params")
    tables = {name: pd.read_csv(shipped / name, dtype=str, keep_default_na=False) for name in SYNTHETIC_TABLES}
    people = tables["participants.csv"]
    tables["participants.csv"] = people[people["cohort"] == "1"]
    answers = tables["responses.csv"]
    tables["responses.csv"] = answers[answers["participant_id"].isin(tables["participants.csv"]["participant_id"])]
    costs = tables["costs.csv"]
    tables["costs.csv"] = costs[costs["cohort"].isin(["", "1"])]
    for name, table in tables.items():
        table.to_csv(raw / name, index=False, lineterminator="\n")
    marker = json.loads((shipped / "SYNTHETIC.json").read_text())
    marker["data_digest"] = synthetic_digest({name: (raw / name).read_bytes() for name in SYNTHETIC_TABLES})
    (raw / "SYNTHETIC.json").write_text(json.dumps(marker, indent=2, sort_keys=True) + "\n")
    ingest(PROGRAMME, data_dir=root / "data", params_dir=root / "params", key=Key(GOOD_KEY.encode(), "corpus"))
    report = root / "reports" / PROGRAMME / "cohort-1"
    (report / "tables").mkdir(parents=True)
    (report / "findings.json").write_text('[{"id": "stand-in"}]\n')
    (report / "tables" / "outcomes.csv").write_text("scale,n_pairs\nleading_change,90\n")
    return root


def run(case: Case, root: Path, monkeypatch) -> tuple[int, str]:
    """Run the case's command in-process; return the exit status and everything it printed."""
    monkeypatch.setenv("EVALUATION_ID_KEY", GOOD_KEY)
    monkeypatch.delenv("EVALUATION_ID_KEY_FILE", raising=False)
    for name, value in case.env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    from evaluation.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            status = main(case.command(root))
        except SystemExit as exc:  # argparse: usage error
            status = exc.code if isinstance(exc.code, int) else 1
        except BaseException:  # noqa: BLE001 - an escaped exception is what the corpus looks for
            status, _ = None, err.write(traceback.format_exc())
    return status, out.getvalue() + err.getvalue()


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name, marks=[pytest.mark.slow] if c.slow else [])
                                  for c in CASES])
def test_hostile_input_is_refused(case, pristine, tmp_path, monkeypatch):
    root = tmp_path / "copy"
    shutil.copytree(pristine, root, symlinks=True)
    case.mutate(root)
    before = digests(root)

    status, output = run(case, root, monkeypatch)

    assert "Traceback" not in output, output
    assert status not in (0, None), f"exit status {status}:\n{output}"
    message = [line for line in output.splitlines() if not line.startswith("[evaluation]")]
    assert len(message) <= MAX_LINES and len(output) <= MAX_CHARS, output
    missing = [f for f in case.expect if f not in output]
    assert not missing, f"{missing} not in:\n{output}"
    assert digests(root) == before, "a file under data/raw, data/processed or reports changed"


def test_the_corpus_is_large_and_its_names_unique():
    assert len(CASES) >= 60 and len([c for c in CASES if not c.slow]) >= 60
    assert QUICK <= {c.name for c in CASES}
    assert len({c.name for c in CASES}) == len(CASES)
