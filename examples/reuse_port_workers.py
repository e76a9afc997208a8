"""N worker processes accepting on one port: ``listen(..., reuse_port=True)``.

usage: python examples/reuse_port_workers.py [PORT] [WORKERS]   (default 8124, 4)

The parent starts WORKERS copies of this script with ``--worker PORT``; each one
listens on the same port with ``reuse_port=True`` (``SO_REUSEPORT``), and the
kernel spreads incoming connections across them, no shared accept lock needed.
Each worker answers a connection with ``worker <pid>`` and ends it; a client that
resets its connection is logged on stderr and costs nothing else. The parent
prints READY once every worker is listening, and on Ctrl-C (or SIGTERM) passes
SIGINT on to the workers and waits for them.

(``reuse_port`` is Node v22's ``reusePort`` listen option; Linux and the BSDs
have ``SO_REUSEPORT``.) Try: ``for i in $(seq 8); do nc -d localhost 8124; done``.
"""

import os
import signal
import subprocess
import sys

import trionet


def worker(port: str) -> None:
    """One worker: answer every connection with this process's pid."""

    def on_connection(sock: trionet.Socket) -> None:
        sock.on("error", lambda err: print("connection error:", err, file=sys.stderr))
        sock.end(f"worker {os.getpid()}\n")  # one write: no Nagle delay to avoid

    server = trionet.create_server(on_connection)
    server.listen({"port": int(port), "reuse_port": True}, lambda: print("READY", flush=True))


def supervise(port: str = "8124", count: str = "4") -> int:
    """Start the workers, wait until each listens, then wait for them to exit."""
    workers = [
        subprocess.Popen(
            [sys.executable, __file__, "--worker", port], stdout=subprocess.PIPE, text=True
        )
        for _ in range(int(count))
    ]

    def stop(signum: int, frame: object) -> None:
        for w in workers:
            if w.poll() is None:
                w.send_signal(signal.SIGINT)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for w in workers:
        assert w.stdout is not None
        if w.stdout.readline() != "READY\n":  # a worker failed to listen: stop them all
            stop(signal.SIGTERM, None)
            return 1
    print(f"{len(workers)} workers on port {port}: {[w.pid for w in workers]}", flush=True)
    print("READY", flush=True)
    for w in workers:
        w.wait()
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        try:
            trionet.run(worker, sys.argv[2])
        except KeyboardInterrupt:
            sys.exit(0)  # the supervisor asked us to stop
    else:
        sys.exit(supervise(*sys.argv[1:3]))
