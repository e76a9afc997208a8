"""Options and argument overloads of ``listen()`` and ``connect()``, as Node's.

Node accepts ``listen(port, host, backlog, cb)``, ``listen(path, backlog, cb)``,
``listen(handle, backlog, cb)`` and ``listen(options, cb)``, and ``connect``
accepts ``(options, cb)``, ``(path, cb)`` and ``(port, host, cb)``. This module
turns each overload into one validated options object, raising Node's
error at the call for anything wrong, before a descriptor is opened.

Options may come as a dict in the options position or as keyword arguments,
with snake_case keys. Unlike Node, an unknown key is an error (Node ignores it):
a camelCase key from ported code would otherwise be dropped silently.
"""

from __future__ import annotations

import math
import socket as _stdsocket
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import trio

from . import _errors, _validate
from ._addresses import is_ip

__all__ = ["ConnectOptions", "ListenOptions", "normalize_connect", "normalize_listen"]

#: Node's default listen(2) backlog (lib/net.js `backlog || 511`).
DEFAULT_BACKLOG = 511


def _is_pipe_name(value: object) -> bool:
    """Node's ``isPipeName``: a string that ``Number()`` does not make a number
    >= 0 (so ``''``, ``' '`` and ``'0x1f'`` are ports, ``'-1'`` and ``'abc'`` paths)."""
    return isinstance(value, str) and not _validate.js_to_number(value) >= 0


def _to_number(value: object) -> float | None:
    """Node's ``toNumber``: the number a value stands for, or None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value.strip()) if value.strip() else None
        except ValueError:
            return None
        if number is not None and number == number:
            return number
    return None


@attrs.frozen
class ListenOptions:
    """What ``Server.listen`` was asked to do, validated."""

    port: int | None = None
    host: str | None = None
    path: str | None = None
    fd: int | None = None
    handle: object = None
    backlog: int = DEFAULT_BACKLOG
    exclusive: bool = False
    readable_all: bool = False
    writable_all: bool = False
    ipv6_only: bool = False
    reuse_port: bool = False


@attrs.define
class ConnectOptions:
    """What ``Socket.connect`` was asked to do, validated.

    Not frozen, though nothing changes it once made: attrs' frozen ``__init__``
    sets each of these fields through ``object.__setattr__``, which cost about
    3 µs of every connect (a forwarder makes one per connection)."""

    port: int | None = None
    host: str = "localhost"
    path: str | None = None
    local_address: str | None = None
    local_port: int | None = None
    family: int = 0
    hints: int = 0
    lookup: Callable[..., Any] | None = None
    timeout: float | None = None
    on_read: Mapping[str, Any] | None = None
    allow_half_open: bool | None = None
    no_delay: bool = False
    keep_alive: bool = False
    keep_alive_initial_delay: float = 0
    auto_select_family: bool = True
    auto_select_family_attempt_timeout: float = 250
    # For the new Socket of net.connect() (Node passes them to its constructor);
    # socket.connect() on an existing socket ignores them, as Node does. The
    # validated values are the two below; high_water_mark is folded into them.
    high_water_mark: int | None = None
    readable_high_water_mark: int | None = None
    writable_high_water_mark: int | None = None
    #: Not an option: ``is_ip(host)`` (4, 6, or 0 for a name to look up).
    host_family: int = 0


#: Node's stream options, for Socket and net.connect (createServer takes the first).
HIGH_WATER_MARK_KEYS = ("high_water_mark", "readable_high_water_mark", "writable_high_water_mark")


def high_water_marks(
    high_water_mark: object, readable: object, writable: object
) -> tuple[int | None, int | None]:
    """The (readable, writable) limits as Node's getHighWaterMark for a Duplex:
    ``high_water_mark`` sets both, else each its own; None keeps the default.
    Each must be an integral number >= 0 (ERR_INVALID_ARG_VALUE naming it)."""
    if high_water_mark is not None:
        readable = writable = high_water_mark
    return (
        _high_water_mark(readable, "options.readable_high_water_mark"),
        _high_water_mark(writable, "options.writable_high_water_mark"),
    )


def _high_water_mark(value: object, name: str) -> int | None:
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (isinstance(value, float) and not value.is_integer())
        or value < 0
    ):
        raise _errors.invalid_arg_value(name, value)
    return int(value)


_LISTEN_KEYS = {f.name for f in attrs.fields(ListenOptions)}
_CONNECT_KEYS = {f.name for f in attrs.fields(ConnectOptions)} - {"host_family"}


def _split_callback(args: tuple[Any, ...]) -> tuple[tuple[Any, ...], Callable[..., Any] | None]:
    if args and callable(args[-1]) and not isinstance(args[-1], type):
        return args[:-1], args[-1]
    return args, None


def _merge(
    what: str, options: Mapping[str, Any], kwargs: Mapping[str, Any], allowed: set[str]
) -> dict[str, Any]:
    merged = {**options, **kwargs}
    for key in merged:
        if key not in allowed:
            raise _errors.invalid_arg_value(
                f"options.{key}", merged[key], f"is not a {what} option (keys are snake_case)"
            )
    return merged


def _optional_bool(merged: Mapping[str, Any], key: str) -> bool:
    value = merged.get(key)
    if value is None:
        return False
    return _validate.validate_boolean(value, f"options.{key}")


def _backlog(value: object) -> int:
    """Node's ``toNumber(backlog) || 511``, clamped to listen(2)'s C int."""
    number = _to_number(value)
    if not number or number != number:
        return DEFAULT_BACKLOG
    return int(min(max(number, 0), 2**31 - 1))


def normalize_listen(
    args: tuple[Any, ...], kwargs: Mapping[str, Any]
) -> tuple[ListenOptions, Callable[..., Any] | None]:
    """Node's ``Server.listen`` argument handling: (options, callback)."""
    args, callback = _split_callback(args)
    if callback is None and "callback" in kwargs:
        kwargs = dict(kwargs)
        callback = _validate.validate_function(kwargs.pop("callback"), "callback")
    first = args[0] if args else None
    rest = args[1:]
    if isinstance(first, Mapping):
        merged = _merge("listen", first, kwargs, _LISTEN_KEYS)
        if rest:
            merged.setdefault("backlog", rest[0])
    elif _is_handle(first):
        merged = _merge("listen", {"handle": first}, kwargs, _LISTEN_KEYS)
        if rest:
            merged.setdefault("backlog", rest[0])
    elif _is_pipe_name(first):
        merged = _merge("listen", {"path": first}, kwargs, _LISTEN_KEYS)
        if rest:
            merged.setdefault("backlog", rest[0])
    else:
        merged = _merge("listen", {}, kwargs, _LISTEN_KEYS)
        if first is not None:
            merged.setdefault("port", first)
        if rest and isinstance(rest[0], str):
            merged.setdefault("host", rest[0])
            rest = rest[1:]
        if rest:
            merged.setdefault("backlog", rest[0])

    handle = merged.get("handle")
    fd = merged.get("fd")
    if handle is not None and isinstance(handle, int) and not isinstance(handle, bool):
        fd, handle = handle, None
    flags: dict[str, Any] = {
        key: _optional_bool(merged, key)
        for key in ("exclusive", "readable_all", "writable_all", "ipv6_only", "reuse_port")
    }
    backlog = _backlog(merged.get("backlog"))
    if handle is not None:
        return ListenOptions(handle=handle, backlog=backlog, **flags), callback
    # Node: `typeof options.fd === 'number' && options.fd >= 0`; any other fd is
    # no fd at all, and the options then need a port or a path.
    if isinstance(fd, int | float) and not isinstance(fd, bool) and fd >= 0:
        fd = _validate.validate_int32(fd, "options.fd", 0)
        return ListenOptions(fd=fd, backlog=backlog, **flags), callback
    port = merged.get("port")
    path = merged.get("path")
    if isinstance(first, Mapping) and "port" not in merged and "path" not in merged:
        raise _errors.invalid_arg_value("options", first, 'must have the property "port" or "path"')
    # Node: an omitted or null port (listen(), listen(cb), {port: null}) is port 0.
    if port is None and ("port" in merged or path is None):
        port = 0
    # Node validates only a number or string port; any other type (True, a list)
    # falls through to the path check and then to ERR_INVALID_ARG_VALUE('options').
    if isinstance(port, int | float | str) and not isinstance(port, bool):
        port = _validate.validate_port(port, "options.port")
        host = merged.get("host")
        if host is not None:
            host = _validate.validate_string(host, "hostname") or None
        return ListenOptions(port=port, host=host, backlog=backlog, **flags), callback
    if not path or not _is_pipe_name(path):
        raise _errors.invalid_arg_value("options", dict(merged))
    return ListenOptions(path=path, backlog=backlog, **flags), callback


def _is_handle(value: object) -> bool:
    if isinstance(value, _stdsocket.socket | trio.abc.Listener):
        return True
    # A trionet Server or Socket (checked by attribute to avoid an import cycle).
    return hasattr(value, "_trionet_handle_fileno")


def _attempt_timeout(value: object) -> float:
    """Node: an integer >= 1, and below 10 ms is raised to 10 ms."""
    if value is None:
        return 250
    number = _validate.validate_int32(value, "options.auto_select_family_attempt_timeout", 1)
    return max(number, 10)


def normalize_connect(
    args: tuple[Any, ...], kwargs: Mapping[str, Any]
) -> tuple[ConnectOptions, Callable[..., Any] | None]:
    """Node's ``normalizeArgs`` for ``connect``: (options, connect listener)."""
    args, callback = _split_callback(args)
    if callback is None and "callback" in kwargs:
        kwargs = dict(kwargs)
        callback = _validate.validate_function(kwargs.pop("callback"), "callback")
    if not args and not kwargs:
        raise _errors.missing_args(["options", "port", "path"])
    first = args[0] if args else None
    if isinstance(first, Mapping):
        merged = _merge("connect", first, kwargs, _CONNECT_KEYS)
    elif _is_pipe_name(first):
        merged = _merge("connect", {"path": first}, kwargs, _CONNECT_KEYS)
    else:
        merged = _merge("connect", {}, kwargs, _CONNECT_KEYS)
        if args:
            merged.setdefault("port", first)
        if len(args) > 1 and isinstance(args[1], str):
            merged.setdefault("host", args[1])

    timeout = merged.get("timeout")
    if timeout is not None:
        timeout = _validate.validate_timeout(timeout, "timeout")
    on_read = merged.get("on_read")
    if on_read is not None:
        _validate.validate_object(on_read, "options.on_read")
        buffer = on_read.get("buffer")
        if not callable(buffer) and not isinstance(buffer, bytearray | memoryview):
            raise _errors.invalid_arg_type(
                "options.on_read.buffer", ["Buffer", "TypedArray", "DataView", "Function"], buffer
            )
        _validate.validate_function(on_read.get("callback"), "options.on_read.callback")
    allow_half_open = merged.get("allow_half_open")
    if allow_half_open is not None:
        allow_half_open = _validate.validate_boolean(allow_half_open, "options.allow_half_open")
    readable_hwm, writable_hwm = high_water_marks(*(merged.get(k) for k in HIGH_WATER_MARK_KEYS))
    common: dict[str, Any] = {
        "timeout": timeout,
        "on_read": on_read,
        "allow_half_open": allow_half_open,
        "no_delay": _optional_bool(merged, "no_delay"),
        "keep_alive": _optional_bool(merged, "keep_alive"),
        "auto_select_family": merged.get("auto_select_family") is None
        or _optional_bool(merged, "auto_select_family"),
        "auto_select_family_attempt_timeout": _attempt_timeout(
            merged.get("auto_select_family_attempt_timeout")
        ),
        "readable_high_water_mark": readable_hwm,
        "writable_high_water_mark": writable_hwm,
        "keep_alive_initial_delay": _validate.validate_number(
            merged.get("keep_alive_initial_delay") or 0, "options.keep_alive_initial_delay", 0
        ),
    }
    path = merged.get("path")
    if path is not None:
        if "port" in merged and merged["port"] is not None:
            raise _errors.invalid_arg_value(
                "options", "port and path", "cannot have both a port and a path"
            )
        path = _validate.validate_string(path, "options.path")
        return ConnectOptions(path=path, **common), callback

    host = merged.get("host")
    if host is None:
        host = "localhost"
    else:
        host = _validate.validate_string(host, "hostname") or "localhost"
    port = merged.get("port")
    if port is None:
        raise _errors.missing_args(["options", "port", "path"])
    if not isinstance(port, int | float | str) or isinstance(port, bool):
        raise _errors.invalid_arg_type("options.port", ["number", "string"], port)
    port = _validate.validate_port(port, "Port")
    local_address = merged.get("local_address")
    if local_address is not None:
        local_address = _validate.validate_string(local_address, "options.local_address")
        if not is_ip(local_address):
            raise _errors.invalid_ip_address(local_address)
    local_port = merged.get("local_port")
    if local_port is not None:
        # Node: `if (localPort) validateNumber(localPort, 'options.localPort')`.
        if local_port != 0 and (
            isinstance(local_port, bool) or not isinstance(local_port, int | float)
        ):
            raise _errors.invalid_arg_type("options.local_port", "number", local_port)
        local_port = _validate.validate_port(local_port, "options.local_port")
    family = merged.get("family")
    family = 0 if family is None else _validate.validate_one_of(family, "options.family", (0, 4, 6))
    lookup = merged.get("lookup")
    if lookup is not None:
        lookup = _validate.validate_function(lookup, "options.lookup")
    host_family = is_ip(host)
    hints = _hints(merged.get("hints"), lookup is None and not host_family)
    return (
        ConnectOptions(
            port=port,
            host=host,
            host_family=host_family,
            local_address=local_address,
            local_port=local_port,
            family=family,
            hints=hints,
            lookup=lookup,
            **common,
        ),
        callback,
    )


#: The getaddrinfo flags Node's dns.lookup accepts (validateHints). A flag the
#: platform's socket module lacks counts as 0, so the module imports everywhere.
_LOOKUP_HINTS: int = (
    getattr(_stdsocket, "AI_ADDRCONFIG", 0)
    | getattr(_stdsocket, "AI_V4MAPPED", 0)
    | getattr(_stdsocket, "AI_ALL", 0)
)


def _hints(value: object, looked_up: bool) -> int:
    """The ``hints`` connect option: a number, taken as a uint32 (JS ``>>> 0``).

    Node validates it only when its own dns.lookup runs (a host name and no
    custom ``lookup``), and then throws from connect() itself.
    """
    if value is None:
        return 0
    number = _validate.validate_number(value, "options.hints")
    hints = int(number) % 2**32 if math.isfinite(number) else 0
    if looked_up and hints & ~_LOOKUP_HINTS:
        raise _errors.invalid_arg_value("hints", hints)
    return hints
