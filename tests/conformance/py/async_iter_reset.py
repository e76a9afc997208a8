# A server written with `async for` and try/except survives a client's reset:
# the iterator handles the socket's 'error' (no 'error' listener is needed),
# the loop raises ECONNRESET, and the next client is served.
from _trace import log, run

import trionet


def main() -> None:
    n = 0

    async def handler(c: trionet.Socket) -> None:
        nonlocal n
        n += 1
        tag = f"conn{n}"
        try:
            async for chunk in c:
                c.write(chunk)
            log(f"{tag} loop ended")
        except trionet.NetError as e:
            log(f"{tag} caught", e.code, c.destroyed)

    server = trionet.create_server(handler)

    def on_listening() -> None:
        port = server.address()["port"]
        first = trionet.connect(port, "127.0.0.1", lambda: first.write("one"))

        def on_first_data(d: bytes) -> None:
            log("first echo", d)
            first.reset_and_destroy()

        def on_first_close(_had_error: bool) -> None:
            second = trionet.connect(port, "127.0.0.1", lambda: second.write("two"))

            def on_second_data(d: bytes) -> None:
                log("second echo", d)
                second.end()

            second.on("data", on_second_data)
            second.on("close", lambda _h: server.close(lambda *_: log("server closed")))

        first.on("data", on_first_data)
        first.on("close", on_first_close)

    server.listen(0, "127.0.0.1", on_listening)


run(main)
