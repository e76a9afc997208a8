"""A line protocol written trio-style: an async connection listener with ``async for``.

usage: python examples/line_protocol.py [PORT | PATH]   (default 8124)

The connection listener is ``async def``, so it runs as the connection's task:
``async for chunk in sock`` reads, the handler splits lines and answers each one.
Reading only happens when the loop asks for the next chunk, and a reply that
the kernel will not take yet waits for ``'drain'``: backpressure both ways, with
no callbacks. The answers to the lines of one chunk go out in one write, with
no-delay set: a client that sends several commands at once is not held up by
Nagle's algorithm.

A client that resets its connection ends that connection only: the ``'error'``
listener logs it on stderr, and ``async for`` raises it, caught around the loop.

Commands (one per line, answers end with "\\n"):

    PING            -> PONG
    ECHO <text>     -> <text>
    ADD <n> <n>...  -> the sum
    UPPER <text>    -> <TEXT>
    QUIT            -> BYE, then the server ends the connection
    anything else   -> ERR unknown command: <word>

Try it with ``nc localhost 8124``. Prints READY once listening.
"""

import sys

import trionet


def answer(line: str) -> str | None:
    """The reply to one line; None for QUIT."""
    command, _, rest = line.partition(" ")
    match command.upper():
        case "PING":
            return "PONG"
        case "ECHO":
            return rest
        case "UPPER":
            return rest.upper()
        case "ADD":
            try:
                return str(sum(int(n) for n in rest.split()))
            except ValueError:
                return "ERR ADD takes integers"
        case "QUIT":
            return None
        case _:
            return f"ERR unknown command: {command}"


async def handle(sock: trionet.Socket) -> None:
    """One connection, start to end: the connection listener is its task."""
    sock.on("error", lambda err: print("connection error:", err, file=sys.stderr))
    sock.set_encoding("utf8")
    pending = ""
    try:
        async for chunk in sock:
            assert isinstance(chunk, str)  # set_encoding(): chunks are str
            *lines, pending = (pending + chunk).split("\n")
            replies = []
            for line in lines:
                line = line.rstrip("\r")
                if not line:
                    continue
                reply = answer(line)
                if reply is None:
                    sock.end("".join(replies) + "BYE\n")
                    return
                replies.append(reply + "\n")
            if replies and not sock.write("".join(replies)):
                await trionet.once(sock, "drain")  # the client is slow: wait
        sock.end()  # the client ended first: end our side too
    except trionet.NetError:
        pass  # a reset: logged by the 'error' listener; this connection is over


def main(where: str = "8124") -> None:
    server = trionet.create_server(handle, no_delay=True)
    target: int | str = int(where) if where.isdigit() else where
    server.listen(target, lambda: print("READY", flush=True))


if __name__ == "__main__":
    trionet.run(main, *sys.argv[1:2])
