# end() (with and without data) while the socket is still connecting: the
# end is remembered, 'connect' still comes, then the data and the FIN are
# sent ('finish'); the peer reads the data and 'end'; both sides close cleanly.
from _trace import grouped, log, run, trace

import trionet


def main() -> None:
    grouped()
    # Fixes the order of the groups in the output.
    for tag in ("withdata", "empty", "server"):
        log(tag)
    received: list[str] = []

    def on_connection(c: trionet.Socket) -> None:
        chunks: list[bytes] = []

        def on_close(_: bool) -> None:
            received.append(b"".join(chunks).decode())
            if len(received) < 2:
                return
            log("server received (sorted)", sorted(received))
            server.close()

        c.on("data", chunks.append)
        c.on("end", lambda: c.end())
        c.on("close", on_close)

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        for tag, args in (("withdata", ("bye",)), ("empty", ())):
            s = trionet.connect(server.address()["port"], "127.0.0.1")
            r = s.end(*args)
            log(
                f"{tag} after end()",
                r is s,
                s.connecting,
                s.writable_ended,
                s.writable_finished,
                s.ready_state,
            )
            trace(s, tag, "connect", "ready", "finish", "end", "error", "close")
            s.resume()

    server.listen(0, "127.0.0.1", on_listening)


run(main)
