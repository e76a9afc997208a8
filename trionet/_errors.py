"""Node's error objects, Python-shaped.

Every error trionet raises or emits carries Node's ``code`` and Node's exact
message (``str(err)``), so a Node programmer recognises it and a test can
compare it with what ``node`` prints.  The exception classes also inherit from
the Python built-in a Python programmer would catch: ``TypeError`` for Node's
TypeErrors, ``ValueError`` for Node's RangeErrors and ``OSError`` for system
errors.

Python values are rendered in messages as their JavaScript twins (``None`` is
``undefined``, a ``dict`` is an ``Object``, a ``list`` an ``Array``, ...), so
the same mistake gives the same message in both languages.
"""

from __future__ import annotations

import errno as _errno
import math
import os
import re
import socket
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

__all__ = [
    "NetError",
    "NodeError",
    "NodeRangeError",
    "NodeTypeError",
    "add_numerical_separator",
    "determine_specific_type",
    "dns_error",
    "epipe_ended_by_other_party",
    "format_list",
    "inspect",
    "invalid_address_family",
    "invalid_arg_type",
    "invalid_arg_value",
    "invalid_fd_type",
    "invalid_handle_type",
    "invalid_ip_address",
    "js_number",
    "js_string",
    "missing_args",
    "out_of_range",
    "server_already_listen",
    "server_not_running",
    "socket_bad_port",
    "socket_closed",
    "socket_closed_before_connection",
    "socket_connection_timeout",
    "stream_already_finished",
    "stream_destroyed",
    "stream_write_after_end",
    "system_error",
    "unhandled_error",
    "unknown_encoding",
    "uv_message",
]


# ---------------------------------------------------------------------------
# Exception classes
# ---------------------------------------------------------------------------


def _rebuild(cls: type[NodeError], message: str) -> NodeError:
    """Unpickle helper: make the instance without running ``__init__``."""
    obj = cls.__new__(cls, message)
    BaseException.__init__(obj, message)
    return obj


class NodeError(Exception):
    """An error with Node's ``code`` (``'ERR_SOCKET_CLOSED'``, ``'EPIPE'``, ...).

    ``str(err)`` is Node's ``err.message`` exactly, without the
    ``Error [CODE]:`` prefix Node adds when printing the stack.
    """

    code: str

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code

    @property
    def message(self) -> str:
        """Node's ``err.message``."""
        return str(self.args[0]) if self.args else ""

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        state = dict(self.__dict__)
        if isinstance(self, OSError):
            state["errno"] = self.errno
            state["strerror"] = self.strerror
        return (_rebuild, (type(self), self.message), state)


class NodeTypeError(NodeError, TypeError):
    """Node's ``TypeError`` (``ERR_INVALID_ARG_TYPE``, ``ERR_INVALID_ARG_VALUE``, ...)."""


class NodeRangeError(NodeError, ValueError):
    """Node's ``RangeError`` (``ERR_SOCKET_BAD_PORT``, ``ERR_OUT_OF_RANGE``, ...)."""


class NetError(NodeError, OSError):
    """A system error, as Node's ``ExceptionWithHostPort`` / ``ErrnoException``.

    Attributes: ``code`` (``'ECONNREFUSED'``), ``errno``, ``syscall``
    (``'connect'``, ``'listen'``, ``'read'``, ``'getaddrinfo'``, ...),
    ``address`` and ``port`` (``None`` when Node leaves them undefined), and
    ``hostname`` for DNS errors.

    Deliberate difference from Node: ``errno`` is Python's POSITIVE errno
    (``111``, i.e. ``errno.ECONNREFUSED``), not libuv's negative ``-111``, so
    that ``err.errno == errno.ECONNREFUSED`` works as for any ``OSError``.
    For DNS errors it is the ``socket.EAI_*`` value of the ``gaierror``.
    """

    syscall: str | None
    address: str | None
    port: int | None
    hostname: str | None
    local_address: str | None
    local_port: int | None

    def __init__(
        self,
        code: str,
        message: str,
        *,
        errno: int | None = None,
        syscall: str | None = None,
        address: str | None = None,
        port: int | None = None,
        hostname: str | None = None,
        strerror: str | None = None,
    ) -> None:
        super().__init__(code, message)
        self.errno = errno
        self.strerror = strerror
        self.syscall = syscall
        self.address = address
        self.port = port
        self.hostname = hostname
        self.local_address = None
        self.local_port = None

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        parts = [repr(self.code), repr(self.message)]
        for key in ("errno", "syscall", "address", "port", "hostname"):
            val = getattr(self, key)
            if val is not None:
                parts.append(f"{key}={val!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


# ---------------------------------------------------------------------------
# JavaScript renderings of Python values
# ---------------------------------------------------------------------------

_MAX_SAFE_INTEGER: Final = 2**53 - 1


def _as_js_float(value: int | float) -> float:
    """The JS number a Python int or float stands for."""
    if isinstance(value, float):
        return value
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def js_number(value: int | float) -> str:
    """``String(number)`` in JS: ``1.0`` -> ``'1'``, ``1e21`` -> ``'1e+21'``, nan -> ``'NaN'``."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) <= _MAX_SAFE_INTEGER:
        return str(value)
    x = _as_js_float(value)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"  # String(-0) is '0'
    sign = "-" if x < 0 else ""
    # repr() gives the shortest round-trip digits, as JS does.
    mant, _, exp_s = repr(abs(x)).partition("e")
    int_part, _, frac_part = mant.partition(".")
    if frac_part == "0":
        frac_part = ""
    digits = (int_part + frac_part).lstrip("0")
    # value = 0.digits * 10**n  (ECMAScript Number::toString's n)
    exp = int(exp_s) if exp_s else 0
    if int_part == "0":
        n = exp - (len(frac_part) - len(frac_part.lstrip("0")))
    else:
        n = len(int_part) + exp
    digits = digits.rstrip("0") or "0"
    k = len(digits)
    if k <= n <= 21:
        out = digits + "0" * (n - k)
    elif 0 < n <= 21:
        out = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        out = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        e_str = f"e{'+' if e >= 0 else '-'}{abs(e)}"
        out = digits + e_str if k == 1 else digits[0] + "." + digits[1:] + e_str
    return sign + out


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_js_integer(value: object) -> bool:
    """``Number.isInteger`` for a Python value."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value) and value.is_integer()


def _utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


def _utf16_slice(s: str, end: int) -> str:
    """``s.slice(0, end)`` counting UTF-16 code units, as JS does."""
    if s.isascii():
        return s[:end]
    return s.encode("utf-16-le", "surrogatepass")[: 2 * end].decode("utf-16-le", "surrogatepass")


def _function_name(value: object) -> str:
    """The JS ``fn.name`` of a Python callable (a lambda is anonymous: ``''``)."""
    name = getattr(value, "__name__", None)
    if not isinstance(name, str):
        name = type(value).__name__
    return "" if name == "<lambda>" else name


def _is_function(value: object) -> bool:
    """True for what JS calls a function (``typeof value === 'function'``)."""
    return callable(value) and not isinstance(value, NodeError)


def _constructor_name(value: object) -> str:
    """The JS constructor name of a Python object's twin."""
    if isinstance(value, Mapping):
        return "Object"
    if isinstance(value, list | tuple):
        return "Array"
    if isinstance(value, bytes | bytearray):
        return "Buffer"
    if isinstance(value, set | frozenset):
        return "Set"
    return type(value).__name__


def _json_string(s: str) -> str:
    """``JSON.stringify(string)``."""
    out = ['"']
    for ch in s:
        cp = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch in _JSON_SHORT:
            out.append(_JSON_SHORT[ch])
        elif cp < 0x20 or 0xD800 <= cp <= 0xDFFF:
            out.append(f"\\u{cp:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


_JSON_SHORT: Final = {"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def determine_specific_type(value: object) -> str:
    """Node's ``determineSpecificType``: the ``Received ...`` part of type errors."""
    if value is None:
        return "undefined"
    if isinstance(value, bool):
        return "type boolean (true)" if value else "type boolean (false)"
    if isinstance(value, int | float):
        if value == 0 and isinstance(value, float) and math.copysign(1.0, value) < 0:
            return "type number (-0)"
        return f"type number ({js_number(value)})"
    if isinstance(value, str):
        if _utf16_len(value) > 28:
            value = _utf16_slice(value, 25) + "..."
        if "'" not in value:
            return f"type string ('{value}')"
        return f"type string ({_json_string(value)})"
    if isinstance(value, type) or (
        _is_function(value) and not isinstance(value, Mapping | list | tuple)
    ):
        return f"function {_function_name(value)}"
    return f"an instance of {_constructor_name(value)}"


def add_numerical_separator(val: str) -> str:
    """Node's ``addNumericalSeparator``: ``'1099511627776'`` -> ``'1_099_511_627_776'``.

    Applied to the string as Node does, so ``'1e+21'`` becomes ``'1e_+21'``
    exactly as in Node's own message.
    """
    res = ""
    i = len(val)
    start = 1 if val.startswith("-") else 0
    while i >= start + 4:
        res = f"_{val[i - 3 : i]}{res}"
        i -= 3
    return f"{val[:i]}{res}"


def format_list(items: Sequence[str], kind: str = "and") -> str:
    """Node's ``formatList``: ``a, b, and c``."""
    n = len(items)
    if n == 0:
        return ""
    if n == 1:
        return f"{items[0]}"
    if n == 2:
        return f"{items[0]} {kind} {items[1]}"
    return f"{', '.join(items[:-1])}, {kind} {items[-1]}"


def js_string(value: object) -> str:
    """``String(value)`` in JS for the value's twin (``'[object Object]'`` for a dict)."""
    if value is None:
        return "undefined"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return js_number(value)
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return "[object Object]"
    if isinstance(value, list | tuple):
        return ",".join("" if v is None else js_string(v) for v in value)
    if isinstance(value, NodeError):
        return f"{_node_error_name(value)}: {value.message}"
    if isinstance(value, BaseException):
        msg = str(value)
        return f"{type(value).__name__}: {msg}" if msg else type(value).__name__
    return str(value)


def _node_error_name(err: NodeError) -> str:
    if isinstance(err, NodeTypeError):
        return "TypeError"
    if isinstance(err, NodeRangeError):
        return "RangeError"
    return "Error"


# --- util.inspect ----------------------------------------------------------

_BREAK_LENGTH: Final = 80
_MIN_LINE_LENGTH: Final = 16
_DEPTH: Final = 2
_MAX_ARRAY_LENGTH: Final = 100
_KEY_RE: Final = re.compile(r"^[a-zA-Z_][a-zA-Z_0-9]*$")


def _meta(cp: int) -> str:
    if cp < 0x20:
        return {8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r"}.get(cp, f"\\x{cp:02X}")
    if cp == 0x27:
        return "\\'"
    if cp == 0x5C:
        return "\\\\"
    return f"\\x{cp:02X}"  # 0x7f-0x9f


def _str_escape(s: str) -> str:
    """Node's ``strEscape``: quote a string as ``util.inspect`` does."""
    quote = "'"
    if "'" in s:
        if '"' not in s:
            quote = '"'
        elif "`" not in s and "${" not in s:
            quote = "`"
    out = []
    for ch in s:
        cp = ord(ch)
        if (ch == "'" and quote == "'") or cp == 0x5C or cp < 0x20 or 0x7E < cp < 0xA0:
            out.append(_meta(cp))
        elif 0xD800 <= cp <= 0xDFFF:  # lone surrogate (a pair is one code point here)
            out.append(f"\\u{cp:x}")
        else:
            out.append(ch)
    return f"{quote}{''.join(out)}{quote}"


def _format_string(s: str, indent: int) -> str:
    n = _utf16_len(s)
    if n > _MIN_LINE_LENGTH and n > _BREAK_LENGTH - indent - 4:
        lines = re.split(r"(?<=\n)", s)
        return f" +\n{' ' * (indent + 2)}".join(_str_escape(line) for line in lines if line)
    return _str_escape(s)


def _group_array_elements(
    output: list[str], value: Sequence[object] | None, indent: int
) -> list[str]:
    """Node's ``groupArrayElements``: lay short array entries out in columns."""
    total = 0
    max_len = 0
    out_len = len(output)
    if len(output) > _MAX_ARRAY_LENGTH:
        out_len -= 1
    sep = 2
    data_len = [len(o) for o in output[:out_len]]
    for ln in data_len:
        total += ln + sep
        max_len = max(max_len, ln)
    actual_max = max_len + sep
    if actual_max * 3 + indent < _BREAK_LENGTH and (total / actual_max > 5 or max_len <= 6):
        average_bias = math.sqrt(actual_max - total / len(output))
        biased_max = max(actual_max - 3 - average_bias, 1)
        columns = min(
            _js_round(math.sqrt(2.5 * biased_max * out_len) / biased_max),
            (_BREAK_LENGTH - indent) // actual_max,
            3 * 4,
            15,
        )
        if columns <= 1:
            return output
        max_line = []
        for i in range(columns):
            line_max = max((data_len[j] for j in range(i, out_len, columns)), default=0)
            max_line.append(line_max + sep)
        pad_start = value is not None and all(
            _is_number(value[i]) for i in range(min(len(value), len(output)))
        )
        tmp: list[str] = []
        for i in range(0, out_len, columns):
            last = min(i + columns, out_len)
            row = ""
            for j in range(i, last - 1):
                cell = f"{output[j]}, "
                width = max_line[j - i]
                row += cell.rjust(width) if pad_start else cell.ljust(width)
            j = last - 1
            if pad_start:
                row += output[j].rjust(max_line[j - i] - sep)
            else:
                row += output[j]
            tmp.append(row)
        if len(output) > _MAX_ARRAY_LENGTH:
            tmp.append(output[out_len])
        return tmp
    return output


def _js_round(x: float) -> int:
    return math.floor(x + 0.5)


def _reduce_to_single_string(
    output: list[str], braces: tuple[str, str], indent: int, *, array: Sequence[object] | None
) -> str:
    entries = len(output)
    if array is not None and entries > 6:
        output = _group_array_elements(output, array, indent)
    if entries == len(output):
        start = len(output) + indent + len(braces[0]) + 10
        total = len(output) + start
        fits = total + len(output) <= _BREAK_LENGTH
        if fits:
            for o in output:
                total += len(o)
                if total > _BREAK_LENGTH:
                    fits = False
                    break
        if fits:
            joined = ", ".join(output)
            if "\n" not in joined:
                return f"{braces[0]} {joined} {braces[1]}"
    ind = "\n" + " " * indent
    return f"{braces[0]}{ind}  {f',{ind}  '.join(output)}{ind}{braces[1]}"


def _format_key(key: object) -> str:
    k = js_string(key)
    return k if _KEY_RE.match(k) else _str_escape(k)


def _inspect(value: object, depth: int, indent: int, seen: list[int]) -> str:
    if value is None:
        return "undefined"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        if isinstance(value, float) and value == 0 and math.copysign(1.0, value) < 0:
            return "-0"
        return js_number(value)
    if isinstance(value, str):
        return _format_string(value, indent)
    if isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
        shown = " ".join(f"{b:02x}" for b in data[:50])
        more = f" ... {len(data) - 50} more byte{'s' if len(data) - 50 > 1 else ''}"
        return f"<Buffer{' ' if data else ''}{shown}{more if len(data) > 50 else ''}>"
    if isinstance(value, type):
        return f"[class {value.__name__}]"
    if isinstance(value, BaseException):
        return js_string(value)
    is_map = isinstance(value, Mapping)
    is_seq = isinstance(value, list | tuple)
    is_set = isinstance(value, set | frozenset)
    if not (is_map or is_seq or is_set):
        if _is_function(value):
            name = _function_name(value)
            return f"[Function: {name}]" if name else "[Function (anonymous)]"
        return f"{type(value).__name__} {{}}"
    if id(value) in seen:
        return "[Circular *1]"
    if depth > _DEPTH:
        return "[Array]" if is_seq else "[Object]"
    seen.append(id(value))
    try:
        output: list[str] = []
        if is_map:
            assert isinstance(value, Mapping)
            for k, v in value.items():
                output.append(f"{_format_key(k)}: {_inspect(v, depth + 1, indent + 2, seen)}")
            if not output:
                return "{}"
            return _reduce_to_single_string(output, ("{", "}"), indent, array=None)
        items: list[object] = list(value)  # type: ignore[call-overload]
        for v in items[:_MAX_ARRAY_LENGTH]:
            output.append(_inspect(v, depth + 1, indent + 2, seen))
        if is_set:
            if not output:
                return "Set(0) {}"
            brace = f"Set({len(items)}) {{"
            return _reduce_to_single_string(output, (brace, "}"), indent, array=None)
        if len(items) > _MAX_ARRAY_LENGTH:
            rest = len(items) - _MAX_ARRAY_LENGTH
            output.append(f"... {rest} more item{'s' if rest > 1 else ''}")
        if not output:
            return "[]"
        return _reduce_to_single_string(output, ("[", "]"), indent, array=items)
    finally:
        seen.pop()


def inspect(value: object) -> str:
    """``util.inspect(value)`` (default options) for the value's JS twin.

    Exact for primitives, dicts, lists and tuples, and sets; other objects are
    shown as ``ClassName {}``.  Character widths are counted as one column
    each (Node counts East-Asian wide characters as two).
    """
    return _inspect(value, 0, 0, [])


# ---------------------------------------------------------------------------
# System errors
# ---------------------------------------------------------------------------

# libuv's messages (uv_strerror) by code, as Node 20 reports them.
_UV_MESSAGES: Final[dict[str, str]] = {
    "E2BIG": "argument list too long",
    "EACCES": "permission denied",
    "EADDRINUSE": "address already in use",
    "EADDRNOTAVAIL": "address not available",
    "EAFNOSUPPORT": "address family not supported",
    "EAGAIN": "resource temporarily unavailable",
    "EAI_ADDRFAMILY": "address family not supported",
    "EAI_AGAIN": "temporary failure",
    "EAI_BADFLAGS": "bad ai_flags value",
    "EAI_BADHINTS": "invalid value for hints",
    "EAI_CANCELED": "request canceled",
    "EAI_FAIL": "permanent failure",
    "EAI_FAMILY": "ai_family not supported",
    "EAI_MEMORY": "out of memory",
    "EAI_NODATA": "no address",
    "EAI_NONAME": "unknown node or service",
    "EAI_OVERFLOW": "argument buffer overflow",
    "EAI_PROTOCOL": "resolved protocol is unknown",
    "EAI_SERVICE": "service not available for socket type",
    "EAI_SOCKTYPE": "socket type not supported",
    "EALREADY": "connection already in progress",
    "EBADF": "bad file descriptor",
    "EBUSY": "resource busy or locked",
    "ECANCELED": "operation canceled",
    "ECHARSET": "invalid Unicode character",
    "ECONNABORTED": "software caused connection abort",
    "ECONNREFUSED": "connection refused",
    "ECONNRESET": "connection reset by peer",
    "EDESTADDRREQ": "destination address required",
    "EEXIST": "file already exists",
    "EFAULT": "bad address in system call argument",
    "EFBIG": "file too large",
    "EHOSTUNREACH": "host is unreachable",
    "EINTR": "interrupted system call",
    "EINVAL": "invalid argument",
    "EIO": "i/o error",
    "EISCONN": "socket is already connected",
    "EISDIR": "illegal operation on a directory",
    "ELOOP": "too many symbolic links encountered",
    "EMFILE": "too many open files",
    "EMSGSIZE": "message too long",
    "ENAMETOOLONG": "name too long",
    "ENETDOWN": "network is down",
    "ENETUNREACH": "network is unreachable",
    "ENFILE": "file table overflow",
    "ENOBUFS": "no buffer space available",
    "ENODEV": "no such device",
    "ENOENT": "no such file or directory",
    "ENOMEM": "not enough memory",
    "ENONET": "machine is not on the network",
    "ENOPROTOOPT": "protocol not available",
    "ENOSPC": "no space left on device",
    "ENOSYS": "function not implemented",
    "ENOTCONN": "socket is not connected",
    "ENOTDIR": "not a directory",
    "ENOTEMPTY": "directory not empty",
    "ENOTSOCK": "socket operation on non-socket",
    "ENOTSUP": "operation not supported on socket",
    "EOVERFLOW": "value too large for defined data type",
    "EPERM": "operation not permitted",
    "EPIPE": "broken pipe",
    "EPROTO": "protocol error",
    "EPROTONOSUPPORT": "protocol not supported",
    "EPROTOTYPE": "protocol wrong type for socket",
    "ERANGE": "result too large",
    "EROFS": "read-only file system",
    "ESHUTDOWN": "cannot send after transport endpoint shutdown",
    "ESPIPE": "invalid seek",
    "ESRCH": "no such process",
    "ETIMEDOUT": "connection timed out",
    "ETXTBSY": "text file is busy",
    "EXDEV": "cross-device link not permitted",
    "UNKNOWN": "unknown error",
    "EOF": "end of file",
    "ENXIO": "no such device or address",
    "EMLINK": "too many links",
    "EHOSTDOWN": "host is down",
    "EREMOTEIO": "remote I/O error",
    "ENOTTY": "inappropriate ioctl for device",
    "EFTYPE": "inappropriate file type or format",
    "EILSEQ": "illegal byte sequence",
    "ESOCKTNOSUPPORT": "socket type not supported",
    "ENODATA": "no data available",
    "EUNATCH": "protocol driver not attached",
}

# errno number -> libuv's name for it (ENOTSUP rather than EOPNOTSUPP, EAGAIN
# rather than EWOULDBLOCK), falling back to Python's errno.errorcode.
_UV_CODE_BY_ERRNO: Final[dict[int, str]] = {
    getattr(_errno, name): name for name in _UV_MESSAGES if hasattr(_errno, name)
}

_EAI_NAMES: Final[dict[int, str]] = {
    getattr(socket, name): name
    for name in (
        "EAI_ADDRFAMILY",
        "EAI_AGAIN",
        "EAI_BADFLAGS",
        "EAI_FAIL",
        "EAI_FAMILY",
        "EAI_MEMORY",
        "EAI_NODATA",
        "EAI_NONAME",
        "EAI_OVERFLOW",
        "EAI_SERVICE",
        "EAI_SOCKTYPE",
        "EAI_SYSTEM",
        "EAI_BADHINTS",
        "EAI_PROTOCOL",
    )
    if hasattr(socket, name)
}
_EAI_NOTFOUND: Final = frozenset(
    getattr(socket, n) for n in ("EAI_NONAME", "EAI_NODATA") if hasattr(socket, n)
)


def _errno_code(num: int | None) -> str:
    if num is None:
        return "UNKNOWN"
    return _UV_CODE_BY_ERRNO.get(num) or _errno.errorcode.get(num, "UNKNOWN")


def uv_message(code: str, num: int | None = None) -> str:
    """libuv's description of an error code (``os.strerror`` as fallback)."""
    msg = _UV_MESSAGES.get(code)
    if msg is not None:
        return msg
    if num is not None:
        try:
            return os.strerror(num)
        except ValueError:
            pass
    return "unknown error"


def _host_port_details(address: str | None, port: int | None) -> str:
    if port and port > 0:
        return f" {js_string(address)}:{port}"
    if address:
        return f" {address}"
    return ""


def system_error(
    err: OSError | int,
    syscall: str,
    address: str | None = None,
    port: int | None = None,
    *,
    local_address: str | None = None,
    local_port: int | None = None,
) -> NetError:
    """A ``NetError`` for a failed system call, worded exactly as Node 20 words it.

    Node's rule, by the helper ``net`` uses for each call:

    * ``listen`` (``uvExceptionWithHostPort``) includes libuv's message:
      ``listen EADDRINUSE: address already in use 127.0.0.1:8000``;
    * with an address (``connect``, ``bind``: ``exceptionWithHostPort``) it
      does not: ``connect ECONNREFUSED 127.0.0.1:1``, ``connect ENOENT /p.sock``,
      plus `` - Local (addr:port)`` when a local address and port are given;
    * without an address (``read``, ``write``, ``accept``: ``errnoException``)
      it is just ``read ECONNRESET``.
    """
    num = err.errno if isinstance(err, OSError) else err
    code = _errno_code(num)
    msg = uv_message(code, num)
    details = _host_port_details(address, port)
    if syscall == "listen":
        message = f"{syscall} {code}: {msg}{details}"
    else:
        if local_address and local_port:
            details += f" - Local ({local_address}:{local_port})"
        message = f"{syscall} {code}{details}"
    e = NetError(
        code,
        message,
        errno=num,
        syscall=syscall,
        address=address,
        port=port or None,  # as Node's `if (port) ex.port = port`: no port 0
        strerror=msg,
    )
    if local_address and local_port and syscall != "listen":
        e.local_address = local_address
        e.local_port = local_port
    return e


def dns_error(
    err: socket.gaierror | OSError | int | str,
    syscall: str = "getaddrinfo",
    hostname: str | None = None,
) -> NetError:
    """A ``NetError`` for a failed lookup, as Node's ``DNSException``.

    ``EAI_NONAME`` and ``EAI_NODATA`` become Node's fabricated ``ENOTFOUND``;
    other ``EAI_*`` keep their name (``EAI_AGAIN``).  ``err`` is a
    ``socket.gaierror``, a ``socket.EAI_*`` number, or a code string used
    as is.  ``errno`` is the ``socket.EAI_*`` number (Node's is libuv's).
    Message: ``getaddrinfo ENOTFOUND nohost.invalid``.
    """
    num: int | None
    if isinstance(err, str):
        code, num = err, None
    else:
        if isinstance(err, socket.gaierror):
            num = err.errno
        elif isinstance(err, OSError):
            # A plain OSError from a resolver (EAI_SYSTEM): a system errno.
            num = err.errno
            code = _errno_code(num)
            message = f"{syscall} {code}{f' {hostname}' if hostname else ''}"
            return NetError(
                code,
                message,
                errno=num,
                syscall=syscall,
                hostname=hostname or None,
                strerror=uv_message(code, num),
            )
        else:
            num = err
        if num in _EAI_NOTFOUND:
            code = "ENOTFOUND"
        else:
            code = _EAI_NAMES.get(num, "UNKNOWN") if num is not None else "UNKNOWN"
    message = f"{syscall} {code}{f' {hostname}' if hostname else ''}"
    return NetError(
        code,
        message,
        errno=num,
        syscall=syscall,
        hostname=hostname or None,
        strerror=uv_message(code),
    )


def epipe_ended_by_other_party() -> NetError:
    """Node's ``writeAfterFIN`` error: a write after the peer ended the socket.

    Code ``'EPIPE'``; ``errno`` is ``errno.EPIPE`` (Node leaves it undefined)
    and ``syscall`` is ``None``.
    """
    return NetError(
        "EPIPE",
        "This socket has been ended by the other party",
        errno=_errno.EPIPE,
        strerror=uv_message("EPIPE"),
    )


# ---------------------------------------------------------------------------
# ERR_* factories
# ---------------------------------------------------------------------------

_K_TYPES: Final = (
    "string",
    "function",
    "number",
    "object",
    "Function",
    "Object",
    "boolean",
    "bigint",
    "symbol",
)
_CLASS_RE: Final = re.compile(r"^([A-Z][a-z0-9]*)+$")


def invalid_arg_type(name: str, expected: str | Iterable[str], actual: object) -> NodeTypeError:
    """``ERR_INVALID_ARG_TYPE``: ``The "port" argument must be of type number. Received ...``.

    ``expected`` uses Node's spellings: JS type names (``'string'``,
    ``'number'``, ``'Function'``, ``'Object'``), class names (``'Buffer'``)
    or free text (``'null'``).
    """
    expected_list = [expected] if isinstance(expected, str) else list(expected)
    if name.endswith(" argument"):
        msg = f"The {name} "
    else:
        kind = "property" if "." in name else "argument"
        msg = f'The "{name}" {kind} '
    msg += "must be "
    types: list[str] = []
    instances: list[str] = []
    other: list[str] = []
    for value in expected_list:
        if value in _K_TYPES:
            types.append(value.lower())
        elif _CLASS_RE.match(value):
            instances.append(value)
        else:
            other.append(value)
    if instances and "object" in types:
        types.remove("object")
        instances.append("Object")
    if types:
        msg += f"{'one of type' if len(types) > 1 else 'of type'} {format_list(types, 'or')}"
        if instances or other:
            msg += " or "
    if instances:
        msg += f"an instance of {format_list(instances, 'or')}"
        if other:
            msg += " or "
    if other:
        if len(other) > 1:
            msg += f"one of {format_list(other, 'or')}"
        else:
            if other[0].lower() != other[0]:
                msg += "an "
            msg += other[0]
    msg += f". Received {determine_specific_type(actual)}"
    return NodeTypeError("ERR_INVALID_ARG_TYPE", msg)


def invalid_arg_value(
    name: str, value: object, reason: str = "is invalid", *, range_error: bool = False
) -> NodeError:
    """``ERR_INVALID_ARG_VALUE``: ``The argument 'x' is invalid. Received ...``.

    A ``NodeTypeError`` as in Node; ``range_error=True`` gives Node's
    ``ERR_INVALID_ARG_VALUE.RangeError`` variant (a ``NodeRangeError``).
    """
    inspected = inspect(value)
    if _utf16_len(inspected) > 128:
        inspected = _utf16_slice(inspected, 128) + "..."
    kind = "property" if "." in name else "argument"
    msg = f"The {kind} '{name}' {reason}. Received {inspected}"
    cls: type[NodeError] = NodeRangeError if range_error else NodeTypeError
    return cls("ERR_INVALID_ARG_VALUE", msg)


def socket_bad_port(name: str, value: object, allow_zero: bool = True) -> NodeRangeError:
    """``ERR_SOCKET_BAD_PORT``: ``Port should be >= 0 and < 65536. Received ...``."""
    op = ">=" if allow_zero else ">"
    return NodeRangeError(
        "ERR_SOCKET_BAD_PORT",
        f"{name} should be {op} 0 and < 65536. Received {determine_specific_type(value)}.",
    )


def out_of_range(name: str, range_desc: str, value: object) -> NodeRangeError:
    """``ERR_OUT_OF_RANGE``: ``The value of "x" is out of range. It must be ... Received ...``.

    Integers beyond 2**32 in magnitude are shown with ``_`` separators, as in Node.
    """
    if _is_js_integer(value) and abs(_as_js_float(value)) > 2**32:  # type: ignore[arg-type]
        received = add_numerical_separator(js_number(value))  # type: ignore[arg-type]
    else:
        received = inspect(value)
    msg = f'The value of "{name}" is out of range. It must be {range_desc}. Received {received}'
    return NodeRangeError("ERR_OUT_OF_RANGE", msg)


def missing_args(*names: str | Sequence[str]) -> NodeTypeError:
    """``ERR_MISSING_ARGS``: ``The "a" and "b" arguments must be specified``.

    A list among ``names`` means alternatives: ``["options", "port"]`` ->
    ``"options" or "port"``.
    """
    if not names:
        raise ValueError("At least one arg needs to be specified")
    parts = [f'"{a}"' if isinstance(a, str) else " or ".join(f'"{x}"' for x in a) for a in names]
    msg = f"The {format_list(parts)} argument{'s' if len(names) > 1 else ''} must be specified"
    return NodeTypeError("ERR_MISSING_ARGS", msg)


def server_already_listen() -> NodeError:
    """``ERR_SERVER_ALREADY_LISTEN``: ``listen()`` called twice without ``close()``."""
    return NodeError(
        "ERR_SERVER_ALREADY_LISTEN",
        "Listen method has been called more than once without closing.",
    )


def server_not_running() -> NodeError:
    """``ERR_SERVER_NOT_RUNNING``: ``close()`` on a server that is not listening."""
    return NodeError("ERR_SERVER_NOT_RUNNING", "Server is not running.")


def socket_closed() -> NodeError:
    """``ERR_SOCKET_CLOSED``."""
    return NodeError("ERR_SOCKET_CLOSED", "Socket is closed")


def socket_closed_before_connection() -> NodeError:
    """``ERR_SOCKET_CLOSED_BEFORE_CONNECTION``: a write on a socket that never connected."""
    return NodeError(
        "ERR_SOCKET_CLOSED_BEFORE_CONNECTION",
        "Socket closed before the connection was established",
    )


def socket_connection_timeout() -> NodeError:
    """``ERR_SOCKET_CONNECTION_TIMEOUT`` (all connection attempts timed out)."""
    return NodeError("ERR_SOCKET_CONNECTION_TIMEOUT", "Socket connection timeout")


def stream_already_finished(method: str) -> NodeError:
    """``ERR_STREAM_ALREADY_FINISHED``: e.g. ``end(cb)`` once the stream has finished."""
    return NodeError(
        "ERR_STREAM_ALREADY_FINISHED", f"Cannot call {method} after a stream was finished"
    )


def stream_write_after_end() -> NodeError:
    """``ERR_STREAM_WRITE_AFTER_END``: ``write()`` after ``end()``."""
    return NodeError("ERR_STREAM_WRITE_AFTER_END", "write after end")


def stream_destroyed(method: str) -> NodeError:
    """``ERR_STREAM_DESTROYED``: ``Cannot call write after a stream was destroyed``."""
    return NodeError("ERR_STREAM_DESTROYED", f"Cannot call {method} after a stream was destroyed")


def stream_unshift_after_end() -> NodeError:
    """``ERR_STREAM_UNSHIFT_AFTER_END_EVENT``: ``unshift()`` once ``'end'`` was emitted."""
    return NodeError("ERR_STREAM_UNSHIFT_AFTER_END_EVENT", "stream.unshift() after end event")


def unknown_encoding(encoding: object) -> NodeTypeError:
    """``ERR_UNKNOWN_ENCODING``: ``Unknown encoding: foo``."""
    return NodeTypeError("ERR_UNKNOWN_ENCODING", f"Unknown encoding: {js_string(encoding)}")


def invalid_fd_type(fd_type: str) -> NodeTypeError:
    """``ERR_INVALID_FD_TYPE``: ``Unsupported fd type: FILE``."""
    return NodeTypeError("ERR_INVALID_FD_TYPE", f"Unsupported fd type: {fd_type}")


def invalid_handle_type() -> NodeTypeError:
    """``ERR_INVALID_HANDLE_TYPE``: a handle that cannot be listened on or wrapped."""
    return NodeTypeError("ERR_INVALID_HANDLE_TYPE", "This handle type cannot be sent")


def invalid_address_family(family: object, host: str | None, port: int | None) -> NodeRangeError:
    """``ERR_INVALID_ADDRESS_FAMILY``: a lookup answered a family other than 4 or 6."""
    error = NodeRangeError(
        "ERR_INVALID_ADDRESS_FAMILY",
        f"Invalid address family: {js_string(family)} {host}:{port}",
    )
    error.host = host  # type: ignore[attr-defined]
    error.port = port  # type: ignore[attr-defined]
    return error


def invalid_ip_address(value: object) -> NodeTypeError:
    """``ERR_INVALID_IP_ADDRESS``: ``Invalid IP address: 1.2.3``."""
    return NodeTypeError("ERR_INVALID_IP_ADDRESS", f"Invalid IP address: {js_string(value)}")


_UNSET: Final[Any] = object()


def unhandled_error(value: object = _UNSET) -> NodeError:
    """``ERR_UNHANDLED_ERROR``: an ``'error'`` event emitted with a non-exception.

    Worded as Node's ``EventEmitter`` words it, which renders the value with
    ``util.inspect``: ``emit('error', 'boom')`` gives ``Unhandled error. ('boom')``
    and ``emit('error')`` gives ``Unhandled error. (undefined)``.  Called with no
    argument at all: ``Unhandled error.``.  The value is kept as ``err.context``.
    """
    if value is _UNSET:
        err = NodeError("ERR_UNHANDLED_ERROR", "Unhandled error.")
        err.context = None  # type: ignore[attr-defined]
        return err
    err = NodeError("ERR_UNHANDLED_ERROR", f"Unhandled error. ({inspect(value)})")
    err.context = value  # type: ignore[attr-defined]
    return err
