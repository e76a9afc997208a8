# set_no_delay() and set_keep_alive() called on a new Socket before
# connect(), or while it connects, return the socket and are applied to the
# kernel socket once it exists; the last call wins. Read back with
# getsockopt (TCP_NODELAY, SO_KEEPALIVE and, when that is on, TCP_KEEPIDLE
# in seconds).
import socket
from collections.abc import Callable
from typing import Any

from _trace import log, run

import trionet


def probe(s: trionet.Socket) -> list[Any]:
    # The kernel socket is internal (as Node's _handle.fd is on the Node side).
    raw = s._sock
    assert raw is not None
    keepalive = raw.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) != 0
    return [
        raw.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0,
        keepalive,
        raw.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) if keepalive else None,
    ]


CASES: dict[str, Callable[[trionet.Socket], Any]] = {
    "nothing": lambda s: None,
    "setNoDelay()": lambda s: s.set_no_delay(),
    "setNoDelay(true), setNoDelay(false)": lambda s: s.set_no_delay(True).set_no_delay(False),
    "setKeepAlive(true, 3000)": lambda s: s.set_keep_alive(True, 3000),
    "setKeepAlive(true, 5000), setKeepAlive(false)": lambda s: s.set_keep_alive(
        True, 5000
    ).set_keep_alive(False),
}


async def main() -> None:
    server = trionet.create_server(lambda c: c.resume())
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    port = server.address()["port"]
    for label, apply in CASES.items():
        for when in ("before connect", "while connecting"):
            s = trionet.Socket()
            if when == "before connect":
                apply(s)
            s.connect(port, "127.0.0.1")
            if when == "while connecting":
                apply(s)
            await trionet.once(s, "connect")
            log(f"{label} {when}", probe(s))
            s.destroy()
    s = trionet.Socket()
    log("returns the socket", s.set_no_delay() is s and s.set_keep_alive(True) is s)
    s.destroy()
    server.close()


run(main)
