# connect({timeout}): the idle timeout starts with the connection; 'timeout'
# fires, the socket stays open until the listener destroys it.
from _trace import log, run, trace

import trionet


def main() -> None:
    def on_connection(c: trionet.Socket) -> None:
        c.resume()
        c.on("close", lambda _: server.close())

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        client = trionet.connect(
            {"port": server.address()["port"], "host": "127.0.0.1", "timeout": 50}
        )
        log("client timeout", client.timeout)
        trace(client, "client", "connect", "timeout", "close")

        def on_timeout() -> None:
            log("client still open", not client.destroyed)
            client.destroy()

        client.on("timeout", on_timeout)

    server.listen(0, "127.0.0.1", on_listening)


run(main)
