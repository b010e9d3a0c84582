"""Readers for the public NER corpora (ANERcorp, AQMAR, Wojood) mapped to PER/ORG/LOC BIO tags.

Mapping (documented in docs/results/entities.md):
  ANERcorp  PERS->PER, ORG->ORG, LOC->LOC, MISC->O
  AQMAR     PER/ORG/LOC kept, MIS0..3 and typo tags (B-MISS1, OO...)->O, "I--ORG"->I-ORG
  Wojood    PERS->PER, ORG->ORG, GPE/LOC/FAC->LOC, all 17 other types->O; nested spans are
            flattened keeping the longest (outermost) mapped span.
  News      eval/ner/news_*.jsonl records (character spans into article bodies re-read from the corpora,
            rule eval/ner/ANNOTATION.md) -> tokens of ``rasid.text.spans.tokens``, a token inside or
            overlapping a span takes its label (a clitic-prefixed token such as «بالرياض» is B-LOC, as in
            ANERcorp; the tagger's rules trim the clitic).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from rasid.extract.ner.bio import spans  # noqa: F401  (re-exported for the evaluation scripts)

Sentence = tuple[list[str], list[str]]  # tokens, BIO tags

_MAP = {"PERS": "PER", "PER": "PER", "ORG": "ORG", "LOC": "LOC", "GPE": "LOC", "FAC": "LOC"}
_TAG_RE = re.compile(r"^([BI])-+([A-Z]+)")


def _bio_fix(tags: list[str]) -> list[str]:
    """Turn an I- without a same-type predecessor into B-."""
    out: list[str] = []
    for t in tags:
        if t.startswith("I-") and (not out or out[-1] == "O" or out[-1][2:] != t[2:]):
            t = "B-" + t[2:]
        out.append(t)
    return out


def _map_tag(tag: str, allowed: set[str]) -> str:
    m = _TAG_RE.match(tag)
    if not m:
        return "O"
    typ = _MAP.get(m.group(2))
    if typ is None or m.group(2) not in allowed:
        return "O"
    return f"{m.group(1)}-{typ}"


def read_conll(path: Path, allowed: set[str]) -> list[Sentence]:
    """Two-column 'token TAG' files with blank-line sentence breaks."""
    sents: list[Sentence] = []
    toks: list[str] = []
    tags: list[str] = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split()
        if not parts:
            if toks:
                sents.append((toks, _bio_fix(tags)))
                toks, tags = [], []
            continue
        toks.append(parts[0])
        tags.append(_map_tag(parts[1], allowed) if len(parts) > 1 else "O")
    if toks:
        sents.append((toks, _bio_fix(tags)))
    return sents


def read_anercorp(path: Path) -> list[Sentence]:
    return read_conll(path, {"PERS", "ORG", "LOC"})


def read_aqmar(path: Path) -> list[Sentence]:
    return read_conll(path, {"PER", "ORG", "LOC"})


def read_wojood(path: Path) -> list[Sentence]:
    """Nested multi-tag lines; keep the outermost mapped span where spans overlap."""
    sents: list[Sentence] = []
    block: list[list[str]] = []
    lines = path.read_text(encoding="utf-8").splitlines() + [""]
    for line in lines:
        parts = line.split()
        if parts:
            block.append(parts)
            continue
        if not block:
            continue
        toks = [p[0] for p in block]
        found: list[tuple[int, int, str]] = []
        for src in {m.group(2) for p in block for t in p[1:] if (m := _TAG_RE.match(t))}:
            typ = _MAP.get(src)
            if typ is None:
                continue
            start = None
            for i, p in enumerate(block + [["", "O"]]):
                here = {t for t in p[1:] if t.endswith("-" + src)}
                if start is not None and f"I-{src}" not in here:
                    found.append((start, i, typ))
                    start = None
                if f"B-{src}" in here or (f"I-{src}" in here and start is None):
                    start = i
        found.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
        tags = ["O"] * len(toks)
        for s, e, typ in found:
            if all(t == "O" for t in tags[s:e]):
                tags[s] = "B-" + typ
                for k in range(s + 1, e):
                    tags[k] = "I-" + typ
        sents.append((toks, tags))
        block = []
    return sents


def aqmar_split(folder: Path) -> tuple[list[Path], list[Path]]:
    """Split AQMAR by article: every 4th article (sorted by name) is held out for testing."""
    files = sorted(p for p in folder.glob("*.txt") if p.name != "MANIFEST.txt")
    test = files[::4]
    train = [p for p in files if p not in test]
    return train, test


SPLITS_FILE = Path(__file__).resolve().parents[2] / "eval" / "ner" / "splits.json"


def _ranges(sents: list[Sentence], ranges: list[list[int]]) -> list[Sentence]:
    return [s for a, b in ranges for s in sents[a:b]]


def frozen_split(data: Path, part: str, splits: Path = SPLITS_FILE) -> dict[str, list[Sentence]]:
    """Sentences of one part ("train" / "dev" / "test") of the frozen document-level split
    (eval/ner/splits.json), per corpus. The "test" part is to be reported once, at the end."""
    if part not in ("train", "dev", "test"):
        raise ValueError(part)
    import json

    sp = json.loads(splits.read_text(encoding="utf-8"))
    aner = read_anercorp(data / sp["anercorp"]["file"])
    woj = {f: read_wojood(data / "wojood_sample" / f) for f in sp["wojood_sample"][part]}
    return {
        "anercorp": _ranges(aner, sp["anercorp"][part]),
        "wojood": [s for f, r in sp["wojood_sample"][part].items() for s in _ranges(woj[f], r)],
        "aqmar": [s for f in sp["aqmar"][part] for s in read_aqmar(data / "aqmar" / f)],
    }


def read_bodies(data: Path, doc_ids: set[str]) -> dict[str, str]:
    """Article bodies by id (first occurrence): ``snn:<url>`` -> content, ``ant:<docno>`` -> text."""
    out: dict[str, str] = {}
    for sub, key, field in (("saudinewsnet", "url", "content"), ("ant_multisource", "docno", "text")):
        prefix = "snn:" if sub == "saudinewsnet" else "ant:"
        for f in sorted((data / sub / "jsonl").glob("*.jsonl")):
            with f.open(encoding="utf-8") as fh:
                for line in fh:
                    d = json.loads(line)
                    k = prefix + d[key]
                    if k in doc_ids and k not in out:
                        out[k] = d.get(field) or ""
    return out


def news_records(path: Path, part: str | None = None) -> list[dict]:
    """Records of an eval/ner/news_*.jsonl file, those of ``part`` ("train" / "dev") only when given."""
    recs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in recs if part is None or r.get("part") == part]


def news_sentences(recs: list[dict], bodies: dict[str, str]) -> list[Sentence]:
    """Token BIO sentences of hand-labelled news records (see the module docstring for the token rule)."""
    from rasid.text.spans import tokens

    out: list[Sentence] = []
    for r in recs:
        s0, e0 = r["sent"]
        toks = tokens(bodies[r["doc"]][s0:e0])
        tags = ["O"] * len(toks)
        for a, b, typ in r["ents"]:
            inside = [k for k, t in enumerate(toks) if t.start + s0 < b and a < t.end + s0]
            for n, k in enumerate(inside):
                tags[k] = ("B-" if n == 0 else "I-") + typ
        out.append(([t.text for t in toks], tags))
    return out


def add_news_gold_args(ap) -> None:  # noqa: ANN001 - an argparse.ArgumentParser
    """The training scripts' options for the hand-labelled news records (round thirteen)."""
    ap.add_argument("--news-gold", type=Path, default=None,
                    help="hand-labelled news records (eval/ner/news_train.jsonl); the parts named by --news-parts "
                         "join the training sentences, repeated --news-repeat times (rule eval/ner/ANNOTATION.md)")
    ap.add_argument("--news-repeat", type=int, default=1)
    ap.add_argument("--news-parts", default="train",
                    help="comma-separated parts to train on (train3 … train6: the third to sixth batches; the shipped models use train … train5)")


def news_gold_records(args, data: Path) -> tuple[list[dict], dict[str, str]]:  # noqa: ANN001 - argparse.Namespace
    """The news training records of the parts ``add_news_gold_args`` asked for, and their articles' bodies
    (read once: a scan of every corpus file); nothing without --news-gold."""
    if not args.news_gold:
        return [], {}
    recs = [r for part in args.news_parts.split(",") for r in news_records(args.news_gold, part)]
    return recs, read_bodies(data, {r["doc"] for r in recs})


def news_gold_sentences(args, data: Path,  # noqa: ANN001 - argparse.Namespace
                        gold: tuple[list[dict], dict[str, str]] | None = None) -> list[Sentence]:
    """The news training sentences ``add_news_gold_args`` asked for, already repeated (none without --news-gold).
    ``gold``: ``news_gold_records``' output when the caller already read it."""
    recs, bodies = gold if gold is not None else news_gold_records(args, data)
    if not recs:
        return []
    news = news_sentences(recs, bodies)
    print(f"+ {len(news)} hand-labelled news sentences from {args.news_gold} (x{args.news_repeat})")
    return news * args.news_repeat


def news_first_words(recs: list[dict], bodies: dict[str, str]) -> list[str]:
    """The first word of each name of news records, read from the labelled offsets, so without the clitic the
    token carries («ومجدي عبدالغني» → «مجدي»); once per name."""
    return [bodies[r["doc"]][a:b].split()[0] for r in recs for a, b, _t in r["ents"] if bodies[r["doc"]][a:b].split()]


NER_EVAL = Path(__file__).resolve().parents[2] / "eval" / "ner"
NEWS_SETS = (NER_EVAL / "news_test.jsonl", NER_EVAL / "news_train.jsonl")  # the hand-labelled news NER sets


def record_docs(*paths: Path) -> set[str]:
    """The articles (``doc`` ids) of JSONL record files that exist (eval/ner/news_*.jsonl): unlabelled-news steps
    (silver labels, word counts) leave them out."""
    return {json.loads(line)["doc"] for path in paths if path.exists()
            for line in path.open(encoding="utf-8") if line.strip()}


def snn_bodies(data: Path, skip: set[str], min_chars: int = 200) -> Iterator[str]:
    """SaudiNewsNet article bodies in file order, without the articles of ``skip`` (``snn:<url>`` ids) and
    bodies shorter than ``min_chars``."""
    for f in sorted((data / "saudinewsnet" / "jsonl").glob("*.jsonl")):
        with f.open(encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                body = d.get("content") or ""
                if "snn:" + d.get("url", "") not in skip and len(body) >= min_chars:
                    yield body
