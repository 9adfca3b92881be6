"""What a child of the report kernels' fork server runs (:mod:`evaluation.publish.kernel_fork`):
a kernel, as ``python -m ipykernel_launcher`` would run it, or a function of the package.

Each function runs in the forked child and never returns: the child leaves with ``os._exit``,
without tearing down the modules it shares with the fork server.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys

__all__ = ["finish_control_thread", "run_call", "run_kernel"]


def run_kernel(request: dict, answer) -> None:
    """In a forked child: become a kernel as ``python -m ipykernel_launcher <argv>`` would (``nice``:
    that many levels below the usual priority, :func:`evaluation.core.io.lower_priority`)."""
    import importlib.util

    code = 1
    try:
        os.setsid()  # a session of its own, as jupyter_client's launcher gives a kernel
        for signum, handler in ((signal.SIGCHLD, signal.SIG_DFL), (signal.SIGINT, signal.default_int_handler)):
            signal.signal(signum, handler)
        answer.close()  # the fork server's answers are not the kernel's
        read, write = os.pipe()  # stdin: a pipe closed at the other end, as jupyter_client gives a kernel
        os.close(write)
        os.dup2(read, 0)
        os.close(read)
        if request.get("nice"):  # after setsid: the session's scheduling group is the kernel's own
            from evaluation.core.io import lower_priority

            lower_priority(request["nice"])
        if request.get("cwd"):
            os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = [importlib.util.find_spec("ipykernel_launcher").origin, *request["argv"]]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
    # as the interpreter's exit does: the exit functions (IPython's history among them) and the
    # streams; then leave without tearing the fork server's modules down one by one. The control
    # thread has ended first (finish_control_thread). The objects are frozen first: IPython's exit
    # function resets the shell, whose display hook then runs a full garbage collection over every
    # object of the kernel, the fork server's modules included (about 0.1 CPU-s a report kernel,
    # for a process about to end)
    import atexit
    import gc

    finish_control_thread()
    gc.freeze()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def finish_control_thread(timeout: float = 10.0) -> None:
    """In a kernel that has ended: let its control thread finish, before the exit functions close
    the kernel's channels.

    The control thread ends a kernel: its handler of the shutdown request stops the kernel's
    loops, and the thread then flushes the output streams and publishes the kernel's ``idle``
    status through the IOPub thread. ipykernel's exit function (``IPKernelApp.close``) stops the
    IOPub thread first and joins the control thread after: a flush that comes once the IOPub
    thread has stopped waits forever on the thread's pipe, the exit function waits for it, and the
    kernel ends only when jupyter_client kills it, 2.5 s later (one cohort report in four or five
    on two busy cores; the notebook's exit functions registered before ipykernel's then never
    run). Stopped (if its loop is not stopped already) and joined here, while the IOPub thread
    still runs, the control thread finishes its flush; the exit function then finds it ended.
    """
    from ipykernel.kernelapp import IPKernelApp

    if not IPKernelApp.initialized():
        return
    thread = getattr(IPKernelApp.instance(), "control_thread", None)
    if thread is not None and thread.is_alive():
        thread.stop()
        thread.join(timeout)


def run_call(request: dict, answer) -> None:
    """In a forked child: ``function(**kwargs)``, its result (or the error it raised) written as
    JSON to ``request["out"]`` (whole or not at all), then leave."""
    import importlib
    import traceback

    code = 1
    try:
        os.setsid()  # a session of its own, so that the fork server's end can stop it as it stops a kernel
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        answer.close()
        module, _, name = request["call"].partition(":")
        try:
            reply = {"result": getattr(importlib.import_module(module), name)(**request["kwargs"])}
        except Exception:
            reply = {"error": traceback.format_exc(limit=-3)}
        from evaluation.core.io import write_json

        write_json(reply, request["out"])  # atomically: whole or not at all
        code = 0 if "result" in reply else 1
    finally:
        os._exit(code)  # nothing of the fork server's state needs tearing down
