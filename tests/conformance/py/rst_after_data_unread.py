# The peer writes more than fits in the client's receive buffer and is then
# destroyed with the client's request unread, so its kernel follows the
# data with a RST (no FIN: the write never finished). The client reads only
# later (paused for 150 ms), with the data and the reset both waiting:
# libuv reads 64 KiB, then the rest in a short read, sees the hang-up
# (POLLHUP) and reports EOF without reading again, so the reset is never
# seen: every byte, then 'end' and 'close'(false), no 'error'.
from _trace import log, run, sleep

import trionet


def main() -> None:
    async def on_connection(c: trionet.Socket) -> None:
        await sleep(50)  # the client's bytes are in c's kernel buffer, unread
        c.write(b"r" * (16 << 20))
        c.destroy()
        server.close()

    server = trionet.create_server(on_connection, pause_on_connect=True)

    def on_listening() -> None:
        s = trionet.connect(server.address()["port"], "127.0.0.1")
        s.pause()
        got = [0]

        def on_data(d: bytes) -> None:
            got[0] += len(d)

        async def on_connect() -> None:
            s.write("request")
            await sleep(150)
            s.on("data", on_data)
            s.on("end", lambda: log("end", got[0] > 0))
            s.resume()

        s.on("connect", on_connect)
        s.on("error", lambda e: log("error", e, got[0] > 0))
        s.on("close", lambda had_error: log("close", had_error))

    server.listen(0, "127.0.0.1", on_listening)


run(main)
