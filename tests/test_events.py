"""EventEmitter and events.once/events.on, checked against Node v20's lib/events.js."""

from __future__ import annotations

import gc
import importlib
import inspect
import math
import warnings
from collections.abc import Callable, Generator
from typing import Any

import pytest
import trio
import trio.testing

from trionet._events import (
    EventEmitter,
    EventIterator,
    MaxListenersExceededWarning,
    on,
    once,
)


def recorder(log: list[Any], tag: str) -> Callable[..., None]:
    def listener(*args: object) -> None:
        log.append((tag, *args))

    return listener


def assert_node_error(exc: BaseException, code: str) -> None:
    """``trionet._errors`` is written in parallel: accept a NodeError or, while it is
    missing, the ImportError of the lazy import."""
    try:
        errors = importlib.import_module("trionet._errors")
    except ImportError:
        errors = None
    if errors is None:
        assert isinstance(exc, ImportError), exc
    else:
        assert getattr(exc, "code", None) == code, exc


# -- adding and calling ----------------------------------------------------------------


def test_listeners_called_in_registration_order_with_args() -> None:
    log: list[Any] = []
    e = EventEmitter()
    e.on("x", recorder(log, "a")).on("x", recorder(log, "b"))
    assert e.emit("x", 1, 2) is True
    assert log == [("a", 1, 2), ("b", 1, 2)]


def test_emit_without_listeners_returns_false() -> None:
    e = EventEmitter()
    e.on("y", lambda: None)
    assert e.emit("x") is False


def test_duplicate_registration_fires_twice() -> None:
    log: list[Any] = []
    e = EventEmitter()
    f = recorder(log, "f")
    e.on("x", f).on("x", f)
    e.emit("x")
    assert log == [("f",), ("f",)]
    assert e.listener_count("x") == 2


def test_methods_return_self_for_chaining() -> None:
    e = EventEmitter()

    def f() -> None:
        pass

    assert e.on("x", f) is e
    assert e.add_listener("x", f) is e
    assert e.once("x", f) is e
    assert e.prepend_listener("x", f) is e
    assert e.prepend_once_listener("x", f) is e
    assert e.off("x", f) is e
    assert e.remove_listener("x", f) is e
    assert e.remove_all_listeners("x") is e
    assert e.remove_all_listeners() is e
    assert e.set_max_listeners(3) is e


def test_add_listener_and_off_are_aliases() -> None:
    log: list[Any] = []
    e = EventEmitter()
    f = recorder(log, "f")
    e.add_listener("x", f)
    e.emit("x")
    e.off("x", f)
    e.emit("x")
    assert log == [("f",)]


def test_prepend_listener_goes_first() -> None:
    log: list[Any] = []
    e = EventEmitter()
    e.on("x", recorder(log, "a"))
    e.prepend_listener("x", recorder(log, "b"))
    e.emit("x")
    assert log == [("b",), ("a",)]


def test_listener_exception_propagates_and_stops_the_emit() -> None:
    log: list[Any] = []
    e = EventEmitter()

    def boom() -> None:
        raise ValueError("boom")

    e.on("x", boom).on("x", recorder(log, "later"))
    with pytest.raises(ValueError, match="boom"):
        e.emit("x")
    assert log == []


def test_emitter_has_no_instance_dict_and_subclasses_add_slots() -> None:
    class Sub(EventEmitter):
        __slots__ = ("extra",)

        def __init__(self) -> None:
            super().__init__()
            self.extra = 1

    s = Sub()
    assert not hasattr(EventEmitter(), "__dict__")
    assert not hasattr(s, "__dict__")
    log: list[Any] = []
    s.on("x", recorder(log, "a")).emit("x")
    assert log == [("a",)]


# -- removing ----------------------------------------------------------------------------


def test_remove_listener_removes_the_last_added_match() -> None:
    log: list[Any] = []
    e = EventEmitter()
    h, k = recorder(log, "h"), recorder(log, "k")
    e.on("x", h).on("x", k).on("x", h)
    e.off("x", h)
    e.emit("x")
    assert log == [("h",), ("k",)]  # removing the first h would give k, h


def test_remove_unknown_listener_is_a_no_op() -> None:
    removed: list[Any] = []
    e = EventEmitter()
    f = recorder([], "f")
    e.on("removeListener", lambda *a: removed.append(a))
    e.on("x", f)
    assert e.off("x", lambda: None) is e
    assert e.off("nothing", f) is e
    assert e.listeners("x") == [f]
    assert removed == []


def test_remove_bound_method_registered_earlier() -> None:
    class Handler:
        def __init__(self) -> None:
            self.calls = 0

        def handle(self) -> None:
            self.calls += 1

    e = EventEmitter()
    h = Handler()
    e.on("x", h.handle)
    e.off("x", h.handle)  # a new, equal but not identical bound-method object
    e.emit("x")
    assert h.calls == 0
    assert e.event_names() == []


def test_remove_listener_matches_once_registration() -> None:
    e = EventEmitter()
    f = recorder([], "f")
    e.once("x", f)
    e.off("x", f)
    assert e.listener_count("x") == 0
    assert e.emit("x") is False


def test_remove_listener_takes_the_later_of_on_and_once() -> None:
    e = EventEmitter()
    f = recorder([], "f")
    e.on("x", f).once("x", f)
    e.off("x", f)
    assert e.raw_listeners("x") == [f]  # the once wrapper was the last added


def test_remove_all_listeners_for_one_event_keeps_others() -> None:
    e = EventEmitter()
    f = recorder([], "f")
    e.on("a", f).on("b", f).on("a", f)
    e.remove_all_listeners("a")
    assert e.event_names() == ["b"]
    e.remove_all_listeners()
    assert e.event_names() == []


# -- once ----------------------------------------------------------------------------------


def test_once_fires_once_and_is_removed_before_it_is_called() -> None:
    e = EventEmitter()
    counts: list[int] = []
    e.once("x", lambda: counts.append(e.listener_count("x")))
    assert e.emit("x") is True
    assert e.emit("x") is False
    assert counts == [0]


def test_once_listener_reemitting_its_event_runs_once() -> None:
    e = EventEmitter()
    calls: list[int] = []

    def f() -> None:
        calls.append(1)
        e.emit("r")

    e.once("r", f)
    e.emit("r")
    assert calls == [1]


def test_prepend_once_listener_goes_first_and_fires_once() -> None:
    log: list[Any] = []
    e = EventEmitter()
    e.on("x", recorder(log, "a"))
    e.prepend_once_listener("x", recorder(log, "b"))
    e.emit("x")
    e.emit("x")
    assert log == [("b",), ("a",), ("a",)]


def test_listeners_unwraps_and_raw_listeners_does_not() -> None:
    e = EventEmitter()
    f, g = recorder([], "f"), recorder([], "g")
    e.on("x", f).once("x", f).on("x", g)
    assert e.listeners("x") == [f, f, g]
    raw = e.raw_listeners("x")
    assert raw[0] is f
    assert raw[2] is g
    assert raw[1] is not f
    assert raw[1].listener is f  # type: ignore[attr-defined]
    assert e.listeners("none") == []
    assert e.raw_listeners("none") == []


def test_calling_a_raw_once_wrapper_fires_and_removes_it() -> None:
    log: list[Any] = []
    e = EventEmitter()
    f = recorder(log, "f")
    e.on("x", recorder(log, "a")).once("x", f)
    e.raw_listeners("x")[1](7)
    assert log == [("f", 7)]
    assert e.listener_count("x") == 1


def test_listener_count_with_listener_counts_once_registrations() -> None:
    e = EventEmitter()
    f, g = recorder([], "f"), recorder([], "g")
    e.on("x", f).once("x", f).on("x", g)
    assert e.listener_count("x") == 3
    assert e.listener_count("x", f) == 2
    assert e.listener_count("x", g) == 1
    assert e.listener_count("y") == 0


def test_event_names_in_insertion_order_and_readded_goes_last() -> None:
    e = EventEmitter()
    f = recorder([], "f")
    e.on("a", f).on("b", f).on("c", f)
    e.off("a", f).on("a", f)
    assert e.event_names() == ["b", "c", "a"]


# -- snapshot semantics -----------------------------------------------------------------


def test_listener_removed_during_emit_still_runs_in_that_emit() -> None:
    log: list[Any] = []
    e = EventEmitter()
    b = recorder(log, "b")
    e.on("x", lambda: e.off("x", b)).on("x", b)
    e.emit("x")
    assert log == [("b",)]
    e.emit("x")
    assert log == [("b",)]


def test_listener_added_during_emit_runs_only_from_the_next_emit() -> None:
    log: list[Any] = []
    e = EventEmitter()
    e.once("x", lambda: e.on("x", recorder(log, "added")))
    e.emit("x")
    assert log == []
    e.emit("x")
    assert log == [("added",)]


# -- meta events --------------------------------------------------------------------------


def test_new_listener_emitted_before_adding_with_unwrapped_listener() -> None:
    seen: list[Any] = []
    e = EventEmitter()
    f = recorder([], "f")
    e.on("newListener", lambda name, fn: seen.append((name, fn, e.listener_count(name))))
    e.once("x", f)
    assert seen == [("x", f, 0)]


def test_new_listener_adding_to_same_event_is_called_first() -> None:
    log: list[Any] = []
    e = EventEmitter()

    def on_new(name: str, fn: object) -> None:
        if name == "x":
            e.on("x", recorder(log, "B"))

    e.once("newListener", on_new)
    e.on("x", recorder(log, "A"))
    e.emit("x")
    assert log == [("B",), ("A",)]  # Node's documented example


def test_first_new_listener_listener_does_not_see_itself() -> None:
    seen: list[str] = []
    e = EventEmitter()
    e.on("newListener", lambda name, fn: seen.append(name))
    e.on("newListener", lambda name, fn: None)
    assert seen == ["newListener"]


def test_remove_listener_event_after_removal_with_unwrapped_listener() -> None:
    seen: list[Any] = []
    e = EventEmitter()
    f, g = recorder([], "f"), recorder([], "g")
    e.on("removeListener", lambda name, fn: seen.append((name, fn, e.listener_count(name))))
    e.once("x", f).on("x", g)
    e.emit("x")  # the once wrapper removes itself
    e.off("x", g)
    assert seen == [("x", f, 1), ("x", g, 0)]


def test_remove_all_listeners_announces_each_last_added_first() -> None:
    seen: list[Any] = []
    e = EventEmitter()
    f, g = recorder([], "f"), recorder([], "g")
    e.on("z", f).on("z", g)
    e.on("removeListener", lambda name, fn: seen.append((name, fn)))
    e.remove_all_listeners("z")
    assert seen == [("z", g), ("z", f)]


def test_remove_all_listeners_removes_remove_listener_listeners_last() -> None:
    seen: list[Any] = []
    e = EventEmitter()
    f, g = recorder([], "f"), recorder([], "g")
    e.on("a", f).on("b", g).on("a", g)

    def announce(name: str, fn: object) -> None:
        seen.append((name, "rl" if fn is announce else fn))

    e.on("removeListener", announce)
    e.remove_all_listeners()
    assert seen == [("a", g), ("a", f), ("b", g)]  # removing the last one is not announced
    assert e.event_names() == []


# -- 'error' --------------------------------------------------------------------------------


def test_unhandled_error_event_raises_the_exception_itself() -> None:
    err = OSError("boom")
    with pytest.raises(OSError) as info:
        EventEmitter().emit("error", err)
    assert info.value is err


def test_unhandled_error_event_with_non_exception_is_err_unhandled_error() -> None:
    with pytest.raises(Exception) as info:
        EventEmitter().emit("error", "boom")
    assert_node_error(info.value, "ERR_UNHANDLED_ERROR")
    assert not isinstance(info.value, TypeError)


def test_unhandled_error_event_without_args_or_with_a_class() -> None:
    for args in ((), (ValueError,)):
        with pytest.raises(Exception) as info:
            EventEmitter().emit("error", *args)
        assert_node_error(info.value, "ERR_UNHANDLED_ERROR")


def test_error_event_with_a_listener_returns_true_and_does_not_raise() -> None:
    got: list[object] = []
    e = EventEmitter()
    e.on("error", got.append)
    err = ValueError("x")
    assert e.emit("error", err) is True
    assert got == [err]


def test_invalid_listener_is_rejected_before_anything_happens() -> None:
    e = EventEmitter()
    seen: list[Any] = []
    e.on("newListener", lambda *a: seen.append(a))
    for method in (e.on, e.once, e.prepend_listener, e.prepend_once_listener, e.off):
        with pytest.raises(Exception) as info:
            method("x", 5)  # type: ignore[arg-type]
        assert_node_error(info.value, "ERR_INVALID_ARG_TYPE")
    assert seen == []
    assert e.event_names() == ["newListener"]


# -- max listeners --------------------------------------------------------------------------


def add_n(e: EventEmitter, name: str, n: int) -> None:
    for _ in range(n):
        e.on(name, lambda: None)


def test_eleventh_listener_warns_once_with_node_message() -> None:
    e = EventEmitter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        add_n(e, "w", 10)
        assert caught == []
        add_n(e, "w", 3)
    assert len(caught) == 1
    w = caught[0].message
    assert isinstance(w, MaxListenersExceededWarning)
    assert isinstance(w, RuntimeWarning)
    assert str(w) == (
        "Possible EventEmitter memory leak detected. 11 w listeners added to "
        "[EventEmitter]. MaxListeners is 10. Use emitter.set_max_listeners() to "
        "increase limit"
    )
    assert (w.emitter, w.name, w.count) == (e, "w", 11)
    assert caught[0].filename == __file__  # points at the code that added the listener


def test_max_listener_warning_is_per_event_name_and_counts_prepends() -> None:
    e = EventEmitter().set_max_listeners(1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        e.on("a", lambda: None).prepend_listener("a", lambda: None)
        e.once("b", lambda: None).prepend_once_listener("b", lambda: None)
    assert [(w.message.name, w.message.count) for w in caught] == [("a", 2), ("b", 2)]  # type: ignore[union-attr]
    assert "MaxListeners is 1." in str(caught[0].message)


def test_max_listener_warning_again_after_the_list_is_emptied() -> None:
    e = EventEmitter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        add_n(e, "w", 11)
        e.remove_all_listeners("w")
        add_n(e, "w", 11)
    assert len(caught) == 2  # as in Node: the mark goes with the listener list


def test_zero_or_infinite_max_listeners_never_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        add_n(EventEmitter().set_max_listeners(0), "w", 50)
        add_n(EventEmitter().set_max_listeners(math.inf), "w", 50)


def test_default_max_listeners_is_a_class_attribute_read_at_add_time() -> None:
    class Quiet(EventEmitter):
        __slots__ = ()
        default_max_listeners = 2

    q = Quiet()
    assert EventEmitter().get_max_listeners() == 10
    assert q.get_max_listeners() == 2
    with pytest.warns(MaxListenersExceededWarning):
        add_n(q, "w", 3)
    assert q.set_max_listeners(5).get_max_listeners() == 5


def test_set_max_listeners_validation_codes() -> None:
    for bad in (-1, math.nan):
        with pytest.raises(Exception) as info:
            EventEmitter().set_max_listeners(bad)
        assert_node_error(info.value, "ERR_OUT_OF_RANGE")
    for bad in ("a", True, None):
        with pytest.raises(Exception) as info:
            EventEmitter().set_max_listeners(bad)  # type: ignore[arg-type]
        assert_node_error(info.value, "ERR_INVALID_ARG_TYPE")
    assert EventEmitter().set_max_listeners(2.5).get_max_listeners() == 2.5


# -- awaitable results -----------------------------------------------------------------------


class Spawning(EventEmitter):
    __slots__ = ("spawned",)

    def __init__(self) -> None:
        super().__init__()
        self.spawned: list[object] = []

    def _spawn_awaitable(self, awaitable: Any) -> None:
        self.spawned.append(awaitable)


def test_emit_hands_awaitables_to_the_hook_and_skips_plain_results() -> None:
    e = Spawning()

    async def alistener() -> None:
        pass

    e.on("x", lambda: True).on("x", lambda: False).on("x", lambda: 0).on("x", alistener)
    e.on("x", lambda: None)
    assert e.emit("x") is True
    assert len(e.spawned) == 1
    assert inspect.iscoroutine(e.spawned[0])
    e.spawned[0].close()  # type: ignore[attr-defined]
    e.spawned.clear()
    e.remove_all_listeners("x").once("x", alistener).emit("x")
    assert len(e.spawned) == 1  # a once wrapper passes the coroutine through
    e.spawned[0].close()  # type: ignore[attr-defined]


def test_async_listener_without_trionet_loop_is_a_type_error_and_closed() -> None:
    # TODO(lead): the loop path (current_loop().spawn_awaitable) is not tested here;
    # add a test in tests/test_loop.py once trionet._loop is final.
    log: list[Any] = []
    coros: list[Any] = []

    async def alistener() -> None:
        log.append("ran")

    def make() -> object:
        coro = alistener()
        coros.append(coro)
        return coro

    e = EventEmitter()
    e.on("x", recorder(log, "sync")).on("x", make)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "coroutine was never awaited"
        with pytest.raises(TypeError, match="trionet loop"):
            e.emit("x")
        gc.collect()
    assert log == [("sync",)]
    assert inspect.getcoroutinestate(coros[0]) == inspect.CORO_CLOSED


async def test_emit_awaiting_runs_async_listeners_in_order() -> None:
    with trio.fail_after(5):
        log: list[Any] = []
        e = EventEmitter()

        async def slow(x: int) -> None:
            log.append(("slow start", x))
            await trio.sleep(0.01)
            log.append(("slow end", x))

        async def step() -> None:
            await trio.lowlevel.checkpoint()

        class AwaitableThing:  # an awaitable that is not a coroutine
            def __await__(self) -> Generator[Any, None, None]:
                log.append(("thing",))
                return (yield from step().__await__())

        e.on("x", slow).on("x", recorder(log, "sync")).on("x", lambda x: AwaitableThing())
        assert await e._emit_awaiting("x", 1) is True
        assert log == [("slow start", 1), ("slow end", 1), ("sync", 1), ("thing",)]


async def test_emit_awaiting_error_semantics_match_emit() -> None:
    with trio.fail_after(5):
        e = EventEmitter()
        assert await e._emit_awaiting("x") is False
        err = ValueError("x")
        with pytest.raises(ValueError) as info:
            await e._emit_awaiting("error", err)
        assert info.value is err
        with pytest.raises(Exception) as info2:
            await e._emit_awaiting("error", "text")
        assert_node_error(info2.value, "ERR_UNHANDLED_ERROR")
        got: list[object] = []

        async def on_error(exc: object) -> None:
            got.append(exc)

        e.on("error", on_error)
        assert await e._emit_awaiting("error", err) is True
        assert got == [err]


# -- events.once --------------------------------------------------------------------------------


async def test_once_function_returns_args_and_cleans_up() -> None:
    with trio.fail_after(5):
        e = EventEmitter()
        async with trio.open_nursery() as nursery:
            nursery.start_soon(lambda: _emit_later(e, "x", 1, 2))
            assert await once(e, "x") == (1, 2)
        assert e.event_names() == []


async def test_once_function_raises_an_error_emitted_first() -> None:
    with trio.fail_after(5):
        e = EventEmitter()
        err = OSError("bad")
        async with trio.open_nursery() as nursery:
            nursery.start_soon(lambda: _emit_later(e, "error", err))
            with pytest.raises(OSError) as info:
                await once(e, "x")
        assert info.value is err
        assert e.event_names() == []


async def test_once_function_wraps_a_non_exception_error() -> None:
    with trio.fail_after(5):
        e = EventEmitter()
        async with trio.open_nursery() as nursery:
            nursery.start_soon(lambda: _emit_later(e, "error", "text"))
            with pytest.raises(Exception) as info:
                await once(e, "x")
        assert_node_error(info.value, "ERR_UNHANDLED_ERROR")


async def test_once_function_for_error_returns_the_error_args() -> None:
    with trio.fail_after(5):
        e = EventEmitter()
        err = OSError("bad")
        async with trio.open_nursery() as nursery:
            nursery.start_soon(lambda: _emit_later(e, "error", err))
            assert await once(e, "error") == (err,)
        assert e.event_names() == []


async def test_once_function_cancelled_removes_its_listeners() -> None:
    with trio.fail_after(5):
        e = EventEmitter()
        with trio.move_on_after(0.01) as scope:
            await once(e, "x")
        assert scope.cancelled_caught
        assert e.event_names() == []
        assert e.emit("x") is False


async def _emit_later(e: EventEmitter, name: str, *args: object) -> None:
    await trio.testing.wait_all_tasks_blocked()
    e.emit(name, *args)


# -- events.on ------------------------------------------------------------------------------------


async def test_on_buffers_emissions_in_order() -> None:
    with trio.fail_after(5):
        e = EventEmitter()
        it = on(e, "d")
        assert isinstance(it, EventIterator)
        e.emit("d", 1)
        e.emit("d", 2, "two")
        assert await it.__anext__() == (1,)
        assert await it.__anext__() == (2, "two")
        await it.aclose()


async def test_on_wakes_a_waiting_iteration() -> None:
    with trio.fail_after(5):
        e = EventEmitter()
        got: list[tuple[object, ...]] = []
        async with trio.open_nursery() as nursery, on(e, "d") as it:
            nursery.start_soon(lambda: _emit_later(e, "d", "hello"))
            async for args in it:
                got.append(args)
                break
        assert got == [("hello",)]
        assert e.event_names() == []


async def test_on_yields_buffered_then_raises_error_then_stops() -> None:
    with trio.fail_after(5):
        e = EventEmitter()
        it = on(e, "d")
        e.emit("d", 1)
        e.emit("d", 2)
        err = OSError("E")
        assert e.emit("error", err) is True
        assert e.event_names() == []  # listeners go at the error, as in Node
        got: list[tuple[object, ...]] = []

        async def drain() -> None:
            async for args in it:
                got.append(args)

        with pytest.raises(OSError) as info:
            await drain()
        assert info.value is err
        assert got == [(1,), (2,)]
        with pytest.raises(StopAsyncIteration):
            await it.__anext__()


async def test_on_break_removes_listeners_at_once() -> None:
    with trio.fail_after(5):
        e = EventEmitter()
        e.emit("d", 0)  # before on(): not seen
        async with trio.open_nursery() as nursery:
            nursery.start_soon(lambda: _emit_later(e, "d", 3))
            async for args in on(e, "d"):
                assert args == (3,)
                break
        assert e.event_names() == []


async def test_on_aclose_removes_listeners_and_stops_iteration() -> None:
    with trio.fail_after(5):
        e = EventEmitter()
        it = on(e, "d")
        assert e.event_names() == ["d", "error"]
        e.emit("d", 1)
        await it.aclose()
        assert e.event_names() == []
        with pytest.raises(StopAsyncIteration):
            await it.__anext__()


async def test_on_cancelled_while_waiting_removes_listeners() -> None:
    with trio.fail_after(5):
        e = EventEmitter()
        it = on(e, "d")
        with trio.move_on_after(0.01) as scope:
            await it.__anext__()
        assert scope.cancelled_caught
        assert e.event_names() == []
        assert e.emit("d", 1) is False


async def test_on_second_concurrent_waiter_is_busy() -> None:
    with trio.fail_after(5):
        e = EventEmitter()
        it = on(e, "d")
        async with trio.open_nursery() as nursery:
            nursery.start_soon(it.__anext__)
            await trio.testing.wait_all_tasks_blocked()
            with pytest.raises(trio.BusyResourceError):
                await it.__anext__()
            e.emit("d", 1)
        await it.aclose()


async def test_on_error_event_yields_errors_instead_of_raising() -> None:
    with trio.fail_after(5):
        e = EventEmitter()
        err = OSError("E")
        async with on(e, "error") as it:
            e.emit("error", err)
            assert await it.__anext__() == (err,)
            assert e.event_names() == ["error"]
        assert e.event_names() == []
