# Ten 2 MB writes, each with a callback, then end(), to a client that
# reads nothing for 100 ms: the last write() returns False (20 MB cannot
# all be taken at once), the callbacks run in order with no error, all
# before the end() callback and 'finish', and the client receives every
# byte in order.
from typing import Any

from _trace import grouped, log, run, sleep

import trionet

SIZE = 2 * 1000 * 1000
N = 10


async def main() -> None:
    grouped()
    log("server")
    log("client")

    def on_connection(c: trionet.Socket) -> None:
        returns: list[bool] = []
        done: list[int] = []
        for i in range(N):

            def cb(err: Any = None, i: int = i) -> None:
                if err:
                    log("server write error", i, err)
                done.append(i)

            returns.append(c.write(bytes([97 + i]) * SIZE, cb))
        log("server last write() returned", returns[N - 1])
        c.end(lambda *_: log("server end callback; callbacks so far", len(done)))
        c.on("finish", lambda: log("server finish: callbacks in order", done))

        def on_close(had_error: bool) -> None:
            log("server close", had_error)
            server.close()

        c.on("close", on_close)

    server = trionet.create_server(on_connection)
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    client = trionet.connect(server.address()["port"], "127.0.0.1")
    state = {"received": 0, "last": 0, "ordered": True}

    def on_data(d: bytes) -> None:
        for byte in (d[0], d[-1]):
            if byte < state["last"]:
                state["ordered"] = False
            state["last"] = byte
        state["received"] += len(d)

    client.on("data", on_data)
    client.pause()
    client.on(
        "end",
        lambda: log("client end: received", state["received"], "ordered", state["ordered"]),
    )
    await sleep(100)
    client.resume()


run(main)
