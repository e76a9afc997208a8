"""``Socket(fd=...)`` on a pipe or FIFO, which Node also wraps (as a 'PIPE' handle).

Real pipes from ``os.pipe()``; the other end is driven with trio's ``FdStream``.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import trio
import trio.lowlevel
from processes import child_env, node_binary

import trionet

TIMEOUT = 10


async def test_reading_a_pipe_gets_every_byte_then_end_and_close() -> None:
    payload = os.urandom(1 << 20)
    r, w = os.pipe()
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            s = trionet.Socket(fd=r, writable=False)
            digest = hashlib.sha256()
            events: list[object] = []
            closed = trio.Event()
            s.on("data", digest.update)
            s.on("end", lambda: events.append("end"))
            s.on("close", lambda had_error: (events.append(("close", had_error)), closed.set()))
            writer = trio.lowlevel.FdStream(w)
            await writer.send_all(payload)
            await writer.aclose()
            await closed.wait()
    assert digest.digest() == hashlib.sha256(payload).digest()
    assert events == ["end", ("close", False)]
    with pytest.raises(OSError):
        os.fstat(r)  # the socket owned the descriptor and closed it


async def test_writing_a_pipe_then_end_gives_the_reader_everything_then_eof() -> None:
    payload = os.urandom(1 << 20)
    r, w = os.pipe()
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            s = trionet.Socket(fd=w, readable=False)
            events: list[object] = []
            s.on("finish", lambda: events.append("finish"))
            s.on("close", lambda had_error: events.append(("close", had_error)))
            assert s.write(payload) is False  # more than the pipe holds: queued
            s.end(b"!")
            reader = trio.lowlevel.FdStream(r)
            got = bytearray()
            while chunk := await reader.receive_some():
                got += chunk
            await reader.aclose()
    assert bytes(got) == payload + b"!"
    assert events == ["finish", ("close", False)]


async def test_writing_to_a_pipe_whose_reader_is_gone_is_epipe() -> None:
    r, w = os.pipe()
    os.close(r)
    with trio.fail_after(TIMEOUT):
        async with trionet.open_loop():
            s = trionet.Socket(fd=w, readable=False)
            errors: list[BaseException] = []
            closed = trio.Event()
            s.on("error", errors.append)
            s.on("close", lambda had_error: closed.set())
            s.write(b"x")
            await closed.wait()
    assert [getattr(e, "code", None) for e in errors] == ["EPIPE"]


_STDIN_READER = {
    "node": r"""
const net = require('net');
const s = new net.Socket({ fd: 0 });
const chunks = [];
const events = [];
s.on('data', (d) => chunks.push(d));
s.on('end', () => events.push('end'));
s.on('close', (hadError) => {
  events.push('close ' + hadError);
  console.log(JSON.stringify({ data: Buffer.concat(chunks).toString('latin1'), events,
    readyState: s.readyState }));
});
""",
    "trionet": r"""
import json, sys, trionet
def main():
    s = trionet.Socket(fd=0)
    chunks, events = [], []
    s.on("data", chunks.append)
    s.on("end", lambda: events.append("end"))
    def on_close(had_error):
        events.append("close " + ("true" if had_error else "false"))
        print(json.dumps({"data": b"".join(chunks).decode("latin1"), "events": events,
                          "readyState": s.ready_state}))
    s.on("close", on_close)
trionet.run(main)
""",
}


def test_stdin_pipe_read_like_node(tmp_path: Path) -> None:
    """``new net.Socket({fd: 0})`` on a piped stdin, the case Node's docs name."""
    node = node_binary()
    script = tmp_path / "reader.py"
    script.write_text(_STDIN_READER["trionet"])
    payload = bytes(range(256)) * 64
    answers = []
    for cmd in ([node, "-e", _STDIN_READER["node"]], [sys.executable, str(script)]):
        proc = subprocess.run(
            cmd, input=payload, capture_output=True, timeout=TIMEOUT, env=child_env()
        )
        assert proc.returncode == 0, proc.stderr
        answers.append(json.loads(proc.stdout))
    assert answers[0] == answers[1]
    assert answers[1]["data"].encode("latin1") == payload
    assert answers[1]["events"] == ["end", "close false"]


def test_a_regular_file_is_err_invalid_fd_type_file(tmp_path: Path) -> None:
    """As Node: ``Unsupported fd type: FILE``; the descriptor stays the caller's."""
    path = tmp_path / "f"
    path.write_bytes(b"x")
    fd = os.open(path, os.O_RDONLY)
    try:

        async def main() -> None:
            with pytest.raises(trionet.NodeError) as info:
                trionet.Socket(fd=fd)
            assert info.value.code == "ERR_INVALID_FD_TYPE"
            assert str(info.value) == "Unsupported fd type: FILE"

        trionet.run(main)
        os.fstat(fd)  # still open
    finally:
        os.close(fd)
