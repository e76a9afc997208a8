# After ECONNREFUSED (TCP) or ENOENT (Unix path), 'error' and 'close'(True),
# connect() on the same socket connects again with fresh state and emits
# 'connect', 'ready', ... 'close'(False). (No write before the failed connect:
# node 20 keeps such a write queued and a reconnect then fails with
# ERR_MULTIPLE_CALLBACK.)
from collections.abc import Callable
from typing import Any

from _trace import free_port, grouped, log, run, tmp_path

import trionet


def state(tag: str, s: trionet.Socket) -> None:
    log(tag, s.destroyed, s.connecting, s.pending, s.ready_state, s.bytes_read, s.bytes_written)


def scenario(
    tag: str,
    bad_args: tuple[Any, ...],
    start_server: Callable[[Callable[..., None]], None],
    after: Callable[[], None],
) -> None:
    s = trionet.connect(*bad_args)
    closes = [0]

    def on_connect() -> None:
        log(f"{tag} connect")
        state(f"{tag} at connect", s)
        s.end("hi")

    def reconnect(server: trionet.Server, args: tuple[Any, ...]) -> None:
        s.once("close", lambda _: server.close(lambda *_: after()))
        s.connect(*args)
        state(f"{tag} reconnecting", s)

    def on_close(had_error: bool) -> None:
        closes[0] += 1
        log(f"{tag} close", had_error)
        state(f"{tag} after close", s)
        if closes[0] == 1:
            start_server(reconnect)

    s.on("connect", on_connect)
    s.on("ready", lambda: log(f"{tag} ready"))
    s.on("end", lambda: log(f"{tag} end"))
    s.on("finish", lambda: log(f"{tag} finish"))
    s.on("error", lambda e: log(f"{tag} error", e.code, e.syscall))
    s.resume()
    s.on("close", on_close)


def sink(tag: str) -> Callable[[trionet.Socket], None]:
    def on_connection(c: trionet.Socket) -> None:
        chunks: list[bytes] = []
        c.on("data", chunks.append)

        def on_end() -> None:
            log(f"server {tag} got", b"".join(chunks).decode())
            c.end()

        c.on("end", on_end)

    return on_connection


def main() -> None:
    grouped()

    def tcp_server(cb: Callable[..., None]) -> None:
        server = trionet.create_server(sink("tcp"))
        server.listen(0, "127.0.0.1", lambda: cb(server, (server.address()["port"], "127.0.0.1")))

    path = tmp_path("later.sock")

    def unix_server(cb: Callable[..., None]) -> None:
        server = trionet.create_server(sink("unix"))
        server.listen(path, lambda: cb(server, (path,)))

    def unix() -> None:
        scenario("unix", (path,), unix_server, lambda: log("done"))

    scenario("tcp", (free_port(), "127.0.0.1"), tcp_server, unix)


run(main)
