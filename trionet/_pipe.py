"""``socket.pipe(destination)``, as Node's ``Readable.prototype.pipe``.

A ``_Pipe`` is one ``source.pipe(destination)``: the listeners it added on both
sides, so that ``unpipe()`` (or the destination's ``'close'`` or ``'error'``)
can take them away again. It writes each ``'data'`` chunk to the destination,
pauses the source while the destination's ``write()`` returns False and resumes
it on the destination's ``'drain'``, and ``end()``s the destination after the
source's ``'end'`` (unless ``end=False``).

What it relies on from the facade: ``Socket.pipe()`` and ``Socket.unpipe()``
make and detach pipes; the source's ``_pipes`` tuple holds them, and the pipe
calls the source's ``pause()``, ``resume()``, ``remove_listener()`` and
``listener_count()``. The destination is anything with ``write``/``end``
(and ``on``/``emit``/``remove_listener``/``listener_count`` if it has them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._socket import Socket

__all__ = ["_Pipe"]


class _Pipe:
    """One ``source.pipe(destination)``: the listeners it added, so unpipe() can go."""

    __slots__ = ("destination", "end", "source")

    def __init__(self, source: Socket, destination: Any, end: bool) -> None:
        self.source = source
        self.destination = destination
        self.end = end

    def on_data(self, chunk: Any) -> None:
        if self.destination.write(chunk) is False:
            self.source.pause()

    def on_drain(self) -> None:
        self.source.resume()

    def on_end(self) -> None:
        if self.end:
            self.destination.end()

    def on_dest_close(self, *_: object) -> None:
        self.detach()

    def on_dest_error(self, error: BaseException) -> None:
        self.detach()
        # Node re-throws the error when the destination has no other listener.
        if hasattr(self.destination, "listener_count") and not self.destination.listener_count(
            "error"
        ):
            raise error

    def detach(self) -> None:
        source, destination = self.source, self.destination
        if self not in source._pipes:
            return
        source._pipes = tuple(p for p in source._pipes if p is not self)
        source.remove_listener("data", self.on_data)
        source.remove_listener("end", self.on_end)
        if hasattr(destination, "remove_listener"):
            destination.remove_listener("drain", self.on_drain)
            destination.remove_listener("close", self.on_dest_close)
            destination.remove_listener("error", self.on_dest_error)
        if hasattr(destination, "emit"):
            destination.emit("unpipe", source)
        if not source._pipes and not source.listener_count("data"):
            source.pause()
