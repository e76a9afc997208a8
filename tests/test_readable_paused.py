"""Adversarial tests of paused-mode reading: 'readable', read(), unshift().

The socket under test (the *subject*) is the server side of a real loopback
connection; its peer is a raw non-blocking stdlib socket driven from the test's
task, so the test decides when bytes and FIN reach the subject.
``trio.testing.wait_all_tasks_blocked()`` stands for "the poller has seen it and
the subject is parked again" (as in ``test_poller_parking.py``).

Where the behaviour is Node's, the same scenario runs in node 20 first
(``node_trace``): the subject is the server side of a ``net`` connection, and a
line per event is logged with the same formatting on both sides; the traces
must be equal. Node's side waits for "EOF seen" or "bytes buffered" by polling
its stream state on each loop turn (its only timer is a safety timeout).

Tests named ``test_regression_*`` failed against the first version of this code
(each found a bug, since fixed); the others guard behaviour that is easy to break.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
import socket as stdsocket
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import trio
import trio.lowlevel
import trio.testing
from processes import node_binary
from test_parking import raw_client, send_all, task_count
from test_socket import listen

import trionet
from trionet._readable import READ_SIZE

TRANSPORTS = ["tcp4", "unix"]
TIMEOUT = 10

# == helpers =========================================================================

#: Node's side of every comparison: `pair(onSubject, onClient)` connects a net
#: client to a server; the accepted socket is the subject. `log` formats values as
#: `line` does below; `finish()` prints the trace as JSON and exits.
_NODE_PRELUDE = r"""
'use strict';
const net = require('net');
const out = [];
const fmt = (v) => (v === undefined || v === null) ? 'null'
  : Buffer.isBuffer(v) ? 'buf:' + v.toString('latin1')
  : typeof v === 'string' ? 'str:' + JSON.stringify(v) : String(v);
const log = (label, ...a) => out.push([label, ...a.map(fmt)].join(' '));
const finish = () => { process.stdout.write(JSON.stringify(out)); process.exit(0); };
setTimeout(() => { log('TIMEOUT'); finish(); }, 8000);
const until = (pred, fn) => { const t = () => (pred() ? fn() : setImmediate(t)); t(); };
const eofSeen = (s) => s._readableState.ended;
function pair(onSubject, onClient, serverOptions) {
  const server = net.createServer(serverOptions || {}, (sock) => onSubject(sock));
  server.listen(0, '127.0.0.1', () => {
    const c = net.connect(server.address().port, '127.0.0.1');
    c.on('error', () => {});
    onClient(c);
  });
}
"""


async def node_trace(body: str) -> list[str]:
    """Run ``body`` (after the prelude) in node; the lines it logged."""
    node = node_binary()
    result = await trio.run_process(
        [node, "-e", _NODE_PRELUDE + body], capture_stdout=True, capture_stderr=True
    )
    trace = json.loads(result.stdout)
    assert "TIMEOUT" not in trace, trace
    return list(trace)


def fmt(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes):
        return "buf:" + value.decode("latin1")
    if isinstance(value, str):
        return "str:" + json.dumps(value, ensure_ascii=False)
    return str(value)


def line(*values: object) -> str:
    """One trace line: a label and values, formatted as the node side does."""
    label, *rest = values
    return " ".join([str(label), *(fmt(v) for v in rest)])


async def subject_and_peer(
    transport: str,
    tmp_path: Path,
    setup: Callable[[trionet.Socket], object] | None = None,
    **server_options: Any,
) -> tuple[trionet.Server, trionet.Socket, stdsocket.socket]:
    """A trionet server's accepted socket (``setup`` runs in the connection
    listener) and the raw stdlib socket at the other end."""
    accepted: list[trionet.Socket] = []
    got = trio.Event()

    def on_connection(sock: trionet.Socket) -> None:
        accepted.append(sock)
        if setup is not None:
            setup(sock)
        got.set()

    target = await listen(transport, tmp_path, on_connection, **server_options)
    raw = raw_client(target.args)
    await got.wait()
    return target.server, accepted[0], raw


async def recv_some(raw: stdsocket.socket) -> bytes:
    """The next bytes the raw peer gets (b'' at EOF)."""
    while True:
        try:
            return raw.recv(65536)
        except BlockingIOError:
            await trio.lowlevel.wait_readable(raw)


async def recv_until_eof(raw: stdsocket.socket) -> bytes:
    got = bytearray()
    while chunk := await recv_some(raw):
        got += chunk
    return bytes(got)


def reset(raw: stdsocket.socket) -> None:
    """Close the raw peer with a TCP RST."""
    raw.setsockopt(stdsocket.SOL_SOCKET, stdsocket.SO_LINGER, struct.pack("ii", 1, 0))
    raw.close()


def same(trace: list[str], expected: list[str]) -> None:
    """The trionet trace equals node's (both printed in full when not)."""
    assert trace == expected, "\ntrionet: " + repr(trace) + "\nnode:    " + repr(expected)


def fd_count() -> int:
    return len(os.listdir("/proc/self/fd"))


# == bugs ============================================================================

NODE_LATE_READABLE_AFTER_EOF = r"""
pair((sock) => {
  until(() => eofSeen(sock), () => {
    log('eof seen', sock.readableLength);
    sock.on('readable', () => { log('readable', sock.readableLength); log('read', sock.read()); });
    sock.on('end', () => log('end'));
    sock.on('close', (h) => { log('close', h); finish(); });
  });
}, (c) => c.end('hello'));
"""


@pytest.mark.node
@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_regression_readable_added_after_eof_is_emitted_once(
    transport: str, tmp_path: Path
) -> None:
    """Data and EOF already read ahead, then a 'readable' listener: Node emits one
    'readable' (the read() that drains the buffer then ends the stream). trionet
    also emits the EOF 'readable' a second time, with nothing left to read."""
    expected = await node_trace(NODE_LATE_READABLE_AFTER_EOF)
    trace: list[str] = []
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            server, sock, raw = await subject_and_peer(transport, tmp_path)
            closed = trio.Event()
            await send_all(raw, b"hello")
            raw.shutdown(stdsocket.SHUT_WR)
            await trio.testing.wait_all_tasks_blocked()  # data and EOF read ahead
            trace.append(line("eof seen", sock.readable_length))

            def on_readable() -> None:
                trace.append(line("readable", sock.readable_length))
                trace.append(line("read", sock.read()))

            sock.on("readable", on_readable)
            sock.on("end", lambda: trace.append(line("end")))
            sock.on("close", lambda h: (trace.append(line("close", h)), closed.set()))
            await closed.wait()
            raw.close()
            server.close()
    assert expected == ["eof seen 5", "readable 5", "read buf:hello", "end", "close false"]
    same(trace, expected)


NODE_TAIL_IN_READ_BUFFER = r"""
pair((sock) => {
  sock.setEncoding('utf8');
  until(() => eofSeen(sock), () => {
    log('eof seen', sock.readableLength);
    log('read', sock.read());
    sock.on('end', () => log('end', sock.readableLength));
    sock.on('close', (h) => { log('close', h); finish(); });
  });
}, (c) => c.end(Buffer.from([0x61, 0xe2, 0x82])));
"""


@pytest.mark.node
@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_regression_decoder_tail_at_eof_is_returned_by_read(
    transport: str, tmp_path: Path
) -> None:
    """With an encoding, the peer's last bytes are an incomplete character. Node
    puts the decoder's end ('\\ufffd') into the read buffer at EOF: readable_length
    is 2 and read() returns 'a\\ufffd'. trionet leaves it in the decoder (length 1,
    read() gives 'a') and emits it later as a 'data' event nobody listens to: a
    read()-only consumer never gets it."""
    expected = await node_trace(NODE_TAIL_IN_READ_BUFFER)
    trace: list[str] = []
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            server, sock, raw = await subject_and_peer(
                transport, tmp_path, lambda s: s.set_encoding("utf8")
            )
            closed = trio.Event()
            await send_all(raw, b"a\xe2\x82")
            raw.shutdown(stdsocket.SHUT_WR)
            await trio.testing.wait_all_tasks_blocked()
            trace.append(line("eof seen", sock.readable_length))
            trace.append(line("read", sock.read()))
            sock.on("end", lambda: trace.append(line("end", sock.readable_length)))
            sock.on("close", lambda h: (trace.append(line("close", h)), closed.set()))
            await closed.wait()
            raw.close()
            server.close()
    assert expected == ["eof seen 2", 'read str:"a\ufffd"', "end 0", "close false"]
    same(trace, expected)


NODE_UNSHIFT_IN_LAST_DATA = r"""
pair((sock) => {
  sock.setEncoding('utf8');
  let unshifted = false;
  sock.on('data', (d) => {
    log('data', d, sock.readableEnded, sock.readable);
    if (d === '\ufffd' && !unshifted) { unshifted = true; sock.unshift('Z'); }
  });
  sock.on('end', () => log('end'));
  sock.on('error', (e) => log('error', e.code));
  sock.on('close', (h) => { log('close', h); finish(); });
}, (c) => c.end(Buffer.from([0x61, 0xe2])));
"""


@pytest.mark.node
@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_regression_last_data_before_end_is_not_after_end(
    transport: str, tmp_path: Path
) -> None:
    """Flowing, with an encoding: the decoder's end is the last 'data' before 'end'.
    In Node the stream has not ended yet (readable_ended False, readable True) and
    unshift() there works: the chunk comes back as 'data', then 'end'. trionet
    sets readable_ended before that 'data' (``_emit_end``), so the same unshift()
    destroys the socket with ERR_STREAM_UNSHIFT_AFTER_END_EVENT."""
    expected = await node_trace(NODE_UNSHIFT_IN_LAST_DATA)
    trace: list[str] = []
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            closed = trio.Event()

            def setup(sock: trionet.Socket) -> None:
                sock.set_encoding("utf8")
                unshifted = []

                def on_data(d: str) -> None:
                    trace.append(line("data", d, sock.readable_ended, sock.readable))
                    if d == "\ufffd" and not unshifted:
                        unshifted.append(True)
                        sock.unshift("Z")

                sock.on("data", on_data)
                sock.on("end", lambda: trace.append(line("end")))
                sock.on("error", lambda e: trace.append(line("error", e.code)))
                sock.on("close", lambda h: (trace.append(line("close", h)), closed.set()))

            server, _sock, raw = await subject_and_peer(transport, tmp_path, setup)
            await send_all(raw, b"a\xe2")
            raw.shutdown(stdsocket.SHUT_WR)
            await closed.wait()
            raw.close()
            server.close()
    assert expected == [
        'data str:"a" false true',
        'data str:"\ufffd" false true',
        'data str:"Z" false true',
        "end",
        "close false",
    ]
    same(trace, expected)


NODE_DESTROY_IN_READABLE = r"""
pair((sock) => {
  sock.on('readable', () => {
    log('readable', sock.readableLength);
    sock.destroy();
    const d = sock.read();
    log('read', d, sock.readableLength);
  });
  sock.on('data', (d) => log('data', d));
  sock.on('close', (h) => { log('close', h); finish(); });
}, (c) => c.write('hello'));
"""


@pytest.mark.node
@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_regression_read_after_destroy_returns_what_was_buffered(
    transport: str, tmp_path: Path
) -> None:
    """destroy() inside 'readable', then read(): Node 20 still hands out (and emits
    as 'data') what was buffered; trionet returns None while readable_length
    still says 5 bytes are there. (After a peer reset, the same: read() gives
    None in trionet, the buffered bytes in Node.)"""
    expected = await node_trace(NODE_DESTROY_IN_READABLE)
    trace: list[str] = []
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            closed = trio.Event()

            def setup(sock: trionet.Socket) -> None:
                def on_readable() -> None:
                    trace.append(line("readable", sock.readable_length))
                    sock.destroy()
                    d = sock.read()
                    trace.append(line("read", d, sock.readable_length))

                sock.on("readable", on_readable)
                sock.on("data", lambda d: trace.append(line("data", d)))
                sock.on("close", lambda h: (trace.append(line("close", h)), closed.set()))

            server, _sock, raw = await subject_and_peer(transport, tmp_path, setup)
            await send_all(raw, b"hello")
            await closed.wait()
            raw.close()
            server.close()
    assert expected == ["readable 5", "data buf:hello", "read buf:hello 0", "close false"]
    same(trace, expected)


NODE_UNSHIFT_FLOWING = r"""
pair((sock) => {
  let first = true;
  sock.on('data', (d) => {
    log('data', d);
    if (first) {
      first = false;
      const i = d.indexOf('\n');
      log('unshift', sock.unshift(d.slice(i + 1)), sock.readableLength);
    } else {
      sock.end();
    }
  });
  sock.on('end', () => log('end'));
  sock.on('close', (h) => { log('close', h); finish(); });
}, (c) => c.write('head\nbody'));
"""


@pytest.mark.node
async def test_regression_unshift_in_flowing_mode_is_emitted_at_once(tmp_path: Path) -> None:
    """unshift() inside a 'data' listener of a flowing socket with an empty buffer:
    Node emits the chunk as 'data' right away, inside unshift() (addChunk), so
    readable_length is 0 when unshift() returns and the listener still attached
    gets it first. trionet buffers it (readable_length 4) and delivers it after
    the listener returned, so listener changes made after unshift() (the usual
    "unshift the rest, then hand the socket over" pattern) see it instead."""
    expected = await node_trace(NODE_UNSHIFT_FLOWING)
    trace: list[str] = []
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            closed = trio.Event()

            def setup(sock: trionet.Socket) -> None:
                first = [True]

                def on_data(d: bytes) -> None:
                    trace.append(line("data", d))
                    if first[0]:
                        first[0] = False
                        rest = d[d.index(b"\n") + 1 :]
                        trace.append(line("unshift", sock.unshift(rest), sock.readable_length))
                    else:
                        sock.end()

                sock.on("data", on_data)
                sock.on("end", lambda: trace.append(line("end")))
                sock.on("close", lambda h: (trace.append(line("close", h)), closed.set()))

            server, _sock, raw = await subject_and_peer("tcp4", tmp_path, setup)
            await send_all(raw, b"head\nbody")
            assert await recv_until_eof(raw) == b""  # the subject's FIN
            raw.shutdown(stdsocket.SHUT_WR)
            await closed.wait()
            raw.close()
            server.close()
    assert expected == [
        "data buf:head\nbody",
        "data buf:body",
        "unshift true 0",
        "end",
        "close false",
    ]
    same(trace, expected)


async def test_regression_read_n_cost_does_not_grow_with_the_buffered_chunk(tmp_path: Path) -> None:
    """read(n) takes n bytes off the front of a buffered chunk by copying the
    rest (``_take``: ``rbuf.appendleft(chunk[need:])``), so draining a chunk of
    size S with read(n) copies ~S*S/(2n) bytes. Node slices without copying.

    Here a 16 MiB unshifted chunk is drained with read(256): 65536 calls, ~0.3 s
    if each is O(n); with the copy, ~512 GiB are moved (minutes). So the test
    checks, without timing, that the head chunk is not copied. The same cost
    showed with socket data: 1 MB through read(1) took ~4.4 s, 0.19 s in node."""
    chunk = os.urandom(16 * 1024 * 1024)
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            server, sock, raw = await subject_and_peer("tcp4", tmp_path)
            sock.unshift(chunk)
            digest = hashlib.sha256()
            first = sock.read(256)
            assert isinstance(first, bytes)
            digest.update(first)
            # No timing: the rest of the chunk must not have been copied (the head
            # of the read-ahead buffer is still the very object unshifted).
            assert sock._rbuf is not None and sock._rbuf[0] is chunk
            taken = len(first)
            while taken < len(chunk):
                part = sock.read(256)
                assert isinstance(part, bytes)
                digest.update(part)
                taken += len(part)
            assert digest.digest() == hashlib.sha256(chunk).digest()
            sock.destroy()
            raw.close()
            server.close()


NODE_UTF16_LENGTHS = r"""
pair((sock) => {
  sock.setEncoding('utf8');
  until(() => eofSeen(sock), () => {
    log('length', sock.readableLength);
    let d;
    while ((d = sock.read(2)) !== null) log('read 2 gave', d.length);
    sock.destroy();
    finish();
  });
}, (c) => c.end('a\u{1F600}b\u{1F600}c'));
"""


@pytest.mark.node
async def test_lengths_with_an_encoding_count_code_points_not_utf16_units(
    tmp_path: Path,
) -> None:
    """Different on purpose (docs/node-compat.md): Node counts UTF-16 code units, so
    a character beyond U+FFFF counts 2 and read(2) may split it into lone
    surrogates. A Python str counts code points, and read(n) never splits one."""
    expected = await node_trace(NODE_UTF16_LENGTHS)
    assert expected == [  # what Node does, for the record
        "length 7",
        "read 2 gave 2",
        "read 2 gave 2",
        "read 2 gave 2",
        "read 2 gave 1",
    ]
    got: list[str] = []
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            server, sock, raw = await subject_and_peer(
                "tcp4", tmp_path, lambda s: s.set_encoding("utf8")
            )
            text = "a\U0001f600b\U0001f600c"
            await send_all(raw, text.encode())
            raw.shutdown(stdsocket.SHUT_WR)
            ended = trio.Event()
            sock.on("readable", lambda: ended.set() if sock.readable_length == 5 else None)
            await ended.wait()
            while (d := sock.read(2)) is not None:
                assert isinstance(d, str)
                got.append(d)
            sock.destroy()
            raw.close()
            server.close()
    assert got == ["a\U0001f600", "b\U0001f600", "c"]


NODE_UNSHIFT_BEFORE_CONNECT = r"""
const server = net.createServer((c) => c.end('xyz'));
server.listen(0, '127.0.0.1', () => {
  const s = net.connect(server.address().port, '127.0.0.1');
  log('unshift', s.unshift('pre'), s.readableLength, s.readableFlowing);
  s.on('data', (d) => log('data', d, s.connecting));
  s.on('connect', () => log('connect'));
  s.on('end', () => log('end'));
  s.on('close', (h) => { log('close', h); server.close(); finish(); });
});
"""


@pytest.mark.node
async def test_regression_unshift_before_connect_flows_before_connect(tmp_path: Path) -> None:
    """unshift() on a connecting socket, then a 'data' listener: Node emits the
    chunk at once (the stream flows from resume(), whatever the connection does);
    trionet holds it until connected, so 'data' comes after 'connect'."""
    expected = await node_trace(NODE_UNSHIFT_BEFORE_CONNECT)
    trace: list[str] = []
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            closed = trio.Event()
            target = await listen("tcp4", tmp_path, lambda c: c.end(b"xyz"))
            s = trionet.connect(*target.args)
            ok = s.unshift("pre")
            trace.append(line("unshift", ok, s.readable_length, s.readable_flowing))
            s.on("data", lambda d: trace.append(line("data", d, s.connecting)))
            s.on("connect", lambda: trace.append(line("connect")))
            s.on("end", lambda: trace.append(line("end")))
            s.on("close", lambda h: (trace.append(line("close", h)), closed.set()))
            await closed.wait()
            target.server.close()
    assert expected[:3] == ["unshift true 3 null", "data buf:pre true", "connect"]
    same(trace, expected)


# == behaviour that holds (compared with node where it is Node's) =====================

NODE_LATE_READABLE_DATA_ONLY = r"""
pair((sock) => {
  until(() => sock.readableLength === 5, () => {
    log('buffered', sock.readableLength, sock.readableFlowing);
    sock.on('readable', () => { log('readable', sock.readableLength); log('read', sock.read()); });
    sock.on('end', () => log('end'));
    sock.on('close', (h) => { log('close', h); finish(); });
    sock.write('n');
  });
}, (c) => { c.write('hello'); c.once('data', () => c.end()); });
"""


@pytest.mark.node
@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_readable_added_after_data_then_eof_like_node(transport: str, tmp_path: Path) -> None:
    """A listener added once bytes are read ahead gets one 'readable' for them, and
    the EOF 'readable' (empty) before 'end', as in Node."""
    expected = await node_trace(NODE_LATE_READABLE_DATA_ONLY)
    trace: list[str] = []
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            server, sock, raw = await subject_and_peer(transport, tmp_path)
            closed = trio.Event()
            await send_all(raw, b"hello")
            await trio.testing.wait_all_tasks_blocked()
            trace.append(line("buffered", sock.readable_length, sock.readable_flowing))

            def on_readable() -> None:
                trace.append(line("readable", sock.readable_length))
                trace.append(line("read", sock.read()))

            sock.on("readable", on_readable)
            sock.on("end", lambda: trace.append(line("end")))
            sock.on("close", lambda h: (trace.append(line("close", h)), closed.set()))
            sock.write(b"n")
            assert await recv_some(raw) == b"n"
            raw.shutdown(stdsocket.SHUT_WR)
            await closed.wait()
            raw.close()
            server.close()
    same(trace, expected)


NODE_REMOVE_ONCE_READD = r"""
pair((sock) => {
  const f = () => {
    log('readable', sock.readableLength, sock.readableFlowing);
    const d = sock.read();
    log('read', d);
    if (d && d.toString() === 'aa') { sock.off('readable', f); sock.write('n'); }
  };
  sock.on('readable', f);
  sock.on('end', () => log('end'));
  sock.on('close', (h) => { log('close', h); finish(); });
  until(() => sock.readableLength === 2 && sock.listenerCount('readable') === 0, () => {
    log('buffered', sock.readableLength, sock.readableFlowing);
    sock.once('readable', () => {
      log('once readable', sock.readableLength, sock.readableFlowing);
      setImmediate(() => {
        log('after once', sock.readableFlowing, sock.listenerCount('readable'));
        log('read', sock.read());
        sock.on('readable', f);
        sock.write('n');
      });
    });
  });
}, (c) => {
  c.write('aa');
  let k = 0;
  c.on('data', () => { if (k++ === 0) c.write('bb'); else c.end(); });
});
"""


@pytest.mark.node
async def test_readable_removed_once_and_readded_like_node(tmp_path: Path) -> None:
    """Removing the last 'readable' listener makes the socket neither flowing nor
    announcing (flowing None) while it reads ahead; once('readable') announces what
    is buffered; read() outside any listener; a re-added listener gets the EOF."""
    expected = await node_trace(NODE_REMOVE_ONCE_READD)
    trace: list[str] = []
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            closed = trio.Event()
            fired = trio.Event()
            holder: list[trionet.Socket] = []

            def f() -> None:
                sock = holder[0]
                trace.append(line("readable", sock.readable_length, sock.readable_flowing))
                d = sock.read()
                trace.append(line("read", d))
                if d == b"aa":
                    sock.off("readable", f)
                    sock.write(b"n")

            def setup(sock: trionet.Socket) -> None:
                holder.append(sock)
                sock.on("readable", f)
                sock.on("end", lambda: trace.append(line("end")))
                sock.on("close", lambda h: (trace.append(line("close", h)), closed.set()))

            server, sock, raw = await subject_and_peer("tcp4", tmp_path, setup)
            await send_all(raw, b"aa")
            assert await recv_some(raw) == b"n"
            await send_all(raw, b"bb")
            await trio.testing.wait_all_tasks_blocked()
            assert sock.listener_count("readable") == 0
            trace.append(line("buffered", sock.readable_length, sock.readable_flowing))

            def on_once() -> None:
                trace.append(line("once readable", sock.readable_length, sock.readable_flowing))
                fired.set()

            sock.once("readable", on_once)
            await fired.wait()
            await trio.testing.wait_all_tasks_blocked()
            trace.append(line("after once", sock.readable_flowing, sock.listener_count("readable")))
            trace.append(line("read", sock.read()))
            sock.on("readable", f)
            sock.write(b"n")
            assert await recv_some(raw) == b"n"
            raw.shutdown(stdsocket.SHUT_WR)
            await closed.wait()
            raw.close()
            server.close()
    same(trace, expected)


NODE_READABLE_AND_DATA = r"""
pair((sock) => {
  sock.on('data', (d) => {
    log('data', d, sock.readableFlowing);
    if (d.toString() === 'bb') sock.write('n');
  });
  const r = () => {
    log('readable', sock.readableLength, sock.readableFlowing);
    setImmediate(() => {
      log('read', sock.read());
      sock.removeListener('readable', r);
      log('removed', sock.readableFlowing);
      sock.write('n');
    });
  };
  sock.on('readable', r);
  sock.on('end', () => log('end'));
  sock.on('close', (h) => { log('close', h); finish(); });
}, (c) => {
  c.write('aa');
  let k = 0;
  c.on('data', () => { if (k++ === 0) c.write('bb'); else c.end(); });
});
"""


@pytest.mark.node
async def test_readable_and_data_listeners_together_like_node(tmp_path: Path) -> None:
    """With both listeners, 'data' comes only from read() (made outside the
    listener here); once the 'readable' listener goes, the 'data' listener flows."""
    expected = await node_trace(NODE_READABLE_AND_DATA)
    trace: list[str] = []
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            closed = trio.Event()
            announced = trio.Event()

            def setup(sock: trionet.Socket) -> None:
                def on_data(d: bytes) -> None:
                    trace.append(line("data", d, sock.readable_flowing))
                    if d == b"bb":
                        sock.write(b"n")

                def on_readable() -> None:
                    trace.append(line("readable", sock.readable_length, sock.readable_flowing))
                    announced.set()

                sock.on("data", on_data)
                sock.on("readable", on_readable)
                sock.on("end", lambda: trace.append(line("end")))
                sock.on("close", lambda h: (trace.append(line("close", h)), closed.set()))

            server, sock, raw = await subject_and_peer("tcp4", tmp_path, setup)
            await send_all(raw, b"aa")
            await announced.wait()
            trace.append(line("read", sock.read()))
            sock.remove_all_listeners("readable")
            trace.append(line("removed", sock.readable_flowing))
            sock.write(b"n")
            assert await recv_some(raw) == b"n"
            await send_all(raw, b"bb")
            assert await recv_some(raw) == b"n"
            raw.shutdown(stdsocket.SHUT_WR)
            await closed.wait()
            raw.close()
            server.close()
    same(trace, expected)


NODE_READABLE_AND_PIPE = r"""
pair((sock) => {
  const dest = {
    write(d) { log('dest write', d); if (d.toString() !== 'three') sock.write('n'); return true; },
    end() { log('dest end'); },
    on() { return this; }, once() { return this; }, emit() { return false; },
    removeListener() { return this; }, listenerCount() { return 0; },
  };
  let n = 0;
  const f = () => {
    log('readable', sock.readableLength, sock.readableFlowing);
    if (n++ === 0) log('read', sock.read());
    else { sock.off('readable', f); log('off'); }
  };
  sock.on('readable', f);
  sock.pipe(dest);
  log('flowing after pipe', sock.readableFlowing);
  sock.on('end', () => log('end'));
  sock.on('close', (h) => { log('close', h); finish(); });
}, (c) => {
  c.write('one');
  let k = 0;
  c.on('data', () => { if (k++ === 0) c.write('two'); else c.end('three'); });
});
"""


@pytest.mark.node
async def test_readable_with_pipe_like_node(tmp_path: Path) -> None:
    """pipe() does not make a socket with a 'readable' listener flow: read() feeds
    the pipe; removing the listener lets the pipe flow, and 'end' ends it."""
    expected = await node_trace(NODE_READABLE_AND_PIPE)
    trace: list[str] = []

    class Dest:
        def __init__(self, sock: trionet.Socket) -> None:
            self.sock = sock

        def write(self, d: bytes) -> bool:
            trace.append(line("dest write", d))
            if d != b"three":
                self.sock.write(b"n")
            return True

        def end(self) -> None:
            trace.append(line("dest end"))

    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            closed = trio.Event()

            def setup(sock: trionet.Socket) -> None:
                n = [0]

                def f() -> None:
                    trace.append(line("readable", sock.readable_length, sock.readable_flowing))
                    if n[0] == 0:
                        trace.append(line("read", sock.read()))
                    else:
                        sock.off("readable", f)
                        trace.append(line("off"))
                    n[0] += 1

                sock.on("readable", f)
                sock.pipe(Dest(sock))
                trace.append(line("flowing after pipe", sock.readable_flowing))
                sock.on("end", lambda: trace.append(line("end")))
                sock.on("close", lambda h: (trace.append(line("close", h)), closed.set()))

            server, _sock, raw = await subject_and_peer("tcp4", tmp_path, setup)
            await send_all(raw, b"one")
            assert await recv_some(raw) == b"n"
            await send_all(raw, b"two")
            assert await recv_some(raw) == b"n"
            await send_all(raw, b"three")
            raw.shutdown(stdsocket.SHUT_WR)
            await closed.wait()
            raw.close()
            server.close()
    same(trace, expected)


NODE_READ_N_AT_EOF = r"""
pair((sock) => {
  let k = 0;
  sock.on('readable', () => {
    log('readable', sock.readableLength);
    log('read 2', sock.read(2));
    if (++k === 2) setImmediate(() => {
      log('outside', sock.readableLength, sock.readableEnded);
      log('read 2', sock.read(2));
    });
  });
  sock.on('end', () => log('end', sock.readableLength));
  sock.on('close', (h) => { log('close', h); finish(); });
}, (c) => c.end('hello'));
"""


@pytest.mark.node
@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_read_n_short_of_the_rest_at_eof_like_node(transport: str, tmp_path: Path) -> None:
    """A listener that takes less than is buffered: one 'readable' for the bytes, one
    for EOF, then none; 'end' waits until a read(2) outside takes the last byte
    (shorter than asked, since the stream has ended)."""
    expected = await node_trace(NODE_READ_N_AT_EOF)
    trace: list[str] = []
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            closed = trio.Event()
            second = trio.Event()

            def setup(sock: trionet.Socket) -> None:
                k = [0]

                def on_readable() -> None:
                    trace.append(line("readable", sock.readable_length))
                    trace.append(line("read 2", sock.read(2)))
                    k[0] += 1
                    if k[0] == 2:
                        second.set()

                sock.on("readable", on_readable)
                sock.on("end", lambda: trace.append(line("end", sock.readable_length)))
                sock.on("close", lambda h: (trace.append(line("close", h)), closed.set()))

            server, sock, raw = await subject_and_peer(transport, tmp_path, setup)
            await send_all(raw, b"hello")
            raw.shutdown(stdsocket.SHUT_WR)
            await second.wait()
            await trio.testing.wait_all_tasks_blocked()
            trace.append(line("outside", sock.readable_length, sock.readable_ended))
            trace.append(line("read 2", sock.read(2)))
            await closed.wait()
            raw.close()
            server.close()
    same(trace, expected)


NODE_UNSHIFT_AFTER_EOF = r"""
pair((sock) => {
  let k = 0;
  sock.on('readable', () => {
    log('readable', sock.readableLength);
    if (k++ === 0) { sock.write('n'); return; }
    const d = sock.read();
    log('read', d);
    if (d === null) return;
    log('unshift', sock.unshift(d.slice(1)), sock.readableLength, sock.readableEnded);
    log('read', sock.read());
  });
  sock.on('end', () => log('end'));
  sock.on('close', (h) => { log('close', h); finish(); });
}, (c) => { c.write('abc'); c.once('data', () => c.end()); });
"""


@pytest.mark.node
async def test_unshift_after_eof_before_end_like_node(tmp_path: Path) -> None:
    """unshift() after the peer's FIN but before 'end' returns False (the stream
    has ended), keeps the bytes, and 'end' waits until they are read."""
    expected = await node_trace(NODE_UNSHIFT_AFTER_EOF)
    trace: list[str] = []
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            closed = trio.Event()

            def setup(sock: trionet.Socket) -> None:
                k = [0]

                def on_readable() -> None:
                    trace.append(line("readable", sock.readable_length))
                    k[0] += 1
                    if k[0] == 1:
                        sock.write(b"n")
                        return
                    d = sock.read()
                    trace.append(line("read", d))
                    if d is None:
                        return
                    assert isinstance(d, bytes)
                    ok = sock.unshift(d[1:])
                    trace.append(line("unshift", ok, sock.readable_length, sock.readable_ended))
                    trace.append(line("read", sock.read()))

                sock.on("readable", on_readable)
                sock.on("end", lambda: trace.append(line("end")))
                sock.on("close", lambda h: (trace.append(line("close", h)), closed.set()))

            server, _sock, raw = await subject_and_peer("tcp4", tmp_path, setup)
            await send_all(raw, b"abc")
            assert await recv_some(raw) == b"n"
            raw.shutdown(stdsocket.SHUT_WR)
            await closed.wait()
            raw.close()
            server.close()
    same(trace, expected)


NODE_RESET_WITH_DATA_BUFFERED = r"""
pair((sock) => {
  sock.on('readable', () => { log('readable', sock.readableLength); sock.write('n'); });
  sock.on('end', () => log('end'));
  sock.on('error', (e) => log('error', e.code, e.syscall));
  sock.on('close', (h) => { log('close', h, sock.readableLength, sock.destroyed); finish(); });
}, (c) => { c.write('hello'); c.once('data', () => c.resetAndDestroy()); });
"""


@pytest.mark.node
async def test_peer_reset_with_data_buffered_like_node(tmp_path: Path) -> None:
    """The peer resets while the subject holds bytes nobody read: 'readable' came
    first, then 'error' (ECONNRESET, read) and 'close'(True); no 'end'."""
    expected = await node_trace(NODE_RESET_WITH_DATA_BUFFERED)
    trace: list[str] = []
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            closed = trio.Event()

            def setup(sock: trionet.Socket) -> None:
                def on_readable() -> None:
                    trace.append(line("readable", sock.readable_length))
                    sock.write(b"n")

                sock.on("readable", on_readable)
                sock.on("end", lambda: trace.append(line("end")))
                sock.on("error", lambda e: trace.append(line("error", e.code, e.syscall)))

                def on_close(h: bool) -> None:
                    trace.append(line("close", h, sock.readable_length, sock.destroyed))
                    closed.set()

                sock.on("close", on_close)

            server, _sock, raw = await subject_and_peer("tcp4", tmp_path, setup)
            await send_all(raw, b"hello")
            assert await recv_some(raw) == b"n"
            reset(raw)
            await closed.wait()
            server.close()
    assert expected[:3] == ["readable 5", 'error str:"ECONNRESET" str:"read"', "close true 5 true"]
    same(trace, expected)


NODE_HALF_OPEN = r"""
pair((sock) => {
  sock.on('readable', () => { log('readable', sock.readableLength); log('read', sock.read()); });
  sock.on('end', () => { log('end', sock.writable); log('write', sock.write('bye')); sock.end(); });
  sock.on('finish', () => log('finish'));
  sock.on('close', (h) => { log('close', h); finish(); });
}, (c) => { c.end('hello'); c.resume(); }, { allowHalfOpen: true });
"""


@pytest.mark.node
@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_half_open_with_readable_listener_like_node(transport: str, tmp_path: Path) -> None:
    """allow_half_open: the subject reads through 'readable', gets 'end', and can
    still write; the peer receives it all."""
    expected = await node_trace(NODE_HALF_OPEN)
    trace: list[str] = []
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            closed = trio.Event()

            def setup(sock: trionet.Socket) -> None:
                def on_readable() -> None:
                    trace.append(line("readable", sock.readable_length))
                    trace.append(line("read", sock.read()))

                def on_end() -> None:
                    trace.append(line("end", sock.writable))
                    trace.append(line("write", sock.write(b"bye")))
                    sock.end()

                sock.on("readable", on_readable)
                sock.on("end", on_end)
                sock.on("finish", lambda: trace.append(line("finish")))
                sock.on("close", lambda h: (trace.append(line("close", h)), closed.set()))

            server, _sock, raw = await subject_and_peer(
                transport, tmp_path, setup, allow_half_open=True
            )
            await send_all(raw, b"hello")
            raw.shutdown(stdsocket.SHUT_WR)
            assert await recv_until_eof(raw) == b"bye"
            await closed.wait()
            raw.close()
            server.close()
    same(trace, expected)


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_slow_reader_buffer_is_bounded_and_backpressure_reaches_the_sender(
    transport: str, tmp_path: Path
) -> None:
    """16 MiB to a subject whose 'readable' listener does not read: the subject
    stops reading at the high-water mark (plus at most one read), the sender's
    queue holds the rest; then everything arrives, in order."""
    payload = os.urandom(16 * 1024 * 1024)
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            readables = []

            def setup(sock: trionet.Socket) -> None:
                sock.on("readable", lambda: readables.append(sock.readable_length))

            server, sock, raw = await subject_and_peer(transport, tmp_path, setup)
            sender = trio.Event()

            async def send() -> None:
                await send_all(raw, payload)
                raw.shutdown(stdsocket.SHUT_WR)
                sender.set()

            async with trio.open_nursery() as nursery:
                nursery.start_soon(send)
                await trio.testing.wait_all_tasks_blocked()
                assert readables  # announced
                hwm = sock.readable_high_water_mark
                assert hwm == 16 * 1024
                assert sock.readable_length <= hwm + READ_SIZE
                assert not sender.is_set()  # the rest waits in the kernel and the sender
                digest = hashlib.sha256()
                ended = trio.Event()
                most = [0]

                def drain() -> None:
                    most[0] = max(most[0], sock.readable_length)
                    while (chunk := sock.read()) is not None:
                        assert isinstance(chunk, bytes)
                        digest.update(chunk)

                sock.on("readable", drain)
                sock.on("end", ended.set)
                drain()
                await ended.wait()
            assert digest.digest() == hashlib.sha256(payload).digest()
            assert most[0] <= hwm + READ_SIZE
            raw.close()
            server.close()


def _text_and_bytes(encoding: str, rng: random.Random) -> tuple[str, bytes]:
    chars = "aé€z\n"
    text = "".join(rng.choice(chars) for _ in range(150_000))
    data = text.encode("utf-16-le") if encoding == "utf16le" else text.encode()
    decoded = {
        "utf8": text,
        "utf16le": text,
        "hex": data.hex(),
        "base64": base64.b64encode(data).decode(),
        "latin1": data.decode("latin-1"),
    }[encoding]
    return decoded, data


@pytest.mark.parametrize("encoding", ["utf8", "utf16le", "hex", "base64", "latin1"])
async def test_read_n_with_an_encoding_across_chunks(encoding: str, tmp_path: Path) -> None:
    """read(n) counts characters of the decoded text; characters split between
    socket reads come out whole, and nothing is lost or reordered."""
    rng = random.Random(encoding)
    expected, data = _text_and_bytes(encoding, rng)
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            got: list[str] = []
            sizes: list[tuple[int, int]] = []
            ended = trio.Event()

            def setup(sock: trionet.Socket) -> None:
                sock.set_encoding(encoding)

                def on_readable() -> None:
                    while True:
                        n = rng.choice([1, 3, 1000, 17_000, 40_000])
                        chunk = sock.read(n)
                        if chunk is None:
                            return
                        assert isinstance(chunk, str)
                        sizes.append((n, len(chunk)))
                        got.append(chunk)

                sock.on("readable", on_readable)
                sock.on("end", ended.set)

            server, _sock, raw = await subject_and_peer("tcp4", tmp_path, setup)
            await send_all(raw, data)
            raw.shutdown(stdsocket.SHUT_WR)
            await ended.wait()
            raw.close()
            server.close()
    assert "".join(got) == expected
    assert all(n == length for n, length in sizes[:-1])


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_unshift_from_another_task_wakes_a_waiting_async_for(
    transport: str, tmp_path: Path
) -> None:
    """An `async for` waits on the kernel; another task unshifts bytes: the loop
    gets them at once (the peer sends nothing more until it has answered)."""
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            server, sock, raw = await subject_and_peer(transport, tmp_path)
            await send_all(raw, b"one")
            got: list[bytes] = []

            async def unshift_later() -> None:
                await trio.testing.wait_all_tasks_blocked()  # the loop waits on the kernel
                sock.unshift(b"X")

            async with trio.open_nursery() as nursery:
                nursery.start_soon(unshift_later)
                async for chunk in sock:
                    assert isinstance(chunk, bytes)
                    got.append(chunk)
                    if chunk == b"X":
                        await send_all(raw, b"two")
                        raw.shutdown(stdsocket.SHUT_WR)
            raw.close()
            server.close()
    assert got == [b"one", b"X", b"two"]


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_destroy_in_readable_leaks_no_descriptor_or_task(
    transport: str, tmp_path: Path
) -> None:
    """20 connections each destroyed inside their first 'readable' (some with bytes
    and EOF pending): every subject closes once, nothing stays open or running."""
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            closes: list[bool] = []
            all_closed = trio.Event()
            count = 20

            def on_connection(sock: trionet.Socket) -> None:
                sock.on("readable", lambda: sock.destroy())

                def on_close(h: bool) -> None:
                    closes.append(h)
                    if len(closes) == count:
                        all_closed.set()

                sock.on("close", on_close)

            target = await listen(transport, tmp_path, on_connection)
            await trio.testing.wait_all_tasks_blocked()
            before_fds = fd_count()
            before_tasks = task_count()
            raws = []
            for i in range(count):
                raw = raw_client(target.args)
                raws.append(raw)
                await send_all(raw, b"x" * (i + 1))
                if i % 2:
                    raw.shutdown(stdsocket.SHUT_WR)
            await all_closed.wait()
            for raw in raws:
                assert await recv_until_eof(raw) == b""
                raw.close()
            await trio.testing.wait_all_tasks_blocked()
            assert closes == [False] * count
            assert fd_count() == before_fds
            assert task_count() == before_tasks
            target.server.close()
