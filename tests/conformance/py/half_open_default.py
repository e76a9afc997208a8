# Without allow_half_open the socket ends itself when the peer's FIN arrives:
# what a listener on 'end' sees (ready_state, a write) and the events after.
from _trace import collect, grouped, log, run, trace

import trionet


def main() -> None:
    grouped()

    def on_connection(c: trionet.Socket) -> None:
        collect(c, "conn")

        def on_end() -> None:
            log("conn end readyState", c.ready_state)
            log("conn write", c.write("too late", lambda err: log("conn write cb", err)))

        c.on("end", on_end)
        trace(c, "conn", "finish", "error")

        def on_close(had_error: bool) -> None:
            log("conn close", had_error)
            server.close()

        c.on("close", on_close)

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        client = trionet.connect(server.address()["port"], "127.0.0.1")
        client.on("error", lambda err: None)
        collect(client, "client")
        client.end("bye")

    server.listen(0, "127.0.0.1", on_listening)


run(main)
