"""Helpers for tests that run real processes: trionet programs (CLI, examples), node."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def node_binary() -> str:
    """The node binary: the test is skipped without one, but fails when CI is set."""
    import pytest

    path = shutil.which("node")
    if path is None:
        if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
            pytest.fail("node is required when CI is set")
        pytest.skip("node is not installed")
    return path


def ask_node(node: str, script: str, payload: object) -> Any:
    """Run ``node -e script`` with ``payload`` as JSON on stdin; its JSON answer.

    json.dumps writes lone surrogates as \\uXXXX escapes, which JSON.parse keeps.
    """
    proc = subprocess.run(
        [node, "-e", script],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return json.loads(proc.stdout)


def child_env() -> dict[str, str]:
    """The environment for a child Python: this checkout importable, output unbuffered."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    return env


def free_port() -> int:
    """A TCP port free on both families right now."""
    with socket.socket(socket.AF_INET6 if socket.has_ipv6 else socket.AF_INET) as s:
        s.bind(("", 0))
        return int(s.getsockname()[1])


@contextmanager
def short_tmp_dir(prefix: str) -> Iterator[Path]:
    """A short directory for Unix socket paths (sun_path holds only 107 bytes)."""
    d = tempfile.mkdtemp(prefix=prefix, dir="/tmp")
    try:
        yield Path(d)
    finally:
        shutil.rmtree(d, ignore_errors=True)
