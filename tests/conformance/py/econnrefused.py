# Connecting to a port where nothing listens: 'error' ECONNREFUSED (code,
# syscall, address, port, message), then 'close' with had_error True.
# errno is not printed: trionet's is positive (Python's), Node's negative.
from _trace import free_port, log, run, trace

import trionet


def main() -> None:
    port = free_port()
    client = trionet.connect(port, "127.0.0.1", lambda: log("unexpected connect"))
    trace(client, "client", "lookup", "error", "close")
    log("connecting", client.connecting)


run(main)
