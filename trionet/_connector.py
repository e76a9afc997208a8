"""Connecting a ``trionet.Socket``: a Unix path, or TCP with a lookup and Happy Eyeballs.

``Connector`` is a mixin of ``Socket`` (``_socket.py``, the facade), as the
connect half of Node's ``lib/net.js`` (``lookupAndConnect``,
``internalConnect``, ``internalConnectMultiple``). It owns:

* ``_connect``: connect to ``options.path`` (``_connect_unix``) or to
  ``options.host``/``port`` (``_connect_tcp``), apply the options that wait for
  a connection (no-delay, keep-alive), then emit ``'connect'`` and ``'ready'``;
* one attempt (``_attempt``: bind, a non-blocking ``connect``, wait for
  writability) with ``'connectionAttempt'``/``'connectionAttemptFailed'``;
* the race of several addresses (``_happy_eyeballs``, RFC 8305 as Node 20's
  ``autoSelectFamily``), and the helpers it uses: ``_interleave_families``,
  ``_races_families``, ``_start_attempt``, ``_aggregate_error``;
* the lookup (``_lookup``: ``getaddrinfo`` in a thread, or the user's
  ``lookup`` in ``_custom_lookup``), with ``'lookup'``; a failed lookup is
  carried out of the connect phase as ``_LookupFailed``;
* connecting without a task (``_dials``, ``_dial``, ``_poll_connected``,
  ``_end_dial``): the fast path's connect to an IP address, called back by the
  poller when the kernel has connected (an optimisation of the task above).

What it relies on from the facade: ``Socket.connect()`` validates the
arguments and starts the socket's task, whose ``_run`` calls ``_connect`` in a
cancel scope (``_connect_in_scope``: ``destroy()`` cancels it, and it turns
``_LookupFailed`` and ``NodeError`` into the socket's error); or, when
``_dials`` says so, it defers ``_dial`` and the socket's ``_interrupt`` calls
``_end_dial`` on destroy(). This side sets
``_sock`` (the connected socket; wrapped as a stream when ``_poller`` is None,
in ``_nursery``), ``_bulk_size`` (a Unix socket reads less at once),
``_attempted_addresses``, ``_connecting`` and ``_dialing``; it reads
``_destroyed``, ``_no_delay_later`` and ``_keep_alive_later``, and calls
``set_no_delay()``, ``set_keep_alive()`` and ``_touch()``; a dial also calls
the facade's ``_fail``, ``_close``, ``_release``, ``_abandon``,
``_connected_without_task`` and ``_start_serving`` (the ends ``_run`` and
``_serve`` reach with a task). Every attribute is a slot of
``Socket`` (one ``__slots__`` there, none here); the block under
``TYPE_CHECKING`` declares them for mypy.
"""

from __future__ import annotations

import contextvars
import errno as _errno
import inspect
import os
import socket as _stdsocket
from collections.abc import Awaitable, Callable
from inspect import isawaitable
from typing import TYPE_CHECKING, Any

import trio
from trio.lowlevel import enable_ki_protection, wait_writable

from . import _errors
from ._addresses import is_ip
from ._handle import Handle
from ._options import ConnectOptions
from ._poller import Poller, after_woken_tasks
from ._readable import UNIX_BULK_READ_SIZE
from ._transports import wrap_socket

#: Where the kernel takes it (Linux), a new socket is non-blocking from socket(2)
#: on: no fcntl/ioctl call of its own.
_NONBLOCKING_STREAM = _stdsocket.SOCK_STREAM | getattr(_stdsocket, "SOCK_NONBLOCK", 0)
_MADE_NONBLOCKING = _NONBLOCKING_STREAM != _stdsocket.SOCK_STREAM


def _new_socket(family: int) -> _stdsocket.socket:
    """A new non-blocking stream socket of ``family``."""
    sock = _stdsocket.socket(family, _NONBLOCKING_STREAM)
    if not _MADE_NONBLOCKING:
        sock.setblocking(False)
    return sock


if TYPE_CHECKING:
    from ._socket import Socket

__all__ = ["Connector"]


def _interleave_families(addresses: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """First address's family first, then alternate families (RFC 8305 §4)."""
    first = addresses[0][1]
    same = [a for a in addresses if a[1] == first]
    other = [a for a in addresses if a[1] != first]
    out: list[tuple[str, int]] = []
    for i in range(max(len(same), len(other))):
        out.extend(group[i] for group in (same, other) if i < len(group))
    return out


def _races_families(options: ConnectOptions) -> bool:
    """Whether connect() races the looked-up addresses (Node 20's autoSelectFamily
    applies only to an unspecified family and no local address)."""
    return (
        options.auto_select_family
        and options.family not in (4, 6)
        and options.local_address is None
    )


@enable_ki_protection
def _start_attempt(
    nursery: trio.Nursery, attempt: Callable[..., Awaitable[object]], *args: object
) -> None:
    """Start one Happy Eyeballs attempt; atomic under Ctrl-C (see ``_loop``)."""
    nursery.start_soon(attempt, *args)


def _aggregate_error(errors: list[_errors.NetError]) -> _errors.NetError:
    """Node's AggregateError for a failed Happy Eyeballs race: first error's code,
    every error in ``.errors`` (the message lists them; Node's is empty)."""
    first = errors[0]
    error = _errors.NetError(
        first.code,
        "; ".join(str(e) for e in errors),
        errno=first.errno,
        syscall=first.syscall,
        address=first.address,
        port=first.port,
    )
    error.errors = list(errors)  # type: ignore[attr-defined]
    return error


class _LookupFailed(Exception):
    """A lookup failed with ``error`` (a user's lookup may raise anything): the
    socket's error, carried out of the connect phase."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(error)
        self.error = error


class Connector(Handle):
    """Connecting a ``Socket``: a Unix path, or TCP (a lookup, Happy Eyeballs),
    then ``'connect'`` and ``'ready'``."""

    # No slots of its own: every attribute is a slot of Socket, whose one
    # __slots__ declares them all. (Hidden from mypy, which would check each
    # `self.x = ...` here against this empty tuple.)
    if not TYPE_CHECKING:
        __slots__ = ()

    if TYPE_CHECKING:
        # For mypy: the socket's state this side uses, and what it calls on the
        # facade.
        _attempted_addresses: list[str] | None
        _bulk_size: int
        _connecting: bool
        _destroyed: bool
        _dialing: ConnectOptions | None
        _dial_context: contextvars.Context | None
        _io_scope: trio.CancelScope | None
        _keep_alive_later: float | None
        _no_delay_later: bool
        _short_read: bool
        _nursery: trio.Nursery
        _poller: Poller | None
        _sock: Any

        def _touch(self) -> None: ...
        def _fail(self, error: BaseException) -> None: ...
        def _close(self) -> None: ...
        def _release(self) -> None: ...
        def _abandon(self) -> None: ...
        def _opening(self) -> None: ...
        def _connected_without_task(self, heard: bool) -> None: ...
        def _start_serving(self, pending: Awaitable[object] | None) -> None: ...
        def set_keep_alive(self, enable: bool = False, initial_delay: float = 0) -> Socket: ...
        def set_no_delay(self, no_delay: bool | None = True) -> Socket: ...

    # == connecting: a Unix path, or TCP (a lookup, Happy Eyeballs) ====================

    async def _connect(self, options: ConnectOptions) -> bool:
        """Connect, then emit 'connect' and 'ready': whether they had listeners."""
        if options.path is not None:
            await self._connect_unix(options.path)
        else:
            await self._connect_tcp(options)
        if self._destroyed:  # while the kernel connected without a checkpoint
            return False
        self._opened(options)
        heard = await self._emit_awaiting("connect")
        return await self._emit_awaiting("ready") or heard

    def _opened(self, options: ConnectOptions) -> None:
        """Connected: the options that waited for a connection, and the timer."""
        if self._poller is None:
            self._sock = wrap_socket(self._sock, self._nursery)
        else:
            # As an accepted socket: rarely readable yet, so the first read waits
            # for the poller's edge (registered since the connect: none is missed).
            self._short_read = True
        self._connecting = False
        if options.no_delay or self._no_delay_later:
            self.set_no_delay(True)
        if options.keep_alive:
            self.set_keep_alive(True, options.keep_alive_initial_delay)
        elif self._keep_alive_later is not None:
            self.set_keep_alive(True, self._keep_alive_later)
        self._touch()

    async def _connect_unix(self, path: str) -> None:
        sock = _new_socket(_stdsocket.AF_UNIX)
        self._sock = sock
        self._bulk_size = UNIX_BULK_READ_SIZE
        # As Node: a pipe's attempt events have no port and no family.
        self.emit("connectionAttempt", path, None, None)
        while True:
            try:
                sock.connect(path)
                return
            except BlockingIOError:
                # A full Unix backlog answers EAGAIN instead of queueing: retry.
                await trio.sleep(0.005)
            except OSError as exc:
                if exc.errno is None:  # "AF_UNIX path too long" carries no errno
                    exc = OSError(_errno.EINVAL, os.strerror(_errno.EINVAL))
                error = _errors.system_error(exc, "connect", path)
                self.emit("connectionAttemptFailed", path, None, None, error)
                raise error from None

    async def _connect_tcp(self, options: ConnectOptions) -> None:
        host, port = options.host, options.port
        assert port is not None
        family = options.host_family
        addresses = [(host, family)] if family else await self._lookup(options)
        if len(addresses) == 1 or not _races_families(options):
            self._sock = await self._attempt(addresses[0], port, options)
            return
        self._sock = await self._happy_eyeballs(addresses, port, options)

    async def _attempt(
        self, target: tuple[str, int], port: int, options: ConnectOptions
    ) -> _stdsocket.socket:
        """One connection attempt; the connected socket, or NetError."""
        sock = self._begin_attempt(target, port, options)
        try:
            await self._wait_connected(sock)
            self._check_attempt(sock, target, port)
        except BaseException:
            self._close_attempt(sock)
            raise
        return sock

    def _begin_attempt(
        self, target: tuple[str, int], port: int, options: ConnectOptions
    ) -> _stdsocket.socket:
        """A new socket, bound if asked, with its non-blocking ``connect`` begun
        (``'connectionAttempt'``): the socket, to wait on for writability; or
        NetError, the socket closed."""
        address, fam = target
        af = _stdsocket.AF_INET6 if fam == 6 else _stdsocket.AF_INET
        sock = _new_socket(af)
        try:
            if options.local_address is not None or options.local_port is not None:
                try:
                    sock.setsockopt(_stdsocket.SOL_SOCKET, _stdsocket.SO_REUSEADDR, 1)
                    sock.bind((options.local_address or "", options.local_port or 0))
                except OSError as exc:
                    raise _errors.system_error(
                        exc, "bind", options.local_address, options.local_port
                    ) from None
            self.emit("connectionAttempt", address, port, fam)
            try:
                if not self._destroyed:  # (by a listener: no SYN; the caller closes)
                    sock.connect((address, port))
            except BlockingIOError:
                pass  # in progress (a loopback connect too): writable when done
            except OSError as exc:
                raise self._attempt_failed(
                    _errors.system_error(exc, "connect", address, port), target, port
                ) from None
        except BaseException:
            self._close_attempt(sock)
            raise
        # The peer's address is not kept from here: as Node, the socket asks
        # (getpeername) on first use and caches the answer (Socket._peername).
        return sock

    def _check_attempt(self, sock: _stdsocket.socket, target: tuple[str, int], port: int) -> None:
        """After the connect's writability: NetError if it failed (SO_ERROR)."""
        code = sock.getsockopt(_stdsocket.SOL_SOCKET, _stdsocket.SO_ERROR)
        if code:
            raise self._attempt_failed(
                _errors.system_error(code, "connect", target[0], port), target, port
            )

    async def _wait_connected(self, sock: _stdsocket.socket) -> None:
        """Until a non-blocking connect() has finished: on the fast path the
        loop's poller waits (the descriptor joins its epoll set now rather than
        when the socket parks, without a round of trio's own epoll first)."""
        poller = self._poller
        if poller is None:
            await wait_writable(sock)
            return
        fd = sock.fileno()
        await poller.wait_writable(fd)
        # The edge is spent, the socket still writable: a writer started for
        # what was written while connecting must not wait for another.
        poller.mark_writable(fd)

    def _close_attempt(self, sock: _stdsocket.socket) -> None:
        """Close an attempt's socket that will not be used (failed, or lost a race)."""
        if self._poller is not None and sock.fileno() != -1:
            self._poller.forget(sock.fileno())  # its number may be reused at once
        sock.close()

    def _attempt_failed(
        self, error: _errors.NetError, target: tuple[str, int], port: int
    ) -> _errors.NetError:
        self.emit("connectionAttemptFailed", target[0], port, target[1], error)
        return error

    async def _happy_eyeballs(
        self, addresses: list[tuple[str, int]], port: int, options: ConnectOptions
    ) -> _stdsocket.socket:
        """RFC 8305 racing, as Node 20's autoSelectFamily but trio-style.

        Addresses are interleaved by family; a new attempt starts when the previous
        one fails or after ``auto_select_family_attempt_timeout`` ms, and earlier
        attempts are not aborted (a slow first address can still win, unlike
        Node, nodejs/node#54359); the first success cancels the rest.
        """
        ordered = _interleave_families(addresses)
        attempted = self._attempted_addresses = []
        delay = options.auto_select_family_attempt_timeout / 1000
        winner: list[_stdsocket.socket] = []
        errors: list[_errors.NetError] = []

        @enable_ki_protection
        async def attempt(target: tuple[str, int], failed: trio.Event) -> None:
            try:
                sock = await self._attempt(target, port, options)
            except _errors.NetError as exc:
                errors.append(exc)
                failed.set()
                return
            if winner:
                self._close_attempt(sock)
                return
            winner.append(sock)
            nursery.cancel_scope.cancel()

        async with trio.open_nursery() as nursery:
            for i, target in enumerate(ordered):
                attempted.append(f"{target[0]}:{port}")  # Node: `${address}:${port}`
                failed = trio.Event()
                _start_attempt(nursery, attempt, target, failed)
                with trio.move_on_after(delay) as waited:
                    await failed.wait()
                if waited.cancelled_caught and i + 1 < len(ordered) and not winner:
                    # Node aborts the attempt here; trionet lets it race on.
                    self.emit("connectionAttemptTimeout", target[0], port, target[1])
        if winner:
            return winner[0]
        if len(errors) == 1:
            raise errors[0]
        raise _aggregate_error(errors)

    # == connecting without a task: an IP address on the fast path ===================
    #
    # An optimisation of the connect task above, for the common case with nothing
    # to await but the kernel: no lookup (an IP address), on the loop's poller,
    # with no ``on_read`` (whose reads need a task). The attempt begins in a tick
    # (as Node's internalConnect runs after connect() returns), the poller calls
    # ``_poll_connected`` when the kernel has finished it (as libuv calls a
    # connect request's callback), and 'connect' and 'ready' are emitted from
    # there. ``_dialing`` holds the options meanwhile; destroy() ends the attempt
    # at once (``_end_dial``) where the task's cancel scope would have been
    # cancelled. Only an async 'connect' or 'ready' listener still takes a task:
    # the rest of the emit is awaited in the socket's ``_serve``, as after a read,
    # in a cancel scope as the connect task's (``_rest_of_connect``).

    def _dials(self, options: ConnectOptions) -> bool:
        """Whether this connect needs no task (see above)."""
        return (
            self._poller is not None
            and options.path is None
            and options.on_read is None
            and options.host_family != 0
        )

    @enable_ki_protection
    def _dial(self, options: ConnectOptions) -> None:
        """A tick after connect(): begin the attempt, and hand it to the poller.
        Runs in the context connect() was called in (``_dial_context``), as the
        connect task did, and so do the listeners it calls."""
        if self._dialing is None:
            return  # destroyed first: no SYN (_end_dial closed the rest)
        poller = self._poller
        assert poller is not None and options.port is not None
        try:
            sock = self._begin_attempt((options.host, options.host_family), options.port, options)
        except _errors.NetError as error:
            self._dial_failed(error)
            return
        except BaseException:  # a 'connectionAttempt' listener raised: the loop ends
            self._abandon()
            raise
        if self._destroyed:  # by a 'connectionAttempt' listener (_end_dial closed)
            self._close_attempt(sock)
            return
        if poller._closed:  # the loop ended meanwhile
            self._close_attempt(sock)
            self._abandon()
            return
        self._sock = sock
        poller.wait_connected(sock.fileno(), self)

    def _poll_connected(self) -> None:
        """The poller's callback: the kernel has finished the connect."""
        context = self._dial_context
        assert context is not None
        context.run(self._connected)

    def _connected(self) -> None:
        """Emit 'connect' and 'ready' (or the error), then go on as ``_run`` would;
        in the context of the connect() call."""
        options = self._dialing
        assert options is not None and options.port is not None and self._poller is not None
        sock = self._sock
        # The edge is spent, the socket still writable (as in _wait_connected).
        self._poller.mark_writable(sock.fileno())
        try:
            self._check_attempt(sock, (options.host, options.host_family), options.port)
        except _errors.NetError as error:
            self._dial_failed(error)
            return
        except BaseException:  # a 'connectionAttemptFailed' listener raised
            self._abandon()
            raise
        self._dialing = self._dial_context = None
        try:
            self._opened(options)
            heard, pending = self._emit_connect_now()
        except BaseException:  # a listener raised: the loop ends
            self._loop.release()
            self._abandon()
            raise
        if pending is not None:
            # The rest of the emit in a task, in a cancel scope as the connect
            # task's: destroy() meanwhile cancels the listener and closes at once.
            scope = self._io_scope = trio.CancelScope()
            self._start_serving(self._rest_of_connect(pending, scope))
            return
        self._loop.release()
        self._connected_without_task(heard)

    def _emit_connect_now(self) -> tuple[bool, Awaitable[object] | None]:
        """'connect', then 'ready', as ``_emit_awaiting`` would emit them: whether
        they had listeners, and, from the first listener that returned an
        awaitable, the rest of the emit to await (``_finish_connect_emit``)."""
        heard = False
        for name in ("connect", "ready"):
            listeners = self._events.get(name)
            if listeners is None:
                continue
            heard = True
            for i, fn in enumerate(listeners):
                r = fn()
                if r is not None and r is not True and r is not False and isawaitable(r):
                    return True, self._finish_connect_emit(r, listeners[i + 1 :], name)
        return heard, None

    async def _finish_connect_emit(
        self, pending: Awaitable[object], rest: tuple[Callable[..., object], ...], name: str
    ) -> None:
        await pending
        for fn in rest:
            r = fn()
            if r is not None and r is not True and r is not False and isawaitable(r):
                await r
        if name == "connect":
            await self._emit_awaiting("ready")

    async def _rest_of_connect(self, emitting: Awaitable[object], scope: trio.CancelScope) -> None:
        """An async listener's rest of 'connect'/'ready', then ``_run``'s tail:
        awaited by ``_serve``, which then reads on."""
        try:
            with scope:
                await emitting
        finally:
            self._io_scope = None
            self._loop.release()
        self._opening()
        await after_woken_tasks()

    def _dial_failed(self, error: _errors.NetError) -> None:
        """The attempt failed ('connectionAttemptFailed' is out): 'error', 'close'."""
        if self._dialing is None:
            return  # destroyed by a 'connectionAttemptFailed' listener: closed
        self._dialing = self._dial_context = None
        self._loop.release()
        self._fail(error)
        self._close()
        self._release()

    def _end_dial(self) -> None:
        """destroy() while dialing: the poller stops watching the attempt now, and
        the socket closes a step later, where the connect task would have (after
        a second connect(), whose error ends the first, ``connecting`` stays True
        until then, as Node's)."""
        self._dialing = self._dial_context = None
        sock, poller = self._sock, self._poller
        if sock is not None and poller is not None and sock.fileno() != -1:
            poller.forget(sock.fileno())
        self._loop.defer(self._close_dialed)

    def _close_dialed(self) -> None:
        self._loop.release()
        self._close()
        self._release()

    # == looking the host up ===========================================================

    async def _lookup(self, options: ConnectOptions) -> list[tuple[str, int]]:
        """Resolve the host (or call the custom ``lookup``) as Node 20 does; emit
        ``'lookup'`` for each address that will be tried, in order."""
        host = options.host
        family = options.family if options.family in (4, 6) else 0
        hints = options.hints or 0
        if family == 0 and hints == 0:
            hints = getattr(_stdsocket, "AI_ADDRCONFIG", 0)
        # Node races every address only for an unspecified family without a local
        # address (lookupAndConnectMultiple); otherwise it takes the first one.
        race = _races_families(options)
        lookup_options: dict[str, Any] = {"family": family or None, "hints": hints}
        if race:
            lookup_options["all"] = True
        if options.lookup is not None:
            return await self._custom_lookup(options, lookup_options, race)
        try:
            af = {4: _stdsocket.AF_INET, 6: _stdsocket.AF_INET6}.get(family, 0)
            infos = await trio.socket.getaddrinfo(
                host, options.port, af, _stdsocket.SOCK_STREAM, 0, hints
            )
        except (_stdsocket.gaierror, UnicodeError) as exc:
            # A name the IDNA codec refuses cannot exist: ENOTFOUND, as Node says.
            code = exc if isinstance(exc, _stdsocket.gaierror) else _stdsocket.EAI_NONAME
            raise self._lookup_failed(_errors.dns_error(code, "getaddrinfo", host), host) from None
        found: list[tuple[str, int]] = []
        for info in infos:
            entry = (str(info[4][0]), 6 if info[0] == _stdsocket.AF_INET6 else 4)
            if entry not in found:
                found.append(entry)
        if not found:
            raise self._lookup_failed(
                _errors.dns_error(_stdsocket.EAI_NONAME, "getaddrinfo", host), host
            )
        if not race:
            found = found[:1]
        for address, address_family in found:
            await self._emit_awaiting("lookup", None, address, address_family, host)
        return found

    def _lookup_failed(self, error: BaseException, host: str | None) -> _LookupFailed:
        """A failed lookup is the socket's error: 'lookup' with it, then 'error'."""
        self.emit("lookup", error, None, None, host)
        return _LookupFailed(error)

    async def _custom_lookup(
        self, options: ConnectOptions, lookup_options: dict[str, Any], race: bool
    ) -> list[tuple[str, int]]:
        """Call ``lookup(host, options)`` with Node's options (``family``: 4, 6 or
        None, ``hints``, ``all`` when racing): sync or async, returning ``(address, family)``
        or a list of those (or of Node's ``{'address', 'family'}``).

        Whatever it raises is the socket's error ('lookup' with it, 'error', 'close'),
        as an error given to Node's lookup callback. Each answer is emitted as
        'lookup' and then checked as Node checks it: an answer that is not an IP
        address, or whose family is not 4 or 6, is skipped when racing others, and
        otherwise fails the connect (ERR_INVALID_IP_ADDRESS, ERR_INVALID_ADDRESS_FAMILY).
        """
        assert options.lookup is not None
        host = options.host
        try:
            result = options.lookup(host, lookup_options)
            if inspect.isawaitable(result):
                result = await result
            entries = result if isinstance(result, list) else [result]
            answers: list[tuple[object, object]] = []
            for entry in entries:
                if isinstance(entry, dict):
                    answers.append((entry.get("address"), entry.get("family")))
                else:
                    address, family = entry
                    answers.append((address, family))
        except Exception as exc:
            raise self._lookup_failed(exc, host) from None
        if not answers:
            raise self._lookup_failed(
                _errors.dns_error(_stdsocket.EAI_NONAME, "getaddrinfo", host), host
            )
        if not race:
            answers = answers[:1]
        found: list[tuple[str, int]] = []
        for address, family in answers:
            family = {"IPv4": 4, "IPv6": 6}.get(family, family)  # type: ignore[call-overload]
            await self._emit_awaiting("lookup", None, address, family, host)
            if isinstance(address, str) and is_ip(address) and family in (4, 6):
                entry = (address, 6 if family == 6 else 4)
                if entry not in found:
                    found.append(entry)
        if not found:
            address, family = answers[0]
            if not (isinstance(address, str) and is_ip(address)):
                raise _errors.invalid_ip_address(address)
            raise _errors.invalid_address_family(family, host, options.port)
        return found
