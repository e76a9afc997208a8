"""Paused-mode reading: the 'readable' event, read(size) and unshift().

Event order and return values are compared with Node in the conformance
scenarios ``readable_read`` and ``readable_unshift``; these tests check what a
trace cannot: large transfers through read(n) lose and reorder nothing on every
transport, a read(n) above the read-ahead limit is satisfied, and bad arguments
raise Node's errors at the call.
"""

from __future__ import annotations

import hashlib
import os
import random
from pathlib import Path
from typing import Any

import pytest
import trio

import trionet

TRANSPORTS = ["tcp4", "tcp6", "unix"]
TIMEOUT = 10


async def _serve_bytes(transport: str, tmp_path: Path, payload: bytes) -> trionet.Server:
    """A server that sends ``payload`` to each client, then ends."""
    server = trionet.create_server(lambda c: c.end(payload))
    if transport == "unix":
        server.listen(str(tmp_path / "s.sock"))
    else:
        server.listen(0, "127.0.0.1" if transport == "tcp4" else "::1")
    await trionet.once(server, "listening")
    return server


def _connect(transport: str, server: trionet.Server) -> trionet.Socket:
    address = server.address()
    if transport == "unix":
        return trionet.connect(address)
    assert isinstance(address, dict)
    return trionet.connect(address["port"], "127.0.0.1" if transport == "tcp4" else "::1")


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_read_n_loop_takes_every_byte_in_order(transport: str, tmp_path: Path) -> None:
    """4 MiB through read(n) with varying n: the digest matches; every read(n) that
    returned bytes returned exactly n of them, except the last one after EOF."""
    rng = random.Random(7)
    payload = rng.randbytes(4 * 1024 * 1024)
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            server = await _serve_bytes(transport, tmp_path, payload)
            s = _connect(transport, server)
            digest = hashlib.sha256()
            sizes: list[tuple[int, int]] = []
            ended = trio.Event()

            def on_readable() -> None:
                while True:
                    n = rng.choice([1, 7, 1000, 16 * 1024, 50_000])
                    chunk = s.read(n)
                    if chunk is None:
                        return
                    assert isinstance(chunk, bytes)
                    sizes.append((n, len(chunk)))
                    digest.update(chunk)

            s.on("readable", on_readable)
            s.on("end", lambda: ended.set())
            await ended.wait()
            server.close()
    assert digest.digest() == hashlib.sha256(payload).digest()
    assert all(n == got for n, got in sizes[:-1])
    assert 0 < sizes[-1][1] <= sizes[-1][0]


@pytest.mark.parametrize("transport", ["tcp4", "unix"])
async def test_read_above_the_high_water_mark_is_satisfied(transport: str, tmp_path: Path) -> None:
    """read(100 KiB) raises the read-ahead limit (16 KiB) so the request can be met
    before EOF; without that the socket would stop reading at 16 KiB and hang."""
    payload = os.urandom(300 * 1024)
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            # The server does not end: only the raised limit lets read(n) succeed.
            conns: list[trionet.Socket] = []

            def on_connection(c: trionet.Socket) -> None:
                conns.append(c)
                c.write(payload)

            server = trionet.create_server(on_connection)
            if transport == "unix":
                server.listen(str(tmp_path / "s.sock"))
            else:
                server.listen(0, "127.0.0.1")
            await trionet.once(server, "listening")
            s = _connect(transport, server)
            got: list[bytes] = []
            done = trio.Event()

            def on_readable() -> None:
                chunk = s.read(100 * 1024)
                if chunk is not None:
                    assert isinstance(chunk, bytes)
                    got.append(chunk)
                    if len(got) == 3:
                        done.set()

            s.on("readable", on_readable)
            assert s.read(100 * 1024) is None
            assert s.readable_high_water_mark == 128 * 1024  # rounded up, as Node
            await done.wait()
            assert b"".join(got) == payload
            s.destroy()
            conns[0].destroy()
            server.close()


async def test_unshift_puts_bytes_back_for_the_next_data_event(tmp_path: Path) -> None:
    """A parser that took too much gives it back; in flowing mode the next 'data'
    starts with it, and nothing is duplicated or lost."""
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            server = await _serve_bytes("tcp4", tmp_path, b"HEADER\nbody-bytes")
            s = _connect("tcp4", server)
            seen: list[bytes] = []
            ended = trio.Event()
            header: list[bytes] = []

            def on_data(chunk: bytes) -> None:
                if not header:
                    head, _, rest = chunk.partition(b"\n")
                    header.append(head)
                    if rest:
                        assert s.unshift(rest) is True
                    return
                seen.append(chunk)

            s.on("data", on_data)
            s.on("end", lambda: ended.set())
            await ended.wait()
            server.close()
    assert header == [b"HEADER"]
    assert b"".join(seen) == b"body-bytes"


async def test_read_and_unshift_reject_bad_arguments_at_the_call() -> None:
    async with trionet.open_loop():
        s = trionet.Socket()
        bad_size: Any
        for bad_size in ("3", 1.5, True):
            with pytest.raises(trionet.NodeError) as info:
                s.read(bad_size)
            assert info.value.code == "ERR_INVALID_ARG_TYPE"
            assert "size" in str(info.value)
        with pytest.raises(trionet.NodeError) as info:
            s.read(2**30 + 1)
        assert info.value.code == "ERR_OUT_OF_RANGE"
        assert '"size"' in str(info.value)
        assert s.read(2**30) is None  # the largest allowed
        for bad_chunk in (None, 5, ["a"]):
            with pytest.raises(trionet.NodeError) as info:
                s.unshift(bad_chunk)
            assert info.value.code == "ERR_INVALID_ARG_TYPE"
            assert "chunk" in str(info.value)
        with pytest.raises(trionet.NodeError) as info:
            s.unshift("x", "bogus")
        assert info.value.code == "ERR_UNKNOWN_ENCODING"
        s.destroy()
