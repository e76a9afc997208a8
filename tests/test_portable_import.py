"""trionet imports, and its pytest plugin never breaks pytest, where epoll is missing.

On Linux the tests simulate such a platform (macOS, the BSDs) in a child Python:
a ``sitecustomize.py`` on its ``PYTHONPATH`` deletes ``select.epoll`` and every
``select.EPOLL*`` before any other code runs. trio's own epoll I/O manager looks
those names up through its module global ``select`` when a run starts, so the
sitecustomize first gives that module a private copy of ``select``: trio keeps
working (a check below proves it), trionet sees a platform without epoll.
Where epoll is really missing the sitecustomize does nothing and the checks are
the same.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from processes import child_env

#: Every child Python ends within this many seconds (pytest's own timeout is 60).
CHILD_TIMEOUT = 45

SITECUSTOMIZE = """
import select
import types

if hasattr(select, "epoll"):
    # trio's epoll I/O manager keeps the real names, through a copy of its own.
    import trio._core._io_epoll as _io_epoll

    _io_epoll.select = types.SimpleNamespace(**vars(select))
    del select.epoll
    for _name in [n for n in vars(select) if n.startswith("EPOLL")]:
        delattr(select, _name)
    # As on a platform without epoll, the default selector is not an epoll one
    # (selectors may already be imported: subprocess imports it).
    import selectors

    del selectors.EpollSelector
    selectors.DefaultSelector = selectors.PollSelector
"""

#: (a) import, (b) the clear error from run, and trio itself still runs.
CHECKS = """
import select

import trio

assert not hasattr(select, "epoll"), "the simulation is not active"
assert not [n for n in dir(select) if n.startswith("EPOLL")]

import trionet
import trionet.testing

assert trionet.is_ip("::1") == 6
assert trionet.is_ip("127.0.0.1") == 4


async def trio_io():
    # A real readiness wait: trio's I/O manager works with its copy of select.
    a, b = trio.socket.socketpair()
    with a, b:
        await a.send(b"x")
        return await b.recv(1)


assert trio.run(trio_io) == b"x"

called = []


async def main():
    called.append(True)


try:
    trionet.run(main)
except RuntimeError as exc:
    print(exc)
else:
    raise AssertionError("trionet.run did not raise")
assert not called
"""

#: A user's test file that does not use trionet; the plugin loads anyway.
UNRELATED_TESTS = """
import select

import pytest
import trio


def test_plain():
    assert not hasattr(select, "epoll")


@pytest.mark.trio
async def test_trio():
    await trio.sleep(0)


def test_trionet_plugin_is_loaded(pytestconfig):
    plugin = pytestconfig.pluginmanager.get_plugin("trionet")
    assert plugin is not None and plugin.__name__ == "trionet.testing"
"""

#: A test that does use a trionet fixture: it fails, with the reason (pytest-trio
#: sets async fixtures up inside the test's trio run, so it is a failure).
FIXTURE_TESTS = """
import pytest


@pytest.mark.trio
async def test_uses_the_loop(trionet_loop):
    pass


def test_unrelated():
    pass
"""

MESSAGE_PARTS = ("it has no epoll", "stream transport", "not built yet", "Linux is supported today")


@pytest.fixture
def no_epoll(tmp_path: Path) -> Path:
    """A directory whose sitecustomize.py removes epoll; also the child's cwd."""
    (tmp_path / "sitecustomize.py").write_text(textwrap.dedent(SITECUSTOMIZE))
    return tmp_path


def run_child(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = child_env()
    env["PYTHONPATH"] = os.pathsep.join([str(directory), env["PYTHONPATH"]])
    # The plugin must load through its entry point, as in a user's environment.
    env.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
    env.pop("PYTEST_ADDOPTS", None)
    return subprocess.run(
        [sys.executable, *args],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        check=False,
    )


def test_imports_and_run_says_why(no_epoll: Path) -> None:
    result = run_child(no_epoll, "-c", CHECKS)
    assert result.returncode == 0, result.stderr
    message = result.stdout.strip()
    for part in MESSAGE_PARTS:
        assert part in message, message


def test_pytest_runs_unrelated_tests(no_epoll: Path) -> None:
    (no_epoll / "test_unrelated.py").write_text(UNRELATED_TESTS)
    result = run_child(no_epoll, "-m", "pytest", "-p", "no:cacheprovider", "test_unrelated.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout, result.stdout


def test_a_trionet_fixture_fails_with_the_reason(no_epoll: Path) -> None:
    (no_epoll / "test_fixture.py").write_text(FIXTURE_TESTS)
    result = run_child(no_epoll, "-m", "pytest", "-p", "no:cacheprovider", "test_fixture.py")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 failed, 1 passed" in result.stdout, result.stdout
    assert "RuntimeError" in result.stdout and "stream transport" in result.stdout, result.stdout


def test_imports_without_af_unix_or_lookup_flags(tmp_path: Path) -> None:
    """Windows may lack AF_UNIX (and a libc the getaddrinfo flags): import works."""
    code = """
import socket

import trio  # trio itself is not under test here

for name in ("AF_UNIX", "AI_ADDRCONFIG", "AI_V4MAPPED", "AI_ALL"):
    if hasattr(socket, name):
        delattr(socket, name)

import trionet
import trionet.testing

assert trionet.is_ip("::1") == 6
"""
    result = run_child(tmp_path, "-c", code)
    assert result.returncode == 0, result.stderr
