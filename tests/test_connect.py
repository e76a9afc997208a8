"""Connect options: lookup, 'lookup' event, family, local address/port, Happy Eyeballs."""

from __future__ import annotations

import socket as stdsocket
from typing import Any

import pytest
import trio

import trionet


def free_port(host: str = "127.0.0.1") -> int:
    family = stdsocket.AF_INET6 if ":" in host else stdsocket.AF_INET
    with stdsocket.socket(family) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


async def echo_server(host: str = "127.0.0.1") -> trionet.Server:
    server = trionet.create_server(lambda c: c.pipe(c))
    server.listen(0, host)
    await trionet.once(server, "listening")
    return server


async def closed(sock: trionet.Socket) -> tuple[Any, ...]:
    done = trio.Event()
    got: list[tuple[Any, ...]] = []
    sock.once("close", lambda *a: (got.append(a), done.set()))
    await done.wait()
    return got[0]


async def test_hostname_lookup_emits_lookup_event() -> None:
    with trio.fail_after(10):
        async with trionet.open_loop():
            server = await echo_server()
            port = server.address()["port"]  # type: ignore[index]
            s = trionet.connect(port)  # default host 'localhost'
            events: list[Any] = []
            s.on("lookup", lambda *a: events.append(a))
            await trionet.once(s, "connect")
            assert events == [(None, "127.0.0.1", 4, "localhost")]
            assert s.remote_address == "127.0.0.1"
            s.destroy()
            server.close()


async def test_unresolvable_host_is_enotfound() -> None:
    with trio.fail_after(10):
        async with trionet.open_loop():
            s = trionet.connect(80, "no-such-host.invalid")
            lookups: list[Any] = []
            errors: list[Any] = []
            s.on("lookup", lambda *a: lookups.append(a))
            s.on("error", errors.append)
            assert await closed(s) == (True,)
    assert errors[0].code == "ENOTFOUND"
    assert errors[0].syscall == "getaddrinfo"
    assert errors[0].hostname == "no-such-host.invalid"
    assert str(errors[0]) == "getaddrinfo ENOTFOUND no-such-host.invalid"
    assert lookups[0][0] is errors[0]


@pytest.mark.parametrize("asynchronous", [False, True])
async def test_custom_lookup_sync_and_async(asynchronous: bool) -> None:
    calls: list[Any] = []

    def sync_lookup(host: str, options: dict[str, Any]) -> tuple[str, int]:
        calls.append((host, options))
        return ("127.0.0.1", 4)

    async def async_lookup(host: str, options: dict[str, Any]) -> tuple[str, int]:
        await trio.sleep(0)
        return sync_lookup(host, options)

    with trio.fail_after(10):
        async with trionet.open_loop():
            server = await echo_server()
            port = server.address()["port"]  # type: ignore[index]
            s = trionet.connect(
                {
                    "port": port,
                    "host": "example.test",
                    "lookup": async_lookup if asynchronous else sync_lookup,
                }
            )
            events: list[Any] = []
            s.on("lookup", lambda *a: events.append(a))
            await trionet.once(s, "connect")
            s.destroy()
            server.close()
    assert calls[0][0] == "example.test"
    # Node 20's options: family undefined, ADDRCONFIG hints, all (racing).
    assert calls[0][1] == {"family": None, "hints": stdsocket.AI_ADDRCONFIG, "all": True}
    assert events == [(None, "127.0.0.1", 4, "example.test")]


async def test_happy_eyeballs_falls_back_to_the_next_address() -> None:
    dead = free_port("::1")

    def lookup(host: str, options: dict[str, Any]) -> list[dict[str, Any]]:
        assert options["all"] is True
        return [{"address": "::1", "family": 6}, {"address": "127.0.0.1", "family": 4}]

    with trio.fail_after(10):
        async with trionet.open_loop():
            # One port: refused on ::1, served on 127.0.0.1.
            server = trionet.create_server(lambda c: c.end())
            server.listen(dead, "127.0.0.1")
            await trionet.once(server, "listening")
            s = trionet.connect({"port": dead, "host": "dual.test", "lookup": lookup})
            await trionet.once(s, "connect")
            assert s.remote_address == "127.0.0.1"
            assert s.auto_select_family_attempted_addresses == [
                f"::1:{dead}",  # Node: `${address}:${port}`, no brackets
                f"127.0.0.1:{dead}",
            ]
            s.destroy()
            server.close()


async def test_happy_eyeballs_all_failing_is_an_aggregate() -> None:
    port = free_port()

    def lookup(host: str, options: dict[str, Any]) -> list[tuple[str, int]]:
        return [("::1", 6), ("127.0.0.1", 4)]

    with trio.fail_after(10):
        async with trionet.open_loop():
            s = trionet.connect({"port": port, "host": "dual.test", "lookup": lookup})
            errors: list[Any] = []
            s.on("error", errors.append)
            assert await closed(s) == (True,)
    (error,) = errors
    assert error.code == "ECONNREFUSED"
    assert [str(e) for e in error.errors] == [
        f"connect ECONNREFUSED ::1:{port}",
        f"connect ECONNREFUSED 127.0.0.1:{port}",
    ]


async def test_happy_eyeballs_a_slow_first_address_is_raced() -> None:
    """The second attempt starts after the attempt delay even while the first hangs."""
    hits: list[str] = []

    def lookup(host: str, options: dict[str, Any]) -> list[tuple[str, int]]:
        # 10.255.255.1 is never routed here: the attempt hangs (or fails at once).
        return [("10.255.255.1", 4), ("127.0.0.1", 4)]

    with trio.fail_after(10):
        async with trionet.open_loop():
            server = trionet.create_server(lambda c: (hits.append("served"), c.end()))
            server.listen(0, "127.0.0.1")
            await trionet.once(server, "listening")
            port = server.address()["port"]  # type: ignore[index]
            s = trionet.connect(
                {
                    "port": port,
                    "host": "slow.test",
                    "lookup": lookup,
                    "auto_select_family_attempt_timeout": 20,
                }
            )
            events: list[tuple[Any, ...]] = []
            for name in (
                "connectionAttempt",
                "connectionAttemptFailed",
                "connectionAttemptTimeout",
            ):
                s.on(name, lambda *args, name=name: events.append((name, *args[:3])))
            await trionet.once(s, "connect")
            assert s.remote_address == "127.0.0.1"
            # The first attempt timed out (or, unrouted, failed) before the second began.
            assert events[0] == ("connectionAttempt", "10.255.255.1", port, 4)
            assert events[1][0] in ("connectionAttemptTimeout", "connectionAttemptFailed")
            assert events[1][1:] == ("10.255.255.1", port, 4)
            assert ("connectionAttempt", "127.0.0.1", port, 4) in events[2:]
            s.destroy()
            server.close()


async def test_auto_select_family_off_uses_only_the_first_address() -> None:
    port = free_port()

    def lookup(host: str, options: dict[str, Any]) -> list[tuple[str, int]]:
        # Node: no 'all' when not racing
        assert options == {"family": None, "hints": stdsocket.AI_ADDRCONFIG}
        return [("127.0.0.1", 4)]

    with trio.fail_after(10):
        async with trionet.open_loop():
            s = trionet.connect(
                {"port": port, "host": "x.test", "lookup": lookup, "auto_select_family": False}
            )
            errors: list[Any] = []
            s.on("error", errors.append)
            await closed(s)
    assert errors[0].code == "ECONNREFUSED"
    assert not hasattr(errors[0], "errors")


@pytest.mark.parametrize(("family", "expected"), [(4, "127.0.0.1"), (6, "::1")])
async def test_family_option_filters_lookup(family: int, expected: str) -> None:
    with trio.fail_after(10):
        async with trionet.open_loop():
            server = trionet.create_server(lambda c: c.end())
            server.listen(0)  # dual-stack '::' serves both families
            await trionet.once(server, "listening")
            port = server.address()["port"]  # type: ignore[index]

            def lookup(host: str, options: dict[str, Any]) -> tuple[str, int]:
                assert options["family"] == family
                return (expected, family)

            s = trionet.connect(
                {"port": port, "host": "h.test", "family": family, "lookup": lookup}
            )
            await trionet.once(s, "connect")
            assert s.remote_address == expected
            assert s.remote_family == f"IPv{family}"
            s.destroy()
            server.close()


async def test_local_address_and_local_port() -> None:
    local_port = free_port()
    with trio.fail_after(10):
        async with trionet.open_loop():
            server = await echo_server()
            port = server.address()["port"]  # type: ignore[index]
            s = trionet.connect(
                {
                    "port": port,
                    "host": "127.0.0.1",
                    "local_address": "127.0.0.1",
                    "local_port": local_port,
                }
            )
            await trionet.once(s, "connect")
            assert s.local_address == "127.0.0.1"
            assert s.local_port == local_port
            s.destroy()
            server.close()


async def test_connect_timeout_option_sets_idle_timeout() -> None:
    with trio.fail_after(10):
        async with trionet.open_loop():
            server = await echo_server()
            port = server.address()["port"]  # type: ignore[index]
            s = trionet.connect({"port": port, "host": "127.0.0.1", "timeout": 30})
            assert s.timeout == 30
            await trionet.once(s, "timeout")
            assert not s.destroyed
            s.destroy()
            server.close()


async def test_on_read_reuses_the_buffer_and_false_pauses() -> None:
    buffer = bytearray(4)
    seen: list[bytes] = []
    with trio.fail_after(10):
        async with trionet.open_loop():
            server = trionet.create_server(lambda c: c.end(b"abcdefghij"))
            server.listen(0, "127.0.0.1")
            await trionet.once(server, "listening")
            port = server.address()["port"]  # type: ignore[index]
            paused = trio.Event()

            def callback(n: int, buf: bytearray) -> bool:
                assert buf is buffer
                seen.append(bytes(buf[:n]))
                if len(seen) == 1:
                    paused.set()
                    return False
                return True

            s = trionet.connect(
                {
                    "port": port,
                    "host": "127.0.0.1",
                    "on_read": {"buffer": buffer, "callback": callback},
                }
            )
            data_events: list[Any] = []
            s.on("data", data_events.append)
            await paused.wait()
            assert s.is_paused()
            assert seen == [b"abcd"]
            s.resume()
            await trionet.once(s, "end")
            server.close()
    assert b"".join(seen) == b"abcdefghij"
    assert data_events == []
