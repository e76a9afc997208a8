# 'connect' then 'ready'; the connect callback is a once('connect') listener
# in registration order; connecting/pending/ready_state before and after;
# a write before connecting is queued and sent.
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
        client = trionet.connect(
            server.address()["port"], "127.0.0.1", lambda: log("client connect callback")
        )
        client.on(
            "connect",
            lambda: log(
                "client connect listener", client.connecting, client.pending, client.ready_state
            ),
        )
        client.on("ready", lambda: log("client ready"))
        log("client sync", client.connecting, client.pending, client.ready_state)
        log("client early write", client.write("queued "), client.buffer_size > 0)
        client.end("then end")
        client.resume()
        client.on("close", lambda _: log("client close", client.ready_state))

    server.listen(0, "127.0.0.1", on_listening)


run(main)
