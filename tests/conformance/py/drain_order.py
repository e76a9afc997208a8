# 'drain' comes before the callbacks of the writes that emptied the queue
# (Node's afterWrite), and not after destroy(): a 4 MiB write whose callback
# destroys the socket, and a write uncorked in one piece (writable_need_drain
# stays True until the tick that emits 'drain').
from typing import Any

from _trace import grouped, log, run

import trionet


def st(s: trionet.Socket, label: str) -> None:
    log(label, s.writable_need_drain, s.writable, s.destroyed)


def err(e: Any) -> str:
    return "null" if e is None else str(e)


async def main() -> None:
    grouped()
    count = [0]

    def on_connection(c: trionet.Socket) -> None:
        tag = "sbig" if count[0] == 0 else "scork"
        count[0] += 1
        got = [0]
        c.on("data", lambda d: got.__setitem__(0, got[0] + len(d)))

        def on_end() -> None:
            log(tag + " end", got[0])
            c.end()

        c.on("end", on_end)
        c.resume()
        if count[0] == 2:
            server.close()

    server = trionet.create_server(on_connection, pause_on_connect=True)
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")

    big = trionet.connect(server.address()["port"], "127.0.0.1")
    for ev in ("drain", "finish", "close"):
        big.on(ev, lambda *_, ev=ev: st(big, "big " + ev))
    await trionet.once(big, "connect")

    def big_callback(e: Any) -> None:
        st(big, "big write callback " + err(e))
        big.destroy()
        st(big, "big destroyed in the callback")

    r = big.write(b"x" * (4 * 1024 * 1024), big_callback)
    st(big, "big write returned " + str(r).lower())
    await trionet.once(big, "close")

    corked = trionet.connect(server.address()["port"], "127.0.0.1")
    for ev in ("drain", "finish", "close"):
        corked.on(ev, lambda *_, ev=ev: st(corked, "corked " + ev))
    await trionet.once(corked, "connect")
    corked.cork()
    r2 = corked.write(b"x" * 20000, lambda e: st(corked, "corked write callback " + err(e)))
    st(corked, "corked write returned " + str(r2).lower())
    corked.uncork()
    st(corked, "corked uncorked")
    corked.on("drain", lambda: corked.end())


run(main)
