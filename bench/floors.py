"""Floors: the least a server of each shape can do on trionet's own poller.

usage: python bench/floors.py task WHERE       (a task per connection, as ``async for``)
       python bench/floors.py callback WHERE   (a parked callback per connection, as Node style)
       python bench/floors.py proxy PORT BACKEND_PORT   (a TCP forwarder, as ``trionet forward``)

WHERE is a port on 127.0.0.1 or a Unix socket path. These are yardsticks, not servers:
no ``Socket``, no events, no Node semantics, only the loop's poller (``Poller``), the
kernel calls and the shape: each echoes or forwards what it reads and closes on the
peer's FIN. They answer "how fast could this shape be at all?", so that a gap between
trionet and a peer can be split into what the shape costs and what the facade costs
(docs/performance.md, "Floors"). The callback and proxy floors finish a partial write
blocking (a real server queues it); the task floor waits to write as a task does.

With compare.py:  --server floor-task='python bench/floors.py task {where}'
With bench/proxy.py:  --only trionet-forward,node-proxy,floor-proxy
"""

from __future__ import annotations

import errno
import socket
import sys
from collections.abc import Callable

import trio

import trionet
from trionet._loop import current_loop
from trionet._poller import Poller

CHUNK = 65536


def _listener(where: str) -> socket.socket:
    if where.isdigit():
        ls = socket.socket()
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("127.0.0.1", int(where)))
    else:
        ls = socket.socket(socket.AF_UNIX)
        ls.bind(where)
    ls.listen(4096)
    ls.setblocking(False)
    return ls


async def _accept_forever(ls: socket.socket, on_accept: Callable[[socket.socket], object]) -> None:
    print("READY", flush=True)
    while True:
        await trio.lowlevel.wait_readable(ls)
        while True:
            try:
                conn, _ = ls.accept()
            except BlockingIOError:
                break
            conn.setblocking(False)
            if conn.family != socket.AF_UNIX:
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            on_accept(conn)


def _close(poller: Poller, sock: socket.socket) -> None:
    poller.forget(sock.fileno(), unregister=True)
    sock.close()


# -- a task per connection: what `async for chunk in sock: sock.write(chunk)` must do --


async def _task_echo(poller: Poller, sock: socket.socket) -> None:
    fd = sock.fileno()
    short = True
    try:
        while True:
            if short:  # edge-triggered: wait only once a read has come up short
                await poller.wait_readable(fd)
            else:
                await trio.lowlevel.checkpoint()
            try:
                data = sock.recv(CHUNK)
            except BlockingIOError:
                short = True
                continue
            if not data:
                break
            short = len(data) < CHUNK
            while True:
                sent = sock.send(data)
                if sent == len(data):
                    break
                data = data[sent:]
                await poller.wait_writable(fd)
    except OSError:
        pass
    finally:
        _close(poller, sock)


# -- a parked callback per connection (an echo: `other` is the socket itself) or per
# direction of a forwarded one: what a Node-style 'data' listener must do --


def _send_all(sock: socket.socket, data: bytes) -> None:
    try:
        sent = sock.send(data)
        if sent < len(data):  # a floor, not a server: finish it blocking
            sock.setblocking(True)
            sock.sendall(data[sent:])
            sock.setblocking(False)
    except OSError:
        pass


class _Direction:
    """Parked with the poller: read until short, send there (or echo), pass a FIN
    on and close once every side has ended."""

    __slots__ = ("fd", "open_sides", "other", "poller", "sock")

    def __init__(
        self, poller: Poller, sock: socket.socket, other: socket.socket, open_sides: list[int]
    ) -> None:
        self.poller, self.sock, self.other, self.fd = poller, sock, other, sock.fileno()
        self.open_sides = open_sides
        if poller.park(self.fd, self):
            poller.call_again(self.fd, self)

    def _poll_readable(self, edge: bool = True) -> bool:
        while True:
            try:
                data = self.sock.recv(CHUNK)
            except BlockingIOError:
                return True
            except OSError:
                data = b""
            if not data:  # FIN (or reset): pass it on; close both once both ended
                self.poller.unpark(self.fd)
                forwarding = self.other is not self.sock
                if forwarding:
                    try:
                        self.other.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
                self.open_sides[0] -= 1
                if not self.open_sides[0]:
                    _close(self.poller, self.sock)
                    if forwarding:
                        _close(self.poller, self.other)
                return True
            _send_all(self.other, data)
            if len(data) < CHUNK:
                return True

    def _abandon(self) -> None:
        self.sock.close()


# -- a forwarder: a task per connection for the backend's connect, then a _Direction
# each way --


async def _forward(poller: Poller, client: socket.socket, backend_port: int) -> None:
    backend = socket.socket(socket.AF_INET, socket.SOCK_STREAM | socket.SOCK_NONBLOCK)
    backend.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    err = backend.connect_ex(("127.0.0.1", backend_port))
    if err == errno.EINPROGRESS:
        await poller.wait_writable(backend.fileno())
        err = backend.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    if err:
        client.close()
        _close(poller, backend)
        return
    open_sides = [2]
    _Direction(poller, client, backend, open_sides)
    _Direction(poller, backend, client, open_sides)


def main(shape: str, where: str, backend: str = "") -> None:
    loop = current_loop()
    poller = loop.poller
    if poller is None:
        raise SystemExit("floors need the descriptor fast path (epoll; TRIONET_FAST_PATH unset)")
    ls = _listener(where)

    async def serve() -> None:
        async with trio.open_nursery() as nursery:
            if shape == "task":
                await _accept_forever(ls, lambda c: nursery.start_soon(_task_echo, poller, c))
            elif shape == "callback":
                await _accept_forever(ls, lambda c: _Direction(poller, c, c, [1]))
            else:
                port = int(backend)
                await _accept_forever(ls, lambda c: nursery.start_soon(_forward, poller, c, port))

    loop.hold()  # keeps the loop running, as a listening server does
    loop.spawn(serve)


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("task", "callback", "proxy"):
        raise SystemExit(__doc__)
    trionet.run(main, *sys.argv[1:])
