# max_connections: a connection over the limit is closed at once and the
# server emits 'drop' with the dropped connection's addresses (the info dict
# keeps Node's camelCase keys, as trionet documents for 'drop').
from _trace import grouped, log, run

import trionet


async def main() -> None:
    grouped()

    def on_connection(c: trionet.Socket) -> None:
        log("server connection")
        c.resume()

    server = trionet.create_server(on_connection)
    server.max_connections = 1
    server.on("drop", lambda info: log("server drop", info))
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    port = server.address()["port"]
    first = trionet.connect(port, "127.0.0.1")
    await trionet.once(server, "connection")
    second = trionet.connect(port, "127.0.0.1")
    second.on("connect", lambda: log("second connect"))
    second.on("end", lambda: log("second end"))
    second.on("error", lambda e: log("second error", e.code))
    second.resume()
    await trionet.once(second, "close")
    log("second close")
    first.end()
    await trionet.once(first, "close")
    server.close(lambda *_: log("server closed"))


run(main)
