# destroy() while the host name is being looked up: connect() has already
# called the lookup function (synchronously), but its answer is ignored: no
# 'lookup' event, no 'connect', no 'error', just 'close' False; the server
# never sees a connection. Destroyed in the same tick as connect(), and a
# little later, while the lookup is still out.
# Deliberate difference: trionet calls the lookup from the socket's connect
# task, so a destroy() in the same tick as connect() means it is never called
# (Node calls it inside connect()); only the later case prints the call.
from typing import Any

import trio
from _trace import log, run, trace

import trionet


async def main() -> None:
    server = trionet.create_server(lambda c: log("unexpected connection"))
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    for tag in ("same tick", "later"):

        async def lookup(host: str, options: dict[str, Any], tag: str = tag) -> Any:
            if tag == "later":
                log(f"{tag} lookup called", host)
            await trio.sleep(0.03)
            return [{"address": "127.0.0.1", "family": 4}]

        s = trionet.connect(
            {"port": server.address()["port"], "host": "example.test", "lookup": lookup},
            lambda tag=tag: log(f"{tag} connect callback"),
        )
        trace(s, tag, "lookup", "connect", "error")
        if tag == "later":
            await trio.sleep(0.01)
        log(f"{tag} before destroy", s.connecting)
        s.destroy()
        log(f"{tag} destroyed", s.destroyed, s.connecting)
        (had_error,) = await trionet.once(s, "close")
        log(f"{tag} close", had_error)
    await trio.sleep(0.05)
    server.close()


run(main)
