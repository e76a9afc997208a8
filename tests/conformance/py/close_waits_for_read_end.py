# Both sides end() with data; the server reads in paused mode and calls
# read() only 100 ms after 'readable'. Its write side finishes, the peer's
# FIN has arrived, yet 'end' waits for the data to be read and 'close'
# waits for 'end': nothing is lost, nothing closes early.
from _trace import grouped, log, run, sleep

import trionet


def main() -> None:
    grouped()
    # Fixes the order of the groups in the output.
    log("server")
    log("client")

    def on_connection(c: trionet.Socket) -> None:
        async def on_readable() -> None:
            log("server readable", c.readable_length)
            await sleep(100)
            log("server ended before read()", c.readable_ended, c.destroyed)
            log("server read()", c.read())

        def on_close(had_error: bool) -> None:
            log("server close", had_error, c.readable_ended)
            server.close()

        c.once("readable", on_readable)
        c.on("finish", lambda: log("server finish"))
        c.on("end", lambda: log("server end"))
        c.on("close", on_close)
        c.end("from server")

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        client = trionet.connect(
            server.address()["port"], "127.0.0.1", lambda: client.end("from client")
        )
        got: list[bytes] = []
        client.on("data", got.append)
        client.on("end", lambda: log("client end", b"".join(got)))
        client.on("close", lambda had_error: log("client close", had_error))

    server.listen(0, "127.0.0.1", on_listening)


run(main)
