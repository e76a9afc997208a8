# write() return values to a reading peer: True for small writes and for
# writes up to the high-water mark (16 KiB) that the kernel takes at once;
# callbacks run in order with None; writable_high_water_mark.
from _trace import grouped, log, run

import trionet


def main() -> None:
    grouped()

    def on_connection(c: trionet.Socket) -> None:
        n = [0]
        c.on("data", lambda d: n.__setitem__(0, n[0] + len(d)))

        def on_end() -> None:
            log("server received", n[0])
            server.close()

        c.on("end", on_end)

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        def on_connect() -> None:
            log("client hwm", client.writable_high_water_mark)
            log("client write small", client.write("x", lambda e: log("client cb 1", e)))
            log(
                "client write 16383",
                client.write(bytes(16383), lambda e: log("client cb 2", e)),
            )
            log(
                "client write 16384",
                client.write(bytes(16384), lambda e: log("client cb 3", e)),
            )
            log("client write empty", client.write("", lambda e: log("client cb 4", e)))
            client.end()

        client = trionet.connect(server.address()["port"], "127.0.0.1", on_connect)
        client.on("drain", lambda: log("client drain"))

    server.listen(0, "127.0.0.1", on_listening)


run(main)
