# allow_half_open False (the default): when the peer's FIN arrives the socket
# ends its own side too, but it is not destroyed at 'end' nor at 'finish';
# 'close' comes after both. Seen from the side that ends first (the server,
# with data) and from the side that ends in reply (the client), and from the
# client that calls end() first and then gets the server's FIN.
from _trace import grouped, log, run

import trionet


def watch(s: trionet.Socket, tag: str) -> None:
    s.on("end", lambda: log(f"{tag} end", s.destroyed, s.ready_state, s.readable, s.writable))
    s.on("finish", lambda: log(f"{tag} finish", s.destroyed))
    s.on("close", lambda had_error: log(f"{tag} close", had_error, s.destroyed))


def main() -> None:
    grouped()
    n = 0

    def on_connection(c: trionet.Socket) -> None:
        nonlocal n
        n += 1
        watch(c, f"server{n}")
        c.resume()
        if n == 1:
            c.end(bytes(1024))
        mine = n
        c.on("close", lambda _: server.close() if mine == 2 else None)

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        port = server.address()["port"]
        a = trionet.connect(port, "127.0.0.1")
        log("a allowHalfOpen", a.allow_half_open)
        watch(a, "a")
        a.resume()

        def on_a_close(_: bool) -> None:
            b = trionet.connect(port, "127.0.0.1", lambda: b.end())
            watch(b, "b")
            b.resume()

        a.on("close", on_a_close)

    server.listen(0, "127.0.0.1", on_listening)


run(main)
