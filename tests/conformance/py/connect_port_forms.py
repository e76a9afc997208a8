# The forms a connect() port may take. A number, a decimal string and a hex
# string ('0x...') all connect, as a positional port and as options.port.
# Port 0 is accepted at the call and fails when connecting. Raised at the
# call: '', ' ', NaN, Infinity (ERR_SOCKET_BAD_PORT; '0x' and '-0x1' in
# options, where no path can be meant), True, False, [] and {}
# (ERR_INVALID_ARG_TYPE), and no port at all (ERR_MISSING_ARGS, also from
# Socket().connect()). Only the codes: trionet's messages render Python
# values. The connect error for port 0 has no port and its message none.
# (None is not compared: Python's None is undefined.)
import math
from collections.abc import Callable
from typing import Any

import trio
from _trace import log, run

import trionet


def code(label: str, fn: Callable[[], Any]) -> None:
    try:
        s = fn()
    except Exception as e:
        log(label, getattr(e, "code", repr(e)))
    else:
        log(label, "no error")
        s.on("error", lambda e: None)
        s.destroy()


BAD: list[tuple[str, Any]] = [
    ("empty", ""),
    ("space", " "),
    ("NaN", math.nan),
    ("Infinity", math.inf),
    ("true", True),
    ("false", False),
]
BAD_OPTIONS: list[tuple[str, Any]] = [("0x", "0x"), ("-0x1", "-0x1"), ("array", []), ("object", {})]


async def main() -> None:
    for tag, p in BAD:
        code(f"connect({tag})", lambda p=p: trionet.connect(p, "127.0.0.1"))
    for tag, p in BAD + BAD_OPTIONS:
        code(
            f"connect({{port: {tag}}})",
            lambda p=p: trionet.connect({"port": p, "host": "127.0.0.1"}),
        )
    code("new Socket().connect()", lambda: trionet.Socket().connect())
    code("new Socket().connect({})", lambda: trionet.Socket().connect({}))

    server = trionet.create_server(lambda c: c.end())
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    port = server.address()["port"]
    forms: list[tuple[str, Any]] = [
        ("number", port),
        ("decimal string", str(port)),
        ("hex string", hex(port)),
    ]
    for tag, p in forms:
        for how, connect in (
            ("positional", lambda p=p: trionet.connect(p, "127.0.0.1")),
            ("options", lambda p=p: trionet.connect({"port": p, "host": "127.0.0.1"})),
        ):
            s = connect()
            s.resume()
            s.on(
                "connect",
                lambda s=s, tag=tag, how=how: log(f"{tag} {how} connected", s.remote_port == port),
            )
            s.on("error", lambda e, tag=tag, how=how: log(f"{tag} {how} error", e.code))
            closed = trio.Event()
            s.on("close", lambda _, closed=closed: closed.set())
            await closed.wait()
    server.close()
    zero = trionet.connect(0, "127.0.0.1")
    (err,) = await trionet.once(zero, "error")
    log("port 0 error", err.code, err.syscall, err.port, str(err))


run(main)
