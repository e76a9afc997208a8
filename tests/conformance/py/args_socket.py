# Argument errors on socket and server methods: non-callable callbacks,
# bad timeouts, unknown encodings (non-chunk writes: args_write_chunk).
from _trace import attempt, run

import trionet


def main() -> None:
    attempt("createServer(42)", lambda: trionet.create_server(42))
    attempt("getConnections(42)", lambda: trionet.create_server().get_connections(42))
    s = trionet.Socket()
    attempt("setTimeout(10, 42)", lambda: s.set_timeout(10, 42))
    attempt("setTimeout(-1)", lambda: s.set_timeout(-1))
    attempt("setTimeout('abc')", lambda: s.set_timeout("abc"))
    attempt("on('data', 42)", lambda: s.on("data", 42))
    attempt("setEncoding('bogus')", lambda: s.set_encoding("bogus"))
    attempt("write('x', 'bogus')", lambda: s.write("x", "bogus"))
    s.destroy()


run(main)
