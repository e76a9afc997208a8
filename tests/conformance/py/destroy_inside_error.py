# Calling destroy(), destroy(err) or reset_and_destroy() inside the 'error'
# listener of a failed connect: still exactly one 'error' and one
# 'close'(True); the second error is not emitted; each call returns the
# socket.
from collections.abc import Callable
from typing import Any

from _trace import free_port, grouped, log, run

import trionet

ACTIONS: dict[str, Callable[[trionet.Socket], Any]] = {
    "plain": lambda s: s.destroy(),
    "witherror": lambda s: s.destroy(Exception("second")),
    "reset": lambda s: s.reset_and_destroy(),
}


def main() -> None:
    grouped()
    # Fixes the order of the groups in the output.
    for tag in ACTIONS:
        log(tag)
    port = free_port()
    for tag, action in ACTIONS.items():
        s = trionet.connect(port, "127.0.0.1")

        def on_error(e: Any, s: trionet.Socket = s, tag: str = tag, action: Any = action) -> None:
            log(f"{tag} error", e.code, s.destroyed)
            log(f"{tag} call returns socket", action(s) is s, s.destroyed)

        s.on("error", on_error)
        s.on("close", lambda had_error, tag=tag: log(f"{tag} close", had_error))


run(main)
