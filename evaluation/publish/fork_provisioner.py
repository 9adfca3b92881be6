"""The jupyter_client provisioner of forked report kernels (:mod:`evaluation.publish.kernel_fork`)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from jupyter_client.provisioning import LocalProvisioner

from evaluation.publish.kernel_fork import LAUNCHER, ForkedKernel, ForkServer

__all__ = ["ForkProvisioner"]


class ForkProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, except that a kernel of this Python's ipykernel is
    forked by :attr:`server` (a :class:`ForkServer`) instead of started."""

    #: The fork server (None: every kernel is started as usual).
    server: ForkServer | None = None
    #: How many levels below the usual priority a forked kernel runs.
    nice: int = 0

    async def launch_kernel(self, cmd: list[str], **kwargs):
        if self.server is None or not _is_this_ipykernel(cmd):
            return await super().launch_kernel(cmd, **kwargs)
        env = dict(kwargs.get("env") or os.environ)
        env["JPY_PARENT_PID"] = str(os.getpid())  # as jupyter_client's launcher
        cwd = kwargs.get("cwd")
        pid = await asyncio.to_thread(self.server.fork, cmd[3:], cwd=None if cwd is None else str(cwd), env=env,
                                      nice=self.nice)
        self.process = ForkedKernel(pid)
        self.pid = self.pgid = pid  # the child's own session and process group
        self.cwd = cwd if cwd is not None else Path.cwd()
        return self.connection_info


def _is_this_ipykernel(cmd: list[str]) -> bool:
    """True when ``cmd`` starts ipykernel with this very Python (what the fork server can fork)."""
    try:
        return cmd[1:3] == LAUNCHER and os.path.samefile(cmd[0], sys.executable)
    except (IndexError, OSError):
        return False
