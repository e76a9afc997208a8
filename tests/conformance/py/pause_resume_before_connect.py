# pause()/resume() called while the socket is still connecting: the last
# call wins once connected. A socket left paused gets no 'data' even with a
# 'data' listener (added after pause()), and keeps its data until resume().
from _trace import grouped, log, run, sleep

import trionet

SEQUENCES = {
    "a": ["resume"],
    "b": ["pause", "resume"],
    "c": ["pause"],
    "d": ["resume", "pause", "resume"],
    "e": ["resume", "resume", "pause"],
}


async def main() -> None:
    grouped()
    accepted = [0]

    def on_connection(c: trionet.Socket) -> None:
        c.end("payload")
        accepted[0] += 1
        if accepted[0] == len(SEQUENCES):
            server.close()

    server = trionet.create_server(on_connection)
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    port = server.address()["port"]
    sockets: dict[str, tuple[trionet.Socket, list[bytes]]] = {}
    for name, ops in SEQUENCES.items():
        s = trionet.connect(port, "127.0.0.1")
        for op in ops:
            getattr(s, op)()
        log(f"{name} while connecting", s.connecting, s.is_paused(), s.readable_flowing)
        got: list[bytes] = []
        s.on("data", got.append)
        log(f"{name} after data listener", s.is_paused(), s.readable_flowing)
        s.on("end", lambda name=name, got=got: log(f"{name} end", b"".join(got)))
        sockets[name] = (s, got)
    # The three flowing sockets end on their own.
    for name in ("a", "b", "d"):
        s, _ = sockets[name]
        if not s.readable_ended:
            await trionet.once(s, "end")
    await sleep(100)
    for name in ("c", "e"):
        s, got = sockets[name]
        log(f"{name} still paused", s.is_paused(), "chunks", len(got))
        s.resume()
    for name in ("c", "e"):
        s, _ = sockets[name]
        if not s.readable_ended:
            await trionet.once(s, "end")
    server.on("close", lambda: log("server close"))


run(main)
