"""The ``trionet`` command, run as real processes (``python -m trionet ...``).

Every step has its own timeout: a server must print ``READY`` within
``READY_TIMEOUT``, a client must finish within ``CLIENT_TIMEOUT``, and every
process is killed on the way out if it is still alive.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from processes import child_env, free_port, short_tmp_dir

from trionet import cli

ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT = 20.0
CLIENT_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0
TRIONET = [sys.executable, "-m", "trionet"]


@pytest.fixture
def sock_dir() -> Iterator[Path]:
    """A short directory for Unix socket paths."""
    with short_tmp_dir("tn-cli-") as d:
        yield d


class Proc:
    """A running ``trionet`` server process."""

    def __init__(self, args: list[str]) -> None:
        self.args = args
        self.proc = subprocess.Popen(
            [*TRIONET, *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=child_env(),
            cwd=ROOT,
        )
        self.out = b""

    def wait_ready(self) -> None:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + READY_TIMEOUT
        while b"READY\n" not in self.out:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                break
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            self.out += chunk
        if b"READY\n" not in self.out:
            self.proc.kill()
            _, err = self.proc.communicate(timeout=STOP_TIMEOUT)
            pytest.fail(f"trionet {self.args} did not print READY: {self.out!r} {err!r}")

    def stop(self, sig: int = signal.SIGINT) -> tuple[int, bytes, bytes]:
        """Send ``sig``; return (exit status, all of stdout, stderr)."""
        self.proc.send_signal(sig)
        out, err = self.proc.communicate(timeout=STOP_TIMEOUT)
        return self.proc.returncode, self.out + out, err

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate(timeout=STOP_TIMEOUT)


@contextmanager
def running(*args: str) -> Iterator[Proc]:
    proc = Proc(list(args))
    try:
        proc.wait_ready()
        yield proc
    finally:
        proc.kill()


def run_cli(
    *args: str, stdin: bytes | None = None, stdin_file: object = None
) -> subprocess.CompletedProcess[bytes]:
    kwargs: dict[str, object] = {"input": stdin} if stdin is not None else {"stdin": stdin_file}
    return subprocess.run(
        [*TRIONET, *args],
        capture_output=True,
        timeout=CLIENT_TIMEOUT,
        env=child_env(),
        cwd=ROOT,
        check=False,
        **kwargs,  # type: ignore[call-overload]
    )


def roundtrip(family: socket.AddressFamily, address: object, payload: bytes) -> bytes:
    """Send ``payload``, half-close, read to EOF: what ``nc -N`` does."""
    received = bytearray()
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(CLIENT_TIMEOUT)
        s.connect(address)
        s.sendall(payload)
        s.shutdown(socket.SHUT_WR)
        while chunk := s.recv(65536):
            received += chunk
    return bytes(received)


class AfterEofServer:
    """A plain-socket server (a thread) that answers only after the client's EOF.

    It reads everything the client sends until the client half-closes, then
    replies ``got N bytes: <first line>`` and closes: the reply can only arrive
    if the client half-closed *and* kept reading.
    """

    def __init__(self, family: socket.AddressFamily = socket.AF_INET, path: str = "") -> None:
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.bind(path if family == socket.AF_UNIX else ("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(CLIENT_TIMEOUT)
        self.address = self.sock.getsockname()
        self.received: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.address[1])

    def _serve(self) -> None:
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(CLIENT_TIMEOUT)
            data = bytearray()
            while chunk := conn.recv(65536):
                data += chunk
            self.received.append(bytes(data))
            first = bytes(data).split(b"\n", 1)[0]
            conn.sendall(b"got %d bytes: %s\n" % (len(data), first))

    def close(self) -> None:
        self.thread.join(CLIENT_TIMEOUT)
        self.sock.close()


# -- help and parsing ---------------------------------------------------------------------


@pytest.mark.parametrize("command", [[], ["echo"], ["connect"], ["forward"]])
def test_help(command: list[str]) -> None:
    result = run_cli(*command, "--help")
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert out.startswith(f"usage: trionet {command[0]}" if command else "usage: trionet")
    assert result.stderr == b""


def test_main_is_the_entry_point() -> None:
    """pyproject's ``trionet = "trionet.__main__:main"`` is the CLI's main."""
    from trionet.__main__ import main

    assert main is cli.main
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0


def test_no_command_is_a_usage_error() -> None:
    result = run_cli()
    assert result.returncode == 2
    assert b"usage: trionet" in result.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8124", {"port": 8124}),
        ("127.0.0.1:80", {"port": 80, "host": "127.0.0.1"}),
        ("localhost:0", {"port": 0, "host": "localhost"}),
        ("[::1]:8124", {"port": 8124, "host": "::1"}),
        ("/tmp/x.sock", {"path": "/tmp/x.sock"}),
        ("x.sock", {"path": "x.sock"}),
        ("70000", {"port": 70000}),  # passed on, for trionet's ERR_SOCKET_BAD_PORT
    ],
)
def test_parse_address(text: str, expected: dict[str, object]) -> None:
    assert cli.parse_address(text) == expected


def test_parse_address_default_host_and_errors() -> None:
    assert cli.parse_address("80", default_host="localhost") == {"port": 80, "host": "localhost"}
    with pytest.raises(cli.CliError, match="bad address"):
        cli.parse_address("host:http")


# -- echo ---------------------------------------------------------------------------------


def test_echo_tcp_echoes_prints_only_ready_and_exits_130_on_ctrl_c() -> None:
    port = free_port()
    with running("echo", str(port)) as server:
        payload = bytes(range(256)) * 4096  # 1 MiB, more than any socket buffer
        assert roundtrip(socket.AF_INET, ("127.0.0.1", port), payload) == payload
        for _ in range(3):
            assert roundtrip(socket.AF_INET, ("127.0.0.1", port), b"ping\n") == b"ping\n"
        rc, out, err = server.stop(signal.SIGINT)
    assert rc == cli.EXIT_INTERRUPTED
    assert out == b"READY\n"  # nothing per connection
    assert err == b""  # no traceback


@pytest.mark.skipif(not socket.has_ipv6, reason="no IPv6")
def test_echo_without_host_listens_on_all_interfaces_like_node() -> None:
    port = free_port()
    with running("echo", str(port)) as server:
        assert roundtrip(socket.AF_INET, ("127.0.0.1", port), b"v4") == b"v4"
        try:
            assert roundtrip(socket.AF_INET6, ("::1", port), b"v6") == b"v6"
        except OSError as exc:  # a machine without a ::1 loopback
            pytest.skip(f"no IPv6 loopback: {exc}")
        server.stop()


def test_echo_host_option() -> None:
    port = free_port()
    with running("echo", str(port), "--host", "127.0.0.1") as server:
        assert roundtrip(socket.AF_INET, ("127.0.0.1", port), b"only v4") == b"only v4"
        if socket.has_ipv6:
            with socket.socket(socket.AF_INET6) as s:
                s.settimeout(CLIENT_TIMEOUT)
                assert s.connect_ex(("::1", port)) != 0
        server.stop()


def test_echo_unix_path_and_cleanup(sock_dir: Path) -> None:
    path = sock_dir / "echo.sock"
    with running("echo", str(path)) as server:
        assert path.is_socket()
        assert roundtrip(socket.AF_UNIX, str(path), b"over unix\n") == b"over unix\n"
        rc, out, err = server.stop(signal.SIGINT)
    assert (rc, out, err) == (cli.EXIT_INTERRUPTED, b"READY\n", b"")
    assert not path.exists()  # the socket file it made is gone


def test_echo_survives_a_client_reset() -> None:
    port = free_port()
    with running("echo", str(port), "--host", "127.0.0.1") as server:
        with socket.socket() as s:
            s.connect(("127.0.0.1", port))
            s.sendall(b"x" * 100_000)
            # RST instead of FIN: the server's write/read fails with ECONNRESET.
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        assert roundtrip(socket.AF_INET, ("127.0.0.1", port), b"still here") == b"still here"
        rc, _, err = server.stop()
    assert rc == cli.EXIT_INTERRUPTED
    assert err == b""


# -- connect ------------------------------------------------------------------------------


def test_connect_half_closes_at_stdin_eof_and_still_reads_the_reply() -> None:
    server = AfterEofServer()
    try:
        result = run_cli("connect", "127.0.0.1", str(server.port), stdin=b"first line\nsecond\n")
    finally:
        server.close()
    assert result.returncode == 0, result.stderr
    assert server.received == [b"first line\nsecond\n"]
    assert result.stdout == b"got 18 bytes: first line\n"  # sent after our EOF
    assert result.stderr == b""


def test_connect_stdin_from_a_regular_file(tmp_path: Path) -> None:
    data = b"line from a file\n" + os.urandom(200_000)
    src = tmp_path / "input.bin"
    src.write_bytes(data)
    server = AfterEofServer()
    try:
        with src.open("rb") as f:
            result = run_cli("connect", "127.0.0.1", str(server.port), stdin_file=f)
    finally:
        server.close()
    assert result.returncode == 0, result.stderr
    assert server.received == [data]
    assert result.stdout == b"got %d bytes: line from a file\n" % len(data)


def test_connect_stdin_dev_null() -> None:
    server = AfterEofServer()
    try:
        result = run_cli("connect", "127.0.0.1", str(server.port), stdin_file=subprocess.DEVNULL)
    finally:
        server.close()
    assert result.returncode == 0, result.stderr
    assert server.received == [b""]
    assert result.stdout == b"got 0 bytes: \n"


def test_connect_to_trionet_echo_moves_a_megabyte_both_ways() -> None:
    port = free_port()
    payload = os.urandom(1 << 20)
    with running("echo", str(port)) as server:
        result = run_cli("connect", "localhost", str(port), stdin=payload)
        server.stop()
    assert result.returncode == 0, result.stderr
    assert result.stdout == payload


def test_connect_path(sock_dir: Path) -> None:
    path = sock_dir / "after-eof.sock"
    server = AfterEofServer(socket.AF_UNIX, str(path))
    try:
        result = run_cli("connect", "--path", str(path), stdin=b"unix\n")
    finally:
        server.close()
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"got 5 bytes: unix\n"


def test_connect_ctrl_c_exits_130_quietly() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        proc = subprocess.Popen(
            [*TRIONET, "connect", "127.0.0.1", str(port)],
            stdin=subprocess.PIPE,  # kept open: the client waits on both sides
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=child_env(),
        )
        try:
            listener.settimeout(CLIENT_TIMEOUT)
            conn, _ = listener.accept()
            with conn:
                conn.sendall(b"hi\n")
                assert proc.stdout is not None
                ready, _, _ = select.select([proc.stdout], [], [], CLIENT_TIMEOUT)
                assert ready
                assert os.read(proc.stdout.fileno(), 100) == b"hi\n"
                proc.send_signal(signal.SIGINT)
                _, err = proc.communicate(timeout=STOP_TIMEOUT)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate(timeout=STOP_TIMEOUT)
    assert proc.returncode == cli.EXIT_INTERRUPTED
    assert err == b""


# -- forward ------------------------------------------------------------------------------


def test_forward_tcp_to_unix_echo(sock_dir: Path) -> None:
    path = sock_dir / "backend.sock"
    port = free_port()
    with running("echo", str(path)) as backend, running("forward", str(port), str(path)) as fwd:
        payload = os.urandom(1 << 20)
        assert roundtrip(socket.AF_INET, ("127.0.0.1", port), payload) == payload
        # Several clients at once, each with its own upstream connection.
        threads: list[threading.Thread] = []
        results: list[bytes] = []
        for i in range(5):
            msg = b"client %d\n" % i

            def one(msg: bytes = msg) -> None:
                results.append(roundtrip(socket.AF_INET, ("127.0.0.1", port), msg))

            threads.append(threading.Thread(target=one))
        for t in threads:
            t.start()
        for t in threads:
            t.join(CLIENT_TIMEOUT)
        assert sorted(results) == [b"client %d\n" % i for i in range(5)]
        rc, out, err = fwd.stop()
        assert (rc, out, err) == (cli.EXIT_INTERRUPTED, b"READY\n", b"")
        backend.stop()


def test_forward_passes_the_half_close_on() -> None:
    server = AfterEofServer()
    port = free_port()
    try:
        with running("forward", f"127.0.0.1:{port}", f"127.0.0.1:{server.port}") as fwd:
            reply = roundtrip(socket.AF_INET, ("127.0.0.1", port), b"through the forwarder\n")
            fwd.stop()
    finally:
        server.close()
    assert server.received == [b"through the forwarder\n"]
    assert reply == b"got 22 bytes: through the forwarder\n"


def test_forward_unix_listen_to_tcp_connect_with_trionet_connect(sock_dir: Path) -> None:
    port = free_port()
    path = sock_dir / "front.sock"
    with (
        running("echo", str(port), "--host", "127.0.0.1") as backend,
        running("forward", str(path), f"127.0.0.1:{port}") as fwd,
    ):
        result = run_cli("connect", "--path", str(path), stdin=b"a\nb\nc\n")
        assert (result.returncode, result.stdout, result.stderr) == (0, b"a\nb\nc\n", b"")
        fwd.stop()
        backend.stop()
    assert not path.exists()


def test_forward_target_refusing_closes_the_client_and_keeps_serving() -> None:
    dead = free_port()  # nothing listens there
    port = free_port()
    with running("forward", f"127.0.0.1:{port}", f"127.0.0.1:{dead}") as fwd:
        for _ in range(2):
            try:
                reply = roundtrip(socket.AF_INET, ("127.0.0.1", port), b"anyone?")
            except ConnectionResetError:
                reply = b""
            assert reply == b""
        rc, out, err = fwd.stop()
    assert (rc, out, err) == (cli.EXIT_INTERRUPTED, b"READY\n", b"")


# -- errors -------------------------------------------------------------------------------


def one_line(err: bytes) -> str:
    text = err.decode()
    assert text.endswith("\n") and text.count("\n") == 1, text  # one line, no traceback
    return text.rstrip("\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["echo", "70000"],
            "trionet echo: options.port should be >= 0 and < 65536. "
            "Received type number (70000). [ERR_SOCKET_BAD_PORT]",
        ),
        (
            ["connect", "127.0.0.1", "70000"],
            "trionet connect: Port should be >= 0 and < 65536. "
            "Received type number (70000). [ERR_SOCKET_BAD_PORT]",
        ),
        (
            ["connect", "127.0.0.1", "http"],
            "trionet connect: Port should be >= 0 and < 65536. "
            "Received type string ('http'). [ERR_SOCKET_BAD_PORT]",
        ),
        (
            ["forward", "8124", "127.0.0.1:70000"],
            "trionet forward: Port should be > 0 and < 65536. "
            "Received type number (70000). [ERR_SOCKET_BAD_PORT]",
        ),
        (
            ["forward", "8124", "host:http"],
            "trionet forward: bad address 'host:http': "
            "expected PORT, HOST:PORT, [IPV6]:PORT or a path",
        ),
        (
            ["echo", "/tmp/x.sock", "--host", "127.0.0.1"],
            "trionet echo: --host applies to a port, not to a Unix socket path",
        ),
    ],
)
def test_bad_arguments(args: list[str], message: str) -> None:
    result = run_cli(*args)
    assert result.returncode == cli.EXIT_ERROR
    assert one_line(result.stderr) == message
    assert result.stdout == b""


def test_connection_refused() -> None:
    port = free_port()
    result = run_cli("connect", "127.0.0.1", str(port), stdin=b"")
    assert result.returncode == cli.EXIT_ERROR
    assert one_line(result.stderr) == f"trionet connect: connect ECONNREFUSED 127.0.0.1:{port}"


def test_connect_path_missing(sock_dir: Path) -> None:
    path = sock_dir / "nobody.sock"
    result = run_cli("connect", "--path", str(path), stdin=b"")
    assert result.returncode == cli.EXIT_ERROR
    assert one_line(result.stderr) == f"trionet connect: connect ENOENT {path}"


@pytest.mark.parametrize("command", ["echo", "forward"])
def test_address_in_use(command: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        args = [f"127.0.0.1:{port}"] if command == "echo" else [f"127.0.0.1:{port}", "9"]
        result = run_cli(command, *args)
    assert result.returncode == cli.EXIT_ERROR
    assert one_line(result.stderr) == (
        f"trionet {command}: listen EADDRINUSE: address already in use 127.0.0.1:{port}"
    )
    assert result.stdout == b""


@pytest.mark.parametrize(
    "args", [["connect"], ["connect", "onlyhost"], ["connect", "h", "1", "--path", "/p"]]
)
def test_connect_usage_errors(args: list[str]) -> None:
    result = run_cli(*args)
    assert result.returncode == cli.EXIT_USAGE
    assert result.stderr.startswith(b"usage: trionet connect")
