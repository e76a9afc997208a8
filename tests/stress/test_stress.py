"""Long variants of tests/test_reliability.py: ``nox -s stress`` (or
``TRIONET_STRESS=1 pytest tests/stress``). Each prints its figures (run with -s)
and records them in docs/reliability.md."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import test_reliability as r  # tests/ is put on sys.path by conftest.py
import trio


def report(name: str, figures: dict[str, float]) -> None:
    print(f"\nFIGURES {name} {json.dumps({k: round(v, 3) for k, v in figures.items()})}")


async def test_flood_concurrent_connections_10k(tmp_path: Path) -> None:
    figures = await r.run_concurrent_connections(10_000, tmp_path)
    report("flood-concurrent", figures)


async def test_flood_connect_echo_close_100k_cycles(tmp_path: Path) -> None:
    figures = await r.run_connect_cycles(100_000, tmp_path, workers=32)
    report("flood-cycles", figures)
    assert figures["fds_after"] == figures["fds_before"]
    assert figures["rss_mib_after"] - figures["rss_mib_before"] < 16, figures


async def test_flood_slow_reader_pipe_1gib() -> None:
    figures = await r.run_slow_reader_pipe(1024 * r.MiB, 96 * r.MiB)
    report("flood-slow-reader", figures)
    assert figures["rss_growth_mib"] < 64, figures
    assert figures["peak_write_queue_kib"] <= 16 + 256, figures


async def test_flood_idle_clients_2000(tmp_path: Path) -> None:
    figures = await r.run_idle_clients_dropped(2000, 1000, tmp_path)
    report("flood-idle", figures)
    assert figures["first_drop_s"] >= 0.9, figures


async def test_exhaustion_emfile_many_rounds() -> None:
    figures = await r.run_emfile_accept(headroom=50, extra=200)
    report("emfile", figures)
    assert figures["emfile_log_lines"] <= figures["window_s"] / 0.1 + 3, figures


SIZES = [1, 2, 255, 4096, 65535, 65536, 65537, 1_000_003, 4 * r.MiB, 9_999_991, 16 * r.MiB]


@pytest.mark.parametrize("transport", ["tcp4", "unix"])
@pytest.mark.parametrize("seed", range(6))
async def test_integrity_up_to_16mib(tmp_path: Path, transport: str, seed: int) -> None:
    rng = random.Random(seed)
    up, down = rng.choice(SIZES), rng.choice(SIZES)
    if seed == 0:
        up = down = 16 * r.MiB
    with trio.fail_after(120):
        await r.run_integrity(transport, tmp_path, up, down, seed)
