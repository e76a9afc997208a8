# connect() from the 'error' listener of a refused connect: the socket reads
# as connecting at once (Node's _undestroy), and the failed connection's own
# 'close' still comes, with had_error true, while the new one connects; then
# the new connection's events. (It is only written to and destroyed: node 20
# never emits 'finish' for an end() on it.)
from _trace import free_port, log, run

import trionet


def state(tag: str, s: trionet.Socket) -> None:
    log(tag, s.destroyed, s.connecting, s.ready_state)


def main() -> None:
    server = trionet.create_server(lambda c: c.resume())

    def on_listening() -> None:
        port = server.address()["port"]
        s = trionet.Socket()
        closes = [0]

        def on_connect() -> None:
            log("connect")

            def on_written(err: object = None) -> None:
                log("write cb", err)
                s.destroy()

            s.write("hi", on_written)

        def reconnect(_: object) -> None:
            s.connect(port, "127.0.0.1")
            state("after connect()", s)

        def on_close(had_error: bool) -> None:
            closes[0] += 1
            log("close", closes[0], had_error)
            state("in close", s)
            if closes[0] == 2:
                server.close()

        s.on("connect", on_connect)
        s.on("error", lambda e: log("error", e.code))
        s.once("error", reconnect)
        s.on("close", on_close)
        s.connect(free_port(), "127.0.0.1")

    server.listen(0, "127.0.0.1", on_listening)


run(main)
