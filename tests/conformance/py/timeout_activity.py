# Activity pushes the idle timeout back: writes every 20 ms keep a 150 ms
# timeout from firing; once idle, it fires exactly once and again after
# new activity.
from _trace import log, run, sleep

import trionet


async def main() -> None:
    def on_connection(c: trionet.Socket) -> None:
        c.resume()
        c.on("close", lambda _: server.close())

    server = trionet.create_server(on_connection)
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    client = trionet.connect(server.address()["port"], "127.0.0.1")
    fired = [0]
    client.on("timeout", lambda: fired.__setitem__(0, fired[0] + 1))
    await trionet.once(client, "connect")
    client.set_timeout(150)
    for _ in range(12):
        client.write("x")
        await sleep(20)
    log("timeouts while active", fired[0])
    await sleep(400)
    log("timeouts after idle", fired[0])
    client.write("y")
    await sleep(400)
    log("timeouts after more activity", fired[0])
    client.end()


run(main)
