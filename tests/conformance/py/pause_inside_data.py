# The server writes until write() returns False, then twice more, then
# end(); the client pauses inside every 'data' listener call and resumes
# 20 ms later. No 'data' arrives while paused, nothing is lost, and the
# client had to pause more than once.
from _trace import grouped, log, run, sleep

import trionet


def main() -> None:
    grouped()
    log("server")
    log("client")
    total = [0]

    def on_connection(c: trionet.Socket) -> None:
        body = "C" * 1024
        n = 1
        while c.write(body):
            n += 1
        log("server write returned false; needs drain", c.writable_need_drain)
        c.write(body)
        c.write(body)
        n += 2
        total[0] = n * len(body)
        log("server queued beyond the mark", c.writable_length > c.writable_high_water_mark)
        c.end()

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        client = trionet.connect(server.address()["port"], "127.0.0.1")
        client.set_encoding("ascii")
        state = {"received": 0, "pauses": 0, "while_paused": 0, "paused": False}

        # An async listener of a plain emitter runs as a task: a timer.
        timers = trionet.EventEmitter()

        async def resume_later(seen: int) -> None:
            await sleep(20)
            if state["received"] != seen:
                state["while_paused"] += 1
            state["paused"] = False
            client.resume()

        timers.on("pause", resume_later)

        def on_data(d: str) -> None:
            if state["paused"]:
                state["while_paused"] += 1
            state["received"] += len(d)
            if state["paused"]:
                return
            client.pause()
            state["paused"] = True
            state["pauses"] += 1
            timers.emit("pause", state["received"])

        def on_end() -> None:
            log(
                "client end: all received",
                state["received"] == total[0],
                "paused more than once",
                state["pauses"] > 1,
                "data while paused",
                state["while_paused"],
            )
            server.close()
            client.end()

        client.on("data", on_data)
        client.on("end", on_end)

    server.listen(0, "127.0.0.1", on_listening)


run(main)
