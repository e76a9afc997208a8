# Happy Eyeballs with a custom lookup that answers several addresses: they
# are tried in the lookup's order with the families interleaved (starting
# with the first answer's family), the first that connects wins and no
# later address is tried; auto_select_family_attempted_addresses lists what
# was tried. Both 127.0.0.1 and ::1 listen on the same port (the IPv4 and the
# IPv6 server say which one answered); 127.0.0.2 and 127.0.0.3 refuse.
# When every address refuses: one 'error' whose code is the first error's,
# with every attempt's error in .errors (the aggregate message itself is a
# documented difference and not printed).
from typing import Any

import trio
from _trace import log, run

import trionet

CASES = [
    ("v4 first", ["127.0.0.1", "::1"]),
    ("v6 first", ["::1", "127.0.0.1"]),
    ("one family", ["127.0.0.2", "127.0.0.3", "127.0.0.1"]),
    ("interleaved", ["127.0.0.2", "127.0.0.3", "127.0.0.1", "::1"]),
    ("all refused", ["127.0.0.2", "127.0.0.3"]),
]


async def listen(host: str, port: int) -> trionet.Server:
    server = trionet.create_server(lambda c: c.end(host))
    server.listen(port, host)
    await trionet.once(server, "listening")
    return server


async def main() -> None:
    v4 = await listen("127.0.0.1", 0)
    port = v4.address()["port"]
    v6 = await listen("::1", port)

    def strip(text: str) -> str:
        return text.replace(f":{port}", ":PORT")

    for tag, addresses in CASES:

        async def lookup(
            host: str, options: dict[str, Any], addresses: list[str] = addresses
        ) -> Any:
            return [{"address": a, "family": trionet.is_ip(a)} for a in addresses]

        s = trionet.connect({"port": port, "host": "multi.test", "lookup": lookup})
        s.set_encoding("utf8")
        s.on("data", lambda d, tag=tag: log(f"{tag} answered by", d))
        s.on(
            "error",
            lambda e, tag=tag: log(f"{tag} error", e.code, [strip(str(x)) for x in e.errors]),
        )
        closed = trio.Event()
        s.on("close", lambda _, closed=closed: closed.set())
        await closed.wait()
        log(f"{tag} attempted", [strip(a) for a in s.auto_select_family_attempted_addresses])
    v4.close()
    v6.close()


run(main)
