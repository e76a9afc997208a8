# The listen() callback is a once('listening') listener: after a listen
# error it stays registered and runs on the next successful listen(), before
# that call's own callback; after close() a new listen() runs only its own
# callback. A second listen() while listening throws and adds nothing.
from _trace import attempt, log, run

import trionet


async def main() -> None:
    taken = trionet.create_server()
    taken.listen(0, "127.0.0.1")
    await trionet.once(taken, "listening")

    s = trionet.create_server()
    s.listen(taken.address()["port"], "127.0.0.1", lambda: log("cb1 (failed listen)"))
    log("listening listeners after listen", s.listener_count("listening"))
    (err,) = await trionet.once(s, "error")
    log("error", err.code, "listening listeners", s.listener_count("listening"), s.listening)
    s.listen(0, "127.0.0.1", lambda: log("cb2"))
    log("listening listeners after second listen", s.listener_count("listening"))
    await trionet.once(s, "listening")
    log("listening", s.listening, "listeners left", s.listener_count("listening"))
    attempt(
        "listen again while listening", lambda: s.listen(0, "127.0.0.1", lambda: log("cb never"))
    )
    log("listeners after throw", s.listener_count("listening"))
    s.close()
    taken.close()
    await trionet.once(s, "close")

    def cb3() -> None:
        log("cb3")

        def closed(*_: object) -> None:
            log("closed; listeners", s.listener_count("listening"))

            def cb4() -> None:
                log("cb4")
                s.close()

            s.listen(0, "127.0.0.1", cb4)

        s.close(closed)

    s.listen(0, "127.0.0.1", cb3)


run(main)
