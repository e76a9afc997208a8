"""Writing strings: trionet's bytes for each encoding are Node's ``Buffer.from(s, enc)``.

Python strings are code points, JS strings UTF-16 code units; the cases that
differ are surrogates (a pair written as two code points, a lone one) and
characters outside the BMP under the one-byte encodings.
"""

from __future__ import annotations

import random

import pytest
from processes import ask_node, node_binary

from trionet._encodings import encode

ENCODINGS = ["utf8", "utf16le", "latin1", "ascii", "hex", "base64"]
CASES = [
    "",
    "plain ascii",
    "é",
    "\u20ac",
    "\U0001f600",
    "\ud83d",  # a lone high surrogate
    "a\ude00b",  # a lone low surrogate
    "\ud83d\ude00",  # a pair, as two code points
    "\ude00\ud83d",  # the pair reversed: two lone surrogates
    "\U0001f600x\ud800",
    "\x00\xff\u0100",
]

_NODE_ENCODE = """
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(cases.map(([s, enc]) => Buffer.from(s, enc).toString('hex'))));
"""


@pytest.fixture(scope="module")
def node() -> str:
    return node_binary()


def node_bytes(node: str, cases: list[tuple[str, str]]) -> list[str]:
    result: list[str] = ask_node(node, _NODE_ENCODE, cases)
    return result


@pytest.mark.node
def test_table_matches_node(node: str) -> None:
    cases = [(s, enc) for s in CASES for enc in ENCODINGS]
    theirs = node_bytes(node, cases)
    ours = [encode(s, enc).hex() for s, enc in cases]
    mismatches = [(c, o, t) for c, o, t in zip(cases, ours, theirs, strict=True) if o != t]
    assert mismatches == []


@pytest.mark.node
def test_random_strings_match_node(node: str) -> None:
    """300 seeded random strings of any code points, lone surrogates included."""
    rng = random.Random(6)
    pools = [(0x20, 0x7E), (0x80, 0x7FF), (0x800, 0xFFFF), (0xD800, 0xDFFF), (0x10000, 0x10FFFF)]
    strings = []
    for _ in range(300):
        chars = []
        for _ in range(rng.randrange(0, 12)):
            low, high = rng.choice(pools)
            chars.append(chr(rng.randint(low, high)))
        strings.append("".join(chars))
    assert sum(any(0xD800 <= ord(c) <= 0xDFFF for c in s) for s in strings) > 50
    cases = [(s, enc) for s in strings for enc in ("utf8", "utf16le", "latin1")]
    theirs = node_bytes(node, cases)
    ours = [encode(s, enc).hex() for s, enc in cases]
    assert [c for c, o, t in zip(cases, ours, theirs, strict=True) if o != t] == []
