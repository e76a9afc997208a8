"""Argument validation, as Node's ``lib/internal/validators.js``.

Each validator raises the matching Node error (see ``trionet._errors``) at
the call, naming the argument and rendering what was received as Node would
render its JS twin.  Python's ``bool`` is an ``int`` subclass; where Node
wants a number, ``True``/``False`` are rejected as the booleans they are.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, TypeVar

from ._errors import (
    invalid_arg_type,
    invalid_arg_value,
    js_number,
    js_string,
    out_of_range,
    socket_bad_port,
)

__all__ = [
    "TIMEOUT_MAX",
    "TimeoutOverflowWarning",
    "js_to_number",
    "validate_boolean",
    "validate_function",
    "validate_int32",
    "validate_integer",
    "validate_number",
    "validate_object",
    "validate_one_of",
    "validate_port",
    "validate_string",
    "validate_timeout",
    "validate_uint32",
]

T = TypeVar("T")

TIMEOUT_MAX: Final = 2**31 - 1
"""Node's ``TIMEOUT_MAX``: the longest timer, in milliseconds."""

MAX_SAFE_INTEGER: Final = 2**53 - 1
MIN_SAFE_INTEGER: Final = -(2**53 - 1)


class TimeoutOverflowWarning(RuntimeWarning):
    """Node's ``TimeoutOverflowWarning``: a timer longer than ``TIMEOUT_MAX`` was capped."""


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_integer(value: object) -> bool:
    """``Number.isInteger``."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value) and value.is_integer()


# JavaScript's WhiteSpace and LineTerminator code points (String.prototype.trim).
_JS_SPACE: Final = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_DECIMAL_RE: Final = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_RADIX_RE: Final = re.compile(r"0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")


def js_to_number(text: str) -> float:
    """``Number(text)`` in JS: trims; ``0x``/``0o``/``0b``, ``1e3``, ``Infinity``; else NaN."""
    s = text.strip(_JS_SPACE)
    if s == "":
        return 0.0
    if s in ("Infinity", "+Infinity"):
        return math.inf
    if s == "-Infinity":
        return -math.inf
    if _DECIMAL_RE.fullmatch(s):
        return float(s)
    m = _RADIX_RE.fullmatch(s)
    if m:
        base = {"x": 16, "o": 8, "b": 2}[m.group(1)[0].lower()]
        return float(int(m.group(1)[1:], base))
    return math.nan


def validate_port(value: object, name: str = "Port", allow_zero: bool = True) -> int:
    """Node's ``validatePort``: an int in 0..65535 (1..65535 without ``allow_zero``).

    Like Node, numeric strings are accepted and converted with JS's
    ``Number()``: ``'80'``, ``' 80 '``, ``'0x50'``, ``'1e3'`` and ``'+80'`` are
    ports; ``''``, ``' '``, ``'-80'`` and ``'abc'`` are not.  Integral floats
    (``80.0``) are accepted; ``bool``, ``None`` and other types are rejected.
    Also like Node, ``allow_zero=False`` rejects the number 0 but not the
    string ``'0'`` (Node compares with ``===``).
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise socket_bad_port(name, value, allow_zero)
    if isinstance(value, str):
        if value.strip(_JS_SPACE) == "":
            raise socket_bad_port(name, value, allow_zero)
        num: float = js_to_number(value)
    else:
        num = value
    # +port !== (+port >>> 0): an integer in [0, 2**32); -0 counts as 0.
    if not _is_integer(num) or not 0 <= num < 2**32 or num > 0xFFFF:
        raise socket_bad_port(name, value, allow_zero)
    if not allow_zero and not isinstance(value, str) and num == 0:
        raise socket_bad_port(name, value, allow_zero)
    return int(num)


def validate_function(value: object, name: str) -> Callable[..., Any]:
    """Node's ``validateFunction``: any callable (classes included, as in Node 20)."""
    if not callable(value):
        raise invalid_arg_type(name, "Function", value)
    return value


def validate_string(value: object, name: str) -> str:
    """Node's ``validateString``."""
    if not isinstance(value, str):
        raise invalid_arg_type(name, "string", value)
    return value


def validate_boolean(value: object, name: str) -> bool:
    """Node's ``validateBoolean``: only ``True``/``False`` (not truthy values)."""
    if not isinstance(value, bool):
        raise invalid_arg_type(name, "boolean", value)
    return value


def _bound(v: float | None) -> str:
    return "" if v is None else js_number(v)


def validate_number(
    value: object, name: str, min: float | None = None, max: float | None = None
) -> float:
    """Node's ``validateNumber``: an int or float (not bool), optionally within [min, max].

    NaN passes when no bound is given and fails when one is, as in Node.
    """
    if not _is_number(value):
        raise invalid_arg_type(name, "number", value)
    assert isinstance(value, int | float)
    if (
        (min is not None and value < min)
        or (max is not None and value > max)
        or ((min is not None or max is not None) and math.isnan(value))
    ):
        desc = (
            (f">= {_bound(min)}" if min is not None else "")
            + (" && " if min is not None and max is not None else "")
            + (f"<= {_bound(max)}" if max is not None else "")
        )
        raise out_of_range(name, desc, value)
    return value


def validate_integer(
    value: object, name: str, min: int = MIN_SAFE_INTEGER, max: int = MAX_SAFE_INTEGER
) -> int:
    """Node's ``validateInteger``: an integral number within [min, max]; returns an int."""
    if not _is_number(value):
        raise invalid_arg_type(name, "number", value)
    if not _is_integer(value):
        raise out_of_range(name, "an integer", value)
    assert isinstance(value, int | float)
    if value < min or value > max:
        raise out_of_range(name, f">= {js_number(min)} && <= {js_number(max)}", value)
    return int(value)


def validate_int32(value: object, name: str, min: int = -(2**31), max: int = 2**31 - 1) -> int:
    """Node's ``validateInt32``: an integral number within [min, max]; returns an int."""
    return validate_integer(value, name, min, max)


def validate_uint32(value: object, name: str, positive: bool = False) -> int:
    """Node's ``validateUint32``: an integral number in [0 or 1, 2**32 - 1]; returns an int."""
    if not _is_number(value):
        raise invalid_arg_type(name, "number", value)
    if not _is_integer(value):
        raise out_of_range(name, "an integer", value)
    assert isinstance(value, int | float)
    lo = 1 if positive else 0
    if value < lo or value > 4_294_967_295:
        raise out_of_range(name, f">= {lo} && <= 4294967295", value)
    return int(value)


def validate_object(
    value: object, name: str, *, allow_array: bool = False, nullable: bool = False
) -> Any:
    """Node's ``validateObject``: a mapping (a dict is a JS options object).

    ``None`` passes only with ``nullable``; a list or tuple only with
    ``allow_array``.
    """
    if value is None and nullable:
        return value
    if isinstance(value, Mapping) or (allow_array and isinstance(value, list | tuple)):
        return value
    raise invalid_arg_type(name, "Object", value)


def _same_value_zero(a: object, b: object) -> bool:
    """JS ``SameValueZero`` for the values' twins (``True`` is not ``1``; NaN is NaN)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_number(a) and _is_number(b):
        assert isinstance(a, int | float)
        assert isinstance(b, int | float)
        return a == b or (a != a and b != b)
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    return a is b or (type(a) is type(b) and bool(a == b))


def validate_one_of(value: T, name: str, choices: Sequence[object]) -> T:
    """Node's ``validateOneOf``: ``The argument 'x' must be one of: 'a', 'b'. Received ...``."""
    if not any(_same_value_zero(value, c) for c in choices):
        allowed = ", ".join(f"'{c}'" if isinstance(c, str) else js_string(c) for c in choices)
        raise invalid_arg_value(name, value, "must be one of: " + allowed)
    return value


def validate_timeout(msecs: object, name: str = "msecs") -> float:
    """Node's ``getTimerDuration`` (``socket.setTimeout``): a non-negative finite number of ms.

    -1, NaN and Infinity raise ``ERR_OUT_OF_RANGE``; a non-number raises
    ``ERR_INVALID_ARG_TYPE``; fractions are kept (Node keeps ``1.5``).  A value
    above ``TIMEOUT_MAX`` is capped to it with a ``TimeoutOverflowWarning``,
    worded as Node's.
    """
    value = validate_number(msecs, name)
    if value < 0 or not math.isfinite(value):
        raise out_of_range(name, "a non-negative finite number", value)
    if value > TIMEOUT_MAX:
        warnings.warn(
            f"{js_number(value)} does not fit into a 32-bit signed integer."
            f"\nTimer duration was truncated to {TIMEOUT_MAX}.",
            TimeoutOverflowWarning,
            stacklevel=2,
        )
        return TIMEOUT_MAX
    return value
