# pause_on_connect: accepted sockets start paused (no 'data' until resume());
# the data waits, nothing is lost.
from _trace import log, run, sleep

import trionet


def main() -> None:
    async def on_connection(c: trionet.Socket) -> None:
        log("server isPaused", c.is_paused())
        chunks: list[bytes] = []
        c.on("data", chunks.append)
        await sleep(100)
        log("server data before resume", len(chunks))
        c.resume()

        def on_end() -> None:
            log("server data", b"".join(chunks))
            server.close()

        c.on("end", on_end)

    server = trionet.create_server(on_connection, pause_on_connect=True)
    server.listen(
        0, "127.0.0.1", lambda: trionet.connect(server.address()["port"], "127.0.0.1").end("waited")
    )


run(main)
