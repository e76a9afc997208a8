"""Memory after churn through ``trionet forward``: killed downloads.

Clients connect through the forwarder to a backend that sends 8 MiB, read a random
part of it (64 KiB to 4 MiB), then reset the connection (SO_LINGER 0) mid-stream.
The forwarder's RSS (``/proc/PID/status``) is taken after a warm-up, right after
the churn, and again 10 s later: it must come back to within a few MiB of where
it started. Run with ``nox -s stress -- -k churn`` (or ``TRIONET_STRESS=1 pytest
tests/stress/test_forward_churn.py -s``); ``TRIONET_CHURN_N`` sets the number of
downloads (default 2 500).

Before the forwarder broke its listeners' reference cycles at close, every
closed pair waited for Python's cyclic garbage collector with its read-ahead and
write queue still attached: RSS went from 30 to 52 MiB and stayed there.
"""

from __future__ import annotations

import json
import os
import random
import socket
import struct
import subprocess
import sys
import time

import trio
from processes import ROOT, child_env

N = int(os.environ.get("TRIONET_CHURN_N", "2500"))
CONCURRENCY = 16
SETTLE_S = 10.0
MiB = 1 << 20

BACKEND = r"""
import trio
payload = bytes(range(256)) * (8 << 12)  # 8 MiB
async def handler(stream):
    try:
        await stream.send_all(payload)
    except (trio.BrokenResourceError, trio.ClosedResourceError):
        pass
async def main():
    listeners = await trio.open_tcp_listeners(0, host="127.0.0.1")
    print(listeners[0].socket.getsockname()[1], flush=True)
    await trio.serve_listeners(handler, listeners)
trio.run(main)
"""


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


async def killed_downloads(port: int, n: int, seed: int) -> int:
    """``n`` clients, ``CONCURRENCY`` at a time, each reset mid-download; bytes read."""
    rng = random.Random(seed)
    received = 0
    limit = trio.CapacityLimiter(CONCURRENCY)

    async def one(want: int) -> None:
        nonlocal received
        async with limit:
            with trio.socket.socket() as s:
                await s.connect(("127.0.0.1", port))
                got = 0
                while got < want:
                    chunk = await s.recv(65536)
                    if not chunk:
                        raise AssertionError(f"the download ended after {got} bytes")
                    got += len(chunk)
                received += got
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    with trio.fail_after(600):
        async with trio.open_nursery() as nursery:
            for _ in range(n):
                nursery.start_soon(one, rng.randint(64 << 10, 4 << 20))
    return received


def test_forward_memory_after_killed_downloads() -> None:
    backend = subprocess.Popen([sys.executable, "-c", BACKEND], stdout=subprocess.PIPE)
    forwarder: subprocess.Popen[bytes] | None = None
    try:
        assert backend.stdout is not None
        backend_port = int(backend.stdout.readline())
        target = f"127.0.0.1:{backend_port}"
        forwarder = subprocess.Popen(
            [sys.executable, "-m", "trionet", "forward", "127.0.0.1:0", target],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=child_env(),
            cwd=ROOT,
        )
        assert forwarder.stdout is not None
        ready = forwarder.stdout.readline().decode()
        assert ready.startswith("READY "), ready
        port = int(ready.rpartition(":")[2])

        trio.run(killed_downloads, port, 20, 0)  # warm-up: imports, first buffers
        before = rss_mib(forwarder.pid)
        started = time.monotonic()
        received = trio.run(killed_downloads, port, N, 1)
        elapsed = time.monotonic() - started
        after = rss_mib(forwarder.pid)
        time.sleep(SETTLE_S)  # a measurement interval, not a synchronisation
        settled = rss_mib(forwarder.pid)
        assert forwarder.poll() is None
        forwarder.terminate()
        _, err = forwarder.communicate(timeout=10)
    finally:
        for proc in (forwarder, backend):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.communicate(timeout=10)
    figures = {
        "downloads": N,
        "mib_received": received / MiB,
        "seconds": elapsed,
        "rss_mib_before": before,
        "rss_mib_after": after,
        "rss_mib_settled": settled,
    }
    print(f"\nFIGURES forward-churn {json.dumps({k: round(v, 2) for k, v in figures.items()})}")
    assert forwarder.returncode == 0, err  # SIGTERM: a clean stop
    assert err == b""  # no upstream failed
    assert settled - before < 8, figures
