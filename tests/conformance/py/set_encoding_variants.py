# set_encoding with other encodings (hex, base64, latin1, 'UTF-8'
# spelling) on bytes that arrive one at a time: joined output equals the
# encoding of the whole. (utf16le and ascii: set_encoding_edge.)
from _trace import log, run, sleep

import trionet

BYTES = bytes([0xE2, 0x82, 0xAC, 0x41, 0xFF, 0x00, 0x42])


async def main() -> None:
    async def on_connection(c: trionet.Socket) -> None:
        for b in BYTES:
            c.write(bytes([b]))
            await sleep(5)
        c.end()

    server = trionet.create_server(on_connection)
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    for enc in ["hex", "base64", "latin1", "binary", "UTF-8", "utf-8"]:
        client = trionet.connect(server.address()["port"], "127.0.0.1")
        client.set_encoding(enc)
        chunks: list[str] = []
        client.on("data", chunks.append)
        await trionet.once(client, "end")
        log(enc, "".join(chunks))
    server.close()


run(main)
