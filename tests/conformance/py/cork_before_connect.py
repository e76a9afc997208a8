# cork() before the socket has connected, two writes (one multi-byte),
# uncork(): bytes_written counts the 7 bytes at once and still 7 at
# 'connect' and at the end; writable_corked and writable_length meanwhile;
# the peer receives the writes in order, then the end() data.
from _trace import collect, grouped, log, run

import trionet


def main() -> None:
    grouped()

    def on_connection(c: trionet.Socket) -> None:
        collect(c, "server")
        c.on("end", lambda: c.end())
        c.on("close", lambda _: server.close())

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        client = trionet.connect(server.address()["port"], "127.0.0.1")
        client.cork()
        log("client corked", client.writable_corked, client.connecting)
        log("client write one", client.write("one"), client.writable_length)
        log("client write twø", client.write("twø".encode()), client.writable_length)
        client.uncork()
        log("client uncorked", client.writable_corked, client.bytes_written, client.writable_length)

        def on_connect() -> None:
            log("client connect bytesWritten", client.bytes_written)
            client.end("!")

        client.on("connect", on_connect)
        client.resume()
        client.on("end", lambda: log("client end bytesWritten", client.bytes_written))

    server.listen(0, "127.0.0.1", on_listening)


run(main)
