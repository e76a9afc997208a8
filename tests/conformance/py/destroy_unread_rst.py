# destroy() of a pause_on_connect socket that has read nothing while the
# peer's bytes wait in its kernel buffer: the kernel resets the connection, so
# the peer gets 'error' ECONNRESET and 'close'(True), never 'end'. (Unix
# sockets do the same on Linux.) TCP, then Unix.
from typing import Any

import trio
from _trace import grouped, log, run, tmp_path

import trionet


async def scenario(tag: str, listen_args: tuple[Any, ...]) -> None:
    server = trionet.create_server(pause_on_connect=True)
    server.listen(*listen_args)
    await trionet.once(server, "listening")
    address = server.address()
    args = (address,) if isinstance(address, str) else (address["port"], "127.0.0.1")
    client = trionet.connect(*args)
    client.resume()
    written = trio.Event()
    closed = trio.Event()
    client.write("unread bytes", lambda e: written.set())
    client.on("end", lambda: log(f"{tag}-client end"))
    client.on("error", lambda e: log(f"{tag}-client error", e.code, e.syscall))

    def on_close(had_error: bool) -> None:
        log(f"{tag}-client close", had_error)
        closed.set()

    client.on("close", on_close)
    (c,) = await trionet.once(server, "connection")
    await written.wait()
    log(f"{tag}-server destroys", c.bytes_read, c.is_paused())
    c.on("close", lambda had_error: log(f"{tag}-server close", had_error))
    c.destroy()
    await closed.wait()
    server.close()
    await trionet.once(server, "close")


async def main() -> None:
    # One group per socket, in this order (the two sides of a connection race).
    grouped()
    for tag in ("tcp-server", "tcp-client", "unix-server", "unix-client"):
        log(tag)
    await scenario("tcp", (0, "127.0.0.1"))
    await scenario("unix", (tmp_path("rst.sock"),))
    log("done")


run(main)
