"""``trionet.Server``: Node's ``net.Server`` as a nursery of connections.

``listen()`` binds at once when no name lookup is needed, so ``address()``
works right after it, and starts the server's task in the loop's nursery. The
task emits ``'listening'`` (through the loop's FIFO queue, so it keeps its place
among other deferred events) and runs the accept loop; every connection runs
as a task in the server's own nursery.

The accept loop is our own rather than trio's ``serve_listeners``: a Node server
needs a count of its open connections (``close()`` waits for them,
``max_connections`` drops over the limit, ``get_connections`` reports it: a
count, as Node keeps, not a registry an idle connection would pay an entry
in), one dual-stack ``::``
socket when the host is omitted, and accept errors handled as below.

Accept errors (after trio's ``SocketListener`` and ``serve_listeners`` survey
of Twisted, Tornado, libuv and asyncio): errors about the one connection being
accepted (ECONNABORTED, EPROTO, EPERM, ...) are skipped; running out of
descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM) is logged and retried
after a pause, so the server keeps serving once descriptors free up; anything
else is emitted as ``'error'``, as Node does.
"""

from __future__ import annotations

import errno as _errno
import logging
import os
import socket as _stdsocket
import stat
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

import trio
from trio.lowlevel import enable_ki_protection, notify_closing, wait_readable

from . import _errors, _validate
from ._addresses import dualstack_available, is_ip, sockaddr_to_address
from ._handle import Handle
from ._options import ListenOptions, high_water_marks, normalize_listen
from ._socket import Socket
from ._transports import ListenerHandle, accept_nonblocking

__all__ = ["Server", "create_server"]

LOGGER = logging.getLogger("trionet.server")

#: Errors that concern only the connection being accepted: skip it.
_IGNORED_ACCEPT_ERRNOS = frozenset(
    getattr(_errno, name)
    for name in (
        "ECONNABORTED",
        "EPROTO",
        "EPERM",
        "ENETDOWN",
        "ENOPROTOOPT",
        "EHOSTDOWN",
        "ENONET",
        "EHOSTUNREACH",
        "EOPNOTSUPP",
        "ENETUNREACH",
        "ECONNRESET",
        "EINTR",
    )
    if hasattr(_errno, name)
)
#: Out of descriptors or memory: back off and retry (trio's serve_listeners sleeps 100 ms).
_CAPACITY_ERRNOS = frozenset({_errno.EMFILE, _errno.ENFILE, _errno.ENOMEM, _errno.ENOBUFS})
ACCEPT_BACKOFF_SECONDS = 0.1
_INT_MAX = 2**31 - 1


def _clamp_backlog(backlog: int) -> int:
    """listen(2) takes a C int; Node passes any number and the kernel caps it at
    somaxconn. Python raises OverflowError past INT_MAX (and would leak the socket)."""
    return max(0, min(backlog, _INT_MAX))


#: Keys of ``create_server({...})``: Node's server options, snake_case.
_SERVER_OPTION_KEYS = frozenset(
    {
        "allow_half_open",
        "pause_on_connect",
        "high_water_mark",
        "no_delay",
        "keep_alive",
        "keep_alive_initial_delay",
    }
)


class Server(Handle):
    """A TCP or IPC server, with Node's ``net.Server`` API."""

    __slots__ = (
        "_accept_scope",
        "_accepting",
        "_allow_half_open",
        "_closing",
        "_connections",
        "_drained",
        "_high_water_mark",
        "_keep_alive",
        "_keep_alive_initial_delay",
        "_listen_id",
        "_no_delay",
        "_nursery",
        "_pause_on_connect",
        "_sock",
        "_unix_inode",
        "_unix_path",
        "max_connections",
    )

    def __init__(
        self,
        listener: Callable[..., object] | dict[str, Any] | None = None,
        connection_listener: Callable[..., object] | None = None,
        *,
        allow_half_open: bool = False,
        pause_on_connect: bool = False,
        high_water_mark: int | None = None,
        no_delay: bool = False,
        keep_alive: bool = False,
        keep_alive_initial_delay: float = 0,
    ) -> None:
        super().__init__()
        if isinstance(listener, dict):
            options = listener
            listener = connection_listener
            for key in options:
                if key not in _SERVER_OPTION_KEYS:
                    raise _errors.invalid_arg_value(
                        f"options.{key}", options[key], "is not a server option"
                    )
            allow_half_open = options.get("allow_half_open", allow_half_open)
            pause_on_connect = options.get("pause_on_connect", pause_on_connect)
            high_water_mark = options.get("high_water_mark", high_water_mark)
            no_delay = options.get("no_delay", no_delay)
            keep_alive = options.get("keep_alive", keep_alive)
            keep_alive_initial_delay = options.get(
                "keep_alive_initial_delay", keep_alive_initial_delay
            )
        elif listener is None:
            listener = connection_listener
        elif not callable(listener):
            # Node: createServer(42) -> 'The "options" argument must be of type object'.
            raise _errors.invalid_arg_type("options", "Object", listener)
        self._allow_half_open = _validate.validate_boolean(
            allow_half_open, "options.allow_half_open"
        )
        self._pause_on_connect = _validate.validate_boolean(
            pause_on_connect, "options.pause_on_connect"
        )
        # Node >= 18.17: both limits of every accepted socket.
        self._high_water_mark = high_water_marks(high_water_mark, None, None)[0]
        # Node 20: TCP_NODELAY and keep-alive for every accepted TCP socket.
        self._no_delay = _validate.validate_boolean(no_delay, "options.no_delay")
        self._keep_alive = _validate.validate_boolean(keep_alive, "options.keep_alive")
        self._keep_alive_initial_delay = _validate.validate_number(
            keep_alive_initial_delay, "options.keep_alive_initial_delay"
        )
        if listener is not None:
            _validate.validate_function(listener, "connectionListener")
            self.on("connection", listener)
        #: The listening socket, or a ListenerHandle (a trio listener).
        self._sock: Any = None
        self._unix_path: str | None = None
        self._unix_inode: tuple[int, int] | None = None
        #: Accepted connections not yet closed (a count, as Node's ``_connections``).
        self._connections = 0
        self._accept_scope: trio.CancelScope | None = None
        #: Bumped by every listen() and close(): a pending lookup whose id is stale
        #: does not bind (Node's ``_listeningId``).
        self._listen_id = 0
        self._closing = False
        self._accepting: Socket | None = None
        #: The nursery of the server's task, where its accept loop and its
        #: connections' tasks run; None until it serves.
        self._nursery: trio.Nursery | None = None
        #: Set when the last connection has gone: the nursery may close.
        self._drained: trio.Event | None = None
        self.max_connections: int | None = None

    # == listen ======================================================================

    def listen(self, *args: Any, **kwargs: Any) -> Server:
        """Start listening: ``(port, host, backlog, cb)``, ``(path, backlog, cb)``,
        ``(handle, backlog, cb)`` or ``(options, cb)``; ``'listening'`` follows.

        A ``handle`` is a listening ``socket.socket``, a trionet Server or Socket,
        a descriptor, or any ``trio.abc.Listener`` (a ``trio.SSLListener``, say):
        each stream it accepts becomes a Socket over that stream, with every
        event; ``address()`` is the socket's under the listener (``{}`` without
        one). The server owns the listener from then on."""
        options, callback = normalize_listen(args, kwargs)
        self._loop.check_running()
        if self._sock is not None:
            raise _errors.server_already_listen()
        path = options.path
        if path is not None and not path.startswith("\0") and "\0" in path:
            # The kernel would bind the path up to the NUL (Node 20 does: another
            # file); a leading NUL is a Linux abstract socket name, and valid.
            raise _errors.invalid_arg_value("path", path, "must be a string without null bytes")
        if callback is not None:
            self.once("listening", callback)
        self._closing = False
        self._listen_id += 1
        self._hold()
        needs_lookup = options.host is not None and not is_ip(options.host)
        if needs_lookup:
            self._loop.spawn(self._lookup_and_listen, options, self._listen_id)
            return self
        try:
            sock = self._bind(options, None)
        except _errors.NetError as error:
            self._loop.defer(self._emit_listen_error, error)
            return self
        started = trio.Event()
        self._loop.defer(self._emit_listening, sock, started)
        self._loop.spawn(self._serve, sock, started)
        return self

    @enable_ki_protection
    async def _lookup_and_listen(self, options: ListenOptions, listen_id: int) -> None:
        assert options.host is not None
        try:
            infos = await trio.socket.getaddrinfo(
                options.host, options.port, 0, _stdsocket.SOCK_STREAM, 0, _stdsocket.AI_PASSIVE
            )
        except (_stdsocket.gaierror, UnicodeError) as exc:
            # A name the IDNA codec refuses cannot exist: ENOTFOUND, as Node says.
            code = exc if isinstance(exc, _stdsocket.gaierror) else _stdsocket.EAI_NONAME
            if listen_id == self._listen_id:
                self._emit_listen_error(_errors.dns_error(code, "getaddrinfo", options.host))
            return
        if listen_id != self._listen_id:
            return  # close() or another listen() came first (Node's _listeningId check)
        address = str(infos[0][4][0])
        try:
            sock = self._bind(options, address)
        except _errors.NetError as error:
            self._emit_listen_error(error)
            return
        started = trio.Event()
        self._loop.defer(self._emit_listening, sock, started)
        await self._serve(sock, started)

    @enable_ki_protection
    def _bind(self, options: ListenOptions, resolved_host: str | None) -> Any:
        """Open, bind and listen synchronously; raise NetError (syscall 'listen').
        The listening socket, or a trio listener's ListenerHandle."""
        if isinstance(options.handle, trio.abc.Listener):
            self._sock = ListenerHandle(options.handle)
        elif options.handle is not None or options.fd is not None:
            self._sock = self._adopt(options)
        elif options.path is not None:
            self._sock = self._bind_unix(options)
        else:
            self._sock = self._bind_tcp(options, resolved_host or options.host)
        return self._sock

    def _adopt(self, options: ListenOptions) -> _stdsocket.socket:
        handle = options.handle
        if options.fd is not None:
            fd = options.fd
        elif isinstance(handle, _stdsocket.socket):
            fd = handle.fileno()
        else:
            fd = int(getattr(handle, "_trionet_handle_fileno", -1))
        if fd < 0:
            raise _errors.invalid_handle_type()
        try:
            mode = os.fstat(fd).st_mode
        except OSError as exc:
            raise _errors.system_error(exc, "listen") from None
        if not stat.S_ISSOCK(mode) and not stat.S_ISFIFO(mode):
            # As libuv: a file or device is no stream handle at all (a FIFO is
            # taken for a pipe, and listen(2) then says ENOTSOCK).
            raise _errors.system_error(_errno.EINVAL, "listen")
        try:
            sock = _stdsocket.socket(fileno=os.dup(fd))
        except OSError as exc:
            raise _errors.system_error(exc, "listen") from None
        try:
            sock.setblocking(False)
            sock.listen(_clamp_backlog(options.backlog))
        except OSError as exc:
            sock.close()
            raise _errors.system_error(exc, "listen") from None
        if sock.family == _stdsocket.AF_UNIX:
            self._unix_path = None  # not ours to unlink
        return sock

    def _bind_tcp(self, options: ListenOptions, host: str | None) -> _stdsocket.socket:
        port = options.port or 0
        if host is None:
            # As Node 20: without a host, ipv6_only is ignored (listenInCluster
            # passes no flags): the default `::` socket stays dual-stack.
            if dualstack_available():
                family, address, v6only = _stdsocket.AF_INET6, "::", False
            else:
                family, address, v6only = _stdsocket.AF_INET, "0.0.0.0", False
        else:
            version = is_ip(host)
            family = _stdsocket.AF_INET6 if version == 6 else _stdsocket.AF_INET
            address, v6only = host, bool(options.ipv6_only)
        sock = _stdsocket.socket(family, _stdsocket.SOCK_STREAM)
        try:
            sock.setsockopt(_stdsocket.SOL_SOCKET, _stdsocket.SO_REUSEADDR, 1)
            if options.reuse_port and hasattr(_stdsocket, "SO_REUSEPORT"):
                sock.setsockopt(_stdsocket.SOL_SOCKET, _stdsocket.SO_REUSEPORT, 1)
            if family == _stdsocket.AF_INET6:
                sock.setsockopt(_stdsocket.IPPROTO_IPV6, _stdsocket.IPV6_V6ONLY, int(v6only))
            sock.bind((address, port))
            sock.listen(_clamp_backlog(options.backlog))
            sock.setblocking(False)
        except OSError as exc:
            sock.close()
            raise _errors.system_error(exc, "listen", address, port) from None
        return sock

    def _bind_unix(self, options: ListenOptions) -> _stdsocket.socket:
        path = options.path
        assert path is not None
        sock = _stdsocket.socket(_stdsocket.AF_UNIX, _stdsocket.SOCK_STREAM)
        try:
            sock.bind(path)
        except OSError as exc:
            sock.close()
            if exc.errno == _errno.ENOENT:
                # libuv's uv_pipe_bind reports ENOENT as EACCES ("for compatibility
                # with Windows"), so Node says EACCES for a missing directory.
                exc = OSError(_errno.EACCES, os.strerror(_errno.EACCES))
            elif exc.errno is None:
                # Python's "AF_UNIX path too long" (longer than sun_path, 108 bytes
                # on Linux) has no errno. Node 20 silently truncates the path and
                # binds another file; Node 23 (UV_PIPE_NO_TRUNCATE) fails with EINVAL.
                exc = OSError(_errno.EINVAL, os.strerror(_errno.EINVAL))
            raise _errors.system_error(exc, "listen", path) from None
        if path.startswith("\0"):
            # A Linux abstract socket: no file, so no mode to set and nothing to unlink.
            try:
                sock.listen(_clamp_backlog(options.backlog))
                sock.setblocking(False)
            except OSError as exc:
                sock.close()
                raise _errors.system_error(exc, "listen", path) from None
            return sock
        try:
            info = os.stat(path)
            self._unix_path = path
            self._unix_inode = (info.st_dev, info.st_ino)
            mode = 0
            if options.readable_all:
                mode |= 0o444
            if options.writable_all:
                mode |= 0o222
            if mode:
                os.chmod(path, stat.S_IMODE(info.st_mode) | mode)
            sock.listen(_clamp_backlog(options.backlog))
            sock.setblocking(False)
        except OSError as exc:
            self._unlink_unix_path()
            sock.close()
            raise _errors.system_error(exc, "listen", path) from None
        return sock

    def _unlink_unix_path(self) -> None:
        """Remove our socket file, and only ours: same inode, still a socket."""
        path, inode = self._unix_path, self._unix_inode
        self._unix_path = self._unix_inode = None
        if path is None or inode is None:
            return
        try:
            info = os.lstat(path)
            if stat.S_ISSOCK(info.st_mode) and (info.st_dev, info.st_ino) == inode:
                os.unlink(path)
        except OSError:
            pass

    def _emit_listening(self, sock: _stdsocket.socket, started: trio.Event) -> None:
        started.set()
        # Only if this listen() is still current: not after close(), nor for an
        # earlier listen() that close() + listen() replaced (Node would emit
        # 'listening' twice then, once per listen(), both for the new socket).
        if self._sock is sock:
            self.emit("listening")

    def _emit_listen_error(self, error: BaseException) -> None:
        self._unhold()
        self.emit("error", error)

    # == accept loop ===================================================================

    @enable_ki_protection
    async def _serve(self, sock: _stdsocket.socket, started: trio.Event) -> None:
        try:
            # Accept only once 'listening' has been emitted, so that 'connection'
            # never comes first.
            await started.wait()
            if self._sock is not sock:
                return
            # The server is a nursery: its connections' tasks (dispatchers, writers,
            # async listeners) run in it, and it closes after the last of them.
            # A parked connection on the fast path has no task: the count of open
            # connections keeps the nursery open for it.
            async with trio.open_nursery() as nursery:
                self._nursery = nursery
                try:
                    with trio.CancelScope() as scope:
                        self._accept_scope = scope
                        await self._accept_loop(sock)
                    if self._sock is sock:
                        self._close_listening_socket()
                    while self._connections:
                        drained = self._drained
                        if drained is None or drained.is_set():
                            drained = self._drained = trio.Event()
                        await drained.wait()
                finally:
                    if self._nursery is nursery:
                        self._nursery = None
        finally:
            # Also when cancelled before 'listening' (the loop's block raised, say):
            # the socket and its Unix file must not outlive the loop.
            if self._sock is sock:
                self._close_listening_socket()

    async def _accept_loop(self, listening: Any) -> None:
        if isinstance(listening, ListenerHandle):
            await self._accept_streams(listening)
            return
        while True:
            try:
                taken = self._accept(listening)
            except BlockingIOError:
                try:
                    await wait_readable(listening)
                except trio.ClosedResourceError:
                    return
                continue
            except OSError as exc:
                if exc.errno in _IGNORED_ACCEPT_ERRNOS:
                    continue
                if exc.errno in (_errno.EBADF, _errno.EINVAL) and self._sock is not listening:
                    return
                await self._accept_failed(exc)
                continue
            if isinstance(taken, Socket):
                self._handle_connection(taken)
            elif taken is not None:
                self.emit("drop", *taken)

    async def _accept_failed(self, exc: OSError) -> None:
        """Out of descriptors or memory: log and back off; any other accept error
        is emitted as 'error' (as Node), and the loop goes on."""
        if exc.errno in _CAPACITY_ERRNOS:
            LOGGER.error(
                "accept returned %s (%s); sleeping %s s before trying again",
                _errno.errorcode[exc.errno],
                os.strerror(exc.errno),
                ACCEPT_BACKOFF_SECONDS,
            )
            await trio.sleep(ACCEPT_BACKOFF_SECONDS)
            return
        self.emit("error", _errors.system_error(exc, "accept"))

    async def _accept_streams(self, listening: ListenerHandle) -> None:
        """The accept loop over a trio listener: each stream is a connection."""
        try:
            while True:
                try:
                    stream = await listening.accept()
                except (trio.ClosedResourceError, trio.BrokenResourceError):
                    return
                except OSError as exc:
                    await self._accept_failed(exc)
                    continue
                connection = self._own_stream(stream)
                if connection is not None:
                    self._handle_connection(connection)
                else:
                    self.emit("drop")
        finally:
            listening.close()
            if listening.family is None:  # no socket under it: close() did nothing
                await trio.aclose_forcefully(listening.listener)

    @enable_ki_protection
    def _own_stream(self, stream: trio.abc.Stream) -> Socket | None:
        """A stream accepted by a trio listener as a held Socket; None (and the
        stream closed) over ``max_connections``."""
        limit = self.max_connections
        if limit and self._connections >= limit:
            self._spawn_close(stream)
            return None
        connection = Socket._accepted(stream, self)
        self._connections += 1
        connection._counted = True  # until its _leave_server()
        connection._started = True
        connection._hold()
        return connection

    def _spawn_close(self, stream: trio.abc.Stream) -> None:
        assert self._nursery is not None
        self._nursery.start_soon(trio.aclose_forcefully, stream)

    @enable_ki_protection
    def _accept(self, listening: _stdsocket.socket) -> Socket | tuple[object, ...] | None:
        """Accept one connection and own it at once: a held Socket; or, over
        ``max_connections``, close it and give the arguments of ``'drop'`` (None:
        the peer had already gone).

        KI-protected (see ``_loop``): Ctrl-C cannot leave an accepted descriptor
        owned by a local variable only.
        """
        sock = accept_nonblocking(listening)
        limit = self.max_connections
        # Node 20: `if (self.maxConnections && ...)`: 0 (or None) means no limit.
        if limit and self._connections >= limit:
            return self._drop(sock)
        connection = Socket._accepted(sock, self)
        if self._no_delay:
            connection.set_no_delay(True)
        if self._keep_alive:
            connection.set_keep_alive(True, self._keep_alive_initial_delay)
        self._connections += 1
        connection._counted = True  # until its _leave_server()
        connection._started = True
        connection._hold()
        return connection

    def _handle_connection(self, connection: Socket) -> None:
        self._accepting = connection
        try:
            self.emit("connection", connection)
        finally:
            self._accepting = None
        connection._begin_accepted()

    @staticmethod
    def _drop(sock: _stdsocket.socket) -> tuple[object, ...] | None:
        """Close a connection over the limit; the arguments of its ``'drop'`` event."""
        with sock:
            if sock.family == _stdsocket.AF_UNIX:
                # Node: a pipe handle has no getsockname/getpeername: emit('drop').
                return ()
            try:
                local = sockaddr_to_address(sock.family, sock.getsockname())
                remote = sockaddr_to_address(sock.family, sock.getpeername())
            except OSError:  # the peer is already gone (ENOTCONN)
                return None
        info = {
            "localAddress": local["address"],
            "localPort": local["port"],
            "localFamily": local["family"],
            "remoteAddress": remote["address"],
            "remotePort": remote["port"],
            "remoteFamily": remote["family"],
        }
        return (info,)

    def _spawn_awaitable(self, awaitable: Awaitable[object]) -> None:
        accepting = self._accepting
        if accepting is not None:
            # An async connection listener runs as the connection's own task.
            accepting._spawn_awaitable(awaitable)
        else:
            self._loop.spawn_awaitable(awaitable)

    def _connection_closed(self) -> None:
        """One connection closed or was destroyed (``Socket._leave_server``, once)."""
        self._connections -= 1
        if not self._connections and self._drained is not None:
            self._drained.set()
        if self._sock is None and self._closing:
            self._emit_close_if_drained()

    # == close =======================================================================

    def close(self, callback: Callable[..., object] | None = None) -> Server:
        """Stop accepting now; ``'close'`` once the last connection has ended.

        As Node's, a ``callback`` that is not callable is ignored."""
        if callback is not None and callable(callback):
            if self._sock is None:
                self.once("close", lambda *_: callback(_errors.server_not_running()))
            else:
                self.once("close", callback)
        self._listen_id += 1  # a listen() still looking its host up will not bind
        if self._sock is not None:
            self._close_listening_socket()
        self._unhold()
        self._closing = True
        self._emit_close_if_drained()
        return self

    def _close_listening_socket(self) -> None:
        sock = self._sock
        self._sock = None
        if isinstance(sock, _stdsocket.socket):
            notify_closing(sock)
        if sock is not None:
            sock.close()
        self._unlink_unix_path()
        if self._accept_scope is not None:
            self._accept_scope.cancel()
        self._unhold()

    def _abandon(self) -> None:
        self._listen_id += 1  # a listen() still looking its host up will not bind
        self._close_listening_socket()

    def _emit_close_if_drained(self) -> None:
        if self._connections:
            return
        self._closing = False
        self._loop.defer(self.emit, "close")

    @property
    def connections(self) -> int:
        """The number of open connections; deprecated, as in Node (DEP0020)."""
        warnings.warn(
            "Server.connections property is deprecated. "
            "Use Server.get_connections method instead. (DEP0020)",
            DeprecationWarning,
            stacklevel=2,
        )
        return self._connections

    def get_connections(self, callback: Callable[..., object]) -> Server:
        """Call ``callback(None, count)`` soon with the number of open connections."""
        _validate.validate_function(callback, "callback")
        self._loop.defer(callback, None, self._connections)
        return self

    # == state =========================================================================

    @property
    def listening(self) -> bool:
        """Whether the server is accepting connections."""
        return self._sock is not None

    def address(self) -> dict[str, Any] | str | None:
        """``{'address', 'family', 'port'}``, the Unix path, or None when not listening."""
        sock = self._sock
        if sock is None:
            return None
        if sock.family is None:  # a trio listener with no socket under it
            return {}
        if sock.family == getattr(_stdsocket, "AF_UNIX", None):
            name = sock.getsockname()
            return name if isinstance(name, str) else name.decode()
        return sockaddr_to_address(sock.family, sock.getsockname())

    @property
    def _trionet_handle_fileno(self) -> int:
        sock = self._sock
        return -1 if sock is None else sock.fileno()

    def __repr__(self) -> str:
        return f"<trionet.Server listening={self.listening} address={self.address()!r}>"


def create_server(
    listener: Callable[..., object] | dict[str, Any] | None = None,
    connection_listener: Callable[..., object] | None = None,
    *,
    allow_half_open: bool = False,
    pause_on_connect: bool = False,
    high_water_mark: int | None = None,
    no_delay: bool = False,
    keep_alive: bool = False,
    keep_alive_initial_delay: float = 0,
) -> Server:
    """Node's ``net.createServer``: a new Server, not yet listening.

    ``no_delay`` sets TCP_NODELAY on every accepted TCP socket, and ``keep_alive``
    (with ``keep_alive_initial_delay`` ms) SO_KEEPALIVE, as Node 20's options."""
    return Server(
        listener,
        connection_listener,
        allow_half_open=allow_half_open,
        pause_on_connect=pause_on_connect,
        high_water_mark=high_water_mark,
        no_delay=no_delay,
        keep_alive=keep_alive,
        keep_alive_initial_delay=keep_alive_initial_delay,
    )
