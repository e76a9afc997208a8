"""The ``trionet`` command, run as real processes (``python -m trionet ...``).

Every step has its own timeout: a server must print ``READY`` within
``READY_TIMEOUT``, a client must finish within ``CLIENT_TIMEOUT``, and every
process is killed on the way out if it is still alive.
"""

from __future__ import annotations

import ctypes
import os
import re
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
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
    """A running ``trionet`` server process (or ``prefix`` + its arguments)."""

    def __init__(self, args: list[str], prefix: list[str] | None = None) -> None:
        self.args = args
        self.proc = subprocess.Popen(
            [*(prefix or TRIONET), *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=child_env(),
            cwd=ROOT,
        )
        self.out = b""
        self.err = b""

    @property
    def ready_line(self) -> str:
        """The ``READY <address>`` line, without its newline."""
        return next(line for line in self.out.decode().splitlines() if line.startswith("READY"))

    @property
    def address(self) -> str:
        """What follows READY: ``[::]:PORT``, ``127.0.0.1:PORT`` or the socket path."""
        return self.ready_line.split(" ", 1)[1]

    @property
    def port(self) -> int:
        return int(self.address.rpartition(":")[2])

    def _read_until(self, stream: object, done: Callable[[], bool], timeout: float) -> None:
        assert stream is not None
        fd = stream.fileno()  # type: ignore[attr-defined]
        deadline = time.monotonic() + timeout
        while not done():
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return
            chunk = os.read(fd, 4096)
            if not chunk:
                return
            if stream is self.proc.stdout:
                self.out += chunk
            else:
                self.err += chunk

    def wait_ready(self) -> None:
        def ready() -> bool:
            return any(line.startswith(b"READY") for line in self.out.split(b"\n")[:-1])

        self._read_until(self.proc.stdout, ready, READY_TIMEOUT)
        if not ready():
            self.proc.kill()
            _, err = self.proc.communicate(timeout=STOP_TIMEOUT)
            pytest.fail(f"trionet {self.args} did not print READY: {self.out!r} {err!r}")

    def wait_stderr(self, done: Callable[[list[str]], bool]) -> list[str]:
        """Read stderr until ``done(complete lines so far)``; those lines."""

        def lines() -> list[str]:
            return self.err.decode().split("\n")[:-1]

        self._read_until(self.proc.stderr, lambda: done(lines()), CLIENT_TIMEOUT)
        assert done(lines()), self.err
        return lines()

    def stop(self, sig: int = signal.SIGINT) -> tuple[int, bytes, bytes]:
        """Send ``sig``; return (exit status, all of stdout, all of stderr)."""
        self.proc.send_signal(sig)
        out, err = self.proc.communicate(timeout=STOP_TIMEOUT)
        return self.proc.returncode, self.out + out, self.err + err

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate(timeout=STOP_TIMEOUT)


@contextmanager
def running(*args: str, prefix: list[str] | None = None) -> Iterator[Proc]:
    proc = Proc(list(args), prefix)
    try:
        proc.wait_ready()
        yield proc
    finally:
        proc.kill()


def run_cli(
    *args: str, stdin: bytes | None = None, stdin_file: object = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[bytes]:
    kwargs: dict[str, object] = {"input": stdin} if stdin is not None else {"stdin": stdin_file}
    return subprocess.run(
        [*TRIONET, *args],
        capture_output=True,
        timeout=CLIENT_TIMEOUT,
        env=child_env(),
        cwd=cwd,
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


def recv_exactly(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n and (chunk := sock.recv(n - len(data))):
        data += chunk
    return data


def closed_by_peer(family: socket.AddressFamily, address: object) -> bool:
    """Connect, send nothing, and wait for the server to close: EOF or a reset.

    Nothing is sent and nothing shut down, so the outcome does not depend on
    whether the server closed before or after a send() or shutdown() of ours.
    """
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(CLIENT_TIMEOUT)
        s.connect(address)
        try:
            return s.recv(1) == b""
        except ConnectionResetError:
            return True


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
    assert result.returncode == cli.EXIT_USAGE
    assert one_line(result.stderr) == (
        "trionet: the following arguments are required: COMMAND (see trionet --help)"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8124", {"port": 8124}),
        ("0", {"port": 0}),
        ("65535", {"port": 65535}),
        ("127.0.0.1:80", {"port": 80, "host": "127.0.0.1"}),
        ("localhost:0", {"port": 0, "host": "localhost"}),
        ("[::1]:8124", {"port": 8124, "host": "::1"}),
        ("/tmp/x.sock", {"path": "/tmp/x.sock"}),
        ("./x.sock", {"path": "./x.sock"}),
        ("dir/23a24", {"path": "dir/23a24"}),
    ],
)
def test_parse_address(text: str, expected: dict[str, object]) -> None:
    assert cli.parse_address(text) == expected


def test_parse_address_default_host_and_errors() -> None:
    assert cli.parse_address("80", default_host="localhost") == {"port": 80, "host": "localhost"}
    with pytest.raises(cli.UsageError, match="bad address 'host:http'"):
        cli.parse_address("host:http")
    with pytest.raises(cli.UsageError, match="port 0 is out of range"):
        cli.parse_address("0", connect=True)


# -- echo ---------------------------------------------------------------------------------


def test_echo_tcp_echoes_prints_only_ready_and_exits_130_on_ctrl_c() -> None:
    with running("echo", "0") as server:
        port = server.port
        payload = bytes(range(256)) * 4096  # 1 MiB, more than any socket buffer
        assert roundtrip(socket.AF_INET, ("127.0.0.1", port), payload) == payload
        for _ in range(3):
            assert roundtrip(socket.AF_INET, ("127.0.0.1", port), b"ping\n") == b"ping\n"
        rc, out, err = server.stop(signal.SIGINT)
    assert rc == cli.EXIT_INTERRUPTED
    assert out == b"READY [::]:%d\n" % port  # nothing per connection
    assert err == b""  # no traceback


@pytest.mark.parametrize(
    ("args", "bound"),
    [
        (["echo", "0"], r"\[::\]:(\d+)"),
        (["echo", "0", "--host", "127.0.0.1"], r"127\.0\.0\.1:(\d+)"),
        (["echo", "127.0.0.1:0"], r"127\.0\.0\.1:(\d+)"),
        (["forward", "0", "9"], r"\[::\]:(\d+)"),
        (["forward", "127.0.0.1:0", "9"], r"127\.0\.0\.1:(\d+)"),
    ],
)
def test_port_0_prints_the_address_it_bound_on_the_ready_line(args: list[str], bound: str) -> None:
    """``READY <address>``: a script learns the port the system chose."""
    with running(*args) as server:
        match = re.fullmatch(f"READY {bound}", server.ready_line)
        assert match, server.ready_line
        port = int(match.group(1))
        assert port > 0
        assert server.port == port
        with socket.create_connection(("127.0.0.1", port), timeout=CLIENT_TIMEOUT):
            pass  # something listens there
        server.stop()


def test_ready_line_with_a_path_is_the_path(sock_dir: Path) -> None:
    path = sock_dir / "echo.sock"
    with running("echo", str(path)) as server:
        assert server.ready_line == f"READY {path}"
        server.stop()


@pytest.mark.skipif(not socket.has_ipv6, reason="no IPv6")
def test_echo_without_host_listens_on_all_interfaces_like_node() -> None:
    with running("echo", "0") as server:
        port = server.port
        assert roundtrip(socket.AF_INET, ("127.0.0.1", port), b"v4") == b"v4"
        try:
            assert roundtrip(socket.AF_INET6, ("::1", port), b"v6") == b"v6"
        except OSError as exc:  # a machine without a ::1 loopback
            pytest.skip(f"no IPv6 loopback: {exc}")
        server.stop()


def test_echo_host_option() -> None:
    with running("echo", "0", "--host", "127.0.0.1") as server:
        port = server.port
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
    assert (rc, out, err) == (cli.EXIT_INTERRUPTED, f"READY {path}\n".encode(), b"")
    assert not path.exists()  # the socket file it made is gone


def test_echo_survives_a_client_reset() -> None:
    with running("echo", "0", "--host", "127.0.0.1") as server:
        port = server.port
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
    payload = os.urandom(1 << 20)
    with running("echo", "0") as server:
        result = run_cli("connect", "localhost", str(server.port), stdin=payload)
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
    with running("echo", str(path)) as backend, running("forward", "0", str(path)) as fwd:
        port = fwd.port
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
        assert (rc, out, err) == (cli.EXIT_INTERRUPTED, b"READY [::]:%d\n" % port, b"")
        backend.stop()


def test_forward_passes_the_half_close_on() -> None:
    server = AfterEofServer()
    try:
        with running("forward", "127.0.0.1:0", f"127.0.0.1:{server.port}") as fwd:
            reply = roundtrip(socket.AF_INET, ("127.0.0.1", fwd.port), b"through the forwarder\n")
            fwd.stop()
    finally:
        server.close()
    assert server.received == [b"through the forwarder\n"]
    assert reply == b"got 22 bytes: through the forwarder\n"


def test_forward_unix_listen_to_tcp_connect_with_trionet_connect(sock_dir: Path) -> None:
    path = sock_dir / "front.sock"
    with (
        running("echo", "127.0.0.1:0") as backend,
        running("forward", str(path), f"127.0.0.1:{backend.port}") as fwd,
    ):
        result = run_cli("connect", "--path", str(path), stdin=b"a\nb\nc\n")
        assert (result.returncode, result.stdout, result.stderr) == (0, b"a\nb\nc\n", b"")
        fwd.stop()
        backend.stop()
    assert not path.exists()


def failures_counted(lines: list[str]) -> int:
    """Failed upstream connections reported by ``forward``'s log lines."""
    total = 0
    for line in lines:
        if line.endswith("; client closed"):
            total += 1
        else:
            match = re.search(r"; (\d+) clients closed since the last line$", line)
            assert match, line
            total += int(match.group(1))
    return total


def test_forward_target_refusing_closes_the_client_logs_and_keeps_serving() -> None:
    """Each failed upstream connection closes its client and is logged: the first
    at once, the rest counted, at most one line a second."""
    dead = free_port()  # nothing listens there
    clients = 6
    with running("forward", "127.0.0.1:0", f"127.0.0.1:{dead}") as fwd:
        started = time.monotonic()
        assert closed_by_peer(socket.AF_INET, ("127.0.0.1", fwd.port))
        first = fwd.wait_stderr(lambda lines: failures_counted(lines) >= 1)
        assert first == [
            f"trionet forward: cannot reach 127.0.0.1:{dead}: "
            f"connect ECONNREFUSED 127.0.0.1:{dead}; client closed"
        ]
        for _ in range(clients - 1):  # the forwarder keeps serving
            assert closed_by_peer(socket.AF_INET, ("127.0.0.1", fwd.port))
        lines = fwd.wait_stderr(lambda lines: failures_counted(lines) >= clients)
        elapsed = time.monotonic() - started
        assert failures_counted(lines) == clients
        # Rate-limited: one line at once, then at most one per second.
        assert len(lines) <= 2 + elapsed / cli.FAILURE_LOG_INTERVAL, (elapsed, lines)
        for line in lines:
            assert line.startswith(
                f"trionet forward: cannot reach 127.0.0.1:{dead}: "
                f"connect ECONNREFUSED 127.0.0.1:{dead}; "
            )
        assert fwd.proc.poll() is None
        rc, out, err = fwd.stop(signal.SIGTERM)
    assert rc == cli.EXIT_TERMINATED
    assert out == f"READY 127.0.0.1:{fwd.port}\n".encode()
    assert err.decode().splitlines() == lines


# Runs the CLI with socket.getaddrinfo wrapped: every real lookup (not trio's
# numeric-only first try) is written to stderr as "LOOKUP name", and the name
# two-addresses.test resolves to a dead address first, then to 127.0.0.1.
WITH_LOOKUPS = [
    sys.executable,
    "-c",
    """
import socket, sys
real = socket.getaddrinfo
def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
    name = host.decode() if isinstance(host, bytes) else host
    if not flags & socket.AI_NUMERICHOST:
        sys.stderr.write(f"LOOKUP {name}\\n")
        sys.stderr.flush()
        if name == "two-addresses.test":
            return [
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port)))
                for address in ("127.0.0.2", "127.0.0.1")
            ]
    return real(host, port, family, type, proto, flags)
socket.getaddrinfo = getaddrinfo
from trionet.cli import main
main(sys.argv[1:])
""",
]


@pytest.mark.parametrize("target", ["localhost", "two-addresses.test"])
def test_forward_resolves_the_target_once_at_startup(target: str) -> None:
    """A name is looked up once, not per connection; with several addresses the
    first that answers is used (127.0.0.2 refuses: nobody listens there)."""
    with running("echo", "127.0.0.1:0") as backend:
        with running(
            "forward", "127.0.0.1:0", f"{target}:{backend.port}", prefix=WITH_LOOKUPS
        ) as fwd:
            for i in range(6):
                msg = b"connection %d\n" % i
                assert roundtrip(socket.AF_INET, ("127.0.0.1", fwd.port), msg) == msg
            rc, _, err = fwd.stop(signal.SIGTERM)
        backend.stop()
    assert rc == cli.EXIT_TERMINATED
    # One lookup, and no failed connection logged (the dead address is skipped).
    assert err.decode().splitlines() == [f"LOOKUP {target}"]


def test_forward_unknown_target_host_fails_at_startup() -> None:
    result = run_cli("forward", "127.0.0.1:0", "nohost.invalid:80")
    assert result.returncode == cli.EXIT_ERROR
    assert one_line(result.stderr) == "trionet forward: getaddrinfo ENOTFOUND nohost.invalid"
    assert result.stdout == b""


# -- TCP_NODELAY ---------------------------------------------------------------------------


def tcp_no_delay_by_peer(pid: int) -> dict[tuple[str, int], int]:
    """TCP_NODELAY of each connected TCP socket of process ``pid``, by peer address.

    Reads the other process's sockets through pidfd_getfd(2) (Linux 5.6+, allowed
    for our own child); skips the test where the system refuses it.
    """
    if not sys.platform.startswith("linux") or not hasattr(os, "pidfd_open"):
        pytest.skip("pidfd_getfd is Linux-only")
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd_getfd = 438  # the same number on every Linux architecture
    found: dict[tuple[str, int], int] = {}
    pidfd = os.pidfd_open(pid)
    try:
        for name in os.listdir(f"/proc/{pid}/fd"):
            try:
                if not os.readlink(f"/proc/{pid}/fd/{name}").startswith("socket:"):
                    continue
            except FileNotFoundError:
                continue
            fd = libc.syscall(pidfd_getfd, pidfd, int(name), 0)
            if fd < 0:
                pytest.skip(f"pidfd_getfd: {os.strerror(ctypes.get_errno())}")
            with socket.socket(fileno=fd) as s:
                if s.family not in (socket.AF_INET, socket.AF_INET6):
                    continue
                try:
                    peer = s.getpeername()
                except OSError:
                    continue  # a listening socket
                value = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
                found[(peer[0].removeprefix("::ffff:"), peer[1])] = value
    finally:
        os.close(pidfd)
    return found


def test_echo_sets_no_delay_on_every_connection() -> None:
    with running("echo", "0") as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=CLIENT_TIMEOUT) as c:
            c.sendall(b"x")
            assert c.recv(1) == b"x"  # accepted and served
            sockets = tcp_no_delay_by_peer(server.proc.pid)
            assert sockets[c.getsockname()] == 1, sockets
        server.stop()


def test_forward_sets_no_delay_on_both_sides() -> None:
    with (
        running("echo", "127.0.0.1:0") as backend,
        running("forward", "127.0.0.1:0", str(backend.port)) as fwd,
    ):
        with socket.create_connection(("127.0.0.1", fwd.port), timeout=CLIENT_TIMEOUT) as c:
            c.sendall(b"x")
            assert c.recv(1) == b"x"  # through the forwarder and back
            sockets = tcp_no_delay_by_peer(fwd.proc.pid)
            assert sockets[c.getsockname()] == 1, sockets  # the client's
            assert sockets[("127.0.0.1", backend.port)] == 1, sockets  # the upstream
        fwd.stop()
        backend.stop()


# -- SIGTERM -------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["echo", "forward"])
def test_sigterm_closes_connections_removes_the_socket_file_and_exits_0(
    command: str, sock_dir: Path
) -> None:
    """What kill, systemd and docker send: a clean stop, as Ctrl-C, and a restart
    on the same path works."""
    path = sock_dir / "server.sock"
    with running("echo", "127.0.0.1:0") as backend:
        args = [str(path)] if command == "echo" else [str(path), str(backend.port)]
        for _ in range(2):  # the second run listens on the path the first one left
            with running(command, *args) as server, socket.socket(socket.AF_UNIX) as live:
                live.settimeout(CLIENT_TIMEOUT)
                live.connect(str(path))
                live.sendall(b"hello")
                assert recv_exactly(live, 5) == b"hello"  # a live connection
                rc, out, err = server.stop(signal.SIGTERM)
                assert live.recv(1) == b""  # closed by the server
            assert (rc, out, err) == (cli.EXIT_TERMINATED, f"READY {path}\n".encode(), b"")
            assert not path.exists()
        backend.stop()


def test_sigterm_on_a_tcp_echo_exits_0() -> None:
    with running("echo", "0") as server:
        rc, out, err = server.stop(signal.SIGTERM)
    assert (rc, out, err) == (cli.EXIT_TERMINATED, f"{server.ready_line}\n".encode(), b"")


# -- errors -------------------------------------------------------------------------------


def one_line(err: bytes) -> str:
    text = err.decode()
    assert text.endswith("\n") and text.count("\n") == 1, text  # one line, no traceback
    return text.rstrip("\n")


FORMS = "expected PORT (0-65535), HOST:PORT, [IPV6]:PORT or a path containing '/'"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["echo", "23a24"], f"echo: bad PORT|PATH '23a24': {FORMS} (./23a24 for a file here)"),
        (["echo", "x.sock"], f"echo: bad PORT|PATH 'x.sock': {FORMS} (./x.sock for a file here)"),
        (["echo", " 23130"], "echo: bad PORT|PATH ' 23130': leading or trailing whitespace"),
        (["echo", ""], f"echo: bad PORT|PATH '': empty; {FORMS}"),
        (["echo", "70000"], "echo: bad PORT|PATH '70000': port 70000 is out of range (0-65535)"),
        (["echo", "-1"], "echo: bad PORT|PATH '-1': a port is ASCII digits, 0-65535"),
        (["echo", "\u0663"], "echo: bad PORT|PATH '\u0663': a port is ASCII digits, 0-65535"),
        (
            ["echo", "::1:80"],
            "echo: bad PORT|PATH '::1:80': an IPv6 address goes in brackets: [::1]:80",
        ),
        (["echo", "[::1]"], "echo: bad PORT|PATH '[::1]': no port; expected [::1]:PORT"),
        (["echo", ":80"], "echo: bad PORT|PATH ':80': the host is empty"),
        (
            ["echo", "/tmp/x.sock", "--host", "127.0.0.1"],
            "echo: --host applies to a port, not to a Unix socket path",
        ),
        (
            ["forward", "8124", "host:http"],
            "forward: bad TARGET 'host:http' (the port 'http'): a port is ASCII digits, 1-65535",
        ),
        (
            ["forward", "8124", "127.0.0.1:70000"],
            "forward: bad TARGET '127.0.0.1:70000': port 70000 is out of range (1-65535)",
        ),
        (["forward", "8124", "0"], "forward: bad TARGET '0': port 0 is out of range (1-65535)"),
        (
            ["forward", "8124", "backend"],
            f"forward: bad TARGET 'backend': {FORMS} (./backend for a file here)",
        ),
        (
            ["forward", "23a24", "9"],
            f"forward: bad LISTEN '23a24': {FORMS} (./23a24 for a file here)",
        ),
        (["forward", "", "9"], f"forward: bad LISTEN '': empty; {FORMS}"),
        (
            ["connect", "127.0.0.1", "70000"],
            "connect: bad PORT '70000': port 70000 is out of range (1-65535)",
        ),
        (
            ["connect", "127.0.0.1", "http"],
            "connect: bad PORT 'http': a port is ASCII digits, 1-65535",
        ),
        (
            ["connect", "127.0.0.1", " 80"],
            "connect: bad PORT ' 80': a port is ASCII digits, 1-65535",
        ),
        (["connect", "", "80"], "connect: bad HOST '': the host is empty"),
        (["connect", "--path", ""], "connect: bad --path '': expected a Unix socket path"),
        (["connect"], "connect: expected HOST PORT, or --path PATH"),
        (["connect", "onlyhost"], "connect: expected HOST PORT, or --path PATH"),
        (
            ["connect", "h", "1", "--path", "/p"],
            "connect: give either HOST PORT or --path PATH, not both",
        ),
        (
            ["echo", "1", "2"],
            "trionet: unrecognized arguments: 2 (see trionet --help)",
        ),
    ],
)
def test_usage_errors_name_what_was_typed_and_exit_2(
    args: list[str], message: str, tmp_path: Path
) -> None:
    """One rule: a port is ASCII digits, a path has a '/'; nothing else is guessed
    (``trionet echo 23a24`` used to create the socket file ./23a24)."""
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == cli.EXIT_USAGE
    expected = message if message.startswith("trionet") else f"trionet {message}"
    assert one_line(result.stderr) == expected
    assert result.stdout == b""
    assert list(tmp_path.iterdir()) == []  # no socket file made


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


@pytest.mark.parametrize("command", ["echo", "forward"])
def test_a_stale_socket_file_left_by_kill_9_is_explained(command: str, sock_dir: Path) -> None:
    path = sock_dir / "stale.sock"
    args = [str(path)] if command == "echo" else [str(path), "9"]
    killed = Proc([command, *args])
    killed.wait_ready()
    killed.stop(signal.SIGKILL)  # nothing runs: the socket file stays
    assert path.is_socket()
    result = run_cli(command, *args)
    assert result.returncode == cli.EXIT_ERROR
    assert one_line(result.stderr) == (
        f"trionet {command}: listen EADDRINUSE: address already in use {path}: "
        "a socket file exists there but no server answers on it (left by a killed "
        f"process?); if no server is running, remove it: rm {path}"
    )
    assert path.is_socket()  # not ours to remove


def test_a_path_taken_by_a_running_server_or_a_file_says_so(sock_dir: Path) -> None:
    path = sock_dir / "taken.sock"
    with running("echo", str(path)) as server:
        result = run_cli("echo", str(path))
        assert (result.returncode, one_line(result.stderr)) == (
            cli.EXIT_ERROR,
            f"trionet echo: listen EADDRINUSE: address already in use {path}: "
            "another server is listening on it",
        )
        server.stop()
    path.write_text("not a socket")
    result = run_cli("echo", str(path))
    assert (result.returncode, one_line(result.stderr)) == (
        cli.EXIT_ERROR,
        f"trionet echo: listen EADDRINUSE: address already in use {path}: "
        "a file that is not a socket exists there",
    )


@pytest.mark.parametrize("command", ["echo", "forward"])
def test_a_socket_path_in_a_missing_directory_says_so(command: str, sock_dir: Path) -> None:
    """The kernel says ENOENT; libuv (so Node, and trionet) report EACCES,
    "permission denied", which sends users looking at permissions."""
    path = sock_dir / "missing" / "x.sock"
    result = run_cli(command, str(path), *(["9"] if command == "forward" else []))
    assert result.returncode == cli.EXIT_ERROR
    assert one_line(result.stderr) == (
        f"trionet {command}: listen on {path}: the directory {path.parent} does not exist"
    )
    not_a_dir = sock_dir / "file"
    not_a_dir.write_text("")
    result = run_cli(command, str(not_a_dir / "x.sock"), *(["9"] if command == "forward" else []))
    assert one_line(result.stderr) == (
        f"trionet {command}: listen on {not_a_dir / 'x.sock'}: {not_a_dir} is not a directory"
    )
