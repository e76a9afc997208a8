"""The facade's cost per message: a parked Node-style echo socket against raw calls.

usage: python bench/facade_cost.py [--messages N] [--repeats R]

In one process, on one real Unix socket (no scheduler, no load generator): a
peer sends 64 B, then either

* ``raw``: ``recv_into`` a buffer, ``send`` the bytes back (what any echo must
  do), or
* ``trionet``: the poller's callback ``Socket._poll_readable()`` of a socket
  with ``sock.on("data", sock.write)`` (what ``bench/echo_server.py`` runs per
  message: the read, ``'data'``, ``write()``);

and the peer reads the echo. The difference of the two, per message, is what
the facade adds to each small message (best of R repeats of N messages each).
It is stable to a few hundredths of a microsecond from run to run, where a
throughput A/B on this machine drifts by 10 %: use it to see a change to the
per-message path, then confirm with ``bench/ab.py``.
"""

from __future__ import annotations

import argparse
import os
import socket
import tempfile
import time
from typing import Any

import trio
import trio.testing

import trionet


async def measure(messages: int, repeats: int) -> dict[str, float]:
    path = os.path.join(tempfile.mkdtemp(prefix="trionet-facade-"), "echo.sock")
    accepted: list[trionet.Socket] = []
    connected = trio.Event()

    def on_connection(sock: trionet.Socket) -> None:
        sock.on("data", sock.write)
        accepted.append(sock)
        connected.set()

    listening = trio.Event()
    server = trionet.create_server(on_connection)
    server.listen(path, listening.set)
    await listening.wait()
    peer = socket.socket(socket.AF_UNIX)
    peer.connect(path)
    await connected.wait()
    sock = accepted[0]
    await trio.testing.wait_all_tasks_blocked()  # the poller has it after its first look
    assert sock._parked
    raw: Any = sock._sock
    poll = sock._poll_readable
    message, buf = b"x" * 64, bytearray(65536)
    view = memoryview(buf)
    best = {"raw": float("inf"), "trionet": float("inf")}
    try:
        for _ in range(repeats):
            start = time.perf_counter()
            for _ in range(messages):
                peer.send(message)
                raw.send(bytes(view[: raw.recv_into(view)]))
                peer.recv_into(buf)
            middle = time.perf_counter()
            for _ in range(messages):
                peer.send(message)
                poll()
                peer.recv_into(buf)
            end = time.perf_counter()
            best["raw"] = min(best["raw"], (middle - start) / messages * 1e6)
            best["trionet"] = min(best["trionet"], (end - middle) / messages * 1e6)
    finally:
        peer.close()
        server.close()
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    best = trionet.run(measure, args.messages, args.repeats)
    print(
        f"raw {best['raw']:.3f} us  trionet {best['trionet']:.3f} us  "
        f"facade {best['trionet'] - best['raw']:.3f} us per message"
    )


if __name__ == "__main__":
    main()
