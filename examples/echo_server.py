"""The seed's echo server (Node's net.createServer example), line by line.

usage: python examples/echo_server.py [PORT | PATH]   (default 8124)

Prints "server bound" and "READY" once listening (READY is for
shared/bench/compare.py); try it with `nc localhost 8124` or `nc -U PATH`.
"""

import sys

import trionet


def main(where: str = "8124") -> None:
    def on_connection(c: trionet.Socket) -> None:
        # 'connection' listener.
        print("client connected", flush=True)
        c.on("end", lambda: print("client disconnected", flush=True))
        c.write("hello\r\n")
        c.pipe(c)

    server = trionet.create_server(on_connection)

    def on_error(err: BaseException) -> None:
        raise err

    server.on("error", on_error)
    target: int | str = int(where) if where.isdigit() else where
    server.listen(target, lambda: print("server bound\nREADY", flush=True))


if __name__ == "__main__":
    trionet.run(main, *sys.argv[1:2])
