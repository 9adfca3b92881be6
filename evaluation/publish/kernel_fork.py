"""Report kernels forked from one process that has imported their modules once.

A report kernel's start is mostly imports: Python, ipykernel and IPython, then pandas, scipy,
matplotlib and the package, about 2.5 CPU-seconds that each of a cohort's three report kernels
paid again on two cores. :class:`ForkServer` starts one process, the *fork server*, that imports
them once and then forks a kernel for each notebook: the child (copy-on-write) starts its own
session, takes the environment and working folder jupyter_client gives a kernel, and runs
ipykernel as ``python -m ipykernel_launcher`` would, with the same arguments. What a notebook
computes is unchanged (``evaluate``'s reports are byte-identical either way: a test).

:class:`evaluation.publish.fork_provisioner.ForkProvisioner` is the jupyter_client provisioner
that asks the fork server instead of starting a process
(:func:`evaluation.publish.kernels.kernel_manager_class` with ``forks``). Only kernels of this
Python's ipykernel are forked; any other kernel command starts as usual. This module does not
import jupyter_client (0.1 s), so that ``evaluate`` starts the fork server, whose imports are what
the kernels wait for, as soon as it can.

The fork server holds its imports for as long as the notebooks run and every child shares them
(copy-on-write); ``evaluate`` forks its kernels (:data:`evaluation.publish.report_plan.FORK_KERNELS`)
whenever they import their modules at their start, i.e. unless a large ingest may run meanwhile
(:data:`evaluation.publish.report_plan.PREIMPORT_RAW_BYTES`). When its requests are closed (the notebooks are
done, or the parent process died) the fork server ends the sessions of the kernels it forked
that still run, then exits.

Garbage collection: the fork server freezes its objects (``gc.freeze``) once it has imported the
modules, so that a child's collections walk only the child's own objects (and do not copy the
shared memory pages to mark them); a kernel freezes its own before its exit functions, whose
IPython reset would otherwise end in a full collection of a process about to end.

What a child runs, a kernel or a function, is in :mod:`evaluation.publish.fork_child`; a kernel
lets its control thread finish before its exit functions run, so that its end does not wait on
ipykernel's own (:func:`evaluation.publish.fork_child.finish_control_thread`).

The fork server also runs a function of the package in a forked child (:meth:`ForkServer.call`),
with the modules it has imported: ``evaluate`` runs the differencing audit of the tables that way
as soon as the notebooks that write them are done, beside the rest of the report
(:mod:`evaluation.publish.pipeline`).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
from pathlib import Path

from evaluation.publish.fork_child import run_call, run_kernel

__all__ = ["LAUNCHER", "ForkServer", "ForkedCall", "ForkedKernel", "serve"]

#: How the fork server is started: ``python -c SERVER <modules> <reply fd>``.
SERVER = "from evaluation.publish.kernel_fork import serve; serve()"
#: How jupyter_client starts an ipykernel kernel: ``python -m ipykernel_launcher ...``.
LAUNCHER = ["-m", "ipykernel_launcher"]


def serve() -> None:
    """The fork server's main loop (``sys.argv``: the modules to import, comma-separated, and the
    file descriptor on which to answer).

    Imports ipykernel and the modules, then reads one JSON request per line on stdin, forks, and
    answers with the child's process id: a kernel (``argv``: ipykernel's arguments; ``cwd``;
    ``env``) or a function's call (``call``: ``"module:function"``; ``kwargs``; ``out``: the
    file for its JSON result). At the end of stdin, ends the sessions of its children that still
    run, waits for them and exits.
    """
    modules, replies = sys.argv[1], int(sys.argv[2])
    # as in a kernel: ipykernel sets this backend before anything imports matplotlib
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    # as ipykernel_launcher: the working folder is not on the path (IPython puts '' back)
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent process handles Ctrl-C, then closes stdin
    # ipykernel reads it when it is imported (IPKernelApp.parent_handle), jupyter_client sets it
    # for a kernel: without it a kernel would print the notes of a kernel started by hand
    os.environ["JPY_PARENT_PID"] = str(os.getppid())
    import gc
    import importlib

    # no garbage collection while importing: the collections that the imports' allocations set off
    # walk every object imported so far, and find almost nothing to free (about 2,000 objects of
    # 300,000 at cohort 2's imports, which they slowed by 0.15-0.3 s, while no kernel can start)
    gc.disable()
    from ipykernel import kernelapp  # noqa: F401  (IPython, zmq, tornado: imported once)

    for name in filter(None, modules.split(",")):
        with contextlib.suppress(Exception):  # an optimisation only: the notebook imports it again
            importlib.import_module(name)
    # each kernel is reaped as it ends, so that its CPU time counts in this process's children's
    # (and so in the parent's once it has waited for this process), as a started kernel's does
    signal.signal(signal.SIGCHLD, _reap)
    # the modules' objects are frozen: a child's garbage collections do not walk them (nor copy
    # their memory pages to write the collector's marks), about 0.1 CPU-s a report kernel; the
    # kernels collect their own garbage as any process does
    gc.freeze()
    gc.enable()
    children: list[int] = []
    answer = os.fdopen(replies, "w", buffering=1)
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            (run_call if "call" in request else run_kernel)(request, answer)  # never returns
        children.append(pid)
        answer.write(f"{pid}\n")
    answer.close()
    _end(children)


def _reap(*_) -> bool:
    """Reap every child that has ended; True when no child is left."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return True
        if pid == 0:
            return False


def _end(children: list[int], grace: float = 10.0) -> None:
    """End the sessions of the kernels still running (SIGTERM, SIGKILL after ``grace`` seconds),
    wait for them and leave at once (nothing of this process needs tearing down)."""
    import time

    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    for signum, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, grace)):
        if _reap():
            break
        for pid in children:
            with contextlib.suppress(OSError):
                os.killpg(pid, signum)
            with contextlib.suppress(OSError):  # a child that has not yet made its session
                os.kill(pid, signum)
        deadline = time.monotonic() + wait
        while not _reap() and time.monotonic() < deadline:
            time.sleep(0.01)
    os._exit(0)


class ForkServer:
    """The fork server, started at once (its imports run while the caller goes on).

    Parameters
    ----------
    modules : sequence of str
        The modules the kernels' notebooks import (imported once, before the first fork).
    """

    def __init__(self, modules=()):
        read, write = os.pipe()
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-c", SERVER, ",".join(modules), str(write)],
                stdin=subprocess.PIPE, pass_fds=(write,), text=True)
        finally:
            os.close(write)
        self._replies = os.fdopen(read, "r")
        self._lock = threading.Lock()
        self._forked = 0

    def fork(self, argv: list[str], *, cwd: str | None, env: dict[str, str], nice: int = 0) -> int:
        """Fork a kernel (``python -m ipykernel_launcher <argv>`` in ``cwd`` with ``env``, ``nice``
        levels below the usual priority); return its process id, once the fork server has imported
        its modules.

        Raises
        ------
        RuntimeError
            The fork server has stopped.
        """
        return self._request({"argv": argv, "cwd": cwd, "env": env, "nice": nice})

    def call(self, function: str, out: Path | str, **kwargs) -> ForkedCall:
        """Call ``function`` (``"module:function"``) with ``kwargs`` in a child forked from the
        fork server, once it has imported its modules; the child writes the result to ``out``
        (JSON). Arguments and result must be JSON; :meth:`ForkedCall.result` waits for it.

        Raises
        ------
        RuntimeError
            The fork server has stopped.
        """
        request = {"call": function, "kwargs": kwargs, "out": str(out)}
        return ForkedCall(self._request(request), Path(out), function)

    def _request(self, request: dict) -> int:
        """Send one request; return the forked child's process id."""
        with self._lock:
            try:
                self._process.stdin.write(json.dumps(request) + "\n")
                self._process.stdin.flush()
                line = self._replies.readline()
            except (OSError, ValueError) as exc:
                raise RuntimeError(f"the report kernels' fork server stopped ({exc})") from exc
        if not line.strip():
            raise RuntimeError(f"the report kernels' fork server stopped (exit status {self._process.poll()})")
        self._forked += 1
        return int(line)

    def close(self) -> None:
        """End the fork server (and any kernel it forked that still runs) and wait for it; one
        that has forked no kernel is stopped at once (a command that failed before its notebooks
        does not wait for the fork server's imports)."""
        if not self._forked:
            self._process.kill()
        with contextlib.suppress(OSError, ValueError):
            self._process.stdin.close()
        try:
            self._process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._replies.close()

    def __enter__(self) -> ForkServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class ForkedKernel:
    """A forked kernel seen as jupyter_client sees a kernel's ``Popen``: ``pid``, ``poll``,
    ``wait``, ``send_signal``, ``terminate``, ``kill``.

    The kernel is the fork server's child, not this process's: its end is seen through a pidfd
    (Linux), and its exit status is not known (``returncode`` is 0 once it has ended).
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        self._fd = os.pidfd_open(pid)

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self._fd], [], [], 0)[0]:
            self._ended()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not select.select([self._fd], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            self._ended()
        return self.returncode

    def _ended(self) -> None:
        self.returncode = 0
        os.close(self._fd)

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            signal.pidfd_send_signal(self._fd, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkedCall:
    """A function's call running in a child of the fork server (:meth:`ForkServer.call`)."""

    def __init__(self, pid: int, out: Path, function: str):
        self.pid, self.out, self.function = pid, out, function
        try:
            self._process: ForkedKernel | None = ForkedKernel(pid)
        except ProcessLookupError:  # ended (and reaped by the fork server) already
            self._process = None

    def result(self, timeout: float | None = None):
        """The function's result, once the child has ended.

        Raises
        ------
        RuntimeError
            The function raised (its traceback in the message), or the child ended without a
            result (it was stopped, or its result could not be written).
        subprocess.TimeoutExpired
            Still running after ``timeout`` seconds.
        """
        if self._process is not None:
            self._process.wait(timeout)
        from evaluation.core.errors import EvaluationError
        from evaluation.core.io import read_json

        try:
            reply = read_json(self.out)
        except (EvaluationError, ValueError) as exc:
            raise RuntimeError(f"{self.function}, run in a forked child, ended without a result ({exc})") from exc
        if "error" in reply:
            raise RuntimeError(f"{self.function}, run in a forked child, raised:\n{reply['error']}")
        return reply["result"]
