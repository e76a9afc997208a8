# The peer destroys its end while we start writing 10 MiB to it: the write
# fails once, so exactly one 'error' is emitted (EPIPE or ECONNRESET,
# whichever the kernel reports first: printed as one value), then 'close'
# True; the write callback is called once: with that same error where the
# write saw the reset, with None where a read saw it first (libuv reads until
# EAGAIN and so meets the peer's FIN first; trionet reads one chunk per
# readiness edge and may meet the reset: a documented difference).
from typing import Any

from _trace import grouped, log, run

import trionet

BIG = b"b" * (10 * 1024 * 1024)


def main() -> None:
    grouped()

    def on_connection(c: trionet.Socket) -> None:
        errors: list[Any] = []
        cb_error: list[Any] = []
        c.on("error", errors.append)

        def on_close(had_error: bool) -> None:
            codes = [
                "EPIPE|ECONNRESET" if e.code in ("EPIPE", "ECONNRESET") else e.code for e in errors
            ]
            same = len(cb_error) == 1 and (cb_error[0] is None or cb_error[0] is errors[0])
            log("server close", had_error, len(errors), codes, len(cb_error), same)
            server.close()

        c.on("close", on_close)
        c.on("data", lambda _: c.write(BIG, lambda err=None: cb_error.append(err)))

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        def on_connect() -> None:
            client.write("go", lambda *_: client.destroy())

        client = trionet.connect(server.address()["port"], "127.0.0.1", on_connect)
        client.on("close", lambda had_error: log("client close", had_error))

    server.listen(0, "127.0.0.1", on_listening)


run(main)
