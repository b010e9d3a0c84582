"""Shared fixtures: paths to the bundled demo corpus and small hand-written inputs; the store backends; the
shipped NER tagger and gazetteer (loaded once for every test module that reads them)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from rasid.extract.gazetteer import Gazetteer
    from rasid.extract.ner import NerTagger

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("RASID_TEST_PG_URL")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database on each backend: a SQLite file, and PostgreSQL when ``RASID_TEST_PG_URL`` is set
    (``scripts/start_postgres.sh`` prints one); the PostgreSQL database is emptied first."""
    if request.param == "sqlite":
        return str(tmp_path / "rasid.db")
    if not PG_URL:
        pytest.skip("RASID_TEST_PG_URL not set (run scripts/start_postgres.sh to get a PostgreSQL URL)")
    pytest.importorskip("psycopg")
    from rasid.store import Base, Store

    s = Store(PG_URL)
    Base.metadata.drop_all(s.engine)  # each test starts from an empty database
    s.close()
    return PG_URL


@pytest.fixture(scope="session")
def tagger() -> NerTagger:
    from rasid.extract.ner import NerTagger  # imported here: most test modules never load the tagger

    return NerTagger.load()


@pytest.fixture(scope="session")
def gaz() -> Gazetteer:
    from rasid.extract.gazetteer import Gazetteer

    return Gazetteer.load()


@pytest.fixture(scope="session")
def demo_corpus() -> Path:
    return ROOT / "demo" / "corpus"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory, demo_corpus: Path) -> Path:
    """The demo corpus run once through the full pipeline (shared by read-only tests)."""
    from rasid.run.pipeline import run
    from rasid.store import Store

    db = tmp_path_factory.mktemp("demo") / "demo.db"
    store = Store(db)
    run([demo_corpus], store)
    store.close()
    return db
