# `async for` over a socket ends once the stream has emitted 'end': an 'end'
# listener runs before the loop is left, and readable_ended is then true.
# (What the socket does after the loop is not compared: Node's iterator
# destroys it, trionet's leaves it to its owner, see node-compat.md.)
from _trace import log, run

import trionet


def main() -> None:
    async def on_connection(c: trionet.Socket) -> None:
        c.on("end", lambda: log("end event", c.readable_ended))
        got: list[bytes] = []
        async for d in c:
            got.append(d)
        log("loop done", b"".join(got), c.readable_ended)
        server.close()

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        s = trionet.connect(server.address()["port"], "127.0.0.1", lambda: s.end("hello"))
        s.resume()

    server.listen(0, "127.0.0.1", on_listening)


run(main)
