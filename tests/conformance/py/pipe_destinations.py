# pipe() into destinations that are plain emitters with write()/end(), which
# is all Node's pipe() needs: which listeners it adds to the destination and
# when ('drain' only once a write() returned false); the source resumes only
# when every destination it waits on has drained; the destination's 'finish'
# or 'close' unpipes it (the source pauses when no pipe is left); unpipe()
# with no argument unpipes all; an 'error' on the destination unpipes and is
# raised again if nothing else listens; end=False unpipes at the source's
# 'end'; a destination that needs a drain pauses the source at once; piping
# a source that has ended ends the destination, after pipe() returns.
from typing import Any

from _trace import accepted_pair, log, run

import trionet

NAMES = ["close", "drain", "error", "finish", "unpipe"]


class Fake(trionet.EventEmitter):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.ret = True
        self.writable_need_drain = False

    def write(self, chunk: Any) -> bool:
        log(self.name + " write", bytes(chunk).decode(), "returns", self.ret)
        self.emit("wrote")
        return self.ret

    def end(self) -> None:
        log(self.name + " end called")
        self.emit("ended")

    def counts(self) -> list[int]:
        return [self.listener_count(n) for n in NAMES]


async def main() -> None:
    server, client, src = await accepted_pair()
    base = [src.listener_count("data"), src.listener_count("end")]

    def src_delta() -> list[int]:
        return [src.listener_count("data") - base[0], src.listener_count("end") - base[1]]

    # Listeners, the 'pipe' event, and waiting on every destination's 'drain'.
    a = Fake("a")
    b = Fake("b")
    a.on("pipe", lambda s: log("a pipe event", s is src, a.counts()))
    src.pipe(a)
    log("a piped", a.counts(), "src", src_delta(), "paused", src.is_paused())
    src.pipe(b)
    log("b piped", b.counts(), "src", src_delta())
    a.ret = False
    b.ret = False
    client.write("x")
    await trionet.once(b, "wrote")
    log(
        "both writes false: paused",
        src.is_paused(),
        "drain listeners",
        a.listener_count("drain"),
        b.listener_count("drain"),
    )
    a.ret = True
    b.ret = True
    a.emit("drain")
    log("a drained: paused", src.is_paused())
    b.emit("drain")
    log("b drained: paused", src.is_paused())

    # 'finish' and 'close' on the destination unpipe it.
    b.on("unpipe", lambda s: log("b unpipe event", s is src, b.counts()))
    b.emit("finish")
    log("b finished: paused", src.is_paused(), "src", src_delta())
    a.on("unpipe", lambda s: log("a unpipe event", s is src, a.counts()))
    a.emit("close")
    log("a closed: paused", src.is_paused(), "src", src_delta(), "flowing", src.readable_flowing)

    # unpipe() with no argument.
    h1 = Fake("h1")
    h2 = Fake("h2")
    h1.on("unpipe", lambda _: log("h1 unpipe event", h1.counts()))
    h2.on("unpipe", lambda _: log("h2 unpipe event", h2.counts()))
    src.pipe(h1)
    src.pipe(h2)
    log("h piped: paused", src.is_paused(), "src", src_delta())
    src.unpipe()
    log("h unpiped: paused", src.is_paused(), "src", src_delta())

    # 'error' on the destination.
    f = Fake("f")
    f.on("error", lambda e: log("f error listener", str(e), f.counts()))
    f.on("unpipe", lambda _: log("f unpipe event"))
    src.pipe(f)
    f.emit("error", Exception("boom"))
    log("f errored: paused", src.is_paused(), "src", src_delta())
    g = Fake("g")
    g.on("unpipe", lambda _: log("g unpipe event"))
    src.pipe(g)
    err = Exception("bang")
    try:
        g.emit("error", err)
        log("g emit returned")
    except Exception as e:
        log("g emit threw", e is err, g.counts())

    # A destination that already needs a drain pauses the source at once.
    e = Fake("e")
    e.writable_need_drain = True
    src.pipe(e)
    log("e piped: paused", src.is_paused(), "drain listeners", e.listener_count("drain"))
    e.writable_need_drain = False
    e.emit("drain")
    log("e drained: paused", src.is_paused())
    src.unpipe(e)

    # The same destination twice: one 'drain' (or one unpipe) ends the wait of both.
    k = Fake("k")
    k.ret = False
    src.pipe(k)
    src.pipe(k)
    client.write("w")
    await trionet.once(k, "wrote")
    log(
        "k piped twice, writes false: paused",
        src.is_paused(),
        "drain listeners",
        k.listener_count("drain"),
    )
    k.ret = True
    src.unpipe(k)
    log("k unpiped once: paused", src.is_paused(), "src", src_delta(), k.counts())
    src.unpipe(k)

    # unpipe() inside the write() that returns false: the 'drain' listener stays,
    # and the destination's 'drain' resumes the source.
    m = Fake("m")

    def m_write(chunk: Any) -> bool:
        log("m write", bytes(chunk).decode(), "unpipes")
        src.unpipe(m)
        m.emit("wrote")
        return False

    m.write = m_write  # type: ignore[method-assign]
    src.pipe(m)
    client.write("v")
    await trionet.once(m, "wrote")
    log("m unpiped in write: paused", src.is_paused(), m.counts())
    m.emit("drain")
    log("m drained: paused", src.is_paused(), "flowing", src.readable_flowing)
    src.pause()

    # Only a literal False leaves the destination open.
    for name, opts in (("n1", None), ("n2", {"end": None}), ("n3", {"end": 0})):
        n = Fake(name)
        src.pipe(n, opts)
        log(name + " piped with", "null" if opts is None else "a non-false end")

    # end=False unpipes at the source's 'end' and leaves the destination open.
    c = Fake("c")
    c.on("unpipe", lambda s: log("c unpipe event", s is src, c.counts()))
    client.write("y")
    src.pipe(c, end=False)
    await trionet.once(c, "wrote")
    client.end("z")
    await trionet.once(c, "unpipe")
    log("c unpiped: src", src_delta())

    # Piping a source that has ended ends the destination later.
    d = Fake("d")
    src.pipe(d)
    log("d piped")
    await trionet.once(d, "ended")
    log("d ended: src ended", src.readable_ended)
    server.close()


run(main)
