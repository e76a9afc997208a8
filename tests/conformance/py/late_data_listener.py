# Data that arrived before anyone listened is buffered and delivered as
# soon as a 'data' listener is added (no further data is needed). The peer
# keeps the connection open; the client gives up after 1 s.
from _trace import log, run, sleep

import trionet


async def main() -> None:
    def on_connection(c: trionet.Socket) -> None:
        c.write("early")
        c.resume()
        c.on("close", lambda _: server.close())

    server = trionet.create_server(on_connection)
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    client = trionet.connect(server.address()["port"], "127.0.0.1")
    await sleep(200)
    log("readableLength", client.readable_length)
    got: list[bytes] = []

    def on_data(d: bytes) -> None:
        got.append(d)
        log("data", d)
        client.end()

    client.on("data", on_data)
    await sleep(1000)
    if not got:
        log("no data within 1 s")
        client.destroy()


run(main)
