# cork(), write(), then end('', cb): end() uncorks, so the queued write and
# the FIN go out, the callback runs and both sides close; an uncork() after
# it changes nothing. On a connected socket and on one still connecting.
# A watchdog reports a socket that has not closed after 2 s. trionet only: a
# thread ends the process after 5 s if the loop itself is stuck (a spinning
# loop runs no watchdog task), so that a failure costs 5 s, not the timeout.
import os
import threading

import trio
from _trace import grouped, log, run

import trionet


def stuck() -> None:
    print("loop stuck after 5 s", flush=True)
    os._exit(1)


async def main() -> None:
    grouped()
    watchdog = threading.Timer(5, stuck)
    watchdog.daemon = True
    watchdog.start()

    def on_connection(c: trionet.Socket) -> None:
        chunks: list[bytes] = []
        c.on("data", chunks.append)
        c.on("end", lambda: log("server got", b"".join(chunks).decode()))

    server = trionet.create_server(on_connection)
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    for tag in ("connected", "connecting"):
        s = trionet.connect(server.address()["port"], "127.0.0.1")
        s.resume()
        if tag == "connected":
            await trionet.once(s, "connect")
        closed = trio.Event()
        s.on("close", lambda _, closed=closed: closed.set())
        s.cork()
        s.write(tag)
        s.end("", lambda err=None, tag=tag: log(f"{tag} end cb", err))
        log(f"{tag} corked after end", s.writable_corked)
        s.uncork()
        log(f"{tag} corked after uncork", s.writable_corked)
        with trio.move_on_after(2):
            await closed.wait()
        if closed.is_set():
            log(f"{tag} close")
        else:
            log(f"{tag} not closed after 2 s")
            s.destroy()
    server.close()
    watchdog.cancel()


run(main)
