# server.close(cb) with a live connection: stops listening at once (new
# connections are refused), the connection keeps working, and 'close' (then
# the callback) comes only after the last connection has closed.
from _trace import log, run, sleep

import trionet


async def main() -> None:
    def on_connection(c: trionet.Socket) -> None:
        c.set_encoding("utf8")
        c.on("data", lambda d: c.write(d.upper()))
        c.on("end", lambda: log("conn end"))
        c.on("close", lambda _: log("conn close"))

    server = trionet.create_server(on_connection)
    server.on("close", lambda: log("server close event"))
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    port = server.address()["port"]
    client = trionet.connect(port, "127.0.0.1")
    await trionet.once(server, "connection")
    server.close(lambda err=None: log("close cb", err))
    log("listening", server.listening, "address", server.address())
    refused = trionet.connect(port, "127.0.0.1")
    (err,) = await trionet.once(refused, "error")
    log("new connection", err.code)
    client.write("still works")
    (reply,) = await trionet.once(client, "data")
    log("reply", reply)
    await sleep(50)
    log("ending client")
    client.end()


run(main)
