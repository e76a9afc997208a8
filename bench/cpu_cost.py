"""CPU time per operation of echo servers side by side: where each one's time goes.

usage: python bench/cpu_cost.py [--unix] [--mode pingpong|connect|stream] [--conns N]
                                [--size B] [--rounds N] [--only NAME,...] [NAME=COMMAND ...]

Throughput on a shared two-core machine drifts by a factor of two; the CPU a
server spends per operation drifts far less (a server waiting for its core costs
nothing meanwhile). For each server this runs the C load generator of
``../shared/bench/`` against it (server on core 1, load on core 0, 1 s of warm-up
then 3 s) and reads the server's user and system time from ``/proc/PID/stat``
around the run: microseconds per round trip (pingpong), per connection (connect)
or per MB echoed (stream), median over rounds, beside the throughput.

The servers by default: ``node-style`` (``bench/echo_server.py``), ``async-for``
(``bench/trio_style_echo.py``), the two floors of ``bench/floors.py``
(``floor-callback``, ``floor-task``), uvloop's Protocol (if uvloop is installed),
Node (if ``node`` is) and the C epoll server. ``--only`` picks some; ``NAME=COMMAND``
adds one (``{where}`` in COMMAND is the port or the socket path).

User time is the language's share (the facade, the loop, the scheduler), system
time the kernel's: a gap in user time between two servers making the same system
calls is work one of them does in Python and the other does not.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shlex
import shutil
import statistics
import sys
import tempfile

from ab import BACKEND, LOAD, free_port, serve_and_load

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "bench", "peers"))


def default_servers() -> dict[str, str]:
    py = shlex.quote(sys.executable)
    servers = {
        "node-style": f"{py} {HERE}/echo_server.py {{where}}",
        "async-for": f"{py} {HERE}/trio_style_echo.py {{where}}",
        "floor-callback": f"{py} {HERE}/floors.py callback {{where}}",
        "floor-task": f"{py} {HERE}/floors.py task {{where}}",
    }
    if importlib.util.find_spec("uvloop") is not None:
        servers["uvloop-proto"] = f"{py} {PEERS}/asyncio_echo.py {{where}} protocol uvloop"
    if shutil.which("node"):
        servers["node"] = f"node {PEERS}/node_echo.js {{where}}"
    if os.path.exists(BACKEND):
        servers["c-epoll"] = f"{BACKEND} {{where}}"
    return servers


def measure(command: str, a: argparse.Namespace) -> tuple[float, float, float]:
    """(throughput, user us per op, system us per op) of one server, one run."""
    where = os.path.join(tempfile.mkdtemp(), "e.sock") if a.unix else str(free_port())
    return serve_and_load(shlex.split(command.format(where=where)), where, a)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--unix", action="store_true")
    ap.add_argument("--mode", default="pingpong", choices=["pingpong", "connect", "stream"])
    ap.add_argument("--conns", type=int, default=0, help="default: 100 pingpong, 50 connect")
    ap.add_argument("--size", type=int, default=0, help="default: 64, or 65536 for stream")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", default="")
    ap.add_argument("extra", nargs="*", metavar="NAME=COMMAND")
    a = ap.parse_args()
    a.conns = a.conns or {"pingpong": 100, "connect": 50, "stream": 1}[a.mode]
    a.size = a.size or (65536 if a.mode == "stream" else 64)
    if not os.path.exists(LOAD):
        sys.exit(f"{LOAD} is missing: run ../shared/bench/compare.py --quick once to build it")
    servers = default_servers()
    for item in a.extra:
        name, command = item.split("=", 1)
        servers[name] = command
    if a.only:
        servers = {name: servers[name] for name in a.only.split(",")}
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in servers}
    for _ in range(a.rounds):  # interleaved, as compare.py: drift hits every server
        for name, command in servers.items():
            runs[name].append(measure(command, a))
    unit = "MB" if a.mode == "stream" else ("connection" if a.mode == "connect" else "round trip")
    family = "Unix" if a.unix else "TCP"
    print(f"**{family} {a.mode}-{a.conns}x{a.size}B**, per {unit} (median of {a.rounds} rounds):")
    print("\n| server | user us | system us | throughput |\n|---|---|---|---|")
    for name, got in runs.items():
        rate, user, system = (statistics.median(run[i] for run in got) for i in range(3))
        print(f"| {name} | {user:.2f} | {system:.2f} | {rate:,.0f}/s |")


if __name__ == "__main__":
    main()
