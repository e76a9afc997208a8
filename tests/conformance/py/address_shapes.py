# address() shapes: None before listen, {address, family, port} for IPv4,
# IPv6 and the unspecified host (dual-stack '::'), the path for a Unix
# server, {} for an unconnected socket; remote/local properties of both ends.
from _trace import log, run, tmp_path

import trionet


async def main() -> None:
    accepted: list[tuple[object, ...]] = []

    def on_connection(c: trionet.Socket) -> None:
        port_ok = c.local_port == s.address()["port"]
        accepted.append(("accepted local", c.local_address, port_ok, c.local_family))
        kind = "number" if isinstance(c.remote_port, int) else type(c.remote_port).__name__
        accepted.append(("accepted remote", c.remote_address, c.remote_family, kind))
        c.end()

    s = trionet.create_server(on_connection)
    log("before listen", s.address(), s.listening)
    s.listen(0, "127.0.0.1")
    await trionet.once(s, "listening")
    log("ipv4", s.address(), s.listening)
    sock = trionet.Socket()
    log("unconnected socket", sock.address(), sock.remote_address, sock.local_port)
    c = trionet.connect(s.address()["port"], "127.0.0.1")
    await trionet.once(c, "connect")
    log("client address", c.address())
    log("client remote", c.remote_address, c.remote_family, c.remote_port == s.address()["port"])
    c.resume()
    await trionet.once(c, "close")
    log("closed client remote", c.remote_address, c.remote_port == s.address()["port"])
    for label, *values in accepted:
        log(str(label), *values)
    s.close()
    log("after close", s.address())

    s6 = trionet.create_server()
    s6.listen(0, "::1")
    await trionet.once(s6, "listening")
    log("ipv6", s6.address())
    s6.close()

    any_host = trionet.create_server()
    any_host.listen(0)
    log("unspecified", any_host.address())
    await trionet.once(any_host, "listening")
    any_host.close()

    u = trionet.create_server()
    u.listen(tmp_path("a.sock"))
    await trionet.once(u, "listening")
    log("unix", u.address())
    # Not compared: after close() Node still returns the path of a Unix server
    # (its _pipeName), though its docs say null; trionet returns None.
    u.close()


run(main)
