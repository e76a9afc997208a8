# pipe(): a proxy server pipes each client to a backend and back; 'pipe' is
# emitted on the destination; the destination is ended after the source's
# 'end' (both proxy legs allow half-open, so the reply can follow the
# request's FIN). 200 KB make the pipe pause and resume on backpressure.
from _trace import grouped, log, run

import trionet


async def main() -> None:
    grouped()

    def on_backend(c: trionet.Socket) -> None:
        c.set_encoding("latin1")
        n = [0]
        c.on("data", lambda d: n.__setitem__(0, n[0] + len(d)))
        c.on("end", lambda: c.end(f"backend got {n[0]}"))

    backend = trionet.create_server(on_backend)
    backend.listen(0, "127.0.0.1")
    await trionet.once(backend, "listening")

    def on_proxy(c: trionet.Socket) -> None:
        up = trionet.connect(backend.address()["port"], "127.0.0.1", allow_half_open=True)
        up.on("pipe", lambda src: log("proxy up pipe event", src is c))
        c.pipe(up)
        up.pipe(c)

        def on_close(_: bool) -> None:
            proxy.close()
            backend.close()

        c.on("close", on_close)

    proxy = trionet.create_server(on_proxy, allow_half_open=True)
    proxy.listen(0, "127.0.0.1")
    await trionet.once(proxy, "listening")
    client = trionet.connect(proxy.address()["port"], "127.0.0.1")
    chunks: list[bytes] = []
    client.on("data", chunks.append)
    client.on("end", lambda: log("client reply", b"".join(chunks).decode()))
    client.end(b"x" * (200 * 1024))


run(main)
