"""Score a fixed set of dev-fitted event models with the current decoding (events.md, round seven).

Why: a decoding or lexicon change (role rules, the verbal test, new curated verbs) is judged without refitting,
so dev shows what the change does and not the noise of a new fit. ``--fit-out`` fits the five models on the train
part of the ``--dev`` split exactly as ``scripts/train_event_coder.py --dev`` does and writes them; ``--model``
scores such a file on the dev sentences with the code of the checkout that runs this script. Round seven's rows:
the models were fitted once with the round-six code (checkout 1b4330e) and scored with each later commit.

Usage: python scripts/dev/event_dev_models.py --fit-out /tmp/dev_models.json [--cache /tmp/rows.pkl]
       python scripts/dev/event_dev_models.py --model /tmp/dev_models.json [--cache /tmp/rows.pkl]
Exits 0 with a message when the data is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def main() -> None:
    import train_event_coder as T

    from rasid.extract.events.learned import Featurizer, LearnedCoder
    from rasid.extract.events.lexicon import EventLexicon

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=T.DEFAULT_DATA)
    ap.add_argument("--cache", type=Path, default=None, help="pickle of the prepared rows (made if missing)")
    ap.add_argument("--fit-out", type=Path, default=None)
    ap.add_argument("--model", type=Path, default=None)
    args = ap.parse_args()
    if not (args.data / "ant_multisource" / "jsonl").is_dir():
        print(f"skipped: {args.data / 'ant_multisource'} not found")
        return
    rows = T.prepare(args.data, args.cache, tuple(p for p in T.LABELS if p.exists()))
    is_dev = [r["labels_file"] in T.DEV_FILES and T.dev_split(r["doc_id"]) for r in rows]
    dev = [r for r, d in zip(rows, is_dev, strict=True) if d]
    if args.fit_out:
        feat = Featurizer(EventLexicon.load(), EventLexicon.load(include_up=True), None)
        cs = {"trigger": 1.0, "pos_weight": 3.0, "mode": 1.0, "status": 1.0, "background": 0.5, "role": 0.5,
              "sentence": 1.0}  # train_event_coder.py's defaults
        raw = T.train([r for r, d in zip(rows, is_dev, strict=True) if not d], feat, cs, True)
        raw.update(role_threshold=0.3, sentence_gate=0.2, threshold=0.3)
        args.fit_out.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
        print(f"wrote {args.fit_out}")
    if args.model:
        coder = LearnedCoder(json.loads(args.model.read_text(encoding="utf-8")))
        r = T.score_roles(coder, dev)
        s = T.score(coder, dev)
        print(f"dev {len(dev)} sentences: detection P {s['det_p']:.3f} R {s['det_r']:.3f} | micro F1 {s['f1']:.3f} | "
              f"roles at gold triggers: actor {r['actor']:.3f} target {r['target']:.3f}; a role given where gold has "
              f"none: actor {r['actor_spurious']:.3f} target {r['target_spurious']:.3f}")


if __name__ == "__main__":
    main()
