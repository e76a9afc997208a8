# Small API points: a new Socket's state (ready_state 'open', pending, no
# buffer_size: there is no handle yet); socket.server (the accepting Server on
# an accepted socket, None on a client); buffer_size is None once the handle
# is gone, and pending is True again after 'close'; server.close() with a
# non-function argument ignores it and closes; listen({fd: -1}) and a
# non-number local_port raise Node's codes.
from collections.abc import Callable
from typing import Any

import trio
from _trace import attempt, log, run

import trionet


def code(label: str, fn: Callable[[], Any]) -> None:
    """Only the codes: trionet's messages name the snake_case option."""
    try:
        fn()
    except Exception as e:
        log(label, getattr(e, "code", None))
    else:
        log(label, "no error")


async def main() -> None:
    u = trionet.Socket()
    log(
        "new",
        u.ready_state,
        u.pending,
        u.connecting,
        u.destroyed,
        u.buffer_size,
        u.server,
        u.bytes_read,
        u.bytes_written,
    )
    code("listen fd -1", lambda: trionet.create_server().listen({"fd": -1}))
    code(
        "localPort foobar",
        lambda: trionet.connect({"port": 1, "host": "127.0.0.1", "local_port": "foobar"}),
    )

    server = trionet.create_server()
    server.on("close", lambda: log("server close event"))
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    s = trionet.connect(server.address()["port"], "127.0.0.1")
    log("client connecting", s.ready_state, s.pending, s.buffer_size, s.server)
    connected = trio.Event()
    s.on("connect", connected.set)
    (c,) = await trionet.once(server, "connection")
    await connected.wait()
    log("client connected", s.ready_state, s.pending, s.buffer_size, s.server)
    log("server socket", c.server is server, c.ready_state, c.pending, c.buffer_size)
    closed = [trio.Event(), trio.Event()]
    s.on("close", lambda _: closed[0].set())
    c.on("close", lambda _: closed[1].set())
    s.resume()
    c.resume()
    s.end()
    for event in closed:
        await event.wait()
    log("client closed", s.ready_state, s.pending, s.buffer_size, s.destroyed)
    log("server socket closed", c.ready_state, c.pending, c.buffer_size, c.destroyed)
    attempt("server close 42", lambda: server.close(42))  # type: ignore[arg-type]
    log("server listening", server.listening)


run(main)
