"""Stage 1, ingest: files, folders and feed URLs → ``RawArticle`` or ``Skip`` (readers chosen by suffix/content)."""

from rasid.ingest.readers import iter_paths, read_file, read_inputs

__all__ = ["iter_paths", "read_file", "read_inputs"]
