# get_connections(cb): cb(None, count), asynchronously, as connections come and go.
from _trace import log, run, sleep

import trionet


async def main() -> None:
    server = trionet.create_server(lambda c: c.resume())
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")

    async def count() -> None:
        done = trionet.EventEmitter()
        state = {"sync": True}

        def cb(err: object, n: int) -> None:
            log("getConnections", err, n, "sync", state["sync"])
            done.emit("done")

        server.get_connections(cb)
        state["sync"] = False
        await trionet.once(done, "done")

    async def current() -> int:
        got: list[int] = []
        server.get_connections(lambda err, n: got.append(n))
        while not got:
            await sleep(1)
        return got[0]

    await count()
    port = server.address()["port"]
    a = trionet.connect(port, "127.0.0.1")
    await trionet.once(server, "connection")
    b = trionet.connect(port, "127.0.0.1")
    await trionet.once(server, "connection")
    await count()
    a.end()
    await trionet.once(a, "close")
    while await current() > 1:
        await sleep(5)
    await count()
    b.destroy()
    server.close(lambda *_: log("server closed"))
    await trionet.once(server, "close")
    await count()


run(main)
