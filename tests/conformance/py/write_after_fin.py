# allow_half_open False, our own end() done, then the peer's FIN: a write() in
# the 'end' listener (the socket is still alive) returns False, its callback
# gets EPIPE "This socket has been ended by the other party", and the socket
# emits it as 'error' and closes. A write after that 'close' gets the same
# EPIPE, and no second 'error'. TCP, then Unix.
from collections.abc import Callable
from typing import Any

from _trace import log, run, tmp_path

import trionet


def scenario(tag: str, listen_args: tuple[Any, ...], after: Callable[[], Any]) -> None:
    def on_connection(c: trionet.Socket) -> None:
        c.resume()
        c.on("end", lambda: c.end())

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        address = server.address()
        args = (address,) if isinstance(address, str) else (address["port"], "127.0.0.1")

        def on_end() -> None:
            log(f"{tag} end", s.destroyed, s.writable_ended, s.ready_state)
            log(f"{tag} write", s.write("late", lambda e: log(f"{tag} write cb", e)))
            log(f"{tag} after write", s.destroyed)

        def on_late_write(e: Any) -> None:
            log(f"{tag} late write cb", e)
            server.close(lambda *_: after())

        def on_close(had_error: bool) -> None:
            log(f"{tag} close", had_error)
            log(f"{tag} write after close", s.write("later", on_late_write))

        s = trionet.connect(*args, lambda: s.end("x"))
        s.resume()
        s.on("finish", lambda: log(f"{tag} finish"))
        s.on("end", on_end)
        s.on("error", lambda e: log(f"{tag} error", e))
        s.on("close", on_close)

    server.listen(*listen_args, on_listening)


def main() -> None:
    scenario(
        "tcp",
        (0, "127.0.0.1"),
        lambda: scenario("unix", (tmp_path("fin.sock"),), lambda: log("done")),
    )


run(main)
