# max_connections = 1: a second connection is dropped while the first is
# open; once the first has closed its slot is free again, so the next
# connection is served and the one after it is dropped.
from _trace import log, run

import trionet


async def main() -> None:
    def on_connection(c: trionet.Socket) -> None:
        def on_data(d: bytes) -> None:
            log("server got", d)
            c.write(b"ack " + d)

        c.on("data", on_data)
        c.on("close", lambda _: server.emit("conn closed"))

    server = trionet.create_server(on_connection)
    server.max_connections = 1
    drops = [0]
    server.on("drop", lambda *_: drops.__setitem__(0, drops[0] + 1))

    def open_(name: str, port: int) -> trionet.Socket:
        c = trionet.connect(port, "127.0.0.1")
        c.set_encoding("utf8")
        c.on("error", lambda e: log(f"{name} error", e.code))
        return c

    async def served(name: str, port: int) -> trionet.Socket:
        c = open_(name, port)
        await trionet.once(c, "connect")
        c.write(name)
        (reply,) = await trionet.once(c, "data")
        log(f"{name} reply", reply)
        return c

    async def dropped(name: str, port: int) -> None:
        c = open_(name, port)
        got: list[str] = []
        c.on("data", got.append)
        c.on("end", lambda: log(f"{name} end"))
        await trionet.once(c, "close")
        log(f"{name} closed; data", "".join(got), "drops", drops[0])

    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    port = server.address()["port"]
    first = await served("first", port)
    await dropped("second", port)
    first.end()
    await trionet.once(server, "conn closed")
    log("first closed")
    third = await served("third", port)
    await dropped("fourth", port)
    server.close(lambda *_: log("server closed"))
    third.end()


run(main)
