# bytes_read / bytes_written on both ends, with multi-byte strings and
# encodings; bytes_written counts what write() accepted.
from _trace import grouped, log, run

import trionet


def main() -> None:
    grouped()

    def on_connection(c: trionet.Socket) -> None:
        c.resume()

        def on_end() -> None:
            log("server bytesRead", c.bytes_read, "bytesWritten", c.bytes_written)
            c.end("ñ€", lambda *_: log("server after end bytesWritten", c.bytes_written))

        c.on("end", on_end)
        c.on("close", lambda _: server.close())

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        client = trionet.connect(server.address()["port"], "127.0.0.1")
        log("client before connect", client.bytes_read, client.bytes_written)
        client.write("héllo")
        client.write(bytes([1, 2, 3]))
        client.write("6869", "hex")
        client.write("aGk=", "base64")
        client.end("€")
        log("client after writes bytesWritten", client.bytes_written)
        client.resume()
        client.on(
            "close",
            lambda _: log(
                "client close bytesRead", client.bytes_read, "bytesWritten", client.bytes_written
            ),
        )

    server.listen(0, "127.0.0.1", on_listening)


run(main)
