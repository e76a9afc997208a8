# Large writes and the byte counters. bytes_written counts a whole write at
# once, the part the kernel took and the part queued: after end(2 MiB) (bytes,
# then a str), and after each write of a corked pair; the end() callback sees
# the same totals (with end('') instead: cork_end_empty). On the reading side
# bytes_read grows at every 'data' and equals the total at 'end' and at
# 'close'. Then 40 Ki three-byte characters written as one str arrive, with
# set_encoding, as exactly 40 Ki characters with no replacement character.
from collections.abc import Callable

import trio
from _trace import grouped, log, run

import trionet

N = 2 * 1024 * 1024
CHARS = 40 * 1024


def send_buffer(c: trionet.Socket) -> None:
    c.end(b"a" * N, lambda *_: log("server buffer end cb", c.bytes_written))
    log("server buffer after end", c.bytes_written)


def send_string(c: trionet.Socket) -> None:
    c.end("b" * N, lambda *_: log("server string end cb", c.bytes_written))
    log("server string after end", c.bytes_written)


def send_corked(c: trionet.Socket) -> None:
    c.cork()
    c.write("c" * N)
    log("server corked after string", c.bytes_written)
    c.write(b"c" * N)
    log("server corked after buffer", c.bytes_written)
    c.end(lambda *_: log("server corked end cb", c.bytes_written))
    c.uncork()


SENDERS: list[tuple[str, Callable[[trionet.Socket], None]]] = [
    ("buffer", send_buffer),
    ("string", send_string),
    ("corked", send_corked),
]


async def main() -> None:
    grouped()
    i = 0

    def on_connection(c: trionet.Socket) -> None:
        nonlocal i
        c.resume()
        SENDERS[i][1](c)
        i += 1

    server = trionet.create_server(on_connection)
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    port = server.address()["port"]
    for tag, _ in SENDERS:
        client = trionet.connect(port, "127.0.0.1")
        state = {"prev": 0, "total": 0, "growing": True}

        def on_data(d: bytes, client: trionet.Socket = client, state: dict = state) -> None:
            state["total"] += len(d)
            if not client.bytes_read > state["prev"]:
                state["growing"] = False
            state["prev"] = client.bytes_read

        client.on("data", on_data)
        client.on(
            "end",
            lambda client=client, state=state, tag=tag: log(
                f"client {tag} end", state["growing"], client.bytes_read, state["total"]
            ),
        )
        closed = trio.Event()
        client.on("close", lambda _, closed=closed: closed.set())
        await closed.wait()
        log(f"client {tag} close", client.bytes_read)
    server.close()

    text = "あ" * CHARS

    def on_receive(c: trionet.Socket) -> None:
        c.set_encoding("utf8")
        got = {"chars": 0, "clean": True}

        def on_data(d: str) -> None:
            got["chars"] += len(d)
            if "\ufffd" in d:
                got["clean"] = False

        def on_end() -> None:
            log("receiver got", got["chars"], got["clean"], c.bytes_read)
            c.end()
            receiver.close()

        c.on("data", on_data)
        c.on("end", on_end)

    receiver = trionet.create_server(on_receive)
    receiver.listen(0, "127.0.0.1")
    await trionet.once(receiver, "listening")
    sender = trionet.connect(receiver.address()["port"], "127.0.0.1")
    log("sender write", sender.write(text, "utf8"), sender.bytes_written)
    sender.end()
    sender.resume()


run(main)
