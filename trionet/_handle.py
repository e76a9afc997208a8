"""What servers and sockets share: the loop they live in, and ``ref()``/``unref()``.

A handle is *held* by its loop from the moment it opens something until it
has closed it: a held handle is in the loop's ``active`` set, so that when the
loop ends (cancelled, or by an error or Ctrl-C from any task) whatever is still
open is closed by ``_abandon()``: no descriptor or socket file outlives the loop.

A held handle keeps ``trionet.run`` going only while it is *alive*, as libuv
counts an active handle: a listening server always; a socket while it is
reading (``_set_alive``). And only while it is ref'd: ``unref()`` lets the loop
end (and close the handle) even then. A socket with writes or a shutdown in
flight, or closing, is *busy* (``_set_busy``): that keeps the loop going ref'd
or not, as libuv's requests and closing handles do.
"""

from __future__ import annotations

from typing import Self

from ._events import EventEmitter
from ._loop import Loop, current_loop

__all__ = ["Handle"]


class Handle(EventEmitter):
    """An event emitter attached to the innermost trionet loop."""

    __slots__ = ("_alive", "_busy", "_held", "_loop", "_ref")

    def __init__(self) -> None:
        super().__init__()
        self._loop: Loop = current_loop()
        self._ref = True
        self._held = False
        self._alive = False
        self._busy = False

    def _hold(self) -> None:
        """The handle opened something: the loop closes it if it ends first; and
        it is alive (keeps the loop going if ref'd) until ``_set_alive(False)``."""
        if not self._held:
            self._held = True
            self._loop.active[self] = None
            self._set_alive(True)

    def _unhold(self) -> None:
        """The handle has closed what it opened."""
        if self._held:
            self._held = False
            self._loop.active.pop(self, None)
            self._set_alive(False)
            self._set_busy(False)

    def _set_alive(self, alive: bool) -> None:
        """Whether the handle is active as libuv counts it (a server listening, a
        socket reading): it keeps the loop going while ref'd."""
        if alive != self._alive:
            self._alive = alive
            if self._ref:
                if alive:
                    self._loop.hold()
                else:
                    self._loop.release()

    def _abandon(self) -> None:
        """The loop has ended with this handle still active: close it, without
        events (nothing can run them now). Must end with ``_unhold()``."""
        raise NotImplementedError

    def _set_busy(self, busy: bool) -> None:
        """Whether the handle has a request in flight (a write, a shutdown, its
        close): that keeps the loop going even when unref'd, as libuv counts
        requests and closing handles apart from the handle's ref."""
        if busy != self._busy:
            self._busy = busy
            if busy:
                self._loop.hold()
            else:
                self._loop.release()

    def ref(self) -> Self:
        """Keep the loop alive while this handle is active (the default)."""
        if not self._ref:
            self._ref = True
            if self._alive:
                self._loop.hold()
        return self

    def unref(self) -> Self:
        """Let the loop end even while this handle is active."""
        if self._ref:
            self._ref = False
            if self._alive:
                self._loop.release()
        return self
