# The peer resets the connection (reset_and_destroy) while a big write is in
# flight, another is queued and end() waits. The client is reading, so the
# reset is seen by a read (ECONNRESET, syscall read) and destroys the socket:
# 'error' first; the write in flight then completes on a destroyed stream
# (null, as Node's onWriteComplete); the queued write and end()'s callback
# get the socket's error; then 'close'(true).
from _trace import log, run, sleep

import trionet


def main() -> None:
    async def on_connection(c: trionet.Socket) -> None:
        c.on("error", lambda e: None)
        await sleep(100)
        c.reset_and_destroy()
        server.close()

    server = trionet.create_server(on_connection, pause_on_connect=True)

    def on_listening() -> None:
        s = trionet.connect(server.address()["port"], "127.0.0.1")

        def on_connect() -> None:
            s.write(b"x" * (16 << 20), lambda err=None: log("big cb", err))
            s.write("a", lambda err=None: log("a cb", err))
            s.end("b", lambda err=None: log("end cb", err))

        s.on("connect", on_connect)
        s.on("error", lambda e: log("error", e))
        s.on("close", lambda had_error: log("close", had_error))

    server.listen(0, "127.0.0.1", on_listening)


run(main)
