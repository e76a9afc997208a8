# set_timeout() returns the socket; a timeout set from inside the 'timeout'
# listener after destroy(), or on a socket destroyed before it connected,
# never fires. Fractional delays are valid; infinite, NaN and negative ones
# are out of range; a callback that is not callable is a type error.
import math
from typing import Any

from _trace import attempt, log, run, sleep

import trionet


async def main() -> None:
    probe = trionet.Socket()
    for label, value in (
        ("Infinity", math.inf),
        ("-Infinity", -math.inf),
        ("NaN", math.nan),
        ("-0.001", -0.001),
    ):
        attempt(f"setTimeout({label})", lambda value=value: probe.set_timeout(value))
    bad_callbacks: tuple[tuple[str, Any], ...] = (("1", 1), ("'x'", "x"), ("true", True))
    for label, cb in bad_callbacks:
        attempt(f"setTimeout(1, {label})", lambda cb=cb: probe.set_timeout(1, cb))
    attempt("setTimeout(0.001)", lambda: probe.set_timeout(0.001) and None)
    probe.destroy()

    server = trionet.create_server(lambda c: c.resume())
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    never = trionet.connect(server.address()["port"], "127.0.0.1")
    never.destroy()
    log(
        "destroyed before connect: setTimeout returns socket",
        never.set_timeout(1, lambda: log("never fires")) is never,
    )

    s = trionet.connect(server.address()["port"], "127.0.0.1")
    await trionet.once(s, "connect")

    def on_timeout() -> None:
        log("timeout callback")
        s.destroy()
        log(
            "after destroy: setTimeout returns socket",
            s.set_timeout(1, lambda: log("never fires")) is s,
        )

    log("setTimeout returns socket", s.set_timeout(20, on_timeout) is s)
    s.on("timeout", lambda: log("timeout event"))
    s.on("close", lambda _: log("close"))
    await trionet.once(s, "close")
    await sleep(100)
    log("done")
    server.close()


run(main)
