"""The extraction components (NER → dates → events → claims) and the registry that builds them by name.

Entity resolution is not a component: it depends on every earlier document, so the driver runs
it between tagging and event coding (see ``rasid.run.stages.extract``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rasid.extract.base import AnalyzedDoc, Component

if TYPE_CHECKING:
    from rasid.extract.events.coder import EventCoder
    from rasid.extract.ner import NerTagger


@dataclass
class NerComponent:
    """PER/ORG/LOC mentions from the CRF tagger."""

    tagger: NerTagger
    name: str = "ner"

    def __call__(self, adoc: AnalyzedDoc) -> list:
        return self.tagger.tag(adoc.id, adoc.text, sents=adoc.sentences())

    def many(self, adocs: list[AnalyzedDoc]) -> list[list]:
        """``self(a)`` of each document, tagged in one batch (``NerTagger.tag_many``)."""
        return self.tagger.tag_many([(a.id, a.text, a.sentences()) for a in adocs])


@dataclass
class DatesComponent:
    """Temporal expressions, resolved against the publication date."""

    find_dates: Callable
    name: str = "dates"

    def __call__(self, adoc: AnalyzedDoc) -> list:
        return self.find_dates(adoc.id, adoc.text, adoc.doc.published_local, normalized=adoc.normalized())


@dataclass
class EventsComponent:
    """Coded events; reads the (resolved) mentions and the dates found before it."""

    coder: EventCoder
    name: str = "events"

    def __call__(self, adoc: AnalyzedDoc) -> list:
        return self.coder.code(adoc.doc, adoc.results.get("ner", []), adoc.results.get("dates", []),
                               sents=adoc.sentences())


@dataclass
class ClaimsComponent:
    """Attributed claims; reuses the document's dates when the dates component ran (else finds them)."""

    find_claims: Callable
    name: str = "claims"

    def __call__(self, adoc: AnalyzedDoc) -> list:
        return self.find_claims(adoc.doc, adoc.results.get("ner", []), adoc.results.get("dates"),
                                sents=adoc.sentences(), normalized=adoc.normalized())


def _ner(models: object) -> Component | None:
    tagger = getattr(models, "tagger", None)
    return NerComponent(tagger) if tagger is not None else None


def _dates(_models: object) -> Component | None:
    from rasid.extract.temporal import find_dates

    return DatesComponent(find_dates)


def _events(models: object) -> Component | None:
    coder = getattr(models, "coder", None)
    return EventsComponent(coder) if coder is not None else None


def _claims(_models: object) -> Component | None:
    from rasid.extract.attribution import find_claims

    return ClaimsComponent(find_claims)


# name -> factory(models) returning the component, or None when its model is unavailable
COMPONENTS: dict[str, Callable[[object], Component | None]] = {
    "ner": _ner, "dates": _dates, "events": _events, "claims": _claims,
}


def build_components(names: list[str], models: object, notes: list[str] | None = None) -> list[Component]:
    """The named components in order, skipping (with a note) those whose model or module is missing."""
    out: list[Component] = []
    for name in names:
        try:
            comp = COMPONENTS[name](models)
        except (ImportError, AttributeError) as exc:
            if notes is not None:
                notes.append(f"{name} unavailable: {exc}")
            continue
        if comp is not None:
            out.append(comp)
    return out
