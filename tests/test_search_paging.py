"""Search through the full-text index: ranked, counted and cut in SQL (issue #16, scale).

Why these tests: the index path now orders and cuts hits in SQL (only ``max(200, offset + limit)`` reach
Python), subtracts ``-word`` exclusions with the index's ``NOT`` instead of a ``LIKE`` on the text, and
remembers the stored publication offsets per database state. Each of those could silently change what a
user sees: a page that disagrees with the next one, an exclusion that misses ``والهلال``, a date filter
that misses an article stored later with a new UTC offset. The store is hand-written Arabic (no news text).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from rasid.models import Document
from rasid.serve.search import RERANK_TOP, SearchIndex, SearchQuery, search
from rasid.store import Store
from rasid.text.normalize import normalize

OUTLETS = ["sana", "rt_ar", "bbc_ar"]
SENTENCES = [
    "زار الوفد الرياض لإجراء محادثات",
    "فاز النادي الرياضي في المباراة",
    "قال وزير الخارجية إن المحادثات مستمرة",
    "تراجع التضخم في سوريا هذا الشهر",
    "وصلت قافلة إلى العراق عبر الحدود",
    "خسر الهلال أمام منافسه في الرياض",
    "احتفل جمهور والهلال بالفوز",
    "عقد مؤتمر صحفي في بغداد",
]


def _text(i: int) -> str:
    """Article ``i``: a mix of the sentences, repeated differently so BM25 scores vary (and some tie)."""
    parts = [SENTENCES[(i + k) % len(SENTENCES)] for k in range(1 + i % 4)]
    parts += [SENTENCES[i % len(SENTENCES)]] * (i % 3)
    return ". ".join(parts) + "."


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    st = Store(tmp_path_factory.mktemp("paging") / "p.db")
    start = datetime(2026, 1, 1, 8)
    st.add_documents([Document(id=f"d{i:03d}", text=_text(i), raw_text=_text(i), source_path=f"d{i}.txt", fmt="txt",
                               title=SENTENCES[i % len(SENTENCES)] if i % 5 == 0 else None,
                               outlet=OUTLETS[i % len(OUTLETS)], published=start + timedelta(hours=7 * i),
                               published_offset_minutes=180 if i % 2 else None, language="ar",
                               content_hash=f"h{i}") for i in range(420)], {})
    return st


QUERIES = [
    SearchQuery(q="الرياض"),
    SearchQuery(q="الرياض -الهلال"),
    SearchQuery(q="سوريا أو العراق"),
    SearchQuery(q='"وزير الخارجية" -بغداد'),
    SearchQuery(q="الرياض -الهلال", outlets=["sana", "bbc_ar"], date_from=date(2026, 1, 20), date_to=date(2026, 3, 1)),
    SearchQuery(q="في الرياض"),  # a short term: every candidate's text is checked, so all are fetched
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.q)
def test_index_pages_agree_with_one_long_page_and_with_the_scan(store: Store, query: SearchQuery) -> None:
    index = SearchIndex.load(store)
    assert index.enabled
    whole = search(store, SearchQuery(**{**query.__dict__, "limit": 1000}), index)
    if query.q in ("الرياض", "في الرياض"):
        assert whole.total > RERANK_TOP  # pages on both sides of the re-rank cut
    assert len(whole.hits) == whole.total
    size = 37 if whole.total > RERANK_TOP else 7
    assert whole.total > 3 * size  # several pages
    paged = []
    for offset in range(0, whole.total, size):
        res = search(store, SearchQuery(**{**query.__dict__, "limit": size, "offset": offset}), index)
        assert res.total == whole.total
        paged += res.hits
    assert [h.doc_id for h in paged] == [h.doc_id for h in whole.hits]
    assert [h.score for h in paged] == [h.score for h in whole.hits]
    scores = [h.score for h in whole.hits]
    assert scores == sorted(scores, reverse=True)
    # the same documents as the plain LIKE scan (the index's NOT has LIKE's substring semantics)
    scan = search(store, SearchQuery(**{**query.__dict__, "limit": 1000}))
    assert scan.total == whole.total
    assert {h.doc_id for h in scan.hits} == {h.doc_id for h in whole.hits}


def test_exclusion_removes_the_word_inside_other_words(store: Store) -> None:
    index = SearchIndex.load(store)
    res = search(store, SearchQuery(q="الرياض -الهلال", limit=1000), index)
    texts = store.norm_texts([h.doc_id for h in res.hits])
    assert res.total and all("الهلال" not in texts[h.doc_id] for h in res.hits)  # والهلال too
    everything = search(store, SearchQuery(q="الرياض", limit=1000), index)
    dropped = {h.doc_id for h in everything.hits} - {h.doc_id for h in res.hits}
    assert any("والهلال" in normalize(store.documents([d])[0].text) for d in dropped)


def test_date_filter_sees_an_offset_stored_after_the_first_search(tmp_path: Path) -> None:
    st = Store(tmp_path / "o.db")
    doc = {"raw_text": "", "source_path": "x.txt", "fmt": "txt", "language": "ar"}
    st.add_documents([Document(id="utc", text="زار الوفد الرياض", published=datetime(2026, 2, 1, 12),
                               content_hash="a", **{**doc, "raw_text": "زار الوفد الرياض"})], {})
    index = SearchIndex.load(st)
    q = SearchQuery(q="الرياض", date_from=date(2026, 2, 2), date_to=date(2026, 2, 2))
    assert search(st, q, index).total == 0
    assert st.published_offsets() in ([None], [0])
    # 22:30 UTC on 1 February is 01:30 on 2 February in Baghdad (+03:00): found under the local day
    st.add_documents([Document(id="baghdad", text="وصل الوفد إلى الرياض", published=datetime(2026, 2, 1, 22, 30),
                               published_offset_minutes=180, content_hash="b",
                               **{**doc, "raw_text": "وصل الوفد إلى الرياض"})], {})
    assert 180 in st.published_offsets()
    assert [h.doc_id for h in search(st, q, index).hits] == ["baghdad"]
