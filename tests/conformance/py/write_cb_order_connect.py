# Writes made before 'connect': the first write's callback runs right after
# the connect callback (a 'connect' listener added before the write) and
# before 'connect' listeners added after the write; the next write's
# callback follows 'ready'. TCP, then Unix.
from collections.abc import Callable
from typing import Any

from _trace import grouped, log, run, tmp_path

import trionet


def scenario(
    tag: str, server: trionet.Server, args: tuple[Any, ...], after: Callable[[], Any]
) -> None:
    s = trionet.connect(*args, lambda: log(f"{tag} connect cb"))
    s.write("a", lambda e: log(f"{tag} a cb", e))
    s.on("connect", lambda: log(f"{tag} connect listener"))
    s.write("b", lambda e: log(f"{tag} b cb", e))
    s.on("ready", lambda: log(f"{tag} ready"))
    s.end("c", lambda e: log(f"{tag} end cb", e))
    s.on("finish", lambda: log(f"{tag} finish"))
    s.resume()

    def on_close(had_error: bool) -> None:
        log(f"{tag} close", had_error)
        server.close(lambda *_: after())

    s.on("close", on_close)


def got(tag: str) -> Callable[[trionet.Socket], None]:
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
    tcp = trionet.create_server(got("tcp"))

    def unix() -> None:
        path = tmp_path("order.sock")
        server = trionet.create_server(got("unix"))
        server.listen(path, lambda: scenario("unix", server, (path,), lambda: log("done")))

    tcp.listen(
        0, "127.0.0.1", lambda: scenario("tcp", tcp, (tcp.address()["port"], "127.0.0.1"), unix)
    )


run(main)
