"""Cross-source comparison inside one story: cluster claims, flag conflicting values.

Claims about the same fact share a slot, a topic (visit, phone call, withdrawal...)
and an anchor date within ``CompareConfig.date_tolerance_days`` (a phone call on 12 January and
a visit on 28 January are different facts, so "phone" vs "in_person" between them
is not a conflict). For the ``date`` slot the value itself is the anchor, so two
outlets dating the same visit a day apart do conflict, while a visit months
earlier is another fact. Counts are the same fact only with the same counted noun (and
the same topic when both clauses name one), and a figure is disputed only when some outlet
gives it without the other: one outlet giving 45 and 36 «نقطة» is scoring two teams.
Claims without a slot are grouped by word overlap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from rasid.config import CompareConfig
from rasid.extract.attribution import DocContext, claim_context
from rasid.models import Claim, Conflict, Document, TimeExpression
from rasid.text.normalize import words

# Slots whose differing values are flagged. "place" is clustered but not flagged: without a place
# hierarchy, «موسكو» vs «روسيا» vs «الكرملين» look like disagreements when they are nested places.
CONFLICT_SLOTS = {"visit_type", "meeting_mode", "count", "date"}
_DEFAULT = CompareConfig()


@dataclass
class _Group:
    id: str
    slot: str | None
    topic: str | None
    anchor: date | None
    claims: list[Claim] = field(default_factory=list)
    bag: set[str] = field(default_factory=set)


def compare_story(story_id: str, claims: list[Claim], docs: dict[str, Document],
                  timexes: dict[str, list[TimeExpression]] | None = None,
                  config: CompareConfig = _DEFAULT) -> tuple[list[Claim], list[Conflict]]:
    """Set ``story_id``/``group`` on each claim and return the story's conflicts (deterministic ids).

    ``timexes``: the stored ``find_dates`` results per doc id, when the caller has them (saves a pass per doc).
    """
    groups: list[_Group] = []
    ctxs = {d: DocContext(docs[d], None if timexes is None else timexes.get(d, []))
            for d in sorted({c.doc_id for c in claims}) if d in docs}
    ordered = sorted(claims, key=lambda c: (c.doc_id, c.start, c.id))
    for c in ordered:
        c.story_id = story_id
        doc = docs.get(c.doc_id)
        topic, anchor = claim_context(c, doc, ctxs[c.doc_id]) if doc is not None else (None, None)
        if c.slot == "meeting_mode":  # phone vs in person is the value being compared, not a different fact
            topic = "contact@background" if topic and topic.endswith("@background") else "contact"
        if c.slot == "date" and c.value and len(c.value) == 10:
            anchor = date.fromisoformat(c.value)
        bag = set(words(c.text))
        g = next((g for g in groups if _same_fact(g, c, topic, anchor, bag, config)), None)
        if g is None:
            g = _Group(f"{story_id}:g{len(groups)}", c.slot, topic, anchor)
            groups.append(g)
        g.claims.append(c)
        g.bag |= bag
        c.group = g.id
    conflicts: list[Conflict] = []
    for g in groups:
        if g.slot not in CONFLICT_SLOTS:
            continue
        values: dict[str, list[str]] = {}
        outlets: dict[str, list[str]] = {}
        voices: dict[str, set[str]] = {}
        for c in g.claims:
            if c.value is None or (g.slot == "count" and not c.value[:1].isdigit()):
                continue  # «عشرات» (dozens) is compatible with any figure
            values.setdefault(c.value, []).append(c.id)
            out = c.outlet or c.doc_id
            if out not in outlets.setdefault(c.value, []):
                outlets[c.value].append(out)
            # dates: an outlet giving two is describing two steps (arrival, departure); counts: an outlet giving
            # two figures for the same noun is counting two things (two teams' points, two crude grades)
            voices.setdefault(c.value, set()).add(out)
        if g.slot in ("date", "count"):
            keep = _exclusive(voices)
            values = {v: ids for v, ids in values.items() if v in keep}
            outlets = {v: o for v, o in outlets.items() if v in keep}
        if len(values) > 1 and len({c.doc_id for c in g.claims}) > 1:  # one article listing two figures is not a dispute
            conflicts.append(Conflict(id=f"{story_id}:cf{len(conflicts)}", story_id=story_id, slot=g.slot,
                                      values=dict(sorted(values.items())), outlets=dict(sorted(outlets.items()))))
    return claims, conflicts


def _same_fact(g: _Group, c: Claim, topic: str | None, anchor: date | None, bag: set[str],
               config: CompareConfig) -> bool:
    if g.slot != c.slot:
        return False
    if c.slot is None:
        if not bag or not g.bag:  # a claim of punctuation only («...») matches nothing by its words
            return False
        return len(g.bag & bag) / min(len(g.bag), len(bag)) >= config.text_overlap
    if c.slot == "count":
        noun = (c.value or "").split(" ", 1)[-1]
        gnoun = (g.claims[0].value or "").split(" ", 1)[-1]
        if noun != gnoun:
            return False
    if g.topic != topic and (c.slot != "count" or (g.topic and topic)):
        return False  # a count without a topic word is identified by its noun alone
    if g.anchor is None or anchor is None:
        return True
    return abs((g.anchor - anchor).days) <= config.date_tolerance_days


def _exclusive(voices: dict[str, set]) -> set[str]:
    """Values some voice gives without also giving another value of the group: only those disagree."""
    return {v for v, own in voices.items()
            if any(all(x not in other for w, other in voices.items() if w != v) for x in own)}
