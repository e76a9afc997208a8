"""Bad input (issue #5): hypothesis throws wrong types and values at the public API.

Every call either works (the value happened to be valid) or raises a
``trionet.NodeError`` subclass (or ``TypeError`` for Python-level misuse, such as
an unknown keyword) at the call. Nothing hangs (each example runs under
``trio.fail_after``), nothing crashes the loop (an exception leaving the loop
fails the example), no descriptor leaks and no file is left behind.
"""

from __future__ import annotations

import gc
import math
import os
import tempfile
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import trio
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import trionet

ALLOWED = (trionet.NodeError, TypeError)

SETTINGS = settings(
    max_examples=75,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _noop(*args: object) -> None:
    return None


#: Wrong (and sometimes right) values of every kind. No small non-negative ints
#: where a descriptor is meant: fd=5 might be a real descriptor of this process.
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.binary(max_size=12),
    st.just(object()),
    st.just(_noop),
    st.sampled_from(["127.0.0.1", "::1", "localhost", "", "utf8", "hex", "data", "error"]),
    st.sampled_from([0, -1, 65535, 65536, 2**31, 1.5, float("nan"), "80", "0x50"]),
)
junk = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.dictionaries(st.text(max_size=6), scalars, max_size=3),
)

LISTEN_KEYS = [
    "port",
    "host",
    "path",
    "backlog",
    "exclusive",
    "readable_all",
    "writable_all",
    "ipv6_only",
    "fd",
]
CONNECT_KEYS = [
    "port",
    "host",
    "path",
    "local_address",
    "local_port",
    "family",
    "hints",
    "lookup",
    "timeout",
    "no_delay",
    "keep_alive",
    "keep_alive_initial_delay",
    "allow_half_open",
    "on_read",
]


def _safe_fd(value: object) -> bool:
    return not (
        isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < 2**16
    )


def options(keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(keys), junk, max_size=3).filter(
        lambda d: _safe_fd(d.get("fd"))
    )


_WORKDIR = tempfile.mkdtemp(prefix="trionet-bad-input-")


def run_case(body: Callable[[], Awaitable[None]]) -> None:
    """Run ``body`` in a fresh loop, in an empty directory (relative paths land there);
    afterwards no descriptor and no file is left over."""
    gc.collect()  # descriptors of garbage from earlier examples close now, not during ours
    before = len(os.listdir("/proc/self/fd"))
    cwd = os.getcwd()
    for leftover in os.listdir(_WORKDIR):  # an earlier failing example's: fail once only
        os.unlink(os.path.join(_WORKDIR, leftover))
    os.chdir(_WORKDIR)
    try:

        async def main() -> None:
            with trio.fail_after(5):
                async with trionet.open_loop():
                    await body()

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # TimeoutOverflowWarning and the like
            trio.run(main)
        assert os.listdir(_WORKDIR) == []
    finally:
        os.chdir(cwd)
    gc.collect()
    assert len(os.listdir("/proc/self/fd")) <= before


async def settle(emitter: trionet.EventEmitter, *names: str) -> None:
    """Wait for the first of ``names`` (errors included) to be emitted."""
    done = trio.Event()
    for name in names:
        emitter.once(name, lambda *_: done.set())
    await done.wait()


async def _echo_pair() -> tuple[trionet.Server, trionet.Socket]:
    def echo(c: trionet.Socket) -> None:
        # A junk end() or write() can make the client close with the echo
        # unread: the kernel then resets the server's side, which may still read.
        c.on("error", _noop)
        c.pipe(c)

    server = trionet.create_server(echo)
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    address = server.address()
    assert isinstance(address, dict)
    client = trionet.connect(address["port"], "127.0.0.1")
    client.on("error", _noop)
    await trionet.once(client, "connect")
    return server, client


async def _finish(server: trionet.Server, *sockets: trionet.Socket) -> None:
    for s in sockets:
        s.destroy()
    server.close()


# == servers =================================================================================


@SETTINGS
@given(args=st.lists(junk, max_size=4), kwargs=options(LISTEN_KEYS))
def test_listen(args: list[Any], kwargs: dict[str, Any]) -> None:
    # An infinite backlog is test_listen_infinite_backlog's known bug: keep it out here.
    assume(not any(isinstance(a, float) and math.isinf(a) for a in [*args, *kwargs.values()]))
    if args and not _safe_fd(args[0]):
        args[0] = -7
    if args and isinstance(args[0], dict) and not _safe_fd(args[0].get("fd")):
        args[0]["fd"] = -7

    async def body() -> None:
        server = trionet.create_server()
        server.on("error", _noop)
        try:
            server.listen(*args, **kwargs)
        except ALLOWED:
            assert not server.listening
            return
        await settle(server, "listening", "error")
        server.close()

    run_case(body)


@pytest.mark.parametrize("backlog", [math.inf, -math.inf])
def test_listen_infinite_backlog(backlog: float) -> None:
    async def body() -> None:
        server = trionet.create_server()
        server.listen(0, "127.0.0.1", backlog)
        await settle(server, "listening")
        server.close()

    run_case(body)


@SETTINGS
@given(listener=junk, second=junk, half_open=junk, pause=junk)
def test_create_server(listener: Any, second: Any, half_open: Any, pause: Any) -> None:
    async def body() -> None:
        try:
            server = trionet.create_server(
                listener, second, allow_half_open=half_open, pause_on_connect=pause
            )
        except ALLOWED:
            return
        server.on("error", _noop)
        server.close(_noop)  # not listening: the callback gets ERR_SERVER_NOT_RUNNING

    run_case(body)


# == sockets =================================================================================


@SETTINGS
@given(args=st.lists(junk, max_size=3), kwargs=options(CONNECT_KEYS), alias=st.booleans())
def test_connect(args: list[Any], kwargs: dict[str, Any], alias: bool) -> None:
    async def body() -> None:
        fn = trionet.connect if alias else trionet.create_connection
        try:
            s = fn(*args, **kwargs)
        except ALLOWED:
            return
        s.on("error", _noop)
        s.destroy()
        await settle(s, "close")

    run_case(body)


@SETTINGS
@given(opts=junk, fd=junk.filter(_safe_fd), half_open=junk, readable=junk, writable=junk)
def test_socket_constructor(
    opts: Any, fd: Any, half_open: Any, readable: Any, writable: Any
) -> None:
    if isinstance(opts, dict) and not _safe_fd(opts.get("fd")):
        opts["fd"] = -7

    async def body() -> None:
        try:
            s = trionet.Socket(
                opts, fd=fd, allow_half_open=half_open, readable=readable, writable=writable
            )
        except ALLOWED:
            return
        s.on("error", _noop)
        s.destroy()

    run_case(body)


@SETTINGS
@given(
    method=st.sampled_from(
        ["write", "end", "set_timeout", "set_keep_alive", "set_no_delay", "set_encoding"]
    ),
    args=st.lists(junk, max_size=3),
    connected=st.booleans(),
)
def test_socket_methods(method: str, args: list[Any], connected: bool) -> None:
    """Junk arguments to a connected socket's methods, or to a socket never connected."""

    async def body() -> None:
        if connected:
            server, s = await _echo_pair()
        else:
            s = trionet.Socket()
            s.on("error", _noop)
        try:
            result = getattr(s, method)(*args)
        except ALLOWED:
            pass
        else:
            if method == "write":
                assert isinstance(result, bool)
            else:
                assert result is s
        if connected:
            s.write(b"still works")
            await settle(s, "data", "close")
            await _finish(server, s)
        else:
            s.destroy()

    run_case(body)


# == addresses ===============================================================================


@SETTINGS
@given(value=junk)
def test_is_ip_never_raises(value: Any) -> None:
    assert trionet.is_ip(value) in (0, 4, 6)
    assert isinstance(trionet.is_ipv4(value), bool)
    assert isinstance(trionet.is_ipv6(value), bool)
    assert trionet.is_ipv4(value) == (trionet.is_ip(value) == 4)
    assert trionet.is_ipv6(value) == (trionet.is_ip(value) == 6)


# == events ==================================================================================


@SETTINGS
@given(
    calls=st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "on",
                    "once",
                    "prepend_listener",
                    "prepend_once_listener",
                    "remove_listener",
                    "remove_all_listeners",
                    "emit",
                    "set_max_listeners",
                    "listener_count",
                    "listeners",
                    "raw_listeners",
                ]
            ),
            st.lists(junk, max_size=3),
        ),
        max_size=6,
    )
)
def test_event_emitter_methods(calls: list[tuple[str, list[Any]]]) -> None:
    emitter = trionet.EventEmitter()
    for name, args in calls:
        try:
            getattr(emitter, name)(*args)
        except ALLOWED:
            pass
    emitter.remove_all_listeners()
    assert emitter.event_names() == []
