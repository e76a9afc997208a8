# Writes made while connecting, then destroy(): Node fails the write waiting
# for 'connect' from a 'close' listener it adds at the write, so a 'close'
# listener added before the write runs before the write's callback (and the
# end() callback queued behind it), and one added after runs after them.
from _trace import log, run

import trionet


def main() -> None:
    server = trionet.create_server(lambda c: c.resume())

    def on_listening() -> None:
        s = trionet.connect(server.address()["port"], "127.0.0.1")
        s.on("close", lambda had_error: log("close listener added before", had_error))
        s.write("a", lambda err=None: log("a cb", err))
        s.end("b", lambda err=None: log("end cb", err))

        def after(had_error: bool) -> None:
            log("close listener added after", had_error)
            server.close()

        s.on("close", after)
        s.destroy()

    server.listen(0, "127.0.0.1", on_listening)


run(main)
