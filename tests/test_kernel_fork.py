"""Report kernels forked from one process that has imported their modules (issue 13: the floor of
a small cohort's `evaluate`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from evaluation.publish.fork_provisioner import _is_this_ipykernel
from evaluation.publish.kernel_fork import ForkedKernel, ForkServer
from evaluation.publish.notebook_run import NotebookFailedError, run_notebooks

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="kernels are forked on Linux only")

#: What a notebook prints about the kernel it runs in.
PROBE = """import os, sys
print(os.getcwd())
print(os.environ.get('JPY_PARENT_PID'), os.environ.get('MPLBACKEND'), os.environ.get('FORK_TEST'))
print('json.decoder' in sys.modules, sys.argv[0].endswith('ipykernel_launcher.py'), '' in sys.path)
print(os.getpid() == os.getpgid(0))
"""


def _notebook(path: Path, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    parameters = nbformat.v4.new_code_cell("value = 0")
    parameters.metadata["tags"] = ["parameters"]
    nb.cells = [parameters, *(nbformat.v4.new_code_cell(c) for c in cells)]
    nbformat.write(nb, path)
    return path


def _run(notebooks: list[Path], folder: Path, *, fork: bool, share=()) -> list[list[str]]:
    """Run ``notebooks`` into ``folder``; the printed text of each code cell of each notebook."""
    folder.mkdir()
    run_notebooks(notebooks, folder, parameters={"value": 1}, provenance={"summary": "test", "inputs": []},
                  title=lambda heading, stem: stem, fork=fork, share=share)
    out = []
    for source in notebooks:
        nb = nbformat.read(folder / source.name, as_version=4)
        out.append(["".join(o.get("text", "") for o in c.outputs) for c in nb.cells if c.cell_type == "code"])
    return out


@pytest.mark.slow
def test_a_forked_kernel_runs_a_notebook_as_a_started_kernel_does(tmp_path, monkeypatch):
    """Same working folder, environment (the parent's process id, matplotlib's inline backend, the
    parent's own variables), launcher, path and a session of its own; the notebook's modules are
    imported before its first cell only when forked (or preimported)."""
    monkeypatch.setenv("FORK_TEST", "carried")
    source = tmp_path / "notebooks"
    source.mkdir()
    probe = _notebook(source / "probe.ipynb", "import json.decoder", PROBE, "print(value)")
    forked = _run([probe], tmp_path / "forked", fork=True)[0]
    started = _run([probe], tmp_path / "started", fork=False)[0]
    # code cells: parameters, papermill's injected parameters, the import, the probe, the value
    assert forked[3].splitlines()[0] == str(tmp_path / "forked")
    assert started[3].splitlines()[0] == str(tmp_path / "started")
    assert forked[3].splitlines()[1:] == started[3].splitlines()[1:]
    assert forked[3].splitlines()[1] == f"{os.getpid()} module://matplotlib_inline.backend_inline carried"
    assert forked[3].splitlines()[2:] == ["True True True", "True"]
    assert forked[4] == started[4] == "1\n"


@pytest.mark.slow
def test_the_kernels_modules_are_found_before_their_threads_start(tmp_path, monkeypatch):
    """``imported_modules`` parses the notebooks with ``ast.parse``, which CPython 3.11 cannot run
    in two threads at once (``SystemError: AST constructor recursion depth mismatch``): it is
    called in the thread that runs the notebooks, not in the kernels' threads."""
    import threading

    import evaluation.publish.notebook_run as notebook_run

    threads = []

    def recorded(notebooks):
        threads.append(threading.current_thread())
        return imported_modules(notebooks)

    imported_modules = notebook_run.imported_modules
    monkeypatch.setattr(notebook_run, "imported_modules", recorded)
    source = tmp_path / "notebooks"
    source.mkdir()
    books = [_notebook(source / f"{n}.ipynb", "import json") for n in "ab"]
    _run(books, tmp_path / "out", fork=True)
    assert len(threads) >= 2 and set(threads) == {threading.current_thread()}


@pytest.mark.slow
def test_forked_kernels_run_at_once_share_one_and_each_has_its_own_process(tmp_path):
    source = tmp_path / "notebooks"
    source.mkdir()
    books = [_notebook(source / f"{n}.ipynb", "import os\nprint(os.getpid(), os.getppid())") for n in "abc"]
    texts = _run(books, tmp_path / "out", fork=True, share=[("b", "c")])
    pids = [tuple(map(int, t[2].split())) for t in texts]
    assert pids[1] == pids[2]  # b and c share a kernel
    assert pids[0][0] != pids[1][0]
    assert pids[0][1] == pids[1][1] != os.getpid()  # both forked by the one fork server


@pytest.mark.slow
def test_a_failing_cell_in_a_forked_kernel_names_the_notebook_and_cell(tmp_path):
    source = tmp_path / "notebooks"
    source.mkdir()
    book = _notebook(source / "broken.ipynb", "x = 1", "raise ValueError('on purpose')")
    with pytest.raises(NotebookFailedError, match=r"broken.ipynb failed in cell 3 .*ValueError: on purpose"):
        _run([book], tmp_path / "out", fork=True)


@pytest.mark.slow
def test_a_forked_kernel_keeps_the_fork_servers_objects_frozen_and_freezes_its_own_at_exit(tmp_path):
    """The fork server's objects (its imported modules) are frozen before it forks, so that a
    kernel's garbage collections do not walk them; a started kernel has nothing frozen. Both
    collect garbage (the fork server imports with the collector off, and turns it on again). A
    notebook's exit functions still run when its forked kernel ends, with the kernel's own objects
    frozen too (so that the garbage collection of IPython's exit function, which resets the shell,
    does not walk every object the kernel holds)."""
    source = tmp_path / "notebooks"
    source.mkdir()
    marker = tmp_path / "at-exit.txt"
    cell = ("import atexit, gc\n"
            "print(gc.get_freeze_count() > 0, gc.isenabled())\n"
            "frame = [[i] for i in range(1000)]\n"
            "before = gc.get_freeze_count()\n"
            "def at_exit(shell=get_ipython()):\n"
            f"    with open({str(marker)!r}, 'w') as out:\n"
            "        out.write(f'{gc.get_freeze_count() > before + 1000} {\"frame\" in shell.user_ns}')\n"
            "atexit.register(at_exit)")
    book = _notebook(source / "exits.ipynb", cell)
    assert _run([book], tmp_path / "forked", fork=True)[0][2] == "True True\n"
    # this exit function, registered last, runs first: the shell is not yet reset
    assert marker.read_text() == "True True"
    assert _run([book], tmp_path / "started", fork=False)[0][2] == "False True\n"


@pytest.mark.slow
def test_the_fork_server_ends_its_kernels_when_its_requests_close(tmp_path):
    """If the parent process stops (here: closes the fork server) while a forked kernel still runs,
    the fork server ends that kernel's session: no kernel outlives the command."""
    from jupyter_core.utils import run_sync

    from evaluation.publish.kernels import kernel_config, kernel_manager_class

    server = ForkServer(["json"])
    km = kernel_manager_class(server)(kernel_name="python3", config=kernel_config(tmp_path / "sockets"))
    run_sync(km.start_kernel)()
    kernel = km.provisioner.process
    assert isinstance(kernel, ForkedKernel)
    assert kernel.poll() is None
    server.close()
    assert kernel.wait(timeout=30) == 0
    assert server._process.returncode == 0
    run_sync(km.cleanup_resources)()


def test_a_forked_kernel_is_seen_as_a_process_is():
    """poll, wait (with a time limit), send_signal and kill, through a pidfd."""
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        kernel = ForkedKernel(sleeper.pid)
        assert kernel.poll() is None
        with pytest.raises(subprocess.TimeoutExpired):
            kernel.wait(timeout=0.05)
        kernel.send_signal(signal.SIGTERM)
        assert kernel.wait(timeout=30) == 0
        assert kernel.poll() == 0
        kernel.kill()  # ended: nothing to signal, no error
        assert sleeper.wait(timeout=30) == -signal.SIGTERM
    finally:
        sleeper.kill()
        sleeper.wait()


def test_only_this_pythons_ipykernel_is_forked(tmp_path):
    assert _is_this_ipykernel([sys.executable, "-m", "ipykernel_launcher", "-f", "c.json"])
    assert not _is_this_ipykernel([sys.executable, "-m", "other_kernel", "-f", "c.json"])
    assert not _is_this_ipykernel(["/usr/bin/true", "-m", "ipykernel_launcher", "-f", "c.json"])
    assert not _is_this_ipykernel([str(tmp_path / "missing"), "-m", "ipykernel_launcher"])
    assert not _is_this_ipykernel([])


def test_a_stopped_fork_server_is_reported():
    server = ForkServer()
    server._process.kill()
    server._process.wait()
    time.sleep(0.1)
    with pytest.raises(RuntimeError, match="fork server stopped"):
        server.fork(["-f", "x.json"], cwd=None, env={})
    server.close()


def test_a_function_runs_in_a_forked_child_with_the_servers_imports(tmp_path):
    # The child has the fork server's modules (imported before the fork) and runs in a session of
    # its own; its result comes back as JSON. Reference: the same call in this process.
    with ForkServer(["json.decoder", "statistics"]) as server:
        call = server.call("statistics:median", tmp_path / "median.json", data=[3, 1, 4, 1, 5])
        probe = server.call("os:getpgrp", tmp_path / "group.json")
        assert call.result(timeout=60) == 3 == __import__("statistics").median([3, 1, 4, 1, 5])
        assert probe.result(timeout=60) == probe.pid  # its own session: the server's end can stop it
        assert sorted(p.name for p in tmp_path.iterdir()) == ["group.json", "median.json"]  # nothing partial left


def test_a_forked_call_that_raises_or_ends_without_a_result_is_reported(tmp_path):
    with ForkServer() as server:
        failing = server.call("statistics:median", tmp_path / "failing.json", data=[])
        with pytest.raises(RuntimeError, match=r"(?s)statistics:median, run in a forked child, raised:.*no median"):
            failing.result(timeout=60)
        missing = server.call("evaluation.no_such_module:f", tmp_path / "missing.json")
        with pytest.raises(RuntimeError, match=r"(?s)raised:.*No module named 'evaluation.no_such_module'"):
            missing.result(timeout=60)
        killed = server.call("subprocess:run", tmp_path / "killed.json", args=["sleep", "60"])
        while os.getpgid(killed.pid) != killed.pid:  # once it has its session
            time.sleep(0.01)
        os.killpg(killed.pid, signal.SIGKILL)
        with pytest.raises(RuntimeError, match="ended without a result"):
            killed.result(timeout=60)


def test_the_fork_server_stops_a_call_still_running_when_its_requests_close(tmp_path):
    server = ForkServer()
    call = server.call("subprocess:run", tmp_path / "slow.json", args=["sleep", "600"])
    start = time.monotonic()
    server.close()
    assert time.monotonic() - start < 8  # asked to end (SIGTERM), not waited for
    with pytest.raises(RuntimeError, match="ended without a result"):
        call.result(timeout=5)


def test_a_fork_server_that_forked_nothing_is_stopped_at_once():
    # A command that fails before its notebooks (e.g. a cohort without parameters) does not wait for
    # the fork server's imports: it is killed, where one that forked kernels is asked to end them.
    server = ForkServer(["pandas", "scipy.stats", "matplotlib.figure"])
    server.close()
    assert server._process.returncode == -signal.SIGKILL


@pytest.mark.slow
def test_notebooks_run_in_a_fork_server_started_earlier(tmp_path):
    """``evaluate`` on the command line starts the fork server before its own imports and hands it
    to ``run_notebooks``, which forks from it (not from one of its own) and leaves it open."""
    source = tmp_path / "notebooks"
    source.mkdir()
    books = [_notebook(source / f"{n}.ipynb", "import os\nprint(os.getppid())") for n in "ab"]
    (tmp_path / "out").mkdir()
    with ForkServer(["json"]) as server:
        run_notebooks(books, tmp_path / "out", parameters={"value": 1}, provenance={"summary": "t", "inputs": []},
                      title=lambda heading, stem: stem, fork=True, forks=server)
        assert server._forked == 2
        assert server._process.poll() is None  # still the caller's to close
        parents = {nbformat.read(tmp_path / "out" / b.name, as_version=4).cells[2].outputs[0]["text"].strip()
                   for b in books}
        assert parents == {str(server._process.pid)}
    assert server._process.returncode == 0


def test_the_command_line_starts_the_fork_server_only_where_evaluate_forks(tmp_path, monkeypatch):
    from evaluation.publish import report_plan

    raw = tmp_path / "raw" / "demo"
    raw.mkdir(parents=True)
    (raw / "participants.csv").write_text("participant_id\n" + "p\n" * 100)
    server = report_plan.early_fork_server("demo", tmp_path)
    assert isinstance(server, ForkServer)
    server.close()
    # raw data over the limit (ingest may run while the kernels start: they import afterwards)
    monkeypatch.setattr(report_plan, "PREIMPORT_RAW_BYTES", 100)
    assert report_plan.early_fork_server("demo", tmp_path) is None
    monkeypatch.setattr(report_plan, "PREIMPORT_RAW_BYTES", 1 << 30)
    # a name evaluate refuses itself, with its own message
    assert report_plan.early_fork_server("../demo", tmp_path) is None
    monkeypatch.setattr(report_plan, "FORK_KERNELS", False)
    assert report_plan.early_fork_server("demo", tmp_path) is None


@pytest.mark.slow
def test_a_forked_kernels_control_thread_has_ended_before_its_exit_functions_run(tmp_path):
    """The control thread, which handles the shutdown request, then flushes the output streams
    through the IOPub thread; ipykernel's exit function stops the IOPub thread before it joins the
    control thread, and a flush that comes after that waits forever (the kernel is killed 2.5 s
    later). Here the control thread's flush comes late (as on busy cores): the kernel waits for
    it before its exit functions run, so the notebook's own exit function finds it ended."""
    source = tmp_path / "notebooks"
    source.mkdir()
    marker = tmp_path / "at-exit.txt"
    cell = ("import atexit, sys, threading, time\n"
            "class LateFlush:\n"
            "    def __init__(self, stream):\n"
            "        self.stream = stream\n"
            "    def __getattr__(self, name):\n"
            "        return getattr(self.stream, name)\n"
            "    def write(self, text):\n"
            "        return self.stream.write(text)\n"
            "    def flush(self):\n"
            "        if threading.current_thread().name == 'Control':\n"
            "            time.sleep(0.5)\n"
            "        return self.stream.flush()\n"
            "sys.stdout = LateFlush(sys.stdout)\n"
            "def at_exit():\n"
            f"    with open({str(marker)!r}, 'w') as out:\n"
            "        out.write(str([t.name for t in threading.enumerate() if t.name == 'Control']))\n"
            "atexit.register(at_exit)\n"
            "print('ready')")
    book = _notebook(source / "late_flush.ipynb", cell)
    assert _run([book], tmp_path / "forked", fork=True)[0][2] == "ready\n"
    assert marker.read_text() == "[]"


#: What a notebook prints about its kernel's priority: its own nice level and its session's
#: scheduling group's (Linux autogroup), or None where there is none.
PRIORITY = """import os
print(os.nice(0))
try:
    print(int(open('/proc/self/autogroup').read().split('nice')[1]))
except (OSError, ValueError):
    print(None)
"""


@pytest.mark.slow
def test_a_background_notebooks_forked_kernel_runs_two_levels_below_the_others(tmp_path):
    """`run_notebooks(background=...)`: the kernel of a notebook named there is forked
    BACKGROUND_NICE levels down, its own priority and (where Linux groups a session's processes)
    its session's; the other kernels run at the usual level."""
    from evaluation.publish.notebook_run import BACKGROUND_NICE

    source = tmp_path / "notebooks"
    source.mkdir()
    first, second = _notebook(source / "first.ipynb", PRIORITY), _notebook(source / "second.ipynb", PRIORITY)
    folder = tmp_path / "forked"
    folder.mkdir()
    run_notebooks([first, second], folder, parameters={"value": 1}, provenance={"summary": "test", "inputs": []},
                  title=lambda heading, stem: stem, fork=True, background=["second"])
    printed = {}
    for stem in ("first", "second"):
        nb = nbformat.read(folder / f"{stem}.ipynb", as_version=4)
        printed[stem] = "".join(o.get("text", "") for o in nb.cells[-1].outputs).split()
    usual = os.nice(0)
    assert BACKGROUND_NICE == 2
    assert printed["first"][0] == str(usual)
    assert printed["second"][0] == str(min(19, usual + BACKGROUND_NICE))
    if printed["first"][1] != "None":  # a kernel alone in its session: its group's level is its own
        assert int(printed["second"][1]) == min(19, int(printed["first"][1]) + BACKGROUND_NICE)


def test_lower_priority_lowers_the_process_and_its_sessions_group_and_never_fails():
    """In a process alone in its session (as a forked kernel is): both levels go down by the
    steps asked, capped at 19; asked again beyond the cap, nothing fails."""
    code = ("import os\n"
            "from evaluation.core.io import lower_priority\n"
            "def group():\n"
            "    try:\n"
            "        return int(open('/proc/self/autogroup').read().split('nice')[1])\n"
            "    except (OSError, ValueError):\n"
            "        return None\n"
            "before, group_before = os.nice(0), group()\n"
            "lower_priority(2)\n"
            "print(before, os.nice(0), group_before, group())\n"
            "lower_priority(40)\n"
            "print(os.nice(0), group())\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         start_new_session=True).stdout.split("\n")
    before, after, group_before, group_after = out[0].split()
    assert int(after) == min(19, int(before) + 2)
    if group_before != "None":
        assert int(group_after) == min(19, int(group_before) + 2)
    assert out[1].split()[0] == "19"
