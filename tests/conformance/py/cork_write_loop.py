# cork(); write(); write(); uncork() 5000 times (20 KB in all) on a
# connected socket: uncork() hands the two writes to the kernel at once,
# so the queue never holds more than them and every write returns true;
# the peer receives everything in order.
from _trace import grouped, log, run

import trionet

N = 5000


def main() -> None:
    grouped()
    log("client")
    log("server")

    def on_connection(c: trionet.Socket) -> None:
        chunks: list[bytes] = []

        def on_end() -> None:
            data = b"".join(chunks)
            ordered = all(
                int.from_bytes(data[i * 4 : i * 4 + 2], "big") == i
                and int.from_bytes(data[i * 4 + 2 : i * 4 + 4], "big") == i
                for i in range(N)
            )
            log("server received", len(data), "in order", ordered)
            c.end()

        c.on("data", chunks.append)
        c.on("end", on_end)
        c.on("error", lambda e: log("server error", e))
        c.on("close", lambda _: server.close())

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        conn = trionet.connect(server.address()["port"], "127.0.0.1")

        def on_connect() -> None:
            res = True
            i = 0
            max_corked_length = 0
            while i < N and res:
                buf = i.to_bytes(2, "big")
                conn.cork()
                conn.write(buf)
                res = conn.write(buf)
                max_corked_length = max(max_corked_length, conn.writable_length)
                conn.uncork()
                i += 1
            log("client iterations", i, "last result", res, "max corked length", max_corked_length)
            log("client after loop", conn.writable_corked, conn.bytes_written)
            conn.end()

        conn.on("connect", on_connect)
        conn.resume()
        conn.on("close", lambda had_error: log("client close", had_error))

    server.listen(0, "127.0.0.1", on_listening)


run(main)
