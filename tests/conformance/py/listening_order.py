# 'listening' is never synchronous with listen(); the listen callback is a
# once('listening') listener, so it runs in registration order with other
# listeners; address() works right after a listen() without a host.
from _trace import log, run

import trionet


def main() -> None:
    server = trionet.create_server()
    server.on("listening", lambda: log("listener added before listen"))

    def on_listening() -> None:
        log("listen callback")
        server.close(lambda *_: log("closed"))

    server.listen(0, on_listening)
    server.on("listening", lambda: log("listener added after listen"))
    log("after listen(): listening", server.listening, "address", server.address())


run(main)
