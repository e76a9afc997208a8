# 'latin1' and its alias 'binary': every byte value 255..0 written as a
# string goes out as one byte each, and set_encoding('latin1') turns the echo
# back into the same string. A character above U+00FF written as latin1
# keeps only its low byte (U+0100 -> 0x00, U+20AC -> 0xAC).
from _trace import collect, grouped, log, run

import trionet

ALL = "".join(chr(i) for i in range(255, -1, -1))


def main() -> None:
    grouped()

    def on_connection(c: trionet.Socket) -> None:
        c.set_encoding("latin1")
        c.on("data", lambda chunk: c.write(chunk, "latin1"))

        def on_end() -> None:
            log("server bytesRead", c.bytes_read)
            c.end()

        c.on("end", on_end)
        c.on("close", lambda _: server.close())

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        client = trionet.connect(server.address()["port"], "127.0.0.1")
        client.set_encoding("latin1")
        chunks = collect(client, "client")

        def on_end() -> None:
            got = "".join(chunks)
            log("client got", len(got), got[:256] == ALL, got[256:])

        client.on("end", on_end)
        client.write(ALL, "binary")
        client.end("\u0100\u20ac", "latin1")
        log("client bytesWritten", client.bytes_written)

    server.listen(0, "127.0.0.1", on_listening)


run(main)
