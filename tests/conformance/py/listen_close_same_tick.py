# listen(cb) then close() in the same tick: no 'listening' (the callback
# never runs), 'close' is emitted; address() is None afterwards.
from _trace import log, run, trace

import trionet


def main() -> None:
    server = trionet.create_server()
    trace(server, "server", "listening", "close", "error")
    server.listen(0, lambda: log("listen callback"))
    log("listening after listen()", server.listening)
    server.close(lambda err=None: log("close callback", err))
    log("listening after close()", server.listening, server.address())


run(main)
