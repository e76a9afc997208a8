"""Adversarial tests of parked sockets (``Socket._poll_readable`` and friends).

Every test runs on real loopback TCP or Unix sockets; nothing is mocked. A peer
is usually a raw non-blocking stdlib socket driven from the test's task, so the
test decides exactly when bytes, FIN or RST reach a parked trionet socket.
``trio.testing.wait_all_tasks_blocked()`` stands for "the poller has seen it
and the socket is parked again".

Tests named ``test_regression_*`` each reproduced a bug found in review (named
after the failure they guard against); all are fixed.
"""

from __future__ import annotations

import hashlib
import os
import socket as stdsocket
import struct
from pathlib import Path
from typing import Any

import pytest
import trio
import trio.lowlevel
import trio.testing
from test_parking import raw_client, send_all
from test_socket import listen, transport  # noqa: F401  (the fixture)

import trionet
from trionet._socket import READ_HIGH_WATER_MARK


def fd_count() -> int:
    return len(os.listdir("/proc/self/fd"))


def payload_of(size: int, seed: int = 0) -> bytes:
    """Deterministic, non-repeating-looking bytes (a misplaced chunk changes the hash)."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(struct.pack("<QQ", seed, counter)).digest()
        counter += 1
    return bytes(out[:size])


def sha(data: bytes | bytearray) -> str:
    return hashlib.sha256(data).hexdigest()


async def recv_all(raw: stdsocket.socket, into: bytearray) -> None:
    """Read from a raw non-blocking socket until EOF, without blocking the loop."""
    while True:
        try:
            chunk = raw.recv(262144)
        except BlockingIOError:
            await trio.lowlevel.wait_readable(raw)
            continue
        if not chunk:
            return
        into += chunk


async def recv_exactly(raw: stdsocket.socket, n: int) -> bytes:
    got = bytearray()
    while len(got) < n:
        try:
            chunk = raw.recv(n - len(got))
        except BlockingIOError:
            await trio.lowlevel.wait_readable(raw)
            continue
        assert chunk, "unexpected EOF"
        got += chunk
    return bytes(got)


async def accepted_one(accepted: list[trionet.Socket]) -> trionet.Socket:
    await trio.testing.wait_all_tasks_blocked()
    (conn,) = accepted
    return conn


# == bugs found in review, now fixed =================================================


async def test_regression_destroy_in_sync_listener_before_async_listener_closes_twice(
    transport: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    """A sync 'data' listener destroys the socket; a later async listener runs.

    Node: 'close' once. Here ``_poll_readable`` -> ``_deliver_now`` -> destroy()
    unparks (task 1), then the async listener's rest is unparked again (task 2):
    two ``_serve`` tasks, and each emits 'close'.
    """
    with trio.fail_after(5):
        async with trionet.open_loop():
            closes: list[tuple[Any, ...]] = []
            closed = trio.Event()
            ran = trio.Event()

            def on_connection(c: trionet.Socket) -> None:
                async def later(chunk: bytes) -> None:
                    ran.set()

                c.on("data", lambda chunk: c.destroy())
                c.on("data", later)
                c.on("close", lambda *args: (closes.append(args), closed.set()))

            target = await listen(transport, tmp_path, on_connection)
            raw = raw_client(target.args)
            await trio.testing.wait_all_tasks_blocked()  # parked
            raw.send(b"x")
            await closed.wait()
            await ran.wait()
            await trio.testing.wait_all_tasks_blocked()
            raw.close()
            target.server.close()
    assert closes == [(False,)]


async def test_regression_on_read_destroy_in_callback_never_closes(tmp_path: Path) -> None:
    """destroy() from the on_read callback: no more callbacks, then 'close'.

    ``_dispatch_on_read`` never looks at ``_destroyed``: after the callback it
    waits for readability again on the still-open descriptor, so 'close' only
    comes once the peer sends something (and the callback is called again).
    """
    with trio.fail_after(2):
        async with trionet.open_loop():
            accepted: list[trionet.Socket] = []
            target = await listen("tcp4", tmp_path, accepted.append)
            calls: list[bytes] = []
            closed = trio.Event()
            s: trionet.Socket

            def callback(n: int, buf: bytearray) -> None:
                calls.append(bytes(buf[:n]))
                s.destroy()

            s = trionet.connect(
                {**target.options, "on_read": {"buffer": bytearray(16), "callback": callback}}
            )
            s.on("close", lambda *_: closed.set())
            await trionet.once(s, "connect")
            conn = await accepted_one(accepted)
            conn.write(b"a")
            with trio.move_on_after(1):
                await closed.wait()
            assert closed.is_set(), "destroy() in on_read's callback did not close"
            target.server.close()
    assert calls == [b"a"]


async def test_regression_on_read_paused_then_destroyed_never_closes(tmp_path: Path) -> None:
    """on_read's callback returns False (pause); destroy() from another task.

    ``_interrupt`` wakes ``_wait_flowing``, but ``_dispatch_on_read`` loops back
    to ``if self._flowing is False: await self._wait_flowing()`` and waits
    forever: the socket never closes.
    """
    with trio.fail_after(2):
        async with trionet.open_loop():
            target = await listen("tcp4", tmp_path, lambda c: c.write(b"a"))
            closed = trio.Event()
            s = trionet.connect(
                {
                    **target.options,
                    "on_read": {"buffer": bytearray(16), "callback": lambda n, b: False},
                }
            )
            s.on("close", lambda *_: closed.set())
            await trionet.once(s, "connect")
            await trio.testing.wait_all_tasks_blocked()
            assert s.is_paused()
            s.destroy()
            await closed.wait()
            target.server.close()


async def test_regression_iterator_cancelled_after_a_full_read_loses_the_chunk(
    tmp_path: Path,
) -> None:
    """A cancelled ``__anext__`` must not consume data (trio's convention).

    After a full read, ``__anext__`` does ``await checkpoint()`` before returning
    the chunk: a cancellation delivered there drops a whole chunk (64 KiB or 256
    KiB) that was already taken from the kernel. A Unix socket makes it certain:
    its reads are 64 KiB, and a full sender's queue holds more than that.
    """
    with trio.fail_after(5):
        async with trionet.open_loop():
            accepted: list[trionet.Socket] = []
            target = await listen("unix", tmp_path, accepted.append)
            raw = raw_client(target.args)
            payload = payload_of(3_000_000)
            got = bytearray()
            conn = await accepted_one(accepted)

            async def sender() -> None:
                await send_all(raw, payload)
                raw.shutdown(stdsocket.SHUT_WR)

            async with trio.open_nursery() as nursery:
                nursery.start_soon(sender)
                await trio.testing.wait_all_tasks_blocked()  # the kernel is full
                it = conn.__aiter__()
                with trio.CancelScope() as scope:
                    while True:
                        chunk = await it.__anext__()
                        got += chunk
                        if not conn._short_read:  # more is there: the next read is full
                            scope.cancel()
                async for chunk in it:
                    got += chunk
            raw.close()
            target.server.close()
    assert len(got) == len(payload)
    assert sha(got) == sha(payload)


async def test_regression_iterator_cancelled_with_an_edge_pending_loses_the_edge(
    transport: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    """``__anext__`` cancelled while a readiness edge is remembered for it.

    The edge sits in the poller's ``_readable`` (it came while the iterator did
    not wait). ``Poller._wait`` discards it and returns ``checkpoint()``, which
    raises Cancelled: the edge is spent without a read, ``_short_read`` stays
    True, and the next ``__anext__`` waits for an edge that never comes while
    the bytes sit in the kernel.
    """
    with trio.fail_after(3):
        async with trionet.open_loop():
            accepted: list[trionet.Socket] = []
            target = await listen(transport, tmp_path, accepted.append)
            raw = raw_client(target.args)
            conn = await accepted_one(accepted)
            it = conn.__aiter__()
            await trio.testing.wait_all_tasks_blocked()
            raw.send(b"hello")
            await trio.testing.wait_all_tasks_blocked()  # edge kept for the iterator
            with trio.CancelScope() as scope:
                scope.cancel()
                await it.__anext__()
            with trio.move_on_after(1):
                assert await it.__anext__() == b"hello"
            assert conn.bytes_read == 5, "the bytes were left in the kernel"
            conn.destroy()
            raw.close()
            target.server.close()


async def test_regression_iterator_with_encoding_drops_incomplete_char_at_end(
    tmp_path: Path,
) -> None:
    """set_encoding('utf8'), ``async for``, and a truncated character before FIN.

    Node's iterator yields ['a', '\\ufffd'] (checked with Node 20). trionet's
    ``__anext__`` stops at EOF without the decoder's final flush; ``_emit_end``
    then emits the '\\ufffd' as 'data' to no listener.
    """
    with trio.fail_after(5):
        async with trionet.open_loop():
            got: list[str] = []
            done = trio.Event()

            async def on_connection(c: trionet.Socket) -> None:
                c.set_encoding("utf8")
                async for chunk in c:
                    got.append(chunk)
                done.set()

            target = await listen("tcp4", tmp_path, on_connection)
            raw = raw_client(target.args)
            raw.send(b"a")
            await trio.testing.wait_all_tasks_blocked()
            raw.send(b"\xe2\x82")
            raw.shutdown(stdsocket.SHUT_WR)
            await done.wait()
            raw.close()
            target.server.close()
    assert "".join(got) == "a\ufffd"


async def test_regression_iterator_plus_resume_after_fin_spins_the_poller(tmp_path: Path) -> None:
    """Read ahead + EOF read (paused), an ``async for`` iterator attached, then resume().

    ``_poll_readable`` unparks for ``rbuf and flowing`` without looking at
    ``_iterators``; ``_dispatch`` does not flush (an iterator reads) and parks;
    ``park()`` says "readable" forever (the peer hung up): call_again, unpark,
    park, ... a busy loop that never lets the loop go idle.
    """
    with trio.fail_after(3):
        async with trionet.open_loop():
            accepted: list[trionet.Socket] = []

            def on_connection(c: trionet.Socket) -> None:
                c.pause()
                accepted.append(c)

            target = await listen("tcp4", tmp_path, on_connection)
            raw = raw_client(target.args)
            raw.send(b"abc")
            raw.shutdown(stdsocket.SHUT_WR)
            conn = await accepted_one(accepted)
            assert conn.readable_length == 3
            it = conn.__aiter__()
            conn.resume()
            with trio.move_on_after(1) as scope:
                await trio.testing.wait_all_tasks_blocked()
            assert not scope.cancelled_caught, "the loop never goes idle"
            assert [chunk async for chunk in it] == [b"abc"]
            raw.close()
            target.server.close()


async def test_regression_unrefd_socket_unparked_at_loop_end_is_left_open(tmp_path: Path) -> None:
    """The loop ends just as data reaches unref'd sockets with an async listener.

    The poller's last round unparks them (``_unpark(pending)`` starts ``_serve``);
    the loop is cancelled; the poller's ``finally`` abandons what is parked *now*;
    then a ``_serve`` task runs, its listener finishes without a checkpoint, it
    reads EAGAIN and parks into the dead poller without a checkpoint: the
    descriptor is never closed (32 sockets make it certain in practice).
    """
    count = 32
    with trio.fail_after(5):
        fds_before = fd_count()
        accepted: list[trionet.Socket] = []
        async with trionet.open_loop():

            def on_connection(c: trionet.Socket) -> None:
                async def on_data(chunk: bytes) -> None:
                    pass

                c.unref()
                c.on("data", on_data)
                accepted.append(c)

            target = await listen("tcp4", tmp_path, on_connection)
            raws = [raw_client(target.args) for _ in range(count)]
            while len(accepted) < count:
                await trio.testing.wait_all_tasks_blocked()
            target.server.close()
            for raw in raws:
                raw.send(b"x")
            await trio.sleep(0)  # the poller's next round sees them as the loop ends
        for raw in raws:
            raw.close()
        left_open = [c for c in accepted if c._sock is not None and c._sock.fileno() != -1]
        assert not left_open, f"{len(left_open)} of {count} sockets left open"
        assert all(c.destroyed for c in accepted)
        assert fd_count() <= fds_before


async def test_regression_data_listener_on_parked_socket_has_no_current_loop(
    tmp_path: Path,
) -> None:
    """A 'data' listener called by the poller opens a connection (a lazy proxy).

    The poller task is started in ``Loop.__init__``, before ``open_loop`` sets
    the ``_current`` context variable; trio copies the context at spawn, so
    listeners run by ``_poll_readable`` -- and every task the poller starts
    (``_serve`` after unparking: 'end', async listeners' rest) -- see no current
    loop: ``trionet.connect()`` (``Handle.__init__`` -> ``current_loop()``)
    raises RuntimeError, as do ``create_server()`` and a plain EventEmitter's
    async listeners.
    """
    with trio.fail_after(5):
        async with trionet.open_loop():
            echo = await listen("tcp4", tmp_path, lambda c: c.pipe(c))
            replies: list[bytes] = []
            done = trio.Event()

            def on_connection(c: trionet.Socket) -> None:
                def on_first_data(chunk: bytes) -> None:
                    up = trionet.connect(*echo.args)  # raises in the poller's task
                    up.on("data", lambda reply: (replies.append(reply), done.set()))
                    up.end(chunk)

                c.once("data", on_first_data)

            target = await listen("unix", tmp_path, on_connection)
            raw = raw_client(target.args)
            await trio.testing.wait_all_tasks_blocked()  # parked: the poller reads
            raw.send(b"lazy")
            await done.wait()
            raw.close()
            target.server.close()
            echo.server.close()
    assert replies == [b"lazy"]


async def test_regression_async_data_listener_awaiting_close_after_destroy_deadlocks(
    tmp_path: Path,
) -> None:
    """An async 'data' listener destroys its socket and awaits 'close' (fine in
    Node 20: 'close' comes). The socket's task awaits the listener (``_serve``'s
    ``await pending``, or ``_deliver``) before it closes: neither ever finishes.
    """
    with trio.fail_after(2):
        async with trionet.open_loop():
            done = trio.Event()
            timed_out: list[bool] = []

            def on_connection(c: trionet.Socket) -> None:
                async def on_data(chunk: bytes) -> None:
                    c.destroy()
                    with trio.move_on_after(1) as scope:
                        await trionet.once(c, "close")
                    timed_out.append(scope.cancelled_caught)
                    done.set()

                c.on("data", on_data)

            target = await listen("tcp4", tmp_path, on_connection)
            raw = raw_client(target.args)
            await trio.testing.wait_all_tasks_blocked()  # parked
            raw.send(b"x")
            await done.wait()
            assert timed_out == [False], "'close' did not come while the listener awaited it"
            raw.close()
            target.server.close()


# == further coverage ==================================================================


async def test_pause_and_resume_from_another_task_while_parked(
    transport: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    """pause() from outside while parked: bytes are read ahead, not emitted; resume()
    emits them, in order, and the socket reads on."""
    with trio.fail_after(5):
        async with trionet.open_loop():
            accepted: list[trionet.Socket] = []
            got = bytearray()
            target = await listen(transport, tmp_path, accepted.append)
            raw = raw_client(target.args)
            conn = await accepted_one(accepted)
            conn.on("data", got.extend)
            expected = bytearray()
            for i in range(6):
                conn.pause()
                word = f"<{i}>".encode() * (i + 1)
                raw.send(word)
                expected += word
                await trio.testing.wait_all_tasks_blocked()
                assert conn.readable_length == len(word)
                assert len(got) == len(expected) - len(word)
                conn.resume()
                await trio.testing.wait_all_tasks_blocked()
                assert got == expected
                assert conn.readable_length == 0
                raw.send(b"!")  # flowing again, straight from the poller
                expected += b"!"
                await trio.testing.wait_all_tasks_blocked()
                assert got == expected
            raw.close()
            await trionet.once(conn, "close")
            target.server.close()


async def test_pause_resume_inside_listener_keeps_reading(transport: str, tmp_path: Path) -> None:  # noqa: F811
    """Every 'data' listener call pauses and, on alternate calls, resumes at once or
    from another task: the stream arrives whole and 'end' follows."""
    with trio.fail_after(10):
        async with trionet.open_loop() as loop:
            got = bytearray()
            ended = trio.Event()
            payload = payload_of(600_000, 1)
            calls = 0

            def on_connection(c: trionet.Socket) -> None:
                def on_data(chunk: bytes) -> None:
                    nonlocal calls
                    calls += 1
                    got.extend(chunk)
                    c.pause()
                    if calls % 2:
                        c.resume()
                    else:
                        loop.defer(c.resume)

                c.on("data", on_data)
                c.on("end", ended.set)

            target = await listen(transport, tmp_path, on_connection)
            raw = raw_client(target.args)
            await trio.testing.wait_all_tasks_blocked()
            await send_all(raw, payload)
            raw.shutdown(stdsocket.SHUT_WR)
            await ended.wait()
            raw.close()
            target.server.close()
    assert sha(got) == sha(payload)


async def test_async_for_break_gives_reading_back(transport: str, tmp_path: Path) -> None:  # noqa: F811
    """``async for`` on a parked socket, break (``__del__`` detaches), then a 'data'
    listener gets the rest, including what came while nobody read."""
    with trio.fail_after(5):
        async with trionet.open_loop():
            accepted: list[trionet.Socket] = []
            target = await listen(transport, tmp_path, accepted.append)
            raw = raw_client(target.args)
            conn = await accepted_one(accepted)
            raw.send(b"first")
            async for chunk in conn:
                assert chunk == b"first"
                break
            assert conn._iterators == 0
            raw.send(b"second")  # nobody consumes: read ahead
            await trio.testing.wait_all_tasks_blocked()
            assert conn.readable_length == len(b"second")
            got = bytearray()
            conn.on("data", got.extend)
            raw.send(b"third")
            raw.shutdown(stdsocket.SHUT_WR)
            await trionet.once(conn, "end")
            assert got == b"secondthird"
            raw.close()
            target.server.close()


async def test_async_for_break_while_kernel_holds_more(transport: str, tmp_path: Path) -> None:  # noqa: F811
    """Break out of ``async for`` after a short read with more bytes already in the
    kernel (their edge went to the iterator): the socket reads them after all."""
    with trio.fail_after(5):
        async with trionet.open_loop():
            accepted: list[trionet.Socket] = []
            target = await listen(transport, tmp_path, accepted.append)
            raw = raw_client(target.args)
            conn = await accepted_one(accepted)
            raw.send(b"one")
            got = bytearray()
            async for chunk in conn:
                got += chunk
                raw.send(b"two")  # arrives while the iterator does not wait
                await trio.testing.wait_all_tasks_blocked()
                break
            conn.on("data", got.extend)
            await trio.testing.wait_all_tasks_blocked()
            assert got == b"onetwo"
            conn.destroy()
            raw.close()
            target.server.close()


async def test_async_for_ends_with_data_and_fin_racing(transport: str, tmp_path: Path) -> None:  # noqa: F811
    """An async connection listener iterates while the peer sends 2 MB and its FIN
    at once: every byte, then the iteration ends, then 'end' and 'close'."""
    with trio.fail_after(10):
        async with trionet.open_loop():
            got = bytearray()
            log: list[str] = []
            closed = trio.Event()
            payload = payload_of(2_000_000, 2)

            async def on_connection(c: trionet.Socket) -> None:
                c.on("end", lambda: log.append("end"))
                c.on("close", lambda *_: (log.append("close"), closed.set()))
                async for chunk in c:
                    got.extend(chunk)
                log.append("iteration over")

            target = await listen(transport, tmp_path, on_connection)
            raw = raw_client(target.args)
            await send_all(raw, payload)
            raw.shutdown(stdsocket.SHUT_WR)
            await closed.wait()
            raw.close()
            target.server.close()
    assert sha(got) == sha(payload)
    assert log[-1] == "close" and sorted(log[:-1]) == ["end", "iteration over"]


async def test_async_for_over_read_ahead_data_and_eof(transport: str, tmp_path: Path) -> None:  # noqa: F811
    """Everything (data and FIN) read ahead while nobody consumed; then ``async for``
    takes the buffer and stops; 'end' and 'close' follow."""
    with trio.fail_after(5):
        async with trionet.open_loop():
            accepted: list[trionet.Socket] = []
            target = await listen(transport, tmp_path, accepted.append)
            raw = raw_client(target.args)
            conn = await accepted_one(accepted)
            raw.send(b"abc")
            await trio.testing.wait_all_tasks_blocked()
            raw.send(b"def")
            raw.shutdown(stdsocket.SHUT_WR)
            await trio.testing.wait_all_tasks_blocked()
            assert conn.readable_length == 6 and conn._eof
            assert conn.readable  # 'end' waits for the buffer to be consumed
            got = b"".join([chunk async for chunk in conn])
            assert got == b"abcdef"
            await trionet.once(conn, "close")
            assert conn.readable_ended
            raw.close()
            target.server.close()


async def test_set_encoding_multibyte_split_across_parked_reads(
    transport: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    """UTF-8 characters sent one byte per read on a parked socket are emitted
    whole; a truncated one at the end becomes U+FFFD before 'end' (as Node)."""
    with trio.fail_after(5):
        async with trionet.open_loop():
            chunks: list[str] = []
            ended = trio.Event()

            def on_connection(c: trionet.Socket) -> None:
                c.set_encoding("utf8")
                c.on("data", chunks.append)
                c.on("end", ended.set)

            target = await listen(transport, tmp_path, on_connection)
            raw = raw_client(target.args)
            text = "a€𝄞é"
            for byte in text.encode():
                raw.send(bytes([byte]))
                await trio.testing.wait_all_tasks_blocked()  # read alone, parked again
            raw.send(b"\xf0\x9d")
            raw.shutdown(stdsocket.SHUT_WR)
            await ended.wait()
            raw.close()
            target.server.close()
    assert chunks == ["a", "€", "𝄞", "é", "\ufffd"]


async def test_async_then_sync_listeners_in_a_bulk_transfer(transport: str, tmp_path: Path) -> None:  # noqa: F811
    """An async 'data' listener then a sync one through 1.5 MB: each chunk goes to
    the async one (awaited) before the sync one, in stream order."""
    with trio.fail_after(10):
        async with trionet.open_loop():
            seen_async = bytearray()
            seen_sync = bytearray()
            ended = trio.Event()
            payload = payload_of(1_500_000, 3)

            def on_connection(c: trionet.Socket) -> None:
                async def slow(chunk: bytes) -> None:
                    await trio.lowlevel.checkpoint()
                    seen_async.extend(chunk)

                def sync(chunk: bytes) -> None:
                    assert len(seen_async) == len(seen_sync) + len(chunk)
                    seen_sync.extend(chunk)

                c.on("data", slow)
                c.on("data", sync)
                c.on("end", ended.set)

            target = await listen(transport, tmp_path, on_connection)
            raw = raw_client(target.args)
            await send_all(raw, payload)
            raw.shutdown(stdsocket.SHUT_WR)
            await ended.wait()
            raw.close()
            target.server.close()
    assert sha(seen_sync) == sha(payload)


@pytest.mark.parametrize("with_error", [False, True])
async def test_destroy_from_another_task_while_parked(
    transport: str,  # noqa: F811
    tmp_path: Path,
    with_error: bool,
) -> None:
    """destroy() (with or without an error) from another task unparks the socket:
    'error' if any, then 'close', and the descriptor is closed (the peer sees EOF)."""
    with trio.fail_after(5):
        async with trionet.open_loop():
            accepted: list[trionet.Socket] = []
            target = await listen(transport, tmp_path, accepted.append)
            raw = raw_client(target.args)
            conn = await accepted_one(accepted)
            conn.on("data", lambda chunk: None)
            log: list[Any] = []
            conn.on("error", lambda err: log.append(err))
            conn.on("close", lambda had_error: log.append(had_error))
            await trio.testing.wait_all_tasks_blocked()
            error = ValueError("mine")
            conn.destroy(error if with_error else None)
            await trio.testing.wait_all_tasks_blocked()
            assert log == ([error, True] if with_error else [False])
            assert conn._sock is not None and conn._sock.fileno() == -1
            rest = bytearray()
            await recv_all(raw, rest)  # the peer sees our FIN
            assert rest == b""
            raw.close()
            target.server.close()


async def test_destroy_in_data_listener_with_more_pending(transport: str, tmp_path: Path) -> None:  # noqa: F811
    """destroy() in the listener of the first chunk: no more 'data', one 'close'."""
    with trio.fail_after(5):
        async with trionet.open_loop():
            calls: list[int] = []
            closes: list[tuple[Any, ...]] = []

            def on_connection(c: trionet.Socket) -> None:
                def on_data(chunk: bytes) -> None:
                    calls.append(len(chunk))
                    c.destroy()

                c.on("data", on_data)
                c.on("close", lambda *args: closes.append(args))

            target = await listen(transport, tmp_path, on_connection)
            raw = raw_client(target.args)
            await trio.testing.wait_all_tasks_blocked()
            try:
                await send_all(raw, payload_of(1_000_000))
            except OSError:
                pass  # reset by the closed peer
            await trio.testing.wait_all_tasks_blocked()
            raw.close()
            target.server.close()
    assert len(calls) == 1
    assert closes == [(False,)]


@pytest.mark.parametrize("paused", [False, True])
async def test_peer_reset_while_parked(tmp_path: Path, paused: bool) -> None:
    """The peer's RST reaches a parked socket (flowing, or paused below the
    high-water mark): 'error' ECONNRESET, then 'close' with had_error."""
    with trio.fail_after(5):
        async with trionet.open_loop():
            accepted: list[trionet.Socket] = []
            log: list[Any] = []
            target = await listen("tcp4", tmp_path, accepted.append)
            raw = raw_client(target.args)
            conn = await accepted_one(accepted)
            if paused:
                conn.pause()
            else:
                conn.on("data", lambda chunk: log.append(chunk))
            conn.on("error", lambda err: log.append(err.code))
            raw.send(b"hi")
            await trio.testing.wait_all_tasks_blocked()
            raw.setsockopt(stdsocket.SOL_SOCKET, stdsocket.SO_LINGER, struct.pack("ii", 1, 0))
            closed = trio.Event()
            conn.on("close", lambda had_error: (log.append(("close", had_error)), closed.set()))
            raw.close()
            await closed.wait()
            target.server.close()
    assert log[-2:] == ["ECONNRESET", ("close", True)]
    assert log[:-2] == ([] if paused else [b"hi"])


async def test_end_while_parked_then_peer_fin(transport: str, tmp_path: Path) -> None:  # noqa: F811
    """end() on a parked socket: our FIN now, still reading; then the peer's data
    and FIN: 'finish', 'data', 'end', 'close' (Node's order, checked with Node 20)."""
    with trio.fail_after(5):
        async with trionet.open_loop():
            accepted: list[trionet.Socket] = []
            log: list[Any] = []
            target = await listen(transport, tmp_path, accepted.append)
            raw = raw_client(target.args)
            conn = await accepted_one(accepted)
            for name in ("data", "end", "finish", "close"):
                conn.on(name, lambda *args, name=name: log.append((name, *args)))
            conn.end()
            tail = bytearray()
            await recv_all(raw, tail)  # our FIN
            assert tail == b""
            await trio.testing.wait_all_tasks_blocked()
            assert not conn.destroyed and conn.ready_state == "readOnly"
            raw.send(b"late")
            raw.shutdown(stdsocket.SHUT_WR)
            await trionet.once(conn, "close")
            raw.close()
            target.server.close()
    assert log == [("finish",), ("data", b"late"), ("end",), ("close", False)]


async def test_allow_half_open_after_parked_fin(transport: str, tmp_path: Path) -> None:  # noqa: F811
    """allow_half_open: the peer's FIN reaches a parked socket; it stays writable
    until end(), then closes."""
    with trio.fail_after(5):
        async with trionet.open_loop():
            accepted: list[trionet.Socket] = []
            got = bytearray()
            target = await listen(transport, tmp_path, accepted.append, allow_half_open=True)
            raw = raw_client(target.args)
            conn = await accepted_one(accepted)
            conn.on("data", got.extend)
            closed = trio.Event()
            conn.on("close", lambda *_: closed.set())
            raw.send(b"question")
            raw.shutdown(stdsocket.SHUT_WR)
            await trionet.once(conn, "end")
            await trio.testing.wait_all_tasks_blocked()
            assert not conn.destroyed and conn.writable
            conn.write(b"ans")
            conn.end(b"wer")
            reply = bytearray()
            await recv_all(raw, reply)
            assert reply == b"answer"
            await closed.wait()
            raw.close()
            target.server.close()
    assert got == b"question"


async def test_pause_on_connect_reads_nothing_until_resume(transport: str, tmp_path: Path) -> None:  # noqa: F811
    """pause_on_connect: as Node's docs promise, nothing is read from the handle
    (every byte waits in the kernel); resume() brings every byte and 'end'."""
    with trio.fail_after(10):
        async with trionet.open_loop():
            accepted: list[trionet.Socket] = []
            got = bytearray()
            payload = payload_of(1_200_000, 4)
            target = await listen(transport, tmp_path, accepted.append, pause_on_connect=True)
            raw = raw_client(target.args)
            conn = await accepted_one(accepted)
            conn.on("data", got.extend)  # paused: adding a listener does not resume
            async with trio.open_nursery() as nursery:

                async def sender() -> None:
                    await send_all(raw, payload)
                    raw.shutdown(stdsocket.SHUT_WR)

                nursery.start_soon(sender)
                await trio.testing.wait_all_tasks_blocked()
                assert got == b""
                assert conn.readable_length == 0
                assert conn.bytes_read == 0
                conn.resume()
                await trionet.once(conn, "end")
            raw.close()
            target.server.close()
    assert sha(got) == sha(payload)


async def test_paused_after_reading_started_reads_ahead_to_the_mark(
    transport: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    """A socket paused once reading had started (pause() in the connection
    listener: Node reads from construction) reads ahead to the high-water mark and
    stops there (the rest waits in the kernel); resume() brings every byte."""
    with trio.fail_after(10):
        async with trionet.open_loop():
            accepted: list[trionet.Socket] = []
            got = bytearray()
            payload = payload_of(1_200_000, 4)
            target = await listen(transport, tmp_path, lambda c: accepted.append(c.pause()))
            raw = raw_client(target.args)
            conn = await accepted_one(accepted)
            conn.on("data", got.extend)
            async with trio.open_nursery() as nursery:

                async def sender() -> None:
                    await send_all(raw, payload)
                    raw.shutdown(stdsocket.SHUT_WR)

                nursery.start_soon(sender)
                await trio.testing.wait_all_tasks_blocked()
                assert got == b""
                assert READ_HIGH_WATER_MARK <= conn.readable_length < len(payload)
                held = conn.readable_length
                await trio.testing.wait_all_tasks_blocked()
                assert conn.readable_length == held  # stopped at the mark
                conn.resume()
                await trionet.once(conn, "end")
            raw.close()
            target.server.close()
    assert sha(got) == sha(payload)


async def test_on_read_destroy_from_another_task_while_waiting(tmp_path: Path) -> None:
    """on_read socket waiting for readability: destroy() from outside closes it."""
    with trio.fail_after(5):
        async with trionet.open_loop():
            target = await listen("tcp4", tmp_path, lambda c: c.write(b"hello"))
            got = bytearray()

            def callback(n: int, buf: bytearray) -> None:
                got.extend(buf[:n])

            s = trionet.connect(
                {**target.options, "on_read": {"buffer": bytearray(4), "callback": callback}}
            )
            await trionet.once(s, "connect")
            await trio.testing.wait_all_tasks_blocked()
            assert got == b"hello"
            s.destroy()
            assert await trionet.once(s, "close") == (False,)
            target.server.close()


async def test_timeout_on_parked_socket_is_pushed_back_by_poller_reads(tmp_path: Path) -> None:
    """set_timeout on a parked socket: reads done in the poller count as activity;
    'timeout' fires only after the full idle time since the last read, once."""
    timeout = 0.15
    with trio.fail_after(5):
        async with trionet.open_loop():
            reads: list[float] = []
            timeouts: list[float] = []
            fired = trio.Event()

            conns: list[trionet.Socket] = []

            def on_connection(c: trionet.Socket) -> None:
                conns.append(c)
                c.set_timeout(timeout * 1000)
                c.on("data", lambda chunk: reads.append(trio.current_time()))
                c.on("timeout", lambda: (timeouts.append(trio.current_time()), fired.set()))

            target = await listen("tcp4", tmp_path, on_connection)
            raw = raw_client(target.args)
            for _ in range(5):  # 5 x 50 ms pacing: longer than the timeout in all
                raw.send(b"tick")
                await trio.sleep(timeout / 3)
            await fired.wait()
            await trio.testing.wait_all_tasks_blocked()
            (conn,) = conns
            assert conn._parked or conn._poller is None  # (over a stream: no parking)
            raw.close()
            target.server.close()
    assert len(reads) == 5
    for t in timeouts:
        last = max(r for r in reads if r <= t)
        assert t >= last + timeout - 0.005
    assert timeouts[-1] > reads[-1]


async def test_pipe_between_parked_sockets_with_backpressure(tmp_path: Path) -> None:
    """A proxy pipes client<->upstream (two pipes, four parked sockets); the client
    stops reading until its send has blocked, so every pipe pauses on a full
    destination and resumes on 'drain'. 4 MB round trip, byte for byte; the FIN
    goes through both pipes (half-open) and back."""
    payload = payload_of(4_000_000, 5)
    with trio.fail_after(10):
        async with trionet.open_loop():
            paused_seen: list[bool] = []
            echo = await listen("tcp4", tmp_path, lambda c: c.pipe(c), allow_half_open=True)

            def on_connection(c: trionet.Socket) -> None:
                up = trionet.connect({**echo.options, "allow_half_open": True})
                c.pipe(up)
                up.pipe(c)
                # Before the pipes' own 'drain' listeners (which resume):
                c.prepend_listener("drain", lambda: paused_seen.append(up.is_paused()))
                up.prepend_listener("drain", lambda: paused_seen.append(c.is_paused()))

            proxy = await listen("unix", tmp_path, on_connection, allow_half_open=True)
            raw = raw_client(proxy.args)
            back = bytearray()
            async with trio.open_nursery() as nursery:

                async def sender() -> None:
                    await send_all(raw, payload)
                    raw.shutdown(stdsocket.SHUT_WR)

                nursery.start_soon(sender)
                await trio.testing.wait_all_tasks_blocked()  # everything full, all paused
                nursery.start_soon(recv_all, raw, back)
            raw.close()
            proxy.server.close()
            echo.server.close()
    assert len(back) == len(payload)
    assert sha(back) == sha(payload)
    assert paused_seen and all(paused_seen)  # 'drain' came to paused sources


async def test_unrefd_sockets_in_every_parked_state_close_at_loop_end(tmp_path: Path) -> None:
    """Unref'd sockets parked idle, flowing, paused below and at the high-water
    mark, at EOF with a buffer, with an iterator attached, with a timer: the loop
    ends, every descriptor is closed."""
    with trio.fail_after(5):
        fds_before = fd_count()
        accepted: list[trionet.Socket] = []
        raws: list[stdsocket.socket] = []
        async with trionet.open_loop():
            target = await listen("tcp4", tmp_path, accepted.append)
            for _ in range(7):
                raws.append(raw_client(target.args))
            while len(accepted) < 7:
                await trio.testing.wait_all_tasks_blocked()
            target.server.close()
            _idle, flowing, below, at_mark, eof, iterated, timed = accepted
            flowing.on("data", lambda chunk: None)
            for c in (below, at_mark, eof):
                c.pause()
            iterator = iterated.__aiter__()
            timed.set_timeout(60_000)
            raws[2].send(b"x" * 100)
            raws[3].send(b"x" * (READ_HIGH_WATER_MARK * 4))
            raws[4].send(b"last words")
            raws[4].shutdown(stdsocket.SHUT_WR)
            raws[5].send(b"for the iterator")
            await trio.testing.wait_all_tasks_blocked()
            assert at_mark.readable_length >= READ_HIGH_WATER_MARK
            assert eof._eof and eof.readable_length == 10
            # Over a stream (fast path off) nothing parks: each has its dispatcher.
            assert all(c._parked or c._poller is None for c in accepted)
            for c in accepted:
                c.unref()
        del iterator
        for raw in raws:
            raw.close()
        assert all(c.destroyed for c in accepted)
        assert all(c._sock is not None and c._sock.fileno() == -1 for c in accepted)
        assert fd_count() <= fds_before


async def test_async_listener_exception_on_parked_socket_ends_the_loop(tmp_path: Path) -> None:
    """An exception from the awaited rest of an async 'data' listener (run in the
    task that unparking started) ends the loop, as an uncaught error in Node."""

    class Boom(Exception):
        pass

    async def main() -> None:
        async with trionet.open_loop():

            def on_connection(c: trionet.Socket) -> None:
                async def on_data(chunk: bytes) -> None:
                    await trio.lowlevel.checkpoint()
                    raise Boom(chunk)

                c.on("data", on_data)

            target = await listen("tcp4", tmp_path, on_connection)
            raw = raw_client(target.args)
            await trio.testing.wait_all_tasks_blocked()
            raw.send(b"boom")
            await trio.sleep_forever()

    with trio.fail_after(5), pytest.raises(Boom):
        await main()


async def test_many_parked_sockets_echo_concurrently(tmp_path: Path) -> None:
    """300 connections, each echoing 3 rounds through parked sockets on both ends."""
    count, rounds = 300, 3
    with trio.fail_after(10):
        async with trionet.open_loop():
            target = await listen("tcp4", tmp_path, lambda c: c.on("data", c.write))
            clients = [trionet.connect(*target.args) for _ in range(count)]
            received = [bytearray() for _ in range(count)]
            done = trio.Event()
            complete = 0

            def make_listener(i: int, s: trionet.Socket) -> Any:
                def on_data(chunk: bytes) -> None:
                    nonlocal complete
                    received[i].extend(chunk)
                    answered = received[i].count(b";")
                    if not received[i].endswith(b";"):
                        return  # a partial echo: wait for the rest
                    if answered < rounds:
                        s.write(f"{i}:{answered};".encode())
                    else:
                        complete += 1
                        if complete == count:
                            done.set()

                return on_data

            for i, s in enumerate(clients):
                s.on("data", make_listener(i, s))
                s.write(f"{i}:0;".encode())
            await done.wait()
            for s in clients:
                s.destroy()
            target.server.close()
    for i in range(count):
        assert received[i] == b"".join(f"{i}:{r};".encode() for r in range(rounds))


async def test_large_transfer_between_trionet_sockets(transport: str, tmp_path: Path) -> None:  # noqa: F811
    """8 MB through a trionet client and a piping trionet server, written with
    write()/'drain' and read with 'data': both directions byte for byte."""
    payload = payload_of(8_000_000, 6)
    with trio.fail_after(15):
        async with trionet.open_loop():
            target = await listen(transport, tmp_path, lambda c: c.pipe(c))
            client = trionet.connect(*target.args)
            back = bytearray()
            client.on("data", back.extend)
            view = memoryview(payload)
            step = 100_000

            def pump() -> None:
                nonlocal view
                while view:
                    chunk, view = view[:step], view[step:]
                    if not client.write(bytes(chunk)):
                        return
                client.end()

            client.on("drain", pump)
            pump()
            await trionet.once(client, "close")
            target.server.close()
    assert sha(back) == sha(payload)


# == the peer's EOF, and what was read ahead, without a task (round two) ===========


class _SpawnCounter(trio.abc.Instrument):
    """Counts the tasks spawned while it is installed."""

    def __init__(self) -> None:
        self.spawned: list[str] = []

    def task_spawned(self, task: trio.lowlevel.Task) -> None:
        self.spawned.append(task.name)


@pytest.mark.fast_path
async def test_peer_eof_ends_and_closes_a_parked_socket_without_a_task(
    transport: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    """An echo connection whose peer sends, reads the echo and closes: 'data',
    'end', 'finish', 'close' on the server's side, and no task spawned for it."""
    with trio.fail_after(5):
        async with trionet.open_loop():
            accepted: list[trionet.Socket] = []
            log: list[Any] = []

            def on_connection(c: trionet.Socket) -> None:
                accepted.append(c)
                c.on("data", c.write)
                for name in ("end", "finish", "close"):
                    c.on(name, lambda *args, name=name: log.append((name, *args)))

            target = await listen(transport, tmp_path, on_connection)
            raw = raw_client(target.args)
            conn = await accepted_one(accepted)
            closed = trio.Event()
            conn.on("close", lambda _: closed.set())
            counter = _SpawnCounter()
            trio.lowlevel.add_instrument(counter)
            try:
                await send_all(raw, b"ping")
                raw.shutdown(stdsocket.SHUT_WR)
                echoed = bytearray()
                await recv_all(raw, echoed)  # (our FIN comes as the socket closes)
                await closed.wait()
            finally:
                trio.lowlevel.remove_instrument(counter)
            raw.close()
            target.server.close()
    assert echoed == b"ping"
    assert log == [("end",), ("finish",), ("close", False)]
    assert counter.spawned == []


async def test_task_woken_by_end_still_sees_close_after_it(
    transport: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    """`await once(s, 'end')` then `await once(s, 'close')`: 'close' comes after the
    waiting task has run (the parked socket closes on the poller's next round)."""
    with trio.fail_after(5):
        async with trionet.open_loop():
            accepted: list[trionet.Socket] = []
            target = await listen(transport, tmp_path, accepted.append)
            raw = raw_client(target.args)
            conn = await accepted_one(accepted)
            conn.resume()
            raw.shutdown(stdsocket.SHUT_WR)
            await trionet.once(conn, "end")
            assert await trionet.once(conn, "close") == (False,)
            raw.close()
            target.server.close()


async def test_async_end_listener_finishes_before_close(
    transport: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    """An async 'end' listener on a parked socket is awaited (by a task of the
    socket's own) before end() and 'close', as when the socket's task emits it."""
    with trio.fail_after(5):
        async with trionet.open_loop():
            accepted: list[trionet.Socket] = []
            log: list[str] = []

            async def on_end() -> None:
                log.append("end<")
                for _ in range(3):
                    await trio.lowlevel.checkpoint()
                log.append("end>")

            def on_connection(c: trionet.Socket) -> None:
                accepted.append(c)
                c.resume()
                c.on("end", on_end)
                c.on("finish", lambda: log.append("finish"))
                c.on("close", lambda _: log.append("close"))

            target = await listen(transport, tmp_path, on_connection)
            raw = raw_client(target.args)
            conn = await accepted_one(accepted)
            raw.shutdown(stdsocket.SHUT_WR)
            await trionet.once(conn, "close")
            raw.close()
            target.server.close()
    assert log == ["end<", "end>", "finish", "close"]


async def test_read_ahead_then_flowing_with_an_async_listener_keeps_order(
    transport: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Bytes read ahead before anyone listened, then a 'data' listener that is
    async: what was buffered comes first, each chunk awaited before the next,
    then what arrives later; nothing lost, nothing twice."""
    first = payload_of(3000, seed=1)
    later = payload_of(5000, seed=2)
    with trio.fail_after(5):
        async with trionet.open_loop():
            accepted: list[trionet.Socket] = []
            target = await listen(transport, tmp_path, accepted.append)
            raw = raw_client(target.args)
            conn = await accepted_one(accepted)
            await send_all(raw, first)
            while conn.bytes_read < len(first):  # read ahead, nobody listening
                await trio.testing.wait_all_tasks_blocked()
            got = bytearray()
            busy: list[bool] = []

            async def on_data(chunk: bytes) -> None:
                busy.append(True)
                assert len(busy) == 1, "a chunk emitted while the previous one was awaited"
                await trio.lowlevel.checkpoint()
                got.extend(chunk)
                busy.pop()

            conn.on("data", on_data)
            await send_all(raw, later)
            raw.shutdown(stdsocket.SHUT_WR)
            await trionet.once(conn, "end")
            raw.close()
            target.server.close()
    assert sha(got) == sha(first + later)
