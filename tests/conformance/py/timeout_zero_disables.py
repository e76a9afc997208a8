# set_timeout(0) disables a pending idle timeout (and removes the callback).
# trionet's socket.timeout is None when disabled; Node's is 0 once set: we
# print `timeout or 0` on the Python side (documented: None means "no timeout").
from _trace import log, run, sleep, trace

import trionet


def main() -> None:
    def on_connection(c: trionet.Socket) -> None:
        c.resume()
        c.on("close", lambda _: server.close())

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        def cb() -> None:
            log("timeout cb")

        async def on_connect() -> None:
            client.set_timeout(40, cb)
            client.set_timeout(0, cb)
            log("listeners", client.listener_count("timeout"), client.timeout or 0)
            await sleep(150)
            log("no timeout so far")
            client.end()

        client = trionet.connect(server.address()["port"], "127.0.0.1", on_connect)
        trace(client, "client", "timeout", "close")
        client.resume()

    server.listen(0, "127.0.0.1", on_listening)


run(main)
