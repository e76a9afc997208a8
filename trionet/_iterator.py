"""``async for chunk in socket``: the socket's async iterator, as Node's
``Readable.prototype[Symbol.asyncIterator]``.

A ``_SocketIterator`` yields chunks until the peer's FIN (the loop ends once
``'end'`` has been emitted) and raises the socket's error. While one iterates,
the socket does not flow: on the fast path the iterating task reads the kernel
itself (``_read_chunk``, waiting with the poller after a short read), with no
hand-off between tasks; over a stream the socket's task reads into the buffer
and wakes the iterator. ``break`` gives the reading back to the socket.

What it relies on from the facade (``Socket.__aiter__`` makes it): the
iterator count ``_iterators`` and ``_read_wanted``, which it sets; the buffer
(``_rbuf``, ``_take_buffered``), ``_decoder``, the state flags (``_eof``,
``_emitted_end``, ``_read_done``, ``_destroyed``, ``_open``, ``_short_read``,
``_had_error``, ``_error``), ``_sock`` and ``_poller``; ``_wake_flow()`` to hand
the reading back or to ask the socket's task for more; ``_iter_wakeup``, which
the socket sets when something came; and ``_iter_error``, the error it raised
(so that ``'error'`` with no listener does not end the loop).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import trio

from ._poller import Wakeup

if TYPE_CHECKING:
    from ._socket import Socket

__all__ = ["_SocketIterator"]


class _SocketIterator:
    """``async for chunk in socket``: chunks until the peer's FIN; errors raise."""

    __slots__ = ("_attached", "_socket")

    def __init__(self, socket: Socket) -> None:
        self._socket = socket
        self._attached = True
        socket._iterators += 1
        socket._read_wanted = True
        socket._wake_flow()

    def __aiter__(self) -> _SocketIterator:
        return self

    async def __anext__(self) -> bytes | str:
        sock = self._socket
        while True:
            data: bytes | str
            if sock._rbuf:
                data = sock._take_buffered()
                if sock._poller is None:
                    sock._wake_flow()  # the dispatcher reads on, under the high-water mark
            elif sock._eof or sock._destroyed or sock._read_done:
                if sock._decoder is not None and sock._eof and not sock._destroyed:
                    rest = sock._decoder.decode(b"", final=True)
                    if rest:
                        return rest
                if sock._eof and not (sock._emitted_end or sock._destroyed) and sock._open:
                    # As Node's iterator: the loop ends once 'end' has been emitted
                    # (the dispatcher emits it, then wakes us).
                    event = sock._iter_wakeup
                    if event is None:
                        event = sock._iter_wakeup = Wakeup()
                    sock._wake_flow()
                    await event.wait()
                    continue
                self._detach()
                if sock._had_error and sock._error is not None:
                    sock._iter_error = sock._error
                    raise sock._error
                raise StopAsyncIteration
            elif not sock._open or sock._poller is None:
                # Not connected yet: the dispatcher wakes us once it is. Over a
                # stream, the dispatcher reads for us, into the buffer.
                sock._wake_flow()
                event = sock._iter_wakeup
                if event is None:
                    event = sock._iter_wakeup = Wakeup()
                await event.wait()
                continue
            else:
                # Each step is a checkpoint, as trio's receive_some: waiting for
                # readability is one; without a wait, a cancel point before the
                # read and a schedule point after it.
                waited = sock._short_read
                if waited:
                    assert sock._sock is not None
                    try:
                        await sock._poller.wait_readable(sock._sock.fileno())
                    except trio.ClosedResourceError:
                        continue  # destroyed meanwhile
                else:
                    await trio.lowlevel.checkpoint_if_cancelled()
                read = sock._read_chunk()
                if read is None or read is False:
                    continue
                if not read:  # EOF: 'end' (by us, or by the socket's task), then stop
                    sock._iterator_read_eof()
                    continue
                data = read
                if not waited:
                    await trio.lowlevel.cancel_shielded_checkpoint()
            if isinstance(data, str):  # buffered as text: already decoded
                return data
            if sock._decoder is not None:
                text = sock._decoder.decode(data)
                if not text:
                    continue
                return text
            return data

    def _detach(self) -> None:
        if self._attached:
            self._attached = False
            sock = self._socket
            sock._iterators -= 1
            sock._wake_flow()

    async def aclose(self) -> None:
        self._detach()

    def __del__(self) -> None:
        # `break` out of `async for` drops the iterator without aclose(): give the
        # reading back to the socket (it then flows or reads ahead as before).
        self._detach()
