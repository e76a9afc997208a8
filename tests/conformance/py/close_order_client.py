# Client-side event order on a normal close: the client ends, the server
# echoes and ends back (allow_half_open False).
from _trace import collect, log, run, trace

import trionet


def main() -> None:
    server = trionet.create_server(lambda c: c.pipe(c))

    def on_listening() -> None:
        client = trionet.connect(server.address()["port"], "127.0.0.1")
        trace(client, "client", "connect", "ready", "finish", "end", "close")
        collect(client, "client")
        client.on("close", lambda _: server.close(lambda *_: log("server closed")))
        client.end("hello")

    server.listen(0, "127.0.0.1", on_listening)


run(main)
