"""The seed's echo server and client print what Node prints for the same exchange.

``examples/echo_server.py`` and ``examples/echo_client.py`` translate the seed's
``net.createServer`` and ``net.createConnection`` examples; ``tests/node/echo_server.js``
and ``tests/node/echo_client.js`` are the same programs for the real ``node``. Every
test here runs real processes over real sockets, on TCP and on a Unix path.

What is deterministic in the exchange:

* the server prints ``server bound``, ``READY``, ``client connected`` and, once the
  client half-closes, ``client disconnected``: identical bytes, always;
* the client prints ``connected to server!``, then one line per ``'data'`` chunk, then
  ``disconnected from server``. The bytes it receives are always ``hello\\r\\n`` then
  ``world!\\r\\n``, but whether they come as one chunk or two is timing (the server
  writes ``hello`` on accept, the echo of ``world!`` follows a round trip, and the
  client may not have read ``hello`` yet). ``print``/``console.log`` add ``\\n`` after
  each chunk, so the only normalisation is ``\\r\\n\\n`` -> ``\\r\\n``.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import trio
from processes import node_binary

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
NODE_DIR = Path(__file__).resolve().parent / "node"

# Explicit bounds on every subprocess step (pytest-timeout bounds the whole test).
READY_TIMEOUT = 20.0  # start-up: interpreter + imports on a loaded machine
CLIENT_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0

SEED_SERVER_OUT = "server bound\nREADY\nclient connected\nclient disconnected\n"
SEED_CLIENT_OUT = "connected to server!\nhello\r\nworld!\r\ndisconnected from server\n"

IMPLS = ("node", "trionet")
TRANSPORTS = ("tcp", "unix")


@pytest.fixture
def node() -> str:
    """The node binary: skipped when missing, but a failure when CI is set."""
    return node_binary()


@pytest.fixture
def sock_dir() -> Iterator[Path]:
    """A short directory for Unix socket paths (sun_path holds only 107 bytes)."""
    d = tempfile.mkdtemp(prefix="tn-ex-", dir="/tmp")
    try:
        yield Path(d)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET6 if socket.has_ipv6 else socket.AF_INET) as s:
        s.bind(("", 0))
        return int(s.getsockname()[1])


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    env["NODE_NO_WARNINGS"] = "1"
    return env


def command(impl: str, role: str, where: str, node: str | None = None) -> list[str]:
    if impl == "trionet":
        return [sys.executable, str(EXAMPLES / f"echo_{role}.py"), where]
    assert node is not None
    return [node, str(NODE_DIR / f"echo_{role}.js"), where]


def normalise_client(out: str) -> str:
    """Join the 'data' chunks: one chunk (``hello\\r\\nworld!\\r\\n\\n``) or two
    (``hello\\r\\n\\nworld!\\r\\n\\n``) are the same exchange."""
    return out.replace("\r\n\n", "\r\n")


@pytest.mark.parametrize(
    "raw",
    [
        "connected to server!\nhello\r\n\nworld!\r\n\ndisconnected from server\n",  # two chunks
        "connected to server!\nhello\r\nworld!\r\n\ndisconnected from server\n",  # one chunk
    ],
)
def test_normalise_client_joins_only_the_chunking(raw: str) -> None:
    assert normalise_client(raw) == SEED_CLIENT_OUT
    assert normalise_client(raw.replace("world!", "world?")) != SEED_CLIENT_OUT


class ServerProcess:
    """A running server whose stdout/stderr are collected as they arrive."""

    def __init__(self, proc: trio.Process) -> None:
        self.proc = proc
        self.out = bytearray()
        self.err = bytearray()
        self._open_pipes = 2
        self._changed = trio.Event()

    async def _pump(self, stream: trio.abc.ReceiveStream | None, buf: bytearray) -> None:
        assert stream is not None
        while chunk := await stream.receive_some():
            buf += chunk
            self._changed.set()
            self._changed = trio.Event()
        self._open_pipes -= 1
        self._changed.set()

    @property
    def stdout(self) -> str:
        return self.out.decode()

    @property
    def stderr(self) -> str:
        return self.err.decode(errors="replace")

    async def wait_for(self, text: str, timeout: float, count: int = 1) -> None:
        """Wait until stdout holds ``text`` ``count`` times; fail clearly otherwise."""
        needle = text.encode()
        with trio.move_on_after(timeout):
            while self.out.count(needle) < count and self._open_pipes:
                await self._changed.wait()
        if self.out.count(needle) < count:
            pytest.fail(
                f"server {self.proc.args!r} did not print {text!r} x{count} "
                f"(returncode={self.proc.returncode})\n"
                f"stdout: {self.stdout!r}\nstderr: {self.stderr}"
            )

    async def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.proc.returncode is None:
            self.proc.send_signal(sig)
        with trio.fail_after(STOP_TIMEOUT):
            return await self.proc.wait()


@asynccontextmanager
async def running_server(cmd: list[str], ready: str = "READY\n") -> AsyncIterator[ServerProcess]:
    """Start ``cmd``, wait for its ``ready`` line, yield; kill it on the way out if alive."""
    proc = await trio.lowlevel.open_process(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env(), cwd=ROOT
    )
    server = ServerProcess(proc)
    async with trio.open_nursery() as nursery:
        # The pumps end at EOF, once the process is gone.
        nursery.start_soon(server._pump, proc.stdout, server.out)
        nursery.start_soon(server._pump, proc.stderr, server.err)
        try:
            await server.wait_for(ready, READY_TIMEOUT)
            yield server
        finally:
            if proc.returncode is None:
                proc.kill()
            with trio.move_on_after(STOP_TIMEOUT) as cs:
                cs.shield = True
                await proc.wait()


async def run_client(cmd: list[str]) -> subprocess.CompletedProcess[bytes]:
    with trio.fail_after(CLIENT_TIMEOUT):
        return await trio.run_process(
            cmd,
            capture_stdout=True,
            capture_stderr=True,
            check=False,
            env=child_env(),
            cwd=ROOT,
        )


def target(transport: str, sock_dir: Path, tag: str) -> str:
    return str(free_port()) if transport == "tcp" else str(sock_dir / f"{tag}.sock")


async def exchange(server_cmd: list[str], client_cmd: list[str]) -> tuple[str, str]:
    """One full exchange; returns (server stdout, client stdout), both checked clean."""
    async with running_server(server_cmd) as server:
        result = await run_client(client_cmd)
        client_out = result.stdout.decode()
        assert result.returncode == 0, (
            f"client {client_cmd!r} exited {result.returncode}\n"
            f"stdout: {client_out!r}\nstderr: {result.stderr.decode(errors='replace')}"
        )
        assert result.stderr == b"", result.stderr.decode(errors="replace")
        await server.wait_for("client disconnected\n", CLIENT_TIMEOUT)
        rc = await server.stop(signal.SIGTERM)
        assert rc == -signal.SIGTERM, (rc, server.stderr)
        assert server.stderr == "", server.stderr
        return server.stdout, client_out


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_trionet_pair_prints_the_seed_transcript(transport: str, sock_dir: Path) -> None:
    """Without node: the trionet pair prints exactly what the seed's examples print."""
    where = target(transport, sock_dir, "tt")
    server_out, client_out = await exchange(
        command("trionet", "server", where), command("trionet", "client", where)
    )
    assert server_out == SEED_SERVER_OUT
    assert normalise_client(client_out) == SEED_CLIENT_OUT


@pytest.mark.node
@pytest.mark.timeout(120)
@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("client_impl", IMPLS)
@pytest.mark.parametrize("server_impl", IMPLS)
async def test_pair_prints_what_node_prints(
    server_impl: str, client_impl: str, transport: str, node: str, sock_dir: Path
) -> None:
    """Each of the four server/client pairs prints what the Node pair prints."""
    ref_where = target(transport, sock_dir, "ref")
    ref_server, ref_client = await exchange(
        command("node", "server", ref_where, node), command("node", "client", ref_where, node)
    )
    # The twins themselves are the seed's programs.
    assert ref_server == SEED_SERVER_OUT
    assert normalise_client(ref_client) == SEED_CLIENT_OUT

    where = target(transport, sock_dir, "pair")
    server_out, client_out = await exchange(
        command(server_impl, "server", where, node), command(client_impl, "client", where, node)
    )
    assert server_out == ref_server  # the server's prints are deterministic: identical
    assert normalise_client(client_out) == normalise_client(ref_client)


def raw_client(family: socket.AddressFamily, address: str | tuple[str, int]) -> bytes:
    """What ``nc`` does: connect, read the greeting, send a line, half-close, read to EOF."""
    received = bytearray()
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(CLIENT_TIMEOUT)
        s.connect(address)
        while not received.endswith(b"hello\r\n"):
            chunk = s.recv(4096)
            assert chunk, f"EOF before the greeting: {bytes(received)!r}"
            received += chunk
        s.sendall(b"ping from nc\r\n")
        while not received.endswith(b"ping from nc\r\n"):
            chunk = s.recv(4096)
            assert chunk, f"EOF before the echo: {bytes(received)!r}"
            received += chunk
        s.shutdown(socket.SHUT_WR)  # nc's EOF on stdin (nc -N / -q)
        while chunk := s.recv(4096):
            received += chunk
    return bytes(received)


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_example_server_echoes_a_raw_client(transport: str, sock_dir: Path) -> None:
    """``python examples/echo_server.py 8124`` then ``nc localhost 8124`` (or ``nc -U``)."""
    where = target(transport, sock_dir, "raw")
    async with running_server(command("trionet", "server", where)) as server:
        if transport == "tcp":
            family, address = socket.AF_INET, ("127.0.0.1", int(where))
        else:
            family, address = socket.AF_UNIX, where
        received = await trio.to_thread.run_sync(raw_client, family, address)
        assert received == b"hello\r\nping from nc\r\n"
        await server.wait_for("client disconnected\n", CLIENT_TIMEOUT)
        # A second client on the same server: the accept loop keeps running.
        received = await trio.to_thread.run_sync(raw_client, family, address)
        assert received == b"hello\r\nping from nc\r\n"
        await server.wait_for("client disconnected\n", CLIENT_TIMEOUT, count=2)
        assert await server.stop(signal.SIGTERM) == -signal.SIGTERM
        assert server.stdout == (
            "server bound\nREADY\n" + "client connected\nclient disconnected\n" * 2
        )
        assert server.stderr == ""


async def test_example_server_stops_on_sigint_and_unlinks_its_path(sock_dir: Path) -> None:
    """Ctrl-C cancels the trio run: the server exits and removes the socket file it made.

    (Node dies on SIGINT without unlinking; trionet's cancellation cleans up.)
    """
    path = sock_dir / "int.sock"
    async with running_server(command("trionet", "server", str(path))) as server:
        assert path.is_socket()
        rc = await server.stop(signal.SIGINT)
        assert rc in (-signal.SIGINT, 1), (rc, server.stderr)
        assert server.stdout == "server bound\nREADY\n"
    assert not path.exists()


def readme_example() -> str:
    """The ``## Twelve lines`` Python block of README.md."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Twelve lines", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_readme_example_is_twelve_lines_of_code() -> None:
    code = [line for line in readme_example().splitlines() if line.strip()]
    assert len(code) == 12, code
    assert "trionet.run(" in readme_example()
    assert "8124" in readme_example()


def line_client(family: socket.AddressFamily, address: tuple[str, int]) -> bytes:
    """Send two lines, half-close, read the echo to EOF."""
    received = bytearray()
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(CLIENT_TIMEOUT)
        s.connect(address)
        s.sendall(b"one\n")
        s.sendall(b"two\n")
        s.shutdown(socket.SHUT_WR)
        while chunk := s.recv(4096):
            received += chunk
    return bytes(received)


async def test_readme_example_echoes(tmp_path: Path) -> None:
    """The README's twelve-line server runs and echoes (on a free port instead of 8124)."""
    port = free_port()
    script = tmp_path / "readme_example.py"
    script.write_text(readme_example().replace("8124", str(port)))
    ready = f"listening on {{'address': '::', 'family': 'IPv6', 'port': {port}}}\n"
    if not socket.has_ipv6:
        ready = f"listening on {{'address': '0.0.0.0', 'family': 'IPv4', 'port': {port}}}\n"
    async with running_server([sys.executable, str(script)], ready=ready) as server:
        received = await trio.to_thread.run_sync(line_client, socket.AF_INET, ("127.0.0.1", port))
        assert received == b"one\ntwo\n"
        assert await server.stop(signal.SIGTERM) == -signal.SIGTERM
        assert server.stderr == ""


def reset_mid_stream(port: int) -> socket.socket:
    """A client (kept open and returned) is echoed; a second one sends 1 MiB, then
    resets the connection (SO_LINGER 0: RST) with the echo still coming."""
    b = socket.create_connection(("127.0.0.1", port), timeout=CLIENT_TIMEOUT)
    b.sendall(b"before\n")
    assert b.recv(4096) == b"before\n"
    with socket.create_connection(("127.0.0.1", port), timeout=CLIENT_TIMEOUT) as a:
        try:
            a.send(os.urandom(1 << 20), socket.MSG_DONTWAIT)
        except BlockingIOError:
            pass
        a.recv(1, socket.MSG_PEEK)  # the echo is on its way back
        a.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    return b


def still_echoes(b: socket.socket) -> bytes:
    with b:
        b.sendall(b"after\n")
        return b.recv(4096)


async def test_readme_example_survives_a_reset_client(tmp_path: Path) -> None:
    """One client's reset ends that connection only: the other is still echoed."""
    port = free_port()
    script = tmp_path / "readme_example.py"
    script.write_text(readme_example().replace("8124", str(port)))
    async with running_server([sys.executable, str(script)], ready="listening on") as server:
        b = await trio.to_thread.run_sync(reset_mid_stream, port)
        await server.wait_for("connection error: ", CLIENT_TIMEOUT)  # logged, not raised
        assert await trio.to_thread.run_sync(still_echoes, b) == b"after\n"
        assert server.proc.returncode is None
        assert await server.stop(signal.SIGTERM) == -signal.SIGTERM
        assert server.stderr == ""
