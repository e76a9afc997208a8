"""Parked sockets: an open socket with nothing to await owns no trio task.

The poller reads and emits for it (``Socket._poll_readable``) and hands anything
to await to a task of its own. These tests pin down what that must not change:
order, backpressure, end-of-stream, errors, and cleanup at the loop's end.
"""

from __future__ import annotations

import os
import socket as stdsocket
from pathlib import Path
from typing import Any

import pytest
import trio
import trio.lowlevel
import trio.testing
from test_socket import listen, transport  # noqa: F401  (the fixture)

import trionet


def task_count() -> int:
    """Every task of this trio run."""
    count = 0
    todo = [trio.lowlevel.current_root_task()]
    while todo:
        task = todo.pop()
        assert task is not None
        count += 1
        for nursery in task.child_nurseries:
            todo.extend(nursery.child_tasks)
    return count


def raw_client(target_args: tuple[Any, ...]) -> stdsocket.socket:
    if len(target_args) == 1:
        raw = stdsocket.socket(stdsocket.AF_UNIX)
        raw.connect(target_args[0])
    else:
        port, host = target_args
        raw = stdsocket.create_connection((host, port))
    raw.setblocking(False)
    return raw


async def send_all(raw: stdsocket.socket, data: bytes) -> None:
    """Send from this task without blocking the loop the server runs in."""
    view = memoryview(data)
    while view:
        try:
            view = view[raw.send(view) :]
        except BlockingIOError:
            await trio.lowlevel.wait_writable(raw)


@pytest.mark.fast_path
async def test_idle_connections_own_no_task(transport: str, tmp_path: Path) -> None:  # noqa: F811
    """50 echoing connections, server and client side, add no task once idle."""
    with trio.fail_after(10):
        async with trionet.open_loop():
            accepted: list[trionet.Socket] = []

            def on_connection(c: trionet.Socket) -> None:
                accepted.append(c)
                c.on("data", c.write)

            target = await listen(transport, tmp_path, on_connection)
            await trio.testing.wait_all_tasks_blocked()
            before = task_count()
            clients = []
            for _ in range(50):
                s = trionet.connect(*target.args)
                s.write(b"ping")
                clients.append(s)
            for s in clients:
                assert await trionet.once(s, "data") == (b"ping",)
            await trio.testing.wait_all_tasks_blocked()
            # 100 open sockets, and at most a task or two more (none per socket).
            assert len(accepted) == 50
            assert task_count() - before <= 2
            for s in clients:
                s.destroy()
            target.server.close()


async def test_async_listener_then_sync_listener_keep_order(transport: str, tmp_path: Path) -> None:  # noqa: F811
    """An async 'data' listener is awaited before the next listener and the next read."""
    with trio.fail_after(10):
        async with trionet.open_loop():
            log: list[str] = []
            ended = trio.Event()
            taken = trio.Event()

            def on_connection(c: trionet.Socket) -> None:
                async def slow(chunk: bytes) -> None:
                    log.append(f"slow<{chunk.decode()}")
                    await trio.sleep(0.005)
                    log.append(f"slow>{chunk.decode()}")

                def sync(chunk: bytes) -> None:
                    log.append(f"sync {chunk.decode()}")
                    taken.set()

                c.on("data", slow)
                c.on("data", sync)
                c.on("end", lambda: (log.append("end"), ended.set()))

            target = await listen(transport, tmp_path, on_connection)
            raw = raw_client(target.args)
            for word in ("a", "b", "c"):
                raw.send(word.encode())
                await taken.wait()  # the server has taken it: one word per chunk
                taken = trio.Event()
            raw.shutdown(stdsocket.SHUT_WR)
            await ended.wait()
            raw.close()
            target.server.close()
    expected = []
    for word in ("a", "b", "c"):
        expected += [f"slow<{word}", f"slow>{word}", f"sync {word}"]
    assert log == [*expected, "end"]


async def test_data_and_fin_in_one_go(transport: str, tmp_path: Path) -> None:  # noqa: F811
    """Data followed at once by the peer's FIN: every byte, then 'end', then 'close'."""
    with trio.fail_after(10):
        async with trionet.open_loop():
            log: list[Any] = []
            closed = trio.Event()

            def on_connection(c: trionet.Socket) -> None:
                c.on("data", lambda chunk: log.append(len(chunk)))
                c.on("end", lambda: log.append("end"))
                c.on("close", lambda had_error: (log.append(("close", had_error)), closed.set()))

            target = await listen(transport, tmp_path, on_connection)
            raw = raw_client(target.args)
            await trio.testing.wait_all_tasks_blocked()  # the connection is parked
            await send_all(raw, b"x" * 300_000)
            raw.shutdown(stdsocket.SHUT_WR)
            await closed.wait()
            raw.close()
            target.server.close()
    assert sum(n for n in log if isinstance(n, int)) == 300_000
    assert log[-2:] == ["end", ("close", False)]


async def test_pause_in_listener_then_resume_delivers_in_order(tmp_path: Path) -> None:
    """pause() from a parked socket's listener stops 'data'; resume() brings the rest."""
    with trio.fail_after(10):
        async with trionet.open_loop():
            got = bytearray()
            paused = trio.Event()
            done = trio.Event()
            total = 200_000

            conns: list[trionet.Socket] = []

            def on_connection(c: trionet.Socket) -> None:
                conns.append(c)

                def on_data(chunk: bytes) -> None:
                    got.extend(chunk)
                    if not paused.is_set():
                        c.pause()
                        paused.set()
                    if len(got) == total:
                        done.set()

                c.on("data", on_data)

            target = await listen("tcp4", tmp_path, on_connection)
            raw = raw_client(target.args)
            payload = bytes(i % 251 for i in range(total))
            async with trio.open_nursery() as nursery:
                nursery.start_soon(send_all, raw, payload)
                await paused.wait()
                await trio.testing.wait_all_tasks_blocked()
                assert len(got) < total  # paused: nothing more came
                (conn,) = conns
                assert conn.is_paused()
                conn.resume()
                await done.wait()
            raw.close()
            target.server.close()
    assert bytes(got) == payload


async def test_listener_exception_on_a_parked_socket_ends_the_loop(tmp_path: Path) -> None:
    """An exception from a 'data' listener is uncaught, as in Node: it ends the loop."""

    class Boom(Exception):
        pass

    def on_connection(c: trionet.Socket) -> None:
        def on_data(chunk: bytes) -> None:
            raise Boom(chunk)

        c.on("data", on_data)

    async def main() -> None:
        async with trionet.open_loop():
            target = await listen("tcp4", tmp_path, on_connection)
            # A bystander waits on the poller in a task of its own (on_read
            # sockets never park): it is cancelled, not failed.
            buffer = bytearray(16)
            bystander = trionet.connect(
                {**target.options, "on_read": {"buffer": buffer, "callback": lambda n, b: None}}
            )
            await trionet.once(bystander, "connect")
            s = trionet.connect(*target.args)
            s.write(b"boom")
            await trio.sleep_forever()

    with trio.fail_after(10), pytest.raises(Boom):
        await main()


async def test_unrefd_parked_socket_is_closed_at_loop_end(tmp_path: Path) -> None:
    """The loop ends with an unref'd idle socket open: its descriptor is closed."""
    with trio.fail_after(10):
        fds_before = len(os.listdir("/proc/self/fd"))
        async with trionet.open_loop():
            target = await listen("tcp4", tmp_path, lambda c: c.unref())
            s = trionet.connect(*target.args)
            await trionet.once(s, "connect")
            s.unref()
            target.server.close()
        assert s.destroyed
        await trio.testing.wait_all_tasks_blocked()
        assert len(os.listdir("/proc/self/fd")) <= fds_before


async def test_resume_racing_a_new_edge_loses_no_data(transport: str, tmp_path: Path) -> None:  # noqa: F811
    """Read ahead, then a 'data' listener (resume) and new bytes in the same instant.

    The poller sees the new edge first and unparks the socket to flush its
    buffer without reading: the task must read before it parks again, or the
    new bytes wait for an edge that never comes.
    """
    with trio.fail_after(10):
        async with trionet.open_loop():
            accepted: list[trionet.Socket] = []
            target = await listen(transport, tmp_path, accepted.append)
            raw = raw_client(target.args)
            raw.send(b"first ")
            await trio.testing.wait_all_tasks_blocked()  # read ahead, parked
            (conn,) = accepted
            assert conn.readable_length == len(b"first ")
            got = bytearray()
            done = trio.Event()

            def on_data(chunk: bytes) -> None:
                got.extend(chunk)
                if got == b"first second":
                    done.set()

            conn.on("data", on_data)  # resume(): the poller will look again...
            raw.send(b"second")  # ...but sees this edge first
            await done.wait()
            raw.close()
            target.server.close()
