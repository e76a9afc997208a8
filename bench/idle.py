"""Idle memory per connection alone: the ``hold`` cell of ``shared/bench/compare.py``.

usage: python bench/idle.py [--runs N] [--server echo_server.py|trio_style_echo.py]

Runs compare.py's own measurement (``compare.measure(..., "hold", ...)``: the
server's RSS before and while the C load generator holds 5000 idle connections,
divided by their number) N times per transport, with this checkout's server, and
prints each run and the median, in KiB per connection. A quick check of a change
that touches what an idle connection holds; ``nox -s bench`` measures the same
cell beside the peers. Needs the load generator built (compare.py builds it on
first use: ``python ../shared/bench/compare.py --quick --only c-epoll``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, "..", "..", "shared", "bench")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--server", default="echo_server.py")
    args = ap.parse_args()
    sys.path.insert(0, SHARED)
    import compare  # the shared yardstick (not a package)

    tool = os.path.join(tempfile.gettempdir(), "echo_load")
    if not os.path.exists(tool):
        sys.exit(f"{tool} is missing: run ../shared/bench/compare.py --quick once to build it")
    cmd = f"{sys.executable} {os.path.join(HERE, args.server)} {{where}}"
    for unix in (False, True):
        runs = [
            compare.measure(cmd, "hold", None, tool, 0, unix)["kib_per_conn"]
            for _ in range(args.runs)
        ]
        label = "unix" if unix else "tcp "
        cells = " ".join(f"{v:.3f}" for v in runs)
        print(f"{label} KiB per idle connection: {cells}  median {statistics.median(runs):.3f}")


if __name__ == "__main__":
    main()
