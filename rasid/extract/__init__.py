"""Stage 4, extract: per-document analysers (names, entities, places, dates, events, quoted claims)."""
