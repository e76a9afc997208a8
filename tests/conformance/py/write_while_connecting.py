# Writes before the connection is up are queued: with high_water_mark 0 every
# write returns False; buffer_size and bytes_written grow at once,
# bytes_written by the UTF-8 bytes of a multi-byte string; end() while
# connecting leaves ready_state 'opening'. pending is True until connected,
# False in the write callback, True again after 'close'; buffer_size is 0 at
# 'finish'. buffer_size is printed only while the queue holds ASCII: Node
# counts a queued string's characters there (its docs say so), trionet its bytes.
from _trace import grouped, log, run

import trionet


def main() -> None:
    grouped()

    def on_connection(c: trionet.Socket) -> None:
        server.close()
        c.set_encoding("utf8")
        chunks: list[str] = []
        c.on("data", chunks.append)

        def on_end() -> None:
            log("server got", "".join(chunks), c.bytes_read)
            c.end()

        c.on("end", on_end)

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        s = trionet.Socket({"high_water_mark": 0})
        log("client new", s.pending, s.connecting)
        s.connect(server.address()["port"], "127.0.0.1", lambda: log("client connect", s.pending))
        log("client connecting", s.pending, s.connecting, s.ready_state, s.buffer_size)
        for _ in range(3):
            log("client write a", s.write("a"), s.buffer_size, s.bytes_written)
        r = s.write(
            "L'État, c'est ",
            lambda err=None: log("client write cb", err, s.bytes_written, s.pending),
        )
        log("client write multi-byte", r, s.bytes_written)
        s.end("moi")
        log("client after end", s.ready_state, s.bytes_written)
        s.on("finish", lambda: log("client finish", s.buffer_size))
        s.resume()
        s.on("close", lambda _: log("client close", s.pending, s.bytes_written))

    server.listen(0, "127.0.0.1", on_listening)


run(main)
