# Writes made while connecting go to the kernel as 'connect' is emitted: past
# the high-water mark, 'drain' comes first (the queue is empty, and end() has
# not been called yet), then the first write's callback, then the 'connect'
# listeners (writable_length 0), 'ready', and the other writes' callbacks.
from _trace import grouped, log, run

import trionet


async def main() -> None:
    grouped()

    def on_connection(c: trionet.Socket) -> None:
        got: list[bytes] = []
        c.on("data", got.append)

        def on_end() -> None:
            log("server got", b"".join(got).decode())
            c.end()

        c.on("end", on_end)

    server = trionet.create_server(on_connection)
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    s = trionet.connect(
        {"port": server.address()["port"], "host": "127.0.0.1", "writable_high_water_mark": 4}
    )
    for i, text in enumerate(("abc", "def", "ghi"), 1):
        returned = s.write(text, lambda e, i=i: log(f"client callback {i}", e))
        log(f"client write {i} returns", returned)
    s.on("drain", lambda: log("client drain", s.writable_length, s.writable_ended))

    def on_connect() -> None:
        log("client connect listener", s.writable_length, s.writable_need_drain)
        s.end()

    def on_close(_: bool) -> None:
        log("client close")
        server.close()

    s.on("connect", on_connect)
    s.on("ready", lambda: log("client ready"))
    s.on("finish", lambda: log("client finish"))
    s.on("close", on_close)


run(main)
