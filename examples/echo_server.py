"""Node's net.createServer example (from its documentation), line by line.

usage: python examples/echo_server.py [PORT | PATH]   (default 8124)

Prints "server bound" and "READY" once listening (READY tells scripts and tests
that it is up); try it with `nc localhost 8124` or `nc -U PATH`.

Two things are not in Node's example. An 'error' listener on each connection:
without one, a client that resets its connection (ECONNRESET) is an uncaught error
that ends the whole server, in Node as here; with it, the error is logged on stderr
and ends that connection only ('close' follows). And no_delay=True (Node 20's
noDelay server option): answers go out at once instead of waiting on Nagle's
algorithm (see docs/performance.md).
"""

import sys

import trionet


def main(where: str = "8124") -> None:
    def on_connection(c: trionet.Socket) -> None:
        # 'connection' listener.
        print("client connected", flush=True)
        c.on("error", lambda err: print("connection error:", err, file=sys.stderr))
        c.on("end", lambda: print("client disconnected", flush=True))
        c.write("hello\r\n")
        c.pipe(c)

    server = trionet.create_server(on_connection, no_delay=True)

    def on_error(err: BaseException) -> None:
        raise err

    server.on("error", on_error)
    target: int | str = int(where) if where.isdigit() else where
    server.listen(target, lambda: print("server bound\nREADY", flush=True))


if __name__ == "__main__":
    trionet.run(main, *sys.argv[1:2])
