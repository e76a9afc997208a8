# Listening on a port in use: 'error' EADDRINUSE (never raised by listen()),
# with code, syscall, address, port and message; the server is not listening.
from _trace import log, run

import trionet


def main() -> None:
    first = trionet.create_server()

    def on_listening() -> None:
        second = trionet.create_server()

        def on_error(err: Exception) -> None:
            log("error", err)
            log("listening", second.listening)
            first.close()

        second.on("error", on_error)
        second.on("listening", lambda: log("unexpected listening"))
        second.listen(first.address()["port"], "127.0.0.1")
        log("listen() returned")

    first.listen(0, "127.0.0.1", on_listening)


run(main)
