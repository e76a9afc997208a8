# What a closed socket reports about its own end: address() is {} and
# local_address/local_port are None once the handle is gone (only the remote
# address is kept); set_timeout() on a closed socket sets nothing (timeout
# stays None, no 'timeout' comes). (buffer_size after close: api_small_points.)
import trio
from _trace import log, run

import trionet


def main() -> None:
    server = trionet.create_server(lambda c: c.end())

    def on_listening() -> None:
        c = trionet.connect(server.address()["port"], "127.0.0.1")

        def on_connect() -> None:
            log("connected address()", c.address())
            log("connected local", c.local_address, c.local_port > 0)

        c.on("connect", on_connect)
        c.on("timeout", lambda: log("timeout"))
        c.resume()

        async def on_close(_: bool) -> None:
            log("closed address()", c.address())
            log("closed local", c.local_address, c.local_port, c.local_family)
            c.set_timeout(10)
            log("closed timeout after setTimeout(10)", c.timeout)
            await trio.sleep(0.05)
            server.close()

        c.on("close", on_close)

    server.listen(0, "127.0.0.1", on_listening)


run(main)
