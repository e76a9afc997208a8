# The on_read option: with a static 8-byte buffer, 'hello world' comes as
# reads of 8 then 3 bytes into that same buffer, with no 'data' events but
# an 'end'; with a function, it is called for a fresh buffer at the start
# and after every read that got data (7 calls for 11 bytes in 2-byte
# buffers); pause() in the callback, or returning False, holds further
# reads until resume().
from typing import Any

from _trace import grouped, log, run, sleep

import trionet

VARIANTS = ["static", "pool", "pause", "returnfalse"]
MESSAGE = "hello world"


async def scenario(tag: str, port: int) -> None:
    reads: list[list[Any]] = []
    state = {"paused": False, "read_while_paused": False, "calls": 0}
    sock: list[trionet.Socket] = []
    timers = trionet.EventEmitter()

    async def resume_later() -> None:
        await sleep(30)
        state["paused"] = False
        sock[0].resume()

    timers.on("pause", resume_later)
    on_read: dict[str, Any]
    if tag == "pool":
        pool = [bytearray(2), bytearray(2), bytearray(2)]

        def buffer() -> bytearray:
            state["calls"] += 1
            return pool[(state["calls"] - 1) % len(pool)]

        def pool_callback(nread: int, buf: Any) -> None:
            reads.append([nread, buf is pool[(state["calls"] - 1) % len(pool)]])

        on_read = {"buffer": buffer, "callback": pool_callback}
    else:
        sock_buf = bytearray(8)

        def callback(nread: int, buf: Any) -> bool | None:
            if state["paused"]:
                state["read_while_paused"] = True
            reads.append([nread, buf is sock_buf, bytes(buf[:nread]).decode("latin1")])
            if tag == "static":
                return None
            state["paused"] = True
            timers.emit("pause")
            if tag == "pause":
                sock[0].pause()
                return None
            return False

        on_read = {"buffer": sock_buf, "callback": callback}
    s = trionet.connect({"port": port, "host": "127.0.0.1", "on_read": on_read})
    sock.append(s)
    s.on("data", lambda _: log(f"{tag} unexpected data event"))
    await trionet.once(s, "end")
    log(f"{tag} reads", reads)
    if tag == "pool":
        log(f"{tag} buffer() calls", state["calls"])
    if tag in ("pause", "returnfalse"):
        log(f"{tag} read while paused", state["read_while_paused"])


async def main() -> None:
    grouped()
    for tag in VARIANTS:
        log(tag)
    server = trionet.create_server(lambda c: c.end(MESSAGE))
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    for tag in VARIANTS:
        await scenario(tag, server.address()["port"])
        await sleep(10)
    server.close()


run(main)
