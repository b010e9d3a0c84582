"""The main event of an article: the act its headline and lead report, typed, dated and with its actors.

Story clustering needs to know *which act* an article reports, not only what it is about: a resignation and
the designation of a successor, a call and a visit between the same leaders, share nearly every word and
name, yet they are different stories. The act is read from the headline (the first-named act decides, as
in the labelling rule of eval/stories/LABELLING.md) with the curated cues of ``story_acts.tsv``. A headline
that names no act (a feature, an explainer, a market or sport report) gives no act: on the July 2018 dev
headlines, reading an act from the lead instead turned far more act-less articles into wrong acts than it
found missed ones (type accuracy 0.86 -> 0.76). Only an untitled document has its first sentence read as
its headline and, failing that, the first lead event of rasid's PLOVER coder. Actors and place come from the
coder's lead events; the date is a day the lead names explicitly (``None`` when it names none, so that
callers fall back to the publication day). With ``[stories.cluster] headline_model`` a title's act is read
by the cues and then the trained headline classifier (``model_act``, rasid.stories.headline_clf); off by
default, because it gains on months the cues were not tuned on but not on the July dev set
(docs/results/stories.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from rasid import resources
from rasid.config import EmbedConfig
from rasid.extract.gazetteer import Gazetteer
from rasid.models import Document, Event, Mention, TimeExpression
from rasid.stories.embed import lead_text
from rasid.text.normalize import normalize
from rasid.text.spans import sentences

# Acts whose reports keep coming for days about one occurrence (a storm, an eruption, a shipwreck's search):
# the date gap between two reports of them is no evidence of two events.
CONTINUING_TYPES = frozenset({"DISASTER"})

# Acts that yield to the attack or disaster the same headline names: «deaths after a boat sinks» is a
# shipwreck, «dead in a strike» a strike; the toll of a protest is still an assault on the protesters.
WEAK_ACTS = frozenset({"assault-kill"})
CAUSE_TYPES = frozenset({"ASSAULT", "DISASTER"})
# What a quoted speaker's words can make of a «X: quote» headline other than a statement (labelling rule
# of eval/stories/HEADLINE_EVENTS.md): an accusation or a threat; any other act in a quote is its topic.
QUOTE_TYPES = frozenset({"ACCUSE", "THREATEN"})
STATEMENT_ACT = "statement-speech"
_SPECIAL = frozenset({"none", "background", "tag", "question"})  # lexicon groups that are not acts
_TAG_WORDS = 4  # a headline prefix before «:» of at most this many words is a tag or a speaker
_PREFIX = r"(?<!\w)[وف]?(?:[بلك]|س(?=[يتن]))?(?:ال|ل)?"  # conjunction, preposition or future, article
# Endings a cue may carry: pronouns, plural, dual, feminine verb; never the nisba ي («زلزالي» is no quake).
_SUFFIX = r"(?:ات|اته|اتها|اتهم|ه|ها|هم|هما|هن|ت|ته|تها|تهم|تا|تان|تين|ون|ين|ان|ا|وا|ني|نا|كم)?(?!\w)"
_QUOTES = re.compile(r'["«»“”]')  # a colon inside an open quotation is part of a title, not a tag
# A quote in the first person («لم أعلم», «نحن», «لسنا»): the speaker's words are the news, and an act they
# name is their topic («ترامب: لم أعلم باجتماع ابني مع الروس» is a statement, not a meeting).
_FIRST_PERSON = re.compile(r"(?<!\w)(?:(?:لم|لن|لا) [ان]\w+|انا|نحن|اننا|انني|لست|لسنا)(?!\w)")
_SEGMENT = re.compile(r"\.\.+|[:|؛]|\s[-–]\s")  # «X.. Y», «X: Y», «X | Y», «X - Y»


def _forms(cue: str) -> list[str]:
    """A normalised cue and, for a masdar in ة, its construct and plural stems («زيارته», «زيارات»)."""
    out = [cue]
    if cue.endswith("ه") and " " not in cue:
        out += [cue[:-1] + "ت", cue[:-1] + "ات"]
    return out


def _compile(cues: tuple[str, ...]) -> re.Pattern[str]:
    forms = sorted({f for c in cues for f in _forms(normalize(c))}, key=len, reverse=True)
    return re.compile(_PREFIX + "(?P<cue>" + resources.alternation(tuple(forms)) + ")" + _SUFFIX)


@cache
def _lexicon() -> tuple[list[tuple[str, re.Pattern[str]]], dict[str, re.Pattern[str]], frozenset[str]]:
    """(act patterns, special-group patterns, question words) from ``story_acts.tsv``."""
    groups = resources.lexicon_groups("story_acts.tsv")
    acts = [(g, _compile(cues)) for g, cues in groups.items() if g not in _SPECIAL]
    special = {g: _compile(groups[g]) for g in ("none", "background", "tag")}
    return acts, special, frozenset(normalize(q) for q in groups["question"])


@cache
def _gazetteer() -> Gazetteer:
    return Gazetteer.load()


@dataclass(frozen=True)
class MainEvent:
    """What an article reports: act (``plover-mode`` lexicon group), PLOVER type and mode, day, actors, place."""

    act: str | None = None
    type: str | None = None
    mode: str | None = None
    date: str | None = None  # ISO day named in the lead, else None
    actors: frozenset[str] = frozenset()
    place: str | None = None
    places: frozenset[str] = frozenset()  # places named in the first sentence (LOC entity ids)

    @property
    def continuing(self) -> bool:
        """A long physical event: its reports span days without being new events."""
        return self.type in CONTINUING_TYPES


@dataclass(frozen=True)
class _Cue:
    act: str
    start: int  # where the cue word starts (after its clitics), in the normalised headline
    length: int  # length of the cue itself: a longer cue at the same place is the more specific reading
    background: bool  # inside a clause giving the occasion or cause («بعد ...», «إثر ...»)


def _segments(norm: str) -> list[tuple[int, int]]:
    """Spans of the headline's parts between «..», «:», «|» or a dash."""
    out, pos = [], 0
    for m in _SEGMENT.finditer(norm):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(norm)))
    return out


def _is_question(text: str, questions: frozenset[str]) -> bool:
    words = text.split()
    return bool(words) and (words[0] in questions or " ".join(words[:2]) in questions
                            or text.rstrip().endswith("؟"))


def _cues(norm: str) -> list[_Cue]:
    """Every act cue of a normalised text, in reading order; cues inside a ``none`` phrase or a question
    segment are dropped, those inside a background clause (up to the segment's end) are marked."""
    acts, special, questions = _lexicon()
    masked = [m.span() for m in special["none"].finditer(norm)]
    for a, b in _segments(norm):
        if _is_question(norm[a:b], questions):
            masked.append((a, b))
    background = []
    segs = _segments(norm)
    for m in special["background"].finditer(norm):
        end = next((b for a, b in segs if a <= m.start() < b), len(norm))
        background.append((m.start(), end))
    out = []
    for act, rx in acts:
        for m in rx.finditer(norm):
            s, e = m.span("cue")
            if any(a <= s < b or a < e <= b for a, b in masked):
                continue
            out.append(_Cue(act, s, e - s, any(a <= s < b for a, b in background)))
    return sorted(out, key=lambda c: (c.start, -c.length, c.act))


def _pick(cues: list[_Cue]) -> tuple[str, int] | None:
    """The first-named act of the foreground; a death toll named first is the toll of the attack or
    disaster named anywhere in the headline («قتلى بعد غرق قارب», «مقتل متظاهرين في قصف»), else it yields
    to the next act named, except a protest (the deaths of protesters are the news)."""
    fore = [c for c in cues if not c.background]
    if not fore:
        return None
    first = fore[0]
    if first.act in WEAK_ACTS:
        cause = next((c for c in cues if c.act not in WEAK_ACTS and split_act(c.act)[0] in CAUSE_TYPES), None)
        if cause is not None:
            return cause.act, cause.start
        strong = next((c for c in fore if c.act not in WEAK_ACTS), None)
        if strong is not None and split_act(strong.act)[0] != "PROTEST":  # deaths at a protest: an assault
            return strong.act, strong.start
    return first.act, first.start


def _head_is_tag(head: str) -> bool:
    """Whether a short prefix before «:» is a tag (a place, a topic, a source, an occasion) rather than a
    speaker whose words follow: «مالي: ...», «قمة ترامب وكيم: ...», «تقرير: ...» vs «بومبيو: ...»."""
    _, special, _ = _lexicon()
    words = head.split()
    if not words or words[0] == "في" or special["tag"].search(head) or special["background"].match(head):
        return True
    if _cues(head):
        return True
    tokens = [w for w in words if w not in ("و", "في")]
    spans = _gazetteer().match(tokens)
    covered = sum(b - a for a, b, types, _ in spans
                  if any(t.startswith("LOC") for t in types) and not any(t.startswith("PER") for t in types))
    return covered == len(tokens)


def headline_act(text: str) -> tuple[str, int] | None:
    """The act a headline reports as (act, position); ``None`` when it names none.

    The first-named act of the headline's foreground decides. A short prefix before a colon is either a
    tag («مالي: ...», «قمة ترامب وكيم: ...»: the act is read after it, the tag's own act standing in for
    a mere death toll or when the rest names none) or a speaker or source («المرصد: ...»): the act it
    reports, else a statement; a first-person quote («ترامب: لم أعلم ...») is a statement unless it
    accuses or threatens.
    """
    norm = normalize(text)
    head, sep, rest = norm.partition(":")
    if sep and rest.strip() and len(head.split()) <= _TAG_WORDS and len(_QUOTES.findall(head)) % 2 == 0:
        if _is_question(rest, _lexicon()[2]):
            return _pick(_cues(head))  # «X: a question?» is an explainer: only the tag can name an act
        off = len(head) + 1
        found = [replace(c, start=c.start + off) for c in _cues(rest)]
        if not _head_is_tag(head):
            if not _FIRST_PERSON.search(rest):  # «المرصد: 60 آلية روسية تنسحب ...»: the source reports an act
                return _pick(found) or (STATEMENT_ACT, 0)
            quoted = next((c for c in found if not c.background and split_act(c.act)[0] in QUOTE_TYPES), None)
            return (quoted.act, quoted.start) if quoted else (STATEMENT_ACT, 0)
        tag = _cues(head)
        picked = _pick(found)
        if picked is None or picked[0] in WEAK_ACTS:
            return _pick([c for c in tag if c.act not in WEAK_ACTS] + found) or picked or _pick(tag)
        return picked
    return _pick(_cues(norm))


def _since(text: str, start: int) -> bool:
    """A day introduced by «منذ» (since) starts an act still going on: it is not the day of the news."""
    return normalize(text[max(0, start - 8):start]).split()[-1:] == ["منذ"]


def split_act(act: str) -> tuple[str, str | None]:
    """``"consult-phone"`` -> (``"CONSULT"``, ``"phone"``)."""
    kind, _, mode = act.partition("-")
    return kind.upper(), mode or None


def model_act(title: str, found: tuple[str, int] | None) -> tuple[str, int] | None:
    """The cue reader's act ``found`` for ``title``, overridden by the trained headline classifier
    (rasid.stories.headline_clf) where it is confident of another type: its type without a mode
    («accuse»), or no act when it is confident the headline reports none."""
    from rasid.stories.headline_clf import NONE, shipped  # the classifier imports this module's reader

    reading = shipped().read(title)
    if reading.type == (split_act(found[0])[0] if found else NONE):
        return found
    return None if reading.type == NONE else (reading.type.lower(), 0)


def main_event(doc: Document, events: list[Event] = (), timexes: list[TimeExpression] = (),
               lead_chars: int = EmbedConfig().lead_chars, mentions: list[Mention] = (),
               headline_model: bool = False) -> MainEvent:
    """The article's main event from its headline and lead (see the module docstring for the rule);
    ``headline_model``: a title's act is read by ``model_act`` (cues, then the trained classifier)."""
    first = sentences(doc.text[:lead_chars * 2])
    lead_end = len(lead_text(doc, n_sentences=2, max_chars=lead_chars)) + 50
    lead_events = [e for e in events if e.sent_start < lead_end and not e.background]
    titled = bool(doc.title and doc.title.strip())
    if titled:
        found = headline_act(doc.title)
        if headline_model:
            found = model_act(doc.title, found)
    else:
        found = headline_act(first[0].text) if first else None
    if found is not None:
        ev_type, mode = split_act(found[0])
        act = found[0]
    elif lead_events and not titled:
        ev_type, mode = lead_events[0].type, lead_events[0].mode
        act = f"{ev_type.lower()}-{mode}" if mode else ev_type.lower()
    else:
        ev_type = mode = act = None
    actors: set[str] = set()
    for e in lead_events[:3]:
        actors.update(e.actors)
        actors.update(e.targets)
    place = next((e.place for e in lead_events if e.place), None)
    days = sorted((t.start, t.value) for t in timexes
                  if t.value and t.granularity == "day" and len(t.value) == 10 and t.start < lead_end
                  and not _since(doc.text, t.start))
    first_end = first[0].end if first else 0
    places = frozenset(m.entity_id or normalize(m.text) for m in mentions if m.type == "LOC" and m.start < first_end)
    return MainEvent(act, ev_type, mode, days[0][1] if days else None, frozenset(actors), place, places)
