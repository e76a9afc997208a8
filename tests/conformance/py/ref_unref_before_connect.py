# unref() and ref() on a new Socket before connect() persist once it
# connects: unref() then ref() keeps the program alive until the server
# ends the connection 100 ms later; a socket left unref'd (its peer
# unref'd too) does not keep it alive.
from _trace import log, run, sleep

import trionet


def main() -> None:
    def on_connection(c: trionet.Socket) -> None:
        async def on_data(d: bytes) -> None:
            if d == b"unrefd":
                c.unref()
                return
            await sleep(100)
            c.end("bye")

        c.once("data", on_data)

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        server.unref()
        port = server.address()["port"]
        kept = trionet.Socket()
        log("kept unref().ref() returns socket", kept.unref().ref() is kept)
        kept.connect(port, "127.0.0.1", lambda: kept.write("kept"))
        kept.set_encoding("utf8")
        kept.on("data", lambda d: log("kept data", d))
        kept.on("end", lambda: log("kept end"))
        kept.on("close", lambda _: log("kept close"))

        loose = trionet.Socket()
        log("loose unref() returns socket", loose.unref() is loose)

        def on_loose_connect() -> None:
            loose.write("unrefd")
            log("loose connect")

        loose.connect(port, "127.0.0.1", on_loose_connect)
        loose.on("close", lambda _: log("loose close (unexpected)"))

    server.listen(0, "127.0.0.1", on_listening)


run(main)
