"""A TCP port forwarder built on pipe().

usage: python examples/forwarder.py LISTEN_PORT TARGET_PORT [TARGET_HOST]
       (TARGET_HOST defaults to localhost)

Every connection accepted on LISTEN_PORT gets its own connection to the target,
and ``client.pipe(upstream).pipe(client)`` copies both ways, with backpressure
(``pipe()`` pauses the reader while the writer's queue is full). Both sides are
half-open, so a client's FIN is passed on and the target's answer still comes
back. An error on either side (a reset, say) is logged on stderr and destroys
both sockets of that connection, and only those. No-delay on both sides: the
forwarder passes each chunk on at once instead of adding Nagle's delay. Prints
READY once listening.

The same thing with more options is ``trionet forward LISTEN TARGET``.
"""

import sys

import trionet


def main(listen_port: str, target_port: str, target_host: str = "localhost") -> None:
    target = {
        "port": int(target_port),
        "host": target_host,
        "allow_half_open": True,
        "no_delay": True,
    }

    def on_connection(client: trionet.Socket) -> None:
        upstream = trionet.create_connection(target)

        def on_error(err: BaseException) -> None:
            print("connection error:", err, file=sys.stderr)
            client.destroy()
            upstream.destroy()

        client.on("error", on_error)
        upstream.on("error", on_error)
        client.pipe(upstream).pipe(client)  # pipe() returns its destination, as in Node

    server = trionet.create_server(on_connection, allow_half_open=True, no_delay=True)
    server.listen(
        int(listen_port),
        lambda: print(
            f"forwarding :{listen_port} -> {target_host}:{target_port}\nREADY", flush=True
        ),
    )


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    trionet.run(main, *sys.argv[1:4])
