# set_encoding('utf8') with multi-byte characters split across reads: the
# writer sends one byte at a time with delays; no replacement characters,
# the joined text is intact, and no 'data' chunk is empty.
from _trace import log, run, sleep

import trionet

TEXT = "aé€😀z"


def main() -> None:
    async def on_connection(c: trionet.Socket) -> None:
        c.on("close", lambda _: server.close())
        for b in TEXT.encode():
            c.write(bytes([b]))
            await sleep(15)
        c.end()

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        client = trionet.connect(server.address()["port"], "127.0.0.1")
        client.set_encoding("utf8")
        chunks: list[str] = []
        client.on("data", chunks.append)

        def on_end() -> None:
            text = "".join(chunks)
            log("types", sorted({"string" if isinstance(c, str) else "other" for c in chunks}))
            log("joined", text, text == TEXT)
            log("replacement chars", "\ufffd" in text, "empty chunks", "" in chunks)
            log("bytesRead", client.bytes_read)

        client.on("end", on_end)

    server.listen(0, "127.0.0.1", on_listening)


run(main)
