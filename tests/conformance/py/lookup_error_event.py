# A host name the resolver rejects without asking the network (a label of
# 64 characters, over DNS's 63): 'lookup' is emitted with the error and no
# address or family, then 'error' ENOTFOUND (syscall getaddrinfo, hostname
# set, no port or host attribute), then 'close' True; the connect callback
# never runs. end() right after connect() changes none of that.
from typing import Any

from _trace import log, run, trace

import trionet

HOST = "x" * 64


def error_line(tag: str, e: Any) -> None:
    log(
        f"{tag} error",
        e.code,
        e.syscall,
        getattr(e, "hostname", None) == HOST,
        getattr(e, "port", None) is not None,
        getattr(e, "host", None) is not None,
        str(e) == "getaddrinfo ENOTFOUND " + HOST,
    )


def main() -> None:
    s = trionet.connect(42, HOST, lambda: log("plain unexpected connect"))
    s.on(
        "lookup",
        lambda err, address, family, h: log(
            "plain lookup", err and err.code, address, family, h == HOST
        ),
    )
    s.on("error", lambda e: error_line("plain", e))
    trace(s, "plain", "close")

    def on_close(_: bool) -> None:
        t = trionet.connect({"port": 42, "host": HOST}, lambda: log("ended unexpected connect"))
        t.on("error", lambda e: error_line("ended", e))
        trace(t, "ended", "finish", "close")
        t.end()

    s.on("close", on_close)


run(main)
