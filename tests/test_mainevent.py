"""The headline main-event rule (rasid.stories.mainevent) on the error families of the July 2018 dev headlines.

Each headline below is written for this test in the style of the dev set's error families (no corpus text);
every assertion but the one marked «as before» failed on the rule before the cue families, the
speaker/tag reading of «X: ...», the background clauses and the masks were added (the old reading is given
in the comment).
"""

from __future__ import annotations

from rasid.models import Document, Event
from rasid.stories.mainevent import headline_act, main_event


def act(text: str) -> str | None:
    found = headline_act(text)
    return found[0] if found else None


def test_verb_persons_and_masdar_endings_are_cues() -> None:
    assert act("الأمم المتحدة تتهم قوات حكومية بقتل مدنيين") == "accuse-charge"  # was assault-kill («بقتل»)
    assert act("النيابة تتهم وزيرا سابقا بالفساد قبيل الانتخابات") == "accuse-charge"  # was agree-appoint
    assert act("الرئيس الصيني يختتم زيارته إلى الإمارات") == "consult-visit"  # «زيارته»: was None
    assert act("المفوضية الأوروبية تغرّم شركة تقنية 4 مليارات يورو") == "sanction-impose"  # was None
    assert act("البرلمان يمرر قانونا جديدا لمكافحة الفساد") == "agree-vote"  # was None


def test_a_cue_never_matches_inside_another_word_or_a_named_thing() -> None:
    assert act("المريخ في أقرب نقطة من الأرض منذ 15 عاما") is None  # «أقرب» is no «أقر»: was agree-vote
    assert act("الرئيس يقرر إعادة تنظيم مكتبه") is None  # «يقرر» is no «يقر»: was agree-vote
    assert act("هاتف ذكي جديد بشاشة قابلة للطي") is None  # was consult-phone
    assert act("مسح زلزالي جديد للحقول البحرية") is None  # a nisba adjective: was disaster-quake


def test_a_place_or_source_before_a_colon_is_a_tag_a_person_is_a_speaker() -> None:
    assert act("تونس: جدل واسع في البرلمان") is None  # a place tag, no act: was statement-speech
    assert act("تقارير: الجاسوسة الروسية التقت بمسؤولين كبار") == "consult-meet"  # was statement-speech
    assert act("ترامب: لم أكن أعلم باجتماع ابني مع الروس") == "statement-speech"  # a quote: was consult-meet
    assert act("الخارجية الإيرانية: سنرد بحزم إذا منعت واشنطن صادراتنا") == "threaten-warn"  # was statement
    assert act("زلزال قوي في إندونيسيا: مقتل 14 شخصا") == "disaster-quake"  # the tag names the toll's cause: was assault-kill


def test_an_occasion_clause_or_a_question_is_not_the_news() -> None:
    assert act("أسعار النفط تتراجع بعد تغريدة ترامب") is None  # was statement-speech
    assert act("لماذا استقال وزير الخارجية البريطاني؟") is None  # an explainer: was concede-resign
    assert act("مقتل 35 مهاجرا بعد غرق قاربهم قبالة تونس") == "disaster-shipwreck"  # a toll yields to its cause (as before)
    assert act("ارتفاع عدد القتلى في مسيرات العودة") == "assault-kill"  # deaths at a protest: was protest-demo


def test_a_titled_article_whose_headline_names_no_act_has_no_act() -> None:
    doc = Document(id="f", text="نظم آلاف المتظاهرين مسيرة في عمّان احتجاجا على الأسعار.", raw_text="",
                   source_path="", fmt="txt", title="الأسعار في عمّان.. القصة الكاملة")
    ev = Event(id="f:ev0", doc_id="f", type="PROTEST", sent_start=0, sent_end=30, mode="demo",
               actors=["org:x"], place="loc:amman")
    got = main_event(doc, [ev], [])
    assert got.act is None and got.type is None  # was protest-demo, read from the lead
    assert got.place == "loc:amman" and got.actors == {"org:x"}  # actors and place still come from the lead
