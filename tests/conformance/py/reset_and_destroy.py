# reset_and_destroy(): the socket closes with a TCP RST; the peer's read
# fails with ECONNRESET ('error' then 'close' True); the resetting side
# sees only 'close' (False).
from _trace import grouped, log, run, trace

import trionet


def main() -> None:
    grouped()

    def on_connection(c: trionet.Socket) -> None:
        trace(c, "conn", "end", "error", "close")
        c.resume()
        c.write("hi")
        c.on("close", lambda _: server.close())

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        client = trionet.connect(server.address()["port"], "127.0.0.1")

        def on_data(_: bytes) -> None:
            client.reset_and_destroy()
            log("client destroyed", client.destroyed)

        client.once("data", on_data)
        trace(client, "client", "end", "error", "close")

    server.listen(0, "127.0.0.1", on_listening)


run(main)
