"""Node's Buffer encodings: string <-> bytes for ``write()`` and ``set_encoding()``.

Node names: 'utf8'/'utf-8', 'hex', 'base64', 'base64url', 'latin1'/'binary',
'ascii', 'ucs2'/'ucs-2'/'utf16le'/'utf-16le'. Decoding is incremental, so a
multi-byte character (or a base64 group) split across two reads decodes whole,
as Node's StringDecoder does.
"""

from __future__ import annotations

import base64
import binascii
import codecs
from typing import Protocol

from . import _errors

__all__ = ["Decoder", "decoder_for", "encode", "normalize_encoding"]

_ALIASES = {
    "utf8": "utf8",
    "utf-8": "utf8",
    "hex": "hex",
    "base64": "base64",
    "base64url": "base64url",
    "latin1": "latin1",
    "binary": "latin1",
    "ascii": "ascii",
    "ucs2": "utf16le",
    "ucs-2": "utf16le",
    "utf16le": "utf16le",
    "utf-16le": "utf16le",
}


def normalize_encoding(encoding: object) -> str | None:
    """Node's canonical name for an encoding, or None when Node doesn't know it."""
    if not isinstance(encoding, str):
        return None
    return _ALIASES.get(encoding.lower())


def encode(data: str, encoding: str) -> bytes:
    """``Buffer.from(data, encoding)`` (encoding already normalized)."""
    if encoding == "utf8":
        try:
            return data.encode("utf-8")
        except UnicodeEncodeError:
            # Surrogate code points, as a JS string holds them: a pair is one
            # character (4 UTF-8 bytes), a lone surrogate becomes U+FFFD.
            units = data.encode("utf-16-le", "surrogatepass")
            return units.decode("utf-16-le", "replace").encode("utf-8")
    if encoding == "latin1" or encoding == "ascii":
        # Node keeps the low byte of each UTF-16 code unit for both.
        if data.isascii():
            return data.encode()
        return data.encode("utf-16-le", "surrogatepass")[::2]
    if encoding == "utf16le":
        return data.encode("utf-16-le", "surrogatepass")
    if encoding == "hex":
        even = data[: len(data) - len(data) % 2]
        out = bytearray()
        for i in range(0, len(even), 2):
            try:
                out.append(int(even[i : i + 2], 16))
            except ValueError:
                break  # Node stops at the first pair that is not hex
        return bytes(out)
    if encoding in ("base64", "base64url"):
        cleaned = "".join(c for c in data if c.isalnum() or c in "+/-_")
        cleaned = cleaned.replace("-", "+").replace("_", "/")
        cleaned += "=" * (-len(cleaned) % 4)
        try:
            return base64.b64decode(cleaned)
        except (binascii.Error, ValueError):
            return b""
    raise _errors.unknown_encoding(encoding)


class Decoder(Protocol):
    """An incremental bytes -> str decoder."""

    def decode(self, data: bytes, final: bool = False) -> str: ...


class _Base64Decoder:
    """Base64 in groups of three bytes, carrying the remainder to the next read."""

    def __init__(self, url: bool) -> None:
        self._rest = b""
        self._url = url

    def decode(self, data: bytes, final: bool = False) -> str:
        data = self._rest + data
        cut = len(data) if final else len(data) - len(data) % 3
        self._rest = data[cut:]
        if self._url:
            return base64.urlsafe_b64encode(data[:cut]).decode().rstrip("=")
        return base64.b64encode(data[:cut]).decode()


class _Utf16Decoder:
    """UTF-16LE; as Node's StringDecoder, an odd trailing byte at the end is dropped."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-16-le")("replace")

    def decode(self, data: bytes, final: bool = False) -> str:
        return self._decoder.decode(data, final=False)


class _HexDecoder:
    def decode(self, data: bytes, final: bool = False) -> str:
        return data.hex()


class _Latin1Decoder:
    def decode(self, data: bytes, final: bool = False) -> str:
        return data.decode("latin-1")


#: Node decodes 'ascii' by dropping the high bit of every byte.
_ASCII_TABLE = bytes(i & 0x7F for i in range(256))


class _AsciiDecoder:
    def decode(self, data: bytes, final: bool = False) -> str:
        return data.translate(_ASCII_TABLE).decode("ascii")


def decoder_for(encoding: str) -> Decoder:
    """An incremental decoder for a normalized Node encoding."""
    if encoding == "utf8":
        return codecs.getincrementaldecoder("utf-8")("replace")
    if encoding == "utf16le":
        return _Utf16Decoder()
    if encoding == "latin1":
        return _Latin1Decoder()
    if encoding == "ascii":
        return _AsciiDecoder()
    if encoding == "hex":
        return _HexDecoder()
    if encoding in ("base64", "base64url"):
        return _Base64Decoder(url=encoding == "base64url")
    raise _errors.unknown_encoding(encoding)
