"""Tests for trionet._addresses: Node 20's isIP family and socket-address helpers."""

from __future__ import annotations

import ipaddress
import json
import os
import random
import socket
import subprocess
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from processes import ask_node, node_binary

from trionet._addresses import (
    dualstack_available,
    family_name,
    is_ip,
    is_ipv4,
    is_ipv6,
    sockaddr_to_address,
)

# (input, net.isIP(input)); isIPv4/isIPv6 follow from it. Checked against node below.
TABLE: list[tuple[object, int]] = [
    # IPv4
    ("127.0.0.1", 4),
    ("0.0.0.0", 4),
    ("255.255.255.255", 4),
    ("1.2.3.4", 4),
    ("192.168.1.10", 4),
    ("256.0.0.1", 0),
    ("1.2.3.256", 0),
    ("127.000.000.001", 0),  # leading zeros are rejected
    ("01.2.3.4", 0),
    ("1.2.3.04", 0),
    ("00.0.0.0", 0),
    ("1.2.3", 0),
    ("1.2.3.4.5", 0),
    ("1.2.3.", 0),
    (".1.2.3", 0),
    ("1..2.3", 0),
    ("1.2.3.4%eth0", 0),  # no zone ids for IPv4
    ("0x7f.0.0.1", 0),
    ("127.1", 0),
    # IPv6
    ("::", 6),
    ("::1", 6),
    ("1::", 6),
    ("1::2", 6),
    ("::1:2:3:4:5:6:7", 6),
    ("1:2:3:4:5:6:7::", 6),
    ("1::2:3:4:5:6:7", 6),
    ("1:2:3:4:5:6:7:8", 6),
    ("1:2:3:4:5:6:7:8:9", 0),  # too many groups
    ("1:2:3:4:5:6:7", 0),  # too few without '::'
    ("::1:2:3:4:5:6:7:8", 0),
    ("1:2:3:4:5:6:7:8::", 0),
    ("1::2:3:4:5:6:7:8", 0),
    ("1:2:3:4:5::6:7:8", 0),
    ("1:2:3:4:5::6:7", 6),
    ("1::2::3", 0),
    (":::", 0),
    (":1", 0),
    ("1:", 0),
    (":", 0),
    ("FE80::ABCD", 6),  # uppercase hex
    ("fe80::AbCd:0:1", 6),
    ("12345::1", 0),
    ("g::1", 0),
    ("0000:0000:0000:0000:0000:0000:0000:0001", 6),
    ("00000::1", 0),
    # zone ids
    ("fe80::1%eth0", 6),
    ("::1%1", 6),
    ("::1%eth0.5:x-y", 6),
    ("1::%lo", 6),
    ("::1%", 0),
    ("%", 0),
    ("%eth0", 0),
    ("::1%a,b", 0),
    ("::1%\u00e9", 0),
    ("::1%eth 0", 0),
    # embedded IPv4
    ("::ffff:127.0.0.1", 6),
    ("::127.0.0.1", 6),
    ("::ffff:1.2.3.04", 0),
    ("::ffff:256.0.0.1", 0),
    ("1:2:3:4:5:6:1.2.3.4", 6),
    ("1:2:3:4:5:6:7:1.2.3.4", 0),
    ("1:2:3:4:5::1.2.3.4", 6),
    ("1:2:3:4:5:6::1.2.3.4", 0),
    ("::1:2:3:4:5:1.2.3.4", 6),
    ("::1:2:3:4:5:6:1.2.3.4", 0),
    ("1.2.3.4::", 0),
    ("::ffff:1.2.3.4%eth0", 6),
    # whitespace and odd strings
    ("", 0),
    (" 127.0.0.1", 0),
    ("127.0.0.1 ", 0),
    ("127.0.0.1\n", 0),  # JS '$' does not match before a final newline
    ("::1\n", 0),
    ("\n::1", 0),
    ("\u0661.2.3.4", 0),  # Arabic-Indic digit one
    ("[::1]", 0),
    ("localhost", 0),
    ("::1\x00", 0),
    ("\ud800::1", 0),  # lone surrogate
    # non-strings: None is undefined, ints are numbers, lists are arrays
    (None, 0),
    (127, 0),
    (0, 0),
    (2130706433, 0),
    (1.5, 0),
    (True, 0),
    ({}, 0),
    ([], 0),
    (["127.0.0.1"], 4),  # String(['127.0.0.1']) === '127.0.0.1'
    ([["::1"]], 6),
    (["::1", ""], 0),
    ([None], 0),
]

# Python-only inputs with no JavaScript twin.
PYTHON_ONLY: list[tuple[object, int]] = [
    (b"127.0.0.1", 0),
    (b"::1", 0),
    (bytearray(b"127.0.0.1"), 0),
    (memoryview(b"::1"), 0),
    (object(), 0),
    (("127.0.0.1",), 4),  # a tuple is an array
]


@pytest.mark.parametrize(("value", "expected"), TABLE + PYTHON_ONLY, ids=repr)
def test_table(value: object, expected: int) -> None:
    assert is_ip(value) == expected
    assert is_ipv4(value) is (expected == 4)
    assert is_ipv6(value) is (expected == 6)


def test_table_is_large() -> None:
    assert len(TABLE) >= 60


def test_str_subclass() -> None:
    class S(str):
        pass

    assert is_ip(S("::1")) == 6
    assert is_ipv4(S("1.2.3.4"))


# --------------------------------------------------------------------- node


@pytest.fixture(scope="module")
def node() -> str:
    """The node binary, skipping (or failing under CI) when missing."""
    return node_binary()


_NODE_IS_IP = """
const net = require('net');
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
// JSON has no undefined: null stands for Python's None.
const out = input.map((v) => {
  const x = v === null ? undefined : v;
  return [net.isIP(x), net.isIPv4(x), net.isIPv6(x)];
});
process.stdout.write(JSON.stringify(out));
"""


def _node_answers(node: str, values: list[Any]) -> list[tuple[int, bool, bool]]:
    """Ask node for isIP/isIPv4/isIPv6 of every value in one process."""
    return [tuple(row) for row in ask_node(node, _NODE_IS_IP, values)]


def _ours(values: list[Any]) -> list[tuple[int, bool, bool]]:
    return [(is_ip(v), is_ipv4(v), is_ipv6(v)) for v in values]


@pytest.mark.node
def test_table_matches_node(node: str) -> None:
    values = [v for v, _ in TABLE]
    theirs = _node_answers(node, values)
    mismatches = [
        (v, ours, answer)
        for v, ours, answer in zip(values, _ours(values), theirs, strict=True)
        if ours != answer
    ]
    assert mismatches == []
    assert [row[0] for row in theirs] == [expected for _, expected in TABLE]


_ALPHABET = "0123456789abcdefABCDEF:.%" + "gxzGXlo-, \n"
# fmt: off
_TOKENS = [
    "", " ", "0", "1", "00", "01", "9", "10", "99", "100", "199", "249", "250", "255", "256",
    "300", "ffff", "FFFF", "abcd", "12345", "fe80", "0000", "1.2.3.4", "127.0.0.1",
    "1.2.3.04", ":", "::", ":::", ".", "..", "%", "%eth0", "%1", "%a-b.c:d", "%,",
]
# fmt: on


def _group_counts() -> list[str]:
    """Every split of 0-9 hex groups around an optional '::', with optional IPv4 tail."""
    out: list[str] = []
    for left in range(10):
        for right in range(10):
            for v4 in ("", "1.2.3.4"):
                head = ":".join(f"{i + 1:x}" for i in range(left))
                tail = [f"{i + 0xA:x}" for i in range(right)] + ([v4] if v4 else [])
                out.append(f"{head}::{':'.join(tail)}")
                if left == 0:
                    out.append(":".join(tail))
    return out


def _samples(rng: random.Random, count: int) -> list[str]:
    """Random strings biased towards near-miss IP addresses."""
    out: list[str] = []
    while len(out) < count:
        kind = rng.randrange(4)
        if kind == 0:
            out.append("".join(rng.choice(_ALPHABET) for _ in range(rng.randrange(16))))
        elif kind == 1:
            out.append("".join(rng.choice(_TOKENS) for _ in range(rng.randrange(1, 9))))
        else:
            # A real address, then a few random edits.
            if kind == 2:
                addr = str(ipaddress.IPv4Address(rng.getrandbits(32)))
            else:
                v6 = ipaddress.IPv6Address(rng.getrandbits(128) >> rng.choice([0, 32, 64, 96]))
                addr = v6.exploded if rng.random() < 0.2 else str(v6)
                if rng.random() < 0.2:
                    addr = (
                        addr.rsplit(":", 2)[0]
                        + ":"
                        + str(ipaddress.IPv4Address(rng.getrandbits(32)))
                    )
            chars = list(addr)
            for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
                pos = rng.randrange(len(chars) + 1)
                op = rng.randrange(3)
                if op == 0:
                    chars.insert(pos, rng.choice(_ALPHABET))
                elif op == 1 and pos < len(chars):
                    del chars[pos]
                elif pos < len(chars):
                    chars[pos] = rng.choice(_ALPHABET)
            out.append("".join(chars))
    return out


@pytest.mark.node
def test_random_strings_match_node(node: str) -> None:
    values = _group_counts() + _samples(random.Random(0), 3000)
    theirs = _node_answers(node, values)
    mismatches = [
        (v, ours, answer)
        for v, ours, answer in zip(values, _ours(values), theirs, strict=True)
        if ours != answer
    ]
    assert mismatches[:20] == []
    # The sample must exercise both answers for both families.
    kinds = {row[0] for row in theirs}
    assert kinds == {0, 4, 6}
    assert sum(row[0] == 6 for row in theirs) > 300


@pytest.mark.node
@settings(
    derandomize=True,
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(st.text(alphabet=_ALPHABET + "lx", max_size=14), min_size=300, max_size=300))
def test_hypothesis_strings_match_node(node: str, values: list[str]) -> None:
    # One node process per batch of 300 strings.
    assert _ours(values) == _node_answers(node, values)


@settings(derandomize=True, max_examples=300)
@given(st.ip_addresses(v=4))
def test_every_ipv4_address(addr: ipaddress.IPv4Address) -> None:
    assert is_ip(str(addr)) == 4


@settings(derandomize=True, max_examples=300)
@given(st.ip_addresses(v=6), st.sampled_from(["", "%eth0", "%1"]))
def test_every_ipv6_address(addr: ipaddress.IPv6Address, zone: str) -> None:
    assert is_ip(str(addr) + zone) == 6
    assert is_ip(addr.exploded.upper() + zone) == 6
    assert not is_ipv4(str(addr))


@settings(derandomize=True, max_examples=300)
@given(st.text(alphabet="0123456789abcdefABCDEF:.%xyz -", max_size=24))
def test_ipv6_answers_agree_with_ipaddress(text: str) -> None:
    # Without a zone and an embedded IPv4, Node's regex is exactly the RFC 4291 text
    # form, which ipaddress also parses.
    if "%" in text or "." in text:
        return
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        expected = False
    else:
        expected = True
    assert is_ipv6(text) is expected


# ------------------------------------------------------------ socket helpers


def test_family_name() -> None:
    assert family_name(socket.AF_INET) == "IPv4"
    assert family_name(socket.AF_INET6) == "IPv6"
    assert family_name(int(socket.AF_INET6)) == "IPv6"
    with pytest.raises(ValueError, match="family"):
        family_name(socket.AF_UNIX)


def test_sockaddr_ipv4() -> None:
    d = sockaddr_to_address(socket.AF_INET, ("127.0.0.1", 12346))
    assert d == {"address": "127.0.0.1", "family": "IPv4", "port": 12346}
    assert list(d) == ["address", "family", "port"]


def test_sockaddr_ipv6_scope_rules() -> None:
    assert sockaddr_to_address(socket.AF_INET6, ("::1", 80, 0, 0)) == {
        "address": "::1",
        "family": "IPv6",
        "port": 80,
    }
    # Only link-local addresses get a zone, and only when the scope id is set.
    assert sockaddr_to_address(socket.AF_INET6, ("fe80::1", 1, 0, 0))["address"] == "fe80::1"
    assert sockaddr_to_address(socket.AF_INET6, ("::1", 1, 0, 1))["address"] == "::1"
    assert sockaddr_to_address(socket.AF_INET6, ("ff02::1%lo", 1, 0, 1))["address"] == "ff02::1"
    assert sockaddr_to_address(socket.AF_INET6, ("fd00::2", 1, 0, 1))["address"] == "fd00::2"
    # An unknown interface index gives no zone (libuv's lookup fails).
    assert sockaddr_to_address(socket.AF_INET6, ("fe80::1", 1, 0, 999_999))["address"] == "fe80::1"
    if not hasattr(socket, "if_nameindex") or os.name == "nt":
        return
    index, name = socket.if_nameindex()[0]
    for host in ("fe80::1", f"fe80::1%{name}", "febf::1"):
        got = sockaddr_to_address(socket.AF_INET6, (host, 1, 0, index))
        assert got["address"] == f"{host.partition('%')[0]}%{name}"
    got = sockaddr_to_address(socket.AF_INET6, ("fec0::1", 1, 0, index))
    assert got["address"] == "fec0::1"


def test_sockaddr_bad_input() -> None:
    with pytest.raises(ValueError, match="socket address"):
        sockaddr_to_address(socket.AF_INET, "/tmp/sock")
    with pytest.raises(ValueError, match="socket address"):
        sockaddr_to_address(socket.AF_INET, ("127.0.0.1",))
    with pytest.raises(ValueError, match="family"):
        sockaddr_to_address(socket.AF_UNIX, ("127.0.0.1", 1))


def _link_local() -> tuple[str, str] | None:
    """Return (address, interface) of a configured fe80:: address, if any."""
    try:
        with open("/proc/net/if_inet6") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.split()
        if len(fields) >= 6 and fields[0].startswith("fe80"):
            addr = ipaddress.IPv6Address(bytes.fromhex(fields[0]))
            return str(addr), fields[5]
    return None


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
    except OSError:
        return False
    return True


def _bound_address(host: str) -> dict[str, object]:
    """Bind a Python socket like Node would for *host* and convert its name."""
    addr, _, zone = host.partition("%")
    if ":" in addr:
        scope = socket.if_nametoindex(zone) if zone else 0
        with socket.socket(socket.AF_INET6) as s:
            s.bind((addr, 0, 0, scope))
            return sockaddr_to_address(socket.AF_INET6, s.getsockname())
    with socket.socket(socket.AF_INET) as s:
        s.bind((addr, 0))
        return sockaddr_to_address(socket.AF_INET, s.getsockname())


_NODE_LISTEN = """
const net = require('net');
const hosts = JSON.parse(process.argv[1]);
(async () => {
  const out = [];
  for (const h of hosts) {
    out.push(await new Promise((resolve, reject) => {
      const s = net.createServer();
      s.on('error', reject);
      const done = () => { const a = s.address(); s.close(); resolve(a); };
      if (h === null) s.listen(0, done); else s.listen(0, h, done);
    }));
  }
  process.stdout.write(JSON.stringify(out));
})();
"""


@pytest.mark.node
def test_server_addresses_match_node(node: str) -> None:
    hosts: list[str] = ["127.0.0.1", "0.0.0.0"]
    if _ipv6_loopback():
        hosts += ["::1", "::", "::ffff:127.0.0.1"]
    link = _link_local()
    if link is not None:
        hosts.append(f"{link[0]}%{link[1]}")
    proc = subprocess.run(
        [node, "-e", _NODE_LISTEN, json.dumps([*hosts, None])],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    theirs = json.loads(proc.stdout)
    *per_host, default = theirs
    for host, node_addr in zip(hosts, per_host, strict=True):
        ours = _bound_address(host)
        assert list(ours) == list(node_addr) == ["address", "family", "port"]
        assert isinstance(ours["port"], int)
        assert ours["port"] > 0
        assert {**ours, "port": 0} == {**node_addr, "port": 0}, host
    # listen(port) without a host: '::' when dual-stack works, else '0.0.0.0'.
    expected = "::" if dualstack_available() else "0.0.0.0"
    assert default["address"] == expected


def test_dualstack_available() -> None:
    first = dualstack_available()
    assert isinstance(first, bool)
    assert dualstack_available() is first
    if not first:
        return
    # A dual-stack listener on '::' accepts an IPv4 client as ::ffff:127.0.0.1.
    with socket.socket(socket.AF_INET6) as server:
        server.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        server.bind(("::", 0))
        server.listen()
        port = server.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            conn, peer = server.accept()
            with conn:
                assert sockaddr_to_address(socket.AF_INET6, peer)["address"] == "::ffff:127.0.0.1"
