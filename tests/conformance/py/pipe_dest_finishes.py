# pipe() between two real sockets when the destination finishes first (the
# user end()s it): its 'finish' unpipes it, 'unpipe' is emitted, the source
# is paused, and what the source reads later is not written to the ended
# destination: it waits for a consumer of the user's own.
from _trace import accepted_pair, grouped, log, run

import trionet


async def main() -> None:
    grouped()
    dest: list[trionet.Socket] = []

    def on_sink(c: trionet.Socket) -> None:
        got: list[bytes] = []

        def on_data(d: bytes) -> None:
            got.append(d)
            dest[0].end()

        def on_end() -> None:
            log("sink got", b"".join(got).decode())
            sink.close()

        c.on("data", on_data)
        c.on("end", on_end)

    sink = trionet.create_server(on_sink)
    sink.listen(0, "127.0.0.1")
    await trionet.once(sink, "listening")
    server, client, src = await accepted_pair()
    d = trionet.connect(sink.address()["port"], "127.0.0.1")
    dest.append(d)
    await trionet.once(d, "connect")
    d.on("finish", lambda: log("dest finish"))

    def on_unpipe(s: object) -> None:
        log("dest unpipe", s is src, "src paused", src.is_paused(), "flowing", src.readable_flowing)
        client.end("two")
        got: list[bytes] = []
        src.on("data", got.append)

        def on_end() -> None:
            log("src own data", b"".join(got).decode())
            server.close()

        src.on("end", on_end)
        log("dest unpipe: src flowing after data listener", src.readable_flowing)
        src.resume()

    d.on("unpipe", on_unpipe)
    d.on("error", lambda e: log("dest error", e))
    src.pipe(d)
    client.write("one")


run(main)
