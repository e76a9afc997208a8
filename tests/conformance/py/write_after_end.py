# write() after end(): returns False, the callback gets
# ERR_STREAM_WRITE_AFTER_END, the socket emits it as 'error' and closes.
from _trace import grouped, log, run, trace

import trionet


def main() -> None:
    grouped()

    def on_connection(c: trionet.Socket) -> None:
        c.resume()
        c.on("close", lambda _: server.close())

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        def on_connect() -> None:
            client.end("last")
            log("client write", client.write("more", lambda err: log("client write cb", err)))

        client = trionet.connect(server.address()["port"], "127.0.0.1", on_connect)
        trace(client, "client", "finish", "error", "close")
        client.resume()

    server.listen(0, "127.0.0.1", on_listening)


run(main)
