# A write loop driven by 'drain': write 64 KB chunks until write() returns
# False, continue on 'drain', three rounds, then end(); once as bytes and
# once as hex strings (converted at write() time). The peer receives every
# byte, unchanged.
from _trace import grouped, log, run

import trionet

CHUNK = bytes((i * 7) & 0xFF for i in range(64 * 1024))
PATTERN = CHUNK * 2


def main() -> None:
    grouped()
    log("buffer")
    log("hex")

    def on_connection(c: trionet.Socket) -> None:
        state = {"tag": None, "received": 0, "intact": True}

        def on_data(d: bytes) -> None:
            if state["tag"] is None:
                state["tag"] = "buffer" if d[0] == 0x42 else "hex"
                state["received"] = 1
                d = d[1:]
            view = memoryview(d)
            while view:
                offset = (state["received"] - 1) % len(CHUNK)
                n = min(len(view), len(CHUNK))
                if view[:n] != PATTERN[offset : offset + n]:
                    state["intact"] = False
                state["received"] += n
                view = view[n:]

        def on_end() -> None:
            log(
                f"{state['tag']} server received",
                (state["received"] - 1) % len(CHUNK) == 0,
                "intact",
                state["intact"],
            )
            c.end()

        c.on("data", on_data)
        c.on("end", on_end)

    server = trionet.create_server(on_connection)
    done = [0]

    def on_listening() -> None:
        for tag in ("buffer", "hex"):
            conn = trionet.connect(server.address()["port"], "127.0.0.1")

            def on_connect(conn: trionet.Socket = conn, tag: str = tag) -> None:
                conn.write("B" if tag == "buffer" else "H")
                counts = {"rounds": 0, "writes": 0}
                data = CHUNK if tag == "buffer" else CHUNK.hex()

                def write_loop() -> None:
                    counts["rounds"] += 1
                    if counts["rounds"] - 1 == 3:
                        log(
                            f"{tag} client rounds",
                            counts["rounds"] - 1,
                            "bytes written add up",
                            conn.bytes_written == 1 + counts["writes"] * len(CHUNK),
                        )
                        conn.end()
                        return
                    while True:
                        counts["writes"] += 1
                        ok = conn.write(data) if tag == "buffer" else conn.write(data, "hex")
                        if not ok:
                            break

                conn.on("drain", write_loop)
                write_loop()

            def on_close(_: bool) -> None:
                done[0] += 1
                if done[0] == 2:
                    server.close()

            conn.on("connect", on_connect)
            conn.resume()
            conn.on("close", on_close)

    server.listen(0, "127.0.0.1", on_listening)


run(main)
