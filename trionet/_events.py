"""Node's ``EventEmitter`` (``lib/events.js``) in snake_case, plus ``events.once``/``events.on``.

Semantics follow Node v20: duplicate listeners are allowed and fire once per
registration; ``remove_listener`` removes the most recently added match and is a no-op
for an unknown listener; ``emit`` calls a snapshot of the listeners, so a listener
removed during an emit still runs in that emit and one added during it does not;
``'newListener'`` is emitted before a listener is added and ``'removeListener'`` after
one is removed; an ``'error'`` event with no listener raises.

Storage is a dict of tuples, replaced (never mutated) on every add or remove, so
``emit`` iterates an immutable snapshot with no lock and no copy. Emitters are not
thread-safe: use them from the trio thread only, as everything in trionet.

Listeners may be ``async def``. ``emit`` stays synchronous and hands any awaitable a
listener returns to :meth:`EventEmitter._spawn_awaitable` (by default: a task in the
current trionet loop); ``_emit_awaiting`` awaits them one by one instead, in order.
"""

from __future__ import annotations

import math
import warnings
from collections import deque
from collections.abc import Awaitable, Callable
from inspect import isawaitable
from typing import Any, ClassVar, NoReturn, Self

import trio

__all__ = [
    "EventEmitter",
    "EventIterator",
    "MaxListenersExceededWarning",
    "on",
    "once",
]

Listener = Callable[..., object]

_NEEDS_LOOP = (
    "an async listener returned an awaitable, and async listeners need a running "
    "trionet loop to run in: start the program with trionet.run(main), or emit inside "
    "`async with trionet.open_loop():`"
)


class MaxListenersExceededWarning(RuntimeWarning):
    """More listeners than :meth:`EventEmitter.get_max_listeners` for one event.

    Like Node's warning object it carries the ``emitter``, the event ``name`` and the
    listener ``count`` that crossed the limit.
    """

    def __init__(self, message: str, emitter: object, name: str, count: int) -> None:
        super().__init__(message)
        self.emitter = emitter
        self.name = name
        self.count = count


def _invalid_listener(value: object) -> Exception:
    from trionet._errors import invalid_arg_type

    return invalid_arg_type("listener", "Function", value)


def _raise_unhandled(args: tuple[object, ...]) -> NoReturn:
    err = args[0] if args else None
    if isinstance(err, BaseException):
        raise err
    from trionet._errors import unhandled_error

    raise unhandled_error(err)


def _as_exception(value: object) -> BaseException:
    """What an ``'error'`` emission turns into when raised to an awaiting task."""
    if isinstance(value, BaseException):
        return value
    from trionet._errors import unhandled_error

    return unhandled_error(value)


class _OnceWrapper:
    """What :meth:`EventEmitter.once` stores: removes itself, then calls ``listener``."""

    __slots__ = ("emitter", "fired", "listener", "name")

    def __init__(self, emitter: EventEmitter, name: str, listener: Listener) -> None:
        self.emitter = emitter
        self.name = name
        self.listener = listener
        self.fired = False

    def __call__(self, *args: object) -> object:
        if self.fired:
            return None
        self.fired = True
        self.emitter.remove_listener(self.name, self)
        return self.listener(*args)

    def __repr__(self) -> str:
        return f"<once wrapper of {self.listener!r}>"


def _unwrap(fn: Listener) -> Listener:
    return fn.listener if isinstance(fn, _OnceWrapper) else fn


def _matches(stored: Listener, listener: object) -> bool:
    # ``==`` rather than ``is``: ``obj.method`` makes a new bound-method object on
    # every access, and those compare equal, not identical.
    return (
        stored is listener
        or stored == listener
        or (isinstance(stored, _OnceWrapper) and stored.listener == listener)
    )


class EventEmitter:
    """Node's ``EventEmitter`` with snake_case names. Subclass it and call ``__init__``.

    Every method that returns the emitter in Node returns ``self`` here, for chaining.
    Event names are strings; Node's meta events keep Node's spelling: ``'newListener'``
    (emitted with ``(name, listener)`` before a listener is added) and
    ``'removeListener'`` (emitted with ``(name, listener)`` after one is removed).
    """

    __slots__ = ("_events", "_max_listeners", "_warned")

    #: The limit used by emitters that have not called :meth:`set_max_listeners`
    #: (Node's ``EventEmitter.defaultMaxListeners``); 0 means unlimited.
    default_max_listeners: ClassVar[float] = 10

    def __init__(self) -> None:
        self._events: dict[str, tuple[Listener, ...]] = {}
        self._max_listeners: float | None = None
        # Event names already warned about; None until the first warning.
        self._warned: set[str] | None = None

    # -- adding -----------------------------------------------------------------------

    #: Event names whose listeners a subclass must hear about: :meth:`_added` and
    #: :meth:`_removed` are called for these only (and ``_removed(None)`` when every
    #: listener goes), so that adding and removing any other listener costs no call.
    _watched: ClassVar[frozenset[str]] = frozenset()

    def _add(self, name: str, listener: Listener, stored: Listener, prepend: bool) -> None:
        events = self._events
        if "newListener" in events:
            self.emit("newListener", name, listener)
        existing = events.get(name)
        if existing is None:
            events[name] = (stored,)
            if name in self._watched:
                self._added(name)
            return
        new = (stored, *existing) if prepend else (*existing, stored)
        events[name] = new
        limit = self._max_listeners
        if limit is None:
            limit = self.default_max_listeners
        if 0 < limit < len(new):
            warned = self._warned
            if warned is None:
                warned = self._warned = set()
            if name not in warned:
                warned.add(name)
                count = len(new)
                limit_text = int(limit) if float(limit).is_integer() else limit
                warnings.warn(
                    MaxListenersExceededWarning(
                        "Possible EventEmitter memory leak detected. "
                        f"{count} {name} listeners added to [{type(self).__name__}]. "
                        f"MaxListeners is {limit_text}. "
                        "Use emitter.set_max_listeners() to increase limit",
                        self,
                        name,
                        count,
                    ),
                    stacklevel=3,
                )
        if name in self._watched:
            self._added(name)

    def on(self, name: str, listener: Listener) -> Self:
        """Add ``listener`` at the end of the listeners for ``name`` (duplicates allowed)."""
        if not callable(listener):
            raise _invalid_listener(listener)
        self._add(name, listener, listener, False)
        return self

    add_listener = on

    def prepend_listener(self, name: str, listener: Listener) -> Self:
        """Add ``listener`` at the front of the listeners for ``name``."""
        if not callable(listener):
            raise _invalid_listener(listener)
        self._add(name, listener, listener, True)
        return self

    def once(self, name: str, listener: Listener) -> Self:
        """Add a listener that is removed just before it is first called."""
        if not callable(listener):
            raise _invalid_listener(listener)
        self._add(name, listener, _OnceWrapper(self, name, listener), False)
        return self

    def prepend_once_listener(self, name: str, listener: Listener) -> Self:
        """:meth:`once`, at the front of the listeners for ``name``."""
        if not callable(listener):
            raise _invalid_listener(listener)
        self._add(name, listener, _OnceWrapper(self, name, listener), True)
        return self

    # -- removing ---------------------------------------------------------------------

    def remove_listener(self, name: str, listener: Listener) -> Self:
        """Remove the most recently added registration of ``listener`` for ``name``.

        A :meth:`once` registration matches its original listener. Unknown listeners
        are ignored. ``'removeListener'`` is emitted after the removal.
        """
        events = self._events
        existing = events.get(name)
        if existing is None:
            if not callable(listener):
                raise _invalid_listener(listener)
            return self
        # The newest registration first; _matches inlined (this runs for every
        # listener a pipe or a once() takes off).
        i = len(existing) - 1
        while True:
            stored = existing[i]
            if (
                stored is listener
                or stored == listener
                or (type(stored) is _OnceWrapper and stored.listener == listener)
            ):
                break
            if not i:
                if not callable(listener):
                    raise _invalid_listener(listener)
                return self
            i -= 1
        if len(existing) == 1:
            del events[name]
        else:
            events[name] = existing[:i] + existing[i + 1 :]
        if len(existing) <= 2 and self._warned:
            # As in Node, the "warned" mark lives with the listener list, which goes
            # away once at most one listener is left: a later leak warns again.
            self._warned.discard(name)
        if name in self._watched:
            self._removed(name)
        if "removeListener" in events:
            self.emit("removeListener", name, _unwrap(stored))
        return self

    off = remove_listener

    def _added(self, name: str) -> None:
        """A listener for ``name`` (one of :attr:`_watched`) was added; a hook."""

    def _removed(self, name: str | None) -> None:
        """Listeners for ``name`` (one of :attr:`_watched`, or None: for every event)
        were removed; a hook."""

    def remove_all_listeners(self, name: str | None = None) -> Self:
        """Remove every listener for ``name``, or for every event when ``name`` is None.

        With ``'removeListener'`` listeners present, each removal is announced, last
        added first, and the ``'removeListener'`` listeners themselves go last.
        """
        events = self._events
        if "removeListener" not in events:
            if name is None:
                events.clear()
                self._warned = None
            elif events.pop(name, None) is not None and self._warned:
                self._warned.discard(name)
            if name is None or name in self._watched:
                self._removed(name)
            return self
        if name is None:
            for key in list(events):
                if key != "removeListener":
                    self.remove_all_listeners(key)
            self.remove_all_listeners("removeListener")
            events.clear()
            self._warned = None
            return self
        for stored in reversed(events.get(name, ())):
            self.remove_listener(name, stored)
        return self

    # -- introspection ----------------------------------------------------------------

    def listeners(self, name: str) -> list[Listener]:
        """The listeners for ``name``, in call order, :meth:`once` ones unwrapped."""
        return [_unwrap(fn) for fn in self._events.get(name, ())]

    def raw_listeners(self, name: str) -> list[Listener]:
        """The listeners for ``name`` as stored (:meth:`once` wrappers included)."""
        return list(self._events.get(name, ()))

    def listener_count(self, name: str, listener: Listener | None = None) -> int:
        """How many listeners ``name`` has, or how many registrations of ``listener``."""
        existing = self._events.get(name, ())
        if listener is None:
            return len(existing)
        return sum(1 for fn in existing if _matches(fn, listener))

    def event_names(self) -> list[str]:
        """Names with at least one listener, in the order they first got one."""
        return list(self._events)

    def set_max_listeners(self, n: float) -> Self:
        """Warn when an event gets more than ``n`` listeners (0 or ``math.inf``: never)."""
        if isinstance(n, bool) or not isinstance(n, int | float):
            from trionet._errors import invalid_arg_type

            raise invalid_arg_type("n", "number", n)
        if math.isnan(n) or n < 0:
            from trionet._errors import out_of_range

            raise out_of_range("n", ">= 0", n)
        self._max_listeners = n
        return self

    def get_max_listeners(self) -> float:
        """The current limit (:attr:`default_max_listeners` unless set)."""
        limit = self._max_listeners
        return self.default_max_listeners if limit is None else limit

    # -- emitting ---------------------------------------------------------------------

    def emit(self, name: str, *args: object) -> bool:
        """Call every listener of ``name`` with ``args``, in order; True if there were any.

        An ``'error'`` event with no listener raises its argument if that is an
        exception, else a ``NodeError`` with code ``'ERR_UNHANDLED_ERROR'``. An exception
        from a listener propagates at once; later listeners are not called.
        Awaitables returned by listeners go to :meth:`_spawn_awaitable`.
        """
        listeners = self._events.get(name)
        if listeners is None:
            if name == "error":
                _raise_unhandled(args)
            return False
        if len(listeners) == 1:
            r = listeners[0](*args)
            if r is not None and r is not True and r is not False and isawaitable(r):
                self._spawn_awaitable(r)
            return True
        for fn in listeners:
            r = fn(*args)
            if r is not None and r is not True and r is not False and isawaitable(r):
                self._spawn_awaitable(r)
        return True

    async def _emit_awaiting(self, name: str, *args: object) -> bool:
        """:meth:`emit`, but await each listener's awaitable before calling the next.

        Not a checkpoint unless a listener returns an awaitable.
        """
        listeners = self._events.get(name)
        if listeners is None:
            if name == "error":
                _raise_unhandled(args)
            return False
        for fn in listeners:
            r = fn(*args)
            if r is not None and r is not True and r is not False and isawaitable(r):
                await r
        return True

    def _spawn_awaitable(self, awaitable: Awaitable[Any]) -> None:
        """Run an async listener's awaitable; subclasses route it to their own nursery.

        The base class starts it as a task of the current trionet loop. Without one,
        the awaitable is closed (so no "never awaited" warning hides the mistake) and
        a TypeError is raised from ``emit``.
        """
        try:
            from trionet._loop import current_loop

            current_loop().spawn_awaitable(awaitable)
        except Exception as exc:
            close = getattr(awaitable, "close", None)
            if close is not None:
                close()
            raise TypeError(_NEEDS_LOOP) from exc


# -- events.once / events.on ----------------------------------------------------------


async def once(emitter: EventEmitter, name: str) -> tuple[object, ...]:
    """Wait for the next ``name`` event and return its arguments (Node's ``events.once``).

    If ``name`` is not ``'error'`` and the emitter emits ``'error'`` first, that error
    is raised instead. The listeners are removed in every case, cancellation included.
    Needs only trio, not a trionet loop.
    """
    done = trio.Event()
    result: tuple[object, ...] = ()
    error: list[object] = []

    def resolver(*args: object) -> None:
        nonlocal result
        result = args
        if name != "error":
            emitter.remove_listener("error", on_error)
        done.set()

    def on_error(*args: object) -> None:
        error.append(args[0] if args else None)
        emitter.remove_listener(name, resolver)
        done.set()

    emitter.once(name, resolver)
    try:
        if name != "error":
            emitter.once("error", on_error)
        await done.wait()
    finally:
        emitter.remove_listener(name, resolver)
        if name != "error":
            emitter.remove_listener("error", on_error)
    if error:
        raise _as_exception(error[0])
    return result


class _IteratorState:
    """The listeners' side of an :class:`EventIterator` (owned by the emitter)."""

    __slots__ = ("closed", "emitter", "error", "name", "queue", "waiter")

    def __init__(self, emitter: EventEmitter, name: str) -> None:
        self.emitter = emitter
        self.name = name
        self.queue: deque[tuple[object, ...]] = deque()
        self.error: BaseException | None = None
        self.closed = False
        self.waiter: trio.lowlevel.Task | None = None

    def push(self, *args: object) -> None:
        self.queue.append(args)
        self.wake()

    def on_error(self, *args: object) -> None:
        self.error = _as_exception(args[0] if args else None)
        self.close()

    def wake(self) -> None:
        task = self.waiter
        if task is not None:
            self.waiter = None
            trio.lowlevel.reschedule(task)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.emitter.remove_listener(self.name, self.push)
        if self.name != "error":
            self.emitter.remove_listener("error", self.on_error)
        self.wake()


class EventIterator:
    """``async for args in on(emitter, name)``: every emission's arguments as a tuple.

    Emissions that arrive between iterations are buffered. An ``'error'`` emission
    (unless ``name`` is ``'error'``) removes the listeners; the iterator then yields
    what was buffered, raises the error, and stops. The listeners are also removed by
    :meth:`aclose`, by leaving ``async with``, by cancellation of a waiting
    ``__anext__``, and when the iterator is dropped (on CPython, right after an
    ``async for`` loop that held the only reference breaks).
    """

    __slots__ = ("__weakref__", "_state")

    def __init__(self, emitter: EventEmitter, name: str) -> None:
        state = _IteratorState(emitter, name)
        emitter.on(name, state.push)
        if name != "error":
            emitter.on("error", state.on_error)
        self._state = state

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> tuple[object, ...]:
        state = self._state
        try:
            await trio.lowlevel.checkpoint_if_cancelled()
            waited = False
            while not state.queue and state.error is None and not state.closed:
                if state.waiter is not None:
                    raise trio.BusyResourceError(
                        "another task is already waiting on this trionet.on() iterator"
                    )
                state.waiter = trio.lowlevel.current_task()

                def abort(_: object) -> trio.lowlevel.Abort:
                    state.waiter = None
                    return trio.lowlevel.Abort.SUCCEEDED

                await trio.lowlevel.wait_task_rescheduled(abort)
                waited = True
            if not waited:
                await trio.lowlevel.cancel_shielded_checkpoint()
        except trio.Cancelled:
            state.close()
            raise
        if state.queue:
            return state.queue.popleft()
        error = state.error
        if error is not None:
            state.error = None
            raise error
        raise StopAsyncIteration

    async def aclose(self) -> None:
        """Remove the listeners and drop anything buffered; iteration then stops."""
        self._state.close()
        self._state.queue.clear()
        await trio.lowlevel.checkpoint()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._state.close()
        self._state.queue.clear()

    def __del__(self) -> None:
        state = getattr(self, "_state", None)
        if state is not None:
            state.close()


def on(emitter: EventEmitter, name: str) -> EventIterator:
    """An async iterator over ``name`` emissions (Node's ``events.on``).

    The listeners are added at once, so emissions are buffered from this call on.
    Needs only trio, not a trionet loop.
    """
    return EventIterator(emitter, name)
