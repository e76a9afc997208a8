# An unref'd socket still keeps the process alive while its connect is in
# flight: 'connect' (or the connect error) is emitted before the run returns.
# Once connected, the unref'd socket no longer holds the process, even though
# it is reading. The servers are unref'd too. TCP, Unix, and a refused TCP
# connect.
from typing import Any

from _trace import free_port, grouped, log, run, tmp_path, trace

import trionet


def client(tag: str, *args: Any) -> None:
    s = trionet.connect(*args)
    s.unref()
    trace(s, tag, "connect", "error", "end", "close")
    s.on("connect", lambda: log(f"{tag} state", s.connecting, s.ready_state))


def main() -> None:
    grouped()
    for tag in ("tcp", "unix", "refused"):
        log(tag)
    tcp = trionet.create_server(lambda c: c.unref())
    tcp.unref()
    tcp.listen(0, "127.0.0.1", lambda: client("tcp", tcp.address()["port"], "127.0.0.1"))
    path = tmp_path("unref.sock")
    unix = trionet.create_server(lambda c: c.unref())
    unix.unref()
    unix.listen(path, lambda: client("unix", path))
    client("refused", free_port(), "127.0.0.1")


run(main)
