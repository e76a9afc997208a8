# Connecting to a Unix path that is not a listening socket: a regular
# file, a directory (both ECONNREFUSED), a path through a regular file
# (ENOTDIR), the path of a server that has closed (ENOENT: its file is
# gone). Each fails with 'error' (code, syscall, address, message), then
# 'close'(True), never 'connect'.
import os

from _trace import log, run, tmp_path

import trionet


async def main() -> None:
    os.close(os.open(tmp_path("plain.txt"), os.O_CREAT | os.O_WRONLY))
    os.mkdir(tmp_path("dir"))
    targets = [
        ("regular file", tmp_path("plain.txt")),
        ("directory", tmp_path("dir")),
        ("under a file", tmp_path("plain.txt/x.sock")),
    ]
    closed = trionet.create_server()
    closed.listen(tmp_path("closed.sock"))
    await trionet.once(closed, "listening")
    closed.close()
    await trionet.once(closed, "close")
    targets.append(("closed server", tmp_path("closed.sock")))
    for label, path in targets:
        s = trionet.connect(path, lambda label=label: log(f"{label} unexpected connect"))
        closes: list[bool] = []
        s.on("close", closes.append)
        (err,) = await trionet.once(s, "error")
        if not closes:
            await trionet.once(s, "close")
        log(label, err, "close", closes[0])


run(main)
