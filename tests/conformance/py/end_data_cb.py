# end(data, cb): the data is sent before the FIN, the callback runs once
# everything is flushed ('finish'), relative to 'finish' listeners added
# before and after; end() again adds its callback too.
from _trace import collect, grouped, log, run

import trionet


def main() -> None:
    grouped()

    def on_connection(c: trionet.Socket) -> None:
        collect(c, "server")
        c.on("end", lambda: c.end())
        c.on("close", lambda _: server.close())

    server = trionet.create_server(on_connection)

    def on_listening() -> None:
        client = trionet.connect(server.address()["port"], "127.0.0.1")
        client.on("finish", lambda: log("client finish listener (added before end)"))
        client.write("a")
        r = client.end("bye", lambda err=None: log("client end cb", err))
        log("client end returned socket", r is client)
        client.on("finish", lambda: log("client finish listener (added after end)"))
        client.resume()

        def on_close(_: bool) -> None:
            log("client close")
            client.end(lambda err=None: log("client end cb after close", err))

        client.on("close", on_close)

    server.listen(0, "127.0.0.1", on_listening)


run(main)
