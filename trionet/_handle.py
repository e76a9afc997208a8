"""What servers and sockets share: the loop they live in, and ``ref()``/``unref()``.

A handle *holds* its loop while it is active (a listening server, an open or
connecting socket); a held, ref'd handle keeps ``trionet.run`` going, as a
ref'd libuv handle keeps a Node process alive. ``unref()`` lets the loop end
(and cancel the handle) even while it is active.

An active handle is also in its loop's ``active`` set, so that when the loop ends
(cancelled, or by an error or Ctrl-C from any task) whatever is still open is
closed by ``_abandon()``: no descriptor or socket file outlives the loop.
"""

from __future__ import annotations

from typing import Self

from ._events import EventEmitter
from ._loop import Loop, current_loop

__all__ = ["Handle"]


class Handle(EventEmitter):
    """An event emitter attached to the innermost trionet loop."""

    __slots__ = ("_held", "_loop", "_ref")

    def __init__(self) -> None:
        super().__init__()
        self._loop: Loop = current_loop()
        self._ref = True
        self._held = False

    def _hold(self) -> None:
        """The handle became active: keep the loop alive if ref'd."""
        if not self._held:
            self._held = True
            self._loop.active.add(self)
            if self._ref:
                self._loop.hold()

    def _unhold(self) -> None:
        """The handle is no longer active."""
        if self._held:
            self._held = False
            self._loop.active.discard(self)
            if self._ref:
                self._loop.release()

    def _abandon(self) -> None:
        """The loop has ended with this handle still active: close it, without
        events (nothing can run them now). Must end with ``_unhold()``."""
        raise NotImplementedError

    def ref(self) -> Self:
        """Keep the loop alive while this handle is active (the default)."""
        if not self._ref:
            self._ref = True
            if self._held:
                self._loop.hold()
        return self

    def unref(self) -> Self:
        """Let the loop end even while this handle is active."""
        if self._ref:
            self._ref = False
            if self._held:
                self._loop.release()
        return self
