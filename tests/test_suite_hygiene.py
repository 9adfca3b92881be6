"""The test suite leaves nothing behind it: collecting it makes no file or folder in the
temporary folder (a test module that made one at import left an empty folder in ``/tmp`` at every
run, whether its tests ran or were skipped)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_collecting_the_suite_makes_nothing_in_the_temporary_folder(tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", str(ROOT / "tests")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "tests collected" in run.stdout or " collected" in run.stdout
    assert sorted(p.name for p in scratch.iterdir()) == []
