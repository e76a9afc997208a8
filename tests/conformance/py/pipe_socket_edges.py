# Socket destinations at the edges of pipe(): writable_need_drain is False once
# end() or destroy() came, and no 'drain' follows end() (so a source paused on
# that destination is not resumed into a write after end); an 'error' emitted
# by hand on a piped socket with no other 'error' listener unpipes it and
# destroys it, the 'error' following a tick later.
from _trace import accepted_pair, log, run, sink_server

import trionet


class Hand(Exception):
    code = "EHAND"


async def main() -> None:
    sink = await sink_server()
    port = sink.address()["port"]

    a = trionet.connect(port, "127.0.0.1")  # still connecting: the write queues
    log("a write returns", a.write(bytes(100000)), "needDrain", a.writable_need_drain)
    a.end()
    log("a ended: needDrain", a.writable_need_drain)
    a.on("drain", lambda: log("a drain"))
    await trionet.once(a, "finish")
    log("a finish")

    b = trionet.connect(port, "127.0.0.1")
    log("b write returns", b.write(bytes(100000)))
    b.destroy()
    log("b destroyed: needDrain", b.writable_need_drain)
    b.on("drain", lambda: log("b drain"))
    await trionet.once(b, "close")
    log("b close")

    server, client, src = await accepted_pair()
    d = trionet.connect(port, "127.0.0.1")
    await trionet.once(d, "connect")
    src.pipe(d)
    d.on("unpipe", lambda _: log("d unpipe"))
    err = Hand("by hand")
    d.emit("error", err)
    log("d emit returned: destroyed", d.destroyed, "src paused", src.is_paused())
    d.on("error", lambda e: log("d error", e.code, e is err))
    closed = trionet.EventEmitter()
    d.on("close", lambda _: closed.emit("done"))
    await trionet.once(closed, "done")  # (once(d, 'close') would raise the error)
    log("d close")
    client.destroy()
    server.close()
    sink.close()


run(main)
