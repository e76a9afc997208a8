# The high_water_mark stream options: on Socket (both, or readable and
# writable apart), on trionet.connect, and create_server's for accepted
# sockets; write() while connecting answers against the writable limit; bad
# values are ERR_INVALID_ARG_VALUE (trionet names the snake_case key, so only
# the code is compared).
from typing import Any

from _trace import grouped, log, run

import trionet


def marks(s: trionet.Socket) -> list[Any]:
    return [s.readable_high_water_mark, s.writable_high_water_mark]


def main() -> None:
    grouped()  # the client's and the server's events race: each side's order is compared
    log("default", *marks(trionet.Socket()))
    log("both", *marks(trionet.Socket({"high_water_mark": 1024})))
    log(
        "apart",
        *marks(trionet.Socket({"readable_high_water_mark": 100, "writable_high_water_mark": 0})),
    )
    log("integral float", *marks(trionet.Socket({"high_water_mark": 2.0})))
    for bad in (-1, 1.5, "x", True):
        try:
            trionet.Socket({"high_water_mark": bad})
            log("bad", bad, "accepted")
        except trionet.NodeError as e:
            log("bad", bad, e.code)

    def on_connection(c: trionet.Socket) -> None:
        log("server accepted", *marks(c))
        c.on("data", lambda _: None)
        c.on("end", lambda: c.end())

    server = trionet.create_server({"high_water_mark": 4096}, on_connection)

    def on_listening() -> None:
        s = trionet.connect(
            {"port": server.address()["port"], "host": "127.0.0.1", "writable_high_water_mark": 4}
        )
        log("client", *marks(s))
        log("client write 3 while connecting", s.write("abc"))
        log("client write 3 more while connecting", s.write("def"))
        s.on("drain", lambda: log("client drain", s.writable_length))
        s.on("connect", lambda: s.end())

        def on_close(_: bool) -> None:
            log("client close")
            server.close()

        s.on("close", on_close)

    server.listen(0, "127.0.0.1", on_listening)


run(main)
