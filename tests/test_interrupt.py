"""Ctrl-C (SIGINT) under load: a trionet process ends cleanly, leaving nothing behind.

``KeyboardInterrupt`` may land anywhere in unprotected code, including the poller's
callbacks that start a socket's task. Started at the wrong moment, a task's
coroutine was created and never scheduled, and Python printed "coroutine
'Socket._serve' was never awaited" at exit (seen once on CI, from
test_reuse_port_workers_share_one_port). Every place trionet starts a task is now
KI-protected, as trio's own internals are.

The race is narrow, so each test interrupts a busy server many times; the server
runs with ResourceWarnings shown, so an unclosed socket would be caught too.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from processes import child_env, short_tmp_dir

ROUNDS = int(os.environ.get("TRIONET_INTERRUPT_ROUNDS", "12"))

SERVER = r"""
import json, sys, trionet

def main(where):
    def on_connection(sock):
        sock.on("error", lambda err: None)
        sock.on("data", lambda data: sock.write(data))  # a sync listener (parked)

        async def on_end():  # an async listener: a task per connection end
            sock.end()

        sock.on("end", on_end)

    server = trionet.create_server({"allow_half_open": True}, on_connection)
    target = {"path": where} if where.startswith("/") else {"port": 0, "host": "127.0.0.1"}
    server.listen(target, lambda: print(json.dumps(server.address()), flush=True))

try:
    trionet.run(main, sys.argv[1])
except KeyboardInterrupt:
    sys.exit(0)
"""


def _connect(where: str | int) -> socket.socket:
    if isinstance(where, str):
        s = socket.socket(socket.AF_UNIX)
        s.connect(where)
        return s
    return socket.create_connection(("127.0.0.1", where))


def _interrupt_under_load(script: Path, where: str) -> tuple[int | None, str]:
    """Start the server, churn echo connections from 4 threads, SIGINT it after a
    random number of completed exchanges; its exit code and stderr."""
    proc = subprocess.Popen(
        [sys.executable, "-W", "always::ResourceWarning", str(script), where],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=child_env(),
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode()
        assert line, proc.communicate(timeout=10)[1]
        address = json.loads(line)
        target: str | int = address if isinstance(address, str) else address["port"]
        done = 0
        enough = threading.Event()
        goal = random.randint(1, 150)
        lock = threading.Lock()
        stop = threading.Event()

        def churn() -> None:
            nonlocal done
            while not stop.is_set():
                try:
                    with _connect(target) as s:
                        s.sendall(b"x" * 64)
                        got = b""
                        while len(got) < 64:
                            chunk = s.recv(64)
                            if not chunk:
                                return
                            got += chunk
                        s.shutdown(socket.SHUT_WR)
                        s.recv(1)
                except OSError:
                    return  # the server is gone
                with lock:
                    done += 1
                    if done >= goal:
                        enough.set()

        threads = [threading.Thread(target=churn, daemon=True) for _ in range(4)]
        for t in threads:
            t.start()
        assert enough.wait(20), "the server stopped answering"
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=20)
        stop.set()
        for t in threads:
            t.join(10)
        return proc.returncode, err.decode()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.timeout(240)
@pytest.mark.parametrize("family", ["tcp", "unix"])
def test_ctrl_c_under_load_leaves_no_warning_task_or_socket(family: str, tmp_path: Path) -> None:
    script = tmp_path / "server.py"
    script.write_text(SERVER)
    with short_tmp_dir("tn-int-") as d:
        for round_ in range(ROUNDS):
            where = str(d / f"s{round_}.sock") if family == "unix" else "tcp"
            rc, err = _interrupt_under_load(script, where)
            assert (rc, err) == (0, ""), f"round {round_}: exit {rc}\n{err}"
            if family == "unix":
                assert not os.path.exists(where), "the socket file was left behind"
