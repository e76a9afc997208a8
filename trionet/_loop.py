"""The loop: Node's process lifetime and ``process.nextTick`` queue on trio.

``trionet.run(main)`` is ``node main.js``: it runs ``main`` inside a trio run, then
keeps running while any *ref'd* handle is active (a listening server; a socket
that is connecting, reading, or has writes or a shutdown in flight, as libuv
counts them; a running listener task), then closes the rest and returns.
``async with trionet.open_loop():`` does the same for a block inside an existing
trio program.

Every handle attaches to the innermost loop through a context variable, and
everything it runs lives in the loop's nursery, so no task outlives the block.

Deferred events ("never synchronous with the call that caused them") go through
one FIFO queue per loop, run by one task, so they fire in the order they were
scheduled, as Node's nextTick queue does; separate trio tasks would be reordered
by trio's scheduler.

Ctrl-C: trionet's tasks (the poller, the tick queue, each socket's and server's
task, async listeners) are KI-protected, as trio's own internals are, so
``KeyboardInterrupt`` is raised in the main task and cancels the loop: everything
closes through its ``finally`` blocks, with no half-made state change and no
coroutine created but never awaited. A listener that loops without returning
therefore delays Ctrl-C, as any trio task without a checkpoint delays a
cancellation. Whatever is still open when the loop ends (an error from a
``'connection'`` listener, say) is closed through the ``active`` set.
"""

from __future__ import annotations

import contextvars
import inspect
import os
import select
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import trio
from trio.lowlevel import enable_ki_protection

from ._poller import Poller, Wakeup

if TYPE_CHECKING:
    from ._handle import Handle

__all__ = ["Loop", "current_loop", "open_loop", "run"]

T = TypeVar("T")

_current: contextvars.ContextVar[Loop | None] = contextvars.ContextVar("trionet_loop", default=None)

_NO_LOOP = (
    "trionet handles need a running trionet loop: start your program with "
    "trionet.run(main), or create handles inside `async with trionet.open_loop():`"
)


#: ``TRIONET_FAST_PATH=0`` (or ``off``, ``false``, ``no``) switches the descriptor
#: fast path off for every loop that does not say otherwise.
FAST_PATH_ENV = "TRIONET_FAST_PATH"


def fast_path_default() -> bool:
    """Whether a loop uses the descriptor fast path when not told: where epoll
    exists, unless ``TRIONET_FAST_PATH`` switches it off."""
    setting = os.environ.get(FAST_PATH_ENV, "").strip().lower()
    if setting in ("0", "off", "false", "no"):
        return False
    return hasattr(select, "epoll")


_ENDED = (
    "this trionet loop has ended (its trionet.run or `async with trionet.open_loop():` "
    "is over): a handle cannot start anything after its loop"
)


class Loop:
    """One trionet event loop: a nursery, a nextTick queue and a count of refs.

    With the fast path (``fast_path=True``), the loop's ``poller`` drives plain
    TCP and Unix sockets; without it ``poller`` is None and every socket runs
    over a trio stream (``_transports.py``).
    """

    __slots__ = (
        "_ended",
        "_idle",
        "_nursery",
        "_queue",
        "_refs",
        "_tick_wakeup",
        "active",
        "poller",
    )

    def __init__(self, nursery: trio.Nursery, *, fast_path: bool = True) -> None:
        self._nursery = nursery
        self._ended = False
        self._queue: deque[tuple[Callable[..., object], tuple[object, ...]]] = deque()
        self._tick_wakeup = trio.Event()
        self._refs = 0
        self._idle = trio.Event()
        #: The active handles (see ``Handle._hold``), ref'd or not. A dict used as
        #: an ordered set: a set's table grows 4x at a time and costs an idle
        #: connection 33-105 B an entry (by the count held), a dict's 30-46 B.
        self.active: dict[Handle, None] = {}
        #: The edge-triggered poller of the loop's connection sockets (the fast
        #: path), or None: sockets then run over trio streams.
        self.poller: Poller | None = Poller(self._uncaught) if fast_path else None

    @enable_ki_protection
    def _uncaught(self, error: Exception) -> None:
        """End the loop with ``error``, raised from a task of its own."""
        self._nursery.start_soon(_reraise, error)

    # -- nextTick -------------------------------------------------------------

    def defer(self, fn: Callable[..., object], *args: object) -> None:
        """Call ``fn(*args)`` soon, after the current step, in FIFO order."""
        queue = self._queue
        if not queue:  # else the tick task is woken already, or draining the queue
            self._tick_wakeup.set()
        queue.append((fn, args))

    async def after_ticks(self) -> None:
        """Until everything deferred so far has run (the queue is FIFO)."""
        wakeup = Wakeup()
        self.defer(wakeup.set)
        await wakeup.wait()

    @enable_ki_protection
    async def _run_ticks(self) -> None:
        queue = self._queue
        while True:
            while queue:
                fn, args = queue.popleft()
                result = fn(*args)
                if result is not None and inspect.isawaitable(result):
                    self.spawn_awaitable(result)
            self._tick_wakeup = trio.Event()
            self._check_idle()
            await self._tick_wakeup.wait()

    # -- tasks ----------------------------------------------------------------

    @property
    def ended(self) -> bool:
        """Whether the loop is over (its nursery has exited): nothing can start in it.

        Handles outlive their loop as Python objects; check this before opening
        anything (a socket, a bound listener) that a task of the loop would own.
        """
        return self._ended

    def check_running(self) -> None:
        """Raise a clear RuntimeError if the loop has ended (before opening anything)."""
        if self._ended:
            raise RuntimeError(
                "this trionet loop has ended: create handles inside a running "
                "trionet.run(main) or `async with trionet.open_loop():`"
            )

    @enable_ki_protection
    def spawn(self, async_fn: Callable[..., Awaitable[object]], *args: object) -> None:
        """Start a task in the loop's nursery (it does not keep the loop alive)."""
        if self._ended:
            raise RuntimeError(_ENDED)
        self._nursery.start_soon(async_fn, *args)

    @enable_ki_protection
    def spawn_awaitable(
        self, awaitable: Awaitable[object], nursery: trio.Nursery | None = None
    ) -> None:
        """Run an async listener's awaitable as a task that keeps the loop alive,
        in ``nursery`` (a handle's own) or else the loop's.

        If the task cannot start (the loop's nursery is closed: the loop has ended),
        the ref is given back and the awaitable closed before the error is raised, so
        neither a ref nor a "never awaited" coroutine is left behind.
        """
        self.hold()
        try:
            if nursery is None:
                self.spawn(self._await_then_release, awaitable)
            else:
                nursery.start_soon(self._await_then_release, awaitable)
        except BaseException:
            self.release()
            close = getattr(awaitable, "close", None)
            if close is not None:
                close()
            raise

    @enable_ki_protection
    async def _await_then_release(self, awaitable: Awaitable[object]) -> None:
        try:
            await awaitable
        finally:
            self.release()

    # -- liveness ---------------------------------------------------------------

    def hold(self) -> None:
        """One more ref'd thing keeps the loop alive."""
        self._refs += 1

    def release(self) -> None:
        """One ref'd thing is done."""
        self._refs -= 1
        if self._refs <= 0:
            self._check_idle()

    def _check_idle(self) -> None:
        if self._refs <= 0 and not self._queue:
            self._idle.set()

    async def _wait_idle(self) -> None:
        while self._refs > 0 or self._queue:
            self._idle = trio.Event()
            self._tick_wakeup.set()  # let the tick task re-check once it has drained
            await self._idle.wait()


async def _reraise(error: Exception) -> None:
    raise error


def current_loop() -> Loop:
    """The innermost running trionet loop, or a RuntimeError naming both ways in."""
    loop = _current.get()
    if loop is None:
        raise RuntimeError(_NO_LOOP)
    return loop


def current_loop_or_none() -> Loop | None:
    """The innermost running trionet loop, if any."""
    return _current.get()


@asynccontextmanager
async def open_loop(*, fast_path: bool | None = None) -> AsyncIterator[Loop]:
    """Run a trionet loop for the block, then until no ref'd handle is left.

    ``fast_path`` chooses how sockets move bytes: True drives plain TCP and Unix
    sockets directly through an edge-triggered epoll set (Linux); False runs
    every socket over a trio stream, on any platform trio supports. None (the
    default) takes the fast path where epoll exists, unless the environment
    variable ``TRIONET_FAST_PATH=0`` says otherwise. Both behave the same; the
    fast path is an optimisation.

    On leaving the block it waits, as a Node process does before exiting, until
    nothing ref'd is active (listening servers, sockets that connect, read or
    write, running async listeners), then closes whatever is left (idle and
    unref'd handles).

    A single uncaught error (an ``'error'`` event nobody listens to, an exception
    from a listener or from the block itself) leaves the block as itself, exactly
    as ``trionet.run`` raises it: the nurseries it crossed are trionet's
    implementation detail, and their depth differs between servers and sockets.
    Several concurrent errors leave as an exception group; ``except*`` handles
    both shapes.
    """
    leaf: BaseException | None = None
    loop: Loop | None = None
    try:
        async with trio.open_nursery() as nursery:
            if fast_path is None:
                fast_path = fast_path_default()
            loop = Loop(nursery, fast_path=fast_path)
            token = _current.set(loop)
            try:
                if loop.poller is not None:
                    nursery.start_soon(loop.poller.run)
                nursery.start_soon(loop._run_ticks)
                yield loop
                await loop._wait_idle()
            finally:
                _current.reset(token)
                nursery.cancel_scope.cancel()
    except BaseExceptionGroup as group:
        leaf = _sole_exception(group)
        if leaf is group:
            raise
    finally:
        if loop is not None:
            loop._ended = True
            # Every task has ended; a handle still active lost its task before
            # it could close (an error or Ctrl-C landed in between).
            for handle in list(loop.active):
                handle._abandon()
    if leaf is not None:
        _raise_as_itself(leaf)


def _sole_exception(exc: BaseException) -> BaseException:
    """The one leaf of nested single-member exception groups, else ``exc``."""
    while isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]
    return exc


def _raise_as_itself(exc: BaseException) -> NoReturn:
    """Raise ``exc`` with its own ``__cause__`` and ``__context__`` left intact.

    ``raise exc`` while another exception is being handled (as in ``__aexit__``)
    would overwrite ``exc.__context__``; ``raise exc from None`` would wipe a
    ``raise ... from cause`` chain. Restore both after the raise.
    """
    context, suppress = exc.__context__, exc.__suppress_context__
    try:
        raise exc
    finally:
        exc.__context__ = context
        exc.__suppress_context__ = suppress


def run(main: Callable[..., Any], *args: object, fast_path: bool | None = None) -> Any:
    """Run ``main(*args)`` (sync or async) as ``node main.js`` runs a script.

    ``fast_path``: as for :func:`open_loop`.

    Returns ``main``'s result once no ref'd handle is left. An uncaught error (an
    ``'error'`` event nobody listens to, an exception from a listener) ends the
    run and is raised here as itself, not wrapped in an exception group, as an
    uncaught exception ends a Node process.
    """

    async def _main() -> Any:
        async with open_loop(fast_path=fast_path):
            result = main(*args)
            if inspect.isawaitable(result):
                result = await result
        return result

    try:
        return trio.run(_main)
    except BaseExceptionGroup as group:
        leaf = _sole_exception(group)
        if leaf is group:
            raise
    # Raised outside the except clause: the group is not chained on as context.
    _raise_as_itself(leaf)
