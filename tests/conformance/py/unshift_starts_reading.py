# unshift() on a socket that has read nothing (pause_on_connect) makes Node's
# stream read more (maybeReadMore): the peer's bytes come into the buffer
# behind the unshifted chunk while the socket stays paused; resume() then
# emits both.
from _trace import log, run, sleep

import trionet


def main() -> None:
    async def on_connection(c: trionet.Socket) -> None:
        c.unshift(b"U")
        await sleep(100)
        log("after 100 ms", c.is_paused(), c.bytes_read, c.readable_length)
        got: list[bytes] = []
        c.on("data", got.append)
        c.on("end", lambda: log("end", b"".join(got)))
        c.on("close", lambda _: server.close())
        c.resume()

    server = trionet.create_server(on_connection, pause_on_connect=True)

    def on_listening() -> None:
        s = trionet.connect(server.address()["port"], "127.0.0.1", lambda: s.end("hello"))
        s.resume()

    server.listen(0, "127.0.0.1", on_listening)


run(main)
