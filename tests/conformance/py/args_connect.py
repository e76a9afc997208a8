# connect() argument errors are raised at the call, before any socket is opened.
from _trace import attempt, run

import trionet


def main() -> None:
    attempt("connect(-1)", lambda: trionet.connect(-1))
    attempt("connect(65536)", lambda: trionet.connect(65536))
    attempt("connect(1.5)", lambda: trionet.connect(1.5))
    attempt("connect({port: 'abc'})", lambda: trionet.connect({"port": "abc"}))
    attempt("connect()", lambda: trionet.connect())
    attempt(
        "connect({port: 80, localAddress: 'nope'})",
        lambda: trionet.connect({"port": 80, "local_address": "nope"}),
    )
    attempt("connect({port: 80, family: 5})", lambda: trionet.connect({"port": 80, "family": 5}))


run(main)
