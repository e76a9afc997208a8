"""Tests for trionet._errors: Node's error objects and messages."""

from __future__ import annotations

import errno
import json
import math
import pickle
import socket
import subprocess
import warnings
from typing import Any

import pytest
from processes import node_binary

from trionet import _errors as E
from trionet import _validate as V

# --- rendering ---------------------------------------------------------------


def _named() -> None:
    pass


class Foo:
    pass


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "undefined"),
        (True, "type boolean (true)"),
        (False, "type boolean (false)"),
        (1, "type number (1)"),
        (1.0, "type number (1)"),
        (1.5, "type number (1.5)"),
        (-0.0, "type number (-0)"),
        (math.inf, "type number (Infinity)"),
        (-math.inf, "type number (-Infinity)"),
        (math.nan, "type number (NaN)"),
        (1e21, "type number (1e+21)"),
        (2**53, "type number (9007199254740992)"),
        ("abc", "type string ('abc')"),
        ("a" * 28, f"type string ('{'a' * 28}')"),
        ("a" * 29, f"type string ('{'a' * 25}...')"),
        ("it's", 'type string ("it\'s")'),
        ({}, "an instance of Object"),
        ([], "an instance of Array"),
        ((1, 2), "an instance of Array"),
        (b"x", "an instance of Buffer"),
        (Foo(), "an instance of Foo"),
        (_named, "function _named"),
        (lambda: 0, "function "),
        (Foo, "function Foo"),
    ],
)
def test_determine_specific_type(value: object, expected: str) -> None:
    assert E.determine_specific_type(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.0, "1"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e21, "1e+21"),
        (1e-7, "1e-7"),
        (1e-6, "0.000001"),
        (2**60, "1152921504606847000"),
        (math.nan, "NaN"),
        (-math.inf, "-Infinity"),
        (-0.0, "0"),
    ],
)
def test_js_number(value: float, expected: str) -> None:
    assert E.js_number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1099511627776", "1_099_511_627_776"),
        ("-1099511627776", "-1_099_511_627_776"),
        ("1234", "1_234"),
        ("123", "123"),
        ("1e+21", "1e_+21"),  # sic: Node does this too
    ],
)
def test_add_numerical_separator(value: str, expected: str) -> None:
    assert E.add_numerical_separator(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a'b", '"a\'b"'),
        ("a'b\"c", "`a'b\"c`"),
        ("a'b\"c`d", "'a\\'b\"c`d'"),
        ("\x00\x1b\t\x0b\\", "'\\x00\\x1B\\t\\x0B\\\\'"),
        ({"port": 1, "host": "a"}, "{ port: 1, host: 'a' }"),
        ([], "[]"),
        ({}, "{}"),
        (list(range(1, 9)), "[\n  1, 2, 3, 4,\n  5, 6, 7, 8\n]"),
        ([1, [2, [3, [4]]]], "[ 1, [ 2, [ 3, [Array] ] ] ]"),
        (_named, "[Function: _named]"),
    ],
)
def test_inspect(value: object, expected: str) -> None:
    assert E.inspect(value) == expected


# --- classes -----------------------------------------------------------------


def test_class_hierarchy() -> None:
    assert isinstance(E.invalid_arg_type("x", "number", "a"), TypeError)
    assert isinstance(E.socket_bad_port("Port", -1), ValueError)
    assert isinstance(E.out_of_range("x", ">= 0", -1), E.NodeRangeError)
    err = E.system_error(errno.ECONNREFUSED, "connect", "127.0.0.1", 1)
    assert isinstance(err, OSError)
    assert isinstance(err, E.NodeError)
    assert not isinstance(E.socket_closed(), TypeError | ValueError | OSError)


def test_str_and_repr() -> None:
    err = E.socket_closed()
    assert str(err) == "Socket is closed"
    assert err.code == "ERR_SOCKET_CLOSED"
    assert repr(err) == "NodeError('ERR_SOCKET_CLOSED', 'Socket is closed')"
    net = E.system_error(errno.ECONNREFUSED, "connect", "127.0.0.1", 1)
    assert "errno=111" in repr(net) or f"errno={errno.ECONNREFUSED}" in repr(net)


def test_pickle_round_trip() -> None:
    for err in (
        E.system_error(errno.ECONNREFUSED, "connect", "1.2.3.4", 5),
        E.invalid_arg_type("x", "number", "a"),
        E.socket_closed(),
    ):
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is type(err)
        assert str(back) == str(err)
        assert back.code == err.code
        if isinstance(err, E.NetError):
            assert isinstance(back, E.NetError)
            assert (back.errno, back.syscall, back.address, back.port) == (
                err.errno,
                err.syscall,
                err.address,
                err.port,
            )


# --- system errors ------------------------------------------------------------


@pytest.mark.parametrize(
    ("err", "syscall", "address", "port", "message"),
    [
        (errno.ECONNREFUSED, "connect", "127.0.0.1", 1, "connect ECONNREFUSED 127.0.0.1:1"),
        (
            errno.EADDRINUSE,
            "listen",
            "127.0.0.1",
            8000,
            "listen EADDRINUSE: address already in use 127.0.0.1:8000",
        ),
        (
            errno.EADDRINUSE,
            "listen",
            "::",
            8000,
            "listen EADDRINUSE: address already in use :::8000",
        ),
        (
            errno.EADDRINUSE,
            "listen",
            "/tmp/x.sock",
            -1,
            "listen EADDRINUSE: address already in use /tmp/x.sock",
        ),
        (errno.ENOENT, "connect", "/tmp/nope.sock", None, "connect ENOENT /tmp/nope.sock"),
        (errno.ECONNRESET, "read", None, None, "read ECONNRESET"),
        (errno.EPIPE, "write", None, None, "write EPIPE"),
        (errno.EMFILE, "accept", None, None, "accept EMFILE"),
        (errno.EADDRINUSE, "bind", "0.0.0.0", 80, "bind EADDRINUSE 0.0.0.0:80"),
        (
            ConnectionRefusedError(errno.ECONNREFUSED, "x"),
            "connect",
            "::1",
            9,
            "connect ECONNREFUSED ::1:9",
        ),
    ],
)
def test_system_error(
    err: OSError | int, syscall: str, address: str | None, port: int | None, message: str
) -> None:
    e = E.system_error(err, syscall, address, port)
    assert str(e) == message
    assert e.syscall == syscall
    assert e.address == address
    assert e.port == port
    assert e.errno is not None
    assert e.errno > 0
    assert e.code == errno.errorcode[e.errno] or e.code in ("ENOTSUP", "EAGAIN")


def test_system_error_local_details() -> None:
    e = E.system_error(
        errno.ECONNREFUSED, "connect", "127.0.0.1", 1, local_address="127.0.0.1", local_port=4567
    )
    assert str(e) == "connect ECONNREFUSED 127.0.0.1:1 - Local (127.0.0.1:4567)"
    assert (e.local_address, e.local_port) == ("127.0.0.1", 4567)


def test_system_error_uses_libuv_names() -> None:
    assert E.system_error(errno.EWOULDBLOCK, "read").code == "EAGAIN"
    if hasattr(errno, "ENOTSUP"):
        assert E.system_error(errno.ENOTSUP, "read").code == "ENOTSUP"


@pytest.mark.parametrize(
    ("err", "hostname", "code", "message"),
    [
        (
            socket.gaierror(socket.EAI_NONAME, "x"),
            "nohost.invalid",
            "ENOTFOUND",
            "getaddrinfo ENOTFOUND nohost.invalid",
        ),
        (socket.EAI_AGAIN, "x.com", "EAI_AGAIN", "getaddrinfo EAI_AGAIN x.com"),
        (socket.EAI_NONAME, None, "ENOTFOUND", "getaddrinfo ENOTFOUND"),
        ("ECONNREFUSED", "h", "ECONNREFUSED", "getaddrinfo ECONNREFUSED h"),
    ],
)
def test_dns_error(err: Any, hostname: str | None, code: str, message: str) -> None:
    e = E.dns_error(err, "getaddrinfo", hostname)
    assert (e.code, str(e), e.syscall, e.hostname) == (code, message, "getaddrinfo", hostname)


def test_epipe_ended_by_other_party() -> None:
    e = E.epipe_ended_by_other_party()
    assert (e.code, str(e), e.errno) == (
        "EPIPE",
        "This socket has been ended by the other party",
        errno.EPIPE,
    )


# --- ERR_* factories -------------------------------------------------------------


FACTORY_CASES: list[tuple[E.NodeError, type[E.NodeError], str, str]] = [
    (
        E.invalid_arg_type("port", "number", "abc"),
        E.NodeTypeError,
        "ERR_INVALID_ARG_TYPE",
        "The \"port\" argument must be of type number. Received type string ('abc')",
    ),
    (
        E.invalid_arg_type("options.port", ["number", "string"], True),
        E.NodeTypeError,
        "ERR_INVALID_ARG_TYPE",
        'The "options.port" property must be one of type number or string. '
        "Received type boolean (true)",
    ),
    (
        E.invalid_arg_type("x", ["string", "number", "Object", "Buffer", "null"], None),
        E.NodeTypeError,
        "ERR_INVALID_ARG_TYPE",
        'The "x" argument must be one of type string or number or an instance of Buffer '
        "or Object or null. Received undefined",
    ),
    (
        E.invalid_arg_type("first argument", "Function", "it's"),
        E.NodeTypeError,
        "ERR_INVALID_ARG_TYPE",
        'The first argument must be of type function. Received type string ("it\'s")',
    ),
    (
        E.invalid_arg_type("x", ["a thing"], 1e-7),
        E.NodeTypeError,
        "ERR_INVALID_ARG_TYPE",
        'The "x" argument must be a thing. Received type number (1e-7)',
    ),
    (
        E.invalid_arg_value("options", {"port": 1}),
        E.NodeTypeError,
        "ERR_INVALID_ARG_VALUE",
        "The argument 'options' is invalid. Received { port: 1 }",
    ),
    (
        E.invalid_arg_value("options.x", "it's", "must be good"),
        E.NodeTypeError,
        "ERR_INVALID_ARG_VALUE",
        "The property 'options.x' must be good. Received \"it's\"",
    ),
    (
        E.invalid_arg_value("x", "x" * 200, range_error=True),
        E.NodeRangeError,
        "ERR_INVALID_ARG_VALUE",
        "The argument 'x' is invalid. Received '" + "x" * 127 + "...",
    ),
    (
        E.socket_bad_port("options.port", 0, allow_zero=False),
        E.NodeRangeError,
        "ERR_SOCKET_BAD_PORT",
        "options.port should be > 0 and < 65536. Received type number (0).",
    ),
    (
        E.out_of_range("x", ">= 0", 2**40),
        E.NodeRangeError,
        "ERR_OUT_OF_RANGE",
        'The value of "x" is out of range. It must be >= 0. Received 1_099_511_627_776',
    ),
    (
        E.out_of_range("x", ">= 0", "abc"),
        E.NodeRangeError,
        "ERR_OUT_OF_RANGE",
        "The value of \"x\" is out of range. It must be >= 0. Received 'abc'",
    ),
    (
        E.missing_args("a"),
        E.NodeTypeError,
        "ERR_MISSING_ARGS",
        'The "a" argument must be specified',
    ),
    (
        E.missing_args(["options", "port", "path"]),
        E.NodeTypeError,
        "ERR_MISSING_ARGS",
        'The "options" or "port" or "path" argument must be specified',
    ),
    (
        E.missing_args("a", ["b", "c"], "d", "e"),
        E.NodeTypeError,
        "ERR_MISSING_ARGS",
        'The "a", "b" or "c", "d", and "e" arguments must be specified',
    ),
    (
        E.server_already_listen(),
        E.NodeError,
        "ERR_SERVER_ALREADY_LISTEN",
        "Listen method has been called more than once without closing.",
    ),
    (E.server_not_running(), E.NodeError, "ERR_SERVER_NOT_RUNNING", "Server is not running."),
    (E.socket_closed(), E.NodeError, "ERR_SOCKET_CLOSED", "Socket is closed"),
    (
        E.socket_closed_before_connection(),
        E.NodeError,
        "ERR_SOCKET_CLOSED_BEFORE_CONNECTION",
        "Socket closed before the connection was established",
    ),
    (
        E.socket_connection_timeout(),
        E.NodeError,
        "ERR_SOCKET_CONNECTION_TIMEOUT",
        "Socket connection timeout",
    ),
    (E.stream_write_after_end(), E.NodeError, "ERR_STREAM_WRITE_AFTER_END", "write after end"),
    (
        E.stream_destroyed("write"),
        E.NodeError,
        "ERR_STREAM_DESTROYED",
        "Cannot call write after a stream was destroyed",
    ),
    (E.unknown_encoding("foo"), E.NodeTypeError, "ERR_UNKNOWN_ENCODING", "Unknown encoding: foo"),
    (
        E.invalid_fd_type("FILE"),
        E.NodeTypeError,
        "ERR_INVALID_FD_TYPE",
        "Unsupported fd type: FILE",
    ),
    (
        E.invalid_handle_type(),
        E.NodeTypeError,
        "ERR_INVALID_HANDLE_TYPE",
        "This handle type cannot be sent",
    ),
    (
        E.invalid_ip_address("1.2.3"),
        E.NodeTypeError,
        "ERR_INVALID_IP_ADDRESS",
        "Invalid IP address: 1.2.3",
    ),
    (E.unhandled_error(), E.NodeError, "ERR_UNHANDLED_ERROR", "Unhandled error."),
    (E.unhandled_error("boom"), E.NodeError, "ERR_UNHANDLED_ERROR", "Unhandled error. ('boom')"),
    (E.unhandled_error(42), E.NodeError, "ERR_UNHANDLED_ERROR", "Unhandled error. (42)"),
    (E.unhandled_error(None), E.NodeError, "ERR_UNHANDLED_ERROR", "Unhandled error. (undefined)"),
    (
        E.unhandled_error({"a": 1}),
        E.NodeError,
        "ERR_UNHANDLED_ERROR",
        "Unhandled error. ({ a: 1 })",
    ),
]


@pytest.mark.parametrize(("err", "cls", "code", "message"), FACTORY_CASES)
def test_factories(err: E.NodeError, cls: type[E.NodeError], code: str, message: str) -> None:
    assert type(err) is cls
    assert err.code == code
    assert str(err) == message


def test_unhandled_error_keeps_context() -> None:
    value = {"a": 1}
    assert E.unhandled_error(value).context is value  # type: ignore[attr-defined]


# --- conformance against the real node ----------------------------------------------


def _enc(v: object) -> object:
    """Encode a Python value as its JS twin for the node script."""
    if v is None:
        return {"u": 1}
    if isinstance(v, bool):
        return {"b": v}
    if isinstance(v, int | float):
        if isinstance(v, float) and v == 0 and math.copysign(1, v) < 0:
            return {"n": "-0"}
        return {"n": E.js_number(v)}
    if isinstance(v, str):
        return {"s": v}
    if isinstance(v, list | tuple):
        return {"a": [_enc(x) for x in v]}
    if isinstance(v, dict):
        return {"o": {str(k): _enc(x) for k, x in v.items()}}
    if callable(v):
        return {"f": getattr(v, "__name__", "")}
    raise TypeError(v)


NODE_SCRIPT = r"""
const { codes, ErrnoException, ExceptionWithHostPort, UVExceptionWithHostPort, DNSException } =
  require('internal/errors');
const v = require('internal/validators');
const { getTimerDuration } = require('internal/timers');
const util = require('util');
const net = require('net');
process.emitWarning = () => {};
const dec = (x) => {
  if ('u' in x) return undefined;
  if ('b' in x) return x.b;
  if ('n' in x) return Number(x.n);
  if ('s' in x) return x.s;
  if ('a' in x) return x.a.map(dec);
  if ('o' in x) { const o = {}; for (const k of Object.keys(x.o)) o[k] = dec(x.o[k]); return o; }
  if ('f' in x) { const o = { [x.f]: function () {} }; return o[x.f]; }
};
const uv = (name) => util.getSystemErrorMap ?
  [...util.getSystemErrorMap()].find(([, [c]]) => c === name)[0] : 0;
const run = (row) => {
  const a = row.args.map(dec);
  try {
    let r;
    switch (row.kind) {
      case 'port': r = v.validatePort(...a); break;
      case 'number': r = v.validateNumber(...a); break;
      case 'int32': r = v.validateInt32(...a); break;
      case 'uint32': r = v.validateUint32(...a); break;
      case 'oneof': r = v.validateOneOf(...a); break;
      case 'timeout': r = getTimerDuration(...a); break;
      case 'string': r = v.validateString(...a); break;
      case 'function': r = v.validateFunction(...a); break;
      case 'object': r = v.validateObject(...a); break;
      case 'boolean': r = v.validateBoolean(...a); break;
      case 'argtype': throw new codes.ERR_INVALID_ARG_TYPE(...a);
      case 'argvalue': throw new codes.ERR_INVALID_ARG_VALUE(...a);
      case 'range': throw new codes.ERR_OUT_OF_RANGE(...a);
      case 'inspect': return { result: util.inspect(a[0]) };
      case 'unhandled': new (require('events'))().emit('error', a[0]); break;
      case 'sys': {
        const [code, syscall, address, port] = a;
        const n = uv(code);
        if (syscall === 'listen') throw new UVExceptionWithHostPort(n, syscall, address, port);
        if (address === undefined) throw new ErrnoException(n, syscall);
        throw new ExceptionWithHostPort(n, syscall, address, port);
      }
      case 'dns': throw new DNSException(uv(a[0]), 'getaddrinfo', a[1]);
    }
    return { result: r === undefined ? null : r };
  } catch (e) {
    return { name: e.name, code: e.code, message: e.message };
  }
};
(async () => {
  const rows = JSON.parse(require('fs').readFileSync(0, 'utf8'));
  const out = { rows: rows.map(run) };
  out.refused = await new Promise((res) =>
    net.connect(1, '127.0.0.1').on('error', (e) => res(e.message)));
  out.inuse = await new Promise((res) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = s.address().port;
      net.createServer().listen(port, '127.0.0.1').on('error', (e) => {
        s.close(); res({ port, message: e.message });
      });
    });
  });
  process.stdout.write(JSON.stringify(out));
})();
"""

PORTS: list[object] = [
    -1, 65536, 1.5, "abc", "80", " 80", " 80 ", "", " ", "0x50", "1e3", "+80", "-80", "0",
    True, None, math.inf, math.nan, 2**53, 0, 80, 65535, -0.0, {}, [], "8\n0",
]  # fmt: skip
RECEIVED: list[object] = [
    "abc", "a" * 40, "it's", 1, 1.5, -0.0, math.nan, math.inf, 1e21, 1e-7, True, None,
    {}, [], [1, 2], {"a": 1}, _named,
]  # fmt: skip


def _node_rows() -> list[tuple[str, list[object], Any]]:
    """(kind, args, python-callable) rows; the callable raises or returns like node."""
    rows: list[tuple[str, list[object], Any]] = []
    for p in PORTS:
        rows.append(("port", [p], lambda p=p: V.validate_port(p)))
        rows.append(
            (
                "port",
                [p, "options.port", False],
                lambda p=p: V.validate_port(p, "options.port", False),
            )
        )
    for r in RECEIVED:
        rows.append(
            ("argtype", ["port", "number", r], lambda r=r: E.invalid_arg_type("port", "number", r))
        )
        rows.append(("argvalue", ["options", r], lambda r=r: E.invalid_arg_value("options", r)))
        rows.append(("range", ["x", ">= 0", r], lambda r=r: E.out_of_range("x", ">= 0", r)))
        rows.append(("inspect", [r], lambda r=r: E.inspect(r)))
        if not callable(r):
            rows.append(("unhandled", [r], lambda r=r: E.unhandled_error(r)))
        rows.append(("number", [r, "n", 0, 10], lambda r=r: V.validate_number(r, "n", 0, 10)))
        rows.append(("timeout", [r, "msecs"], lambda r=r: V.validate_timeout(r, "msecs")))
        rows.append(("uint32", [r, "u", True], lambda r=r: V.validate_uint32(r, "u", True)))
        rows.append(("int32", [r, "i", 0, 5], lambda r=r: V.validate_int32(r, "i", 0, 5)))
        rows.append(("string", [r, "s"], lambda r=r: V.validate_string(r, "s")))
        rows.append(("boolean", [r, "b"], lambda r=r: V.validate_boolean(r, "b")))
        rows.append(("object", [r, "o"], lambda r=r: V.validate_object(r, "o")))
        rows.append(("function", [r, "f"], lambda r=r: V.validate_function(r, "f")))
        rows.append(
            (
                "oneof",
                [r, "x", ["a", 1, True]],
                lambda r=r: V.validate_one_of(r, "x", ["a", 1, True]),
            )
        )
    rows.append(
        (
            "argtype",
            ["x", ["string", "Buffer", "TypedArray", "DataView"], 1],
            lambda: E.invalid_arg_type("x", ["string", "Buffer", "TypedArray", "DataView"], 1),
        )
    )
    rows.append(("range", ["x", ">= 0", 2**40], lambda: E.out_of_range("x", ">= 0", 2**40)))
    rows.append(("range", ["x", ">= 0", -(2**40)], lambda: E.out_of_range("x", ">= 0", -(2**40))))
    rows.append(("inspect", [list(range(30))], lambda: E.inspect(list(range(30)))))
    rows.append(
        (
            "inspect",
            [["abc", "de", "fghij", "k", "lmn", "op", "q"]],
            lambda: E.inspect(["abc", "de", "fghij", "k", "lmn", "op", "q"]),
        )
    )
    rows.append(
        (
            "inspect",
            [{"k" * 30: "v" * 30, "x": [1, 2]}],
            lambda: E.inspect({"k" * 30: "v" * 30, "x": [1, 2]}),
        )
    )
    for code, syscall, addr, port in [
        ("ECONNREFUSED", "connect", "127.0.0.1", 1),
        ("ECONNREFUSED", "connect", "::1", 80),
        ("ENOENT", "connect", "/tmp/nope.sock", None),
        ("EADDRINUSE", "listen", "127.0.0.1", 8080),
        ("EADDRINUSE", "listen", "::", 8080),
        ("EACCES", "listen", "/root/x.sock", -1),
        ("EADDRNOTAVAIL", "listen", "1.2.3.4", None),
        ("ECONNRESET", "read", None, None),
        ("EPIPE", "write", None, None),
        ("EMFILE", "accept", None, None),
        ("EADDRINUSE", "bind", "0.0.0.0", 80),
        ("ETIMEDOUT", "connect", "10.0.0.1", 443),
    ]:
        num = getattr(errno, code)
        rows.append(
            (
                "sys",
                [code, syscall, addr, port],
                lambda n=num, s=syscall, a=addr, p=port: E.system_error(n, s, a, p),
            )
        )
    rows.append(
        (
            "dns",
            ["EAI_NONAME", "nohost.invalid"],
            lambda: E.dns_error(socket.EAI_NONAME, "getaddrinfo", "nohost.invalid"),
        )
    )
    rows.append(
        (
            "dns",
            ["EAI_AGAIN", "x.com"],
            lambda: E.dns_error(socket.EAI_AGAIN, "getaddrinfo", "x.com"),
        )
    )
    return rows  # fmt: skip


def _py_outcome(fn: Any) -> dict[str, Any]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", V.TimeoutOverflowWarning)
            result = fn()
    except E.NodeError as e:
        if isinstance(e, E.NodeTypeError):
            name = "TypeError"
        elif isinstance(e, E.NodeRangeError):
            name = "RangeError"
        else:
            name = "Error"
        return {"name": name, "code": e.code, "message": str(e)}
    if isinstance(result, E.NodeError):
        return _py_outcome(lambda: (_ for _ in ()).throw(result))
    return {"result": result}


@pytest.mark.node
def test_against_node() -> None:
    node_binary()
    rows = _node_rows()
    payload = json.dumps([{"kind": k, "args": [_enc(a) for a in args]} for k, args, _ in rows])
    proc = subprocess.run(
        ["node", "--expose-internals", "-e", NODE_SCRIPT],
        input=payload,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    out = json.loads(proc.stdout)
    mismatches = []
    for (kind, args, fn), want in zip(rows, out["rows"], strict=True):
        got = _py_outcome(fn)
        if "result" in want and "result" in got:
            w, g = want["result"], got["result"]
            if w is None:
                continue  # node's validator returns nothing; only errors are compared
            if isinstance(g, float) and isinstance(w, int | float) and g == w:
                continue
            if g == w:
                continue
        elif got == want:
            continue
        mismatches.append((kind, args, want, got))
    assert not mismatches, "\n".join(map(repr, mismatches))
    assert out["refused"] == str(E.system_error(errno.ECONNREFUSED, "connect", "127.0.0.1", 1))
    port = out["inuse"]["port"]
    assert out["inuse"]["message"] == str(
        E.system_error(errno.EADDRINUSE, "listen", "127.0.0.1", port)
    )
