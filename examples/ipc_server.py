"""An IPC server on a Unix socket: JSON requests and replies, one per line.

usage: python examples/ipc_server.py [PATH]   (default /tmp/trionet-ipc.sock)

A request is ``{"id": 1, "method": "upper", "params": ["hello"]}`` on one line; the
reply is ``{"id": 1, "result": "HELLO"}`` (or ``{"id": 1, "error": "..."}``) on one
line. Methods: ``ping``, ``upper``, ``sum``, ``pid``. Talk to it with
``examples/ipc_client.py`` or ``nc -U PATH``. Prints READY once listening; Ctrl-C
stops it and removes the socket file (Node leaves the file behind). A client that
goes away mid-request costs its own connection only: the error is logged on stderr.
"""

import json
import os
import sys
from collections.abc import Callable
from typing import Any

import trionet

METHODS: dict[str, Callable[..., Any]] = {
    "ping": lambda: "pong",
    "upper": lambda text: str(text).upper(),
    "sum": lambda *numbers: sum(numbers),
    "pid": os.getpid,
}


def answer(line: str) -> dict[str, Any]:
    """The reply to one request line."""
    try:
        request = json.loads(line)
        method = METHODS[request["method"]]
    except (ValueError, KeyError, TypeError):
        return {"id": None, "error": f"bad request: {line[:80]!r}"}
    try:
        return {"id": request.get("id"), "result": method(*request.get("params", []))}
    except Exception as exc:  # the method's error goes back to the client
        return {"id": request.get("id"), "error": f"{type(exc).__name__}: {exc}"}


def main(path: str = "/tmp/trionet-ipc.sock") -> None:
    def on_connection(sock: trionet.Socket) -> None:
        pending = ""
        sock.on("error", lambda err: print("connection error:", err, file=sys.stderr))
        sock.set_encoding("utf8")

        def on_data(text: str) -> None:
            nonlocal pending
            *lines, pending = (pending + text).split("\n")
            replies = [json.dumps(answer(line)) + "\n" for line in lines if line.strip()]
            if replies:
                sock.write("".join(replies))  # one write for every request in this chunk

        sock.on("data", on_data)

    server = trionet.create_server(on_connection)
    server.listen(path, lambda: print(f"listening on {server.address()}\nREADY", flush=True))


if __name__ == "__main__":
    trionet.run(main, *sys.argv[1:2])
