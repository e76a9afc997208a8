# listen() on an address this machine does not have (192.0.2.1, TEST-NET-1):
# 'error' EADDRNOTAVAIL carrying address, port and syscall 'listen';
# listen() does not raise; listening is False and address() None after.
# (The listen callback left in place: listen_callback_once.)
from _trace import log, run

import trionet


def main() -> None:
    server = trionet.create_server()

    def on_error(e: Exception) -> None:
        log("error", e)
        log("after error", server.listening, server.address())
        server.close(lambda err=None: log("close callback", err and err.code))

    server.on("error", on_error)
    server.listen(1, "192.0.2.1", lambda: log("unexpected listen callback"))
    log("listen returned", server.listening)


run(main)
