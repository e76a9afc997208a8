# write() on an accepted socket that has closed because the peer ended it
# (no allow_half_open: 'end', automatic end(), 'close'): returns False, the
# callback gets EPIPE "This socket has been ended by the other party", no
# 'error' is emitted. On a socket closed by destroy() instead the callback
# gets ERR_STREAM_DESTROYED.
from typing import Any

from _trace import grouped, log, run

import trionet


def main() -> None:
    grouped()
    log("ended")
    log("destroyed")
    count = [0]

    def on_connection(c: trionet.Socket) -> None:
        count[0] += 1
        tag = "ended" if count[0] == 1 else "destroyed"
        c.resume()
        c.on("error", lambda e: log(f"{tag} error event", e))

        def on_write(err: Any = None) -> None:
            log(f"{tag} write callback", err)
            if tag == "destroyed":
                server.close()

        def on_close(had_error: bool) -> None:
            log(f"{tag} close", had_error, c.destroyed, c.writable_ended)
            log(f"{tag} write returns", c.write("late", on_write))

        c.on("close", on_close)
        if tag == "destroyed":
            c.destroy()

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        port = server.address()["port"]
        first = trionet.connect(port, "127.0.0.1", lambda: first.end())
        first.resume()

        def on_first_close(_: bool) -> None:
            second = trionet.connect(port, "127.0.0.1")
            second.resume()

        first.on("close", on_first_close)

    server.listen(0, "127.0.0.1", on_listening)


run(main)
