# write() after destroy(): returns False, the callback gets
# ERR_STREAM_DESTROYED before 'close', and no 'error' event is emitted.
# Repeated 20 times: the order must hold every time, not just usually.
from _trace import log, run, sleep

import trionet


async def main() -> None:
    server = trionet.create_server(lambda c: c.resume())
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    orders: dict[str, int] = {}
    for _ in range(20):
        events: list[str] = []
        client = trionet.connect(server.address()["port"], "127.0.0.1")
        client.on("error", lambda e, ev=events: ev.append("error " + e.code))
        client.on("close", lambda _, ev=events: ev.append("close"))
        await trionet.once(client, "connect")
        client.destroy()
        r = client.write("x", lambda err, ev=events: ev.append("cb " + err.code))
        events.append("write " + ("true" if r else "false"))
        await trionet.once(client, "close")
        await sleep(1)
        key = ", ".join(events)
        orders[key] = orders.get(key, 0) + 1
    for key, n in orders.items():
        log("order", key, n)
    server.close()


run(main)
