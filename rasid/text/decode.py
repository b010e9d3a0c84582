"""Bytes → text: UTF-8 first, then windows-1256 (common for older Arabic sites), then a detector."""

from __future__ import annotations

from rasid.text.normalize import arabic_ratio


class DecodeError(ValueError):
    """The bytes are binary or in no encoding we can read with confidence."""


_ALLOWED = bytes(b for b in range(256) if not (b < 9 or 13 < b < 32))


def _control_ratio(data: bytes) -> float:
    sample = data[:65536]
    if not sample:
        return 0.0
    return len(sample.translate(None, _ALLOWED)) / len(sample)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)``; raise ``DecodeError`` for binary or undecodable input."""
    if b"\x00" in data[:65536] or _control_ratio(data) > 0.01:
        raise DecodeError("binary content (control bytes), not text")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1256")
        if arabic_ratio(text) > 0.5:
            return text, "windows-1256"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise DecodeError("unknown text encoding (not UTF-8, not windows-1256)")
    return str(best), best.encoding
