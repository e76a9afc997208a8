# listen() argument errors are raised at the call: bad ports (-1, 65536,
# 1.5, 'abc' in options), options without port or path, and a second
# listen() once listening.
from _trace import attempt, run

import trionet


def main() -> None:
    fresh = trionet.create_server
    attempt("listen(-1)", lambda: fresh().listen(-1))
    attempt("listen(65536)", lambda: fresh().listen(65536))
    attempt("listen(1.5)", lambda: fresh().listen(1.5))
    attempt("listen({port: 'abc'})", lambda: fresh().listen({"port": "abc"}))
    attempt("listen({port: -1})", lambda: fresh().listen({"port": -1}))
    attempt("listen({port: '65536'})", lambda: fresh().listen({"port": "65536"}))
    attempt("listen({port: true})", lambda: fresh().listen({"port": True}))
    attempt("listen({backlog: 1})", lambda: fresh().listen({"backlog": 1}))
    s = fresh()

    def on_listening() -> None:
        attempt("listen twice", lambda: s.listen(0, "127.0.0.1"))
        s.close()

    s.listen(0, "127.0.0.1", on_listening)


run(main)
