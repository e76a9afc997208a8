# Connecting to 'localhost' emits 'lookup' (err, address, family, host)
# before 'connect'; connecting to an IP emits no 'lookup'. The server
# listens on 127.0.0.1 and the client asks for IPv4 (family 4), so the
# answer does not depend on how the machine resolves localhost.
from _trace import log, run, trace

import trionet


async def main() -> None:
    server = trionet.create_server(lambda c: c.end())
    server.listen(0, "127.0.0.1")
    await trionet.once(server, "listening")
    port = server.address()["port"]
    a = trionet.connect({"port": port, "host": "localhost", "family": 4})
    trace(a, "byname", "lookup", "connect", "close")
    a.on("connect", lambda: log("byname remote", a.remote_address, a.remote_family))
    a.resume()
    await trionet.once(a, "close")
    b = trionet.connect({"port": port, "host": "127.0.0.1"})
    trace(b, "byip", "lookup", "connect", "close")
    b.resume()
    await trionet.once(b, "close")
    server.close()


run(main)
