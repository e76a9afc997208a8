"""trionet imports and runs, and its pytest plugin never breaks pytest, where epoll
is missing: every socket then runs over a trio stream (the stream transport).

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

#: (a) import, (b) trio itself still runs, (c) a trionet echo round trip over
#: TCP and over a Unix socket, on the stream transport (the loop has no poller).
CHECKS = """
import select
import tempfile

import trio

assert not hasattr(select, "epoll"), "the simulation is not active"
assert not [n for n in dir(select) if n.startswith("EPOLL")]

import trionet
import trionet.testing
from trionet._loop import current_loop

assert trionet.is_ip("::1") == 6
assert trionet.is_ip("127.0.0.1") == 4


async def trio_io():
    # A real readiness wait: trio's I/O manager works with its copy of select.
    a, b = trio.socket.socketpair()
    with a, b:
        await a.send(b"x")
        return await b.recv(1)


assert trio.run(trio_io) == b"x"

got = {}


async def echo(where, *args):
    server = trionet.create_server(lambda c: c.pipe(c))
    server.listen(*args)
    await trionet.once(server, "listening")
    address = server.address()
    target = (address,) if isinstance(address, str) else (address["port"], "127.0.0.1")
    client = trionet.connect(*target)
    client.end(b"ping " * 1000)
    got[where] = b"".join([chunk async for chunk in client])
    server.close()


async def main():
    assert current_loop().poller is None, "no epoll: every socket is on a trio stream"
    with tempfile.TemporaryDirectory() as tmp:
        await echo("tcp", 0, "127.0.0.1")
        await echo("unix", tmp + "/echo.sock")


trionet.run(main)
assert got == {"tcp": b"ping " * 1000, "unix": b"ping " * 1000}, got
print("echo ok")
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

#: Tests that use the plugin's fixtures: they work without epoll.
FIXTURE_TESTS = """
import pytest
import trionet


@pytest.mark.trio
async def test_uses_the_loop(trionet_loop):
    assert trionet_loop.poller is None


@pytest.mark.trio
async def test_pair(tcp_socket_pair):
    server_side, client_side = tcp_socket_pair
    client_side.write(b"hi")
    assert await trionet.once(server_side, "data") == (b"hi",)


@pytest.mark.trio
async def test_echo(echo_server):
    sock = trionet.create_connection(echo_server.address()["port"], "127.0.0.1")
    sock.end(b"ping")
    assert b"".join([chunk async for chunk in sock]) == b"ping"
"""

#: Conformance pairs run without epoll: connecting, reading and writing, half-close,
#: timeouts, errors, Unix sockets and the close order (a sample: the whole suite
#: runs on the stream transport in CI's second pass).
CONFORMANCE_SAMPLE = (
    "pingpong_flags",
    "half_open_client_variants",
    "timeout_heartbeat",
    "write_cb_peer_reset",
    "econnrefused",
    "ipc_echo",
    "pause_on_connect_reads_nothing",
    "close_order_server",
)


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


def test_imports_and_runs_an_echo(no_epoll: Path) -> None:
    result = run_child(no_epoll, "-c", CHECKS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "echo ok", result.stdout


def test_pytest_runs_unrelated_tests(no_epoll: Path) -> None:
    (no_epoll / "test_unrelated.py").write_text(UNRELATED_TESTS)
    result = run_child(no_epoll, "-m", "pytest", "-p", "no:cacheprovider", "test_unrelated.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout, result.stdout


def test_the_plugins_fixtures_work(no_epoll: Path) -> None:
    (no_epoll / "test_fixture.py").write_text(FIXTURE_TESTS)
    result = run_child(no_epoll, "-m", "pytest", "-p", "no:cacheprovider", "test_fixture.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout, result.stdout


@pytest.mark.node
def test_a_conformance_sample_passes(no_epoll: Path) -> None:
    """Pairs of the conformance suite, their Python side run without epoll."""
    suite = Path(__file__).parent / "conformance"
    missing = [n for n in CONFORMANCE_SAMPLE if not (suite / "py" / f"{n}.py").exists()]
    assert not missing, f"no such conformance pairs: {missing}"
    result = run_child(
        no_epoll,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-q",
        str(suite / "test_conformance.py"),
        "-k",
        " or ".join(f"[{n}]" for n in CONFORMANCE_SAMPLE),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(CONFORMANCE_SAMPLE)} passed" in result.stdout, result.stdout


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
