"""Graceful shutdown on Ctrl-C: stop accepting, let the open connections finish.

usage: python examples/graceful_shutdown.py [PORT | PATH]   (default 8124)

Each line a client sends is a number of milliseconds of "work": the server
sleeps that long, then answers ``done <ms>``. On the first Ctrl-C (SIGINT, or
SIGTERM) the server stops accepting (``server.close()``) and waits for the open
connections to end; the process then exits 0. A second Ctrl-C stops the work in
progress (its cancel scope is cancelled), destroys the connections, and exits 130.

trio's ``open_signal_receiver`` turns the signals into an async iterator, so the
shutdown is ordinary code in ``main`` instead of a ``KeyboardInterrupt`` that
could land anywhere. Prints READY once listening, ``shutting down: N
connection(s) open`` on the first signal and ``closed`` at the end. A client that
resets its connection ends that connection only (the error is logged on stderr).
"""

import signal
import sys

import trio

import trionet


async def main(where: str = "8124") -> int:
    connections: dict[trionet.Socket, trio.CancelScope] = {}

    async def handle(sock: trionet.Socket) -> None:
        sock.on("error", lambda err: print("connection error:", err, file=sys.stderr))
        sock.set_encoding("utf8")
        pending = ""
        with trio.CancelScope() as scope:
            connections[sock] = scope
            try:
                async for chunk in sock:
                    assert isinstance(chunk, str)  # set_encoding(): chunks are str
                    *lines, pending = (pending + chunk).split("\n")
                    for line in lines:
                        if sock.destroyed:  # the client is gone (a reset): stop working
                            break
                        ms = int(line) if line.strip().isdigit() else 0
                        await trio.sleep(ms / 1000)  # the "work"
                        sock.write(f"done {ms}\n")
                sock.end()
            except trionet.NetError:
                pass  # a reset: logged by the 'error' listener; this connection is over
            finally:
                del connections[sock]
        if scope.cancelled_caught:
            sock.destroy()

    server = trionet.create_server(handle, no_delay=True)
    target: int | str = int(where) if where.isdigit() else where
    with trio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
        server.listen(target, lambda: print("READY", flush=True))
        await signals.__anext__()  # the first Ctrl-C
        server.close()  # no new connections; 'close' once the last one has ended
        print(f"shutting down: {len(connections)} connection(s) open", flush=True)
        forced = False
        async with trio.open_nursery() as nursery:

            async def second_signal() -> None:
                nonlocal forced
                await signals.__anext__()
                forced = True
                print(f"forcing: cancelling {len(connections)} connection(s)", flush=True)
                for scope in list(connections.values()):
                    scope.cancel()

            nursery.start_soon(second_signal)
            await trionet.once(server, "close")
            nursery.cancel_scope.cancel()
    print("closed", flush=True)
    return 130 if forced else 0


if __name__ == "__main__":
    sys.exit(trionet.run(main, *sys.argv[1:2]))
