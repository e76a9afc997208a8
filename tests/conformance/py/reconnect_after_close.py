# connect() on a socket that has emitted 'close' connects again with fresh
# state (destroyed, connecting, pending, ready_state, byte counts) and the new
# connection's addresses; 'connect', 'ready', 'end', 'finish', 'close' come
# again. Over TCP, then over a Unix socket.
from collections.abc import Callable
from typing import Any

from _trace import log, run, tmp_path

import trionet


def state(tag: str, s: trionet.Socket) -> None:
    log(tag, s.destroyed, s.connecting, s.pending, s.ready_state, s.bytes_read, s.bytes_written)


def scenario(
    tag: str, server: trionet.Server, args: tuple[Any, ...], after: Callable[[], Any]
) -> None:
    rounds = [0]
    first_port: list[Any] = [None]
    s = trionet.connect(*args)
    s.set_encoding("utf8")

    def on_connect() -> None:
        rounds[0] += 1
        log(f"{tag} connect", rounds[0])
        state(f"{tag} at connect", s)
        address = server.address()
        port = address.get("port") if isinstance(address, dict) else None
        log(f"{tag} remote", s.remote_address, s.remote_port == port)
        if rounds[0] == 1:
            first_port[0] = s.local_port
        else:
            log(f"{tag} new local port", s.local_port is None or s.local_port != first_port[0])
        s.end(f"msg{rounds[0]}")

    def on_close(had_error: bool) -> None:
        log(f"{tag} close", had_error)
        state(f"{tag} after close", s)
        if rounds[0] == 1:
            log(f"{tag} connect returned", s.connect(*args) is s)
            state(f"{tag} reconnecting", s)
        else:
            server.close(lambda *_: after())

    s.on("connect", on_connect)
    s.on("ready", lambda: log(f"{tag} ready"))
    s.on("data", lambda d: log(f"{tag} data", d))
    s.on("end", lambda: log(f"{tag} end"))
    s.on("finish", lambda: log(f"{tag} finish"))
    s.on("error", lambda e: log(f"{tag} error", e))
    s.on("close", on_close)


def echo(c: trionet.Socket) -> None:
    c.set_encoding("utf8")
    got: list[str] = []
    c.on("data", got.append)
    c.on("end", lambda: c.end("echo:" + "".join(got)))


def main() -> None:
    tcp = trionet.create_server(echo)

    def unix() -> None:
        path = tmp_path("reconnect.sock")
        server = trionet.create_server(echo)
        server.listen(path, lambda: scenario("unix", server, (path,), lambda: log("done")))

    tcp.listen(
        0,
        "127.0.0.1",
        lambda: scenario("tcp", tcp, (tcp.address()["port"], "127.0.0.1"), unix),
    )


run(main)
