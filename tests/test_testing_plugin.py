"""``trionet.testing``: the pytest plugin a user's test suite gets by installing trionet.

Each test writes a small user test file and runs pytest on it with ``pytester``;
the plugin is loaded through its ``pytest11`` entry point, as it is for a user.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from importlib.metadata import entry_points

import pytest

pytest_plugins = ["pytester"]

USER_TESTS = """
import os

import pytest
import trio

import trionet


async def test_loop_is_running(trionet_loop):
    # Handles attach to the fixture's loop; one left listening does not hang teardown.
    server = trionet.create_server()
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    assert server.listening


async def test_echo_server_with_a_trionet_client(echo_server):
    address = echo_server.address()
    assert address["address"] == "127.0.0.1" and address["family"] == "IPv4"
    sock = trionet.create_connection(address["port"], "127.0.0.1")
    sock.end(b"ping")
    assert b"".join([chunk async for chunk in sock]) == b"ping"


async def test_echo_server_with_a_trio_client(echo_server):
    stream = await trio.open_tcp_stream("127.0.0.1", echo_server.address()["port"])
    async with stream:
        payload = os.urandom(300_000)
        async with trio.open_nursery() as nursery:
            async def send():
                await stream.send_all(payload)
                await stream.send_eof()
            nursery.start_soon(send)
            received = bytearray()
            while chunk := await stream.receive_some():
                received += chunk
    assert received == payload


async def test_tcp_socket_pair(tcp_socket_pair):
    server_side, client_side = tcp_socket_pair
    assert isinstance(server_side, trionet.Socket) and isinstance(client_side, trionet.Socket)
    assert server_side.remote_port == client_side.local_port
    assert client_side.remote_address == "127.0.0.1"
    client_side.write(b"hi")
    assert await trionet.once(server_side, "data") == (b"hi",)
    server_side.end(b"bye")
    assert [chunk async for chunk in client_side] == [b"bye"]


async def test_unix_socket_pair(unix_socket_pair):
    server_side, client_side = unix_socket_pair
    server_side.write("héllo", "utf8")
    client_side.set_encoding("utf8")
    assert await trionet.once(client_side, "data") == ("héllo",)
    client_side.end()
    await trionet.once(server_side, "end")


async def test_pairs_are_fresh_per_test(tcp_socket_pair):
    server_side, client_side = tcp_socket_pair
    assert not server_side.destroyed and not client_side.destroyed
    assert server_side.bytes_read == 0
"""


@pytest.fixture(autouse=True)
def _autoload(monkeypatch: pytest.MonkeyPatch) -> None:
    """The plugin is found through its entry point, as in a user's environment."""
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)


def test_entry_point_is_registered() -> None:
    (ep,) = [ep for ep in entry_points(group="pytest11") if ep.name == "trionet"]
    assert ep.value == "trionet.testing"


def test_fixtures_in_trio_mode(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ntrio_mode = true\n")
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest("-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=6)


def test_fixtures_with_the_trio_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user="pytestmark = __import__('pytest').mark.trio\n" + USER_TESTS)
    result = pytester.runpytest("-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=6)


def test_fixtures_are_listed(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--fixtures", "-p", "no:cacheprovider")
    text = result.stdout.str()
    for name in ("trionet_loop", "echo_server", "tcp_socket_pair", "unix_socket_pair"):
        assert name in text


def test_an_uncaught_trionet_error_fails_the_test(pytester: pytest.Pytester) -> None:
    """An 'error' nobody listens to (EADDRINUSE here) fails the test instead of hanging."""
    pytester.makeini("[pytest]\ntrio_mode = true\n")
    pytester.makepyfile(
        test_user="""
        import trio
        import trionet

        async def test_port_taken(echo_server):
            server = trionet.create_server()
            server.listen(echo_server.address()["port"], "127.0.0.1")
            await trio.sleep(30)
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) + outcomes.get("errors", 0) == 1, outcomes
    result.stdout.fnmatch_lines(["*EADDRINUSE*"])
    assert result.duration < 20


def test_imports_without_pytest() -> None:
    """Part of the package: importable where pytest is not installed."""
    code = textwrap.dedent(
        """
        import inspect, sys
        sys.modules["pytest"] = None  # `import pytest` now raises ImportError
        import trionet.testing as t
        for name in t.__all__:
            assert inspect.isasyncgenfunction(getattr(t, name)), name
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ok\n"
