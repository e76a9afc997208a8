"""The readable side of a ``trionet.Socket``, as Node's ``lib/internal/streams/readable.js``.

``Readable`` is a mixin of ``Socket`` (``_socket.py``, the facade). It owns what
happens to bytes once they have been read from the kernel or the stream:

* flowing or paused: ``pause()``, ``resume()``, a ``'data'`` listener starting
  the flow; ``_wake_flow`` tells whoever reads that the flow changed (the
  poller, for a parked socket; else the task waiting in ``_wait_flowing``);
* emitting ``'data'`` (``_deliver_now`` and ``_flush_now``, called from the
  poller's callback without a task or from the socket's task, which awaits what
  a listener leaves: ``_flush_buffered``) and ``'end'``
  (``_emit_end``, once everything read has been consumed);
* the read-ahead buffer: ``_rbuf`` (bytes, or str once an encoding is set),
  ``_rbuf_len``, ``_rbuf_off`` (taken from the head chunk by ``read(n)``);
  ``_buffer`` keeps a read there, ``_reads_ahead`` says whether to read more;
* paused-mode reading: ``'readable'``, ``read()``, ``unshift()``, with their
  state in a ``_ReadMode`` made on first use;
* ``set_encoding()``, and the readable-state properties (``readable``,
  ``readable_ended``, ``readable_flowing``, ``readable_length``,
  ``readable_high_water_mark``, ``is_paused()``);
* the read sizes and the read-ahead limit (``READ_HIGH_WATER_MARK``).

Readable state, as Node's: a socket reads ahead into a buffer of up to
``READ_HIGH_WATER_MARK`` bytes while nobody consumes it; it *flows* (emits
``'data'``) once a ``'data'`` listener is added or ``resume()``/``pipe()`` is
called, unless ``pause()`` was called first. ``'end'`` is emitted only once
everything read has been consumed.

What it relies on from the facade: reading itself is the facade's
(``_dispatch``, ``_poll_readable``, ``_read_chunk``), which hands what it read
to ``_deliver_now``, ``_deliver`` or ``_buffer``. This side reads the socket's
``_sock``, ``_poller``, ``_nursery``, ``_open``, ``_parked``, ``_destroyed``,
``_eof``, ``_iterators``, ``_ending`` and ``_allow_half_open``, and calls
``_update_alive()`` and ``destroy()`` (the facade) and ``end()`` (the writable
side, after the peer's FIN). Every attribute is a slot of ``Socket`` (one
``__slots__`` there, none here); the block under ``TYPE_CHECKING`` declares them
for mypy.
"""

from __future__ import annotations

import inspect
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Self

import trio
from trio.lowlevel import enable_ki_protection

from . import _errors
from ._encodings import Decoder, decoder_for, encode, normalize_encoding
from ._handle import Handle
from ._poller import Poller, Wakeup

if TYPE_CHECKING:
    from ._socket import Socket

__all__ = ["Readable"]

#: Node's default readableHighWaterMark: how far a non-flowing socket reads ahead.
READ_HIGH_WATER_MARK = 16 * 1024
_MAX_READ_SIZE = 1 << 30  # read(size) above this is ERR_OUT_OF_RANGE, as in Node
#: Size of one read: ``recv()`` into a new bytes object of this size, which CPython
#: shrinks to what came (as asyncio's transports read). For a small message that
#: is 0.3 us cheaper than ``recv_into`` a buffer shared by the loop and copying out
#: (bench/facade_cost.py, 2026-12-03). A socket reading ahead while paused reads no
#: more at once (as libuv's 64 KiB slab), so it holds at most the high-water mark
#: plus one read. Over a stream, the size a StreamHandle receives (trio's default).
READ_SIZE = 65536

#: Read size once a read has filled READ_SIZE (bulk transfer). Loopback TCP gains
#: from big reads; a Unix socket's peer takes at most its send buffer (~208 KiB)
#: per send, and big reads there mean partial echoes and queueing: measured with
#: bench/ and shared/bench/compare.py, stream-1x64KiB.
BULK_READ_SIZE = 262144
UNIX_BULK_READ_SIZE = 65536


class Readable(Handle):
    """The readable side of a ``Socket``: flowing or paused, the read-ahead
    buffer, ``read()``, ``unshift()`` and ``'readable'``, the encoding, and the
    ``'data'`` and ``'end'`` events."""

    # No slots of its own: every attribute is a slot of Socket, whose one
    # __slots__ declares them all. (Hidden from mypy, which would check each
    # `self.x = ...` here against this empty tuple.)
    if not TYPE_CHECKING:
        __slots__ = ()

    if TYPE_CHECKING:
        # For mypy: the socket's state this side uses, and what it calls on the
        # facade (_poll_readable: the poller calls a parked socket again) and on
        # the writable side (end(), after the peer's FIN).
        _allow_half_open: bool
        _decoder: Decoder | None
        _destroyed: bool
        _emitted_end: bool
        _encoding: str | None
        _ended_by_peer: bool
        _ending: bool
        _eof: bool
        _flow_wakeup: Wakeup | None
        _flowing: bool | None
        _flusher: Wakeup | None
        _iter_wakeup: Wakeup | None
        _iterators: int
        _nursery: trio.Nursery
        _open: bool
        _parked: bool
        _poller: Poller | None
        _rbuf: deque[bytes | str] | None
        _rbuf_len: int
        _rbuf_off: int
        _read_done: bool
        _read_hwm: int
        _read_wanted: bool
        _reading: _ReadMode | None
        _sock: Any

        def _update_alive(self) -> None: ...
        def _poll_readable(self, edge: bool = True) -> bool: ...
        def _call_listeners(
            self, emit: Callable[..., Awaitable[object] | None], *args: object
        ) -> Awaitable[object] | None: ...
        async def _await_listener(self, pending: Awaitable[object]) -> None: ...
        def destroy(self, error: BaseException | None = None) -> Socket: ...
        def end(
            self,
            data: bytes | bytearray | memoryview | str | Callable[..., object] | None = None,
            encoding: str | Callable[..., object] | None = None,
            callback: Callable[..., object] | None = None,
        ) -> Self: ...

    # == flowing / paused ==============================================================

    def pause(self) -> Self:
        """Stop emitting ``'data'``; what arrives stays in the kernel and our buffer
        (read ahead up to the high-water mark if reading had started, as Node's)."""
        self._flowing = False
        self._update_alive()
        return self

    def resume(self) -> Self:
        """Start (or restart) emitting ``'data'`` (not while a ``'readable'`` listener
        is attached: then ``read()`` emits it, as in Node)."""
        mode = self._reading
        self._flowing = mode is None or not mode.listening
        self._read_wanted = True
        self._wake_flow()
        if self._flowing and self._rbuf and not self._open and not self._destroyed:
            # Unshifted before the connection opened: Node flows it at once (no task
            # of ours runs before 'connect').
            self._loop.defer(self._flow_before_open)
        return self

    def _flow_before_open(self) -> None:
        while self._rbuf and self._flowing and not self._open and not self._iterators:
            self.emit("data", self._take_buffered())

    _watched = frozenset({"data", "readable"})

    def _added(self, name: str) -> None:
        # Node: adding a 'data' listener starts the flow unless pause() was called.
        if name == "data" and self._flowing is not False:
            self.resume()
        elif name == "readable":
            # Node: a 'readable' listener takes over from 'data' (paused mode).
            mode = self._read_mode()
            if not mode.listening and not self._emitted_end:
                if self._eof:
                    mode.eof_emitted = True
                mode.listening = mode.need_readable = True
                self._flowing = False
                if self._rbuf:
                    self._schedule_readable(mode)
                # ... and, as its read(0), starts reading.
                self._read_wanted = True
                self._wake_flow()

    def _removed(self, name: str | None) -> None:
        if (name == "readable" or name is None) and self._reading is not None:
            self._loop.defer(self._update_readable_listening)

    def _update_readable_listening(self) -> None:
        """After 'readable' listeners went (Node's updateReadableListening)."""
        mode = self._reading
        assert mode is not None
        mode.listening = self.listener_count("readable") > 0
        if mode.listening:
            return
        if self.listener_count("data"):
            self.resume()
        elif self._flowing is False:
            self._flowing = None

    def _wake_flow(self) -> None:
        self._update_alive()
        if self._parked:
            # The flow may have changed (resume(), an iterator came or went, EOF
            # seen by an iterator): let the poller look at the socket again.
            sock, poller = self._sock, self._poller
            assert sock is not None and poller is not None
            poller.call_again(sock.fileno(), self)
            return
        event = self._flow_wakeup
        if event is not None:
            self._flow_wakeup = None
            event.set()
        elif (
            self._poller is None
            and self._rbuf
            and self._flowing
            and not self._iterators
            and self._flusher is None
            and self._sock is not None
            and self._sock.receiving
        ):
            # Over a stream the dispatcher waits on the stream, not on the flow
            # (the fast path's poller calls a parked socket again instead): a task
            # of its own emits what was buffered, and the dispatcher waits for it.
            self._flusher = Wakeup()
            self._spawn_task(self._flush_while_receiving)

    async def _wait_flowing(self) -> None:
        event = self._flow_wakeup = Wakeup()
        await event.wait()

    @enable_ki_protection
    def _spawn_task(self, async_fn: Callable[[], Awaitable[object]]) -> None:
        self._nursery.start_soon(async_fn)

    async def _flush_while_receiving(self) -> None:
        try:
            await self._flush_buffered()
        finally:
            flusher, self._flusher = self._flusher, None
            if flusher is not None:
                flusher.set()

    # == emitting 'data' and 'end' =====================================================

    def _deliver_now(self, data: bytes) -> Awaitable[object] | None:
        """Emit 'data' synchronously; the rest of the emit if a listener returned
        an awaitable (it must finish before the next listener and the next read)."""
        if self._decoder is not None:
            text = self._decoder.decode(data)
            if not text:
                return None
            return self._emit_data(text)
        return self._emit_data(data)

    def _emit_data(self, chunk: bytes | str) -> Awaitable[object] | None:
        """``_emit_now("data", chunk)``, for the event emitted once per read: one
        argument, no tuple to pack and unpack (a fifth of the facade's cost per
        message, measured)."""
        listeners = self._events.get("data")
        if listeners is None:
            return None
        if len(listeners) == 1:
            r = listeners[0](chunk)
            if r is None or r is True or r is False or not inspect.isawaitable(r):
                return None
            return self._finish_emit(r, (), (chunk,))
        return self._emit_now("data", chunk)

    def _emit_now(self, name: str, *args: object) -> Awaitable[object] | None:
        """Emit ``name`` synchronously; the rest of the emit if a listener returned
        an awaitable (to be awaited before anything else happens to the socket)."""
        listeners = self._events.get(name)
        if listeners is None:
            return None
        if len(listeners) == 1:  # the common case, without enumerate()
            r = listeners[0](*args)
            if r is None or r is True or r is False or not inspect.isawaitable(r):
                return None
            return self._finish_emit(r, (), args)
        for i, fn in enumerate(listeners):
            r = fn(*args)
            if r is not None and r is not True and r is not False and inspect.isawaitable(r):
                return self._finish_emit(r, listeners[i + 1 :], args)
        return None

    @staticmethod
    async def _finish_emit(
        first: Awaitable[object], rest: tuple[Callable[..., object], ...], args: tuple[object, ...]
    ) -> None:
        await first
        for fn in rest:
            r = fn(*args)
            if r is not None and r is not True and r is not False and inspect.isawaitable(r):
                await r

    def _flush_now(self) -> Awaitable[object] | None:
        """Emit what was read ahead, chunk by chunk, while the socket flows: the
        rest of an emit a listener left to await (await it, then call again),
        else None. From the poller's callback (``_flush_parked``) or the
        socket's task (``_flush_buffered``)."""
        while self._rbuf and self._flowing and not self._iterators and not self._destroyed:
            chunk = self._take_buffered()
            # (Buffered as text: decoded already.)
            pending = self._emit_data(chunk) if isinstance(chunk, str) else self._deliver_now(chunk)
            if pending is not None:
                return pending
        return None

    async def _flush_buffered(self) -> None:
        while (pending := self._call_listeners(self._flush_now)) is not None:
            await self._await_listener(pending)

    async def _emit_end(self) -> None:
        self._read_done = True
        if self._emitted_end or self._destroyed:
            # A reset seen first by the writer can make the next read return 0:
            # after an error there is no 'end', only 'error' and 'close' (as Node).
            return
        self._emitted_end = True
        if self._decoder is not None:
            rest = self._decoder.decode(b"", final=True)
            if rest:
                await self._emit_awaiting("data", rest)
        self._wake_iterators()
        if not self._allow_half_open:
            self._ended_by_peer = True
        await self._emit_awaiting("end")
        self._after_end()

    def _emit_end_now(self) -> Awaitable[object] | None:
        """``_emit_end`` without a task, for a socket with nothing buffered, no
        decoder and no iterator (``_end_parked``): the rest to await, if any."""
        self._read_done = self._emitted_end = True
        self._wake_iterators()
        if not self._allow_half_open:
            self._ended_by_peer = True
        pending = self._emit_now("end")
        if pending is not None:
            return self._end_after(pending)
        self._after_end()
        return None

    async def _end_after(self, pending: Awaitable[object]) -> None:
        await pending
        self._after_end()

    def _after_end(self) -> None:
        """After 'end': not half-open, so end our side too (Node's onReadableStreamEnd)."""
        self._update_alive()
        if not self._allow_half_open and not self._ending:
            self.end()

    # == the read-ahead buffer =========================================================

    def _buffer(self, data: bytes) -> None:
        """Keep what was read ahead: as text once an encoding is set (so that the
        length and read(n) count characters, as in Node)."""
        self._append_buffered(data if self._decoder is None else self._decoder.decode(data))
        self._wake_iterators()
        self._announce_buffered()
        if self._rbuf_len >= self._read_hwm:
            self._update_alive()  # stopped at the high-water mark

    def _announce_buffered(self) -> None:
        """Something was buffered: a 'readable' is due if a listener waits for one."""
        mode = self._reading
        if mode is not None and mode.listening and mode.need_readable:
            self._schedule_readable(mode)

    def _reads_ahead(self) -> bool:
        """Whether a socket that does not flow reads into its buffer now: once a
        consumer asked for data, up to the high-water mark (and whenever the buffer
        is empty, so that a mark of 0 still reads), as Node's readable side."""
        return self._read_wanted and (self._rbuf_len < self._read_hwm or not self._rbuf_len)

    def _append_buffered(self, chunk: bytes | str) -> None:
        """Add ``chunk`` (if not empty) at the end of what was read ahead."""
        if chunk:
            if self._rbuf is None:
                self._rbuf = deque()
            self._rbuf.append(chunk)
            self._rbuf_len += len(chunk)

    def _take(self, n: int) -> bytes | str:
        """The first ``n`` bytes (or characters) read ahead: ``0 < n <= _rbuf_len``."""
        rbuf = self._rbuf
        assert rbuf is not None
        parts = []
        need = n
        while need:
            chunk = rbuf[0]
            off = self._rbuf_off
            if len(chunk) - off > need:
                parts.append(chunk[off : off + need])
                self._rbuf_off = off + need
                break
            rbuf.popleft()
            self._rbuf_off = 0
            part = chunk[off:] if off else chunk
            parts.append(part)
            need -= len(part)
        self._rbuf_len -= n
        if not rbuf:
            self._rbuf = None
        if len(parts) == 1:
            return parts[0]
        if isinstance(parts[0], str):
            return "".join(parts)  # type: ignore[arg-type]
        return b"".join(parts)  # type: ignore[arg-type]

    def _compact_head(self) -> None:
        if self._rbuf_off:
            assert self._rbuf is not None
            self._rbuf[0] = self._rbuf[0][self._rbuf_off :]
            self._rbuf_off = 0

    def _take_buffered(self) -> bytes | str:
        """The oldest chunk read ahead (the buffer goes once empty: it is big)."""
        self._compact_head()
        rbuf = self._rbuf
        assert rbuf is not None
        data = rbuf.popleft()
        self._rbuf_len -= len(data)
        if not rbuf:
            self._rbuf = None
        return data

    # == paused-mode reading: 'readable', read(), unshift() ============================

    def _read_mode(self) -> _ReadMode:
        mode = self._reading
        if mode is None:
            mode = self._reading = _ReadMode()
        return mode

    def _eof_readable_due(self) -> bool:
        """Whether the 'readable' that announces EOF is still to be emitted."""
        mode = self._reading
        return mode is not None and mode.listening and not mode.eof_emitted

    def _schedule_readable(self, mode: _ReadMode) -> None:
        mode.need_readable = False
        if not mode.scheduled:
            mode.scheduled = True
            self._loop.defer(self._emit_readable, mode)

    def _emit_readable(self, mode: _ReadMode) -> None:
        mode.scheduled = False
        if not self._destroyed and not self._emitted_end and (self._rbuf or self._eof):
            self.emit("readable")
        mode.need_readable = not self._eof and self._rbuf_len <= self._read_hwm

    def read(self, size: int | None = None) -> bytes | str | None:
        """Take ``size`` bytes (characters once an encoding is set), or everything,
        from what was read ahead; None while not enough is there (Node's
        ``readable.read``). What it returns is also emitted as ``'data'``.

        After the peer's FIN the rest comes out even if shorter than ``size``, and
        ``'end'`` follows once all of it was taken. A ``size`` above the read-ahead
        limit raises the limit (``readable_high_water_mark``), as in Node.
        """
        if size is not None:
            if type(size) is not int:
                raise _errors.invalid_arg_type("size", "number", size)
            if size > _MAX_READ_SIZE:
                raise _errors.out_of_range("size", "<= 1GiB", size)
            if size > self._read_hwm:
                self._read_hwm = 1 << (size - 1).bit_length()  # Node rounds up so
        mode = self._read_mode()
        self._read_wanted = True
        available = self._rbuf_len
        if size is None:
            n = available
        elif size <= 0:
            n = 0
        elif size > available:
            n = available if self._eof else 0
        else:
            n = size
        if n == 0:
            if not self._eof:
                mode.need_readable = True
            self._wake_flow()  # at EOF 'end' comes; else reading ahead goes on
            return None
        data = self._take(n)
        if not self._rbuf and not self._eof:
            mode.need_readable = True
        self._wake_flow()
        self.emit("data", data)
        return data

    def unshift(self, chunk: Any, encoding: str | None = None) -> bool:
        """Put ``chunk`` back in front of what was read ahead (Node's
        ``readable.unshift``): the next ``read()`` or ``'data'`` starts with it.

        True while the read-ahead buffer is under its limit. After ``'end'`` the
        socket is destroyed with ``ERR_STREAM_UNSHIFT_AFTER_END_EVENT``.
        """
        # As Node: with an encoding set, a string is re-encoded into it, and bytes
        # join the decoded text as UTF-8 (Buffer's toString()).
        data: bytes | str
        if isinstance(chunk, str):
            given = "utf8" if encoding is None else normalize_encoding(encoding)
            if given is None:
                raise _errors.unknown_encoding(encoding)
            data = chunk if given == self._encoding else encode(chunk, given)
            if isinstance(data, bytes) and self._encoding is not None:
                data = decoder_for(self._encoding).decode(data, final=True)
        elif isinstance(chunk, (bytes, bytearray, memoryview)):
            data = bytes(chunk)
            if self._decoder is not None:
                data = data.decode("utf-8", "replace")
        else:
            raise _errors.invalid_arg_type(
                "chunk", ["string", "an instance of Buffer or Uint8Array"], chunk
            )
        if self._emitted_end:
            self.destroy(_errors.stream_unshift_after_end())
            return False
        if self._destroyed:
            return False
        if data:
            self._read_wanted = True  # as Node's maybeReadMore: reading ahead starts
            if self._flowing and not self._rbuf and not self._iterators and "data" in self._events:
                # As Node's addChunk: a flowing stream with nothing buffered emits now.
                self.emit("data", data)
                return not self._eof
            rbuf = self._rbuf
            if rbuf is None:
                rbuf = self._rbuf = deque()
            self._compact_head()
            rbuf.appendleft(data)
            self._rbuf_len += len(data)
            self._announce_buffered()
            self._wake_flow()
            self._wake_iterators()
        return not self._eof and (self._rbuf_len < self._read_hwm or not self._rbuf)

    # == encoding ======================================================================

    def set_encoding(self, encoding: str | None = None) -> Self:
        """Emit ``'data'`` as ``str`` decoded with a Node encoding name."""
        enc = "utf8" if encoding is None else normalize_encoding(encoding)
        if enc is None:
            raise _errors.unknown_encoding(encoding)
        decoder = self._decoder = decoder_for(enc)
        self._encoding = enc
        self._compact_head()
        rbuf = self._rbuf
        if rbuf:  # as Node: what was read ahead is decoded now
            text = "".join(c if isinstance(c, str) else decoder.decode(c) for c in rbuf)
            self._rbuf = None
            self._rbuf_len = 0
            self._append_buffered(text)
        return self

    # == async iteration (the iterator: _iterator.py) ==================================

    def _wake_iterators(self) -> None:
        event = self._iter_wakeup
        if event is not None:
            self._iter_wakeup = None
            event.set()

    # == readable state, as Node's Readable flags ======================================

    @property
    def readable(self) -> bool:
        """Whether 'data' may still come: not destroyed, 'end' not emitted."""
        return not self._destroyed and not self._emitted_end

    @property
    def readable_ended(self) -> bool:
        """Whether ``'end'`` has been emitted (Node's ``readableEnded``)."""
        return self._emitted_end

    @property
    def readable_flowing(self) -> bool | None:
        """None until a consumer appears, then True (flowing) or False (paused)."""
        return self._flowing

    @property
    def readable_length(self) -> int:
        """Bytes read from the kernel and not yet emitted (characters once an
        encoding is set)."""
        return self._rbuf_len

    @property
    def readable_high_water_mark(self) -> int:
        """How much is read ahead while nobody consumes it (16 KiB unless an option
        set it; read(n) raises it)."""
        return self._read_hwm

    @property
    def readable_encoding(self) -> str | None:
        """The encoding ``set_encoding()`` gave, normalised (``'utf8'``), or None."""
        return self._encoding

    #: A socket carries bytes, never objects (Node's ``readableObjectMode``).
    readable_object_mode = False

    def is_paused(self) -> bool:
        """Whether ``pause()`` was called and not undone (Node's ``isPaused()``)."""
        return self._flowing is False


class _ReadMode:
    """Paused-mode reading, made on first use of ``'readable'``, ``read()`` or
    ``unshift()`` (Node's readableListening, needReadable, emittedReadable)."""

    __slots__ = ("eof_emitted", "listening", "need_readable", "scheduled")

    def __init__(self) -> None:
        self.listening = False  # a 'readable' listener is attached
        self.need_readable = True  # the next bytes read ahead emit 'readable'
        self.scheduled = False  # a 'readable' is queued
        self.eof_emitted = False  # the 'readable' that announces EOF was emitted
