"""Handles: what a ``Socket`` reads from and writes to (Node's ``socket._handle``).

A ``Socket`` (``_socket.py``) is Node's stream semantics written once, over a
*handle* that moves bytes, as Node's ``net.Socket`` is over ``this._handle``
(a native TCPWrap or PipeWrap, or a ``JSStreamSocket`` around any JS stream).
The handle's interface is the socket API Python already has: ``recv``,
``recv_into``, ``send``, ``sendmsg``, ``shutdown``, ``close``, ``fileno``,
``family``, ``getsockname``, ``getpeername``, ``setsockopt``. Three kinds:

* a plain non-blocking ``socket.socket`` (TCP, Unix): the **descriptor fast
  path**. The loop's edge-triggered poller (``_poller.py``) tells the socket
  when to read and write, and parks idle sockets without a task. Linux only
  (epoll); chosen automatically, and switched off with ``TRIONET_FAST_PATH=0``
  or ``open_loop(fast_path=False)``.
* ``PipeHandle``: a pipe or FIFO descriptor (``Socket(fd=...)``), the same
  path over ``os.read``/``os.write``.
* ``StreamHandle``: any ``trio.abc.Stream`` (a ``trio.SocketStream``, a
  ``trio.SSLStream``, a ``trio.testing`` memory stream, one a user built): the
  **stream transport**, the shape the project was commissioned with. The
  socket's own task (its dispatcher, ``Socket._serve``) receives from the
  stream inside a cancel scope that ``destroy()`` cancels, and a writer task
  sends. It is the path on every platform trio runs on, and the one taken for
  every socket when the fast path is off.

A ``StreamHandle`` answers the socket API from what its tasks did: ``recv``
returns the chunk the dispatcher's last ``receive()`` got (``BlockingIOError``
when there is none: the socket waits by calling ``receive()`` again), ``send``
takes nothing, so ``write()`` queues and the writer task calls ``send_all``.

An optimisation for the ``trio.SocketStream`` trionet makes itself around the
socket it connected or accepted (the fast path off): the handle keeps that
socket (``direct``), ``receive()`` waits with ``trio.lowlevel.wait_readable``
and ``recv``/``send`` are the socket's own non-blocking calls, as libuv's
try-read and try-write. That skips trio's ``receive_some`` layers (measured:
1.5 KiB less per idle connection, and faster small messages) and keeps the
stream for ``send_all``, ``send_eof`` and ``aclose``. Its ``fileno()`` is the descriptor under the
stream, ``-2`` for a stream without one, ``-1`` once closed (as a closed
``socket.socket``).

The handles never emit events: event order, backpressure and error mapping are
the socket's, written once for every handle.
"""

from __future__ import annotations

import _socket
import errno as _errno
import os
import socket as _stdsocket
import ssl
from collections.abc import Sequence
from typing import Any

import trio
from trio.lowlevel import enable_ki_protection

__all__ = [
    "NO_DESCRIPTOR",
    "ListenerHandle",
    "PipeHandle",
    "StreamHandle",
    "accept_nonblocking",
    "is_unix",
    "socket_under",
    "wrap_socket",
]

#: ``StreamHandle.fileno()`` of an open stream with no descriptor under it.
NO_DESCRIPTOR = -2

#: How long closing a stream without half-close gracefully (TLS close_notify) may
#: take before it is closed at once.
GRACEFUL_CLOSE_SECONDS = 5.0

#: Receive size of the dispatcher's ``receive_some`` (trio's default, and libuv's
#: 64 KiB read).
RECEIVE_SIZE = 65536


class PipeHandle:
    """A pipe or FIFO descriptor with the socket methods ``Socket`` uses, over
    ``os.read``/``os.write`` (libuv treats both as one 'pipe' stream type).

    It passes for a Unix socket (``family``), so nothing TCP-only touches it.
    A pipe has no half-close: ``shutdown`` does nothing, and the reader sees
    end-of-file when the socket closes (as for a write-only end, once ``end()``
    has flushed).
    """

    __slots__ = ("_fd",)
    # getattr: Windows may lack AF_UNIX, and this line runs at import.
    family = getattr(_stdsocket, "AF_UNIX", None)
    type = _stdsocket.SOCK_STREAM

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def fileno(self) -> int:
        return self._fd

    def setblocking(self, flag: bool) -> None:
        os.set_blocking(self._fd, flag)

    def recv(self, size: int) -> bytes:
        return os.read(self._fd, size)

    def recv_into(self, buffer: memoryview) -> int:
        return os.readv(self._fd, [buffer])

    def send(self, data: bytes | memoryview) -> int:
        return os.write(self._fd, data)

    def sendmsg(self, buffers: list[memoryview]) -> int:
        return os.writev(self._fd, buffers)

    def shutdown(self, how: int) -> None:
        pass

    def close(self) -> None:
        fd, self._fd = self._fd, -1
        if fd != -1:
            os.close(fd)

    def detach(self) -> int:
        fd, self._fd = self._fd, -1
        return fd


_AF_UNIX = getattr(_stdsocket, "AF_UNIX", None)
# A stdlib socket's family and type as plain ints: the ``socket.socket``
# properties convert them to enums on every access, a few microseconds that
# every accepted connection paid several times.
_family = _socket.socket.family.__get__
_type = _socket.socket.type.__get__


def is_unix(handle: Any) -> bool:
    """Whether ``handle`` (any of the three kinds) is a Unix-domain socket."""
    if isinstance(handle, _socket.socket):
        return bool(_family(handle) == _AF_UNIX)
    return bool(handle.family == _AF_UNIX)


@enable_ki_protection
def accept_nonblocking(listening: _stdsocket.socket) -> _stdsocket.socket:
    """``listening.accept()``'s new socket, non-blocking: without the enum
    conversions of ``socket.accept()``, nor its peer address (the socket asks
    for that on first use, as Node does); KI-protected, so that no accepted
    descriptor is ever held by nothing."""
    fd, _ = listening._accept()  # type: ignore[attr-defined]
    sock = None
    try:
        sock = _stdsocket.socket(_family(listening), _type(listening), listening.proto, fd)
        sock.setblocking(False)
    except BaseException:
        if sock is None:
            os.close(fd)
        else:
            sock.close()
        raise
    return sock


def socket_under(stream: object) -> Any:
    """The trio socket under ``stream`` (through ``SSLStream``'s transport), or
    None: where a stream has addresses and socket options."""
    for _ in range(8):  # a stream over a stream over ...; never a cycle
        if isinstance(stream, trio.SocketStream):
            return stream.socket
        stream = getattr(stream, "transport_stream", None)
        if stream is None:
            return None
    return None


def wrap_socket(sock: _stdsocket.socket, nursery: trio.Nursery) -> StreamHandle:
    """A connected non-blocking stdlib socket as a ``trio.SocketStream`` handle,
    with Node's socket defaults kept: trio's SocketStream turns Nagle off and
    sets TCP_NOTSENT_LOWAT, Node does neither (``set_no_delay()`` does the first)."""
    tcp = not is_unix(sock)
    lowat = getattr(_stdsocket, "TCP_NOTSENT_LOWAT", None)
    saved = None
    if tcp and lowat is not None:
        try:
            saved = sock.getsockopt(_stdsocket.IPPROTO_TCP, lowat)
        except OSError:
            pass
    stream = trio.SocketStream(trio.socket.from_stdlib_socket(sock))
    if tcp:
        try:
            sock.setsockopt(_stdsocket.IPPROTO_TCP, _stdsocket.TCP_NODELAY, 0)
            if saved is not None and lowat is not None:
                sock.setsockopt(_stdsocket.IPPROTO_TCP, lowat, saved)
        except OSError:
            pass  # the peer is gone already: the first read says so
    return StreamHandle(stream, nursery, direct=sock)


def _close_now(stream: object) -> bool:
    """Close ``stream`` without a checkpoint where it can be (a socket under it,
    a memory stream), as trio's ``aclose_forcefully`` would; False otherwise."""
    if isinstance(stream, trio.SocketStream):
        stream.socket.close()
        return True
    if isinstance(stream, trio.SSLStream):
        # Forcefully, as Node's destroy(): no close_notify, the transport closes.
        return _close_now(stream.transport_stream)
    if isinstance(stream, trio.StapledStream):
        return _close_now(stream.send_stream) & _close_now(stream.receive_stream)
    close = getattr(stream, "close", None)
    if callable(close):  # trio.testing memory streams, trio.lowlevel.FdStream
        close()
        return True
    return False


def _os_error(exc: BaseException, default: int) -> OSError:
    """The OSError a broken stream stands for: its cause's, else ``default``'s."""
    cause = exc.__cause__
    if isinstance(cause, OSError) and not isinstance(cause, ssl.SSLError) and cause.errno:
        return cause
    message = os.strerror(default)
    if cause is not None:
        message = f"{message} ({cause})"
    return OSError(default, message)


class StreamHandle:
    """Any ``trio.abc.Stream`` as a socket's handle (Node's ``JSStreamSocket``)."""

    __slots__ = (
        "_closed",
        "_closing",
        "_direct",
        "_eof_received",
        "_error",
        "_nursery",
        "_pending",
        "_socket",
        "family",
        "receiving",
        "scope",
        "stream",
        "type",
    )

    def __init__(
        self,
        stream: trio.abc.Stream,
        nursery: trio.Nursery,
        *,
        direct: _stdsocket.socket | None = None,
    ) -> None:
        self.stream = stream
        self._nursery = nursery
        #: The stdlib socket under a SocketStream trionet made itself: ``send``
        #: tries it at once (nothing else sends while the socket calls ``send``).
        self._direct = direct
        self._socket = socket_under(stream)
        self.family = None if self._socket is None else self._socket.family
        self.type = _stdsocket.SOCK_STREAM
        self._pending: bytes | None = None  # received and not yet taken; b"" at EOF
        self._error: OSError | None = None  # what the stream broke with
        self.receiving = False
        self._closed = False
        #: ``shutdown()`` on a stream without half-close: its ``aclose()`` is under
        #: way, and closes the stream gracefully (TLS: close_notify).
        self._closing = False
        #: The stream's input ended cleanly (EOF, a TLS close_notify): a stream
        #: without half-close is closed gracefully too, answering in kind.
        self._eof_received = False
        #: The dispatcher's cancel scope: ``interrupt()`` cancels it while it waits
        #: in ``receive()`` (never while it runs a listener).
        self.scope: trio.CancelScope | None = None

    # -- what the dispatcher and the writer await ------------------------------

    async def receive(self, size: int = RECEIVE_SIZE) -> None:
        """Wait for the next chunk; ``recv`` returns it. The stream breaking is
        kept for ``recv`` to raise; ClosedResourceError means we closed it."""
        self.receiving = True
        direct = self._direct
        if direct is not None:  # recv() reads the socket itself
            try:
                await trio.lowlevel.wait_readable(direct)
            finally:
                self.receiving = False
            return
        try:
            data = bytes(await self.stream.receive_some(size))
        except trio.BrokenResourceError as exc:
            if not isinstance(exc.__cause__, ssl.SSLZeroReturnError | ssl.SSLEOFError):
                self._error = _os_error(exc, _errno.ECONNRESET)
                return
            # The peer's TLS close_notify (also in answer to ours), or a TLS peer
            # closing without one: an end of input, as Node's TLS sockets take both.
            data = b""
        except trio.ClosedResourceError:
            if self._closed:
                raise
            data = b""  # end() closed a stream that has no half-close: no more reads
        finally:
            self.receiving = False
        if not data:
            self._eof_received = True
        self._pending = data

    async def send_all(self, views: Sequence[memoryview]) -> int:
        """Send ``views`` whole; how many bytes that was. OSError if the stream broke."""
        data = views[0] if len(views) == 1 else b"".join(views)
        try:
            await self.stream.send_all(data)
        except trio.BrokenResourceError as exc:
            raise _os_error(exc, _errno.EPIPE) from None
        return len(data)

    def interrupt(self) -> None:
        """``destroy()``: stop the dispatcher's wait on the stream (not a listener
        it runs: that one finishes, as on the fast path)."""
        scope = self.scope
        if scope is not None and self.receiving:
            scope.cancel()

    # -- the socket API ---------------------------------------------------------

    def fileno(self) -> int:
        if self._closed:
            return -1
        return NO_DESCRIPTOR if self._socket is None else int(self._socket.fileno())

    def recv(self, size: int) -> bytes:
        """What ``receive()`` got (all of it: a stream chunk is at most its size)."""
        data = self._pending
        if data is None and self._direct is not None and not self._closed:
            return self._direct.recv(size)
        if data is None:
            if self._error is not None:
                raise self._error
            raise BlockingIOError(_errno.EAGAIN, "nothing received yet")
        if data:
            self._pending = None
        return data

    def recv_into(self, buffer: memoryview) -> int:
        data = self._pending
        if data is None and self._direct is not None and not self._closed:
            return self._direct.recv_into(buffer)
        if data is None:
            if self._error is not None:
                raise self._error
            raise BlockingIOError(_errno.EAGAIN, "nothing received yet")
        n = min(len(buffer), len(data))
        buffer[:n] = data[:n]
        if data:
            self._pending = bytes(data[n:]) or None
        return n

    def send(self, data: bytes | memoryview) -> int:
        direct = self._direct
        if direct is None or self._closed:
            raise BlockingIOError(_errno.EAGAIN, "a stream sends from the writer task")
        return direct.send(data)

    def sendmsg(self, buffers: list[memoryview]) -> int:
        direct = self._direct
        if direct is None or self._closed:
            raise BlockingIOError(_errno.EAGAIN, "a stream sends from the writer task")
        return direct.sendmsg(buffers)

    @enable_ki_protection
    def shutdown(self, how: int) -> None:
        """Half-close: ``send_eof()`` on a ``HalfCloseableStream``; any other
        stream (``SSLStream``) closes gracefully instead, so the peer still sees
        the end (and this side reads no more)."""
        if not self._closed:
            if not isinstance(self.stream, trio.abc.HalfCloseableStream):
                self._closing = True
            self._nursery.start_soon(self._send_eof)

    async def _send_eof(self) -> None:
        stream = self.stream
        try:
            if isinstance(stream, trio.abc.HalfCloseableStream):
                await stream.send_eof()
            else:
                await stream.aclose()
        except (trio.BrokenResourceError, trio.ClosedResourceError, OSError):
            pass  # the peer is gone already; the read side reports it

    async def _aclose_gracefully(self) -> None:
        # Bounded: a peer that reads nothing could hold the close_notify back.
        with trio.move_on_after(GRACEFUL_CLOSE_SECONDS) as waited:
            await self.stream.aclose()
        if waited.cancelled_caught:  # (a cancelled aclose() still closes: make sure)
            await trio.aclose_forcefully(self.stream)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.scope is not None and self.receiving:
            self.scope.cancel()
        if not isinstance(self.stream, trio.abc.HalfCloseableStream):
            if self._closing:
                return  # shutdown()'s aclose() closes it, gracefully
            if self._eof_received:
                # The peer ended cleanly (TLS close_notify): answer in kind.
                try:
                    self._nursery.start_soon(self._aclose_gracefully)
                    return
                except RuntimeError:
                    pass  # the loop has ended: close it at once below
        if not _close_now(self.stream):
            try:
                self._nursery.start_soon(trio.aclose_forcefully, self.stream)
            except RuntimeError:
                pass  # the loop has ended: nothing can run the close any more

    def setsockopt(self, level: int, option: int, value: Any) -> None:
        if self._socket is not None and not self._closed:
            self._socket.setsockopt(level, option, value)

    def getsockopt(self, level: int, option: int) -> int:
        if self._socket is None or self._closed:
            raise OSError(_errno.ENOTSOCK, os.strerror(_errno.ENOTSOCK))
        return int(self._socket.getsockopt(level, option))

    def getsockname(self) -> Any:
        if self._socket is None or self._closed:
            raise OSError(_errno.ENOTSOCK, os.strerror(_errno.ENOTSOCK))
        return self._socket.getsockname()

    def getpeername(self) -> Any:
        if self._socket is None or self._closed:
            raise OSError(_errno.ENOTSOCK, os.strerror(_errno.ENOTSOCK))
        return self._socket.getpeername()


def _socket_under_listener(listener: object) -> Any:
    """The trio socket a listener accepts on (through ``SSLListener``), or None."""
    for _ in range(8):
        if isinstance(listener, trio.SocketListener):
            return listener.socket
        listener = getattr(listener, "transport_listener", None)
        if listener is None:
            return None
    return None


class ListenerHandle:
    """A ``trio.abc.Listener`` where a Server keeps its listening socket
    (``server.listen(listener)``): a ``trio.SocketListener``, a
    ``trio.SSLListener``, one a user built. Each stream it accepts becomes a
    Socket over a ``StreamHandle``.

    ``address()`` and ``fileno()`` reach the socket under it, if there is one;
    ``close()`` closes that socket at once (the accept loop closes any other
    listener with ``aclose()`` when it ends).
    """

    __slots__ = ("_closed", "_socket", "family", "listener")

    def __init__(self, listener: trio.abc.Listener[trio.abc.Stream]) -> None:
        self.listener = listener
        self._socket = _socket_under_listener(listener)
        self.family = None if self._socket is None else self._socket.family
        self._closed = False

    async def accept(self) -> trio.abc.Stream:
        return await self.listener.accept()

    def fileno(self) -> int:
        if self._closed:
            return -1
        return NO_DESCRIPTOR if self._socket is None else int(self._socket.fileno())

    def getsockname(self) -> Any:
        if self._socket is None or self._closed:
            raise OSError(_errno.ENOTSOCK, os.strerror(_errno.ENOTSOCK))
        return self._socket.getsockname()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            if self._socket is not None:
                self._socket.close()  # a waiting accept() gets ClosedResourceError
