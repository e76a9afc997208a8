"""Edge-triggered readiness for a loop's connection sockets, on one trio wait.

trio's ``wait_readable`` registers a descriptor with EPOLLONESHOT, so every wait
costs an ``epoll_ctl`` call (and a fresh registration object), and closing costs
another. A socket that echoes small messages waits once per message, so that
call is a quarter of its system calls.

The poller instead registers each connection socket once, edge-triggered
(EPOLLET), in an epoll set of its own, and one task waits on that set's
descriptor through trio. A socket is registered for reads; EPOLLOUT joins its
registration the first time a task waits to write on it (a connect, a write the
kernel could not take at once), which most sockets never do. When the set is
readable the task drains it with one ``epoll_wait`` and reschedules the socket
tasks that wait; an edge that arrives while nobody waits is remembered, so the
next wait returns at once (the reader then finds data, or EAGAIN and waits
again: spurious wake-ups are harmless because every wait is followed by a
non-blocking try). Under load one
``epoll_wait`` serves many sockets, and a wait costs no system call at all.

Waits are cancellable like trio's (the abort drops the waiter), and
``notify_closing`` wakes waiters with ClosedResourceError, as trio's does.

A socket with nothing to await can also be *parked*: no task waits for it;
the poller calls its ``_poll_readable()`` when its descriptor becomes readable,
as libuv calls a read callback. An idle connection then costs no trio task,
and a small message is read and emitted without a scheduler round trip. The
callback hands anything that must be awaited to a task of its own (unparking).
"""

from __future__ import annotations

import select
import sys
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

import outcome
import trio
from trio.lowlevel import (
    Abort,
    Task,
    current_task,
    enable_ki_protection,
    reschedule,
    wait_task_rescheduled,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine

__all__ = ["Dialing", "Parked", "Poller", "Wakeup", "after_woken_tasks"]


def _epoll_flags() -> tuple[int, int, int, int, int, int]:
    """The event masks the poller uses, computed once at import.

    Without epoll (macOS, the BSDs, Windows) every flag is 0, so the module
    still imports (``import trionet`` and its pytest plugin work there); a loop
    cannot start (``Poller.__init__`` says why). On Linux the masks are the
    kernel's, kept as module-level ints so ``Poller.run``'s loop reads globals
    and makes no attribute lookups.
    """
    epoll_in, epoll_out, rdhup, hup, err, et = (
        int(getattr(select, "EPOLL" + name, 0))
        for name in ("IN", "OUT", "RDHUP", "HUP", "ERR", "ET")
    )
    return (
        epoll_in | rdhup | hup | err,  # _READ_EVENTS
        epoll_out | hup | err,  # _WRITE_EVENTS
        rdhup | hup | err,  # _STICKY_READ
        hup | err,  # _STICKY_WRITE
        epoll_in | rdhup | et,  # _REGISTER_FLAGS
        epoll_in | epoll_out | rdhup | et,  # _WRITE_FLAGS
    )


_READ_EVENTS, _WRITE_EVENTS, _STICKY_READ, _STICKY_WRITE, _REGISTER_FLAGS, _WRITE_FLAGS = (
    _epoll_flags()
)

#: Why a loop cannot start where ``select.epoll`` is missing.
_NO_EPOLL_MESSAGE = (
    "trionet's descriptor fast path needs epoll, which this platform ({platform}) "
    "lacks: open the loop with fast_path=False (the default where epoll is missing), "
    "and every socket runs over a trio stream."
)

#: Events taken from the kernel per epoll_wait call.
_MAX_EVENTS = 1024


class Parked(Protocol):
    """What the poller calls for a parked descriptor."""

    def _poll_readable(self, edge: bool = True) -> bool:
        """The descriptor may be readable: act on it. False leaves the edge for a
        task that will wait on the descriptor (``async for``). ``edge=False``: a
        call_again() with no readiness edge kept for it (read only if the last
        read was not short)."""

    def _abandon(self) -> None:
        """The loop is ending: close without a task."""


class Dialing(Protocol):
    """What the poller calls for a descriptor whose connect() it watches."""

    def _poll_connected(self) -> None:
        """The connect has finished (or failed): the descriptor is writable."""

    def _abandon(self) -> None:
        """The loop is ending: close without a task."""


class Poller:
    """One loop's edge-triggered epoll set and the task that watches it."""

    __slots__ = (
        "_again",
        "_closed",
        "_connects",
        "_epoll",
        "_errored",
        "_hung_up",
        "_parked",
        "_readable",
        "_readers",
        "_registered",
        "_sleeping",
        "_soon",
        "_uncaught",
        "_writable",
        "_writers",
        "hung_up_fds",
    )

    def __init__(self, uncaught: Callable[[Exception], object]) -> None:
        if not hasattr(select, "epoll"):
            raise RuntimeError(_NO_EPOLL_MESSAGE.format(platform=sys.platform))
        self._epoll = select.epoll()
        #: Where an exception from a parked owner's listeners goes (it ends the
        #: loop, as an uncaught exception ends a Node process): the poller itself
        #: keeps serving the other sockets until the loop cancels it.
        self._uncaught = uncaught
        # The registered descriptors, each with whether it is registered with
        # EPOLLOUT too: a descriptor is watched for reads only until a task first
        # waits to write on it (a connect, a write the kernel could not take at
        # once). Most sockets never do: their read edges then carry no EPOLLOUT
        # to sort out, and no writability is kept for them. (A dict, not sets: an
        # idle connection's entry costs 30-46 B, a set's 33-105 B.)
        self._registered: dict[int, bool] = {}
        self._readers: dict[int, Task] = {}
        self._writers: dict[int, Task] = {}
        # Connects in flight with no task waiting (``wait_connected``).
        self._connects: dict[int, Dialing] = {}
        # Edges seen while nobody waited: the next wait returns at once.
        self._readable: set[int] = set()
        self._writable: set[int] = set()
        # Sticky states, where an edge never comes again: after the peer's FIN
        # (EPOLLRDHUP) a read may still find data and then EOF, so reads stop
        # waiting; after an error or hang-up, writes stop waiting too.
        self._hung_up: set[int] = set()
        #: The same set, for a parked socket's check after each read (``if
        #: poller.hung_up_fds and poller.hung_up(fd)``): it is nearly always
        #: empty, and a test of it costs less than a call and a fileno().
        self.hung_up_fds = self._hung_up
        self._errored: set[int] = set()
        # Parked descriptors and their owners; owners to call again next round
        # (their last read filled the buffer: the kernel likely holds more).
        self._parked: dict[int, Parked] = {}
        self._again: list[tuple[int, Parked]] = []
        self._soon: list[Callable[[], object]] = []
        self._sleeping: trio.CancelScope | None = None
        self._closed = False

    @enable_ki_protection
    async def run(self) -> None:
        """Watch the epoll set until cancelled (runs in the loop's nursery)."""
        epoll = self._epoll
        readers, writers = self._readers, self._writers
        readable, writable = self._readable, self._writable
        hung_up, errored = self._hung_up, self._errored
        parked, connects = self._parked, self._connects
        try:
            while True:
                again, self._again = self._again, []
                soon, self._soon = self._soon, []
                if soon:
                    await after_woken_tasks()
                elif again:
                    await trio.lowlevel.checkpoint()
                else:
                    # call_again() from another task wakes us through this scope.
                    with trio.CancelScope() as self._sleeping:
                        await trio.lowlevel.wait_readable(epoll.fileno())
                    self._sleeping = None
                for fd, flags in epoll.poll(0, _MAX_EVENTS):
                    if flags & _STICKY_READ:
                        hung_up.add(fd)
                        if flags & _STICKY_WRITE:
                            errored.add(fd)
                    if flags & _WRITE_EVENTS:
                        task = writers.pop(fd, None)
                        if task is not None:
                            reschedule(task)
                        else:
                            dialing = connects.pop(fd, None)
                            if dialing is None:
                                writable.add(fd)
                            else:
                                try:
                                    dialing._poll_connected()
                                except Exception as exc:
                                    self._uncaught(exc)
                                if fd not in self._registered:
                                    continue  # the connect failed: closed (forgotten)
                    if flags & _READ_EVENTS:
                        task = readers.pop(fd, None)
                        if task is not None:
                            reschedule(task)
                        else:
                            owner = parked.get(fd)
                            if owner is None:
                                readable.add(fd)
                            else:
                                try:
                                    if not owner._poll_readable():
                                        readable.add(fd)
                                except Exception as exc:
                                    self._uncaught(exc)
                for fd, owner in again:
                    if parked.get(fd) is owner:
                        # An edge kept for it (it was not reading then) is spent
                        # now; without one, it reads only if its last read was
                        # not short (edge-triggered: new data brings an edge).
                        edge = fd in readable
                        if edge:
                            readable.discard(fd)
                        try:
                            if not owner._poll_readable(edge or fd in hung_up):
                                self.mark_readable(fd)
                        except Exception as exc:
                            self._uncaught(exc)
                for fn in soon:
                    try:
                        fn()
                    except Exception as exc:
                        self._uncaught(exc)
        finally:
            self._closed = True
            for owner in list(parked.values()):
                owner._abandon()
            for dialing in list(connects.values()):
                dialing._abandon()
            parked.clear()
            connects.clear()
            self._soon.clear()
            error = trio.ClosedResourceError("the trionet loop has ended")
            for waiters in (readers, writers):
                for task in waiters.values():
                    reschedule(task, outcome.Error(error))
                waiters.clear()
            epoll.close()

    def _register(self, fd: int) -> None:
        self._epoll.register(fd, _REGISTER_FLAGS)
        self._registered[fd] = False

    def wait_readable(self, fd: int) -> Coroutine[Any, Any, None]:
        """Until ``fd`` may have become readable (a checkpoint, cancellable).

        Await the result at once: the wait is registered by the call itself (so
        that no coroutine frame of ours stays on the stack of a waiting task).
        """
        if self._closed:
            return _loop_ended()
        return self._wait(fd, self._readers, self._readable, self._hung_up)

    def wait_writable(self, fd: int) -> Coroutine[Any, Any, None]:
        """Until ``fd`` may have become writable (as ``wait_readable``)."""
        if self._closed:
            return _loop_ended()
        if not self._registered.get(fd):
            self._watch_writes(fd)
        return self._wait(fd, self._writers, self._writable, self._errored)

    def wait_connected(self, fd: int, owner: Dialing) -> None:
        """Call ``owner._poll_connected()`` once ``fd``'s non-blocking connect() has
        finished (it is writable), with no task waiting: as libuv calls a connect
        request's callback. ``forget(fd)`` drops the call."""
        self._watch_writes(fd)
        self._connects[fd] = owner

    def _watch_writes(self, fd: int) -> None:
        """Add EPOLLOUT to ``fd``'s registration: the kernel then reports its
        writability at once if it is writable (epoll_ctl re-checks readiness).
        A new descriptor (a connect) is registered with it in one call."""
        if fd in self._registered:
            try:
                self._epoll.modify(fd, _WRITE_FLAGS)
            except FileNotFoundError:  # closed and reused behind our back
                self._epoll.register(fd, _WRITE_FLAGS)
        else:
            try:
                self._epoll.register(fd, _WRITE_FLAGS)
            except FileExistsError:  # a duplicate of it is still in the set
                self._epoll.modify(fd, _WRITE_FLAGS)
        self._registered[fd] = True

    def _wait(
        self, fd: int, waiters: dict[int, Task], ready: set[int], sticky: set[int]
    ) -> Coroutine[Any, Any, None]:
        if fd not in self._registered:
            self._register(fd)  # the first edges land in `ready` and are consumed below
        # The coroutines returned here are awaited by our caller's caller at once.
        if fd in sticky:
            return trio.lowlevel.checkpoint()  # noqa: ASYNC105
        if fd in ready:
            return _take_ready(ready, fd)
        if fd in waiters:
            raise trio.BusyResourceError("another task is already waiting on this socket")
        waiters[fd] = current_task()
        return wait_task_rescheduled(partial(_abort_wait, waiters, fd))  # noqa: ASYNC105

    # -- parking ------------------------------------------------------------------

    def park(self, fd: int, owner: Parked) -> bool:
        """Call ``owner._poll_readable()`` whenever ``fd`` becomes readable, with no
        task waiting. True if ``fd`` may be readable already (an edge came while
        nobody watched, or the peer hung up): the caller should check it now."""
        if fd not in self._registered:
            self._register(fd)  # the first edges reach the owner on the next round
        self._parked[fd] = owner
        if fd in self._readable:
            self._readable.discard(fd)
            return True
        return fd in self._hung_up

    def unpark(self, fd: int) -> None:
        """Stop calling ``fd``'s owner (a task of its own takes over)."""
        self._parked.pop(fd, None)

    def call_again(self, fd: int, owner: Parked) -> None:
        """Call a parked owner next round, after a checkpoint (its read filled the
        buffer, the peer has hung up, or its state changed: resume())."""
        again = self._again
        if not again or again[-1][1] is not owner:  # (pipe() resumes twice in a row)
            again.append((fd, owner))
        self._wake()

    def call_soon(self, fn: Callable[[], object]) -> None:
        """Call ``fn()`` on a later round, after ``after_woken_tasks()``: a task
        woken before this call runs before ``fn`` does."""
        self._soon.append(fn)
        self._wake()

    def _wake(self) -> None:
        """Wake the poller's task if it sleeps in trio's epoll (once: trio's
        cancel() is not free even when the scope is cancelled already)."""
        sleeping = self._sleeping
        if sleeping is not None:
            self._sleeping = None
            sleeping.cancel()

    def hung_up(self, fd: int) -> bool:
        """Whether the peer has hung up ``fd``: reads find data or EOF at once."""
        return fd in self._hung_up

    def mark_readable(self, fd: int) -> None:
        """Pass a readiness edge on to the task waiting on ``fd``, or keep it."""
        task = self._readers.pop(fd, None)
        if task is None:
            self._readable.add(fd)
        else:
            reschedule(task)

    def mark_writable(self, fd: int) -> None:
        """Keep a writability edge a task has seen: ``fd`` is still writable."""
        self._writable.add(fd)

    def interrupt(self, fd: int) -> None:
        """Wake ``fd``'s waiters with ClosedResourceError (it is about to close)."""
        self._fail_waiters(fd, "this socket was destroyed")

    def _fail_waiters(self, fd: int, message: str) -> None:
        error = trio.ClosedResourceError(message)
        for waiters in (self._readers, self._writers):
            task = waiters.pop(fd, None)
            if task is not None:
                reschedule(task, outcome.Error(error))

    def forget(self, fd: int, *, unregister: bool = False) -> None:
        """Before ``fd`` is closed: wake its waiters with ClosedResourceError, drop it.

        ``unregister=True`` also removes it from the epoll set, which close()
        does by itself unless the descriptor was duplicated elsewhere.
        """
        self._fail_waiters(fd, "another task closed this socket")
        for states in (
            self._readable,
            self._writable,
            self._hung_up,
            self._errored,
        ):
            states.discard(fd)
        self._parked.pop(fd, None)
        self._connects.pop(fd, None)
        if self._registered.pop(fd, None) is not None and unregister:
            try:
                self._epoll.unregister(fd)
            except (OSError, ValueError):  # ValueError: the loop's epoll is closed
                pass


async def after_woken_tasks() -> None:
    """Come back once every task woken before this call has taken its step (as
    Node runs the microtasks an event queued before the next I/O callback).

    trio runs the tasks rescheduled during one batch in the next batch, in an
    order it shuffles: a single checkpoint taken in the batch that woke them
    comes back in that same next batch, before or after them. The second
    checkpoint comes back one batch later, after all of them. Both are cancel
    points (a loop ending meanwhile stops the caller here).
    """
    await trio.lowlevel.checkpoint()
    await trio.lowlevel.checkpoint()


async def _loop_ended() -> None:
    """A wait asked for after the poller closed its epoll set: the first step of
    a task started just before the loop ended (a writer, a connect). The loop's
    tasks are cancelled by then, so the checkpoint raises Cancelled; a task
    shielded from that gets ClosedResourceError, as a wait the end interrupted."""
    await trio.lowlevel.checkpoint()
    raise trio.ClosedResourceError("the trionet loop has ended")


async def _take_ready(ready: set[int], fd: int) -> None:
    await trio.lowlevel.checkpoint_if_cancelled()  # cancelled: the edge stays
    ready.discard(fd)
    await trio.lowlevel.cancel_shielded_checkpoint()


def _abort_wait(waiters: dict[int, Task], fd: int, _: Callable[[], BaseException]) -> Abort:
    del waiters[fd]
    return Abort.SUCCEEDED


class Wakeup:
    """A one-shot event for a single waiting task: ``trio.Event`` without its
    ParkingLot (an OrderedDict), which idle sockets would each hold."""

    __slots__ = ("_is_set", "_task")

    def __init__(self) -> None:
        self._is_set = False
        self._task: Task | None = None

    def set(self) -> None:
        """Wake the waiting task (now or when it waits)."""
        self._is_set = True
        task = self._task
        if task is not None:
            self._task = None
            reschedule(task)

    def is_set(self) -> bool:
        """Whether ``set()`` was called."""
        return self._is_set

    async def wait(self) -> None:
        """Until ``set()`` (a checkpoint; cancellable; one waiter at a time)."""
        if self._is_set:
            await trio.lowlevel.checkpoint()
            return
        if self._task is not None:
            raise trio.BusyResourceError("another task is already waiting on this wakeup")
        self._task = current_task()
        await wait_task_rescheduled(self._abort)

    def _abort(self, _: Callable[[], BaseException]) -> Abort:
        self._task = None
        return Abort.SUCCEEDED
