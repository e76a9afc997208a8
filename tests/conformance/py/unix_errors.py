# Unix socket errors: connecting to a missing path (ENOENT), listening on a
# path a live server holds (EADDRINUSE), listening in a missing directory.
# Not compared: err.port, which Node sets to -1 for Unix paths (a libuv
# artefact); trionet leaves it None.
from _trace import log, run, tmp_path

import trionet


def show(label: str, e: trionet.NetError) -> None:
    log(label, e.code, e.syscall, e.address, str(e))


async def main() -> None:
    missing = trionet.connect(tmp_path("missing.sock"))
    (e1,) = await trionet.once(missing, "error")
    show("connect missing", e1)
    first = trionet.create_server()
    first.listen(tmp_path("taken.sock"))
    await trionet.once(first, "listening")
    second = trionet.create_server()
    second.listen(tmp_path("taken.sock"))
    (e2,) = await trionet.once(second, "error")
    show("listen taken", e2)
    first.close()
    third = trionet.create_server()
    third.listen(tmp_path("no/such/dir.sock"))
    (e3,) = await trionet.once(third, "error")
    show("listen in missing dir", e3)


run(main)
