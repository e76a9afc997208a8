# The idle timeout counts from set_timeout() (or the `timeout` connect option),
# not from 'connect': it fires while a custom lookup has not answered. One
# lookup never answers (the listener destroys the socket); one answers late
# (the socket then connects, and the timer, re-armed by the connect, fires
# again). A lookup only applies to TCP.
from typing import Any

import trio
from _trace import log, run, trace

import trionet


async def never_lookup(host: str, opts: dict[str, Any]) -> Any:
    log("never lookup")
    await trio.sleep_forever()


async def late_lookup(host: str, opts: dict[str, Any]) -> Any:
    log("late lookup", host, opts.get("all") is True)
    await trio.sleep(0.15)
    return [("127.0.0.1", 4)] if opts.get("all") else ("127.0.0.1", 4)


def main() -> None:
    def on_connection(c: trionet.Socket) -> None:
        c.resume()
        c.on("end", lambda: c.end())

    server = trionet.create_server(on_connection)

    def late_one(port: int) -> None:
        s = trionet.connect({"host": "late.test", "port": port, "lookup": late_lookup})
        s.set_timeout(50)
        count = [0]

        def on_timeout() -> None:
            count[0] += 1
            log("late timeout", count[0], s.connecting, s.ready_state)
            if not s.connecting:
                s.end()

        def on_close(had_error: bool) -> None:
            log("late close", had_error)
            server.close()

        s.on("timeout", on_timeout)
        trace(s, "late", "lookup", "connect", "end", "error")
        s.on("close", on_close)

    def on_listening() -> None:
        port = server.address()["port"]
        never = trionet.connect(
            {"host": "never.test", "port": port, "timeout": 50, "lookup": never_lookup}
        )

        def on_timeout() -> None:
            log("never timeout", never.connecting, never.pending, never.ready_state, never.timeout)
            never.destroy()

        def on_close(had_error: bool) -> None:
            log("never close", had_error)
            late_one(port)

        never.on("timeout", on_timeout)
        trace(never, "never", "lookup", "connect", "error")
        never.on("close", on_close)

    server.listen(0, "127.0.0.1", on_listening)


run(main)
