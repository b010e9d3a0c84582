"""Main-event type of a headline: rasid's rule (rasid/stories/mainevent.py) against hand labels.

The labels (eval/stories/headline_events.jsonl, rule in eval/stories/HEADLINE_EVENTS.md) were made by
reading 230 September 2018 ANT headlines before the rule was run on them (the TEST set); a DEV set to
tune on, eval/stories/headline_events_dev.jsonl, holds 270 July 2018 headlines labelled the same way
(``--labels``), and eval/stories/headline_events_train.jsonl 440 of April and August 2018 (``--spread``
draw) to train the classifier on. ``--sample 2018-07 --n 270 --seed 718`` prints the ids and headlines such a set was drawn
from, for labelling (the text is never committed). Two conditions:

* ``headline`` - the act cues of the headline alone (``headline_act``);
* ``+lead``    - ``main_event`` as the clusterer calls it (NER, dates and events extracted as the pipeline
  does); for a titled article it is the headline's act alone (the lead is read only for untitled ones);
* ``model``    - the trained headline classifier alone (rasid/data/headline_events.json, trained by
  scripts/train_headline_events.py on the TRAIN set, April + August 2018, and the DEV set);
* ``cues+model`` - the shipped combination (``HeadlineClassifier.read``, what ``main_event`` uses with
  ``[stories.cluster] headline_model = true``): the model's type where it is confident, else the cues'.

Printed: type accuracy over all headlines (NONE = no act), accuracy on the headlines that report an act,
and how often the rule finds an act at all (precision/recall of "has an act").

  python scripts/eval_headline_events.py [--data ../shared/data] [--labels eval/stories/headline_events_dev.jsonl]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dev.cluster_corpus import DEFAULT_DATA, iter_ant  # noqa: E402

from rasid.stories.headline_clf import HeadlineClassifier  # noqa: E402
from rasid.stories.mainevent import headline_act, main_event, split_act  # noqa: E402

LABELS = Path(__file__).resolve().parents[1] / "eval" / "stories" / "headline_events.jsonl"
NONE = "NONE"


def sample(data: Path, month: str, n: int, seed: int, spread: bool = False) -> None:
    """Print ``index<TAB>doc id<TAB>headline`` for ``n`` titled ANT articles of ``month`` (YYYY-MM), drawn
    with ``random.Random(seed)`` from the month's titled articles in id order: the draw behind a label set."""
    import random

    docs = sorted((d for d in iter_ant(data) if d.title and d.title.strip() and d.published
                   and d.published.strftime("%Y-%m") == month), key=lambda d: d.id)
    picks = stratified(docs, n, seed) if spread else random.Random(seed).sample(docs, min(n, len(docs)))
    for i, d in enumerate(picks):
        print(f"{i}\t{d.id}\t{d.title.strip()}")


def stratified(docs: list, n: int, seed: int) -> list:
    """``n`` articles spread over (outlet, section) strata: each stratum gets a share proportional to the
    square root of its size (largest remainders; small strata are not drowned by the big outlets' sport and
    Middle-East desks), drawn with ``random.Random(seed)`` in id order; a headline already drawn (the same
    article filed twice) is skipped. The draw behind the training set (April and August 2018)."""
    import math
    import random

    strata: dict[tuple[str, str], list] = {}
    for d in docs:
        strata.setdefault((d.outlet or "", d.id.split("-")[1]), []).append(d)
    keys = sorted(strata)
    weight = {k: math.sqrt(len(strata[k])) for k in keys}
    total = sum(weight.values())
    quota = {k: min(len(strata[k]), int(n * weight[k] / total)) for k in keys}
    rest = sorted(keys, key=lambda k: (-(n * weight[k] / total - int(n * weight[k] / total)), k))
    for k in rest:
        if sum(quota.values()) >= n:
            break
        if quota[k] < len(strata[k]):
            quota[k] += 1
    rng, seen, out = random.Random(seed), set(), []
    for k in keys:
        for d in rng.sample(strata[k], len(strata[k])):
            if quota[k] == 0:
                break
            title = d.title.strip()
            if title in seen:
                continue
            seen.add(title)
            out.append(d)
            quota[k] -= 1
    return out


def act_type(act: str | None) -> str:
    """The label a predicted act stands for (its PLOVER type; the statement act is STATEMENT)."""
    return split_act(act)[0] if act else NONE


def report(name: str, gold: dict[str, str], pred: dict[str, str]) -> None:
    n = len(gold)
    right = sum(pred[d] == g for d, g in gold.items())
    acts = [d for d, g in gold.items() if g != NONE]
    right_acts = sum(pred[d] == gold[d] for d in acts)
    found = [d for d in gold if pred[d] != NONE]
    p = sum(gold[d] != NONE for d in found) / len(found) if found else 0.0
    r = sum(pred[d] != NONE for d in acts) / len(acts) if acts else 0.0
    print(f"| {name} | {right}/{n} = {right / n:.3f} | {right_acts}/{len(acts)} = {right_acts / len(acts):.3f} | "
          f"{p:.3f}/{r:.3f} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--labels", type=Path, default=LABELS, help="label file (default: the September test set)")
    ap.add_argument("--confusions", type=int, default=10, help="most frequent (gold, predicted) errors")
    ap.add_argument("--model", default="headline_events.json", help="classifier JSON: a file, or a name under rasid/data/")
    ap.add_argument("--no-model", action="store_true", help="the cue reader only")
    ap.add_argument("--sample", metavar="YYYY-MM", help="print a draw of headlines to label and exit")
    ap.add_argument("--n", type=int, default=270, help="size of the --sample draw")
    ap.add_argument("--seed", type=int, default=718, help="seed of the --sample draw")
    ap.add_argument("--spread", action="store_true", help="--sample spread over outlets and sections")
    args = ap.parse_args()
    if not (args.data / "ant_multisource").is_dir():
        print(f"no data at {args.data}; skipping")
        return 0
    if args.sample:
        sample(args.data, args.sample, args.n, args.seed, args.spread)
        return 0
    gold = {r["doc"]: r["type"] for r in map(json.loads, args.labels.read_text(encoding="utf-8").splitlines())}
    docs = {d.id: d for d in iter_ant(args.data) if d.id in gold}
    gold = {k: v for k, v in gold.items() if k in docs}
    head = {d: act_type((headline_act(docs[d].title or "") or (None, 0))[0]) for d in gold}

    from rasid.extract.entities import EntityResolver
    from rasid.extract.events.coder import EventCoder
    from rasid.extract.ner import NerTagger
    from rasid.extract.temporal import find_dates

    tagger, coder, resolver = NerTagger.load(), EventCoder.load(), EntityResolver()
    lead = {}
    for d in gold:
        doc = docs[d]
        m = tagger.tag(d, doc.text)
        resolver.resolve(m, texts={d: doc.text})
        t = find_dates(d, doc.text, doc.published)
        lead[d] = main_event(doc, coder.code(doc, m, t), t, mentions=m).type or NONE
    print(f"{len(gold)} headlines, {sum(v != NONE for v in gold.values())} with an act\n")
    print("| rule | type accuracy (all) | type accuracy (headlines with an act) | has-an-act P/R |")
    print("|---|---|---|---|")
    report("headline", gold, head)
    report("+lead", gold, lead)
    model = None
    if not args.no_model:
        file = Path(args.model)
        model = (HeadlineClassifier(json.loads(file.read_text(encoding="utf-8"))) if file.is_file()
                 else HeadlineClassifier.load(args.model))
    if model is not None:
        readings = {d: model.read(docs[d].title or "") for d in gold}
        report("model", gold, {d: r.model_type for d, r in readings.items()})
        report(f"cues+model (override at p >= {model.override})", gold, {d: r.type for d, r in readings.items()})
        both = {d: r.type for d, r in readings.items()}
        errors = Counter((gold[d], both[d]) for d in gold if both[d] != gold[d])
        print("\ncues+model, most frequent errors (gold → predicted): "
              + ", ".join(f"{g}→{p} ×{n}" for (g, p), n in errors.most_common(args.confusions)))
    errors = Counter((gold[d], head[d]) for d in gold if head[d] != gold[d])
    print("\nheadline rule, most frequent errors (gold → predicted): "
          + ", ".join(f"{g}→{p} ×{n}" for (g, p), n in errors.most_common(args.confusions)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
