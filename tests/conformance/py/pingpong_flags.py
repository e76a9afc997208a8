# A ping-pong exchange (one PING, one PONG, N times) over TCP and over a
# Unix socket, with an allow_half_open server: readable/writable at each
# stage, buffer_size never holds more than one message, the last PING sent
# together with end() still gets its PONG, every write callback runs.
from collections.abc import Callable
from typing import Any

from _trace import grouped, log, run, tmp_path

import trionet

N = 50


def ping_pong(
    tag: str,
    listen_args: tuple[Any, ...],
    connect_args: Callable[[trionet.Server], tuple[Any, ...]],
) -> None:
    state = {"pongs_sent": 0, "max_buffer": 0, "server_data": 0}
    # Fixes the order of the groups in the output.
    log(f"{tag}-server start")
    log(f"{tag}-client start")

    def on_connection(c: trionet.Socket) -> None:
        c.set_encoding("utf8")

        def pong_sent(*_: object) -> None:
            state["pongs_sent"] += 1

        def on_data(d: str) -> None:
            state["server_data"] += 1
            state["max_buffer"] = max(state["max_buffer"], c.buffer_size)
            if state["server_data"] == 1:
                log(f"{tag}-server first data", d, c.readable, c.writable)
            c.write("PONG", pong_sent)

        def on_end() -> None:
            log(f"{tag}-server end", c.allow_half_open, c.readable, c.writable)
            c.end()

        def on_close(had_error: bool) -> None:
            log(
                f"{tag}-server close",
                had_error,
                c.readable,
                c.writable,
                state["server_data"],
                state["pongs_sent"],
                state["max_buffer"] <= 4,
            )
            server.close()

        c.on("data", on_data)
        c.on("end", on_end)
        c.on("close", on_close)

    server = trionet.create_server(on_connection, allow_half_open=True)

    def on_listening() -> None:
        client = trionet.connect(*connect_args(server))
        client.set_encoding("ascii")
        count = [0]
        final_sent = [False]

        def on_connect() -> None:
            log(f"{tag}-client connect", client.readable, client.writable)
            client.write("PING")

        def on_data(d: str) -> None:
            count[0] += 1
            if d != "PONG":
                log(f"{tag}-client unexpected", d)
            if final_sent[0]:
                log(f"{tag}-client data after end()", count[0], client.readable, client.writable)
                return
            if count[0] < N:
                client.write("PING")
            else:
                final_sent[0] = True
                client.write("PING")
                client.end()
                log(f"{tag}-client after end()", client.readable, client.writable)

        client.on("connect", on_connect)
        client.on("data", on_data)
        client.on("end", lambda: log(f"{tag}-client end", client.readable, client.writable))
        client.on(
            "close",
            lambda had_error: log(
                f"{tag}-client close", had_error, count[0], client.readable, client.writable
            ),
        )

    server.listen(*listen_args, on_listening)


def main() -> None:
    grouped()
    ping_pong("tcp", (0, "127.0.0.1"), lambda s: (s.address()["port"], "127.0.0.1"))
    ping_pong("unix", (tmp_path("pp.sock"),), lambda s: (s.address(),))


run(main)
