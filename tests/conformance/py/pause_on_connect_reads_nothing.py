# Nothing is read from the kernel while a socket is paused from the start:
# an accepted socket of a pause_on_connect server, and a client paused before
# it connects. bytes_read and readable_length stay 0 while the peer's bytes
# wait in the kernel; resume() then delivers them all. TCP, then Unix.
from typing import Any

import trio
from _trace import grouped, log, run, sleep, tmp_path

import trionet

N = 3000


def count_data(s: trionet.Socket, tag: str) -> None:
    got = [0]

    def on_data(d: bytes) -> None:
        got[0] += len(d)

    s.on("data", on_data)
    s.on("end", lambda: log(f"{tag} end", got[0], s.bytes_read))


async def scenario(tag: str, listen_args: tuple[Any, ...]) -> None:
    server = trionet.create_server(pause_on_connect=True)
    server.listen(*listen_args)
    await trionet.once(server, "listening")
    address = server.address()
    args = (address,) if isinstance(address, str) else (address["port"], "127.0.0.1")
    client = trionet.connect(*args)
    client.pause()
    connected = trio.Event()
    client.on("connect", connected.set)
    closed = trio.Event()
    client.on("close", lambda _: closed.set())
    (c,) = await trionet.once(server, "connection")
    await connected.wait()

    # The server side: the client's N bytes wait unread.
    c.once("data", lambda d: log(f"{tag}-server first data", c.bytes_read > 0))
    count_data(c, f"{tag}-server")
    c.on("end", lambda: c.end())
    written = [trio.Event(), trio.Event()]
    c.write(b"s" * N, lambda e: written[0].set())
    client.end(b"c" * N, lambda e: written[1].set())
    for event in written:
        await event.wait()
    await sleep(60)
    log(f"{tag}-server paused", c.is_paused(), c.bytes_read, c.readable_length)
    log(f"{tag}-client paused", client.is_paused(), client.bytes_read, client.readable_length)
    count_data(client, f"{tag}-client")
    c.resume()
    client.resume()
    await closed.wait()
    server.close()
    await trionet.once(server, "close")


async def main() -> None:
    # One group per socket, in this order (the two sides of a connection race).
    grouped()
    for tag in ("tcp-server", "tcp-client", "unix-server", "unix-client"):
        log(tag)
    await scenario("tcp", (0, "127.0.0.1"))
    await scenario("unix", (tmp_path("paused.sock"),))
    log("done")


run(main)
