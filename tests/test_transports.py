"""The stream transport through its public API: ``trionet.Socket.from_stream`` over
any ``trio.abc.Stream`` (TLS, in-memory, a stream without half-close, a plain TCP
``trio.SocketStream``) and ``server.listen(listener)`` over any ``trio.abc.Listener``
(``trio.SSLListener``, ``trio.SocketListener`` on TCP and on a Unix path).

TLS talks to Node's own ``tls`` module, in both directions, with certificates from
trustme. These tests build their streams themselves, so they run the same with the
fast path on or off (``TRIONET_FAST_PATH=0``).
"""

from __future__ import annotations

import hashlib
import json
import random
import socket as stdsocket
import ssl
import subprocess
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import trio
import trio.lowlevel
import trio.testing
import trustme
from emitters import next_event
from processes import node_binary, short_tmp_dir

import trionet

TIMEOUT = 30


# == helpers =========================================================================


class Certs:
    """A trustme CA and a server certificate for ``localhost`` and 127.0.0.1, as
    ``ssl`` contexts and as PEM files (for node)."""

    def __init__(self, directory: Path) -> None:
        self.ca = trustme.CA()
        self.server_cert = self.ca.issue_cert("localhost", "127.0.0.1")
        self.ca_file = directory / "ca.pem"
        self.cert_file = directory / "cert.pem"
        self.key_file = directory / "key.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_file))
        self.server_cert.cert_chain_pems[0].write_to_path(str(self.cert_file))
        for extra in self.server_cert.cert_chain_pems[1:]:
            extra.write_to_path(str(self.cert_file), append=True)
        self.server_cert.private_key_pem.write_to_path(str(self.key_file))

    def client_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
        self.ca.configure_trust(context)
        return context

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.server_cert.configure_cert(context)
        return context


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    return Certs(tmp_path_factory.mktemp("certs"))


async def tls_listener(certs: Certs) -> tuple[trio.SSLListener[trio.SocketStream], int]:
    """A trio TLS listener on 127.0.0.1 (a free port) with ``certs``, and its port."""
    tcp_sock = trio.socket.socket(stdsocket.AF_INET, stdsocket.SOCK_STREAM)
    await tcp_sock.bind(("127.0.0.1", 0))
    tcp_sock.listen()
    listener = trio.SSLListener(trio.SocketListener(tcp_sock), certs.server_context())
    return listener, tcp_sock.getsockname()[1]


class Recorder:
    """The events of a socket in order, and an event per name to wait on."""

    def __init__(self, emitter: trionet.EventEmitter, *names: str) -> None:
        self.log: list[tuple[Any, ...]] = []
        self._seen: dict[str, trio.Event] = {name: trio.Event() for name in names}
        for name in names:
            emitter.on(name, lambda *args, name=name: self._record(name, args))

    def _record(self, name: str, args: tuple[Any, ...]) -> None:
        self.log.append((name, *args))
        self._seen[name].set()

    def names(self, *, without: tuple[str, ...] = ("data",)) -> list[str]:
        return [entry[0] for entry in self.log if entry[0] not in without]

    def args(self, name: str) -> list[tuple[Any, ...]]:
        return [entry[1:] for entry in self.log if entry[0] == name]

    def data(self) -> bytes:
        return b"".join(entry[1] for entry in self.log if entry[0] == "data")

    def happened(self, name: str) -> bool:
        return self._seen[name].is_set()

    async def wait(self, name: str) -> None:
        await self._seen[name].wait()


class NodeProcess:
    """A node child: its stdout as lines (read as they come), its stderr kept."""

    def __init__(self, proc: trio.Process) -> None:
        self.proc = proc
        self.lines: list[str] = []
        self.stderr = bytearray()
        self._taken = 0
        self._stdout_done = False
        self._changed = trio.Event()

    async def _pump_stdout(self) -> None:
        assert self.proc.stdout is not None
        pending = b""
        async for chunk in self.proc.stdout:
            pending += chunk
            *complete, pending = pending.split(b"\n")
            self.lines.extend(line.decode() for line in complete)
            self._changed.set()
            self._changed = trio.Event()
        self._stdout_done = True
        self._changed.set()

    async def _pump_stderr(self) -> None:
        assert self.proc.stderr is not None
        async for chunk in self.proc.stderr:
            self.stderr += chunk

    def _fail(self, why: str) -> None:
        pytest.fail(
            f"node {why}: stdout {self.lines!r}, returncode {self.proc.returncode}, "
            f"stderr:\n{self.stderr.decode(errors='replace')}"
        )

    async def next_line(self) -> str:
        """The next line node printed (fails if node ends its output first)."""
        while self._taken >= len(self.lines):
            if self._stdout_done:
                self._fail("ended its output")
            await self._changed.wait()
        self._taken += 1
        return self.lines[self._taken - 1]

    async def close_stdin(self) -> None:
        assert self.proc.stdin is not None
        await self.proc.stdin.aclose()

    async def finish(self) -> list[str]:
        """Wait for node to exit on its own; every line it printed. Fails unless it
        exited with status 0."""
        while not self._stdout_done:
            await self._changed.wait()
        await self.proc.wait()
        if self.proc.returncode != 0:
            self._fail("failed")
        return self.lines


@asynccontextmanager
async def node_process(script: str, *args: str) -> AsyncIterator[NodeProcess]:
    """Run ``node -e script args...``; killed on the way out if it is still alive."""
    node = node_binary()
    proc = await trio.lowlevel.open_process(
        [node, "-e", script, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    child = NodeProcess(proc)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(child._pump_stdout)
        nursery.start_soon(child._pump_stderr)
        try:
            yield child
        finally:
            if proc.returncode is None:
                proc.kill()
            with trio.move_on_after(10) as scope:
                scope.shield = True
                await proc.wait()


def pattern(size: int, seed: int) -> bytes:
    """``size`` reproducible pseudo-random bytes."""
    return random.Random(seed).randbytes(size)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# == 1. TLS with node's tls module ========================================================

# A TLS echo server. Node's stdout: "port N" once listening; then, for its one
# connection, "bytes N" at its 'end', "error CODE" if one came, and "close". With
# "node-ends" it ends the connection itself once it has echoed `total` bytes;
# otherwise the client ends it. It exits once its stdin ends (the test closes it
# after the trionet side has closed).
#
# The shutdown: the server runs with Node's defaults (allowHalfOpen false). When
# the trionet client ends, trio's SSLStream.aclose() (what end() does on a stream
# without half-close) sends close_notify and closes the TCP connection; Node
# answers at once with its own close_notify and FIN, which may reach trionet
# before its transport has closed: that answer is an end, not an error
# (test_tls_peer_answering_our_close_notify_is_no_error makes it certain).
# When node ends first, its close_notify ends trionet's input, and trionet (no
# allow_half_open) ends in answer with a close_notify of its own
# (test_tls_peer_close_notify_is_answered_with_ours).
NODE_TLS_ECHO_SERVER = r"""
const tls = require('tls');
const fs = require('fs');
const [keyFile, certFile, mode, total] = process.argv.slice(1);
let connection = null;
const server = tls.createServer(
  {key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile)},
  (socket) => {
    connection = socket;
    let received = 0;
    socket.on('data', (chunk) => {
      received += chunk.length;
      socket.write(chunk);
      if (mode === 'node-ends' && received === Number(total)) socket.end();
    });
    socket.on('end', () => console.log('bytes ' + received));
    socket.on('error', (err) => console.log('error ' + err.code));
    socket.on('close', () => console.log('close'));
    server.close();  // one connection only
  });
server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
process.stdin.on('end', () => { if (connection) connection.destroy(); });
process.stdin.resume();
"""


@pytest.mark.node
@pytest.mark.parametrize("who_ends", ["trionet", "node"])
async def test_tls_client_over_ssl_stream_echoes_with_node_tls_server(
    certs: Certs, who_ends: str
) -> None:
    chunks: list[bytes | bytearray | memoryview | str] = [
        b"hello, node\n",
        pattern((1 << 20) + 17, seed=1),  # more than the high-water mark: write() says False
        "caf\u00e9 \u2713\n",  # str: utf-8, the default encoding
        bytearray(pattern(70_000, seed=2)),
        memoryview(pattern(3, seed=3)),
    ]
    sent = b"".join(c.encode() if isinstance(c, str) else bytes(c) for c in chunks)
    mode = "node-ends" if who_ends == "node" else "client-ends"
    with trio.fail_after(TIMEOUT):
        async with node_process(
            NODE_TLS_ECHO_SERVER, str(certs.key_file), str(certs.cert_file), mode, str(len(sent))
        ) as node:
            word, port = (await node.next_line()).split()
            assert word == "port"
            async with trionet.open_loop():
                tcp = await trio.open_tcp_stream("127.0.0.1", int(port))
                stream = trio.SSLStream(tcp, certs.client_context(), server_hostname="localhost")
                sock = trionet.Socket.from_stream(stream)
                assert sock.ready_state == "open" and not sock.connecting and not sock.pending
                events = Recorder(sock, "connect", "data", "drain", "end", "finish", "close")
                echoed = trio.Event()
                sock.on("data", lambda _: len(events.data()) >= len(sent) and echoed.set())
                done: list[tuple[int, Any]] = []
                results = [
                    sock.write(chunk, lambda err, i=i: done.append((i, err)))
                    for i, chunk in enumerate(chunks)
                ]
                # The first write is under the 16 KiB mark, the 1 MiB one is over it.
                assert results[0] is True and results[1] is False
                assert sock.writable_need_drain
                await echoed.wait()
                received = events.data()
                assert len(received) == len(sent) and sha256(received) == sha256(sent)
                # Every byte came back, so every write went out: callbacks in order.
                assert done == [(i, None) for i in range(len(chunks))]
                assert events.happened("drain")
                if who_ends == "trionet":
                    sock.end()
                await events.wait("close")
            await node.close_stdin()
            lines = await node.finish()
    assert events.args("close") == [(False,)]
    assert not events.happened("connect")  # open at once: no 'connect'
    names = events.names(without=("data", "drain"))
    if who_ends == "node":
        # The server's close_notify is the end of input; without allow_half_open
        # our side ends too.
        assert names == ["end", "finish", "close"]
    else:
        # end() closes a TLS stream (no half-close): our reading ends with it.
        assert sorted(names[:2]) == ["end", "finish"] and names[2:] == ["close"]
    assert lines[1:] == [f"bytes {len(sent)}", "close"], lines
    assert sock.bytes_written == len(sent) and sock.bytes_read == len(sent)
    assert sock.destroyed


# A TLS client: connects trusting the CA, writes `size` bytes in two writes, ends,
# and prints what it got back (as JSON) at the server's end. Its end() is TLS's
# half-close: close_notify then FIN, and node goes on reading (its own end does not
# stop its readable side). The trionet server allows half-open, so it answers
# after that close_notify (TLS 1.3 lets a side write after receiving one), then
# ends; node's 'end' comes from that, and it closes with nothing left to say.
NODE_TLS_CLIENT = r"""
const tls = require('tls');
const fs = require('fs');
const crypto = require('crypto');
const [port, caFile, size] = process.argv.slice(1);
const payload = Buffer.alloc(Number(size));
for (let i = 0; i < payload.length; i++) payload[i] = 97 + (i % 26);
const socket = tls.connect(
  {port: Number(port), host: '127.0.0.1', servername: 'localhost', ca: fs.readFileSync(caFile)},
  () => {
    socket.write(payload.subarray(0, 1000));
    socket.end(payload.subarray(1000));
  });
const got = [];
socket.on('data', (chunk) => got.push(chunk));
socket.on('end', () => {
  const all = Buffer.concat(got);
  console.log(JSON.stringify({
    authorized: socket.authorized,
    protocol: socket.getProtocol(),
    length: all.length,
    sha256: crypto.createHash('sha256').update(all).digest('hex'),
    tail: all.subarray(-30).toString('latin1'),
  }));
});
socket.on('error', (err) => { console.log(JSON.stringify({error: err.code || err.message})); });
socket.on('close', () => console.log('close'));
"""


async def test_tls_server_ending_first_is_no_longer_counted(certs: Certs) -> None:
    """The server's connection over an SSLListener end()s first: its TLS close
    closes the descriptor before the socket closes. It must still leave the
    server's count, so that get_connections() says 0 and server.close() emits
    'close' (found by review: the count was only taken down with a descriptor
    still open, and the server waited for it forever)."""
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            listener, port = await tls_listener(certs)
            recorders: list[Recorder] = []

            def on_connection(conn: trionet.Socket) -> None:
                recorders.append(Recorder(conn, "end", "finish", "close"))
                conn.end(b"bye")

            server = trionet.create_server(on_connection)
            server_events = Recorder(server, "listening", "close")
            server.listen(listener)
            await server_events.wait("listening")
            client = trio.SSLStream(
                await trio.open_tcp_stream("127.0.0.1", port),
                certs.client_context(),
                server_hostname="127.0.0.1",
            )
            received = b""
            try:
                while chunk := await client.receive_some():
                    received += chunk
            except trio.BrokenResourceError:
                pass
            await trio.aclose_forcefully(client)
            (events,) = recorders
            await events.wait("close")
            counted: list[int] = []
            server.get_connections(lambda err, n: counted.append(n))
            server.close()
            await server_events.wait("close")
    assert received == b"bye"
    assert events.names() == ["finish", "end", "close"]  # as Node's TLS server socket
    assert counted == [0]


@pytest.mark.node
async def test_tls_server_over_ssl_listener_serves_node_tls_client(certs: Certs) -> None:
    size = 300_000
    payload = bytes(97 + i % 26 for i in range(size))
    expected = payload.upper() + f"TOTAL {size}\n".encode()
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            listener, port = await tls_listener(certs)
            connections: list[trionet.Socket] = []
            recorders: list[Recorder] = []

            def on_connection(conn: trionet.Socket) -> None:
                connections.append(conn)
                recorders.append(Recorder(conn, "data", "end", "finish", "close"))
                # Upper-case as it comes; the total once the client has ended (the
                # server allows half-open: it still writes after 'end').
                conn.on("data", lambda chunk: conn.write(chunk.upper()))
                conn.on("end", lambda: conn.end(f"TOTAL {conn.bytes_read}\n"))

            server = trionet.create_server(on_connection, allow_half_open=True)
            server_events = Recorder(server, "listening", "connection", "close", "error")
            server.listen(listener)
            await server_events.wait("listening")
            address = server.address()
            assert isinstance(address, dict)
            assert address == {
                "address": "127.0.0.1",
                "family": "IPv4",
                "port": port,
            }
            async with node_process(
                NODE_TLS_CLIENT, str(address["port"]), str(certs.ca_file), str(size)
            ) as node:
                lines = await node.finish()
            assert len(connections) == 1
            conn, events = connections[0], recorders[0]
            await events.wait("close")
            server.close()
            await server_events.wait("close")
    result = json.loads(lines[0])
    assert result == {
        "authorized": True,
        "protocol": result["protocol"],
        "length": len(expected),
        "sha256": sha256(expected),
        "tail": expected[-30:].decode(),
    }, lines
    assert result["protocol"] in ("TLSv1.2", "TLSv1.3")
    assert lines[1:] == ["close"]
    assert events.data() == payload
    assert events.names() == ["end", "finish", "close"]
    assert events.args("close") == [(False,)]
    assert conn.bytes_read == size and conn.bytes_written == len(expected)
    assert conn.server is server
    assert server_events.names() == ["listening", "connection", "close"]
    assert server.address() is None and not server.listening


# == TLS over memory: close_notify without any descriptor ===================================


class WholeStream(trio.abc.Stream):
    """A stream with no half-close (not a ``HalfCloseableStream``), over a memory
    pair's end: closing it ends both directions."""

    def __init__(self, inner: trio.abc.Stream) -> None:
        self.inner = inner

    async def send_all(self, data: bytes | bytearray | memoryview) -> None:
        await self.inner.send_all(data)

    async def wait_send_all_might_not_block(self) -> None:
        await self.inner.wait_send_all_might_not_block()

    async def receive_some(self, max_bytes: int | None = None) -> bytes | bytearray:
        return await self.inner.receive_some(max_bytes)

    async def aclose(self) -> None:
        await self.inner.aclose()


class SlowCloseTransport(WholeStream):
    """A transport whose ``aclose()`` waits until ``let_go`` is set: the instant
    between TLS's close_notify and the transport's close, held open."""

    def __init__(self, inner: trio.abc.Stream) -> None:
        super().__init__(inner)
        self.let_go = trio.Event()

    async def aclose(self) -> None:
        await self.let_go.wait()
        await super().aclose()


def tls_over_memory(
    certs: Certs, wrap: Callable[[trio.abc.Stream], trio.abc.Stream] = lambda s: s
) -> tuple[trio.SSLStream[Any], trio.SSLStream[Any]]:
    """A TLS client stream and its server, over a memory pair (``wrap`` wraps the
    client's transport)."""
    client_side, server_side = trio.testing.memory_stream_pair()
    client = trio.SSLStream(wrap(client_side), certs.client_context(), server_hostname="localhost")
    server = trio.SSLStream(server_side, certs.server_context(), server_side=True)
    return client, server


async def exchange_hello(sock: trionet.Socket, events: Recorder, peer: trio.abc.Stream) -> None:
    """One message each way (which also runs the TLS handshake)."""
    sock.write(b"hello")
    assert await peer.receive_some() == b"hello"
    await peer.send_all(b"world")
    while events.data() != b"world":
        await next_event(sock, "data")


async def test_tls_over_memory_end_sends_close_notify(certs: Certs) -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            stream, peer = tls_over_memory(certs)
            sock = trionet.Socket.from_stream(stream)
            events = Recorder(sock, "data", "end", "finish", "close", "error")
            await exchange_hello(sock, events, peer)
            sock.end(b"bye")
            assert await peer.receive_some() == b"bye"
            # close_notify: a clean end of TLS (a bare transport EOF would be
            # BrokenResourceError for an SSLStream).
            assert await peer.receive_some() == b""
            await events.wait("close")
            await peer.aclose()
    assert sorted(events.names()[:2]) == ["end", "finish"] and events.names()[2:] == ["close"]
    assert events.args("close") == [(False,)]


async def test_tls_over_memory_destroy_closes_without_close_notify(certs: Certs) -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            stream, peer = tls_over_memory(certs)
            sock = trionet.Socket.from_stream(stream)
            events = Recorder(sock, "data", "end", "finish", "close", "error")
            await exchange_hello(sock, events, peer)
            sock.destroy()
            # Forcefully: the transport ends with no close_notify, which TLS calls
            # a truncation.
            with pytest.raises(trio.BrokenResourceError):
                await peer.receive_some()
            await events.wait("close")
            await peer.aclose()
    assert events.names() == ["close"]
    assert events.args("close") == [(False,)]


async def test_tls_peer_close_notify_is_answered_with_ours(certs: Certs) -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            stream, peer = tls_over_memory(certs)
            sock = trionet.Socket.from_stream(stream)  # allow_half_open False: end() at 'end'
            events = Recorder(sock, "data", "end", "finish", "close", "error")
            await exchange_hello(sock, events, peer)
            # unwrap() sends close_notify and waits for the peer's: TLS's graceful
            # close in both directions.
            try:
                _transport, trailing = await peer.unwrap()
            except trio.BrokenResourceError as exc:
                # The transport ended with no close_notify (SSLEOFError).
                unwrapped: object = exc.__cause__
            else:
                unwrapped = trailing
            await events.wait("close")
    assert unwrapped == b""
    assert events.names() == ["end", "finish", "close"]
    assert events.args("close") == [(False,)]


async def test_tls_peer_answering_our_close_notify_is_no_error(certs: Certs) -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            transports: list[SlowCloseTransport] = []

            def slow(inner: trio.abc.Stream) -> trio.abc.Stream:
                transports.append(SlowCloseTransport(inner))
                return transports[0]

            stream, peer = tls_over_memory(certs, slow)
            sock = trionet.Socket.from_stream(stream)
            events = Recorder(sock, "data", "end", "finish", "close", "error")
            await exchange_hello(sock, events, peer)
            sock.end()
            assert await peer.receive_some() == b""  # our close_notify
            # The peer answers with its own close_notify (as TLS asks, and as node
            # does by default) before our transport has closed.
            await peer.aclose()
            await trio.testing.wait_all_tasks_blocked()
            transports[0].let_go.set()
            await events.wait("close")
    assert events.args("error") == []
    assert events.args("close") == [(False,)]
    assert "end" in events.names() and "finish" in events.names()


# == 2. memory streams: no descriptor at all =============================================


async def test_memory_stream_data_in_order_counts_and_no_addresses() -> None:
    # Each under the 64 KiB a read takes at most.
    pieces = [b"first ", b"second ", pattern(60_000, seed=4), b" last"]
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            ours, theirs = trio.testing.memory_stream_pair()
            sock = trionet.Socket.from_stream(ours)
            events = Recorder(sock, "connect", "data", "end", "finish", "close")
            assert sock.ready_state == "open"
            assert sock.address() == {}
            assert sock.remote_address is None and sock.remote_port is None
            assert sock.remote_family is None and sock.local_port is None
            # No socket under the stream: the options have nothing to reach, and
            # say nothing.
            sock.set_no_delay(True)
            sock.set_keep_alive(True, 1000)
            for piece in pieces:
                await theirs.send_all(piece)
                # Each piece read before the next is sent: one 'data' each.
                await trio.testing.wait_all_tasks_blocked()
            assert [args[0] for args in events.args("data")] == pieces
            assert sock.write(b"reply-1") is True
            assert sock.write("reply-\u00e9") is True
            expected = b"reply-1" + "reply-\u00e9".encode()
            got = b""
            while len(got) < len(expected):
                got += await theirs.receive_some()
            assert got == expected
            assert sock.bytes_read == sum(map(len, pieces))
            assert sock.bytes_written == len(expected)
            await theirs.send_eof()
            await events.wait("close")
            # Without allow_half_open the peer's EOF ends our side too.
            assert await theirs.receive_some() == b""
    assert not events.happened("connect")
    assert events.names() == ["end", "finish", "close"]
    assert events.args("close") == [(False,)]
    assert sock.address() == {}


async def test_memory_stream_write_backpressure_callbacks_and_drain() -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            # Lockstep: the trio side's receive is what completes our send_all.
            ours, theirs = trio.testing.lockstep_stream_pair()
            sock = trionet.Socket.from_stream(ours, writable_high_water_mark=16)
            assert sock.writable_high_water_mark == 16
            events = Recorder(sock, "drain", "finish", "end", "close")
            called: list[tuple[str, Any]] = []
            assert sock.write(b"a" * 10, lambda err: called.append(("a", err))) is True
            assert sock.write(b"b" * 10, lambda err: called.append(("b", err))) is False
            assert sock.writable_need_drain and sock.writable_length == 20
            await trio.testing.wait_all_tasks_blocked()
            # Nobody has read yet: nothing is written, so no callback and no 'drain'.
            assert called == [] and not events.happened("drain")
            assert sock.writable_length == 20
            assert await theirs.receive_some(5) == b"aaaaa"
            await trio.testing.wait_all_tasks_blocked()
            assert called == [] and not events.happened("drain")
            rest = b""
            while len(rest) < 15:
                rest += await theirs.receive_some()
            assert rest == b"a" * 5 + b"b" * 10
            await events.wait("drain")
            assert called == [("a", None), ("b", None)]
            assert sock.writable_length == 0 and not sock.writable_need_drain
            # Under the mark again.
            assert sock.write(b"c" * 15) is True
            sock.end()
            tail = b""
            while chunk := await theirs.receive_some():
                tail += chunk
            assert tail == b"c" * 15  # then EOF: end() is send_eof() here
            await events.wait("finish")
            await theirs.send_eof()
            await events.wait("close")
    assert events.names() == ["drain", "finish", "end", "close"]
    assert sock.bytes_written == 35


async def test_memory_stream_pause_stops_reading_the_stream_and_resume_restarts() -> None:
    payload = pattern(1 << 20, seed=5)
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop(), trio.open_nursery() as nursery:
            ours, theirs = trio.testing.lockstep_stream_pair()
            sock = trionet.Socket.from_stream(ours, readable_high_water_mark=1024)
            events = Recorder(sock, "data", "end", "close")  # flowing
            sock.pause()
            assert sock.is_paused()
            sent = trio.Event()

            async def send() -> None:
                await theirs.send_all(payload)
                sent.set()

            nursery.start_soon(send)
            await trio.testing.wait_all_tasks_blocked()
            # Paused: at most a read ahead up to the mark is taken from the stream,
            # so the trio side's send_all cannot complete; no 'data' is emitted.
            assert not sent.is_set()
            assert events.data() == b""
            assert 0 < sock.readable_length < len(payload) // 4
            sock.resume()
            assert not sock.is_paused()
            await sent.wait()
            while len(events.data()) < len(payload):
                await next_event(sock, "data")
            assert events.data() == payload
            # Paused again: what the trio side sends now waits in the socket.
            sock.pause()
            await theirs.send_all(b"held")
            await trio.testing.wait_all_tasks_blocked()
            assert events.data() == payload and sock.readable_length == 4
            sock.resume()
            await theirs.send_eof()
            await events.wait("close")
    assert events.data() == payload + b"held"
    assert sock.bytes_read == len(payload) + 4


async def test_memory_stream_set_encoding_keeps_split_characters_whole() -> None:
    euro = "\u20ac".encode()
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            ours, theirs = trio.testing.memory_stream_pair()
            sock = trionet.Socket.from_stream(ours)
            sock.set_encoding("utf-8")
            events = Recorder(sock, "data", "end", "close")
            await theirs.send_all(b"price: " + euro[:2])
            await trio.testing.wait_all_tasks_blocked()
            assert events.args("data") == [("price: ",)]
            await theirs.send_all(euro[2:] + " caf\u00e9".encode())
            await trio.testing.wait_all_tasks_blocked()
            await theirs.send_eof()
            await events.wait("close")
    chunks = [args[0] for args in events.args("data")]
    assert chunks == ["price: ", "\u20ac caf\u00e9"]
    assert sock.bytes_read == len(b"price: ") + len(euro) + len(" caf\u00e9".encode())


async def test_memory_stream_end_sends_eof_and_reading_goes_on() -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            ours, theirs = trio.testing.memory_stream_pair()
            sock = trionet.Socket.from_stream(ours)
            events = Recorder(sock, "data", "end", "finish", "close")
            ended: list[Any] = []
            sock.write(b"bye")
            sock.end(b"!", lambda err: ended.append(err))
            got = b""
            while chunk := await theirs.receive_some():
                got += chunk
            assert got == b"bye!"
            await events.wait("finish")
            assert ended == [None]
            assert sock.writable_ended and sock.writable_finished
            # Half-closed: our side still reads.
            assert not events.happened("close") and sock.readable
            await theirs.send_all(b"still reading")
            while events.data() != b"still reading":
                await next_event(sock, "data")
            await theirs.send_eof()
            await events.wait("close")
    assert events.names() == ["finish", "end", "close"]
    assert events.args("close") == [(False,)]


@pytest.mark.parametrize("allow_half_open", [False, True])
async def test_memory_stream_peer_eof(allow_half_open: bool) -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            ours, theirs = trio.testing.memory_stream_pair()
            sock = trionet.Socket.from_stream(ours, allow_half_open=allow_half_open)
            assert sock.allow_half_open is allow_half_open
            events = Recorder(sock, "data", "end", "finish", "close")
            await theirs.send_all(b"all I had")
            await theirs.send_eof()
            await events.wait("end")
            assert events.data() == b"all I had"
            if allow_half_open:
                # Still open for writing: the trio side reads what we write after 'end'.
                await trio.testing.wait_all_tasks_blocked()
                assert not events.happened("finish") and not events.happened("close")
                sock.write(b"after your end")
                got = b""
                while len(got) < len(b"after your end"):
                    got += await theirs.receive_some()
                assert got == b"after your end"
                sock.end()
            assert await theirs.receive_some() == b""
            await events.wait("close")
    assert events.names() == ["end", "finish", "close"]
    assert events.args("close") == [(False,)]


async def test_memory_stream_destroy() -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            ours, theirs = trio.testing.memory_stream_pair()
            sock = trionet.Socket.from_stream(ours)
            events = Recorder(sock, "data", "end", "finish", "close", "error")
            await theirs.send_all(b"x")
            await events.wait("data")
            sock.destroy()
            assert sock.destroyed
            await events.wait("close")
            # Both directions closed: the trio side reads EOF and cannot send.
            assert await theirs.receive_some() == b""
            with pytest.raises(trio.BrokenResourceError):
                await theirs.send_all(b"late")
    assert events.names() == ["close"]
    assert events.args("close") == [(False,)]


async def test_memory_stream_destroy_with_an_error() -> None:
    error = RuntimeError("enough")
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            ours, theirs = trio.testing.memory_stream_pair()
            sock = trionet.Socket.from_stream(ours)
            events = Recorder(sock, "end", "finish", "close", "error")
            sock.destroy(error)
            await events.wait("close")
            assert await theirs.receive_some() == b""
    assert events.log == [("error", error), ("close", True)]


async def test_memory_stream_set_timeout(autojump_clock: trio.testing.MockClock) -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            ours, theirs = trio.testing.memory_stream_pair()
            sock = trionet.Socket.from_stream(ours)
            events = Recorder(sock, "data", "timeout", "end", "close")
            start = trio.current_time()
            sock.set_timeout(1000)
            assert sock.timeout == 1000
            # Activity at 0.6 s restarts the idle time: no 'timeout' at 1 s.
            await trio.sleep(0.6)
            await theirs.send_all(b"ping")
            await trio.sleep(0.6)
            assert events.data() == b"ping" and not events.happened("timeout")
            await events.wait("timeout")
            assert trio.current_time() - start == pytest.approx(1.6)
            # 'timeout' does not close: the socket still works.
            assert not sock.destroyed
            sock.write(b"pong")
            assert await theirs.receive_some() == b"pong"
            sock.set_timeout(0)
            assert sock.timeout is None
            await theirs.send_eof()
            await events.wait("close")
    assert events.names(without=("data",)) == ["timeout", "end", "close"]


async def test_memory_stream_async_iteration() -> None:
    payload = pattern(200_000, seed=6)
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop(), trio.open_nursery() as nursery:
            ours, theirs = trio.testing.memory_stream_pair()
            sock = trionet.Socket.from_stream(ours, high_water_mark=4096)
            events = Recorder(sock, "end", "close")

            async def feed() -> None:
                for start in range(0, len(payload), 7000):
                    await theirs.send_all(payload[start : start + 7000])
                await theirs.send_eof()

            nursery.start_soon(feed)
            got: list[bytes | str] = []
            async for chunk in sock:
                got.append(chunk)
            await events.wait("close")
            assert await theirs.receive_some() == b""
    assert all(isinstance(chunk, bytes) for chunk in got)
    assert b"".join(got) == payload  # type: ignore[arg-type]
    assert events.names() == ["end", "close"]


@pytest.mark.parametrize("how", ["end", "destroy"])
async def test_stream_without_half_close(how: str) -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            inner, theirs = trio.testing.memory_stream_pair()
            stream = WholeStream(inner)
            assert not isinstance(stream, trio.abc.HalfCloseableStream)
            sock = trionet.Socket.from_stream(stream)
            events = Recorder(sock, "data", "end", "finish", "close", "error")
            await theirs.send_all(b"hi")
            await events.wait("data")
            if how == "end":
                sock.end(b"last words")
                got = b""
                while chunk := await theirs.receive_some():
                    got += chunk
                assert got == b"last words"
            else:
                sock.destroy()
                assert await theirs.receive_some() == b""
            await events.wait("close")
            # Closed, not half-closed: nothing reaches our side any more.
            with pytest.raises(trio.BrokenResourceError):
                await theirs.send_all(b"late")
    if how == "end":
        # end() closed the stream, so our reading ended with it.
        assert sorted(events.names()[:2]) == ["end", "finish"]
        assert events.names()[2:] == ["close"]
    else:
        assert events.names() == ["close"]
    assert events.args("close") == [(False,)]
    assert events.data() == b"hi"


# == 3. a Server over trio.SocketListener ==================================================


async def connection_count(server: trionet.Server) -> int:
    got: list[tuple[Any, int]] = []
    done = trio.Event()

    def callback(err: Any, n: int) -> None:
        got.append((err, n))
        done.set()

    server.get_connections(callback)
    await done.wait()
    assert got[0][0] is None
    return got[0][1]


@pytest.mark.parametrize("family", ["tcp", "unix"])
async def test_server_over_socket_listener_limits_counts_and_closes(family: str) -> None:
    with short_tmp_dir("trionet-") as directory, trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            if family == "tcp":
                (listener,) = await trio.open_tcp_listeners(0, host="127.0.0.1")
                port = listener.socket.getsockname()[1]
            else:
                path = str(directory / "s.sock")
                listening = trio.socket.socket(stdsocket.AF_UNIX, stdsocket.SOCK_STREAM)
                await listening.bind(path)
                listening.listen()
                listener = trio.SocketListener(listening)

            async def connect() -> trio.SocketStream:
                if family == "tcp":
                    return await trio.open_tcp_stream("127.0.0.1", port)
                return await trio.open_unix_socket(path)

            accepted_send, accepted = trio.open_memory_channel[trionet.Socket](10)
            closed: dict[trionet.Socket, trio.Event] = {}

            def on_connection(conn: trionet.Socket) -> None:
                closed[conn] = trio.Event()
                conn.on("close", lambda _: closed[conn].set())
                conn.on("data", conn.write)  # echo
                accepted_send.send_nowait(conn)

            server = trionet.create_server(on_connection)
            server.max_connections = 2
            events = Recorder(server, "listening", "connection", "drop", "close", "error")
            server.listen(listener)
            await events.wait("listening")
            if family == "tcp":
                assert server.address() == {"address": "127.0.0.1", "family": "IPv4", "port": port}
            else:
                assert server.address() == path

            clients: list[trio.SocketStream] = []
            conns: list[trionet.Socket] = []
            for i in range(2):
                client = await connect()
                clients.append(client)
                conns.append(await accepted.receive())
                await client.send_all(b"ping %d" % i)
                assert await client.receive_some() == b"ping %d" % i
                conn = conns[-1]
                assert conn.server is server
                if family == "tcp":
                    assert conn.remote_address == "127.0.0.1"
                    assert conn.remote_port == client.socket.getsockname()[1]
                    assert conn.address()["port"] == port
                else:
                    assert conn.remote_address is None and conn.address() == {}
            assert await connection_count(server) == 2

            # Over the limit: closed at once, and 'drop' (with no arguments here).
            extra = await connect()
            await events.wait("drop")
            assert events.args("drop") == [()]
            assert await extra.receive_some() == b""
            await extra.aclose()
            assert await connection_count(server) == 2

            # A connection ending frees its slot.
            await clients[0].aclose()
            await closed[conns[0]].wait()
            assert await connection_count(server) == 1
            clients[0] = await connect()
            conns.append(await accepted.receive())
            assert len(events.args("drop")) == 1

            server.close()
            assert not server.listening and server.address() is None
            with pytest.raises(OSError):
                await connect()
            # 'close' waits for the connections still open.
            await trio.testing.wait_all_tasks_blocked()
            assert not events.happened("close")
            await clients[1].aclose()
            await closed[conns[1]].wait()
            await trio.testing.wait_all_tasks_blocked()
            assert not events.happened("close")
            await clients[0].aclose()
            await events.wait("close")
            assert await connection_count(server) == 0
    assert events.names() == [
        "listening",
        "connection",
        "connection",
        "drop",
        "connection",
        "close",
    ]
    assert all(closed[conn].is_set() for conn in conns)


# == 4. a Socket over trio.SocketStream: the socket under the stream =======================


@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
async def test_from_socket_stream_reaches_the_socket_under_it(host: str) -> None:
    if host == "::1" and not stdsocket.has_ipv6:
        pytest.skip("no IPv6")
    family = "IPv6" if ":" in host else "IPv4"
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            try:
                (listener,) = await trio.open_tcp_listeners(0, host=host)
            except OSError as exc:
                pytest.skip(f"cannot listen on {host}: {exc}")
            port = listener.socket.getsockname()[1]
            stream = await trio.open_tcp_stream(host, port)
            peer = await listener.accept()
            sock = trionet.Socket.from_stream(stream)
            events = Recorder(sock, "data", "end", "finish", "close")
            local_port = stream.socket.getsockname()[1]
            assert sock.remote_address == host and sock.remote_port == port
            assert sock.remote_family == family
            assert sock.address() == {"address": host, "family": family, "port": local_port}
            assert sock.local_port == peer.socket.getpeername()[1]
            # trio's SocketStream turns Nagle off itself: set it on, then off again.
            tcp_nodelay = (stdsocket.IPPROTO_TCP, stdsocket.TCP_NODELAY)
            sock.set_no_delay(False)
            assert stream.socket.getsockopt(*tcp_nodelay) == 0
            sock.set_no_delay(True)
            assert stream.socket.getsockopt(*tcp_nodelay) != 0
            sock.set_keep_alive(True, 5000)
            assert stream.socket.getsockopt(stdsocket.SOL_SOCKET, stdsocket.SO_KEEPALIVE) != 0
            if hasattr(stdsocket, "TCP_KEEPIDLE"):
                keepidle = (stdsocket.IPPROTO_TCP, stdsocket.TCP_KEEPIDLE)
                assert stream.socket.getsockopt(*keepidle) == 5
            sock.write(b"ping")
            assert await peer.receive_some() == b"ping"
            await peer.send_all(b"pong")
            while events.data() != b"pong":
                await next_event(sock, "data")
            await peer.send_eof()
            assert await peer.receive_some() == b""  # our side ended in answer
            await events.wait("close")
            assert sock.address() == {}
            await peer.aclose()
            await listener.aclose()
    assert events.names() == ["end", "finish", "close"]
    assert sock.bytes_read == 4 and sock.bytes_written == 4
