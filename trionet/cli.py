"""The ``trionet`` command: an echo server, an ``nc``-like client and a port forwarder.

Run it as ``trionet ...`` (installed by ``pip install``) or ``python -m trionet ...``::

    trionet echo [PORT | PATH] [--host HOST]   echo every byte back; prints READY when listening
    trionet connect HOST PORT                  stdin to the socket, the socket to stdout
    trionet connect --path PATH                the same over a Unix socket
    trionet forward LISTEN TARGET              accept on LISTEN, pipe() each connection to TARGET

Addresses follow one rule, so that nothing is guessed:

* ``PORT`` is ASCII digits only, ``0``-``65535`` (``1``-``65535`` to connect to);
* a Unix socket path contains a ``/`` (``./echo.sock`` for a file here);
* ``HOST:PORT``, or ``[IPV6]:PORT`` for an IPv6 address (brackets required).

Anything else (``23a24``, `` 8124``, an empty string, ``x.sock``, ``::1:80``) is a
usage error naming what was typed. A bare ``PORT`` listens on every interface
(``::``, as Node does with no host) and, as a TARGET, connects to ``localhost``.

The servers print ``READY <address>`` once listening (``READY [::]:8124``,
``READY 127.0.0.1:40213``, ``READY /tmp/echo.sock``): with port ``0`` the port the
system chose is there. Nothing is printed per connection, so that
``shared/bench/compare.py --server trionet='python -m trionet echo {where}'`` can
drive the echo server without ever blocking on a pipe nobody reads.

Exit status: ``0`` at a normal end, and for ``echo``/``forward`` after SIGTERM
(``kill``, systemd, docker: a requested stop, done cleanly: connections closed, the
socket file removed); ``1`` for a network error (Node's message, one line on
stderr); ``2`` for a usage error (one line on stderr); ``130`` after Ctrl-C
(SIGINT), as a shell reports a process killed by it.
"""

from __future__ import annotations

import argparse
import errno
import os
import signal
import socket
import stat
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, NoReturn

import trio

from . import _loop
from ._addresses import is_ip
from ._errors import NodeError, dns_error
from ._events import once
from ._server import Server, create_server
from ._socket import Socket, create_connection

__all__ = [
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_TERMINATED",
    "EXIT_USAGE",
    "build_parser",
    "main",
    "parse_address",
]

#: Exit status for a network error.
EXIT_ERROR = 1
#: Exit status for bad usage: an argument that is not an address, a missing one.
EXIT_USAGE = 2
#: Exit status after SIGTERM: a requested stop, completed cleanly. Not 143 (128 +
#: SIGTERM): systemd counts only 0 (or death by the signal itself) as a clean stop,
#: and would mark the unit failed after ``systemctl stop``.
EXIT_TERMINATED = 0
#: Exit status after Ctrl-C: 128 + SIGINT, what a shell reports.
EXIT_INTERRUPTED = 130
#: Exit status when stdout is closed under us (128 + SIGPIPE).
EXIT_BROKEN_PIPE = 141

#: Bytes read from stdin at a time.
STDIN_CHUNK = 65536
#: Node's default backlog is 511; a benchmark's load generator opens many at once.
ECHO_BACKLOG = 4096
#: ``forward`` writes at most one line per this many seconds about failed upstream
#: connections; the ones in between are counted in the next line.
FAILURE_LOG_INTERVAL = 1.0

Address = dict[str, Any]

_ADDRESS_FORMS = "expected PORT (0-65535), HOST:PORT, [IPV6]:PORT or a path containing '/'"


class CliError(Exception):
    """An error the CLI reports as one line on stderr (exit status 1)."""


class UsageError(CliError):
    """Bad usage, reported as one line on stderr (exit status 2)."""


# -- addresses ------------------------------------------------------------------------------


def _parse_port(port: str, text: str, what: str, *, connect: bool = False) -> int:
    """``port`` (part of ``text``, the argument as typed) as an int: ASCII digits,
    0-65535 (1-65535 to connect to); else a UsageError naming ``text``."""
    low = 1 if connect else 0
    if not (port.isascii() and port.isdigit()):
        where = "" if port == text else f" (the port {port!r})"
        raise UsageError(f"bad {what} {text!r}{where}: a port is ASCII digits, {low}-65535")
    number = int(port)
    if number > 65535 or number < low:
        raise UsageError(f"bad {what} {text!r}: port {number} is out of range ({low}-65535)")
    return number


def _check_host(host: str, text: str, what: str) -> str:
    if not host:
        raise UsageError(f"bad {what} {text!r}: the host is empty")
    if any(c.isspace() for c in host) or not host.isprintable():
        raise UsageError(f"bad {what} {text!r}: a host has no spaces or control characters")
    if "[" in host or "]" in host:
        raise UsageError(f"bad {what} {text!r}: brackets go around an IPv6 address: [::1]:8124")
    return host


def parse_address(
    text: str, default_host: str | None = None, *, what: str = "address", connect: bool = False
) -> Address:
    """``PORT``, ``HOST:PORT``, ``[V6]:PORT`` or a path (it has a ``/``), as
    listen()/connect() options; anything else is a :class:`UsageError` naming ``text``.

    ``what`` names the argument in messages (``LISTEN``, ``TARGET``); ``connect``
    refuses port 0. A bare port gets ``default_host`` if one is given.
    """
    if "/" in text:
        if "\0" in text:
            raise UsageError(f"bad {what} {text!r}: a path has no NUL character")
        return {"path": text}
    if not text:
        raise UsageError(f"bad {what} '': empty; {_ADDRESS_FORMS}")
    if text.strip() != text:
        raise UsageError(f"bad {what} {text!r}: leading or trailing whitespace")
    if text.lstrip("+-").isdigit():  # any digits, a sign: meant as a port
        options: Address = {"port": _parse_port(text, text, what, connect=connect)}
        if default_host is not None:
            options["host"] = default_host
        return options
    if text.startswith("[") and text.endswith("]"):
        raise UsageError(f"bad {what} {text!r}: no port; expected {text}:PORT")
    if ":" in text:
        host, _, port = text.rpartition(":")
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
            if is_ip(host) != 6:
                raise UsageError(f"bad {what} {text!r}: {host!r} is not an IPv6 address")
        elif "[" in host or "]" in host:
            raise UsageError(f"bad {what} {text!r}: unbalanced brackets; expected [IPV6]:PORT")
        elif ":" in host:
            raise UsageError(
                f"bad {what} {text!r}: an IPv6 address goes in brackets: [{host}]:{port}"
            )
        _check_host(host, text, what)
        return {"port": _parse_port(port, text, what, connect=connect), "host": host}
    hint = f" (./{text} for a file here)" if text.isprintable() else ""
    raise UsageError(f"bad {what} {text!r}: {_ADDRESS_FORMS}{hint}")


def _describe(options: Address) -> str:
    """An address as the CLI takes it: ``/path``, ``host:port``, ``[v6]:port``, ``port``."""
    if "path" in options:
        return str(options["path"])
    host = options.get("host")
    if not host:
        return str(options["port"])
    return f"[{host}]:{options['port']}" if ":" in host else f"{host}:{options['port']}"


def _bound(server: Server) -> str:
    """Where ``server`` listens, in the CLI's own syntax (the port 0 chose, too)."""
    address = server.address()
    if isinstance(address, dict):
        return _describe({"host": address["address"], "port": address["port"]})
    return str(address)


# -- output -----------------------------------------------------------------------------------


def _print_ready(server: Server) -> None:
    """``READY <address>`` on stdout, once; a closed stdout is not an error for a server."""
    try:
        sys.stdout.write(f"READY {_bound(server)}\n")
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):
        pass


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _ignore(*_: object) -> None:
    """An ``'error'`` listener for connections: a peer's reset ends only its connection."""


# -- servers: listening, stopping -------------------------------------------------------------


def _check_unix_path(options: Address) -> None:
    """A socket path in a directory that does not exist: say so (the kernel's ENOENT
    becomes EACCES in libuv, and so in Node and trionet: "permission denied")."""
    path = options.get("path")
    if path is None:
        return
    parent = os.path.dirname(path) or "."
    if not os.path.isdir(parent):
        if os.path.exists(parent):
            raise CliError(f"listen on {path}: {parent} is not a directory")
        raise CliError(f"listen on {path}: the directory {parent} does not exist")


def _diagnose_in_use(path: str) -> str:
    """Why a Unix socket path is taken: a live server, a stale socket file, or a file."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return ""
    if not stat.S_ISSOCK(mode):
        return ": a file that is not a socket exists there"
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe.settimeout(1.0)
    try:
        probe.connect(path)
    except ConnectionRefusedError:
        return (
            ": a socket file exists there but no server answers on it "
            f"(left by a killed process?); if no server is running, remove it: rm {path}"
        )
    except OSError:
        return ""
    finally:
        probe.close()
    return ": another server is listening on it"


def _listen_error(options: Address, exc: NodeError) -> CliError | None:
    """A clearer error for EADDRINUSE on a Unix path, else None (Node's message stands)."""
    path = options.get("path")
    if path is None or getattr(exc, "code", None) != "EADDRINUSE":
        return None
    reason = _diagnose_in_use(path)
    return CliError(f"{exc}{reason}") if reason else None


async def _serve(listen: Address, start: Callable[[trio.Nursery], Awaitable[Server]]) -> None:
    """Run a server until it ends by itself or a SIGTERM arrives.

    SIGTERM is received through trio (``open_signal_receiver``, set up before the
    server listens), and cancels the loop as Ctrl-C does: every connection is
    closed and the socket file removed; the command then exits with
    :data:`EXIT_TERMINATED`. ``start`` gets a nursery for helper tasks, which end
    with the loop.
    """
    _check_unix_path(listen)
    stop = trio.CancelScope()

    async def watch_sigterm(task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        with trio.open_signal_receiver(signal.SIGTERM) as signals:
            task_status.started()
            async for _ in signals:
                stop.cancel()
                return

    async with trio.open_nursery() as nursery:
        await nursery.start(watch_sigterm)
        try:
            with stop:
                async with _loop.open_loop():
                    await start(nursery)
        except NodeError as exc:
            better = _listen_error(listen, exc)
            if better is None:
                raise
            raise better from None
        nursery.cancel_scope.cancel()


# -- echo -------------------------------------------------------------------------------------


def _echo_connection(sock: Socket) -> None:
    sock.on("error", _ignore)
    sock.set_no_delay(True)  # request/response traffic: no Nagle stall on a split answer
    sock.pipe(sock)  # backpressure: pauses reading while the peer does not read


def cmd_echo(args: argparse.Namespace) -> None:
    """``trionet echo``: a pure echo server (no greeting, nothing printed per connection)."""
    options = parse_address(args.where, what="PORT|PATH")
    if args.host is not None:
        if "path" in options:
            raise UsageError("--host applies to a port, not to a Unix socket path")
        if "host" in options:
            raise UsageError(f"give the host once: {args.where!r} already names one")
        options["host"] = _check_host(args.host, args.host, "--host")
    options["backlog"] = ECHO_BACKLOG

    async def start(_: trio.Nursery) -> Server:
        server = create_server(_echo_connection)
        # No 'error' listener: EADDRINUSE & co. end the run as themselves (exit 1).
        server.listen(options, lambda: _print_ready(server))
        return server

    trio.run(_serve, options, start)


# -- connect ---------------------------------------------------------------------------------


async def _pump_stdin(sock: Socket) -> None:
    """Copy stdin to ``sock`` with backpressure, then half-close (``end()``) at EOF.

    Pipes and sockets are read with trio's ``FdStream`` (cancellable); anything
    else (a regular file, ``/dev/null``, a terminal: epoll refuses the first two,
    and a terminal must not be left non-blocking) is read in a worker thread.
    """
    try:
        fd = sys.stdin.fileno()
        mode = os.fstat(fd).st_mode
    except (AttributeError, ValueError, OSError):
        sock.end()  # no stdin at all: as /dev/null
        return
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        async with trio.lowlevel.FdStream(os.dup(fd)) as stream:
            while chunk := await stream.receive_some(STDIN_CHUNK):
                if sock.destroyed:
                    return
                if not sock.write(chunk):
                    await _drained(sock)
    else:
        while chunk := await trio.to_thread.run_sync(
            os.read, fd, STDIN_CHUNK, abandon_on_cancel=True
        ):
            if sock.destroyed:
                return
            if not sock.write(chunk):
                await _drained(sock)
    if not sock.destroyed:
        sock.end()


async def _drained(sock: Socket) -> None:
    """Wait for ``'drain'`` or for the socket to close, whichever comes first."""
    done = trio.Event()

    def wake(*_: object) -> None:
        done.set()

    sock.once("drain", wake)
    sock.once("close", wake)
    try:
        await done.wait()
    finally:
        sock.remove_listener("drain", wake)
        sock.remove_listener("close", wake)


async def _connect(options: Address) -> None:
    async with _loop.open_loop():
        # Half-open: our end() at stdin's EOF must not stop us reading the replies.
        sock = create_connection({**options, "allow_half_open": True})
        sock.on("error", _ignore)  # reported below, from `async for` or the connect
        await once(sock, "connect")
        out = sys.stdout.fileno()
        async with trio.open_nursery() as nursery:
            nursery.start_soon(_pump_stdin, sock)
            async for chunk in sock:
                assert isinstance(chunk, bytes)
                await trio.to_thread.run_sync(_write_all, out, chunk, abandon_on_cancel=True)
            # The peer is done: whatever stdin still holds has nowhere to go.
            nursery.cancel_scope.cancel()
        if not sock.destroyed:
            sock.end()


def cmd_connect(args: argparse.Namespace) -> None:
    """``trionet connect``: ``nc`` on trionet, with a half-close at stdin's EOF."""
    if args.path is not None:
        if args.target:
            raise UsageError("give either HOST PORT or --path PATH, not both")
        if not args.path or "\0" in args.path:
            raise UsageError(f"bad --path {args.path!r}: expected a Unix socket path")
        options: Address = {"path": args.path}
    elif len(args.target) == 2:
        host, port = args.target
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        options = {
            "host": _check_host(host, args.target[0], "HOST"),
            "port": _parse_port(port, port, "PORT", connect=True),
        }
    else:
        raise UsageError("expected HOST PORT, or --path PATH")
    trio.run(_connect, options)


# -- forward ---------------------------------------------------------------------------------


class _FailureLog:
    """One stderr line per failed upstream connection, at most one per ``interval``.

    The first failure is written at once; those that come within the next
    ``interval`` seconds are counted and written as one line when it is over.
    Lines are written from a worker thread: a stderr nobody reads never stalls
    the forwarder.
    """

    def __init__(self, interval: float = FAILURE_LOG_INTERVAL) -> None:
        self.interval = interval
        self._count = 0
        self._last = ""
        self._wakeup = trio.Event()

    def failed(self, message: str) -> None:
        self._count += 1
        self._last = message
        self._wakeup.set()

    async def run(self) -> None:
        while True:
            await self._wakeup.wait()
            self._wakeup = trio.Event()
            count, self._count = self._count, 0
            line = self._last
            if count == 1:
                line += "; client closed"
            else:
                line += f"; {count} clients closed since the last line"
            data = f"trionet forward: {line}\n".encode(errors="backslashreplace")
            await trio.to_thread.run_sync(_write_all, 2, data, abandon_on_cancel=True)
            await trio.sleep(self.interval)


class _Target:
    """Where ``forward`` connects: a Unix path, or numeric addresses resolved once.

    A name is resolved at startup (``trio.socket.getaddrinfo``), not for every
    connection. Each connection tries the addresses in order, starting with the
    one that last worked (so ``localhost`` costs one refused attempt only when
    the server moves between ``::1`` and ``127.0.0.1``).
    """

    def __init__(self, options: Address, addresses: list[str]) -> None:
        self.text = _describe(options)
        self.path: str | None = options.get("path")
        self.port: int | None = options.get("port")
        self.addresses = addresses
        self.preferred = 0

    @classmethod
    async def resolve(cls, options: Address) -> _Target:
        host = options.get("host")
        if host is None or is_ip(host):
            return cls(options, [] if host is None else [host])
        try:
            infos = await trio.socket.getaddrinfo(
                host, options["port"], 0, socket.SOCK_STREAM, 0, socket.AI_ADDRCONFIG
            )
        except (socket.gaierror, UnicodeError) as exc:
            code = exc if isinstance(exc, socket.gaierror) else socket.EAI_NONAME
            raise dns_error(code, "getaddrinfo", host) from None
        found: list[str] = []
        for info in infos:
            address = str(info[4][0])
            if address not in found:
                found.append(address)
        if not found:
            raise dns_error(socket.EAI_NONAME, "getaddrinfo", host)
        return cls(options, found)

    def options(self, attempt: int) -> Address | None:
        """connect() options for the ``attempt``-th try (0: the preferred address)."""
        if self.path is not None:
            return {"path": self.path} if attempt == 0 else None
        if attempt >= len(self.addresses):
            return None
        index = (self.preferred + attempt) % len(self.addresses)
        return {"host": self.addresses[index], "port": self.port, "no_delay": True}

    def worked(self, attempt: int) -> None:
        if self.addresses:
            self.preferred = (self.preferred + attempt) % len(self.addresses)


class _Link:
    """One client connection and its upstream: connect (trying the target's
    addresses in turn), then ``client.pipe(upstream)`` and ``upstream.pipe(client)``.

    An error on either side destroys both. Each socket drops all its listeners
    when it closes: they are bound methods of this object, which refers to both
    sockets, and the reference cycles would otherwise keep every closed pair
    (with whatever its buffers still held) until Python's cyclic garbage
    collector came round to it.
    """

    __slots__ = ("attempt", "client", "connected", "errors", "log", "target", "upstream")

    def __init__(self, client: Socket, target: _Target, log: _FailureLog) -> None:
        self.client = client
        self.target = target
        self.log = log
        self.upstream: Socket | None = None
        self.attempt = 0
        self.connected = False
        self.errors: list[str] = []
        client.on("error", self.on_client_error)
        # Plain listeners, not once(): each event comes once per socket (neither
        # socket reconnects), and each 'close' listener removes every listener.
        client.on("close", self.on_client_close)
        client.set_no_delay(True)  # request/response traffic: no Nagle stall
        # The client is not read until its upstream is connected (no 'data'
        # listener yet): its bytes wait in the kernel, with backpressure.
        self.connect_next()

    def connect_next(self) -> None:
        options = self.target.options(self.attempt)
        if options is None:
            self.log.failed(f"cannot reach {self.target.text}: {', '.join(self.errors)}")
            self.client.destroy()
            return
        upstream = self.upstream = create_connection({**options, "allow_half_open": True})
        upstream.on("connect", self.on_connect)
        upstream.on("error", self.on_upstream_error)
        upstream.on("close", self.on_upstream_close)

    def on_connect(self) -> None:
        assert self.upstream is not None
        self.connected = True
        self.target.worked(self.attempt)
        # Each side's 'end' ends the other: a half-close passes through.
        self.client.pipe(self.upstream)
        self.upstream.pipe(self.client)

    def on_upstream_error(self, error: BaseException) -> None:
        if self.connected:
            self.client.destroy()
        else:
            self.errors.append(str(error))  # 'close' follows: the next address

    def on_upstream_close(self, *_: object) -> None:
        upstream, self.upstream = self.upstream, None
        assert upstream is not None
        upstream.remove_all_listeners()
        if not self.connected and not self.client.destroyed:
            self.attempt += 1
            self.connect_next()

    def on_client_error(self, _: BaseException) -> None:
        if self.upstream is not None:
            self.upstream.destroy()

    def on_client_close(self, *_: object) -> None:
        self.client.remove_all_listeners()
        if self.upstream is not None and not self.connected:
            self.upstream.destroy()  # still connecting: nobody is waiting for it


def cmd_forward(args: argparse.Namespace) -> None:
    """``trionet forward LISTEN TARGET``: a port forwarder built on ``pipe()``."""
    listen = parse_address(args.listen, what="LISTEN")
    target_options = parse_address(
        args.target, default_host="localhost", what="TARGET", connect=True
    )
    listen["backlog"] = ECHO_BACKLOG

    async def start(nursery: trio.Nursery) -> Server:
        target = await _Target.resolve(target_options)
        log = _FailureLog()
        nursery.start_soon(log.run)

        # allow_half_open: a client's FIN is passed on, and the answer still comes back.
        def on_connection(client: Socket) -> None:
            _Link(client, target, log)

        server = create_server(on_connection, allow_half_open=True)
        server.listen(listen, lambda: _print_ready(server))
        return server

    trio.run(_serve, listen, start)


# -- main -------------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors as one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        _fail(f"{self.prog}: {message} (see {self.prog} --help)", EXIT_USAGE)


_ADDRESS_HELP = (
    "A PORT is ASCII digits, 0-65535; a Unix socket path contains a '/' "
    "(./echo.sock for a file here); HOST:PORT, or [IPV6]:PORT for an IPv6 address. "
    "Anything else is a usage error (exit status 2)."
)


def build_parser() -> argparse.ArgumentParser:
    """The ``trionet`` argument parser (subcommands ``echo``, ``connect``, ``forward``)."""
    parser = _Parser(
        prog="trionet",
        description="Node's net module on trio: an echo server, a client, a port forwarder.",
        epilog=(
            "Exit status: 0 at a normal end and after SIGTERM (echo, forward: a clean "
            "stop), 1 for a network error, 2 for bad usage, 130 after Ctrl-C. "
            "See `trionet COMMAND --help`."
        ),
    )
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=_Parser
    )

    echo = sub.add_parser(
        "echo",
        help="run an echo server",
        description=(
            "Echo every byte back to the client (no greeting). Prints 'READY ADDRESS' "
            "once listening (with port 0, the port chosen) and nothing per connection. "
            "Without --host it listens on every interface, as Node does. SIGTERM or "
            "Ctrl-C closes every connection and removes the socket file. " + _ADDRESS_HELP
        ),
    )
    echo.add_argument("where", metavar="PORT|PATH", nargs="?", default="8124", help="default: 8124")
    echo.add_argument("--host", help="listen on this address only (e.g. 127.0.0.1)")

    connect = sub.add_parser(
        "connect",
        usage="%(prog)s [-h] HOST PORT\n       %(prog)s [-h] --path PATH",
        help="connect stdin and stdout to a server, like nc",
        description=(
            "Send stdin to the server and print what it sends. At stdin's EOF the "
            "socket is half-closed (end()), and the replies are still read until the "
            "server ends the connection. PORT is ASCII digits, 1-65535."
        ),
    )
    connect.add_argument("target", metavar="HOST PORT", nargs="*", help="where to connect")
    connect.add_argument("--path", help="connect to a Unix socket instead")

    forward = sub.add_parser(
        "forward",
        help="forward connections to another address",
        description=(
            "Accept connections on LISTEN and pipe() each one to a new connection to "
            "TARGET, both ways, passing half-closes on. Prints 'READY ADDRESS' once "
            "listening. A bare PORT listens on every interface and connects to "
            "localhost; a TARGET host name is resolved once, at startup. A failed "
            "upstream connection closes the client and is logged on stderr (at most "
            "one line a second, with a count). " + _ADDRESS_HELP
        ),
    )
    forward.add_argument("listen", metavar="LISTEN")
    forward.add_argument("target", metavar="TARGET")
    return parser


def _interrupted(exc: BaseException) -> bool:
    """Whether ``exc`` is a KeyboardInterrupt, possibly inside exception groups."""
    if isinstance(exc, BaseExceptionGroup):
        return all(_interrupted(e) for e in exc.exceptions)
    return isinstance(exc, KeyboardInterrupt)


def _error_line(command: str, exc: BaseException) -> str:
    message = str(exc) or type(exc).__name__
    code = getattr(exc, "code", None)
    if isinstance(code, str) and code not in message:
        message = f"{message} [{code}]"
    return f"trionet {command}: {message}"


def _fail(line: str, status: int) -> NoReturn:
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    finally:
        raise SystemExit(status)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of ``trionet`` and ``python -m trionet``; exits with the status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    command: str = args.command
    try:
        try:
            _run_command(command, args)
        except BaseExceptionGroup as group:
            raise _sole_leaf(group) from None
    except UsageError as exc:
        _fail(_error_line(command, exc), EXIT_USAGE)
    except (NodeError, CliError) as exc:
        _fail(_error_line(command, exc), EXIT_ERROR)
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            _quiet_broken_pipe()
        _fail(_error_line(command, exc), EXIT_ERROR)
    except BaseException as exc:
        if _interrupted(exc):
            raise SystemExit(EXIT_INTERRUPTED) from None
        raise
    # A normal end, or a SIGTERM (EXIT_TERMINATED, which is 0 too).
    raise SystemExit(0)


def _run_command(command: str, args: argparse.Namespace) -> None:
    if command == "echo":
        cmd_echo(args)
    elif command == "connect":
        cmd_connect(args)
    else:
        cmd_forward(args)


def _sole_leaf(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The one exception inside nested single-member groups, else the group itself."""
    exc: BaseException = group
    while isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]
    return exc


def _quiet_broken_pipe() -> NoReturn:
    """stdout was closed under us (``trionet connect ... | head -1``): exit quietly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    raise SystemExit(EXIT_BROKEN_PIPE)
