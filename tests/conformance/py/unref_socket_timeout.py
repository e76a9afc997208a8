# Unref'd sockets with pending idle timeouts do not keep the program alive:
# once the only ref'd work (a 200 ms wait) is over, the program ends
# although every socket is still open and its timeout (1 s or more) has not
# fired; neither does an unref'd server or its unref'd accepted sockets.
from _trace import log, run, sleep

import trionet


async def main() -> None:
    counts = {"accepted": 0, "connected": 0, "greeted": 0}

    def on_connection(c: trionet.Socket) -> None:
        counts["accepted"] += 1
        c.write("hello")
        c.unref()

    server = trionet.create_server(on_connection)
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    server.unref()
    for seconds in (3, 1, 2):
        s = trionet.connect(server.address()["port"], "127.0.0.1")

        def on_timeout(s: trionet.Socket = s, seconds: int = seconds) -> None:
            log("timeout fired", seconds)
            s.destroy()

        s.set_timeout(seconds * 1000, on_timeout)
        s.on("connect", lambda: counts.__setitem__("connected", counts["connected"] + 1))
        s.once("data", lambda _: counts.__setitem__("greeted", counts["greeted"] + 1))
        s.unref()
    await sleep(200)
    log(
        "after 200 ms: connected",
        counts["connected"],
        "accepted",
        counts["accepted"],
        "greeted",
        counts["greeted"],
    )


run(main)
