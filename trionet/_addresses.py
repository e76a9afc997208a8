"""IP address checks and socket-address helpers with Node 20's answers.

``is_ip``/``is_ipv4``/``is_ipv6`` mirror ``net.isIP``/``isIPv4``/``isIPv6``:
Node tests its own regular expressions (``lib/internal/net.js``), not
``inet_pton``, so e.g. leading zeros in IPv4 are rejected and any IPv6 zone
id made of ``[0-9A-Za-z.:-]`` is accepted.
"""

from __future__ import annotations

import functools
import re
import socket
import sys

__all__ = [
    "dualstack_available",
    "family_name",
    "is_ip",
    "is_ipv4",
    "is_ipv6",
    "sockaddr_to_address",
]


def _build_ipv6_pattern(v4: str) -> str:
    """Return a pattern accepting the same strings as Node 20's ``IPv6Reg``.

    Node enumerates how many ``hhhh:`` groups come before the ``::`` (or the
    end): 8 units in all without ``::``, at most 7 with it, where an IPv4
    tail counts as two units.
    """
    seg = "[0-9a-fA-F]{1,4}"
    alternatives = [
        f"(?:{seg}:){{7}}(?:{seg}|:)",
        f"(?:{seg}:){{6}}(?:{v4}|:{seg}|:)",
    ]
    for lead in range(5, 0, -1):
        alternatives.append(
            f"(?:{seg}:){{{lead}}}(?:(?::{seg}){{0,{5 - lead}}}:{v4}|(?::{seg}){{1,{7 - lead}}}|:)"
        )
    alternatives.append(f":(?:(?::{seg}){{0,5}}:{v4}|(?::{seg}){{1,7}}|:)")
    zone = r"(?:%[0-9A-Za-z.:\-]+)?"
    return f"(?:{'|'.join(alternatives)}){zone}"


# A decimal octet 0-255 without leading zeros (Node rejects '01').
_V4_SEG = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])"
_V4 = rf"(?:{_V4_SEG}\.){{3}}{_V4_SEG}"

# ``fullmatch`` matters: Python's ``$`` also matches before a final newline,
# JavaScript's does not.
_IPV4_FULLMATCH = re.compile(_V4).fullmatch
_IPV6_FULLMATCH = re.compile(_build_ipv6_pattern(_V4)).fullmatch


def _js_string(value: object) -> str | None:
    """Return ``String(value)`` as JavaScript would see it, or None.

    None is returned for values whose JavaScript string can never be an IP
    address (``undefined``, ``null``, numbers, booleans, objects, and
    ``bytes``, which has no JavaScript twin). Lists and tuples are arrays:
    ``String(['::1'])`` is ``'::1'``; any longer array contains a comma.
    """
    while True:
        if isinstance(value, str):
            return value
        if isinstance(value, (list, tuple)) and len(value) == 1:
            value = value[0]
            continue
        return None


def is_ipv4(value: object) -> bool:
    """Return True if *value* is an IPv4 address in dotted decimal, as ``net.isIPv4``."""
    if type(value) is not str:
        s = _js_string(value)
        if s is None:
            return False
        value = s
    return _IPV4_FULLMATCH(value) is not None


def is_ipv6(value: object) -> bool:
    """Return True if *value* is an IPv6 address (zone id allowed), as ``net.isIPv6``."""
    if type(value) is not str:
        s = _js_string(value)
        if s is None:
            return False
        value = s
    return ":" in value and _IPV6_FULLMATCH(value) is not None


def is_ip(value: object) -> int:
    """Return 4 or 6 for an IPv4 or IPv6 address, otherwise 0, as ``net.isIP``."""
    if type(value) is not str:
        s = _js_string(value)
        if s is None:
            return 0
        value = s
    if _IPV4_FULLMATCH(value) is not None:
        return 4
    if ":" in value and _IPV6_FULLMATCH(value) is not None:
        return 6
    return 0


def family_name(af: int) -> str:
    """Return Node 20's ``family`` string, ``'IPv4'`` or ``'IPv6'``, for *af*."""
    if af == socket.AF_INET:
        return "IPv4"
    if af == socket.AF_INET6:
        return "IPv6"
    raise ValueError(f"not an IP address family: {af!r}")


def _is_link_local(host: str) -> bool:
    """Return True if *host* (no zone) is in fe80::/10, like ``IN6_IS_ADDR_LINKLOCAL``."""
    first = host.split(":", 1)[0]
    if len(first) != 4:
        return False
    try:
        return (int(first, 16) & 0xFFC0) == 0xFE80
    except ValueError:
        return False


def _scope_suffix(scope_id: int) -> str:
    """Return libuv's ``uv_if_indextoiid`` text for *scope_id*, or '' on failure."""
    if sys.platform == "win32":
        return str(scope_id)
    try:
        return socket.if_indextoname(scope_id)
    except (OSError, OverflowError, ValueError):
        return ""


def sockaddr_to_address(af: int, sockaddr: object) -> dict[str, object]:
    """Turn a Python *sockaddr* into Node's ``{'address', 'family', 'port'}`` dict.

    For IPv6, as Node does, ``%<interface>`` is appended only to a
    link-local (fe80::/10) address whose scope id is nonzero and names an
    interface; any zone Python already put in the host is replaced.
    """
    if not isinstance(sockaddr, tuple) or len(sockaddr) < 2:
        raise ValueError(f"not an IP socket address: {sockaddr!r}")
    host = sockaddr[0]
    port = sockaddr[1]
    if not isinstance(host, str) or not isinstance(port, int):
        raise ValueError(f"not an IP socket address: {sockaddr!r}")
    if af == socket.AF_INET6:
        host = host.partition("%")[0]
        scope_id = sockaddr[3] if len(sockaddr) > 3 else 0
        if isinstance(scope_id, int) and scope_id > 0 and _is_link_local(host):
            suffix = _scope_suffix(scope_id)
            if suffix:
                host = f"{host}%{suffix}"
    return {"address": host, "family": family_name(af), "port": port}


@functools.cache
def dualstack_available() -> bool:
    """Return True if ``'::'`` can be bound with IPV6_V6ONLY off (cached).

    Node's ``server.listen(port)`` without a host binds ``'::'`` that way
    (accepting IPv4 too) and falls back to ``'0.0.0.0'`` when it cannot.
    """
    if not socket.has_ipv6:
        return False
    try:
        sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    except OSError:
        return False
    with sock:
        try:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
            sock.bind(("::", 0))
        except (OSError, AttributeError):
            return False
    return True
