"""The runtime model (DESIGN §2): trionet.run, open_loop, liveness, nextTick order, errors.

Liveness is checked through behaviour (does run() return, is the handle torn down, are
file descriptors and Unix socket files gone) and through the loop's ref count, which
must be back at zero whenever a loop ends.
"""

from __future__ import annotations

import errno
import inspect
import os
import shutil
import socket as stdsocket
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import trio
import trio.lowlevel
import trio.testing
from transport_mode import FAST_PATH

import trionet
from trionet._loop import Loop, current_loop

LOCALHOST = "127.0.0.1"
WATCHDOG_SECONDS = 10


def fd_count() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture
def sock_dir() -> Iterator[str]:
    """A short directory for Unix socket paths (sun_path is limited to 108 bytes)."""
    path = tempfile.mkdtemp(prefix="tnl-", dir="/tmp")
    yield path
    shutil.rmtree(path, ignore_errors=True)


async def _watchdog(seconds: float) -> None:
    await trio.sleep(seconds)
    raise TimeoutError(f"trionet.run still running after {seconds} s")


def bounded(main: Callable[..., Any], seconds: float = WATCHDOG_SECONDS) -> Callable[..., Any]:
    """Wrap ``main`` for trionet.run with a watchdog task that does not keep the loop
    alive (``Loop.spawn`` holds no ref): a run that hangs fails instead."""

    async def wrapper(*args: Any) -> Any:
        current_loop().spawn(_watchdog, seconds)
        result = main(*args)
        if inspect.isawaitable(result):
            result = await result
        return result

    return wrapper


def trionet_tasks() -> list[str]:
    """Names of every live task, anywhere in this trio run, that runs trionet code."""
    found: list[str] = []

    def walk(task: trio.lowlevel.Task) -> None:
        for nursery in task.child_nurseries:
            for child in nursery.child_tasks:
                if "trionet" in child.name:
                    found.append(child.name)
                walk(child)

    root = trio.lowlevel.current_root_task()
    assert root is not None
    walk(root)
    return found


async def listening(server: trionet.Server, *args: Any) -> trionet.Server:
    server.listen(*args)
    with trio.fail_after(5):
        await trionet.once(server, "listening")
    return server


def port_of(server: trionet.Server) -> int:
    address = server.address()
    assert isinstance(address, dict)
    return int(address["port"])


def leaves(exc: BaseException) -> list[BaseException]:
    """The non-group exceptions in ``exc``, depth first."""
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for inner in exc.exceptions for leaf in leaves(inner)]
    return [exc]


def closed_port() -> int:
    """A loopback port nothing listens on (bound then closed)."""
    with stdsocket.socket() as s:
        s.bind((LOCALHOST, 0))
        return int(s.getsockname()[1])


# == trionet.run ==============================================================================


def test_run_sync_main_returns_its_result_and_gets_args() -> None:
    assert trionet.run(lambda a, b: (a, b), 1, "two") == (1, "two")


def test_run_async_main_returns_its_result_and_gets_args() -> None:
    async def main(a: int, b: int) -> int:
        await trio.sleep(0)
        return a + b

    assert trionet.run(main, 2, 3) == 5


def test_run_sync_main_runs_inside_a_trio_run_with_a_loop() -> None:
    def main() -> Loop:
        trio.lowlevel.current_task()  # raises outside trio
        return current_loop()

    loop = trionet.run(main)
    assert isinstance(loop, Loop)
    assert loop._refs == 0


def test_run_exception_from_main_is_raised_as_itself_with_its_chain() -> None:
    def main() -> None:
        try:
            raise KeyError("inner")
        except KeyError as exc:
            raise ValueError("boom") from exc

    with pytest.raises(ValueError, match="boom") as info:
        trionet.run(main)
    assert isinstance(info.value.__cause__, KeyError)


def test_run_keeps_running_while_a_server_is_refd_and_returns_once_closed() -> None:
    log: list[str] = []

    async def close_later(server: trionet.Server) -> None:
        await trio.sleep(0.05)  # time passing is the point: main returned long ago
        log.append("closing")
        server.close()

    def main() -> str:
        server = trionet.create_server()
        server.on("close", lambda: log.append("close"))
        server.listen(0, LOCALHOST)
        current_loop().spawn(close_later, server)  # holds no ref of its own
        log.append("main returned")
        return "done"

    assert trionet.run(bounded(main)) == "done"
    assert log == ["main returned", "closing", "close"]


def test_run_keeps_running_for_a_connection_made_after_main_returned() -> None:
    log: list[str] = []

    def main() -> None:
        def on_connection(conn: trionet.Socket) -> None:
            log.append("connection")
            conn.end()
            server.close()

        server = trionet.create_server(on_connection)
        server.on("close", lambda: log.append("server close"))

        def on_listening() -> None:
            client = trionet.connect(port_of(server), LOCALHOST)
            client.on("end", lambda: log.append("client end"))
            client.on("close", lambda _had_error: log.append("client close"))

        server.listen(0, LOCALHOST, on_listening)

    trionet.run(bounded(main))
    assert "connection" in log and "server close" in log and "client close" in log


def _serve_unrefd(transport: str, path: str, servers: list[trionet.Server], log: list[str]) -> None:
    server = trionet.create_server()
    servers.append(server)
    server.on("listening", lambda: log.append("listening"))
    if transport == "unix":
        server.listen(path)
    else:
        server.listen(0, LOCALHOST)
    assert server.unref() is server
    current_loop().spawn(_close_later, server, log)


async def _close_later(handle: trionet.Server | trionet.Socket, log: list[str]) -> None:
    await trio.sleep(WATCHDOG_SECONDS)
    log.append("still running")
    if isinstance(handle, trionet.Server):
        handle.close()
    else:
        handle.destroy()


@pytest.mark.parametrize("transport", ["tcp", "unix"])
def test_run_returns_at_once_when_the_only_server_is_unrefd(transport: str, sock_dir: str) -> None:
    path = os.path.join(sock_dir, "s.sock")
    servers: list[trionet.Server] = []  # kept alive so the GC cannot hide an fd leak
    log: list[str] = []
    before = fd_count()
    t0 = time.monotonic()
    trionet.run(_serve_unrefd, transport, path, servers, log)
    assert time.monotonic() - t0 < WATCHDOG_SECONDS / 2
    assert log == ["listening"]  # deferred events still drain first; nothing after
    assert not servers[0].listening
    assert fd_count() == before
    assert not os.path.exists(path)


@pytest.mark.parametrize("transport", ["tcp", "unix"])
def test_run_tears_down_an_unrefd_server_every_time(transport: str, sock_dir: str) -> None:
    """trio randomises task order: the server's task may not have run yet when the
    loop ends, and the socket and its file must still be gone."""
    servers: list[trionet.Server] = []
    before = fd_count()
    for i in range(50):
        path = os.path.join(sock_dir, f"{i}.sock")

        def main(path: str = path) -> None:
            server = trionet.create_server()
            servers.append(server)
            server.listen(path) if transport == "unix" else server.listen(0, LOCALHOST)
            server.unref()

        trionet.run(main)
        assert not os.path.exists(path), i
        assert fd_count() == before, i
    assert not any(server.listening for server in servers)


def test_run_returns_at_once_when_the_only_socket_is_unrefd() -> None:
    with stdsocket.create_server((LOCALHOST, 0)) as peer_listener:
        port = peer_listener.getsockname()[1]
        sockets: list[trionet.Socket] = []
        log: list[str] = []

        def main() -> None:
            sock = trionet.connect(port, LOCALHOST)
            sockets.append(sock)
            sock.on("connect", lambda: log.append("connect"))
            assert sock.unref() is sock
            current_loop().spawn(_close_later, sock, log)

        before = fd_count()
        t0 = time.monotonic()
        trionet.run(main)
        assert time.monotonic() - t0 < WATCHDOG_SECONDS / 2
        assert "still running" not in log
        assert fd_count() == before
        assert sockets[0].destroyed


def test_run_unrefd_connected_socket_is_closed_and_the_peer_sees_eof() -> None:
    with stdsocket.create_server((LOCALHOST, 0)) as peer_listener:
        port = peer_listener.getsockname()[1]
        sockets: list[trionet.Socket] = []

        async def main() -> None:
            sock = trionet.connect(port, LOCALHOST)
            sockets.append(sock)
            with trio.fail_after(5):
                await trionet.once(sock, "connect")
            sock.unref()

        before = fd_count()
        trionet.run(main)
        assert fd_count() == before
        peer, _ = peer_listener.accept()
        with peer:
            peer.settimeout(5)
            assert peer.recv(10) == b""


@pytest.mark.parametrize("handle", ["server", "socket"])
def test_run_ref_after_unref_keeps_the_loop_alive_again(handle: str) -> None:
    log: list[str] = []

    async def finish_later(target: trionet.Server | trionet.Socket) -> None:
        await trio.sleep(0.05)  # time passing is the point: the loop must still run
        log.append("finishing")
        if isinstance(target, trionet.Server):
            target.close()
        else:
            target.destroy()

    with stdsocket.create_server((LOCALHOST, 0)) as peer_listener:
        port = peer_listener.getsockname()[1]

        def main() -> None:
            target: trionet.Server | trionet.Socket
            if handle == "server":
                target = trionet.create_server().listen(0, LOCALHOST)
            else:
                target = trionet.connect(port, LOCALHOST)
            target.on("close", lambda *_: log.append("close"))
            assert target.unref().ref() is target
            current_loop().spawn(finish_later, target)

        trionet.run(bounded(main))
    assert log == ["finishing", "close"]


def test_run_unref_and_ref_before_listen() -> None:
    log: list[str] = []

    def main() -> None:
        loop = current_loop()
        server = trionet.create_server().unref()
        server.listen(0, LOCALHOST)
        assert loop._refs == 0
        server.ref()
        assert loop._refs == 1
        server.on("listening", lambda: log.append("listening"))
        server.on("listening", server.close)
        server.on("close", lambda: log.append("close"))

    trionet.run(bounded(main))
    assert log == ["listening", "close"]


# == open_loop ================================================================================


async def test_open_loop_keeps_running_while_a_server_is_refd() -> None:
    log: list[str] = []
    block_done = trio.Event()

    async def close_later(server: trionet.Server) -> None:
        await block_done.wait()
        await trio.sleep(0.05)  # time passing is the point: the block must still wait
        log.append("closing")
        server.close()

    with trio.fail_after(WATCHDOG_SECONDS):
        async with trio.open_nursery() as outer:
            async with trionet.open_loop() as loop:
                server = trionet.create_server()
                server.on("close", lambda: log.append("close"))
                server.listen(0, LOCALHOST)
                outer.start_soon(close_later, server)
                block_done.set()
            log.append("exited")
            assert loop._refs == 0
    assert log == ["closing", "close", "exited"]


@pytest.mark.parametrize("transport", ["tcp", "unix"])
async def test_open_loop_cancels_an_unrefd_server_at_exit(transport: str, sock_dir: str) -> None:
    path = os.path.join(sock_dir, "s.sock")
    before = fd_count()
    with trio.fail_after(WATCHDOG_SECONDS / 2):
        async with trionet.open_loop() as loop:
            server = trionet.create_server()
            if transport == "unix":
                await listening(server, path)
                assert os.path.exists(path)
            else:
                await listening(server, 0, LOCALHOST)
            # The listener, and the loop's epoll set on the fast path.
            assert fd_count() == before + 1 + FAST_PATH
            server.unref()
    assert loop._refs == 0
    assert not server.listening
    assert fd_count() == before
    assert not os.path.exists(path)
    assert trionet_tasks() == []


async def test_open_loop_cancels_unrefd_sockets_at_exit() -> None:
    before = fd_count()
    with trio.fail_after(WATCHDOG_SECONDS / 2):
        async with trionet.open_loop() as loop:
            accepted: list[trionet.Socket] = []
            server = trionet.create_server(accepted.append)
            await listening(server, 0, LOCALHOST)
            client = trionet.connect(port_of(server), LOCALHOST)
            await trionet.once(client, "connect")
            server.unref()
            client.unref()
            accepted[0].unref()
            assert loop._refs == 0
    assert client.destroyed and accepted[0].destroyed
    assert not server.listening
    assert fd_count() == before
    assert trionet_tasks() == []


async def test_open_loop_empty_block_returns_at_once() -> None:
    with trio.fail_after(1):
        async with trionet.open_loop() as loop:
            pass
    assert loop._refs == 0
    assert trionet_tasks() == []


async def test_open_loop_restores_the_previous_loop() -> None:
    assert trionet._loop.current_loop_or_none() is None
    async with trionet.open_loop() as loop:
        assert current_loop() is loop
    assert trionet._loop.current_loop_or_none() is None


async def test_nested_loops_attach_handles_to_the_innermost() -> None:
    with trio.fail_after(WATCHDOG_SECONDS):
        async with trionet.open_loop() as outer:
            outer_server = await listening(trionet.create_server(), 0, LOCALHOST)
            assert outer_server._loop is outer
            async with trionet.open_loop() as inner:
                assert inner is not outer
                assert current_loop() is inner
                inner_server = await listening(trionet.create_server(), 0, LOCALHOST)
                assert inner_server._loop is inner
                client = trionet.connect(port_of(outer_server), LOCALHOST)
                assert client._loop is inner
                await trionet.once(client, "connect")
                client.destroy()
                assert outer._refs >= 1 and inner._refs >= 1
                inner_server.unref()
            # The inner block did not wait for the outer loop's ref'd server ...
            assert outer_server.listening
            # ... and cancelled its own unref'd one.
            assert not inner_server.listening
            assert inner._refs == 0
            assert current_loop() is outer
            outer_server.close()
    assert outer._refs == 0


async def test_nested_loop_waits_for_its_own_refd_handles_only() -> None:
    log: list[str] = []
    with trio.fail_after(WATCHDOG_SECONDS):
        async with trionet.open_loop(), trio.open_nursery() as nursery:
            async with trionet.open_loop():
                server = trionet.create_server()
                server.on("close", lambda: log.append("inner close"))
                server.listen(0, LOCALHOST)

                async def close_later() -> None:
                    await trio.sleep(0.05)
                    server.close()

                nursery.start_soon(close_later)
            log.append("inner exited")
    assert log == ["inner close", "inner exited"]


# == no loop ===================================================================================


NO_LOOP_FACTORIES: list[Callable[[], object]] = [
    trionet.Server,
    trionet.create_server,
    trionet.Socket,
    lambda: trionet.connect(1, LOCALHOST),
    lambda: trionet.create_connection({"port": 1, "host": LOCALHOST}),
]


@pytest.mark.parametrize("factory", NO_LOOP_FACTORIES)
def test_handles_outside_any_loop_raise_naming_both_ways_in(factory: Callable[[], object]) -> None:
    with pytest.raises(RuntimeError) as info:
        factory()
    assert "trionet.run" in str(info.value)
    assert "open_loop" in str(info.value)


@pytest.mark.parametrize("factory", NO_LOOP_FACTORIES)
async def test_handles_in_trio_but_outside_a_loop_raise(factory: Callable[[], object]) -> None:
    before = fd_count()
    with pytest.raises(RuntimeError, match=r"trionet\.run.*open_loop"):
        factory()
    async with trionet.open_loop():
        pass
    with pytest.raises(RuntimeError, match=r"trionet\.run.*open_loop"):
        factory()
    assert fd_count() == before


def test_current_loop_outside_any_loop_raises() -> None:
    with pytest.raises(RuntimeError, match=r"trionet\.run.*open_loop"):
        current_loop()


# == uncaught errors ==========================================================================


def test_run_unhandled_error_event_ends_run_with_the_net_error_itself() -> None:
    port = closed_port()
    log: list[str] = []

    def main() -> None:
        trionet.connect(port, LOCALHOST)  # no 'error' listener
        # A ref'd server that would keep run() alive: the error must end it anyway.
        server = trionet.create_server().listen(0, LOCALHOST)
        server.on("close", lambda: log.append("server close"))

    before = fd_count()
    with pytest.raises(trionet.NetError) as info:
        trionet.run(bounded(main))
    assert type(info.value) is trionet.NetError
    assert info.value.code == "ECONNREFUSED"
    assert info.value.syscall == "connect"
    assert info.value.port == port
    assert fd_count() == before  # the server was torn down too


def test_run_error_with_a_listener_does_not_end_run() -> None:
    port = closed_port()
    errors: list[BaseException] = []

    def main() -> str:
        trionet.connect(port, LOCALHOST).on("error", errors.append)
        return "ok"

    assert trionet.run(bounded(main)) == "ok"
    assert [getattr(e, "code", None) for e in errors] == ["ECONNREFUSED"]


def test_run_unhandled_listen_error_ends_run_with_eaddrinuse() -> None:
    with stdsocket.create_server((LOCALHOST, 0)) as taken:
        port = taken.getsockname()[1]

        def main() -> None:
            trionet.create_server().listen(port, LOCALHOST)

        with pytest.raises(trionet.NetError) as info:
            trionet.run(bounded(main))
    assert info.value.code == "EADDRINUSE"


def test_run_exception_from_a_listener_ends_run_as_itself_with_its_cause() -> None:
    def on_listening() -> None:
        try:
            raise KeyError("cause")
        except KeyError as exc:
            raise ValueError("from listener") from exc

    def main() -> None:
        trionet.create_server().listen(0, LOCALHOST, on_listening)

    before = fd_count()
    with pytest.raises(ValueError, match="from listener") as info:
        trionet.run(bounded(main))
    assert isinstance(info.value.__cause__, KeyError)
    assert fd_count() == before


def test_run_exception_from_an_async_listener_ends_run_as_itself() -> None:
    async def on_connect() -> None:
        await trio.sleep(0)
        raise ValueError("async listener")

    with stdsocket.create_server((LOCALHOST, 0)) as peer_listener:
        port = peer_listener.getsockname()[1]

        def main() -> None:
            trionet.connect(port, LOCALHOST, on_connect)

        with pytest.raises(ValueError, match="async listener"):
            trionet.run(bounded(main))


def test_run_exception_from_a_deferred_callback_ends_run_as_itself() -> None:
    def boom() -> None:
        raise LookupError("deferred")

    def main() -> None:
        current_loop().defer(boom)

    with pytest.raises(LookupError, match="deferred"):
        trionet.run(main)


async def test_open_loop_unhandled_error_event_raises_the_net_error_itself() -> None:
    """Decision: open_loop raises a single uncaught error as itself, as run() does.

    Without unwrapping it surfaced as ExceptionGroup(ExceptionGroup(NetError)) for a
    socket but ExceptionGroup(NetError) for a server: the depth is an implementation
    detail. ``except*`` still catches the bare error (next test)."""
    port = closed_port()
    before = fd_count()
    servers: list[trionet.Server] = []

    async def scenario() -> None:
        async with trionet.open_loop():
            servers.append(await listening(trionet.create_server(), 0, LOCALHOST))
            trionet.connect(port, LOCALHOST)
            await trio.sleep_forever()

    with trio.fail_after(5), pytest.raises(trionet.NetError) as info:
        await scenario()
    assert type(info.value) is trionet.NetError
    assert info.value.code == "ECONNREFUSED"
    assert not servers[0].listening
    assert fd_count() == before
    assert trionet_tasks() == []


async def test_open_loop_uncaught_errors_still_match_except_star() -> None:
    port = closed_port()
    caught: list[BaseException] = []
    with trio.fail_after(5):
        try:
            async with trionet.open_loop():
                trionet.connect(port, LOCALHOST)
        except* trionet.NetError as group:
            caught.extend(leaves(group))
    assert [getattr(e, "code", None) for e in caught] == ["ECONNREFUSED"]


async def test_open_loop_listener_exception_raises_itself_with_its_chain() -> None:
    def on_listening() -> None:
        try:
            raise KeyError("cause")
        except KeyError as exc:
            raise ValueError("listener") from exc

    with trio.fail_after(5):
        with pytest.raises(ValueError, match="listener") as info:
            async with trionet.open_loop():
                trionet.create_server().listen(0, LOCALHOST, on_listening)
    assert isinstance(info.value.__cause__, KeyError)
    assert info.value.__context__ is info.value.__cause__


async def test_open_loop_body_exception_raises_itself_and_tears_down() -> None:
    before = fd_count()
    servers: list[trionet.Server] = []

    async def scenario() -> None:
        async with trionet.open_loop():
            servers.append(await listening(trionet.create_server(), 0, LOCALHOST))
            raise AssertionError("body")

    with trio.fail_after(5), pytest.raises(AssertionError, match="body") as info:
        await scenario()
    assert info.value.__context__ is None
    assert not servers[0].listening
    assert fd_count() == before


async def test_open_loop_several_concurrent_errors_stay_a_group() -> None:
    async def fail(exc: BaseException) -> None:
        raise exc

    first, second = ValueError("first"), KeyError("second")

    async def scenario() -> None:
        async with trionet.open_loop() as loop:
            loop.spawn(fail, first)
            loop.spawn(fail, second)
            await trio.sleep_forever()

    with trio.fail_after(5), pytest.raises(BaseExceptionGroup) as info:
        await scenario()
    assert {id(e) for e in leaves(info.value)} == {id(first), id(second)}


# == nextTick order ===========================================================================


async def test_defer_is_never_synchronous_and_runs_in_fifo_order() -> None:
    log: list[int] = []
    done = trio.Event()
    with trio.fail_after(5):
        async with trionet.open_loop() as loop:
            for i in range(100):
                loop.defer(log.append, i)
            assert log == []
            loop.defer(done.set)
            await done.wait()
    assert log == list(range(100))


async def test_defer_from_a_deferred_callback_runs_after_what_was_already_queued() -> None:
    log: list[str] = []
    with trio.fail_after(5):
        async with trionet.open_loop() as loop:

            def first() -> None:
                log.append("first")
                loop.defer(log.append, "scheduled by first")

            loop.defer(first)
            loop.defer(log.append, "second")
    assert log == ["first", "second", "scheduled by first"]


async def test_deferred_async_callback_runs_and_keeps_the_loop_alive() -> None:
    log: list[str] = []

    async def slow() -> None:
        await trio.sleep(0.05)
        log.append("slow done")

    with trio.fail_after(5):
        async with trionet.open_loop() as loop:
            loop.defer(slow)
    log.append("exited")
    assert log == ["slow done", "exited"]
    assert loop._refs == 0


async def test_listening_events_of_two_servers_fire_in_listen_order() -> None:
    with trio.fail_after(WATCHDOG_SECONDS):
        async with trionet.open_loop() as loop:
            for _ in range(50):
                log: list[str] = []
                s1, s2 = trionet.create_server(), trionet.create_server()
                s1.on("listening", lambda log=log: log.append("s1"))
                s2.on("listening", lambda log=log: log.append("s2"))
                s1.listen(0, LOCALHOST)
                s2.listen(0, LOCALHOST)
                assert log == []  # never inside listen()
                both = trio.Event()
                loop.defer(both.set)
                await both.wait()
                assert log == ["s1", "s2"]
                s1.close()
                s2.close()
        assert loop._refs == 0


async def test_events_across_servers_and_callbacks_keep_schedule_order() -> None:
    with trio.fail_after(WATCHDOG_SECONDS):
        for _ in range(50):
            log: list[str] = []
            async with trionet.open_loop() as loop:
                s1, s2 = trionet.create_server(), trionet.create_server()
                s1.on("listening", lambda log=log: log.append("s1 listening"))
                s2.on("listening", lambda log=log: log.append("s2 listening"))
                s1.on("close", lambda log=log: log.append("s1 close"))
                s2.on("close", lambda log=log: log.append("s2 close"))
                s2.listen(0, LOCALHOST)
                s1.listen(0, LOCALHOST)
                s1.get_connections(lambda err, n, log=log: log.append(f"s1 count {n}"))
                loop.defer(s2.close)
                loop.defer(s1.close)
            assert log == [
                "s2 listening",
                "s1 listening",
                "s1 count 0",
                "s2 close",
                "s1 close",
            ]


async def test_listen_then_close_emits_only_close_as_node_does() -> None:
    """Node v20: ``s.listen(0); s.close()`` emits 'close' and no 'listening'
    (emitListeningNT checks the handle is still open). The order of what is
    emitted is the order of the calls."""
    with trio.fail_after(WATCHDOG_SECONDS):
        for _ in range(50):
            log: list[str] = []
            async with trionet.open_loop() as loop:
                server = trionet.create_server()
                server.on("listening", lambda log=log: log.append("listening"))
                server.on("close", lambda log=log: log.append("close"))
                server.listen(0, LOCALHOST)
                server.close()
                assert log == []
            assert log == ["close"]
            assert loop._refs == 0


async def test_listening_then_close_when_close_is_deferred_behind_listening() -> None:
    with trio.fail_after(WATCHDOG_SECONDS):
        for _ in range(50):
            log: list[str] = []
            async with trionet.open_loop() as loop:
                server = trionet.create_server()
                server.on("listening", lambda log=log: log.append("listening"))
                server.on("close", lambda log=log: log.append("close"))
                server.listen(0, LOCALHOST)
                loop.defer(server.close)
            assert log == ["listening", "close"]


# == async listeners on a plain EventEmitter =====================================================


async def test_plain_emitter_async_listener_runs_and_keeps_open_loop_alive() -> None:
    log: list[str] = []
    release = trio.Event()

    async def listener(value: int) -> None:
        log.append(f"start {value}")
        await release.wait()
        log.append(f"end {value}")

    async def release_later() -> None:
        await trio.sleep(0.05)  # the block has ended by now; the listener holds the loop
        log.append("releasing")
        release.set()

    with trio.fail_after(WATCHDOG_SECONDS):
        async with trio.open_nursery() as nursery:
            async with trionet.open_loop() as loop:
                emitter = trionet.EventEmitter()
                emitter.on("x", listener)
                assert emitter.emit("x", 1) is True
                assert loop._refs == 1
                nursery.start_soon(release_later)
            log.append("exited")
    assert log == ["start 1", "releasing", "end 1", "exited"]
    assert loop._refs == 0


def test_plain_emitter_async_listener_keeps_run_alive() -> None:
    log: list[str] = []

    async def listener() -> None:
        await trio.sleep(0.05)
        log.append("listener done")

    def main() -> None:
        emitter = trionet.EventEmitter()
        emitter.on("x", listener)
        emitter.emit("x")
        log.append("main returned")

    trionet.run(bounded(main))
    assert log == ["main returned", "listener done"]


async def test_plain_emitter_async_listener_exception_ends_the_loop() -> None:
    async def listener() -> None:
        await trio.sleep(0)
        raise ValueError("listener failed")

    async def scenario() -> None:
        async with trionet.open_loop():
            emitter = trionet.EventEmitter()
            emitter.on("x", listener)
            emitter.emit("x")
            await trio.sleep_forever()

    with trio.fail_after(5), pytest.raises(ValueError, match="listener failed"):
        await scenario()


# == cancellation from outside =================================================================


async def _live_handles(sock_dir: str) -> dict[str, Any]:
    """Start a TCP and a Unix server and a connection to each."""
    accepted: list[trionet.Socket] = []
    tcp = await listening(trionet.create_server(accepted.append), 0, LOCALHOST)
    path = os.path.join(sock_dir, "live.sock")
    unix = await listening(trionet.create_server(accepted.append), path)
    connected: list[None] = []
    all_connected = trio.Event()

    def on_connect() -> None:
        connected.append(None)
        if len(connected) == 2:
            all_connected.set()

    clients = [
        trionet.connect(port_of(tcp), LOCALHOST, on_connect),
        trionet.connect(path, on_connect),
    ]
    await all_connected.wait()
    await trio.testing.wait_all_tasks_blocked()
    assert len(accepted) == 2
    return {"servers": [tcp, unix], "clients": clients + accepted, "path": path}


@pytest.mark.parametrize("how", ["deadline", "cancel"])
async def test_cancelling_the_surrounding_scope_tears_everything_down(
    how: str, sock_dir: str
) -> None:
    before = fd_count()
    handles: dict[str, Any] = {}
    ready = trio.Event()

    async def body(scope: trio.CancelScope | None = None) -> None:
        async with trionet.open_loop() as loop:
            handles.update(await _live_handles(sock_dir))
            handles["loop"] = loop
            # 2 listeners, 2 clients, 2 accepted, and the loop's epoll set (trionet._poller)
            # on the fast path.
            assert fd_count() == before + 6 + FAST_PATH
            assert trionet_tasks() != []
            ready.set()
            if scope is not None:
                scope.deadline = trio.current_time() + 0.01
            await trio.sleep_forever()

    with trio.fail_after(WATCHDOG_SECONDS):
        if how == "deadline":
            with trio.move_on_after(WATCHDOG_SECONDS * 2) as scope:
                await body(scope)
            assert scope.cancelled_caught
        else:
            async with trio.open_nursery() as nursery:
                nursery.start_soon(body)
                await ready.wait()
                nursery.cancel_scope.cancel()

    assert ready.is_set()
    assert not any(server.listening for server in handles["servers"])
    assert all(client.destroyed for client in handles["clients"])
    assert not os.path.exists(handles["path"])
    assert fd_count() == before
    assert trionet_tasks() == []
    assert handles["loop"]._refs == 0


@pytest.mark.parametrize("transport", ["tcp", "unix"])
async def test_cancelled_before_listening_was_emitted_still_tears_down(
    transport: str, sock_dir: str
) -> None:
    """The server's task may not have started when the cancellation arrives."""
    before = fd_count()
    for i in range(50):
        path = os.path.join(sock_dir, f"{i}.sock")
        with trio.fail_after(5):
            with trio.CancelScope() as scope:
                async with trionet.open_loop():
                    server = trionet.create_server()
                    if transport == "unix":
                        server.listen(path)
                    else:
                        server.listen(0, LOCALHOST)
                    scope.cancel()
        assert not server.listening, i
        assert not os.path.exists(path), i
        assert fd_count() == before, i
    assert trionet_tasks() == []


async def test_cancelling_while_connecting_closes_the_socket() -> None:
    before = fd_count()
    with trio.fail_after(5):
        with trio.CancelScope() as scope:
            async with trionet.open_loop():
                # 192.0.2.0/24 is TEST-NET-1: the connect hangs (or fails at once
                # when there is no route, which is fine too).
                client = trionet.connect(9, "192.0.2.1")
                client.on("error", lambda _e: None)
                await trio.testing.wait_all_tasks_blocked()
                scope.cancel()
    assert client.destroyed
    assert fd_count() == before
    assert trionet_tasks() == []


# == ref accounting =============================================================================


async def test_ref_and_unref_are_idempotent_and_balanced() -> None:
    with trio.fail_after(5):
        async with trionet.open_loop() as loop:
            server = trionet.create_server()
            assert loop._refs == 0
            server.unref().unref().ref().ref().unref()
            assert loop._refs == 0
            await listening(server, 0, LOCALHOST)
            assert loop._refs == 0
            server.ref().ref()
            assert loop._refs == 1
            client = trionet.connect(port_of(server), LOCALHOST)
            # The socket's ref, and its connect in flight (held ref'd or not, as a
            # libuv request is).
            assert loop._refs == 3
            client.unref().unref()
            assert loop._refs == 2
            client.ref().ref()
            assert loop._refs == 3
            await trionet.once(client, "connect")
            client.destroy()
            await trionet.once(client, "close")
            server.close()
            await trionet.once(server, "close")
            assert loop._refs == 0
            # After the handle is gone, ref()/unref() must not touch the count.
            server.unref().ref().ref()
            client.unref().ref().ref()
            assert loop._refs == 0
    assert loop._refs == 0


async def test_refs_are_given_back_on_error_paths() -> None:
    with trio.fail_after(5):
        async with trionet.open_loop() as loop:
            taken = await listening(trionet.create_server(), 0, LOCALHOST)
            server = trionet.create_server()
            errors: list[BaseException] = []
            server.on("error", errors.append)
            server.listen(port_of(taken), LOCALHOST)
            client = trionet.connect(closed_port(), LOCALHOST)
            client.on("error", errors.append)
            closed = trio.Event()
            client.on("close", lambda _had_error: closed.set())
            await closed.wait()
            await trio.testing.wait_all_tasks_blocked()
            assert sorted(getattr(e, "code", "") for e in errors) == [
                "EADDRINUSE",
                "ECONNREFUSED",
            ]
            assert loop._refs == 1  # only `taken`
            taken.close()
    assert loop._refs == 0


async def test_spawn_awaitable_after_the_loop_ended_gives_the_ref_back() -> None:
    async with trionet.open_loop() as loop:
        pass
    assert loop._refs == 0

    async def listener() -> None:
        raise AssertionError("must never run")

    coro = listener()
    with pytest.raises(RuntimeError, match="loop has ended"):
        loop.spawn_awaitable(coro)
    assert loop._refs == 0
    # Closed, so no "coroutine was never awaited" warning hides the mistake.
    assert inspect.getcoroutinestate(coro) == inspect.CORO_CLOSED


async def test_server_async_listener_after_the_loop_ended_does_not_leak_a_ref() -> None:
    async with trionet.open_loop() as loop:
        server = trionet.create_server()

    async def listener() -> None:
        raise AssertionError("must never run")

    server.on("custom", listener)
    with pytest.raises((RuntimeError, TypeError)):
        server.emit("custom")
    assert loop._refs == 0


async def test_loop_ended_is_set_once_the_block_is_over_and_spawn_then_says_so() -> None:
    async with trionet.open_loop() as loop:
        ended_inside = loop.ended
    assert (ended_inside, loop.ended) == (False, True)
    with pytest.raises(RuntimeError, match="loop has ended"):
        loop.spawn(trio.sleep, 0)


async def test_loop_ended_after_an_error_too() -> None:
    loops: list[Loop] = []

    async def scenario() -> None:
        async with trionet.open_loop() as loop:
            loops.append(loop)
            raise KeyError("x")

    with pytest.raises(KeyError):
        await scenario()
    assert loops[0].ended


async def test_handles_used_after_their_loop_ended_raise_and_open_nothing() -> None:
    async with trionet.open_loop():
        server = trionet.create_server()
        sock = trionet.Socket()
    before = fd_count()
    with pytest.raises(RuntimeError, match="ended"):
        server.listen(0, LOCALHOST)
    with pytest.raises(RuntimeError, match="ended"):
        sock.connect(1, LOCALHOST)
    assert fd_count() == before
    assert not server.listening
    assert not sock.connecting


@pytest.mark.parametrize("transport", ["tcp", "unix"])
async def test_an_error_in_a_connection_listener_closes_the_connection_it_was_given(
    transport: str, sock_dir: str
) -> None:
    """The listener raises before the connection is parked or has a task: only the
    loop's registry of active handles knows it, and closes it as the loop ends."""
    before = fd_count()
    path = os.path.join(sock_dir, "s.sock")
    accepted: list[trionet.Socket] = []

    def on_connection(sock: trionet.Socket) -> None:
        accepted.append(sock)
        raise ValueError("listener")

    client = stdsocket.socket(stdsocket.AF_UNIX if transport == "unix" else stdsocket.AF_INET)
    client.setblocking(False)

    async def scenario() -> None:
        async with trionet.open_loop():
            server = trionet.create_server(on_connection)
            if transport == "unix":
                await listening(server, path)
                target: Any = path
            else:
                target = (LOCALHOST, port_of(await listening(server, 0, LOCALHOST)))
            # Not trio's connect(): cancelled by the loop's end, it would close the
            # client. A loopback handshake completes without the client's help.
            assert client.connect_ex(target) in (0, errno.EINPROGRESS)

    try:
        with trio.fail_after(5), pytest.raises(ValueError, match="listener"):
            await scenario()
        assert accepted and accepted[0].destroyed
        # The server side closed its end: the client reads end-of-file.
        client.setblocking(True)
        client.settimeout(5)
        assert client.recv(1) == b""
    finally:
        client.close()
    assert fd_count() == before
    assert not os.path.exists(path)
