"""A/B of two builds of trionet on one workload: is a change to the data path faster or slower?

usage: python bench/ab.py OLD NEW [--mode pingpong|stream|connect] [--conns N] [--size B]
                          [--pairs N] [--server echo_server.py|trio_style_echo.py|forward]
                          [--unix]

OLD and NEW are git revisions (``HEAD~3``, ``main``, a hash) or directories holding a
``trionet/`` and a ``bench/`` (``git archive REV trionet bench | tar -x -C DIR``). Each pair
runs OLD's and NEW's echo server one after the other (alternating which goes first), under
the C load generator of ``../shared/bench/`` (built by its compare.py: run that once first),
server on core 1 and load on core 0; it prints each pair's NEW/OLD ratio and their median.
``--server forward`` measures ``python -m trionet forward`` in front of the C echo server
(the proxy workload of ``bench/proxy.py``, as an A/B of two builds).

Ratios within a pair only: the machines here drift by a factor of two from minute to
minute. Calibrate with an A/A run (the same revision twice) before believing a few percent:
on 2026-12-02 an A/A of pingpong-100 over 8 pairs gave a median of 1.02 (0.88 to 1.07).

Each pair also prints the server's CPU time per operation (user + system, from
``/proc/PID/stat`` around the measurement; per round trip, per connection, or per MB
echoed), and the median NEW/OLD ratio of it: a steadier yardstick than throughput on a
shared machine, since a server that waits for its core costs no CPU meanwhile (on
2026-12-03, user time per round trip of the same build varied by about 7 % from run to
run, throughput by 10 to 25 %).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LOAD = os.path.join(tempfile.gettempdir(), "echo_load")  # built by shared/bench/compare.py
BACKEND = os.path.join(tempfile.gettempdir(), "c_echo")  # the same; --server forward


def tree(spec: str, scratch: str) -> str:
    """A directory with trionet/ and bench/ for a revision or a directory."""
    if os.path.isdir(os.path.join(spec, "trionet")):
        return os.path.abspath(spec)
    out = os.path.join(scratch, spec.replace("/", "_"))
    os.makedirs(out)
    archive = subprocess.run(
        ["git", "-C", ROOT, "archive", spec, "trionet", "bench"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", out], input=archive, check=True)
    return out


def pin(cpu: int) -> list[str]:
    return (
        ["taskset", "-c", str(cpu)] if (os.cpu_count() or 1) > 1 and shutil.which("taskset") else []
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_times(pid: int) -> tuple[float, float]:
    """User and system time of process ``pid`` so far, in seconds (zeros where
    /proc is missing)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0, 0.0
    return int(fields[11]) / _TICK, int(fields[12]) / _TICK  # utime, stime


def serve_and_load(
    argv: list[str],
    where: str,
    a: argparse.Namespace,
    env: dict[str, str] | None = None,
    cwd: str | None = None,
) -> tuple[float, float, float]:
    """Start a server (``argv``, on core 1) that prints READY once it listens on
    ``where``, run the load generator against it (``a.mode``, ``a.conns``, ``a.size``,
    ``a.unix``; on core 0), stop it: the throughput, and the server's user and system
    microseconds per operation (per MB for stream). The warm-up second's CPU is
    counted too, its operations are not: compare servers, not absolutes."""
    server = subprocess.Popen([*pin(1), *argv], stdout=subprocess.PIPE, text=True, env=env, cwd=cwd)
    try:
        assert server.stdout is not None
        if "READY" not in server.stdout.readline():
            raise RuntimeError(f"{' '.join(argv)}: the server did not print READY")
        target = ["-u", where] if a.unix else ["-p", where]
        args = ["-m", a.mode, "-c", str(a.conns), "-s", str(a.size), "-d", "3.0", "-w", "1"]
        user0, system0 = cpu_times(server.pid)  # (taskset execs: its pid is the server's)
        out = subprocess.run(
            [*pin(0), LOAD, *target, *args], capture_output=True, text=True, timeout=60
        ).stdout
        user1, system1 = cpu_times(server.pid)
    finally:
        server.terminate()
        server.wait()
    result = json.loads(out)
    stream = a.mode == "stream"
    rate = float(result["echo_MBps"] if stream else result["ops_per_s"])
    ops = rate * float(result["seconds"]) if stream else float(result["ops"])
    if not ops:
        return rate, float("nan"), float("nan")
    return rate, (user1 - user0) / ops * 1e6, (system1 - system0) / ops * 1e6


def measure(where_tree: str, a: argparse.Namespace) -> tuple[float, float]:
    """The server's throughput, and its CPU microseconds per operation."""
    where = os.path.join(tempfile.mkdtemp(), "e.sock") if a.unix else str(free_port())
    backend = None
    if a.server == "forward":
        # `trionet forward` in front of the C echo server (built by compare.py).
        backend_where = os.path.join(tempfile.mkdtemp(), "b.sock") if a.unix else str(free_port())
        backend = subprocess.Popen([*pin(1), BACKEND, backend_where], stdout=subprocess.PIPE)
        assert backend.stdout is not None
        backend.stdout.readline()  # READY
        local = lambda w: w if a.unix else f"127.0.0.1:{w}"  # noqa: E731
        command = ["-m", "trionet", "forward", local(where), local(backend_where)]
    else:
        command = [os.path.join(where_tree, "bench", a.server), where]
    try:
        rate, user, system = serve_and_load(
            [sys.executable, *command],
            where,
            a,
            env={**os.environ, "PYTHONPATH": where_tree},
            cwd=tempfile.gettempdir(),  # not ours: `-m trionet` must find PYTHONPATH's
        )
    finally:
        if backend is not None:
            backend.terminate()
            backend.wait()
    return rate, user + system


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--mode", default="pingpong", choices=["pingpong", "stream", "connect"])
    ap.add_argument("--conns", type=int, default=100)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--pairs", type=int, default=8)
    ap.add_argument(
        "--server",
        default="echo_server.py",
        help="a bench/ script, or 'forward': trionet forward in front of the C echo server",
    )
    ap.add_argument("--unix", action="store_true")
    a = ap.parse_args()
    if not os.path.exists(LOAD):
        sys.exit(f"{LOAD} is missing: run ../shared/bench/compare.py --quick once to build it")
    with tempfile.TemporaryDirectory() as scratch:
        trees = {"old": tree(a.old, scratch), "new": tree(a.new, scratch)}
        ratios, cpu_ratios = [], []
        unit = "MB" if a.mode == "stream" else "op"
        for i in range(a.pairs):
            order = ["old", "new"] if i % 2 == 0 else ["new", "old"]
            got = {name: measure(trees[name], a) for name in order}
            (old_rate, old_cpu), (new_rate, new_cpu) = got["old"], got["new"]
            ratios.append(new_rate / old_rate)
            cpu_ratios.append(new_cpu / old_cpu)
            print(
                f"pair {i}: old {old_rate:.0f} new {new_rate:.0f} new/old {ratios[-1]:.3f}; "
                f"CPU per {unit} old {old_cpu:.1f} us new {new_cpu:.1f} us "
                f"new/old {cpu_ratios[-1]:.3f}"
            )
    family = "unix" if a.unix else "tcp"
    print(
        f"median new/old {statistics.median(ratios):.3f} over {a.pairs} pairs "
        f"({a.mode} {a.conns}x{a.size}B, {a.server}, {family}; "
        f"min {min(ratios):.3f}, max {max(ratios):.3f}); "
        f"CPU per {unit} new/old {statistics.median(cpu_ratios):.3f} "
        f"(min {min(cpu_ratios):.3f}, max {max(cpu_ratios):.3f})"
    )


if __name__ == "__main__":
    main()
