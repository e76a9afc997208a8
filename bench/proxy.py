"""Proxy workload: port forwarders in front of a fast echo backend, side by side.

usage: python bench/proxy.py [--quick] [--rounds N] [--seconds S] [--only NAME,...]
                             [--shared DIR] [--json OUT]

The backend is the C echo server of ``../shared/bench/peers/c_echo.c`` and the load
generator its ``echo_load.c`` (both built with ``cc -O2`` on first use, into a
directory of our own under the system's temporary directory). In front of the
backend, each listening on 127.0.0.1 on its own free port:

* ``trionet-forward``: ``trionet forward 127.0.0.1:PORT 127.0.0.1:BACKEND``;
* ``forwarder-example``: ``python examples/forwarder.py PORT BACKEND 127.0.0.1``;
* ``node-proxy``: a Node ``net`` proxy (``client.pipe(upstream).pipe(client)``,
  no-delay and half-open on both sides, backlog 4096; the baseline);
* ``socat``: ``socat TCP4-LISTEN:PORT,fork,reuseaddr,backlog=4096 TCP4:...``
  (left out, with a note, when socat is not installed);
* ``direct``: no proxy, echo_load against the backend itself (the ceiling);
* ``floor-proxy``, only when named in ``--only``: ``bench/floors.py proxy``, the
  least a forwarder of trionet's shape can do on its poller (no ``Socket``).

Workloads (echo_load modes): ``connect-50x64B`` (connection per request: 50 at a
time, each opens, sends 64 B, reads them back, closes; connections per second),
``stream-1x64KiB`` (bulk: one connection writing 64 KiB chunks and reading the
echo; MB/s echoed) and ``pingpong-100x64B`` (100 connections doing round trips of
64 B; round trips per second).

Every measurement starts a fresh backend and a fresh proxy (each its own process
group, stopped with SIGTERM and checked gone afterwards, also on Ctrl-C or
SIGTERM). Proxies are interleaved within a round, as in compare.py: each round runs
every workload on every proxy back to back, ratios to ``node-proxy`` are taken
within a round and the median over rounds is reported, so that the drift of a
shared machine cancels out; absolute figures are only for orientation. Server
processes (backend and proxy) run on core 1 and the load generator on core 0
(``taskset``, when there are two cores or more).

The issue's targets, checked at the end: ``trionet-forward`` at least 1.0x the Node
proxy's connections per second and at least 1.2x its bulk throughput.

Options: ``--rounds N`` (default 3; 1 with ``--quick``), ``--seconds S`` per
measurement (default 3; 1 with ``--quick``; plus a warm-up of 1 s, 0.5 s with
``--quick``), ``--only trionet-forward,node-proxy`` (a subset), ``--json OUT``
(every run's raw figures, the ratios and the notes).
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared", "bench"))
VENV_BIN = os.path.join(ROOT, ".venv", "bin")
PY = (
    os.path.join(VENV_BIN, "python")
    if os.path.exists(os.path.join(VENV_BIN, "python"))
    else sys.executable
)
TRIONET = (
    [os.path.join(VENV_BIN, "trionet")]
    if os.path.exists(os.path.join(VENV_BIN, "trionet"))
    else [PY, "-m", "trionet"]
)
BASELINE = "node-proxy"
WORKLOADS = [  # (name, echo_load arguments)
    ("connect-50x64B", ["-m", "connect", "-c", "50", "-s", "64"]),
    ("stream-1x64KiB", ["-m", "stream", "-c", "1", "-s", "65536"]),
    ("pingpong-100x64B", ["-m", "pingpong", "-c", "100", "-s", "64"]),
]
#: The issue's targets for trionet forward, as ratios to the Node proxy.
TARGETS = {"connect-50x64B": 1.0, "stream-1x64KiB": 1.2}

NODE_PROXY = r"""
'use strict';
// A Node net proxy: every client gets its own upstream connection, piped both ways.
const net = require('net');
const [listenPort, backendPort] = process.argv.slice(2).map(Number);
const options = { noDelay: true, allowHalfOpen: true };
const server = net.createServer(options, (client) => {
  const upstream = net.connect({ ...options, host: '127.0.0.1', port: backendPort });
  const destroyBoth = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', destroyBoth);
  upstream.on('error', destroyBoth);
  client.pipe(upstream);
  upstream.pipe(client);
});
server.on('error', (err) => {
  console.error(err.message);
  process.exit(1);
});
server.listen({ host: '127.0.0.1', port: listenPort, backlog: 4096 }, () => {
  console.log('READY');
});
process.on('SIGTERM', () => process.exit(0));
"""


class BenchError(Exception):
    """A measurement that could not be made (a server that did not start, a crash)."""


# -- processes ---------------------------------------------------------------------------------

_LIVE: dict[int, subprocess.Popen[bytes]] = {}  # process group id -> its leader

try:
    _LIBC: Any = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None
except OSError:
    _LIBC = None
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child before exec: be sent SIGTERM if this script dies (even by SIGKILL)."""
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def pin(cpu: int) -> list[str]:
    if (os.cpu_count() or 1) > 1 and shutil.which("taskset"):
        return ["taskset", "-c", str(cpu)]
    return []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(src: str, workdir: str) -> str:
    """``cc -O2`` ``src`` into ``workdir`` unless already there and newer than ``src``.

    Built under a temporary name and renamed, so that a concurrent run never executes
    a half-written file."""
    exe = os.path.join(workdir, os.path.splitext(os.path.basename(src))[0])
    if not os.path.exists(exe) or os.path.getmtime(exe) < os.path.getmtime(src):
        tmp = f"{exe}.{os.getpid()}.tmp"
        subprocess.run(["cc", "-O2", "-o", tmp, src], check=True)
        os.replace(tmp, exe)
    return exe


def rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start(
    argv: list[str], log_path: str, port: int, *, ready_line: bool
) -> subprocess.Popen[bytes]:
    """Start a server on core 1, its output to ``log_path``; return once it listens.

    It listens when it has printed READY (``ready_line``), or else when ``port``
    accepts a connection. Each server is the leader of its own process group, so
    that ``stop`` reaches whatever it forked (socat's children)."""
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [*pin(1), *argv],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
    _LIVE[proc.pid] = proc
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        if ready_line:
            with open(log_path, "rb") as f:
                if b"READY" in f.read():
                    return proc
        else:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return proc
            except OSError:
                pass
        time.sleep(0.02)
    status = proc.poll()
    stop(proc)
    why = "did not start in 30 s" if status is None else f"exited with status {status}"
    raise BenchError(f"{' '.join(argv)} {why}: {tail(log_path)}")


def stop(proc: subprocess.Popen[bytes]) -> int | None:
    """SIGTERM to the process group; SIGKILL to whatever is left after 5 s. Returns the
    leader's exit status (None if it had to be killed); raises BenchError if anything
    of the group is still there after that."""
    pgid = proc.pid
    status: int | None = None
    try:
        if proc.poll() is None:
            try:
                os.killpg(pgid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        try:
            status = proc.wait(5)
        except subprocess.TimeoutExpired:
            pass
        deadline = time.monotonic() + 2
        while _group_alive(pgid) and time.monotonic() < deadline:
            time.sleep(0.02)
        if _group_alive(pgid):
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
            deadline = time.monotonic() + 2
            while _group_alive(pgid) and time.monotonic() < deadline:
                time.sleep(0.02)
            if _group_alive(pgid):
                raise BenchError(f"process group {pgid} survived SIGKILL")
    finally:
        _LIVE.pop(pgid, None)
    return status


def stop_all() -> None:
    for proc in list(_LIVE.values()):
        try:
            stop(proc)
        except BenchError as e:
            print(f"# {e}", file=sys.stderr)


def tail(path: str, lines: int = 3) -> str:
    try:
        with open(path, "rb") as f:
            text = f.read().decode(errors="replace")
    except OSError:
        return ""
    kept = [x for x in text.splitlines() if x.strip() and "READY" not in x]
    kept = [x for x in kept if not x.startswith("forwarding :")]
    return " | ".join(kept[-lines:])


# -- proxies -----------------------------------------------------------------------------------


def proxies(workdir: str) -> dict[str, Any]:
    """name -> function(listen_port, backend_port) -> (argv, prints READY), or None (direct)."""
    node_js = os.path.join(workdir, "node_proxy.js")
    with open(node_js, "w") as f:
        f.write(NODE_PROXY)
    forwarder = os.path.join(ROOT, "examples", "forwarder.py")
    out: dict[str, Any] = {
        "trionet-forward": lambda p, b: (
            [*TRIONET, "forward", f"127.0.0.1:{p}", f"127.0.0.1:{b}"],
            True,
        ),
        "forwarder-example": lambda p, b: ([PY, forwarder, str(p), str(b), "127.0.0.1"], True),
        "node-proxy": lambda p, b: (["node", node_js, str(p), str(b)], True),
        "socat": lambda p, b: (
            [
                "socat",
                f"TCP4-LISTEN:{p},bind=127.0.0.1,fork,reuseaddr,backlog=4096,nodelay",
                f"TCP4:127.0.0.1:{b},nodelay",
            ],
            False,
        ),
        # A yardstick, run only when named in --only: bench/floors.py's forwarder.
        "floor-proxy": lambda p, b: (
            [PY, os.path.join(HERE, "floors.py"), "proxy", str(p), str(b)],
            True,
        ),
        "direct": None,
    }
    if not shutil.which("node"):
        print("# node not found: node-proxy (the baseline) left out", file=sys.stderr)
        del out["node-proxy"]
    if not shutil.which("socat"):
        print("# socat not found: left out (apt-get install socat)", file=sys.stderr)
        del out["socat"]
    return out


# -- measuring ---------------------------------------------------------------------------------


def measure(
    name: str, make: Any, args: list[str], tools: dict[str, str], opts: argparse.Namespace
) -> dict[str, Any]:
    """One proxy, one workload: a fresh backend and proxy, echo_load, stop both."""
    logs = opts.workdir
    backend_port = free_port()
    backend = start(
        [tools["c_echo"], str(backend_port)],
        os.path.join(logs, "backend.log"),
        backend_port,
        ready_line=True,
    )
    proxy = None
    try:
        port = backend_port
        log = os.path.join(logs, f"{name}.log")
        if make is not None:
            port = free_port()
            argv, ready_line = make(port, backend_port)
            proxy = start(argv, log, port, ready_line=ready_line)
        cmd = [
            *pin(0),
            tools["echo_load"],
            "-p",
            str(port),
            *args,
            "-d",
            str(opts.seconds),
            "-w",
            str(opts.warmup),
        ]
        r = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            timeout=opts.seconds + opts.warmup + 30,
            preexec_fn=_die_with_parent,
        )
        if r.returncode != 0 or not r.stdout.strip():
            raise BenchError(f"echo_load failed ({r.returncode}): {r.stderr.strip()}")
        res: dict[str, Any] = json.loads(r.stdout)
        if proxy is not None:
            if proxy.poll() is not None:
                raise BenchError(f"{name} died under load (status {proxy.returncode}): {tail(log)}")
            res["proxy_rss_kib"] = rss_kib(proxy.pid)
            status = stop(proxy)
            proxy = None
            res["proxy_exit"] = status
            res["proxy_log"] = tail(log)
        return res
    finally:
        if proxy is not None:
            stop(proxy)
        stop(backend)


def figure(res: dict[str, Any]) -> float:
    """The number a workload is judged by (higher is better)."""
    return res["echo_MBps"] if res["mode"] == "stream" else res["ops_per_s"]


def median(xs: list[float]) -> float:
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def run_all(
    servers: dict[str, Any], tools: dict[str, str], opts: argparse.Namespace
) -> tuple[dict[str, dict[str, list[dict[str, Any] | None]]], list[str]]:
    """Round-robin; returns ({proxy: {workload: [result or None, per round]}}, notes)."""
    results: dict[str, dict[str, list[dict[str, Any] | None]]] = {
        name: {w: [] for w, _ in WORKLOADS} for name in servers
    }
    notes: list[str] = []
    for r in range(opts.rounds):
        for wname, args in WORKLOADS:
            for name, make in servers.items():
                print(f"# round {r + 1}/{opts.rounds} {wname} {name}", file=sys.stderr, flush=True)
                try:
                    res: dict[str, Any] | None = measure(name, make, args, tools, opts)
                except (BenchError, ValueError, subprocess.TimeoutExpired) as e:
                    res = None
                    notes.append(f"round {r + 1} {wname} {name}: {e}")
                    print(f"# {notes[-1]}", file=sys.stderr, flush=True)
                else:
                    assert res is not None
                    extra = []
                    if res["errors"]:
                        extra.append(f"{res['errors']} errors")
                    if res.get("proxy_exit") not in (None, 0):
                        extra.append(f"exit status {res['proxy_exit']} after SIGTERM")
                    if res.get("proxy_log"):
                        extra.append(f"log: {res['proxy_log'][:300]}")
                    # Every remark on trionet forward is a note. The example has no
                    # SIGTERM handler (it dies by the signal, -15) and logs the resets
                    # of the connections echo_load leaves with data in flight: only
                    # errors and another exit status are.
                    if name == "forwarder-example":
                        noted = res["errors"] or res.get("proxy_exit") not in (None, 0, -15)
                    else:
                        noted = name == "trionet-forward"
                    if extra and noted:
                        notes.append(f"round {r + 1} {wname} {name}: " + "; ".join(extra))
                    print(
                        f"#   {figure(res):,.1f}"
                        f" {'MB/s' if res['mode'] == 'stream' else '/s'}"
                        + (f" ({'; '.join(extra)})" if extra else ""),
                        file=sys.stderr,
                        flush=True,
                    )
                results[name][wname].append(res)
    return results, notes


def ratios(results: dict[str, Any]) -> dict[str, dict[str, float | None]]:
    """Median over rounds of (proxy's figure / the Node proxy's in the same round)."""
    out: dict[str, dict[str, float | None]] = {}
    base = results.get(BASELINE)
    for name, res in results.items():
        out[name] = {}
        for w, runs in res.items():
            pairs = [
                figure(a) / max(figure(b), 1e-9)
                for a, b in zip(runs, base[w] if base else [], strict=False)
                if a is not None and b is not None
            ]
            out[name][w] = median(pairs) if pairs else None
    return out


def table(results: dict[str, Any]) -> str:
    rat = ratios(results)
    cols = [w for w, _ in WORKLOADS]
    lines = ["| proxy | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for name, res in results.items():
        cells = []
        for w in cols:
            runs = [x for x in res[w] if x is not None]
            if not runs:
                cells.append("failed")
                continue
            mode = runs[0]["mode"]
            cell = f"{median([figure(x) for x in runs]):,.0f}"
            cell += " MB/s" if mode == "stream" else "/s"
            if mode in ("pingpong", "connect"):
                cell += f" p99 {median([x['p99_us'] for x in runs]):,.0f}us"
            errs = sum(x["errors"] for x in runs)
            if errs:
                cell += f" err {errs}"
            if len(runs) < len(res[w]):
                cell += f" ({len(res[w]) - len(runs)} failed)"
            if rat[name][w] is not None and name != BASELINE:
                cell += f" **{rat[name][w]:.2f}x**"
            cells.append(cell)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append(
        f"\nRatios (bold) are medians over rounds of proxy/{BASELINE} within the same round;"
        " absolute figures are medians over rounds."
    )
    rss = []
    for name, res in results.items():
        cells = []
        for w in cols:
            kib = [x["proxy_rss_kib"] for x in res[w] if x is not None and "proxy_rss_kib" in x]
            cells.append(f"{median(kib) / 1024:.1f}" if kib else "-")
        if any(c != "-" for c in cells):
            rss.append(f"| {name} | " + " | ".join(cells) + " |")
    if rss:
        lines += ["", "Proxy RSS after each workload (MiB; socat: the listening process only):", ""]
        lines += ["| proxy | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|", *rss]
    return "\n".join(lines)


def targets(results: dict[str, Any]) -> list[str]:
    rat = ratios(results)
    out = []
    for name in ("trionet-forward", "forwarder-example"):
        if name not in rat:
            continue
        for w, goal in TARGETS.items():
            got = rat[name].get(w)
            if got is None:
                out.append(f"- {name} {w}: no ratio (a run failed, or no {BASELINE})")
            else:
                verdict = "met" if got >= goal else "NOT met"
                out.append(
                    f"- {name} {w}: {got:.2f}x {BASELINE} (target >= {goal:.1f}x): {verdict}"
                )
    return out


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="1 round of 1 s per workload")
    ap.add_argument("--rounds", type=int, default=0, help="default 3 (1 with --quick)")
    ap.add_argument("--seconds", type=float, default=0, help="per measurement (default 3; 1)")
    ap.add_argument("--only", default="", help="comma-separated subset of the proxies")
    ap.add_argument("--shared", default=SHARED, help=f"c_echo and echo_load (default {SHARED})")
    ap.add_argument("--json", help="write raw results, ratios and notes here")
    opts = ap.parse_args()
    opts.rounds = opts.rounds or (1 if opts.quick else 3)
    opts.seconds = opts.seconds or (1.0 if opts.quick else 3.0)
    opts.warmup = 0.5 if opts.quick else 1.0

    signal.signal(signal.SIGTERM, _terminate)
    tools_dir = os.path.join(tempfile.gettempdir(), f"trionet-proxy-bench-{os.getuid()}")
    os.makedirs(tools_dir, exist_ok=True)
    tools = {
        "c_echo": build(os.path.join(opts.shared, "peers", "c_echo.c"), tools_dir),
        "echo_load": build(os.path.join(opts.shared, "echo_load.c"), tools_dir),
    }
    results: dict[str, Any] = {}
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="trionet-proxy-") as workdir:
        opts.workdir = workdir
        servers = proxies(workdir)
        if opts.only:
            wanted = opts.only.split(",")
            unknown = set(wanted) - set(servers)
            if unknown:
                ap.error(f"unknown or unavailable proxies: {', '.join(sorted(unknown))}")
            servers = {k: v for k, v in servers.items() if k in wanted}
        else:
            servers.pop("floor-proxy")
        try:
            results, notes = run_all(servers, tools, opts)
        except KeyboardInterrupt:
            print("# interrupted: stopping every server", file=sys.stderr)
            return 130
        finally:
            stop_all()
    print(table(results))
    goals = targets(results)
    if goals:
        print("\nTargets (the issue's, for trionet forward):\n")
        print("\n".join(goals))
    if notes:
        print("\nNotes:\n")
        print("\n".join(f"- {n}" for n in notes))
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump(
                {
                    "baseline": BASELINE,
                    "rounds": opts.rounds,
                    "seconds": opts.seconds,
                    "results": results,
                    "ratios": ratios(results),
                    "notes": notes,
                },
                f,
                indent=1,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
