# Paused-mode reading: a 'readable' listener, read() and read(n) (None until
# enough is buffered; the rest at EOF), 'data' emitted by read(), the
# read-ahead limit raised by a large read(n), and 'end' once all was taken.
# The server answers each "more" with the next piece, so chunks are fixed.
from _trace import grouped, log, run

import trionet


def main() -> None:
    grouped()
    pieces = [b"hello ", b"world, this is more", b"abc"]

    def on_connection(c: trionet.Socket) -> None:
        sent = [0]

        def next_piece() -> None:
            if sent[0] < len(pieces):
                c.write(pieces[sent[0]])
                sent[0] += 1
            else:
                c.end()

        next_piece()
        c.on("data", lambda _: next_piece())
        c.on("close", lambda _: server.close())

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        s = trionet.connect(server.address()["port"], "127.0.0.1")
        log("client sync", s.readable_flowing, s.read(), s.readable_length)
        s.on("connect", lambda: log("client connect", s.readable_flowing, s.read(0)))
        s.on("data", lambda d: log("client data", d))
        step = [0]

        def on_readable() -> None:
            log("client readable", step[0], s.readable_length, s.readable_flowing)
            if step[0] == 0:
                log("client read 10", s.read(10), s.readable_length)
                log("client read 20000", s.read(20000), s.readable_high_water_mark)
                s.write("more")
            elif step[0] == 1:
                log("client read 10", s.read(10))
                log("client read 10", s.read(10))
                log("client read 10", s.read(10), s.readable_length)
                s.write("more")
            elif step[0] == 2:
                log("client read", s.read())
                log("client read", s.read(), s.readable_ended)
                s.write("end")
            else:
                log("client read 100", s.read(100), s.readable_length)
            step[0] += 1

        s.on("readable", on_readable)
        s.on("end", lambda: log("client end", s.readable_length, s.readable_ended, s.read()))
        s.on("close", lambda had_error: log("client close", had_error))

    server.listen(0, "127.0.0.1", on_listening)


run(main)
