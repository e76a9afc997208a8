# reset_and_destroy() where there is no connection yet. A socket never
# connected: 'error' ERR_SOCKET_CLOSED, then 'close' (had_error falsy).
# A socket still connecting: nothing happens at once (not destroyed); it
# connects ('connect' and its callback), then resets: 'close' False, the
# peer reads ECONNRESET. Followed at once by destroy(): no 'connect', no
# 'error', just 'close' False. On a connected socket it returns the socket,
# so destroy() can be chained; a write() after that gets ERR_STREAM_DESTROYED
# in its callback and no 'error' is emitted.
from typing import Any

import trio
from _trace import grouped, log, run, trace

import trionet


def closed(s: trionet.Socket) -> trio.Event:
    event = trio.Event()
    s.on("close", lambda *_: event.set())
    return event


async def main() -> None:
    grouped()
    fresh = trionet.Socket()
    trace(fresh, "fresh", "error")
    fresh.on("close", lambda had_error=None: log("fresh close", bool(had_error)))
    fresh_closed = closed(fresh)
    log("fresh returns socket", fresh.reset_and_destroy() is fresh, fresh.destroyed)
    await fresh_closed.wait()

    def on_connection(c: trionet.Socket) -> None:
        c.on("error", lambda e: log("server conn error", e.code, e.syscall))

    server = trionet.create_server(on_connection)
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    port = server.address()["port"]

    waits = trionet.connect(port, "127.0.0.1", lambda: log("waits connect callback"))
    trace(waits, "waits", "connect", "error", "close")
    waits_closed = closed(waits)
    log(
        "waits returns socket",
        waits.reset_and_destroy() is waits,
        waits.destroyed,
        waits.connecting,
    )
    await waits_closed.wait()

    dropped = trionet.connect(port, "127.0.0.1", lambda: log("dropped connect callback"))
    trace(dropped, "dropped", "connect", "error", "close")
    dropped_closed = closed(dropped)
    dropped.reset_and_destroy()
    dropped.destroy()
    log("dropped destroyed", dropped.destroyed)
    await dropped_closed.wait()

    connected = trionet.connect(port, "127.0.0.1")
    await trionet.once(connected, "connect")
    trace(connected, "connected", "error", "close")
    connected_closed = closed(connected)
    log("connected chain", connected.reset_and_destroy().destroy() is connected)

    def write_cb(err: Any = None) -> None:
        log("connected write cb", err)

    log("connected write", connected.write("x", write_cb))
    await connected_closed.wait()
    await trio.sleep(0.05)
    server.close()


run(main)
