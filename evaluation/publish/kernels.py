"""The report kernels: how they are made, grouped, reset between notebooks and shut down.

:func:`evaluation.publish.notebook_run.run_notebooks` runs each notebook in a kernel of its own,
or several one after another in one kernel (``share``); what runs inside such a kernel is
:mod:`evaluation.publish.kernel_session`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from evaluation.core.io import make_dir, read_text
from evaluation.publish.kernel_session import BETWEEN_NOTEBOOKS

__all__ = ["between_notebooks", "imported_modules", "kernel_client_class", "kernel_config", "kernel_manager_class",
           "kernel_units", "shut_down"]


@functools.cache
def kernel_client_class():
    """jupyter_client's asynchronous kernel client, except that waiting for a new kernel to be
    ready ends with the kernel's last message about it instead of 0.2 s after it.

    ``wait_for_ready`` asks the kernel for its information until it replies and a message has come
    on its IOPub channel (then connected), then *flushes* IOPub: it reads messages until none has
    come for 0.2 s, so every kernel's start ends with 0.2 s in which nothing runs (on a cohort's
    report the three kernels' starts wait side by side: both cores idle). This client asks once
    more, now that IOPub is connected, and reads IOPub up to the kernel's ``idle`` status for that
    request: the Jupyter messaging protocol has a kernel publish ``busy`` before and ``idle`` after
    handling each request, on one channel whose messages arrive in order, so every message about
    the earlier requests has come before it. If it does not come the client stops as
    jupyter_client's does, after 0.2 s without a message. (The statuses of the first request may
    be lost, published before IOPub was connected; and any later message about a request of this
    wait is ignored: nbclient reads only the messages whose parent is the request it made.)
    """
    import time
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.manager import KernelManager
    from jupyter_core.utils import ensure_async

    class ReportKernelClient(AsyncKernelClient):
        async def wait_for_ready(self, timeout: float | None = None) -> None:
            if not isinstance(self.parent, KernelManager):  # waits for heartbeats first: as it is
                return await super().wait_for_ready(timeout=timeout)
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            while True:  # as jupyter_client's: until a reply, and a message on IOPub
                self.kernel_info()
                try:
                    reply = await ensure_async(self.shell_channel.get_msg(timeout=1))
                except Empty:
                    reply = None
                if reply is not None and reply["msg_type"] == "kernel_info_reply":
                    try:
                        await ensure_async(self.iopub_channel.get_msg(timeout=0.2))
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(reply)
                        break
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
            last = self.kernel_info()  # IOPub is connected: this request's statuses will come
            while True:
                try:
                    message = await ensure_async(self.iopub_channel.get_msg(timeout=0.2))
                except Empty:
                    return
                if (message["msg_type"] == "status" and message["content"].get("execution_state") == "idle"
                        and message["parent_header"].get("msg_id") == last):
                    return

    return ReportKernelClient


def kernel_manager_class(forks=None, *, nice: int = 0):
    """jupyter_client's kernel manager, except that shutting a kernel down does not interrupt it
    first and that, with ``forks`` (a :class:`evaluation.publish.kernel_fork.ForkServer`), its
    kernel is forked from the fork server instead of started
    (:class:`evaluation.publish.fork_provisioner.ForkProvisioner`), ``nice`` levels below the usual
    priority. Its clients are :func:`kernel_client_class`'s.

    ``shutdown_kernel`` sends SIGINT before its shutdown request, to stop code still running. A
    report notebook is shut down only after its last cell has replied, so the interrupt can only
    race the kernel's last message handler, whose ``KeyboardInterrupt`` ipykernel then logs as
    ``[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel.`` on a run that succeeded. A kernel
    that does not stop on the shutdown request is still terminated by ``finish_shutdown``.
    """
    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import List, Type

    class ReportKernelManager(AsyncKernelManager):
        #: The clients made for this kernel (nbclient leaves its client's channels open when it
        #: does not own the kernel manager): :func:`shut_down` stops them.
        made_clients = List()
        client_factory = Type(kernel_client_class(), klass=AsyncKernelClient)

        async def _async_pre_start_kernel(self, **kw):
            if forks is not None and self.provisioner is None:
                import uuid

                from evaluation.publish.fork_provisioner import ForkProvisioner

                self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
                self.provisioner = ForkProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
                self.provisioner.server, self.provisioner.nice = forks, nice
            return await super()._async_pre_start_kernel(**kw)

        async def _async_interrupt_kernel(self) -> None:
            if self.shutting_down:
                return
            await super()._async_interrupt_kernel()

        def client(self, **kwargs):
            made = super().client(**kwargs)
            self.made_clients.append(made)
            return made

    return ReportKernelManager


def kernel_config(sockets: Path):
    """Kernels talk over IPC sockets in a private folder per notebook: no TCP ports to collide
    when notebooks or reports run at once, and no unencrypted-TCP warning (papermill issue 511)."""
    from traitlets.config import Config

    make_dir(sockets)
    config = Config()
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = str(sockets / "kernel")
    return config


def kernel_units(notebooks: Sequence[Path], share: Sequence[Sequence[str]]) -> list[list[Path]]:
    """The notebooks grouped by kernel, in their order: each group of ``share`` (the stems present)
    in one kernel, every other notebook alone; a kernel's place is that of its first notebook."""
    group_of = {stem: i for i, group in enumerate(share) for stem in group}
    units: list[list[Path]] = []
    placed: dict[int, list[Path]] = {}
    for source in notebooks:
        group = group_of.get(source.stem)
        if group is None:
            units.append([source])
        elif group in placed:
            placed[group].append(source)
        else:
            placed[group] = [source]
            units.append(placed[group])
    return units


def imported_modules(notebooks: Sequence[Path]) -> list[str]:
    """The modules the notebooks' code cells import, in order, once each: ``import a.b`` gives
    ``a.b``; ``from a import b`` gives ``a`` and ``a.b`` (which may be a module). A cell that is
    not plain Python (a magic) is skipped.

    The notebooks are read as the JSON they are, not with nbformat, whose import (about 0.15 s)
    would delay the start of the kernels' fork server (:func:`evaluation.publish.report_plan.early_fork_server`);
    a notebook in a format older than 4 is read with nbformat.
    """
    import ast

    names: dict[str, None] = {}
    for path in notebooks:
        for source in _code_sources(read_text(path)):
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names.update(dict.fromkeys(alias.name for alias in node.names))
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names[node.module] = None
                    names.update(dict.fromkeys(f"{node.module}.{alias.name}" for alias in node.names
                                               if alias.name != "*"))
    return [name for name in names if all(c.isalnum() or c in "._" for c in name)]


def _code_sources(text: str) -> list[str]:
    """The sources of a notebook's code cells (``text``: the notebook's JSON)."""
    import json

    nb = json.loads(text)
    if nb.get("nbformat", 0) < 4:
        import nbformat

        return [c.source for c in nbformat.reads(text, as_version=4).cells if c.cell_type == "code"]
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb.get("cells", []) if c.get("cell_type") == "code"]


def between_notebooks(km) -> None:
    """Reset the kernel of ``km`` between two notebooks (:data:`kernel_session.BETWEEN_NOTEBOOKS`,
    silent, outside the history).

    Raises
    ------
    RuntimeError
        The kernel did not answer, or the reset raised.
    """
    from jupyter_core.utils import run_sync

    async def reset() -> dict:
        client = km.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=60)
            return await client.execute(BETWEEN_NOTEBOOKS, silent=True, store_history=False, reply=True, timeout=300)
        finally:
            client.stop_channels()

    reply = run_sync(reset)()
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}")


def shut_down(km) -> None:
    """Shut the kernel of ``km`` down (if it was started) as nbclient does (a shutdown request,
    then termination if it does not stop) and stop its clients' channels."""
    from jupyter_core.utils import run_sync

    if km.has_kernel:
        run_sync(km.shutdown_kernel)(now=False)
    for client in km.made_clients:
        if client.channels_running:
            client.stop_channels()
