# Echo over a Unix domain socket: server.address() is the path, the client
# has no remote address/port, the data comes back, the socket file is
# removed on close.
import os

from _trace import collect, grouped, log, run, tmp_path, trace

import trionet


def main() -> None:
    grouped()
    path = tmp_path("echo.sock")

    def on_connection(c: trionet.Socket) -> None:
        log("server connection remote", c.remote_address, c.remote_port)
        c.pipe(c)

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        log("server address", server.address())
        log("server socket file exists", os.path.exists(path))

        def on_connect() -> None:
            log(
                "client connect remote",
                client.remote_address,
                client.remote_port,
                client.remote_family,
            )
            log("client address", client.address())

        client = trionet.connect(path, on_connect)
        collect(client, "client")
        trace(client, "client", "close")
        client.on(
            "close",
            lambda _: server.close(
                lambda *_: log("server closed; socket file exists", os.path.exists(path))
            ),
        )
        client.end("over a unix socket")

    server.listen(path, on_listening)


run(main)
