# Every end() overload takes a callback: end(cb), end(str, cb),
# end(str, enc, cb), end(buf, cb), end(str, 'hex', cb). Each callback runs
# once, with no error, and the peer gets the decoded bytes.
from collections.abc import Callable
from typing import Any

from _trace import grouped, log, run

import trionet

FORMS: dict[str, Callable[[trionet.Socket, Any], Any]] = {
    "bare": lambda s, cb: s.end(cb),
    "string": lambda s, cb: s.end("foo", cb),
    "utf8": lambda s, cb: s.end("fø", "utf8", cb),
    "buffer": lambda s, cb: s.end(bytes([0, 255]), cb),
    "hex": lambda s, cb: s.end("6869", "hex", cb),
}


def main() -> None:
    grouped()
    # Fixes the order of the groups in the output.
    for tag in FORMS:
        log(tag)
    log("server")
    received: list[str] = []

    def on_connection(c: trionet.Socket) -> None:
        chunks: list[bytes] = []

        def on_end() -> None:
            received.append(b"".join(chunks).hex())
            c.end()
            if len(received) == len(FORMS):
                log("server received hex (sorted)", sorted(received))
                server.close()

        c.on("data", chunks.append)
        c.on("end", on_end)

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        for tag, form in FORMS.items():
            s = trionet.connect(server.address()["port"], "127.0.0.1")

            def on_connect(s: trionet.Socket = s, tag: str = tag, form: Any = form) -> None:
                form(s, lambda *args: log(f"{tag} end callback", *args))

            s.on("connect", on_connect)
            s.resume()
            s.on("close", lambda had_error, tag=tag: log(f"{tag} close", had_error))

    server.listen(0, "127.0.0.1", on_listening)


run(main)
