# for await (const chunk of socket) vs trionet's `async for chunk in socket`:
# a complete echo-upper server as one async connection listener; the loop
# ends at the peer's FIN; with set_encoding the chunks are strings.
from _trace import grouped, log, run, sleep

import trionet


async def main() -> None:
    grouped()

    async def on_connection(c: trionet.Socket) -> None:
        c.set_encoding("utf8")
        seen: list[str] = []
        async for chunk in c:
            seen.append(chunk)
            c.write(chunk.upper())
        log("server loop done", "".join(seen), "string" if isinstance(seen[0], str) else "?")
        c.end()

    server = trionet.create_server(on_connection)
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    client = trionet.connect(server.address()["port"], "127.0.0.1")
    client.write("hello ")

    async def later() -> None:
        await sleep(20)
        client.end("world")

    got: list[bytes] = []
    # Node's setTimeout runs beside the loop; here a listener task does.
    client.once("connect", later)
    async for chunk in client:
        got.append(chunk)
    log("client got", b"".join(got), isinstance(got[0], bytes))
    server.close(lambda *_: log("server closed"))


run(main)
