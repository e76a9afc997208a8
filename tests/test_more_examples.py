"""The examples beyond the seed's echo pair, each run as a real process.

chat_server, ipc_server + ipc_client, forwarder, line_protocol,
graceful_shutdown and reuse_port_workers: every step has its own timeout, and
every process (with whatever it started) is killed on the way out if it is
still alive. The last section resets a client of each server example (and of the
seed's echo server) mid-stream and checks that the others are still served.
"""

from __future__ import annotations

import json
import os
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import pytest
from processes import child_env, free_port, short_tmp_dir

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
READY_TIMEOUT = 20.0
IO_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0


@pytest.fixture
def sock_dir() -> Iterator[Path]:
    """A short directory for Unix socket paths."""
    with short_tmp_dir("tn-mex-") as d:
        yield d


class Example:
    """A running example process whose stdout and stderr are read as they arrive."""

    def __init__(self, name: str | Path, *args: str) -> None:
        self.name = str(name)
        self.proc = subprocess.Popen(
            [sys.executable, str(EXAMPLES / name), *args],  # an absolute path stays itself
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=child_env(),
            cwd=ROOT,
            start_new_session=True,  # its own process group: kill() reaches its children
        )
        self.out = b""
        self.err = b""

    def _pump(self, done: Callable[[], bool], timeout: float) -> None:
        """Read stdout and stderr until ``done()``, both pipes end, or ``timeout``."""
        assert self.proc.stdout is not None and self.proc.stderr is not None
        pipes = {self.proc.stdout.fileno(): "out", self.proc.stderr.fileno(): "err"}
        deadline = time.monotonic() + timeout
        while not done() and pipes:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            for fd in select.select(list(pipes), [], [], left)[0]:
                chunk = os.read(fd, 4096)
                if not chunk:
                    del pipes[fd]  # EOF: the process is gone
                elif pipes[fd] == "out":
                    self.out += chunk
                else:
                    self.err += chunk

    def _kill_group(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def _fail(self, what: str) -> NoReturn:
        self._kill_group()
        out, err = self.proc.communicate(timeout=STOP_TIMEOUT)
        pytest.fail(
            f"{self.name} did not {what}\nstdout: {(self.out + out)!r}\n"
            f"stderr: {(self.err + err).decode(errors='replace')}"
        )

    def wait_for(self, text: str, timeout: float = READY_TIMEOUT) -> None:
        """Wait until stdout holds ``text``."""
        needle = text.encode()
        self._pump(lambda: needle in self.out, timeout)
        if needle not in self.out:
            self._fail(f"print {text!r}")

    def wait_for_stderr(self, text: str, timeout: float = IO_TIMEOUT) -> None:
        """Wait until stderr holds ``text``; fail at once on a traceback (a crash)."""
        needle = text.encode()
        self._pump(lambda: needle in self.err or b"Traceback" in self.err, timeout)
        if needle not in self.err or b"Traceback" in self.err:
            self._fail(f"log {text!r} on stderr (and stay up)")

    def finish(self, sig: int | None = None) -> tuple[int, str, str]:
        """Send ``sig`` (if any) and wait: (exit status, all of stdout, stderr)."""
        if sig is not None:
            self.proc.send_signal(sig)
        out, err = self.proc.communicate(timeout=STOP_TIMEOUT)
        return self.proc.returncode, (self.out + out).decode(), (self.err + err).decode()

    def kill(self) -> None:
        """Kill the process and whatever it started (reuse_port_workers' workers)."""
        self._kill_group()
        if self.proc.returncode is None:
            self.proc.communicate(timeout=STOP_TIMEOUT)


@contextmanager
def example(name: str | Path, *args: str, ready: str = "READY\n") -> Iterator[Example]:
    proc = Example(name, *args)
    try:
        proc.wait_for(ready)
        yield proc
    finally:
        proc.kill()


class Client:
    """A line-oriented raw socket client with timeouts."""

    def __init__(self, family: socket.AddressFamily, address: object) -> None:
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.settimeout(IO_TIMEOUT)
        self.sock.connect(address)
        self.buf = b""

    @classmethod
    def tcp(cls, port: int) -> Client:
        return cls(socket.AF_INET, ("127.0.0.1", port))

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def line(self) -> bytes:
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            assert chunk, f"EOF before a full line: {self.buf!r}"
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line + b"\n"

    def rest(self) -> bytes:
        """Everything until EOF."""
        data, self.buf = self.buf, b""
        while chunk := self.sock.recv(65536):
            data += chunk
        return data

    def close(self) -> None:
        self.sock.close()

    def send_what_fits(self, data: bytes) -> int:
        """One non-blocking send: as much of ``data`` as the kernel takes now."""
        try:
            return self.sock.send(data, socket.MSG_DONTWAIT)
        except BlockingIOError:
            return 0

    def abort(self) -> None:
        """Drop the connection abruptly, with an answer still unread.

        TCP: SO_LINGER 0 makes close() send RST. A Unix socket closed with data
        unread in it makes the peer's next read fail with ECONNRESET, Linux's reset.
        """
        self.sock.recv(1, socket.MSG_PEEK)  # wait until an answer is on its way to us
        if self.sock.family != socket.AF_UNIX:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


# -- chat_server ----------------------------------------------------------------------------


def test_chat_server_broadcasts_lines() -> None:
    port = free_port()
    with example("chat_server.py", str(port)) as server:
        a = Client.tcp(port)
        assert a.line() == b"welcome, guest1\n"
        b = Client.tcp(port)
        assert b.line() == b"welcome, guest2\n"
        assert a.line() == b"* guest2 joined\n"
        c = Client.tcp(port)
        assert c.line() == b"welcome, guest3\n"
        assert a.line() == b"* guest3 joined\n"
        assert b.line() == b"* guest3 joined\n"

        a.send(b"hello all\r\n")
        assert b.line() == b"guest1: hello all\n"
        assert c.line() == b"guest1: hello all\n"
        b.send(b"split ")  # a line in two chunks is one message
        time.sleep(0.05)
        b.send("across chunks, ünïcode\n".encode())
        assert a.line() == "guest2: split across chunks, ünïcode\n".encode()
        assert c.line() == "guest2: split across chunks, ünïcode\n".encode()

        b.close()
        assert a.line() == b"* guest2 left\n"
        assert c.line() == b"* guest2 left\n"
        # The sender never hears itself: a's next line is c's message.
        c.send(b"bye\n")
        assert a.line() == b"guest3: bye\n"
        a.close()
        c.close()
        rc, out, err = server.finish(signal.SIGINT)
    assert out == "READY\n"
    assert rc in (-signal.SIGINT, 1), err


# -- ipc_server / ipc_client -----------------------------------------------------------------


def run_client(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(EXAMPLES / "ipc_client.py"), *args],
        capture_output=True,
        text=True,
        timeout=IO_TIMEOUT,
        env=child_env(),
        check=False,
    )


def test_ipc_server_and_client(sock_dir: Path) -> None:
    path = sock_dir / "ipc.sock"
    with example("ipc_server.py", str(path)) as server:
        assert path.is_socket()
        demo = run_client(str(path))
        assert (demo.returncode, demo.stderr) == (0, "")
        assert demo.stdout == 'ping -> "pong"\nupper -> "HELLO"\nsum -> 6\n'

        one = run_client(str(path), "sum", "1.5", "2", "3")
        assert (one.returncode, one.stdout) == (0, "sum -> 6.5\n")
        pid = run_client(str(path), "pid")
        assert pid.stdout == f"pid -> {server.proc.pid}\n"

        bad = run_client(str(path), "upper")  # missing parameter: the server's error
        assert bad.returncode == 1
        assert bad.stdout.startswith("upper -> error: TypeError")
        unknown = run_client(str(path), "nope")
        assert unknown.returncode == 1
        assert unknown.stdout.startswith("? -> error: bad request")

        # A raw client: several requests in one write, replies in order.
        raw = Client(socket.AF_UNIX, str(path))
        raw.send(b'{"id": 1, "method": "ping"}\n{"id": 2, "method": "upper", "params": ["x"]}\n')
        assert raw.line() == b'{"id": 1, "result": "pong"}\n'
        assert raw.line() == b'{"id": 2, "result": "X"}\n'
        raw.close()

        _rc, out, _err = server.finish(signal.SIGINT)
    assert out == f"listening on {path}\nREADY\n"
    assert not path.exists()  # removed on Ctrl-C


def test_ipc_client_without_a_server(sock_dir: Path) -> None:
    path = sock_dir / "nobody.sock"
    result = run_client(str(path))
    assert result.returncode == 1
    assert result.stderr == f"ipc_client: connect ENOENT {path}\n"


# -- forwarder -------------------------------------------------------------------------------


def test_forwarder_in_front_of_the_seed_echo_server() -> None:
    backend_port, port = free_port(), free_port()
    with (
        example("echo_server.py", str(backend_port)) as backend,
        example("forwarder.py", str(port), str(backend_port), "127.0.0.1") as fwd,
    ):
        assert fwd.out == f"forwarding :{port} -> 127.0.0.1:{backend_port}\nREADY\n".encode()
        for _ in range(2):
            client = Client.tcp(port)
            assert client.line() == b"hello\r\n"  # the backend's greeting, forwarded
            payload = os.urandom(1 << 20)
            client.send(payload)
            client.sock.shutdown(socket.SHUT_WR)  # passed on: the backend ends, then we do
            assert client.rest() == payload
            client.close()
        backend.wait_for("client disconnected\n")
        fwd.finish(signal.SIGINT)
        backend.finish(signal.SIGINT)


# -- line_protocol ---------------------------------------------------------------------------


@pytest.mark.parametrize("transport", ["tcp", "unix"])
def test_line_protocol(transport: str, sock_dir: Path) -> None:
    if transport == "tcp":
        port = free_port()
        where, family, address = str(port), socket.AF_INET, ("127.0.0.1", port)
    else:
        path = str(sock_dir / "lines.sock")
        where, family, address = path, socket.AF_UNIX, path  # type: ignore[assignment]
    with example("line_protocol.py", where) as server:
        c = Client(family, address)
        c.send(b"PING\nECHO hello world\r\nADD 1 2 39\n")
        assert c.line() == b"PONG\n"
        assert c.line() == b"hello world\n"
        assert c.line() == b"42\n"
        c.send(b"UPP")
        time.sleep(0.05)
        c.send(b"ER mixed Case\n\nfrobnicate\nADD x\n")
        assert c.line() == b"MIXED CASE\n"
        assert c.line() == b"ERR unknown command: frobnicate\n"
        assert c.line() == b"ERR ADD takes integers\n"
        c.send(b"QUIT\nPING\n")  # nothing after QUIT is answered
        assert c.rest() == b"BYE\n"
        c.close()

        # A client that ends first gets every answer, then EOF.
        c = Client(family, address)
        c.send(b"PING\n" * 1000)
        c.sock.shutdown(socket.SHUT_WR)
        assert c.rest() == b"PONG\n" * 1000
        c.close()
        _rc, out, _ = server.finish(signal.SIGINT)
    assert out == "READY\n"


def test_line_protocol_backpressure_on_a_client_that_does_not_read() -> None:
    """Replies wait for 'drain': the server stops reading; nothing grows without bound."""
    port = free_port()
    with example("line_protocol.py", str(port)) as server:
        c = Client.tcp(port)
        c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        request = b"ECHO " + b"x" * 1000 + b"\n"
        c.sock.setblocking(False)
        sent = 0
        deadline = time.monotonic() + IO_TIMEOUT
        # Send until the kernel refuses: the server has stopped reading us.
        while time.monotonic() < deadline:
            try:
                sent += c.sock.send(request * 64)
            except BlockingIOError:
                time.sleep(0.2)
                try:
                    sent += c.sock.send(request * 64)
                except BlockingIOError:
                    break
        assert time.monotonic() < deadline, "the server kept reading a client that does not"
        assert sent < 64 * 1024 * 1024
        c.close()
        # The server still serves others.
        d = Client.tcp(port)
        d.send(b"PING\n")
        assert d.line() == b"PONG\n"
        d.close()
        server.finish(signal.SIGINT)


# -- graceful_shutdown -----------------------------------------------------------------------


def test_graceful_shutdown_lets_connections_finish() -> None:
    port = free_port()
    with example("graceful_shutdown.py", str(port)) as server:
        c = Client.tcp(port)
        c.send(b"0\n")
        assert c.line() == b"done 0\n"  # the connection is registered
        c.send(b"1500\n")  # read before or after the signal: it is done either way
        server.proc.send_signal(signal.SIGINT)
        server.wait_for("shutting down: 1 connection(s) open\n")
        # No new connections once closing (the server closes before it prints)...
        with socket.socket() as late:
            late.settimeout(IO_TIMEOUT)
            assert late.connect_ex(("127.0.0.1", port)) != 0
        # ...but the open one finishes its work and can still ask for more.
        assert c.line() == b"done 1500\n"
        c.send(b"10\n")
        assert c.line() == b"done 10\n"
        assert server.proc.poll() is None  # still running: c is open
        c.sock.shutdown(socket.SHUT_WR)
        assert c.rest() == b""
        c.close()
        rc, out, err = server.finish()
    assert (rc, err) == (0, "")
    assert out == "READY\nshutting down: 1 connection(s) open\nclosed\n"


def test_graceful_shutdown_second_ctrl_c_forces() -> None:
    port = free_port()
    with example("graceful_shutdown.py", str(port)) as server:
        c = Client.tcp(port)
        c.send(b"0\n")
        assert c.line() == b"done 0\n"
        c.send(b"60000\n")  # a minute of work, cut short by the second signal
        server.proc.send_signal(signal.SIGINT)
        server.wait_for("shutting down: 1 connection(s) open\n")
        server.proc.send_signal(signal.SIGINT)
        rc, out, err = server.finish()
        try:
            assert c.rest() == b""  # cut off: no answer
        except ConnectionResetError:
            pass
        c.close()
    assert (rc, err) == (130, "")
    assert out == (
        "READY\nshutting down: 1 connection(s) open\nforcing: cancelling 1 connection(s)\nclosed\n"
    )


def test_graceful_shutdown_with_no_connections_exits_at_once() -> None:
    port = free_port()
    with example("graceful_shutdown.py", str(port)) as server:
        rc, out, err = server.finish(signal.SIGTERM)
    assert (rc, out, err) == (0, "READY\nshutting down: 0 connection(s) open\nclosed\n", "")


# -- reuse_port_workers ----------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(socket, "SO_REUSEPORT"), reason="no SO_REUSEPORT")
def test_reuse_port_workers_share_one_port() -> None:
    port = free_port()
    with example("reuse_port_workers.py", str(port), "3") as supervisor:
        header = supervisor.out.decode().splitlines()[0]
        assert header.startswith(f"3 workers on port {port}: ")
        worker_pids = set(json.loads(header.split(": ", 1)[1]))  # a list of ints
        assert len(worker_pids) == 3
        seen: set[int] = set()
        for _ in range(60):
            c = Client.tcp(port)
            reply = c.rest()
            c.close()
            assert reply.startswith(b"worker ")
            seen.add(int(reply.split()[1]))
            if len(seen) == 3:
                break
        assert seen <= worker_pids
        assert len(seen) > 1, "every connection reached the same worker"
        rc, _out, err = supervisor.finish(signal.SIGINT)
    assert (rc, err) == (0, "")
    for pid in worker_pids:  # the workers are gone too
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


# -- one client's reset ends that connection only ---------------------------------------------
#
# Each server example: a client that sends, then resets the connection while an
# answer is on its way (RST on TCP), must cost that one connection, not the server.
# The example logs the error on stderr ("connection error: ..."), which is also how
# the test knows the reset has been handled before it checks on the other client;
# a traceback there means the error escaped and ended the run.

CONNECTION_ERROR = "connection error: "


def test_echo_server_survives_a_reset_client() -> None:
    port = free_port()
    with example("echo_server.py", str(port)) as server:
        b = Client.tcp(port)
        assert b.line() == b"hello\r\n"
        b.send(b"before\n")
        assert b.line() == b"before\n"

        a = Client.tcp(port)
        assert a.line() == b"hello\r\n"
        a.send_what_fits(os.urandom(1 << 20))  # echoed back at us, never read
        a.abort()
        server.wait_for_stderr(CONNECTION_ERROR)

        b.send(b"after\n")
        assert b.line() == b"after\n"
        b.sock.shutdown(socket.SHUT_WR)  # half-close: the server ends too
        assert b.rest() == b""
        b.close()
        server.wait_for("client disconnected\n")
        assert server.proc.poll() is None
        rc, out, err = server.finish(signal.SIGTERM)
    assert rc == -signal.SIGTERM, err
    assert out.startswith("server bound\nREADY\nclient connected\nclient connected\n")
    assert "Traceback" not in err


def test_chat_server_survives_a_reset_client() -> None:
    port = free_port()
    with example("chat_server.py", str(port)) as server:
        b = Client.tcp(port)
        assert b.line() == b"welcome, guest1\n"
        a = Client.tcp(port)
        assert a.line() == b"welcome, guest2\n"
        assert b.line() == b"* guest2 joined\n"
        a.send(b"hi\n")
        assert b.line() == b"guest2: hi\n"
        b.send(b"hello guest2\n")  # on its way to a, which never reads it
        a.send(b"half a li")
        a.abort()
        server.wait_for_stderr(CONNECTION_ERROR)
        assert b.line() == b"* guest2 left\n"

        c = Client.tcp(port)
        assert c.line() == b"welcome, guest3\n"
        assert b.line() == b"* guest3 joined\n"
        b.send(b"still here\n")
        assert c.line() == b"guest1: still here\n"
        b.close()
        c.close()
        assert server.proc.poll() is None
        rc, out, err = server.finish(signal.SIGTERM)
    assert (rc, out) == (-signal.SIGTERM, "READY\n")
    assert err.startswith(CONNECTION_ERROR) and "Traceback" not in err, err


def test_ipc_server_survives_a_reset_client(sock_dir: Path) -> None:
    path = str(sock_dir / "ipc.sock")
    with example("ipc_server.py", path) as server:
        b = Client(socket.AF_UNIX, path)
        b.send(b'{"id": 1, "method": "ping"}\n')
        assert b.line() == b'{"id": 1, "result": "pong"}\n'

        a = Client(socket.AF_UNIX, path)
        a.send_what_fits(b'{"id": 2, "method": "upper", "params": ["abc"]}\n' * 2000)
        a.abort()  # closed with replies unread: the server's next read fails
        server.wait_for_stderr(CONNECTION_ERROR)

        b.send(b'{"id": 3, "method": "sum", "params": [1, 2]}\n')
        assert b.line() == b'{"id": 3, "result": 3}\n'
        b.close()
        assert server.proc.poll() is None
        server.finish(signal.SIGINT)


def test_forwarder_survives_a_reset_client() -> None:
    backend_port, port = free_port(), free_port()
    with (
        example("echo_server.py", str(backend_port)) as backend,
        example("forwarder.py", str(port), str(backend_port), "127.0.0.1") as fwd,
    ):
        b = Client.tcp(port)
        assert b.line() == b"hello\r\n"
        b.send(b"before\n")
        assert b.line() == b"before\n"

        a = Client.tcp(port)
        assert a.line() == b"hello\r\n"
        a.send_what_fits(os.urandom(1 << 20))
        a.abort()
        fwd.wait_for_stderr(CONNECTION_ERROR)  # it destroys the upstream connection too

        b.send(b"after\n")
        assert b.line() == b"after\n"
        b.close()
        assert fwd.proc.poll() is None
        assert backend.proc.poll() is None
        fwd.finish(signal.SIGINT)
        backend.finish(signal.SIGINT)


def test_line_protocol_survives_a_reset_client() -> None:
    port = free_port()
    with example("line_protocol.py", str(port)) as server:
        b = Client.tcp(port)
        b.send(b"PING\n")
        assert b.line() == b"PONG\n"

        a = Client.tcp(port)
        a.send_what_fits(b"ECHO " + b"x" * 100 + b"\n" * 1000)
        a.abort()
        server.wait_for_stderr(CONNECTION_ERROR)

        b.send(b"ADD 2 3\n")
        assert b.line() == b"5\n"
        b.close()
        assert server.proc.poll() is None
        server.finish(signal.SIGINT)


def test_graceful_shutdown_survives_a_reset_client() -> None:
    port = free_port()
    with example("graceful_shutdown.py", str(port)) as server:
        b = Client.tcp(port)
        b.send(b"0\n")
        assert b.line() == b"done 0\n"

        a = Client.tcp(port)
        a.send_what_fits(b"0\n" * 10000)
        a.abort()
        server.wait_for_stderr(CONNECTION_ERROR)

        b.send(b"5\n")
        assert b.line() == b"done 5\n"
        b.sock.shutdown(socket.SHUT_WR)
        assert b.rest() == b""
        b.close()
        rc, out, err = server.finish(signal.SIGTERM)
    assert rc == 0, err
    # The reset connection's handler may still be winding down when the signal comes.
    assert re.fullmatch(r"READY\nshutting down: [01] connection\(s\) open\nclosed\n", out), out
    assert err.startswith(CONNECTION_ERROR) and "Traceback" not in err, err


@pytest.mark.skipif(not hasattr(socket, "SO_REUSEPORT"), reason="no SO_REUSEPORT")
def test_reuse_port_worker_survives_a_reset_client() -> None:
    port = free_port()
    with example("reuse_port_workers.py", str(port), "2") as supervisor:
        a = Client.tcp(port)
        reply = a.line()
        assert reply.startswith(b"worker ")
        pid = int(reply.split()[1])
        a.send(b"anything\n")  # the worker never reads it; then RST
        a.abort()
        supervisor.wait_for_stderr(CONNECTION_ERROR)
        # That worker still answers: the kernel spreads new connections across both.
        for _ in range(200):
            c = Client.tcp(port)
            answered = int(c.rest().split()[1])
            c.close()
            if answered == pid:
                break
        assert answered == pid, "the worker whose client reset no longer answers"
        rc, _out, err = supervisor.finish(signal.SIGINT)
    assert rc == 0, err
    assert "Traceback" not in err
