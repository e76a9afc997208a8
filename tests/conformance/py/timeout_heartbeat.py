# A heartbeat: set_timeout(n) and a 'timeout' listener that writes a ping. The
# write re-arms the idle timer, so 'timeout' fires again and again while the
# peer stays silent; the third one ends the socket. Over TCP, then Unix.
from collections.abc import Callable
from typing import Any

from _trace import log, run, tmp_path

import trionet


def scenario(
    tag: str, server: trionet.Server, args: tuple[Any, ...], after: Callable[[], Any]
) -> None:
    count = [0]

    def on_timeout() -> None:
        count[0] += 1
        log(f"{tag} timeout", count[0], client.ready_state)
        if count[0] < 3:
            client.write(f"ping{count[0]};")
        else:
            client.end("bye")

    def on_connect() -> None:
        client.set_timeout(40)
        client.on("timeout", on_timeout)

    def on_close(had_error: bool) -> None:
        log(f"{tag} close", had_error)
        server.close(lambda *_: after())

    client = trionet.connect(*args, on_connect)
    client.resume()
    client.on("end", lambda: log(f"{tag} end"))
    client.on("close", on_close)


def silent(tag: str) -> Callable[[trionet.Socket], None]:
    """The server reads everything and says nothing until the client's FIN."""

    def on_connection(c: trionet.Socket) -> None:
        chunks: list[bytes] = []
        c.on("data", chunks.append)

        def on_end() -> None:
            log(f"{tag} server got", b"".join(chunks).decode())
            c.end()

        c.on("end", on_end)

    return on_connection


def main() -> None:
    tcp = trionet.create_server(silent("tcp"))

    def unix() -> None:
        path = tmp_path("heartbeat.sock")
        server = trionet.create_server(silent("unix"))
        server.listen(path, lambda: scenario("unix", server, (path,), lambda: log("done")))

    tcp.listen(
        0, "127.0.0.1", lambda: scenario("tcp", tcp, (tcp.address()["port"], "127.0.0.1"), unix)
    )


run(main)
