# set_timeout(ms): 'timeout' fires on idleness and does not close the socket;
# the callback form is a once listener; socket.timeout reports the value.
from _trace import log, run, sleep, trace

import trionet


def main() -> None:
    def on_connection(c: trionet.Socket) -> None:
        c.resume()
        c.on("close", lambda _: server.close())

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        def on_timeout() -> object:
            log("timeout cb", client.destroyed, client.ready_state, client.timeout)

            async def later() -> None:
                await sleep(30)
                client.end()

            return later()

        def on_connect() -> None:
            client.set_timeout(60, on_timeout)

        client = trionet.connect(server.address()["port"], "127.0.0.1", on_connect)
        trace(client, "client", "timeout", "end", "close")
        client.resume()

    server.listen(0, "127.0.0.1", on_listening)


run(main)
