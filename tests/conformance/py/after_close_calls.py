# A socket that has closed still answers: set_no_delay, set_keep_alive, pause,
# resume, ref and unref return the socket and raise nothing; is_paused,
# ready_state and the byte counts still read; remote_address/remote_port, read
# once while connected, are still there. Before 'connect' the remote
# properties are None. (address(), local_address, buffer_size and
# set_timeout after close: after_close_local_state.)
from _trace import attempt, log, run

import trionet


def main() -> None:
    server = trionet.create_server(lambda c: c.end("x"))

    def on_listening() -> None:
        c = trionet.connect(server.address()["port"], "127.0.0.1")
        log("connecting remote", c.remote_address, c.remote_family, c.remote_port)
        log("connecting local", c.local_address, c.local_port)
        c.on(
            "connect",
            lambda: log("connected remote", c.remote_address, c.remote_family, c.remote_port > 0),
        )
        c.resume()

        def on_close(had_error: bool) -> None:
            log("close", had_error, c.ready_state)
            attempt("setNoDelay() is socket", lambda: c.set_no_delay() is c)
            attempt("setKeepAlive(true, 1000) is socket", lambda: c.set_keep_alive(True, 1000) is c)
            attempt("pause() is socket", lambda: c.pause() is c)
            attempt("isPaused()", lambda: c.is_paused())
            attempt("resume() is socket", lambda: c.resume() is c)
            attempt("isPaused()", lambda: c.is_paused())
            attempt("unref() is socket", lambda: c.unref() is c)
            attempt("ref() is socket", lambda: c.ref() is c)
            log("remote after close", c.remote_address, c.remote_family, c.remote_port > 0)
            log("bytes after close", c.bytes_read, c.bytes_written)
            server.close()

        c.on("close", on_close)

    server.listen(0, "127.0.0.1", on_listening)


run(main)
