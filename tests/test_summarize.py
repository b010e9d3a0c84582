"""Extractive story summaries: source-linked, deduplicated, 3-5 sentences."""

from __future__ import annotations

from datetime import datetime

from rasid.models import Document
from rasid.stories.summarize import pick_title, summarize_story
from rasid.text.normalize import normalize

LEAD = "وصل الرئيس السوري أحمد الشرع صباح اليوم الأربعاء إلى موسكو في زيارة رسمية يلتقي خلالها الرئيس فلاديمير بوتين."


def doc(doc_id: str, day: str, title: str, body: str) -> Document:
    return Document(id=doc_id, text=body, raw_text=body, source_path="", fmt="txt", title=title,
                    published=datetime.fromisoformat(day))


DOCS = [
    doc("a", "2026-01-28", "الشرع يصل إلى موسكو في زيارة رسمية",
        LEAD + "\nويرافق الرئيس وفد يضم وزير الخارجية أسعد الشيباني ووزير الدفاع مرهف أبو قصرة."
        "\nوتتناول المحادثات مستقبل القاعدتين الروسيتين في حميميم وطرطوس والتعاون الاقتصادي."),
    # The same lead re-published by a second outlet (with diacritics): must not appear twice.
    doc("b", "2026-01-28", "الرئيس الشرع في موسكو للقاء بوتين",
        "وَصَلَ الرئيس السوري أحمد الشرع صباح اليوم الأربعاء إلى موسكو في زيارة رسمية يلتقي خلالها الرئيس "
        "فلاديمير بوتين.\nوقال المتحدث باسم الكرملين ديمتري بيسكوف إن الزيارة زيارة عمل وليست زيارة دولة."
        "\nوأضاف بيسكوف أن الرئيسين سيبحثان الوضع في سوريا والتعاون العسكري والتجاري."),
    doc("c", "2026-01-29", "بوتين والشرع يبحثان مصير القواعد الروسية",
        "عقد الرئيسان بوتين والشرع محادثات مطولة في الكرملين تناولت الوجود العسكري الروسي في سوريا."
        "\nواتفق الجانبان على تشكيل لجنة مشتركة لبحث مستقبل قاعدة حميميم الجوية وميناء طرطوس."
        "\nطقس."),
]


def test_summary_sentences_are_linked_deduplicated_and_bounded() -> None:
    title, sents = summarize_story(DOCS, max_sentences=5)
    assert title in {d.title for d in DOCS}
    assert 3 <= len(sents) <= 5
    texts = {d.id: d.text for d in DOCS}
    for s in sents:
        assert texts[s.doc_id][s.start:s.end] == s.text
    keys = [normalize(s.text) for s in sents]
    assert len(set(keys)) == len(keys)
    # The lead published by two outlets is one fact: at most one copy, and it is there (it is central).
    lead_copies = [s for s in sents if normalize("صباح اليوم الأربعاء") in normalize(s.text)]
    assert len(lead_copies) == 1
    assert all(len(s.text.split()) >= 5 for s in sents)  # fragments like "طقس." are never picked


def test_max_sentences_and_order() -> None:
    _, sents = summarize_story(DOCS, max_sentences=3)
    assert len(sents) == 3
    order = {"a": 0, "b": 1, "c": 2}
    keys = [(order[s.doc_id], s.start) for s in sents]
    assert keys == sorted(keys)


def test_title_is_the_most_central_headline() -> None:
    other = doc("d", "2026-01-28", "ارتفاع أسعار النفط في الأسواق الآسيوية", "ارتفعت أسعار النفط اليوم.")
    assert pick_title(DOCS + [other]) != other.title
    assert pick_title([]) == ""


def test_background_sentences_are_ranked_down():
    from rasid.stories.summarize import is_background

    assert is_background("وكان الرئيس الشرع قد زار موسكو منتصف أكتوبر الماضي في أول لقاء مع بوتين.")
    assert is_background("يُذكر أن الرئيس الشرع زار روسيا لأول مرة في أكتوبر 2025.")
    assert not is_background("التقى الرئيس السوري أحمد الشرع الرئيس الروسي فلاديمير بوتين في الكرملين الأربعاء.")


def test_an_untitled_story_is_named_by_its_earliest_lead_sentence() -> None:
    """Raw one-paragraph text files carry no headline: the story is named by the earliest article's first
    sentence, cut at a word boundary when long, instead of an empty title."""
    late = doc("z", "2026-01-29", "", "بحث الرئيسان التعاون العسكري. وتفاصيل أخرى.")
    early = doc("y", "2026-01-28", "", LEAD[:-1] + " ووصل معه وفد كبير يضم وزراء الخارجية والدفاع والاقتصاد والطاقة والنقل.")
    title = pick_title([late, early])
    assert title.startswith("وصل الرئيس السوري أحمد الشرع") and title.endswith("…")
    assert len(title) <= 121 and early.text.startswith(title[:-1])
    assert pick_title([late]) == "بحث الرئيسان التعاون العسكري."
    assert pick_title([doc("e", "2026-01-28", "", "   ")]) == ""
    assert pick_title([late, DOCS[0]]) == DOCS[0].title  # a titled article still names the story
