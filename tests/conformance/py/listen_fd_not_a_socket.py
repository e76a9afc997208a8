# listen({fd}) with a descriptor that is open but is not a socket: listen()
# does not raise; 'error' comes asynchronously (syscall 'listen') and the
# server is not listening. A FIFO is taken for a pipe and fails in listen(2)
# with ENOTSOCK; a regular file or a character device is refused by its
# type, EINVAL. The descriptors are left open: Node closes the one it
# wrapped, trionet works on a duplicate (a documented difference).
import os
from collections.abc import Callable

from _trace import log, run, tmp_path

import trionet


async def main() -> None:
    fifo = tmp_path("fifo")
    os.mkfifo(fifo)
    cases: list[tuple[str, Callable[[], int]]] = [
        ("fifo", lambda: os.open(fifo, os.O_RDWR)),
        ("file", lambda: os.open(__file__, os.O_RDONLY)),
        ("chardev", lambda: os.open("/dev/null", os.O_RDONLY)),
    ]
    for tag, open_fd in cases:
        fd = open_fd()
        server = trionet.create_server()
        server.on("listening", lambda tag=tag: log(f"{tag} unexpected listening"))
        server.listen({"fd": fd})
        log(f"{tag} listen returned", server.listening)
        (err,) = await trionet.once(server, "error")
        log(f"{tag} error", err.code, err.syscall, str(err), server.listening)


run(main)
