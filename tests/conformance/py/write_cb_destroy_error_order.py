# destroy(err) with write callbacks owed: each is called once, and the order
# is Node's. With a write in flight (libuv has it): 'error' first, then the
# write in flight (null: its request completes on a destroyed stream), the
# writes queued behind it and end()'s callback (the error), 'close'. With
# nothing in flight (corked): the queued writes' callbacks (the error) come
# before 'error'. cork() then end(): end() uncorks, so its chunks went out
# (null) and only end()'s callback gets the error, before 'error'. In every
# case, write callbacks come before end()'s. The peer reads nothing.
from collections.abc import Callable

import trio
from _trace import log, run

import trionet

Cb = Callable[[str], Callable[..., None]]


def inflight(s: trionet.Socket, cb: Cb) -> None:
    s.write(b"x" * (16 << 20), cb("big"))
    s.write("a", cb("a"))
    s.end("b", cb("end"))


def corked(s: trionet.Socket, cb: Cb) -> None:
    s.cork()
    s.write("a", cb("a"))
    s.write("b", cb("b"))


def corked_end(s: trionet.Socket, cb: Cb) -> None:
    s.cork()
    s.write("a", cb("a"))
    s.end("b", cb("end"))


CASES = {"inflight": inflight, "corked": corked, "corked-end": corked_end}


async def main() -> None:
    conns: list[trionet.Socket] = []
    server = trionet.create_server(conns.append, pause_on_connect=True)
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    for tag, writes in CASES.items():
        s = trionet.connect(server.address()["port"], "127.0.0.1")
        await trionet.once(s, "connect")
        s.on("error", lambda e, tag=tag: log(f"{tag} error", e))
        closed = trio.Event()
        s.on("close", lambda _, closed=closed: closed.set())
        s.on("close", lambda had_error, tag=tag: log(f"{tag} close", had_error))

        def cb(name: str, tag: str = tag) -> Callable[..., None]:
            return lambda err=None: log(f"{tag} {name} cb", err)

        writes(s, cb)
        s.destroy(Exception("boom"))
        log(f"{tag} destroyed")
        await closed.wait()
    for c in conns:
        c.destroy()
    server.close()


run(main)
