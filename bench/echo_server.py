"""Echo server in Node style, the twin of shared/bench/peers/node_echo.js.

usage: python bench/echo_server.py PORT | python bench/echo_server.py /path/to.sock

Prints READY once listening (for shared/bench/compare.py).
"""

import sys

import trionet


def main(where: str) -> None:
    def on_connection(sock: trionet.Socket) -> None:
        sock.set_no_delay(True)
        sock.on("data", sock.write)
        sock.on("error", lambda err: None)

    server = trionet.create_server(on_connection)
    ready = lambda: print("READY", flush=True)  # noqa: E731
    if where.isdigit():
        server.listen({"port": int(where), "host": "127.0.0.1", "backlog": 4096}, ready)
    else:
        server.listen({"path": where, "backlog": 4096}, ready)


if __name__ == "__main__":
    trionet.run(main, sys.argv[1])
