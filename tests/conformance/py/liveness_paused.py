# A socket keeps the process alive only while it is active (connecting,
# reading, writing). Here the server and its sockets are unref'd, and three
# connected clients end up idle; the run then returns with all three still
# open (no 'end', no 'close'):
#   paused: paused in its 'connect' listener, so it never reads (the server's
#     bytes and FIN wait in the kernel);
#   hwm: no reader, so it reads ahead to its high-water mark and stops;
#   eof: it ended its side ('finish') and holds the server's bytes and EOF
#     unread (no 'data' listener, so no 'end').
from _trace import grouped, log, run, trace

import trionet

PAYLOAD = {"paused": 1000, "hwm": 100000, "eof": 1000}


def main() -> None:
    grouped()
    for tag in PAYLOAD:
        log(tag)

    def on_connection(c: trionet.Socket) -> None:
        c.unref()

        def on_data(d: bytes) -> None:
            tag = d.decode()
            if tag == "hwm":
                c.write(b"h" * PAYLOAD[tag])
            else:
                c.end(b"x" * PAYLOAD[tag])

        c.once("data", on_data)
        c.resume()

    server = trionet.create_server(on_connection, pause_on_connect=True)
    server.unref()

    def client(port: int, tag: str) -> None:
        s = trionet.connect({"port": port, "host": "127.0.0.1", "readable_high_water_mark": 1024})
        trace(s, tag, "end", "close", "finish")

        def on_connect() -> None:
            if tag == "paused":
                s.pause()
            if tag == "eof":
                s.end(tag)
            else:
                s.write(tag)
            log(f"{tag} connect", s.is_paused())

        s.on("connect", on_connect)

    def on_listening() -> None:
        for tag in PAYLOAD:
            client(server.address()["port"], tag)

    server.listen(0, "127.0.0.1", on_listening)


run(main)
