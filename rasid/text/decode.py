"""Bytes → text, the way scraped Arabic files really arrive.

Order of trust: a byte-order mark (UTF-8, UTF-16, UTF-32); UTF-16 without a mark (every other byte is
the high byte of an Arabic or ASCII code point); strict UTF-8; then **line by line**, because real files
are damaged locally, not globally:

* a line that is UTF-8 except for a few bytes (a character cut at the end of a file or in the middle)
  keeps its UTF-8 reading; the damaged bytes become U+FFFD and are counted (``Decoded.damaged``);
* a line with no valid multi-byte UTF-8 at all that reads as plausible Arabic in windows-1256 is
  windows-1256 (files concatenated from an old and a new site mix both);
* anything else is left to charset-normalizer for the whole input.

A decoding is accepted only if its Arabic is plausible: UTF-8 Arabic read as windows-1256 turns into
runs of ط/ظ (the lead bytes 0xD8/0xD9), which real Arabic never has, so such mojibake is refused
instead of being stored. A few stray NUL bytes are dropped and counted; many mean binary data.

>>> decode(b"\\xd9\\x85\\xd8\\xb1\\xd8\\xad\\xd8\\xa8\\xd8\\xa7").text
'مرحبا'
>>> decode("سلام".encode("utf-8")[:-1]).damaged
1
"""

from __future__ import annotations

import codecs
from typing import NamedTuple

from rasid.text.normalize import arabic_ratio


class DecodeError(ValueError):
    """The bytes are binary or in no encoding we can read with confidence."""


class Decoded(NamedTuple):
    """Decoded text, the encoding(s) found, and how many damaged bytes/characters were replaced or dropped."""

    text: str
    encoding: str
    damaged: int = 0


_ALLOWED = bytes(b for b in range(256) if not (b < 9 or 13 < b < 32))
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_MAX_NUL_SHARE = 0.001  # a few NULs in a text file are damage; more is binary data
_MOJIBAKE_LETTERS = frozenset("طظ")


def _control_ratio(data: bytes) -> float:
    """Share of control bytes other than NUL, tab and line breaks in the first 64 KiB."""
    sample = data[:65536].replace(b"\x00", b"")
    if not sample:
        return 0.0
    return len(sample.translate(None, _ALLOWED)) / len(sample)


def plausible_arabic(text: str) -> bool:
    """False for text that looks like UTF-8 Arabic misread as windows-1256 (runs of ط/ظ), True otherwise."""
    arabic = [c for c in text if "\u0600" <= c <= "\u06ff" and c.isalpha()]
    if len(arabic) < 8:
        return True
    return sum(c in _MOJIBAKE_LETTERS for c in arabic) / len(arabic) < 0.25


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 LE/BE without a mark: high bytes are almost all 0x00 (ASCII) or 0x06 (Arabic block)."""
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:4096]
    for high, low, enc in ((sample[1::2], sample[0::2], "utf-16-le"), (sample[0::2], sample[1::2], "utf-16-be")):
        common = len(high) - len(high.translate(None, b"\x00\x06\x20\xfe\xfb"))  # bytes among these five
        if (common / len(high) > 0.95 and high.count(0) > len(high) * 0.05
                and low.count(0) < len(low) * 0.01):  # text has no NUL characters (zero-filled data does)
            return enc
    return None


def _utf8_line(line: bytes) -> tuple[str, int, int]:
    """Decode one line as UTF-8 with replacement: (text, bad sequences, good multi-byte characters)."""
    text = line.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - line.count(b"\xef\xbf\xbd")
    good = sum(1 for c in text if ord(c) > 0x7F and c != "\ufffd")
    return text, bad, good


def _by_line(data: bytes) -> Decoded | None:
    """Decode line by line (see module docstring); None when some line is neither UTF-8 nor windows-1256."""
    parts: list[str] = []
    damaged = 0
    encodings: set[str] = set()
    for line in data.splitlines(keepends=True):
        try:
            parts.append(line.decode("utf-8"))
            if any(b > 0x7F for b in line):
                encodings.add("utf-8")
            continue
        except UnicodeDecodeError:
            pass
        text, bad, good = _utf8_line(line)
        if good >= 4 * bad:  # mostly UTF-8 with a few damaged bytes
            parts.append(text)
            damaged += bad
            encodings.add("utf-8")
            continue
        try:
            alt = line.decode("cp1256")
        except UnicodeDecodeError:
            return None
        if arabic_ratio(alt) > 0.5 and plausible_arabic(alt):
            parts.append(alt)
            encodings.add("windows-1256")
            continue
        return None
    name = "+".join(sorted(encodings, key=("utf-8", "windows-1256").index)) or "utf-8"
    return Decoded("".join(parts), name, damaged)


def decode(data: bytes) -> Decoded:
    """Decode ``data`` (see the module docstring); raise ``DecodeError`` for binary or undecodable input."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = data[len(bom):].decode(enc, errors="replace")
            return _checked(Decoded(text.replace("\x00", ""), enc, text.count("\ufffd")))
    if (enc := _utf16_without_bom(data)) is not None:
        text = data.decode(enc, errors="replace")
        return _checked(Decoded(text, enc, text.count("\ufffd")))
    nuls = data.count(0)
    if nuls > max(2, len(data) * _MAX_NUL_SHARE) or _control_ratio(data) > 0.01:
        raise DecodeError("binary content (control bytes), not text")
    if nuls:
        data = data.replace(b"\x00", b"")
    try:
        return Decoded(data.decode("utf-8"), "utf-8", nuls)
    except UnicodeDecodeError:
        pass
    found = _by_line(data)
    if found is not None:
        return _checked(found._replace(damaged=found.damaged + nuls))
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise DecodeError("unknown text encoding (not UTF-8, not windows-1256)")
    return _checked(Decoded(str(best), best.encoding, nuls))


def _checked(d: Decoded) -> Decoded:
    if not plausible_arabic(d.text):
        raise DecodeError(f"decoding as {d.encoding} gives implausible Arabic (mojibake); file not stored")
    return d


def decode_bytes(data: bytes) -> tuple[str, str]:
    """``(text, encoding)`` of ``data``: ``decode`` without the damage count (for callers that need no warning)."""
    d = decode(data)
    return d.text, d.encoding
