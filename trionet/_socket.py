"""``trionet.Socket``: Node's ``net.Socket`` as a bridge from a trio task to events.

Theory of operation
-------------------

An open socket with nothing to await owns no task: it is *parked* with the
loop's poller (``_poller.py``), which calls ``_poll_readable`` when the
descriptor becomes readable, as libuv calls a read callback. That callback
reads once, and emits ``'data'`` (or reads ahead into the buffer) right there;
idle connections, the bulk of a busy server, cost no trio task at all.

Whatever must be awaited goes to a task of its own, in the loop's nursery
(``_serve``, which parks again once only waiting is left):

1. connecting, when the socket was made by ``connect()`` (``_run``, with a
   cancel scope: a lookup in a thread, Happy Eyeballs), then ``'connect'``;
   a connect to an IP address on the fast path takes no task: the poller
   calls it back when the kernel has connected (``_connector.py``, "connecting
   without a task");
2. an async ``'data'`` listener: the rest of the emit is awaited before the
   next listener and the next read (natural backpressure), or a buffer to flush;
3. the peer's FIN (``'end'``), then waiting for the write side to finish (our
   FIN sent after the queue drained), or an error, or ``destroy()``;
4. closing the descriptor and emitting ``'error'`` (if any) and ``'close'``.

Helper tasks run beside it, each in a cancel scope of its own and only while
needed: the writer (while something is queued), the idle timer (while
``set_timeout`` is on), and async listeners (an async connection listener is
the connection's task). ``destroy()`` cancels the connect-phase scope (or
ends a connect without a task: ``_end_dial``), or wakes the task's waits
(``_interrupt``), or unparks the socket; the task then closes the
descriptor. At the loop's end the poller closes what is still parked; nothing
outlives the loop's nursery.

Reading and writing use a non-blocking stdlib socket with the loop's
edge-triggered poller (``_poller.py``) instead of trio's one-shot waits:
``recv_into`` one buffer shared by the loop, copying out only what was read
(``recv`` straight into a new object in bulk transfers); waiting for
readability right after a short read (the kernel is likely empty); ``write()``
tries ``send`` at once and queues only what the kernel did not take, and the
writer task starts only when something is queued. ``async for`` reads the
kernel from the iterating task itself.

Readable state, as Node's: a socket reads ahead into a buffer of up to
``READ_HIGH_WATER_MARK`` bytes while nobody consumes it; it *flows* (emits
``'data'``) once a ``'data'`` listener is added or ``resume()``/``pipe()`` is
called, unless ``pause()`` was called first. ``'end'`` is emitted only once
everything read has been consumed.

Where things live
-----------------

One module per concept, as Node splits ``net.Socket`` between ``lib/net.js``
and its stream modules. ``Socket`` is the facade that puts them together:

* ``_socket.py`` (this module): ``class Socket(Readable, Writable, Connector,
  Handle)`` with the one ``__slots__`` tuple (all of a socket's state, whichever
  side uses it); construction (``Socket()``, ``from_stream``, ``_accepted``);
  the socket's task and lifecycle (``_start``, ``_run``, ``_serve``,
  ``_dispatch``, ``_close``, ``_abandon``, ``_fail``, ``_interrupt``); reading
  from the kernel (``_read_chunk``, ``_dispatch_on_read``); parking (``_park``,
  ``_unpark``, ``_poll_readable``); liveness (``_update_alive``); ``connect()``
  and a reconnect's reset; destroying and the close order (``destroy``,
  ``_emit_error_and_close``, ``reset_and_destroy``); timeouts, socket options,
  addresses, ``pipe()``/``unpipe()``; ``create_connection``.
* ``_readable.py``: the readable side (``Readable``, Node's
  ``internal/streams/readable.js``): flowing or paused, the read-ahead buffer,
  ``read()``/``unshift()``/``'readable'``, the encoding, ``'data'`` and
  ``'end'``; the read sizes and ``READ_HIGH_WATER_MARK``.
* ``_writable.py``: the writable side (``Writable``, Node's
  ``internal/streams/writable.js``): ``write()`` and its queue, the writer task,
  ``cork()``/``uncork()``, ``end()``, ``'drain'``, ``'finish'``;
  ``WRITE_HIGH_WATER_MARK``.
* ``_connector.py``: connecting (``Connector``): a Unix path, or TCP with a
  lookup and Happy Eyeballs, then ``'connect'`` and ``'ready'``.
* ``_pipe.py``: one ``pipe()`` (``_Pipe``). ``_iterator.py``: ``async for``
  (``_SocketIterator``).
* Below them: ``_poller.py`` (readiness, parking), ``_transports.py`` (the
  handles that are not a plain socket), ``_handle.py`` (the loop's hold on a
  socket), ``_events.py`` (``EventEmitter``).

The mixins have no slots of their own and do not import this module at run
time; each declares, for mypy, the attributes it uses and the facade's methods it
calls (under ``TYPE_CHECKING``), and its module docstring says what it relies on
from the facade.
"""

from __future__ import annotations

import contextvars
import errno as _errno
import inspect
import os
import socket as _stdsocket
import stat
import struct
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any, Literal

import trio
from trio.lowlevel import checkpoint, enable_ki_protection

from . import _errors, _validate
from ._addresses import sockaddr_to_address
from ._connector import Connector, _LookupFailed
from ._encodings import Decoder
from ._handle import Handle
from ._iterator import _SocketIterator
from ._options import HIGH_WATER_MARK_KEYS, ConnectOptions, high_water_marks, normalize_connect
from ._pipe import _Pipe
from ._poller import Wakeup, after_woken_tasks
from ._readable import (
    BULK_READ_SIZE,
    READ_HIGH_WATER_MARK,
    READ_SIZE,
    UNIX_BULK_READ_SIZE,
    Readable,
    _ReadMode,
)
from ._transports import PipeHandle, StreamHandle, is_unix, wrap_socket
from ._writable import WRITE_HIGH_WATER_MARK, Writable

if TYPE_CHECKING:
    from ._server import Server

__all__ = ["Socket", "connect", "create_connection"]

# The read sizes and READ_HIGH_WATER_MARK are the readable side's (_readable.py),
# WRITE_HIGH_WATER_MARK the writable side's (_writable.py); imported above.

#: struct linger {l_onoff = 1, l_linger = 0}: close() sends RST instead of FIN.
_LINGER_ZERO = struct.pack("ii", 1, 0)

#: Keys of ``Socket({...})``, as the keyword arguments (Node's new net.Socket options).
_SOCKET_OPTION_KEYS = frozenset(
    {"fd", "allow_half_open", "readable", "writable", *HIGH_WATER_MARK_KEYS}
)


class Socket(Readable, Writable, Connector, Handle):
    """A TCP or IPC (Unix socket) stream, with Node's ``net.Socket`` API."""

    # Every attribute of a socket, whichever side uses it: the mixins have none.
    __slots__ = (
        "_adopted",
        "_allow_half_open",
        "_attempted_addresses",
        "_bulk",
        "_bulk_size",
        "_close_queued",
        "_closed",
        "_connect_write",
        "_connecting",
        "_corked",
        "_counted",
        "_decoder",
        "_default_encoding",
        "_destroyed",
        "_dial_context",
        "_dialing",
        "_emitted_end",
        "_encoding",
        "_ended_by_peer",
        "_ending",
        "_eof",
        "_error",
        "_finish_emitted",
        "_finished",
        "_flow_wakeup",
        "_flowing",
        "_flusher",
        "_had_error",
        "_hwm",
        "_in_listener",
        "_io_scope",
        "_iter_error",
        "_iter_wakeup",
        "_iterators",
        "_keep_alive_later",
        "_last_active",
        "_local",
        "_need_drain",
        "_no_delay_later",
        "_nursery",
        "_on_finished",
        "_on_read",
        "_open",
        "_parked",
        "_peer",
        "_pipes",
        "_poller",
        "_rbuf",
        "_rbuf_len",
        "_rbuf_off",
        "_read_done",
        "_read_hwm",
        "_read_wanted",
        "_readable",
        "_reading",
        "_server",
        "_short_read",
        "_sock",
        "_started",
        "_timeout_ms",
        "_timeout_wakeup",
        "_timer_running",
        "_timer_scope",
        "_wq",
        "_wq_len",
        "_writable",
        "_write_error",
        "_write_side_done",
        "_write_wakeup",
        "_writer_running",
        "_writer_scope",
        "bytes_read",
        "bytes_written",
    )

    def __init__(
        self,
        options: dict[str, Any] | None = None,
        *,
        fd: int | None = None,
        allow_half_open: bool = False,
        readable: bool = True,
        writable: bool = True,
        high_water_mark: int | None = None,
        readable_high_water_mark: int | None = None,
        writable_high_water_mark: int | None = None,
    ) -> None:
        super().__init__()
        if options is not None:
            _validate.validate_object(options, "options")
            for key in options:
                if key not in _SOCKET_OPTION_KEYS:
                    raise _errors.invalid_arg_value(
                        f"options.{key}",
                        options[key],
                        "is not a Socket option (keys are snake_case)",
                    )
            fd = options.get("fd", fd)
            allow_half_open = options.get("allow_half_open", allow_half_open)
            readable = options.get("readable", readable)
            writable = options.get("writable", writable)
            high_water_mark = options.get("high_water_mark", high_water_mark)
            readable_high_water_mark = options.get(
                "readable_high_water_mark", readable_high_water_mark
            )
            writable_high_water_mark = options.get(
                "writable_high_water_mark", writable_high_water_mark
            )
        read_hwm, write_hwm = high_water_marks(
            high_water_mark, readable_high_water_mark, writable_high_water_mark
        )
        #: The loop's poller drives this socket (the descriptor fast path); None
        #: when it runs over a trio stream (``_transports.StreamHandle``),
        #: driven by its own task.
        self._poller = self._loop.poller
        self._adopted = False
        self._allow_half_open = _validate.validate_boolean(
            allow_half_open, "options.allow_half_open"
        )
        #: The handle (``_transports.py``): a stdlib socket, a PipeHandle, or a
        #: StreamHandle once ``_poller`` is None.
        self._sock: Any = None
        self._server: Server | None = None
        self._counted = False  # the server counts it among its connections
        self._connecting = False
        self._started = False
        self._destroyed = False
        self._error: BaseException | None = None
        self._had_error = False
        self._io_scope: trio.CancelScope | None = None
        self._dialing: ConnectOptions | None = None  # a connect without a task
        self._dial_context: contextvars.Context | None = None  # connect()'s caller's
        # The loop's: a parked socket has no task to keep a narrower nursery open.
        self._nursery: trio.Nursery = self._loop._nursery
        self._parked = False
        self._in_listener = 0  # async listeners our task awaits (nesting depth)
        self._close_queued = False
        self._closed = False  # 'close' emitted: connect() may start afresh
        self._open = False
        self._writer_scope: trio.CancelScope | None = None
        self._timer_scope: trio.CancelScope | None = None
        # readable side
        self._readable = True
        self._flowing: bool | None = None
        self._flow_wakeup: Wakeup | None = None
        #: Over a stream: set while a task flushes the buffer because the flow
        #: started while the dispatcher waited on the stream (see _wake_flow).
        self._flusher: Wakeup | None = None
        # Read ahead and not yet consumed: bytes, or str once an encoding is set.
        self._rbuf: deque[bytes | str] | None = None
        self._rbuf_len = 0
        self._rbuf_off = 0  # taken from the head chunk by read(n)
        self._read_hwm = READ_HIGH_WATER_MARK if read_hwm is None else read_hwm
        # Node's handle.reading: a consumer asked for data (a flow, read(), a
        # 'readable' listener), or the socket was not paused when it opened. Until
        # then nothing is read: pause_on_connect and pause() before 'connect' leave
        # every byte in the kernel (backpressure from the first byte).
        self._read_wanted = False
        self._reading: _ReadMode | None = None
        self._eof = False
        self._emitted_end = False
        self._read_done = False
        self._short_read = False
        self._bulk = False
        self._bulk_size = BULK_READ_SIZE  # UNIX_BULK_READ_SIZE once a Unix socket
        self._decoder: Decoder | None = None
        self._encoding: str | None = None  # set_encoding()'s, normalized
        self._iterators = 0
        self._iter_wakeup: Wakeup | None = None
        self._iter_error: BaseException | None = None  # raised by an `async for`
        # writable side
        self._writable = True
        self._wq: deque[list[Any]] | None = None  # [memoryview, callback or None]
        self._wq_len = 0
        # The first write made while connecting waits for 'connect' (Node's
        # _pendingData), with a 'connect' listener of its own.
        self._connect_write = False
        self._write_error: BaseException | None = None  # the send that failed
        self._writer_running = False
        self._need_drain = False
        self._corked = 0
        self._ending = False
        self._ended_by_peer = False  # Node's writeAfterFIN: write() now fails with EPIPE
        self._finished = False
        self._finish_emitted = False
        self._on_finished: list[Callable[..., object]] | None = None
        self._write_side_done = False
        self._write_wakeup: Wakeup | None = None
        self._hwm = WRITE_HIGH_WATER_MARK if write_hwm is None else write_hwm
        self._default_encoding: str | None = None
        self._on_read: tuple[Any, Callable[..., object]] | None = None
        self._pipes: tuple[_Pipe, ...] = ()
        self._attempted_addresses: list[str] | None = None
        # set_no_delay()/set_keep_alive() before there is a kernel socket: applied
        # once connected (Node's kSetNoDelay, kSetKeepAlive).
        self._no_delay_later = False
        self._keep_alive_later: float | None = None
        # timers, liveness, addresses
        self._timeout_ms = 0.0
        self._last_active = 0.0
        self._timeout_wakeup: Wakeup | None = None
        self._timer_running = False
        # Node's address dict of the peer, once asked for (Node's _peername).
        self._peer: dict[str, Any] | None = None
        self._local: dict[str, Any] | None = None
        self.bytes_read = 0
        self.bytes_written = 0
        if fd is not None:
            self._adopt_fd(fd, readable, writable)

    # == construction paths ====================================================

    def _adopt_fd(self, fd: object, readable: bool, writable: bool) -> None:
        fd = _validate.validate_int32(fd, "fd", 0)
        sock: _stdsocket.socket
        try:
            mode = os.fstat(fd).st_mode
        except OSError as exc:
            raise _errors.invalid_fd_type("UNKNOWN") from exc
        if stat.S_ISFIFO(mode):
            # A pipe or FIFO is a 'PIPE' handle to Node too. PipeHandle has the
            # socket methods a Socket uses, so it stands in for one.
            sock = PipeHandle(fd)  # type: ignore[assignment]
        else:
            try:
                sock = _stdsocket.socket(fileno=fd)
            except OSError as exc:
                raise _errors.invalid_fd_type("FILE" if stat.S_ISREG(mode) else "UNKNOWN") from exc
            if sock.type != _stdsocket.SOCK_STREAM:
                sock.detach()
                raise _errors.invalid_fd_type("UNKNOWN")
        sock.setblocking(False)
        self._adopted = True
        if sock.family == _stdsocket.AF_UNIX:
            self._bulk_size = UNIX_BULK_READ_SIZE
        if self._poller is None:
            if stat.S_ISFIFO(mode):
                fd_stream = trio.lowlevel.FdStream(sock.detach())
                self._sock = StreamHandle(fd_stream, self._nursery)
            else:
                self._sock = wrap_socket(sock, self._nursery)
        else:
            self._sock = sock
        self._readable = bool(readable)
        self._writable = bool(writable)
        self._read_wanted = self._readable  # as Node: read(0) at construction
        if not self._readable:
            self._read_done = self._eof = self._emitted_end = True
        if not self._writable:
            self._ending = self._finished = True
            self._write_side_done = True
        self._start(None)

    @classmethod
    def from_stream(
        cls,
        stream: trio.abc.Stream,
        *,
        allow_half_open: bool = False,
        high_water_mark: int | None = None,
        readable_high_water_mark: int | None = None,
        writable_high_water_mark: int | None = None,
    ) -> Socket:
        """A Socket over any connected ``trio.abc.Stream``: a ``trio.SSLStream``,
        a ``trio.testing`` memory stream, a stream a trio listener accepted.

        It is open at once (no ``'connect'``, as ``Socket(fd=...)``) and has every
        event of a socket: ``'data'``, ``'end'`` (from the stream's end of
        input), ``'drain'``, ``'finish'``, ``'timeout'``, ``'error'``, ``'close'``.
        ``end()`` sends EOF on a ``trio.abc.HalfCloseableStream`` and closes any
        other stream gracefully (an ``SSLStream`` sends close_notify); ``destroy()``
        closes it forcefully. Addresses and socket options reach the socket under
        the stream, if there is one. The Socket owns the stream from now on.
        """
        if not isinstance(stream, trio.abc.Stream):
            raise _errors.invalid_arg_type("stream", "trio.abc.Stream", stream)
        self = cls(
            allow_half_open=allow_half_open,
            high_water_mark=high_water_mark,
            readable_high_water_mark=readable_high_water_mark,
            writable_high_water_mark=writable_high_water_mark,
        )
        self._loop.check_running()
        self._poller = None
        self._sock = StreamHandle(stream, self._nursery)
        self._adopted = True
        self._read_wanted = True  # as Node: read(0) at construction
        self._start(None)
        return self

    @classmethod
    def _accepted(cls, sock: _stdsocket.socket | trio.abc.Stream, server: Server) -> Socket:
        """A connection ``server`` accepted: a descriptor, or a stream from a trio
        listener (``server.listen(listener)``). As Node, the peer's address is
        asked for (and cached) on first use, not kept from accept(): an idle
        connection does not hold it, and after 'close' it is known only if
        something asked for it before."""
        self = cls(allow_half_open=server._allow_half_open, high_water_mark=server._high_water_mark)
        self._nursery = server._nursery or self._nursery
        if isinstance(sock, trio.abc.Stream):
            # From a trio listener: its addresses come from the socket under it.
            self._poller = None
            handle = self._sock = StreamHandle(sock, self._nursery)
            if handle.family == getattr(_stdsocket, "AF_UNIX", None):
                self._bulk_size = UNIX_BULK_READ_SIZE
        else:
            self._sock = sock if self._poller is not None else wrap_socket(sock, self._nursery)
            if is_unix(sock):
                self._bulk_size = UNIX_BULK_READ_SIZE
        self._server = server
        if server._pause_on_connect:
            self._flowing = False
        else:  # as Node: read(0) at construction, before 'connection'
            self._read_wanted = True
        return self

    @enable_ki_protection
    def _start(self, options: ConnectOptions | None) -> None:
        """Start the socket's task in the loop's nursery."""
        self._started = True
        self._hold()
        if options is not None:
            # A connect in flight keeps the loop alive even when unref'd: libuv
            # counts its request, not the handle. _run (or the dial) gives it back.
            self._loop.hold()
            if self._dials(options):  # no lookup to await: no task (_connector.py)
                self._dialing = options
                # The caller's context, which the connect task would have copied.
                context = self._dial_context = contextvars.copy_context()
                self._loop.defer(context.run, self._dial, options)
                return
        self._nursery.start_soon(self._run, options)

    @enable_ki_protection
    def _begin_accepted(self) -> None:
        """After the server's ``'connection'``: open, and park until readable."""
        if self._destroyed:  # destroyed by a connection listener
            self._nursery.start_soon(self._serve, None)
            return
        self._open = True
        self._after_open()
        if self._poller is None:  # over a stream: its dispatcher task reads
            self._nursery.start_soon(self._serve, None)
            return
        self._short_read = True  # a new connection is rarely readable yet
        self._park()

    # == the socket's task =============================================================

    @enable_ki_protection
    async def _run(self, options: ConnectOptions | None) -> None:
        """Connect (with a cancel scope: a lookup in a thread, Happy Eyeballs), then serve."""
        heard = False
        try:
            if options is not None:
                try:
                    # destroy() before this task started: no lookup, no SYN.
                    if not self._destroyed:
                        heard = await self._connect_in_scope(options)
                finally:
                    self._loop.release()
                self._opening()
            elif not self._destroyed:
                self._open = True
                self._after_open()
            if heard:
                # A task woken by 'connect' (``await once(sock, "connect")``)
                # takes its step before this socket reads on, as a Node
                # continuation runs before the next I/O: else a FIN already
                # there could end and close the socket first.
                if self._poller is not None and self._on_read is None:
                    # On the fast path the poller waits for them, once for every
                    # socket connected in the same round, and parks this one
                    # then; its task ends here.
                    self._poller.call_soon(self._park_after_connect)
                    return
                await after_woken_tasks()
        except BaseException:
            self._abandon()
            raise
        await self._serve(None)

    def _opening(self) -> None:
        """Connected, 'connect' and 'ready' emitted: as Node's afterConnect, reading
        starts unless paused by now; then the writes and end() made while connecting."""
        if self._flowing is not False:
            self._read_wanted = True
        if not self._destroyed:
            self._open = True
            self._after_open()

    def _connected_without_task(self, heard: bool) -> None:
        """A dial's end (``_poll_connected``), as ``_run``'s after the connect."""
        self._opening()
        if self._destroyed:  # by a 'connect' listener
            self._close()
            self._release()
        elif heard:
            # Tasks woken by 'connect' take their step first (see _run).
            assert self._poller is not None
            self._poller.call_soon(self._park_after_connect)
        else:
            self._park_after_connect()

    @enable_ki_protection
    def _start_serving(self, pending: Awaitable[object] | None) -> None:
        """A task for the socket, which awaits ``pending`` (if any) and then reads on."""
        self._nursery.start_soon(self._serve, pending)

    async def _connect_in_scope(self, options: ConnectOptions) -> bool:
        """Connect in a cancel scope of its own: destroy() cancels it. Whether
        'connect' or 'ready' had listeners."""
        heard = False
        scope = self._io_scope = trio.CancelScope()
        with scope:
            try:
                heard = await self._connect(options)
            except _errors.NodeError as exc:
                self._fail(exc)
            except _LookupFailed as exc:
                self._fail(exc.error)
            except trio.ClosedResourceError:
                if not self._destroyed:
                    raise
        # From here destroy() wakes our waits instead (_interrupt).
        self._io_scope = None
        return heard

    @enable_ki_protection
    async def _serve(self, pending: Awaitable[object] | None) -> None:
        """Read until EOF, parking whenever there is nothing to await; then close.

        Runs after connecting, and again each time a parked socket needs a task:
        ``pending`` is the rest of an emit whose listener returned an awaitable.
        """
        parked = closed = False
        try:
            try:
                if pending is not None:
                    await self._await_listener(pending)
                if self._destroyed:
                    pass
                elif self._poller is None:
                    # Over a stream: this task is the dispatcher, for good. destroy()
                    # cancels the scope while it waits on the stream (StreamHandle).
                    with trio.CancelScope() as scope:
                        self._sock.scope = scope
                        await self._dispatch()
                else:
                    parked = await self._dispatch()
                    if parked:
                        return
                if not self._write_side_done:
                    event = self._write_wakeup = Wakeup()
                    await event.wait()
            except _errors.NodeError as exc:
                self._fail(exc)
            except trio.ClosedResourceError:
                if not self._destroyed:
                    raise
            self._close()
            closed = True
        finally:
            if closed:
                self._release()
            elif not parked:
                self._abandon()

    def _call_listeners(
        self, emit: Callable[..., Awaitable[object] | None], *args: object
    ) -> Awaitable[object] | None:
        """``emit(*args)`` (a synchronous emit) from the socket's task, counted as
        ``_emit_awaiting`` counts: the task waits on these listeners, so destroy()
        in one closes at once (a later listener may await 'close')."""
        self._in_listener += 1
        try:
            return emit(*args)
        finally:
            self._in_listener -= 1

    async def _await_listener(self, pending: Awaitable[object]) -> None:
        """The rest of an emit an async listener left; counted, so that destroy()
        in it closes at once (see ``_emit_awaiting``)."""
        self._in_listener += 1
        try:
            await pending
        finally:
            self._in_listener -= 1

    def _close(self) -> None:
        """Close the descriptor now, and emit 'error' (if any) and 'close' soon; once."""
        if self._close_queued:
            return
        self._close_queued = True
        self._shut_down()
        # As Node's handle-close callback: after what this step queued (a write
        # callback's error, the server's 'close' once its last connection went).
        self._loop.defer(self._emit_error_and_close)

    async def _emit_awaiting(self, name: str, *args: object) -> bool:
        # Counted, so that destroy() from an async listener closes at once rather
        # than after the listener returns (which may await 'close' itself).
        self._in_listener += 1
        try:
            return await super()._emit_awaiting(name, *args)
        finally:
            self._in_listener -= 1

    def _abandon(self) -> None:
        """Close without events: the task was cancelled, or the loop is ending."""
        if self._dialing is not None:
            self._dialing = self._dial_context = None
            self._loop.release()
        self._parked = False
        self._shut_down()
        self._release()

    def _release(self) -> None:
        """Closed (``_shut_down`` done): nothing more to do, the loop's hold goes."""
        self._parked = False
        self._destroyed = True
        self._unhold()

    def _shut_down(self) -> None:
        """Stop the helper tasks, close the descriptor, wake whoever waits on us."""
        self._open = False
        for scope in (self._writer_scope, self._timer_scope):
            if scope is not None:
                scope.cancel()
        # Their tasks unwind later; a reconnect may start new ones before that.
        self._writer_scope = self._timer_scope = None
        self._writer_running = self._timer_running = False
        sock = self._sock
        if sock is not None:
            fd = sock.fileno()
            if fd != -1 and self._poller is not None and not isinstance(sock, StreamHandle):
                # Wake any task waiting on it; an adopted descriptor may be duplicated
                # elsewhere, so close() alone would not take it out of the epoll set.
                self._poller.forget(fd, unregister=self._adopted)
            # Every handle's close() is idempotent. A stream's descriptor may be
            # gone already (end() on a TLS stream closes it gracefully) while the
            # handle still has to close and the server still counts the socket.
            sock.close()
        self._leave_server()
        self._connecting = False
        self._wake_iterators()

    def _leave_server(self) -> None:
        """The accepting server stops counting this connection (once)."""
        if self._counted:
            self._counted = False
            assert self._server is not None
            self._server._connection_closed()

    def _set_write_done(self) -> None:
        self._write_side_done = True
        self._update_alive()
        event = self._write_wakeup
        if event is not None:
            self._write_wakeup = None
            event.set()
        elif self._read_done:
            self._close_parked_soon()  # the 'end' came without a task (_end_parked)

    def _fail(self, error: BaseException) -> None:
        """Record a transmission error and tear the I/O down (destroy(err))."""
        if self._destroyed:
            return
        if self._write_error is not None:
            error = self._write_error  # a write() failed first; its destroy is due
        self._error = error
        self._had_error = True
        self._destroyed = True
        self._interrupt()

    def _interrupt(self) -> None:
        """Stop the socket's task: cancel its scope, or wake whatever it waits on."""
        if self._io_scope is not None:
            self._io_scope.cancel()
        elif self._dialing is not None:
            self._end_dial()
        else:
            if self._parked:
                self._unpark(None)
            if self._open and self._sock is not None:
                if self._poller is None:
                    self._sock.interrupt()
                    if self._writer_scope is not None:
                        self._writer_scope.cancel()
                else:
                    self._poller.interrupt(self._sock.fileno())
        self._set_write_done()
        self._wake_flow()

    def _spawn_awaitable(self, awaitable: Awaitable[object]) -> None:
        # Async listeners run beside the socket's task, in its nursery (for an
        # accepted socket, the server's: an async connection listener is the
        # connection's task), and keep the loop alive until they finish.
        self._loop.spawn_awaitable(awaitable, self._nursery)

    # == connecting (the connect itself: Connector, in _connector.py) ==================

    def connect(self, *args: Any, **kwargs: Any) -> Socket:
        """Open the connection: ``(options, cb)``, ``(path, cb)`` or ``(port, host, cb)``."""
        options, callback = normalize_connect(args, kwargs)
        self._loop.check_running()
        if self._started and not self._destroyed:
            # As Node: the first connect never completes; 'error', then 'close'.
            self._fail(self._connect_again_error(options))
            return self
        if self._destroyed:
            if not self._closed:
                # Still closing the last connection: start afresh once it has.
                self.once("close", lambda *_: self.connect(*args, **kwargs))
                return self
            self._reset_for_reconnect()
        if callback is not None:
            self.once("connect", callback)
        if options.timeout is not None:
            self.set_timeout(options.timeout)
        if options.on_read is not None:
            self._on_read = (options.on_read["buffer"], options.on_read["callback"])
            self._flowing = True
        self._connecting = True
        self._start(options)
        return self

    def _reset_for_reconnect(self) -> None:
        """connect() after 'close': a new connection on the same object, as Node's
        (its _undestroy). Listeners, the flowing mode, encodings, the read-ahead
        buffer and the options given to the constructor stay."""
        if self._connect_write:  # reconnecting before our own 'close' listener ran
            self.remove_listener("close", self._fail_connect_write)
            self._fail_connect_write()
        self._sock = None
        self._poller = self._loop.poller
        # An accepted socket's tasks ran in its server's nursery; a new connection
        # is a client's, in the loop's.
        self._nursery = self._loop._nursery
        self._peer = self._local = None
        self._started = self._destroyed = self._closed = self._close_queued = False
        self._dialing = self._dial_context = None
        self._error = None
        self._had_error = False
        self._open = self._parked = self._short_read = self._bulk = False
        self._bulk_size = BULK_READ_SIZE
        self._read_wanted = False
        self._eof = self._read_done = self._emitted_end = not self._readable
        if self._reading is not None:
            self._reading.eof_emitted = False
        self._ending = self._finished = self._write_side_done = not self._writable
        self._finish_emitted = self._ended_by_peer = self._need_drain = False
        self._on_finished = None
        self._wq = None
        self._wq_len = 0
        self._write_error = None
        self._attempted_addresses = None
        # Node clears the idle timer on destroy; connect() sets it again only
        # from its own timeout option.
        self._timeout_ms = 0.0
        self.bytes_read = self.bytes_written = 0

    def _connect_again_error(self, options: ConnectOptions) -> _errors.NetError:
        """What the kernel says to a second connect(): Node emits it as 'error'.

        EALREADY while a TCP connect is in flight, EISCONN once connected (and for
        Unix sockets, which connect at once). Node's docs call this undefined
        behaviour; Node 20's TCP sockets even reconnect once connected.
        """
        if options.path is not None:
            return _errors.system_error(_errno.EISCONN, "connect", options.path)
        code = _errno.EALREADY if self._connecting else _errno.EISCONN
        local = self.address()
        return _errors.system_error(
            code,
            "connect",
            options.host,
            options.port,
            local_address=local.get("address"),
            local_port=local.get("port"),
        )

    # == after open: start the writer, the timer, a pending end() ===================

    def _after_open(self) -> None:
        if self._wq and not self._corked:
            self._start_writer()
        elif self._ending and not self._finished and not self._wq:
            self._shutdown_write()
        if self._timeout_ms and not self._timer_running:
            self._start_timer()
        self._update_alive()

    # == reading from the kernel (what was read goes to Readable, _readable.py) ========

    async def _dispatch(self) -> bool:
        """Turn kernel bytes into the buffer or 'data' events until EOF (False),
        or until only waiting is left: then park the socket and return True."""
        sock = self._sock
        assert sock is not None
        if self._on_read is not None:
            await self._dispatch_on_read(sock, *self._on_read)
            return False
        while not self._read_done and not self._destroyed:
            if self._rbuf and self._flowing and not self._iterators:
                await self._flush_buffered()
                continue
            if self._eof:
                if self._decoder is not None and (not self._iterators or self._poller is None):
                    # (On the fast path an iterator reads, and decodes its own tail.)
                    tail = self._decoder.decode(b"", final=True)
                    if tail:
                        self._append_buffered(tail)
                        self._wake_iterators()
                        continue
                if self._eof_readable_due():
                    if self._reading.scheduled:  # type: ignore[union-attr]
                        # The data's 'readable' first (data and EOF came together).
                        await self._loop.after_ticks()
                        continue
                    self._reading.eof_emitted = True  # type: ignore[union-attr]
                    await self._emit_awaiting("readable")
                    continue
                if not self._rbuf:
                    await self._emit_end()
                    return False
                if self._poller is None:
                    await self._wait_flowing()
                    continue
                return self._park()  # until resume(), read() or an iterator takes the rest
            if self._poller is None:
                # Over a stream this task reads, also for `async for` (into the
                # buffer, up to the high-water mark), and waits in its place.
                wanted = (
                    self._rbuf_len < self._read_hwm or not self._rbuf_len
                    if self._iterators
                    else self._flowing or self._reads_ahead()
                )
                if not wanted:
                    await self._wait_flowing()
                    continue
                if self._short_read:
                    await self._sock.receive()
                    self._short_read = False
                    if self._flusher is not None or self._destroyed:
                        if self._flusher is not None:  # what was buffered goes first
                            await self._flusher.wait()
                        continue
                    # else read what came at once (nothing else changed meanwhile
                    # that decides where it goes: delivered or buffered below)
            elif self._iterators:
                # `async for` reads the kernel itself (no hand-off between tasks);
                # tell a waiting iterator that the descriptor is free.
                self._wake_iterators()
                return self._park()
            elif self._short_read or not (self._flowing or self._reads_ahead()):
                return self._park()
            data = self._read_chunk()
            if data is None:
                continue  # short read: the loop parks
            if data is False:
                return False
            if not data:
                continue  # EOF: the loop emits 'end'
            if self._flowing and not self._iterators:
                # As the poller's callback does: emit now, await only what an
                # async listener left.
                pending = self._call_listeners(self._deliver_now, data)
                if pending is not None:
                    await self._await_listener(pending)
            else:
                self._buffer(data)
            if not self._short_read:
                await checkpoint()
        return False

    def _update_alive(self) -> None:
        """Keep the loop going only while the socket is active, as libuv counts
        it: reading (flowing, iterated, or reading ahead), with writes or a
        shutdown in flight, or closing. Paused, stopped at the high-water mark, or
        done writing with an EOF nobody reads, it lets ``trionet.run()`` end, as
        ``node`` exits.

        After the peer's FIN, an ``'end'`` still to be emitted keeps the loop (Node
        emits it from its tick queue); an EOF behind data nobody takes does not."""
        if not self._open:
            return  # opening (held alive since _start) or closed (released)
        if self._eof:
            reading = not self._emitted_end and bool(
                not self._rbuf or self._flowing or self._iterators or self._eof_readable_due()
            )
        else:
            reading = bool(self._flowing or self._iterators or self._reads_ahead())
        writing = (bool(self._wq) and not self._corked) or (
            self._ending and not self._write_side_done
        )
        # Destroyed, or both sides done: our task closes it now (libuv counts a
        # closing handle too).
        busy = writing or self._destroyed or (self._read_done and self._write_side_done)
        # (Compared here: most calls change nothing, and a call costs more.)
        if reading != self._alive:
            self._set_alive(reading)
        if busy != self._busy:
            self._set_busy(busy)

    # == parking: no task while there is nothing to await ============================

    def _park(self) -> bool:
        """Hand the descriptor to the poller, which calls ``_poll_readable``."""
        sock, poller = self._sock, self._poller
        assert sock is not None and poller is not None
        if poller._closed:  # the loop has ended: close instead
            self._abandon()
            return True
        self._parked = True
        fd = sock.fileno()
        if poller.park(fd, self):
            self._short_read = False  # the edge it kept is ours: read
            poller.call_again(fd, self)
        return True

    def _park_after_connect(self) -> None:
        """The poller's call_soon for a client whose 'connect' listeners may have
        woken tasks, once those have taken their step: park, and look at the
        socket at once (as ``_serve`` would have: it may have been paused,
        resumed, ended or destroyed meanwhile, with neither a task nor the
        poller to notice)."""
        self._wake_iterators()  # an `async for` waiting for the connection reads now
        self._park()
        self._wake_flow()  # parked: the poller calls us again

    @enable_ki_protection
    def _unpark(self, pending: Awaitable[object] | None) -> None:
        """Leave the poller's care for a task: there is something to await."""
        self._parked = False
        # The poller may have spent a readiness edge on us without a read (we
        # unparked instead): the task reads before it waits, or parks again.
        self._short_read = False
        sock, poller = self._sock, self._poller
        if sock is not None and poller is not None and sock.fileno() != -1:
            poller.unpark(sock.fileno())
        self._start_serving(pending)

    def _poll_readable(self, edge: bool = True) -> bool:
        """The poller's callback for a parked socket that may be readable.

        Does one step of ``_dispatch`` without a task: reads once (not when called
        again with no new ``edge`` after a short read), and emits or
        buffers what came. Anything to await (an async listener, 'end', closing,
        a buffer to flush) goes to a new task. False when an ``async for`` is
        reading: the readiness is left for it.
        """
        if self._destroyed:
            self._unpark(None)
            return True
        if self._rbuf and self._flowing and not self._iterators:
            try:
                if not self._flush_parked():
                    return True
            except _errors.NodeError as exc:  # as the socket's task would
                self._fail(exc)
                return True
        if self._eof:
            # (Read done: 'end' came without a task; _close_parked_soon closes.)
            if not self._read_done and (not self._rbuf or self._eof_readable_due()):
                self._unpark(None)
            return True
        if self._iterators:
            return False
        if not (self._flowing or self._reads_ahead()):
            return False
        if not edge and self._short_read:
            return True  # called again with no new edge: the kernel has nothing
        data = self._read_chunk()
        if data is None:
            return True
        if not data:
            if self._parked:  # EOF or a closed descriptor (_fail unparked already)
                if data is False:
                    self._unpark(None)
                else:
                    self._loop.defer(self._end_parked)
            return True
        if self._flowing:
            try:
                if self._decoder is None:
                    pending = self._emit_data(data)
                else:
                    pending = self._deliver_now(data)
            except _errors.NodeError as exc:
                self._fail(exc)
                return True
            if pending is not None:
                self._await_pending(pending)
                return True
        else:
            self._buffer(data)
        if self._parked:
            poller = self._poller
            assert self._sock is not None and poller is not None
            if self._bulk or (poller.hung_up_fds and poller.hung_up(self._sock.fileno())):
                poller.call_again(self._sock.fileno(), self)
        return True

    def _flush_parked(self) -> bool:
        """Emit what was read ahead, now that the socket flows (resume(), a 'data'
        listener, pipe()), without a task: False if a listener left something to
        await (a task then goes on) or took the socket out of the poller's care."""
        pending = self._flush_now()
        if pending is not None:
            self._await_pending(pending)
            return False
        return self._parked and not self._destroyed

    def _end_parked(self) -> None:
        """The peer's EOF, read by the poller's callback: in a tick (as Node's
        endReadableNT), 'end', ``end()``, and once our side is done too, close,
        all without a task, unless there is something to await or to flush."""
        if not self._parked:
            return  # a task took over, and emits 'end' itself
        if (
            self._destroyed
            or self._rbuf
            or not self._flowing
            or self._iterators
            or self._decoder is not None
            or self._reading is not None
            or self._on_read is not None
        ):
            self._unpark(None)
            return
        self._end_without_task()

    def _iterator_read_eof(self) -> None:
        """An ``async for`` on the fast path read the peer's EOF: it emits 'end'
        itself (then ends the loop), if nothing else is due first; else the
        socket's task does."""
        if self._parked and not (
            self._destroyed or self._rbuf or self._decoder is not None or self._reading is not None
        ):
            self._end_without_task()
        else:
            self._wake_flow()

    def _end_without_task(self) -> None:
        """'end', ``end()``, and once our side is done, close: on a parked socket."""
        pending = self._emit_end_now()
        if pending is not None:
            self._await_pending(pending)
        elif self._write_side_done:
            self._close_parked_soon()

    def _await_pending(self, pending: Awaitable[object]) -> None:
        """What a listener called from the poller left to await: in a task of
        the socket's own, or beside it if a listener unparked it (destroy())."""
        if self._parked:
            self._unpark(pending)
        else:
            self._spawn_awaitable(pending)

    def _close_parked_soon(self) -> None:
        """Both sides are done while parked: a later round of the poller closes
        the socket, as its task would have after waking up, so that a task woken
        by 'end' or 'finish' runs before 'close' is emitted (as in Node, where
        'close' comes a loop iteration later)."""
        if self._parked and self._poller is not None:
            self._poller.call_soon(self._close_if_done)

    def _close_if_done(self) -> None:
        if self._parked and self._read_done and self._write_side_done:
            self._close()
            self._release()

    async def _dispatch_on_read(
        self, sock: Any, buffer: Any, callback: Callable[..., object]
    ) -> None:
        """The ``on_read`` option: read into the caller's buffer, call ``callback(n, buf)``.

        No ``'data'`` events; returning False from the callback pauses the socket.
        """
        # As Node: a buffer function is called at the start and after each read that
        # got data, not for reads that found nothing.
        buf = None
        while not self._destroyed:
            if self._flowing is False:
                await self._wait_flowing()
                continue
            if self._short_read:
                if self._poller is None:
                    await sock.receive()
                else:
                    await self._poller.wait_readable(sock.fileno())
            if buf is None:
                buf = buffer() if callable(buffer) else buffer
            try:
                n = sock.recv_into(buf)
            except BlockingIOError:
                self._short_read = True
                continue
            except OSError as exc:
                if exc.errno not in (_errno.EBADF, _errno.ENOTSOCK):
                    self._fail(_errors.system_error(exc, "read"))
                return
            if n == 0:
                self._eof = True
                self._update_alive()
                await self._emit_end()
                return
            self._short_read = n < len(buf)
            self.bytes_read += n
            if self._timeout_ms:
                self._touch()
            result = callback(n, buf)
            if callable(buffer):
                buf = None
            if inspect.isawaitable(result):
                result = await result
            if result is False:
                self.pause()
            if not self._short_read:
                await checkpoint()

    def _read_chunk(self) -> bytes | Literal[False] | None:
        """One non-blocking read, shared by the dispatcher, the poller's callback and
        ``async for``: the bytes; None if the kernel had nothing (a short read, so
        wait for readability next); b"" at EOF (``_eof`` set); False when reading
        is over otherwise: an error (recorded with ``_fail``) or a closed descriptor.

        After a read that filled ``READ_SIZE`` the kernel likely holds more: the
        next one reads up to the bulk size (unless paused: reading ahead for
        nobody, or over a stream: the chunk its receive() got).
        """
        sock = self._sock
        assert sock is not None
        data: bytes
        try:
            if self._bulk and self._poller is not None and (self._flowing or self._iterators):
                limit = self._bulk_size
            else:
                limit = READ_SIZE
            data = sock.recv(limit)
        except BlockingIOError:
            self._short_read = True
            self._bulk = False
            return None
        except OSError as exc:
            if exc.errno not in (_errno.EBADF, _errno.ENOTSOCK):
                self._fail(_errors.system_error(exc, "read"))
            return False
        if not data:
            self._eof = True
            self._update_alive()  # reading is over
            return data
        n = len(data)
        self._bulk = n >= limit
        self._short_read = not self._bulk
        self.bytes_read += n
        if self._timeout_ms:
            self._touch()
        return data

    # == async iteration (the iterator: _iterator.py) ==================================

    def __aiter__(self) -> AsyncIterator[bytes | str]:
        return _SocketIterator(self)

    # == destroying ==================================================================

    def destroy(self, error: BaseException | None = None) -> Socket:
        """Close at once: ``'error'`` (if ``error``) then ``'close'``; queued data is dropped."""
        if self._destroyed:
            return self
        self._destroyed = True
        self._connecting = False
        if error is not None:
            self._error = error
            self._had_error = True
        self._interrupt()
        self._wake_iterators()
        # As Node: the server stops counting it at once (getConnections, a
        # max_connections slot, 'close' once the last one went).
        self._leave_server()
        if self._in_listener and self._open:
            # Our task is inside an async listener: close now, as Node does,
            # instead of once the listener returns.
            self._close()
        # A started socket's task sees the cancelled scope (or, not yet running,
        # _destroyed) and closes; an unstarted one only has events to emit.
        if not self._started:
            self._loop.defer(self._emit_destroyed_unstarted)
        return self

    def _emit_destroyed_unstarted(self) -> None:
        # Node emits this 'close' with no argument (no handle ever closed):
        # False here, so that a listener taking had_error still works.
        self._emit_error_and_close(had_error=False)

    def _fail_connect_write(self, *_: object) -> None:
        """Node's 'close' listener for its pending write: it fails with
        ERR_SOCKET_CLOSED_BEFORE_CONNECTION, and takes the writes and end() queued
        behind it along (the connect's error, or that one)."""
        self._connect_write = False
        self.remove_listener("connect", self._write_on_connect)
        error = self._error
        closed = _errors.socket_closed_before_connection()
        writes, self._wq, self._wq_len = self._wq or (), None, 0
        callbacks, self._on_finished = self._on_finished or [], None
        for i, (_, callback) in enumerate(writes):
            if callback is not None:
                callback(closed if i == 0 else error or closed)
        for callback in callbacks:
            callback(error or closed)

    def _emit_error_and_close(self, had_error: bool | None = None) -> None:
        """The last events: every callback still owed (each called once), 'error'
        if any, 'close'; in Node's order."""
        error = self._error
        if had_error is None:
            had_error = self._had_error  # as it is now: a reconnect may reset it
        self._closed = True
        if self._connect_write:
            self._emit_error(error)  # then 'close' runs _fail_connect_write in its turn
        else:
            callbacks, self._on_finished = self._on_finished or [], None
            writes, self._wq, self._wq_len = self._wq or (), None, 0
            # As Node: a write in flight (the head of an uncorked queue) ends when
            # the handle closes, after 'error': with its own error if its send
            # failed, else null (libuv's cancelled request on a destroyed
            # stream). Buffered writes, then end() callbacks, fail with the
            # socket's error: before 'error' when nothing was in flight.
            in_flight = bool(writes) and not self._corked
            if in_flight:
                self._emit_error(error)
            for i, (_, callback) in enumerate(writes):
                if callback is not None:
                    if i == 0 and in_flight:
                        callback(self._write_error)
                    else:
                        callback(error or _errors.stream_destroyed("write"))
            for callback in callbacks:  # end() callbacks of a stream that never finished
                callback(error or _errors.stream_destroyed("end"))
            if not in_flight:
                self._emit_error(error)
        self.emit("close", had_error)

    def _emit_error(self, error: BaseException | None) -> None:
        if error is None or not self._had_error:
            return
        if self._iterators or self._iter_error is error:
            # As Node's async iterator: `async for` handles the error (it raises
            # it), so 'error' with no listener does not end the loop.
            if self.listener_count("error"):
                self.emit("error", error)
        else:
            self.emit("error", error)

    def reset_and_destroy(self) -> Socket:
        """Close with a TCP RST (SO_LINGER 0) instead of a FIN, as Node's: once
        connected if still connecting; ``ERR_SOCKET_CLOSED`` without a connection;
        ``ERR_INVALID_HANDLE_TYPE`` (raised) for a Unix socket."""
        sock = self._sock
        if self._destroyed or (sock is None and not self._connecting):
            return self.destroy(_errors.socket_closed())
        if sock is not None and sock.family == _stdsocket.AF_UNIX:
            raise _errors.invalid_handle_type()
        if self._connecting:
            self.once("connect", self._reset)
        else:
            self._reset()
        return self

    def _reset(self) -> None:
        sock = self._sock
        if sock is not None and sock.fileno() != -1 and sock.family != _stdsocket.AF_UNIX:
            sock.setsockopt(_stdsocket.SOL_SOCKET, _stdsocket.SO_LINGER, _LINGER_ZERO)
        self.destroy()

    # == socket state ==================================================================

    @property
    def auto_select_family_attempted_addresses(self) -> list[str] | None:
        """The ``address:port`` targets Happy Eyeballs tried, in order (Node 20);
        None when the connect raced no addresses."""
        attempted = self._attempted_addresses
        return None if attempted is None else list(attempted)

    @property
    def destroyed(self) -> bool:
        """Whether the socket was destroyed (or has closed)."""
        return self._destroyed

    @property
    def closed(self) -> bool:
        """Whether the socket is closed (Node's ``closed``): a net.Socket's
        ``_destroy`` finishes inside ``destroy()``, so this is :attr:`destroyed`."""
        return self._destroyed

    @property
    def errored(self) -> BaseException | None:
        """The error the socket was destroyed with, or None (Node's ``errored``)."""
        return self._error if self._had_error else None

    @property
    def readable_aborted(self) -> bool:
        """Whether the socket was destroyed or errored before ``'end'`` (Node's
        ``readableAborted``)."""
        return (self._destroyed or self._had_error) and not self._emitted_end

    def destroy_soon(self) -> None:
        """End the socket, then destroy it once ``'finish'`` came (Node's
        ``destroySoon()``): at once if it has finished already."""
        if self.writable:
            self.end()
        if self._finish_emitted:
            self.destroy()
        else:
            self.once("finish", self.destroy)

    @property
    def connecting(self) -> bool:
        """True between ``connect()`` and ``'connect'``."""
        return self._connecting

    @property
    def pending(self) -> bool:
        """True until the socket is connected, and again once destroyed (Node's
        ``pending``: no handle, or connecting)."""
        return self._destroyed or self._sock is None or self._connecting

    @property
    def ready_state(self) -> str:
        """'opening', 'open', 'readOnly', 'writeOnly' or 'closed', as Node's."""
        if self._connecting:
            return "opening"
        # As Node's: from the stream's state alone (a new Socket() is 'open').
        readable = self.readable
        writable = self.writable
        if readable and writable:
            return "open"
        if readable:
            return "readOnly"
        if writable:
            return "writeOnly"
        return "closed"

    @property
    def server(self) -> Server | None:
        """The Server that accepted this socket; None for a client (Node's ``server``)."""
        return self._server

    @property
    def allow_half_open(self) -> bool:
        """Whether the socket stays writable after the peer's FIN."""
        return self._allow_half_open

    # == timeouts ==================================================================

    def set_timeout(self, timeout: float, callback: Callable[..., object] | None = None) -> Socket:
        """Emit ``'timeout'`` after ``timeout`` ms of inactivity (0 disables); never closes."""
        if self._destroyed:  # as Node: nothing to time any more
            return self
        ms = _validate.validate_timeout(timeout, "msecs")
        if callback is not None:
            _validate.validate_function(callback, "callback")
            if ms == 0:
                self.remove_listener("timeout", callback)
            else:
                self.once("timeout", callback)
        self._timeout_ms = ms
        self._touch()
        # It counts from now: through a lookup and a connect, or on a socket
        # that never connects (as Node's timer, it keeps no loop alive).
        if ms and not self._timer_running:
            self._start_timer()
        return self

    @property
    def timeout(self) -> float | None:
        """The idle timeout in ms set by ``set_timeout``, or None."""
        return self._timeout_ms or None

    def _touch(self) -> None:
        self._last_active = trio.current_time()
        event = self._timeout_wakeup
        if event is not None:
            self._timeout_wakeup = None
            event.set()

    @enable_ki_protection
    def _start_timer(self) -> None:
        if self._nursery is not None:
            self._timer_running = True
            self._nursery.start_soon(self._timer)

    @enable_ki_protection
    async def _timer(self) -> None:
        with trio.CancelScope() as scope:
            self._timer_scope = scope
            try:
                await self._time_out_when_idle()
            finally:
                if self._timer_scope is scope:
                    self._timer_running = False
                    self._timer_scope = None

    async def _time_out_when_idle(self) -> None:
        while self._timeout_ms:
            deadline = self._last_active + self._timeout_ms / 1000
            if trio.current_time() < deadline:
                await trio.sleep_until(deadline)
                continue
            # Activity re-arms the fired timer, as Node's timer.refresh() does:
            # also activity in a 'timeout' listener (a heartbeat's write).
            event = self._timeout_wakeup = Wakeup()
            await self._emit_awaiting("timeout")
            await event.wait()

    # == socket options ==============================================================

    def set_no_delay(self, no_delay: bool | None = True) -> Socket:
        """Disable (True) or enable (False) Nagle's algorithm: TCP_NODELAY. Before
        the socket is connected, it is applied once it is; None means True (Node's
        undefined)."""
        enable = True if no_delay is None else bool(no_delay)
        sock = self._sock
        if sock is None or self._connecting:
            self._no_delay_later = enable
        elif not is_unix(sock) and sock.fileno() != -1:
            sock.setsockopt(_stdsocket.IPPROTO_TCP, _stdsocket.TCP_NODELAY, 1 if enable else 0)
        return self

    def set_keep_alive(self, enable: bool = False, initial_delay: float = 0) -> Socket:
        """SO_KEEPALIVE, and the idle time from ``initial_delay`` ms, as Node with libuv.

        Under one second keeps the system's idle time. Otherwise, as libuv does,
        TCP_KEEPIDLE is the whole seconds, probes go every second, ten of them.
        What the kernel refuses (an idle time over 32 767 s) is ignored, as in Node.
        """
        sock = self._sock
        delay = _validate.validate_number(initial_delay, "initialDelay", 0)
        if sock is None or self._connecting:
            self._keep_alive_later = delay if enable else None
        elif not is_unix(sock) and sock.fileno() != -1:
            settings = [(_stdsocket.SOL_SOCKET, _stdsocket.SO_KEEPALIVE, 1 if enable else 0)]
            idle = int(delay // 1000)
            if enable and idle >= 1:
                tcp = _stdsocket.IPPROTO_TCP
                for name, value in (
                    ("TCP_KEEPIDLE", idle),
                    ("TCP_KEEPINTVL", 1),
                    ("TCP_KEEPCNT", 10),
                ):
                    if hasattr(_stdsocket, name):
                        settings.append((tcp, getattr(_stdsocket, name), value))
            try:
                for level, option, value in settings:
                    sock.setsockopt(level, option, value)
            except OSError:
                pass  # libuv stops at the first refusal, and Node ignores it
        return self

    # == addresses ===================================================================

    def address(self) -> dict[str, Any]:
        """The local address: ``{'address', 'family', 'port'}`` ({} when unknown)."""
        if self._destroyed:
            return {}  # as Node: no handle, no name (the peer's stays cached)
        if self._local is None:
            sock = self._sock
            if sock is None or sock.fileno() == -1:
                return {}
            if sock.family == _stdsocket.AF_UNIX:
                return {}
            try:
                self._local = sockaddr_to_address(sock.family, sock.getsockname())
            except OSError:
                return {}
        return dict(self._local)

    def _peername(self) -> dict[str, Any]:
        peer = self._peer
        if peer is None:
            if self._destroyed:
                return {}  # as Node: no handle left to ask
            sock = self._sock
            if sock is None or sock.fileno() == -1 or self._connecting:
                return {}
            if sock.family == _stdsocket.AF_UNIX:
                return {}
            try:
                peer = self._peer = sockaddr_to_address(sock.family, sock.getpeername())
            except OSError:
                return {}
        return peer

    @property
    def remote_address(self) -> str | None:
        """The peer's IP address, or None (Unix sockets, not connected)."""
        return self._peername().get("address")

    @property
    def remote_family(self) -> str | None:
        """'IPv4' or 'IPv6', or None."""
        return self._peername().get("family")

    @property
    def remote_port(self) -> int | None:
        """The peer's port, or None."""
        return self._peername().get("port")

    @property
    def local_address(self) -> str | None:
        """The local IP address, or None."""
        return self.address().get("address")

    @property
    def local_port(self) -> int | None:
        """The local port, or None."""
        return self.address().get("port")

    @property
    def local_family(self) -> str | None:
        """'IPv4' or 'IPv6', or None."""
        return self.address().get("family")

    @property
    def _trionet_handle_fileno(self) -> int:
        sock = self._sock
        return -1 if sock is None else sock.fileno()

    # == pipe (one pipe: _Pipe, in _pipe.py) ===========================================

    def pipe(self, destination: Any, end: bool | dict[str, Any] | None = True) -> Any:
        """Send everything read to ``destination`` (anything with ``write``/``end``),
        pausing while its ``write()`` returns False until it drains; ``end()`` it
        after our ``'end'`` unless ``end=False``. Returns ``destination``. The
        listeners and their order are Node's (see ``_pipe.py``)."""
        # As Node: only a literal False (or {'end': False}) leaves the destination open.
        if isinstance(end, dict):  # Node's pipe(dest, {end: false})
            end = end.get("end") is not False
        pipe = _Pipe(self, destination, end is not False)
        self._pipes = (*self._pipes, pipe)
        pipe.attach()
        return destination

    def unpipe(self, destination: Any = None) -> Socket:
        """Stop piping into ``destination`` (the first pipe into it), or into every
        destination; ``'unpipe'`` is emitted on each. With no pipe left, pause."""
        pipes = self._pipes
        if not pipes:
            return self
        if destination is None:
            self._pipes = ()
            self.pause()
            for pipe in pipes:
                pipe.unpiped()
            return self
        for pipe in pipes:
            if pipe.destination is destination:
                break
        else:
            return self
        self._pipes = rest = tuple(p for p in pipes if p is not pipe)
        if not rest:
            self.pause()
        pipe.unpiped()
        return self

    def __repr__(self) -> str:
        remote = self._peer  # (not asked for here: a repr changes nothing)
        return f"<trionet.Socket {self.ready_state} local={self._local} remote={remote}>"


def create_connection(*args: Any, **kwargs: Any) -> Socket:
    """Node's ``net.createConnection``: a new Socket, connecting."""
    options = args[0] if args and isinstance(args[0], dict) else {}
    allow = options.get("allow_half_open", kwargs.get("allow_half_open", False))
    both, readable, writable = (options.get(k, kwargs.get(k)) for k in HIGH_WATER_MARK_KEYS)
    sock = Socket(
        allow_half_open=bool(allow) if allow is not None else False,
        high_water_mark=both,
        readable_high_water_mark=readable,
        writable_high_water_mark=writable,
    )
    return sock.connect(*args, **kwargs)


connect = create_connection
