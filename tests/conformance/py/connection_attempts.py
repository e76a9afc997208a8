# The per-attempt events (Node >= 20.12): 'connectionAttempt' (ip, port,
# family) before each TCP connect, 'connectionAttemptFailed' (+ error) when
# one fails; over a Unix socket only a failed attempt is told (port and
# family None). Happy Eyeballs: one pair of events per address tried.
# The cases run one after another.
from collections.abc import Callable
from typing import Any

from _trace import log, run, tmp_path

import trionet


def attempt(tag: str, port: int | None, args: list[Any], then: Callable[[], object]) -> None:
    s = trionet.Socket()
    s.on("lookup", lambda err, address, family, *_: log(tag + " lookup", err, address, family))
    s.on("connectionAttempt", lambda ip, p, fam: log(tag + " attempt", ip, p == port, fam))
    s.on(
        "connectionAttemptFailed",
        lambda ip, p, fam, e: log(tag + " failed", ip, p == port, fam, e),
    )
    s.on("connectionAttemptTimeout", lambda ip, p, fam: log(tag + " timeout", ip, p == port, fam))

    def on_connect() -> None:
        log(tag + " connect", s.remote_address)
        s.end()

    def on_close(had_error: bool) -> None:
        log(tag + " close", had_error)
        then()

    s.on("connect", on_connect)
    s.on("error", lambda e: log(tag + " error", e))
    s.on("close", on_close)
    s.connect(*args)


def main() -> None:
    server = trionet.create_server(lambda c: c.end())

    def on_listening() -> None:
        port = server.address()["port"]

        # ::1 refuses (the server listens on 127.0.0.1 only), then 127.0.0.1 connects.
        def lookup(host: str, options: dict[str, Any]) -> list[dict[str, Any]]:
            return [{"address": "::1", "family": 6}, {"address": "127.0.0.1", "family": 4}]

        dead = trionet.create_server()

        def on_dead_listening() -> None:
            dead_port = dead.address()["port"]
            raced = [{"port": port, "host": "dual.test", "lookup": lookup}]
            dead.close(
                lambda *_: attempt(
                    "ok",
                    port,
                    [port, "127.0.0.1"],
                    lambda: attempt(
                        "refused",
                        dead_port,
                        [dead_port, "127.0.0.1"],
                        lambda: attempt(
                            "unix",
                            None,
                            [tmp_path("no-such.sock")],
                            lambda: attempt("raced", port, raced, server.close),
                        ),
                    ),
                )
            )

        dead.listen(0, "127.0.0.1", on_dead_listening)

    server.listen(0, "127.0.0.1", on_listening)


run(main)
