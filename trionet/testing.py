"""pytest fixtures for testing code built on trionet (a pytest plugin).

Installing trionet registers this module as a pytest plugin (the ``pytest11``
entry point ``trionet``), so a test suite can request these fixtures without
importing anything. They are async fixtures run by `pytest-trio
<https://pytest-trio.readthedocs.io>`_, which must be installed; mark the tests
that use them with ``@pytest.mark.trio``, or set ``trio_mode = true`` in the
``[tool.pytest.ini_options]`` (or ``pytest.ini``) of your project.

``trionet_loop``
    A running trionet loop (:func:`trionet.open_loop`) for the test: handles
    created in the test attach to it. At teardown everything still open in it is
    cancelled: sockets closed, servers closed, Unix socket files unlinked.
``echo_server``
    A listening :class:`trionet.Server` on ``127.0.0.1`` (a free port) that
    echoes every byte back; ``echo_server.address()['port']`` is its port.
``tcp_socket_pair``
    ``(server_side, client_side)``: two connected :class:`trionet.Socket` over
    loopback TCP.
``unix_socket_pair``
    The same over a Unix socket in a fresh temporary directory.

Example::

    import pytest
    import trionet

    @pytest.mark.trio
    async def test_echo(echo_server):
        sock = trionet.create_connection(echo_server.address()["port"], "127.0.0.1")
        sock.end(b"ping")
        assert b"".join([chunk async for chunk in sock]) == b"ping"

    @pytest.mark.trio
    async def test_pair(tcp_socket_pair):
        server_side, client_side = tcp_socket_pair
        client_side.write(b"hi")
        assert await trionet.once(server_side, "data") == (b"hi",)

This module imports without pytest (the fixtures are then plain async
generator functions).
"""

from __future__ import annotations

import importlib
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

import trio

from ._events import once
from ._loop import Loop, open_loop
from ._server import Server, create_server
from ._socket import Socket, create_connection

__all__ = ["echo_server", "tcp_socket_pair", "trionet_loop", "unix_socket_pair"]

F = TypeVar("F", bound=Callable[..., Any])

#: How long a fixture waits for a listen or a connect on loopback before failing.
SETUP_TIMEOUT = 10.0


def _fixture(fn: F) -> F:
    """``pytest.fixture(fn)`` when pytest is importable, else ``fn`` unchanged."""
    try:
        pytest: Any = importlib.import_module("pytest")
    except ImportError:  # pragma: no cover - trionet without pytest
        return fn
    fixture: F = pytest.fixture(fn)
    return fixture


def _ignore(*_: object) -> None:
    """An ``'error'`` listener: a peer's reset ends only its own connection."""


def _echo(sock: Socket) -> None:
    sock.on("error", _ignore)
    sock.pipe(sock)


@_fixture
async def trionet_loop() -> AsyncIterator[Loop]:
    """A running trionet loop; whatever is still open in it is cancelled at teardown."""
    with trio.CancelScope() as scope:
        async with open_loop() as loop:
            yield loop
            # Node would keep running while servers listen; a test is over: tear down.
            scope.cancel()


@_fixture
async def echo_server(trionet_loop: Loop) -> AsyncIterator[Server]:
    """A trionet echo server listening on ``127.0.0.1`` (a free port); closed at teardown."""
    server = create_server(_echo)
    server.listen(0, "127.0.0.1")
    with trio.fail_after(SETUP_TIMEOUT):
        await once(server, "listening")
    try:
        yield server
    finally:
        server.close()


async def _pair(server: Server, connect_options: dict[str, Any]) -> tuple[Socket, Socket]:
    accepted: list[Socket] = []
    got_one = trio.Event()

    def on_connection(sock: Socket) -> None:
        accepted.append(sock)
        got_one.set()

    server.on("connection", on_connection)
    with trio.fail_after(SETUP_TIMEOUT):
        await once(server, "listening")
        client = create_connection(connect_options)
        await once(client, "connect")
        await got_one.wait()
    server.close()  # stop accepting: the pair is all this server is for
    return accepted[0], client


@_fixture
async def tcp_socket_pair(trionet_loop: Loop) -> AsyncIterator[tuple[Socket, Socket]]:
    """``(server_side, client_side)``: connected trionet Sockets over loopback TCP."""
    server = create_server()
    server.listen(0, "127.0.0.1")
    address = server.address()
    assert isinstance(address, dict)
    server_side, client_side = await _pair(server, {"port": address["port"], "host": "127.0.0.1"})
    try:
        yield server_side, client_side
    finally:
        client_side.destroy()
        server_side.destroy()


@_fixture
async def unix_socket_pair(trionet_loop: Loop) -> AsyncIterator[tuple[Socket, Socket]]:
    """``(server_side, client_side)``: connected trionet Sockets over a temporary Unix path."""
    # A short directory: a Unix socket path holds at most 107 bytes.
    directory = tempfile.mkdtemp(prefix="trionet-")
    try:
        path = os.path.join(directory, "pair.sock")
        server = create_server()
        server.listen(path)
        server_side, client_side = await _pair(server, {"path": path})
        try:
            yield server_side, client_side
        finally:
            client_side.destroy()
            server_side.destroy()
    finally:
        shutil.rmtree(directory, ignore_errors=True)
