"""Tests for trionet._validate: Node's argument validators."""

from __future__ import annotations

import math

import pytest

from trionet import _errors as E
from trionet import _validate as V


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, 0),
        (80, 80),
        (65535, 65535),
        (80.0, 80),
        (-0.0, 0),
        ("80", 80),
        (" 80 ", 80),
        ("\t80\n", 80),
        ("0x50", 80),
        ("0o17", 15),
        ("0b11", 3),
        ("1e3", 1000),
        ("+80", 80),
        (".5e1", 5),
        ("5.", 5),
        ("-0", 0),
        ("0", 0),
    ],
)
def test_validate_port_accepts(value: object, expected: int) -> None:
    got = V.validate_port(value)
    assert got == expected
    assert type(got) is int


@pytest.mark.parametrize(
    ("value", "received"),
    [
        (-1, "type number (-1)"),
        (65536, "type number (65536)"),
        (1.5, "type number (1.5)"),
        ("abc", "type string ('abc')"),
        ("", "type string ('')"),
        (" ", "type string (' ')"),
        ("-80", "type string ('-80')"),
        ("1_000", "type string ('1_000')"),
        ("inf", "type string ('inf')"),
        ("Infinity", "type string ('Infinity')"),
        (True, "type boolean (true)"),
        (False, "type boolean (false)"),
        (None, "undefined"),
        (math.inf, "type number (Infinity)"),
        (math.nan, "type number (NaN)"),
        (2**53, "type number (9007199254740992)"),
        (2**32 + 80, "type number (4294967376)"),
        ({}, "an instance of Object"),
        ([], "an instance of Array"),
        (b"80", "an instance of Buffer"),
    ],
)
def test_validate_port_rejects(value: object, received: str) -> None:
    with pytest.raises(E.NodeRangeError) as info:
        V.validate_port(value)
    assert info.value.code == "ERR_SOCKET_BAD_PORT"
    assert str(info.value) == f"Port should be >= 0 and < 65536. Received {received}."


def test_validate_port_allow_zero() -> None:
    with pytest.raises(E.NodeRangeError, match=r"^options.port should be > 0 and < 65536"):
        V.validate_port(0, "options.port", allow_zero=False)
    with pytest.raises(E.NodeRangeError):
        V.validate_port(-0.0, allow_zero=False)
    # Node compares with ===, so the string '0' slips through allowZero=false.
    assert V.validate_port("0", allow_zero=False) == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", 0.0), (" 12 ", 12.0), ("0x1F", 31.0), ("-Infinity", -math.inf), ("1e3", 1000.0)],
)
def test_js_to_number(value: str, expected: float) -> None:
    assert V.js_to_number(value) == expected


@pytest.mark.parametrize("value", ["abc", "1_0", "inf", "nan", "0x", "-0x10", "1e"])
def test_js_to_number_nan(value: str) -> None:
    assert math.isnan(V.js_to_number(value))


# (validator call, error class, code, message); None as class: no error.
CASES: list[tuple[object, type[E.NodeError] | None, str, str]] = [
    (lambda: V.validate_string("a", "s"), None, "", ""),
    (
        lambda: V.validate_string(1, "s"),
        E.NodeTypeError,
        "ERR_INVALID_ARG_TYPE",
        'The "s" argument must be of type string. Received type number (1)',
    ),
    (lambda: V.validate_boolean(False, "b"), None, "", ""),
    (
        lambda: V.validate_boolean(0, "options.b"),
        E.NodeTypeError,
        "ERR_INVALID_ARG_TYPE",
        'The "options.b" property must be of type boolean. Received type number (0)',
    ),
    (lambda: V.validate_function(print, "cb"), None, "", ""),
    (
        lambda: V.validate_function("x", "cb"),
        E.NodeTypeError,
        "ERR_INVALID_ARG_TYPE",
        "The \"cb\" argument must be of type function. Received type string ('x')",
    ),
    (lambda: V.validate_number(1.5, "n"), None, "", ""),
    (lambda: V.validate_number(math.nan, "n"), None, "", ""),
    (
        lambda: V.validate_number(True, "n"),
        E.NodeTypeError,
        "ERR_INVALID_ARG_TYPE",
        'The "n" argument must be of type number. Received type boolean (true)',
    ),
    (
        lambda: V.validate_number(11, "n", 0, 10),
        E.NodeRangeError,
        "ERR_OUT_OF_RANGE",
        'The value of "n" is out of range. It must be >= 0 && <= 10. Received 11',
    ),
    (
        lambda: V.validate_number(math.nan, "n", 0),
        E.NodeRangeError,
        "ERR_OUT_OF_RANGE",
        'The value of "n" is out of range. It must be >= 0. Received NaN',
    ),
    (
        lambda: V.validate_number(-1, "n", None, -2),
        E.NodeRangeError,
        "ERR_OUT_OF_RANGE",
        'The value of "n" is out of range. It must be <= -2. Received -1',
    ),
    (
        lambda: V.validate_int32(1.5, "i"),
        E.NodeRangeError,
        "ERR_OUT_OF_RANGE",
        'The value of "i" is out of range. It must be an integer. Received 1.5',
    ),
    (
        lambda: V.validate_int32(2**31, "i"),
        E.NodeRangeError,
        "ERR_OUT_OF_RANGE",
        'The value of "i" is out of range. It must be >= -2147483648 && <= 2147483647. '
        "Received 2147483648",
    ),
    (
        lambda: V.validate_uint32(0, "u", positive=True),
        E.NodeRangeError,
        "ERR_OUT_OF_RANGE",
        'The value of "u" is out of range. It must be >= 1 && <= 4294967295. Received 0',
    ),
    (
        lambda: V.validate_uint32(2**40, "u"),
        E.NodeRangeError,
        "ERR_OUT_OF_RANGE",
        'The value of "u" is out of range. It must be >= 0 && <= 4294967295. '
        "Received 1_099_511_627_776",
    ),
    (lambda: V.validate_object({}, "options"), None, "", ""),
    (lambda: V.validate_object(None, "options", nullable=True), None, "", ""),
    (lambda: V.validate_object([1], "options", allow_array=True), None, "", ""),
    (
        lambda: V.validate_object([], "options"),
        E.NodeTypeError,
        "ERR_INVALID_ARG_TYPE",
        'The "options" argument must be of type object. Received an instance of Array',
    ),
    (
        lambda: V.validate_object(None, "options"),
        E.NodeTypeError,
        "ERR_INVALID_ARG_TYPE",
        'The "options" argument must be of type object. Received undefined',
    ),
    (lambda: V.validate_one_of("ipv4", "family", ["ipv4", "ipv6", 0]), None, "", ""),
    (
        lambda: V.validate_one_of(True, "family", [1, 4, 6]),
        E.NodeTypeError,
        "ERR_INVALID_ARG_VALUE",
        "The argument 'family' must be one of: 1, 4, 6. Received true",
    ),
    (
        lambda: V.validate_one_of("x", "options.family", ["a", 4, None]),
        E.NodeTypeError,
        "ERR_INVALID_ARG_VALUE",
        "The property 'options.family' must be one of: 'a', 4, undefined. Received 'x'",
    ),
    (lambda: V.validate_timeout(0), None, "", ""),
    (lambda: V.validate_timeout(1.5), None, "", ""),
    (
        lambda: V.validate_timeout(-1),
        E.NodeRangeError,
        "ERR_OUT_OF_RANGE",
        'The value of "msecs" is out of range. It must be a non-negative finite number. '
        "Received -1",
    ),
    (
        lambda: V.validate_timeout(math.nan),
        E.NodeRangeError,
        "ERR_OUT_OF_RANGE",
        'The value of "msecs" is out of range. It must be a non-negative finite number. '
        "Received NaN",
    ),
    (
        lambda: V.validate_timeout(math.inf),
        E.NodeRangeError,
        "ERR_OUT_OF_RANGE",
        'The value of "msecs" is out of range. It must be a non-negative finite number. '
        "Received Infinity",
    ),
    (
        lambda: V.validate_timeout("abc"),
        E.NodeTypeError,
        "ERR_INVALID_ARG_TYPE",
        "The \"msecs\" argument must be of type number. Received type string ('abc')",
    ),
    (
        lambda: V.validate_timeout(None),
        E.NodeTypeError,
        "ERR_INVALID_ARG_TYPE",
        'The "msecs" argument must be of type number. Received undefined',
    ),
]


@pytest.mark.parametrize(("call", "cls", "code", "message"), CASES)
def test_validators(call: object, cls: type[E.NodeError] | None, code: str, message: str) -> None:
    assert callable(call)
    if cls is None:
        call()
        return
    with pytest.raises(cls) as info:
        call()
    assert type(info.value) is cls
    assert info.value.code == code
    assert str(info.value) == message


def test_validators_return_values() -> None:
    assert V.validate_int32(5.0, "i") == 5
    assert type(V.validate_int32(5.0, "i")) is int
    assert V.validate_uint32(7, "u") == 7
    assert V.validate_number(2.5, "n") == 2.5
    opts = {"port": 1}
    assert V.validate_object(opts, "options") is opts
    assert V.validate_one_of(4, "family", [4, 6]) == 4


def test_validate_timeout_overflow_warns() -> None:
    with pytest.warns(V.TimeoutOverflowWarning, match="does not fit into a 32-bit signed integer"):
        assert V.validate_timeout(2**31) == V.TIMEOUT_MAX
