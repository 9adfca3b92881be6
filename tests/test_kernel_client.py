"""The report kernels' client: waiting for a new kernel ends with the kernel's last message about
it, not 0.2 s of silence after it (issue 13: the three kernels' starts of a cohort's report)."""

from __future__ import annotations

from queue import Empty

import pytest
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_core.utils import run_sync

from evaluation.publish.kernels import kernel_client_class, kernel_config, kernel_manager_class


class _Kernel:
    """A kernel's two channels, scripted: each information request is answered on shell and, on
    IOPub, by ``busy`` and ``idle`` statuses, except the statuses of the requests listed in
    ``lost`` (published before IOPub was connected) and the ``idle`` of those in ``no_idle``.
    Every read is recorded (a message, or ``"empty"`` for a wait that timed out)."""

    def __init__(self, *, welcome=True, lost=(), no_idle=()):
        self.shell, self.iopub, self.reads, self.requests = [], [], [], []
        self.lost, self.no_idle = set(lost), set(no_idle)
        if welcome:
            self.iopub.append(self._message("iopub_welcome", {"subscription": ""}, None))

    @staticmethod
    def _message(kind, content, parent):
        return {"msg_type": kind, "content": content, "parent_header": {"msg_id": parent} if parent else {}}

    def send(self, request):
        n, msg_id = len(self.requests), request["header"]["msg_id"]
        self.requests.append(msg_id)
        if n not in self.lost:
            self.iopub.append(self._message("status", {"execution_state": "busy"}, msg_id))
        self.shell.append(self._message("kernel_info_reply", {"protocol_version": "5.3"}, msg_id))
        if n not in self.lost and n not in self.no_idle:
            self.iopub.append(self._message("status", {"execution_state": "idle"}, msg_id))

    def channel(self, queue):
        kernel = self

        class Channel:
            def send(self, request):
                kernel.send(request)

            def get_msg(self, timeout=None):
                if not queue:
                    kernel.reads.append("empty")
                    raise Empty
                kernel.reads.append(queue[0])
                return queue.pop(0)

        return Channel()


def _client(kernel: _Kernel):
    km = kernel_manager_class()(kernel_name="python3")
    client = km.client()
    client._shell_channel, client._iopub_channel = kernel.channel(kernel.shell), kernel.channel(kernel.iopub)

    async def alive() -> bool:  # no process behind the scripted channels
        return True

    client._async_is_alive = alive
    return client


def _is_idle_for(message, msg_id) -> bool:
    return (message != "empty" and message["msg_type"] == "status"
            and message["content"]["execution_state"] == "idle" and message["parent_header"]["msg_id"] == msg_id)


def test_the_report_kernels_clients_are_of_the_class_whose_wait_ends_with_the_kernels_message():
    """nbclient waits with ``km.client().wait_for_ready``: jupyter_client's asynchronous client binds
    that name to its own function, so the class overrides the name itself."""
    client = kernel_manager_class()(kernel_name="python3").client()
    assert type(client) is kernel_client_class()
    assert isinstance(client, AsyncKernelClient)
    assert type(client).wait_for_ready is not AsyncKernelClient.wait_for_ready


@pytest.mark.parametrize("lost", [(), (0,)], ids=["statuses-arrive", "first-statuses-lost"])
def test_the_wait_reads_iopub_up_to_the_idle_status_of_a_request_made_once_iopub_is_connected(lost):
    """After the reply and a first IOPub message, one more request; the wait reads every IOPub
    message up to that request's ``idle`` status and then returns, without a read that waits for
    silence (jupyter_client's flush ends with one: 0.2 s of a kernel's start)."""
    kernel = _Kernel(lost=lost)
    run_sync(_client(kernel).wait_for_ready)(timeout=5)
    assert len(kernel.requests) == 2
    iopub_reads = [r for r in kernel.reads if r == "empty" or r["msg_type"] != "kernel_info_reply"]
    assert "empty" not in iopub_reads
    assert _is_idle_for(iopub_reads[-1], kernel.requests[-1])
    assert kernel.iopub == []  # nothing left about the wait's requests


def test_the_wait_still_ends_when_the_kernels_idle_status_does_not_come():
    """Fallback, as jupyter_client's: 0.2 s without a message (one read that timed out)."""
    kernel = _Kernel(no_idle=(1,))
    run_sync(_client(kernel).wait_for_ready)(timeout=5)
    assert kernel.reads[-1] == "empty" and kernel.iopub == []


def test_the_wait_asks_again_until_iopub_is_connected():
    """A reply with no IOPub message yet (no welcome, the first request's statuses lost): ask again,
    as jupyter_client's does."""
    kernel = _Kernel(welcome=False, lost=(0,))
    run_sync(_client(kernel).wait_for_ready)(timeout=5)
    assert len(kernel.requests) == 3  # the first unconnected, the second connected, the last to flush
    assert _is_idle_for(kernel.reads[-1], kernel.requests[-1])


@pytest.mark.slow
def test_a_real_kernels_wait_ends_on_its_idle_status_and_the_kernel_then_runs_code(tmp_path):
    km = kernel_manager_class()(kernel_name="python3", config=kernel_config(tmp_path / "sockets"))
    run_sync(km.start_kernel)()
    client = km.client()
    client.start_channels()
    try:
        reads = []
        channel = client.iopub_channel
        get_msg = channel.get_msg

        async def recording(*args, **kwargs):
            try:
                message = await get_msg(*args, **kwargs)
            except Empty:
                reads.append("empty")
                raise
            reads.append(message)
            return message

        channel.get_msg = recording

        async def wait_then_run() -> dict:
            await client.wait_for_ready(timeout=60)
            return await client.execute("answer = 21 * 2", reply=True, timeout=60)

        reply = run_sync(wait_then_run)()
        last = next(r for r in reversed(reads) if r == "empty" or r["parent_header"]["msg_type"] == "kernel_info_request")
        assert last != "empty" and last["msg_type"] == "status"
        assert last["content"]["execution_state"] == "idle"
        assert reply["content"]["status"] == "ok"
    finally:
        client.stop_channels()
        run_sync(km.shutdown_kernel)(now=True)
