# close() on a server that is not listening: the callback gets
# ERR_SERVER_NOT_RUNNING (asynchronously); a second close() after a real one too.
from _trace import log, run

import trionet


def main() -> None:
    fresh = trionet.create_server()
    fresh.close(lambda err=None: log("fresh close cb", err))
    fresh.on("close", lambda: log("fresh close event"))
    log("after close() call")
    server = trionet.create_server()

    def first(err: object = None) -> None:
        log("first close cb", err)
        server.close(lambda err2=None: log("second close cb", err2))

    server.listen(0, "127.0.0.1", lambda: server.close(first))


run(main)
