"""Story timelines and publication-date inference.

The same event reported by several outlets becomes one entry listing all of
them: events merge when type and mode agree, dates are within a day (reports
written on different days resolve "أمس" to the same day), and actors overlap
(or one side has none). Entries keep the sentence of the earliest report.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from rasid.config import TimelineConfig
from rasid.extract.temporal import find_dates, period_first, period_last
from rasid.models import Document, Event, Story, TimelineEntry

_DEFAULT = TimelineConfig()


def build_timeline(story: Story, events: list[Event], docs: dict[str, Document],
                   config: TimelineConfig = _DEFAULT) -> list[TimelineEntry]:
    """Dated events of the story in order, background flagged, each with the outlets reporting it."""
    in_story = set(story.doc_ids) if story.doc_ids else set(docs)
    evs = [e for e in events if e.doc_id in in_story and e.date]
    evs.sort(key=lambda e: (_pub_key(docs.get(e.doc_id)), e.doc_id, e.sent_start))
    clusters: list[list[Event]] = []
    for e in evs:
        target = next((c for c in clusters if _same_event(c[0], e, config.merge_tolerance_days)), None)
        if target is None:
            clusters.append([e])
        else:
            target.append(e)
    entries: list[TimelineEntry] = []
    for c in clusters:
        first = c[0]
        doc = docs[first.doc_id]
        outlets: list[str] = []
        for e in c:
            d = docs.get(e.doc_id)
            name = (d.outlet if d and d.outlet else e.doc_id)
            if name not in outlets:
                outlets.append(name)
        entries.append(TimelineEntry(
            date=first.date, date_end=first.date_end, granularity=first.granularity, text=doc.text[first.sent_start:first.sent_end], doc_id=first.doc_id,
            start=first.sent_start, end=first.sent_end, event_id=first.id,
            background=all(e.background for e in c), sources=sorted(outlets),
        ))
    entries.sort(key=lambda t: (t.date or "9999", t.doc_id, t.start))
    return entries


def infer_publication_range(doc: Document, story_docs: list[Document],
                            config: TimelineConfig = _DEFAULT) -> tuple[datetime, datetime] | None:
    """When ``doc`` has no date: between the latest date it mentions and the story's dated articles.

    Lower bound: the latest past absolute day the text mentions (it reports it) or the earliest
    story publication minus slack; upper bound: the latest story publication plus slack.
    """
    if doc.published:
        return doc.published, doc.published
    pubs = sorted(d.published for d in story_docs if d.published and d.id != doc.id)
    mentioned = [t.value for t in find_dates(doc.id, doc.text, None) if t.value and len(t.value) == 10]
    latest_mention = datetime.fromisoformat(max(mentioned)) if mentioned else None
    if not pubs and latest_mention is None:
        return None
    slack = timedelta(days=config.publication_slack_days)
    if pubs:
        lo, hi = _naive(pubs[0]) - slack, _naive(pubs[-1]) + slack
        if latest_mention and latest_mention > lo:
            lo = min(latest_mention, hi)
    else:
        lo = latest_mention
        hi = latest_mention + timedelta(days=7)
    return lo, hi


def _naive(dt: datetime) -> datetime:
    return dt.replace(tzinfo=None)


def _pub_key(doc: Document | None) -> datetime:
    return _naive(doc.published) if doc and doc.published else datetime.max




def _span(e: Event) -> tuple[date, date]:
    """The days an event's date covers: a range «من 3 إلى 5 مارس», a month, a year or one day."""
    return period_first(e.date), period_last(e.date_end or e.date)


def _same_event(a: Event, b: Event, tolerance_days: int) -> bool:
    """Same type and mode, dates that overlap, and actors that overlap (or one side has none).

    Two days match within ``tolerance_days`` (reports on different days resolve «أمس» differently);
    a day matches a range or a period that contains it, with the same tolerance at the range's ends
    («من 3 إلى 5 مارس» and «4 مارس»); two ranges match when they overlap (1–2 and 10–12 do not). A month
    or a year matches only the dates inside it, with no tolerance: a coarse date is not a near miss.
    """
    if a.type != b.type or (a.mode and b.mode and a.mode != b.mode):
        return False
    (a0, a1), (b0, b1) = _span(a), _span(b)
    slack = timedelta(days=tolerance_days if _day_level(a) and _day_level(b) else 0)
    if a0 - slack > b1 or b0 - slack > a1:
        return False
    pa, pb = set(a.actors) | set(a.targets), set(b.actors) | set(b.targets)
    return not pa or not pb or bool(pa & pb)


def _day_level(e: Event) -> bool:
    """A day or a range of days (not a month, a year or a week-long period given as a month value)."""
    return len(e.date) == 10 and (not e.date_end or len(e.date_end) == 10)
