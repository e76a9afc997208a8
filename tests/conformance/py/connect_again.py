# connect() on a socket that is already connecting: 'error' (EALREADY over TCP,
# EISCONN over a Unix socket, which connects at once), then 'close'(True). The
# first connect never completes.
from typing import Any

from _trace import log, run, tmp_path

import trionet


def error_line(tag: str, e: Any) -> None:
    log(f"{tag} error", e.code, e.syscall, e.address)


def main() -> None:
    conns: list[trionet.Socket] = []

    def keep(c: trionet.Socket) -> None:
        conns.append(c)
        c.on("error", lambda e: None)

    tcp = trionet.create_server(keep)

    def on_tcp_listening() -> None:
        port = tcp.address()["port"]
        s = trionet.connect(port, "127.0.0.1")
        s.on("connect", lambda: log("tcp connect"))
        s.on("error", lambda e: error_line("tcp", e))

        def on_close(had_error: bool) -> None:
            log("tcp close", had_error, s.destroyed)
            tcp.close()
            unix()

        s.on("close", on_close)
        s.connect(port, "127.0.0.1")
        log("tcp second connect returned", s.connecting)

    tcp.listen(0, "127.0.0.1", on_tcp_listening)

    def unix() -> None:
        path = tmp_path("again.sock")
        server = trionet.create_server(keep)

        def on_listening() -> None:
            s = trionet.connect(path)
            s.on("connect", lambda: log("unix connect"))
            s.on("error", lambda e: error_line("unix", e))

            def on_close(had_error: bool) -> None:
                log("unix close", had_error)
                server.close(lambda *_: log("done"))
                for c in conns:
                    c.destroy()

            s.on("close", on_close)
            s.connect(path)
            log("unix second connect returned", s.connecting)

        server.listen(path, on_listening)


run(main)
