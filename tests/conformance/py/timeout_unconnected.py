# set_timeout() on a new Socket that never connects: 'timeout' still fires,
# once (the timer counts from the call). The timer does not keep the process
# alive (unref'd), so a sleep in main waits for it here.
from _trace import log, run, sleep

import trionet


async def main() -> None:
    s = trionet.Socket()
    s.set_timeout(50)
    log("set", s.timeout, s.connecting, s.pending, s.ready_state, s.destroyed)
    count = [0]

    def on_timeout() -> None:
        count[0] += 1
        log("timeout", count[0], s.connecting, s.pending, s.ready_state, s.destroyed)

    s.on("timeout", on_timeout)
    # (Node emits this 'close' with no argument: the socket never had a handle.)
    s.on("close", lambda *_: log("close", count[0]))
    await sleep(250)
    log("waited", count[0])
    s.destroy()


run(main)
