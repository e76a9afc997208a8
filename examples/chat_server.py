"""A chat server: every line a client sends goes to every other client.

usage: python examples/chat_server.py [PORT | PATH]   (default 8124)

Open two or more terminals with ``nc localhost 8124`` and type. Each client is
greeted with its name (``welcome, guest1``), the others hear ``* guest1 joined``,
every line is broadcast as ``guest1: <line>``, and ``* guest1 left`` follows a
disconnect. Prints READY once listening.

Node style: a ``'connection'`` listener and ``'data'``/``'close'`` listeners, one
``dict`` of the connected sockets. A client that stops reading while others keep
talking would make the server queue without bound: once its ``buffer_size`` passes
``MAX_QUEUED`` it is disconnected. A client that resets its connection costs that
connection only: its ``'error'`` listener logs the error on stderr, ``'close'`` follows.
"""

import itertools
import sys

import trionet

#: Bytes queued for one slow client before the server gives up on it.
MAX_QUEUED = 1 << 20


def main(where: str = "8124") -> None:
    clients: dict[trionet.Socket, str] = {}
    numbers = itertools.count(1)

    def broadcast(message: str, sender: trionet.Socket | None = None) -> None:
        for sock in list(clients):
            if sock is sender:
                continue
            sock.write(message)
            if sock.buffer_size > MAX_QUEUED:  # not reading: drop it
                sock.destroy()

    def on_connection(sock: trionet.Socket) -> None:
        name = f"guest{next(numbers)}"
        pending = ""  # a line's beginning, until its "\n" arrives
        sock.on("error", lambda err: print("connection error:", err, file=sys.stderr))
        sock.set_encoding("utf8")
        sock.write(f"welcome, {name}\n")
        broadcast(f"* {name} joined\n")
        clients[sock] = name

        def on_data(text: str) -> None:
            nonlocal pending
            *lines, pending = (pending + text).split("\n")
            for line in lines:
                broadcast(f"{name}: {line.rstrip(chr(13))}\n", sender=sock)

        def on_close(had_error: bool) -> None:
            del clients[sock]
            broadcast(f"* {name} left\n")

        sock.on("data", on_data)
        sock.on("close", on_close)

    server = trionet.create_server(on_connection, no_delay=True)
    target: int | str = int(where) if where.isdigit() else where
    server.listen(target, lambda: print("READY", flush=True))


if __name__ == "__main__":
    trionet.run(main, *sys.argv[1:2])
