"""Attributed claims: who is quoted, what they claim, and which slot/value it fills.

Three attribution shapes cover most Arabic news prose:
  * speech verb + speaker + إن/أن/: («قال المتحدث باسم الكرملين ديمتري بيسكوف إن ...»);
  * «نقلت صحيفة X عن مصدر ... قوله» (speaker = the source, relayed by X);
  * «بحسب / وفق / نقلاً عن وكالة X» (speaker = X).
Sentences in the outlet's own voice become claims (speaker None) only when they
fill a known slot, e.g. «وصل الشرع إلى موسكو في زيارة رسمية» -> visit_type=official.

Slot values are normalised so outlets can be compared: visit_type in
{state, official, working, private} (the most specific qualifier wins, so
«زيارة عمل رسمية» is "working": it is a working visit described as official);
meeting_mode in {in_person, phone, video}; count as "<number> <noun stem>";
date as ISO; place as the LOC entity id (or its normalised text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rasid.models import Claim, Document, Mention, TimeExpression
from rasid.normalize import normalize_with_offsets
from rasid.temporal import find_dates
from rasid.textspan import Span, sentences

_SPEECH = (
    r"(?:قال|قالت|يقول|تقول|اكد|اكدت|يوكد|توكد|اعلن|اعلنت|يعلن|تعلن|اوضح|اوضحت|اضاف|اضافت|صرح|صرحت|"
    r"ذكر|ذكرت|اشار|اشارت|افاد|افادت|كشف|كشفت|شدد|شددت|نفي|نفت|وصف|وصفت|اعتبر|اعتبرت|راي|رات|"
    r"لفت|لفتت|اوضحت|ابلغ|ابلغت|نقل|نقلت)"
)
_SPEECH_RE = re.compile(rf"(?<!\w)[وف]?{_SPEECH}(?!\w)")
_COMPLEMENT_RE = re.compile(r"(?<!\w)(?:ان|انه|انها|انهم|بان|بانه|بانها)(?!\w)|[:«\"“]")
_RELAY_RE = re.compile(r"(?<!\w)عن(?!\w)")
_ACCORDING_RE = re.compile(r"(?<!\w)[وف]?(?:بحسب|حسب|وفق|وفقا\s+ل|طبقا\s+ل|نقلا\s+عن)\s*")
_ANON_RE = re.compile(
    r"(?:مصدر|مصادر|مسوول|مسوولون|مسوولين|دبلوماسي|دبلوماسيون|شهود|ناشطون|مراقبون|خبراء|متحدث)[\w\s]{0,30}?"
    r"(?=\s+(?:قوله|قولها|ان|بان|:)|$)"
)

_VISIT_TYPES = [("زياره دوله", "state"), ("زياره عمل", "working"), ("زياره رسميه", "official"),
                ("زياره خاصه", "private")]
_PHONE_RE = re.compile(r"هاتف|مكالمه")
_VIDEO_RE = re.compile(r"(?:عبر|بتقنيه|بواسطه)\s+(?:الفيديو|الاتصال المرئي|الفيديو كونفرانس)|افتراضي")
_IN_PERSON_RE = re.compile(r"(?<!\w)[وفبل]?(?:التقي|يلتقي|لقاء|اجتمع|اجتماع|قمه|استقبل|يستقبل|وجها لوجه|زيار|زار)")
_NUM_WORDS = r"عشرات|مئات|الاف|الوف|ملايين|ثلاثه|اربعه|خمسه|سته|سبعه|ثمانيه|تسعه|عشره|الف|مليون"
_COUNT_RE = re.compile(rf"(?<![\w.,])(\d[\d,.]*|{_NUM_WORDS})\s+(?:من\s+)?((?:ال)?[\u0621-\u064A]{{3,}})")
_COUNT_SKIP = {"يناير", "فبراير", "مارس", "ابريل", "مايو", "يونيو", "يوليو", "اغسطس", "سبتمبر", "اكتوبر",
               "نوفمبر", "ديسمبر", "كانون", "شباط", "اذار", "نيسان", "ايار", "حزيران", "تموز", "اب", "ايلول",
               "تشرين", "عام", "العام", "سنه", "يوم", "ايام", "يوما", "ساعه", "ساعات", "دقيقه", "دقايق",
               "شهر", "اشهر", "اسبوع", "اسابيع", "بالميه", "بالمئه", "في", "الي", "من", "عن", "على", "علي",
               "كيلومتر", "كلم", "كم", "متر", "هـ", "م"}
_PLACE_PREP_RE = re.compile(r"(?:(?<!\w)(?:في|إلى|الى|من|داخل|قرب)\s+|(?<!\w)[بل])$")
_TOPICS = [("phone", re.compile(r"هاتف|مكالمه")), ("visit", re.compile(r"زيار|(?<!\w)[وف]?زار|يزور|وصل")),
           ("withdrawal", re.compile(r"انسحاب|انسحب|ينسحب|سحب|اخلاء|اخلي")),
           ("meeting", re.compile(r"التقي|يلتقي|لقاء|اجتمع|اجتماع|قمه|محادثات|مباحثات")),
           ("agreement", re.compile(r"اتفاق|صفقه|وقع|توقيع"))]


@dataclass
class _Attribution:
    claim_start: int
    claim_end: int
    speaker: Mention | None
    speaker_text: str | None


def find_claims(doc: Document, mentions: list[Mention]) -> list[Claim]:
    """Attributed and slot-bearing claims of ``doc`` with offsets into ``doc.text``."""
    mentions = sorted((m for m in mentions if m.doc_id == doc.id), key=lambda m: m.start)
    timexes = find_dates(doc.id, doc.text, doc.published)
    out: list[Claim] = []
    for sent in sentences(doc.text):
        sent_mentions = [m for m in mentions if sent.start <= m.start and m.end <= sent.end]
        attr = _attribute(sent, sent_mentions)
        start, end = (attr.claim_start, attr.claim_end) if attr else (sent.start, sent.end)
        slots = _slots(doc.text, start, end, sent_mentions, timexes)
        if attr is None and not slots:
            continue
        for slot, value in slots or [(None, None)]:
            out.append(Claim(
                id=f"{doc.id}:cl{len(out)}", doc_id=doc.id, start=start, end=end, text=doc.text[start:end],
                outlet=doc.outlet, speaker=attr.speaker.entity_id if attr and attr.speaker else None,
                speaker_text=_speaker_text(attr), slot=slot, value=value,
            ))
    return out


def claim_context(claim: Claim, doc: Document) -> tuple[str | None, date | None]:
    """(topic, anchor date) of a claim: which event it is about, and when; used to cluster claims."""
    norm, _ = normalize_with_offsets(doc.text[claim.start:claim.end])
    topic = next((name for name, rx in _TOPICS if rx.search(norm)), None)
    sent = next((s for s in sentences(doc.text) if s.start <= claim.start < s.end), None)
    lo, hi = (sent.start, sent.end) if sent else (claim.start, claim.end)
    tx = [t for t in find_dates(doc.id, doc.text[lo:hi], doc.published) if t.value and len(t.value) == 10]
    if tx:
        return topic, date.fromisoformat(tx[0].value)
    return topic, doc.published.date() if doc.published else None


# --------------------------------------------------------------- attribution


def _speaker_text(attr: _Attribution | None) -> str | None:
    if attr is None:
        return None
    if attr.speaker is not None:
        return attr.speaker.text
    return attr.speaker_text


def _attribute(sent: Span, mentions: list[Mention]) -> _Attribution | None:
    norm, offs = normalize_with_offsets(sent.text)

    def abs_(i: int) -> int:
        return sent.start + offs[min(i, len(offs) - 1)]

    m = _ACCORDING_RE.search(norm)
    if m:
        src_end = _phrase_end(norm, m.end())
        speaker = _pick_speaker(mentions, abs_(m.end()), abs_(src_end))
        if m.start() < 3:  # "بحسب X، ..." leads: the claim follows
            claim_s, claim_e = abs_(src_end), sent.end
        else:
            claim_s, claim_e = sent.start, abs_(m.start())
        anon = _ANON_RE.match(norm, m.end())
        anon_text = _clean_anon(sent.text[offs[anon.start()]:offs[anon.end()]]) if anon and not speaker else None
        return _Attribution(*_trim(sent, claim_s, claim_e), speaker, anon_text)
    v = _SPEECH_RE.search(norm)
    if not v:
        return None
    comp = _COMPLEMENT_RE.search(norm, v.end())
    if not comp:
        return None
    zone_s, zone_e = v.end(), comp.start()
    relay = _RELAY_RE.search(norm, zone_s, zone_e)
    if relay:  # نقلت صحيفة X عن مصدر ...: the quoted one follows عن
        via = _pick_speaker(mentions, abs_(zone_s), abs_(relay.start()))
        zone_s = relay.end()
    else:
        via = None
    speaker = _pick_speaker(mentions, abs_(zone_s), abs_(zone_e))
    anon_text = None
    if speaker is None:
        anon = _ANON_RE.search(norm, zone_s, zone_e + 1)
        anon_text = _clean_anon(sent.text[offs[zone_s]:offs[zone_e]]) if anon else None
        if anon_text and via is not None:
            anon_text = f"{anon_text} (عبر {via.text})"
    if speaker is None and anon_text is None:
        return None
    return _Attribution(*_trim(sent, abs_(comp.end()), sent.end), speaker, anon_text)


def _clean_anon(text: str) -> str:
    return re.sub(r"\s+(?:قوله|قولها|قولهم)\s*$", "", text.strip(" ،,:"))


def _phrase_end(norm: str, i: int) -> int:
    m = re.compile(r"[،,:]|\s(?:ان|فان|فقد|قد)\s").search(norm, i)
    return m.start() if m else len(norm)


def _pick_speaker(mentions: list[Mention], lo: int, hi: int) -> Mention | None:
    """A person in the zone beats an organisation (the spokesman, not the Kremlin)."""
    inside = [m for m in mentions if lo <= m.start and m.end <= hi]
    for kind in ("PER", "ORG", "LOC"):
        cands = [m for m in inside if m.type == kind]
        if cands:
            return cands[-1] if kind == "PER" else cands[0]
    return None


def _trim(sent: Span, s: int, e: int) -> tuple[int, int]:
    text = sent.text
    lo, hi = s - sent.start, e - sent.start
    strip = " \t،,:«»\"“”.؛"
    while lo < hi and text[lo] in strip:
        lo += 1
    while hi > lo and text[hi - 1] in strip:
        hi -= 1
    if hi <= lo:
        return sent.start, sent.end
    return sent.start + lo, sent.start + hi


# --------------------------------------------------------------------- slots


def _slots(text: str, start: int, end: int, mentions: list[Mention], timexes: list[TimeExpression]):
    norm, offs = normalize_with_offsets(text[start:end])
    out: list[tuple[str, str]] = []
    for phrase, value in _VISIT_TYPES:
        if phrase in norm:
            out.append(("visit_type", value))
            break
    if _VIDEO_RE.search(norm):
        out.append(("meeting_mode", "video"))
    elif _PHONE_RE.search(norm):
        out.append(("meeting_mode", "phone"))
    elif _IN_PERSON_RE.search(norm):
        out.append(("meeting_mode", "in_person"))
    topic = next((name for name, rx in _TOPICS if rx.search(norm)), None)
    if topic:
        days = [t for t in timexes if start <= t.start and t.end <= end and t.value and t.granularity == "day"]
        if days:
            out.append(("date", days[0].value))
        places = [m for m in mentions if m.type == "LOC" and start <= m.start and m.end <= end
                  and _PLACE_PREP_RE.search(text[max(start, m.start - 6):m.start])]
        if places and topic in ("visit", "withdrawal", "meeting"):
            p = places[0]
            out.append(("place", p.entity_id or normalize_with_offsets(p.text)[0]))
    for m in _COUNT_RE.finditer(norm):
        noun = m.group(2)
        if noun in _COUNT_SKIP or any(t.start <= start + offs[m.start()] < t.end for t in timexes):
            continue
        noun = noun[2:] if noun.startswith("ال") and len(noun) >= 6 else noun
        out.append(("count", f"{m.group(1).replace(',', '')} {noun}"))
    return out
