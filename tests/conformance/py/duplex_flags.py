# The Duplex state flags through a socket's life: readable, writable,
# readable_ended, writable_ended, writable_finished, readable_flowing,
# writable_corked; and set_default_encoding for write(str).
from typing import Any

from _trace import grouped, log, run

import trionet


def flags(s: trionet.Socket) -> list[Any]:
    return [
        s.readable,
        s.writable,
        s.readable_ended,
        s.writable_ended,
        s.writable_finished,
        s.readable_flowing,
        s.writable_corked,
    ]


def main() -> None:
    grouped()

    def on_connection(c: trionet.Socket) -> None:
        log("server conn", *flags(c))
        got: list[bytes] = []
        c.on("data", got.append)
        log("server data listener", *flags(c))

        def on_end() -> None:
            log("server end", *flags(c), b"".join(got))
            c.end()
            log("server after end()", *flags(c))

        def on_close(_: bool) -> None:
            log("server close", *flags(c))
            server.close()

        c.on("end", on_end)
        c.on("finish", lambda: log("server finish", *flags(c)))
        c.on("close", on_close)

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        s = trionet.Socket()
        log("client new", *flags(s))
        s.connect(server.address()["port"], "127.0.0.1")
        log("client connecting", *flags(s))

        def on_connect() -> None:
            log("client connect", *flags(s))
            s.pause()
            log("client paused", *flags(s))
            s.resume()
            s.cork()
            s.cork()
            log("client corked", *flags(s))
            s.uncork()
            s.uncork()
            log("client default encoding", s.set_default_encoding("hex") is s)
            s.write("6869")
            s.end("21")
            log("client after end", *flags(s))

        def on_close(_: bool) -> None:
            log("client close", *flags(s))
            d = trionet.Socket()
            d.destroy()
            log("client destroyed new", *flags(d))
            try:
                d.set_default_encoding("bogus")
            except trionet.NodeError as e:
                log("client bad encoding", e.code)

        s.on("connect", on_connect)
        s.on("finish", lambda: log("client finish", *flags(s)))
        s.on("end", lambda: log("client end", *flags(s)))
        s.on("close", on_close)

    server.listen(0, "127.0.0.1", on_listening)


run(main)
