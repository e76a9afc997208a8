"""The writable side of a ``trionet.Socket``, as Node's ``lib/internal/streams/writable.js``.

``Writable`` is a mixin of ``Socket`` (``_socket.py``, the facade). It owns
what happens to what ``write()`` and ``end()`` are given:

* ``write()``: ``_send_or_queue`` tries ``send`` at once and queues only what the
  kernel did not take (``_wq``: ``[memoryview, callback]`` entries, ``_wq_len``
  bytes); a write made while connecting waits for ``'connect'``
  (``_write_on_connect``, Node's pending write);
* the writer task, started only when something is queued: it waits for
  writability (the poller) or sends over the stream, several chunks at once
  (``sendmsg``), and emits ``'drain'`` (``_writer``, ``_send_when_writable``,
  ``_send_over_stream``, ``_send_queued``, ``_sent``);
* ``cork()``/``uncork()`` (``_flush_corked``), ``end()`` and the FIN after the
  queue drained (``_shutdown_write``), ``'finish'`` (``_emit_finish``);
* ``set_default_encoding()`` and the writable-state properties
  (``buffer_size``, ``writable``, ``writable_ended``, ``writable_finished``,
  ``writable_corked``, ``writable_length``, ``writable_high_water_mark``,
  ``writable_need_drain``); ``WRITE_HIGH_WATER_MARK``.

What it relies on from the facade: it sends on the socket's ``_sock`` with its
``_poller`` (None over a stream), starts the writer in ``_nursery`` once
``_open``, and reads ``_connecting``, ``_destroyed``, ``_error``, ``_eof``,
``_ended_by_peer`` (set by the readable side), ``_hwm`` and ``_timeout_ms``. A
failed send goes to ``_fail()``; it calls ``_touch()`` (the idle timer),
``_update_alive()``, ``_set_write_done()`` (the socket's task waits for the
write side) and ``destroy()``. What is still queued when the socket closes is
the facade's to call back (``_emit_error_and_close``, ``_fail_connect_write``).
Every attribute is a slot of ``Socket`` (one ``__slots__`` there, none here);
the block under ``TYPE_CHECKING`` declares them for mypy.
"""

from __future__ import annotations

import errno as _errno
import socket as _stdsocket
from collections import deque
from collections.abc import Callable
from itertools import islice
from typing import TYPE_CHECKING, Any, Self

import trio
from trio.lowlevel import enable_ki_protection

from . import _errors, _validate
from ._encodings import encode, normalize_encoding
from ._handle import Handle
from ._poller import Poller

if TYPE_CHECKING:
    from ._socket import Socket
    from ._transports import StreamHandle

__all__ = ["Writable"]

#: Node's default writableHighWaterMark for sockets (16 KiB until Node 22).
WRITE_HIGH_WATER_MARK = 16 * 1024
#: Most buffers one sendmsg() takes (Linux's IOV_MAX is 1024).
_IOV_MAX = 64


def _writer_chunk(data: object, encoding: str | None, name: str = "chunk") -> bytes:
    """The bytes a ``write()``/``end()`` argument stands for (Node's chunk checks)."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, str):
        enc = "utf8" if encoding is None else normalize_encoding(encoding)
        if enc is None:
            raise _errors.unknown_encoding(encoding)
        return encode(data, enc)
    if isinstance(data, bytearray | memoryview):
        return bytes(data)
    raise _errors.invalid_arg_type(name, ["string", "Buffer", "TypedArray", "DataView"], data)


class Writable(Handle):
    """The writable side of a ``Socket``: ``write()`` and its queue, the writer
    task, ``cork()``/``uncork()``, ``end()``, ``'drain'`` and ``'finish'``."""

    # No slots of its own: every attribute is a slot of Socket, whose one
    # __slots__ declares them all. (Hidden from mypy, which would check each
    # `self.x = ...` here against this empty tuple.)
    if not TYPE_CHECKING:
        __slots__ = ()

    if TYPE_CHECKING:
        # For mypy: the socket's state this side uses, and what it calls on the
        # facade.
        _connect_write: bool
        _connecting: bool
        _corked: int
        _default_encoding: str | None
        _destroyed: bool
        _ended_by_peer: bool
        _ending: bool
        _eof: bool
        _error: BaseException | None
        _finish_emitted: bool
        _finished: bool
        _hwm: int
        _need_drain: bool
        _nursery: trio.Nursery
        _on_finished: list[Callable[..., object]] | None
        _open: bool
        _poller: Poller | None
        _sock: Any
        _timeout_ms: float
        _wq: deque[list[Any]] | None
        _wq_len: int
        _write_error: BaseException | None
        _writer_running: bool
        _writer_scope: trio.CancelScope | None
        bytes_written: int

        def _fail(self, error: BaseException) -> None: ...
        def _fail_connect_write(self, *_: object) -> None: ...
        def _set_write_done(self) -> None: ...
        def _touch(self) -> None: ...
        def _update_alive(self) -> None: ...
        def destroy(self, error: BaseException | None = None) -> Socket: ...

    # == writing =======================================================================

    def write(
        self,
        data: bytes | bytearray | memoryview | str,
        encoding: str | Callable[..., object] | None = None,
        callback: Callable[..., object] | None = None,
    ) -> bool:
        """Send data; False once the queue passes the high-water mark ('drain' follows)."""
        if (
            type(data) is bytes
            and encoding is None
            and callback is None
            and not (self._ending or self._destroyed)
        ):
            return self._send_or_queue(data, None)  # the common case, checked at once
        if callable(encoding):
            callback, encoding = encoding, None
        if callback is not None:
            _validate.validate_function(callback, "cb")
        chunk = _writer_chunk(data, self._default_encoding if encoding is None else encoding)
        if self._ending or self._destroyed:
            if self._ended_by_peer and self._ending:
                # Node's writeAfterFIN: the peer's FIN ended a socket that does not
                # allow half-open, also once it has closed.
                error: BaseException = _errors.epipe_ended_by_other_party()
            elif self._ending and not self._destroyed:
                error = _errors.stream_write_after_end()
            else:
                error = _errors.stream_destroyed("write")
            if callback is not None:
                self._loop.defer(callback, error)
            # Destroyed now, as Node does: deferred, the socket could close on its
            # own first (a FIN read meanwhile) and the 'error' would be lost.
            self.destroy(error)
            return False
        return self._send_or_queue(chunk, callback)

    def _send_or_queue(self, chunk: bytes, callback: Callable[..., object] | None) -> bool:
        self.bytes_written += len(chunk)
        sock = self._sock
        if sock is not None and not self._wq and not self._corked and not self._connecting:
            try:
                sent = sock.send(chunk)
            except BlockingIOError:
                sent = 0
            except OSError as exc:
                # As Node: the failed write's callback gets the error, then the
                # socket is destroyed with it.
                error = self._write_error = _errors.system_error(exc, "write")
                if callback is not None:
                    self._loop.defer(callback, error)
                self._loop.defer(self._fail, error)
                return False
            if self._timeout_ms:
                self._touch()
            if sent == len(chunk):
                if callback is not None:
                    self._loop.defer(callback, None)
                return True
            view = memoryview(chunk)[sent:]
        else:
            view = memoryview(chunk)
        wq = self._wq
        if wq is None:
            wq = self._wq = deque()
        if self._connecting and not wq and not self._connect_write:
            # Node's pending write: it goes out on 'connect', or fails from a
            # 'close' listener of its own, both added now.
            self._connect_write = True
            self.once("connect", self._write_on_connect)
            self.once("close", self._fail_connect_write)
        wq.append([view, callback])
        self._wq_len += len(view)
        if not self._writer_running and not self._corked:
            self._start_writer()
        if len(wq) == 1:
            self._update_alive()  # a write in flight
        if self._wq_len >= self._hwm:
            self._need_drain = True
            return False
        return True

    def _write_on_connect(self) -> None:
        """The first write made while connecting goes out as 'connect' is emitted
        (as Node's pending write), and the writes queued behind it with it: the
        kernel has them all before the 'connect' listeners added after it run.
        Then, as Node's: 'drain' if the queue emptied, the first write's callback,
        and the others' callbacks once 'ready' has been emitted."""
        self._connect_write = False
        self.remove_listener("close", self._fail_connect_write)
        wq, sock = self._wq, self._sock
        if not wq or sock is None or self._corked or self._destroyed:
            return
        entry = wq[0]
        view: memoryview = entry[0]
        try:
            sent = sock.send(view)
        except BlockingIOError:
            sent = 0
        except OSError as exc:
            self._fail(_errors.system_error(exc, "write"))
            return
        self._wq_len -= sent
        if sent < len(view):
            entry[0] = view[sent:]  # the writer sends the rest once open
            return
        wq.popleft()
        if wq:
            self._send_now(sock, wq, self._call_soon)
        if not wq:
            self._update_alive()
            if self._drain_due():
                self.emit("drain")
        if entry[1] is not None:
            entry[1](None)

    # == the writer task: what the kernel did not take at once =========================

    @enable_ki_protection
    def _start_writer(self) -> None:
        if self._open and not self._writer_running and self._nursery is not None:
            self._writer_running = True
            self._nursery.start_soon(self._writer)

    @enable_ki_protection
    async def _writer(self) -> None:
        """Drain the write queue into the kernel, then send FIN if end() was called.

        Started only when ``write()`` could not hand everything to the kernel, so
        it waits for writability first; several queued chunks go out in one
        ``sendmsg`` (writev).
        """
        sock = self._sock
        wq = self._wq
        if not self._open or self._destroyed or sock is None or wq is None:
            # The socket closed between write() starting us and our first step.
            self._writer_running = False
            return
        with trio.CancelScope() as scope:
            self._writer_scope = scope
            try:
                if self._poller is None:
                    await self._send_over_stream(sock, wq)
                else:
                    await self._send_when_writable(self._poller, sock, wq)
            except trio.ClosedResourceError:
                return
            finally:
                if self._writer_scope is scope:
                    self._writer_running = False
                    self._writer_scope = None
        if not scope.cancelled_caught and not wq and self._ending and not self._finished:
            self._shutdown_write()

    async def _send_when_writable(
        self, poller: Poller, sock: _stdsocket.socket, wq: deque[list[Any]]
    ) -> None:
        """The writer on the fast path: wait for writability, then ``sendmsg`` from
        the queue's head while the kernel takes it; 'drain' once it is empty."""
        await poller.wait_writable(sock.fileno())
        while wq and not self._corked:
            done: list[Callable[..., object]] = []
            try:
                partial = self._send_queued(sock, wq, done.append)
            except BlockingIOError:
                await poller.wait_writable(sock.fileno())
                continue
            except OSError as exc:
                if not self._destroyed:  # else the socket's error stands
                    self._write_error = _errors.system_error(exc, "write")
                    self._fail(self._write_error)
                return
            await self._after_write(done)
            if partial:  # the kernel is full
                await poller.wait_writable(sock.fileno())

    async def _send_over_stream(self, handle: StreamHandle, wq: deque[list[Any]]) -> None:
        """The writer over a stream: ``send_all`` from the queue's head (several
        chunks joined) until it is empty; 'drain' as on the fast path."""
        while wq and not self._corked:
            try:
                sent = await handle.send_all([entry[0] for entry in islice(wq, _IOV_MAX)])
            except OSError as exc:
                if self._destroyed:  # the socket's error stands
                    return
                if exc.errno == _errno.ECONNRESET and handle.receiving:
                    # Both directions wait and the peer resets: libuv handles the
                    # read first, so the read reports it and the write in flight
                    # ends with null (write_cb_peer_reset). A stream cannot tell
                    # which call met it first; this is libuv's order.
                    self._fail(_errors.system_error(exc, "read"))
                    return
                self._write_error = _errors.system_error(exc, "write")
                self._fail(self._write_error)
                return
            done: list[Callable[..., object]] = []
            self._sent(sent, wq, done.append)
            await self._after_write(done)

    async def _after_write(self, done: list[Callable[..., object]]) -> None:
        """What follows a send by the writer task, in the order of Node's
        afterWrite: 'drain' if it is due (:meth:`_drain_due`), then the callbacks
        of the writes that went out whole."""
        if not self._wq:
            self._update_alive()
            if self._drain_due():
                await self._emit_awaiting("drain")
        for callback in done:
            callback(None)

    def _after_flush(self, done: list[Callable[..., object]]) -> None:
        """:meth:`_after_write` for what ``uncork()`` sent, a tick later (Node's
        afterWriteTick)."""
        if self._drain_due():
            self.emit("drain")
        for callback in done:
            callback(None)

    def _drain_due(self) -> bool:
        """Whether a False ``write()`` is owed its 'drain' now (the flag is
        cleared): the queue is empty, and neither ``end()`` nor ``destroy()`` came
        (Node emits no 'drain' after those)."""
        if self._need_drain and not self._wq and not self._ending and not self._destroyed:
            self._need_drain = False
            return True
        return False

    def _send_now(
        self,
        sock: _stdsocket.socket,
        wq: deque[list[Any]],
        call: Callable[[Callable[..., object]], None],
    ) -> bool:
        """:meth:`_send_queued` outside the writer task (at 'connect', at
        ``uncork()``): what the kernel takes now; a failure becomes the socket's
        error a tick later. False if the send failed."""
        try:
            self._send_queued(sock, wq, call)
        except BlockingIOError:
            pass
        except OSError as exc:
            self._write_error = _errors.system_error(exc, "write")
            self._loop.defer(self._fail, self._write_error)
            return False
        return True

    def _send_queued(
        self,
        sock: _stdsocket.socket,
        wq: deque[list[Any]],
        call: Callable[[Callable[..., object]], None],
    ) -> bool:
        """One send (``sendmsg`` for several chunks) from the queue's head; drops
        what the kernel took whole, with ``call(callback)`` for each. True if it
        took a chunk only in part (the kernel is full). Raises what the send does."""
        if len(wq) == 1:
            sent = sock.send(wq[0][0])
        else:
            sent = sock.sendmsg([entry[0] for entry in islice(wq, _IOV_MAX)])
        return self._sent(sent, wq, call)

    def _sent(
        self, sent: int, wq: deque[list[Any]], call: Callable[[Callable[..., object]], None]
    ) -> bool:
        """``sent`` bytes of the queue's head went out: drop the chunks that went
        whole, with ``call(callback)`` for each; True if one went only in part."""
        self._wq_len -= sent
        if self._timeout_ms:
            self._touch()
        while wq:  # empty chunks (a write(b"")) go with whatever precedes them
            entry = wq[0]
            view: memoryview = entry[0]
            if sent < len(view):
                if not sent:
                    return False
                entry[0] = view[sent:]
                return True
            sent -= len(view)
            wq.popleft()
            if entry[1] is not None:
                call(entry[1])
        return False

    def _call_soon(self, callback: Callable[..., object]) -> None:
        self._loop.defer(callback, None)

    # == cork, end =====================================================================

    def cork(self) -> None:
        """Queue writes until ``uncork()``, to send them together."""
        self._corked += 1
        self._update_alive()

    def uncork(self) -> None:
        """Undo one ``cork()``; at zero, send what was queued."""
        if self._corked:
            self._corked -= 1
            self._update_alive()
            if not self._corked and self._wq:
                self._flush_corked()
            elif not self._corked and self._ending and not self._finished:
                self._shutdown_write()

    def _flush_corked(self) -> None:
        """uncork() to zero: hand the queue to the kernel now, as Node's clearBuffer
        writes it at once; the writer task takes only what the kernel left."""
        sock, wq = self._sock, self._wq
        if (
            sock is not None
            and wq
            and not (self._connecting or self._destroyed or self._writer_running)
        ):
            done: list[Callable[..., object]] = []
            if not self._send_now(sock, wq, done.append):
                return
            if not wq:
                self._update_alive()
            if done or (not wq and self._need_drain):
                # writable_need_drain stays True until then, as in Node.
                self._loop.defer(self._after_flush, done)
            if not wq:
                return
        self._start_writer()

    def end(
        self,
        data: bytes | bytearray | memoryview | str | Callable[..., object] | None = None,
        encoding: str | Callable[..., object] | None = None,
        callback: Callable[..., object] | None = None,
    ) -> Self:
        """Half-close: send ``data`` if given, then FIN once everything queued is sent."""
        if callable(data):
            callback, data = data, None
        elif callable(encoding):
            callback, encoding = encoding, None
        if callback is not None:
            _validate.validate_function(callback, "cb")
        if data is not None:
            enc = encoding if isinstance(encoding, str) else self._default_encoding
            chunk = _writer_chunk(data, enc)
            if not self._ending and not self._destroyed:
                self._send_or_queue(chunk, None)
        if callback is not None:
            if self._finish_emitted:
                self._loop.defer(callback, _errors.stream_already_finished("end"))
            elif self._destroyed:
                self._loop.defer(callback, self._error or _errors.stream_destroyed("end"))
            else:
                # Node 20: end() callbacks run before the 'finish' listeners.
                if self._on_finished is None:
                    self._on_finished = []
                self._on_finished.append(callback)
        if self._ending or self._destroyed:
            return self
        self._ending = True
        corked, self._corked = self._corked, 0
        self._update_alive()
        if self._open and not self._wq:
            self._shutdown_write()
        elif self._wq:
            if corked:
                self._flush_corked()  # as uncork(): the queue goes out at once
                if self._open and not self._wq:
                    self._shutdown_write()
            else:
                self._start_writer()
        return self

    def _shutdown_write(self) -> None:
        sock = self._sock
        self._finished = True
        # With the peer's FIN already read, the socket closes right after 'finish'
        # and close() sends our FIN: skip the shutdown(2) call.
        if sock is not None and not self._eof:
            try:
                sock.shutdown(_stdsocket.SHUT_WR)
            except OSError:
                pass  # the peer is gone already; the read side reports it
        # Node emits 'finish' when the shutdown request completes, after the
        # callbacks queued in this step (a write-after-end error, say): two hops.
        self._loop.defer(self._loop.defer, self._emit_finish)

    def _emit_finish(self) -> None:
        if not self._destroyed:
            self._finish_emitted = True
            callbacks, self._on_finished = self._on_finished or [], None
            for callback in callbacks:
                callback(None)
            self.emit("finish")
        self._set_write_done()

    # == encoding ======================================================================

    def set_default_encoding(self, encoding: str) -> Self:
        """The encoding of ``write(str)`` and ``end(str)`` without one (default utf8)."""
        enc = normalize_encoding(encoding) if isinstance(encoding, str) else None
        if enc is None:
            raise _errors.unknown_encoding(encoding)
        self._default_encoding = enc
        return self

    # == writable state, as Node's Writable flags ======================================

    @property
    def writable(self) -> bool:
        """Whether ``write()`` may be called: not destroyed, ``end()`` not called."""
        return not self._destroyed and not self._ending

    @property
    def writable_ended(self) -> bool:
        """Whether ``end()`` has been called (Node's ``writableEnded``)."""
        return self._ending

    #: A socket carries bytes, never objects (Node's ``writableObjectMode``).
    writable_object_mode = False

    @property
    def writable_finished(self) -> bool:
        """Whether ``'finish'`` has been emitted (Node's ``writableFinished``)."""
        return self._finish_emitted

    @property
    def writable_corked(self) -> int:
        """How many ``uncork()`` calls it takes to uncork (Node's ``writableCorked``)."""
        return self._corked

    @property
    def buffer_size(self) -> int | None:
        """Bytes accepted by ``write()`` and not yet handed to the kernel; None
        without a connection (before ``connect()``, once destroyed), as Node's."""
        if self._destroyed or (self._sock is None and not self._connecting):
            return None
        return self._wq_len

    @property
    def writable_length(self) -> int:
        """Same as ``buffer_size`` (Node's ``writableLength``)."""
        return self._wq_len

    @property
    def writable_high_water_mark(self) -> int:
        """The queue size above which ``write()`` returns False."""
        return self._hwm

    @property
    def writable_need_drain(self) -> bool:
        """True between a False ``write()`` and its ``'drain'``, unless ``end()`` or
        ``destroy()`` came since (Node's ``writableNeedDrain``: no ``'drain'`` follows
        those)."""
        return self._need_drain and not self._ending and not self._destroyed

    #: The same, under the misspelt name trionet 0.1 gave it (kept for old code).
    writable_needs_drain = writable_need_drain
