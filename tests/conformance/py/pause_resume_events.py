# The stream events 'pause' and 'resume': 'pause' from pause() unless already
# paused; 'resume' a tick after resume() (once for several calls in a tick),
# before any 'data' flows, and even if pause() came in between (the socket
# then stays paused).
from _trace import grouped, log, run

import trionet


async def main() -> None:
    grouped()

    def on_connection(c: trionet.Socket) -> None:
        c.on("pause", lambda: log("server pause event", c.readable_flowing))
        c.on("resume", lambda: log("server resume event", c.readable_flowing, c.is_paused()))
        first = [True]

        def on_data(d: bytes) -> None:
            log("server data", d.decode())
            if not first[0]:
                return
            first[0] = False
            c.pause()
            log("server after pause", c.readable_flowing, c.is_paused())
            c.resume()
            log("server after resume", c.readable_flowing, c.is_paused())
            c.pause()
            c.resume()
            c.resume()
            log("server after pause resume resume", c.readable_flowing)
            c.write("go")

        def on_end() -> None:
            log("server end")
            c.end()
            server.close()

        c.on("data", on_data)
        c.on("end", on_end)

    server = trionet.create_server(on_connection)
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")

    client = trionet.connect(server.address()["port"], "127.0.0.1")
    client.on("pause", lambda: log("client pause event", client.readable_flowing))
    client.on(
        "resume", lambda: log("client resume event", client.readable_flowing, client.is_paused())
    )
    client.pause()
    log("client paused", client.readable_flowing)
    client.pause()
    client.resume()
    client.pause()
    log("client resume then pause", client.readable_flowing, client.is_paused())

    def on_client_data(d: bytes) -> None:
        log("client data", d.decode())
        client.end("two")

    def on_connect() -> None:
        client.write("one")
        client.on("data", on_client_data)
        client.resume()

    client.on("connect", on_connect)
    client.on("close", lambda _: log("client close"))


run(main)
