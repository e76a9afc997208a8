# Paused-mode reading with an encoding (lengths and read(n) count characters;
# a character split across chunks comes out whole), unshift() of strings and
# bytes, removing the 'readable' listener (a 'data' listener then flows), and
# unshift() after 'end' (ERR_STREAM_UNSHIFT_AFTER_END_EVENT).
from _trace import grouped, log, run

import trionet


def main() -> None:
    grouped()
    pieces = [bytes([0x68, 0xC3]), bytes([0xA9, 0x6C, 0x6C, 0x6F, 0x20])]
    pieces += ["wörld, flowing now".encode(), b"tail"]

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
        s.set_encoding("utf8")
        step = [0]

        def on_data(d: str) -> None:
            log("client data", d, s.readable_flowing)
            s.write("more")

        def on_readable() -> None:
            log("client readable", step[0], s.readable_length)
            if step[0] == 0:
                log("client read", s.read(), s.readable_length)
                s.write("more")
            elif step[0] == 1:
                log("client read 2", s.read(2), s.readable_length)
                log("client unshift", s.unshift("ÉH"), s.readable_length)
                log("client unshift buffer", s.unshift(b"<"), s.readable_length)
                log("client read 4", s.read(4), s.readable_length)
                s.remove_listener("readable", on_readable)
                s.on("data", on_data)
                log("client after remove", s.readable_flowing)
            step[0] += 1

        def on_end() -> None:
            log("client end", s.readable_flowing)
            s.on("error", lambda e: log("client error", e))
            log("client unshift after end", s.unshift("x"))

        s.on("readable", on_readable)
        s.on("end", on_end)
        s.on("close", lambda had_error: log("client close", had_error, s.destroyed))

    server.listen(0, "127.0.0.1", on_listening)


run(main)
