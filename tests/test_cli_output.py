"""What the command line prints on a run that succeeds: one demo-key warning, and no kernel errors."""

from __future__ import annotations

import asyncio
import signal
import warnings

from evaluation.cli import _demo_key_notice
from evaluation.core.errors import DegenerateDataWarning, DemoKeyWarning
from evaluation.publish.kernels import kernel_manager_class as _kernel_manager_class


def test_demo_key_warning_is_printed_once_when_issued(capsys):
    # Ingesting a programme and the programme it is compared with issues the warning twice.
    with _demo_key_notice():
        warnings.warn("using the public DEMO pseudonymisation key", DemoKeyWarning, stacklevel=1)
        print("after the first warning", flush=True)
        warnings.warn("using the public DEMO pseudonymisation key", DemoKeyWarning, stacklevel=1)
    err = capsys.readouterr().err
    assert err.count("[evaluation] WARNING: using the public DEMO pseudonymisation key") == 1


def test_other_warnings_still_reach_the_user(monkeypatch):
    shown: list[type] = []
    monkeypatch.setattr(warnings, "showwarning", lambda message, category, *args, **kwargs: shown.append(category))
    with _demo_key_notice():
        warnings.simplefilter("always")
        warnings.warn("no variance at either wave", DegenerateDataWarning, stacklevel=1)
        warnings.warn("using the public DEMO pseudonymisation key", DemoKeyWarning, stacklevel=1)
    assert shown == [DegenerateDataWarning]


def test_shutting_a_report_kernel_down_does_not_interrupt_it():
    # jupyter_client interrupts a kernel before asking it to shut down; when the interrupt lands in
    # the kernel's last message handler, ipykernel logs "KeyboardInterrupt caught in kernel." on a
    # run that succeeded. The report kernels are shut down without the interrupt.
    sent: list[int] = []

    async def scenario():
        km = _kernel_manager_class()(kernel_name="python3")
        await km.start_kernel()
        real_signal = km._async_signal_kernel

        async def record(signum):
            sent.append(signum)
            await real_signal(signum)

        km._async_signal_kernel = record
        await km.interrupt_kernel()          # an interrupt while running still goes through
        await km.shutdown_kernel()
        return km.is_alive

    alive = asyncio.run(scenario())
    assert sent.count(signal.SIGINT) == 1
    assert alive is not True


def test_the_command_runs_linear_algebra_on_one_thread_unless_told_otherwise():
    """`python -m evaluation` (and the kernels it starts, which inherit its environment) sets
    OPENBLAS/OMP/MKL threads to 1 before numpy loads; a value the user set is kept."""
    import os
    import subprocess
    import sys

    probe = "import evaluation.__main__, os, sys; print(os.environ['OPENBLAS_NUM_THREADS'], os.environ['OMP_NUM_THREADS'])"
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["1", "1"]
    done = subprocess.run([sys.executable, "-c", probe], env={**env, "OPENBLAS_NUM_THREADS": "4"},
                          capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["4", "1"]


def test_the_command_line_leaves_with_its_status_and_runs_exit_functions():
    # `python -m evaluation` freezes its objects before leaving (the final garbage collections are
    # skipped); the status, the streams and the exit functions are as at any exit.
    import subprocess
    import sys

    code = ("import atexit, runpy, sys; atexit.register(print, 'exit function ran'); "
            "sys.argv = ['evaluation', 'evaluate', '--programme', 'no-such-programme', '--cohort', '2']; "
            "runpy.run_module('evaluation', run_name='__main__', alter_sys=True)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 1
    assert "error: " in done.stderr and "no-such-programme" in done.stderr
    assert done.stdout.strip().endswith("exit function ran")


def test_progress_lines_from_several_threads_never_mix(monkeypatch):
    """`evaluate` reports each notebook's start from the notebook's own thread. `print` wrote a
    line's text and its end apart, so three notebooks starting together gave one line of three
    messages and two empty lines. Here every write yields to the other threads."""
    import threading
    import time

    from evaluation import cli

    class Slow:
        def __init__(self):
            self.text = []

        def write(self, text):
            self.text.append(text)
            time.sleep(0.0005)
            return len(text)

        def flush(self):
            pass

    stream = Slow()
    monkeypatch.setattr(cli.sys, "stderr", stream)
    threads = [threading.Thread(target=lambda n=n: [cli._progress(f"thread {n} line {i}") for i in range(20)])
               for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = "".join(stream.text).split("\n")
    assert lines[-1] == ""
    assert sorted(lines[:-1]) == sorted(f"[evaluation] thread {n} line {i}" for n in range(4) for i in range(20))
