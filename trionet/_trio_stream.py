"""A trionet Socket seen as a ``trio.abc.HalfCloseableStream``.

Built only on the Socket's public API: ``write(data, callback)``, ``end()``,
``destroy()``, ``buffer_size``/``writable_high_water_mark`` with ``'drain'``, and
the socket's async iterator for reading.
"""

from __future__ import annotations

import operator
from collections.abc import AsyncIterator, Callable

import trio

from . import _errors
from ._socket import Socket

__all__ = ["SocketStream"]

#: What ``receive_some()`` returns at most when no ``max_bytes`` is given.
DEFAULT_RECEIVE_SIZE = 65536


class SocketStream(trio.abc.HalfCloseableStream):
    """A :class:`trionet.Socket` as a :class:`trio.abc.HalfCloseableStream`.

    ``send_all`` waits until the data has been handed to the kernel (the
    ``write()`` callback); ``receive_some`` reads through the socket's async
    iterator; ``send_eof`` is ``end()`` and waits for ``'finish'``; ``aclose``
    is ``destroy()``. Failures of the socket are raised as
    :class:`trio.BrokenResourceError` with the Node error as ``__cause__``.

    The stream owns the socket's reading: add no ``'data'`` or ``'readable'``
    listener, and set no encoding. It adds an ``'error'`` listener (the errors are
    raised by the stream's methods instead). For ``send_eof`` to leave the other
    direction open, the socket must allow half-open connections
    (``allow_half_open=True`` on the server or the client); otherwise the socket
    ends its side once the peer has ended its own, as Node's.
    """

    def __init__(self, socket: Socket) -> None:
        if not isinstance(socket, Socket):
            raise TypeError(f"SocketStream needs a trionet.Socket, not {type(socket).__name__}")
        self.socket = socket
        self._iterator: AsyncIterator[bytes | str] | None = None
        self._leftover = memoryview(b"")
        self._received_eof = False
        self._closed = False
        self._eof_sent = False
        self._sending = False
        self._receiving = False
        self._send_error: BaseException | None = None
        self._receive_error: BaseException | None = None
        self._socket_error: BaseException | None = None
        self._wakeups: set[trio.Event] = set()
        # Set on 'close' (a socket already destroyed has emitted it, or will soon).
        self._socket_closed = socket.destroyed
        socket.on("error", self._on_error)
        socket.on("close", self._on_close)

    def _on_close(self, *_: object) -> None:
        self._socket_closed = True
        self._wake_all()

    def _on_error(self, error: object = None) -> None:
        # Raised by the methods as BrokenResourceError: not an uncaught 'error'.
        if isinstance(error, BaseException) and self._socket_error is None:
            self._socket_error = error
        self._wake_all()

    # == helpers =====================================================================

    def _check_closed(self) -> None:
        if self._closed:
            raise trio.ClosedResourceError("this SocketStream was closed")

    def _claim_send(self) -> None:
        if self._sending:
            raise trio.BusyResourceError("another task is sending on this SocketStream")
        self._sending = True

    async def _wait(self, ready: Callable[[], bool], events: tuple[str, ...]) -> None:
        """Wait until ``ready()`` or the stream is closed; wake on ``events``.

        Always a checkpoint."""
        if ready() or self._closed:
            await trio.lowlevel.checkpoint()
            return
        sock = self.socket
        wakeup = trio.Event()

        def wake(*_: object) -> None:
            wakeup.set()

        self._wakeups.add(wakeup)
        for name in events:
            sock.on(name, wake)
        try:
            while not (ready() or self._closed):
                await wakeup.wait()
                wakeup = trio.Event()
                self._wakeups.add(wakeup)
        finally:
            for name in events:
                sock.remove_listener(name, wake)
            self._wakeups.discard(wakeup)

    def _wake_all(self) -> None:
        for wakeup in self._wakeups:
            wakeup.set()
        self._wakeups.clear()

    @staticmethod
    def _broken(error: BaseException) -> trio.BrokenResourceError:
        broken = trio.BrokenResourceError(f"socket failed: {error}")
        broken.__cause__ = error
        return broken

    # == sending =====================================================================

    async def send_all(self, data: bytes | bytearray | memoryview) -> None:
        """Write ``data`` and wait until all of it has been handed to the kernel."""
        self._claim_send()
        try:
            self._check_closed()
            if self._eof_sent:
                raise trio.ClosedResourceError("send_eof() was called on this SocketStream")
            if self._send_error is not None:
                raise self._broken(self._send_error)
            if not data:
                await trio.lowlevel.checkpoint()
                return
            sock = self.socket
            if sock.destroyed:
                # write() would only fail in its callback: say so at once (with the
                # error that destroyed the socket, known once it has closed).
                await self._wait(lambda: self._socket_closed, ())
                self._check_closed()
                self._send_error = self._destroyed()
                raise self._broken(self._send_error)
            outcome: list[BaseException | None] = []

            def written(error: object = None, *_: object) -> None:
                outcome.append(error if isinstance(error, BaseException) else None)
                self._wake_all()

            sock.write(bytes(data), written)
            await self._wait(lambda: bool(outcome) or self._socket_closed, ())
            self._check_closed()
            if not outcome:  # closed by the peer before the callback ran
                self._send_error = self._destroyed()
                raise self._broken(self._send_error)
            error = outcome[0]
            if error is not None:
                if getattr(error, "code", None) == "ERR_STREAM_DESTROYED":
                    # Write callbacks run before the 'error' that destroyed the
                    # socket (Node's order): wait for 'close' to know that error.
                    await self._wait(lambda: self._socket_closed, ())
                    self._check_closed()
                    error = self._destroyed()
                self._send_error = error
                raise self._broken(error)
        finally:
            self._sending = False

    async def wait_send_all_might_not_block(self) -> None:
        """Return once the socket's write queue is below its high-water mark."""
        self._claim_send()
        try:
            self._check_closed()
            sock = self.socket

            def ready() -> bool:
                size = sock.buffer_size
                return size is None or size < sock.writable_high_water_mark

            await self._wait(ready, ("drain",))
            self._check_closed()
        finally:
            self._sending = False

    async def send_eof(self) -> None:
        """``end()`` the socket and wait for ``'finish'`` (or ``'close'``)."""
        self._claim_send()
        try:
            self._check_closed()
            sock = self.socket
            if not self._eof_sent:
                self._eof_sent = True
                sock.end()
            await self._wait(lambda: sock.writable_finished or self._socket_closed, ("finish",))
            self._check_closed()
        finally:
            self._sending = False

    # == receiving ===================================================================

    async def receive_some(self, max_bytes: int | None = None) -> bytes | bytearray:
        """Up to ``max_bytes`` bytes (65536 by default); ``b""`` at the end of stream."""
        if max_bytes is None:
            max_bytes = DEFAULT_RECEIVE_SIZE
        else:
            max_bytes = operator.index(max_bytes)
            if max_bytes < 1:
                raise ValueError("max_bytes must be >= 1")
        if self._receiving:
            raise trio.BusyResourceError("another task is receiving on this SocketStream")
        self._receiving = True
        try:
            self._check_closed()
            # A full checkpoint around a read that may not block: cancelled here,
            # nothing has been taken from the socket.
            await trio.lowlevel.checkpoint_if_cancelled()
            if not self._leftover:
                chunk = await self._next_chunk()
                self._check_closed()
                if chunk is None:
                    await trio.lowlevel.cancel_shielded_checkpoint()
                    return b""
                self._leftover = memoryview(chunk)
            data = bytes(self._leftover[:max_bytes])
            self._leftover = self._leftover[max_bytes:]
            await trio.lowlevel.cancel_shielded_checkpoint()
            return data
        finally:
            self._receiving = False

    async def _next_chunk(self) -> bytes | None:
        """The socket's next chunk, or None at its end of stream."""
        if self._receive_error is not None:
            raise self._broken(self._receive_error)
        if self._received_eof:
            return None
        iterator = self._iterator
        if iterator is None:
            iterator = self._iterator = self.socket.__aiter__()
        while True:
            try:
                chunk = await iterator.__anext__()
            except StopAsyncIteration:
                self._received_eof = True
                return None
            except Exception as error:
                if self._closed:
                    raise trio.ClosedResourceError("this SocketStream was closed") from None
                self._receive_error = error
                raise self._broken(error) from error
            if isinstance(chunk, str):
                raise TypeError("SocketStream needs a socket without an encoding")
            if chunk:
                return chunk

    # == closing =====================================================================

    async def aclose(self) -> None:
        """``destroy()`` the socket (idempotent); later calls raise ClosedResourceError."""
        if not self._closed:
            self._closed = True
            self._leftover = memoryview(b"")
            self.socket.destroy()
            self._wake_all()
        await trio.lowlevel.checkpoint()

    def _destroyed(self) -> BaseException:
        """Why writing failed on a destroyed socket: its error, if it had one."""
        return self._socket_error or _errors.stream_destroyed("write")
