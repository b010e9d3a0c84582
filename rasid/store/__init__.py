"""Persistence (SQLAlchemy: SQLite by default, PostgreSQL by URL) behind one ``Store`` façade.

``schema`` holds the tables, ``mapping`` turns rows into the dataclasses of ``rasid.models``,
``fulltext`` holds search filters and the SQLite full-text index, and ``facade`` the ``Store``
whose methods are the only way the rest of rasid reads or writes the database.
"""

from rasid.store.facade import (
    STORY_SORTS,
    NormText,
    StaleStateError,
    Store,
    StoreMissingError,
    StoryAnalysis,
    StoryFilter,
    db_url,
    state_digest,
)
from rasid.store.fulltext import DocumentFilter, SearchIndex
from rasid.store.monitor import ALERTS_FEED, MonitorError
from rasid.store.schema import STAGE_CLUSTERED, STAGE_EXTRACTED, STAGE_STORED, Base

__all__ = ["ALERTS_FEED", "MonitorError", "STAGE_CLUSTERED", "STAGE_EXTRACTED", "STAGE_STORED", "Base", "DocumentFilter", "NormText",
           "STORY_SORTS", "SearchIndex", "StaleStateError", "Store", "StoreMissingError", "StoryAnalysis", "StoryFilter",
           "db_url", "state_digest"]
