# high_water_mark 0 still reads: a client with high_water_mark 0 and a 'data'
# listener gets everything; an accepted socket of a create_server(
# high_water_mark=0) read with 'readable' and read() does too. TCP, then Unix.
from collections.abc import Callable
from typing import Any

from _trace import log, run, tmp_path

import trionet

N = 100000


def scenario(tag: str, listen_args: tuple[Any, ...], after: Callable[[], Any]) -> None:
    def on_connection(c: trionet.Socket) -> None:
        log(f"{tag} server hwm", c.readable_high_water_mark, c.writable_high_water_mark)
        got = [0]

        def on_readable() -> None:
            while (chunk := c.read()) is not None:
                got[0] += len(chunk)

        def on_end() -> None:
            log(f"{tag} server got", got[0], c.bytes_read)
            c.end(b"s" * N)

        c.on("readable", on_readable)
        c.on("end", on_end)

    server = trionet.create_server(on_connection, high_water_mark=0)

    def on_listening() -> None:
        address = server.address()
        options = (
            {"path": address}
            if isinstance(address, str)
            else {"port": address["port"], "host": "127.0.0.1"}
        )
        client = trionet.connect({**options, "high_water_mark": 0})
        log(f"{tag} client hwm", client.readable_high_water_mark, client.writable_high_water_mark)
        got = [0]

        def on_data(d: bytes) -> None:
            got[0] += len(d)

        client.on("data", on_data)
        client.on("end", lambda: log(f"{tag} client got", got[0], client.bytes_read))
        client.end(b"c" * N)
        client.on("close", lambda _: server.close(lambda *_: after()))

    server.listen(*listen_args, on_listening)


def main() -> None:
    scenario(
        "tcp",
        (0, "127.0.0.1"),
        lambda: scenario("unix", (tmp_path("hwm0.sock"),), lambda: log("done")),
    )


run(main)
