# connect() with a local_port another server already holds: the bind fails
# asynchronously with 'error' EADDRINUSE (syscall 'bind', the local address
# and port), then 'close' True; no 'connect', the connect callback never runs.
from _trace import log, run, trace

import trionet


def main() -> None:
    target = trionet.create_server(lambda c: log("unexpected connection"))
    holder = trionet.create_server(lambda c: log("unexpected connection"))

    def on_holder() -> None:
        client = trionet.connect(
            {
                "host": "127.0.0.1",
                "port": target.address()["port"],
                "local_address": "127.0.0.1",
                "local_port": holder.address()["port"],
            },
            lambda: log("unexpected connect callback"),
        )
        trace(client, "client", "connect", "error")
        log("client connecting", client.connecting)

        def on_close(had_error: bool) -> None:
            log("client close", had_error, client.destroyed)
            target.close()
            holder.close()

        client.on("close", on_close)

    target.listen(0, "127.0.0.1", lambda: holder.listen(0, "127.0.0.1", on_holder))


run(main)
