# allow_half_open: the server's socket stays writable after the client's FIN;
# it answers later, then ends.
from _trace import collect, log, run, sleep, trace

import trionet


def main() -> None:
    def on_connection(c: trionet.Socket) -> None:
        collect(c, "conn")

        async def on_end() -> None:
            log("conn end readyState", c.ready_state)
            await sleep(50)
            log("conn write", c.write("late "))
            c.end("reply")

        c.on("end", on_end)
        trace(c, "conn", "finish")
        c.on("close", lambda _: server.close())

    server = trionet.create_server(on_connection, allow_half_open=True)

    def on_listening() -> None:
        client = trionet.connect(
            {"port": server.address()["port"], "host": "127.0.0.1", "allow_half_open": True}
        )
        trace(client, "client", "finish", "end", "close")
        collect(client, "client")
        client.end("question")

    server.listen(0, "127.0.0.1", on_listening)


run(main)
