"""The ``trionet`` command: an echo server, an ``nc``-like client and a port forwarder.

Run it as ``trionet ...`` (installed by ``pip install``) or ``python -m trionet ...``::

    trionet echo [PORT | PATH] [--host HOST]   echo every byte back; prints READY when listening
    trionet connect HOST PORT                  stdin to the socket, the socket to stdout
    trionet connect --path PATH                the same over a Unix socket
    trionet forward LISTEN TARGET              accept on LISTEN, pipe() each connection to TARGET

``LISTEN`` and ``TARGET`` are ``PORT``, ``HOST:PORT`` (``[::1]:PORT`` for IPv6) or a
Unix socket path. A bare ``PORT`` listens on every interface (``::``, as Node does
with no host) and connects to ``localhost``.

Errors are one line on stderr and a non-zero exit: ``1`` for a network or argument
error (Node's message: ``connect ECONNREFUSED 127.0.0.1:1``,
``listen EADDRINUSE: address already in use :::8124``, ``ERR_SOCKET_BAD_PORT``'s
``options.port should be >= 0 and < 65536 ...``), ``2`` for bad usage (argparse).
Ctrl-C (SIGINT) exits quietly with ``130``, as a shell reports a process killed by it.

The servers print ``READY`` once and nothing per connection, so that
``shared/bench/compare.py --server trionet='python -m trionet echo {where}'`` can
drive the echo server without ever blocking on a pipe nobody reads.
"""

from __future__ import annotations

import argparse
import errno
import os
import stat
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import trio

from . import _loop, _validate
from ._errors import NodeError
from ._events import once
from ._server import Server, create_server
from ._socket import Socket, create_connection

__all__ = ["EXIT_ERROR", "EXIT_INTERRUPTED", "EXIT_USAGE", "build_parser", "main", "parse_address"]

#: Exit status for a network or argument error.
EXIT_ERROR = 1
#: Exit status for bad usage (argparse's).
EXIT_USAGE = 2
#: Exit status after Ctrl-C: 128 + SIGINT, what a shell reports.
EXIT_INTERRUPTED = 130
#: Exit status when stdout is closed under us (128 + SIGPIPE).
EXIT_BROKEN_PIPE = 141

#: Bytes read from stdin at a time.
STDIN_CHUNK = 65536
#: Node's default backlog is 511; a benchmark's load generator opens many at once.
ECHO_BACKLOG = 4096

Address = dict[str, Any]


class CliError(Exception):
    """An error the CLI reports as one line on stderr (exit status 1)."""


# -- addresses ------------------------------------------------------------------------------


def _looks_like_int(text: str) -> bool:
    return text.lstrip("+-").isdigit() and text.count("-") + text.count("+") <= 1


def parse_address(text: str, default_host: str | None = None) -> Address:
    """``PORT``, ``HOST:PORT``, ``[V6]:PORT`` or a path, as listen()/connect() options.

    A port that is out of range is passed on as an int so that trionet's own
    validation reports it (``ERR_SOCKET_BAD_PORT``), with Node's message.
    """
    if _looks_like_int(text):
        options: Address = {"port": int(text)}
        if default_host is not None:
            options["host"] = default_host
        return options
    if "/" not in text and ":" in text:
        host, _, port = text.rpartition(":")
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        if host and _looks_like_int(port):
            return {"port": int(port), "host": host}
        raise CliError(f"bad address {text!r}: expected PORT, HOST:PORT, [IPV6]:PORT or a path")
    return {"path": text}


def _describe(options: Address) -> str:
    if "path" in options:
        return str(options["path"])
    host = options.get("host")
    return f"{host}:{options['port']}" if host else str(options["port"])


# -- output -----------------------------------------------------------------------------------


def _print_ready() -> None:
    """``READY`` on stdout, once; a closed stdout is not an error for a server."""
    try:
        sys.stdout.write("READY\n")
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):
        pass


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _ignore(*_: object) -> None:
    """An ``'error'`` listener for connections: a peer's reset ends only its connection."""


# -- echo -------------------------------------------------------------------------------------


def _echo_connection(sock: Socket) -> None:
    sock.on("error", _ignore)
    sock.set_no_delay(True)
    sock.pipe(sock)  # backpressure: pauses reading while the peer does not read


def cmd_echo(args: argparse.Namespace) -> None:
    """``trionet echo``: a pure echo server (no greeting, nothing printed per connection)."""
    options = parse_address(args.where)
    if args.host is not None:
        if "path" in options:
            raise CliError("--host applies to a port, not to a Unix socket path")
        options["host"] = args.host
    options["backlog"] = ECHO_BACKLOG

    def main() -> None:
        server = create_server(_echo_connection)
        # No 'error' listener: EADDRINUSE & co. end the run as themselves (exit 1).
        server.listen(options, _print_ready)

    _loop.run(main)


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


def cmd_connect(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """``trionet connect``: ``nc`` on trionet, with a half-close at stdin's EOF."""
    if args.path is not None:
        if args.target:
            parser.error("give either HOST PORT or --path PATH, not both")
        options: Address = {"path": args.path}
    elif len(args.target) == 2:
        host, port = args.target
        # The port goes to trionet as given: its validation words the error as Node does.
        options = {"host": host, "port": int(port) if _looks_like_int(port) else port}
    else:
        parser.error("expected HOST PORT (or --path PATH)")
    trio.run(_connect, options)


# -- forward ---------------------------------------------------------------------------------


def _forwarder(target: Address) -> Callable[[Socket], None]:
    def on_connection(client: Socket) -> None:
        upstream = create_connection({**target, "allow_half_open": True})

        def fail(*_: object) -> None:
            client.destroy()
            upstream.destroy()

        client.on("error", fail)
        upstream.on("error", fail)
        client.set_no_delay(True)
        upstream.on("connect", lambda: upstream.set_no_delay(True))
        # Each side's 'end' ends the other (half-close passes through).
        client.pipe(upstream)
        upstream.pipe(client)

    return on_connection


def cmd_forward(args: argparse.Namespace) -> None:
    """``trionet forward LISTEN TARGET``: a port forwarder built on ``pipe()``."""
    listen = parse_address(args.listen)
    target = parse_address(args.target, default_host="localhost")
    if "port" in target:
        # Checked now, not at the first connection: Node's message for connect().
        _validate.validate_port(target["port"], allow_zero=False)

    def main() -> Server:
        # allow_half_open: a client's FIN is passed on, and the answer still comes back.
        server = create_server(_forwarder(target), allow_half_open=True)
        server.listen(listen, _print_ready)
        return server

    _loop.run(main)


# -- main -------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The ``trionet`` argument parser (subcommands ``echo``, ``connect``, ``forward``)."""
    parser = argparse.ArgumentParser(
        prog="trionet",
        description="Node's net module on trio: an echo server, a client, a port forwarder.",
        epilog="Ctrl-C exits with status 130. See `trionet COMMAND --help`.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    echo = sub.add_parser(
        "echo",
        help="run an echo server",
        description=(
            "Echo every byte back to the client (no greeting). Prints READY once "
            "listening and nothing per connection. Without --host it listens on every "
            "interface, as Node does."
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
            "server ends the connection."
        ),
    )
    connect.add_argument("target", metavar="HOST PORT", nargs="*", help="where to connect")
    connect.add_argument("--path", help="connect to a Unix socket instead")
    connect.set_defaults(subparser=connect)  # for its usage line in errors

    forward = sub.add_parser(
        "forward",
        help="forward connections to another address",
        description=(
            "Accept connections on LISTEN and pipe() each one to a new connection to "
            "TARGET, both ways, passing half-closes on. LISTEN and TARGET are PORT, "
            "HOST:PORT, [IPV6]:PORT or a Unix socket path. Prints READY once listening."
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
    raise SystemExit(0)


def _run_command(command: str, args: argparse.Namespace) -> None:
    if command == "echo":
        cmd_echo(args)
    elif command == "connect":
        cmd_connect(args, args.subparser)
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
