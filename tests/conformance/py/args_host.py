# A non-string host, in listen() options and in connect() options: Node's
# error comes from dns.lookup's validation (argument "hostname").
from _trace import attempt, run

import trionet


def main() -> None:
    attempt(
        "listen({port: 0, host: 42})",
        lambda: trionet.create_server().listen({"port": 0, "host": 42}),
    )
    attempt("connect({port: 80, host: 42})", lambda: trionet.connect({"port": 80, "host": 42}))


run(main)
