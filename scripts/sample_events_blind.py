"""Seeded sampler of the blind event test set (ids and offsets only; text stays in /work/shared/data).

Reserved for test: ANT multi-source, outlets BBC and france24, articles dated August 2018 (see eval/events/README.md).
Every sentence of those articles (``rasid.text.spans.sentences`` over the ``text`` field, 6-70 words) is a candidate;
the sample is half uniform over all candidates and half over the candidates holding an error-family cue word
(look-alike triggers, court, mockery/warning, sanctions, aid, release, strikes, denial/modality), seed 2026.

``--split train`` samples the same way from every other ANT article (train/dev labelling; sids ``trNNNN``).

``--split test2`` is the second, fresh test part (sids ``uNNN``, built after the first test set had been looked at
several times): SaudiNewsNet articles extracted in August 2015, files ``snn_005.jsonl`` onwards (the NER
distillation reads its silver from the first files), ids ``snn:<url>``, sentences of the ``content`` field. No
event model or lexicon was trained or tuned on SaudiNewsNet before it. ``--split snn-train`` samples SaudiNewsNet
articles extracted in July 2015 for training (sids ``sjNNNN``), so the coder also sees the economy, sport and
local-service news of Saudi outlets.

``--exclude FILE…`` leaves out every document of those label files (a further training sample of the same split
shares no document with the earlier ones) and ``--sid-prefix`` names its sids apart (``eval/events/train_snn2.jsonl``:
``--split snn-train --exclude eval/events/train_snn.jsonl --sid-prefix sk --seed 2029``).

Usage: python scripts/sample_events_blind.py [--data /work/shared/data] [--n 460] [--split test|train|test2|snn-train]
       [--exclude LABELS.jsonl …] [--sid-prefix P] --out FILE
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rasid.text.spans import sentences  # noqa: E402

DEFAULT_DATA = Path("/work/shared/data")
TEST_OUTLETS = {"BBC", "france24"}
TEST_MONTH = "Aug 2018"
SNN_MONTH = "2015-08"  # test2: SaudiNewsNet, August 2015, files snn_005 onwards
SNN_FIRST_FILE = 5
SNN_TRAIN_MONTH = "2015-07"  # snn-train: SaudiNewsNet, July 2015 (never test)
CUES = re.compile(
    "حركة|وقع|خلية|تحالف|دعم|محكمة|حكم|سجن|إعدام|سخر|حمل|مسؤولية|حذر|عقوبات|مساعدات|إغاثة|أفرج|إطلاق سراح|"
    "غارة|غارات|قصف|ضربة|ضربات|نفى|رفض التعليق|قد |من المتوقع|هدد|السلطات|قوات|اعتقل|مظاهر|احتجاج|هجوم")


def sha(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def in_test(d: dict) -> bool:
    return d["src"] in TEST_OUTLETS and TEST_MONTH in d["time"]


def snn_docs(data: Path, split: str):
    """(doc_id, text) of SaudiNewsNet articles: ``test2`` the ones reserved for the second test part (see the
    module docstring), ``snn-train`` those extracted in July 2015 (free for training)."""
    for f in sorted(glob.glob(str(data / "saudinewsnet" / "jsonl" / "snn_*.jsonl"))):
        if split == "test2" and int(Path(f).stem.split("_")[1]) < SNN_FIRST_FILE:
            continue
        month = SNN_MONTH if split == "test2" else SNN_TRAIN_MONTH
        for line in open(f, encoding="utf-8"):
            d = json.loads(line)
            if d.get("date_extracted", "").startswith(month) and d.get("content"):
                yield "snn:" + d["url"], d["content"]


def _candidates(docs) -> list[dict]:
    """Every distinct sentence of 6-70 words of ``docs`` ((doc_id, text) pairs), with offsets, sha and cue flag."""
    out, seen = [], set()
    for doc_id, text in docs:
        for s in sentences(text):
            txt = text[s.start:s.end]
            if not 6 <= len(txt.split()) <= 70 or txt in seen:
                continue
            seen.add(txt)
            out.append({"doc_id": doc_id, "sent_start": s.start, "sent_end": s.end, "sha": sha(txt),
                        "cue": bool(CUES.search(txt)), "_text": txt})
    return out


def ant_docs(data: Path, split: str):
    """(docno, text) of the ANT articles of ``split``: the reserved outlets/month for test, the rest for train."""
    for f in sorted(glob.glob(str(data / "ant_multisource" / "jsonl" / "*.jsonl"))):
        for line in open(f, encoding="utf-8"):
            d = json.loads(line)
            if in_test(d) == (split == "test"):
                yield d["docno"], d["text"]


def candidates(data: Path, split: str = "test") -> list[dict]:
    """The candidate sentences (``_candidates``) of the split's articles."""
    return _candidates(snn_docs(data, split) if split in ("test2", "snn-train") else ant_docs(data, split))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--n", type=int, default=460)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--split", choices=["test", "train", "test2", "snn-train"], default="test",
                    help="train: every ANT article outside the reserved outlets/month; test2: the fresh test part; snn-train: SaudiNewsNet July 2015 for training")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--exclude", type=Path, nargs="*", default=[], help="label files whose documents are left out")
    ap.add_argument("--sid-prefix", default=None, help="sid prefix (default by split: tr, u, sj, t)")
    args = ap.parse_args()
    done = {json.loads(line)["doc_id"] for p in args.exclude for line in open(p, encoding="utf-8")}
    cands = [c for c in candidates(args.data, args.split) if c["doc_id"] not in done]
    rng = random.Random(args.seed)
    uniform = rng.sample(cands, args.n // 2)
    taken = {(c["doc_id"], c["sent_start"]) for c in uniform}
    cued = [c for c in cands if c["cue"] and (c["doc_id"], c["sent_start"]) not in taken]
    sample = uniform + rng.sample(cued, args.n - len(uniform))
    with open(args.out, "w", encoding="utf-8") as f:
        for i, c in enumerate(sample):
            c["sid"] = ({"train": f"tr{i:04d}", "test2": f"u{i:03d}", "snn-train": f"sj{i:04d}"}.get(args.split, f"t{i:03d}")
                        if args.sid_prefix is None else f"{args.sid_prefix}{i:04d}")
            c["sampled"] = "uniform" if i < len(uniform) else "cue"
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    print(f"{len(cands)} candidate sentences ({sum(c['cue'] for c in cands)} with a cue); wrote {len(sample)}")


if __name__ == "__main__":
    main()
