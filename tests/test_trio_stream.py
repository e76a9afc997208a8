"""trionet.SocketStream: a trionet Socket as a trio.abc.HalfCloseableStream."""

from __future__ import annotations

import os
import shutil
import socket as stdsocket
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
import trio
import trio.testing

import trionet

TIMEOUT = 30
PairMaker = Callable[[], Awaitable[tuple[trionet.SocketStream, trionet.SocketStream]]]


@asynccontextmanager
async def _server(kind: str) -> AsyncIterator[PairMaker]:
    """A half-open-allowing trionet server; yields a maker of connected SocketStream pairs."""
    accepted_send, accepted_receive = trio.open_memory_channel[trionet.Socket](100)
    server = trionet.create_server({"allow_half_open": True}, accepted_send.send_nowait)
    directory = tempfile.mkdtemp(prefix="trionet-")
    try:
        options: dict[str, Any]
        if kind == "tcp":
            server.listen(0, "127.0.0.1")
            await trionet.once(server, "listening")
            options = {"port": server.address()["port"], "host": "127.0.0.1"}
        else:
            path = os.path.join(directory, "s.sock")
            server.listen(path)
            await trionet.once(server, "listening")
            options = {"path": path}

        async def make() -> tuple[trionet.SocketStream, trionet.SocketStream]:
            client = trionet.create_connection({**options, "allow_half_open": True})
            await trionet.once(client, "connect")
            accepted = await accepted_receive.receive()
            return trionet.SocketStream(accepted), trionet.SocketStream(client)

        yield make
    finally:
        server.close()
        shutil.rmtree(directory, ignore_errors=True)


def _shrink_buffers(sock: trionet.Socket) -> None:
    fd = os.dup(sock._trionet_handle_fileno)
    with stdsocket.socket(fileno=fd) as dup:
        # Small, but not so small that TCP's silly-window avoidance slows loopback.
        dup.setsockopt(stdsocket.SOL_SOCKET, stdsocket.SO_SNDBUF, 65536)
        dup.setsockopt(stdsocket.SOL_SOCKET, stdsocket.SO_RCVBUF, 65536)


def _clogged_now(sock: trionet.Socket) -> bool:
    # Above the mark by more than the kernel's (doubled) buffers on both ends could
    # still take: a late window update cannot bring the queue under the mark.
    size = sock.buffer_size
    return size is not None and size >= sock.writable_high_water_mark + 4 * 65536


def _clogged(make: PairMaker) -> PairMaker:
    """Pairs whose write queues are both above their high-water marks."""

    async def make_clogged() -> tuple[trionet.SocketStream, trionet.SocketStream]:
        a, b = await make()
        for stream in (a, b):
            _shrink_buffers(stream.socket)
        # Write until both queues stay above their marks once every task has run
        # (the peers read ahead up to their own marks, the kernel takes its share).
        while True:
            for stream in (a, b):
                while not _clogged_now(stream.socket):
                    stream.socket.write(b"x" * 65536)
            await trio.testing.wait_all_tasks_blocked()
            if all(_clogged_now(stream.socket) for stream in (a, b)):
                break
        return a, b

    return make_clogged


@pytest.mark.parametrize("kind", ["tcp", "unix"])
async def test_check_half_closeable_stream(kind: str) -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop(), _server(kind) as make:
            await trio.testing.check_half_closeable_stream(make, _clogged(make))


async def test_leftovers_and_cancelled_receive_keep_data() -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop(), _server("tcp") as make:
            a, b = await make()
            async with a, b:
                # A receive cancelled while waiting loses nothing.
                with trio.move_on_after(0.05):
                    await b.receive_some()
                await a.send_all(b"hello world")
                assert await b.receive_some(5) == b"hello"
                # Cancelled with data in the adapter's buffer: the data stays.
                with trio.CancelScope() as scope:
                    scope.cancel()
                    await b.receive_some(5)
                assert await b.receive_some(3) == b" wo"
                assert await b.receive_some() == b"rld"
                await a.send_eof()
                assert await b.receive_some() == b""
                assert await b.receive_some() == b""


async def test_send_all_errors_are_broken_with_the_node_error_as_cause() -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop(), _server("tcp") as make:
            a, b = await make()
            async with a:
                b.socket.reset_and_destroy()

                async def send_until_it_fails() -> None:
                    while True:
                        await a.send_all(b"x" * 1000)

                with pytest.raises(trio.BrokenResourceError) as info:
                    await send_until_it_fails()
                # The socket's own error (ECONNRESET or EPIPE), not a generic one.
                assert isinstance(info.value.__cause__, trionet.NetError)
                assert info.value.__cause__.code in ("ECONNRESET", "EPIPE")
                with pytest.raises(trio.BrokenResourceError):
                    await a.receive_some()
                await b.aclose()


async def test_wait_send_all_might_not_block_waits_for_drain() -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop(), _server("unix") as make:
            a, b = await _clogged(make)()
            async with a, b:

                async def read_b_side() -> None:
                    while await b.receive_some():
                        pass

                async with trio.open_nursery() as nursery:
                    nursery.start_soon(read_b_side)
                    await a.wait_send_all_might_not_block()
                    assert a.socket.buffer_size < a.socket.writable_high_water_mark
                    nursery.cancel_scope.cancel()


def test_exported() -> None:
    assert trionet.SocketStream.__module__ == "trionet._trio_stream"
    assert issubclass(trionet.SocketStream, trio.abc.HalfCloseableStream)
    with pytest.raises(TypeError):
        trionet.SocketStream(object())  # type: ignore[arg-type]


async def test_without_allow_half_open_the_peers_eof_ends_our_side() -> None:
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            send, receive = trio.open_memory_channel[trionet.Socket](1)
            server = trionet.create_server(send.send_nowait)
            server.listen(0, "127.0.0.1")
            await trionet.once(server, "listening")
            client = trionet.connect({"port": server.address()["port"], "host": "127.0.0.1"})
            await trionet.once(client, "connect")
            accepted = await receive.receive()
            server.close()
            async with trionet.SocketStream(accepted) as a, trionet.SocketStream(client) as b:
                await b.send_eof()
                assert await a.receive_some() == b""
                with pytest.raises(trio.BrokenResourceError):
                    await a.send_all(b"late")
