# end() on a new Socket that was never connected: it does not raise,
# returns the socket, and emits nothing ('finish' waits for a connection
# that never comes); ready_state goes from 'open' to 'readOnly', pending stays
# True. The program then exits by itself.
import trio
from _trace import log, run, trace

import trionet


async def main() -> None:
    s = trionet.Socket()
    trace(s, "socket", "finish", "end", "error", "close")
    log("before end", s.ready_state)
    log("end returns socket", s.end() is s)
    log(
        "after end",
        s.ready_state,
        s.pending,
        s.writable,
        s.writable_ended,
        s.writable_finished,
        s.destroyed,
    )
    await trio.sleep(0.02)
    log("later", s.ready_state, s.writable_finished, s.destroyed)


run(main)
