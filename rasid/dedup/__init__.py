"""Stage 3, dedup: exact and near duplicates (MinHash LSH), linked to their original, never deleted."""
