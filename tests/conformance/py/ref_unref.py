# ref/unref liveness: the program exits while an unref'd server still
# listens (and an unref'd client is still connected to it); ref() after
# unref() keeps it alive until close(). 'exit' is printed after
# trionet.run() returns (Node: process 'exit').
from _trace import grouped, log, run, sleep

import trionet


def main() -> None:
    grouped()

    def on_idle_connection(c: trionet.Socket) -> None:
        log("idle connection")
        c.unref()  # an accepted socket is ref'd even when its server is not

    idle = trionet.create_server(on_idle_connection)

    def on_idle_listening() -> None:
        log("idle listening")
        c = trionet.connect(idle.address()["port"], "127.0.0.1")

        def on_connect() -> None:
            log("client connected; unref both")
            c.unref()

        c.on("connect", on_connect)

    idle.listen(0, "127.0.0.1", on_idle_listening)
    idle.unref()

    kept = trionet.create_server()
    kept.unref()
    kept.ref()

    async def on_kept_listening() -> None:
        log("kept listening")
        await sleep(100)
        log("kept closing")
        kept.close(lambda *_: log("kept closed"))

    kept.listen(0, "127.0.0.1", on_kept_listening)


run(main)
