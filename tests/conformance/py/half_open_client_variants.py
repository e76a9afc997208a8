# allow_half_open on the client side, given to trionet.connect(), to
# create_connection(), or to Socket() before connect(): after the server's
# FIN the client is no longer readable but still writable, a write still
# reaches the server, and the client ends when it chooses. Given only to
# socket.connect() on a plain Socket() it is not a constructor option: that
# client ends itself at once (allow_half_open False).
from collections.abc import Callable
from typing import Any

import trio
from _trace import grouped, log, run

import trionet

VARIANTS: list[tuple[str, Callable[[dict[str, Any]], trionet.Socket]]] = [
    ("connect", lambda o: trionet.connect(o)),
    ("createConnection", lambda o: trionet.create_connection(o)),
    ("new Socket(opts)", lambda o: trionet.Socket({"allow_half_open": True}).connect(o)),
    ("socket.connect(opts)", lambda o: trionet.Socket().connect(o)),
]


async def main() -> None:
    grouped()
    # Fixes the order of the groups in the output (the server's 'end' races the
    # next client).
    for tag in ("connect", "server", "createConnection", "new", "socket.connect(opts)"):
        log(tag)

    def on_connection(c: trionet.Socket) -> None:
        chunks: list[bytes] = []
        c.on("data", chunks.append)
        c.on("end", lambda: log("server got after its end", b"".join(chunks).decode()))
        c.end()

    server = trionet.create_server({"allow_half_open": True}, on_connection)
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    port = server.address()["port"]
    async with trio.open_nursery() as nursery:
        for tag, make in VARIANTS:
            client = make({"port": port, "host": "127.0.0.1", "allow_half_open": True})
            log(f"{tag} allowHalfOpen", client.allow_half_open)
            client.resume()
            client.on("finish", lambda tag=tag: log(f"{tag} finish"))

            async def later(client: trionet.Socket, tag: str) -> None:
                await trio.sleep(0.02)
                if client.writable:
                    log(f"{tag} write", client.write(tag))
                    client.end()

            def on_end(client: trionet.Socket = client, tag: str = tag) -> None:
                log(f"{tag} end", client.readable, client.writable)
                nursery.start_soon(later, client, tag)

            client.on("end", on_end)
            closed = trio.Event()
            client.on("close", lambda _, closed=closed: closed.set())
            await closed.wait()
            log(f"{tag} close")
    server.close()


run(main)
