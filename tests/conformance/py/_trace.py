"""Shared helper for the trionet side of the conformance scenarios.

Mirrors ``../node/_trace.js``: one line per event, values normalised (ports ->
PORT, the scratch directory -> TMP) so the trace matches Node's byte for byte.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import socket
import sys
import tempfile
from collections.abc import Callable
from typing import Any

import trio

import trionet

TMPDIR = tempfile.mkdtemp(prefix="tnc-")
PORT_KEYS = {"port", "localPort", "remotePort", "local_port", "remote_port"}


def norm(text: str) -> str:
    return str(text).replace(TMPDIR, "TMP")


def norm_message(message: str) -> str:
    return re.sub(r":\d+$", ":PORT", norm(message))


def _number(v: int | float) -> str:
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if v.is_integer():
            return str(int(v))
        return repr(v)
    return str(v)


def _json(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def fmt(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return _number(v)
    if isinstance(v, str):
        return _json(norm(v))
    if isinstance(v, bytes | bytearray | memoryview):
        return "buf:" + _json(bytes(v).decode("latin1"))
    if isinstance(v, BaseException):
        return fmt_error(v)
    if isinstance(v, list | tuple):
        return "[" + ",".join(fmt(x) for x in v) + "]"
    if isinstance(v, dict):
        items = []
        for k, val in v.items():
            if k in PORT_KEYS and isinstance(val, int) and val > 0:
                items.append(f"{k}:PORT")
            else:
                items.append(f"{k}:{fmt(val)}")
        return "{" + ",".join(items) + "}"
    return "?" + type(v).__name__


def fmt_error(e: BaseException) -> str:
    parts = ["Error", "code=" + fmt(getattr(e, "code", None))]
    for key in ("syscall", "address"):
        if getattr(e, key, None) is not None:
            parts.append(f"{key}={fmt(getattr(e, key))}")
    port = getattr(e, "port", None)
    if port is not None:
        parts.append("port=" + ("PORT" if port > 0 else fmt(port)))
    parts.append("message=" + json.dumps(norm_message(str(e)), ensure_ascii=False))
    return "<" + " ".join(parts) + ">"


# grouped(): lines are buffered per tag (the label's first word) and printed at
# exit, tag by tag in sorted order, so that only the order of events *within*
# one emitter is compared, not the (racy) interleaving of two sockets (nor which
# of them logged first).
_groups: dict[str, list[str]] | None = None


def grouped() -> None:
    global _groups
    _groups = {}


def log(label: str, *values: Any) -> None:
    line = " ".join([label, *(fmt(v) for v in values)])
    if _groups is None:
        print(line, flush=True)
    else:
        _groups.setdefault(label.split(" ")[0], []).append(line)


def _flush_groups() -> None:
    global _groups
    if _groups is not None:
        for tag in sorted(_groups):
            for line in _groups[tag]:
                print(line)
        _groups = None


def attempt(label: str, fn: Callable[[], Any]) -> None:
    """Print what a synchronous call raises (or 'ok')."""
    try:
        r = fn()
    except Exception as e:
        log(label, e)
    else:
        log(label, "ok", r if isinstance(r, bool) else None)


def tmp_path(name: str) -> str:
    return os.path.join(TMPDIR, name)


async def sleep(ms: float) -> None:
    await trio.sleep(ms / 1000)


def trace(emitter: trionet.EventEmitter, tag: str, *events: str) -> None:
    """Record events of an emitter: ``<tag> <event> <args...>``."""
    for name in events:
        emitter.on(name, lambda *args, name=name: log(f"{tag} {name}", *args))


def collect(sock: trionet.Socket, tag: str) -> list[Any]:
    """Join 'data' and print it once at 'end' (chunking is timing-dependent)."""
    chunks: list[Any] = []
    sock.on("data", chunks.append)

    def on_end() -> None:
        if chunks and isinstance(chunks[0], str):
            log(f"{tag} data", "".join(chunks))
        else:
            log(f"{tag} data", b"".join(bytes(c) for c in chunks))

    sock.on("end", on_end)
    return chunks


async def sink_server() -> trionet.Server:
    """A listening server that reads and drops everything (errors ignored)."""

    def on_sink(c: trionet.Socket) -> None:
        c.resume()
        c.on("error", lambda _: None)

    sink = trionet.create_server(on_sink)
    sink.listen(0, "127.0.0.1")
    await trionet.once(sink, "listening")
    return sink


async def accepted_pair() -> tuple[trionet.Server, trionet.Socket, trionet.Socket]:
    """A listening server, a client connecting to it, and the socket it accepted."""
    server = trionet.create_server()
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    client = trionet.connect(server.address()["port"], "127.0.0.1")
    (accepted,) = await trionet.once(server, "connection")
    assert isinstance(accepted, trionet.Socket)
    return server, client, accepted


def free_port() -> int:
    """A port where nothing listens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(main: Callable[..., Any]) -> None:
    """``trionet.run(main)``, then 'exit' (Node prints it on process 'exit')."""
    try:
        trionet.run(main)
    finally:
        # Node emits process 'exit' after an uncaught error too (exit code 1).
        _flush_groups()
        log("exit")
        shutil.rmtree(TMPDIR, ignore_errors=True)
        sys.stdout.flush()
