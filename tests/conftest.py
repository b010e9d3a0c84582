"""Shared fixtures: paths to the bundled demo corpus and small hand-written inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


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
