# A custom lookup: the options Node passes it (family only when 4 or 6, hints
# with ADDRCONFIG when unspecified, all: True when the addresses are raced),
# and one 'lookup' event per address that will be tried, before 'connect'.
from typing import Any

from _trace import log, run, trace

import trionet

CASES: list[tuple[str, dict[str, Any]]] = [
    ("race", {}),
    ("family4", {"family": 4}),
    ("hints", {"hints": 1024, "auto_select_family": False}),
    ("local", {"local_address": "127.0.0.1"}),
]


async def main() -> None:
    server = trionet.create_server(lambda c: c.end())
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    port = server.address()["port"]
    for tag, extra in CASES:

        async def lookup(host: str, options: dict[str, Any], tag: str = tag) -> Any:
            log(f"{tag} lookup called", host, options)
            if options.get("all"):
                return [
                    {"address": "127.0.0.1", "family": 4},
                    {"address": "127.0.0.2", "family": 4},
                ]
            return ("127.0.0.1", 4)

        s = trionet.connect({"port": port, "host": "example.test", "lookup": lookup, **extra})
        trace(s, tag, "lookup", "connect", "close")
        s.resume()
        await trionet.once(s, "close")
    server.close()


run(main)
