"""Behaviour of options that had only validation tests (once known gap 4 of docs/node-compat.md).

``ipv6_only``, ``hints``, ``no_delay`` / ``keep_alive`` / ``keep_alive_initial_delay``,
``on_read`` with a callable buffer, ``Socket(fd=..., readable=..., writable=...)``,
``path`` together with ``port``, and breaking out of ``async for``. Everything runs
on real loopback sockets; where the behaviour is Node's, the same scenario runs in
node (one process per feature, in a module-scoped fixture) and the outcomes are
compared.
"""

from __future__ import annotations

import json
import os
import select
import socket as stdsocket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trio
import trio.testing
from processes import ask_node, node_binary, short_tmp_dir

import trionet


@pytest.fixture(scope="module")
def node() -> str:
    """The node binary, skipping (or failing under CI) when missing."""
    return node_binary()


@pytest.fixture
def tmp_dir() -> Iterator[Path]:
    """A short directory for Unix socket paths."""
    with short_tmp_dir("tn-opt-") as d:
        yield d


def fd_count() -> int:
    return len(os.listdir("/proc/self/fd"))


def error_name(exc: BaseException) -> str:
    """The name of the JavaScript error class a trionet error stands for."""
    if isinstance(exc, TypeError):
        return "TypeError"
    if isinstance(exc, ValueError):
        return "RangeError"
    return "Error"


async def listening(server: trionet.Server, *args: Any, **kwargs: Any) -> trionet.Server:
    server.listen(*args, **kwargs)
    await trionet.once(server, "listening")
    return server


async def connect_outcome(*args: Any, **kwargs: Any) -> list[Any]:
    """What a connect() does: ['throw', code, name, message] when it raises at the
    call, ['error', code] for an 'error' event, ['connect', address, family]."""
    try:
        s = trionet.connect(*args, **kwargs)
    except trionet.NodeError as exc:
        return ["throw", exc.code, error_name(exc), str(exc)]
    done = trio.Event()
    out: list[list[Any]] = []

    def on_connect() -> None:
        out.append(["connect", s.remote_address, s.remote_family])
        s.destroy()
        done.set()

    s.on("connect", on_connect)
    s.on("error", lambda e: (out.append(["error", e.code]), done.set()))
    await done.wait()
    return out[0]


# ================================================================== ipv6_only

_NODE_IPV6_ONLY = r"""
const net = require('net');
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
// The server answers each connection with the client address it sees, then FIN.
function tryConnect(port, host) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    let got = '';
    s.setEncoding('utf8');
    s.on('data', (d) => { got += d; });
    s.on('end', () => resolve('connect:' + got));
    s.on('error', (e) => resolve(e.code));
  });
}
function tryListen(port, host) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.on('error', (e) => resolve(e.code));
    srv.listen({ port, host }, () => srv.close(() => resolve('listening')));
  });
}
(async () => {
  const out = [];
  for (const [host, ipv6Only] of cases) {
    const srv = net.createServer((c) => c.end(c.remoteAddress));
    const opts = { port: 0, ipv6Only };
    if (host !== null) opts.host = host;
    await new Promise((resolve) => srv.listen(opts, resolve));
    const { address, family, port } = srv.address();
    out.push([address, family, await tryConnect(port, '127.0.0.1'),
              await tryConnect(port, '::1'), await tryListen(port, '127.0.0.1')]);
    await new Promise((resolve) => srv.close(resolve));
  }
  process.stdout.write(JSON.stringify(out));
})();
"""

#: (host, ipv6_only): the two cases on "::" come first.
IPV6_ONLY_CASES = [
    ("::", True),
    ("::", False),
    ("::1", True),
    ("127.0.0.1", True),
    ("0.0.0.0", True),
]


@pytest.fixture(scope="module")
def node_ipv6_only(node: str) -> dict[tuple[str | None, bool], list[Any]]:
    cases = [*IPV6_ONLY_CASES, (None, True), (None, False)]
    rows = ask_node(node, _NODE_IPV6_ONLY, cases)
    return dict(zip(cases, rows, strict=True))


async def _try_connect(port: int, host: str) -> str:
    s = trionet.connect(port, host)
    s.on("error", lambda e: None)  # the iterator raises it
    try:
        got = b"".join([chunk async for chunk in s])  # type: ignore[misc]
    except trionet.NetError as exc:
        return str(exc.code)
    return "connect:" + got.decode()


async def _try_listen(port: int, host: str) -> str:
    srv = trionet.create_server()
    done = trio.Event()
    out: list[str] = []
    srv.on("error", lambda e: (out.append(e.code), done.set()))
    srv.listen({"port": port, "host": host}, lambda: (out.append("listening"), done.set()))
    await done.wait()
    srv.close()
    return out[0]


async def _ipv6_only_row(host: str | None, ipv6_only: bool) -> list[Any]:
    """Node's scenario: address, then connect to 127.0.0.1 and to ::1 (each answered
    with the client address the server saw), then bind 127.0.0.1 on the same port."""
    async with trionet.open_loop():
        srv = trionet.create_server(lambda c: c.end(c.remote_address))
        options: dict[str, Any] = {"port": 0, "ipv6_only": ipv6_only}
        if host is not None:
            options["host"] = host
        await listening(srv, options)
        address = srv.address()
        assert isinstance(address, dict)
        port = address["port"]
        row = [
            address["address"],
            address["family"],
            await _try_connect(port, "127.0.0.1"),
            await _try_connect(port, "::1"),
            await _try_listen(port, "127.0.0.1"),
        ]
        srv.close()
    return row


@pytest.mark.node
@pytest.mark.parametrize(("host", "ipv6_only"), IPV6_ONLY_CASES)
async def test_ipv6_only_matches_node(
    host: str, ipv6_only: bool, node_ipv6_only: dict[Any, list[Any]]
) -> None:
    with trio.fail_after(10):
        row = await _ipv6_only_row(host, ipv6_only)
    assert row == node_ipv6_only[(host, ipv6_only)]
    if host == "::":
        if ipv6_only:
            # IPv4 is refused, and 0.0.0.0:port stays free for another socket.
            assert row[2:] == ["ECONNREFUSED", "connect:::1", "listening"]
        else:
            # Dual stack: IPv4 clients arrive as v4-mapped addresses.
            assert row[2:] == ["connect:::ffff:127.0.0.1", "connect:::1", "EADDRINUSE"]


@pytest.mark.node
@pytest.mark.parametrize("ipv6_only", [True, False])
async def test_ipv6_only_without_a_host_matches_node(
    ipv6_only: bool, node_ipv6_only: dict[Any, list[Any]]
) -> None:
    """No host: the dual-stack ``::`` socket. Node 20 passes no flags to this bind
    (lib/net.js listenInCluster(this, null, ...)), so ipv6Only is ignored there."""
    with trio.fail_after(10):
        row = await _ipv6_only_row(None, ipv6_only)
    assert row == node_ipv6_only[(None, ipv6_only)]


# ====================================================================== hints

AI_ADDRCONFIG = stdsocket.AI_ADDRCONFIG
AI_V4MAPPED = stdsocket.AI_V4MAPPED
AI_ALL = stdsocket.AI_ALL

_NODE_HINTS = r"""
const net = require('net');
const dns = require('dns');
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const srv = net.createServer((c) => c.end());
srv.listen(0, async () => {   // no host: dual-stack '::'
  const { port } = srv.address();
  const rows = [];
  for (const [host, family, hints] of cases) {
    rows.push(await new Promise((resolve) => {
      let s;
      try {
        s = net.connect({ port, host, family, hints });
      } catch (e) {
        resolve(['throw', e.code, e.name, e.message]);
        return;
      }
      s.on('error', (e) => resolve(['error', e.code]));
      s.on('connect', () => {
        resolve(['connect', s.remoteAddress, s.remoteFamily]);
        s.destroy();
      });
    }));
  }
  srv.close();
  process.stdout.write(JSON.stringify({
    constants: [dns.ADDRCONFIG, dns.V4MAPPED, dns.ALL], rows }));
});
"""

# '127.1' is an IPv4 address only to getaddrinfo (inet_aton's short form): not an
# IP to is_ip, so it is looked up, with the same answers on any host, whatever
# /etc/hosts says. Asked for IPv6, only AI_V4MAPPED makes it resolve.
VALID_HINTS = [
    ("127.1", 6, AI_V4MAPPED),
    ("127.1", 6, AI_V4MAPPED | AI_ALL),
    ("127.1", 6, 0),
    ("127.1", 0, AI_ADDRCONFIG),
    ("127.1", 0, AI_V4MAPPED),
    ("127.1", 4, AI_ADDRCONFIG | AI_V4MAPPED),
    ("localhost", 0, AI_ADDRCONFIG | AI_V4MAPPED | AI_ALL),
    ("127.0.0.1", 0, 1),  # an IP: no lookup, so Node does not look at hints
]
#: Anything but ADDRCONFIG, V4MAPPED and ALL, given to Node's dns.lookup.
INVALID_HINTS = [
    ("localhost", 0, stdsocket.AI_PASSIVE),
    ("localhost", 6, stdsocket.AI_CANONNAME),
    ("localhost", 0, 64),
    ("127.1", 4, AI_ADDRCONFIG | 1024),
    ("localhost", 0, -1),
]


@pytest.fixture(scope="module")
def node_hints(node: str) -> dict[tuple[str, int, int], list[Any]]:
    cases = VALID_HINTS + INVALID_HINTS
    answer = ask_node(node, _NODE_HINTS, cases)
    assert answer["constants"] == [AI_ADDRCONFIG, AI_V4MAPPED, AI_ALL]
    return dict(zip(cases, answer["rows"], strict=True))


async def _hints_outcome(host: str, family: int, hints: int) -> list[Any]:
    async with trionet.open_loop():
        srv = await listening(trionet.create_server(lambda c: c.end()), 0)
        port = srv.address()["port"]  # type: ignore[index]
        outcome = await connect_outcome(
            {"port": port, "host": host, "family": family, "hints": hints}
        )
        srv.close()
    return outcome


@pytest.mark.node
@pytest.mark.parametrize(("host", "family", "hints"), VALID_HINTS)
async def test_hints_are_passed_to_getaddrinfo_like_node(
    host: str, family: int, hints: int, node_hints: dict[Any, list[Any]]
) -> None:
    with trio.fail_after(10):
        outcome = await _hints_outcome(host, family, hints)
    assert outcome == node_hints[(host, family, hints)]
    if (host, family) == ("127.1", 6):
        if hints & AI_V4MAPPED:
            assert outcome == ["connect", "::ffff:127.0.0.1", "IPv6"]
        else:
            assert outcome[0] == "error"


@pytest.mark.node
@pytest.mark.parametrize(("host", "family", "hints"), INVALID_HINTS)
async def test_invalid_hints_raise_at_the_call_like_node(
    host: str, family: int, hints: int, node_hints: dict[Any, list[Any]]
) -> None:
    """Node's dns.lookup accepts only ADDRCONFIG | V4MAPPED | ALL: anything else is
    ERR_INVALID_ARG_VALUE, thrown from net.connect() itself."""
    expected = node_hints[(host, family, hints)]
    assert expected[:3] == ["throw", "ERR_INVALID_ARG_VALUE", "TypeError"]
    with trio.fail_after(10):
        outcome = await _hints_outcome(host, family, hints)
    assert outcome == expected


# ================================================ no_delay, keep_alive, keep_alive_initial_delay

_NODE_SOCKOPTS = r"""
const net = require('net');
const { spawn } = require('child_process');
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const srv = net.createServer((c) => c.on('error', () => {}));
srv.listen(0, async () => {   // no host: dual-stack, for 127.0.0.1 and ::1
  const { port } = srv.address();
  const sockets = [];
  for (const [host, options] of input.cases) {
    const s = net.connect({ port, host, ...options });
    await new Promise((resolve, reject) => {
      s.once('connect', resolve);
      s.once('error', reject);
    });
    sockets.push(s);
  }
  // Node has no getsockopt: a Python child reads the options of the same sockets
  // (stdio fds 3, 4, ...; socket options belong to the shared open file).
  const child = spawn(input.python, ['-c', input.probe, String(sockets.length)],
                      { stdio: ['ignore', 'pipe', 'inherit', ...sockets] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.on('close', () => {
    for (const s of sockets) s.destroy();
    srv.close();
    process.stdout.write(out);
  });
});
"""

_PROBE = r"""
import json, socket, sys
rows = []
for fd in range(3, 3 + int(sys.argv[1])):
    s = socket.socket(fileno=fd)
    rows.append([
        s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0,
        s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) != 0,
        s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE),
    ])
    s.detach()
print(json.dumps(rows))
"""


def sockopts(sock: stdsocket.socket) -> list[Any]:
    """What _PROBE reports: [TCP_NODELAY on, SO_KEEPALIVE on, TCP_KEEPIDLE seconds]."""
    return [
        sock.getsockopt(stdsocket.IPPROTO_TCP, stdsocket.TCP_NODELAY) != 0,
        sock.getsockopt(stdsocket.SOL_SOCKET, stdsocket.SO_KEEPALIVE) != 0,
        sock.getsockopt(stdsocket.IPPROTO_TCP, stdsocket.TCP_KEEPIDLE),
    ]


def _camel(options: dict[str, Any]) -> dict[str, Any]:
    names = {
        "no_delay": "noDelay",
        "keep_alive": "keepAlive",
        "keep_alive_initial_delay": "keepAliveInitialDelay",
    }
    return {names[k]: v for k, v in options.items()}


#: (host, trionet options). Node maps keepAliveInitialDelay to whole seconds with
#: ~~(ms / 1000); libuv sets TCP_KEEPIDLE to that only when it is at least 1.
SOCKOPT_CASES: list[tuple[str, dict[str, Any]]] = [
    ("127.0.0.1", {}),
    ("127.0.0.1", {"no_delay": True}),
    ("127.0.0.1", {"no_delay": False}),
    ("127.0.0.1", {"keep_alive": True}),
    ("127.0.0.1", {"keep_alive": True, "keep_alive_initial_delay": 1000}),
    ("127.0.0.1", {"keep_alive": True, "keep_alive_initial_delay": 2500}),
    ("127.0.0.1", {"keep_alive": True, "keep_alive_initial_delay": 60_000}),
    ("127.0.0.1", {"keep_alive": False, "keep_alive_initial_delay": 5000}),
    ("::1", {"no_delay": True, "keep_alive": True, "keep_alive_initial_delay": 3000}),
]
#: Delays libuv cannot apply: below one second (0 s), above Linux's 32767 s.
SOCKOPT_EDGE_CASES: list[tuple[str, dict[str, Any]]] = [
    ("127.0.0.1", {"keep_alive": True, "keep_alive_initial_delay": 999}),
    ("127.0.0.1", {"keep_alive": True, "keep_alive_initial_delay": 36_000_000}),
]


def _ids(cases: list[tuple[str, dict[str, Any]]]) -> list[str]:
    return [f"{host}-{options}" for host, options in cases]


@pytest.fixture(scope="module")
def node_sockopts(node: str) -> dict[str, list[Any]]:
    cases = SOCKOPT_CASES + SOCKOPT_EDGE_CASES
    payload = {
        "python": sys.executable,
        "probe": _PROBE,
        "cases": [[host, _camel(options)] for host, options in cases],
    }
    rows = ask_node(node, _NODE_SOCKOPTS, payload)
    return dict(zip(_ids(cases), rows, strict=True))


async def _sockopts_after_connect(host: str, options: dict[str, Any]) -> list[Any]:
    async with trionet.open_loop():
        srv = await listening(trionet.create_server(lambda c: c.on("error", lambda e: None)), 0)
        port = srv.address()["port"]  # type: ignore[index]
        s = trionet.connect({"port": port, "host": host, **options})
        await trionet.once(s, "connect")
        assert s._sock is not None
        row = sockopts(s._sock)
        s.destroy()
        srv.close()
    return row


def _system_keepidle() -> int:
    with stdsocket.socket() as probe:
        return probe.getsockopt(stdsocket.IPPROTO_TCP, stdsocket.TCP_KEEPIDLE)


@pytest.mark.node
@pytest.mark.parametrize(("host", "options"), SOCKOPT_CASES, ids=_ids(SOCKOPT_CASES))
async def test_socket_options_on_connect_match_node(
    host: str, options: dict[str, Any], node_sockopts: dict[str, list[Any]]
) -> None:
    with trio.fail_after(10):
        row = await _sockopts_after_connect(host, options)
    assert row == node_sockopts[f"{host}-{options}"]
    # And what that means, independently of node:
    assert row[0] is bool(options.get("no_delay"))
    assert row[1] is bool(options.get("keep_alive"))
    delay = options.get("keep_alive_initial_delay", 0)
    if options.get("keep_alive") and delay:
        assert row[2] == delay // 1000
    else:
        assert row[2] == _system_keepidle()


@pytest.mark.node
@pytest.mark.parametrize(("host", "options"), SOCKOPT_EDGE_CASES, ids=_ids(SOCKOPT_EDGE_CASES))
async def test_keep_alive_initial_delay_libuv_cannot_apply_matches_node(
    host: str, options: dict[str, Any], node_sockopts: dict[str, list[Any]]
) -> None:
    """Node connects with SO_KEEPALIVE on and the system's idle time: ~~(999 / 1000)
    is 0, and 36000 s is over TCP_KEEPIDLE's limit; libuv's setsockopt fails and
    Node ignores the error."""
    expected = node_sockopts[f"{host}-{options}"]
    assert expected == [False, True, _system_keepidle()]
    with trio.fail_after(10):
        row = await _sockopts_after_connect(host, options)
    assert row == expected


# =========================================================== on_read, callable buffer

_NODE_ON_READ = r"""
const net = require('net');
const { payload, sizes } = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const srv = net.createServer((c) => c.end(payload));
srv.listen(0, '127.0.0.1', () => {
  const made = [];
  const calls = [];
  let dataEvents = 0;
  const s = net.connect({
    port: srv.address().port,
    host: '127.0.0.1',
    onread: {
      buffer: () => {
        const b = Buffer.alloc(sizes[made.length % sizes.length]);
        made.push(b);
        return b;
      },
      callback: (n, buf) => { calls.push([n, buf, buf === made[made.length - 1]]); },
    },
  });
  s.on('data', () => { dataEvents += 1; });
  s.on('end', () => {
    const bufs = calls.map((c) => c[1]);
    process.stdout.write(JSON.stringify({
      data: Buffer.concat(calls.map(([n, buf]) => buf.subarray(0, n))).toString(),
      latest: calls.every((c) => c[2]),
      fresh: new Set(bufs).size === bufs.length,
      fits: calls.every(([n, buf]) => n > 0 && n <= buf.length),
      several: calls.length > 1,
      dataEvents,
      bytesRead: s.bytesRead,
    }));
    srv.close();
  });
});
"""

ON_READ_PAYLOAD = "abcdefghijklmnopqrstuvwxyz0123456789"
ON_READ_SIZES = [5, 1, 7, 3]


@pytest.fixture(scope="module")
def node_on_read(node: str) -> dict[str, Any]:
    answer: dict[str, Any] = ask_node(
        node, _NODE_ON_READ, {"payload": ON_READ_PAYLOAD, "sizes": ON_READ_SIZES}
    )
    return answer


@pytest.mark.node
@pytest.mark.parametrize("kind", ["bytearray", "memoryview"])
async def test_on_read_callable_buffer_gives_each_read_a_fresh_buffer(
    kind: str, node_on_read: dict[str, Any]
) -> None:
    """The function is called for the reads: each callback gets the buffer it returned
    last, reads never overrun it, and the buffers are kept without copying (a reused
    buffer would overwrite the earlier bytes). No 'data' events."""
    made: list[Any] = []
    calls: list[tuple[int, Any, bool]] = []

    def buffer() -> Any:
        b = bytearray(ON_READ_SIZES[len(made) % len(ON_READ_SIZES)])
        out = b if kind == "bytearray" else memoryview(b)
        made.append(out)
        return out

    def callback(n: int, buf: Any) -> None:
        calls.append((n, buf, buf is made[-1]))

    with trio.fail_after(10):
        async with trionet.open_loop():
            srv = await listening(
                trionet.create_server(lambda c: c.end(ON_READ_PAYLOAD.encode())), 0, "127.0.0.1"
            )
            s = trionet.connect(
                {
                    "port": srv.address()["port"],  # type: ignore[index]
                    "host": "127.0.0.1",
                    "on_read": {"buffer": buffer, "callback": callback},
                }
            )
            data_events: list[Any] = []
            s.on("data", data_events.append)
            await trionet.once(s, "end")
            srv.close()
    bufs = [buf for _, buf, _ in calls]
    ours = {
        "data": b"".join(bytes(buf[:n]) for n, buf, _ in calls).decode(),
        "latest": all(latest for _, _, latest in calls),
        "fresh": len({id(b) for b in bufs}) == len(bufs),
        "fits": all(0 < n <= len(buf) for n, buf, _ in calls),
        "several": len(calls) > 1,
        "dataEvents": len(data_events),
        "bytesRead": s.bytes_read,
    }
    assert ours == node_on_read
    assert ours["data"] == ON_READ_PAYLOAD
    assert ours["latest"]
    assert ours["fresh"]
    assert ours["fits"]
    assert ours["dataEvents"] == 0


# ============================================ Socket(fd=..., readable=..., writable=...)

_NODE_FD = r"""
const net = require('net');
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const results = [];
// Written at exit: a socket with neither side open never emits 'close' in Node.
process.on('exit', () => process.stdout.write(JSON.stringify(results)));
cases.forEach(([fd, options, mode], i) => {
  const s = new net.Socket({ fd, ...options });
  const r = results[i] = {
    flags: [s.readable, s.writable, s.readyState, s.readableEnded, s.writableEnded],
    data: '', events: [], write: null,
  };
  s.setEncoding('utf8');
  s.on('data', (d) => { r.data += d; });
  s.on('end', () => r.events.push(['end']));
  s.on('finish', () => r.events.push(['finish']));
  s.on('error', (e) => r.events.push(['error', e.code]));
  s.on('close', (hadError) => r.events.push(['close', hadError]));
  if (mode === 'io') {
    if (s.writable) s.write('from-socket');
  } else {
    r.write = s.write('x', (e) => r.events.push(['write-callback', e ? e.code : null]));
  }
  s.end();
});
"""

#: Node 20's actual default is readable and writable (stream.Duplex's), although
#: its docs say false.
FD_CASES: list[dict[str, Any]] = [
    {},
    {"readable": True, "writable": True},
    {"readable": False, "writable": True},
    {"readable": True, "writable": False},
    {"readable": False, "writable": False},
]


def _fd_ids(cases: list[dict[str, Any]]) -> list[str]:
    return [",".join(f"{k}={v}" for k, v in c.items()) or "default" for c in cases]


def _peer_ready(mode: str) -> tuple[stdsocket.socket, stdsocket.socket]:
    """A socketpair: ``a`` to wrap, ``b`` the peer. The peer has sent its FIN before
    the wrapping starts, and in 'io' mode ``from-peer`` before it."""
    a, b = stdsocket.socketpair()
    if mode == "io":
        b.sendall(b"from-peer")
    b.shutdown(stdsocket.SHUT_WR)
    return a, b


def _peer_received(b: stdsocket.socket) -> list[Any]:
    """Everything the peer gets once the wrapper closed, and how it ended."""
    b.settimeout(5)
    got = b""
    try:
        while chunk := b.recv(4096):
            got += chunk
        how = "eof"
    except ConnectionResetError:
        how = "reset"
    b.close()
    return [got.decode(), how]


def _normalise(result: dict[str, Any]) -> dict[str, Any]:
    """'end' and 'finish' may come in either order; 'close' must come last, once."""
    events = [tuple(e) for e in result["events"]]
    return {
        **result,
        "events": sorted(events[:-1]),
        "last": events[-1] if events else None,
        "closes": sum(1 for e in events if e[0] == "close"),
    }


@pytest.fixture(scope="module")
def node_fd(node: str) -> dict[tuple[str, str], dict[str, Any]]:
    """Every case (and mode) in one node process, each on a socketpair of its own."""
    keys = [(mode, i) for mode in ("io", "write") for i in range(len(FD_CASES))]
    pairs = [_peer_ready(mode) for mode, _ in keys]
    cases = [[a.fileno(), FD_CASES[i], mode] for (mode, i), (a, _) in zip(keys, pairs, strict=True)]
    try:
        proc = subprocess.run(
            [node, "-e", _NODE_FD],
            input=json.dumps(cases),
            pass_fds=[a.fileno() for a, _ in pairs],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
    finally:
        for a, _ in pairs:
            a.close()
    results = json.loads(proc.stdout)
    out = {}
    for (mode, i), (_, b), result in zip(keys, pairs, results, strict=True):
        result["peer"] = _peer_received(b)
        out[(mode, _fd_ids(FD_CASES)[i])] = result
    return out


async def _fd_scenario(options: dict[str, Any], mode: str) -> dict[str, Any]:
    a, b = _peer_ready(mode)
    async with trionet.open_loop():
        s = trionet.Socket({"fd": a.detach(), **options})
        r: dict[str, Any] = {
            "flags": [s.readable, s.writable, s.ready_state, s.readable_ended, s.writable_ended],
            "data": "",
            "events": [],
            "write": None,
        }
        closed = trio.Event()
        s.set_encoding("utf8")

        def on_data(d: str) -> None:
            r["data"] += d

        s.on("data", on_data)
        s.on("end", lambda: r["events"].append(["end"]))
        s.on("finish", lambda: r["events"].append(["finish"]))
        s.on("error", lambda e: r["events"].append(["error", e.code]))
        s.on("close", lambda had_error: (r["events"].append(["close", had_error]), closed.set()))
        if mode == "io":
            if s.writable:
                s.write("from-socket")
        else:
            r["write"] = s.write(
                "x", lambda e: r["events"].append(["write-callback", e.code if e else None])
            )
        s.end()
        await closed.wait()
    r["peer"] = _peer_received(b)
    return r


@pytest.mark.node
@pytest.mark.parametrize("options", FD_CASES, ids=_fd_ids(FD_CASES))
async def test_socket_from_fd_reads_and_writes_like_node(
    options: dict[str, Any], node_fd: dict[Any, dict[str, Any]]
) -> None:
    """The peer sent ``from-peer`` and FIN; the socket writes ``from-socket`` if it is
    writable, then end(). readable=False: nothing is read (no 'data', no 'end') and
    the peer's bytes are left unread; writable=False: nothing is written."""
    with trio.fail_after(10):
        ours = await _fd_scenario(options, "io")
    theirs = node_fd[("io", _fd_ids([options])[0])]
    if options == {"readable": False, "writable": False}:
        # Node leaves such a socket alone: no event at all, the descriptor stays
        # open (unref'd) until the process exits. trionet closes it at once, with
        # 'close'(False). Either way nothing is read or written.
        assert theirs["events"] == []
        assert ours["events"] in ([], [["close", False]])
        assert ours["data"] == theirs["data"] == ""
        assert ours["peer"] == theirs["peer"] == ["", "reset"]
        return
    keys = ("data", "events", "last", "closes", "write", "peer")
    assert {k: _normalise(ours)[k] for k in keys} == {k: _normalise(theirs)[k] for k in keys}
    # What that means, independently of node:
    readable = options.get("readable", True)
    writable = options.get("writable", True)
    assert ours["data"] == ("from-peer" if readable else "")
    assert ours["peer"][0] == ("from-socket" if writable else "")
    if readable:
        assert ("end",) in _normalise(ours)["events"]
    assert ours["events"][-1] == ["close", False]


@pytest.mark.node
@pytest.mark.parametrize("options", FD_CASES, ids=_fd_ids(FD_CASES))
async def test_socket_from_fd_initial_state_like_node(
    options: dict[str, Any], node_fd: dict[Any, dict[str, Any]]
) -> None:
    """[readable, writable, ready_state, readable_ended, writable_ended] right after
    the constructor: Node's Duplex marks a side given as false as already ended."""
    with trio.fail_after(10):
        ours = await _fd_scenario(options, "io")
    assert ours["flags"] == node_fd[("io", _fd_ids([options])[0])]["flags"]


@pytest.mark.node
@pytest.mark.parametrize("options", FD_CASES, ids=_fd_ids(FD_CASES))
async def test_socket_from_fd_write_like_node(
    options: dict[str, Any], node_fd: dict[Any, dict[str, Any]]
) -> None:
    """write(), whatever the flags, then end(); the peer sent only its FIN. With
    writable=False it is a write after end: the callback, then 'error', then
    'close'(True), in that order, and nothing reaches the peer.

    Run several times: trio runs ready tasks in a random order, and Node's outcome
    does not depend on any ordering (its write-after-end destroy is synchronous).
    """
    theirs = node_fd[("write", _fd_ids([options])[0])]
    if options.get("writable") is False:
        assert theirs["events"] == [
            ["write-callback", "ERR_STREAM_WRITE_AFTER_END"],
            ["error", "ERR_STREAM_WRITE_AFTER_END"],
            ["close", True],
        ]
        assert theirs["peer"][0] == ""
    keys = ("data", "events", "last", "closes", "write", "peer")
    with trio.fail_after(10):
        runs = [await _fd_scenario(options, "write") for _ in range(20)]
    for ours in runs:
        assert {k: _normalise(ours)[k] for k in keys} == {k: _normalise(theirs)[k] for k in keys}
        if options.get("writable") is False:
            assert ours["events"] == theirs["events"]


# ========================================================== path together with port

_NODE_PATH_AND_PORT = r"""
const net = require('net');
const { path } = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const fs = require('fs');
const srv = net.createServer();
srv.listen({ path, port: 0 }, () => {
  const a = srv.address();
  const row = [typeof a, a.family, a.address, fs.existsSync(path)];
  srv.close(() => process.stdout.write(JSON.stringify(row)));
});
"""


async def test_connect_rejects_path_with_port(tmp_dir: Path) -> None:
    """Different on purpose: Node 20 connects to the path and ignores the port
    (checked by hand with net.connect({path, port})); trionet raises at the call,
    before any descriptor is opened. A port of None is no port."""
    path = str(tmp_dir / "s")
    with trio.fail_after(10):
        async with trionet.open_loop():
            unix_hits: list[Any] = []
            tcp_hits: list[Any] = []
            unix = await listening(trionet.create_server(unix_hits.append), path)
            tcp = await listening(trionet.create_server(tcp_hits.append), 0, "127.0.0.1")
            port = tcp.address()["port"]  # type: ignore[index]
            before = fd_count()
            attempts = [
                lambda: trionet.connect({"path": path, "port": port}),
                lambda: trionet.connect(path, port=port),
                lambda: trionet.connect({"port": port, "host": "127.0.0.1", "path": path}),
                lambda: trionet.connect(port, "127.0.0.1", path=path),
                lambda: trionet.Socket().connect({"path": path, "port": str(port)}),
                lambda: trionet.connect({"path": path, "port": 0}),
            ]
            for attempt in attempts:
                with pytest.raises(trionet.NodeTypeError) as info:
                    attempt()
                assert info.value.code == "ERR_INVALID_ARG_VALUE"
                assert str(info.value).startswith("The argument 'options' ")
                assert "port" in str(info.value)
                assert "path" in str(info.value)
            assert fd_count() == before
            # port=None is no port: this one connects, to the path.
            s = trionet.connect({"path": path, "port": None})
            await trionet.once(s, "connect")
            t = trionet.connect(port, "127.0.0.1")
            await trionet.once(t, "connect")
            while len(unix_hits) < 1 or len(tcp_hits) < 1:
                await trionet.once(unix if not unix_hits else tcp, "connection")
            # Nothing else reached either server.
            counts: list[int] = []
            for srv in (unix, tcp):
                got = trio.Event()
                srv.get_connections(lambda err, n, got=got: (counts.append(n), got.set()))
                await got.wait()
            assert counts == [1, 1]
            assert len(unix_hits) == len(tcp_hits) == 1
            s.destroy()
            t.destroy()
            unix.close()
            tcp.close()


@pytest.mark.node
async def test_listen_with_path_and_port_uses_the_port_like_node(node: str, tmp_dir: Path) -> None:
    """listen({path, port}): the port wins and no socket file is made, in both."""
    theirs = ask_node(node, _NODE_PATH_AND_PORT, {"path": str(tmp_dir / "n")})
    path = str(tmp_dir / "t")
    with trio.fail_after(10):
        async with trionet.open_loop():
            srv = await listening(trionet.create_server(), {"path": path, "port": 0})
            a = srv.address()
            assert isinstance(a, dict)
            ours = ["object", a["family"], a["address"], os.path.exists(path)]
            srv.close()
    assert ours == theirs == ["object", "IPv6", "::", False]


# ========================================================= break out of `async for`


async def _pair(transport: str, tmp_dir: Path) -> tuple[trionet.Server, Any, trionet.Socket]:
    """A server, its accepted socket (the peer) and our connected client socket."""
    accepted: list[trionet.Socket] = []
    srv = trionet.create_server(accepted.append)
    if transport == "unix":
        await listening(srv, str(tmp_dir / "b"))
        s = trionet.connect(str(tmp_dir / "b"))
    else:
        await listening(srv, 0, "127.0.0.1")
        s = trionet.connect(srv.address()["port"], "127.0.0.1")  # type: ignore[index]
    await trionet.once(s, "connect")
    while not accepted:
        await trionet.once(srv, "connection")
    return srv, accepted[0], s


async def _written(sock: trionet.Socket, data: bytes) -> None:
    """Write, and wait until the kernel has taken it."""
    done = trio.Event()
    sock.write(data, lambda err: done.set())
    await done.wait()


async def _wait_readable(sock: trionet.Socket) -> None:
    """Until the kernel holds data for ``sock`` (no trio wait: it must not take the
    descriptor from trionet's own poller). Over a stream (the fast path off) the
    socket's dispatcher receives it at once, into its read-ahead buffer: wait for
    that instead."""
    assert sock._sock is not None
    if sock._poller is None:
        while not sock.readable_length:
            await trio.testing.wait_all_tasks_blocked()
        return
    poll = select.poll()
    poll.register(sock._sock.fileno(), select.POLLIN)
    assert poll.poll(5000), "no data arrived"


@pytest.mark.parametrize("transport", ["tcp4", "unix"])
async def test_break_leaves_the_socket_open_and_data_listener_gets_the_rest(
    transport: str, tmp_dir: Path
) -> None:
    """Bytes that arrived while the loop body ran (no new readiness edge after the
    break) reach a later 'data' listener; the socket stays open both ways."""
    with trio.fail_after(10):
        async with trionet.open_loop():
            srv, peer, s = await _pair(transport, tmp_dir)
            peer.write(b"one")
            got_first: list[bytes] = []
            async for chunk in s:
                got_first.append(chunk)  # type: ignore[arg-type]
                await _written(peer, b"two")
                await _wait_readable(s)  # "two" is in the kernel before the break
                break
            assert got_first == [b"one"]
            assert not s.destroyed
            assert s.ready_state == "open"
            assert s.readable and s.writable

            rest: list[bytes] = []
            two = trio.Event()

            def on_data(chunk: bytes) -> None:
                rest.append(chunk)
                if b"".join(rest) == b"two":
                    two.set()

            s.on("data", on_data)
            await two.wait()  # the peer sends nothing more until this is seen

            echoed = trio.Event()
            peer.on("data", lambda d: echoed.set() if d == b"ping" else None)
            s.write(b"ping")
            await echoed.wait()

            peer.end(b"three")
            await trionet.once(s, "end")
            assert b"".join(rest) == b"twothree"
            s.destroy()
            srv.close()


@pytest.mark.parametrize("transport", ["tcp4", "unix"])
async def test_break_hands_reading_back_to_a_data_listener_added_in_the_loop(
    transport: str, tmp_dir: Path
) -> None:
    """A 'data' listener added inside the loop body gets nothing while the loop runs
    (the iterator owns the reading); after the break it gets the bytes that came
    meanwhile, with no further call on the socket and no new bytes from the peer."""
    with trio.fail_after(10):
        async with trionet.open_loop():
            srv, peer, s = await _pair(transport, tmp_dir)
            peer.write(b"one")
            rest: list[bytes] = []
            two = trio.Event()

            def on_data(chunk: bytes) -> None:
                rest.append(chunk)
                if b"".join(rest) == b"two":
                    two.set()

            async for chunk in s:
                assert chunk == b"one"
                s.on("data", on_data)
                await _written(peer, b"two")
                await _wait_readable(s)
                await trio.testing.wait_all_tasks_blocked()
                assert rest == []  # not delivered past the iterator
                break
            await two.wait()
            peer.end()
            await trionet.once(s, "end")
            assert b"".join(rest) == b"two"
            srv.close()


@pytest.mark.parametrize("transport", ["tcp4", "unix"])
async def test_break_then_another_async_for_gets_every_remaining_byte(
    transport: str, tmp_dir: Path
) -> None:
    """A burst far over the read-ahead limit: break after the first chunk, then a
    second ``async for`` runs to the peer's FIN; together they are the payload, in
    order, nothing lost or repeated."""
    payload = os.urandom(300_000)
    with trio.fail_after(10):
        async with trionet.open_loop():
            srv, peer, s = await _pair(transport, tmp_dir)
            peer.end(payload)
            first = b""
            async for chunk in s:
                first = chunk  # type: ignore[assignment]
                break
            assert 0 < len(first) < len(payload)
            assert not s.destroyed
            rest = [chunk async for chunk in s]
            assert first + b"".join(rest) == payload  # type: ignore[arg-type]
            assert s.bytes_read == len(payload)
            srv.close()


async def test_break_out_of_a_paused_socket_keeps_it_paused(tmp_dir: Path) -> None:
    """``async for`` reads a paused socket too; after the break it is still paused
    (a new 'data' listener does not start the flow), and resume() delivers the rest."""
    with trio.fail_after(10):
        async with trionet.open_loop():
            srv, peer, s = await _pair("tcp4", tmp_dir)
            s.pause()
            await _written(peer, b"a1")
            first = b""
            async for chunk in s:
                first = chunk  # type: ignore[assignment]
                await _written(peer, b"b2")
                await _wait_readable(s)
                break
            assert first == b"a1"
            assert s.is_paused()
            assert s.readable_flowing is False
            rest: list[bytes] = []
            s.on("data", rest.append)
            assert s.is_paused()
            peer.end(b"c3")
            s.resume()
            await trionet.once(s, "end")
            assert b"".join(rest) == b"b2c3"
            srv.close()
