# create_server's no_delay, keep_alive and keep_alive_initial_delay options
# are applied to every accepted socket: [TCP_NODELAY on, SO_KEEPALIVE on,
# TCP_KEEPIDLE in seconds], read with getsockopt (Node's side hands the socket
# to a python3 child for that); the system's idle time is printed as
# "default". Also: a non-number delay raises.
import os
import socket
from typing import Any

from _trace import log, run

import trionet


def probe(c: trionet.Socket) -> list[Any]:
    with socket.socket() as fresh:
        default = fresh.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE)
    with socket.socket(fileno=os.dup(c._trionet_handle_fileno)) as s:
        idle = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE)
        return [
            s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0,
            s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) != 0,
            "default" if idle == default else idle,
        ]


CASES: list[tuple[str, dict[str, Any]]] = [
    ("defaults", {}),
    ("all on", {"no_delay": True, "keep_alive": True, "keep_alive_initial_delay": 3000}),
    ("keepAlive only", {"keep_alive": True}),
    ("delay without keepAlive", {"keep_alive_initial_delay": 5000}),
]


async def check(label: str, options: dict[str, Any]) -> None:
    server = trionet.create_server(options)
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    client = trionet.connect(server.address()["port"], "127.0.0.1")
    client.resume()
    (c,) = await trionet.once(server, "connection")
    log(label, probe(c))
    c.destroy()
    client.destroy()
    server.close()
    await trionet.once(server, "close")


async def main() -> None:
    try:
        trionet.create_server({"keep_alive_initial_delay": "x"})
    except Exception as e:
        log("bad delay", getattr(e, "code", None))
    for label, options in CASES:
        await check(label, options)


run(main)
