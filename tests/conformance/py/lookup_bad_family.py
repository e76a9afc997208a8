# A custom lookup that answers a family other than 4 or 6: 'lookup' with the
# answer, then 'error' ERR_INVALID_ADDRESS_FAMILY (with the port) and
# 'close'(True); no 'connect'. With auto_select_family (the default, the
# lookup gets all: True and answers a list) and without it (one address).
from typing import Any

import trio
from _trace import log, run, sleep, trace

import trionet


async def five(host: str, opts: dict[str, Any]) -> Any:
    log("lookup called", host, opts.get("all") is True)
    await sleep(10)
    if opts.get("all"):
        return [{"address": "127.0.0.1", "family": 5}]
    return ("127.0.0.1", 5)


async def attempt_lookup(tag: str, extra: dict[str, Any]) -> None:
    closed = trio.Event()
    s = trionet.connect({"host": "five.test", "port": 80, "lookup": five, **extra})
    trace(s, tag, "lookup", "connect", "error")

    def on_close(had_error: bool) -> None:
        log(f"{tag} close", had_error, s.destroyed, s.connecting)
        closed.set()

    s.on("close", on_close)
    await closed.wait()


async def main() -> None:
    await attempt_lookup("auto", {})
    await attempt_lookup("single", {"auto_select_family": False})


run(main)
