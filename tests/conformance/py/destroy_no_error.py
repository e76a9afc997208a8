# destroy() without an error: 'close' with had_error False, no 'end'/'finish'
# on the destroyed side; the peer sees end then close.
from _trace import grouped, log, run, trace

import trionet


def main() -> None:
    grouped()

    def on_connection(c: trionet.Socket) -> None:
        trace(c, "conn", "end", "finish", "error", "close")
        c.resume()
        c.on("close", lambda _: server.close())

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        def on_connect() -> None:
            client.destroy()
            log("client destroyed", client.destroyed)

        client = trionet.connect(server.address()["port"], "127.0.0.1", on_connect)
        trace(client, "client", "end", "finish", "error", "close")

    server.listen(0, "127.0.0.1", on_listening)


run(main)
