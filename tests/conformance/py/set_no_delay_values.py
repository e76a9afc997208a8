# set_no_delay(value) on a connected socket takes the truthiness of value,
# with undefined (no argument, or None) meaning true; read back with
# TCP_NODELAY. ({} and [] are left out: they are truthy in JavaScript and
# falsy in Python.)
import socket
from typing import Any

from _trace import log, run

import trionet


def nodelay(s: trionet.Socket) -> bool:
    # The kernel socket is internal (as Node's _handle.fd is on the Node side).
    assert s._sock is not None
    return s._sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0


async def main() -> None:
    server = trionet.create_server(lambda c: c.resume())
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    s = trionet.connect(server.address()["port"], "127.0.0.1")
    await trionet.once(s, "connect")
    cases: tuple[tuple[str, tuple[Any, ...]], ...] = (
        ("()", ()),
        ("(undefined)", (None,)),
        ("(1)", (1,)),
        ("('true')", ("true",)),
        ("(0)", (0,)),
        ("('')", ("",)),
        ("(false)", (False,)),
        ("(true)", (True,)),
    )
    for label, args in cases:
        s.set_no_delay(False)
        s.set_no_delay(*args)
        log(f"setNoDelay{label}", nodelay(s))
    s.destroy()
    server.close()


run(main)
