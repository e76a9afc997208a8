# server.close() with two live connections, then destroy() each twice: the
# server stops listening at once, every connection emits 'close' (false)
# exactly once, get_connections() counts 0 at once (not below), and the
# server emits 'close', then runs the close callback.
from _trace import grouped, log, run

import trionet


def main() -> None:
    grouped()
    # Fixes the order of the groups in the output.
    for tag in ("server", "count", "conn1", "conn2", "client1", "client2"):
        log(tag)
    accepted: list[trionet.Socket] = []

    def on_connection(c: trionet.Socket) -> None:
        accepted.append(c)
        n = len(accepted)
        c.on("close", lambda had_error: log(f"conn{n} close", had_error, c.destroyed))
        if n < 2:
            return
        r = server.close(lambda err=None: log("server close cb", err))
        log("server close() returns server", r is server)
        log("server listening", server.listening)
        for s in accepted:
            log("server destroy returns socket", s.destroy() is s, s.destroy() is s)
        server.get_connections(
            lambda err, count: log("count getConnections right after destroy()", err, count)
        )

    server = trionet.create_server(on_connection)
    server.on("close", lambda: log("server close event"))

    def on_listening() -> None:
        for name in ("client1", "client2"):
            c = trionet.connect(server.address()["port"], "127.0.0.1")
            c.resume()
            c.on("connect", lambda name=name: log(f"{name} connect"))
            c.on("end", lambda name=name: log(f"{name} end"))
            c.on("error", lambda e, name=name: log(f"{name} error", e.code))
            c.on("close", lambda had_error, name=name: log(f"{name} close", had_error))

    server.listen(0, "127.0.0.1", on_listening)


run(main)
