# A custom lookup that fails: it raises, at once (a plain function) or later
# (an async one), as Node's lookup calls back with an error. The socket emits
# 'lookup' with the error, then 'error' (the same error) and 'close'(True); no
# 'connect'. (Node's lookup that throws is not here: Node calls it inside
# connect(), so the exception escapes connect() and the socket stays
# 'opening' for ever, with no event.)
from collections.abc import Callable
from typing import Any

import trio
from _trace import log, run, sleep, trace

import trionet


def failure() -> trionet.NetError:
    return trionet.NetError("ENOTFOUND", "no such host here")


async def attempt_lookup(tag: str, lookup: Callable[..., Any]) -> None:
    closed = trio.Event()
    s = trionet.Socket()
    trace(s, tag, "lookup", "connect", "ready", "error")

    def on_close(had_error: bool) -> None:
        log(f"{tag} close", had_error, s.destroyed, s.connecting, s.ready_state)
        closed.set()

    s.on("close", on_close)
    s.connect({"host": "fails.test", "port": 80, "lookup": lookup})
    await closed.wait()


def now(host: str, opts: dict[str, Any]) -> Any:
    raise failure()


async def later(host: str, opts: dict[str, Any]) -> Any:
    await sleep(10)
    raise failure()


async def main() -> None:
    await attempt_lookup("now", now)
    await attempt_lookup("later", later)


run(main)
