# The stream state a Node socket shows at each stage: closed, errored,
# readable_aborted, readable_encoding, readable/writable_object_mode and
# writable_need_drain; and destroy_soon() (end, then destroy at 'finish').
from typing import Any

from _trace import grouped, log, run, sink_server

import trionet


def show(tag: str, s: trionet.Socket) -> None:
    errored: Any = s.errored
    log(
        tag,
        {
            "closed": s.closed,
            "errored": getattr(errored, "code", None) if errored is not None else None,
            "aborted": s.readable_aborted,
            "encoding": s.readable_encoding,
            "objectMode": [s.readable_object_mode, s.writable_object_mode],
            "needDrain": s.writable_need_drain,
            "destroyed": s.destroyed,
        },
    )


class Boom(Exception):
    code = "EBOOM"


async def main() -> None:
    grouped()

    def on_connection(c: trionet.Socket) -> None:
        show("server connection", c)
        c.set_encoding("utf8")
        show("server encoding set", c)
        first = [True]

        def on_data(_: str) -> None:
            if first[0]:
                show("server data", c)
            first[0] = False

        def on_end() -> None:
            show("server end", c)
            c.destroy_soon()
            show("server destroySoon", c)

        def on_close(_: bool) -> None:
            show("server close", c)
            server.close()

        c.on("data", on_data)
        c.on("end", on_end)
        c.on("finish", lambda: show("server finish", c))
        c.on("close", on_close)

    server = trionet.create_server(on_connection)
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")

    sink = await sink_server()

    client = trionet.connect(server.address()["port"], "127.0.0.1")
    show("client new", client)

    def on_connect() -> None:
        show("client connect", client)
        client.end("hi")

    client.on("connect", on_connect)
    client.on("end", lambda: show("client end", client))
    client.on("close", lambda _: show("client close", client))

    open_ = [2]

    def done() -> None:
        open_[0] -= 1
        if open_[0] == 0:
            sink.close()

    t = trionet.connect(sink.address()["port"], "127.0.0.1")

    def t_connect() -> None:
        t.destroy(Boom("boom"))
        show("t destroyed with an error", t)

    def t_close(_: bool) -> None:
        show("t close", t)
        done()

    t.on("connect", t_connect)
    t.on("error", lambda _: show("t error", t))
    t.on("close", t_close)
    u = trionet.connect(sink.address()["port"], "127.0.0.1")

    def u_connect() -> None:
        u.destroy()
        show("u destroyed", u)

    def u_close(_: bool) -> None:
        show("u close", u)
        done()

    u.on("connect", u_connect)
    u.on("close", u_close)


run(main)
