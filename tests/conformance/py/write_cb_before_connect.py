# Writes made while connecting, then the connect never completes: every
# callback is called once. destroy() while connecting: the writes and end()
# get ERR_SOCKET_CLOSED_BEFORE_CONNECTION, no 'error', 'close'(False). A
# failed connect (ECONNREFUSED, or ENOENT for a Unix path): 'error' first;
# then the first write (the one waiting for 'connect') gets
# ERR_SOCKET_CLOSED_BEFORE_CONNECTION, the writes queued behind it and end()
# get the connect error; 'close'(True).
from typing import Any

import trio
from _trace import free_port, log, run, tmp_path

import trionet


async def attempt_writes(tag: str, args: tuple[Any, ...], destroy: bool) -> None:
    closed = trio.Event()
    s = trionet.connect(*args)
    s.write("a", lambda e: log(f"{tag} a cb", e))
    s.write("b", lambda e: log(f"{tag} b cb", e))
    s.end("c", lambda e: log(f"{tag} end cb", e))
    s.on("connect", lambda: log(f"{tag} connect"))
    s.on("error", lambda e: log(f"{tag} error", e))

    def on_close(had_error: bool) -> None:
        log(f"{tag} close", had_error)
        closed.set()

    s.on("close", on_close)
    if destroy:
        s.destroy()
    await closed.wait()


async def main() -> None:
    path = tmp_path("before.sock")
    tcp = trionet.create_server(lambda c: c.resume())
    unix = trionet.create_server(lambda c: c.resume())
    tcp.listen(0, "127.0.0.1")
    await trionet.once(tcp, "listening")
    unix.listen(path)
    await trionet.once(unix, "listening")
    await attempt_writes("tcp-destroy", (tcp.address()["port"], "127.0.0.1"), True)
    await attempt_writes("tcp-refused", (free_port(), "127.0.0.1"), False)
    await attempt_writes("unix-destroy", (path,), True)
    await attempt_writes("unix-enoent", (tmp_path("missing.sock"),), False)
    tcp.close()
    unix.close()


run(main)
