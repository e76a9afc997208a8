"""trionet.Server on real sockets: TCP over 127.0.0.1, ::1 and ::, and Unix paths.

Expectations follow Node v20 (checked with the ``node`` on this machine); where
trionet deliberately differs, the test says so.
"""

from __future__ import annotations

import errno
import os
import shutil
import socket as stdsocket
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import trio
import trio.testing
from transport_mode import FAST_PATH

import trionet
from trionet._addresses import dualstack_available

TIMEOUT = 10


def fd_count() -> int:
    return len(os.listdir("/proc/self/fd"))


def has_ipv6() -> bool:
    if not stdsocket.has_ipv6:
        return False
    try:
        with stdsocket.socket(stdsocket.AF_INET6, stdsocket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
    except OSError:
        return False
    return True


needs_ipv6 = pytest.mark.skipif(not has_ipv6(), reason="no IPv6 loopback")


def port_of(server: trionet.Server) -> int:
    address = server.address()
    assert isinstance(address, dict)
    port = address["port"]
    assert isinstance(port, int)
    return port


def recorder(log: list[Any], tag: str) -> Callable[..., None]:
    def listener(*args: object) -> None:
        log.append((tag, *args))

    return listener


class Flag:
    """A callable that records its arguments and sets a trio.Event."""

    def __init__(self) -> None:
        self.event = trio.Event()
        self.calls: list[tuple[object, ...]] = []

    def __call__(self, *args: object) -> None:
        self.calls.append(args)
        self.event.set()

    async def wait(self) -> tuple[object, ...]:
        await self.event.wait()
        return self.calls[0]


async def connect_to(server: trionet.Server, host: str | None = None) -> trio.abc.Stream:
    """A raw trio stream to the server (TCP on ``host`` or the server's address, or Unix)."""
    address = server.address()
    if isinstance(address, str):
        return await trio.open_unix_socket(address)
    assert isinstance(address, dict)
    if host is None:
        host = address["address"]
        if host == "::":
            host = "::1"
        elif host == "0.0.0.0":
            host = "127.0.0.1"
    return await trio.open_tcp_stream(host, address["port"])


async def read_until_eof(stream: trio.abc.ReceiveStream) -> bytes:
    data = b""
    while chunk := await stream.receive_some():
        data += chunk
    return data


async def close_and_wait(server: trionet.Server) -> None:
    closed = Flag()
    server.close(closed)
    await closed.wait()


# == construction =======================================================================


async def test_create_server_listener_is_the_connection_listener() -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            got = Flag()
            server = trionet.create_server(got)
            assert server.listeners("connection") == [got]
            server.listen(0, "127.0.0.1")
            await trionet.once(server, "listening")
            async with await connect_to(server):
                (sock,) = await got.wait()
                assert isinstance(sock, trionet.Socket)
                assert sock.allow_half_open is False
                assert sock.is_paused() is False
            await close_and_wait(server)


async def test_server_class_same_arguments() -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            got = Flag()
            server = trionet.Server(got, allow_half_open=True, pause_on_connect=True)
            assert isinstance(server, trionet.Server)
            assert isinstance(trionet.create_server(), trionet.Server)
            server.listen(0, "127.0.0.1")
            await trionet.once(server, "listening")
            async with await connect_to(server):
                (sock,) = await got.wait()
                assert isinstance(sock, trionet.Socket)
                assert sock.allow_half_open is True
                assert sock.is_paused() is True
                sock.destroy()
            await close_and_wait(server)


@pytest.mark.parametrize("form", ["keywords", "dict"])
async def test_allow_half_open_keeps_the_write_side_open(form: str) -> None:
    """With allow_half_open the server socket can still write after the peer's FIN."""
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():

            def on_connection(sock: trionet.Socket) -> None:
                sock.on("data", lambda chunk: None)
                sock.on("end", lambda: sock.end(b"after your FIN"))

            if form == "dict":
                server = trionet.create_server({"allow_half_open": True}, on_connection)
            else:
                server = trionet.create_server(on_connection, allow_half_open=True)
            server.listen(0, "127.0.0.1")
            await trionet.once(server, "listening")
            stream = await connect_to(server)
            assert isinstance(stream, trio.SocketStream)
            async with stream:
                await stream.send_all(b"hello")
                await stream.send_eof()
                assert await read_until_eof(stream) == b"after your FIN"
            await close_and_wait(server)


async def test_pause_on_connect_holds_data_until_resume() -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            got: list[bytes] = []
            data_seen = trio.Event()
            connected: list[trionet.Socket] = []
            connection = trio.Event()

            def on_connection(sock: trionet.Socket) -> None:
                connected.append(sock)

                def on_data(chunk: bytes) -> None:
                    got.append(chunk)
                    data_seen.set()

                sock.on("data", on_data)  # does not start the flow: paused on connect
                connection.set()

            server = trionet.create_server({"pause_on_connect": True}, on_connection)
            server.listen(0, "127.0.0.1")
            await trionet.once(server, "listening")
            async with await connect_to(server) as stream:
                await connection.wait()
                await stream.send_all(b"x")
                await trio.testing.wait_all_tasks_blocked()
                assert got == []
                connected[0].resume()
                with trio.fail_after(2):
                    await data_seen.wait()
                assert got == [b"x"]
            await close_and_wait(server)


async def test_create_server_option_errors() -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            with pytest.raises(trionet.NodeError) as info:
                trionet.create_server({"allowHalfOpen": True})
            assert info.value.code == "ERR_INVALID_ARG_VALUE"
            assert "allowHalfOpen" in str(info.value)
            with pytest.raises(trionet.NodeError) as info:
                trionet.create_server({"no_such_option": 1}, lambda sock: None)
            assert info.value.code == "ERR_INVALID_ARG_VALUE"
            # node: The "options" argument must be of type object. Received type number (42)
            with pytest.raises(TypeError) as type_info:
                trionet.create_server(42)  # type: ignore[arg-type]
            assert getattr(type_info.value, "code", None) == "ERR_INVALID_ARG_TYPE"
            assert str(type_info.value) == (
                'The "options" argument must be of type object. Received type number (42)'
            )
            with pytest.raises(TypeError) as type_info:
                trionet.Server("x")  # type: ignore[arg-type]
            assert str(type_info.value) == (
                "The \"options\" argument must be of type object. Received type string ('x')"
            )
            with pytest.raises(trionet.NodeError) as info:
                trionet.create_server(allow_half_open=1)  # type: ignore[arg-type]
            assert info.value.code == "ERR_INVALID_ARG_TYPE"


# == listen overloads ===================================================================

V4 = {"address": "127.0.0.1", "family": "IPv4"}
V6 = {"address": "::1", "family": "IPv6"}
ANY = "any"  # '::' when dual-stack works, else '0.0.0.0'
UNIX = "unix"


def _overloads() -> list[Any]:
    def p(
        name: str, make: Callable[[Path], tuple[tuple[Any, ...], dict[str, Any]]], kind: Any
    ) -> Any:
        marks = [needs_ipv6] if kind is V6 else []
        return pytest.param(make, kind, id=name, marks=marks)

    return [
        p("port", lambda t: ((0,), {}), ANY),
        p("port-host", lambda t: ((0, "127.0.0.1"), {}), V4),
        p("port-host-backlog", lambda t: ((0, "127.0.0.1", 5), {}), V4),
        p("port-backlog", lambda t: ((0, 7), {}), ANY),
        p("numeric-string-port-host", lambda t: (("0", "127.0.0.1"), {}), V4),
        p("path", lambda t: ((str(t / "a.sock"),), {}), UNIX),
        p("path-backlog", lambda t: ((str(t / "b.sock"), 5), {}), UNIX),
        p("options-port-host", lambda t: (({"port": 0, "host": "127.0.0.1"},), {}), V4),
        p("options-port-none", lambda t: (({"port": None, "host": "127.0.0.1"},), {}), V4),
        p("options-v6", lambda t: (({"port": 0, "host": "::1"},), {}), V6),
        p("options-path", lambda t: (({"path": str(t / "c.sock")},), {}), UNIX),
        p("keywords-v6", lambda t: ((), {"port": 0, "host": "::1"}), V6),
        p("keywords-path", lambda t: ((), {"path": str(t / "d.sock")}), UNIX),
        p("no-arguments", lambda t: ((), {}), ANY),
        p("none-port", lambda t: ((None,), {}), ANY),
    ]


@pytest.mark.parametrize(("make", "kind"), _overloads())
async def test_listen_overload_with_trailing_callback(
    tmp_path: Path, make: Callable[[Path], tuple[tuple[Any, ...], dict[str, Any]]], kind: Any
) -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            connection = Flag()
            server = trionet.create_server(connection)
            args, kwargs = make(tmp_path)
            listening = Flag()
            assert server.listen(*args, listening, **kwargs) is server
            assert listening.calls == []  # never synchronous
            assert await listening.wait() == ()
            address = server.address()
            if kind is UNIX:
                if args:
                    expected = args[0]["path"] if isinstance(args[0], dict) else args[0]
                else:
                    expected = kwargs["path"]
                assert address == expected
                assert stat.S_ISSOCK(os.stat(address).st_mode)
            else:
                assert isinstance(address, dict)
                assert list(address) == ["address", "family", "port"]
                assert address["port"] > 0
                if kind is ANY:
                    wild = "::" if dualstack_available() else "0.0.0.0"
                    assert address["address"] == wild
                else:
                    assert {k: address[k] for k in ("address", "family")} == kind
            async with await connect_to(server):
                await connection.wait()
            await close_and_wait(server)


async def test_listen_callback_keyword_and_no_callback(tmp_path: Path) -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            server = trionet.create_server()
            cb = Flag()
            server.listen(0, host="127.0.0.1", callback=cb)
            await cb.wait()
            await close_and_wait(server)
            # listen(cb): port 0 on all interfaces
            server = trionet.create_server()
            cb = Flag()
            server.listen(cb)
            await cb.wait()
            address = server.address()
            assert isinstance(address, dict)
            assert address["address"] == ("::" if dualstack_available() else "0.0.0.0")
            await close_and_wait(server)


async def test_listen_non_numeric_string_is_a_relative_pipe_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """node: server.listen('abc') listens on the Unix socket ./abc, not a port."""
    monkeypatch.chdir(tmp_path)
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            server = trionet.create_server()
            server.listen("abc")
            assert server.address() == "abc"
            await trionet.once(server, "listening")
            assert stat.S_ISSOCK(os.stat(tmp_path / "abc").st_mode)
            await close_and_wait(server)
            assert not (tmp_path / "abc").exists()


async def ss_backlog(args: list[str]) -> int:
    result = await trio.run_process(["ss", "-lH", *args], capture_stdout=True)
    fields = result.stdout.decode().split()
    # Netid? State Recv-Q Send-Q ...: for a listener Send-Q is the backlog.
    index = fields.index("LISTEN")
    return int(fields[index + 2])


@pytest.mark.skipif(shutil.which("ss") is None, reason="needs ss(8) to see the backlog")
async def test_backlog_really_reaches_listen(tmp_path: Path) -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            cases: list[tuple[tuple[Any, ...], int]] = [
                ((0, "127.0.0.1", 5), 5),
                ((0, 7), 7),
                (({"port": 0, "host": "127.0.0.1", "backlog": 9},), 9),
                ((0, "127.0.0.1"), 511),
            ]
            for args, expected in cases:
                server = trionet.create_server()
                server.listen(*args)
                await trionet.once(server, "listening")
                port = port_of(server)
                assert await ss_backlog(["-t", "-n", f"sport = :{port}"]) == expected, args
                await close_and_wait(server)
            path = str(tmp_path / "bl.sock")
            server = trionet.create_server()
            server.listen(path, 3)
            await trionet.once(server, "listening")
            assert await ss_backlog(["-x", "src", path]) == 3
            await close_and_wait(server)


async def test_listen_on_a_bound_stdlib_socket() -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            raw = stdsocket.socket(stdsocket.AF_INET, stdsocket.SOCK_STREAM)
            try:
                raw.bind(("127.0.0.1", 0))
                port = raw.getsockname()[1]
                connection = Flag()
                server = trionet.create_server(connection)
                cb = Flag()
                server.listen(raw, cb)
                await cb.wait()
                assert server.address() == {"address": "127.0.0.1", "family": "IPv4", "port": port}
                async with await trio.open_tcp_stream("127.0.0.1", port):
                    await connection.wait()
                await close_and_wait(server)
                # the caller's socket is still the caller's
                assert raw.fileno() != -1
            finally:
                raw.close()


async def test_listen_on_a_bound_unix_stdlib_socket_with_backlog(tmp_path: Path) -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            path = str(tmp_path / "h.sock")
            with stdsocket.socket(stdsocket.AF_UNIX, stdsocket.SOCK_STREAM) as raw:
                raw.bind(path)
                connection = Flag()
                server = trionet.create_server(connection)
                cb = Flag()
                server.listen(raw, 4, cb)
                await cb.wait()
                assert server.address() == path
                async with await trio.open_unix_socket(path):
                    await connection.wait()
                await close_and_wait(server)
                # not ours: an adopted Unix socket's file is left alone
                assert os.path.exists(path)


async def test_listen_on_another_trionet_server() -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            first = trionet.create_server()
            first.listen(0, "127.0.0.1")
            await trionet.once(first, "listening")
            port = port_of(first)
            first_conn, second_conn = Flag(), Flag()
            first.on("connection", first_conn)
            second = trionet.create_server(second_conn)
            cb = Flag()
            second.listen(first, cb)
            await cb.wait()
            assert second.address() == first.address()
            # The two servers share one listening socket, as in Node: close the
            # first and the second still accepts.
            await close_and_wait(first)
            async with await trio.open_tcp_stream("127.0.0.1", port):
                await second_conn.wait()
            assert not first_conn.event.is_set()
            await close_and_wait(second)


@pytest.mark.parametrize("form", ["options-fd", "handle-keyword", "fd-keyword"])
async def test_listen_on_an_int_fd(form: str) -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            with stdsocket.socket(stdsocket.AF_INET, stdsocket.SOCK_STREAM) as raw:
                raw.bind(("127.0.0.1", 0))
                port = raw.getsockname()[1]
                fd = raw.fileno()
                connection = Flag()
                server = trionet.create_server(connection)
                cb = Flag()
                if form == "options-fd":
                    server.listen({"fd": fd}, cb)
                elif form == "handle-keyword":
                    server.listen(cb, handle=fd)
                else:
                    server.listen(cb, fd=fd)
                await cb.wait()
                assert port_of(server) == port
                async with await trio.open_tcp_stream("127.0.0.1", port):
                    await connection.wait()
                await close_and_wait(server)
                assert raw.fileno() == fd  # the fd we passed stays open and ours


async def test_listen_on_a_bad_fd_is_an_error_event() -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            r, w = os.pipe()
            os.close(w)
            os.close(r)  # r is now a closed descriptor
            server = trionet.create_server()
            errors = Flag()
            server.on("error", errors)
            server.listen({"fd": r})
            (err,) = await errors.wait()
            assert getattr(err, "code", None) == "EBADF"
            assert getattr(err, "syscall", None) == "listen"
            assert not server.listening


async def test_listen_on_localhost_needs_a_lookup() -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            connection = Flag()
            server = trionet.create_server(connection)
            cb = Flag()
            server.listen(0, "localhost", cb)
            # A host that needs a lookup: nothing is bound yet (as in Node).
            assert server.address() is None
            await cb.wait()
            address = server.address()
            assert isinstance(address, dict)
            infos = stdsocket.getaddrinfo("localhost", 0, type=stdsocket.SOCK_STREAM)
            assert address["address"] == infos[0][4][0]
            async with await connect_to(server):
                await connection.wait()
            await close_and_wait(server)


async def test_listen_lookup_failure_is_an_error_event() -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            server = trionet.create_server()
            errors = Flag()
            server.on("error", errors)
            server.listen(0, "no-such-host.invalid")
            (err,) = await errors.wait()
            assert getattr(err, "code", None) in ("ENOTFOUND", "EAI_AGAIN")
            assert getattr(err, "syscall", None) == "getaddrinfo"
            assert getattr(err, "hostname", None) == "no-such-host.invalid"
            assert not server.listening


async def test_close_during_lookup_never_listens() -> None:
    """node: listen(0, 'localhost'); close(cb) -> cb(ERR_SERVER_NOT_RUNNING), no 'listening'."""
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            log: list[Any] = []
            server = trionet.create_server()
            server.on("listening", recorder(log, "listening"))
            server.listen(0, "localhost")
            closed = Flag()
            server.close(closed)
            (err,) = await closed.wait()
            assert getattr(err, "code", None) == "ERR_SERVER_NOT_RUNNING"
            await trio.testing.wait_all_tasks_blocked()
            assert log == []
            assert not server.listening
            assert server.address() is None
        # leaving the block proves nothing is still holding the loop


async def test_second_listen_during_lookup_wins() -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            log: list[Any] = []
            server = trionet.create_server()
            server.on("listening", recorder(log, "listening"))
            server.listen(0, "localhost")
            server.listen(0, "127.0.0.1")  # no lookup: binds now
            assert server.listening
            await trionet.once(server, "listening")
            await trio.testing.wait_all_tasks_blocked()
            assert log == [("listening",)]
            address = server.address()
            assert isinstance(address, dict)
            assert address["address"] == "127.0.0.1"
            await close_and_wait(server)


# == events and errors =================================================================


async def test_listening_is_not_synchronous_and_connection_follows() -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            log: list[Any] = []
            server = trionet.create_server(recorder(log, "connection"))
            server.on("listening", recorder(log, "listening"))
            server.listen(0, "127.0.0.1")
            assert log == []
            assert server.listening
            await trionet.once(server, "listening")
            assert log == [("listening",)]
            connections = trionet.on(server, "connection")
            async with await connect_to(server):
                async for args in connections:
                    assert isinstance(args[0], trionet.Socket)
                    break
            assert [entry[0] for entry in log] == ["listening", "connection"]
            await close_and_wait(server)


async def test_listen_then_close_at_once_emits_only_close() -> None:
    """node 20: listen(0); close() -> 'close' only; emitListeningNT sees no handle."""
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            log: list[Any] = []
            server = trionet.create_server()
            server.on("listening", recorder(log, "listening"))
            server.on("close", recorder(log, "close"))
            server.listen(0, recorder(log, "listen-cb"))
            closed = Flag()
            server.close(closed)
            assert log == []
            assert await closed.wait() == ()
            await trio.testing.wait_all_tasks_blocked()
            assert log == [("close",)]


async def test_listen_close_listen_emits_listening_once() -> None:
    """Node 20 emits 'listening' twice here (both nextTicks see the new handle);
    trionet emits it once, for the listen() that is still current."""
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            log: list[Any] = []
            server = trionet.create_server()
            server.on("listening", recorder(log, "listening"))
            server.on("close", recorder(log, "close"))
            server.listen(0, "127.0.0.1")
            server.close()
            server.listen(0, "127.0.0.1")
            await trionet.once(server, "listening")
            await trio.testing.wait_all_tasks_blocked()
            assert log == [("close",), ("listening",)]
            connection = Flag()
            server.on("connection", connection)
            async with await connect_to(server):
                await connection.wait()
            await close_and_wait(server)


def _other_family_host() -> list[Any]:
    params = [pytest.param("127.0.0.1", id="v4")]
    params.append(pytest.param("::1", id="v6", marks=needs_ipv6))
    return params


@pytest.mark.parametrize("host", _other_family_host())
async def test_eaddrinuse_is_an_error_event_not_raised(host: str) -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            first = trionet.create_server()
            first.listen(0, host)
            await trionet.once(first, "listening")
            port = port_of(first)
            second = trionet.create_server()
            log: list[Any] = []
            second.on("listening", recorder(log, "listening"))
            errors = Flag()
            second.on("error", errors)
            assert second.listen(port, host) is second  # not raised
            assert errors.calls == []  # not synchronous either
            (err,) = await errors.wait()
            assert isinstance(err, trionet.NetError)
            assert isinstance(err, OSError)
            assert err.code == "EADDRINUSE"
            assert err.errno == errno.EADDRINUSE
            assert err.syscall == "listen"
            assert err.address == host
            assert err.port == port
            # node: listen EADDRINUSE: address already in use 127.0.0.1:<port> / ::1:<port>
            assert str(err) == f"listen EADDRINUSE: address already in use {host}:{port}"
            assert not second.listening
            assert second.address() is None
            assert log == []
            await close_and_wait(first)


async def test_eaddrinuse_on_the_default_host() -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            first = trionet.create_server()
            first.listen(0)
            await trionet.once(first, "listening")
            port = port_of(first)
            second = trionet.create_server()
            second.listen(port)
            (err,) = await trionet.once(second, "error")
            wild = "::" if dualstack_available() else "0.0.0.0"
            assert isinstance(err, trionet.NetError)
            assert err.code == "EADDRINUSE"
            assert (err.address, err.port) == (wild, port)
            # node: listen EADDRINUSE: address already in use :::<port>
            assert str(err) == f"listen EADDRINUSE: address already in use {wild}:{port}"
            await close_and_wait(first)


async def test_unhandled_listen_error_leaves_the_loop() -> None:
    with trio.fail_after(TIMEOUT):
        with stdsocket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            with pytest.raises(trionet.NetError) as info:
                async with trionet.open_loop():
                    trionet.create_server().listen(port, "127.0.0.1")
            assert info.value.code == "EADDRINUSE"


async def test_listen_error_then_listen_again_works() -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            with stdsocket.socket() as taken:
                taken.bind(("127.0.0.1", 0))
                taken.listen()
                port = taken.getsockname()[1]
                server = trionet.create_server()
                server.listen(port, "127.0.0.1")
                (err,) = await trionet.once(server, "error")
                assert getattr(err, "code", None) == "EADDRINUSE"
            # no ERR_SERVER_ALREADY_LISTEN: the failed listen left no handle
            server.listen(0, "127.0.0.1")
            await trionet.once(server, "listening")
            await close_and_wait(server)


# == address() ============================================================================


@pytest.mark.parametrize(
    ("host", "family"),
    [("127.0.0.1", "IPv4"), pytest.param("::1", "IPv6", marks=needs_ipv6)],
)
async def test_address_shape_and_availability(host: str, family: str) -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            server = trionet.create_server()
            assert server.address() is None
            listening = Flag()
            server.listen(0, host, listening)
            # no lookup needed: bound already, before 'listening'
            address = server.address()
            assert not listening.event.is_set()
            assert isinstance(address, dict)
            assert list(address.items())[:2] == [("address", host), ("family", family)]
            assert list(address) == ["address", "family", "port"]
            assert isinstance(address["port"], int) and address["port"] > 0
            await listening.wait()
            assert server.address() == address
            server.close()
            assert server.address() is None


async def test_address_of_a_unix_server_is_the_path(tmp_path: Path) -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            path = str(tmp_path / "addr.sock")
            server = trionet.create_server()
            server.listen(path)
            assert server.address() == path  # before 'listening'
            await trionet.once(server, "listening")
            assert server.address() == path
            await close_and_wait(server)
            # Node 20 still returns the path here (its _pipeName survives close()),
            # against its own docs; trionet returns None as documented.
            assert server.address() is None


async def test_omitted_host_is_dual_stack() -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            peers: list[Any] = []
            got = trio.Event()

            def on_connection(sock: trionet.Socket) -> None:
                peers.append((sock.remote_address, sock.remote_family))
                got.set()

            server = trionet.create_server(on_connection)
            server.listen(0)
            await trionet.once(server, "listening")
            address = server.address()
            assert isinstance(address, dict)
            if dualstack_available():
                assert address["address"] == "::"
                assert address["family"] == "IPv6"
                # one socket, an IPv4 client reaches it (as a v4-mapped peer)
                async with await trio.open_tcp_stream("127.0.0.1", address["port"]):
                    await got.wait()
                assert peers == [("::ffff:127.0.0.1", "IPv6")]
                if has_ipv6():
                    got = trio.Event()
                    async with await trio.open_tcp_stream("::1", address["port"]):
                        await got.wait()
                    assert peers[1] == ("::1", "IPv6")
            else:
                assert address["address"] == "0.0.0.0"
                async with await trio.open_tcp_stream("127.0.0.1", address["port"]):
                    await got.wait()
            await close_and_wait(server)


# == close, listening, get_connections ======================================================


async def test_close_stops_accepting_at_once_and_waits_for_connections() -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            connected = Flag()
            server = trionet.create_server(connected)
            server.listen(0, "127.0.0.1")
            await trionet.once(server, "listening")
            port = port_of(server)
            client = await connect_to(server)
            (sock,) = await connected.wait()
            assert isinstance(sock, trionet.Socket)
            closed = Flag()
            log: list[Any] = []
            server.on("close", recorder(log, "close"))
            assert server.close(closed) is server
            assert not server.listening
            with trio.socket.socket() as probe, pytest.raises(ConnectionRefusedError):
                await probe.connect(("127.0.0.1", port))
            await trio.testing.wait_all_tasks_blocked()
            assert log == []  # a connection is still open
            # the connection still works
            sock.write(b"still here")
            assert await client.receive_some() == b"still here"
            await client.aclose()
            assert await closed.wait() == ()
            assert log == [("close",)]


async def test_close_when_not_listening() -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            server = trionet.create_server()
            log: list[Any] = []
            server.on("close", recorder(log, "close"))
            closed = Flag()
            server.close(closed)
            assert closed.calls == []
            (err,) = await closed.wait()
            assert isinstance(err, trionet.NodeError)
            assert err.code == "ERR_SERVER_NOT_RUNNING"
            assert str(err) == "Server is not running."
            assert log == [("close",)]  # Node emits 'close' all the same


async def test_close_twice_second_callback_gets_not_running() -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            server = trionet.create_server()
            server.listen(0, "127.0.0.1")
            await trionet.once(server, "listening")
            first, second = Flag(), Flag()
            server.close(first)
            server.close(second)
            assert await first.wait() == ()
            (err,) = await second.wait()
            assert getattr(err, "code", None) == "ERR_SERVER_NOT_RUNNING"


async def test_listening_property() -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            server = trionet.create_server()
            assert server.listening is False
            server.listen(0, "127.0.0.1")
            assert server.listening is True
            await trionet.once(server, "listening")
            assert server.listening is True
            server.close()
            assert server.listening is False
            await trionet.once(server, "close")


async def test_get_connections_counts() -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            sockets: list[trionet.Socket] = []
            two = trio.Event()

            def on_connection(sock: trionet.Socket) -> None:
                sockets.append(sock)
                if len(sockets) == 2:
                    two.set()

            server = trionet.create_server(on_connection)
            server.listen(0, "127.0.0.1")
            await trionet.once(server, "listening")

            async def count() -> tuple[object, ...]:
                got = Flag()
                assert server.get_connections(got) is server
                assert got.calls == []  # never synchronous
                result = await got.wait()
                # The deprecated property (DEP0020) agrees, and says it is deprecated.
                with pytest.warns(DeprecationWarning, match="get_connections"):
                    assert result == (None, server.connections)
                return result

            assert await count() == (None, 0)
            a = await connect_to(server)
            b = await connect_to(server)
            await two.wait()
            assert await count() == (None, 2)
            closed = Flag()
            sockets[0].on("close", closed)
            await a.aclose()
            await closed.wait()
            assert await count() == (None, 1)
            await b.aclose()
            await close_and_wait(server)
            assert await count() == (None, 0)


async def test_listen_twice_raises_already_listen(tmp_path: Path) -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            server = trionet.create_server()
            server.listen(0, "127.0.0.1")
            with pytest.raises(trionet.NodeError) as info:
                server.listen(0, "127.0.0.1")
            assert info.value.code == "ERR_SERVER_ALREADY_LISTEN"
            assert str(info.value) == (
                "Listen method has been called more than once without closing."
            )
            with pytest.raises(trionet.NodeError) as info:
                server.listen(str(tmp_path / "x.sock"))
            assert info.value.code == "ERR_SERVER_ALREADY_LISTEN"
            assert not (tmp_path / "x.sock").exists()
            await trionet.once(server, "listening")
            await close_and_wait(server)


async def test_listen_again_after_close(tmp_path: Path) -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            connections = 0
            got = trio.Event()

            def on_connection(sock: trionet.Socket) -> None:
                nonlocal connections
                connections += 1
                got.set()

            server = trionet.create_server(on_connection)
            for args in ((0, "127.0.0.1"), (str(tmp_path / "again.sock"),), (0, "127.0.0.1")):
                got = trio.Event()
                server.listen(*args)
                await trionet.once(server, "listening")
                async with await connect_to(server):
                    await got.wait()
                await close_and_wait(server)
            assert connections == 3


# == Unix paths ========================================================================


async def test_unix_socket_file_lifecycle(tmp_path: Path) -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            path = tmp_path / "life.sock"
            server = trionet.create_server()
            server.listen(str(path))
            assert stat.S_ISSOCK(os.stat(path).st_mode)  # bound at the call
            await trionet.once(server, "listening")
            assert stat.S_ISSOCK(os.stat(path).st_mode)
            server.close()
            assert not path.exists()  # unlinked at once
            await trionet.once(server, "close")


async def test_unix_stale_regular_file_is_eaddrinuse_and_kept(tmp_path: Path) -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            path = tmp_path / "stale"
            path.write_bytes(b"precious")
            server = trionet.create_server()
            server.listen(str(path))
            (err,) = await trionet.once(server, "error")
            assert isinstance(err, trionet.NetError)
            assert err.code == "EADDRINUSE"
            assert err.syscall == "listen"
            assert err.address == str(path)
            # Node sets err.port = -1 for pipes (libuv's "no port"); trionet leaves None.
            assert err.port is None
            # node: listen EADDRINUSE: address already in use /tmp/.../stale
            assert str(err) == f"listen EADDRINUSE: address already in use {path}"
            assert path.read_bytes() == b"precious"
            assert not server.listening


async def test_unix_path_in_use_by_a_live_server(tmp_path: Path) -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            path = str(tmp_path / "live.sock")
            first = trionet.create_server()
            first.listen(path)
            await trionet.once(first, "listening")
            second = trionet.create_server()
            second.listen(path)
            (err,) = await trionet.once(second, "error")
            assert getattr(err, "code", None) == "EADDRINUSE"
            # the failed server must not unlink the live server's file
            assert stat.S_ISSOCK(os.stat(path).st_mode)
            async with await trio.open_unix_socket(path):
                pass
            await close_and_wait(first)
            assert not os.path.exists(path)


async def test_unix_missing_directory_is_eacces_as_in_node(tmp_path: Path) -> None:
    """libuv turns bind's ENOENT into EACCES; node: listen EACCES: permission denied <path>."""
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            path = str(tmp_path / "no" / "such" / "dir.sock")
            server = trionet.create_server()
            server.listen(path)
            (err,) = await trionet.once(server, "error")
            assert isinstance(err, trionet.NetError)
            assert err.code == "EACCES"
            assert str(err) == f"listen EACCES: permission denied {path}"


async def test_unix_socket_file_not_ours_is_not_unlinked(tmp_path: Path) -> None:
    """Replace our socket file while listening: close() must not remove the new one."""
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            path = str(tmp_path / "swap.sock")
            server = trionet.create_server()
            server.listen(path)
            await trionet.once(server, "listening")
            os.unlink(path)
            with stdsocket.socket(stdsocket.AF_UNIX) as other:
                other.bind(path)
                await close_and_wait(server)
                assert stat.S_ISSOCK(os.stat(path).st_mode)


@pytest.mark.parametrize(
    ("readable_all", "writable_all", "bits"),
    [(True, False, 0o444), (False, True, 0o222), (True, True, 0o666)],
)
async def test_unix_readable_all_writable_all(
    tmp_path: Path, readable_all: bool, writable_all: bool, bits: int
) -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            old_umask = os.umask(0o077)
            try:
                plain = trionet.create_server()
                plain.listen(str(tmp_path / "plain.sock"))
                server = trionet.create_server()
                server.listen(
                    {
                        "path": str(tmp_path / "mode.sock"),
                        "readable_all": readable_all,
                        "writable_all": writable_all,
                    }
                )
            finally:
                os.umask(old_umask)
            await trionet.once(server, "listening")
            plain_mode = stat.S_IMODE(os.stat(tmp_path / "plain.sock").st_mode)
            assert plain_mode & 0o077 == 0
            mode = stat.S_IMODE(os.stat(tmp_path / "mode.sock").st_mode)
            assert mode & bits == bits
            assert mode == plain_mode | bits
            await close_and_wait(server)
            await close_and_wait(plain)


# == bad arguments =====================================================================


@pytest.mark.parametrize(
    ("args", "cls", "code", "message"),
    [
        (
            (-1,),
            trionet.NodeRangeError,
            "ERR_SOCKET_BAD_PORT",
            "options.port should be >= 0 and < 65536. Received type number (-1).",
        ),
        (
            (65536,),
            trionet.NodeRangeError,
            "ERR_SOCKET_BAD_PORT",
            "options.port should be >= 0 and < 65536. Received type number (65536).",
        ),
        (
            (1.5,),
            trionet.NodeRangeError,
            "ERR_SOCKET_BAD_PORT",
            "options.port should be >= 0 and < 65536. Received type number (1.5).",
        ),
        (
            ({"port": "abc"},),
            trionet.NodeRangeError,
            "ERR_SOCKET_BAD_PORT",
            "options.port should be >= 0 and < 65536. Received type string ('abc').",
        ),
        (
            ({"port": -1, "host": "127.0.0.1"},),
            trionet.NodeRangeError,
            "ERR_SOCKET_BAD_PORT",
            "options.port should be >= 0 and < 65536. Received type number (-1).",
        ),
        (
            (True,),
            trionet.NodeTypeError,
            "ERR_INVALID_ARG_VALUE",
            "The argument 'options' is invalid. Received { port: true }",
        ),
        (
            ({"port": True},),
            trionet.NodeTypeError,
            "ERR_INVALID_ARG_VALUE",
            "The argument 'options' is invalid. Received { port: true }",
        ),
        (
            ({"path": 42},),
            trionet.NodeTypeError,
            "ERR_INVALID_ARG_VALUE",
            "The argument 'options' is invalid. Received { path: 42 }",
        ),
        (
            ({},),
            trionet.NodeTypeError,
            "ERR_INVALID_ARG_VALUE",
            'The argument \'options\' must have the property "port" or "path". Received {}',
        ),
        (
            ({"host": "127.0.0.1"},),
            trionet.NodeTypeError,
            "ERR_INVALID_ARG_VALUE",
            'The argument \'options\' must have the property "port" or "path". '
            "Received { host: '127.0.0.1' }",
        ),
        # node says 'The "hostname" argument ...' (from dns.lookup); the code is the same
        (({"port": 0, "host": 42},), trionet.NodeTypeError, "ERR_INVALID_ARG_TYPE", None),
        (({"port": 0, "backlogg": 1},), trionet.NodeTypeError, "ERR_INVALID_ARG_VALUE", None),
    ],
)
async def test_bad_listen_arguments_raise_at_the_call(
    args: tuple[Any, ...], cls: type[Exception], code: str, message: str | None
) -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            before = fd_count()
            server = trionet.create_server()
            log: list[Any] = []
            server.on("listening", recorder(log, "listening"))
            server.on("error", recorder(log, "error"))
            with pytest.raises(cls) as info:
                server.listen(*args)
            assert isinstance(info.value, trionet.NodeError)
            assert info.value.code == code
            if message is not None:
                assert str(info.value) == message
            assert not server.listening
            assert fd_count() == before
            await trio.testing.wait_all_tasks_blocked()
            assert log == []


async def test_non_callable_trailing_argument_is_ignored_as_in_node() -> None:
    """node: listen(0, '127.0.0.1', 5, 'notfn') listens; the string is no callback.
    listen(0, 42): 42 is not a host (not a string), it is the backlog."""
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            server = trionet.create_server()
            server.listen(0, "127.0.0.1", 5, "notfn")
            await trionet.once(server, "listening")
            await close_and_wait(server)
            server = trionet.create_server()
            server.listen(0, 42)
            await trionet.once(server, "listening")
            address = server.address()
            assert isinstance(address, dict)
            assert address["address"] == ("::" if dualstack_available() else "0.0.0.0")
            await close_and_wait(server)


async def test_get_connections_needs_a_function() -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            with pytest.raises(TypeError) as info:
                trionet.create_server().get_connections("x")  # type: ignore[arg-type]
            assert getattr(info.value, "code", None) == "ERR_INVALID_ARG_TYPE"
            assert str(info.value) == (
                "The \"callback\" argument must be of type function. Received type string ('x')"
            )


async def test_server_outside_a_loop_is_a_clear_error() -> None:
    with pytest.raises(RuntimeError, match="open_loop"):
        trionet.create_server()


# == async connection listener ===============================================================


def _transports() -> list[Any]:
    return [
        pytest.param("tcp4", id="tcp4"),
        pytest.param("tcp6", id="tcp6", marks=needs_ipv6),
        pytest.param("unix", id="unix"),
    ]


@pytest.mark.parametrize("transport", _transports())
async def test_async_connection_listener_is_an_echo_server(tmp_path: Path, transport: str) -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():

            async def handler(sock: trionet.Socket) -> None:
                async for chunk in sock:
                    sock.write(chunk)

            server = trionet.create_server(handler)
            if transport == "unix":
                server.listen(str(tmp_path / "echo.sock"))
            else:
                server.listen(0, "127.0.0.1" if transport == "tcp4" else "::1")
            await trionet.once(server, "listening")

            async def client(n: int) -> None:
                payload = bytes([n]) * (100_000 + n)
                stream = await connect_to(server)
                assert isinstance(stream, trio.SocketStream)
                async with stream:
                    async with trio.open_nursery() as nursery:
                        nursery.start_soon(stream.send_all, payload)
                        got = b""
                        while len(got) < len(payload):
                            got += await stream.receive_some()
                    assert got == payload
                    await stream.send_eof()
                    # the handler returns at our FIN; Node's default (no half-open) ends
                    assert await read_until_eof(stream) == b""

            async with trio.open_nursery() as nursery:
                for n in range(3):
                    nursery.start_soon(client, n)
            await close_and_wait(server)


# == max_connections ====================================================================


async def test_max_connections_drops_over_the_limit_tcp() -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            connected = Flag()
            server = trionet.create_server(connected)
            server.max_connections = 1
            drops = Flag()
            server.on("drop", drops)
            server.listen(0, "127.0.0.1")
            await trionet.once(server, "listening")
            port = port_of(server)
            first = await connect_to(server)
            await connected.wait()
            second = await connect_to(server)
            assert isinstance(second, trio.SocketStream)
            (info,) = await drops.wait()
            local_port = second.socket.getsockname()[1]
            # Node 20's drop data: camelCase keys, in this order
            assert info == {
                "localAddress": "127.0.0.1",
                "localPort": port,
                "localFamily": "IPv4",
                "remoteAddress": "127.0.0.1",
                "remotePort": local_port,
                "remoteFamily": "IPv4",
            }
            # closed at once by the server: a FIN, or a reset
            try:
                assert await read_until_eof(second) == b""
            except trio.BrokenResourceError:
                pass
            await second.aclose()
            assert len(connected.calls) == 1
            await first.aclose()
            await close_and_wait(server)


async def test_max_connections_drop_on_unix_has_no_data(tmp_path: Path) -> None:
    """node: a pipe handle has no getsockname, so 'drop' is emitted with no argument."""
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            connected = Flag()
            server = trionet.create_server(connected)
            server.max_connections = 1
            drops = Flag()
            server.on("drop", drops)
            server.listen(str(tmp_path / "drop.sock"))
            await trionet.once(server, "listening")
            first = await connect_to(server)
            await connected.wait()
            second = await connect_to(server)
            assert await drops.wait() == ()
            assert await read_until_eof(second) == b""
            await second.aclose()
            await first.aclose()
            await close_and_wait(server)


async def test_max_connections_zero_means_no_limit() -> None:
    """node 20: `if (self.maxConnections && ...)`: 0 does not limit."""
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            connected = Flag()
            server = trionet.create_server(connected)
            server.max_connections = 0
            drops = Flag()
            server.on("drop", drops)
            server.listen(0, "127.0.0.1")
            await trionet.once(server, "listening")
            async with await connect_to(server):
                await connected.wait()
            assert drops.calls == []
            await close_and_wait(server)


# == descriptors =========================================================================


@pytest.mark.parametrize("transport", _transports())
async def test_no_fd_leak_over_a_listen_accept_close_cycle(tmp_path: Path, transport: str) -> None:
    with trio.fail_after(TIMEOUT):
        # warm up lazily opened descriptors (trio's wakeup socketpair, resolver...)
        async with trionet.open_loop():
            pass
        before = fd_count()
        async with trionet.open_loop():
            for i in range(3):

                async def handler(sock: trionet.Socket) -> None:
                    async for chunk in sock:
                        sock.write(chunk)

                server = trionet.create_server(handler)
                if transport == "unix":
                    server.listen(str(tmp_path / f"leak{i}.sock"))
                else:
                    server.listen(0, "127.0.0.1" if transport == "tcp4" else "::1")
                await trionet.once(server, "listening")
                assert fd_count() > before
                async with await connect_to(server) as stream:
                    await stream.send_all(b"ping")
                    assert await stream.receive_some() == b"ping"
                await close_and_wait(server)
                # The loop's own epoll set (trionet._poller), on the fast path.
                assert fd_count() == before + FAST_PATH
        assert fd_count() == before
        assert list(tmp_path.iterdir()) == []


async def test_cancelled_loop_closes_a_server_before_listening(tmp_path: Path) -> None:
    """Cancelling the surrounding scope right after listen() (before 'listening'
    could be emitted) closes the socket and unlinks the Unix file."""
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            pass
        before = fd_count()
        path = tmp_path / "cancel.sock"
        with trio.CancelScope() as scope:
            async with trionet.open_loop():
                tcp = trionet.create_server()
                tcp.listen(0, "127.0.0.1")
                unix = trionet.create_server()
                unix.listen(str(path))
                assert path.exists()
                scope.cancel()
                await trio.lowlevel.checkpoint()
        assert scope.cancelled_caught
        assert fd_count() == before
        assert not path.exists()
        assert not tcp.listening and not unix.listening


async def test_cancelled_loop_closes_a_serving_server_and_its_connections(
    tmp_path: Path,
) -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            pass
        before = fd_count()
        path = tmp_path / "serving.sock"
        with trio.CancelScope() as scope:
            async with trionet.open_loop():
                connected = Flag()
                server = trionet.create_server(connected)
                server.listen(str(path))
                await trionet.once(server, "listening")
                client = await connect_to(server)
                await connected.wait()
                scope.cancel()
                await trio.lowlevel.checkpoint()
        await client.aclose()
        assert fd_count() == before
        assert not path.exists()


async def test_unref_server_does_not_keep_the_loop_alive(tmp_path: Path) -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            pass
        before = fd_count()
        path = tmp_path / "unref.sock"
        async with trionet.open_loop():
            server = trionet.create_server()
            server.listen(str(path))
            assert server.unref() is server
            await trionet.once(server, "listening")
        # the block ended although the server listened; it was torn down
        assert fd_count() == before
        assert not path.exists()
