"""Search on the demo corpus: hostile/invisible characters, short words, OR / أو, -exclusion, Latin names.

Every query is run twice, through the SQLite full-text index and through the plain scan, and both
must return the same documents.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rasid.serve.api import create_app
from rasid.serve.search import QueryError, SearchIndex, SearchQuery, parse_query, search, strip_invisible
from rasid.store import Store
from rasid.text.normalize import normalize
from rasid.text.translit import NameIndex, is_latin, latin_pattern


@pytest.fixture(scope="module")
def store(demo_db: Path) -> Store:
    return Store(demo_db, must_exist=True)


@pytest.fixture(scope="module")
def index(store: Store) -> SearchIndex:
    return SearchIndex.load(store)


@pytest.fixture(scope="module")
def texts(store: Store) -> dict[str, str]:
    """Normalised text of every original (searchable) document."""
    ids = [d.id for d in store.documents() if d.duplicate_of is None]
    return store.norm_texts(ids)


def ids(store: Store, index: SearchIndex, q: str, **filters: object) -> set[str]:
    """Documents found for ``q``; the index and the scan must agree."""
    found = []
    for ix in (index, None):
        res = search(store, SearchQuery(q=q, limit=100, **filters), ix)  # type: ignore[arg-type]
        assert res.total == len(res.hits) < 100
        found.append({h.doc_id for h in res.hits})
    assert found[0] == found[1], f"index and scan disagree on {q!r}"
    return found[0]


INVISIBLE = ["\u061c", "\u2066", "\u2067", "\u2068", "\u2069", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
             "\u200e", "\u200f", "\u00ad", "\u200d", "\u200c", "\ufeff", "\u200b", "\x00"]


@pytest.mark.parametrize("ch", INVISIBLE)
def test_invisible_and_control_characters_are_stripped_from_queries(store: Store, index: SearchIndex, ch: str) -> None:
    plain = ids(store, index, "بوتين")
    assert len(plain) == 11
    assert ids(store, index, f"{ch}بو{ch}تين{ch}") == plain if ch != "\x00" else ids(store, index, f"{ch}بوتين{ch}")
    assert ids(store, index, f"{ch}موسكو{ch} {ch}بوتين") == ids(store, index, "موسكو بوتين")


@pytest.mark.parametrize("q", ["\x00", "\x00\x00 \x00", "\u200f\u2066\u2069", "\u00ad", "\u061c \u202e", '"\x00"',
                               "-", "\u200d\u200c"])
def test_a_query_of_nothing_visible_is_a_clear_error_not_documents(store: Store, index: SearchIndex, q: str) -> None:
    for ix in (index, None):
        with pytest.raises(QueryError) as err:
            search(store, SearchQuery(q=q, limit=100), ix)
        assert err.value.code == "empty_query"
        # even with a filter: what was typed cannot be searched, so no documents come back
        with pytest.raises(QueryError):
            search(store, SearchQuery(q=q, outlets=["sana"], limit=100), ix)


def test_api_nul_query_is_400_in_arabic(store: Store) -> None:
    c = TestClient(create_app(store), base_url="http://localhost")
    for q in ("\x00", "\u200f\u2067"):
        r = c.get("/api/search", params={"q": q})
        assert r.status_code == 400, r.text
        body = r.json()
        assert body["code"] == "empty_query" and "items" not in body
        assert re.search("[\u0600-\u06ff]", body["detail"])


def test_strip_invisible_keeps_visible_text() -> None:
    assert strip_invisible("موسكو") == "موسكو"
    assert strip_invisible("بو\u200fتين\x00روسيا") == "بوتين روسيا"
    assert strip_invisible("Putin\u202e") == "Putin"


@pytest.mark.parametrize("word", ["لا", "سد", "قد", "من", "عن"])
def test_one_and_two_letter_terms_match_whole_words_only(store: Store, index: SearchIndex, texts: dict[str, str],
                                                         word: str) -> None:
    whole = {i for i, t in texts.items() if re.search(rf"(?<!\w){word}(?!\w)", t)}
    inside = {i for i, t in texts.items() if word in t}
    found = ids(store, index, word)
    assert found == whole
    assert len(inside) > len(whole)  # e.g. لا is inside الاسد and ولاية in every document, a word in 2
    res = search(store, SearchQuery(q=word, limit=100), index)
    for h in res.hits:
        assert all(normalize(m.text) == word for m in h.matches)  # (a hit in the title alone has no body match)


def test_short_word_with_a_long_one(store: Store, index: SearchIndex, texts: dict[str, str]) -> None:
    expect = {i for i, t in texts.items() if re.search(r"(?<!\w)لا(?!\w)", t) and "بوتين" in t}
    assert ids(store, index, "لا بوتين") == expect


@pytest.mark.parametrize("op", ["OR", "أو", "او"])
def test_or_between_terms(store: Store, index: SearchIndex, op: str) -> None:
    quake, tremor = ids(store, index, "زلزال"), ids(store, index, "هزة")
    assert quake and tremor and quake != tremor
    assert ids(store, index, f"زلزال {op} هزة") == quake | tremor
    # OR binds the terms around it; the rest of the query still has to match
    moscow, damascus, putin = ids(store, index, "موسكو"), ids(store, index, "دمشق"), ids(store, index, "بوتين")
    assert ids(store, index, f"موسكو {op} دمشق بوتين") == (moscow | damascus) & putin
    assert ids(store, index, f"لا {op} زلزال") == ids(store, index, "لا") | quake


def test_or_alone_is_a_word(store: Store, index: SearchIndex, texts: dict[str, str]) -> None:
    assert ids(store, index, "أو") == {i for i, t in texts.items() if re.search(r"(?<!\w)او(?!\w)", t)}


def test_minus_excludes_a_term(store: Store, index: SearchIndex) -> None:
    moscow, putin = ids(store, index, "موسكو"), ids(store, index, "بوتين")
    rest = ids(store, index, "موسكو -بوتين")
    assert rest == moscow - putin and rest and rest != moscow
    assert ids(store, index, 'موسكو -"فلاديمير بوتين"') == moscow - ids(store, index, '"فلاديمير بوتين"')
    assert ids(store, index, "بوتين -لا") == putin - ids(store, index, "لا")  # short excluded word: whole words
    with pytest.raises(QueryError) as err:
        search(store, SearchQuery(q="-بوتين"), index)
    assert err.value.code == "only_exclusions"
    sana = ids(store, index, "", outlets=["sana"])
    assert ids(store, index, "-بوتين", outlets=["sana"]) == sana - putin


@pytest.mark.parametrize("q", ["Putin", "putin", "PUTIN", "Putin\u200f"])
def test_latin_name_finds_the_arabic_spelling(store: Store, index: SearchIndex, q: str) -> None:
    arabic = ids(store, index, "بوتين")
    assert ids(store, index, q) == arabic and len(arabic) == 11
    res = search(store, SearchQuery(q=q, limit=5), index)
    assert res.expanded == {"putin": ["بوتين"]}
    assert all(normalize(m.text) == "بوتين" for h in res.hits for m in h.matches)


@pytest.mark.parametrize("latin,arabic", [("Lavrov", "لافروف"), ("Peskov", "بيسكوف"), ("Mishustin", "ميشوستين"),
                                          ('"Vladimir Putin"', '"فلاديمير بوتين"'), ("Sharaa", "الشرع"),
                                          ("al-Sharaa", "الشرع"), ("Novak", "نوفاك"), ("Moscow", "موسكو")])
def test_other_latin_names(store: Store, index: SearchIndex, latin: str, arabic: str) -> None:
    expect = ids(store, index, arabic)
    assert expect and ids(store, index, latin) == expect


def test_latin_name_in_or_and_exclusion(store: Store, index: SearchIndex) -> None:
    assert ids(store, index, "Lavrov OR Peskov") == ids(store, index, "لافروف أو بيسكوف")
    assert ids(store, index, "موسكو -Putin") == ids(store, index, "موسكو -بوتين")


def test_unknown_latin_word_finds_nothing_quietly(store: Store, index: SearchIndex) -> None:
    assert ids(store, index, "Xyzzyq") == set()


def test_api_latin_search(store: Store) -> None:
    c = TestClient(create_app(store), base_url="http://localhost")
    body = c.get("/api/search", params={"q": "Putin", "limit": 100}).json()
    assert body["total"] == 11 and body["expanded"] == {"putin": ["بوتين"]}
    assert all(m["text"].endswith("بوتين") for h in body["items"] for m in h["matches"])


# ---- the transliteration table itself ----------------------------------------------------------
NAMES = NameIndex.from_names(["فلاديمير بوتين", "سيرغي لافروف", "بشار الأسد", "أحمد الشرع", "ديمتري بيسكوف",
                              "رجب طيب أردوغان", "عمر", "ميخائيل بوغدانوف", "بيتين", "ملاطية"])


@pytest.mark.parametrize("latin,expect", [
    ("Putin", ["بوتين"]), ("Lavrov", ["لافروف"]), ("Assad", ["الاسد"]), ("al-Assad", ["الاسد"]),
    ("Bashar al-Assad", ["بشار الاسد"]), ("Sharaa", ["الشرع"]), ("Peskov", ["بيسكوف"]), ("Erdogan", ["اردوغان"]),
    ("Omar", ["عمر"]), ("Bogdanov", ["بوغدانوف"]), ("Damascus", ["دمشق"]), ("Merkel", []), ("Al", []),
])
def test_transliteration_table(latin: str, expect: list[str]) -> None:
    assert NAMES.expand(latin) == expect


def test_latin_pattern_and_script_detection() -> None:
    pat = latin_pattern("Putin")
    assert pat is not None and pat.fullmatch("بوتين") and not pat.fullmatch("بيتين") and not pat.fullmatch("موسكو")
    assert latin_pattern("ab") is None
    assert is_latin("Putin") and not is_latin("بوتين") and not is_latin("2026") and not is_latin("بوتين Putin")


def test_parse_query_structure() -> None:
    pq = parse_query('زيارة موسكو أو "دمشق القديمة" -بوتين OR')
    assert pq.groups == [["زياره"], ["موسكو", "دمشق القديمه"]] and pq.exclude == ["بوتين"]
