"""The IPC client for examples/ipc_server.py: JSON requests over a Unix socket.

usage: python examples/ipc_client.py PATH [METHOD [PARAM ...]]

With no METHOD it sends three requests (``ping``, ``upper hello``, ``sum 1 2 3``);
otherwise one. Each PARAM is JSON if it parses (``3``, ``"x"``, ``[1]``), else a
string. Prints one ``method -> result`` line per reply, then ends the connection;
exits 1 if a reply was an error or the server cannot be reached.
"""

import json
import sys
from typing import Any

import trio

import trionet


def parse_param(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


async def main(path: str, *command: str) -> int:
    if command:
        requests = [(command[0], [parse_param(p) for p in command[1:]])]
    else:
        requests = [("ping", []), ("upper", ["hello"]), ("sum", [1, 2, 3])]
    status = 0
    pending = ""
    replies = 0

    def on_connect() -> None:
        for i, (method, params) in enumerate(requests):
            client.write(json.dumps({"id": i, "method": method, "params": params}) + "\n")

    def on_data(text: str) -> None:
        nonlocal pending, replies, status
        *lines, pending = (pending + text).split("\n")
        for line in lines:
            reply = json.loads(line)
            method = requests[reply["id"]][0] if reply["id"] is not None else "?"
            if "error" in reply:
                status = 1
                print(f"{method} -> error: {reply['error']}", flush=True)
            else:
                print(f"{method} -> {json.dumps(reply['result'])}", flush=True)
            replies += 1
            if replies == len(requests):
                client.end()

    def on_error(err: trionet.NetError) -> None:
        nonlocal status
        status = 1
        print(f"ipc_client: {err}", file=sys.stderr, flush=True)

    closed = trio.Event()
    client = trionet.create_connection({"path": path}, on_connect)
    client.set_encoding("utf8")
    client.on("data", on_data)
    client.on("error", on_error)
    client.on("close", lambda had_error: closed.set())
    await closed.wait()  # an async main: its result is what trionet.run returns
    return status


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(trionet.run(main, *sys.argv[1:]))
