# destroy() in the same step as connect(): no SYN is sent, so the server
# never sees a connection (no 'connection', get_connections() 0 after a
# settle); each client gets 'close'(False) only. TCP only: over a Unix path
# Node's connect(2) runs inside connect(), so the server does accept it.
from _trace import grouped, log, run, sleep, trace

import trionet


async def main() -> None:
    # One group per client (Node happens to close them in reverse order).
    grouped()
    tags = ["client0", "client1", "client2"]
    for tag in tags:
        log(tag)
    connections = [0]

    def on_connection(c: trionet.Socket) -> None:
        connections[0] += 1

    server = trionet.create_server(on_connection)
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    for tag in tags:
        s = trionet.connect(server.address()["port"], "127.0.0.1")
        trace(s, tag, "connect", "error", "close")
        s.destroy()
    await sleep(100)

    def on_count(err: object, count: int) -> None:
        log("server", connections[0], err, count)
        server.close()

    server.get_connections(on_count)


run(main)
