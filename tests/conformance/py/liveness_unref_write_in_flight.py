# An unref'd socket with a write (and its FIN) still in flight keeps the
# process alive, because libuv counts the write and shutdown requests
# whatever the handle's ref: here a peer reads nothing for 500 ms, so 8 MiB
# cannot all be handed to the kernel before then; the process waits, the
# callback runs and 'finish' comes, and only then does it exit. The peer is
# another thread here (a child node in the twin): nothing of ours but the
# socket is left to keep the loop alive.
import socket
import threading
import time

from _trace import log, run

import trionet


def peer(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as s:
        time.sleep(0.5)
        while s.recv(65536):
            pass


def main() -> None:
    def on_connection(c: trionet.Socket) -> None:
        server.close()
        c.on("finish", lambda: log("finish"))
        c.end(b"x" * (8 << 20), lambda err=None: log("end cb", err))
        log("writable length > 0", c.writable_length > 0)
        c.unref()
        log("unref")

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        port = server.address()["port"]
        threading.Thread(target=peer, args=(port,), daemon=True).start()

    server.listen(0, "127.0.0.1", on_listening)


run(main)
