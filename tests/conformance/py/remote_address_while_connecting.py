# remote_address/remote_port/remote_family and local_address/local_port
# while connecting (unknown), at 'connect' (known), and on the accepted
# socket, over IPv4 and IPv6 loopback; the client's local port is the
# server side's remote port.
from typing import Any

from _trace import log, run, sleep

import trionet


def props(s: trionet.Socket) -> list[Any]:
    return [
        s.remote_address,
        s.remote_family,
        None if s.remote_port is None else "number",
        s.local_address,
        None if s.local_port is None else "number",
    ]


async def main() -> None:
    for host in ("127.0.0.1", "::1"):
        accepted: list[trionet.Socket] = []

        def on_connection(c: trionet.Socket, accepted: list[trionet.Socket] = accepted) -> None:
            accepted.append(c)
            c.resume()

        server = trionet.create_server(on_connection)
        server.listen(0, host)
        await trionet.once(server, "listening")
        port = server.address()["port"]
        s = trionet.connect(port, host)
        log(f"{host} connecting", s.connecting, *props(s))
        await trionet.once(s, "connect")
        log(f"{host} connected", *props(s), s.remote_port == port)
        while not accepted:
            await sleep(1)
        c = accepted[0]
        log(
            f"{host} accepted",
            *props(c),
            c.remote_port == s.local_port,
            c.local_port == port,
        )
        s.end()
        await trionet.once(s, "close")
        server.close()


run(main)
