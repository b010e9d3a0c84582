"""Attributed claims: who is quoted, what they claim, and which slot/value it fills.

Three attribution shapes cover most Arabic news prose:
  * speech verb + speaker + إن/أن/: («قال المتحدث باسم الكرملين ديمتري بيسكوف إن ...»);
  * «نقلت صحيفة X عن مصدر ... قوله» (speaker = the source, relayed by X);
  * «بحسب / وفق / نقلاً عن وكالة X» (speaker = X).
Sentences in the outlet's own voice become claims (speaker None) only when they
fill a known slot, e.g. «وصل الشرع إلى موسكو في زيارة رسمية» -> visit_type=official.

Slot values are normalised so outlets can be compared: visit_type in
{state, official, working, private} (the first qualifier after «زيارة» wins, so
«زيارة عمل رسمية» is "working": it is a working visit described as official);
meeting_mode in {in_person, phone, video}; count as "<number> <noun stem>";
date as ISO; place as the LOC entity id (or its normalised text).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date

from rasid import resources
from rasid.extract.temporal import find_dates
from rasid.extract.temporal_lexicon import FUTURE_CUES
from rasid.models import Claim, Document, Mention, TimeExpression
from rasid.text.normalize import normalize, normalize_with_offsets, words
from rasid.text.spans import Span, sentences

# Curated word lists live in rasid/data/lexicons (speech_verbs.txt, attribution.tsv), in normalised form.
_WORDS = resources.lexicon_groups("attribution.tsv")


_SPEECH = resources.alternation(resources.lexicon("speech_verbs.txt"))
_SPEECH_RE = re.compile(rf"(?<!\w)[وف]?{_SPEECH}(?!\w)")
_COMPLEMENT_RE = re.compile(r"(?<!\w)(?:ان|انه|انها|انهم|بان|بانه|بانها)(?!\w)|[:«\"“]")
_RELAY_RE = re.compile(r"(?<!\w)عن(?!\w)")
_ACCORDING_RE = re.compile(r"(?<!\w)[وف]?(?:بحسب|حسب|وفق|وفقا\s+ل|طبقا\s+ل|نقلا\s+عن)\s*")
_ANON_RE = re.compile(resources.alternation(_WORDS["anonymous_source"]) + r"[\w\s]{0,30}?(?=\s+(?:قوله|قولها|ان|بان|:)|$)")

# «زيارة رسمية», «الزيارة الرسمية», «بزيارته الرسمية»; the first qualifier after the noun is the type.
_VISIT_TYPES = {word: value for value, ws in resources.lexicon_groups("visit_types.tsv").items() for word in ws}
_VISIT_TYPE_RE = re.compile(
    r"(?<!\w)[وفبل]?(?:ال)?زيار(?:ه|ته|تها)\s+(?:ال)?(" + "|".join(map(re.escape, _VISIT_TYPES)) + r")(?!\w)")
_MODES = resources.lexicon_groups("meeting_modes.tsv")
# «زار» only as a whole verb form: «وزارة» (ministry) is و + زار + ة.
_MODE_RES = {mode: re.compile(r"(?<!\w)[وفبل]?(?:" + "|".join(ps) + ")" if mode == "in_person" else "|".join(ps))
             for mode, ps in _MODES.items()}
# «تأتي الزيارة بعد اتصال هاتفي»: a contact mode after بعد/قبل/عقب/منذ describes another, related event.
_RELATED_RE = re.compile(r"(?<!\w)(?:بعد|قبل|عقب|اثر|منذ)\s+(?:\S+\s+){0,4}?(?:من\s+)?(?:\S+\s+)?$")
_NUM_WORDS = "|".join(map(re.escape, _WORDS["number_word"]))
_SCALE_WORDS = "|".join(map(re.escape, _WORDS["scale_word"]))
_COUNT_RE = re.compile(
    rf"(?<![\w.,])(\d[\d,.]*|{_NUM_WORDS})\s+(?:({_SCALE_WORDS})\s+)?(?:من\s+)?((?:ال)?[\u0621-\u064A]{{3,}})"
)
_COUNT_SKIP = frozenset(_WORDS["count_skip"])  # a number before these is a date, a time or a distance
# Words after a speech verb that name no speaker: «أشار إلى أن» (the previous speaker), «وُصفت آنذاك بأنها».
# _NAMED_BY: words after which «…» quotes a name or an addressee («شركة «أرامكو»», «لـ«سانا»»), not speech.
_ZONE_TAIL = frozenset(_WORDS["zone_tail"])
_NAMED_BY = frozenset(_WORDS["named_by"])
_NOT_SPEAKER = frozenset(_WORDS["not_speaker"])
_PLANNED = frozenset(_WORDS["planned"])
_CONTRAST_RE = re.compile(r"[،,]?\s+(?:في حين|فيما|بينما|لكن|غير ان)\s+")
_PLUPERFECT_RE = re.compile(r"(?<!\w)[وف]?كان(?:ت|وا)?\s+(?:\S+\s+){0,5}?قد\s")
_STATEMENT_RE = re.compile(rf"(?:بيان|تصريح|تصريحات|صدر|للصحفيين|للصحافيين|مؤتمر صحفي|{_SPEECH})\W+(?:\S+\W+)?$")
_PLACE_PREP_RE = re.compile(r"(?:(?<!\w)(?:في|إلى|الى|من|داخل|قرب)\s+|(?<!\w)[بل])$")
# (topic, regex) in file order: the first topic found is the claim's (rasid/data/lexicons/claim_topics.tsv).
_TOPICS = [(topic, re.compile("|".join(ps))) for topic, ps in resources.lexicon_groups("claim_topics.tsv").items()]


@dataclass
class _Attribution:
    claim_start: int
    claim_end: int
    speaker: Mention | None
    speaker_text: str | None
    inherit: bool = False  # no subject after the verb («وأشار إلى أن»): the document's previous speaker


def find_claims(doc: Document, mentions: list[Mention], timexes: list[TimeExpression] | None = None,
                sents: list[Span] | None = None, normalized: tuple[str, list[int]] | None = None) -> list[Claim]:
    """Attributed and slot-bearing claims of ``doc`` with offsets into ``doc.text``.

    ``timexes``: ``find_dates(doc.id, doc.text, doc.published_local)`` when the caller already has it (saves a pass);
    ``sents``/``normalized``: the document's sentences and normalisation, likewise (``AnalyzedDoc``).
    """
    mentions = sorted((m for m in mentions if m.doc_id == doc.id), key=lambda m: m.start)
    ctx = DocContext(doc, timexes, sents, normalized)
    out: list[Claim] = []
    last: _Attribution | None = None  # the previous named speaker, for pro-drop «وأضاف أن»
    subheads = _subhead_lines(doc.text)
    for sent in ctx.sentences:
        if any(a <= sent.start and sent.end <= b for a, b in subheads):
            continue  # a section subhead (crosshead) is a heading, not a claim
        for clause in _clauses(sent, ctx):
            clause_mentions = [m for m in mentions if clause.start <= m.start and m.end <= clause.end]
            attr = _attribute(clause, clause_mentions, ctx)
            if attr is not None and attr.inherit:
                if last is None:
                    attr = None
                else:
                    attr.speaker, attr.speaker_text = last.speaker, last.speaker_text
            elif attr is not None and (attr.speaker or attr.speaker_text):
                last = attr
            start, end = (attr.claim_start, attr.claim_end) if attr else (clause.start, clause.end)
            slots = _slots(ctx, start, end, clause_mentions)
            if attr is None and not slots:
                continue
            for slot, value in slots or [(None, None)]:
                out.append(Claim(
                    id=f"{doc.id}:cl{len(out)}", doc_id=doc.id, start=start, end=end, text=doc.text[start:end],
                    outlet=doc.outlet, speaker=attr.speaker.entity_id if attr and attr.speaker else None,
                    speaker_text=_speaker_text(attr), slot=slot, value=value,
                ))
    return out


def _subhead_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of crosshead lines: a short line without final punctuation between two paragraphs."""
    from rasid.ingest.page import is_body_line, is_headline_shaped

    out: list[tuple[int, int]] = []
    pos = 0
    lines = text.split("\n")
    starts = []
    for ln in lines:
        starts.append(pos)
        pos += len(ln) + 1
    for k in range(1, len(lines) - 1):
        ln = lines[k]
        if (is_headline_shaped(ln) and len(ln.split()) <= 10 and not ln.rstrip().endswith(("؟", "?", "»", '"'))
                and not _SPEECH_RE.search(normalize(ln))  # a short statement without its full stop stays
                and is_body_line(lines[k - 1]) and is_body_line(lines[k + 1])):
            out.append((starts[k], starts[k] + len(ln)))
    return out


class DocContext:
    """Per-document work shared by all its claims: timexes, sentences, one normalisation pass."""

    def __init__(self, doc: Document, timexes: list[TimeExpression] | None = None,
                 sents: list[Span] | None = None, normalized: tuple[str, list[int]] | None = None) -> None:
        self.doc = doc
        self.timexes = find_dates(doc.id, doc.text, doc.published_local) if timexes is None else timexes
        self.sentences = sentences(doc.text) if sents is None else sents
        self.norm, self.offs = normalize_with_offsets(doc.text) if normalized is None else normalized

    def span(self, a: int, b: int) -> tuple[str, list[int]]:
        """Like ``normalize_with_offsets(doc.text[a:b])`` without re-normalising."""
        i = bisect_left(self.offs, a, 0, len(self.offs) - 1)
        j = bisect_left(self.offs, b, 0, len(self.offs) - 1)
        return self.norm[i:j], [o - a for o in self.offs[i:j]] + [b - a]


def claim_context(claim: Claim, doc: Document, ctx: DocContext | None = None) -> tuple[str | None, date | None]:
    """(topic, anchor date) of a claim: which event it is about, and when; used to cluster claims.

    Pluperfect background («وكان الشرع قد زار») gets its own topic so it never disputes the news.
    """
    ctx = ctx if ctx is not None and ctx.doc is doc else DocContext(doc)
    norm, _ = ctx.span(claim.start, claim.end)
    topic = next((name for name, rx in _TOPICS if rx.search(norm)), None)
    sent = next((s for s in ctx.sentences if s.start <= claim.start < s.end), None)
    if topic and sent and _PLUPERFECT_RE.search(ctx.span(sent.start, sent.end)[0]):
        topic += "@background"
    t = _event_timex(ctx, claim.start, claim.end)
    if t is not None and t.value:
        if t.granularity in ("day", "week"):
            return topic, date.fromisoformat(t.value[:10])
        if t.granularity == "month":
            return topic, date(int(t.value[:4]), int(t.value[5:7]), 15)
    return topic, doc.published_local.date() if doc.published_local else None


def _clauses(sent: Span, ctx: DocContext) -> list[Span]:
    """Split at contrast markers so «X said A, while Y described it as B» gives two claims."""
    norm, offs = ctx.span(sent.start, sent.end)
    cuts = [offs[m.start()] for m in _CONTRAST_RE.finditer(norm) if m.start() > 10]
    bounds = [0, *cuts, len(sent.text)]
    out = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        piece = sent.text[a:b]
        lead = len(piece) - len(piece.lstrip(" ،,"))
        if piece.strip(" ،,"):
            out.append(Span(sent.start + a + lead, sent.start + b, piece[lead:]))
    return out


def _event_timex(ctx: DocContext, start: int, end: int) -> TimeExpression | None:
    """The timex dating the event the clause talks about: nearest a topic trigger, not a statement date."""
    norm, offs = ctx.span(start, end)
    anchors = [start + offs[m.start()] for _, rx in _TOPICS for m in rx.finditer(norm)]
    if not anchors:
        return None
    best: tuple[int, TimeExpression] | None = None
    for t in ctx.timexes:
        if not (start <= t.start and t.end <= end and t.value):
            continue
        if _STATEMENT_RE.search(ctx.span(max(start, t.start - 25), t.start)[0]):
            continue
        dist = min(abs(t.start - a) for a in anchors)
        if dist <= 90 and (best is None or dist < best[0]):
            best = (dist, t)
    return best[1] if best else None


# --------------------------------------------------------------- attribution


def _speaker_text(attr: _Attribution | None) -> str | None:
    if attr is None:
        return None
    if attr.speaker is not None:
        return attr.speaker.text
    return attr.speaker_text


def _attribute(sent: Span, mentions: list[Mention], ctx: DocContext) -> _Attribution | None:
    norm, offs = ctx.span(sent.start, sent.end)

    def abs_(i: int) -> int:
        return sent.start + offs[min(i, len(offs) - 1)]

    m = _ACCORDING_RE.search(norm)
    if m:
        src_end = _phrase_end(norm, m.end())
        speaker = _pick_speaker(mentions, abs_(m.end()), abs_(src_end), ctx.doc.text)
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
    while comp and comp.group() == "«" and norm[v.end():comp.start()].split()[-1:] in ([w] for w in _NAMED_BY):
        close = norm.find("»", comp.end())  # «أعلنت شركة «أرامكو» أن»: the guillemets quote a name, not speech
        comp = _COMPLEMENT_RE.search(norm, close + 1) if close >= 0 else None
    if not comp:
        return None
    zone_s, zone_e = v.end(), comp.start()
    relay = _RELAY_RE.search(norm, zone_s, zone_e)
    if relay:  # نقلت صحيفة X عن مصدر ...: the quoted one follows عن
        via = _pick_speaker(mentions, abs_(zone_s), abs_(relay.start()), ctx.doc.text)
        zone_s = relay.end()
    else:
        via = None
    speaker = _pick_speaker(mentions, abs_(zone_s), abs_(zone_e), ctx.doc.text)
    anon_text = None
    if speaker is None:
        anon = _ANON_RE.search(norm, zone_s, zone_e + 1)
        anon_text = _clean_anon(sent.text[offs[zone_s]:offs[zone_e]]) if anon else None
        if anon_text and via is not None:
            anon_text = f"{anon_text} (عبر {via.text})"
    inherit = False
    if speaker is None and anon_text is None:
        zone = sent.text[offs[zone_s]:offs[zone_e]].strip(" ،,:")
        zone_norm = norm[zone_s:zone_e].split()
        while zone_norm and zone_norm[-1] in _ZONE_TAIL:  # «ولفتت الوزارة إلى أن» -> الوزارة
            zone_norm.pop()
            zone = zone.rsplit(None, 1)[0] if " " in zone else ""
        if not zone_norm and norm[zone_s:zone_e].split():  # «وأشار إلى أن»: the previous speaker goes on
            inherit = True
        elif not zone_norm or len(zone_norm) > 8 or all(w in _NOT_SPEAKER for w in zone_norm):
            return None
        else:
            anon_text = zone  # no entity found (NER missed it): keep the words naming the speaker
    return _Attribution(*_trim(sent, abs_(comp.end()), sent.end), speaker, anon_text, inherit)


def _clean_anon(text: str) -> str:
    return re.sub(r"\s+(?:قوله|قولها|قولهم)\s*$", "", text.strip(" ،,:"))


def _phrase_end(norm: str, i: int) -> int:
    m = re.compile(r"[،,:]|\s(?:ان|فان|فقد|قد)\s").search(norm, i)
    return m.start() if m else len(norm)


def _pick_speaker(mentions: list[Mention], lo: int, hi: int, text: str = "") -> Mention | None:
    """A person in the zone beats an organisation (the spokesman, not the Kremlin); a place after في/من
    is where the speaker is («مراسل عنب بلدي في القامشلي», «بيان صادر عن الشركة في الرياض»), never the speaker."""
    inside = [m for m in mentions if lo <= m.start and m.end <= hi
              and not (m.type == "LOC" and _PLACE_PREP_RE.search(text[max(0, m.start - 6):m.start]))]
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


def _meeting_mode(norm: str) -> str | None:
    """How the clause's own meeting happened; None for planned meetings and for related earlier ones."""
    for value, rx in _MODE_RES.items():
        m = rx.search(norm)
        if m is None:
            continue
        if _RELATED_RE.search(norm[:m.start()]):
            return None  # «... بعد اتصال هاتفي»: the phone call is the background, not this clause's event
        if value == "in_person" and any(w in FUTURE_CUES or w in _PLANNED for w in words(norm)):
            return None  # a planned meeting says nothing about how they met
        return value
    return None


def _slots(ctx: DocContext, start: int, end: int, mentions: list[Mention]):
    text, timexes = ctx.doc.text, ctx.timexes
    norm, offs = ctx.span(start, end)
    out: list[tuple[str, str]] = []
    vt = _VISIT_TYPE_RE.search(norm)
    if vt:
        out.append(("visit_type", _VISIT_TYPES[vt.group(1)]))
    mode = _meeting_mode(norm)
    if mode:
        out.append(("meeting_mode", mode))
    topic = next((name for name, rx in _TOPICS if rx.search(norm)), None)
    if topic:
        t = _event_timex(ctx, start, end)
        if t is not None and t.granularity == "day":
            out.append(("date", t.value))
        places = [m for m in mentions if m.type == "LOC" and start <= m.start and m.end <= end
                  and _PLACE_PREP_RE.search(text[max(start, m.start - 6):m.start])]
        if places and topic in ("visit", "withdrawal", "meeting"):
            p = places[0]
            out.append(("place", p.entity_id or normalize_with_offsets(p.text)[0]))
    for m in _COUNT_RE.finditer(norm):
        num, scale, noun = m.group(1).replace(",", ""), m.group(2), m.group(3)
        if noun in _COUNT_SKIP or any(t.start <= start + offs[m.start()] < t.end for t in timexes):
            continue
        if num.isdigit() and len(num) == 4 and 1900 <= int(num) <= 2100 and not scale:
            continue  # a year («© 2026 سانا»)
        noun = noun[2:] if noun.startswith("ال") and len(noun) >= 6 else noun
        if noun.endswith("ات") and len(noun) >= 5:
            noun = noun[:-2] + "ه"  # درجات -> درجه, so 5.5 درجات and 5.6 درجة compare
        out.append(("count", f"{num} {scale + ' ' if scale else ''}{noun}"))
    return out
