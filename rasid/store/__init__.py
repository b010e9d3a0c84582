"""Persistence (SQLAlchemy: SQLite by default, PostgreSQL by URL) behind one ``Store`` façade."""

from rasid.store.facade import (
    STAGE_CLUSTERED,
    STAGE_EXTRACTED,
    STAGE_STORED,
    Base,
    DocumentRow,
    MentionRow,
    Store,
    db_url,
    to_jsonable,
)

__all__ = ["STAGE_CLUSTERED", "STAGE_EXTRACTED", "STAGE_STORED", "Base", "DocumentRow", "MentionRow", "Store",
           "db_url", "to_jsonable"]
