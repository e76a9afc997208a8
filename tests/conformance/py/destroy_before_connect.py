# destroy() right after connect(): no 'connect', just 'close' (had_error False);
# the connect callback is never called.
from _trace import log, run, trace

import trionet


def main() -> None:
    server = trionet.create_server(lambda c: c.resume())

    def on_listening() -> None:
        client = trionet.connect(server.address()["port"], "127.0.0.1", lambda: log("connect cb"))
        trace(client, "client", "connect", "error", "close")
        log("client connecting", client.connecting, client.pending)
        client.destroy()
        log("client destroyed", client.destroyed)
        client.on("close", lambda _: server.close(lambda *_: log("server closed")))

    server.listen(0, "127.0.0.1", on_listening)


run(main)
