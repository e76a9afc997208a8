"""Echo server written trio-style on trionet: an async connection listener.

usage: python bench/trio_style_echo.py PORT | python bench/trio_style_echo.py /path/to.sock
"""

import sys

import trionet


def main(where: str) -> None:
    async def handler(sock: trionet.Socket) -> None:
        sock.on("error", lambda err: None)
        try:
            async for chunk in sock:
                sock.write(chunk)
        except trionet.NetError:
            pass  # a peer reset ends this connection, not the server

    server = trionet.create_server(handler)
    ready = lambda: print("READY", flush=True)  # noqa: E731
    if where.isdigit():
        server.listen({"port": int(where), "host": "127.0.0.1", "backlog": 4096}, ready)
    else:
        server.listen({"path": where, "backlog": 4096}, ready)


if __name__ == "__main__":
    trionet.run(main, sys.argv[1])
