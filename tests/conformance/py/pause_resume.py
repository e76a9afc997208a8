# pause() stops 'data' (the data waits), resume() delivers it; is_paused().
from _trace import log, run, sleep

import trionet


async def main() -> None:
    async def on_connection(c: trionet.Socket) -> None:
        c.write("one ")
        await sleep(30)
        c.write("two ")
        await sleep(30)
        c.end("three")
        c.resume()
        c.on("close", lambda _: server.close())

    server = trionet.create_server(on_connection)
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    client = trionet.connect(server.address()["port"], "127.0.0.1")
    chunks: list[bytes] = []
    state = {"paused": False, "while_paused": 0}

    def on_data(d: bytes) -> None:
        if state["paused"]:
            state["while_paused"] += 1
        chunks.append(d)

    client.on("data", on_data)
    client.pause()
    state["paused"] = True
    log("isPaused", client.is_paused())
    client.on("end", lambda: log("end data", b"".join(chunks)))
    client.on("close", lambda h: log("close", h))
    await sleep(200)
    log("received while paused", len(chunks), state["while_paused"])
    state["paused"] = False
    client.resume()
    log("isPaused", client.is_paused())


run(main)
