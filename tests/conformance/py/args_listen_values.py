# More listen() arguments: '0' and undefined pick a free port (as a port
# argument and as options.port; null is not compared: Python's None is
# undefined); NaN, ±Infinity, -1 are bad ports; the port is checked before
# the path; options with neither port nor path, or with a port or path of
# the wrong type, are invalid.
import math
from typing import Any

from _trace import attempt, log, run, tmp_path

import trionet


def fresh() -> trionet.Server:
    return trionet.create_server()


async def main() -> None:
    for label, value in (("NaN", math.nan), ("Infinity", math.inf), ("-Infinity", -math.inf)):
        attempt(f"listen({label})", lambda value=value: fresh().listen(value))
        attempt(f"listen({{port: {label}}})", lambda value=value: fresh().listen({"port": value}))
    attempt(
        "listen({port: -1, path})",
        lambda: fresh().listen({"port": -1, "path": tmp_path("x.sock")}),
    )
    attempt("listen({port: false})", lambda: fresh().listen({"port": False}))
    attempt("listen({path: -1})", lambda: fresh().listen({"path": -1}))
    attempt("listen({})", lambda: fresh().listen({}))
    attempt("listen({host: 'localhost'})", lambda: fresh().listen({"host": "localhost"}))
    attempt("listen({exclusive: true})", lambda: fresh().listen({"exclusive": True}))

    cases: tuple[tuple[str, tuple[Any, ...]], ...] = (
        ("'0'", ("0",)),
        ("undefined", (None,)),
        ("{port: '0'}", ({"port": "0"},)),
        ("{port: undefined}", ({"port": None},)),
    )
    for label, args in cases:
        s = fresh()
        s.listen(*args)
        await trionet.once(s, "listening")
        log(f"{label} listens on a free port", s.address()["port"] > 0)
        s.close()
        await trionet.once(s, "close")


run(main)
