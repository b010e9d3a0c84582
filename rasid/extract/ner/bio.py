"""BIO tag sequences ↔ entity spans (token indices)."""

from __future__ import annotations


def spans(tags: list[str]) -> set[tuple[int, int, str]]:
    """Entity spans (start, end, type) from BIO tags."""
    out: set[tuple[int, int, str]] = set()
    start = None
    typ = ""
    for i, t in enumerate(tags + ["O"]):
        if start is not None and not (t.startswith("I-") and t[2:] == typ):
            out.add((start, i, typ))
            start = None
        if t.startswith("B-") or (t.startswith("I-") and start is None):
            start, typ = i, t[2:]
    return out
