# The idle timer of a socket keeps nothing alive (Node's is unref'd): a
# ref'd client that is paused, with set_timeout(300) and a 'timeout'
# listener, lets the run return once connected, before the timer fires.
# The server and its connection are unref'd.
from _trace import log, run

import trionet


def main() -> None:
    def on_connection(c: trionet.Socket) -> None:
        c.unref()
        c.write("hello")

    server = trionet.create_server(on_connection)
    server.unref()

    def on_listening() -> None:
        s = trionet.connect(server.address()["port"], "127.0.0.1")
        s.pause()
        s.set_timeout(300, lambda: log("timeout"))
        s.on("connect", lambda: log("connect", s.timeout))
        s.on("close", lambda _: log("close"))

    server.listen(0, "127.0.0.1", on_listening)


run(main)
