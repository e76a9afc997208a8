# auto_select_family False: the custom lookup is asked for one address (no
# `all`), only that address is tried, and when it refuses the error is that
# connect's own ECONNREFUSED even though the next family would have worked;
# auto_select_family_attempted_addresses stays None (Node: undefined). The
# server listens on 127.0.0.1 only; the lookup answers ::1 first.
from typing import Any

from _trace import log, run, trace

import trionet


def main() -> None:
    server = trionet.create_server(lambda c: c.end("v4"))

    def on_listening() -> None:
        port = server.address()["port"]

        async def lookup(host: str, options: dict[str, Any]) -> Any:
            log("lookup called", host, options)
            if options.get("all"):
                return [{"address": "::1", "family": 6}, {"address": "127.0.0.1", "family": 4}]
            return ("::1", 6)

        s = trionet.connect(
            {"port": port, "host": "dual.test", "lookup": lookup, "auto_select_family": False}
        )
        trace(s, "client", "lookup", "connect", "data")
        s.on(
            "error",
            lambda e: log(
                "client error", e.code, e.syscall, e.address, str(e).replace(f":{port}", ":PORT")
            ),
        )

        def on_close(had_error: bool) -> None:
            log("client close", had_error, s.auto_select_family_attempted_addresses)
            server.close()

        s.on("close", on_close)

    server.listen(0, "127.0.0.1", on_listening)


run(main)
