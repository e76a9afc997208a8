"""Node's net.createConnection example (from its documentation), line by line.

usage: python examples/echo_client.py [PORT | PATH]   (default 8124)
"""

import sys

import trionet


def main(where: str = "8124") -> None:
    options = {"port": int(where)} if where.isdigit() else {"path": where}

    def on_connect() -> None:
        # 'connect' listener.
        print("connected to server!", flush=True)
        client.write("world!\r\n")

    client = trionet.create_connection(options, on_connect)

    def on_data(data: bytes) -> None:
        print(data.decode(), flush=True)
        client.end()

    client.on("data", on_data)
    client.on("end", lambda: print("disconnected from server", flush=True))


if __name__ == "__main__":
    trionet.run(main, *sys.argv[1:2])
