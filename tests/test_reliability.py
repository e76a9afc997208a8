"""Reliability and security (issue #5): faults, floods, exhaustion, integrity, socket files.

Everything runs on real loopback sockets. Each scenario is an ``async def run_*``
function taking its sizes as arguments: the tests here run the fast CI variants
(each well under 5 s), ``tests/stress/`` runs the same functions with the large
figures (``nox -s stress``). Every scenario ends with the leak check: the
descriptor count is back where it started, no trionet task is left in trio's
task tree, and no socket file remains.
"""

from __future__ import annotations

import errno
import fcntl
import gc
import hashlib
import os
import random
import resource
import socket as stdsocket
import stat
import struct
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import trio
import trio.lowlevel
import trio.testing
from emitters import next_event

import trionet

ROOT = Path(__file__).resolve().parent.parent
MiB = 1024 * 1024
_LINGER_ZERO = struct.pack("ii", 1, 0)


# == measuring =========================================================================


def fd_count() -> int:
    return len(os.listdir("/proc/self/fd"))


def rss_bytes() -> int:
    """VmRSS from /proc/self/status."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def trionet_tasks() -> list[str]:
    """Names of live trio tasks running trionet code (walks the whole task tree)."""
    found: list[str] = []
    stack = [trio.lowlevel.current_root_task()]
    while stack:
        task = stack.pop()
        if task is None:
            continue
        code = getattr(task.coro, "cr_code", None)
        filename = code.co_filename if code is not None else ""
        if task.name.startswith("trionet.") or os.sep + "trionet" + os.sep in filename:
            found.append(task.name)
        for nursery in task.child_nurseries:
            stack.extend(nursery.child_tasks)
    return found


def socket_files(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*") if stat.S_ISSOCK(p.lstat().st_mode)]


@asynccontextmanager
async def no_leaks(directory: Path | None = None) -> AsyncIterator[None]:
    """Around a whole ``open_loop()`` block: fds, trionet tasks and socket files come back."""
    gc.collect()
    before = fd_count()
    yield
    gc.collect()
    assert trionet_tasks() == []
    assert fd_count() == before
    if directory is not None:
        assert socket_files(directory) == []


def raise_nofile(wanted: int) -> None:
    """Raise the soft RLIMIT_NOFILE to ``wanted`` (up to the hard limit) or skip."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= wanted:
        return
    if hard != resource.RLIM_INFINITY and hard < wanted:
        pytest.skip(f"needs RLIMIT_NOFILE >= {wanted}; the hard limit is {hard}")
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    except (ValueError, OSError) as exc:
        pytest.skip(f"cannot raise RLIMIT_NOFILE to {wanted}: {exc}")


# == helpers ===========================================================================


async def listen(
    transport: str, tmp_path: Path, listener: Callable[..., object] | None = None, **kw: Any
) -> tuple[trionet.Server, tuple[Any, ...]]:
    """A listening server and the args to connect to it."""
    server = trionet.create_server(listener, **kw)
    if transport == "unix":
        path = str(tmp_path / "s.sock")
        server.listen(path, 4096)
        args: tuple[Any, ...] = (path,)
    else:
        server.listen(0, "127.0.0.1", 4096)
        args = ()
    await trionet.once(server, "listening")
    if transport != "unix":
        address = server.address()
        assert isinstance(address, dict)
        args = (address["port"], "127.0.0.1")
    return server, args


def raw_listener() -> tuple[trio.socket.SocketType, int]:
    sock = stdsocket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return trio.socket.from_stdlib_socket(sock), sock.getsockname()[1]


async def raw_connect(port: int) -> trio.socket.SocketType:
    sock = trio.socket.socket()
    await sock.connect(("127.0.0.1", port))
    return sock


def reset(sock: trio.socket.SocketType | stdsocket.socket) -> None:
    """Close with a TCP RST."""
    sock.setsockopt(stdsocket.SOL_SOCKET, stdsocket.SO_LINGER, _LINGER_ZERO)
    sock.close()


async def read_lines(stream: trio.abc.ReceiveStream, sink: list[str], seen: trio.Event) -> None:
    """Collect a subprocess's output lines; ``seen`` is set after each new line."""
    buffer = b""
    async for chunk in stream:
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        sink.extend(line.decode(errors="replace") for line in lines)
        if lines:
            seen.set()


async def wait_line(
    lines: list[str], seen: list[trio.Event], predicate: Callable[[str], bool]
) -> str:
    while True:
        for line in lines:
            if predicate(line):
                return line
        seen[0] = trio.Event()
        await seen[0].wait()


# == faults ==============================================================================


async def _reset_mid_transfer(writing: bool) -> list[Any]:
    """Data flows towards us (and, if ``writing``, from us into a peer that does not
    read); then the peer sends RST (SO_LINGER 0). Returns the events seen."""
    log: list[Any] = []
    async with no_leaks():
        with trio.fail_after(5):
            async with trionet.open_loop():
                listener, port = raw_listener()
                s = trionet.connect(port, "127.0.0.1")
                connected = trio.Event()
                s.once("connect", connected.set)
                peer, _ = await listener.accept()
                listener.close()
                s.on("error", lambda e: log.append(("error", e)))
                s.on("close", lambda h: log.append(("close", h)))
                s.on("end", lambda: log.append(("end",)))
                got = trio.Event()
                s.on("data", lambda d: got.set())
                await connected.wait()
                await peer.send(b"x" * 65536)
                await got.wait()  # mid-transfer: data flowed towards us
                if writing:
                    while s.write(b"y" * 65536):
                        pass
                    assert s.buffer_size > 0
                    # Let the writer task start (see test_destroy_while_writer_starting).
                    await trio.testing.wait_all_tasks_blocked()
                reset(peer)
                await next_event(s, "close")
    return log


def _assert_econnreset_then_close(log: list[Any]) -> None:
    assert [e[0] for e in log] == ["error", "close"], log
    error = log[0][1]
    assert isinstance(error, trionet.NetError) and error.code == "ECONNRESET"
    assert error.syscall in ("read", "write")
    assert log[1] == ("close", True)


async def test_peer_reset_mid_transfer_is_econnreset_then_close_true() -> None:
    """The peer resets while we read: 'error' ECONNRESET, then 'close'(True), nothing else."""
    _assert_econnreset_then_close(await _reset_mid_transfer(writing=False))


async def test_peer_reset_while_reading_and_writing_has_no_end() -> None:
    for _ in range(20):
        _assert_econnreset_then_close(await _reset_mid_transfer(writing=True))


async def test_peer_closes_while_we_write_is_epipe_or_econnreset() -> None:
    """The peer closes (without reading) while we keep writing: EPIPE or ECONNRESET."""
    log: list[Any] = []
    async with no_leaks():
        with trio.fail_after(5):
            async with trionet.open_loop():
                listener, port = raw_listener()
                s = trionet.connect(port, "127.0.0.1")
                connected = trio.Event()
                s.once("connect", connected.set)
                peer, _ = await listener.accept()
                listener.close()
                s.on("error", lambda e: log.append(("error", e)))
                s.on("close", lambda h: log.append(("close", h)))
                await connected.wait()
                s.write(b"z" * 1000)
                await trio.sleep(0)
                peer.close()  # unread data in its receive queue: the kernel answers RST
                closed = trio.Event()
                s.on("close", lambda h: closed.set())
                while not closed.is_set():
                    if s.destroyed:
                        break
                    s.write(b"w" * 65536)
                    await trio.lowlevel.checkpoint()
                await closed.wait()
    kinds = [e[0] for e in log]
    assert kinds == ["error", "close"], log
    assert log[0][1].code in ("EPIPE", "ECONNRESET")
    assert log[1] == ("close", True)


@pytest.mark.parametrize("allow_half_open", [True, False])
async def test_half_closed_peer(tmp_path: Path, allow_half_open: bool) -> None:
    """The peer shuts down its write side: we get 'end' and can still answer (half-open)
    or answer-and-close (default); the peer reads everything, then EOF."""
    reply = b"r" * 300_000
    async with no_leaks():
        with trio.fail_after(5):
            async with trionet.open_loop():
                events: list[str] = []

                def on_connection(c: trionet.Socket) -> None:
                    received = bytearray()
                    c.on("data", received.extend)

                    def on_end() -> None:
                        events.append("end")
                        assert received == b"question"
                        if allow_half_open:
                            assert c.writable_length == 0 and c.ready_state == "writeOnly"
                            c.write(reply[:1000])
                            c.end(reply[1000:])
                        else:
                            # allow_half_open=False ends our side right after 'end'.
                            c.once("finish", lambda: events.append("finish"))

                    c.on("end", on_end)
                    c.on("close", lambda h: events.append(f"close {h}"))
                    if not allow_half_open:
                        c.write(reply)

                server, args = await listen(
                    "tcp4", tmp_path, on_connection, allow_half_open=allow_half_open
                )
                peer = await raw_connect(args[0])
                await peer.send(b"question")
                peer.shutdown(stdsocket.SHUT_WR)
                got = bytearray()
                while chunk := await peer.recv(65536):
                    got.extend(chunk)
                peer.close()
                assert got == reply
                server.close()
                await next_event(server, "close")
    assert events[0] == "end" and events[-1] == "close False"


async def test_server_close_with_live_connections(tmp_path: Path) -> None:
    """close() stops accepting at once (new connects are refused), live connections
    keep working, and 'close' follows only the last of them."""
    n = 20
    async with no_leaks():
        with trio.fail_after(5):
            async with trionet.open_loop():
                conns: list[trionet.Socket] = []
                server, args = await listen(
                    "tcp4", tmp_path, lambda c: (conns.append(c), c.pipe(c))
                )
                clients = [await raw_connect(args[0]) for _ in range(n)]
                for c in clients:
                    await c.send(b"ping")
                    assert await c.recv(4) == b"ping"
                closed: list[str] = []
                server.on("close", lambda *a: closed.append("close"))
                server.close()
                assert not server.listening
                with trio.socket.socket() as refused, pytest.raises(OSError) as info:
                    await refused.connect(("127.0.0.1", args[0]))
                assert info.value.errno == errno.ECONNREFUSED
                for i, c in enumerate(clients):
                    await c.send(b"still")  # live connections still served
                    assert await c.recv(5) == b"still"
                    c.close()
                    if i < n - 1:
                        await trio.sleep(0)
                        assert closed == []
                while not closed:
                    await next_event(server, "close")
                assert len(conns) == n and all(c.destroyed for c in conns)


# -- cancelling the surrounding scope ------------------------------------------------------


async def _cancel_during_connect_tcp(tmp_path: Path, cancel: Callable[[], None]) -> None:
    # A listener whose backlog is full and never accepts: the SYN goes unanswered.
    blocker = stdsocket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(0)
    port = blocker.getsockname()[1]
    fillers = []
    try:
        for _ in range(4):
            f = stdsocket.socket()
            f.setblocking(False)
            try:
                f.connect(("127.0.0.1", port))
            except BlockingIOError:
                pass
            fillers.append(f)
        s = trionet.connect(port, "127.0.0.1")
        s.on("error", lambda e: None)
        await trio.sleep(0.05)
        assert s.connecting
        cancel()
        await trio.sleep_forever()
    finally:
        for f in fillers:
            f.close()
        blocker.close()


async def _cancel_during_connect_unix(tmp_path: Path, cancel: Callable[[], None]) -> None:
    # A Unix listener with a full backlog answers EAGAIN: trionet retries until cancelled.
    path = str(tmp_path / "full.sock")
    blocker = stdsocket.socket(stdsocket.AF_UNIX)
    blocker.bind(path)
    blocker.listen(0)
    fillers = []
    try:
        for _ in range(4):
            f = stdsocket.socket(stdsocket.AF_UNIX)
            f.setblocking(False)
            try:
                f.connect(path)
            except BlockingIOError:
                f.close()
                break
            fillers.append(f)
        s = trionet.connect(path)
        await trio.sleep(0.05)
        assert s.connecting
        cancel()
        await trio.sleep_forever()
    finally:
        for f in fillers:
            f.close()
        blocker.close()
        os.unlink(path)


async def _cancel_mid_write(tmp_path: Path, cancel: Callable[[], None]) -> None:
    _server, args = await listen("unix", tmp_path, lambda c: c.pause())
    s = trionet.connect(*args)
    await trionet.once(s, "connect")
    while s.write(b"q" * 65536):
        pass
    assert s.buffer_size > 0  # the queue is full: the writer task is waiting
    await trio.testing.wait_all_tasks_blocked()  # see test_destroy_while_writer_starting
    cancel()
    await trio.sleep_forever()


async def _cancel_during_listen(tmp_path: Path, cancel: Callable[[], None]) -> None:
    server = trionet.create_server()
    server.listen(str(tmp_path / "l.sock"))
    assert socket_files(tmp_path)
    cancel()  # before 'listening' was emitted
    await trio.sleep_forever()


async def _cancel_during_listen_lookup(tmp_path: Path, cancel: Callable[[], None]) -> None:
    server = trionet.create_server()
    server.listen(0, "localhost")  # needs a lookup: binds later
    cancel()
    await trio.sleep_forever()


async def _cancel_during_lookup(tmp_path: Path, cancel: Callable[[], None]) -> None:
    started = trio.Event()

    async def lookup(host: str, options: dict[str, Any]) -> Any:
        started.set()
        await trio.sleep_forever()

    trionet.connect({"port": 9, "host": "example.invalid", "lookup": lookup})
    await started.wait()
    cancel()
    await trio.sleep_forever()


async def _cancel_with_live_connections(tmp_path: Path, cancel: Callable[[], None]) -> None:
    _server, args = await listen("tcp4", tmp_path, lambda c: c.pipe(c))
    _unix, uargs = await listen("unix", tmp_path, lambda c: c.pipe(c))
    sockets = [trionet.connect(*args) for _ in range(10)]
    sockets += [trionet.connect(*uargs) for _ in range(10)]
    for s in sockets:
        s.write(b"hello")
        s.resume()
    await trionet.once(sockets[-1], "data")
    cancel()
    await trio.sleep_forever()


CANCEL_POINTS = {
    "connect-tcp": _cancel_during_connect_tcp,
    "connect-unix": _cancel_during_connect_unix,
    "mid-write": _cancel_mid_write,
    "listen": _cancel_during_listen,
    "listen-lookup": _cancel_during_listen_lookup,
    "lookup": _cancel_during_lookup,
    "live-connections": _cancel_with_live_connections,
}


@pytest.mark.parametrize("point", list(CANCEL_POINTS))
async def test_cancel_surrounding_scope(tmp_path: Path, point: str) -> None:
    """Cancelling the scope around open_loop() at any point tears everything down."""
    async with no_leaks(tmp_path):
        with trio.fail_after(5):
            with trio.CancelScope() as scope:
                async with trionet.open_loop():
                    await CANCEL_POINTS[point](tmp_path, scope.cancel)
            assert scope.cancelled_caught


async def test_destroy_while_writer_starting(tmp_path: Path) -> None:
    """write() until False, then destroy() in the same step."""
    with trio.fail_after(5):
        async with trionet.open_loop():
            accepted: list[trionet.Socket] = []
            server, args = await listen("unix", tmp_path, lambda c: (c.pause(), accepted.append(c)))
            s = trionet.connect(*args)
            await trionet.once(s, "connect")
            while s.write(b"x" * 65536):
                pass
            s.destroy()
            await next_event(s, "close")
            # The paused server side never reads the FIN (as in Node): end it here.
            for c in accepted:
                c.destroy()
            server.close()


async def test_cancel_while_writer_starting(tmp_path: Path) -> None:
    """write() until False, then cancel the scope around the loop in the same step
    (the crash depends on trio's random task order: 20 runs make it near-certain)."""
    for _ in range(20):
        with trio.fail_after(5):
            with trio.CancelScope() as scope:
                async with trionet.open_loop():
                    _server, args = await listen("unix", tmp_path, lambda c: c.pause())
                    s = trionet.connect(*args)
                    await trionet.once(s, "connect")
                    while s.write(b"x" * 65536):
                        pass
                    scope.cancel()
                    await trio.sleep_forever()


# == floods ===============================================================================

FLOOD_CLIENT = textwrap.dedent(
    """
    import resource, sys, trio
    n, port, concurrency = map(int, sys.argv[1:4])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n + 64:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, n + 64), hard))

    async def main():
        socks = []
        limit = trio.Semaphore(concurrency)

        async def one(i):
            async with limit:
                s = trio.socket.socket()
                await s.connect(("127.0.0.1", port))
                msg = b"%d\\n" % i
                await s.send(msg)
                got = b""
                while len(got) < len(msg):
                    chunk = await s.recv(64)
                    assert chunk, "closed early"
                    got += chunk
                assert got == msg
                socks.append(s)

        async with trio.open_nursery() as nursery:
            for i in range(n):
                nursery.start_soon(one, i)
        print("ALL", len(socks), flush=True)
        await trio.to_thread.run_sync(sys.stdin.read)
        for s in socks:
            s.close()
        print("CLOSED", flush=True)

    trio.run(main)
    """
)


async def run_concurrent_connections(n: int, tmp_path: Path) -> dict[str, float]:
    """``n`` connections open at once (from a client subprocess), all echoed by one
    server, then closed; returns timings."""
    raise_nofile(n + 256)
    figures: dict[str, float] = {}
    async with no_leaks(), trionet.open_loop():
        peak = [0]
        open_now = [0]
        all_closed = trio.Event()

        def on_connection(c: trionet.Socket) -> None:
            open_now[0] += 1
            peak[0] = max(peak[0], open_now[0])
            c.pipe(c)

            def on_close(_: bool) -> None:
                open_now[0] -= 1
                if open_now[0] == 0:
                    all_closed.set()

            c.on("close", on_close)

        server, args = await listen("tcp4", tmp_path, on_connection)
        start = trio.current_time()
        proc = await trio.lowlevel.open_process(
            [sys.executable, "-c", FLOOD_CLIENT, str(n), str(args[0]), "256"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        try:
            lines: list[str] = []
            seen = [trio.Event()]
            async with trio.open_nursery() as nursery:
                assert proc.stdout is not None and proc.stdin is not None

                async def reader() -> None:
                    assert proc.stdout is not None
                    buffer = b""
                    async for chunk in proc.stdout:
                        buffer += chunk
                        *got, buffer = buffer.split(b"\n")
                        lines.extend(x.decode() for x in got)
                        seen[0].set()

                nursery.start_soon(reader)
                with trio.fail_after(max(30, n / 50)):
                    await wait_line(lines, seen, lambda x: x.startswith("ALL"))
                figures["connect_echo_s"] = trio.current_time() - start
                assert lines[0] == f"ALL {n}"
                counted = await _connections(server)
                assert counted == n == peak[0]
                figures["rss_mib_all_open"] = rss_bytes() / MiB
                await proc.stdin.aclose()
                t = trio.current_time()
                with trio.fail_after(max(30, n / 100)):
                    await all_closed.wait()
                figures["close_s"] = trio.current_time() - t
                await proc.wait()
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
            for pipe in (proc.stdin, proc.stdout):
                if pipe is not None:
                    await pipe.aclose()
        assert proc.returncode == 0
        server.close()
    return figures


async def _connections(server: trionet.Server) -> int:
    done = trio.Event()
    got: list[int] = []
    server.get_connections(lambda err, count: (got.append(count), done.set()))
    await done.wait()
    return got[0]


async def test_flood_concurrent_connections(tmp_path: Path) -> None:
    with trio.fail_after(30):
        await run_concurrent_connections(500, tmp_path)


async def run_connect_cycles(
    cycles: int, tmp_path: Path, workers: int = 16, transport: str = "tcp4"
) -> dict[str, float]:
    """``cycles`` connect/echo/close cycles (``workers`` at a time): descriptors flat,
    memory flat. Returns the figures (RSS in MiB, fds, rate)."""
    payload = b"ping-pong " * 10
    figures: dict[str, float] = {}
    async with no_leaks(tmp_path), trionet.open_loop():
        server, args = await listen(transport, tmp_path, lambda c: c.pipe(c))

        async def cycle() -> None:
            s = trionet.connect(*args)
            got = bytearray()
            closed = trio.Event()
            s.on("data", got.extend)
            s.on("close", lambda had_error: closed.set())
            s.end(payload)
            await closed.wait()
            assert got == payload

        async def run(count: int) -> None:
            remaining = [count]

            async def worker() -> None:
                while remaining[0] > 0:
                    remaining[0] -= 1
                    await cycle()

            async with trio.open_nursery() as nursery:
                for _ in range(workers):
                    nursery.start_soon(worker)

        await run(max(200, cycles // 20))  # warm up: buffers, caches, allocator
        gc.collect()
        fds_before, rss_before = fd_count(), rss_bytes()
        start = trio.current_time()
        await run(cycles)
        elapsed = trio.current_time() - start
        gc.collect()
        fds_after, rss_after = fd_count(), rss_bytes()
        assert fds_after == fds_before
        assert await _connections(server) == 0
        server.close()
    figures.update(
        cycles=cycles,
        seconds=elapsed,
        cycles_per_s=cycles / elapsed,
        fds_before=fds_before,
        fds_after=fds_after,
        rss_mib_before=rss_before / MiB,
        rss_mib_after=rss_after / MiB,
    )
    return figures


async def test_flood_connect_echo_close_cycles(tmp_path: Path) -> None:
    with trio.fail_after(30):
        figures = await run_connect_cycles(2000, tmp_path)
    growth = figures["rss_mib_after"] - figures["rss_mib_before"]
    assert growth < 8, figures


async def run_slow_reader_pipe(total: int, rate: float) -> dict[str, float]:
    """A fast raw producer sends ``total`` bytes to a trionet server, which pipe()s them
    into a connection to a raw peer reading at ``rate`` bytes/s. Memory stays bounded:
    returns peak RSS growth and the largest write queue seen."""
    figures: dict[str, float] = {}
    block = memoryview(bytes(MiB))
    async with no_leaks(), trionet.open_loop():
        sink, sink_port = raw_listener()
        outs: list[trionet.Socket] = []
        ins: list[trionet.Socket] = []

        def on_connection(c: trionet.Socket) -> None:
            out = trionet.connect(sink_port, "127.0.0.1")
            outs.append(out)
            ins.append(c)
            c.pipe(out)

        server, args = await listen("tcp4", Path("/nonexistent"), on_connection)
        gc.collect()
        baseline = rss_bytes()
        peak_rss = [baseline]
        peak_queue = [0]
        peak_read_buffer = [0]
        received = [0]
        done = trio.Event()

        async def sampler() -> None:
            while not done.is_set():
                peak_rss[0] = max(peak_rss[0], rss_bytes())
                for out in outs:
                    peak_queue[0] = max(peak_queue[0], out.buffer_size)
                for c in ins:
                    peak_read_buffer[0] = max(peak_read_buffer[0], c.readable_length)
                await trio.sleep(0.02)

        async def producer() -> None:
            sock = await raw_connect(args[0])
            sent = 0
            while sent < total:
                sent += await sock.send(block[: min(MiB, total - sent)])
            sock.shutdown(stdsocket.SHUT_WR)
            await sock.recv(1)  # wait for the server to close its side
            sock.close()

        async def slow_reader() -> None:
            conn, _ = await sink.accept()
            buf = bytearray(65536)
            start = trio.current_time()
            n = 0
            while k := await conn.recv_into(buf):
                n += k
                ahead = n / rate - (trio.current_time() - start)
                if ahead > 0:
                    await trio.sleep(ahead)
            received[0] = n
            conn.close()

        start = trio.current_time()
        async with trio.open_nursery() as nursery:
            nursery.start_soon(sampler)
            nursery.start_soon(producer)
            await slow_reader()
            done.set()
        elapsed = trio.current_time() - start
        sink.close()
        server.close()
        assert received[0] == total
    figures.update(
        mib=total / MiB,
        seconds=elapsed,
        rss_growth_mib=(peak_rss[0] - baseline) / MiB,
        peak_write_queue_kib=peak_queue[0] / 1024,
        peak_read_buffer_kib=peak_read_buffer[0] / 1024,
    )
    return figures


async def test_flood_slow_reader_pipe_memory_bounded() -> None:
    with trio.fail_after(15):
        figures = await run_slow_reader_pipe(64 * MiB, 48 * MiB)
    assert figures["rss_growth_mib"] < 16, figures
    # pipe() pauses the source once the destination's write() returns False: the
    # queue never holds more than the high-water mark plus one read (<= 256 KiB).
    assert figures["peak_write_queue_kib"] <= 16 + 256, figures


async def run_idle_clients_dropped(
    n_idle: int, timeout_ms: int, tmp_path: Path
) -> dict[str, float]:
    """``n_idle`` clients that send nothing (slowloris) are destroyed by a set_timeout
    handler; a client trickling one byte per timeout/3 stays connected."""
    figures: dict[str, float] = {}
    async with no_leaks(), trionet.open_loop():
        timeouts = [0]

        def on_connection(c: trionet.Socket) -> None:
            def on_timeout() -> None:
                timeouts[0] += 1
                c.destroy()

            c.set_timeout(timeout_ms, on_timeout)
            c.resume()

        server, args = await listen("tcp4", tmp_path, on_connection)
        trickler = await raw_connect(args[0])
        start = trio.current_time()
        idle = []
        for _ in range(n_idle):
            idle.append(await raw_connect(args[0]))
        drop_times: list[float] = []

        async def wait_dropped(sock: trio.socket.SocketType) -> None:
            try:
                data = await sock.recv(1)
            except ConnectionResetError:
                data = b""
            assert data == b""
            drop_times.append(trio.current_time() - start)
            sock.close()

        async def trickle(stop: trio.Event) -> None:
            while not stop.is_set():
                await trickler.send(b".")
                with trio.move_on_after(timeout_ms / 3000):
                    await stop.wait()

        stop = trio.Event()
        async with trio.open_nursery() as nursery:
            nursery.start_soon(trickle, stop)
            with trio.fail_after(timeout_ms / 1000 + max(5, n_idle / 100)):
                async with trio.open_nursery() as waiters:
                    for sock in idle:
                        waiters.start_soon(wait_dropped, sock)
            assert await _connections(server) == 1  # the trickler survived
            stop.set()
        trickler.close()
        server.close()
        await next_event(server, "close")
    assert len(drop_times) == n_idle and timeouts[0] == n_idle
    figures.update(
        idle=n_idle,
        timeout_ms=timeout_ms,
        first_drop_s=min(drop_times),
        last_drop_s=max(drop_times),
    )
    return figures


async def test_flood_idle_clients_dropped_by_timeout(tmp_path: Path) -> None:
    figures = await run_idle_clients_dropped(50, 300, tmp_path)
    assert figures["first_drop_s"] >= 0.3 * 0.9, figures


# == exhaustion ============================================================================

EMFILE_SERVER = textwrap.dedent(
    """
    import logging, os, resource, sys, trio, trionet
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(name)s %(message)s")
    headroom = int(sys.argv[1])

    async def main():
        conns = []
        async with trionet.open_loop():
            server = trionet.create_server(lambda c: (conns.append(c), c.pipe(c)))
            server.on("error", lambda e: print("SERVER ERROR", e, file=sys.stderr, flush=True))
            server.listen(0, "127.0.0.1", 511)
            await trionet.once(server, "listening")
            used = len(os.listdir("/proc/self/fd"))
            _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            resource.setrlimit(resource.RLIMIT_NOFILE, (used + headroom, hard))
            print(server.address()["port"], flush=True)
            await trio.to_thread.run_sync(sys.stdin.read)
            server.close()
            for c in conns:
                c.destroy()
        print("BYE", flush=True)

    trio.run(main)
    """
)


async def run_emfile_accept(headroom: int, extra: int) -> dict[str, float]:
    """A trionet server in a subprocess, its soft RLIMIT_NOFILE lowered to ``headroom``
    descriptors above what it uses, gets ``headroom + extra`` connections: accept fails
    with EMFILE; it logs, backs off, never dies, and serves again once fds are freed."""
    figures: dict[str, float] = {}
    proc = await trio.lowlevel.open_process(
        [sys.executable, "-c", EMFILE_SERVER, str(headroom)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=str(ROOT),
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    out: list[str] = []
    err: list[str] = []
    out_seen, err_seen = [trio.Event()], [trio.Event()]
    clients: list[trio.socket.SocketType] = []
    try:
        async with trio.open_nursery() as nursery:

            async def pump(
                stream: trio.abc.ReceiveStream, sink: list[str], seen: list[trio.Event]
            ) -> None:
                buffer = b""
                async for chunk in stream:
                    buffer += chunk
                    *got, buffer = buffer.split(b"\n")
                    sink.extend(x.decode(errors="replace") for x in got)
                    seen[0].set()

            nursery.start_soon(pump, proc.stdout, out, out_seen)
            nursery.start_soon(pump, proc.stderr, err, err_seen)
            port = int(await wait_line(out, out_seen, str.isdigit))
            for _ in range(headroom + extra):
                clients.append(await raw_connect(port))
            t0 = trio.current_time()
            await wait_line(err, err_seen, lambda x: "EMFILE" in x)
            # Measure the back-off for a while: a retry every ACCEPT_BACKOFF_SECONDS.
            await trio.sleep(0.5)
            window = trio.current_time() - t0
            emfile_lines = sum("EMFILE" in x for x in err)
            assert proc.returncode is None, "the server died"
            # Which connections were accepted? Those that echo.
            served = 0
            for c in clients:
                await c.send(b"?")
                with trio.move_on_after(0.05):
                    if await c.recv(1) == b"?":
                        served += 1
            assert 0 < served < headroom + extra
            for c in clients:
                c.close()
            clients.clear()
            # Once descriptors are free the server accepts again (the backlog first).
            fresh = await raw_connect(port)
            await fresh.send(b"alive")
            with trio.fail_after(5):
                got = b""
                while len(got) < 5:
                    got += await fresh.recv(5)
            assert got == b"alive"
            fresh.close()
            assert not any("SERVER ERROR" in x or "Traceback" in x for x in err), err
            await proc.stdin.aclose()
            with trio.fail_after(10):
                await proc.wait()
            assert proc.returncode == 0, err
            assert "BYE" in out
            nursery.cancel_scope.cancel()
    finally:
        for c in clients:
            c.close()
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            if pipe is not None:
                await pipe.aclose()
    figures.update(
        served_at_limit=served,
        emfile_log_lines=emfile_lines,
        window_s=window,
    )
    return figures


async def test_emfile_during_accept_backs_off_and_recovers() -> None:
    with trio.fail_after(20):
        figures = await run_emfile_accept(headroom=20, extra=20)
    # Back-off, not a busy loop: about one log line per 0.1 s retry.
    assert figures["emfile_log_lines"] <= figures["window_s"] / 0.1 + 3, figures


@pytest.mark.parametrize("transport", ["tcp4", "unix"])
async def test_eaddrinuse_is_an_error_event(tmp_path: Path, transport: str) -> None:
    async with no_leaks(tmp_path):
        with trio.fail_after(5):
            async with trionet.open_loop():
                first, args = await listen(transport, tmp_path)
                second = trionet.create_server()
                errors: list[Any] = []
                second.on("error", errors.append)
                if transport == "unix":
                    second.listen(args[0])  # must not raise
                else:
                    second.listen(args[0], "127.0.0.1")
                await next_event(second, "error")
                assert not second.listening and first.listening
                assert errors[0].code == "EADDRINUSE" and errors[0].syscall == "listen"
                if transport == "unix":
                    # The live socket file is the first server's: still there, still serving.
                    assert stat.S_ISSOCK(os.lstat(args[0]).st_mode)
                    s = trionet.connect(*args)
                    await trionet.once(s, "connect")
                    s.destroy()
                first.close()


# == integrity ===============================================================================


def _chunks(payload: bytes, rng: random.Random, max_chunk: int) -> list[bytes]:
    out: list[bytes] = []
    i = 0
    while i < len(payload):
        # Mostly small and medium writes, some large ones.
        size = rng.choice([rng.randint(1, 64), rng.randint(1, 4096), rng.randint(1, max_chunk)])
        out.append(payload[i : i + size])
        i += size
    return out


async def _send_all(sock: trionet.Socket, chunks: list[bytes], rng: random.Random) -> None:
    for chunk in chunks:
        if not sock.write(chunk) and rng.random() < 0.7:
            await trionet.once(sock, "drain")  # mostly respect back-pressure, not always
    sock.end()


async def run_integrity(
    transport: str, tmp_path: Path, size_up: int, size_down: int, seed: int
) -> None:
    """Both directions at once, random chunking: SHA-256 equal on both ends."""
    rng = random.Random(seed)
    up = rng.randbytes(size_up)
    down = rng.randbytes(size_down)
    max_chunk = 256 * 1024
    digests: dict[str, str] = {}
    async with no_leaks(tmp_path):
        with trio.fail_after(10 + (size_up + size_down) / MiB):
            async with trionet.open_loop():
                closed = trio.Event()

                async def on_connection(c: trionet.Socket) -> None:
                    h = hashlib.sha256()
                    c.on("data", h.update)
                    c.on("end", lambda: digests.__setitem__("server_got", h.hexdigest()))
                    await _send_all(c, _chunks(down, random.Random(seed + 1), max_chunk), rng)

                server, args = await listen(
                    transport, tmp_path, on_connection, allow_half_open=True
                )
                s = trionet.connect(*args, allow_half_open=True)
                h = hashlib.sha256()
                s.on("data", h.update)
                s.on("end", lambda: digests.__setitem__("client_got", h.hexdigest()))
                s.on("close", lambda had_error: closed.set())
                await _send_all(s, _chunks(up, random.Random(seed + 2), max_chunk), rng)
                await closed.wait()
                server.close()
    assert digests["server_got"] == hashlib.sha256(up).hexdigest()
    assert digests["client_got"] == hashlib.sha256(down).hexdigest()


@pytest.mark.parametrize("transport", ["tcp4", "unix"])
@pytest.mark.parametrize(
    ("size_up", "size_down"), [(1, 0), (1, 1), (1000, 65537), (MiB + 3, 17), (4 * MiB, 4 * MiB - 1)]
)
async def test_integrity_sha256_both_directions(
    tmp_path: Path, transport: str, size_up: int, size_down: int
) -> None:
    await run_integrity(transport, tmp_path, size_up, size_down, seed=size_up ^ size_down)


# == security ===============================================================================


@pytest.mark.parametrize(
    ("readable_all", "writable_all", "expected"),
    [(False, False, 0o700), (True, False, 0o744), (False, True, 0o722), (True, True, 0o766)],
)
async def test_unix_socket_file_honours_umask(
    tmp_path: Path, readable_all: bool, writable_all: bool, expected: int
) -> None:
    old = os.umask(0o077)
    try:
        async with no_leaks(tmp_path):
            with trio.fail_after(5):
                async with trionet.open_loop():
                    server = trionet.create_server()
                    path = str(tmp_path / "m.sock")
                    server.listen(
                        {"path": path, "readable_all": readable_all, "writable_all": writable_all}
                    )
                    await trionet.once(server, "listening")
                    assert stat.S_IMODE(os.stat(path).st_mode) == expected
                    server.close()
    finally:
        os.umask(old)


@pytest.mark.parametrize("kind", ["file", "directory", "symlink-to-file", "stale-socket"])
async def test_listen_on_existing_path_is_eaddrinuse_and_never_deletes(
    tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "taken"
    target = tmp_path / "precious"
    if kind == "file":
        path.write_bytes(b"precious data")
    elif kind == "directory":
        path.mkdir()
    elif kind == "symlink-to-file":
        target.write_bytes(b"precious data")
        path.symlink_to(target)
    else:  # a socket file nobody listens on any more: not ours to remove either
        stale = stdsocket.socket(stdsocket.AF_UNIX)
        stale.bind(str(path))
        stale.close()
    before = os.lstat(path)
    async with trionet.open_loop():
        with trio.fail_after(5):
            server = trionet.create_server()
            errors: list[Any] = []
            server.on("error", errors.append)
            server.listen(str(path))
            await next_event(server, "error")
            server.close()
    assert errors[0].code == "EADDRINUSE" and errors[0].syscall == "listen"
    after = os.lstat(path)
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    if kind == "file":
        assert path.read_bytes() == b"precious data"
    if kind == "symlink-to-file":
        assert target.read_bytes() == b"precious data"


async def test_listen_path_too_long_is_a_clear_error(tmp_path: Path) -> None:
    """Node 20 silently truncates to sun_path (108 bytes) and binds the wrong file;
    Node 23 (nodejs/node#52347, UV_PIPE_NO_TRUNCATE) emits 'error' EINVAL: we do that."""
    long_path = str(tmp_path / ("x" * 200))
    async with no_leaks(tmp_path):
        with trio.fail_after(5):
            async with trionet.open_loop():
                server = trionet.create_server()
                server.listen(long_path)
                (error,) = await next_event(server, "error")
                assert not server.listening
    assert error.code == "EINVAL" and error.syscall == "listen"
    assert str(error) == f"listen EINVAL: invalid argument {long_path}"
    assert os.listdir(tmp_path) == []  # no truncated file left behind


async def test_listen_path_with_nul_byte_raises_and_binds_nothing(tmp_path: Path) -> None:
    """Node 20 binds 'a' for listen('a\\0b') (the C string ends at the NUL): another file.
    trionet refuses at the call, as Node's fs functions do."""
    async with no_leaks(tmp_path), trionet.open_loop():
        server = trionet.create_server()
        with pytest.raises(trionet.NodeError) as info:
            server.listen(str(tmp_path / "a\0b"))
        assert info.value.code == "ERR_INVALID_ARG_VALUE"
        assert not server.listening
    assert os.listdir(tmp_path) == []


async def test_abstract_unix_socket(tmp_path: Path) -> None:
    """A leading NUL is a Linux abstract socket (as in Node): no file, nothing to unlink."""
    name = f"\0trionet-test-{os.getpid()}"
    async with no_leaks(tmp_path):
        with trio.fail_after(5):
            async with trionet.open_loop():
                server = trionet.create_server(lambda c: c.end(b"hi"))
                server.listen(name)
                await trionet.once(server, "listening")
                assert server.address() == name
                s = trionet.connect(name)
                got: list[bytes] = []
                s.on("data", got.append)
                await next_event(s, "close")
                assert b"".join(got) == b"hi"
                server.close()


async def test_connect_path_too_long_is_a_clear_error(tmp_path: Path) -> None:
    long_path = str(tmp_path / ("y" * 200))
    async with trionet.open_loop():
        with trio.fail_after(5):
            s = trionet.connect(long_path)
            (error,) = await next_event(s, "error")
    assert error.code == "EINVAL"


def _cloexec(fd: int) -> bool:
    return bool(fcntl.fcntl(fd, fcntl.F_GETFD) & fcntl.FD_CLOEXEC)


@pytest.mark.parametrize("transport", ["tcp4", "unix"])
async def test_descriptors_are_close_on_exec(tmp_path: Path, transport: str) -> None:
    async with trionet.open_loop():
        with trio.fail_after(5):
            accepted: list[trionet.Socket] = []
            got = trio.Event()
            server, args = await listen(
                transport, tmp_path, lambda c: (accepted.append(c), got.set())
            )
            client = trionet.connect(*args)
            await trionet.once(client, "connect")
            await got.wait()
            fds = {
                "listening": server._trionet_handle_fileno,
                "accepted": accepted[0]._trionet_handle_fileno,
                "connected": client._trionet_handle_fileno,
            }
            assert all(fd >= 0 for fd in fds.values())
            assert {k: _cloexec(fd) for k, fd in fds.items()} == dict.fromkeys(fds, True)
            # And a child process really does not inherit them.
            child = await trio.run_process(
                ["ls", "/proc/self/fd"], capture_stdout=True, close_fds=False
            )
            listing = child.stdout.decode().split()
            assert not {str(fd) for fd in fds.values() if fd > 4} & set(listing)
            client.destroy()
            accepted[0].destroy()
            server.close()
