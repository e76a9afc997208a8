"""Connecting without a task (``_connector.py``, "connecting without a task").

On the fast path a connect to an IP address needs nothing awaited but the
kernel: the attempt begins in a tick and the poller calls the socket back when
the kernel has finished it, where a task with a cancel scope used to wait. These
tests check the edges that the task handled by itself: destroy() at each point
of the attempt, a listener that raises or awaits, the loop ending mid-connect;
and that no task is spent on a plain connect.
"""

from __future__ import annotations

import contextvars
import os
import socket as stdsocket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import trio
import trio.testing

import trionet
from trionet._loop import current_loop

pytestmark = pytest.mark.fast_path

LOCALHOST = "127.0.0.1"


def fd_count() -> int:
    return len(os.listdir("/proc/self/fd"))


@contextmanager
def unanswered_port() -> Iterator[int]:
    """A loopback port whose SYNs go unanswered: a listener with a full backlog
    that never accepts. A connect to it stays in progress until destroyed."""
    blocker = stdsocket.socket()
    blocker.bind((LOCALHOST, 0))
    blocker.listen(0)
    port = blocker.getsockname()[1]
    fillers = []
    try:
        for _ in range(4):
            f = stdsocket.socket()
            f.setblocking(False)
            try:
                f.connect((LOCALHOST, port))
            except BlockingIOError:
                pass
            fillers.append(f)
        yield port
    finally:
        for f in fillers:
            f.close()
        blocker.close()


def events(sock: trionet.Socket, got: list[Any], *names: str) -> None:
    for name in names:
        sock.on(name, lambda *args, name=name: got.append((name, *args)))


async def closed(sock: trionet.Socket) -> bool:
    """Until 'close' (whatever came before it): its had_error."""
    done = trio.Event()
    got: list[bool] = []
    sock.once("close", lambda had_error: (got.append(had_error), done.set()))
    await done.wait()
    return got[0]


async def test_a_connect_to_an_ip_address_starts_no_task() -> None:
    with trio.fail_after(10):
        async with trionet.open_loop():
            server = trionet.create_server(lambda c: c.end())
            server.listen(0, LOCALHOST)
            await trionet.once(server, "listening")
            await trio.testing.wait_all_tasks_blocked()
            nursery = current_loop()._nursery
            before = len(nursery.child_tasks)
            counts: list[int] = []
            s = trionet.connect(server.address()["port"], LOCALHOST)
            s.on("connect", lambda: counts.append(len(nursery.child_tasks)))
            s.resume()
            await trionet.once(s, "end")
            # The writer or an 'end' task may come later; connecting took none.
            assert counts == [before]
            server.close()


async def test_destroy_while_the_kernel_connects_closes_and_forgets_the_descriptor() -> None:
    before = fd_count()
    with unanswered_port() as port, trio.fail_after(10):
        async with trionet.open_loop():
            got: list[Any] = []
            s = trionet.connect(port, LOCALHOST)
            events(s, got, "connect", "error", "ready")
            await trionet.once(s, "connectionAttempt")
            await trio.testing.wait_all_tasks_blocked()
            poller = current_loop().poller
            assert poller is not None
            assert s.connecting and list(poller._connects.values()) == [s]
            s.destroy()
            assert poller._connects == {}
            assert await closed(s) is False
            assert got == []
            assert (s.connecting, s.destroyed, s.pending) == (False, True, True)
    assert fd_count() == before


async def test_destroy_in_a_connection_attempt_listener_makes_no_connection() -> None:
    before = fd_count()
    accepted: list[trionet.Socket] = []
    with trio.fail_after(10):
        async with trionet.open_loop():
            server = trionet.create_server(accepted.append)
            server.listen(0, LOCALHOST)
            await trionet.once(server, "listening")
            port = server.address()["port"]
            got: list[Any] = []
            s = trionet.connect(port, LOCALHOST)
            events(s, got, "connect", "error", "ready")
            s.on("connectionAttempt", lambda *_: s.destroy())
            assert await closed(s) is False
            assert got == []
            # A connection made after it is accepted after any it would have made.
            barrier = trionet.connect(port, LOCALHOST)
            (c,) = await trionet.once(server, "connection")
            assert c.remote_port == barrier.local_port
            barrier.destroy()
            server.close()
            await trionet.once(server, "close")
    assert accepted == [c]
    assert fd_count() == before


async def test_destroy_in_a_connect_listener_closes_without_reading() -> None:
    """As Node's afterConnect: 'ready' still follows 'connect', nothing is read."""
    before = fd_count()
    with trio.fail_after(10):
        async with trionet.open_loop():
            # (The client's close with "hello" unread resets the server's side.)
            server = trionet.create_server(lambda c: c.on("error", lambda e: None).end(b"hello"))
            server.listen(0, LOCALHOST)
            await trionet.once(server, "listening")
            got: list[Any] = []
            s = trionet.connect(server.address()["port"], LOCALHOST)
            events(s, got, "ready", "data", "end", "error")
            s.on("connect", lambda: (got.append(("connect",)), s.destroy()))
            assert await closed(s) is False
            assert got == [("connect",), ("ready",)]
            server.close()
    assert fd_count() == before


async def test_a_refused_connect_is_an_error_and_a_close() -> None:
    before = fd_count()
    with stdsocket.socket() as probe:
        probe.bind((LOCALHOST, 0))
        port = probe.getsockname()[1]
    with trio.fail_after(10):
        async with trionet.open_loop():
            got: list[Any] = []
            s = trionet.connect(port, LOCALHOST)
            events(s, got, "connect", "error", "connectionAttemptFailed")
            assert await closed(s) is True
            names = [g[0] for g in got]
            assert names == ["connectionAttemptFailed", "error"]
            assert got[1][1].code == "ECONNREFUSED"
    assert fd_count() == before


async def test_an_async_connect_listener_is_awaited_before_ready_and_reading() -> None:
    with trio.fail_after(10):
        async with trionet.open_loop():
            server = trionet.create_server(lambda c: c.end(b"hello"))
            server.listen(0, LOCALHOST)
            await trionet.once(server, "listening")
            got: list[Any] = []
            s = trionet.connect(server.address()["port"], LOCALHOST)

            async def slow_connect() -> None:
                got.append("connect began")
                for _ in range(5):
                    await trio.lowlevel.checkpoint()
                got.append("connect ended")

            s.on("connect", slow_connect)
            s.on("connect", lambda: got.append("second connect listener"))
            s.on("ready", lambda: got.append("ready"))
            s.on("data", lambda d: got.append(d))
            s.on("end", lambda: got.append("end"))
            assert await closed(s) is False
            assert got == [
                "connect began",
                "connect ended",
                "second connect listener",
                "ready",
                b"hello",
                "end",
            ]
            server.close()


def test_a_connect_listener_that_raises_ends_run_with_it_and_leaks_nothing() -> None:
    before = fd_count()
    with stdsocket.create_server((LOCALHOST, 0)) as peer_listener:
        port = peer_listener.getsockname()[1]

        def boom() -> None:
            raise ValueError("from a connect listener")

        def main() -> None:
            trionet.connect(port, LOCALHOST, boom)

        with pytest.raises(ValueError, match="from a connect listener"):
            trionet.run(main)
    assert fd_count() == before


async def test_the_loop_ending_mid_connect_closes_the_descriptor() -> None:
    before = fd_count()
    with unanswered_port() as port, trio.fail_after(10):
        with trio.CancelScope() as scope:
            async with trionet.open_loop():
                s = trionet.connect(port, LOCALHOST)
                await trionet.once(s, "connectionAttempt")
                await trio.testing.wait_all_tasks_blocked()
                assert s.connecting
                scope.cancel()
        assert s.destroyed
    assert fd_count() == before


async def test_the_host_family_kept_with_the_options_is_not_an_option() -> None:
    async with trionet.open_loop():
        with pytest.raises(trionet.NodeError) as info:
            trionet.connect({"port": 80, "host": LOCALHOST, "host_family": 4})
        assert info.value.code == "ERR_INVALID_ARG_VALUE"
        assert "options.host_family" in str(info.value)


async def test_destroy_in_an_async_connect_listener_closes_at_once() -> None:
    """As with the connect task's cancel scope: the listener is cancelled and
    'close' comes at once (it waited for the listener, or for ever when the
    listener itself awaited 'close')."""
    before = fd_count()
    with trio.fail_after(10):
        async with trionet.open_loop():
            server = trionet.create_server(lambda c: c.on("error", lambda e: None))
            server.listen(0, LOCALHOST)
            await trionet.once(server, "listening")
            got: list[Any] = []
            s = trionet.connect(server.address()["port"], LOCALHOST)

            async def on_connect() -> None:
                got.append("connect")
                s.destroy()
                try:
                    await trio.sleep_forever()
                finally:
                    got.append("listener ended")

            s.on("connect", on_connect)
            s.on("ready", lambda: got.append("ready"))
            assert await closed(s) is False
            assert got == ["connect", "listener ended"]
            server.close()
    assert fd_count() == before


async def test_the_listeners_of_a_dial_run_in_the_callers_context() -> None:
    """As in the connect task (trio copies the spawner's context): a ContextVar
    set before connect() is seen by 'connectionAttempt' and 'connect'."""
    var: contextvars.ContextVar[str] = contextvars.ContextVar("var", default="unset")
    with trio.fail_after(10):
        async with trionet.open_loop():
            server = trionet.create_server(lambda c: c.end())
            server.listen(0, LOCALHOST)
            await trionet.once(server, "listening")
            seen: list[tuple[str, str]] = []
            token = var.set("the caller's")
            s = trionet.connect(server.address()["port"], LOCALHOST)
            var.reset(token)
            s.on("connectionAttempt", lambda *_: seen.append(("attempt", var.get())))
            s.on("connect", lambda: seen.append(("connect", var.get())))
            s.resume()
            await closed(s)
            assert seen == [("attempt", "the caller's"), ("connect", "the caller's")]
            server.close()
