# destroy() with writes queued: every write callback is called, once. The
# chunk libuv had started writing gets None (Node's onWriteComplete on a
# destroyed stream); the writes still queued behind it get
# ERR_STREAM_DESTROYED; a write after destroy() too. buffer_size has no
# handle to ask any more (Node: undefined, printed null). The peer
# (pause_on_connect) reads nothing, so the 32 MiB write cannot finish. TCP,
# then Unix.
from collections.abc import Callable
from typing import Any

from _trace import log, run, tmp_path

import trionet


def scenario(tag: str, listen_args: tuple[Any, ...], after: Callable[[], Any]) -> None:
    conns: list[trionet.Socket] = []
    server = trionet.create_server(conns.append, pause_on_connect=True)

    def on_listening() -> None:
        address = server.address()
        args = (address,) if isinstance(address, str) else (address["port"], "127.0.0.1")

        def on_connect() -> None:
            big = b"x" * (32 * 1024 * 1024)
            log(f"{tag} big", s.write(big, lambda e: log(f"{tag} big cb", e)))
            log(f"{tag} a", s.write("a", lambda e: log(f"{tag} a cb", e)))
            log(f"{tag} b", s.write("b", lambda e: log(f"{tag} b cb", e)))
            log(f"{tag} queued", s.buffer_size > 0, s.writable_length > 0)
            s.destroy()
            log(f"{tag} destroyed", s.destroyed, s.buffer_size)
            log(f"{tag} c", s.write("c", lambda e: log(f"{tag} c cb", e)))

        def on_close(had_error: bool) -> None:
            log(f"{tag} close", had_error)
            for c in conns:
                c.destroy()
            server.close(lambda *_: after())

        s = trionet.connect(*args, on_connect)
        s.on("error", lambda e: log(f"{tag} error", e))
        s.on("close", on_close)

    server.listen(*listen_args, on_listening)


def main() -> None:
    scenario(
        "tcp",
        (0, "127.0.0.1"),
        lambda: scenario("unix", (tmp_path("destroyed.sock"),), lambda: log("done")),
    )


run(main)
