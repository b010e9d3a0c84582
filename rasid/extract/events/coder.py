"""Event coding: who did what to whom, where and when, typed with PLOVER.

One event per (sentence, PLOVER type). Roles come from word order around the
trigger: Arabic news is mostly VSO ("التقى بوتين الشرع"), so with no actor
before a verb the first person/organisation after it is the actor and the rest
are targets; a noun trigger ("زيارة الشرع إلى موسكو") takes the entity that
follows it as actor. Places are LOC mentions introduced by في/إلى/من, or the
object of a visit ("زار موسكو").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from rasid import resources
from rasid.config import EventsConfig
from rasid.extract.events.classifier import EventClassifier
from rasid.extract.events.learned import Coded, LearnedCoder
from rasid.extract.events.lexicon import EventLexicon, Trigger, stem_candidates
from rasid.models import Document, Event, Mention, TimeExpression
from rasid.text.normalize import normalize
from rasid.text.spans import Span, sentences, tokens

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
        code = self._code_learned if self.learned is not None else self._code_sentence
        for sent in sentences(doc.text) if sents is None else sents:
            events.extend(code(doc, sent, mentions, timexes, len(events)))
        flagged = [e.background for e in events]
        _mark_background(events, doc, self.config.background_gap_days)
        if self.learned is not None:  # the learned cue flag («كانت ... قد», «منذ») or the date rule
            for e, bg in zip(events, flagged, strict=True):
                e.background = e.background or bg
        return events

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

    def _code_learned(self, doc: Document, sent: Span, mentions: list[Mention], timexes: list[TimeExpression],
                      n0: int) -> list[Event]:
        """Events of one sentence from the learned coder; roles mapped to entity ids through the mentions."""
        sent_mentions = [m for m in mentions if sent.start <= m.start and m.end <= sent.end]
        rel = [(m.start - sent.start, m.end - sent.start, m.type) for m in sent_mentions]
        coded = self.learned.code(sent.text, rel)
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
            ev_date, ev_end, ev_gran = _event_date(sent_timexes, doc, hit.start)
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


def _event_date(timexes: list[TimeExpression], doc: Document,
                trigger_at: int) -> tuple[str | None, str | None, str | None]:
    """(date, date_end, granularity) of the sentence's timex nearest the trigger (finer granularity
    breaks ties), else the publication day (its local calendar day)."""
    dated = [t for t in timexes if t.value]
    if dated:
        rank = {"day": 0, "week": 1, "month": 2, "year": 3}
        best = min(dated, key=lambda t: (min(abs(t.start - trigger_at), abs(t.end - trigger_at)),
                                         rank.get(t.granularity, 4)))
        return best.value, best.value_end, best.granularity
    if doc.published_local:
        return doc.published_local.date().isoformat(), None, "day"
    return None, None, None


def _period_end(value: str) -> date:
    if len(value) == 4:
        return date(int(value), 12, 31)
    if len(value) == 7:
        y, m = int(value[:4]), int(value[5:7])
        return date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)
    return date.fromisoformat(value[:10])


def _mark_background(events: list[Event], doc: Document, gap_days: int) -> None:
    """Background = ends clearly (``gap_days``, a week by default) before the article's main event
    (its first dated event)."""
    dated = [e for e in events if e.date]
    if not dated:
        return
    main = _period_end(dated[0].date_end or dated[0].date)
    if doc.published_local and main > doc.published_local.date():
        main = doc.published_local.date()
    for e in dated:
        e.background = (main - _period_end(e.date_end or e.date)).days > gap_days
