"""Storylines: the affairs that event stories belong to, as stored and served.

Which story belongs to which storyline is decided by the story clusterer, once, when a story is founded
(``StoryClusterer.lines``; see rasid/stories/cluster.py), so storyline ids never change. This module turns
that map and the stored stories into ``Storyline`` records: the stories in time order, the affair's
first and last date, its outlets and a title.
"""

from __future__ import annotations

from datetime import datetime

from rasid.models import StoryBrief, Storyline


def line_of(lines: dict[str, str], story_id: str) -> str:
    """The storyline of ``story_id`` (a story the map does not know, e.g. from before storylines, is its own)."""
    return lines.get(story_id) or "l-" + story_id


def _time_key(s: StoryBrief) -> tuple[bool, datetime, str]:
    return (s.first_date is None, s.first_date or datetime.min, s.id)


def build_storyline(line_id: str, stories: list[StoryBrief]) -> Storyline:
    """The storyline ``line_id`` of ``stories``: time order, date span, outlets, size.

    The title is that of its biggest story (the earliest among equals): the affair is best named by the
    event most outlets covered, not by whichever small act happened to start it.
    """
    ordered = sorted(stories, key=_time_key)
    firsts = [s.first_date for s in ordered if s.first_date]
    lasts = [s.last_date or s.first_date for s in ordered if s.last_date or s.first_date]
    main = min(ordered, key=lambda s: (-s.size, _time_key(s))) if ordered else None
    return Storyline(
        id=line_id, story_ids=[s.id for s in ordered], title=main.title if main else "",
        first_date=min(firsts) if firsts else None, last_date=max(lasts) if lasts else None,
        outlets=sorted({o for s in ordered for o in s.outlets}), size=sum(s.size for s in ordered))
