# write() returns False once the queue passes the high-water mark while the
# peer does not read; 'drain' follows once the peer reads; buffer_size and
# the total received. How many writes that takes is kernel-dependent: not printed.

from _trace import grouped, log, run, sleep

import trionet

CHUNK = b"a" * (64 * 1024)


async def main() -> None:
    grouped()
    peer: list[trionet.Socket] = []
    received = [0]

    def on_connection(c: trionet.Socket) -> None:
        def on_data(d: bytes) -> None:
            received[0] += len(d)

        def on_end() -> None:
            log("server got end")
            c.end()

        c.on("data", on_data)
        c.on("end", on_end)
        c.on("close", lambda _: server.close())
        peer.append(c)

    server = trionet.create_server(on_connection, pause_on_connect=True)
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    client = trionet.connect(server.address()["port"], "127.0.0.1")
    client.on("close", lambda h: log("client close", h))
    await trionet.once(client, "connect")
    log("client first write", client.write("hello"))
    writes, total = 1, 5
    while True:
        writes += 1
        total += len(CHUNK)
        if not client.write(CHUNK):
            break
        assert writes <= 10000, "never false"
    log(
        "client write returned false; bufferSize > 0",
        client.buffer_size > 0,
        client.writable_need_drain,
    )

    def on_drain() -> None:
        log("client drain; bufferSize", client.buffer_size, client.writable_need_drain)
        client.end(lambda *_: log("client finished", client.bytes_written == total))
        server.once("close", lambda: log("server received all", received[0] == total))

    client.once("drain", on_drain)
    await sleep(50)
    while not peer:
        await sleep(5)
    peer[0].resume()


run(main)
