"""The tables' differencing audit run in a child of the report kernels' fork server, as soon as the
notebooks that write the audited tables have run (issue 13: the command's tail), and its result
used only for the tables it read."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from evaluation.publish import early_audit
from evaluation.publish.audit_files import read_tables, table_hashes
from evaluation.publish.disclosure_audit import audit_folder, audit_table_files, audit_tables
from evaluation.publish.early_audit import EarlyAudit
from evaluation.publish.kernel_fork import ForkServer

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the audit is forked where kernels are: Linux")

NOTEBOOKS = [Path(f"{n}.ipynb") for n in ("cohort_evaluation", "cost_per_participant", "equity_of_access")]
#: Groups b and c suppressed (1 to 4 each): safe in a cohort of 16 (b + c = 6), not in one of 12
#: (b + c = 2, so each is 1).
SAFE = pd.DataFrame({"dimension": "sector", "category": ["a", "b", "c"], "participants": [10, None, None],
                     "suppressed": ["", "primary", "primary"]})
FLOW = pd.DataFrame({"section": ["flow"], "stage": ["enrolled"], "n": [16]})


def _folder(tmp_path: Path, equity: pd.DataFrame, enrolled: int) -> Path:
    folder = tmp_path / "report"
    (folder / "tables").mkdir(parents=True)
    FLOW.assign(n=enrolled).to_csv(folder / "tables" / "attrition.csv", index=False)
    equity.to_csv(folder / "tables" / "equity.csv", index=False)
    return folder


def _started(folder: Path, server: ForkServer, tmp_path: Path) -> EarlyAudit:
    audit = EarlyAudit(server, NOTEBOOKS, folder, tmp_path, threshold=lambda: 5)
    audit.finished("cohort_evaluation")
    assert not audit.started  # equity_of_access writes audited tables too
    audit.finished("equity_of_access")
    assert audit.started
    return audit


def test_the_child_audits_as_this_process_does(tmp_path):
    # Reference: audit_tables in this process on the same files (a leak the audit finds, and none).
    for enrolled, leaky in ((12, True), (16, False)):
        folder = _folder(tmp_path / str(enrolled), SAFE, enrolled)
        expected = audit_tables(read_tables(folder), threshold=5)
        assert bool(expected.problems) is leaky
        with ForkServer(["pandas", "scipy.optimize"]) as server:
            audit = _started(folder, server, tmp_path / str(enrolled))
            assert audit.problems(read_tables(folder)) == list(expected.problems)
        reply = audit_table_files(str(folder), 5)
        assert reply == {"problems": list(expected.problems), "cells": expected.cells, "read": table_hashes(folder)}


def test_a_table_changed_after_the_child_read_it_is_audited_again(tmp_path):
    # The child reads a safe equity table; a notebook then writes one that gives a group away (a
    # group of 3 published): the audit's answer must be about the table published, not the one read.
    folder = _folder(tmp_path, SAFE, 16)
    with ForkServer(["pandas", "scipy.optimize"]) as server:
        audit = _started(folder, server, tmp_path)
        audit._call.result(timeout=60)  # the child has read (and audited) the safe table
        SAFE.assign(participants=[10, 3, 3], suppressed="").to_csv(folder / "tables" / "equity.csv", index=False)
        problems = audit.problems(read_tables(folder))
    assert problems == list(audit_folder(folder, threshold=5).problems)
    assert problems and "sector = 'b'" in problems[0]


def test_a_child_that_fails_leaves_the_audit_to_this_process(tmp_path, monkeypatch):
    folder = _folder(tmp_path, SAFE, 12)
    monkeypatch.setattr(early_audit, "AUDIT_CALL", "evaluation.publish.disclosure_audit:no_such_function")
    with ForkServer() as server:
        audit = _started(folder, server, tmp_path)
        assert audit.problems(read_tables(folder)) == list(audit_folder(folder, threshold=5).problems) != []


def test_without_a_fork_server_the_audit_runs_here_at_the_end(tmp_path):
    folder = _folder(tmp_path, SAFE, 12)
    audit = EarlyAudit(None, NOTEBOOKS, folder, tmp_path, threshold=lambda: 5)
    for notebook in NOTEBOOKS:
        audit.finished(notebook.stem)
    assert not audit.started
    assert audit.problems(read_tables(folder)) == list(audit_folder(folder, threshold=5).problems) != []


def test_the_command_does_not_import_scipy_when_the_audit_is_forked(tmp_path):
    # evaluate (cohort 2, kernels forked): the tables are audited in the fork server's child, so the
    # command's own process never imports scipy (about 0.35 s of CPU beside the notebooks)
    import subprocess

    code = ("import sys, evaluation.__main__ as m; from evaluation.publish.pipeline import evaluate; "
            f"evaluate('leading-to-deliver', 2, data_dir='data', params_dir='params', reports_dir={str(tmp_path)!r}); "
            "print('scipy' in sys.modules, 'evaluation.publish.disclosure_audit' in sys.modules)")
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True)
    assert done.stdout.split() == ["False", "False"]
    assert (tmp_path / "leading-to-deliver" / "cohort-2" / "manifest.json").is_file()
