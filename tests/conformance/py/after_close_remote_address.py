# An accepted socket's remote address after 'close': asked of the kernel
# (getpeername) on first use and cached, as in Node, so it is still known in
# 'close' when something asked while the connection was open, and None when
# nothing did (no descriptor left to ask), also when first asked right after
# destroy(). Also for a client that never asked. (The local end:
# after_close_local_state.)
from _trace import log, run

import trionet


def main() -> None:
    accepted = 0

    def on_connection(c: trionet.Socket) -> None:
        nonlocal accepted
        accepted += 1
        n = accepted
        if n == 1:
            log("first asked while open", c.remote_address, c.remote_port > 0)

        def on_close(_: bool) -> None:
            port = c.remote_port
            log(
                f"server side {n} closed remote",
                c.remote_address,
                port is not None and port > 0,
                c.remote_family,
            )
            if n == 2:
                third = trionet.connect(server.address()["port"], "127.0.0.1")
                third.on("error", lambda err: None)
                third.resume()
            if n == 3:
                server.close()

        c.on("close", on_close)
        if n == 3:
            c.destroy()
            port = c.remote_port
            log(
                "third asked after destroy()",
                c.remote_address,
                port is not None and port > 0,
                c.remote_family,
            )
        else:
            c.end()

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        port = server.address()["port"]
        first = trionet.connect(port, "127.0.0.1")
        first.resume()

        def on_first_close(_: bool) -> None:
            log("client closed remote", first.remote_address, first.remote_port)
            second = trionet.connect(port, "127.0.0.1")
            second.resume()

        first.on("close", on_first_close)

    server.listen(0, "127.0.0.1", on_listening)


run(main)
