"""The main event of an article: the act its headline and lead report, typed, dated and with its actors.

Story clustering needs to know *which act* an article reports, not only what it is about: a resignation and
the designation of a successor, a call and a visit between the same leaders, share nearly every word and
name, yet they are different stories. The act is read from the headline (the first-named act decides, as
in the labelling rule of eval/stories/LABELLING.md) with the curated cues of ``story_acts.tsv``; when the
headline names none, the first lead event of rasid's PLOVER coder stands in. Actors and place come from the
coder's lead events; the date is a day the lead names explicitly (``None`` when it names none, so that
callers fall back to the publication day).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rasid import resources
from rasid.config import EmbedConfig
from rasid.models import Document, Event, Mention, TimeExpression
from rasid.stories.embed import lead_text
from rasid.text.normalize import normalize
from rasid.text.spans import sentences

# Acts whose reports keep coming for days about one occurrence (a storm, an eruption, a shipwreck's search):
# the date gap between two reports of them is no evidence of two events.
CONTINUING_TYPES = frozenset({"DISASTER"})

# Acts that yield to any other act named in the same headline: «deaths after a boat sinks» is a shipwreck.
WEAK_ACTS = frozenset({"assault-kill"})
STATEMENT_ACT = "statement-speech"
_TAG_WORDS = 4  # a headline prefix before «:» of at most this many words is a tag or a speaker
_MAX_SUFFIX = 3  # letters a cue may carry after it (pronoun and feminine/plural endings)


def _act_patterns() -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for act, cues in resources.lexicon_groups("story_acts.tsv").items():
        alt = resources.alternation(tuple(sorted({normalize(c) for c in cues}, key=len, reverse=True)))
        out.append((act, re.compile(r"(?<!\w)[وفبل]?(?:ال|ل)?" + alt + rf"\w{{0,{_MAX_SUFFIX}}}(?!\w)")))
    return out


_ACTS = _act_patterns()


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


def _earliest_act(norm: str) -> tuple[str, int] | None:
    """The earliest act cue in normalised text as (act, position), a weak act only when no other is named."""
    best: tuple[bool, int, str] | None = None
    for act, rx in _ACTS:
        m = rx.search(norm)
        key = (act in WEAK_ACTS, m.start(), act) if m else None
        if key and (best is None or key < best):
            best = key
    return (best[2], best[1]) if best else None


def headline_act(text: str) -> tuple[str, int] | None:
    """The act a headline reports as (act, position); ``None`` when it names none.

    A short prefix before a colon is a tag or a speaker («قمة ترامب وكيم: ...», «بومبيو: ...»): the act
    is read after it; with none there, a speaker's prefix makes the headline a statement occasion.
    """
    norm = normalize(text)
    head, sep, rest = norm.partition(":")
    if sep and rest.strip() and len(head.split()) <= _TAG_WORDS:
        found = _earliest_act(rest)
        if found is not None:
            return found[0], found[1] + len(head) + 1
        tag = _earliest_act(head)
        return tag if tag is not None else (STATEMENT_ACT, 0)
    return _earliest_act(norm)


def _since(text: str, start: int) -> bool:
    """A day introduced by «منذ» (since) starts an act still going on: it is not the day of the news."""
    return normalize(text[max(0, start - 8):start]).split()[-1:] == ["منذ"]


def split_act(act: str) -> tuple[str, str | None]:
    """``"consult-phone"`` -> (``"CONSULT"``, ``"phone"``)."""
    kind, _, mode = act.partition("-")
    return kind.upper(), mode or None


def main_event(doc: Document, events: list[Event] = (), timexes: list[TimeExpression] = (),
               lead_chars: int = EmbedConfig().lead_chars, mentions: list[Mention] = ()) -> MainEvent:
    """The article's main event from its headline and lead (see the module docstring for the rule)."""
    first = sentences(doc.text[:lead_chars * 2])
    lead_end = len(lead_text(doc, n_sentences=2, max_chars=lead_chars)) + 50
    lead_events = [e for e in events if e.sent_start < lead_end and not e.background]
    found = headline_act(doc.title) if doc.title else None
    if found is None:
        found = headline_act(first[0].text) if first else None
    if found is not None:
        ev_type, mode = split_act(found[0])
        act = found[0]
    elif lead_events:
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
