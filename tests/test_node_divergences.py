"""Issue 11: behaviours where trionet differed from Node, on real loopback sockets.

Each test asserts what node v20 does (the conformance pairs under
``tests/conformance`` print the same behaviour from node itself): TCP over
127.0.0.1 and ::1, and Unix paths, wherever the behaviour applies to the family.
"""

from __future__ import annotations

import os
import socket as stdsocket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import trio
import trio.testing
from emitters import next_event

import trionet

TRANSPORTS = ["tcp4", "tcp6", "unix"]
TCP_TRANSPORTS = ["tcp4", "tcp6"]
BIG = 16 * 1024 * 1024  # more than loopback's kernel buffers ever hold


def _skip_without_ipv6(transport: str) -> str:
    if transport == "tcp6" and not stdsocket.has_ipv6:
        pytest.skip("no IPv6")
    return transport


@pytest.fixture(params=TRANSPORTS)
def transport(request: pytest.FixtureRequest) -> str:
    return _skip_without_ipv6(str(request.param))


@pytest.fixture(params=TCP_TRANSPORTS)
def tcp_transport(request: pytest.FixtureRequest) -> str:
    return _skip_without_ipv6(str(request.param))


def _host(transport: str) -> str:
    return "127.0.0.1" if transport == "tcp4" else "::1"


async def listen(
    transport: str,
    tmp_path: Path,
    listener: Callable[..., object] | None = None,
    name: str = "s.sock",
    **kw: Any,
) -> tuple[trionet.Server, tuple[Any, ...]]:
    """A listening server and the connect() arguments that reach it."""
    server = trionet.create_server(listener, **kw)
    if transport == "unix":
        server.listen(str(tmp_path / name))
    else:
        server.listen(0, _host(transport))
    await trionet.once(server, "listening")
    address = server.address()
    if transport == "unix":
        assert isinstance(address, str)
        return server, (address,)
    assert isinstance(address, dict)
    return server, (address["port"], _host(transport))


def nothing_there(transport: str, tmp_path: Path) -> tuple[tuple[Any, ...], str]:
    """connect() arguments where nothing listens, and the error code Node gives."""
    if transport == "unix":
        return (str(tmp_path / "missing.sock"),), "ENOENT"
    family = stdsocket.AF_INET if transport == "tcp4" else stdsocket.AF_INET6
    with stdsocket.socket(family) as probe:
        probe.bind((_host(transport), 0))
        port = probe.getsockname()[1]
    return (port, _host(transport)), "ECONNREFUSED"


class Closed:
    """Records 'close' (had_error) and lets a test wait for it."""

    def __init__(self, sock: trionet.Socket) -> None:
        self.event = trio.Event()
        self.had_error: bool | None = None
        sock.on("close", self._on_close)

    def _on_close(self, had_error: bool) -> None:
        self.had_error = had_error
        self.event.set()

    async def wait(self) -> bool | None:
        await self.event.wait()
        return self.had_error


def code_of(error: object) -> object:
    return getattr(error, "code", error)


def echo_at_end(c: trionet.Socket) -> None:
    """Collect what the peer sends, answer ``echo:<it>`` once it has ended."""
    chunks: list[bytes] = []
    c.on("data", chunks.append)
    c.on("end", lambda: c.end(b"echo:" + b"".join(chunks)))


# ================================================================ item 1: reconnect


async def test_reconnect_after_close_connects_again_with_fresh_state(
    transport: str, tmp_path: Path
) -> None:
    with trio.fail_after(10):
        async with trionet.open_loop():
            server, args = await listen(transport, tmp_path, echo_at_end)
            s = trionet.connect(*args)
            events: list[Any] = []
            for name in ("connect", "ready", "end", "finish", "error"):
                s.on(name, lambda *a, name=name: events.append(name))
            data: list[bytes] = []
            s.on("data", data.append)

            closed = Closed(s)
            await next_event(s, "connect")
            first_local = s.local_port
            s.end(b"one")
            assert await closed.wait() is False
            assert (s.destroyed, s.connecting, s.pending, s.ready_state) == (
                True,
                False,
                True,
                "closed",
            )
            assert (s.bytes_read, s.bytes_written) == (len(b"echo:one"), 3)
            assert sorted(events) == ["connect", "end", "finish", "ready"]

            events.clear()
            data.clear()
            closed = Closed(s)
            assert s.connect(*args) is s
            assert (s.destroyed, s.connecting, s.pending, s.ready_state) == (
                False,
                True,
                True,
                "opening",
            )
            assert (s.bytes_read, s.bytes_written) == (0, 0)
            await next_event(s, "connect")
            assert (s.destroyed, s.connecting, s.pending, s.ready_state) == (
                False,
                False,
                False,
                "open",
            )
            if transport != "unix":
                assert s.remote_address == _host(transport)
                assert s.remote_port == args[0]
                assert s.local_port != first_local
            s.end(b"two!")
            assert await closed.wait() is False
            assert b"".join(data) == b"echo:two!"
            assert (s.bytes_read, s.bytes_written) == (len(b"echo:two!"), 4)
            assert events[:2] == ["connect", "ready"]
            assert sorted(events[2:]) == ["end", "finish"]
            server.close()


async def test_reconnect_after_a_failed_connect(transport: str, tmp_path: Path) -> None:
    with trio.fail_after(10):
        async with trionet.open_loop():
            bad_args, code = nothing_there(transport, tmp_path)
            s = trionet.connect(*bad_args)
            errors: list[Any] = []
            s.on("error", errors.append)
            connects: list[None] = []
            s.on("connect", lambda: connects.append(None))
            closed = Closed(s)
            assert await closed.wait() is True
            assert [e.code for e in errors] == [code]
            assert (s.destroyed, s.pending, s.ready_state) == (True, True, "closed")

            got: list[bytes] = []

            def on_connection(c: trionet.Socket) -> None:
                c.on("data", got.append)
                c.on("end", lambda: c.end())

            server, args = await listen(transport, tmp_path, on_connection, name="later.sock")
            closed = Closed(s)
            s.connect(*args)
            assert (s.destroyed, s.connecting, s.ready_state) == (False, True, "opening")
            await next_event(s, "connect")
            assert (s.destroyed, s.ready_state) == (False, "open")
            s.resume()
            s.end(b"hi")
            assert await closed.wait() is False
            assert b"".join(got) == b"hi"
            assert len(errors) == 1
            assert len(connects) == 1
            server.close()


# ================================================================ item 2: heartbeat


async def test_write_in_timeout_listener_rearms_the_idle_timer(
    transport: str, tmp_path: Path
) -> None:
    got: list[bytes] = []

    def silent(c: trionet.Socket) -> None:
        c.on("data", got.append)
        c.on("end", lambda: c.end())

    with trio.fail_after(10):
        async with trionet.open_loop():
            server, args = await listen(transport, tmp_path, silent)
            s = trionet.connect(*args)
            s.resume()
            await next_event(s, "connect")
            timeouts: list[str] = []

            def on_timeout() -> None:
                timeouts.append(s.ready_state)
                if len(timeouts) < 3:
                    s.write(f"ping{len(timeouts)};")
                else:
                    s.end("bye")

            s.set_timeout(30)
            s.on("timeout", on_timeout)
            closed = Closed(s)
            assert await closed.wait() is False
            server.close()
    # Three 'timeout's although the peer never said a word: each ping re-armed it.
    assert timeouts == ["open", "open", "open"]
    assert b"".join(got) == b"ping1;ping2;bye"


# ================================================================ item 4: write callbacks


async def test_destroy_calls_every_queued_write_callback(transport: str, tmp_path: Path) -> None:
    conns: list[trionet.Socket] = []
    calls: list[tuple[str, object]] = []

    def cb(tag: str) -> Callable[[object], None]:
        return lambda err: calls.append((tag, code_of(err)))

    with trio.fail_after(10):
        async with trionet.open_loop():
            server, args = await listen(transport, tmp_path, conns.append, pause_on_connect=True)
            s = trionet.connect(*args)
            await next_event(s, "connect")
            assert s.write(b"x" * 2 * BIG, cb("big")) is False
            assert s.write("a", cb("a")) is False
            assert s.write("b", cb("b")) is False
            assert s.buffer_size > 0
            closed = Closed(s)
            errors: list[Any] = []
            s.on("error", errors.append)
            s.destroy()
            assert s.buffer_size is None  # no handle any more (Node: undefined)
            assert s.write("c", cb("c")) is False
            assert await closed.wait() is False
            for c in conns:
                c.destroy()
            server.close()
    # Node: the chunk libuv had started gets null; the rest ERR_STREAM_DESTROYED.
    assert sorted(calls) == [
        ("a", "ERR_STREAM_DESTROYED"),
        ("b", "ERR_STREAM_DESTROYED"),
        ("big", None),
        ("c", "ERR_STREAM_DESTROYED"),
    ]
    assert errors == []


async def test_destroy_while_connecting_fails_queued_writes_closed_before_connection(
    transport: str, tmp_path: Path
) -> None:
    calls: list[tuple[str, object]] = []
    with trio.fail_after(10):
        async with trionet.open_loop():
            server, args = await listen(transport, tmp_path, lambda c: c.resume())
            s = trionet.connect(*args)
            s.write("a", lambda e: calls.append(("a", code_of(e))))
            s.write("b", lambda e: calls.append(("b", code_of(e))))
            s.end("c", lambda e: calls.append(("end", code_of(e))))
            errors: list[Any] = []
            s.on("error", errors.append)
            closed = Closed(s)
            s.destroy()
            assert await closed.wait() is False
            server.close()
    assert calls == [
        ("a", "ERR_SOCKET_CLOSED_BEFORE_CONNECTION"),
        ("b", "ERR_SOCKET_CLOSED_BEFORE_CONNECTION"),
        ("end", "ERR_SOCKET_CLOSED_BEFORE_CONNECTION"),
    ]
    assert errors == []


async def test_failed_connect_fails_queued_writes(transport: str, tmp_path: Path) -> None:
    seen: list[tuple[str, object]] = []
    with trio.fail_after(10):
        async with trionet.open_loop():
            args, code = nothing_there(transport, tmp_path)
            s = trionet.connect(*args)
            s.write("a", lambda e: seen.append(("a", code_of(e))))
            s.write("b", lambda e: seen.append(("b", code_of(e))))
            s.end("c", lambda e: seen.append(("end", code_of(e))))
            s.on("error", lambda e: seen.append(("error", code_of(e))))
            closed = Closed(s)
            assert await closed.wait() is True
    # Node: 'error' first; the write waiting for 'connect' gets
    # ERR_SOCKET_CLOSED_BEFORE_CONNECTION, the ones queued behind it the error.
    assert seen == [
        ("error", code),
        ("a", "ERR_SOCKET_CLOSED_BEFORE_CONNECTION"),
        ("b", code),
        ("end", code),
    ]


async def test_pre_connect_write_callback_runs_before_later_connect_listeners(
    transport: str, tmp_path: Path
) -> None:
    order: list[str] = []
    with trio.fail_after(10):
        async with trionet.open_loop():
            server, args = await listen(transport, tmp_path, echo_at_end)
            s = trionet.connect(*args, lambda: order.append("connect cb"))
            s.write("a", lambda e: order.append(f"a cb {e}"))
            s.on("connect", lambda: order.append("connect listener"))
            s.write("b", lambda e: order.append(f"b cb {e}"))
            s.on("ready", lambda: order.append("ready"))
            s.end("c", lambda e: order.append(f"end cb {e}"))
            s.resume()
            closed = Closed(s)
            assert await closed.wait() is False
            server.close()
    assert order == [
        "connect cb",
        "a cb None",
        "connect listener",
        "ready",
        "b cb None",
        "end cb None",
    ]


# ================================================================ item 5: write after FIN


async def test_write_after_peer_fin_and_own_end_is_epipe(transport: str, tmp_path: Path) -> None:
    def on_connection(c: trionet.Socket) -> None:
        c.resume()
        c.on("end", lambda: c.end())

    seen: list[tuple[str, Any]] = []
    with trio.fail_after(10):
        async with trionet.open_loop():
            server, args = await listen(transport, tmp_path, on_connection)
            s = trionet.connect(*args, lambda: s.end("x"))
            s.resume()

            def on_end() -> None:
                seen.append(("end", (s.destroyed, s.writable_ended)))
                seen.append(("write", s.write("late", lambda e: seen.append(("cb", e)))))

            s.on("end", on_end)
            s.on("error", lambda e: seen.append(("error", e)))
            closed = Closed(s)
            assert await closed.wait() is True
            late = trio.Event()
            late_errors: list[Any] = []

            def on_late(e: object) -> None:
                late_errors.append(e)
                late.set()

            assert s.write("later", on_late) is False
            await late.wait()
            server.close()
    assert [name for name, _ in seen] == ["end", "write", "cb", "error"]
    assert seen[0][1] == (False, True)
    assert seen[1][1] is False
    cb_error, error = seen[2][1], seen[3][1]
    for e in (cb_error, error, late_errors[0]):
        assert e.code == "EPIPE"
        assert str(e) == "This socket has been ended by the other party"
    assert cb_error is error


# ================================================================ item 7: paused reading


async def test_pause_on_connect_reads_nothing_until_resume(transport: str, tmp_path: Path) -> None:
    with trio.fail_after(10):
        async with trionet.open_loop():
            server, args = await listen(transport, tmp_path, pause_on_connect=True)
            s = trionet.connect(*args)
            (c,) = await next_event(server, "connection")
            written = trio.Event()
            s.end(b"c" * 3000, lambda e: written.set())
            await written.wait()
            await trio.testing.wait_all_tasks_blocked(0.05)
            assert c.is_paused()
            assert (c.bytes_read, c.readable_length) == (0, 0)
            got: list[bytes] = []
            c.on("data", got.append)
            c.resume()
            await next_event(c, "end")
            assert b"".join(got) == b"c" * 3000
            assert c.bytes_read == 3000
            s.destroy()
            c.destroy()
            server.close()


async def test_pause_on_connect_descriptor_handed_on_loses_nothing(
    transport: str, tmp_path: Path
) -> None:
    """Node's reason for pauseOnConnect: the descriptor can be handed on (to
    another process, or here another Socket) with every byte still in the kernel."""
    payload = bytes(range(256)) * 200
    with trio.fail_after(10):
        async with trionet.open_loop():
            server, args = await listen(transport, tmp_path, pause_on_connect=True)
            s = trionet.connect(*args)
            (c,) = await next_event(server, "connection")
            written = trio.Event()
            s.end(payload, lambda e: written.set())
            await written.wait()
            await trio.testing.wait_all_tasks_blocked(0.05)
            handed = trionet.Socket(fd=os.dup(c._trionet_handle_fileno))
            c.destroy()  # the duplicate keeps the connection: no RST
            got: list[bytes] = []
            handed.on("data", got.append)
            await next_event(handed, "end")
            assert b"".join(got) == payload
            assert c.bytes_read == 0
            handed.destroy()
            s.destroy()
            server.close()


async def test_client_paused_before_connect_reads_nothing(transport: str, tmp_path: Path) -> None:
    with trio.fail_after(10):
        async with trionet.open_loop():
            server, args = await listen(transport, tmp_path)
            s = trionet.connect(*args)
            s.pause()
            (c,) = await next_event(server, "connection")
            if s.connecting:
                await next_event(s, "connect")
            written = trio.Event()
            c.end(b"s" * 3000, lambda e: written.set())
            await written.wait()
            await trio.testing.wait_all_tasks_blocked(0.05)
            assert (s.bytes_read, s.readable_length) == (0, 0)
            got: list[bytes] = []
            s.on("data", got.append)
            s.resume()
            await next_event(s, "end")
            assert b"".join(got) == b"s" * 3000
            s.destroy()
            server.close()


async def test_destroy_with_unread_bytes_resets_the_peer(transport: str, tmp_path: Path) -> None:
    with trio.fail_after(10):
        async with trionet.open_loop():
            server, args = await listen(transport, tmp_path, pause_on_connect=True)
            s = trionet.connect(*args)
            s.resume()
            seen: list[Any] = []
            s.on("end", lambda: seen.append("end"))
            s.on("error", lambda e: seen.append(e.code))
            closed = Closed(s)
            written = trio.Event()
            s.write("unread bytes", lambda e: written.set())
            (c,) = await next_event(server, "connection")
            await written.wait()
            assert c.bytes_read == 0
            c.destroy()
            assert await closed.wait() is True
            server.close()
    assert seen == ["ECONNRESET"]


async def test_pause_on_connect_backpressure_reaches_the_writer(
    transport: str, tmp_path: Path
) -> None:
    with trio.fail_after(10):
        async with trionet.open_loop():
            server, args = await listen(transport, tmp_path, pause_on_connect=True)
            s = trionet.connect(*args)
            (c,) = await next_event(server, "connection")
            if s.connecting:
                await next_event(s, "connect")
            assert s.write(b"x" * BIG) is False
            await trio.testing.wait_all_tasks_blocked(0.05)
            # The kernel holds at most a few MiB of it: the rest waits in trionet.
            assert BIG // 2 < s.buffer_size <= BIG
            assert s.writable_need_drain
            assert c.bytes_read == 0
            assert c.readable_length == 0
            s.destroy()
            c.destroy()
            server.close()


async def test_high_water_mark_zero_still_reads(transport: str, tmp_path: Path) -> None:
    n = 100_000
    server_got: list[int] = []

    def on_connection(c: trionet.Socket) -> None:
        total = [0]

        def on_readable() -> None:
            while (chunk := c.read()) is not None:
                total[0] += len(chunk)

        def on_end() -> None:
            server_got.append(total[0])
            c.end(b"s" * n)

        c.on("readable", on_readable)
        c.on("end", on_end)

    with trio.fail_after(10):
        async with trionet.open_loop():
            server, args = await listen(transport, tmp_path, on_connection, high_water_mark=0)
            where = {"path": args[0]} if len(args) == 1 else {"port": args[0], "host": args[1]}
            s = trionet.connect({**where, "high_water_mark": 0})
            assert (s.readable_high_water_mark, s.writable_high_water_mark) == (0, 0)
            got: list[bytes] = []
            s.on("data", got.append)
            closed = Closed(s)
            s.end(b"c" * n)
            assert await closed.wait() is False
            server.close()
    assert server_got == [n]
    assert len(b"".join(got)) == n


# ================================================================ item 8: no SYN


async def test_destroy_right_after_connect_sends_no_syn(transport: str, tmp_path: Path) -> None:
    """No connection reaches the server. Over a Unix path Node's connect(2) runs
    inside connect(), so Node's server does accept that one; trionet connects
    from the socket's task and makes none (a documented difference)."""
    accepted: list[trionet.Socket] = []
    with trio.fail_after(10):
        async with trionet.open_loop():
            server, args = await listen(transport, tmp_path, accepted.append)
            closes = []
            for _ in range(3):
                s = trionet.connect(*args)
                closes.append(Closed(s))
                s.destroy()
            for closed in closes:
                assert await closed.wait() is False
            # A connection made after them is accepted after any of theirs would be.
            barrier = trionet.connect(*args)
            (c,) = await next_event(server, "connection")
            counted: list[int] = []
            server.get_connections(lambda err, count: counted.append(count))
            await trio.testing.wait_all_tasks_blocked()
            barrier.destroy()
            server.close()
    assert accepted == [c]
    assert counted == [1]


# ================================================================ item 10: server options


def _sockopts(sock: trionet.Socket) -> tuple[bool, bool, int]:
    """[TCP_NODELAY on, SO_KEEPALIVE on, TCP_KEEPIDLE] of the socket's descriptor."""
    with stdsocket.socket(fileno=os.dup(sock._trionet_handle_fileno)) as s:
        return (
            s.getsockopt(stdsocket.IPPROTO_TCP, stdsocket.TCP_NODELAY) != 0,
            s.getsockopt(stdsocket.SOL_SOCKET, stdsocket.SO_KEEPALIVE) != 0,
            s.getsockopt(stdsocket.IPPROTO_TCP, stdsocket.TCP_KEEPIDLE),
        )


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, (False, False, None)),
        ({"no_delay": True}, (True, False, None)),
        ({"keep_alive": True}, (False, True, None)),
        ({"keep_alive": True, "keep_alive_initial_delay": 3000}, (False, True, 3)),
        ({"keep_alive_initial_delay": 5000}, (False, False, None)),
        (
            {"no_delay": True, "keep_alive": True, "keep_alive_initial_delay": 2500},
            (True, True, 2),
        ),
    ],
)
async def test_server_socket_options_apply_to_accepted_sockets(
    tcp_transport: str, tmp_path: Path, options: dict[str, Any], expected: tuple[Any, ...]
) -> None:
    """Node's createServer noDelay, keepAlive, keepAliveInitialDelay (whole seconds;
    None here: the system's idle time is left alone)."""
    with stdsocket.socket() as fresh:
        system_idle = fresh.getsockopt(stdsocket.IPPROTO_TCP, stdsocket.TCP_KEEPIDLE)
    with trio.fail_after(10):
        async with trionet.open_loop():
            server, args = await listen(tcp_transport, tmp_path, **options)
            s = trionet.connect(*args)
            (c,) = await next_event(server, "connection")
            row = _sockopts(c)
            s.destroy()
            c.destroy()
            server.close()
    assert row[:2] == expected[:2]
    assert row[2] == (system_idle if expected[2] is None else expected[2])


# ======================================== found by the conformance pair address_shapes


async def test_a_task_woken_by_connect_runs_before_the_socket_reads_on(
    transport: str, tmp_path: Path
) -> None:
    """``await once(sock, "connect")`` resumes while the socket is still open, even
    when the server's FIN is already waiting: in Node the continuation runs before
    the next read. (The socket's task emitted 'connect' and read on in the same
    step: 'end', end() and close came first in about one connect in five.)"""
    with trio.fail_after(20):
        async with trionet.open_loop():
            server, args = await listen(transport, tmp_path, lambda c: c.end())
            seen: list[tuple[bool, str, int]] = []
            for _ in range(40):
                s = trionet.connect(*args)
                await trionet.once(s, "connect")
                seen.append((s.destroyed, s.ready_state, s.bytes_read))
                s.destroy()
                await trionet.once(s, "close")
            server.close()
    assert set(seen) == {(False, "open", 0)}


@pytest.mark.parametrize("action", ["destroy", "end", "pause", "async for"])
async def test_what_a_task_woken_by_connect_does_first_is_seen(
    transport: str, tmp_path: Path, action: str
) -> None:
    """The task woken by 'connect' acts before the socket reads on (the poller
    parks it only then, with no task of its own meanwhile): destroy() closes it
    with nothing read, end() still gets the server's bytes and 'end', pause()
    holds them until resume(), and an ``async for`` reads them all. Each round
    the server has written and ended before the client runs (for destroy() it
    stays silent, so that only the poller's look at the socket can see it)."""
    with trio.fail_after(20):
        async with trionet.open_loop():

            def greet(c: trionet.Socket) -> None:
                if action != "destroy":  # (silent: no edge would wake the poller)
                    c.end(b"hi")

            server, args = await listen(transport, tmp_path, greet)

            async def one_round() -> tuple[list[object], int]:
                s = trionet.connect(*args)
                events: list[object] = []
                s.on("data", events.append)
                s.on("end", lambda: events.append("end"))
                closed = trio.Event()
                s.on("close", lambda had_error: (events.append(("close", had_error)), closed.set()))
                await trionet.once(s, "connect")
                if action == "destroy":
                    s.destroy()
                elif action == "end":
                    s.end()
                elif action == "pause":
                    s.pause()
                    while not s.readable_length:  # read ahead, not emitted
                        await trio.lowlevel.checkpoint()
                    events.append("resume")
                    s.resume()
                else:
                    s.remove_all_listeners("data")
                    async for chunk in s:
                        events.append(chunk)
                await closed.wait()
                return events, s.bytes_read

            want = {
                "destroy": [("close", False)],
                "end": [b"hi", "end", ("close", False)],
                "pause": ["resume", b"hi", "end", ("close", False)],
                "async for": [b"hi", "end", ("close", False)],
            }[action]
            for _ in range(10):
                assert await one_round() == (want, 0 if action == "destroy" else 2)
            server.close()


# ============================================== found by review of the flush's merge


@pytest.mark.parametrize("when", ["read ahead", "fresh"])
async def test_destroy_in_a_data_listener_closes_for_a_later_async_listener(
    transport: str, tmp_path: Path, when: str
) -> None:
    """A sync 'data' listener calls destroy(); a later async 'data' listener awaits
    'close'. As in Node, destroy() leads to 'close' and the listener resumes:
    while the socket's task runs the listeners it must close at once, or it
    would wait for a listener that waits for it (over a stream, both for bytes
    read ahead and flushed later, and for a fresh read)."""
    with trio.fail_after(10):
        async with trionet.open_loop():
            server, args = await listen(transport, tmp_path, lambda c: c.write(b"hello"))
            s = trionet.connect(*args)
            got: list[str] = []
            resumed = trio.Event()

            def sync_destroy(chunk: bytes) -> None:
                got.append("data")
                s.destroy()

            async def await_close(chunk: bytes) -> None:
                await trionet.once(s, "close")
                got.append("async listener saw close")
                resumed.set()

            s.on("close", lambda _: got.append("close"))
            if when == "fresh":
                s.on("data", sync_destroy)
                s.on("data", await_close)
            await trionet.once(s, "connect")
            if when == "read ahead":
                while s.readable_length < 5:  # read ahead, with nobody listening
                    await trio.lowlevel.checkpoint()
                s.on("data", sync_destroy)
                s.on("data", await_close)
            await resumed.wait()
            server.close()
    assert got == ["data", "close", "async listener saw close"]
