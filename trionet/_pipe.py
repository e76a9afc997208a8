"""``socket.pipe(destination)``, as Node's ``Readable.prototype.pipe``.

A ``_Pipe`` is one ``source.pipe(destination)`` and the listeners it added on
both sides, as Node adds them:

* on the source, ``'data'`` (write each chunk to the destination; pause the
  source when ``write()`` returns False) and a once ``'end'`` (``end()`` the
  destination, or with ``end=False`` unpipe it);
* on the destination, ``'unpipe'`` (take every listener away again), a
  prepended ``'error'`` (unpipe; if nothing else listens, raise the error
  again, or destroy a socket it was emitted on by hand), a once ``'close'`` and
  a once ``'finish'`` (unpipe), and ``'drain'`` only once a ``write()`` has
  returned False.

The source resumes when every destination it waits on has drained. The source
pauses when its last pipe goes (``Socket.unpipe``). A destination whose
``writable_need_drain`` is True when piped pauses the source at once. Piping a
source that has ended ends the destination, after ``pipe()`` returns.

What it relies on from the facade: ``Socket.pipe()`` makes a pipe and calls
:meth:`_Pipe.attach`; ``Socket.unpipe()`` takes pipes out of the source's
``_pipes`` tuple and calls :meth:`_Pipe.unpiped`. The pipe calls the source's
``pause()``, ``resume()``, ``on``/``remove_listener`` and ``listener_count()``.
The destination is anything with ``write``/``end`` (and ``on``/
``prepend_listener``/``emit``/``remove_listener``/``listener_count`` if it has
them, as every trionet emitter does).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._socket import Socket

__all__ = ["_Pipe"]


class _Pipe:
    """One ``source.pipe(destination)``: the listeners it added, so unpipe() can go."""

    __slots__ = (
        "awaiting_drain",
        "cleaned_up",
        "close_listening",
        "destination",
        "drain_listening",
        "end",
        "end_listening",
        "events",
        "source",
        "unpiping",
    )

    def __init__(self, source: Socket, destination: Any, end: bool) -> None:
        self.source = source
        self.destination = destination
        self.end = end
        #: The destination is an emitter (else only write()/end() are used).
        self.events = hasattr(destination, "on")
        # Which of our listeners are on: Node adds 'end', 'close' and 'finish' with
        # once(); here they are plain listeners that take themselves off before
        # they act (the same order, without a wrapper per pipe), and cleanup()
        # removes only what is still on. 'drain' is added at the first False write.
        self.end_listening = self.close_listening = self.drain_listening = False
        #: The source waits for this destination's 'drain' before it resumes.
        self.awaiting_drain = False
        #: ``Socket.unpipe`` chose this pipe and is emitting 'unpipe' for it.
        self.unpiping = False
        self.cleaned_up = False

    def attach(self) -> None:
        """Add the listeners and start the flow (Node's ``pipe()`` body, in its order)."""
        source, destination = self.source, self.destination
        if source._emitted_end:
            source._loop.defer(self.on_end)
        else:
            self.end_listening = True
            source.on("end", self.on_end)
        events = self.events
        if events:
            destination.on("unpipe", self.on_unpipe)
        source.on("data", self.on_data)
        if events:
            destination.prepend_listener("error", self.on_error)
            self.close_listening = True
            destination.on("close", self.on_close)
            destination.on("finish", self.on_finish)
        if hasattr(destination, "emit"):
            destination.emit("pipe", source)
        if getattr(destination, "writable_need_drain", False) is True:
            self.pause()
        elif not source._flowing:
            source.resume()

    # -- the source's listeners ----------------------------------------------------------

    def on_data(self, chunk: Any) -> None:
        if self.destination.write(chunk) is False:
            self.pause()

    def on_end(self) -> None:
        if self.end_listening:
            self.end_listening = False
            self.source.remove_listener("end", self.on_end)
        if self.end:
            self.destination.end()
        else:
            self.unpipe()

    def pause(self) -> None:
        if not self.cleaned_up:
            self.awaiting_drain = True
            self.source.pause()
        if not self.drain_listening and self.events:
            # Node adds it once, at the first False write, and keeps it; even when
            # the write() itself unpiped (then nothing takes it off again, and the
            # destination's next 'drain' resumes the source, as in Node).
            self.drain_listening = True
            self.destination.on("drain", self.on_drain)

    # -- the destination's listeners ---------------------------------------------------

    def on_drain(self) -> None:
        # Node waits on destinations, not pipes: one 'drain' ends the wait of every
        # pipe into this destination.
        self.awaiting_drain = False
        source, destination = self.source, self.destination
        waiting = False
        for pipe in source._pipes:
            if pipe.awaiting_drain:
                if pipe.destination is destination:
                    pipe.awaiting_drain = False
                else:
                    waiting = True
        if not waiting and source.listener_count("data"):
            source.resume()

    def on_error(self, error: BaseException) -> None:
        self.unpipe()
        destination = self.destination
        destination.remove_listener("error", self.on_error)
        if not destination.listener_count("error"):
            from ._socket import Socket

            if isinstance(destination, Socket) and not destination._closed:
                # Emitted by hand, not by the socket's own close: Node's
                # errorOrDestroy destroys it ('error' follows, with no listener).
                destination.destroy(error)
            else:
                # Node re-emits it: with no listener left, emit() raises it.
                destination.emit("error", error)

    def on_close(self, *_: object) -> None:
        self.close_listening = False
        destination = self.destination
        destination.remove_listener("close", self.on_close)
        destination.remove_listener("finish", self.on_finish)
        self.unpipe()

    def on_finish(self) -> None:
        self.close_listening = False
        destination = self.destination
        destination.remove_listener("finish", self.on_finish)
        destination.remove_listener("close", self.on_close)
        self.unpipe()

    def on_unpipe(self, readable: object, *_: object) -> None:
        # Only the 'unpipe' that Socket.unpipe emits for this pipe cleans it up
        # (Node's unpipeInfo.hasUnpiped), not one emitted by hand or for a sibling.
        if readable is self.source and self.unpiping:
            self.cleanup()

    # -- unpiping ------------------------------------------------------------------------

    def unpipe(self) -> None:
        self.source.unpipe(self.destination)

    def unpiped(self) -> None:
        """``Socket.unpipe`` took this pipe out of ``_pipes``: announce it, clean up."""
        self.unpiping = True
        destination = self.destination
        if hasattr(destination, "emit"):
            destination.emit("unpipe", self.source)
        if not self.cleaned_up:  # our 'unpipe' listener was taken away by hand
            self.cleanup()

    def cleanup(self) -> None:
        self.cleaned_up = True
        self.unpiping = False
        source, destination = self.source, self.destination
        if self.events:
            if self.close_listening:
                self.close_listening = False
                destination.remove_listener("close", self.on_close)
                destination.remove_listener("finish", self.on_finish)
            if self.drain_listening:
                destination.remove_listener("drain", self.on_drain)
            destination.remove_listener("error", self.on_error)
            destination.remove_listener("unpipe", self.on_unpipe)
        if self.end_listening:
            self.end_listening = False
            source.remove_listener("end", self.on_end)
        source.remove_listener("data", self.on_data)
        # A source waiting on this destination's 'drain' would wait for ever: Node
        # calls the drain listener now, unless the destination is a stream that
        # does not need one.
        if self.awaiting_drain and getattr(destination, "_need_drain", True) is not False:
            self.on_drain()
