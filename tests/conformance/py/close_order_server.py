# Server-side event order on a normal close: the client writes and ends; the
# accepted socket sees data, end, finish (auto end), close; then the server closes.
from _trace import collect, log, run, trace

import trionet


def main() -> None:
    def on_connection(c: trionet.Socket) -> None:
        log("server connection")
        trace(c, "conn", "end", "finish", "close")
        collect(c, "conn")
        c.on("close", lambda _: server.close())

    server = trionet.create_server(on_connection)
    trace(server, "server", "listening", "close")

    def on_listening() -> None:
        client = trionet.connect(server.address()["port"], "127.0.0.1")
        client.resume()
        client.end("abc")

    server.listen(0, "127.0.0.1", on_listening)


run(main)
