"""How `verify` runs nbval: one pytest run per notebook, all at once, for a small cohort; one run
for all of them otherwise; no pytest plugin but nbval. (The re-execution itself, and the
verdicts on tampered notebooks, are tested end to end in test_verify.py.)"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from evaluation.publish import notebook_check
from evaluation.publish.notebook_check import NBVAL_ENV, VerifyResult, nbval_command


class Recorder:
    """Stands in for subprocess.Popen: records each run (command, environment) and the order in
    which runs are started and waited for; writes the output a pytest run would."""

    def __init__(self, outputs):
        self.outputs, self.events, self.runs = outputs, [], []

    def __call__(self, command, *, stdout, stderr, text, cwd, env):
        notebooks = [Path(a).name for a in command if a.endswith(".ipynb")]
        self.runs.append((command, env, notebooks))
        self.events.append(("start", tuple(notebooks)))
        stdout.write(self.outputs.get(tuple(notebooks), "1 passed\n"))
        recorder = self

        class Run:
            def wait(self):
                recorder.events.append(("wait", tuple(notebooks)))
                return 1 if "FAILED" in recorder.outputs.get(tuple(notebooks), "") else 0

        return Run()


@pytest.fixture
def notebooks(tmp_path):
    import nbformat

    paths = [tmp_path / f"{name}.ipynb" for name in ("a", "b", "c")]
    for path in paths:
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_markdown_cell("# title")] + [nbformat.v4.new_code_cell(f"{i}") for i in range(5)]
        for i, cell in enumerate(nb.cells):
            cell.id = f"id-{i}"
        nbformat.write(nb, path)
    return paths


def test_concurrent_runs_each_notebook_in_its_own_run_all_started_before_any_is_awaited(monkeypatch, tmp_path,
                                                                                         notebooks):
    recorder = Recorder({("b.ipynb",): f"FAILED {tmp_path / 'b.ipynb'}::Cell 3 - nbval\n"})
    monkeypatch.setattr(subprocess, "Popen", recorder)
    result = VerifyResult()
    notebook_check._run_nbval(result, notebooks, tmp_path, concurrent=True)
    assert [n for _, _, n in recorder.runs] == [["a.ipynb"], ["b.ipynb"], ["c.ipynb"]]
    assert [kind for kind, _ in recorder.events] == ["start"] * 3 + ["wait"] * 3
    assert all(env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] == "1" for _, env, _ in recorder.runs)
    assert result.lines == [
        "OK    notebook a.ipynb: re-executed with nbval; every code cell gives the same output",
        "FAIL  notebook b.ipynb: nbval re-execution differs in cell 4 (id id-4)",
        "OK    notebook c.ipynb: re-executed with nbval; every code cell gives the same output",
    ]


def test_not_concurrent_runs_every_notebook_in_one_run(monkeypatch, tmp_path, notebooks):
    recorder = Recorder({})
    monkeypatch.setattr(subprocess, "Popen", recorder)
    result = VerifyResult()
    notebook_check._run_nbval(result, notebooks, tmp_path, concurrent=False)
    assert [n for _, _, n in recorder.runs] == [["a.ipynb", "b.ipynb", "c.ipynb"]]
    assert result.ok and len(result.lines) == 3


def test_a_run_that_could_not_start_is_named_for_its_notebook_only(monkeypatch, tmp_path, notebooks):
    class Broken(Recorder):
        def __call__(self, command, **kw):
            run = super().__call__(command, **kw)
            if "b.ipynb" in command[-1]:
                kw["stdout"].write("ERROR: usage: pytest [options]\n")
                run.wait = lambda: 4
            return run

    monkeypatch.setattr(subprocess, "Popen", Broken({}))
    result = VerifyResult()
    notebook_check._run_nbval(result, notebooks, tmp_path, concurrent=True)
    assert result.differences == ["notebook b.ipynb: nbval could not run (ERROR: usage: pytest [options])"]


def test_the_command_loads_nbval_by_name_and_the_environment_loads_no_other_plugin(tmp_path):
    command = nbval_command([tmp_path / "a.ipynb"], tmp_path)
    assert command[command.index("-p") + 1] == "nbval"
    assert "--nbval" in command and "--nbval-current-env" in command
    assert NBVAL_ENV == {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}


def test_nbval_loads_when_plugins_are_not_autoloaded(tmp_path):
    """With autoloading off, `-p nbval` still gives pytest nbval's options (a real pytest run,
    collecting only: no kernel)."""
    import os
    import sys

    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts =\n")
    done = subprocess.run([*nbval_command([], tmp_path), "--co"], capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ, **NBVAL_ENV})
    assert "unrecognized arguments" not in done.stderr, done.stderr
    assert done.returncode == 5, done.stdout + done.stderr  # 5: no tests collected (and no usage error)
    assert sys.executable == nbval_command([], tmp_path)[0]


def test_meanwhile_runs_after_every_run_has_started_and_before_any_is_awaited(monkeypatch, tmp_path, notebooks):
    """`verify` re-derives the findings there, while the kernels run."""
    recorder = Recorder({})
    monkeypatch.setattr(subprocess, "Popen", recorder)
    notebook_check._run_nbval(VerifyResult(), notebooks, tmp_path, concurrent=True,
                              meanwhile=lambda: recorder.events.append(("meanwhile", ())))
    assert [kind for kind, _ in recorder.events] == ["start"] * 3 + ["meanwhile"] + ["wait"] * 3


def test_meanwhile_runs_when_there_is_no_notebook_to_run(tmp_path):
    called = []
    notebook_check._run_nbval(VerifyResult(), [], tmp_path, concurrent=True, meanwhile=lambda: called.append(1))
    assert called == [1]


def test_when_meanwhile_fails_the_runs_are_stopped_and_the_error_is_raised(monkeypatch, tmp_path, notebooks):
    killed = []

    class Killable(Recorder):
        def __call__(self, command, **kw):
            run = super().__call__(command, **kw)
            run.kill = lambda: killed.append(command[-1])
            return run

    monkeypatch.setattr(subprocess, "Popen", Killable({}))

    def fails():
        raise RuntimeError("findings could not be derived")

    with pytest.raises(RuntimeError, match="findings could not be derived"):
        notebook_check._run_nbval(VerifyResult(), notebooks, tmp_path, concurrent=True, meanwhile=fails)
    assert [Path(k).name for k in killed] == ["a.ipynb", "b.ipynb", "c.ipynb"]
